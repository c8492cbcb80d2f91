/* verbs-manage.c - inspect, passwd, grow and backup-header: the caller's own disks, open or not
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * inspect, passwd and backup-header work on the LUKS header through the disk's nbd device:
 * the open disk's own device when it is open (qemu-nbd holds the image's lock), otherwise one
 * attached for the call and detached again, on every path. grow changes an open disk online.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "fs.h"
#include "luks.h"
#include "nbd.h"
#include "record.h"
#include "run.h"
#include "state.h"
#include "verbs.h"

/* How long I/O on the nbd device waits for the new server while grow swaps servers */
#define GROW_DEAD_CONN_TIMEOUT_S 120
/* How long grow waits for the kernel to notice that the old server has gone */
#define GROW_LINK_DEAD_TIMEOUT_MS 15000

typedef struct
{
  CdiSetup setup;        /* what this call attached, for a closed disk */
  bool open;             /* the disk is open: state is its record */
  CdiDiskState state;
  char device[32];       /* the nbd device holding the LUKS header */
} CdiTarget;

/* The nbd device of the caller's image @path: the open disk's, or one attached now (read-only
 * if @read_only). Release with target_release(). */
static int
target_get (CdiContext *ctx,
            const char *path,
            bool        read_only,
            CdiTarget  *t)
{
  int r;

  r = cdi_disk_caller_gid (ctx->uid, &ctx->gid);
  if (r < 0)
    return r;
  r = cdi_disk_open_image (ctx, path, read_only, &t->setup.image_fd);
  if (r < 0)
    return r;
  ctx->what = "checking whether the image is open";
  r = cdi_disk_image_in_use (ctx->run_fd, t->setup.image_fd, ctx->uid, &t->state);
  if (r < 0)
    return r;
  if (r == 1)
    {
      if (cdi_disk_is_stale (&t->state))
        {
          ctx->reason = "it was left open by a crashed session; run recover first";
          return -EBUSY;
        }
      if (!read_only && t->state.read_only)
        {
          ctx->reason = "it is open read-only; close it first";
          return -EROFS;
        }
      t->open = true;
      snprintf (t->device, sizeof t->device, "/dev/nbd%d", t->state.nbd);
      return 0;
    }
  r = cdi_setup_attach (ctx, &t->setup, read_only);
  if (r < 0)
    return r;
  snprintf (t->device, sizeof t->device, "%s", t->setup.device);
  return 0;
}

static void
target_release (CdiTarget *t)
{
  cdi_setup_undo (&t->setup, true);
}

/* ---------------------------------------------------------------- inspect */

int
cdi_verb_inspect (CdiContext       *ctx,
                  const CdiRequest *req)
{
  CdiTarget t = { .setup = CDI_SETUP_INIT };
  CdiLuksInfo info;
  uint64_t size = 0;
  char size_text[32], version[8];
  int r;

  r = target_get (ctx, req->args[0], true, &t);
  if (r < 0)
    goto out;
  ctx->what = "reading the LUKS header";
  r = cdi_luks_inspect (t.device, &info);
  if (r == -EMEDIUMTYPE)
    ctx->reason = "the image holds no LUKS header";
  if (r < 0)
    goto out;
  if (t.open)
    r = cdi_nbd_device_size (t.state.nbd, &size);
  else
    size = t.setup.nbd.size;
  if (r < 0)
    goto out;
  snprintf (size_text, sizeof size_text, "%" PRIu64, size);
  snprintf (version, sizeof version, "%d", info.version);
  cdi_record_write (stdout, CDI_HELPER_RECORD_LUKS, "image", req->args[0], "uuid", info.uuid,
                    "version", version, "label", info.label, "cipher", info.cipher,
                    "size", size_text, "open", t.open ? "1" : "0", NULL);
out:
  target_release (&t);
  return r;
}

/* ---------------------------------------------------------------- passwd */

