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
int cdi_nbd_device_size (int       index,
                         uint64_t *ret_size);

/* Online resize (see nbd.c): how long I/O waits for a new server after the old one went */
int cdi_nbd_set_dead_timeout (int         index,
                              const char *backend_id,
                              uint64_t    seconds);
/* A netlink socket subscribed to the nbd family's events; -ENOSYS without the group */
int cdi_nbd_watch_open (int *ret_fd);
/* Waits until the kernel reports device @index's connection dead; -ETIMEDOUT */
int cdi_nbd_watch_link_dead (int watch_fd,
                             int index,
                             int timeout_ms);
/* Serves @image_fd read-write with a new qemu-nbd as the caller and gives its socket to
 * device @index, whose old connection must be dead, with the size the server reports */
int cdi_nbd_reconnect (int         run_dir_fd,
                       int         index,
                       int         image_fd,
                       uid_t       uid,
                       gid_t       gid,
                       const char *backend_id,
                       pid_t      *ret_server_pid,
                       uint64_t   *ret_size);
