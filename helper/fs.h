/* fs.h - the ext4 file system inside: make, check, mount nosuid,nodev, trim, unmount
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum
{
  CDI_FSCK_CLEAN,
  CDI_FSCK_REPAIRED,
  CDI_FSCK_NEEDS_REPAIR,
} CdiFsckResult;

int cdi_fs_make (const char *device,
                 uint64_t    size,
                 const char *label,
                 uid_t       uid,
                 gid_t       gid);
int cdi_fs_check (const char    *device,
                  CdiFsckResult *ret_result);
int cdi_fs_mount (const char *device,
                  int         target_fd,
                  bool        read_only,
                  uint64_t   *ret_mnt_id);
int cdi_fs_mnt_id (int       fd,
                   uint64_t *ret_mnt_id);
/* Mount ids are reused once a mount is gone, so each of these also checks the device the
 * mount is of (@dev, the disk's dm-crypt mapping): the id on another device is -ESTALE, never
 * our mount. -ENOENT: no mount with this id. */
int cdi_fs_find_mount (uint64_t mnt_id,
                       dev_t    dev,
                       char    *ret_path,
                       size_t   path_size);
/* A mount stacked inside the mount @mnt_id (its parent), which keeps it from being unmounted:
 * 0 with its path, -ENOENT when there is none */
int cdi_fs_find_submount (uint64_t mnt_id,
                          char    *ret_path,
                          size_t   path_size);
int cdi_fs_open_mount (const char *path,
                       uint64_t    mnt_id,
                       dev_t       dev,
                       int        *ret_fd);
int cdi_fs_unmount (const char *path,
                    uint64_t    mnt_id,
                    dev_t       dev);
int cdi_fs_trim (int       mount_fd,
                 uint64_t *ret_bytes);
int cdi_fs_prepare_root (const char *device,
                         uid_t       uid,
                         gid_t       gid);
int cdi_fs_size (const char *device,
                 uint64_t   *ret_bytes,
                 uint32_t   *ret_block_size);
int cdi_fs_grow (int      mount_fd,
                 uint64_t device_bytes,
                 uint32_t block_size);
