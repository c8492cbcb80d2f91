/* cdi-path-checks.c - the checks of a disk's name, image file and mount point, as typed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-path-checks.h"

#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"

/* A typed path: surrounding spaces dropped, a leading "~" is the home folder, and an absolute
 * path is canonicalized ("/a//b/../c/" -> "/a/c"); a relative one is returned as it is */
char *
cdi_expand_path (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (g_strcmp0 (copy, "~") == 0 || g_str_has_prefix (copy, "~/"))
    {
      g_autofree char *home = g_build_filename (g_get_home_dir (), copy + 1, NULL);

      return g_canonicalize_filename (home, NULL);
    }
  if (g_path_is_absolute (copy))
    return g_canonicalize_filename (copy, NULL);
  return g_steal_pointer (&copy);
}

/* Where new images go unless the user says otherwise: $XDG_DATA_HOME/crypt-disk-image */
char *
cdi_default_image_folder (void)
{
  return g_build_filename (g_get_user_data_dir (), PACKAGE_NAME, NULL);
}

/* The mount point proposed for a disk named @name: ~/NAME, or "" while there is no name */
char *
cdi_default_mountpoint (const char *name)
{
  if (name == NULL || *name == '\0')
    return g_strdup ("");
  return g_build_filename (g_get_home_dir (), name, NULL);
}

gboolean
cdi_check_name (CdiDiskStore  *store,
                const char    *name,
                CdiDisk       *self_disk,
                GError       **error)
{
  CdiDisk *other;

  if (*name == '\0')
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, _("Choose a name for the disk."));
      return FALSE;
    }
  if (!cdi_disk_name_is_valid (name))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("“%s” cannot be the name of a disk: use letters, digits, “.”, “_” and "
                     "“-”, at most 64."), name);
      return FALSE;
    }
  other = cdi_disk_store_lookup (store, name);
  if (other != NULL && other != self_disk)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS, _("There is already a disk named “%s”."),
                   name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_absolute (const char  *path,
                const char  *empty_message,
                const char  *relative_message,
                GError     **error)
{
  if (*path == '\0')
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, empty_message);
      return FALSE;
    }
  if (!g_path_is_absolute (path))
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, relative_message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parent_is_folder (const char  *path,
                  GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_file_test (parent, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND, _("The folder %s does not exist."), parent);
  return FALSE;
}

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), _("Cannot use %s: %s"),
               path, g_strerror (saved_errno));
}

/* Magic numbers of statfs(2)'s f_type; linux/magic.h lacks some of them */
#define FS_FUSE   0x65735546UL
#define FS_NFS    0x6969UL
#define FS_SMB    0x517bUL
#define FS_SMB2   0xfe534d42UL
#define FS_CIFS   0xff534d42UL
#define FS_CEPH   0x00c36400UL
#define FS_AFS    0x5346414fUL
#define FS_9P     0x01021997UL
#define FS_MSDOS  0x4d44UL
#define FS_EXFAT  0x2011bab0UL
#define FS_NTFS   0x5346544eUL
#define FS_NTFS3  0x7366746eUL

/* Why an image (@for_image) or a mount point cannot live on a file system of type @f_type, or
 * NULL when it can. The helper runs as root: FUSE mounts are closed to root unless mounted
 * with allow_other, network file systems map root to nobody (root squash), and file systems
 * without Unix owners cannot keep an image private to its user. */
const char *
cdi_filesystem_problem (unsigned long f_type,
                        gboolean      read_only,
                        gboolean      for_image)
{
  switch (f_type)
    {
    case FS_FUSE:
      return _("It is on a FUSE file system (such as sshfs, or a Windows disk): the helper that "
               "opens disks cannot reach it. Choose a folder on a local disk.");
    case FS_NFS:
    case FS_SMB:
    case FS_SMB2:
    case FS_CIFS:
    case FS_CEPH:
    case FS_AFS:
    case FS_9P:
      return _("It is on a network file system: the helper that opens disks cannot reach it "
               "reliably there. Choose a folder on a local disk.");
    case FS_MSDOS:
    case FS_EXFAT:
    case FS_NTFS:
    case FS_NTFS3:
      if (for_image)
        /* Translators: a security message */
        return _("It is on a FAT, exFAT or NTFS file system, which cannot keep the image file "
                 "yours alone. Choose a folder on a Linux file system.");
      break;
    default:
      break;
    }
  if (read_only)
    return _("It is on a read-only file system.");
  return NULL;
}

/* @path, or the nearest folder above it that exists */
static gboolean
check_filesystem (const char  *path,
                  gboolean     for_image,
                  GError     **error)
{
  g_autofree char *existing = g_strdup (path);
  struct statfs fs;
  struct statvfs vfs;
  const char *problem;

  while (statfs (existing, &fs) != 0 || statvfs (existing, &vfs) != 0)
    {
      char *parent;

      if (errno != ENOENT && errno != ENOTDIR)
        {
          set_errno_error (error, errno, existing);
          return FALSE;
        }
      parent = g_path_get_dirname (existing);
      if (g_strcmp0 (parent, existing) == 0)
        {
          g_free (parent);
          return TRUE;
        }
      g_free (existing);
      existing = parent;
    }
  problem = cdi_filesystem_problem ((unsigned long) fs.f_type, (vfs.f_flag & ST_RDONLY) != 0,
                                    for_image);
  if (problem == NULL)
    return TRUE;
  /* Translators: the first %s is a path, the second why it cannot be used */
  g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, _("%s cannot be used. %s"), path,
               problem);
  return FALSE;
}

