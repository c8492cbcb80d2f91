/* cdi-manage.c - managing an existing disk: inspect, change passphrase, grow, header backup
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper does what needs root (cdi-helper-client.c); what the user may do alone is done
 * here as the user: reading an image's virtual size, `qemu-img resize` of a closed image, and
 * writing the header backup to a new file of the user's.
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
#include "cdi-secret.h"
#include "cdi-size.h"

/* Both LUKS1 and LUKS2 headers start with this magic */
static const guint8 luks_magic[6] = { 'L', 'U', 'K', 'S', 0xba, 0xbe };

void
cdi_image_info_free (CdiImageInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uuid);
  g_free (info->label);
  g_free (info->cipher);
  g_free (info);
}

/* --- inspect --- */

/* The helper's last non-empty stderr line, made printable ("" when there is none) */
static char *
last_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  char *line = NULL;

  for (guint i = g_strv_length (lines); i > 0 && line == NULL; i--)
    if (*g_strstrip (lines[i - 1]) != '\0')
      line = g_utf8_make_valid (lines[i - 1], -1);
  if (line == NULL)
    return g_strdup ("");
  for (char *p = line; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      *p = ' ';
  return line;
}

static void
inspect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(CdiImageInfo) info = NULL;
  GError *error = NULL;
  CdiRecord *luks;
  guint64 version = 0;
  const char *uuid;

  if (!cdi_helper_client_run_finish (result, &records, &error))
    {
      if (g_error_matches (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT))
        {
          /* Say what "refused" means here, with the helper's own reason */
          g_autofree char *reason = last_line (cdi_helper_client_run_get_stderr (result));

          g_clear_error (&error);
          error = g_error_new (CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               _("The image holds no LUKS volume that can be used (%s). Give a "
                                 "QCow2 image of yours with LUKS inside, which others cannot "
                                 "write to."),
                               reason);
        }
      g_task_return_error (task, error);
      return;
    }
  luks = cdi_records_find (records, CDI_HELPER_RECORD_LUKS);
  uuid = luks != NULL ? cdi_record_get (luks, "uuid") : NULL;
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                               _("The helper did not report the image’s LUKS UUID. "
                                 "crypt-disk-image and crypt-disk-image-helper do not match: "
                                 "reinstall crypt-disk-image."));
      return;
    }
  info = g_new0 (CdiImageInfo, 1);
  info->uuid = g_strdup (uuid);
  info->label = g_strdup (cdi_record_get (luks, "label"));
  info->cipher = g_strdup (cdi_record_get (luks, "cipher"));
  if (cdi_record_get_uint64 (luks, "version", &version) && (version == 1 || version == 2))
    info->luks_version = (guint) version;
  cdi_record_get_uint64 (luks, "size", &info->size_bytes);
  info->open = cdi_record_get_boolean (luks, "open");
  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify) cdi_image_info_free);
}

/* Nothing is unlocked; refused (CDI_ERROR_INVALID_INPUT) when @image holds no LUKS header */
void
cdi_manage_inspect_async (const char          *image,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (image != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cdi_manage_inspect_async);
  path = g_canonicalize_filename (image, NULL);
  cdi_helper_client_inspect_async (path, cancellable, inspect_cb, g_steal_pointer (&task));
}

CdiImageInfo *
cdi_manage_inspect_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- change passphrase --- */

typedef struct
{
  char *uuid;     /* set when the keyring entry is to be replaced */
  char *name;
  CdiPassphrase *new_passphrase;
} PasswdData;

static void
passwd_data_free (PasswdData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_clear_pointer (&data->new_passphrase, cdi_passphrase_unref);
  g_free (data);
}

