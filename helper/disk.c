/* disk.c - what the verbs share: finding the caller's disks, printing and tearing them down
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "disk.h"
#include "fs.h"
#include "holders.h"
#include "luks.h"
#include "nbd.h"
#include "path.h"
#include "record.h"

void
cdi_disk_print (const CdiDiskState *s,
                const char         *state)
{
  char nbd[32], mapper[96], since[32], pid[32];

  snprintf (nbd, sizeof nbd, "/dev/nbd%d", s->nbd);
  snprintf (mapper, sizeof mapper, "/dev/mapper/%s", s->mapper);
  snprintf (since, sizeof since, "%" PRId64, s->since);
  snprintf (pid, sizeof pid, "%ld", (long) s->server_pid);
  cdi_record_write (stdout, CDI_HELPER_RECORD_DISK, "image", s->image,
                    "mountpoint", s->mountpoint, "nbd", nbd, "mapper", mapper, "uuid", s->uuid,
                    "read-only", s->read_only ? "1" : "0", "since", since, "server-pid", pid,
                    "state", state, NULL);
}

bool
cdi_disk_is_stale (const CdiDiskState *s)
{
  char path[PATH_MAX];
  bool connected = false, stale;
  struct stat st;
  int fd;

  if (!cdi_state_server_alive (s))
    return true;
  if (cdi_nbd_is_connected (s->nbd, &connected) == 0 && !connected)
    return true;
  if (cdi_fs_find_mount (s->mnt_id, path, sizeof path) < 0)
    return true;
  /* The image file was deleted or replaced: what qemu-nbd serves is no longer the user's file */
  fd = -1;
  if (cdi_path_open_nofollow (s->image, O_PATH, &fd) < 0)
    return true;
  stale = fstat (fd, &st) < 0 || (uint64_t) st.st_dev != s->image_dev ||
          (uint64_t) st.st_ino != s->image_ino;
  close (fd);
  return stale;
}

/* A path names a disk by its image (same file) or its mount point (same mount), or, when it
 * no longer resolves, by the text recorded at open. */
CdiMatch
cdi_disk_find (const CdiDiskState *list,
               size_t              n,
               uid_t               uid,
               const char         *path,
               size_t             *ret_index)
{
  struct stat st;
  uint64_t mnt_id = 0;
  bool have_st = false, have_mnt = false;
  int fd;

  if (cdi_path_open_nofollow (path, O_PATH, &fd) == 0)
    {
      if (fstat (fd, &st) == 0)
        {
          have_st = S_ISREG (st.st_mode);
          have_mnt = S_ISDIR (st.st_mode) && cdi_fs_mnt_id (fd, &mnt_id) == 0;
        }
      close (fd);
    }

  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++)
      {
        const CdiDiskState *s = &list[i];
        bool hit;
        if (pass == 0)
          hit = (have_st && s->image_dev == (uint64_t) st.st_dev &&
                 s->image_ino == (uint64_t) st.st_ino) ||
                (have_mnt && s->mnt_id == mnt_id);
        else
          hit = !have_st && !have_mnt &&
                (strcmp (s->image, path) == 0 || strcmp (s->mountpoint, path) == 0);
        if (!hit)
          continue;
        if (s->uid != uid)
          return CDI_MATCH_OTHERS;
        *ret_index = i;
        return CDI_MATCH_MINE;
      }
  return CDI_MATCH_NONE;
}

/* qemu-nbd exits by itself once the kernel lets go of the connection, after flushing the
 * qcow2 file; wait for that before saying "closed". Only a server that lingers is signalled,
 * and only if the pid still names the same process. */
void
cdi_disk_stop_server (pid_t              pid,
                      unsigned long long start)
{
  unsigned long long now;

  for (int i = 0; i < 300; i++)
    {
      if (cdi_state_process_start (pid, &now) < 0 || now != start)
        return;
      if (i == 200)
        kill (pid, SIGTERM);
      usleep (50 * 1000);
    }
  if (cdi_state_process_start (pid, &now) == 0 && now == start)
    kill (pid, SIGKILL);
}

static int
unmount_disk (CdiContext         *ctx,
              const CdiDiskState *s,
              bool                trim)
{
  char path[PATH_MAX];
  struct stat st;
  int fd, r, count;

  r = cdi_fs_find_mount (s->mnt_id, path, sizeof path);
  if (r == -ENOENT)
    return 0; /* not mounted any more */
  if (r < 0)
    return r;
  r = cdi_fs_open_mount (path, s->mnt_id, &fd);
  if (r < 0)
    return r;
  if (fstat (fd, &st) < 0)
    {
      r = -errno;
      close (fd);
      return r;
    }
  if (trim && !s->read_only)
    {
      uint64_t bytes = 0;
      char text[32];
      if (cdi_fs_trim (fd, &bytes) == 0)
        {
          snprintf (text, sizeof text, "%" PRIu64, bytes);
          cdi_record_write (stdout, CDI_HELPER_RECORD_TRIMMED, "mountpoint", path,
                            "bytes", text, NULL);
        }
      else
        fprintf (stderr, "trim of %s failed, ignoring\n", path);
    }
  syncfs (fd);
  close (fd);

  ctx->what = "unmounting the file system";
  r = cdi_fs_unmount (path, s->mnt_id);
  if (r == -EBUSY)
    {
      if (cdi_holders_list (st.st_dev, stdout, &count) == 0 && count == 0)
        fprintf (stderr, "no process found holding %s; the kernel still does\n", path);
    }
  return r;
}

int
cdi_disk_teardown (CdiContext         *ctx,
                   const CdiDiskState *s,
                   bool                trim,
                   bool                force)
{
  int r;

  r = unmount_disk (ctx, s, trim);
  if (r < 0)
    return r;

  ctx->what = "locking the encrypted volume";
  r = cdi_luks_deactivate (s->mapper);
  if (r < 0 && !force)
    return r;
  if (r < 0)
    fprintf (stderr, "locking %s failed (%s), ignoring\n", s->mapper, strerror (-r));

  ctx->what = "detaching the nbd device";
  r = cdi_nbd_detach (s->nbd);
  if (r < 0 && r != -EINVAL && r != -ENOENT && r != -ENODEV)
    {
      if (!force)
        return r;
      fprintf (stderr, "detaching nbd%d failed (%s), ignoring\n", s->nbd, strerror (-r));
    }
  cdi_disk_stop_server (s->server_pid, s->server_start);

  ctx->what = "forgetting the disk";
  return cdi_state_remove (ctx->run_fd, s->mapper);
}
