/* holders.h - which processes keep a mounted file system busy
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>
#include <sys/types.h>

int cdi_holders_list (dev_t  dev,
                      FILE  *out,
                      int   *ret_count);
