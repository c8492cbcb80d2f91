/* cdi-disk-ops.c - opening, closing and showing one disk, as the applet does it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-disk-ops.h"

#include <glib/gi18n.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"
#include "cdi-notify.h"
#include "cdi-password-command.h"
#include "cdi-secret.h"
#include "cdi-unlock-dialog.h"

/* ---- open ---- */

typedef struct
{
  CdiApplication *app;
  CdiDisk *disk;
  CdiPassphrase *passphrase;
  gboolean from_dialog;
  gboolean remember;
} OpenOp;

static void
open_op_free (OpenOp *op)
{
  g_object_unref (op->app);
  g_object_unref (op->disk);
  g_clear_pointer (&op->passphrase, cdi_passphrase_unref);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenOp, open_op_free)

static void ask_passphrase (OpenOp *op, const char *message);

static void
save_store (CdiApplication *app)
{
  g_autoptr(GError) error = NULL;

  if (!cdi_disk_store_save (cdi_application_get_store (app), &error))
    cdi_notify_error (G_APPLICATION (app), "registry",
                      _("Could not save the list of disks"), error);
}

static void
store_secret_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CdiApplication) app = user_data;
  g_autoptr(GError) error = NULL;

  if (!cdi_secret_store_finish (result, &error))
    cdi_notify_error (G_APPLICATION (app), "keyring",
                      /* Translators: a security message: the passphrase is NOT remembered */
                      _("The passphrase was not saved in the keyring"), error);
}

/* After a successful open: learn the LUKS UUID, remember the passphrase if asked to */
static void
open_succeeded (OpenOp    *op,
                GPtrArray *records)
{
  CdiRecord *record = cdi_records_find (records, CDI_HELPER_RECORD_DISK);
  const char *uuid = record != NULL ? cdi_record_get (record, "uuid") : NULL;
  const char *name = cdi_disk_get_name (op->disk);
  gboolean dirty = FALSE;
  g_autofree char *title = NULL;
  g_autofree char *id = g_strconcat ("disk-", name, NULL);

  if (uuid != NULL && cdi_disk_get_uuid (op->disk) == NULL)
    {
      cdi_disk_set_uuid (op->disk, uuid);
      dirty = TRUE;
    }
  uuid = cdi_disk_get_uuid (op->disk);
  if (op->from_dialog && op->remember && uuid != NULL)
    {
      cdi_secret_store_async (uuid, name, op->passphrase, NULL, store_secret_cb,
                              g_object_ref (op->app));
      if (cdi_disk_get_passphrase_source (op->disk) != CDI_PASSPHRASE_SOURCE_KEYRING)
        {
          cdi_disk_set_passphrase_source (op->disk, CDI_PASSPHRASE_SOURCE_KEYRING);
          dirty = TRUE;
        }
    }
  if (dirty)
    save_store (op->app);

  cdi_application_set_busy_state (op->app, name, CDI_DISK_STATE_OPEN);
  cdi_disk_monitor_refresh (cdi_application_get_monitor (op->app));
  if (g_settings_get_boolean (cdi_application_get_settings (op->app), "show-files-on-open"))
    cdi_disk_ops_show_files (op->app, op->disk);
  /* Translators: notification title; %s is the disk's name */
  title = g_strdup_printf (_("%s is open"), name);
  cdi_notify_info (G_APPLICATION (op->app), cdi_application_get_settings (op->app), id, title,
                   cdi_disk_get_mountpoint (op->disk));
}

static void
helper_open_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(OpenOp) op = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (cdi_helper_client_run_finish (result, &records, &error))
    {
      open_succeeded (op, records);
      return;
    }
  if (g_error_matches (error, CDI_ERROR, CDI_ERROR_WRONG_PASSPHRASE))
    {
      /* Ask again; the wrong passphrase is dropped, never stored */
      g_clear_pointer (&op->passphrase, cdi_passphrase_unref);
      ask_passphrase (g_steal_pointer (&op), error->message);
      return;
    }
  cdi_application_set_busy_state (op->app, cdi_disk_get_name (op->disk), CDI_DISK_STATE_CLOSED);
  cdi_disk_monitor_refresh (cdi_application_get_monitor (op->app));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Translators: notification title; %s is the disk's name */
  title = g_strdup_printf (_("Could not open %s"), cdi_disk_get_name (op->disk));
  cdi_notify_error (G_APPLICATION (op->app), "open-failed", title, error);
}

