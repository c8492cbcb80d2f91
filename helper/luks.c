/* luks.c - LUKS through libcryptsetup: format, unlock with discards, lock
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The only file that includes libcryptsetup.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libcryptsetup.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "luks.h"

#define CDI_LUKS_KEYSLOTS_SIZE (UINT64_C (4) << 20)

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

/* The PBKDF for new keyslots from the caller's options; nothing set keeps the library's
 * default for the header's type (argon2id for LUKS2, pbkdf2 for LUKS1). */
static int
set_pbkdf (struct crypt_device *cd,
           const char          *type,
           const CdiLuksFormat *params)
{
  struct crypt_pbkdf_type pbkdf;
  const struct crypt_pbkdf_type *defaults;

  defaults = crypt_get_pbkdf_default (type);
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
  else if (params->pbkdf == CDI_PBKDF_ARGON2ID || strcmp (type, CRYPT_LUKS2) == 0)
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
  return crypt_set_pbkdf_type (cd, &pbkdf);
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
  struct crypt_params_luks2 luks2 = { .sector_size = params->sector_size ? params->sector_size : 512 };
  const char *uuid;
  int r;

  r = crypt_init (&cd, device);
  if (r < 0)
    return r;
  r = set_pbkdf (cd, CRYPT_LUKS2, params);
  if (r < 0)
    return r;

  if (params->label != NULL && params->label[0] != '\0')
    luks2.label = params->label;
  /* libcryptsetup fills the whole keyslots area with random bytes, which a thin image must
   * store: the default 16 MiB area alone would be most of a fresh image. 4 MiB still holds
   * 16 keyslots of a 512-bit key, enough for passwd (new slot before the old one goes) and
   * for cryptsetup reencrypt's temporary slot. */
  r = crypt_set_metadata_size (cd, /* metadata_size= */ 0, CDI_LUKS_KEYSLOTS_SIZE);
  if (r < 0)
    return r;
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
  /* The volume key goes into the dm table, not the kernel keyring: growing an open disk
   * (crypt_resize, a table reload) needs it again, and with a keyring key that would mean
   * asking for the passphrase. Root can read either, so nothing is lost. */
  r = crypt_volume_key_keyring (cd, 0);
  if (r < 0)
    return r;
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

static int
load (struct crypt_device **cd,
      const char           *device)
{
  int r;

  r = crypt_init (cd, device);
  if (r < 0)
    return r;
  r = crypt_load (*cd, CRYPT_LUKS, NULL);
  if (r < 0)
    return -EMEDIUMTYPE;
  return 0;
}

int
cdi_luks_inspect (const char  *device,
                  CdiLuksInfo *ret_info)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  CdiLuksInfo info = { 0 };
  const char *type, *uuid, *label, *cipher, *mode;
  int r;

  r = load (&cd, device);
  if (r < 0)
    return r;
  type = crypt_get_type (cd);
  uuid = crypt_get_uuid (cd);
  cipher = crypt_get_cipher (cd);
  mode = crypt_get_cipher_mode (cd);
  label = crypt_get_label (cd);
  if (type == NULL || uuid == NULL || strlen (uuid) >= sizeof info.uuid)
    return -EMEDIUMTYPE;
  info.version = strcmp (type, CRYPT_LUKS2) == 0 ? 2 : 1;
  strcpy (info.uuid, uuid);
  snprintf (info.label, sizeof info.label, "%s", label != NULL ? label : "");
  snprintf (info.cipher, sizeof info.cipher, "%s%s%s", cipher != NULL ? cipher : "",
            mode != NULL && mode[0] != '\0' ? "-" : "", mode != NULL ? mode : "");
  *ret_info = info;
  return 0;
}

int
cdi_luks_change_passphrase (const char          *device,
                            const CdiLuksFormat *params,
                            const char          *old_passphrase,
                            size_t               old_len,
                            const char          *new_passphrase,
                            size_t               new_len)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  int old_slot, new_slot, r;

  r = load (&cd, device);
  if (r < 0)
    return r;
  /* Which slot the old passphrase opens; NULL name: checks the key, activates nothing */
  old_slot = crypt_activate_by_passphrase (cd, NULL, CRYPT_ANY_SLOT, old_passphrase, old_len, 0);
  if (old_slot < 0)
    return old_slot == -EPERM ? -EKEYREJECTED : old_slot;
  r = set_pbkdf (cd, crypt_get_type (cd), params);
  if (r < 0)
    return r;
  new_slot = crypt_keyslot_add_by_passphrase (cd, CRYPT_ANY_SLOT, old_passphrase, old_len,
                                              new_passphrase, new_len);
  if (new_slot < 0)
    return new_slot;
  if (new_slot == old_slot)
    return -EIO; /* cannot happen: the old slot is in use */
  return crypt_keyslot_destroy (cd, old_slot);
}

int
cdi_luks_backup_header (const char *device,
                        const char *backup_path)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  int r;

  r = load (&cd, device);
  if (r < 0)
    return r;
  /* libcryptsetup creates the file itself with O_CREAT|O_EXCL and mode 0400 */
  return crypt_header_backup (cd, CRYPT_LUKS, backup_path);
}

int
cdi_luks_grow (const char *name)
{
  _cleanup_crypt_ struct crypt_device *cd = NULL;
  int r;

  r = crypt_init_by_name (&cd, name);
  if (r < 0)
    return r;
  /* 0: fill the device; a no-op when the mapping already does */
  return crypt_resize (cd, name, 0);
}

/* Suspending the mapping (with the device-mapper ioctl itself: libcryptsetup's crypt_suspend
 * would also wipe the key) freezes the file system on it and waits for every request in
 * flight; new ones queue in device-mapper until the resume. */
static int
dm_suspend_ioctl (const char *name,
                  bool        suspend)
{
  struct dm_ioctl io = { .version = { 4, 0, 0 }, .data_size = sizeof io };
  int fd, r = 0;

  if (strlen (name) >= sizeof io.name)
    return -ENAMETOOLONG;
  strcpy (io.name, name);
  if (suspend)
    io.flags = DM_SUSPEND_FLAG;
  fd = open ("/dev/mapper/control", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (ioctl (fd, DM_DEV_SUSPEND, &io) < 0)
    r = -errno;
  close (fd);
  return r;
}

/* The device number of the active mapping @name (DM_DEV_STATUS): what st_dev of a file system
 * mounted from it reads. -ENODEV when there is no such mapping. */
int
cdi_luks_mapping_dev (const char *name,
                      dev_t      *ret_dev)
{
  struct dm_ioctl io = { .version = { 4, 0, 0 }, .data_size = sizeof io };
  int fd, r = 0;

  if (strlen (name) >= sizeof io.name)
    return -ENAMETOOLONG;
  strcpy (io.name, name);
  fd = open ("/dev/mapper/control", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (ioctl (fd, DM_DEV_STATUS, &io) < 0)
    r = errno == ENXIO ? -ENODEV : -errno;
  close (fd);
  if (r < 0)
    return r;
  /* The kernel's huge_encode_dev(): minor bits 0-7 and 20-31, major bits 8-19 */
  *ret_dev = makedev ((unsigned int) ((io.dev >> 8) & 0xfff),
                      (unsigned int) ((io.dev & 0xff) | ((io.dev >> 12) & 0xfff00)));
  return 0;
}

int
cdi_luks_suspend_io (const char *name)
{
  return dm_suspend_ioctl (name, true);
}

int
cdi_luks_resume_io (const char *name)
{
  return dm_suspend_ioctl (name, false);
}
