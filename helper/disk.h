/* disk.h - what the verbs share: finding the caller's disks, setting them up, printing and
 * tearing them down
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "luks.h"
#include "nbd.h"
#include "state.h"
#include "verbs.h"

#define CDI_DISK_FORMAT_MIN_BYTES (UINT64_C (32) << 20) /* LUKS2 header (16 MiB), a small ext4 */

typedef enum
{
  CDI_MATCH_NONE,
  CDI_MATCH_MINE,
  CDI_MATCH_OTHERS,
} CdiMatch;

void cdi_disk_print (const CdiDiskState *s,
                     const char         *state);
bool cdi_disk_is_stale (const CdiDiskState *s);
/* Where the disk's mount is while it is still the disk's own: the mount with id @mnt_id on the
 * device of the mapping @mapper (mount ids are reused). -ENODEV: no such mapping; -ENOENT: no
 * mount with that id; -ESTALE: the id names a mount of another device now. @ret_dev (may be
 * NULL) gets the mapping's device. */
int cdi_disk_find_mount (const char *mapper,
                         uint64_t    mnt_id,
                         char       *ret_path,
                         size_t      path_size,
                         dev_t      *ret_dev);
/* cdi_disk_find_mount(), then the mount opened and checked again (cdi_fs_open_mount) */
int cdi_disk_open_mount (const char *mapper,
                         uint64_t    mnt_id,
                         char       *ret_path,
                         size_t      path_size,
                         dev_t      *ret_dev,
                         int        *ret_fd);
CdiMatch cdi_disk_find (const CdiDiskState *list,
                        size_t              n,
                        uid_t               uid,
                        const char         *path,
                        size_t             *ret_index);
int cdi_disk_teardown (CdiContext         *ctx,
                       const CdiDiskState *s,
                       bool                trim,
                       bool                force);
void cdi_disk_stop_server (pid_t              pid,
                           unsigned long long start);
void cdi_disk_terminate_server (pid_t              pid,
                                unsigned long long start);

/* Setup: each step records what to undo; cdi_setup_undo() undoes it in reverse order
 * (mount, mapping, what format wrote, nbd device and its server) and closes the fds. */
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

#define CDI_SETUP_INIT { .image_fd = -1, .mount_fd = -1 }

void cdi_setup_undo (CdiSetup *s,
                     bool      our_child);
/* Serves s->image_fd with qemu-nbd as the caller and attaches an nbd device (s->device) */
int cdi_setup_attach (CdiContext *ctx,
                      CdiSetup   *s,
                      bool        read_only);
int cdi_disk_caller_gid (uid_t  uid,
                         gid_t *ret_gid);
/* The caller's own regular qcow2 file, reached without symlinks, with nothing in its header
 * that would make qemu open another file; O_RDWR unless @read_only */
int cdi_disk_open_image (CdiContext *ctx,
                         const char *path,
                         bool        read_only,
                         int        *ret_fd);
/* 1 and *ret_state (optional) when the caller has this image open, 0 when nobody has,
 * -EBUSY when another user has */
int cdi_disk_image_in_use (int           run_fd,
                           int           image_fd,
                           uid_t         uid,
                           CdiDiskState *ret_state);
/* The nbd backend id of an image: ties the device to the file (and to reconfigure calls) */
void cdi_disk_backend_id (int    image_fd,
                          uid_t  uid,
                          char  *buf,
                          size_t size);
/* Grows the mapping @mapper (if needed) and the ext4 of the mount @mnt_id on it to fill the
 * device; *ret_grew says whether ext4 grew, *ret_fs_bytes is its size now */
int cdi_disk_grow_fs (CdiContext *ctx,
                      const char *mapper,
                      uint64_t    mnt_id,
                      bool       *ret_grew,
                      uint64_t   *ret_fs_bytes);
