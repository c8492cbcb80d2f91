/* holders.c - which processes keep a mounted file system busy
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A busy close tells the user what to quit instead of unmounting lazily: every process whose
 * cwd, root, executable, open files or memory mappings live on the file system, from /proc.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "holders.h"
#include "record.h"

#define MAX_HOLDERS 200

typedef struct
{
  FILE *out;
  int count;
} Report;

static void
report (Report     *rep,
        const char *pid,
        const char *comm,
        const char *holds,
        const char *path)
{
  if (rep->count++ >= MAX_HOLDERS)
    return;
  cdi_record_write (rep->out, "holder", "pid", pid, "comm", comm, "holds", holds,
                    "path", path, NULL);
}

static void
link_target (int         proc_fd,
             const char *name,
             char       *buf,
             size_t      size)
{
  ssize_t n = readlinkat (proc_fd, name, buf, size - 1);
  buf[n < 0 ? 0 : n] = '\0';
}

/* One record per process and kind, so a program with a hundred open files is one line. */
static void
scan_process (int         proc_fd,
              const char *pid,
              dev_t       dev,
              Report     *rep)
{
  static const char *const links[] = { "cwd", "root", "exe" };
  char comm[64] = "", path[PATH_MAX];
  struct stat st;
  int fd;
  FILE *f;

  fd = openat (proc_fd, "comm", O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      ssize_t n = read (fd, comm, sizeof comm - 1);
      comm[n < 0 ? 0 : n] = '\0';
      comm[strcspn (comm, "\n")] = '\0';
      close (fd);
    }

  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    if (fstatat (proc_fd, links[i], &st, 0) == 0 && st.st_dev == dev)
      {
        link_target (proc_fd, links[i], path, sizeof path);
        report (rep, pid, comm, links[i], path);
      }

  fd = openat (proc_fd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      DIR *d = fdopendir (fd);
      struct dirent *e;
      while (d != NULL && (e = readdir (d)) != NULL)
        {
          if (e->d_name[0] == '.')
            continue;
          if (fstatat (dirfd (d), e->d_name, &st, 0) == 0 && st.st_dev == dev)
            {
              link_target (dirfd (d), e->d_name, path, sizeof path);
              report (rep, pid, comm, "file", path);
              break;
            }
        }
      if (d != NULL)
        closedir (d);
      else
        close (fd);
    }

  fd = openat (proc_fd, "maps", O_RDONLY | O_CLOEXEC);
  f = fd >= 0 ? fdopen (fd, "re") : NULL;
  if (f != NULL)
    {
      char line[PATH_MAX + 128];
      while (fgets (line, sizeof line, f) != NULL)
        {
          unsigned int major_, minor_;
          int off = 0;
          if (sscanf (line, "%*s %*s %*s %x:%x %*s %n", &major_, &minor_, &off) >= 2 &&
              makedev (major_, minor_) == dev)
            {
              line[strcspn (line, "\n")] = '\0';
              report (rep, pid, comm, "map", off > 0 ? line + off : "");
              break;
            }
        }
      fclose (f);
    }
  else if (fd >= 0)
    close (fd);
}

int
cdi_holders_list (dev_t  dev,
                  FILE  *out,
                  int   *ret_count)
{
  Report rep = { .out = out };
  DIR *proc;
  struct dirent *e;

  proc = opendir ("/proc");
  if (proc == NULL)
    return -errno;
  while ((e = readdir (proc)) != NULL)
    {
      int fd;
      if (!isdigit ((unsigned char) e->d_name[0]))
        continue;
      fd = openat (dirfd (proc), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        continue; /* it exited meanwhile */
      scan_process (fd, e->d_name, dev, &rep);
      close (fd);
    }
  closedir (proc);
  *ret_count = rep.count;
  return 0;
}
