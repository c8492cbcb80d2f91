/* cdi-disk-creation.c - make a new disk: its image, its registry entry, its keyring item
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-disk-creation.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
#include "cdi-password-command.h"
#include "cdi-secret.h"

typedef struct
{
  CdiDiskStore *store;
  char *name;
  char *image;
  char *mountpoint;
  char *command;
  guint64 size_bytes;
  CdiPassphraseSource source;
  CdiPassphrase *passphrase;
  gboolean trim;
  CdiTristate close_on_lock;
  CdiTristate close_on_suspend;
  CdiTristate close_on_logout;
  gboolean open_at_login;
  CdiImageProgressFunc progress;
  gpointer progress_data;

  char *made_folder;        /* the image's folder, when this creation made it */
  gboolean mount_existed;
  CdiDisk *disk;            /* once registered */
  GString *notes;
} Creation;

static void
creation_free (Creation *self)
{
  g_object_unref (self->store);
  g_free (self->name);
  g_free (self->image);
  g_free (self->mountpoint);
  g_free (self->command);
  g_clear_pointer (&self->passphrase, cdi_passphrase_unref);
  g_free (self->made_folder);
  g_clear_object (&self->disk);
  g_string_free (self->notes, TRUE);
  g_free (self);
}

static void
report (Creation   *self,
        const char *step)
{
  if (self->progress != NULL)
    self->progress (step, self->progress_data);
}

static void
add_note (Creation   *self,
          const char *note)
{
  if (self->notes->len > 0)
    g_string_append_c (self->notes, '\n');
  g_string_append (self->notes, note);
}

/* The image folder this creation made goes again if the creation left it empty */
static void
remove_made_folder (Creation *self)
{
  if (self->made_folder != NULL && g_rmdir (self->made_folder) != 0)
    g_debug ("Could not remove %s: %s, ignoring", self->made_folder, g_strerror (errno));
  g_clear_pointer (&self->made_folder, g_free);
}

/* The image was made, but the disk could not be registered or the creation was cancelled */
static void
undo_image (Creation *self)
{
  if (g_unlink (self->image) != 0)
    g_debug ("Could not remove %s: %s, ignoring", self->image, g_strerror (errno));
  if (!self->mount_existed && g_rmdir (self->mountpoint) != 0)
    g_debug ("Could not remove %s: %s, ignoring", self->mountpoint, g_strerror (errno));
  remove_made_folder (self);
}

static void
return_disk (GTask *task)
{
  Creation *self = g_task_get_task_data (task);

  g_task_return_pointer (task, g_object_ref (self->disk), g_object_unref);
}

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Creation *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) save_error = NULL;
  g_autofree char *note = NULL;

  if (!cdi_secret_store_finish (result, &error))
    {
      cdi_disk_set_passphrase_source (self->disk, CDI_PASSPHRASE_SOURCE_ASK);
      if (!cdi_disk_store_save (self->store, &save_error))
        g_warning ("Could not save the list of disks: %s", save_error->message);
      /* Translators: a security message; %s is the reason */
      note = g_strdup_printf (_("The passphrase could not be kept in the keyring (%s): the disk "
                                "asks for it when it opens."), error->message);
      add_note (self, note);
    }
  return_disk (task);
}

static gboolean
register_disk (Creation  *self,
               char      *uuid,
               GError   **error)
{
  g_autoptr(CdiDisk) disk = cdi_disk_new (self->name, self->image, self->mountpoint);

  if (self->source == CDI_PASSPHRASE_SOURCE_KEYRING && uuid == NULL)
    {
      self->source = CDI_PASSPHRASE_SOURCE_ASK;
      add_note (self, _("The helper did not report the disk’s LUKS UUID, so the passphrase is "
                        "not in the keyring: the disk asks for it when it opens."));
    }
  g_object_set (disk,
                "uuid", uuid,
                "passphrase-source", self->source,
                "password-command", self->command,
                "trim", self->trim,
                "close-on-lock", self->close_on_lock,
                "close-on-suspend", self->close_on_suspend,
                "close-on-logout", self->close_on_logout,
                "open-at-login", self->open_at_login,
                NULL);
  if (!cdi_disk_store_add (self->store, disk, error))
    return FALSE;
  if (!cdi_disk_store_save (self->store, error))
    {
      cdi_disk_store_remove (self->store, self->name, NULL);
      return FALSE;
    }
  self->disk = g_steal_pointer (&disk);
  return TRUE;
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Creation *self = g_task_get_task_data (task);
  g_autofree char *uuid = NULL;
  GError *error = NULL;

  /* A failed or cancelled image creation has removed the image and mount point already */
  if (!cdi_image_create_finish (result, &uuid, &error))
    {
      remove_made_folder (self);
      g_task_return_error (task, error);
      return;
    }
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      undo_image (self);
      g_task_return_error (task, error);
      return;
    }
  if (!register_disk (self, uuid, &error))
    {
      undo_image (self);
      g_prefix_error (&error, _("It could not be added to the list of disks: "));
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&self->made_folder, g_free);  /* it holds the disk's image now */
  if (self->source != CDI_PASSPHRASE_SOURCE_KEYRING)
    {
      return_disk (task);
      return;
    }
  /* Registered: from here on a cancel changes nothing, the disk stays */
  report (self, _("Keeping the passphrase in the keyring"));
  cdi_secret_store_async (cdi_disk_get_uuid (self->disk), self->name, self->passphrase,
                          /* cancellable= */ NULL, secret_stored_cb, g_steal_pointer (&task));
}