int
cdi_verb_passwd (CdiContext       *ctx,
                 const CdiRequest *req)
{
  CdiTarget t = { .setup = CDI_SETUP_INIT };
  CdiLuksFormat params = {
    .pbkdf = req->pbkdf, .memory_kib = req->pbkdf_memory_kib, .time_ms = req->pbkdf_time_ms,
    .iterations = req->pbkdf_iterations,
  };
  int r;

  r = target_get (ctx, req->args[0], false, &t);
  if (r < 0)
    goto out;
  ctx->what = "changing the passphrase";
  r = cdi_luks_change_passphrase (t.device, &params, ctx->passphrase->data, ctx->passphrase->len,
                                  ctx->new_passphrase->data, ctx->new_passphrase->len);
  if (r == -EMEDIUMTYPE)
    ctx->reason = "the image holds no LUKS header";
out:
  cdi_passphrase_wipe (ctx->passphrase);
  cdi_passphrase_wipe (ctx->new_passphrase);
  target_release (&t);
  return r;
}

/* ---------------------------------------------------------------- backup-header */

static int
write_all (int         fd,
           const void *buf,
           size_t      len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

static int
copy_to_stdout (int fd)
{
  char buf[65536];

  fflush (stdout);
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      int r;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      if (n == 0)
        return 0;
      r = write_all (STDOUT_FILENO, buf, (size_t) n);
      if (r < 0)
        return r;
    }
}

