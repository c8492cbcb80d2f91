/* luks.c - LUKS through libcryptsetup: format, unlock with discards, lock
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The only file that includes libcryptsetup.h.
 */
#include "config.h"

#include <errno.h>
#include <libcryptsetup.h>
#include <stdio.h>
#include <string.h>

#include "luks.h"

static void
crypt_freep (struct crypt_device **cd)
{
  if (*cd != NULL)
    crypt_free (*cd);
}
#define _cleanup_crypt_ __attribute__ ((cleanup (crypt_freep)))

static void
log_to_stderr (int         level,
               const char *msg,
               void       *usrptr)
{
  (void) usrptr;
  if (level == CRYPT_LOG_ERROR || level == CRYPT_LOG_NORMAL)
    fprintf (stderr, "libcryptsetup: %s", msg);
}

void
cdi_luks_init_logging (void)
{
  crypt_set_log_callback (NULL, log_to_stderr, NULL);
}

/* cdi-<uid>-<luks uuid>: stable for an image, unlike the nbd number; UUIDs are hex and dashes. */
int
cdi_luks_mapper_name (uid_t       uid,
                      const char *uuid,
                      char       *ret_name,
                      size_t      name_size)
{
  char name[CDI_LUKS_NAME_MAX];
  size_t n;

  n = strlen (uuid);
  if (n == 0 || n >= CDI_LUKS_UUID_MAX || strspn (uuid, "0123456789abcdefABCDEF-") != n)
    return -EBADMSG;
  if (snprintf (name, sizeof name, "cdi-%lu-%s", (unsigned long) uid, uuid) >= (int) sizeof name)
    return -ENAMETOOLONG;
  if (strlen (name) >= name_size)
    return -ENOBUFS;
  strcpy (ret_name, name);
  return 0;
}

static uint32_t
activation_flags (bool read_only)
{
  /* Discards pass TRIM down to the qcow2 file (thin provisioning); serialising memory-hard
   * PBKDFs keeps two unlocks at once from exhausting memory. */
  uint32_t flags = CRYPT_ACTIVATE_ALLOW_DISCARDS | CRYPT_ACTIVATE_SERIALIZE_MEMORY_HARD_PBKDF;
  if (read_only)
    flags |= CRYPT_ACTIVATE_READONLY;
  return flags;
}

int
cdi_luks_format (const char          *device,
                 const CdiLuksFormat *params,
                 const char          *passphrase,
                 size_t               passphrase_len,
                 char                *ret_uuid,
                 size_t               uuid_size)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  struct crypt_pbkdf_type pbkdf;
  struct crypt_params_luks2 luks2 = { .sector_size = params->sector_size ? params->sector_size : 512 };
  const struct crypt_pbkdf_type *defaults;
  const char *uuid;
  int r;

  r = crypt_init (&cd, device);
  if (r < 0)
    return r;

  defaults = crypt_get_pbkdf_default (CRYPT_LUKS2);
  if (defaults == NULL)
    return -EINVAL;
  pbkdf = *defaults;
  if (params->pbkdf == CDI_PBKDF_PBKDF2)
    {
      pbkdf.type = CRYPT_KDF_PBKDF2;
      pbkdf.hash = "sha256";
      pbkdf.max_memory_kb = 0;
      pbkdf.parallel_threads = 0;
    }
  else
    pbkdf.type = CRYPT_KDF_ARGON2ID;
  if (params->memory_kib > 0 && params->pbkdf != CDI_PBKDF_PBKDF2)
    pbkdf.max_memory_kb = params->memory_kib;
  if (params->time_ms > 0)
    pbkdf.time_ms = params->time_ms;
  if (params->iterations > 0)
    {
      pbkdf.iterations = params->iterations;
      pbkdf.flags |= CRYPT_PBKDF_NO_BENCHMARK;
    }
  r = crypt_set_pbkdf_type (cd, &pbkdf);
  if (r < 0)
    return r;

  if (params->label != NULL && params->label[0] != '\0')
    luks2.label = params->label;
  r = crypt_format (cd, CRYPT_LUKS2, "aes", "xts-plain64", NULL, NULL, 64, &luks2);
  if (r < 0)
    return r;
  r = crypt_keyslot_add_by_volume_key (cd, CRYPT_ANY_SLOT, NULL, 0, passphrase, passphrase_len);
  if (r < 0)
    return r;

  uuid = crypt_get_uuid (cd);
  if (uuid == NULL || strlen (uuid) >= uuid_size)
    return -EINVAL;
  strcpy (ret_uuid, uuid);
  return 0;
}

int
cdi_luks_read_uuid (const char *device,
                    char       *ret_uuid,
                    size_t      uuid_size)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  const char *uuid;
  int r;

  r = crypt_init (&cd, device);
  if (r < 0)
    return r;
  /* LUKS1 (the older tools' cryptsetup) or LUKS2; anything else is not ours to open. */
  r = crypt_load (cd, CRYPT_LUKS, NULL);
  if (r < 0)
    return -EMEDIUMTYPE;
  uuid = crypt_get_uuid (cd);
  if (uuid == NULL || strlen (uuid) >= uuid_size)
    return -EMEDIUMTYPE;
  strcpy (ret_uuid, uuid);
  return 0;
}

int
cdi_luks_activate (const char *device,
                   const char *name,
                   const char *passphrase,
                   size_t      passphrase_len,
                   bool        read_only)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  int r;

  r = crypt_init (&cd, device);
  if (r < 0)
    return r;
  r = crypt_load (cd, CRYPT_LUKS, NULL);
  if (r < 0)
    return -EMEDIUMTYPE;
  r = crypt_activate_by_passphrase (cd, name, CRYPT_ANY_SLOT, passphrase, passphrase_len,
                                    activation_flags (read_only));
  if (r < 0)
    return r; /* -EPERM: no keyslot matches the passphrase */
  return 0;
}

int
cdi_luks_deactivate (const char *name)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  int r;

  r = crypt_init_by_name (&cd, name);
  if (r == -ENODEV)
    return 0; /* already closed */
  if (r < 0)
    return r;
  return crypt_deactivate (cd, name);
}

int
cdi_luks_is_active (const char *name,
                    bool       *ret_active)
{
  crypt_status_info s = crypt_status (NULL, name);

  if (s == CRYPT_INVALID)
    return -EINVAL;
  *ret_active = s == CRYPT_ACTIVE || s == CRYPT_BUSY;
  return 0;
}
