/* fs.c - the ext4 file system inside: make, check, mount nosuid,nodev, trim, unmount
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mounting uses the kernel's fd-based mount API: the mount lands on the directory fd the
 * helper opened and checked, so a path swapped after the check cannot redirect it. Unmounting
 * looks the mount up by its id, never by a name the user can retarget, and checks that it
 * still mounts the disk's own device: the kernel reuses the id of a mount that went away.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs.h"
#include "path.h"
#include "run.h"

#define EXT4_LABEL_MAX 16

int
cdi_fs_make (const char *device,
             uint64_t    size,
             const char *label,
             uid_t       uid,
             gid_t       gid)
{
  char owner[96], ext_label[EXT4_LABEL_MAX + 1];
  const char *journal = size >= (UINT64_C (8) << 30) ? "size=64" : NULL;
  char *argv[20];
  CdiRunOptions o = { .stdout_fd = -1, .stderr_fd = -1 };
  int n = 0, status, r;

  snprintf (ext_label, sizeof ext_label, "%s", label);
  /* lazy_itable_init with the noinit_itable mount option and a capped journal keep a fresh
   * image thin: zeroing inode tables through dm-crypt would write real, incompressible blocks. */
  snprintf (owner, sizeof owner, "lazy_itable_init=1,lazy_journal_init=1,nodiscard,root_owner=%lu:%lu",
            (unsigned long) uid, (unsigned long) gid);
  argv[n++] = (char *) "mke2fs";
  argv[n++] = (char *) "-t";
  argv[n++] = (char *) "ext4";
  argv[n++] = (char *) "-q";
  argv[n++] = (char *) "-F";
  argv[n++] = (char *) "-m";
  argv[n++] = (char *) "0";
  argv[n++] = (char *) "-L";
  argv[n++] = ext_label;
  argv[n++] = (char *) "-E";
  argv[n++] = owner;
  if (journal != NULL)
    {
      argv[n++] = (char *) "-J";
      argv[n++] = (char *) journal;
    }
  argv[n++] = (char *) "--";
  argv[n++] = (char *) device;
  argv[n] = NULL;

  r = cdi_run (MKE2FS_PATH, argv, &o, &status);
  if (r < 0)
    return r;
  return status == 0 ? 0 : -EIO;
}

int
cdi_fs_check (const char    *device,
              CdiFsckResult *ret_result)
{
  char *const argv[] = { (char *) "e2fsck", (char *) "-p", (char *) "--", (char *) device, NULL };
  CdiRunOptions o = { .stdout_fd = -1, .stderr_fd = -1 };
  int status, r;

  /* -p (preen) repairs only what is safe without a human; 4 means it stopped short. */
  r = cdi_run (E2FSCK_PATH, argv, &o, &status);
  if (r < 0)
    return r;
  if (status == 0)
    *ret_result = CDI_FSCK_CLEAN;
  else if (status == 1 || status == 2 || status == 3)
    *ret_result = CDI_FSCK_REPAIRED;
  else if (status & 4)
    *ret_result = CDI_FSCK_NEEDS_REPAIR;
  else
    return -EIO;
  return 0;
}

