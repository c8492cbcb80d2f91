/* cdi-application.c - the tray applet's GtkApplication: disks, their state, and what acts on them
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-application.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "cdi-add-dialog.h"
#include "cdi-autoclose.h"
#include "cdi-create-assistant.h"
#include "cdi-disk-ops.h"
#include "cdi-fallback-window.h"
#include "cdi-indicator.h"
#include "cdi-notify.h"
#include "cdi-preferences-dialog.h"
#include "cdi-properties-dialog.h"

/* How long the first start waits for a tray before it says how to get the icon */
#define TRAY_HINT_DELAY_SECONDS 5
/* How often the space shown for open disks is read again (files change without events) */
#define SPACE_REFRESH_SECONDS 10

struct _CdiApplication
{
  GtkApplication parent_instance;

  GSettings *settings;
  CdiDiskStore *store;
  CdiDiskMonitor *monitor;
  CdiIndicator *indicator;
  CdiAutoclose *autoclose;
  GHashTable *busy;      /* disk name -> CdiDiskState while an operation runs */
  guint tray_hint_id;
  guint space_refresh_id;
  char *space_shown;     /* the space lines of the rows last shown, to see a change */
  gboolean quitting;
};

G_DEFINE_FINAL_TYPE (CdiApplication, cdi_application, GTK_TYPE_APPLICATION)

enum
{
  SIGNAL_ROWS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
cdi_disk_row_free (CdiDiskRow *row)
{
  g_free (row->name);
  g_free (row->space);
  g_free (row);
}

GSettings *
cdi_application_get_settings (CdiApplication *self)
{
  return self->settings;
}

CdiDiskStore *
cdi_application_get_store (CdiApplication *self)
{
  return self->store;
}

CdiDiskMonitor *
cdi_application_get_monitor (CdiApplication *self)
{
  return self->monitor;
}

CdiDiskState
cdi_application_get_state (CdiApplication *self,
                           CdiDisk        *disk)
{
  gpointer state;

  if (g_hash_table_lookup_extended (self->busy, cdi_disk_get_name (disk), NULL, &state))
    return GPOINTER_TO_INT (state);
  return cdi_disk_monitor_is_open (self->monitor, disk) ? CDI_DISK_STATE_OPEN
                                                        : CDI_DISK_STATE_CLOSED;
}

/* CLOSED or OPEN clear the busy state: the mount table decides again */
void
cdi_application_set_busy_state (CdiApplication *self,
                                const char     *name,
                                CdiDiskState    state)
{
  if (state == CDI_DISK_STATE_CLOSED || state == CDI_DISK_STATE_OPEN)
    g_hash_table_remove (self->busy, name);
  else
    g_hash_table_replace (self->busy, g_strdup (name), GINT_TO_POINTER (state));
  cdi_application_rows_changed (self);
}

void
cdi_application_rows_changed (CdiApplication *self)
{
  g_signal_emit (self, signals[SIGNAL_ROWS_CHANGED], 0);
}

/* "1.2 GB used of 100 GB, 2.0 GB on disk" from statvfs of the mount point and the image's
 * allocated blocks (a thin image takes only what was written) */
static char *
space_text (CdiDisk *disk)
{
  struct statvfs vfs;
  struct stat st;
  g_autofree char *used = NULL, *size = NULL, *file = NULL;

  if (statvfs (cdi_disk_get_mountpoint (disk), &vfs) != 0)
    return NULL;
  used = g_format_size ((guint64) (vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize);
  size = g_format_size ((guint64) vfs.f_blocks * vfs.f_frsize);
  if (stat (cdi_disk_get_image (disk), &st) != 0)
    /* Translators: space on an open disk: used, then total size */
    return g_strdup_printf (_("%s used of %s"), used, size);
  file = g_format_size ((guint64) st.st_blocks * 512);
  /* Translators: space on an open disk: used, total size, and the image file's size on disk */
  return g_strdup_printf (_("%s used of %s, %s on disk"), used, size, file);
}

static char *
space_lines (GPtrArray *rows)
{
  GString *lines = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      CdiDiskRow *row = g_ptr_array_index (rows, i);

      g_string_append_printf (lines, "%s\n", row->space != NULL ? row->space : "");
    }
  return g_string_free (lines, FALSE);
}

/* Rows are rebuilt on state changes only; used space changes while a disk stays open */
static gboolean
space_refresh_cb (gpointer user_data)
{
  CdiApplication *self = user_data;
  g_autofree char *shown = g_steal_pointer (&self->space_shown);
  g_autoptr(GPtrArray) rows = cdi_application_get_rows (self);

  if (g_strcmp0 (shown, self->space_shown) != 0)
    cdi_application_rows_changed (self);
  return G_SOURCE_CONTINUE;
}

GPtrArray *
cdi_application_get_rows (CdiApplication *self)
{
  g_autoptr(GPtrArray) disks = cdi_disk_store_get_disks (self->store);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cdi_disk_row_free);

