/* test-helper-path.c - unit tests for path syntax, symlink-free opening and fd checks
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs unprivileged: every file is made by the test, so it is owned by getuid(); a foreign
 * owner is simulated by passing getuid () + 1 as the caller.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "path.h"

/* ---- syntax ---- */

typedef struct
{
  const char *path;
  int expected;
} SyntaxCase;

static const SyntaxCase syntax_cases[] = {
  { "/a", 0 },
  { "/home/user/a.qcow2", 0 },
  { "/home/user/My Disks/a b.qcow2", 0 },
  { "/home/user/.hidden", 0 },
  { "/home/user/..x", 0 },
  { "/home/user/x..", 0 },
  { "/home/user/...", 0 },
  { "/home/user/-dash", 0 },
  { "/home/user/caf\xc3\xa9", 0 },
  { "/home/user/\xff", 0 },
  { NULL, -EBADMSG },
  { "", -EBADMSG },
  { "/", -EBADMSG },
  { "//", -EBADMSG },
  { "a", -EBADMSG },
  { "a/b", -EBADMSG },
  { "./a", -EBADMSG },
  { "../a", -EBADMSG },
  { "~/a", -EBADMSG },
  { " /a", -EBADMSG },
  { "/a/", -EBADMSG },
  { "/a//b", -EBADMSG },
  { "//a", -EBADMSG },
  { "/a/.", -EBADMSG },
  { "/a/..", -EBADMSG },
  { "/./a", -EBADMSG },
  { "/../a", -EBADMSG },
  { "/a/./b", -EBADMSG },
  { "/a/../b", -EBADMSG },
  { "/.", -EBADMSG },
  { "/..", -EBADMSG },
  { "/a\nb", -EBADMSG },
  { "/a\n", -EBADMSG },
  { "/a\tb", -EBADMSG },
  { "/a\rb", -EBADMSG },
  { "/a\x01", -EBADMSG },
  { "/a\x1f", -EBADMSG },
  { "/a\x7f", -EBADMSG },
  { "/a\x1b[0m", -EBADMSG },
};

static void
test_syntax_case (gconstpointer data)
{
  const SyntaxCase *c = data;

  g_assert_cmpint (cdi_path_check_syntax (c->path), ==, c->expected);
}

static void
test_syntax_lengths (void)
{
  char path[PATH_MAX + 1];

  /* Components of 200 bytes, total PATH_MAX - 1: allowed */
  path[0] = '/';
  for (size_t i = 1; i < PATH_MAX - 1; i++)
    path[i] = (i % 201 == 0) ? '/' : 'c';
  path[PATH_MAX - 1] = '\0';
  g_assert_cmpint (cdi_path_check_syntax (path), ==, 0);
  path[PATH_MAX - 1] = 'c';
  path[PATH_MAX] = '\0';
  g_assert_cmpint (cdi_path_check_syntax (path), ==, -EBADMSG);

  /* One component of NAME_MAX bytes is fine, NAME_MAX + 1 is not */
  memset (path + 1, 'n', NAME_MAX + 1);
  path[NAME_MAX + 1] = '\0';
  g_assert_cmpint (cdi_path_check_syntax (path), ==, 0);
  path[NAME_MAX + 1] = 'n';
  path[NAME_MAX + 2] = '\0';
  g_assert_cmpint (cdi_path_check_syntax (path), ==, -EBADMSG);
}

/* ---- opening and checks, in a fixture directory ---- */

static char *base; /* realpath of the fixture directory */

typedef enum
{
  CHECK_NONE,
  CHECK_IMAGE,
  CHECK_OWNED_DIR,
  CHECK_MOUNTPOINT,
} Check;

typedef enum
{
  CALLER_SELF,  /* getuid () */
  CALLER_OTHER, /* getuid () + 1 */
  CALLER_OWNER, /* the st_uid of the path, for system paths such as /proc */
} Caller;