int
cdi_fs_mnt_id (int       fd,
               uint64_t *ret_mnt_id)
{
  struct statx stx;

  if (statx (fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
    return -errno;
  if ((stx.stx_mask & STATX_MNT_ID) == 0)
    return -ENOSYS;
  *ret_mnt_id = stx.stx_mnt_id;
  return 0;
}

static void
copy_fs_log (int fs_fd)
{
  char msg[512];
  ssize_t n;

  while ((n = read (fs_fd, msg, sizeof msg - 1)) > 0)
    {
      msg[n] = '\0';
      fprintf (stderr, "mount: %s\n", msg);
    }
}

static int
make_mount (const char *device,
            bool        read_only,
            int        *ret_mount_fd)
{
  unsigned int attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  int fs_fd, mnt_fd, r = 0;

  fs_fd = fsopen ("ext4", FSOPEN_CLOEXEC);
  if (fs_fd < 0)
    return errno == ENODEV ? -ENOPKG : -errno;
  if (fsconfig (fs_fd, FSCONFIG_SET_STRING, "source", device, 0) < 0 ||
      fsconfig (fs_fd, FSCONFIG_SET_STRING, "errors", "remount-ro", 0) < 0 ||
      fsconfig (fs_fd, FSCONFIG_SET_FLAG, "noinit_itable", NULL, 0) < 0)
    r = -errno;
  if (r == 0 && read_only)
    {
      /* A dirty journal cannot be replayed onto a read-only device. */
      if (fsconfig (fs_fd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
          fsconfig (fs_fd, FSCONFIG_SET_FLAG, "norecovery", NULL, 0) < 0)
        r = -errno;
      attrs |= MOUNT_ATTR_RDONLY;
    }
  if (r == 0 && fsconfig (fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    r = -errno;
  if (r < 0)
    {
      copy_fs_log (fs_fd);
      close (fs_fd);
      return r;
    }
  mnt_fd = fsmount (fs_fd, FSMOUNT_CLOEXEC, attrs);
  r = mnt_fd < 0 ? -errno : 0;
  close (fs_fd);
  if (r < 0)
    return r;
  *ret_mount_fd = mnt_fd;
  return 0;
}

int
cdi_fs_mount (const char *device,
              int         target_fd,
              bool        read_only,
              uint64_t   *ret_mnt_id)
{
  uint64_t mnt_id;
  int mnt_fd, r;

  r = make_mount (device, read_only, &mnt_fd);
  if (r < 0)
    return r;
  r = cdi_fs_mnt_id (mnt_fd, &mnt_id);
  if (r == 0 && move_mount (mnt_fd, "", target_fd, "",
                            MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    r = -errno;
  close (mnt_fd);
  if (r < 0)
    return r;
  *ret_mnt_id = mnt_id;
  return 0;
}

/* The new file system's root belongs to the caller, mode 0700, set on a detached mount that
 * nobody else can reach and that goes away when its fd is closed. */
int
cdi_fs_prepare_root (const char *device,
                     uid_t       uid,
                     gid_t       gid)
{
  int mnt_fd, root_fd, r = 0;

  r = make_mount (device, false, &mnt_fd);
  if (r < 0)
    return r;
  root_fd = openat (mnt_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    r = -errno;
  else
    {
      if (fchown (root_fd, uid, gid) < 0 || fchmod (root_fd, 0700) < 0 || syncfs (root_fd) < 0)
        r = -errno;
      close (root_fd);
    }
  close (mnt_fd);
  return r;
}

static void
unescape_octal (char *s)
{
  char *w = s;

  for (char *p = s; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
          p[3] >= '0' && p[3] <= '7')
        {
          *w++ = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
          p += 3;
        }
      else
        *w++ = *p;
    }
  *w = '\0';
}

/* The mount point (fifth field) of a /proc/self/mountinfo @line, unescaped, into @ret_path */
static int
copy_mount_point (char   *line,
                  char   *ret_path,
                  size_t  path_size)
{
  char *mnt_point, *save = NULL;

  strtok_r (line, " ", &save);                      /* mount id */
  for (int i = 0; i < 3 && strtok_r (NULL, " ", &save); i++) /* parent, dev, root */
    ;
  mnt_point = strtok_r (NULL, " ", &save);
  if (mnt_point == NULL)
    return -EPROTO;
  unescape_octal (mnt_point);
  if (strlen (mnt_point) >= path_size)
    return -ENAMETOOLONG;
  strcpy (ret_path, mnt_point);
  return 0;
}

/* Decides on one mountinfo line: 0 reads on, 1 takes this line's mount point, < 0 stops */
typedef int (*MountMatch) (const char *line,
                           void       *user_data);

/* The mount point of the first line @match takes; -ENOENT when it takes none */
static int
find_in_mountinfo (MountMatch  match,
                   void       *user_data,
                   char       *ret_path,
                   size_t      path_size)
{
  FILE *f;
  char *line = NULL;
  size_t cap = 0;
  int r = -ENOENT;

  f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return -errno;
  while (getline (&line, &cap, f) > 0)
    {
      int m = match (line, user_data);

      if (m == 0)
        continue;
      r = m < 0 ? m : copy_mount_point (line, ret_path, path_size);
      break;
    }
  free (line);
  fclose (f);
  return r;
}

typedef struct
{
  uint64_t mnt_id;
  dev_t dev;
} MountWanted;

static int
match_mount_id (const char *line,
                void       *user_data)
{
  const MountWanted *want = user_data;
  unsigned long long id;
  unsigned int major, minor;

  if (sscanf (line, "%llu %*u %u:%u ", &id, &major, &minor) != 3 || id != want->mnt_id)
    return 0;
  return makedev (major, minor) == want->dev ? 1 : -ESTALE;
}

/* Where the mount with this id is now, in the kernel's words (the user may have renamed a
 * parent directory since we mounted it). Mount ids are reused as soon as a mount goes: a
 * mount with this id on another device is not ours (-ESTALE). */
int
cdi_fs_find_mount (uint64_t mnt_id,
                   dev_t    dev,
                   char    *ret_path,
                   size_t   path_size)
{
  MountWanted want = { mnt_id, dev };

  return find_in_mountinfo (match_mount_id, &want, ret_path, path_size);
}

static int
match_parent_id (const char *line,
                 void       *user_data)
{
  const uint64_t *parent_id = user_data;
  unsigned long long id, parent;

  return sscanf (line, "%llu %llu ", &id, &parent) == 2 && parent == *parent_id &&
         id != *parent_id;
}

int
cdi_fs_find_submount (uint64_t mnt_id,
                      char    *ret_path,
                      size_t   path_size)
{
  return find_in_mountinfo (match_parent_id, &mnt_id, ret_path, path_size);
}

int
cdi_fs_open_mount (const char *path,
                   uint64_t    mnt_id,
                   dev_t       dev,
                   int        *ret_fd)
{
  struct stat st;
  uint64_t id;
  int fd, r;

  r = cdi_path_open_nofollow (path, O_RDONLY | O_DIRECTORY, &fd);
  if (r < 0)
    return r;
  r = cdi_fs_mnt_id (fd, &id);
  if (r == 0 && fstat (fd, &st) < 0)
    r = -errno;
  if (r == 0 && (id != mnt_id || st.st_dev != dev))
    r = -ESTALE;
  if (r < 0)
    {
      close (fd);
      return r;
    }
  *ret_fd = fd;
  return 0;
}

/* Unmount by name relative to the parent directory we opened without following symlinks,
 * after checking that this name is our mount (its id, and the device it mounts: ids are
 * reused); never lazy. */
int
cdi_fs_unmount (const char *path,
                uint64_t    mnt_id,
                dev_t       dev)
{
  char parent[PATH_MAX];
  const char *name;
  struct statx stx;
  int parent_fd, r = 0;

  name = strrchr (path, '/');
  if (name == NULL || name[1] == '\0' || (size_t) (name - path) >= sizeof parent)
    return -EINVAL;
  if (name == path)
    strcpy (parent, "/");
  else
    {
      memcpy (parent, path, (size_t) (name - path));
      parent[name - path] = '\0';
    }
  name++;

  if (strcmp (parent, "/") == 0)
    parent_fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  else
    {
      r = cdi_path_open_nofollow (parent, O_PATH | O_DIRECTORY, &parent_fd);
      if (r < 0)
        return r;
    }
  if (parent_fd < 0)
    return -errno;
  if (statx (parent_fd, name, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
    r = -errno;
  else if ((stx.stx_mask & STATX_MNT_ID) == 0 || stx.stx_mnt_id != mnt_id ||
           makedev (stx.stx_dev_major, stx.stx_dev_minor) != dev)
    r = -ESTALE;
  else if (fchdir (parent_fd) < 0)
    r = -errno;
  else
    {
      if (umount2 (name, UMOUNT_NOFOLLOW) < 0)
        r = -errno;
      if (chdir ("/") < 0 && r == 0)
        r = -errno;
    }
  close (parent_fd);
  return r;
}

int
cdi_fs_trim (int       mount_fd,
             uint64_t *ret_bytes)
{
  struct fstrim_range range = { .start = 0, .len = UINT64_MAX, .minlen = 0 };

  if (ioctl (mount_fd, FITRIM, &range) < 0)
    return -errno;
  *ret_bytes = range.len;
  return 0;
}

/* ext4 superblock fields we read (offsets within the superblock, little-endian) */
#define EXT4_SB_OFFSET 1024
#define EXT4_SB_BLOCKS_LO 0x04
#define EXT4_SB_LOG_BLOCK_SIZE 0x18
#define EXT4_SB_MAGIC 0x38
#define EXT4_SB_FEATURE_INCOMPAT 0x60
#define EXT4_SB_BLOCKS_HI 0x150
#define EXT4_MAGIC 0xEF53
#define EXT4_INCOMPAT_64BIT 0x80
#ifndef EXT4_IOC_RESIZE_FS
#define EXT4_IOC_RESIZE_FS _IOW ('f', 16, uint64_t)
#endif

static uint32_t
le32_at (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

int
cdi_fs_size (const char *device,
             uint64_t   *ret_bytes,
             uint32_t   *ret_block_size)
{
  uint8_t sb[1024];
  uint64_t blocks;
  uint32_t log_bs;
  ssize_t n;
  int fd;

  fd = open (device, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  n = pread (fd, sb, sizeof sb, EXT4_SB_OFFSET);
  close (fd);
  if (n < 0)
    return -errno;
  if (n != (ssize_t) sizeof sb || (sb[EXT4_SB_MAGIC] | sb[EXT4_SB_MAGIC + 1] << 8) != EXT4_MAGIC)
    return -EMEDIUMTYPE;
  log_bs = le32_at (sb + EXT4_SB_LOG_BLOCK_SIZE);
  if (log_bs > 6) /* 1 KiB << 6 = 64 KiB, ext4's largest block */
    return -EMEDIUMTYPE;
  blocks = le32_at (sb + EXT4_SB_BLOCKS_LO);
  if (le32_at (sb + EXT4_SB_FEATURE_INCOMPAT) & EXT4_INCOMPAT_64BIT)
    blocks |= (uint64_t) le32_at (sb + EXT4_SB_BLOCKS_HI) << 32;
  *ret_bytes = blocks << (10 + log_bs);
  *ret_block_size = UINT32_C (1024) << log_bs;
  return 0;
}

/* Online, through the kernel (EXT4_IOC_RESIZE_FS on the mounted file system, what resize2fs
 * does for a mounted one): no tool parses the file system, and the mount is the one we made,
 * reached by its fd. Grows to the largest whole number of blocks within @device_bytes. */
int
cdi_fs_grow (int       mount_fd,
             uint64_t  device_bytes,
             uint32_t  block_size)
{
  uint64_t blocks = device_bytes / block_size;

  if (ioctl (mount_fd, EXT4_IOC_RESIZE_FS, &blocks) < 0)
    return -errno;
  return 0;
}
