/* nbd.h - serve an image with qemu-nbd as the caller and attach it to /dev/nbdN ourselves
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct
{
  int index;             /* /dev/nbd<index> */
  pid_t server_pid;      /* qemu-nbd, running as the caller */
  uint64_t size;         /* bytes */
} CdiNbd;

int cdi_nbd_load_module (void);
int cdi_nbd_attach (int         run_dir_fd,
                    int         image_fd,
                    uid_t       uid,
                    gid_t       gid,
                    bool        read_only,
                    const char *backend_id,
                    CdiNbd     *ret_nbd);
int cdi_nbd_detach (int index);
int cdi_nbd_is_connected (int   index,
                          bool *ret_connected);
int cdi_nbd_handshake (int       sock,
                       uint64_t *ret_size,
                       uint16_t *ret_flags);
int cdi_nbd_backend (int    index,
                     char  *buf,
                     size_t buf_size);
