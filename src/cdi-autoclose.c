/* cdi-autoclose.c - close disks on session lock, before suspend, at logout and when idle
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-autoclose.h"

#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cdi-disk-ops.h"
#include "cdi-error.h"
#include "cdi-notify.h"

#define LOGIND_NAME "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"
/* logind waits at most InhibitDelayMaxSec (5 s by default) for delay inhibitors */
#define SUSPEND_GRACE_SECONDS 4

struct _CdiAutoclose
{
  GObject parent_instance;

  CdiApplication *app;       /* not a reference: the application owns this object */
  GCancellable *cancellable;
  GDBusConnection *session_bus;
  GDBusConnection *system_bus;
  guint screensaver_ids[2];
  guint sleep_id;
  guint session_lock_id;
  guint session_unlock_id;
  int inhibit_fd;
  guint suspend_timeout_id;
  guint suspend_failed;
  gboolean locked;
  guint idle_id;
  guint seconds_per_minute;
  GHashTable *idle;          /* disk name -> Activity */
};

G_DEFINE_FINAL_TYPE (CdiAutoclose, cdi_autoclose, G_TYPE_OBJECT)

typedef struct
{
  char *signature;
  gint64 since;  /* g_get_monotonic_time () of the last change */
} Activity;

static void
activity_free (Activity *activity)
{
  g_free (activity->signature);
  g_free (activity);
}

/* ---- lock ---- */

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  guint failed = cdi_application_close_finish (CDI_APPLICATION (source), result, NULL);

  if (failed > 0)
    g_debug ("%u disks stayed open for now", failed);
}

static void
set_locked (CdiAutoclose *self,
            gboolean      locked)
{
  if (locked == self->locked)
    return;
  self->locked = locked;
  if (locked)
    cdi_application_close_async (self->app, CDI_CLOSE_REASON_LOCK, NULL, closed_cb, NULL);
}

static void
screensaver_signal_cb (GDBusConnection *connection,
                       const char      *sender,
                       const char      *path,
                       const char      *interface,
                       const char      *signal,
                       GVariant        *params,
                       gpointer         user_data)
{
  gboolean active;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (params, "(b)", &active);
  set_locked (user_data, active);
}

static void
screensaver_active_cb (GObject    *app,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  gboolean active;

  g_object_get (app, "screensaver-active", &active, NULL);
  set_locked (user_data, active);
}

static void
session_lock_cb (GDBusConnection *connection,
                 const char      *sender,
                 const char      *path,
                 const char      *interface,
                 const char      *signal,
                 GVariant        *params,
                 gpointer         user_data)
{
  CdiAutoclose *self = user_data;

  /* logind's Lock is a request, not a state: desktops that lock through it (xss-lock, for
   * one) never send Unlock, so every Lock closes, whatever was seen before */
  if (g_strcmp0 (signal, "Lock") == 0)
    {
      self->locked = FALSE;
      set_locked (self, TRUE);
    }
  else
    set_locked (self, FALSE);
}

static void
logout_closed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  guint cookie = GPOINTER_TO_UINT (user_data);
  guint failed = cdi_application_close_finish (CDI_APPLICATION (source), result, NULL);

  if (failed > 0)
    g_debug ("%u disks stayed open at logout", failed);
  if (cookie != 0)
    gtk_application_uninhibit (GTK_APPLICATION (source), cookie);
}

/* The session manager asks before it ends the session: hold the logout while the disks close
 * (the session manager shows why), and let it go on whatever the outcome */
static void
query_end_cb (GtkApplication *app,
              gpointer        user_data)
{
  guint cookie = gtk_application_inhibit (app, NULL, GTK_APPLICATION_INHIBIT_LOGOUT,
                                          _("Closing encrypted disks"));

  cdi_application_close_async (CDI_APPLICATION (app), CDI_CLOSE_REASON_LOGOUT, NULL,
                               logout_closed_cb, GUINT_TO_POINTER (cookie));
}

/* ---- suspend ---- */

static void
release_inhibitor (CdiAutoclose *self)
{
  g_clear_handle_id (&self->suspend_timeout_id, g_source_remove);
  if (self->inhibit_fd >= 0)
    close (self->inhibit_fd);
  self->inhibit_fd = -1;
}

static void
inhibit_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CdiAutoclose) self = user_data;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds,
                                                           result, &error);
  if (reply == NULL || fds == NULL || g_unix_fd_list_get_length (fds) < 1)
    {
      g_debug ("No sleep inhibitor: %s", error != NULL ? error->message : "no fd");
      return;
    }
  release_inhibitor (self);
  self->inhibit_fd = g_unix_fd_list_get (fds, 0, NULL);
}

static void
take_inhibitor (CdiAutoclose *self)
{
  if (self->system_bus == NULL || self->inhibit_fd >= 0)
    return;
  g_dbus_connection_call_with_unix_fd_list (self->system_bus, LOGIND_NAME, LOGIND_PATH,
                                            LOGIND_MANAGER, "Inhibit",
                                            g_variant_new ("(ssss)", "sleep",
                                                           _("Encrypted Disks"),
                                                           _("Closing encrypted disks"),
                                                           "delay"),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                            NULL, self->cancellable, inhibit_cb,
                                            g_object_ref (self));
}

