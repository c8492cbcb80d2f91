/* cdi-image.c - create a new encrypted disk image
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
#include "cdi-image.h"
#include "cdi-size.h"

typedef struct
{
  char *image;
  char *mountpoint;
  guint64 size_bytes;
  CdiPassphrase *passphrase;
  CdiHelperFormatOptions format_options; /* its strings are the two below */
  char *pbkdf;
  char *label;
  CdiImageProgressFunc progress;
  gpointer progress_data;
  gboolean created_image;
  gboolean created_mountpoint;
  dev_t image_dev;
  ino_t image_ino;
  GError *qemu_img_error;                /* why qemu-img was stopped, until it has ended */
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_free (data->image);
  g_free (data->mountpoint);
  g_clear_pointer (&data->passphrase, cdi_passphrase_unref);
  g_free (data->pbkdf);
  g_free (data->label);
  g_clear_error (&data->qemu_img_error);
  g_free (data);
}

static void
report (CreateData *data,
        const char *step)
{
  if (data->progress != NULL)
    data->progress (step, data->progress_data);
}

/* TRUE when @path is still the file we created, not something put there since */
static gboolean
is_our_image (CreateData *data)
{
  struct stat st;

  return g_lstat (data->image, &st) == 0 && S_ISREG (st.st_mode)
         && st.st_dev == data->image_dev && st.st_ino == data->image_ino;
}

/* Removes what this creation made, then returns @error (taken), or G_IO_ERROR_CANCELLED when
 * the caller cancelled meanwhile: whatever the step in flight did, nothing of it stays */
static void
undo_and_return (GTask  *task,
                 GError *error)
{
  CreateData *data = g_task_get_task_data (task);

  if (data->created_image && is_our_image (data) && g_unlink (data->image) != 0)
    g_debug ("Could not remove %s: %s, ignoring", data->image, g_strerror (errno));
  if (data->created_mountpoint && g_rmdir (data->mountpoint) != 0)
    g_debug ("Could not remove %s: %s, ignoring", data->mountpoint, g_strerror (errno));
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_clear_error (&error);
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error);
    }
  g_task_return_error (task, error);
}

/* "@what: <strerror>"; @what is translated and names the path */
static GError *
errno_error (int         saved_errno,
             const char *what)
{
  return g_error_new (CDI_ERROR, saved_errno == EEXIST ? CDI_ERROR_EXISTS : CDI_ERROR_FAILED,
                      "%s: %s", what, g_strerror (saved_errno));
}

/* The mount point must be missing (*ret_missing) or an empty real folder */
static gboolean
check_mountpoint (const char  *mountpoint,
                  gboolean    *ret_missing,
                  GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  struct stat st;

  *ret_missing = FALSE;
  if (g_lstat (mountpoint, &st) != 0)
    {
      if (errno == ENOENT)
        {
          *ret_missing = TRUE;
          return TRUE;
        }
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Cannot use the mount point %s"), mountpoint);

      g_propagate_error (error, errno_error (saved_errno, what));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message; %s is a path */
                   _("The mount point %s is not a folder (symbolic links are not followed). "
                     "Choose an empty folder, or a name that does not exist yet."),
                   mountpoint);
      return FALSE;
    }
  dir = g_dir_open (mountpoint, 0, error);
  if (dir == NULL)
    return FALSE;
  if (g_dir_read_name (dir) != NULL)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The mount point %s is not empty. Choose an empty folder, or a name that "
                     "does not exist yet."),
                   mountpoint);
      return FALSE;
    }
  return TRUE;
}

/* O_EXCL refuses an existing file, O_NOFOLLOW a symlink (also a dangling one) */
static gboolean
create_image_file (CreateData  *data,
                   GError     **error)
{
  g_autofree char *what = g_strdup_printf (_("Cannot create the image %s"), data->image);
  struct stat st;
  int fd;

  fd = g_open (data->image, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST)
        g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                     /* Translators: a security message; %s is a path */
                     _("%s already exists. Choose another file name: an existing file is never "
                       "overwritten."),
                     data->image);
      else
        g_propagate_error (error, errno_error (saved_errno, what));
      return FALSE;
    }
  data->created_image = TRUE;
  if (fstat (fd, &st) != 0 || fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      g_propagate_error (error, errno_error (saved_errno, what));
      return FALSE;
    }
  data->image_dev = st.st_dev;
  data->image_ino = st.st_ino;
  return g_close (fd, error);
}

static void
format_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;
  CdiRecord *disk;

  if (!cdi_helper_client_run_finish (result, &records, &error))
    {
      undo_and_return (task, error);
      return;
    }
  /* The helper ran to its end and formatted the image; cancelled meanwhile, it goes again */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      undo_and_return (task, error);
      return;
    }
  disk = cdi_records_find (records, CDI_HELPER_RECORD_DISK);
  g_task_return_pointer (task, g_strdup (disk != NULL ? cdi_record_get (disk, "uuid") : NULL),
                         g_free);
}

/* qemu-img was killed: its end is awaited, so nothing writes to the image once it is removed */
static void
qemu_img_killed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CreateData *data = g_task_get_task_data (task);

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  undo_and_return (task, g_steal_pointer (&data->qemu_img_error));
}

