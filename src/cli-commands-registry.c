/* cli-commands-registry.c - add, remove, list and forget-password: the user's list of disks
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
#include "cdi-manage.h"
#include "cdi-password-command.h"
#include "cdi-secret.h"
#include "cli-commands.h"
#include "cli-disks.h"
#include "cli-exit.h"
#include "cli-output.h"

static const guint8 qcow2_magic[4] = { 'Q', 'F', 'I', 0xfb };

static int
fail (const char   *operation,
      const char   *disk,
      const char   *what,
      const GError *error)
{
  cli_log (operation, disk, error);
  cli_error (what, error);
  return cli_exit_from_error (error);
}

/* The image must be a regular file (not a symlink) that starts like a QCow2 image */
static gboolean
check_image (const char  *image,
             GError     **error)
{
  guint8 magic[4] = { 0, };
  struct stat st;
  int fd;

  fd = g_open (image, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, CDI_ERROR, saved_errno == ENOENT ? CDI_ERROR_NOT_FOUND
                                                           : CDI_ERROR_INVALID_INPUT,
                   _("Cannot read the image %s: %s"), image, g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || read (fd, magic, 4) != 4
      || memcmp (magic, qcow2_magic, 4) != 0)
    {
      g_close (fd, NULL);
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("%s is not a QCow2 image file. Give the image that “qemu-img create -f "
                     "qcow2” or crypt-disk-image-create made."), image);
      return FALSE;
    }
  return g_close (fd, error);
}

/* A missing mount point is made (0700); an existing one must be a folder */
static gboolean
prepare_mountpoint (const char  *mountpoint,
                    GError     **error)
{
  struct stat st;

  if (g_lstat (mountpoint, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        return TRUE;
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message; %s is a path */
                   _("The mount point %s is not a folder (symbolic links are not followed)."),
                   mountpoint);
      return FALSE;
    }
  if (g_mkdir (mountpoint, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED, _("Cannot create the mount point %s: %s"),
                   mountpoint, g_strerror (saved_errno));
      return FALSE;
    }
  cli_detail (_("Made the folder %s"), mountpoint);
  return TRUE;
}

/* The helper reads the LUKS header (nothing is unlocked): a QCow2 file that holds no LUKS
 * volume, or one the helper would not open, is not registered */
static CdiImageInfo *
inspect (const char  *image,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cli_progress_step (_("Checking that the image holds an encrypted disk"));
  cdi_manage_inspect_async (image, /* cancellable= */ NULL, cli_result_cb, &result);
  cli_wait (&result);
  cli_progress_stop ();
  return cdi_manage_inspect_finish (result, error);
}

int
cli_command_add (CliRequest *request)
{
  g_autoptr(CdiImageInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiDiskStore) store = NULL;
  g_autoptr(CdiDisk) disk = NULL;
  g_autofree char *image = g_canonicalize_filename (request->image, NULL);
  g_autofree char *mountpoint = g_canonicalize_filename (request->mountpoint, NULL);
  g_autofree char *name = NULL;
  g_autofree char *what = g_strdup_printf (_("cannot add %s"), request->image);

  store = cli_store_load (&error);
  if (store == NULL || !check_image (image, &error))
    return fail ("add", image, what, error);
  if (request->password_command != NULL
      && !cdi_password_command_parse (request->password_command, NULL, &error))
    return fail ("add", image, what, error);

  name = request->name != NULL ? g_strdup (request->name) : cli_store_unique_name (store, image);
  disk = cdi_disk_new (name, image, mountpoint);
  cdi_disk_set_passphrase_source (disk, request->source);
  cdi_disk_set_password_command (disk, request->password_command);
  /* The registry refuses a conflict before the helper is asked */
  if (!cdi_disk_store_add (store, disk, &error)
      || (info = inspect (image, &error)) == NULL)
    return fail ("add", name, what, error);
  cdi_disk_set_uuid (disk, info->uuid);
  if (!prepare_mountpoint (mountpoint, &error) || !cli_store_save (store, &error))
    return fail ("add", name, what, error);

  cli_log ("add", name, NULL);
  if (info->luks_version != 0)
    cli_print (_("Added “%s”: %s (LUKS%u, mount point %s)"), name, image, info->luks_version,
               mountpoint);
  else
    cli_print (_("Added “%s”: %s (mount point %s)"), name, image, mountpoint);
  if (request->source == CDI_PASSPHRASE_SOURCE_KEYRING)
    cli_print (_("Its passphrase is asked for at the first open, then kept in the keyring."));
  return CLI_EXIT_OK;
}

