/* disk.h - what the verbs share: finding the caller's disks, printing and tearing them down
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "state.h"
#include "verbs.h"

typedef enum
{
  CDI_MATCH_NONE,
  CDI_MATCH_MINE,
  CDI_MATCH_OTHERS,
} CdiMatch;

void cdi_disk_print (const CdiDiskState *s,
                     const char         *state);
bool cdi_disk_is_stale (const CdiDiskState *s);
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
