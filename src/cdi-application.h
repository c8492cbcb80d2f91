/* cdi-application.h - the tray applet's GtkApplication: disks, their state, and what acts on them
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application holds itself (no window keeps a tray applet alive), owns the settings, the
 * registry (watched, so the command-line tool and the applet stay in sync), the mount-table
 * monitor, the indicator and the auto-close rules. The indicator and the fallback window show
 * cdi_application_get_rows() and act through the application's actions:
 *   app.open('NAME')  app.close('NAME')  app.show-files('NAME')  app.close-when-free('NAME')
 *   app.show-programs('NAME')  app.properties('NAME')  app.close-all  app.new-disk
 *   app.add-existing  app.preferences  app.toggle-default  app.quit
 * "rows-changed" says when the rows must be shown again. When it starts (at login, through its
 * autostart file) it opens the disks whose registry group has open-at-login=true.
 */
#pragma once

#include <gtk/gtk.h>

#include "cdi-disk-monitor.h"
#include "cdi-disk-store.h"

G_BEGIN_DECLS

typedef enum
{
  CDI_DISK_STATE_CLOSED,
  CDI_DISK_STATE_OPENING,
  CDI_DISK_STATE_OPEN,
  CDI_DISK_STATE_CLOSING,
  CDI_DISK_STATE_WAITING,  /* open, and "close when free" is retrying */
} CdiDiskState;

/* Why a disk is closed: the user asked, or an auto-close rule */
typedef enum
{
  CDI_CLOSE_REASON_USER,
  CDI_CLOSE_REASON_LOCK,
  CDI_CLOSE_REASON_SUSPEND,
  CDI_CLOSE_REASON_LOGOUT,
  CDI_CLOSE_REASON_IDLE,
  CDI_CLOSE_REASON_QUIT,     /* the applet quits: the logout rule applies */
} CdiCloseReason;

typedef struct
{
  char *name;
  CdiDiskState state;
  char *space;        /* "1.2 GB used of 100 GB, 2.0 GB on disk"; NULL when closed */
  gboolean is_default;
} CdiDiskRow;

void cdi_disk_row_free (CdiDiskRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdiDiskRow, cdi_disk_row_free)

#define CDI_TYPE_APPLICATION (cdi_application_get_type ())

G_DECLARE_FINAL_TYPE (CdiApplication, cdi_application, CDI, APPLICATION, GtkApplication)

CdiApplication *cdi_application_new            (void);

GSettings      *cdi_application_get_settings   (CdiApplication *self);
CdiDiskStore   *cdi_application_get_store      (CdiApplication *self);
CdiDiskMonitor *cdi_application_get_monitor    (CdiApplication *self);
GPtrArray      *cdi_application_get_rows       (CdiApplication *self);
CdiDiskState    cdi_application_get_state      (CdiApplication *self,
                                                CdiDisk        *disk);
void            cdi_application_set_busy_state (CdiApplication *self,
                                                const char     *name,
                                                CdiDiskState    state);
void            cdi_application_rows_changed   (CdiApplication *self);
gboolean        cdi_application_rule_applies   (CdiApplication *self,
                                                CdiDisk        *disk,
                                                CdiCloseReason  reason);

void            cdi_application_close_async    (CdiApplication *self,
                                                CdiCloseReason  reason,
                                                GCancellable   *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer        user_data);
guint           cdi_application_close_finish   (CdiApplication *self,
                                                GAsyncResult   *result,
                                                GError        **error);

G_END_DECLS
