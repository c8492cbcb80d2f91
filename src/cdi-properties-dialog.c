/* cdi-properties-dialog.c - a disk's properties, and what can be done to it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-properties-dialog.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cdi-error.h"
#include "cdi-file-chooser.h"
#include "cdi-form.h"
#include "cdi-grow-dialog.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"
#include "cdi-manage.h"
#include "cdi-passphrase-dialog.h"
#include "cdi-path-checks.h"
#include "cdi-preferences-dialog.h"
#include "cdi-secret.h"

/* The choice of a response of the first removal question that asks the second */
#define RESPONSE_DELETE_IMAGE 1

struct _CdiPropertiesDialog
{
  GtkDialog parent_instance;

  CdiApplication *app;
  CdiDisk *disk;
  GtkEntry *name_entry;
  GtkLabel *image_label;
  GtkEntry *mount_entry;
  GtkWidget *mount_choose;
  GtkLabel *state_label;
  GtkLabel *location_message;
  GtkToggleButton *keep_keyring;
  GtkToggleButton *keep_command;
  GtkToggleButton *keep_nowhere;
  GtkEntry *command_entry;
  GtkComboBoxText *lock_combo;
  GtkComboBoxText *suspend_combo;
  GtkComboBoxText *logout_combo;
  GtkToggleButton *trim_check;
  GtkWidget *trim_note;
  GtkToggleButton *login_check;
  GtkWidget *passwd_button;
  GtkWidget *grow_button;
  GtkWidget *trim_button;
  GtkWidget *backup_button;
  GtkWidget *remove_button;
  GtkLabel *status_label;
  GtkWidget *save_button;
  gboolean saving;   /* the registry changes because of this dialog: do not react */
};

G_DEFINE_FINAL_TYPE (CdiPropertiesDialog, cdi_properties_dialog, GTK_TYPE_DIALOG)

static gboolean
is_open (CdiPropertiesDialog *self)
{
  return cdi_application_get_state (self->app, self->disk) != CDI_DISK_STATE_CLOSED;
}

static void
cdi_properties_dialog_update_cb (CdiPropertiesDialog *self)
{
  CdiDiskStore *store;
  g_autofree char *mountpoint = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok, open;

  if (self->app == NULL)
    return;
  store = cdi_application_get_store (self->app);
  open = is_open (self);
  mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  cdi_problems_add (problems, cdi_check_name (store, gtk_entry_get_text (self->name_entry),
                                              self->disk, &error), &error);
  if (g_strcmp0 (mountpoint, cdi_disk_get_mountpoint (self->disk)) != 0)
    cdi_problems_add (problems, cdi_check_mountpoint (store, mountpoint, self->disk, &error),
                      &error);
  cdi_problems_add (problems, cdi_check_distinct_places (cdi_disk_get_image (self->disk),
                                                         mountpoint, &error), &error);
  cdi_problems_add_command (problems, self->keep_command, self->command_entry);
  ok = cdi_problems_show (problems, self->location_message);

  gtk_widget_set_sensitive (GTK_WIDGET (self->command_entry),
                            gtk_toggle_button_get_active (self->keep_command));
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_entry), !open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mount_entry), !open);
  gtk_widget_set_sensitive (self->mount_choose, !open);
  gtk_widget_set_sensitive (self->trim_button, open);
  gtk_widget_set_sensitive (self->remove_button, !open);
  gtk_label_set_text (self->state_label,
                      open ? _("The disk is open: close it to rename it, move its mount point or "
                               "remove it from the list. Space is reclaimed only while it is "
                               "open.")
                           : _("The disk is closed."));
  gtk_widget_set_sensitive (self->save_button, ok);
}

static void
set_status (CdiPropertiesDialog *self,
            const char          *text,
            gboolean             is_error)
{
  cdi_set_message (self->status_label, text, is_error);
}

/* ---- settings ---- */

static void
fill_rule (CdiPropertiesDialog *self,
           GtkComboBoxText     *combo,
           const char          *key,
           CdiTristate          value)
{
  gboolean fallback = g_settings_get_boolean (cdi_application_get_settings (self->app), key);

  gtk_combo_box_text_append (combo, "default", fallback ? _("As in Preferences (yes)")
                                                        : _("As in Preferences (no)"));
  gtk_combo_box_text_append (combo, "true", _("Yes"));
  gtk_combo_box_text_append (combo, "false", _("No"));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo),
                               value == CDI_TRISTATE_TRUE ? "true"
                               : value == CDI_TRISTATE_FALSE ? "false" : "default");
}

