/* cdi-secret.h - disk passphrases in the user's keyring (Secret Service)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Items use the schema org.cryptdiskimage.CryptDiskImage.Passphrase with one attribute,
 * disk-uuid (the LUKS UUID, so they survive renames). A lookup also finds what GNOME Disks and
 * Files stored for the same LUKS volume (schema org.gnome.GVfs.Luks.Password, attribute
 * gvfs-luks-uuid); store and clear touch only our own items.
 *
 * A locked keyring is unlocked through the Secret Service's own prompt. If it stays locked
 * (prompt dismissed, or no display to show it on), the result is CDI_ERROR_KEYRING_LOCKED,
 * never "not found": libsecret's simple lookup returns "nothing" in that case, so this file
 * goes through SecretService and looks at each item. "Nothing stored" is CDI_ERROR_NOT_FOUND.
 */
#pragma once

#include <gio/gio.h>

#include "cdi-passphrase.h"

G_BEGIN_DECLS

#define CDI_SECRET_SCHEMA_NAME "org.cryptdiskimage.CryptDiskImage.Passphrase"
#define CDI_SECRET_ATTRIBUTE_UUID "disk-uuid"
#define CDI_SECRET_GVFS_SCHEMA_NAME "org.gnome.GVfs.Luks.Password"
#define CDI_SECRET_GVFS_ATTRIBUTE_UUID "gvfs-luks-uuid"

void           cdi_secret_lookup_async  (const char           *uuid,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
CdiPassphrase *cdi_secret_lookup_finish (GAsyncResult         *result,
                                         GError              **error);

void           cdi_secret_store_async   (const char           *uuid,
                                         const char           *disk_name,
                                         CdiPassphrase        *passphrase,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean       cdi_secret_store_finish  (GAsyncResult         *result,
                                         GError              **error);

void           cdi_secret_clear_async   (const char           *uuid,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean       cdi_secret_clear_finish  (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
