/* cdi-file-chooser.h - the native file choosers of the disk dialogs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Native choosers (a portal under Flatpak), modal to their window. A save chooser never asks
 * about overwriting: what the dialogs save refuses an existing file itself, never overwrites
 * one. A folder chooser may create folders.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkFileChooserNative *cdi_file_chooser_new (GtkWindow            *parent,
                                            GtkFileChooserAction  action,
                                            const char           *title,
                                            const char           *accept_label,
                                            const char           *current);
void                  cdi_choose_path      (GtkWindow            *parent,
                                            GtkFileChooserAction  action,
                                            const char           *title,
                                            GtkEntry             *entry);

G_END_DECLS