static void
secret_store_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!cdi_secret_store_finish (result, &error))
    {
      g_prefix_error (&error, _("The passphrase was changed, but the keyring still holds the "
                                "old one (remove it with “crypt-disk-image forget-password”): "));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
passwd_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PasswdData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!cdi_helper_client_run_finish (result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->uuid == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Only now: a failed change must leave the keyring's (still valid) passphrase alone. The
   * keyring step is not cancelled half way: the disk already has the new passphrase. */
  cdi_secret_store_async (data->uuid, data->name, data->new_passphrase, /* cancellable= */ NULL,
                          secret_store_cb, g_steal_pointer (&task));
}

/* Replaces the key slot @old_passphrase opens with one for @new_passphrase. When @disk keeps
 * its passphrase in the keyring (and its UUID is known), the keyring entry is replaced after
 * the helper succeeded; if only that fails, the error says the disk itself was changed. */
void
cdi_manage_change_passphrase_async (CdiDisk                      *disk,
                                    CdiPassphrase                *old_passphrase,
                                    CdiPassphrase                *new_passphrase,
                                    const CdiHelperFormatOptions *pbkdf,
                                    GCancellable                 *cancellable,
                                    GAsyncReadyCallback           callback,
                                    gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  PasswdData *data;

  g_return_if_fail (CDI_IS_DISK (disk));
  g_return_if_fail (old_passphrase != NULL && new_passphrase != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cdi_manage_change_passphrase_async);
  data = g_new0 (PasswdData, 1);
  if (cdi_disk_get_passphrase_source (disk) == CDI_PASSPHRASE_SOURCE_KEYRING
      && cdi_disk_get_uuid (disk) != NULL)
    data->uuid = g_strdup (cdi_disk_get_uuid (disk));
  data->name = g_strdup (cdi_disk_get_name (disk));
  data->new_passphrase = cdi_passphrase_ref (new_passphrase);
  g_task_set_task_data (task, data, (GDestroyNotify) passwd_data_free);

  if (cdi_passphrase_equal (old_passphrase, new_passphrase))
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               /* Translators: a security message */
                               _("The new passphrase is the same as the old one. Nothing was "
                                 "changed."));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  cdi_helper_client_passwd_async (cdi_disk_get_image (disk), pbkdf, old_passphrase,
                                  new_passphrase, cancellable, passwd_cb,
                                  g_steal_pointer (&task));
}

gboolean
cdi_manage_change_passphrase_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- the virtual size (qemu-img info) --- */

static char **
info_argv (const char *image)
{
  /* -U: an open image is locked by its qemu-nbd; reading the header needs no lock */
  const char *argv[] = { QEMU_IMG_PATH, "info", "-U", "-f", "qcow2", "--output=json", image,
                         NULL };

  return g_strdupv ((char **) argv);
}

/* "virtual-size": N from qemu-img's JSON: the first such key is the image's own (a backing
 * chain is listed only with --backing-chain, which is not used) */
static gboolean
parse_virtual_size (const char  *image,
                    const char  *json,
                    guint64     *ret_size,
                    GError     **error)
{
  const char *p = json != NULL ? strstr (json, "\"virtual-size\"") : NULL;
  g_autofree char *digits = NULL;
  gsize n;

  if (p != NULL)
    {
      p += strlen ("\"virtual-size\"");
      while (g_ascii_isspace (*p))
        p++;
      if (*p == ':')
        p++;
      while (g_ascii_isspace (*p))
        p++;
      n = strspn (p, "0123456789");
      digits = n > 0 && n < 21 ? g_strndup (p, n) : NULL;
    }
  if (digits == NULL
      || !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT64, ret_size, NULL))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("qemu-img did not report the size of %s."), image);
      return FALSE;
    }
  return TRUE;
}

static GError *
qemu_img_failed (const char *what,
                 const char *image,
                 const char *err_text)
{
  g_autofree char *line = g_strdup (err_text != NULL ? err_text : "");

  g_strdelimit (g_strstrip (line), "\n", ' ');
  /* Translators: the first %s says what failed, e.g. "read the size of"; the second is a path */
  return g_error_new (CDI_ERROR, CDI_ERROR_FAILED, _("qemu-img could not %s %s: %s"), what, image,
                      line);
}

static GError *
qemu_img_missing (const GError *error)
{
  return g_error_new (CDI_ERROR, CDI_ERROR_MISSING_SUPPORT,
                      _("Could not run %s: %s. Install qemu-utils, or run "
                        "“crypt-disk-image check-deps”."),
                      QEMU_IMG_PATH, error->message);
}

gboolean
cdi_manage_get_virtual_size (const char  *image,
                             guint64     *ret_size,
                             GError     **error)
{
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_return_val_if_fail (image != NULL && ret_size != NULL, FALSE);

  argv = info_argv (image);
  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &local_error);
  if (process == NULL)
    {
      g_propagate_error (error, qemu_img_missing (local_error));
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (process))
    {
      g_propagate_error (error, qemu_img_failed (_("read the size of"), image, err));
      return FALSE;
    }
  return parse_virtual_size (image, out, ret_size, error);
}

/* --- grow --- */

typedef struct
{
  char *image;
  guint64 new_size;
  guint64 old_size;
  gboolean is_open;
  gboolean resized;
} GrowData;

static void
grow_data_free (GrowData *data)
{
  g_free (data->image);
  g_free (data);
}

