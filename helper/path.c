/* path.c - path grammar, symlink-free opening and checks on the opened object
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The user owns the directories their image and mount point live in, so they can swap any
 * component for a symlink at any time. Hence: no component is ever followed as a symlink, the
 * object is opened once, and every later check runs on the fd (fstat, statx, openat).
 */
#include "config.h"

#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool force_fallbacks;

void
cdi_path_testing_force_fallbacks (bool force)
{
  force_fallbacks = force;
}

static bool
is_bad_byte (unsigned char c)
{
  return c < 0x20 || c == 0x7f;
}

int
cdi_path_check_syntax (const char *path)
{
  size_t len;
  size_t start;

  if (path == NULL || path[0] != '/')
    return -EBADMSG;

  /* strnlen: never read past PATH_MAX bytes of an unterminated or huge argument */
  len = strnlen (path, PATH_MAX);
  if (len >= PATH_MAX || len < 2 || path[len - 1] == '/')
    return -EBADMSG;

  start = 1;
  for (size_t i = 1; i <= len; i++)
    {
      size_t comp_len;

      if (i < len && path[i] != '/')
        {
          if (is_bad_byte ((unsigned char) path[i]))
            return -EBADMSG;
          continue;
        }

      comp_len = i - start;
      if (comp_len == 0 || comp_len > NAME_MAX)
        return -EBADMSG;
      if (path[start] == '.' && (comp_len == 1 || (comp_len == 2 && path[start + 1] == '.')))
        return -EBADMSG;
      start = i + 1;
    }

  return 0;
}

/* After ENOTDIR or ELOOP from an O_NOFOLLOW open of @name in @dirfd: was it a symlink? With
 * O_DIRECTORY the kernel says ENOTDIR for a symlink, which would hide the attack. */
static int
classify_open_error (int         dirfd,
                     const char *name,
                     int         error)
{
  struct stat st;

  if (error != -ENOTDIR && error != -ELOOP)
    return error;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    return -ELOOP;
  return error;
}

