/* cdi-unlock-dialog.h - asks for a disk's passphrase, with "Remember in keyring"
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Responses: GTK_RESPONSE_OK (Open) or anything else (cancelled). The passphrase is taken from
 * the entry as typed (cdi_passphrase_new semantics) and the entry is cleared right after.
 */
#pragma once

#include <gtk/gtk.h>

#include "cdi-passphrase.h"

G_BEGIN_DECLS

#define CDI_TYPE_UNLOCK_DIALOG (cdi_unlock_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CdiUnlockDialog, cdi_unlock_dialog, CDI, UNLOCK_DIALOG, GtkDialog)

GtkWidget     *cdi_unlock_dialog_new            (const char      *disk_name,
                                                 const char      *message,
                                                 gboolean         remember);
CdiPassphrase *cdi_unlock_dialog_get_passphrase (CdiUnlockDialog *self);
gboolean       cdi_unlock_dialog_get_remember   (CdiUnlockDialog *self);

G_END_DECLS