typedef struct
{
  const char *name;
  const char *path; /* relative to the fixture, or absolute */
  int flags;
  int expected_open;
  Check check;
  Caller caller;
  int expected_check;
} OpenCase;

#define IMG_FLAGS O_RDWR
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY)

static const OpenCase open_cases[] = {
  { "image-ok", "img.qcow2", IMG_FLAGS, 0, CHECK_IMAGE, CALLER_SELF, 0 },
  { "image-read-only-ok", "img.qcow2", O_RDONLY, 0, CHECK_IMAGE, CALLER_SELF, 0 },
  { "image-in-subdir-ok", "dir/sub/file", IMG_FLAGS, 0, CHECK_IMAGE, CALLER_SELF, 0 },
  { "image-owner-mismatch", "img.qcow2", IMG_FLAGS, 0, CHECK_IMAGE, CALLER_OTHER, -EACCES },
  { "image-group-writable", "gw.qcow2", IMG_FLAGS, 0, CHECK_IMAGE, CALLER_SELF, -EACCES },
  { "image-other-writable", "ow.qcow2", IMG_FLAGS, 0, CHECK_IMAGE, CALLER_SELF, -EACCES },
  { "image-two-links", "two-links.qcow2", IMG_FLAGS, 0, CHECK_IMAGE, CALLER_SELF, -EMLINK },
  { "image-second-link", "second-link.qcow2", IMG_FLAGS, 0, CHECK_IMAGE, CALLER_SELF, -EMLINK },
  { "image-is-dir", "dir", O_RDONLY, 0, CHECK_IMAGE, CALLER_SELF, -EINVAL },
  { "image-is-dir-rdwr", "dir", IMG_FLAGS, -EISDIR, CHECK_NONE },
  { "image-symlink-final", "link-to-img", IMG_FLAGS, -ELOOP, CHECK_NONE },
  { "image-symlink-final-o-path", "link-to-img", O_PATH, -ELOOP, CHECK_NONE },
  { "image-symlink-parent", "link-to-dir/sub/file", IMG_FLAGS, -ELOOP, CHECK_NONE },
  { "image-dotdot-through-symlink", "link-to-dir/sub/../sub/file", IMG_FLAGS, -EBADMSG,
    CHECK_NONE },
  { "image-symlink-last-dir", "dir/link-to-sub/file", IMG_FLAGS, -ELOOP, CHECK_NONE },
  { "image-dangling-symlink", "dangling", IMG_FLAGS, -ELOOP, CHECK_NONE },
  { "image-absolute-symlink", "link-to-etc-passwd", O_RDONLY, -ELOOP, CHECK_NONE },
  { "image-missing", "missing.qcow2", IMG_FLAGS, -ENOENT, CHECK_NONE },
  { "image-missing-parent", "missing/a.qcow2", IMG_FLAGS, -ENOENT, CHECK_NONE },
  { "image-file-as-parent", "img.qcow2/x", IMG_FLAGS, -ENOTDIR, CHECK_NONE },
  { "image-fifo", "fifo", IMG_FLAGS, -EINVAL, CHECK_NONE },
  { "image-fifo-read-only", "fifo", O_RDONLY, -EINVAL, CHECK_NONE },
  { "image-char-device", "/dev/null", IMG_FLAGS, -EINVAL, CHECK_NONE },
  { "image-bad-syntax", "dir/./sub/file", IMG_FLAGS, -EBADMSG, CHECK_NONE },
  { "image-o-creat", "missing.qcow2", IMG_FLAGS | O_CREAT, -EINVAL, CHECK_NONE },
  { "image-o-creat-existing", "img.qcow2", IMG_FLAGS | O_CREAT, -EINVAL, CHECK_NONE },
  { "image-o-trunc", "img.qcow2", IMG_FLAGS | O_TRUNC, -EINVAL, CHECK_NONE },
  { "image-o-tmpfile", "dir", O_RDWR | O_TMPFILE, -EINVAL, CHECK_NONE },
  { "mountpoint-ok", "empty", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_SELF, 0 },
  { "mountpoint-o-path-ok", "empty", O_PATH | O_DIRECTORY, 0, CHECK_MOUNTPOINT, CALLER_SELF, 0 },
  { "mountpoint-owner-mismatch", "empty", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_OTHER,
    -EACCES },
  { "mountpoint-not-empty", "full", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_SELF, -ENOTEMPTY },
  { "mountpoint-only-dotfile", "hidden-full", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_SELF,
    -ENOTEMPTY },
  { "mountpoint-other-writable", "ow-dir", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_SELF,
    -EACCES },
  { "mountpoint-group-writable", "gw-dir", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_SELF,
    -EACCES },
  { "mountpoint-sticky-world-writable", "sticky-dir", DIR_FLAGS, 0, CHECK_MOUNTPOINT,
    CALLER_SELF, -EACCES },
  { "mountpoint-regular-file", "img.qcow2", DIR_FLAGS, -ENOTDIR, CHECK_NONE },
  { "mountpoint-regular-file-opened", "img.qcow2", O_RDONLY, 0, CHECK_MOUNTPOINT, CALLER_SELF,
    -ENOTDIR },
  { "mountpoint-symlink-final", "link-to-empty", DIR_FLAGS, -ELOOP, CHECK_NONE },
  { "mountpoint-symlink-parent", "link-to-dir/sub", DIR_FLAGS, -ELOOP, CHECK_NONE },
  { "mountpoint-dangling", "dangling", DIR_FLAGS, -ELOOP, CHECK_NONE },
  { "mountpoint-trailing-slash", "empty/", DIR_FLAGS, -EBADMSG, CHECK_NONE },
  { "mountpoint-proc", "/proc", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_OWNER, -EBUSY },
  { "mountpoint-sys", "/sys", DIR_FLAGS, 0, CHECK_MOUNTPOINT, CALLER_OWNER, -EBUSY },
  { "owned-dir-ok", "dir", DIR_FLAGS, 0, CHECK_OWNED_DIR, CALLER_SELF, 0 },
  { "owned-dir-full-ok", "full", DIR_FLAGS, 0, CHECK_OWNED_DIR, CALLER_SELF, 0 },
  { "owned-dir-owner-mismatch", "dir", DIR_FLAGS, 0, CHECK_OWNED_DIR, CALLER_OTHER, -EACCES },
  { "owned-dir-other-writable", "ow-dir", DIR_FLAGS, 0, CHECK_OWNED_DIR, CALLER_SELF,
    -EACCES },
  { "owned-dir-is-file", "img.qcow2", O_RDONLY, 0, CHECK_OWNED_DIR, CALLER_SELF, -ENOTDIR },
};

