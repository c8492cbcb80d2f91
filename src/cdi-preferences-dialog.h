/* cdi-preferences-dialog.h - the applet's preferences: files on open, notifications, default
 * auto-close rules, and starting at login
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starting at login is a file, not a setting. The installed entry is
 * $XDG_CONFIG_DIRS/autostart/<app id>.desktop; the user's ~/.config/autostart/<app id>.desktop
 * has the same basename, so a session runs one or the other, never both. Turning it on writes
 * an enabled user entry, turning it off one with Hidden=true.
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_TYPE_PREFERENCES_DIALOG (cdi_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CdiPreferencesDialog, cdi_preferences_dialog, CDI, PREFERENCES_DIALOG,
                      GtkDialog)

void     cdi_preferences_dialog_present (CdiApplication *app);

char    *cdi_autostart_path             (void);
gboolean cdi_autostart_is_enabled       (void);
gboolean cdi_autostart_set_enabled      (gboolean        enabled,
                                         GError        **error);

G_END_DECLS