static void
qemu_img_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CreateData *data = g_task_get_task_data (task);
  g_autofree char *err_text = NULL;
  GSubprocess *process = G_SUBPROCESS (source);
  GError *error = NULL;
  int fd;

  if (!g_subprocess_communicate_utf8_finish (process, result, NULL, &err_text, &error))
    {
      data->qemu_img_error = error;
      g_subprocess_force_exit (process); /* cancelled: it must not write on */
      g_subprocess_wait_async (process, /* cancellable= */ NULL, qemu_img_killed_cb,
                               g_steal_pointer (&task));
      return;
    }
  if (!g_subprocess_get_successful (process))
    {
      undo_and_return (task, g_error_new (CDI_ERROR, CDI_ERROR_FAILED,
                                           _("qemu-img could not create the image %s: %s"),
                                           data->image,
                                           err_text != NULL ? g_strstrip (err_text) : ""));
      return;
    }
  /* qemu-img wrote to the name: make sure it is still our 0600 file */
  fd = is_our_image (data) ? g_open (data->image, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0) : -1;
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      if (fd >= 0)
        g_close (fd, NULL);
      undo_and_return (task, g_error_new (CDI_ERROR, CDI_ERROR_FAILED,
                                          /* Translators: a security message; %s is a path */
                                          _("The image %s was replaced while it was being "
                                            "created. Try again."),
                                          data->image));
      return;
    }
  g_close (fd, NULL);

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      undo_and_return (task, error);
      return;
    }
  report (data, _("Formatting (key derivation takes a few seconds)"));
  cdi_helper_client_format_async (data->image, &data->format_options, data->passphrase,
                                  g_task_get_cancellable (task), format_cb, g_object_ref (task));
}

static void
start_create (GTask *task)
{
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *size_text = g_strdup_printf ("%" G_GUINT64_FORMAT, data->size_bytes);
  GError *error = NULL;
  gboolean mountpoint_missing;

  if (!check_mountpoint (data->mountpoint, &mountpoint_missing, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  report (data, _("Creating image"));
  if (!create_image_file (data, &error))
    {
      undo_and_return (task, error);
      return;
    }
  if (mountpoint_missing)
    {
      if (g_mkdir (data->mountpoint, 0700) != 0)
        {
          int saved_errno = errno;
          g_autofree char *what = g_strdup_printf (_("Cannot create the mount point %s"),
                                                   data->mountpoint);

          undo_and_return (task, errno_error (saved_errno, what));
          return;
        }
      data->created_mountpoint = TRUE;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, QEMU_IMG_PATH, "create", "-q", "-f", "qcow2",
                              "-o", "preallocation=off", data->image, size_text, NULL);
  if (process == NULL)
    {
      GError *missing = g_error_new (CDI_ERROR, CDI_ERROR_MISSING_SUPPORT,
                                     _("Could not run %s: %s. Install qemu-utils, or run "
                                       "“crypt-disk-image check-deps”."),
                                     QEMU_IMG_PATH, error->message);

      g_error_free (error);
      undo_and_return (task, missing);
      return;
    }
  g_subprocess_communicate_utf8_async (process, NULL, g_task_get_cancellable (task), qemu_img_cb,
                                       g_object_ref (task));
}

/* @image and @mountpoint may be relative to the working directory. @progress (may be NULL) and
 * @progress_data must stay valid until @callback runs. The passphrase is used as it is. */
void
cdi_image_create_async (const char                   *image,
                        guint64                       size_bytes,
                        const char                   *mountpoint,
                        CdiPassphrase                *passphrase,
                        const CdiHelperFormatOptions *format_options,
                        CdiImageProgressFunc          progress,
                        gpointer                      progress_data,
                        GCancellable                 *cancellable,
                        GAsyncReadyCallback           callback,
                        gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  CreateData *data;

  g_return_if_fail (image != NULL && mountpoint != NULL && passphrase != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cdi_image_create_async);
  /* A cancel is reported by the steps themselves, once what they made is removed: GTask's own
   * check would report it while the image is still there */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (CreateData, 1);
  data->image = g_canonicalize_filename (image, NULL);
  data->mountpoint = g_canonicalize_filename (mountpoint, NULL);
  data->size_bytes = size_bytes;
  data->passphrase = cdi_passphrase_ref (passphrase);
  if (format_options != NULL)
    {
      data->format_options = *format_options;
      data->pbkdf = g_strdup (format_options->pbkdf);
      data->label = g_strdup (format_options->label);
    }
  data->format_options.pbkdf = data->pbkdf;
  data->format_options.label = data->label;
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);

  if (size_bytes < CDI_SIZE_MIN || size_bytes > CDI_SIZE_MAX)
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               _("A disk must have 64 MiB to 64 TiB."));
      return;
    }
  if (g_str_equal (data->image, data->mountpoint))
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               _("The image and the mount point must be different paths."));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  start_create (task);
}

/* @ret_uuid: the new LUKS UUID from the helper's disk record, or NULL if it did not print one */
gboolean
cdi_image_create_finish (GAsyncResult  *result,
                         char         **ret_uuid,
                         GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *uuid;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  uuid = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (ret_uuid != NULL)
    *ret_uuid = uuid;
  else
    g_free (uuid);
  return TRUE;
}