static void
run_helper (OpenOp *op)
{
  cdi_helper_client_open_async (cdi_disk_get_image (op->disk),
                                cdi_disk_get_mountpoint (op->disk),
                                CDI_HELPER_OPEN_FLAGS_NONE, op->passphrase,
                                /* cancellable= */ NULL, helper_open_cb, op);
}

static void
unlock_response_cb (CdiUnlockDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(OpenOp) op = user_data;

  if (response == GTK_RESPONSE_OK)
    {
      op->passphrase = cdi_unlock_dialog_get_passphrase (dialog);
      op->remember = cdi_unlock_dialog_get_remember (dialog);
      op->from_dialog = TRUE;
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (op->passphrase == NULL)
    {
      cdi_application_set_busy_state (op->app, cdi_disk_get_name (op->disk),
                                      CDI_DISK_STATE_CLOSED);
      return;
    }
  run_helper (g_steal_pointer (&op));
}

/* Takes @op. @message: why the dialog asks (a wrong passphrase, a locked keyring), or NULL */
static void
ask_passphrase (OpenOp     *op,
                const char *message)
{
  GtkWidget *dialog;
  gboolean remember = cdi_disk_get_passphrase_source (op->disk) == CDI_PASSPHRASE_SOURCE_KEYRING;

  dialog = cdi_unlock_dialog_new (cdi_disk_get_name (op->disk), message, remember);
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (op->app));
  g_signal_connect (dialog, "response", G_CALLBACK (unlock_response_cb), op);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void password_command_cb (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data);

/* Takes @op: the next source after the keyring, the disk's password command if it has one,
 * else the dialog (with @message, why the keyring gave nothing, or NULL) */
static void
command_or_ask (OpenOp     *op,
                const char *message)
{
  const char *command = cdi_disk_get_password_command (op->disk);

  if (command != NULL && command[0] != '\0')
    cdi_password_command_run_async (command, CDI_PASSWORD_COMMAND_TIMEOUT_SECONDS, NULL,
                                    password_command_cb, op);
  else
    ask_passphrase (op, message);
}

static void
secret_lookup_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OpenOp *op = user_data;
  g_autoptr(GError) error = NULL;

  op->passphrase = cdi_secret_lookup_finish (result, &error);
  if (op->passphrase != NULL)
    run_helper (op);
  else if (g_error_matches (error, CDI_ERROR, CDI_ERROR_NOT_FOUND))
    command_or_ask (op, NULL);
  else
    command_or_ask (op, error->message);
}

static void
password_command_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  OpenOp *op = user_data;
  g_autoptr(GError) error = NULL;

  op->passphrase = cdi_password_command_run_finish (result, &error);
  if (op->passphrase != NULL)
    run_helper (op);
  else
    ask_passphrase (op, error->message);
}

/* The passphrase comes from the keyring first, then the disk's password command, then the
 * dialog; a disk set to "ask every time" goes to the dialog at once */
void
cdi_disk_ops_open (CdiApplication *app,
                   CdiDisk        *disk)
{
  OpenOp *op = g_new0 (OpenOp, 1);
  const char *uuid = cdi_disk_get_uuid (disk);

  op->app = g_object_ref (app);
  op->disk = g_object_ref (disk);
  cdi_application_set_busy_state (app, cdi_disk_get_name (disk), CDI_DISK_STATE_OPENING);
  if (cdi_disk_get_passphrase_source (disk) == CDI_PASSPHRASE_SOURCE_ASK)
    ask_passphrase (op, NULL);
  else if (uuid != NULL)
    cdi_secret_lookup_async (uuid, NULL, secret_lookup_cb, op);
  else
    command_or_ask (op, NULL);
}

/* ---- close ---- */

