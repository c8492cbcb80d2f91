/* cdi-properties-dialog.h - a disk's properties, and what can be done to it
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Settings (saved to the registry by Save): name and mount point (while the disk is closed),
 * where the passphrase is kept (turning the keyring off removes the keyring's copy), the
 * auto-close rules (each "as in Preferences", yes or no), trimming and opening at login.
 * Actions, each at once: Change Passphrase… (cdi-passphrase-dialog.h), Grow…
 * (cdi-grow-dialog.h), Reclaim Space Now (the helper's trim of an open disk; the bytes from
 * its "trimmed" record are shown), Back Up Header… (to a new file chosen by the user) and
 * Remove from List… (the image stays; deleting it too takes a second confirmation).
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_TYPE_PROPERTIES_DIALOG (cdi_properties_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CdiPropertiesDialog, cdi_properties_dialog, CDI, PROPERTIES_DIALOG,
                      GtkDialog)

void cdi_properties_dialog_present (CdiApplication *app,
                                    CdiDisk        *disk);

G_END_DECLS
