/* cdi-passphrase-dialog.h - "Change Passphrase…" of a disk: the current one, the new one twice
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Change runs cdi_manage_change_passphrase_async() (the helper's passwd; a keyring entry is
 * replaced too). A wrong current passphrase says so and lets the user try again. When the
 * passphrase was changed the dialog responds GTK_RESPONSE_APPLY; Cancel responds
 * GTK_RESPONSE_CANCEL. The entries are cleared as soon as their text was taken.
 */
#pragma once

#include <gtk/gtk.h>

#include "cdi-disk.h"

G_BEGIN_DECLS

#define CDI_TYPE_PASSPHRASE_DIALOG (cdi_passphrase_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CdiPassphraseDialog, cdi_passphrase_dialog, CDI, PASSPHRASE_DIALOG,
                      GtkDialog)

GtkWidget *cdi_passphrase_dialog_new (GtkWindow *parent,
                                      CdiDisk   *disk);

G_END_DECLS