static gboolean
suspend_timeout_cb (gpointer user_data)
{
  CdiAutoclose *self = user_data;

  self->suspend_timeout_id = 0;
  release_inhibitor (self);
  return G_SOURCE_REMOVE;
}

static void
suspend_closed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CdiAutoclose) self = user_data;

  self->suspend_failed = cdi_application_close_finish (CDI_APPLICATION (source), result, NULL);
  release_inhibitor (self);
}

static void
sleep_cb (GDBusConnection *connection,
          const char      *sender,
          const char      *path,
          const char      *interface,
          const char      *signal,
          GVariant        *params,
          gpointer         user_data)
{
  CdiAutoclose *self = user_data;
  gboolean before;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (params, "(b)", &before);
  if (before)
    {
      self->suspend_failed = 0;
      self->suspend_timeout_id = g_timeout_add_seconds (SUSPEND_GRACE_SECONDS,
                                                        suspend_timeout_cb, self);
      cdi_application_close_async (self->app, CDI_CLOSE_REASON_SUSPEND, NULL,
                                   suspend_closed_cb, g_object_ref (self));
      return;
    }
  take_inhibitor (self);
  if (self->suspend_failed > 0)
    {
      g_autoptr(GError) error = g_error_new (CDI_ERROR, CDI_ERROR_BUSY,
                                             ngettext ("%u disk was still open while the "
                                                       "computer slept. Its programs kept it "
                                                       "busy.",
                                                       "%u disks were still open while the "
                                                       "computer slept. Their programs kept "
                                                       "them busy.",
                                                       self->suspend_failed),
                                             self->suspend_failed);

      cdi_notify_error (G_APPLICATION (self->app), "suspend",
                        _("Disks stayed open during sleep"), error);
      self->suspend_failed = 0;
    }
}

static void
session_path_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CdiAutoclose) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_debug ("No logind session: %s", error->message);
      return;
    }
  g_variant_get (reply, "(&o)", &path);
  self->session_lock_id =
    g_dbus_connection_signal_subscribe (self->system_bus, LOGIND_NAME, LOGIND_SESSION, "Lock",
                                        path, NULL, G_DBUS_SIGNAL_FLAGS_NONE, session_lock_cb,
                                        self, NULL);
  self->session_unlock_id =
    g_dbus_connection_signal_subscribe (self->system_bus, LOGIND_NAME, LOGIND_SESSION, "Unlock",
                                        path, NULL, G_DBUS_SIGNAL_FLAGS_NONE, session_lock_cb,
                                        self, NULL);
}

static void
system_bus_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CdiAutoclose) self = user_data;
  g_autoptr(GError) error = NULL;

  self->system_bus = g_bus_get_finish (result, &error);
  if (self->system_bus == NULL)
    {
      g_debug ("No system bus, so no logind: %s", error->message);
      return;
    }
  self->sleep_id =
    g_dbus_connection_signal_subscribe (self->system_bus, LOGIND_NAME, LOGIND_MANAGER,
                                        "PrepareForSleep", LOGIND_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, sleep_cb, self, NULL);
  g_dbus_connection_call (self->system_bus, LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER,
                          "GetSessionByPID", g_variant_new ("(u)", (guint32) getpid ()),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, session_path_cb, g_object_ref (self));
  take_inhibitor (self);
}

/* ---- idle ---- */

/* What changes when a disk is used: the dm device's I/O counters, else (no block statistics
 * here) the mount's free blocks and inodes and the root folder's change time */
char *
cdi_autoclose_activity (const char *device,
                        const char *mountpoint)
{
  g_autofree char *real = device != NULL ? realpath (device, NULL) : NULL;
  struct statvfs vfs;
  struct stat st;

  if (real != NULL && g_str_has_prefix (real, "/dev/dm-"))
    {
      g_autofree char *stat_path = g_strdup_printf ("/sys/block/%s/stat", real + 5);
      char *text = NULL;

      if (g_file_get_contents (stat_path, &text, NULL, NULL))
        return text;
    }
  if (statvfs (mountpoint, &vfs) != 0 || stat (mountpoint, &st) != 0)
    return NULL;
  return g_strdup_printf ("%llu %llu %lld.%ld", (unsigned long long) vfs.f_bfree,
                          (unsigned long long) vfs.f_ffree, (long long) st.st_ctim.tv_sec,
                          st.st_ctim.tv_nsec);
}

static guint
idle_minutes (CdiAutoclose *self,
              CdiDisk      *disk)
{
  int minutes = cdi_disk_get_close_when_idle_minutes (disk);

  if (minutes == CDI_DISK_IDLE_MINUTES_DEFAULT)
    return g_settings_get_uint (cdi_application_get_settings (self->app),
                                "close-when-idle-minutes");
  return minutes > 0 ? (guint) minutes : 0;
}

