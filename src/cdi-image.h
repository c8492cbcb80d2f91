/* cdi-image.h - create a new encrypted disk image
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As the user, without root: refuses an existing image path (also a symlink, even a dangling
 * one) and a mount point that is a symlink, not a folder, or not empty; creates the image file
 * with mode 0600 and runs `qemu-img create -f qcow2 -o preallocation=off FILE BYTES` on it;
 * creates the mount point folder (0700) if it is missing; then has the helper LUKS-format it
 * with the passphrase (cdi_helper_client_format_async()). On any failure it removes what it
 * created: the image file, and the mount point folder if it made it. A cancel is the same: the
 * step in flight ends first (qemu-img is killed and awaited; a helper already running is never
 * stopped half way), then what was made goes, and only then G_IO_ERROR_CANCELLED is reported,
 * also when the helper had formatted the image.
 */
#pragma once

#include <gio/gio.h>

#include "cdi-helper-client.h"
#include "cdi-passphrase.h"

G_BEGIN_DECLS

/* Called in the caller's main context before each step, with a translated description */
typedef void (*CdiImageProgressFunc) (const char *step,
                                      gpointer    user_data);

void     cdi_image_create_async  (const char                   *image,
                                  guint64                       size_bytes,
                                  const char                   *mountpoint,
                                  CdiPassphrase                *passphrase,
                                  const CdiHelperFormatOptions *format_options,
                                  CdiImageProgressFunc          progress,
                                  gpointer                      progress_data,
                                  GCancellable                 *cancellable,
                                  GAsyncReadyCallback           callback,
                                  gpointer                      user_data);
gboolean cdi_image_create_finish (GAsyncResult                 *result,
                                  char                        **ret_uuid,
                                  GError                      **error);

G_END_DECLS
