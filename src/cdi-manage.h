/* cdi-manage.h - managing an existing disk: inspect, change passphrase, grow, header backup
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the command-line tool and the applet. Each call is an async pair on GTask.
 *   inspect:       the helper's `inspect` (no passphrase): is IMAGE a qcow2 holding LUKS, and
 *                  which UUID, LUKS version and label. Used by "add" before registering.
 *   change-passphrase: the helper's `passwd` (old and new passphrase framed on its stdin, see
 *                  cdi-helper-protocol.h); on success, when the disk keeps its passphrase in the
 *                  keyring, the keyring entry is replaced with the new one.
 *   grow:          a closed disk: `qemu-img resize -f qcow2 IMAGE BYTES` run as the user (the next
 *                  open grows LUKS and ext4); an open disk: the helper's `grow` (online).
 *                  Never shrinks: a size not larger than the current one is refused.
 *   backup-header: the helper's `backup-header` writes the LUKS header to its stdout; it is saved
 *                  to DEST created with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, as the user. An
 *                  existing DEST is refused; a failed backup removes the partial file.
 */
#pragma once

#include <gio/gio.h>

#include "cdi-disk.h"
#include "cdi-helper-client.h"
#include "cdi-passphrase.h"

G_BEGIN_DECLS

typedef struct
{
  char *uuid;
  char *label;
  char *cipher;
  guint luks_version;     /* 1 or 2 */
  guint64 size_bytes;     /* the image's virtual size */
  gboolean open;
} CdiImageInfo;

void          cdi_image_info_free                (CdiImageInfo                 *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdiImageInfo, cdi_image_info_free)

void          cdi_manage_inspect_async           (const char                   *image,
                                                  GCancellable                 *cancellable,
                                                  GAsyncReadyCallback           callback,
                                                  gpointer                      user_data);
CdiImageInfo *cdi_manage_inspect_finish          (GAsyncResult                 *result,
                                                  GError                      **error);

/* @pbkdf: NULL or the key derivation settings for the new keyslot (label ignored) */
void          cdi_manage_change_passphrase_async (CdiDisk                      *disk,
                                                  CdiPassphrase                *old_passphrase,
                                                  CdiPassphrase                *new_passphrase,
                                                  const CdiHelperFormatOptions *pbkdf,
                                                  GCancellable                 *cancellable,
                                                  GAsyncReadyCallback           callback,
                                                  gpointer                      user_data);
gboolean      cdi_manage_change_passphrase_finish (GAsyncResult                *result,
                                                   GError                     **error);

/* @is_open: whether the disk is open now (from the mount table or the helper's status) */
void          cdi_manage_grow_async              (const char                   *image,
                                                  guint64                       new_size_bytes,
                                                  gboolean                      is_open,
                                                  GCancellable                 *cancellable,
                                                  GAsyncReadyCallback           callback,
                                                  gpointer                      user_data);
gboolean      cdi_manage_grow_finish             (GAsyncResult                 *result,
                                                  guint64                      *ret_new_size,
                                                  GError                      **error);

void          cdi_manage_backup_header_async     (const char                   *image,
                                                  const char                   *dest,
                                                  GCancellable                 *cancellable,
                                                  GAsyncReadyCallback           callback,
                                                  gpointer                      user_data);
gboolean      cdi_manage_backup_header_finish    (GAsyncResult                 *result,
                                                  GError                      **error);

/* The image's virtual size, read as the user with `qemu-img info -f qcow2 --output=json` */
gboolean      cdi_manage_get_virtual_size        (const char                   *image,
                                                  guint64                      *ret_size,
                                                  GError                      **error);

G_END_DECLS
