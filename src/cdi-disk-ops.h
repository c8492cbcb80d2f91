/* cdi-disk-ops.h - opening, closing and showing one disk, as the applet does it
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open: the passphrase comes from the disk's source (keyring, then password command, then the
 * unlock dialog with "Remember in keyring"); the helper call is asynchronous and the disk's row
 * says "Opening…" meanwhile. A wrong passphrase asks again and is never stored. On success the
 * folder is shown (show-files-on-open) and a notification says so.
 * Close: never lazy. When programs hold files, a notification names them and offers "Close
 * when free" (retries every few seconds until they are gone) and "Show programs".
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_CLOSE_RETRY_SECONDS 3

void     cdi_disk_ops_open             (CdiApplication       *app,
                                        CdiDisk              *disk);
void     cdi_disk_ops_close_async      (CdiApplication       *app,
                                        CdiDisk              *disk,
                                        CdiCloseReason        reason,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean cdi_disk_ops_close_finish     (GAsyncResult         *result,
                                        GError              **error);
void     cdi_disk_ops_close_when_free  (CdiApplication       *app,
                                        CdiDisk              *disk,
                                        CdiCloseReason        reason);
void     cdi_disk_ops_cancel_wait      (CdiApplication       *app,
                                        const char           *name);
void     cdi_disk_ops_show_programs    (CdiApplication       *app,
                                        CdiDisk              *disk);
void     cdi_disk_ops_show_files       (CdiApplication       *app,
                                        CdiDisk              *disk);

G_END_DECLS