/* Whether @disk is open: the helper knows best; without it, what is mounted */
static gboolean
disk_is_open (CdiDisk   *disk,
              gboolean  *ret_certain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = cli_helper_status (&error);

  *ret_certain = records != NULL;
  if (records == NULL)
    {
      cli_detail (_("Cannot ask the helper (%s); looking at the mounts instead"), error->message);
      return cli_is_mounted (cdi_disk_get_mountpoint (disk));
    }
  return cli_status_find (records, cdi_disk_get_image (disk)) != NULL;
}

static void
forget_secret (CdiDisk *disk)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (cdi_disk_get_uuid (disk) == NULL)
    return;
  cdi_secret_clear_async (cdi_disk_get_uuid (disk), /* cancellable= */ NULL, cli_result_cb,
                          &result);
  cli_wait (&result);
  if (!cdi_secret_clear_finish (result, &error)
      && !g_error_matches (error, CDI_ERROR, CDI_ERROR_NOT_FOUND))
    cli_warning (_("The passphrase could not be removed from the keyring: %s"), error->message);
}

static gboolean
delete_image (CdiDisk  *disk,
              GError  **error)
{
  const char *image = cdi_disk_get_image (disk);
  struct stat st;

  /* Only a regular file, never what a symlink put there points to */
  if (g_lstat (image, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("%s is not a regular file; it was not deleted."), image);
      return FALSE;
    }
  if (g_unlink (image) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED, _("Cannot delete %s: %s"), image,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (g_rmdir (cdi_disk_get_mountpoint (disk)) == 0)
    cli_detail (_("Removed the empty folder %s"), cdi_disk_get_mountpoint (disk));
  forget_secret (disk);
  return TRUE;
}

int
cli_command_remove (CliRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiDiskStore) store = NULL;
  g_autoptr(CdiDisk) disk = NULL;
  g_autofree char *what = g_strdup_printf (_("cannot remove “%s”"), request->target);
  gboolean certain;

  store = cli_store_load (&error);
  if (store == NULL)
    return fail ("remove", request->target, what, error);
  if (cdi_disk_store_lookup (store, request->target) == NULL)
    {
      g_set_error (&error, CDI_ERROR, CDI_ERROR_NOT_FOUND,
                   _("There is no registered disk “%s”. See “crypt-disk-image list”."),
                   request->target);
      return fail ("remove", request->target, what, error);
    }
  disk = g_object_ref (cdi_disk_store_lookup (store, request->target));
  if (disk_is_open (disk, &certain))
    {
      g_set_error (&error, CDI_ERROR, CDI_ERROR_BUSY,
                   _("It is open. Close it first: crypt-disk-image close %s"), request->target);
      return fail ("remove", request->target, what, error);
    }
  if (!certain && request->delete_image)
    {
      g_set_error (&error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("Cannot tell whether it is open, so the image is not deleted. Run "
                     "“crypt-disk-image status” to see why."));
      return fail ("remove", request->target, what, error);
    }
  if (!cdi_disk_store_remove (store, request->target, &error) || !cli_store_save (store, &error))
    return fail ("remove", request->target, what, error);
  if (request->delete_image && !delete_image (disk, &error))
    return fail ("remove", request->target, what, error);

  cli_log (request->delete_image ? "remove --delete-image" : "remove", request->target, NULL);
  if (request->delete_image)
    cli_print (_("Removed “%s” and deleted %s"), request->target, cdi_disk_get_image (disk));
  else
    cli_print (_("Removed “%s” from the list; the image %s is still there"), request->target,
               cdi_disk_get_image (disk));
  return CLI_EXIT_OK;
}

