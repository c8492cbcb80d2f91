/* luks.h - LUKS through libcryptsetup: format, unlock with discards, lock, manage
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

typedef struct
{
  int version;                       /* 1 or 2 */
  char uuid[CDI_LUKS_UUID_MAX];
  char label[CDI_HELPER_LABEL_MAX + 1];
  char cipher[64];                   /* e.g. aes-xts-plain64 */
} CdiLuksInfo;

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
/* -EMEDIUMTYPE: no LUKS header on @device */
int cdi_luks_inspect (const char  *device,
                      CdiLuksInfo *ret_info);
/* Adds a keyslot for @new_passphrase (new keyslots get @params' PBKDF), then destroys the
 * keyslot @old_passphrase opens; -EKEYREJECTED when none does (nothing changed) */
int cdi_luks_change_passphrase (const char          *device,
                                const CdiLuksFormat *params,
                                const char          *old_passphrase,
                                size_t               old_len,
                                const char          *new_passphrase,
                                size_t               new_len);
/* crypt_header_backup to @backup_path, which must not exist */
int cdi_luks_backup_header (const char *device,
                            const char *backup_path);
/* Grows the active mapping @name to fill its device (no-op when it does) */
int cdi_luks_grow (const char *name);
/* The device number of the active mapping @name; -ENODEV when it is not active */
int cdi_luks_mapping_dev (const char *name,
                          dev_t      *ret_dev);
/* Suspends (flushing, file system frozen) and resumes the mapping @name, key kept */
int cdi_luks_suspend_io (const char *name);
int cdi_luks_resume_io (const char *name);
