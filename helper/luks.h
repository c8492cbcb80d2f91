/* luks.h - LUKS through libcryptsetup: format, unlock with discards, lock
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "args.h"

#define CDI_LUKS_UUID_MAX 40
#define CDI_LUKS_NAME_MAX 64

typedef struct
{
  CdiPbkdf pbkdf;
  uint32_t memory_kib;   /* 0: default */
  uint32_t time_ms;      /* 0: default */
  uint32_t iterations;   /* 0: benchmark */
  const char *label;     /* "" or NULL: none */
  uint32_t sector_size;  /* 512 or 4096 */
} CdiLuksFormat;

void cdi_luks_init_logging (void);
int cdi_luks_mapper_name (uid_t       uid,
                          const char *uuid,
                          char       *ret_name,
                          size_t      name_size);
int cdi_luks_format (const char          *device,
                     const CdiLuksFormat *params,
                     const char          *passphrase,
                     size_t               passphrase_len,
                     char                *ret_uuid,
                     size_t               uuid_size);
int cdi_luks_read_uuid (const char *device,
                        char       *ret_uuid,
                        size_t      uuid_size);
int cdi_luks_activate (const char *device,
                       const char *name,
                       const char *passphrase,
                       size_t      passphrase_len,
                       bool        read_only);
int cdi_luks_deactivate (const char *name);
int cdi_luks_is_active (const char *name,
                        bool       *ret_active);
