/* cdi-add-dialog.h - "Add Existing Image…": check an image and register it as a disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The image is checked as soon as it is chosen, through cdi_manage_inspect_async() (the
 * helper's inspect: a qcow2 image of the user's holding a LUKS header; nothing is unlocked),
 * and the result is shown: LUKS version, cipher, size and UUID, or why it cannot be added. A
 * name (from the file name) and a mount point (~/NAME) are proposed and checked as they are
 * typed. Add registers the disk with its UUID; a keyring passphrase is asked for at the first
 * open and kept then, since only an open proves it right.
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_TYPE_ADD_DIALOG (cdi_add_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CdiAddDialog, cdi_add_dialog, CDI, ADD_DIALOG, GtkDialog)

void cdi_add_dialog_present (CdiApplication *app);

G_END_DECLS