static gboolean
idle_tick_cb (gpointer user_data)
{
  CdiAutoclose *self = user_data;
  g_autoptr(GPtrArray) disks = cdi_disk_store_get_disks (cdi_application_get_store (self->app));
  CdiDiskMonitor *monitor = cdi_application_get_monitor (self->app);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < disks->len; i++)
    {
      CdiDisk *disk = g_ptr_array_index (disks, i);
      const char *name = cdi_disk_get_name (disk);
      guint minutes = idle_minutes (self, disk);
      g_autofree char *signature = NULL;
      Activity *activity;

      if (minutes == 0 || cdi_application_get_state (self->app, disk) != CDI_DISK_STATE_OPEN)
        continue;
      signature = cdi_autoclose_activity (cdi_disk_monitor_get_device (monitor, disk),
                                          cdi_disk_get_mountpoint (disk));
      g_hash_table_add (seen, (gpointer) name);
      activity = g_hash_table_lookup (self->idle, name);
      if (activity == NULL || g_strcmp0 (activity->signature, signature) != 0)
        {
          activity = g_new0 (Activity, 1);
          activity->signature = g_steal_pointer (&signature);
          activity->since = now;
          g_hash_table_replace (self->idle, g_strdup (name), activity);
          continue;
        }
      if (now - activity->since >= (gint64) minutes * self->seconds_per_minute * G_USEC_PER_SEC)
        {
          g_hash_table_remove (self->idle, name);
          cdi_disk_ops_close_async (self->app, disk, CDI_CLOSE_REASON_IDLE, NULL, NULL, NULL);
        }
    }
  /* Forget disks that closed, so a reopened one starts a new count */
  g_hash_table_iter_init (&iter, self->idle);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_hash_table_iter_remove (&iter);
  return G_SOURCE_CONTINUE;
}

/* ---- object ---- */

static void
cdi_autoclose_dispose (GObject *object)
{
  CdiAutoclose *self = CDI_AUTOCLOSE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  release_inhibitor (self);
  for (guint i = 0; i < G_N_ELEMENTS (self->screensaver_ids); i++)
    if (self->screensaver_ids[i] != 0)
      g_dbus_connection_signal_unsubscribe (self->session_bus, self->screensaver_ids[i]);
  memset (self->screensaver_ids, 0, sizeof self->screensaver_ids);
  if (self->system_bus != NULL)
    {
      if (self->sleep_id != 0)
        g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_id);
      if (self->session_lock_id != 0)
        g_dbus_connection_signal_unsubscribe (self->system_bus, self->session_lock_id);
      if (self->session_unlock_id != 0)
        g_dbus_connection_signal_unsubscribe (self->system_bus, self->session_unlock_id);
      self->sleep_id = self->session_lock_id = self->session_unlock_id = 0;
    }
  if (self->app != NULL)
    g_signal_handlers_disconnect_by_data (self->app, self);
  self->app = NULL;
  g_clear_object (&self->system_bus);
  g_clear_object (&self->session_bus);
  G_OBJECT_CLASS (cdi_autoclose_parent_class)->dispose (object);
}

static void
cdi_autoclose_finalize (GObject *object)
{
  CdiAutoclose *self = CDI_AUTOCLOSE (object);

  g_hash_table_unref (self->idle);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cdi_autoclose_parent_class)->finalize (object);
}

static void
cdi_autoclose_class_init (CdiAutocloseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cdi_autoclose_dispose;
  object_class->finalize = cdi_autoclose_finalize;
}

static void
cdi_autoclose_init (CdiAutoclose *self)
{
  const char *scale = g_getenv ("CDI_TEST_SECONDS_PER_MINUTE");
  guint64 seconds = 60;

  self->cancellable = g_cancellable_new ();
  self->inhibit_fd = -1;
  self->idle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) activity_free);
  if (scale != NULL && !g_ascii_string_to_unsigned (scale, 10, 1, 60, &seconds, NULL))
    seconds = 60;
  self->seconds_per_minute = (guint) seconds;
}

CdiAutoclose *
cdi_autoclose_new (CdiApplication *app)
{
  CdiAutoclose *self = g_object_new (CDI_TYPE_AUTOCLOSE, NULL);
  static const char *const screensavers[][2] = {
    { "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver" },
    { "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver" },
  };

  self->app = app;
  g_signal_connect (app, "notify::screensaver-active", G_CALLBACK (screensaver_active_cb), self);
  g_signal_connect (app, "query-end", G_CALLBACK (query_end_cb), self);
  self->session_bus = g_application_get_dbus_connection (G_APPLICATION (app));
  if (self->session_bus != NULL)
    {
      g_object_ref (self->session_bus);
      for (guint i = 0; i < G_N_ELEMENTS (screensavers); i++)
        self->screensaver_ids[i] =
          g_dbus_connection_signal_subscribe (self->session_bus, screensavers[i][0],
                                              screensavers[i][0], "ActiveChanged",
                                              screensavers[i][1], NULL,
                                              G_DBUS_SIGNAL_FLAGS_NONE, screensaver_signal_cb,
                                              self, NULL);
    }
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref (self));
  self->idle_id = g_timeout_add_seconds (self->seconds_per_minute, idle_tick_cb, self);
  return self;
}
