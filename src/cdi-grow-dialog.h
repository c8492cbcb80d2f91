/* cdi-grow-dialog.h - "Grow…" of a disk: a new, larger maximum size
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the current maximum (the image's virtual size) and the free space where the image is,
 * and runs cdi_manage_grow_async(): qemu-img resize for a closed disk (its LUKS and ext4 grow
 * at the next open), the helper's grow for an open one. A disk never shrinks. When it grew the
 * dialog responds GTK_RESPONSE_APPLY (cdi_grow_dialog_get_new_size() says to what).
 */
#pragma once

#include <gtk/gtk.h>

#include "cdi-disk.h"

G_BEGIN_DECLS

#define CDI_TYPE_GROW_DIALOG (cdi_grow_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CdiGrowDialog, cdi_grow_dialog, CDI, GROW_DIALOG, GtkDialog)

GtkWidget *cdi_grow_dialog_new          (GtkWindow     *parent,
                                         CdiDisk       *disk,
                                         gboolean       is_open);
guint64    cdi_grow_dialog_get_new_size (CdiGrowDialog *self);

G_END_DECLS