typedef struct
{
  CdiApplication *app;
  CdiDisk *disk;
  CdiCloseReason reason;
  gboolean quiet;  /* a "close when free" retry: say nothing while it stays busy */
} CloseOp;

static void
close_op_free (CloseOp *op)
{
  g_object_unref (op->app);
  g_object_unref (op->disk);
  g_free (op);
}

static GHashTable *
app_table (CdiApplication *app,
           const char     *key,
           GDestroyNotify  value_free)
{
  GHashTable *table = g_object_get_data (G_OBJECT (app), key);

  if (table == NULL)
    {
      table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, value_free);
      g_object_set_data_full (G_OBJECT (app), key, table, (GDestroyNotify) g_hash_table_unref);
    }
  return table;
}

/* The last holder records of each busy disk, for "Show programs" */
static GHashTable *
holders_table (CdiApplication *app)
{
  return app_table (app, "cdi-holders", (GDestroyNotify) g_ptr_array_unref);
}

/* Disk name -> GSource id of its "close when free" retry */
static GHashTable *
waits_table (CdiApplication *app)
{
  return app_table (app, "cdi-waits", NULL);
}

/* Stops waiting for @name to be free; the entry's id is 0 while an attempt runs */
static void
wait_stop (CdiApplication *app,
           const char     *name)
{
  gpointer id;

  if (!g_hash_table_lookup_extended (waits_table (app), name, NULL, &id))
    return;
  if (id != NULL)
    g_source_remove (GPOINTER_TO_UINT (id));
  g_hash_table_remove (waits_table (app), name);
}

static const char *
reason_text (CdiCloseReason reason)
{
  switch (reason)
    {
    case CDI_CLOSE_REASON_LOCK:
      return _("It was closed because the session was locked.");
    case CDI_CLOSE_REASON_SUSPEND:
      return _("It was closed before the computer went to sleep.");
    case CDI_CLOSE_REASON_LOGOUT:
      return _("It was closed because you logged out.");
    case CDI_CLOSE_REASON_QUIT:
      return _("It was closed because the tray applet quit.");
    case CDI_CLOSE_REASON_IDLE:
      return _("It was closed because nothing used it for a while.");
    case CDI_CLOSE_REASON_USER:
    default:
      return NULL;
    }
}

static void
helper_close_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CloseOp *op = g_task_get_task_data (task);
  const char *name = cdi_disk_get_name (op->disk);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = g_strconcat ("disk-", name, NULL);
  g_autofree char *busy_id = NULL;

  if (cdi_helper_client_run_finish (result, &records, &error))
    {
      wait_stop (op->app, name);
      g_hash_table_remove (holders_table (op->app), name);
      cdi_application_set_busy_state (op->app, name, CDI_DISK_STATE_CLOSED);
      cdi_disk_monitor_refresh (cdi_application_get_monitor (op->app));
      /* Translators: notification title; %s is the disk's name */
      title = g_strdup_printf (_("%s is closed"), name);
      busy_id = g_strconcat ("busy-", name, NULL);
      cdi_notify_withdraw (G_APPLICATION (op->app), busy_id);
      cdi_notify_info (G_APPLICATION (op->app), cdi_application_get_settings (op->app), id,
                       title, op->quiet ? _("The programs that used it let go of its files.")
                                        : reason_text (op->reason));
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (error, CDI_ERROR, CDI_ERROR_BUSY))
    {
      /* The holder records come with the failure, not through ret_records */
      if (records == NULL && cdi_helper_client_run_get_records (result) != NULL)
        records = g_ptr_array_ref (cdi_helper_client_run_get_records (result));
      if (records != NULL)
        g_hash_table_replace (holders_table (op->app), g_strdup (name),
                              g_ptr_array_ref (records));
      if (!op->quiet)
        {
          /* Quitting or logging out: the applet will not be there to retry, so say it stays
           * open rather than promise a close nobody does */
          gboolean final = op->reason == CDI_CLOSE_REASON_QUIT
                           || op->reason == CDI_CLOSE_REASON_LOGOUT;
          gboolean automatic = op->reason != CDI_CLOSE_REASON_USER;

          cdi_notify_busy (G_APPLICATION (op->app), name, error->message,
                           final ? CDI_BUSY_STAYS_OPEN
                                 : automatic ? CDI_BUSY_WAITING : CDI_BUSY_OFFER_WAIT);
          if (final)
            wait_stop (op->app, name);
          if (automatic && !final)
            cdi_disk_ops_close_when_free (op->app, op->disk, op->reason);
          else
            cdi_application_set_busy_state (op->app, name, CDI_DISK_STATE_OPEN);
        }
    }
  else
    {
      wait_stop (op->app, name);
      cdi_application_set_busy_state (op->app, name, CDI_DISK_STATE_OPEN);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: notification title; %s is the disk's name */
          title = g_strdup_printf (_("Could not close %s"), name);
          cdi_notify_error (G_APPLICATION (op->app), id, title, error);
        }
    }
  cdi_disk_monitor_refresh (cdi_application_get_monitor (op->app));
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
close_internal (CdiApplication      *app,
                CdiDisk             *disk,
                CdiCloseReason       reason,
                gboolean             quiet,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CloseOp *op = g_new0 (CloseOp, 1);

  op->app = g_object_ref (app);
  op->disk = g_object_ref (disk);
  op->reason = reason;
  op->quiet = quiet;
  g_task_set_source_tag (task, cdi_disk_ops_close_async);
  g_task_set_task_data (task, op, (GDestroyNotify) close_op_free);
  if (!quiet)
    cdi_application_set_busy_state (app, cdi_disk_get_name (disk), CDI_DISK_STATE_CLOSING);
  /* Close by mount point: it names this disk's mount, and the helper checks it is ours */
  cdi_helper_client_close_async (cdi_disk_get_mountpoint (disk), cdi_disk_get_trim (disk),
                                 cancellable, helper_close_cb, g_steal_pointer (&task));
}