  for (guint i = 0; i < disks->len; i++)
    {
      CdiDisk *disk = g_ptr_array_index (disks, i);
      CdiDiskRow *row = g_new0 (CdiDiskRow, 1);

      row->name = g_strdup (cdi_disk_get_name (disk));
      row->state = cdi_application_get_state (self, disk);
      row->is_default = cdi_disk_get_default (disk);
      if (row->state == CDI_DISK_STATE_OPEN || row->state == CDI_DISK_STATE_WAITING)
        row->space = space_text (disk);
      g_ptr_array_add (rows, row);
    }
  g_free (self->space_shown);
  self->space_shown = space_lines (rows);
  return rows;
}

gboolean
cdi_application_rule_applies (CdiApplication *self,
                              CdiDisk        *disk,
                              CdiCloseReason  reason)
{
  switch (reason)
    {
    case CDI_CLOSE_REASON_LOCK:
      return cdi_tristate_resolve (cdi_disk_get_close_on_lock (disk),
                                   g_settings_get_boolean (self->settings, "close-on-lock"));
    case CDI_CLOSE_REASON_SUSPEND:
      return cdi_tristate_resolve (cdi_disk_get_close_on_suspend (disk),
                                   g_settings_get_boolean (self->settings, "close-on-suspend"));
    case CDI_CLOSE_REASON_LOGOUT:
    case CDI_CLOSE_REASON_QUIT:
      return cdi_tristate_resolve (cdi_disk_get_close_on_logout (disk),
                                   g_settings_get_boolean (self->settings, "close-on-logout"));
    case CDI_CLOSE_REASON_USER:
    case CDI_CLOSE_REASON_IDLE:
    default:
      return TRUE;
    }
}

/* Closing every open disk whose rule says so, for one reason; the result is the count of disks
 * that stayed open (busy ones go on to "close when free") */
typedef struct
{
  guint pending;
  guint failed;
} CloseAll;

static void
close_one_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CloseAll *all = g_task_get_task_data (task);

  if (result != NULL && !cdi_disk_ops_close_finish (result, NULL))
    all->failed++;
  if (--all->pending == 0)
    g_task_return_int (task, all->failed);
}

void
cdi_application_close_async (CdiApplication      *self,
                             CdiCloseReason       reason,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) disks = cdi_disk_store_get_disks (self->store);
  CloseAll *all = g_new0 (CloseAll, 1);

  g_task_set_source_tag (task, cdi_application_close_async);
  g_task_set_task_data (task, all, g_free);
  all->pending = 1;  /* released below, so an empty list completes too */
  for (guint i = 0; i < disks->len; i++)
    {
      CdiDisk *disk = g_ptr_array_index (disks, i);
      CdiDiskState state = cdi_application_get_state (self, disk);

      if ((state != CDI_DISK_STATE_OPEN && state != CDI_DISK_STATE_WAITING)
          || !cdi_application_rule_applies (self, disk, reason))
        continue;
      all->pending++;
      cdi_disk_ops_close_async (self, disk, reason, cancellable, close_one_cb,
                                g_object_ref (task));
    }
  close_one_cb (NULL, NULL, g_steal_pointer (&task));
}

guint
cdi_application_close_finish (CdiApplication *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return (guint) g_task_propagate_int (G_TASK (result), error);
}

static CdiDisk *
disk_from_param (CdiApplication *self,
                 GVariant       *param)
{
  const char *name = g_variant_get_string (param, NULL);
  CdiDisk *disk = cdi_disk_store_lookup (self->store, name);

  g_debug ("Action on disk “%s”", name);
  if (disk == NULL)
    g_message ("No disk named “%s” in the registry", name);
  return disk;
}

