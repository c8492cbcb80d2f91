/* cdi-grow-dialog.c - "Grow…" of a disk: a new, larger maximum size
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-grow-dialog.h"

#include <glib/gi18n.h>

#include "cdi-form.h"
#include "cdi-manage.h"
#include "cdi-path-checks.h"
#include "cdi-size.h"

struct _CdiGrowDialog
{
  GtkDialog parent_instance;

  CdiDisk *disk;
  gboolean is_open;
  guint64 current;     /* 0: unknown */
  guint64 free_bytes;  /* 0: unknown */
  guint64 new_size;
  gboolean running;
  GtkLabel *current_label;
  GtkSpinButton *size_spin;
  GtkLabel *message;
  GtkWidget *grow_button;
};

G_DEFINE_FINAL_TYPE (CdiGrowDialog, cdi_grow_dialog, GTK_TYPE_DIALOG)

static guint64
wanted_bytes (CdiGrowDialog *self)
{
  return cdi_form_get_size (self->size_spin);
}

static void
cdi_grow_dialog_changed_cb (CdiGrowDialog *self)
{
  guint64 bytes = wanted_bytes (self);
  gboolean ok = bytes <= CDI_SIZE_MAX && (self->current == 0 || bytes > self->current);

  if (!ok)
    cdi_set_message (self->message, _("A disk only grows: choose a larger size, at most 64 TiB."),
                     TRUE);
  else if (self->free_bytes > 0 && bytes - MIN (bytes, self->current) > self->free_bytes)
    cdi_set_message (self->message, _("The growth is more than the free space where the image "
                                      "is. The image can then fill that file system."), TRUE);
  else
    cdi_set_message (self->message, self->is_open
                                    ? _("The disk is open: it grows now, with its file system.")
                                    : _("The file system grows to the new size at the next open."),
                     FALSE);
  gtk_widget_set_sensitive (self->grow_button, ok && !self->running);
}

static void
grown_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CdiGrowDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  self->running = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->size_spin), TRUE);
  if (cdi_manage_grow_finish (result, &self->new_size, &error))
    {
      gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_APPLY);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("The disk did not grow: %s"), error->message);

      cdi_set_message (self->message, text, TRUE);
    }
  gtk_widget_set_sensitive (self->grow_button, TRUE);
}

static void
response_cb (CdiGrowDialog *self,
             int            response)
{
  if (response != GTK_RESPONSE_OK)
    return;
  g_signal_stop_emission_by_name (self, "response");
  if (self->running || !gtk_widget_get_sensitive (self->grow_button))
    return;
  self->running = TRUE;
  gtk_widget_set_sensitive (self->grow_button, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->size_spin), FALSE);
  cdi_set_message (self->message, _("Growing…"), FALSE);
  cdi_manage_grow_async (cdi_disk_get_image (self->disk), wanted_bytes (self), self->is_open,
                         /* cancellable= */ NULL, grown_cb, g_object_ref (self));
}

guint64
cdi_grow_dialog_get_new_size (CdiGrowDialog *self)
{
  return self->new_size;
}

static void
cdi_grow_dialog_dispose (GObject *object)
{
  CdiGrowDialog *self = CDI_GROW_DIALOG (object);

  g_clear_object (&self->disk);
  G_OBJECT_CLASS (cdi_grow_dialog_parent_class)->dispose (object);
}

static void
cdi_grow_dialog_class_init (CdiGrowDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cdi_grow_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-grow-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdiGrowDialog, current_label);
  gtk_widget_class_bind_template_child (widget_class, CdiGrowDialog, size_spin);
  gtk_widget_class_bind_template_child (widget_class, CdiGrowDialog, message);
  gtk_widget_class_bind_template_child (widget_class, CdiGrowDialog, grow_button);
  gtk_widget_class_bind_template_callback (widget_class, cdi_grow_dialog_changed_cb);
}

static void
cdi_grow_dialog_init (CdiGrowDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

GtkWidget *
cdi_grow_dialog_new (GtkWindow *parent,
                     CdiDisk   *disk,
                     gboolean   is_open)
{
  CdiGrowDialog *self = g_object_new (CDI_TYPE_GROW_DIALOG, "use-header-bar", FALSE,
                                      "transient-for", parent, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *current = NULL;
  g_autofree char *free_text = NULL;

  self->disk = g_object_ref (disk);
  self->is_open = is_open;
  /* Translators: window title; %s is the disk's name */
  title = g_strdup_printf (_("Grow %s"), cdi_disk_get_name (disk));
  gtk_window_set_title (GTK_WINDOW (self), title);

  if (!cdi_manage_get_virtual_size (cdi_disk_get_image (disk), &self->current, &error))
    self->current = 0;
  self->free_bytes = cdi_free_space_for (cdi_disk_get_image (disk), /* ret_folder= */ NULL);
  free_text = g_format_size_full (self->free_bytes, G_FORMAT_SIZE_IEC_UNITS);
  if (self->current > 0)
    {
      current = g_format_size_full (self->current, G_FORMAT_SIZE_IEC_UNITS);
      /* Translators: the disk's maximum size, then the free space beside its image */
      text = g_strdup_printf (_("The maximum size is %s now. Free space where the image is: %s."),
                              current, free_text);
      /* proposed: one GiB more, from the current size rounded up to half a GiB */
      gtk_spin_button_set_value (self->size_spin,
                                 (double) ((self->current + (G_GUINT64_CONSTANT (1) << 29) - 1)
                                           >> 29) / 2 + 1);
    }
  else
    /* Translators: %s is the reason */
    text = g_strdup_printf (_("The current maximum size is unknown (%s)."), error->message);
  gtk_label_set_text (self->current_label, text);
  cdi_grow_dialog_changed_cb (self);
  return GTK_WIDGET (self);
}
