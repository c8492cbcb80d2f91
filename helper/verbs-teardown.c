/* verbs-teardown.c - close, trim, status and recover: only ever the caller's own disks
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk.h"
#include "fs.h"
#include "luks.h"
#include "nbd.h"
#include "record.h"
#include "state.h"
#include "verbs.h"

static int
find_mine (CdiContext    *ctx,
           const char    *path,
           CdiDiskState **ret_list,
           size_t        *ret_index)
{
  CdiDiskState *list = NULL;
  size_t n = 0, index = 0;
  int r;

  ctx->what = "reading the open disks";
  r = cdi_state_list (ctx->run_fd, &list, &n);
  if (r < 0)
    return r;
  switch (cdi_disk_find (list, n, ctx->uid, path, &index))
    {
    case CDI_MATCH_MINE:
      *ret_list = list;
      *ret_index = index;
      return 1;
    case CDI_MATCH_OTHERS:
      ctx->what = "finding the disk";
      ctx->reason = "it is another user's disk";
      free (list);
      return -EACCES;
    case CDI_MATCH_NONE:
    default:
      free (list);
      return 0;
    }
}

int
cdi_verb_close (CdiContext       *ctx,
                const CdiRequest *req)
{
  CdiDiskState *list = NULL;
  size_t index;
  int r;

  r = find_mine (ctx, req->args[0], &list, &index);
  if (r <= 0)
    {
      if (r == 0)
        fprintf (stderr, "%s is not an open disk; nothing to close\n", req->args[0]);
      return r;
    }
  r = cdi_disk_teardown (ctx, &list[index], !req->no_trim, false);
  free (list);
  return r;
}

int
cdi_verb_trim (CdiContext       *ctx,
               const CdiRequest *req)
{
  CdiDiskState *list = NULL;
  char path[PATH_MAX], text[32];
  uint64_t bytes = 0;
  size_t index;
  int fd, r;

  r = find_mine (ctx, req->args[0], &list, &index);
  if (r == 0)
    {
      ctx->what = "finding the disk";
      ctx->reason = "it is not an open disk";
      return -ENOENT;
    }
  if (r < 0)
    return r;
  /* Its mount: the recorded id on the mapping's own device (ids are reused) */
  ctx->what = "finding the mount";
  r = cdi_disk_open_mount (list[index].mapper, list[index].mnt_id, path, sizeof path, NULL, &fd);
  if (r == -ENODEV || r == -ESTALE)
    {
      ctx->reason = "it is no longer mounted where it was opened (stale; close or recover it)";
      r = -ENOENT;
    }
  if (r == 0)
    {
      ctx->what = "trimming";
      r = list[index].read_only ? -EROFS : cdi_fs_trim (fd, &bytes);
      close (fd);
    }
  if (r == 0)
    {
      snprintf (text, sizeof text, "%" PRIu64, bytes);
      cdi_record_write (stdout, CDI_HELPER_RECORD_TRIMMED, "mountpoint", path, "bytes", text,
                        NULL);
    }
  free (list);
  return r;
}

int
cdi_verb_status (CdiContext       *ctx,
                 const CdiRequest *req)
{
  CdiDiskState *list = NULL;
  size_t n = 0;
  int r;

  (void) req;
  ctx->what = "reading the open disks";
  r = cdi_state_list (ctx->run_fd, &list, &n);
  if (r < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    if (list[i].uid == ctx->uid)
      cdi_disk_print (&list[i], cdi_disk_is_stale (&list[i]) ? "stale" : "open");
  free (list);
  return 0;
}

static bool
mapper_recorded (const CdiDiskState *list,
                 size_t              n,
                 const char         *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i].mapper, name) == 0)
      return true;
  return false;
}

/* Mappings of ours without a record (a helper killed between steps) are locked too. */
static int
recover_orphan_mappings (CdiContext         *ctx,
                         const CdiDiskState *list,
                         size_t              n)
{
  char prefix[32];
  struct dirent *e;
  DIR *d;
  int failures = 0;

  snprintf (prefix, sizeof prefix, "cdi-%lu-", (unsigned long) ctx->uid);
  d = opendir ("/dev/mapper");
  if (d == NULL)
    return 0;
  while ((e = readdir (d)) != NULL)
    {
      if (strncmp (e->d_name, prefix, strlen (prefix)) != 0 || mapper_recorded (list, n, e->d_name))
        continue;
      if (cdi_luks_deactivate (e->d_name) == 0)
        cdi_record_write (stdout, CDI_HELPER_RECORD_RECOVERED, "image", "", "mountpoint", "",
                          "action", "locked orphan mapping", "mapper", e->d_name, NULL);
      else
        failures++;
    }
  closedir (d);
  return failures;
}

/* nbd devices attached for this caller (our backend id) that no record knows about. */
static void
recover_orphan_devices (CdiContext         *ctx,
                        const CdiDiskState *list,
                        size_t              n)
{
  char prefix[32], backend[128], dev[32];
  struct dirent *e;
  DIR *d;

  snprintf (prefix, sizeof prefix, "cdi:%lu:", (unsigned long) ctx->uid);
  d = opendir ("/sys/block");
  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    {
      int index;
      bool known = false, connected = false;
      if (sscanf (e->d_name, "nbd%d", &index) != 1)
        continue;
      if (cdi_nbd_backend (index, backend, sizeof backend) < 0 ||
          strncmp (backend, prefix, strlen (prefix)) != 0)
        continue;
      for (size_t i = 0; i < n; i++)
        known |= list[i].nbd == index;
      if (known || cdi_nbd_is_connected (index, &connected) < 0 || !connected)
        continue;
      if (cdi_nbd_detach (index) == 0)
        {
          snprintf (dev, sizeof dev, "/dev/nbd%d", index);
          cdi_record_write (stdout, CDI_HELPER_RECORD_RECOVERED, "image", "", "mountpoint", "",
                            "action", "detached orphan device", "nbd", dev, NULL);
        }
    }
  closedir (d);
}

int
cdi_verb_recover (CdiContext       *ctx,
                  const CdiRequest *req)
{
  CdiDiskState *list = NULL;
  size_t n = 0;
  int failures = 0, r;

  (void) req;
  ctx->what = "reading the open disks";
  r = cdi_state_list (ctx->run_fd, &list, &n);
  if (r < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    {
      if (list[i].uid != ctx->uid || !cdi_disk_is_stale (&list[i]))
        continue;
      r = cdi_disk_teardown (ctx, &list[i], false, true);
      if (r == 0)
        cdi_record_write (stdout, CDI_HELPER_RECORD_RECOVERED, "image", list[i].image,
                          "mountpoint", list[i].mountpoint, "action", "closed stale disk", NULL);
      else
        {
          fprintf (stderr, "recovering %s failed: %s (%s)\n", list[i].image, ctx->what,
                   strerror (-r));
          failures++;
        }
    }
  failures += recover_orphan_mappings (ctx, list, n);
  recover_orphan_devices (ctx, list, n);
  free (list);
  if (failures > 0)
    {
      ctx->what = "recovering";
      return -EBUSY;
    }
  return 0;
}