static void grow_info_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
grow_run_info (GTask *task)
{
  GrowData *data = g_task_get_task_data (task);
  g_auto(GStrv) argv = info_argv (data->image);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  if (process == NULL)
    {
      g_task_return_error (task, qemu_img_missing (error));
      return;
    }
  /* A size read is harmless to cancel; a resize that started is not (see below) */
  g_subprocess_communicate_utf8_async (process, NULL,
                                       data->resized ? NULL : g_task_get_cancellable (task),
                                       grow_info_cb, g_object_ref (task));
}

static void
grow_resize_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GrowData *data = g_task_get_task_data (task);
  GSubprocess *process = G_SUBPROCESS (source);
  g_autofree char *err = NULL;
  GError *error = NULL;

  if (!g_subprocess_communicate_utf8_finish (process, result, NULL, &err, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_task_return_error (task, qemu_img_failed (_("grow"), data->image, err));
      return;
    }
  data->resized = TRUE;
  grow_run_info (task); /* the size qemu-img really set */
}

static void
grow_helper_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GrowData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;
  CdiRecord *grown;
  guint64 size = 0;

  if (!cdi_helper_client_run_finish (result, &records, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  grown = cdi_records_find (records, CDI_HELPER_RECORD_GROWN);
  if (grown == NULL || !cdi_record_get_uint64 (grown, "size", &size))
    size = data->new_size;
  g_task_return_pointer (task, g_memdup2 (&size, sizeof size), g_free);
}

static void
grow_start (GTask *task)
{
  GrowData *data = g_task_get_task_data (task);
  g_autofree char *bytes = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  if (data->is_open)
    {
      cdi_helper_client_grow_async (data->image, data->new_size, g_task_get_cancellable (task),
                                    grow_helper_cb, g_object_ref (task));
      return;
    }
  bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, data->new_size);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, QEMU_IMG_PATH, "resize", "-q", "-f", "qcow2", data->image,
                              bytes, NULL);
  if (process == NULL)
    {
      g_task_return_error (task, qemu_img_missing (error));
      return;
    }
  /* Not cancelled: stopping qemu-img half way through a resize would damage the image */
  g_subprocess_communicate_utf8_async (process, NULL, /* cancellable= */ NULL, grow_resize_cb,
                                       g_object_ref (task));
}

static void
grow_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GrowData *data = g_task_get_task_data (task);
  GSubprocess *process = G_SUBPROCESS (source);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  GError *error = NULL;
  guint64 size = 0;

  if (!g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_task_return_error (task, qemu_img_failed (_("read the size of"), data->image, err));
      return;
    }
  if (!parse_virtual_size (data->image, out, &size, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->resized)
    {
      g_task_return_pointer (task, g_memdup2 (&size, sizeof size), g_free);
      return;
    }

  data->old_size = size;
  if (data->new_size <= size)
    {
      old_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
      new_text = g_format_size_full (data->new_size, G_FORMAT_SIZE_IEC_UNITS);
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               _("The disk is already %s; it can only grow, so choose a size "
                                 "larger than that (not %s). Shrinking is not supported."),
                               old_text, new_text);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  grow_start (task);
}

/* @new_size_bytes is rounded up to a multiple of 512 and must be larger than the current
 * virtual size. A closed disk: `qemu-img resize` as the user (the next open grows LUKS and
 * ext4); an open disk: the helper's grow. @ret_new_size: the size the image has now. */
void
cdi_manage_grow_async (const char          *image,
                       guint64              new_size_bytes,
                       gboolean             is_open,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GrowData *data;
  struct stat st;

  g_return_if_fail (image != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cdi_manage_grow_async);
  data = g_new0 (GrowData, 1);
  data->image = g_canonicalize_filename (image, NULL);
  data->is_open = is_open;
  g_task_set_task_data (task, data, (GDestroyNotify) grow_data_free);

  if (new_size_bytes > CDI_SIZE_MAX)
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               _("A disk can grow to at most 64 TiB."));
      return;
    }
  data->new_size = (new_size_bytes + 511) / 512 * 512;
  /* qemu-img follows symbolic links; the helper would refuse one, so refuse it here too */
  if (g_lstat (data->image, &st) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, CDI_ERROR,
                               saved_errno == ENOENT ? CDI_ERROR_NOT_FOUND : CDI_ERROR_FAILED,
                               _("Cannot use the image %s: %s"), data->image,
                               g_strerror (saved_errno));
      return;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               /* Translators: a security message; %s is a path */
                               _("%s is not a regular image file (symbolic links are not "
                                 "followed)."), data->image);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  grow_run_info (task);
}

