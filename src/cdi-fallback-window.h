/* cdi-fallback-window.h - the disks in a small window, for desktops that show no tray icon
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starting the applet again while no tray shows its icon presents this window: the same disks
 * and buttons as the menu, kept up to date.
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_TYPE_FALLBACK_WINDOW (cdi_fallback_window_get_type ())

G_DECLARE_FINAL_TYPE (CdiFallbackWindow, cdi_fallback_window, CDI, FALLBACK_WINDOW,
                      GtkApplicationWindow)

void cdi_fallback_window_present (CdiApplication *app);

G_END_DECLS
