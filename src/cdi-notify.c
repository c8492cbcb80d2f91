/* cdi-notify.c - the applet's notifications (GNotification)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-notify.h"

#include <glib/gi18n.h>

static void
send (GApplication *app,
      const char   *id,
      const char   *title,
      const char   *body,
      const char   *icon_name,
      GNotificationPriority priority)
{
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autoptr(GIcon) icon = g_themed_icon_new (icon_name);

  if (body != NULL)
    g_notification_set_body (notification, body);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, priority);
  g_application_send_notification (app, id, notification);
}

void
cdi_notify_info (GApplication *app,
                 GSettings    *settings,
                 const char   *id,
                 const char   *title,
                 const char   *body)
{
  if (settings != NULL && !g_settings_get_boolean (settings, "notifications"))
    return;
  send (app, id, title, body, APPLICATION_ID "-symbolic", G_NOTIFICATION_PRIORITY_NORMAL);
}

void
cdi_notify_error (GApplication *app,
                  const char   *id,
                  const char   *title,
                  const GError *error)
{
  send (app, id, title, error != NULL ? error->message : NULL,
        APPLICATION_ID "-problem-symbolic", G_NOTIFICATION_PRIORITY_HIGH);
}

/* @body names the programs (the helper client's busy message) */
void
cdi_notify_busy (GApplication   *app,
                 const char     *name,
                 const char     *body,
                 CdiBusyOutcome  outcome)
{
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GIcon) icon = g_themed_icon_new (APPLICATION_ID "-problem-symbolic");
  g_autofree char *id = g_strconcat ("busy-", name, NULL);
  g_autofree char *title = NULL;

  switch (outcome)
    {
    case CDI_BUSY_WAITING:
      /* Translators: notification title; %s is the disk's name */
      title = g_strdup_printf (_("%s will close when it is free"), name);
      break;
    case CDI_BUSY_STAYS_OPEN:
      /* Translators: notification title; %s is the disk's name */
      title = g_strdup_printf (_("%s stays open"), name);
      break;
    case CDI_BUSY_OFFER_WAIT:
    default:
      /* Translators: notification title; %s is the disk's name */
      title = g_strdup_printf (_("%s is in use"), name);
      break;
    }
  notification = g_notification_new (title);
  if (outcome == CDI_BUSY_STAYS_OPEN)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the list of programs using the disk; a security message: the disk
       * is left open because nothing will close it later */
      text = g_strdup_printf (_("%s\nNothing will close it later: close it from the tray or "
                                "with “crypt-disk-image close” once they are done."), body);
      g_notification_set_body (notification, text);
    }
  else
    g_notification_set_body (notification, body);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  if (outcome == CDI_BUSY_OFFER_WAIT)
    g_notification_add_button_with_target (notification, _("Close when free"),
                                           "app.close-when-free", "s", name);
  g_notification_add_button_with_target (notification, _("Show programs"),
                                         "app.show-programs", "s", name);
  g_application_send_notification (app, id, notification);
}

void
cdi_notify_withdraw (GApplication *app,
                     const char   *id)
{
  g_application_withdraw_notification (app, id);
}
