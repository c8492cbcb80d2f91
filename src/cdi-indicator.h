/* cdi-indicator.h - the tray icon and its menu (the only user of libayatana-appindicator)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The icon says whether no disk, some disk, or something with a problem is open; the title
 * counts them. The menu is built in code from cdi_application_get_rows() each time they change:
 * per disk "Open NAME" or "Close NAME" (or "Opening NAME…" while the helper runs), for an
 * open disk "Show Files" and its space, and "Properties of NAME…"; then "Close All", "New
 * Encrypted Disk…", "Add Existing Image…", "Preferences" and "Quit". A middle click opens or
 * closes the default disk. In an XEmbed tray (the indicator's GtkStatusIcon fallback, when no
 * StatusNotifier host runs) a left click does so too, or shows the menu when there is no
 * default disk; the right click shows the menu.
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_TYPE_INDICATOR (cdi_indicator_get_type ())

G_DECLARE_FINAL_TYPE (CdiIndicator, cdi_indicator, CDI, INDICATOR, GObject)

CdiIndicator *cdi_indicator_new         (CdiApplication *app);
gboolean      cdi_indicator_is_visible  (CdiIndicator   *self);
void          cdi_indicator_popup_menu  (CdiIndicator   *self);

char         *cdi_disk_row_dup_action_label (const CdiDiskRow *row);
const char   *cdi_disk_row_action_name  (const CdiDiskRow *row);

G_END_DECLS