static CdiTristate
rule_of (GtkComboBoxText *combo)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (combo));

  if (g_strcmp0 (id, "true") == 0)
    return CDI_TRISTATE_TRUE;
  if (g_strcmp0 (id, "false") == 0)
    return CDI_TRISTATE_FALSE;
  return CDI_TRISTATE_DEFAULT;
}

static void
fill (CdiPropertiesDialog *self)
{
  CdiDisk *disk = self->disk;
  g_autofree char *title = NULL;

  /* Translators: window title; %s is the disk's name */
  title = g_strdup_printf (_("Properties of %s"), cdi_disk_get_name (disk));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_entry_set_text (self->name_entry, cdi_disk_get_name (disk));
  gtk_label_set_text (self->image_label, cdi_disk_get_image (disk));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->image_label), cdi_disk_get_image (disk));
  gtk_entry_set_text (self->mount_entry, cdi_disk_get_mountpoint (disk));
  cdi_form_set_source (self->keep_keyring, self->keep_command, self->keep_nowhere,
                       cdi_disk_get_passphrase_source (disk));
  gtk_entry_set_text (self->command_entry, cdi_disk_get_password_command (disk) != NULL
                                           ? cdi_disk_get_password_command (disk) : "");
  fill_rule (self, self->lock_combo, "close-on-lock", cdi_disk_get_close_on_lock (disk));
  fill_rule (self, self->suspend_combo, "close-on-suspend", cdi_disk_get_close_on_suspend (disk));
  fill_rule (self, self->logout_combo, "close-on-logout", cdi_disk_get_close_on_logout (disk));
  gtk_toggle_button_set_active (self->trim_check, cdi_disk_get_trim (disk));
  gtk_toggle_button_set_active (self->login_check, cdi_disk_get_open_at_login (disk));
}

static void
secret_cleared_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!cdi_secret_clear_finish (result, &error)
      && !g_error_matches (error, CDI_ERROR, CDI_ERROR_NOT_FOUND))
    g_warning ("Could not remove a passphrase from the keyring: %s", error->message);
}

/* A renamed disk is a new registry group: the old one goes, the new one takes every setting */
static gboolean
rename_disk (CdiPropertiesDialog  *self,
             const char           *name,
             GError              **error)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autoptr(CdiDisk) renamed = cdi_disk_new (name, cdi_disk_get_image (self->disk),
                                             cdi_disk_get_mountpoint (self->disk));
  g_autofree char *old_name = g_strdup (cdi_disk_get_name (self->disk));

  cdi_disk_update_from (renamed, self->disk);
  if (!cdi_disk_store_remove (store, old_name, error))
    return FALSE;
  if (!cdi_disk_store_add (store, renamed, error))
    {
      cdi_disk_store_add (store, self->disk, NULL);
      return FALSE;
    }
  g_set_object (&self->disk, renamed);
  return TRUE;
}

static gboolean
save (CdiPropertiesDialog  *self,
      GError              **error)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  const char *name = gtk_entry_get_text (self->name_entry);
  g_autofree char *mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  CdiPassphraseSource source = cdi_form_get_source (self->keep_keyring, self->keep_command);
  CdiPassphraseSource old_source = cdi_disk_get_passphrase_source (self->disk);
  gboolean login = gtk_toggle_button_get_active (self->login_check);

  if (strcmp (name, cdi_disk_get_name (self->disk)) != 0 && !rename_disk (self, name, error))
    return FALSE;
  cdi_disk_set_mountpoint (self->disk, mountpoint);
  cdi_disk_set_passphrase_source (self->disk, source);
  cdi_disk_set_password_command (self->disk, source == CDI_PASSPHRASE_SOURCE_COMMAND
                                             ? gtk_entry_get_text (self->command_entry) : NULL);
  cdi_disk_set_close_on_lock (self->disk, rule_of (self->lock_combo));
  cdi_disk_set_close_on_suspend (self->disk, rule_of (self->suspend_combo));
  cdi_disk_set_close_on_logout (self->disk, rule_of (self->logout_combo));
  cdi_disk_set_trim (self->disk, gtk_toggle_button_get_active (self->trim_check));
  cdi_disk_set_open_at_login (self->disk, login);
  if (!cdi_disk_store_save (store, error))
    return FALSE;

  /* Not kept in the keyring any more: the keyring's copy goes */
  if (old_source == CDI_PASSPHRASE_SOURCE_KEYRING && source != CDI_PASSPHRASE_SOURCE_KEYRING
      && cdi_disk_get_uuid (self->disk) != NULL)
    cdi_secret_clear_async (cdi_disk_get_uuid (self->disk), NULL, secret_cleared_cb, NULL);
  if (login && !cdi_autostart_set_enabled (TRUE, error))
    return FALSE;
  return TRUE;
}

