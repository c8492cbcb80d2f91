/* verbs-setup.c - format and open: serve, attach, unlock, check, mount; undone on failure
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
#include "record.h"
#include "state.h"
#include "verbs.h"

#define EMPTY_CHECK_BYTES (1024 * 1024)
#define FORMAT_MIN_BYTES CDI_DISK_FORMAT_MIN_BYTES
#define DEFAULT_LABEL "crypt-disk-image"

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
  CdiSetup s = CDI_SETUP_INIT;
  CdiLuksFormat params = {
    .pbkdf = req->pbkdf, .memory_kib = req->pbkdf_memory_kib, .time_ms = req->pbkdf_time_ms,
    .iterations = req->pbkdf_iterations,
    .label = req->label[0] != '\0' ? req->label : DEFAULT_LABEL,
  };
  char uuid[CDI_LUKS_UUID_MAX];
  int r;

  r = cdi_disk_caller_gid (ctx->uid, &ctx->gid);
  if (r < 0)
    return r;
  r = cdi_disk_open_image (ctx, req->args[0], false, &s.image_fd);
  if (r < 0)
    return r;
  ctx->what = "checking that the image is not open";
  r = cdi_disk_image_in_use (ctx->run_fd, s.image_fd, ctx->uid, NULL);
  if (r != 0)
    {
      r = -EBUSY;
      goto fail;
    }

  r = cdi_setup_attach (ctx, &s, false);
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
  cdi_setup_undo (&s, true);
  cdi_record_write (stdout, CDI_HELPER_RECORD_DISK, "image", req->args[0], "uuid", uuid,
                    "mapper", s.mapper, NULL);
  return 0;

fail:
  cdi_setup_undo (&s, true);
  return r;
}

int
cdi_verb_open (CdiContext       *ctx,
               const CdiRequest *req)
{
  CdiSetup s = CDI_SETUP_INIT;
  CdiDiskState state = { 0 }, existing;
  char uuid[CDI_LUKS_UUID_MAX];
  bool active = false;
  int r;

  r = cdi_disk_caller_gid (ctx->uid, &ctx->gid);
  if (r < 0)
    return r;
  r = cdi_disk_open_image (ctx, req->args[0], req->read_only, &s.image_fd);
  if (r < 0)
    return r;

  ctx->what = "opening the mount point";
  r = cdi_path_open_as_caller (req->args[1], O_RDONLY | O_DIRECTORY, ctx->uid, &s.mount_fd);
  if (r < 0)
    goto fail;

  ctx->what = "checking that the image is not open";
  r = cdi_disk_image_in_use (ctx->run_fd, s.image_fd, ctx->uid, &existing);
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

  r = cdi_setup_attach (ctx, &s, req->read_only);
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

  /* A disk its owner grew while closed (qemu-img resize): LUKS and ext4 grow to fill the
   * device. Online, after the mount, like grow of an open disk: the kernel resizes the
   * mounted ext4 (EXT4_IOC_RESIZE_FS) right after e2fsck -p found it clean, whereas an
   * offline resize2fs would insist on a full e2fsck -f first, a long pass over every
   * inode under TCG or on a big disk. A failure here leaves the disk open at its old size:
   * the data is fine, and the next open tries again. */
  if (!req->read_only)
    {
      const char *what = ctx->what;
      uint64_t fs_bytes = 0;
      bool grew = false;

      r = cdi_disk_grow_fs (ctx, s.mapper, s.mnt_id, &grew, &fs_bytes);
      if (r < 0)
        fprintf (stderr, "%s failed (%s), ignoring: the disk stays at its old size\n", ctx->what,
                 strerror (-r));
      else if (grew)
        {
          char size_text[32], fs_text[32];
          snprintf (size_text, sizeof size_text, "%llu", (unsigned long long) s.nbd.size);
          snprintf (fs_text, sizeof fs_text, "%llu", (unsigned long long) fs_bytes);
          cdi_record_write (stdout, CDI_HELPER_RECORD_GROWN, "image", req->args[0],
                            "size", size_text, "fs-size", fs_text, NULL);
        }
      ctx->what = what;
    }

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
  cdi_setup_undo (&s, true);
  return r;
}