void
cdi_disk_ops_close_async (CdiApplication      *app,
                          CdiDisk             *disk,
                          CdiCloseReason       reason,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  close_internal (app, disk, reason, FALSE, cancellable, callback, user_data);
}

gboolean
cdi_disk_ops_close_finish (GAsyncResult *result,
                           GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- close when free ---- */

typedef struct
{
  CdiApplication *app;
  char *name;
  CdiCloseReason reason;
} Wait;

static void
wait_free (Wait *wait)
{
  g_object_unref (wait->app);
  g_free (wait->name);
  g_free (wait);
}

static gboolean retry_cb (gpointer user_data);

static void
schedule_retry (CdiApplication *app,
                const char     *name,
                CdiCloseReason  reason)
{
  Wait *wait = g_new0 (Wait, 1);
  guint id;

  wait->app = g_object_ref (app);
  wait->name = g_strdup (name);
  wait->reason = reason;
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, CDI_CLOSE_RETRY_SECONDS, retry_cb, wait,
                                   (GDestroyNotify) wait_free);
  g_hash_table_replace (waits_table (app), g_strdup (name), GUINT_TO_POINTER (id));
}

static void
retry_close_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *wait = user_data;
  g_autoptr(GError) error = NULL;

  if (!cdi_disk_ops_close_finish (result, &error)
      && g_error_matches (error, CDI_ERROR, CDI_ERROR_BUSY)
      && g_hash_table_contains (waits_table (wait->app), wait->name))
    schedule_retry (wait->app, wait->name, wait->reason);
  wait_free (wait);
}

static gboolean
retry_cb (gpointer user_data)
{
  Wait *wait = user_data;
  CdiDisk *disk = cdi_disk_store_lookup (cdi_application_get_store (wait->app), wait->name);
  Wait *next;

  /* The source ends here; the entry stays, with no source, while the attempt runs */
  g_hash_table_replace (waits_table (wait->app), g_strdup (wait->name), NULL);
  if (disk == NULL || !cdi_disk_monitor_is_open (cdi_application_get_monitor (wait->app), disk))
    {
      /* Gone from the registry, or closed some other way meanwhile */
      g_hash_table_remove (waits_table (wait->app), wait->name);
      cdi_application_set_busy_state (wait->app, wait->name, CDI_DISK_STATE_CLOSED);
      return G_SOURCE_REMOVE;
    }
  next = g_new0 (Wait, 1);
  next->app = g_object_ref (wait->app);
  next->name = g_strdup (wait->name);
  next->reason = wait->reason;
  close_internal (wait->app, disk, wait->reason, TRUE, NULL, retry_close_cb, next);
  return G_SOURCE_REMOVE;
}