gboolean
cdi_manage_grow_finish (GAsyncResult  *result,
                        guint64       *ret_new_size,
                        GError       **error)
{
  g_autofree guint64 *size = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  size = g_task_propagate_pointer (G_TASK (result), error);
  if (size == NULL)
    return FALSE;
  if (ret_new_size != NULL)
    *ret_new_size = *size;
  return TRUE;
}

/* --- backup-header --- */

typedef struct
{
  char *dest;
  int fd;
  dev_t dev;
  ino_t ino;
} BackupData;

/* Removes the partial file, if it is still the one this backup created */
static void
backup_undo (BackupData *data)
{
  struct stat st;

  if (data->fd < 0)
    return;
  g_close (data->fd, NULL);
  data->fd = -1;
  if (g_lstat (data->dest, &st) == 0 && S_ISREG (st.st_mode) && st.st_dev == data->dev
      && st.st_ino == data->ino && g_unlink (data->dest) != 0)
    g_debug ("Could not remove %s: %s, ignoring", data->dest, g_strerror (errno));
}

static void
backup_data_free (BackupData *data)
{
  backup_undo (data); /* still open: the backup did not finish */
  g_free (data->dest);
  g_free (data);
}

static GError *
dest_error (int         saved_errno,
            const char *dest)
{
  if (saved_errno == EEXIST)
    return g_error_new (CDI_ERROR, CDI_ERROR_EXISTS,
                        /* Translators: a security message; %s is a path */
                        _("%s already exists. Choose a new file name: an existing file (or "
                          "symbolic link) is never overwritten."), dest);
  if (saved_errno == ELOOP)
    return g_error_new (CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                        /* Translators: a security message; %s is a path */
                        _("%s is a symbolic link. Choose a new file name: links are not "
                          "followed."), dest);
  return g_error_new (CDI_ERROR, CDI_ERROR_FAILED, _("Cannot write the header backup %s: %s"),
                      dest, g_strerror (saved_errno));
}

static gboolean
write_all (int            fd,
           const guint8  *buf,
           gsize          len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      buf += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static void
backup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BackupData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) header = NULL;
  GError *error = NULL;
  const guint8 *bytes;
  gsize size = 0;
  int fd;

  header = cdi_helper_client_run_raw_finish (result, &error);
  if (header == NULL)
    {
      backup_undo (data);
      g_task_return_error (task, error);
      return;
    }
  bytes = g_bytes_get_data (header, &size);
  if (size < sizeof luks_magic || memcmp (bytes, luks_magic, sizeof luks_magic) != 0)
    {
      backup_undo (data);
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                               _("The helper did not send a LUKS header (%" G_GSIZE_FORMAT
                                 " bytes). Nothing was saved."), size);
      return;
    }
  if (!write_all (data->fd, bytes, size) || fsync (data->fd) != 0)
    {
      int saved_errno = errno;

      backup_undo (data);
      g_task_return_error (task, dest_error (saved_errno, data->dest));
      return;
    }
  fd = data->fd;
  data->fd = -1; /* done: keep the file */
  if (!g_close (fd, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* @dest is created first (O_CREAT|O_EXCL|O_NOFOLLOW, 0600), so an existing file or symbolic
 * link is refused before the helper runs; a failure removes it again. */
void
cdi_manage_backup_header_async (const char          *image,
                                const char          *dest,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  BackupData *data;
  struct stat st;

  g_return_if_fail (image != NULL && dest != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cdi_manage_backup_header_async);
  data = g_new0 (BackupData, 1);
  data->fd = -1;
  data->dest = g_canonicalize_filename (dest, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) backup_data_free);
  path = g_canonicalize_filename (image, NULL);

  if (g_str_equal (path, data->dest))
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               _("The header backup must be a new file, not the image."));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  data->fd = g_open (data->dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                     0600);
  if (data->fd < 0)
    {
      g_task_return_error (task, dest_error (errno, data->dest));
      return;
    }
  /* the umask may only remove bits; set 0600 exactly, and remember which file is ours */
  if (fstat (data->fd, &st) != 0 || fchmod (data->fd, 0600) != 0)
    {
      int saved_errno = errno;

      g_close (data->fd, NULL);
      data->fd = -1;
      g_unlink (data->dest);
      g_task_return_error (task, dest_error (saved_errno, data->dest));
      return;
    }
  data->dev = st.st_dev;
  data->ino = st.st_ino;
  cdi_helper_client_backup_header_async (path, cancellable, backup_cb, g_steal_pointer (&task));
}

gboolean
cdi_manage_backup_header_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
