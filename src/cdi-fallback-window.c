/* cdi-fallback-window.c - the disks in a small window, for desktops that show no tray icon
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-fallback-window.h"

#include <glib/gi18n.h>

#include "cdi-indicator.h"

struct _CdiFallbackWindow
{
  GtkApplicationWindow parent_instance;

  GtkListBox *disk_list;
};

G_DEFINE_FINAL_TYPE (CdiFallbackWindow, cdi_fallback_window, GTK_TYPE_APPLICATION_WINDOW)

static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *target)
{
  GtkWidget *button = gtk_button_new_with_label (label);
  g_autofree char *detailed = g_strconcat ("app.", action, NULL);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), detailed);
  if (target != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                            g_variant_new_string (target));
  return button;
}

static GtkWidget *
disk_row (const CdiDiskRow *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (row->name);
  g_autofree char *label = cdi_disk_row_dup_action_label (row);
  const char *action = cdi_disk_row_action_name (row);
  g_autofree char *properties = NULL;
  GtkWidget *button;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_box_pack_start (GTK_BOX (text), name, FALSE, FALSE, 0);
  if (row->space != NULL)
    {
      GtkWidget *space = gtk_label_new (row->space);

      gtk_label_set_xalign (GTK_LABEL (space), 0);
      gtk_style_context_add_class (gtk_widget_get_style_context (space), "dim-label");
      gtk_box_pack_start (GTK_BOX (text), space, FALSE, FALSE, 0);
    }
  gtk_box_pack_start (GTK_BOX (box), text, TRUE, TRUE, 0);
  if (row->space != NULL)
    gtk_box_pack_start (GTK_BOX (box), action_button (_("Show Files"), "show-files", row->name),
                        FALSE, FALSE, 0);
  button = action_button (label, action != NULL ? action : "open", row->name);
  gtk_widget_set_sensitive (button, action != NULL);
  gtk_box_pack_start (GTK_BOX (box), button, FALSE, FALSE, 0);
  button = action_button (_("Properties…"), "properties", row->name);
  /* Translators: accessible name of a disk's Properties button; %s is the disk's name */
  properties = g_strdup_printf (_("Properties of %s"), row->name);
  atk_object_set_name (gtk_widget_get_accessible (button), properties);
  gtk_box_pack_start (GTK_BOX (box), button, FALSE, FALSE, 0);
  g_object_set (box, "margin", 6, NULL);
  gtk_widget_show_all (box);
  return box;
}

static void
update (CdiFallbackWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (self->disk_list));

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  if (app == NULL)
    return;
  rows = cdi_application_get_rows (CDI_APPLICATION (app));
  for (guint i = 0; i < rows->len; i++)
    gtk_container_add (GTK_CONTAINER (self->disk_list), disk_row (g_ptr_array_index (rows, i)));
}

static void
cdi_fallback_window_class_init (CdiFallbackWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-fallback-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CdiFallbackWindow, disk_list);
}

static void
cdi_fallback_window_init (CdiFallbackWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
cdi_fallback_window_present (CdiApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  CdiFallbackWindow *self;

  for (GList *l = windows; l != NULL; l = l->next)
    if (CDI_IS_FALLBACK_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  self = g_object_new (CDI_TYPE_FALLBACK_WINDOW, "application", app, NULL);
  g_signal_connect_object (app, "rows-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  gtk_window_present (GTK_WINDOW (self));
}