static void
create_image (GTask *task)
{
  Creation *self = g_task_get_task_data (task);
  g_autofree char *folder = g_path_get_dirname (self->image);
  CdiHelperFormatOptions options = { 0 };

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved = errno;

          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                                   _("Cannot create the folder %s: %s"), folder,
                                   g_strerror (saved));
          return;
        }
      self->made_folder = g_steal_pointer (&folder);
    }
  self->mount_existed = g_file_test (self->mountpoint, G_FILE_TEST_EXISTS);
  if (strlen (self->name) <= CDI_HELPER_LABEL_MAX)
    options.label = self->name;  /* copied by cdi_image_create_async() */
  cdi_image_create_async (self->image, self->size_bytes, self->mountpoint, self->passphrase,
                          &options, self->progress, self->progress_data,
                          g_task_get_cancellable (task), created_cb, g_object_ref (task));
}

static void
command_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Creation *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->passphrase = cdi_password_command_run_finish (result, &error);
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->passphrase == NULL)
    {
      g_prefix_error (&error, _("The password command failed: "));
      g_task_return_error (task, error);
      return;
    }
  create_image (task);
}

/* @progress (may be NULL) and @progress_data must stay valid until @callback runs */
void
cdi_disk_creation_run_async (CdiDiskStore          *store,
                             const CdiDiskRequest  *request,
                             CdiImageProgressFunc   progress,
                             gpointer               progress_data,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Creation *self;

  g_return_if_fail (CDI_IS_DISK_STORE (store));
  g_return_if_fail (request != NULL && request->name != NULL && request->image != NULL
                    && request->mountpoint != NULL);
  g_return_if_fail (request->source == CDI_PASSPHRASE_SOURCE_COMMAND
                    ? request->password_command != NULL : request->passphrase != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cdi_disk_creation_run_async);
  /* The steps report a cancel themselves, after the cleanup; and a registered disk is a
   * success even when a cancel came too late to stop it */
  g_task_set_check_cancellable (task, FALSE);
  self = g_new0 (Creation, 1);
  self->store = g_object_ref (store);
  self->name = g_strdup (request->name);
  self->image = g_strdup (request->image);
  self->mountpoint = g_strdup (request->mountpoint);
  self->size_bytes = request->size_bytes;
  self->source = request->source;
  if (request->source == CDI_PASSPHRASE_SOURCE_COMMAND)
    self->command = g_strdup (request->password_command);
  else
    self->passphrase = cdi_passphrase_ref (request->passphrase);
  self->trim = request->trim;
  self->close_on_lock = request->close_on_lock;
  self->close_on_suspend = request->close_on_suspend;
  self->close_on_logout = request->close_on_logout;
  self->open_at_login = request->open_at_login;
  self->progress = progress;
  self->progress_data = progress_data;
  self->notes = g_string_new (NULL);
  g_task_set_task_data (task, self, (GDestroyNotify) creation_free);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->command == NULL)
    {
      create_image (task);
      return;
    }
  report (self, _("Running the password command"));
  cdi_password_command_run_async (self->command, CDI_PASSWORD_COMMAND_TIMEOUT_SECONDS,
                                  cancellable, command_cb, g_steal_pointer (&task));
}

/* The registered disk (transfer full), or NULL; @ret_notes: what the user must know about how
 * it was made, "" when nothing */
CdiDisk *
cdi_disk_creation_run_finish (GAsyncResult  *result,
                              char         **ret_notes,
                              GError       **error)
{
  Creation *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  self = g_task_get_task_data (G_TASK (result));
  if (ret_notes != NULL)
    *ret_notes = g_strdup (self->notes->str);
  return g_task_propagate_pointer (G_TASK (result), error);
}