static void
make_file (const char *rel,
           mode_t      mode)
{
  g_autofree char *path = g_build_filename (base, rel, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "QFI\xfb", 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
make_dir (const char *rel,
          mode_t      mode)
{
  g_autofree char *path = g_build_filename (base, rel, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
make_symlink (const char *target,
              const char *rel)
{
  g_autofree char *path = g_build_filename (base, rel, NULL);

  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
setup_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("cdi-path-XXXXXX", &error);
  g_autofree char *link_from = NULL;
  g_autofree char *link_to = NULL;
  g_autofree char *fifo = NULL;

  g_assert_no_error (error);
  /* TMPDIR itself may sit behind a symlink; the cases test only what is below it */
  base = realpath (tmp, NULL);
  g_assert_nonnull (base);

  make_file ("img.qcow2", 0600);
  make_file ("gw.qcow2", 0620);
  make_file ("ow.qcow2", 0602);
  make_file ("two-links.qcow2", 0600);
  link_from = g_build_filename (base, "two-links.qcow2", NULL);
  link_to = g_build_filename (base, "second-link.qcow2", NULL);
  g_assert_cmpint (link (link_from, link_to), ==, 0);
  make_dir ("dir", 0700);
  make_dir ("dir/sub", 0700);
  make_file ("dir/sub/file", 0600);
  make_symlink ("sub", "dir/link-to-sub");
  make_dir ("empty", 0700);
  make_dir ("full", 0700);
  make_file ("full/x", 0600);
  make_dir ("hidden-full", 0700);
  make_file ("hidden-full/.x", 0600);
  make_dir ("ow-dir", 0707);
  make_dir ("gw-dir", 0770);
  make_dir ("sticky-dir", 01777);
  make_symlink ("img.qcow2", "link-to-img");
  make_symlink ("dir", "link-to-dir");
  make_symlink ("empty", "link-to-empty");
  make_symlink ("does-not-exist", "dangling");
  make_symlink ("/etc/passwd", "link-to-etc-passwd");
  fifo = g_build_filename (base, "fifo", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
}

static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_chmod (path, 0700);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static uid_t
caller_uid (const OpenCase *c,
            const char     *path)
{
  struct stat st;

  switch (c->caller)
    {
    case CALLER_OTHER:
      return getuid () + 1;
    case CALLER_OWNER:
      g_assert_cmpint (lstat (path, &st), ==, 0);
      return st.st_uid;
    case CALLER_SELF:
    default:
      return getuid ();
    }
}

static void
run_open_case (const OpenCase *c)
{
  g_autofree char *path = NULL;
  int fd = -42;
  int r;

  if (c->path[0] == '/')
    {
      struct stat st;

      path = g_strdup (c->path);
      if (lstat (path, &st) < 0)
        {
          g_test_skip ("not present on this host");
          return;
        }
    }
  else
    path = g_strconcat (base, "/", c->path, NULL);

  r = cdi_path_open_nofollow (path, c->flags, &fd);
  g_assert_cmpint (r, ==, c->expected_open);
  if (r < 0)
    {
      g_assert_cmpint (fd, ==, -42); /* untouched on failure */
      return;
    }
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (fcntl (fd, F_GETFD) & FD_CLOEXEC);

  switch (c->check)
    {
    case CHECK_IMAGE:
      r = cdi_path_check_image (fd, caller_uid (c, path));
      break;
    case CHECK_OWNED_DIR:
      r = cdi_path_check_owned_dir (fd, caller_uid (c, path));
      break;
    case CHECK_MOUNTPOINT:
      r = cdi_path_check_mountpoint (fd, caller_uid (c, path));
      break;
    case CHECK_NONE:
    default:
      r = 0;
      break;
    }
  g_assert_cmpint (r, ==, c->expected_check);
  close (fd);
}

static void
test_open_case (gconstpointer data)
{
  cdi_path_testing_force_fallbacks (false);
  run_open_case (data);
}

/* The same table as on a kernel without openat2 and STATX_ATTR_MOUNT_ROOT */
static void
test_open_case_fallback (gconstpointer data)
{
  cdi_path_testing_force_fallbacks (true);
  run_open_case (data);
  cdi_path_testing_force_fallbacks (false);
}

/* Magic links in /proc are symlinks too, as final and as inner components */
static void
test_open_magic_links (void)
{
  g_autofree char *cwd_path = g_strdup_printf ("/proc/%d/cwd/x", (int) getpid ());
  g_autofree char *fd_path = g_strdup_printf ("/proc/%d/fd/0", (int) getpid ());
  struct stat st;

  if (stat ("/proc/self/fd", &st) < 0)
    {
      g_test_skip ("/proc is not mounted");
      return;
    }
  for (int fallback = 0; fallback < 2; fallback++)
    {
      int fd = -42;

      cdi_path_testing_force_fallbacks (fallback);
      g_assert_cmpint (cdi_path_open_nofollow (cwd_path, O_RDONLY, &fd), ==, -ELOOP);
      g_assert_cmpint (cdi_path_open_nofollow (fd_path, O_RDONLY, &fd), ==, -ELOOP);
      g_assert_cmpint (cdi_path_open_nofollow ("/proc/self/status", O_RDONLY, &fd), ==, -ELOOP);
      g_assert_cmpint (fd, ==, -42);
    }
  cdi_path_testing_force_fallbacks (false);
}

/* The mount point check reads the directory through its own fd */
static void
test_mountpoint_keeps_offset (void)
{
  g_autofree char *path = g_strconcat (base, "/empty", NULL);
  int fd = -1;

  g_assert_cmpint (cdi_path_open_nofollow (path, DIR_FLAGS, &fd), ==, 0);
  g_assert_cmpint (lseek (fd, 0, SEEK_CUR), ==, 0);
  g_assert_cmpint (cdi_path_check_mountpoint (fd, getuid ()), ==, 0);
  g_assert_cmpint (cdi_path_check_mountpoint (fd, getuid ()), ==, 0);
  g_assert_cmpint (lseek (fd, 0, SEEK_CUR), ==, 0);
  close (fd);
}

/* A bind mount keeps st_dev, so only the mount id tells it apart. Needs root (for a private
 * mount namespace), so it runs in a child and skips elsewhere. */
static int
bind_mount_child (const char *source,
                  const char *target,
                  gboolean    fallback)
{
  int fd = -1;
  int r;

  if (unshare (CLONE_NEWNS) < 0)
    return 77;
  /* "none" rather than NULL for the unused strings: valgrind flags NULL, and in a child
   * that turns into its error exit code */
  if (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount (source, target, "none", MS_BIND, NULL) < 0)
    return 77;
  cdi_path_testing_force_fallbacks (fallback);
  if (cdi_path_open_nofollow (target, DIR_FLAGS, &fd) < 0)
    return 1;
  r = cdi_path_check_mountpoint (fd, getuid ());
  close (fd);
  return r == -EBUSY ? 0 : 2;
}

static void
test_mountpoint_bind_mount (gconstpointer data)
{
  gboolean fallback = GPOINTER_TO_INT (data);
  char source[PATH_MAX];
  char target[PATH_MAX];
  int status;
  pid_t pid;

  if (getuid () != 0)
    {
      g_test_skip ("needs root for a private mount namespace");
      return;
    }
  /* On the stack: the child leaves by _exit(), and valgrind would count heap copies lost */
  g_snprintf (source, sizeof source, "%s/bind-source", base);
  g_snprintf (target, sizeof target, "%s/bind-target", base);
  g_mkdir (source, 0700);
  g_mkdir (target, 0700);
  fflush (stdout);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (bind_mount_child (source, target, fallback));
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    {
      g_test_skip ("cannot make a private mount namespace here");
      return;
    }
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_checks_bad_fd (void)
{
  g_assert_cmpint (cdi_path_check_image (-1, 0), ==, -EBADF);
  g_assert_cmpint (cdi_path_check_owned_dir (-1, 0), ==, -EBADF);
  g_assert_cmpint (cdi_path_check_mountpoint (-1, 0), ==, -EBADF);
}

/* ---- opening as the caller ---- */

/* The process's file system identity is the one it started with (root: 0/0, no groups) */
static void
assert_identity_restored (uid_t uid,
                          gid_t gid)
{
  g_assert_cmpint ((uid_t) setfsuid ((uid_t) -1), ==, uid);
  g_assert_cmpint ((gid_t) setfsgid ((gid_t) -1), ==, gid);
  if (uid == 0)
    g_assert_cmpint (getgroups (0, NULL), ==, 0);
}

static void
test_as_caller_root_caller (void)
{
  g_autofree char *path = g_build_filename (base, "img.qcow2", NULL);
  int fd = -1;

  /* Caller 0: root asked for itself, nothing is switched */
  g_assert_cmpint (cdi_path_open_as_caller (path, O_RDONLY, 0, &fd), ==, 0);
  g_assert_cmpint (cdi_path_check_image (fd, getuid ()), ==, 0);
  close (fd);
  fd = -42;
  g_assert_cmpint (cdi_path_open_as_caller (path, O_RDONLY, 0, &fd), ==, 0);
  close (fd);
}

static void
test_as_caller_no_account (void)
{
  g_autofree char *path = g_build_filename (base, "img.qcow2", NULL);
  uid_t uid = 3999999000;
  int fd = -42;

  while (getpwuid (uid) != NULL)
    uid++;
  /* Unprivileged, the switch is refused before the lookup */
  g_assert_cmpint (cdi_path_open_as_caller (path, O_RDONLY, uid, &fd), ==,
                   geteuid () == 0 ? -ESRCH : -EPERM);
  g_assert_cmpint (fd, ==, -42);
  assert_identity_restored (getuid (), getgid ());
}

static void *
block_on_pipe (void *data)
{
  char c;

  (void) !read (GPOINTER_TO_INT (data), &c, 1);
  return NULL;
}

static void
test_as_caller_threads (void)
{
  g_autofree char *path = g_build_filename (base, "img.qcow2", NULL);
  pthread_t thread;
  int p[2], fd = -42;

  if (geteuid () != 0)
    {
      g_test_skip ("needs root: unprivileged, the switch is refused first");
      return;
    }
  g_assert_cmpint (pipe (p), ==, 0);
  g_assert_cmpint (pthread_create (&thread, NULL, block_on_pipe, GINT_TO_POINTER (p[0])), ==, 0);
  /* The identity is per thread: with a second one the switch is refused */
  g_assert_cmpint (cdi_path_open_as_caller (path, O_RDONLY, getuid () + 1, &fd), ==, -EDEADLK);
  g_assert_cmpint (fd, ==, -42);
  g_assert_cmpint (write (p[1], "x", 1), ==, 1);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  close (p[0]);
  close (p[1]);
  assert_identity_restored (getuid (), getgid ());
}

static void
test_as_caller_not_root (void)
{
  g_autofree char *path = g_build_filename (base, "img.qcow2", NULL);
  int fd = -42;

  if (getuid () == 0 || getpwuid (getuid ()) == NULL)
    {
      g_test_skip ("needs an unprivileged user with an account");
      return;
    }
  /* Not root: refused before anything is switched, and the identity stays */
  g_assert_cmpint (cdi_path_open_as_caller (path, O_RDONLY, getuid (), &fd), ==, -EPERM);
  g_assert_cmpint (fd, ==, -42);
  assert_identity_restored (getuid (), getgid ());
}

/* Every directory from / down to @dir may be searched by others */
static gboolean
searchable_by_others (const char *dir)
{
  g_autofree char *p = g_strdup (dir);

  for (;;)
    {
      struct stat st;
      char *slash;

      if (stat (p, &st) < 0 || (st.st_mode & S_IXOTH) == 0)
        return FALSE;
      slash = strrchr (p, '/');
      if (slash == NULL || slash == p)
        return TRUE;
      *slash = '\0';
    }
}

static void
expect_as (const char *rel,
           int         flags,
           uid_t       uid,
           int         expected)
{
  g_autofree char *path = g_build_filename (base, rel, NULL);
  int fd = -42;
  int r;

  r = cdi_path_open_as_caller (path, flags, uid, &fd);
  g_assert_cmpint (r, ==, expected);
  if (r == 0)
    {
      g_assert_cmpint (fd, >=, 0);
      close (fd);
    }
  else
    g_assert_cmpint (fd, ==, -42);
  assert_identity_restored (0, 0);
}

static void
test_as_caller_no_oracle (void)
{
  struct passwd *pw;
  uid_t nobody;
  struct stat base_st;

  if (getuid () != 0)
    {
      g_test_skip ("needs root to take another user's file system identity");
      return;
    }
  pw = getpwnam ("nobody");
  if (pw == NULL || pw->pw_uid == 0)
    {
      g_test_skip ("no user 'nobody'");
      return;
    }
  nobody = pw->pw_uid;
  /* The helper's own identity before the first switch: root, and (as after every switch)
   * no supplementary groups */
  g_assert_cmpint (setgroups (0, NULL), ==, 0);
  g_assert_cmpint (stat (base, &base_st), ==, 0);
  g_assert_cmpint (chmod (base, 0711), ==, 0);
  make_dir ("secret", 0700);
  make_file ("secret/x.qcow2", 0600);
  make_dir ("pub", 0755);
  make_file ("pub/f", 0644);
  make_symlink ("f", "pub/link");

  /* A root-only directory: an existing and a missing name read the same */
  expect_as ("secret/x.qcow2", O_RDWR, nobody, -EACCES);
  expect_as ("secret/missing.qcow2", O_RDWR, nobody, -EACCES);
  expect_as ("secret/x.qcow2", O_PATH, nobody, -EACCES);
  expect_as ("secret/missing.qcow2", O_PATH, nobody, -EACCES);
  expect_as ("secret", O_RDONLY | O_DIRECTORY, nobody, -EACCES);
  /* Root itself still reaches it */
  expect_as ("secret/x.qcow2", O_RDWR, 0, 0);
  expect_as ("secret/missing.qcow2", O_RDWR, 0, -ENOENT);
  if (searchable_by_others (base))
    {
      /* What the caller may reach: their permissions, not root's */
      expect_as ("pub/f", O_RDONLY, nobody, 0);
      expect_as ("pub/f", O_RDWR, nobody, -EACCES);
      expect_as ("pub/missing", O_RDONLY, nobody, -ENOENT);
      expect_as ("pub/link", O_RDONLY, nobody, -ELOOP);
    }
  g_assert_cmpint (chmod (base, base_st.st_mode & 07777), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  setup_fixture ();

  for (gsize i = 0; i < G_N_ELEMENTS (syntax_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/path/syntax/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (path, &syntax_cases[i], test_syntax_case);
    }
  g_test_add_func ("/cdi/helper/path/syntax/lengths", test_syntax_lengths);
  for (gsize i = 0; i < G_N_ELEMENTS (open_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/path/open/%s", open_cases[i].name);
      g_autofree char *path_fallback = g_strdup_printf ("/cdi/helper/path/open-fallback/%s",
                                                        open_cases[i].name);
      g_test_add_data_func (path, &open_cases[i], test_open_case);
      g_test_add_data_func (path_fallback, &open_cases[i], test_open_case_fallback);
    }
  g_test_add_func ("/cdi/helper/path/magic-links", test_open_magic_links);
  g_test_add_func ("/cdi/helper/path/mountpoint-keeps-offset", test_mountpoint_keeps_offset);
  g_test_add_func ("/cdi/helper/path/checks-bad-fd", test_checks_bad_fd);
  g_test_add_func ("/cdi/helper/path/as-caller/root-caller", test_as_caller_root_caller);
  g_test_add_func ("/cdi/helper/path/as-caller/no-account", test_as_caller_no_account);
  g_test_add_func ("/cdi/helper/path/as-caller/threads", test_as_caller_threads);
  g_test_add_func ("/cdi/helper/path/as-caller/not-root", test_as_caller_not_root);
  g_test_add_func ("/cdi/helper/path/as-caller/no-oracle", test_as_caller_no_oracle);
  g_test_add_data_func ("/cdi/helper/path/mountpoint-bind-mount", GINT_TO_POINTER (FALSE),
                        test_mountpoint_bind_mount);
  g_test_add_data_func ("/cdi/helper/path/mountpoint-bind-mount-fallback", GINT_TO_POINTER (TRUE),
                        test_mountpoint_bind_mount);

  ret = g_test_run ();
  remove_tree (base);
  free (base);
  return ret;
}