void
cdi_disk_ops_close_when_free (CdiApplication *app,
                              CdiDisk        *disk,
                              CdiCloseReason  reason)
{
  const char *name = cdi_disk_get_name (disk);

  /* Another close attempt (a second lock, say) may have found it busy while it waits: it
   * goes back to waiting, with the retry already pending */
  cdi_application_set_busy_state (app, name, CDI_DISK_STATE_WAITING);
  if (!g_hash_table_contains (waits_table (app), name))
    schedule_retry (app, name, reason);
}

void
cdi_disk_ops_cancel_wait (CdiApplication *app,
                          const char     *name)
{
  wait_stop (app, name);
}

/* ---- show programs, show files ---- */

void
cdi_disk_ops_show_programs (CdiApplication *app,
                            CdiDisk        *disk)
{
  GPtrArray *records = g_hash_table_lookup (holders_table (app), cdi_disk_get_name (disk));
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *dialog;

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CdiRecord *record = g_ptr_array_index (records, i);

      if (g_strcmp0 (cdi_record_get_kind (record), CDI_HELPER_RECORD_HOLDER) != 0)
        continue;
      /* Translators: one line per program keeping a disk busy: name, process id, what it
       * holds (cwd, file, map...) and the path */
      g_string_append_printf (text, _("%s (process %s): %s %s\n"),
                              cdi_record_get (record, "comm") ?: "?",
                              cdi_record_get (record, "pid") ?: "?",
                              cdi_record_get (record, "holds") ?: "",
                              cdi_record_get (record, "path") ?: "");
    }
  if (text->len == 0)
    g_string_append (text, _("No program is known to use the disk now."));
  dialog = gtk_message_dialog_new (NULL, 0, GTK_MESSAGE_INFO, GTK_BUTTONS_CLOSE,
                                   /* Translators: %s is the disk's name */
                                   _("Programs using %s"), cdi_disk_get_name (disk));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", text->str);
  gtk_window_set_title (GTK_WINDOW (dialog), _("Programs using the disk"));
  atk_object_set_name (gtk_widget_get_accessible (dialog), _("Programs using the disk"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (app));
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
launch_default_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CdiApplication) app = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    cdi_notify_error (G_APPLICATION (app), "show-files", _("Could not show the files"), error);
}

typedef struct
{
  CdiApplication *app;
  char *uri;
} ShowFiles;

static void
show_files_free (ShowFiles *show)
{
  g_object_unref (show->app);
  g_free (show->uri);
  g_free (show);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShowFiles, show_files_free)

static void
show_folders_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ShowFiles) show = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    return;
  /* No file manager on D-Bus: whatever opens folders */
  g_debug ("FileManager1.ShowFolders failed: %s", error->message);
  g_app_info_launch_default_for_uri_async (show->uri, NULL, NULL, launch_default_cb,
                                           g_object_ref (show->app));
}

void
cdi_disk_ops_show_files (CdiApplication *app,
                         CdiDisk        *disk)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));
  g_autofree char *uri = g_filename_to_uri (cdi_disk_get_mountpoint (disk), NULL, NULL);
  const char *uris[] = { uri, NULL };
  ShowFiles *show;

  if (uri == NULL)
    return;
  if (bus == NULL)
    {
      g_app_info_launch_default_for_uri_async (uri, NULL, NULL, launch_default_cb,
                                               g_object_ref (app));
      return;
    }
  show = g_new0 (ShowFiles, 1);
  show->app = g_object_ref (app);
  show->uri = g_strdup (uri);
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowFolders",
                          g_variant_new ("(^ass)", uris, ""), NULL, G_DBUS_CALL_FLAGS_NONE,
                          5000, NULL, show_folders_cb, show);
}
