/* cdi-add-dialog.c - "Add Existing Image…": check an image and register it as a disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-add-dialog.h"

#include <glib/gi18n.h>

#include "cdi-file-chooser.h"
#include "cdi-form.h"
#include "cdi-manage.h"
#include "cdi-path-checks.h"

/* Wait this long after the last keystroke in the path before asking the helper */
#define INSPECT_DELAY_MS 400

struct _CdiAddDialog
{
  GtkDialog parent_instance;

  CdiApplication *app;
  GtkEntry *image_entry;
  GtkLabel *check_label;
  GtkEntry *name_entry;
  GtkEntry *mount_entry;
  GtkLabel *location_message;
  GtkToggleButton *keep_keyring;
  GtkToggleButton *keep_command;
  GtkToggleButton *keep_nowhere;
  GtkEntry *command_entry;
  GtkWidget *add_button;

  guint inspect_id;
  GCancellable *inspect_cancellable;
  CdiImageInfo *info;       /* the checked image's, NULL until the check passed */
  gboolean name_edited;
  gboolean mount_edited;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (CdiAddDialog, cdi_add_dialog, GTK_TYPE_DIALOG)

static void
cdi_add_dialog_update_cb (CdiAddDialog *self)
{
  CdiDiskStore *store;
  g_autofree char *mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->app == NULL)
    return;
  store = cdi_application_get_store (self->app);

  cdi_problems_add (problems, cdi_check_name (store, gtk_entry_get_text (self->name_entry), NULL,
                                              &error), &error);
  cdi_problems_add (problems, cdi_check_mountpoint (store, mountpoint, NULL, &error), &error);
  cdi_problems_add_command (problems, self->keep_command, self->command_entry);
  ok = cdi_problems_show (problems, self->location_message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->command_entry),
                            gtk_toggle_button_get_active (self->keep_command));
  gtk_widget_set_sensitive (self->add_button, ok && self->info != NULL);
}

/* One check of an image: its dialog, and the cancellable that ends it when a newer check
 * starts or the dialog goes */
typedef struct
{
  CdiAddDialog *self;
  GCancellable *cancellable;
} Inspect;

static void
inspect_free (Inspect *op)
{
  g_object_unref (op->self);
  g_object_unref (op->cancellable);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Inspect, inspect_free)

static void
inspect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Inspect) op = user_data;
  CdiAddDialog *self = op->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiImageInfo) info = cdi_manage_inspect_finish (result, &error);
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (op->cancellable)
      || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;  /* a newer check runs, or the dialog went */
  g_clear_object (&self->inspect_cancellable);
  if (info == NULL)
    {
      /* Translators: %s is the reason */
      text = g_strdup_printf (_("This image cannot be added: %s"), error->message);
      cdi_set_message (self->check_label, text, TRUE);
      cdi_add_dialog_update_cb (self);
      return;
    }
  size = g_format_size_full (info->size_bytes, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: LUKS version, cipher, size, UUID */
  text = g_strdup_printf (_("An encrypted disk: LUKS%u, %s, up to %s, UUID %s."),
                          info->luks_version, info->cipher != NULL && *info->cipher != '\0'
                                              ? info->cipher : _("cipher unknown"),
                          size, info->uuid);
  if (info->open)
    {
      g_autofree char *more = g_strconcat (text, " ", _("It is open now."), NULL);

      g_free (text);
      text = g_steal_pointer (&more);
    }
  cdi_set_message (self->check_label, text, FALSE);
  self->info = g_steal_pointer (&info);
  cdi_add_dialog_update_cb (self);
}

/* An image name as a disk name: "My Disk.qcow2" -> "My-Disk" */
static char *
name_from_image (const char *image)
{
  g_autofree char *base = g_path_get_basename (image);
  char *dot = strrchr (base, '.');
  GString *name = g_string_new (NULL);

  if (dot != NULL && dot != base)
    *dot = '\0';
  for (const char *p = base; *p != '\0' && name->len < CDI_DISK_NAME_MAX; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-'
                             ? *p : '-');
  return g_string_free (name, FALSE);
}

static gboolean
inspect_now_cb (gpointer user_data)
{
  CdiAddDialog *self = user_data;
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autofree char *image = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  g_autoptr(GError) error = NULL;
  Inspect *op;

  self->inspect_id = 0;
  if (!cdi_check_existing_image (store, image, &error))
    {
      /* Nothing chosen yet is no error */
      cdi_set_message (self->check_label, error->message, *image != '\0');
      cdi_add_dialog_update_cb (self);
      return G_SOURCE_REMOVE;
    }
  cdi_set_message (self->check_label, _("Checking the image…"), FALSE);
  op = g_new0 (Inspect, 1);
  op->self = g_object_ref (self);
  op->cancellable = g_cancellable_new ();
  self->inspect_cancellable = g_object_ref (op->cancellable);
  cdi_manage_inspect_async (image, op->cancellable, inspect_cb, op);
  return G_SOURCE_REMOVE;
}

