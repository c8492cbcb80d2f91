/* disk.c - what the verbs share: finding the caller's disks, printing and tearing them down
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <stdlib.h>
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
#include "qcow2.h"
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
  /* Unmounted behind our back (logind clearing /run/user/UID at logout, say): its mount id
   * may already name someone else's mount, which the device tells apart */
  if (cdi_disk_find_mount (s->mapper, s->mnt_id, path, sizeof path, NULL) < 0)
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

int
cdi_disk_find_mount (const char *mapper,
                     uint64_t    mnt_id,
                     char       *ret_path,
                     size_t      path_size,
                     dev_t      *ret_dev)
{
  dev_t dev;
  int r;

  r = cdi_luks_mapping_dev (mapper, &dev);
  if (r == 0)
    r = cdi_fs_find_mount (mnt_id, dev, ret_path, path_size);
  if (r == 0 && ret_dev != NULL)
    *ret_dev = dev;
  return r;
}

int
cdi_disk_open_mount (const char *mapper,
                     uint64_t    mnt_id,
                     char       *ret_path,
                     size_t      path_size,
                     dev_t      *ret_dev,
                     int        *ret_fd)
{
  dev_t dev;
  int r;

  r = cdi_disk_find_mount (mapper, mnt_id, ret_path, path_size, &dev);
  if (r == 0)
    r = cdi_fs_open_mount (ret_path, mnt_id, dev, ret_fd);
  if (r == 0 && ret_dev != NULL)
    *ret_dev = dev;
  return r;
}

/* A path names a disk by its image (same file) or its mount point (same mount), or, when it
 * no longer resolves, by the text recorded at open. The path is resolved as the caller
 * (@uid): a name the caller cannot reach, such as one inside another user's mounted disk,
 * reads as unresolved, exactly like a name that does not exist. */
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

  if (cdi_path_open_as_caller (path, O_PATH, uid, &fd) == 0)
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

/* Waits for the server @pid (started at @start) to exit, sending SIGTERM after @term_after
 * tries of 50 ms and SIGKILL at the end; only ever while the pid still names that process. */
static void
stop_server_after (pid_t              pid,
                   unsigned long long start,
                   int                term_after)
{
  unsigned long long now;

  for (int i = 0; i < 300; i++)
    {
      if (cdi_state_process_start (pid, &now) < 0 || now != start)
        return;
      if (i == term_after)
        kill (pid, SIGTERM);
      usleep (50 * 1000);
    }
  if (cdi_state_process_start (pid, &now) == 0 && now == start)
    kill (pid, SIGKILL);
}

/* qemu-nbd exits by itself once the kernel lets go of the connection, after flushing the
 * qcow2 file; wait for that before saying "closed". Only a server that lingers is signalled,
 * and only if the pid still names the same process. */
void
cdi_disk_stop_server (pid_t              pid,
                      unsigned long long start)
{
  stop_server_after (pid, start, 200);
}

/* A server whose connection stays: SIGTERM now (qemu-nbd flushes and closes the image on it),
 * then wait for it to go. */
void
cdi_disk_terminate_server (pid_t              pid,
                           unsigned long long start)
{
  stop_server_after (pid, start, 0);
}

/* Our mount of the disk, if it still exists: its id and the mapping's device both match.
 * 0 (nothing to do) when the mapping is gone or the mount with the recorded id is gone or is
 * now someone else's: a mount id is reused by the next mount anywhere, so after the disk was
 * unmounted behind our back the id may name another user's file system, which we must not
 * trim, list the holders of or unmount. */
static int
unmount_disk (CdiContext         *ctx,
              const CdiDiskState *s,
              bool                trim)
{
  char path[PATH_MAX];
  struct stat st;
  dev_t dev;
  int fd, r, count;

  ctx->what = "finding the mount";
  r = cdi_disk_open_mount (s->mapper, s->mnt_id, path, sizeof path, &dev, &fd);
  if (r == -ENODEV)
    return 0; /* no mapping: nothing can be mounted from it */
  if (r == -ESTALE)
    fprintf (stderr, "the disk was unmounted elsewhere and mount %llu is no longer its own; "
             "leaving that mount alone\n", (unsigned long long) s->mnt_id);
  if (r == -ENOENT || r == -ESTALE)
    return 0; /* not mounted any more */
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
  r = cdi_fs_unmount (path, s->mnt_id, dev);
  if (r == -EBUSY)
    {
      /* Said in ctx->what, the line the client shows: no process record would explain it */
      static char nested[PATH_MAX + 128];
      char inner[PATH_MAX];

      if (cdi_fs_find_submount (s->mnt_id, inner, sizeof inner) == 0)
        {
          snprintf (nested, sizeof nested, "unmounting the file system: another file system "
                    "is mounted inside it, at %s; close or unmount that first", inner);
          ctx->what = nested;
        }
      if (cdi_holders_list (st.st_dev, stdout, &count) == 0 && count == 0 && ctx->what != nested)
        fprintf (stderr, "no process found holding %s; the kernel still does\n", path);
    }
  return r;
}

