/* cdi-disk.h - one encrypted disk image as the user registered it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CDI_DISK_NAME_MAX 64

/* Where the passphrase of a disk comes from */
typedef enum
{
  CDI_PASSPHRASE_SOURCE_ASK,     /* a dialog or terminal prompt, every time */
  CDI_PASSPHRASE_SOURCE_KEYRING, /* the Secret Service, keyed by the LUKS UUID */
  CDI_PASSPHRASE_SOURCE_COMMAND, /* a password command (the old tools' PW_CMD) */
} CdiPassphraseSource;

/* A per-disk setting that may override a GSettings default */
typedef enum
{
  CDI_TRISTATE_DEFAULT, /* not set for this disk: use the GSettings default */
  CDI_TRISTATE_FALSE,
  CDI_TRISTATE_TRUE,
} CdiTristate;

#define CDI_TYPE_PASSPHRASE_SOURCE (cdi_passphrase_source_get_type ())
#define CDI_TYPE_TRISTATE (cdi_tristate_get_type ())
#define CDI_TYPE_DISK (cdi_disk_get_type ())

GType       cdi_passphrase_source_get_type       (void) G_GNUC_CONST;
GType       cdi_tristate_get_type                (void) G_GNUC_CONST;
const char *cdi_passphrase_source_to_string      (CdiPassphraseSource  source);
gboolean    cdi_passphrase_source_from_string    (const char          *text,
                                                  CdiPassphraseSource *ret_source);
gboolean    cdi_tristate_resolve                 (CdiTristate          value,
                                                  gboolean             fallback);

G_DECLARE_FINAL_TYPE (CdiDisk, cdi_disk, CDI, DISK, GObject)

gboolean             cdi_disk_name_is_valid               (const char          *name);

CdiDisk             *cdi_disk_new                         (const char          *name,
                                                           const char          *image,
                                                           const char          *mountpoint);
gboolean             cdi_disk_validate                    (CdiDisk             *self,
                                                           GError             **error);
void                 cdi_disk_update_from                 (CdiDisk             *self,
                                                           CdiDisk             *other);

const char          *cdi_disk_get_name                    (CdiDisk             *self);
const char          *cdi_disk_get_image                   (CdiDisk             *self);
void                 cdi_disk_set_image                   (CdiDisk             *self,
                                                           const char          *image);
const char          *cdi_disk_get_mountpoint              (CdiDisk             *self);
void                 cdi_disk_set_mountpoint              (CdiDisk             *self,
                                                           const char          *mountpoint);
const char          *cdi_disk_get_uuid                    (CdiDisk             *self);
void                 cdi_disk_set_uuid                    (CdiDisk             *self,
                                                           const char          *uuid);
CdiPassphraseSource  cdi_disk_get_passphrase_source       (CdiDisk             *self);
void                 cdi_disk_set_passphrase_source       (CdiDisk             *self,
                                                           CdiPassphraseSource  source);
const char          *cdi_disk_get_password_command        (CdiDisk             *self);
void                 cdi_disk_set_password_command        (CdiDisk             *self,
                                                           const char          *command);
CdiTristate          cdi_disk_get_close_on_lock           (CdiDisk             *self);
void                 cdi_disk_set_close_on_lock           (CdiDisk             *self,
                                                           CdiTristate          value);
CdiTristate          cdi_disk_get_close_on_suspend        (CdiDisk             *self);
void                 cdi_disk_set_close_on_suspend        (CdiDisk             *self,
                                                           CdiTristate          value);
CdiTristate          cdi_disk_get_close_on_logout         (CdiDisk             *self);
void                 cdi_disk_set_close_on_logout         (CdiDisk             *self,
                                                           CdiTristate          value);
int                  cdi_disk_get_close_when_idle_minutes (CdiDisk             *self);
void                 cdi_disk_set_close_when_idle_minutes (CdiDisk             *self,
                                                           int                  minutes);
gboolean             cdi_disk_get_trim                    (CdiDisk             *self);
void                 cdi_disk_set_trim                    (CdiDisk             *self,
                                                           gboolean             trim);
gboolean             cdi_disk_get_default                 (CdiDisk             *self);
void                 cdi_disk_set_default                 (CdiDisk             *self,
                                                           gboolean             is_default);
gboolean             cdi_disk_get_open_at_login           (CdiDisk             *self);
void                 cdi_disk_set_open_at_login           (CdiDisk             *self,
                                                           gboolean             open_at_login);

#define CDI_DISK_IDLE_MINUTES_DEFAULT (-1) /* close-when-idle-minutes not set: GSettings decides */
#define CDI_DISK_IDLE_MINUTES_MAX (7 * 24 * 60)

G_END_DECLS
