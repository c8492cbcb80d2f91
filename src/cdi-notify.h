/* cdi-notify.h - the applet's notifications (GNotification)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Information ("Documents is open") follows the "notifications" setting; failures are always
 * shown, since the user must be able to act on them. Each notification has an id, so a newer one
 * about the same disk replaces the older.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void cdi_notify_info  (GApplication  *app,
                       GSettings     *settings,
                       const char    *id,
                       const char    *title,
                       const char    *body);
void cdi_notify_error (GApplication  *app,
                       const char    *id,
                       const char    *title,
                       const GError  *error);
void cdi_notify_busy  (GApplication  *app,
                       const char    *name,
                       const char    *body,
                       gboolean       offer_wait);
void cdi_notify_withdraw (GApplication *app,
                          const char   *id);

G_END_DECLS