static void
backend_id (uid_t    uid,
            uint64_t dev,
            uint64_t ino,
            char    *buf,
            size_t   size)
{
  snprintf (buf, size, "cdi:%lu:%llu:%llu", (unsigned long) uid, (unsigned long long) dev,
            (unsigned long long) ino);
}

/* The device still carries the backend id this disk's record gives (its owner and image) */
static bool
nbd_is_ours (const CdiDiskState *s)
{
  char want[96], have[128];

  backend_id (s->uid, s->image_dev, s->image_ino, want, sizeof want);
  return cdi_nbd_backend (s->nbd, have, sizeof have) == 0 && strcmp (have, want) == 0;
}

int
cdi_disk_teardown (CdiContext         *ctx,
                   const CdiDiskState *s,
                   bool                trim,
                   bool                force)
{
  bool connected = false;
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

  /* Only while the device still carries this disk's backend id: once disconnected (its
   * server gone, or detached by someone else) the index may be anyone's now */
  ctx->what = "detaching the nbd device";
  if (nbd_is_ours (s))
    {
      r = cdi_nbd_detach (s->nbd);
      if (r < 0 && r != -EINVAL && r != -ENOENT && r != -ENODEV)
        {
          if (!force)
            return r;
          fprintf (stderr, "detaching nbd%d failed (%s), ignoring\n", s->nbd, strerror (-r));
        }
    }
  else if (cdi_nbd_is_connected (s->nbd, &connected) == 0 && connected)
    fprintf (stderr, "nbd%d is no longer this disk's device; leaving it attached\n", s->nbd);
  cdi_disk_stop_server (s->server_pid, s->server_start);

  ctx->what = "forgetting the disk";
  return cdi_state_remove (ctx->run_fd, s->mapper);
}

/* ---------------------------------------------------------------- setup building blocks */

#define FORMAT_MIN_BYTES CDI_DISK_FORMAT_MIN_BYTES


/* A failed format leaves the image as empty as it found it: discards through qemu-nbd
 * (--discard=unmap) drop the clusters, which then read as zeros again. */