static int
openat2_nofollow (const char *path,
                  int         flags)
{
  struct open_how how = {
    .flags = (uint64_t) (unsigned int) flags,
    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  long fd;

  fd = syscall (SYS_openat2, AT_FDCWD, path, &how, sizeof how);
  if (fd < 0)
    return -errno;
  return (int) fd;
}

/* The walk for kernels without openat2 (before 5.6): one O_PATH|O_NOFOLLOW open per
 * component, each relative to the previous fd, so no name is resolved twice. @dir is a
 * syntax-checked absolute path; it is modified temporarily. */
static int
walk_dir_nofollow (char *dir,
                   int  *ret_fd)
{
  char *p = dir + 1;
  int fd;

  fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -errno;

  while (*p != '\0')
    {
      char *slash = strchr (p, '/');
      int next;
      int r;

      if (slash != NULL)
        *slash = '\0';
      next = openat (fd, p, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
      r = next < 0 ? classify_open_error (fd, p, -errno) : 0;
      if (slash != NULL)
        *slash = '/';
      close (fd);
      if (r < 0)
        return r;
      fd = next;
      if (slash == NULL)
        break;
      p = slash + 1;
    }

  *ret_fd = fd;
  return 0;
}

static int
open_dir_nofollow (char *dir,
                   int  *ret_fd)
{
  if (!force_fallbacks)
    {
      int fd = openat2_nofollow (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

      if (fd >= 0)
        {
          *ret_fd = fd;
          return 0;
        }
      /* ENOSYS: kernel before 5.6. EPERM: some container seccomp filters answer that for
       * syscalls they do not know. The walk is just as strict, so falling back is safe; for
       * any other error openat2 has said all there is to say. */
      if (fd != -ENOSYS && fd != -EPERM)
        return fd;
    }
  return walk_dir_nofollow (dir, ret_fd);
}

static bool
is_special (mode_t mode)
{
  return !S_ISREG (mode) && !S_ISDIR (mode);
}

int
cdi_path_open_nofollow (const char *path,
                        int         extra_flags,
                        int        *ret_fd)
{
  char dir[PATH_MAX];
  const char *name;
  struct stat st;
  size_t dir_len;
  int dirfd = -1;
  int fd = -1;
  int r;

  r = cdi_path_check_syntax (path);
  if (r < 0)
    return r;
  /* Nothing may change the object before it has been checked */
  if ((extra_flags & (O_CREAT | O_TRUNC)) != 0 || (extra_flags & O_TMPFILE) == O_TMPFILE)
    return -EINVAL;

  name = strrchr (path, '/') + 1;
  dir_len = (size_t) (name - path) - 1;
  if (dir_len == 0)
    dir_len = 1; /* the parent is "/" */
  memcpy (dir, path, dir_len);
  dir[dir_len] = '\0';

  r = open_dir_nofollow (dir, &dirfd);
  if (r < 0)
    goto out;

  /* Look before opening: the helper runs as root and must not open a device node at all. A
   * device swapped in between this look and the open could only be a hard link to an existing
   * node on the same file system (no mknod without privilege; /dev is a file system of its
   * own; protected_hardlinks forbids linking what one does not own). A fifo the caller makes
   * is opened O_NONBLOCK, so it cannot hang us, and is refused by the fstat below. */
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      r = -errno;
      goto out;
    }
  if (S_ISLNK (st.st_mode))
    {
      r = -ELOOP;
      goto out;
    }
  if (is_special (st.st_mode))
    {
      r = -EINVAL;
      goto out;
    }

  fd = openat (dirfd, name, O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extra_flags);
  if (fd < 0)
    {
      r = classify_open_error (dirfd, name, -errno);
      goto out;
    }

  /* With O_PATH|O_NOFOLLOW the kernel hands out an fd to the symlink itself */
  if (fstat (fd, &st) < 0)
    {
      r = -errno;
      goto out;
    }
  if (S_ISLNK (st.st_mode))
    r = -ELOOP;
  else if (is_special (st.st_mode))
    r = -EINVAL;
  else
    r = 0;

out:
  if (dirfd >= 0)
    close (dirfd);
  if (r < 0)
    {
      if (fd >= 0)
        close (fd);
      return r;
    }
  *ret_fd = fd;
  return 0;
}

/* The file system identity is per thread (setfsuid and setfsgid are raw system calls; only
 * setgroups is applied to every thread by glibc), so switching it is sound only while we are
 * the one thread: -EDEADLK otherwise. */
static int
check_single_threaded (void)
{
  char line[128];
  FILE *f;
  long threads = -1;

  f = fopen ("/proc/self/status", "re");
  if (f == NULL)
    return -errno;
  while (fgets (line, sizeof line, f) != NULL)
    if (sscanf (line, "Threads: %ld", &threads) == 1)
      break;
  fclose (f);
  if (threads < 0)
    return -EPROTO;
  return threads == 1 ? 0 : -EDEADLK;
}

/* The caller's primary group and supplementary groups, from the user database */
static int
caller_groups (uid_t   caller,
               gid_t  *ret_gid,
               gid_t **ret_groups,
               size_t *ret_n)
{
  struct passwd *pw;
  gid_t *groups = NULL;
  int n = 32;

  pw = getpwuid (caller);
  if (pw == NULL)
    return -ESRCH;
  for (;;)
    {
      gid_t *g = realloc (groups, (size_t) n * sizeof *groups);
      int want = n;

      if (g == NULL)
        {
          free (groups);
          return -ENOMEM;
        }
      groups = g;
      if (getgrouplist (pw->pw_name, pw->pw_gid, groups, &want) >= 0)
        {
          n = want;
          break;
        }
      /* -1: @want now says how many there are (some NSS modules leave it: double) */
      want = want > n ? want : n * 2;
      if (want > NGROUPS_MAX)
        {
          free (groups);
          return -E2BIG;
        }
      n = want;
    }
  *ret_gid = pw->pw_gid;
  *ret_groups = groups;
  *ret_n = (size_t) n;
  return 0;
}

/* Sets the supplementary groups, fsgid and fsuid, and checks that they took: setfsuid and
 * setfsgid report no error, but an invalid id (-1) makes them return the current one. */
static int
set_fs_identity (uid_t        uid,
                 gid_t        gid,
                 const gid_t *groups,
                 size_t       n)
{
  if (setgroups (n, groups) < 0)
    return -errno;
  setfsgid (gid);
  setfsuid (uid);
  if ((gid_t) setfsgid ((gid_t) -1) != gid || (uid_t) setfsuid ((uid_t) -1) != uid)
    return -EPERM;
  return 0;
}

int
cdi_path_open_as_caller (const char *path,
                         int         extra_flags,
                         uid_t       caller,
                         int        *ret_fd)
{
  gid_t *groups = NULL;
  size_t n = 0;
  gid_t gid = (gid_t) -1;
  int fd = -1, r;

  if (caller == 0)
    return cdi_path_open_nofollow (path, extra_flags, ret_fd);
  /* Only root can switch, and switch back to 0/0 below */
  if (geteuid () != 0)
    return -EPERM;

  r = check_single_threaded ();
  if (r == 0)
    r = caller_groups (caller, &gid, &groups, &n);
  if (r < 0)
    goto out;

  r = set_fs_identity (caller, gid, groups, n);
  if (r == 0)
    r = cdi_path_open_nofollow (path, extra_flags, &fd);
  /* Root again, whatever happened: on success and on a half-done switch alike. Root may
   * always go back to 0/0 and no groups; if the kernel still says no, nothing we do next
   * could be trusted to run with the identity we think we have. */
  if (set_fs_identity (0, 0, NULL, 0) < 0)
    abort ();

out:
  free (groups);
  if (r < 0)
    return r; /* no fd: cdi_path_open_nofollow() returns one only on success */
  *ret_fd = fd;
  return 0;
}

static int
check_owner_and_mode (const struct stat *st,
                      uid_t              caller)
{
  if (st->st_uid != caller)
    return -EACCES;
  /* Someone else able to write could swap the contents or, for a directory, the entries */
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return -EACCES;
  return 0;
}

int
cdi_path_check_image (int   fd,
                      uid_t caller)
{
  struct stat st;
  int r;

  if (fstat (fd, &st) < 0)
    return -errno;
  if (!S_ISREG (st.st_mode))
    return -EINVAL;
  r = check_owner_and_mode (&st, caller);
  if (r < 0)
    return r;
  /* A hard link made by the caller to a file they happen to own elsewhere (or one created
   * before a chown) keeps a second name we know nothing about: refuse any second link. */
  if (st.st_nlink != 1)
    return -EMLINK;
  return 0;
}

int
cdi_path_check_owned_dir (int   fd,
                          uid_t caller)
{
  struct stat st;

  if (fstat (fd, &st) < 0)
    return -errno;
  if (!S_ISDIR (st.st_mode))
    return -ENOTDIR;
  return check_owner_and_mode (&st, caller);
}

/* The id of the mount @fd is on: statx (Linux 5.8), else name_to_handle_at (2.6.39), which
 * not every file system supports */
static int
get_mount_id (int       fd,
              uint64_t *ret_id)
{
  _Alignas (struct file_handle) char buf[sizeof (struct file_handle) + MAX_HANDLE_SZ];
  struct file_handle *fh = (struct file_handle *) buf;
  struct statx sx;
  int mnt_id;

  if (!force_fallbacks &&
      statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) == 0 &&
      (sx.stx_mask & STATX_MNT_ID) != 0)
    {
      *ret_id = sx.stx_mnt_id;
      return 0;
    }
  fh->handle_bytes = MAX_HANDLE_SZ;
  if (name_to_handle_at (fd, "", fh, &mnt_id, AT_EMPTY_PATH) < 0)
    return -errno;
  *ret_id = (uint64_t) mnt_id;
  return 0;
}

/* 1 if @fd is the root of a mount, 0 if not, or -errno */
static int
is_mount_root (int fd)
{
  struct statx sx;
  struct stat st;
  struct stat parent_st;
  uint64_t id;
  uint64_t parent_id;
  int parent;
  int r;

  /* STATX_ATTR_MOUNT_ROOT exists from Linux 5.8; the mask says whether it was filled */
  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx) < 0)
    {
      if (errno != ENOSYS)
        return -errno;
    }
  else if (!force_fallbacks && (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0)
    return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;

  /* Older kernels: compare with "..", which for a mount root lies on the mount below */
  parent = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0)
    return -errno;
  if (fstat (fd, &st) < 0 || fstat (parent, &parent_st) < 0)
    r = -errno;
  else if (st.st_dev != parent_st.st_dev)
    r = 1;
  else if (st.st_ino == parent_st.st_ino)
    r = 1; /* ".." of "/" is "/" itself: the root of the root mount */
  else if (get_mount_id (fd, &id) == 0 && get_mount_id (parent, &parent_id) == 0)
    r = id != parent_id; /* a bind mount from the same file system keeps st_dev */
  else
    r = 0; /* no way left to tell a same-file-system bind mount on such a kernel */
  close (parent);
  return r;
}

static int
check_empty (int fd)
{
  struct dirent *de;
  DIR *d;
  int dfd;
  int r = 0;

  /* A fresh open of ".", not a dup: readdir moves the offset, which a dup would share */
  dfd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return -errno;
  d = fdopendir (dfd);
  if (d == NULL)
    {
      r = -errno;
      close (dfd);
      return r;
    }

  for (;;)
    {
      errno = 0;
      de = readdir (d);
      if (de == NULL)
        {
          r = -errno;
          break;
        }
      if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
        {
          r = -ENOTEMPTY;
          break;
        }
    }
  closedir (d);
  return r;
}

int
cdi_path_check_mountpoint (int   fd,
                           uid_t caller)
{
  int r;

  r = cdi_path_check_owned_dir (fd, caller);
  if (r < 0)
    return r;
  r = is_mount_root (fd);
  if (r < 0)
    return r;
  if (r > 0)
    return -EBUSY;
  return check_empty (fd);
}
