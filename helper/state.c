/* state.c - what the helper opened, kept in a root-only directory under /run
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file per open disk, named by its mapper name, written to a temporary name and renamed
 * so a crash never leaves half a record. A lock file serialises helpers: two of them never
 * pick devices or touch the same image at once; waiting for it is bounded (cdi_state_lock).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

#define DISKS_DIR "disks"
#define MAX_DISKS 256
#define LOCK_POLL_MS 100

static int
open_private_dir (int         at_fd,
                  const char *name,
                  int        *ret_fd)
{
  struct stat st;
  int fd;

  if (mkdirat (at_fd, name, 0700) < 0 && errno != EEXIST)
    return -errno;
  fd = openat (at_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  /* Someone else's directory in our place would be an attack, not a state dir. */
  if (fstat (fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 07777) != 0700)
    {
      close (fd);
      return -EPERM;
    }
  *ret_fd = fd;
  return 0;
}

int
cdi_state_open_dir (int *ret_dir_fd)
{
  int run_fd, dir_fd, disks_fd, r;

  run_fd = open ("/run", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (run_fd < 0)
    return -errno;
  r = open_private_dir (run_fd, CDI_RUN_DIR + strlen ("/run/"), &dir_fd);
  close (run_fd);
  if (r < 0)
    return r;
  r = open_private_dir (dir_fd, DISKS_DIR, &disks_fd);
  if (r < 0)
    {
      close (dir_fd);
      return r;
    }
  close (disks_fd);
  *ret_dir_fd = dir_fd;
  return 0;
}

/* Each verb runs under one exclusive lock, so that two helpers never pick devices or touch
 * the same image at once. A verb can hold it for long: the caller's own qemu-nbd serves the
 * I/O of e2fsck, mount, syncfs and FITRIM, and the caller can stop it (kill -STOP), leaving
 * the verb in D state until the nbd request times out. Waiting for the lock is therefore
 * bounded, so one user cannot make every other user's helper hang: after @timeout_ms we give
 * up with -EBUSY. Polled with LOCK_NB: no signal handler, no timer shared with the verbs. */
int
cdi_state_lock (int  dir_fd,
                int  timeout_ms,
                int *ret_lock_fd)
{
  struct timespec start, now;
  int fd;

  fd = openat (dir_fd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return -errno;
  clock_gettime (CLOCK_MONOTONIC, &start);
  while (flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      int r = -errno;
      long long waited_ms;

      if (r == -EINTR)
        continue;
      if (r != -EWOULDBLOCK)
        {
          close (fd);
          return r;
        }
      clock_gettime (CLOCK_MONOTONIC, &now);
      waited_ms = (long long) (now.tv_sec - start.tv_sec) * 1000 +
                  (now.tv_nsec - start.tv_nsec) / 1000000;
      if (waited_ms >= timeout_ms)
        {
          close (fd);
          return -EBUSY;
        }
      nanosleep (&(struct timespec) { .tv_nsec = LOCK_POLL_MS * 1000000L }, NULL);
    }
  *ret_lock_fd = fd;
  return 0;
}

int
cdi_state_save (int                 dir_fd,
                const CdiDiskState *s)
{
  char tmp[96], path[96];
  FILE *f;
  int fd, r = 0;

  snprintf (path, sizeof path, DISKS_DIR "/%s", s->mapper);
  snprintf (tmp, sizeof tmp, DISKS_DIR "/.%s.tmp", s->mapper);
  unlinkat (dir_fd, tmp, 0);
  fd = openat (dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return -errno;
  f = fdopen (fd, "we");
  if (f == NULL)
    {
      r = -errno;
      close (fd);
      unlinkat (dir_fd, tmp, 0);
      return r;
    }
  fprintf (f, "uid=%lu\ngid=%lu\nimage=%s\nimage-dev=%" PRIu64 "\nimage-ino=%" PRIu64 "\n"
           "mountpoint=%s\nmnt-id=%" PRIu64 "\nnbd=%d\nserver-pid=%ld\nserver-start=%llu\n"
           "uuid=%s\nmapper=%s\nread-only=%d\nsince=%" PRId64 "\n",
           (unsigned long) s->uid, (unsigned long) s->gid, s->image, s->image_dev, s->image_ino,
           s->mountpoint, s->mnt_id, s->nbd, (long) s->server_pid, s->server_start, s->uuid,
           s->mapper, s->read_only ? 1 : 0, s->since);
  if (fflush (f) != 0 || fsync (fd) < 0)
    r = -errno;
  if (fclose (f) != 0 && r == 0)
    r = -errno;
  if (r == 0 && renameat (dir_fd, tmp, dir_fd, path) < 0)
    r = -errno;
  if (r < 0)
    unlinkat (dir_fd, tmp, 0);
  return r;
}

int
cdi_state_remove (int         dir_fd,
                  const char *mapper)
{
  char path[96];

  snprintf (path, sizeof path, DISKS_DIR "/%s", mapper);
  if (unlinkat (dir_fd, path, 0) < 0 && errno != ENOENT)
    return -errno;
  return 0;
}

static int
parse_u64 (const char *s,
           uint64_t   *ret)
{
  char *end;

  errno = 0;
  if (*s < '0' || *s > '9')
    return -EBADMSG;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -EBADMSG;
  *ret = v;
  return 0;
}

static int
load_one (int           disks_fd,
          const char   *name,
          CdiDiskState *ret)
{
  CdiDiskState s = { .nbd = -1 };
  char line[PATH_MAX + 32];
  unsigned int seen = 0;
  FILE *f;
  int fd, r = 0;

  fd = openat (disks_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  f = fdopen (fd, "re");
  if (f == NULL)
    {
      close (fd);
      return -ENOMEM;
    }
  while (r == 0 && fgets (line, sizeof line, f) != NULL)
    {
      char *eq = strchr (line, '='), *v;
      uint64_t n = 0;
      line[strcspn (line, "\n")] = '\0';
      if (eq == NULL)
        {
          r = -EBADMSG;
          break;
        }
      *eq = '\0';
      v = eq + 1;
#define NUM(key, field, bit) \
      else if (strcmp (line, key) == 0) { r = parse_u64 (v, &n); field = n; seen |= 1u << bit; }
#define STR(key, field, bit) \
      else if (strcmp (line, key) == 0) { \
        if (strlen (v) >= sizeof field) r = -EBADMSG; else strcpy (field, v); seen |= 1u << bit; }
      if (0) {}
      NUM ("uid", s.uid, 0)
      NUM ("gid", s.gid, 1)
      STR ("image", s.image, 2)
      NUM ("image-dev", s.image_dev, 3)
      NUM ("image-ino", s.image_ino, 4)
      STR ("mountpoint", s.mountpoint, 5)
      NUM ("mnt-id", s.mnt_id, 6)
      NUM ("nbd", s.nbd, 7)
      NUM ("server-pid", s.server_pid, 8)
      NUM ("server-start", s.server_start, 9)
      STR ("uuid", s.uuid, 10)
      STR ("mapper", s.mapper, 11)
      NUM ("read-only", s.read_only, 12)
      NUM ("since", s.since, 13)
#undef NUM
#undef STR
    }
  fclose (f);
  if (r == 0 && (seen != (1u << 14) - 1 || strcmp (s.mapper, name) != 0))
    r = -EBADMSG;
  if (r < 0)
    return r;
  *ret = s;
  return 0;
}

int
cdi_state_list (int            dir_fd,
                CdiDiskState **ret_list,
                size_t        *ret_n)
{
  CdiDiskState *list;
  struct dirent *e;
  size_t n = 0;
  int disks_fd;
  DIR *d;

  disks_fd = openat (dir_fd, DISKS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (disks_fd < 0)
    return -errno;
  d = fdopendir (disks_fd);
  if (d == NULL)
    {
      close (disks_fd);
      return -errno;
    }
  list = calloc (MAX_DISKS, sizeof *list);
  if (list == NULL)
    {
      closedir (d);
      return -ENOMEM;
    }
  while ((e = readdir (d)) != NULL && n < MAX_DISKS)
    {
      if (e->d_name[0] == '.')
        continue;
      if (load_one (dirfd (d), e->d_name, &list[n]) == 0)
        n++;
      else
        fprintf (stderr, "ignoring unreadable state record '%s'\n", e->d_name);
    }
  closedir (d);
  *ret_list = list;
  *ret_n = n;
  return 0;
}

/* Field 22 of /proc/PID/stat: with the pid it names one process, even after pid reuse. */
int
cdi_state_process_start (pid_t               pid,
                         unsigned long long *ret_start)
{
  char path[64], buf[1024], *p;
  unsigned long long start;
  ssize_t n;
  int fd;

  snprintf (path, sizeof path, "/proc/%ld/stat", (long) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return -EIO;
  buf[n] = '\0';
  p = strrchr (buf, ')'); /* comm may contain spaces and parentheses */
  if (p == NULL || p[1] != ' ')
    return -EBADMSG;
  if (p[2] == 'Z' || p[2] == 'X')
    return -ESRCH; /* exited, not yet reaped */
  p++;
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p + 1, ' ');
      if (p == NULL)
        return -EBADMSG;
    }
  if (sscanf (p, " %llu", &start) != 1)
    return -EBADMSG;
  *ret_start = start;
  return 0;
}

bool
cdi_state_server_alive (const CdiDiskState *s)
{
  unsigned long long start;

  return s->server_pid > 0 && cdi_state_process_start (s->server_pid, &start) == 0 &&
         start == s->server_start;
}
