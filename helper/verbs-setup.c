/* verbs-setup.c - format and open: serve, attach, unlock, check, mount; undone on failure
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "disk.h"
#include "fs.h"
#include "luks.h"
#include "nbd.h"
#include "path.h"
#include "qcow2.h"
#include "record.h"
#include "state.h"
#include "verbs.h"

#define EMPTY_CHECK_BYTES (1024 * 1024)
#define FORMAT_MIN_BYTES (UINT64_C (32) << 20) /* LUKS2 header (16 MiB) and a small ext4 */
#define DEFAULT_LABEL "crypt-disk-image"

typedef struct
{
  int image_fd;
  int mount_fd;
  CdiNbd nbd;
  bool undo_nbd, undo_dm, undo_mount, undo_format;
  char device[32];
  char mapper[CDI_LUKS_NAME_MAX];
  char mapper_path[96];
  uint64_t mnt_id;
} CdiSetup;

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

static void
setup_undo (CdiSetup *s,
            bool      our_child)
{
  char path[PATH_MAX];

  if (s->undo_mount && cdi_fs_find_mount (s->mnt_id, path, sizeof path) == 0 &&
      cdi_fs_unmount (path, s->mnt_id) < 0)
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

static int
caller_gid (uid_t  uid,
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
static int
open_image (CdiContext *ctx,
            const char *path,
            bool        read_only,
            int        *ret_fd)
{
  int fd, r;

  ctx->what = "opening the image";
  r = cdi_path_open_nofollow (path, read_only ? O_RDONLY : O_RDWR, &fd);
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

static int
image_in_use (int                 run_fd,
              int                 image_fd,
              uid_t               uid,
              CdiDiskState       *ret_state)
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

static void
backend_id (int    image_fd,
            uid_t  uid,
            char  *buf,
            size_t size)
{
  struct stat st = { 0 };

  fstat (image_fd, &st);
  snprintf (buf, size, "cdi:%lu:%llu:%llu", (unsigned long) uid,
            (unsigned long long) st.st_dev, (unsigned long long) st.st_ino);
}

static int
attach (CdiContext *ctx,
        CdiSetup   *s,
        bool        read_only)
{
  char backend[96];
  int r;

  ctx->what = "serving the image (qemu-nbd) and attaching an nbd device";
  backend_id (s->image_fd, ctx->uid, backend, sizeof backend);
  r = cdi_nbd_attach (ctx->run_fd, s->image_fd, ctx->uid, ctx->gid, read_only, backend, &s->nbd);
  if (r < 0)
    return r;
  s->undo_nbd = true;
  snprintf (s->device, sizeof s->device, "/dev/nbd%d", s->nbd.index);
  return 0;
}

static int
device_is_empty (const char *device)
{
  static char buf[EMPTY_CHECK_BYTES];
  ssize_t n;
  int fd;

  fd = open (device, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  n = pread (fd, buf, sizeof buf, 0);
  close (fd);
  if (n < 0)
    return -errno;
  for (ssize_t i = 0; i < n; i++)
    if (buf[i] != 0)
      return -EEXIST;
  return 0;
}

int
cdi_verb_format (CdiContext       *ctx,
                 const CdiRequest *req)
{
  CdiSetup s = { .image_fd = -1, .mount_fd = -1 };
  CdiLuksFormat params = {
    .pbkdf = req->pbkdf, .memory_kib = req->pbkdf_memory_kib, .time_ms = req->pbkdf_time_ms,
    .iterations = req->pbkdf_iterations,
    .label = req->label[0] != '\0' ? req->label : DEFAULT_LABEL,
  };
  char uuid[CDI_LUKS_UUID_MAX];
  int r;

  r = caller_gid (ctx->uid, &ctx->gid);
  if (r < 0)
    return r;
  r = open_image (ctx, req->args[0], false, &s.image_fd);
  if (r < 0)
    return r;
  ctx->what = "checking that the image is not open";
  r = image_in_use (ctx->run_fd, s.image_fd, ctx->uid, NULL);
  if (r != 0)
    {
      r = -EBUSY;
      goto fail;
    }

  r = attach (ctx, &s, false);
  if (r < 0)
    goto fail;
  ctx->what = "checking that the image is empty";
  r = device_is_empty (s.device);
  if (r < 0)
    goto fail;

  if (s.nbd.size < FORMAT_MIN_BYTES)
    {
      ctx->reason = "the image is too small: a disk needs at least 32 MiB";
      r = -ENOSPC;
      goto fail;
    }

  ctx->what = "formatting LUKS2";
  s.undo_format = true;
  params.sector_size = s.nbd.size % 4096 == 0 ? 4096 : 512;
  r = cdi_luks_format (s.device, &params, ctx->passphrase->data, ctx->passphrase->len,
                       uuid, sizeof uuid);
  if (r < 0)
    goto fail;
  ctx->what = "unlocking the new volume";
  r = cdi_luks_mapper_name (ctx->uid, uuid, s.mapper, sizeof s.mapper);
  if (r == 0)
    r = cdi_luks_activate (s.device, s.mapper, ctx->passphrase->data, ctx->passphrase->len,
                           false);
  cdi_passphrase_wipe (ctx->passphrase);
  if (r < 0)
    goto fail;
  s.undo_dm = true;
  snprintf (s.mapper_path, sizeof s.mapper_path, "/dev/mapper/%s", s.mapper);

  ctx->what = "making the ext4 file system";
  r = cdi_fs_make (s.mapper_path, s.nbd.size, params.label, ctx->uid, ctx->gid);
  if (r < 0)
    goto fail;
  ctx->what = "giving the file system's root to the caller";
  r = cdi_fs_prepare_root (s.mapper_path, ctx->uid, ctx->gid);
  if (r < 0)
    goto fail;

  /* Leaves nothing open: the same steps as a failure, but they must succeed. */
  ctx->what = "locking the new volume";
  r = cdi_luks_deactivate (s.mapper);
  if (r < 0)
    goto fail;
  s.undo_dm = false;
  s.undo_format = false;
  setup_undo (&s, true);
  cdi_record_write (stdout, CDI_HELPER_RECORD_DISK, "image", req->args[0], "uuid", uuid,
                    "mapper", s.mapper, NULL);
  return 0;

fail:
  setup_undo (&s, true);
  return r;
}

int
cdi_verb_open (CdiContext       *ctx,
               const CdiRequest *req)
{
  CdiSetup s = { .image_fd = -1, .mount_fd = -1 };
  CdiDiskState state = { 0 }, existing;
  char uuid[CDI_LUKS_UUID_MAX];
  bool active = false;
  int r;

  r = caller_gid (ctx->uid, &ctx->gid);
  if (r < 0)
    return r;
  r = open_image (ctx, req->args[0], req->read_only, &s.image_fd);
  if (r < 0)
    return r;

  ctx->what = "opening the mount point";
  r = cdi_path_open_nofollow (req->args[1], O_RDONLY | O_DIRECTORY, &s.mount_fd);
  if (r < 0)
    goto fail;

  ctx->what = "checking that the image is not open";
  r = image_in_use (ctx->run_fd, s.image_fd, ctx->uid, &existing);
  if (r == 1)
    {
      /* Already open by its owner: success, nothing changes. */
      if (cdi_disk_is_stale (&existing))
        {
          ctx->reason = "it was left open by a crashed session; run recover first";
          r = -EBUSY;
          goto fail;
        }
      cdi_disk_print (&existing, "open");
      r = 0;
      goto fail;
    }
  if (r < 0)
    goto fail;

  ctx->what = "checking the mount point";
  r = cdi_path_check_mountpoint (s.mount_fd, ctx->uid);
  if (r < 0)
    goto fail;

  r = attach (ctx, &s, req->read_only);
  if (r < 0)
    goto fail;

  ctx->what = "reading the LUKS header";
  r = cdi_luks_read_uuid (s.device, uuid, sizeof uuid);
  if (r == 0)
    r = cdi_luks_mapper_name (ctx->uid, uuid, s.mapper, sizeof s.mapper);
  if (r < 0)
    goto fail;
  ctx->what = "unlocking the encrypted volume";
  if (cdi_luks_is_active (s.mapper, &active) == 0 && active)
    {
      ctx->reason = "a volume with this LUKS UUID is already unlocked (a copy of the image?)";
      r = -EBUSY;
      goto fail;
    }
  r = cdi_luks_activate (s.device, s.mapper, ctx->passphrase->data, ctx->passphrase->len,
                         req->read_only);
  cdi_passphrase_wipe (ctx->passphrase);
  if (r == -EPERM)
    r = -EKEYREJECTED;
  if (r < 0)
    goto fail;
  s.undo_dm = true;
  snprintf (s.mapper_path, sizeof s.mapper_path, "/dev/mapper/%s", s.mapper);

  if (!req->skip_fsck && !req->read_only)
    {
      CdiFsckResult result;
      ctx->what = "checking the file system";
      r = cdi_fs_check (s.mapper_path, &result);
      if (r < 0)
        goto fail;
      cdi_record_write (stdout, CDI_HELPER_RECORD_FSCK, "result",
                        result == CDI_FSCK_CLEAN ? "clean"
                        : result == CDI_FSCK_REPAIRED ? "repaired" : "needs-repair", NULL);
      if (result == CDI_FSCK_NEEDS_REPAIR)
        {
          ctx->reason = "the file system needs a manual repair (e2fsck); it can be opened read-only";
          r = -EUCLEAN;
          goto fail;
        }
    }

  ctx->what = "mounting the file system";
  r = cdi_fs_mount (s.mapper_path, s.mount_fd, req->read_only, &s.mnt_id);
  if (r < 0)
    goto fail;
  s.undo_mount = true;

  ctx->what = "recording the open disk";
  {
    struct stat st;
    fstat (s.image_fd, &st);
    state.uid = ctx->uid;
    state.gid = ctx->gid;
    snprintf (state.image, sizeof state.image, "%s", req->args[0]);
    state.image_dev = st.st_dev;
    state.image_ino = st.st_ino;
    snprintf (state.mountpoint, sizeof state.mountpoint, "%s", req->args[1]);
    state.mnt_id = s.mnt_id;
    state.nbd = s.nbd.index;
    state.server_pid = s.nbd.server_pid;
    snprintf (state.uuid, sizeof state.uuid, "%s", uuid);
    snprintf (state.mapper, sizeof state.mapper, "%s", s.mapper);
    state.read_only = req->read_only;
    state.since = (int64_t) time (NULL);
  }
  r = cdi_state_process_start (state.server_pid, &state.server_start);
  if (r == 0)
    r = cdi_state_save (ctx->run_fd, &state);
  if (r < 0)
    goto fail;

  close (s.image_fd);
  close (s.mount_fd);
  cdi_disk_print (&state, "open");
  return 0;

fail:
  setup_undo (&s, true);
  return r;
}