static const char *
source_text (CdiDisk *disk)
{
  switch (cdi_disk_get_passphrase_source (disk))
    {
    case CDI_PASSPHRASE_SOURCE_KEYRING:
      return _("keyring");
    case CDI_PASSPHRASE_SOURCE_COMMAND:
      return _("command");
    case CDI_PASSPHRASE_SOURCE_ASK:
    default:
      return _("ask");
    }
}

int
cli_command_list (CliRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) status_error = NULL;
  g_autoptr(CdiDiskStore) store = cli_store_load (&error);
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (store == NULL)
    return fail ("list", "", _("cannot read the list of disks"), error);
  disks = cdi_disk_store_get_disks (store);
  if (disks->len == 0)
    {
      cli_print (_("No disks are registered. Make one with “crypt-disk-image create”, or add an "
                   "image with “crypt-disk-image add”."));
      return CLI_EXIT_OK;
    }
  records = cli_helper_status (&status_error);
  if (records == NULL)
    cli_warning (_("Open or closed is guessed from the mounts: %s"), status_error->message);

  cli_print ("%-16s %-7s %-10s %-30s %s", _("NAME"), _("STATE"), _("PASSPHRASE"),
             _("MOUNT POINT"), _("IMAGE"));
  for (guint i = 0; i < disks->len; i++)
    {
      CdiDisk *disk = g_ptr_array_index (disks, i);
      gboolean open = records != NULL ? cli_status_find (records, cdi_disk_get_image (disk)) != NULL
                                      : cli_is_mounted (cdi_disk_get_mountpoint (disk));

      cli_print ("%-16s %-7s %-10s %-30s %s", cdi_disk_get_name (disk),
                 open ? _("open") : _("closed"), source_text (disk),
                 cdi_disk_get_mountpoint (disk), cdi_disk_get_image (disk));
    }
  return CLI_EXIT_OK;
}

int
cli_command_forget_password (CliRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiDiskStore) store = cli_store_load (&error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *what = g_strdup_printf (_("cannot forget the passphrase of “%s”"),
                                           request->target);
  CdiDisk *disk;

  if (store == NULL)
    return fail ("forget-password", request->target, what, error);
  disk = cdi_disk_store_lookup (store, request->target);
  if (disk == NULL)
    g_set_error (&error, CDI_ERROR, CDI_ERROR_NOT_FOUND,
                 _("There is no registered disk “%s”. See “crypt-disk-image list”."),
                 request->target);
  else if (cdi_disk_get_uuid (disk) == NULL)
    g_set_error (&error, CDI_ERROR, CDI_ERROR_NOT_FOUND,
                 _("No passphrase is stored: the disk has not been opened with this tool yet."));
  if (error != NULL)
    return fail ("forget-password", request->target, what, error);

  cdi_secret_clear_async (cdi_disk_get_uuid (disk), /* cancellable= */ NULL, cli_result_cb,
                          &result);
  cli_wait (&result);
  if (!cdi_secret_clear_finish (result, &error))
    return fail ("forget-password", request->target, what, error);
  /* Otherwise the next open would store it again */
  if (cdi_disk_get_passphrase_source (disk) == CDI_PASSPHRASE_SOURCE_KEYRING)
    {
      cdi_disk_set_passphrase_source (disk, CDI_PASSPHRASE_SOURCE_ASK);
      if (!cli_store_save (store, &error))
        return fail ("forget-password", request->target, what, error);
    }
  cli_log ("forget-password", request->target, NULL);
  cli_print (_("The passphrase of “%s” was removed from the keyring; it is asked for at every "
               "open from now on."), request->target);
  return CLI_EXIT_OK;
}
