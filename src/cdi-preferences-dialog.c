/* cdi-preferences-dialog.c - the applet's preferences
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-preferences-dialog.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cdi-notify.h"

struct _CdiPreferencesDialog
{
  GtkDialog parent_instance;

  CdiApplication *app;
  GtkSwitch *show_files;
  GtkSwitch *notifications;
  GtkSwitch *close_on_lock;
  GtkSwitch *close_on_suspend;
  GtkSwitch *close_on_logout;
  GtkSpinButton *idle_minutes;
  GtkSwitch *autostart;
};

G_DEFINE_FINAL_TYPE (CdiPreferencesDialog, cdi_preferences_dialog, GTK_TYPE_DIALOG)

char *
cdi_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop",
                           NULL);
}

/* What a session does with one entry: Hidden=true (the XDG spec) or
 * X-GNOME-Autostart-enabled=false (GNOME's own switch) turns it off */
static gboolean
cdi_autostart_entry_is_enabled (GKeyFile *file)
{
  const char *group = G_KEY_FILE_DESKTOP_GROUP;

  if (g_key_file_get_boolean (file, group, G_KEY_FILE_DESKTOP_KEY_HIDDEN, /* error= */ NULL))
    return FALSE;
  return !g_key_file_has_key (file, group, "X-GNOME-Autostart-enabled", /* error= */ NULL)
         || g_key_file_get_boolean (file, group, "X-GNOME-Autostart-enabled",
                                    /* error= */ NULL);
}

/* The installed entry a session would use if the user had none: the first of that basename in
 * $XDG_CONFIG_DIRS, which come most important first. NULL when there is none. */
static GKeyFile *
cdi_autostart_load_system_entry (void)
{
  const char * const *dirs = g_get_system_config_dirs ();

  for (gsize i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "autostart", APPLICATION_ID ".desktop",
                                                NULL);
      g_autoptr(GKeyFile) file = g_key_file_new ();

      if (g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, /* error= */ NULL))
        return g_steal_pointer (&file);
    }
  return NULL;
}

gboolean
cdi_autostart_is_enabled (void)
{
  g_autofree char *path = cdi_autostart_path ();
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GKeyFile) system = NULL;

  /* A user entry of the same basename replaces the installed one entirely */
  if (g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, /* error= */ NULL))
    return cdi_autostart_entry_is_enabled (file);
  system = cdi_autostart_load_system_entry ();
  return system != NULL && cdi_autostart_entry_is_enabled (system);
}

/* A whole entry even when it only says Hidden=true, so it stays valid for every session */
static gboolean
cdi_autostart_write (const char  *path,
                     gboolean     enabled,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  const char *group = G_KEY_FILE_DESKTOP_GROUP;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_NAME, _("Encrypted Disks"));
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Open and close your encrypted disks from the top bar"));
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_EXEC, "crypt-disk-image-applet");
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_ICON, APPLICATION_ID);
  g_key_file_set_boolean (file, group, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  if (!enabled)
    g_key_file_set_boolean (file, group, G_KEY_FILE_DESKTOP_KEY_HIDDEN, TRUE);
  g_key_file_set_boolean (file, group, "X-GNOME-Autostart-enabled", enabled);
  /* Atomic: a session never reads half an entry */
  return g_key_file_save_to_file (file, path, error);
}

gboolean
cdi_autostart_set_enabled (gboolean   enabled,
                           GError   **error)
{
  g_autofree char *path = cdi_autostart_path ();

  /* Both ways a user entry, which replaces the installed one of the same basename: off is an
   * override rather than a removal, so an entry installed later (setup.sh, a package) cannot
   * start the applet against the user's choice; on is the same whatever is installed */
  return cdi_autostart_write (path, enabled, error);
}

static void
cdi_preferences_dialog_autostart_cb (CdiPreferencesDialog *self)
{
  gboolean wanted = gtk_switch_get_active (self->autostart);
  g_autoptr(GError) error = NULL;

  if (wanted == cdi_autostart_is_enabled ())
    return;
  if (!cdi_autostart_set_enabled (wanted, &error))
    {
      cdi_notify_error (G_APPLICATION (self->app), "autostart",
                        _("Could not change starting at login"), error);
      gtk_switch_set_active (self->autostart, !wanted);
    }
}

static void
cdi_preferences_dialog_dispose (GObject *object)
{
  CdiPreferencesDialog *self = CDI_PREFERENCES_DIALOG (object);

  g_clear_object (&self->app);
  G_OBJECT_CLASS (cdi_preferences_dialog_parent_class)->dispose (object);
}

static void
cdi_preferences_dialog_class_init (CdiPreferencesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cdi_preferences_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdiPreferencesDialog, show_files);
  gtk_widget_class_bind_template_child (widget_class, CdiPreferencesDialog, notifications);
  gtk_widget_class_bind_template_child (widget_class, CdiPreferencesDialog, close_on_lock);
  gtk_widget_class_bind_template_child (widget_class, CdiPreferencesDialog, close_on_suspend);
  gtk_widget_class_bind_template_child (widget_class, CdiPreferencesDialog, close_on_logout);
  gtk_widget_class_bind_template_child (widget_class, CdiPreferencesDialog, idle_minutes);
  gtk_widget_class_bind_template_child (widget_class, CdiPreferencesDialog, autostart);
  gtk_widget_class_bind_template_callback (widget_class, cdi_preferences_dialog_autostart_cb);
}

static void
cdi_preferences_dialog_init (CdiPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
cdi_preferences_dialog_present (CdiApplication *app)
{
  GSettings *settings = cdi_application_get_settings (app);
  CdiPreferencesDialog *self;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (CDI_IS_PREFERENCES_DIALOG (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  self = g_object_new (CDI_TYPE_PREFERENCES_DIALOG, "use-header-bar", FALSE, NULL);
  self->app = g_object_ref (app);
  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (app));
  g_settings_bind (settings, "show-files-on-open", self->show_files, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notifications", self->notifications, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "close-on-lock", self->close_on_lock, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "close-on-suspend", self->close_on_suspend, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "close-on-logout", self->close_on_logout, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "close-when-idle-minutes", self->idle_minutes, "value",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_switch_set_active (self->autostart, cdi_autostart_is_enabled ());
  g_signal_connect (self, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_window_present (GTK_WINDOW (self));
}