static void
open_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  CdiApplication *self = user_data;
  CdiDisk *disk = disk_from_param (self, param);

  if (disk != NULL && cdi_application_get_state (self, disk) == CDI_DISK_STATE_CLOSED)
    cdi_disk_ops_open (self, disk);
}

static void
close_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  CdiApplication *self = user_data;
  CdiDisk *disk = disk_from_param (self, param);

  if (disk == NULL)
    return;
  cdi_disk_ops_cancel_wait (self, cdi_disk_get_name (disk));
  cdi_disk_ops_close_async (self, disk, CDI_CLOSE_REASON_USER, NULL, NULL, NULL);
}

static void
show_files_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  CdiApplication *self = user_data;
  CdiDisk *disk = disk_from_param (self, param);

  if (disk != NULL)
    cdi_disk_ops_show_files (self, disk);
}

static void
close_when_free_activated (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  CdiApplication *self = user_data;
  CdiDisk *disk = disk_from_param (self, param);

  if (disk != NULL)
    cdi_disk_ops_close_when_free (self, disk, CDI_CLOSE_REASON_USER);
}

static void
show_programs_activated (GSimpleAction *action,
                         GVariant      *param,
                         gpointer       user_data)
{
  CdiApplication *self = user_data;
  CdiDisk *disk = disk_from_param (self, param);

  if (disk != NULL)
    cdi_disk_ops_show_programs (self, disk);
}

static void
close_all_activated (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  cdi_application_close_async (user_data, CDI_CLOSE_REASON_USER, NULL, NULL, NULL);
}

static void
toggle_default_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  CdiApplication *self = user_data;
  CdiDisk *disk = cdi_disk_store_get_default (self->store);
  g_autoptr(GVariant) name = NULL;

  if (disk == NULL)
    return;
  name = g_variant_ref_sink (g_variant_new_string (cdi_disk_get_name (disk)));
  if (cdi_application_get_state (self, disk) == CDI_DISK_STATE_CLOSED)
    open_activated (NULL, name, self);
  else if (cdi_application_get_state (self, disk) == CDI_DISK_STATE_OPEN)
    close_activated (NULL, name, self);
}

static void
new_disk_activated (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  cdi_create_assistant_present (user_data);
}

static void
add_existing_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  cdi_add_dialog_present (user_data);
}

static void
properties_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  CdiApplication *self = user_data;
  CdiDisk *disk = disk_from_param (self, param);

  if (disk != NULL)
    cdi_properties_dialog_present (self, disk);
}

/* Opening at login: the applet starts at login (its autostart file) and opens the disks whose
 * registry group says open-at-login=true */
static gboolean
open_at_login_cb (gpointer user_data)
{
  CdiApplication *self = user_data;
  g_autoptr(GPtrArray) disks = cdi_disk_store_get_disks (self->store);

  for (guint i = 0; i < disks->len; i++)
    {
      CdiDisk *disk = g_ptr_array_index (disks, i);

      if (cdi_disk_get_open_at_login (disk)
          && cdi_application_get_state (self, disk) == CDI_DISK_STATE_CLOSED)
        cdi_disk_ops_open (self, disk);
    }
  return G_SOURCE_REMOVE;
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  cdi_preferences_dialog_present (user_data);
}

static void
popup_menu_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  CdiApplication *self = user_data;

  cdi_indicator_popup_menu (self->indicator);
}

static void
quit_closed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CdiApplication *self = CDI_APPLICATION (source);

  cdi_application_close_finish (self, result, NULL);
  g_application_quit (G_APPLICATION (self));
}

/* Quitting the applet is like logging out: close what the logout rule says, then go */
static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  CdiApplication *self = user_data;

  if (self->quitting)
    return;
  self->quitting = TRUE;
  cdi_application_close_async (self, CDI_CLOSE_REASON_QUIT, NULL, quit_closed_cb, NULL);
}

static gboolean
on_unix_signal (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "open", open_activated, "s", NULL, NULL, { 0 } },
  { "close", close_activated, "s", NULL, NULL, { 0 } },
  { "show-files", show_files_activated, "s", NULL, NULL, { 0 } },
  { "close-when-free", close_when_free_activated, "s", NULL, NULL, { 0 } },
  { "show-programs", show_programs_activated, "s", NULL, NULL, { 0 } },
  { "close-all", close_all_activated, NULL, NULL, NULL, { 0 } },
  { "toggle-default", toggle_default_activated, NULL, NULL, NULL, { 0 } },
  { "new-disk", new_disk_activated, NULL, NULL, NULL, { 0 } },
  { "add-existing", add_existing_activated, NULL, NULL, NULL, { 0 } },
  { "properties", properties_activated, "s", NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "popup-menu", popup_menu_activated, NULL, NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
};

