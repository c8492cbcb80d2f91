/* cdi-form.h - what the disk dialogs' forms share: messages, problems, passphrase fields
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A form collects the problems of its fields in a GString, one line each, and shows them in
 * one message label under the fields: red ("error" style) when they stop the form, dimmed
 * otherwise. The passphrase source is three radio buttons: in the keyring, from a password
 * command, nowhere (asked for each time). Sizes are GiB spin buttons, read in whole MiB.
 */
#pragma once

#include <gtk/gtk.h>

#include "cdi-disk.h"

G_BEGIN_DECLS

void                cdi_set_message            (GtkLabel         *label,
                                                const char       *text,
                                                gboolean          is_error);

void                cdi_problems_add           (GString          *problems,
                                                gboolean          ok,
                                                GError          **error);
void                cdi_problems_add_command   (GString          *problems,
                                                GtkToggleButton  *keep_command,
                                                GtkEntry         *command_entry);
gboolean            cdi_problems_show          (GString          *problems,
                                                GtkLabel         *label);

CdiPassphraseSource cdi_form_get_source        (GtkToggleButton  *keep_keyring,
                                                GtkToggleButton  *keep_command);
void                cdi_form_set_source        (GtkToggleButton  *keep_keyring,
                                                GtkToggleButton  *keep_command,
                                                GtkToggleButton  *keep_nowhere,
                                                CdiPassphraseSource source);
int                 cdi_form_show_strength     (GtkLevelBar      *bar,
                                                GtkLabel         *label,
                                                const char       *typed);
guint64             cdi_form_get_size          (GtkSpinButton    *gib_spin);

G_END_DECLS
