/* cdi-autoclose.h - close disks on session lock, before suspend, at logout and when idle
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each disk's rules come from GSettings (close-on-lock, close-on-suspend, close-on-logout,
 * close-when-idle-minutes) unless the registry overrides them. The triggers:
 *   lock:    GtkApplication:screensaver-active; org.freedesktop.ScreenSaver and
 *            org.gnome.ScreenSaver ActiveChanged(true) on the session bus; logind's Lock
 *            signal for this session, when logind knows the session;
 *   suspend: logind's PrepareForSleep(true), under a "delay" inhibitor taken at start and
 *            released once the close attempt ends (or after a few seconds: never blocks
 *            sleep); a failure is reported after resume;
 *   logout:  GtkApplication::query-end (and quitting the applet, in cdi-application.c);
 *   idle:    no I/O for N minutes: /sys/block/dm-N/stat compared between ticks (or, where
 *            there is no block device statistic, the free space and inodes of the mount).
 * A busy disk goes on to "close when free", with a notification.
 *
 * TEST SEAM: CDI_TEST_SECONDS_PER_MINUTE (a number of seconds, 1..60) shortens an idle
 * "minute" so the test suite need not wait. Nothing else may set it.
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_TYPE_AUTOCLOSE (cdi_autoclose_get_type ())

G_DECLARE_FINAL_TYPE (CdiAutoclose, cdi_autoclose, CDI, AUTOCLOSE, GObject)

CdiAutoclose *cdi_autoclose_new            (CdiApplication *app);
char         *cdi_autoclose_activity       (const char     *device,
                                            const char     *mountpoint);

G_END_DECLS