static void
cdi_add_dialog_image_changed_cb (CdiAddDialog *self)
{
  g_autofree char *image = cdi_expand_path (gtk_entry_get_text (self->image_entry));

  g_clear_pointer (&self->info, cdi_image_info_free);
  if (self->inspect_cancellable != NULL)
    g_cancellable_cancel (self->inspect_cancellable);
  g_clear_object (&self->inspect_cancellable);
  g_clear_handle_id (&self->inspect_id, g_source_remove);
  self->inspect_id = g_timeout_add (INSPECT_DELAY_MS, inspect_now_cb, self);

  self->updating = TRUE;
  if (!self->name_edited && *image != '\0')
    {
      g_autofree char *name = name_from_image (image);

      gtk_entry_set_text (self->name_entry, name);
    }
  if (!self->mount_edited)
    {
      g_autofree char *mountpoint =
        cdi_default_mountpoint (gtk_entry_get_text (self->name_entry));

      gtk_entry_set_text (self->mount_entry, mountpoint);
    }
  self->updating = FALSE;
  cdi_add_dialog_update_cb (self);
}

static void
cdi_add_dialog_name_changed_cb (CdiAddDialog *self)
{
  if (!self->updating)
    {
      self->name_edited = TRUE;
      if (!self->mount_edited)
        {
          g_autofree char *mountpoint =
            cdi_default_mountpoint (gtk_entry_get_text (self->name_entry));

          self->updating = TRUE;
          gtk_entry_set_text (self->mount_entry, mountpoint);
          self->updating = FALSE;
        }
    }
  cdi_add_dialog_update_cb (self);
}

static void
cdi_add_dialog_mount_changed_cb (CdiAddDialog *self)
{
  if (!self->updating)
    self->mount_edited = TRUE;
  cdi_add_dialog_update_cb (self);
}

static void
cdi_add_dialog_choose_image_cb (CdiAddDialog *self)
{
  cdi_choose_path (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("Image File"),
                   self->image_entry);
}

static void
cdi_add_dialog_choose_mount_cb (CdiAddDialog *self)
{
  cdi_choose_path (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Mount Point"),
                   self->mount_entry);
}

static gboolean
add_disk (CdiAddDialog  *self,
          GError       **error)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autofree char *image = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  g_autofree char *mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  const char *name = gtk_entry_get_text (self->name_entry);
  g_autoptr(CdiDisk) disk = cdi_disk_new (name, image, mountpoint);
  CdiPassphraseSource source = cdi_form_get_source (self->keep_keyring, self->keep_command);

  cdi_disk_set_uuid (disk, self->info->uuid);
  cdi_disk_set_passphrase_source (disk, source);
  if (source == CDI_PASSPHRASE_SOURCE_COMMAND)
    cdi_disk_set_password_command (disk, gtk_entry_get_text (self->command_entry));
  if (!cdi_disk_store_add (store, disk, error))
    return FALSE;
  if (!cdi_disk_store_save (store, error))
    {
      cdi_disk_store_remove (store, name, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
cdi_add_dialog_response_cb (CdiAddDialog *self,
                            int           response)
{
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_OK)
    {
      if (self->info == NULL || !gtk_widget_get_sensitive (self->add_button))
        return;
      if (!add_disk (self, &error))
        {
          g_autofree char *text = g_strdup_printf (_("The disk was not added: %s"),
                                                   error->message);

          cdi_set_message (self->location_message, text, TRUE);
          return;
        }
    }
  gtk_widget_destroy (GTK_WIDGET (self));
}

static void
cdi_add_dialog_dispose (GObject *object)
{
  CdiAddDialog *self = CDI_ADD_DIALOG (object);

  g_clear_handle_id (&self->inspect_id, g_source_remove);
  if (self->inspect_cancellable != NULL)
    g_cancellable_cancel (self->inspect_cancellable);
  g_clear_object (&self->inspect_cancellable);
  g_clear_pointer (&self->info, cdi_image_info_free);
  g_clear_object (&self->app);
  G_OBJECT_CLASS (cdi_add_dialog_parent_class)->dispose (object);
}

static void
cdi_add_dialog_class_init (CdiAddDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cdi_add_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-add-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, image_entry);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, check_label);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, mount_entry);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, location_message);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, keep_keyring);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, keep_command);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, keep_nowhere);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, command_entry);
  gtk_widget_class_bind_template_child (widget_class, CdiAddDialog, add_button);
  gtk_widget_class_bind_template_callback (widget_class, cdi_add_dialog_update_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_add_dialog_image_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_add_dialog_name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_add_dialog_mount_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_add_dialog_choose_image_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_add_dialog_choose_mount_cb);
}

static void
cdi_add_dialog_init (CdiAddDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
  g_signal_connect (self, "response", G_CALLBACK (cdi_add_dialog_response_cb), NULL);
}

void
cdi_add_dialog_present (CdiApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  CdiAddDialog *self;

  for (GList *l = windows; l != NULL; l = l->next)
    if (CDI_IS_ADD_DIALOG (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  self = g_object_new (CDI_TYPE_ADD_DIALOG, "use-header-bar", FALSE, NULL);
  self->app = g_object_ref (app);
  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (app));
  cdi_set_message (self->check_label, _("Choose the image file."), FALSE);
  cdi_add_dialog_update_cb (self);
  gtk_window_present (GTK_WINDOW (self));
}
