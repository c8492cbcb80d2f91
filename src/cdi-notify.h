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
/* What a busy close leads to */
typedef enum
{
  CDI_BUSY_OFFER_WAIT,   /* the user's close: offer "Close when free" */
  CDI_BUSY_WAITING,      /* an automatic close: it closes when free by itself */
  CDI_BUSY_STAYS_OPEN,   /* the applet goes away (quit, logout): nothing retries */
} CdiBusyOutcome;

void cdi_notify_busy  (GApplication   *app,
                       const char     *name,
                       const char     *body,
                       CdiBusyOutcome  outcome);
void cdi_notify_withdraw (GApplication *app,
                          const char   *id);

G_END_DECLS