gboolean
cdi_check_new_image (CdiDiskStore  *store,
                     const char    *path,
                     GError       **error)
{
  g_autofree char *parent = NULL;
  g_autofree char *default_folder = NULL;
  struct stat st;
  CdiDisk *other;

  if (!check_absolute (path, _("Choose where the image file goes."),
                       _("The image file must be a full path, starting with “/” or “~”."), error))
    return FALSE;
  other = cdi_disk_store_lookup_by_image (store, path);
  if (other != NULL)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS, _("%s is already the image of “%s”."),
                   path, cdi_disk_get_name (other));
      return FALSE;
    }
  if (g_lstat (path, &st) == 0)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                   _("%s already exists. Choose another file name: an existing file is never "
                     "overwritten."), path);
      return FALSE;
    }
  if (errno != ENOENT)
    {
      set_errno_error (error, errno, path);
      return FALSE;
    }
  parent = g_path_get_dirname (path);
  default_folder = cdi_default_image_folder ();
  if (g_strcmp0 (parent, default_folder) != 0  /* that one is made when the disk is created */
      && !parent_is_folder (path, error))
    return FALSE;
  return check_filesystem (path, TRUE, error);
}

/* An image to add: a regular file (through a symbolic link too: the helper opens the image
 * itself, without following links, and says so) that no disk uses yet */
gboolean
cdi_check_existing_image (CdiDiskStore  *store,
                          const char    *path,
                          GError       **error)
{
  struct stat st;
  CdiDisk *other;

  if (!check_absolute (path, _("Choose the image file."),
                       _("The image file must be a full path, starting with “/” or “~”."), error))
    return FALSE;
  other = cdi_disk_store_lookup_by_image (store, path);
  if (other != NULL)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                   _("This image is already in the list, as “%s”."), cdi_disk_get_name (other));
      return FALSE;
    }
  if (stat (path, &st) != 0)
    {
      if (errno != ENOENT)
        set_errno_error (error, errno, path);
      else
        g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND, _("%s does not exist."), path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, _("%s is not a file."), path);
      return FALSE;
    }
  return check_filesystem (path, TRUE, error);
}

static gboolean
folder_is_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) == NULL;
}

/* @self_disk: the disk whose mount point this is to be, NULL for a new one; its own mount
 * point need not be empty (it holds the disk's files while it is open) */
gboolean
cdi_check_mountpoint (CdiDiskStore  *store,
                      const char    *path,
                      CdiDisk       *self_disk,
                      GError       **error)
{
  struct stat st;
  CdiDisk *other;

  if (!check_absolute (path, _("Choose the mount point: the folder where the disk’s files appear."),
                       _("The mount point must be a full path, starting with “/” or “~”."), error))
    return FALSE;
  other = cdi_disk_store_lookup_by_mountpoint (store, path);
  if (other != NULL && other != self_disk)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                   _("%s is already the mount point of “%s”."), path, cdi_disk_get_name (other));
      return FALSE;
    }
  if (g_lstat (path, &st) != 0)
    {
      if (errno != ENOENT)
        {
          set_errno_error (error, errno, path);
          return FALSE;
        }
      return parent_is_folder (path, error) && check_filesystem (path, FALSE, error);
    }
  if (S_ISLNK (st.st_mode))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message */
                   _("%s is a symbolic link. Choose a folder."), path);
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, _("%s is not a folder."), path);
      return FALSE;
    }
  if (st.st_uid != getuid ())
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message */
                   _("%s belongs to someone else. Choose a folder of yours."), path);
      return FALSE;
    }
  if ((self_disk == NULL || g_strcmp0 (cdi_disk_get_mountpoint (self_disk), path) != 0)
      && !folder_is_empty (path))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                   _("%s is not empty. Choose an empty folder, or a name that does not exist "
                     "yet."), path);
      return FALSE;
    }
  return check_filesystem (path, FALSE, error);
}

gboolean
cdi_check_distinct_places (const char  *image,
                           const char  *mountpoint,
                           GError     **error)
{
  g_autofree char *folder = NULL;

  if (*image == '\0' || *mountpoint == '\0')
    return TRUE;
  if (g_strcmp0 (image, mountpoint) == 0)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The image file and the mount point must be different."));
      return FALSE;
    }
  /* The image would make the mount point non-empty, which the helper refuses at every open,
   * and once mounted the disk's own files would hide it */
  folder = g_str_has_suffix (mountpoint, "/") ? g_strdup (mountpoint)
                                               : g_strconcat (mountpoint, "/", NULL);
  if (g_str_has_prefix (image, folder))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The image file cannot be inside the mount point: keep it in another "
                     "folder."));
      return FALSE;
    }
  return TRUE;
}

/* The free bytes of the file system where @path is or would go (the nearest folder above it
 * that exists, named in @ret_folder); 0 when unknown */
guint64
cdi_free_space_for (const char  *path,
                    char       **ret_folder)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;

  while (!g_file_test (folder, G_FILE_TEST_IS_DIR) && strcmp (folder, "/") != 0
         && strcmp (folder, ".") != 0)
    {
      char *up = g_path_get_dirname (folder);

      g_free (folder);
      folder = up;
    }
  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      file = g_file_new_for_path (folder);
      info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
    }
  if (ret_folder != NULL)
    *ret_folder = g_steal_pointer (&folder);
  if (info == NULL)
    return 0;
  return g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
}
