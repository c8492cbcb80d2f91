/* cdi-disk-store.h - the user's registry of disks: $XDG_CONFIG_HOME/crypt-disk-image/disks.conf
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * disks.conf is a GKeyFile with one group per disk, named "disk NAME" (the prefix leaves room
 * for other groups later, and lets a reader tell a disk from anything else):
 *
 *   [disk backup]
 *   image=/home/ann/backup.qcow2            absolute path, required
 *   mountpoint=/home/ann/Backup             absolute path, required
 *   uuid=0f6a…                              LUKS UUID, once known
 *   passphrase-source=keyring               keyring | command | ask (default: ask)
 *   password-command=pass show backup       required when passphrase-source=command
 *   close-on-lock=true                      optional booleans; unset: the GSettings default
 *   close-on-suspend=true
 *   close-on-logout=true
 *   close-when-idle-minutes=30              optional; 0 never; unset: the GSettings default
 *   trim=true                               default true
 *   default=true                            the disk a middle click opens or closes
 *   open-at-login=true                      the applet opens it when it starts (default false)
 *
 * NAME follows the helper's rule ([A-Za-z0-9._-]{1,64}, not "." or ".."). Loading validates
 * every group: a bad one is skipped and described in cdi_disk_store_get_problems() (for the
 * CLI to print, the applet to show), never fatal; so are disks whose image or mount point an
 * earlier group already uses. A file that is not a key file at all loads as an empty list with
 * a problem, and is left alone until the user changes something; it is then kept as
 * disks.conf.corrupt beside the new file. Groups and keys the store does not understand are
 * kept when it saves. Saving is atomic, with mode 0600 in a 0700 directory, and happens only
 * when something changed.
 *
 * "changed" is emitted after every load, add, remove, setting change of a disk, and reload
 * because another program (the CLI or the applet) rewrote the file: cdi_disk_store_watch().
 * A reload replaces unsaved changes; a disk that is still there keeps its CdiDisk object.
 */
#pragma once

#include <gio/gio.h>

#include "cdi-disk.h"

G_BEGIN_DECLS

#define CDI_TYPE_DISK_STORE (cdi_disk_store_get_type ())

G_DECLARE_FINAL_TYPE (CdiDiskStore, cdi_disk_store, CDI, DISK_STORE, GObject)

CdiDiskStore *cdi_disk_store_new                  (const char    *path);
const char   *cdi_disk_store_get_path             (CdiDiskStore  *self);

gboolean      cdi_disk_store_load                 (CdiDiskStore  *self,
                                                   GError       **error);
gboolean      cdi_disk_store_save                 (CdiDiskStore  *self,
                                                   GError       **error);
gboolean      cdi_disk_store_watch                (CdiDiskStore  *self,
                                                   GError       **error);
GPtrArray    *cdi_disk_store_get_problems         (CdiDiskStore  *self);

GPtrArray    *cdi_disk_store_get_disks            (CdiDiskStore  *self);
CdiDisk      *cdi_disk_store_lookup               (CdiDiskStore  *self,
                                                   const char    *name);
CdiDisk      *cdi_disk_store_lookup_by_image      (CdiDiskStore  *self,
                                                   const char    *image);
CdiDisk      *cdi_disk_store_lookup_by_mountpoint (CdiDiskStore  *self,
                                                   const char    *mountpoint);
CdiDisk      *cdi_disk_store_get_default          (CdiDiskStore  *self);

gboolean      cdi_disk_store_add                  (CdiDiskStore  *self,
                                                   CdiDisk       *disk,
                                                   GError       **error);
gboolean      cdi_disk_store_remove               (CdiDiskStore  *self,
                                                   const char    *name,
                                                   GError       **error);

G_END_DECLS