static void
cdi_properties_dialog_choose_mount_cb (CdiPropertiesDialog *self)
{
  cdi_choose_path (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Mount Point"),
                   self->mount_entry);
}

/* ---- actions ---- */

static void
passwd_response_cb (GtkDialog           *dialog,
                    int                  response,
                    CdiPropertiesDialog *self)
{
  if (response == GTK_RESPONSE_APPLY)
    set_status (self, cdi_disk_get_passphrase_source (self->disk) == CDI_PASSPHRASE_SOURCE_KEYRING
                      ? _("The passphrase was changed, in the keyring too.")
                      : _("The passphrase was changed."),
                FALSE);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
cdi_properties_dialog_passwd_cb (CdiPropertiesDialog *self)
{
  GtkWidget *dialog = cdi_passphrase_dialog_new (GTK_WINDOW (self), self->disk);

  g_signal_connect_object (dialog, "response", G_CALLBACK (passwd_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
grow_response_cb (GtkDialog           *dialog,
                  int                  response,
                  CdiPropertiesDialog *self)
{
  if (response == GTK_RESPONSE_APPLY)
    {
      guint64 size = cdi_grow_dialog_get_new_size (CDI_GROW_DIALOG (dialog));
      g_autofree char *size_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
      /* Translators: %s is a size */
      g_autofree char *text = g_strdup_printf (_("The disk can now hold up to %s."), size_text);

      set_status (self, text, FALSE);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
cdi_properties_dialog_grow_cb (CdiPropertiesDialog *self)
{
  GtkWidget *dialog = cdi_grow_dialog_new (GTK_WINDOW (self), self->disk, is_open (self));

  g_signal_connect_object (dialog, "response", G_CALLBACK (grow_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
trimmed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CdiPropertiesDialog) self = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  CdiRecord *record;
  guint64 bytes = 0;
  g_autofree char *text = NULL;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  gtk_widget_set_sensitive (self->trim_button, is_open (self));
  if (!cdi_helper_client_run_finish (result, &records, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          text = g_strdup_printf (_("No space was reclaimed: %s"), error->message);
          set_status (self, text, TRUE);
        }
      return;
    }
  record = cdi_records_find (records, CDI_HELPER_RECORD_TRIMMED);
  if (record != NULL && cdi_record_get_uint64 (record, "bytes", &bytes))
    {
      g_autofree char *size = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);

      /* Translators: %s is a size */
      text = g_strdup_printf (_("Reclaimed %s: the file system passed that much unused space "
                                "back to the image."), size);
    }
  else
    text = g_strdup (_("Unused space was passed back to the image."));
  set_status (self, text, FALSE);
}

static void
cdi_properties_dialog_trim_cb (CdiPropertiesDialog *self)
{
  gtk_widget_set_sensitive (self->trim_button, FALSE);
  set_status (self, _("Reclaiming space…"), FALSE);
  cdi_helper_client_trim_async (cdi_disk_get_mountpoint (self->disk), /* cancellable= */ NULL,
                                trimmed_cb, g_object_ref (self));
}

static void
backed_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CdiPropertiesDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  gtk_widget_set_sensitive (self->backup_button, TRUE);
  if (!cdi_manage_backup_header_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          text = g_strdup_printf (_("The header was not saved: %s"), error->message);
          set_status (self, text, TRUE);
        }
      return;
    }
  text = g_strdup_printf (/* Translators: a security message; %s is a path */
                          _("The header was saved to %s. Keep it apart from the image: with it, "
                            "a passphrase you later change or remove still opens the disk."),
                          (const char *) g_object_get_data (G_OBJECT (self), "backup-dest"));
  set_status (self, text, FALSE);
}

static void
backup_chosen_cb (GtkNativeDialog     *chooser,
                  int                  response,
                  CdiPropertiesDialog *self)
{
  g_autofree char *dest = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    dest = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (dest == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  g_object_set_data_full (G_OBJECT (self), "backup-dest", g_strdup (dest), g_free);
  gtk_widget_set_sensitive (self->backup_button, FALSE);
  set_status (self, _("Saving the header…"), FALSE);
  cdi_manage_backup_header_async (cdi_disk_get_image (self->disk), dest, /* cancellable= */ NULL,
                                  backed_up_cb, g_object_ref (self));
}

static void
cdi_properties_dialog_backup_cb (CdiPropertiesDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char *title = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  /* Translators: file chooser title; %s is the disk's name */
  title = g_strdup_printf (_("Back Up Header of %s"), cdi_disk_get_name (self->disk));
  file = g_strdup_printf ("%s-luks-header.img", cdi_disk_get_name (self->disk));
  path = g_build_filename (g_get_home_dir (), file, NULL);
  /* An existing file is refused by the backup itself, never overwritten */
  chooser = cdi_file_chooser_new (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, title,
                                  _("_Save"), path);
  g_signal_connect_object (chooser, "response", G_CALLBACK (backup_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Removing: the registry entry (its opening at login with it); with @delete_image also the
 * image file and the keyring's copy of the passphrase */
static void
remove_disk (CdiPropertiesDialog *self,
             gboolean             delete_image)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autoptr(CdiDisk) disk = g_object_ref (self->disk);
  g_autoptr(GError) error = NULL;
  const char *name = cdi_disk_get_name (disk);

  if (is_open (self))
    {
      set_status (self, _("Close the disk first."), TRUE);
      return;
    }
  self->saving = TRUE;
  if (!cdi_disk_store_remove (store, name, &error) || !cdi_disk_store_save (store, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The disk was not removed: %s"), error->message);

      self->saving = FALSE;
      set_status (self, text, TRUE);
      return;
    }
  if (delete_image)
    {
      if (g_unlink (cdi_disk_get_image (disk)) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_warning ("Could not delete %s: %s", cdi_disk_get_image (disk), g_strerror (saved));
        }
      if (cdi_disk_get_uuid (disk) != NULL)
        cdi_secret_clear_async (cdi_disk_get_uuid (disk), NULL, secret_cleared_cb, NULL);
    }
  gtk_widget_destroy (GTK_WIDGET (self));
}

static void
delete_response_cb (GtkDialog           *dialog,
                    int                  response,
                    CdiPropertiesDialog *self)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    remove_disk (self, TRUE);
}

static GtkWidget *
question (CdiPropertiesDialog *self,
          const char          *title,
          const char          *primary,
          const char          *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL,
                                              GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
                                              primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  gtk_window_set_title (GTK_WINDOW (dialog), title);
  atk_object_set_name (gtk_widget_get_accessible (dialog), title);
  return dialog;
}

static void
remove_response_cb (GtkDialog           *dialog,
                    int                  response,
                    CdiPropertiesDialog *self)
{
  g_autofree char *primary = NULL;
  g_autofree char *secondary = NULL;
  GtkWidget *confirm;
  GtkWidget *button;

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_OK)
    {
      remove_disk (self, FALSE);
      return;
    }
  if (response != RESPONSE_DELETE_IMAGE)
    return;
  /* Translators: a security question; %s is the disk's name */
  primary = g_strdup_printf (_("Delete the image of “%s” for good?"),
                             cdi_disk_get_name (self->disk));
  /* Translators: a security message; %s is a path */
  secondary = g_strdup_printf (_("Everything on the disk is lost: %s is deleted, and the "
                                 "keyring forgets its passphrase. This cannot be undone."),
                               cdi_disk_get_image (self->disk));
  confirm = question (self, _("Delete Image"), primary, secondary);
  gtk_dialog_add_button (GTK_DIALOG (confirm), _("_Cancel"), GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (confirm), _("_Delete Image"), GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "destructive-action");
  /* The safe answer is the default one */
  gtk_dialog_set_default_response (GTK_DIALOG (confirm), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (confirm, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (confirm));
}

static void
cdi_properties_dialog_remove_cb (CdiPropertiesDialog *self)
{
  g_autofree char *primary = NULL;
  g_autofree char *secondary = NULL;
  GtkWidget *dialog;

  /* Translators: %s is the disk's name */
  primary = g_strdup_printf (_("Remove “%s” from the list?"), cdi_disk_get_name (self->disk));
  /* Translators: %s is a path */
  secondary = g_strdup_printf (_("The image file stays where it is (%s); you can add it again "
                                 "later."), cdi_disk_get_image (self->disk));
  dialog = question (self, _("Remove from List"), primary, secondary);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete the Image…"), RESPONSE_DELETE_IMAGE);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Remove from List"), GTK_RESPONSE_OK);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
response_cb (CdiPropertiesDialog *self,
             int                  response)
{
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_OK)
    {
      gboolean saved;

      if (!gtk_widget_get_sensitive (self->save_button))
        return;
      self->saving = TRUE;
      saved = save (self, &error);
      self->saving = FALSE;
      if (!saved)
        {
          g_autofree char *text = g_strdup_printf (_("Not saved: %s"), error->message);

          set_status (self, text, TRUE);
          return;
        }
    }
  gtk_widget_destroy (GTK_WIDGET (self));
}

/* The disk's open state changed, or another program changed the registry */
static void
rows_changed_cb (CdiPropertiesDialog *self)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);

  if (self->saving)
    return;
  if (cdi_disk_store_lookup (store, cdi_disk_get_name (self->disk)) != self->disk)
    {
      gtk_widget_destroy (GTK_WIDGET (self));  /* removed, or renamed elsewhere */
      return;
    }
  cdi_properties_dialog_update_cb (self);
}

static void
cdi_properties_dialog_dispose (GObject *object)
{
  CdiPropertiesDialog *self = CDI_PROPERTIES_DIALOG (object);

  g_clear_object (&self->disk);
  g_clear_object (&self->app);
  G_OBJECT_CLASS (cdi_properties_dialog_parent_class)->dispose (object);
}

static void
cdi_properties_dialog_class_init (CdiPropertiesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cdi_properties_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-properties-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdiPropertiesDialog, name)
  BIND (name_entry);
  BIND (image_label);
  BIND (mount_entry);
  BIND (mount_choose);
  BIND (state_label);
  BIND (location_message);
  BIND (keep_keyring);
  BIND (keep_command);
  BIND (keep_nowhere);
  BIND (command_entry);
  BIND (lock_combo);
  BIND (suspend_combo);
  BIND (logout_combo);
  BIND (trim_check);
  BIND (trim_note);
  BIND (login_check);
  BIND (passwd_button);
  BIND (grow_button);
  BIND (trim_button);
  BIND (backup_button);
  BIND (remove_button);
  BIND (status_label);
  BIND (save_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, cdi_properties_dialog_update_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_properties_dialog_choose_mount_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_properties_dialog_passwd_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_properties_dialog_grow_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_properties_dialog_trim_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_properties_dialog_backup_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_properties_dialog_remove_cb);
}

static void
cdi_properties_dialog_init (CdiPropertiesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_style_context_add_class (gtk_widget_get_style_context (self->trim_note), "dim-label");
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

void
cdi_properties_dialog_present (CdiApplication *app,
                               CdiDisk        *disk)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  CdiPropertiesDialog *self;

  for (GList *l = windows; l != NULL; l = l->next)
    if (CDI_IS_PROPERTIES_DIALOG (l->data) && CDI_PROPERTIES_DIALOG (l->data)->disk == disk)
      {
        gtk_window_present (l->data);
        return;
      }
  self = g_object_new (CDI_TYPE_PROPERTIES_DIALOG, "use-header-bar", FALSE, NULL);
  self->app = g_object_ref (app);
  self->disk = g_object_ref (disk);
  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (app));
  fill (self);
  g_signal_connect_object (app, "rows-changed", G_CALLBACK (rows_changed_cb), self,
                           G_CONNECT_SWAPPED);
  cdi_properties_dialog_update_cb (self);
  gtk_window_present (GTK_WINDOW (self));
}