int
cdi_verb_backup_header (CdiContext       *ctx,
                        const CdiRequest *req)
{
  CdiTarget t = { .setup = CDI_SETUP_INIT };
  char name[64], path[sizeof CDI_RUN_DIR + 64];
  unsigned int rnd = 0;
  struct stat st;
  int fd = -1, r;

  r = target_get (ctx, req->args[0], true, &t);
  if (r < 0)
    goto out;

  /* A fresh name in the root-only run dir (we hold its lock); libcryptsetup creates the
   * file with O_CREAT|O_EXCL and mode 0400, so an existing file is never reused. */
  ctx->what = "backing up the LUKS header";
  if (getentropy (&rnd, sizeof rnd) < 0)
    rnd = (unsigned int) getpid ();
  snprintf (name, sizeof name, "header-%08x.bak", rnd);
  snprintf (path, sizeof path, CDI_RUN_DIR "/%s", name);
  r = cdi_luks_backup_header (t.device, path);
  if (r == -EMEDIUMTYPE)
    ctx->reason = "the image holds no LUKS header";
  if (r == 0)
    {
      fd = openat (ctx->run_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        r = -errno;
    }
  /* Gone from the file system before a byte of it is sent; only our fd keeps it */
  unlinkat (ctx->run_fd, name, 0);
  if (r < 0)
    goto out;
  if (fstat (fd, &st) < 0)
    r = -errno;
  else if (!S_ISREG (st.st_mode) || st.st_uid != 0 || st.st_size == 0)
    r = -EIO;
  if (r < 0)
    goto out;

  /* The device goes before the copy: a slow reader must not keep it attached */
  target_release (&t);
  t = (CdiTarget) { .setup = CDI_SETUP_INIT };
  ctx->what = "writing the header backup to stdout";
  r = copy_to_stdout (fd);

out:
  if (fd >= 0)
    close (fd);
  target_release (&t);
  return r;
}

/* ---------------------------------------------------------------- grow */

/* qemu-img resize as the caller, on the image fd we checked (fd 3 in the child). The
 * format is named, never probed, and "backing": null opens no backing file whatever the header
 * says (the json: form, since qemu 7 deprecates the empty "backing=" of --image-opts). */
static int
resize_image (CdiContext *ctx,
              int         image_fd,
              uint64_t    bytes)
{
  char size_text[32];
  char *const argv[] = {
    (char *) "qemu-img", (char *) "resize", (char *) "-q",
    (char *) "json:{\"driver\":\"qcow2\",\"backing\":null,"
             "\"file\":{\"driver\":\"file\",\"filename\":\"/proc/self/fd/3\"}}",
    size_text, NULL
  };
  CdiRunFd fds[] = { { image_fd, 3 } };
  CdiRunOptions o = {
    .as_caller = true, .uid = ctx->uid, .gid = ctx->gid,
    .stdout_fd = -1, .stderr_fd = -1, .fds = fds, .n_fds = 1,
  };
  int status, r;

  snprintf (size_text, sizeof size_text, "%" PRIu64, bytes);
  r = cdi_run (QEMU_IMG_PATH, argv, &o, &status);
  if (r < 0)
    return r;
  return status == 0 ? 0 : -EIO;
}

/* The middle of grow: with I/O held in device-mapper, stop the server, resize the image, serve
 * it again on the same nbd device. Whatever fails, a server is serving the image on return
 * if at all possible (the old size when the resize failed, with the resize's error
 * returned); *ret_server and *ret_size are the new server and the size it serves. */
static int
swap_server (CdiContext         *ctx,
             const CdiDiskState *s,
             int                 image_fd,
             const char         *backend,
             uint64_t            bytes,
             pid_t              *ret_server,
             uint64_t           *ret_size)
{
  int watch_fd = -1, r, rr;

  ctx->what = "watching the nbd device";
  r = cdi_nbd_watch_open (&watch_fd);
  if (r < 0)
    return r;

  ctx->what = "stopping the image's server (qemu-nbd)";
  cdi_disk_terminate_server (s->server_pid, s->server_start);
  if (cdi_state_server_alive (s))
    {
      close (watch_fd);
      return -EBUSY;
    }
  /* The kernel replaces only a socket it has marked dead, and silently ignores a new one
   * otherwise: wait for its word. */
  ctx->what = "waiting for the kernel to drop the old connection";
  r = cdi_nbd_watch_link_dead (watch_fd, s->nbd, GROW_LINK_DEAD_TIMEOUT_MS);
  close (watch_fd);
  if (r < 0)
    fprintf (stderr, "no link-dead event for nbd%d (%s); reconnecting anyway\n", s->nbd,
             strerror (-r));

  ctx->what = "resizing the image (qemu-img resize)";
  r = resize_image (ctx, image_fd, bytes);
  if (r < 0)
    fprintf (stderr, "resizing the image failed (%s); serving it at its old size again\n",
             strerror (-r));

  rr = cdi_nbd_reconnect (ctx->run_fd, s->nbd, image_fd, ctx->uid, ctx->gid, backend, ret_server,
                          ret_size);
  if (rr < 0)
    {
      ctx->what = "serving the image again and reconnecting the nbd device";
      return rr;
    }
  return r;
}

int
cdi_verb_grow (CdiContext       *ctx,
               const CdiRequest *req)
{
  CdiDiskState s;
  char backend[96], recorded[128], size_text[32], fs_text[32];
  uint64_t old_size = 0, new_size = 0, fs_bytes = 0;
  bool grew = false;
  sigset_t hold, saved_mask;
  pid_t server = -1;
  int image_fd = -1, r, rr;

  r = cdi_disk_caller_gid (ctx->uid, &ctx->gid);
  if (r < 0)
    return r;
  r = cdi_disk_open_image (ctx, req->args[0], false, &image_fd);
  if (r < 0)
    return r;

  ctx->what = "finding the open disk";
  r = cdi_disk_image_in_use (ctx->run_fd, image_fd, ctx->uid, &s);
  if (r == 0)
    {
      ctx->reason = "it is not open (grow a closed disk with qemu-img resize; the next open "
                    "grows the encrypted volume and the file system)";
      r = -ENOENT;
    }
  else if (r == 1 && cdi_disk_is_stale (&s))
    {
      ctx->reason = "it was left open by a crashed session; run recover first";
      r = -EBUSY;
    }
  else if (r == 1 && s.read_only)
    {
      ctx->reason = "it is open read-only";
      r = -EROFS;
    }
  if (r < 0)
    goto out;

  ctx->what = "checking the new size";
  cdi_disk_backend_id (image_fd, ctx->uid, backend, sizeof backend);
  r = cdi_nbd_backend (s.nbd, recorded, sizeof recorded);
  if (r == 0 && strcmp (recorded, backend) != 0)
    r = -ESTALE;
  if (r == 0)
    r = cdi_nbd_device_size (s.nbd, &old_size);
  if (r < 0)
    goto out;
  if (req->bytes <= old_size)
    {
      ctx->reason = "the new size must be larger than the current one";
      r = -ENOSPC;
      goto out;
    }

  /* I/O that reaches the device while no server is connected waits instead of failing */
  ctx->what = "letting the nbd device wait for a new server (NBD_CMD_RECONFIGURE)";
  r = cdi_nbd_set_dead_timeout (s.nbd, backend, GROW_DEAD_CONN_TIMEOUT_S);
  if (r < 0)
    {
      if (r == -EINVAL || r == -EOPNOTSUPP)
        r = -ENOSYS;
      goto out;
    }
  /* From the suspend to the resume, a signal must not leave the volume suspended (every
   * process touching it would hang): the usual ones wait until the resume. */
  sigemptyset (&hold);
  sigaddset (&hold, SIGINT);
  sigaddset (&hold, SIGTERM);
  sigaddset (&hold, SIGHUP);
  sigaddset (&hold, SIGPIPE);
  sigaddset (&hold, SIGQUIT);
  sigprocmask (SIG_BLOCK, &hold, &saved_mask);
  ctx->what = "holding I/O on the encrypted volume (device-mapper suspend)";
  r = cdi_luks_suspend_io (s.mapper);
  if (r < 0)
    {
      sigprocmask (SIG_SETMASK, &saved_mask, NULL);
      cdi_nbd_set_dead_timeout (s.nbd, backend, 0);
      goto out;
    }

  r = swap_server (ctx, &s, image_fd, backend, req->bytes, &server, &new_size);

  rr = cdi_luks_resume_io (s.mapper);
  sigprocmask (SIG_SETMASK, &saved_mask, NULL);
  if (rr < 0)
    fprintf (stderr, "resuming I/O on %s failed (%s)\n", s.mapper, strerror (-rr));
  if (cdi_nbd_set_dead_timeout (s.nbd, backend, 0) < 0)
    fprintf (stderr, "resetting the dead-connection timeout of nbd%d failed, ignoring\n", s.nbd);
  if (server > 0)
    {
      /* The record names the new server, or the disk would read as stale */
      s.server_pid = server;
      if (cdi_state_process_start (server, &s.server_start) < 0 ||
          cdi_state_save (ctx->run_fd, &s) < 0)
        fprintf (stderr, "recording the new server (pid %ld) failed\n", (long) server);
    }
  if (r == 0 && rr < 0)
    {
      ctx->what = "resuming I/O on the encrypted volume";
      r = rr;
    }
  if (r < 0)
    goto out;

  ctx->what = "growing the nbd device";
  r = cdi_nbd_device_size (s.nbd, &new_size);
  if (r == 0 && new_size != req->bytes)
    {
      ctx->reason = "the kernel kept the old size of the nbd device (no resize in "
                    "NBD_CMD_RECONFIGURE); the image did grow, and the next open grows the rest";
      r = -ENOSYS;
    }
  if (r < 0)
    goto out;

  r = cdi_disk_grow_fs (ctx, s.mapper, s.mnt_id, &grew, &fs_bytes);
  if (r < 0)
    goto out;
  snprintf (size_text, sizeof size_text, "%" PRIu64, new_size);
  snprintf (fs_text, sizeof fs_text, "%" PRIu64, fs_bytes);
  cdi_record_write (stdout, CDI_HELPER_RECORD_GROWN, "image", s.image, "size", size_text,
                    "fs-size", fs_text, NULL);
  cdi_disk_print (&s, "open");

out:
  if (image_fd >= 0)
    close (image_fd);
  return r;
}
