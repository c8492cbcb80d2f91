/* state.h - what the helper opened, kept in a root-only directory under /run
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CDI_RUN_DIR "/run/crypt-disk-image"

typedef struct
{
  uid_t uid;
  gid_t gid;
  char image[PATH_MAX];
  uint64_t image_dev;
  uint64_t image_ino;
  char mountpoint[PATH_MAX];
  uint64_t mnt_id;
  int nbd;
  pid_t server_pid;
  unsigned long long server_start;
  char uuid[40];
  char mapper[64];
  bool read_only;
  int64_t since;
} CdiDiskState;

int cdi_state_open_dir (int *ret_dir_fd);
/* The helpers' exclusive lock; -EBUSY when another helper held it for @timeout_ms */
int cdi_state_lock (int  dir_fd,
                    int  timeout_ms,
                    int *ret_lock_fd);
int cdi_state_save (int                 dir_fd,
                    const CdiDiskState *state);
int cdi_state_remove (int         dir_fd,
                      const char *mapper);
int cdi_state_list (int            dir_fd,
                    CdiDiskState **ret_list,
                    size_t        *ret_n);
int cdi_state_process_start (pid_t               pid,
                             unsigned long long *ret_start);
bool cdi_state_server_alive (const CdiDiskState *state);