static void
store_changed_cb (CdiApplication *self)
{
  GPtrArray *problems = cdi_disk_store_get_problems (self->store);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    g_message ("%s", (const char *) g_ptr_array_index (problems, i));
  cdi_application_rows_changed (self);
}

static gboolean
tray_hint_cb (gpointer user_data)
{
  CdiApplication *self = user_data;

  self->tray_hint_id = 0;
  if (!cdi_indicator_is_visible (self->indicator))
    cdi_notify_info (G_APPLICATION (self), NULL, "tray-hint",
                     _("Encrypted disks has no icon in the top bar"),
                     _("This desktop shows no tray icons. On GNOME, install and turn on the "
                       "“AppIndicator and KStatusNotifierItem Support” extension. Until then, "
                       "start Encrypted Disks again from the applications menu for a window "
                       "with your disks."));
  return G_SOURCE_REMOVE;
}

static void
cdi_application_startup (GApplication *app)
{
  CdiApplication *self = CDI_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (cdi_application_parent_class)->startup (app);
  /* A tray applet has no window to keep it alive */
  g_application_hold (app);

  self->settings = g_settings_new (APPLICATION_ID);
  self->store = cdi_disk_store_new (NULL);
  if (!cdi_disk_store_load (self->store, &error))
    g_warning ("Could not read the list of disks: %s", error->message);
  g_clear_error (&error);
  if (!cdi_disk_store_watch (self->store, &error))
    g_warning ("Changes other programs make to the list of disks will not show: %s",
               error->message);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->monitor = cdi_disk_monitor_new (self->store);
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (cdi_application_rows_changed),
                           self, G_CONNECT_SWAPPED);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  self->indicator = cdi_indicator_new (self);
  self->autoclose = cdi_autoclose_new (self);
  g_unix_signal_add (SIGTERM, on_unix_signal, self);
  g_unix_signal_add (SIGINT, on_unix_signal, self);
  self->tray_hint_id = g_timeout_add_seconds (TRAY_HINT_DELAY_SECONDS, tray_hint_cb, self);
  self->space_refresh_id = g_timeout_add_seconds (SPACE_REFRESH_SECONDS, space_refresh_cb, self);
  store_changed_cb (self);
  g_idle_add (open_at_login_cb, self);
}

/* The first start shows nothing but the icon; starting the applet again when no tray shows the
 * icon opens the fallback window */
static void
cdi_application_activate (GApplication *app)
{
  CdiApplication *self = CDI_APPLICATION (app);
  static gboolean first = TRUE;

  if (first)
    {
      first = FALSE;
      return;
    }
  if (!cdi_indicator_is_visible (self->indicator))
    cdi_fallback_window_present (self);
}

static void
cdi_application_shutdown (GApplication *app)
{
  CdiApplication *self = CDI_APPLICATION (app);

  g_clear_handle_id (&self->tray_hint_id, g_source_remove);
  g_clear_handle_id (&self->space_refresh_id, g_source_remove);
  g_clear_object (&self->autoclose);
  g_clear_object (&self->indicator);
  G_APPLICATION_CLASS (cdi_application_parent_class)->shutdown (app);
}

static void
cdi_application_finalize (GObject *object)
{
  CdiApplication *self = CDI_APPLICATION (object);

  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_hash_table_unref (self->busy);
  g_free (self->space_shown);
  G_OBJECT_CLASS (cdi_application_parent_class)->finalize (object);
}

static void
cdi_application_class_init (CdiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = cdi_application_finalize;
  app_class->startup = cdi_application_startup;
  app_class->activate = cdi_application_activate;
  app_class->shutdown = cdi_application_shutdown;

  signals[SIGNAL_ROWS_CHANGED] = g_signal_new ("rows-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 0);
}

static void
cdi_application_init (CdiApplication *self)
{
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CdiApplication *
cdi_application_new (void)
{
  return g_object_new (CDI_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "register-session", TRUE,
                       NULL);
}