static int
discard_device (const char *device,
                uint64_t    size)
{
  uint64_t range[2] = { 0, size };
  int fd, r = 0;

  fd = open (device, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (ioctl (fd, BLKDISCARD, range) < 0)
    {
      uint64_t head[2] = { 0, size < FORMAT_MIN_BYTES ? size : FORMAT_MIN_BYTES };
      if (ioctl (fd, BLKZEROOUT, head) < 0)
        r = -errno;
    }
  close (fd);
  return r;
}

void
cdi_setup_undo (CdiSetup *s,
                bool      our_child)
{
  char path[PATH_MAX];
  dev_t dev;

  if (s->undo_mount && cdi_disk_find_mount (s->mapper, s->mnt_id, path, sizeof path, &dev) == 0 &&
      cdi_fs_unmount (path, s->mnt_id, dev) < 0)
    fprintf (stderr, "undo: unmounting %s failed, ignoring\n", path);
  if (s->undo_dm && cdi_luks_deactivate (s->mapper) < 0)
    fprintf (stderr, "undo: locking %s failed, ignoring\n", s->mapper);
  if (s->undo_format && discard_device (s->device, s->nbd.size) < 0)
    fprintf (stderr, "undo: discarding what format wrote to %s failed, ignoring\n", s->device);
  if (s->undo_nbd)
    {
      unsigned long long start = 0;
      bool have_start = cdi_state_process_start (s->nbd.server_pid, &start) == 0;
      if (cdi_nbd_detach (s->nbd.index) < 0)
        fprintf (stderr, "undo: detaching %s failed, ignoring\n", s->device);
      if (our_child)
        {
          int status;
          if (have_start)
            cdi_disk_stop_server (s->nbd.server_pid, start);
          waitpid (s->nbd.server_pid, &status, WNOHANG);
        }
    }
  if (s->image_fd >= 0)
    close (s->image_fd);
  if (s->mount_fd >= 0)
    close (s->mount_fd);
}

int
cdi_disk_caller_gid (uid_t  uid,
                     gid_t *ret_gid)
{
  struct passwd *pw = getpwuid (uid);

  if (pw == NULL)
    return -ESRCH;
  *ret_gid = pw->pw_gid;
  return 0;
}

/* The image: the caller's own regular qcow2 file, reached without symlinks, with nothing in
 * its header that would make qemu open another file. */
int
cdi_disk_open_image (CdiContext *ctx,
                     const char *path,
                     bool        read_only,
                     int        *ret_fd)
{
  int fd, r;

  /* As the caller: a name they cannot reach is refused the same whether it exists or not */
  ctx->what = "opening the image";
  r = cdi_path_open_as_caller (path, read_only ? O_RDONLY : O_RDWR, ctx->uid, &fd);
  if (r < 0)
    return r;
  ctx->what = "checking the image";
  r = cdi_path_check_image (fd, ctx->uid);
  if (r == 0)
    r = cdi_qcow2_check_fd (fd, &ctx->reason);
  if (r < 0)
    {
      close (fd);
      return r;
    }
  *ret_fd = fd;
  return 0;
}

int
cdi_disk_image_in_use (int           run_fd,
                       int           image_fd,
                       uid_t         uid,
                       CdiDiskState *ret_state)
{
  CdiDiskState *list = NULL;
  struct stat st;
  size_t n = 0;
  int r = 0;

  if (fstat (image_fd, &st) < 0)
    return -errno;
  if (cdi_state_list (run_fd, &list, &n) < 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (list[i].image_dev == (uint64_t) st.st_dev && list[i].image_ino == (uint64_t) st.st_ino)
      {
        r = list[i].uid == uid ? 1 : -EBUSY;
        if (ret_state != NULL)
          *ret_state = list[i];
        break;
      }
  free (list);
  return r;
}

void
cdi_disk_backend_id (int    image_fd,
                     uid_t  uid,
                     char  *buf,
                     size_t size)
{
  struct stat st = { 0 };

  fstat (image_fd, &st);
  backend_id (uid, (uint64_t) st.st_dev, (uint64_t) st.st_ino, buf, size);
}

int
cdi_setup_attach (CdiContext *ctx,
                  CdiSetup   *s,
                  bool        read_only)
{
  char backend[96];
  int r;

  ctx->what = "serving the image (qemu-nbd) and attaching an nbd device";
  cdi_disk_backend_id (s->image_fd, ctx->uid, backend, sizeof backend);
  r = cdi_nbd_attach (ctx->run_fd, s->image_fd, ctx->uid, ctx->gid, read_only, backend, &s->nbd);
  if (r < 0)
    return r;
  s->undo_nbd = true;
  snprintf (s->device, sizeof s->device, "/dev/nbd%d", s->nbd.index);
  return 0;
}


int
cdi_disk_grow_fs (CdiContext *ctx,
                  const char *mapper,
                  uint64_t    mnt_id,
                  bool       *ret_grew,
                  uint64_t   *ret_fs_bytes)
{
  char mapper_path[96], mount_path[PATH_MAX];
  int mount_fd;
  uint64_t dev_bytes = 0, fs_bytes = 0;
  uint32_t block_size = 0;
  int fd, r;

  snprintf (mapper_path, sizeof mapper_path, "/dev/mapper/%s", mapper);
  ctx->what = "growing the encrypted volume to fill the device";
  r = cdi_luks_grow (mapper);
  if (r < 0)
    return r;
  ctx->what = "reading the sizes of the volume and its file system";
  fd = open (mapper_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (ioctl (fd, BLKGETSIZE64, &dev_bytes) < 0)
    r = -errno;
  close (fd);
  if (r == 0)
    r = cdi_fs_size (mapper_path, &fs_bytes, &block_size);
  if (r < 0)
    return r;
  *ret_grew = false;
  if (dev_bytes / block_size > fs_bytes / block_size)
    {
      ctx->what = "growing the file system (online)";
      r = cdi_disk_open_mount (mapper, mnt_id, mount_path, sizeof mount_path, NULL, &mount_fd);
      if (r < 0)
        return r;
      r = cdi_fs_grow (mount_fd, dev_bytes, block_size);
      close (mount_fd);
      if (r < 0)
        return r;
      *ret_grew = true;
      fs_bytes = dev_bytes / block_size * block_size;
    }
  *ret_fs_bytes = fs_bytes;
  return 0;
}
