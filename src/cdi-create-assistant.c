/* cdi-create-assistant.c - "New Encrypted Disk…": the assistant that creates and registers a disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-create-assistant.h"

#include <glib/gi18n.h>

#include "cdi-disk-creation.h"
#include "cdi-file-chooser.h"
#include "cdi-form.h"
#include "cdi-passphrase-generator.h"
#include "cdi-password-command.h"
#include "cdi-path-checks.h"
#include "cdi-preferences-dialog.h"
#include "cdi-size.h"

enum
{
  PAGE_LOCATION,
  PAGE_SIZE,
  PAGE_PASSPHRASE,
  PAGE_OPTIONS,
  PAGE_SUMMARY,
  PAGE_PROGRESS,
  PAGE_DONE,
};

struct _CdiCreateAssistant
{
  GtkAssistant parent_instance;

  CdiApplication *app;
  GtkWidget *location_page;
  GtkWidget *size_page;
  GtkWidget *passphrase_page;
  GtkWidget *progress_page;
  GtkEntry *name_entry;
  GtkEntry *image_entry;
  GtkEntry *mount_entry;
  GtkLabel *location_message;
  GtkSpinButton *size_spin;
  GtkLabel *free_label;
  GtkLabel *size_message;
  GtkToggleButton *generate_radio;
  GtkLabel *generated_label;
  GtkWidget *copy_button;
  GtkToggleButton *type_radio;
  GtkEntry *passphrase_entry;
  GtkEntry *confirm_entry;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkToggleButton *keep_keyring;
  GtkToggleButton *keep_command;
  GtkToggleButton *keep_nowhere;
  GtkEntry *command_entry;
  GtkLabel *passphrase_message;
  GtkToggleButton *trim_check;
  GtkToggleButton *lock_check;
  GtkToggleButton *suspend_check;
  GtkToggleButton *logout_check;
  GtkToggleButton *login_check;
  GtkLabel *summary_label;
  GtkLabel *error_label;
  GtkLabel *step_label;
  GtkProgressBar *progress_bar;
  GtkLabel *done_label;
  GtkToggleButton *open_now_check;
  GtkWidget *stop_button;   /* Cancel while creating: the progress page is a custom page */

  char *generated;          /* wiped when freed */
  gboolean image_edited;    /* the user typed a path: the name no longer sets it */
  gboolean mount_edited;
  gboolean updating;
  guint64 free_bytes;       /* 0: unknown */

  /* While creating */
  gboolean creating;
  gboolean cancelled;
  GCancellable *cancellable;
  guint pulse_id;
  char *name;               /* of the disk being made, or made */
  char *image;
  char *mountpoint;
};

G_DEFINE_FINAL_TYPE (CdiCreateAssistant, cdi_create_assistant, GTK_TYPE_ASSISTANT)

/* ---- page 1: name and places ---- */

static void
check_location (CdiCreateAssistant *self)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autofree char *image = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  g_autofree char *mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  cdi_problems_add (problems, cdi_check_name (store, gtk_entry_get_text (self->name_entry), NULL,
                                              &error), &error);
  cdi_problems_add (problems, cdi_check_new_image (store, image, &error), &error);
  cdi_problems_add (problems, cdi_check_mountpoint (store, mountpoint, NULL, &error), &error);
  cdi_problems_add (problems, cdi_check_distinct_places (image, mountpoint, &error), &error);
  ok = cdi_problems_show (problems, self->location_message);
  if (ok)
    cdi_set_message (self->location_message,
                     !g_file_test (mountpoint, G_FILE_TEST_EXISTS)
                     ? _("Both places are fine. The mount point folder is created with the disk.")
                     : _("Both places are fine."),
                     FALSE);
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->location_page, ok);
}

static void
cdi_create_assistant_name_changed_cb (CdiCreateAssistant *self)
{
  const char *name = gtk_entry_get_text (self->name_entry);

  self->updating = TRUE;
  if (!self->image_edited)
    {
      g_autofree char *folder = cdi_default_image_folder ();
      g_autofree char *file = g_strconcat (name, ".qcow2", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      gtk_entry_set_text (self->image_entry, *name != '\0' ? path : "");
    }
  if (!self->mount_edited)
    {
      g_autofree char *path = cdi_default_mountpoint (name);

      gtk_entry_set_text (self->mount_entry, path);
    }
  self->updating = FALSE;
  check_location (self);
}

static void
cdi_create_assistant_image_changed_cb (CdiCreateAssistant *self)
{
  if (!self->updating)
    self->image_edited = TRUE;
  check_location (self);
}

static void
cdi_create_assistant_mount_changed_cb (CdiCreateAssistant *self)
{
  if (!self->updating)
    self->mount_edited = TRUE;
  check_location (self);
}

static void
cdi_create_assistant_choose_image_cb (CdiCreateAssistant *self)
{
  cdi_choose_path (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("Image File"),
                   self->image_entry);
}

static void
cdi_create_assistant_choose_mount_cb (CdiCreateAssistant *self)
{
  cdi_choose_path (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Mount Point"),
                   self->mount_entry);
}

/* ---- page 2: size ---- */

static guint64
size_bytes (CdiCreateAssistant *self)
{
  return cdi_form_get_size (self->size_spin);
}

static void
update_free_space (CdiCreateAssistant *self)
{
  g_autofree char *path = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  g_autofree char *folder = NULL;
  g_autofree char *free_text = NULL;
  g_autofree char *text = NULL;

  /* The folder may not exist yet: the nearest one that does tells */
  self->free_bytes = cdi_free_space_for (path, &folder);
  if (self->free_bytes == 0)
    {
      gtk_label_set_text (self->free_label, _("The free space where the image goes is unknown."));
      return;
    }
  free_text = g_format_size_full (self->free_bytes, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: %s is a size like "20.5 GiB", then a folder */
  text = g_strdup_printf (_("Free space where the image goes: %s (in %s)"), free_text, folder);
  gtk_label_set_text (self->free_label, text);
}

static void
cdi_create_assistant_size_changed_cb (CdiCreateAssistant *self)
{
  guint64 bytes = size_bytes (self);
  g_autofree char *size_text = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *free_text = g_format_size_full (self->free_bytes, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *text = NULL;
  gboolean ok = bytes >= CDI_SIZE_MIN && bytes <= CDI_SIZE_MAX;

  if (!ok)
    cdi_set_message (self->size_message, _("A disk must have 64 MiB to 64 TiB."), TRUE);
  else if (self->free_bytes > 0 && bytes > self->free_bytes)
    {
      text = g_strdup_printf (_("The maximum (%s) is more than the free space (%s). The image "
                                "can grow until that file system is full; writing to the disk "
                                "then fails."), size_text, free_text);
      cdi_set_message (self->size_message, text, TRUE);
    }
  else
    cdi_set_message (self->size_message, NULL, FALSE);
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->size_page, ok);
}

/* ---- page 3: passphrase ---- */

static void
cdi_create_assistant_copy_cb (CdiCreateAssistant *self)
{
  GtkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self),
                                                      GDK_SELECTION_CLIPBOARD);

  if (self->generated == NULL)
    return;
  gtk_clipboard_set_text (clipboard, self->generated, -1);
  cdi_set_message (self->passphrase_message,
                   /* Translators: a security string */
                   _("The passphrase is on the clipboard. Paste it where you keep such things, "
                     "then copy something else over it."), FALSE);
}

static void
cdi_create_assistant_passphrase_changed_cb (CdiCreateAssistant *self)
{
  gboolean command = gtk_toggle_button_get_active (self->keep_command);
  gboolean nowhere = gtk_toggle_button_get_active (self->keep_nowhere);
  gboolean generate = !command && gtk_toggle_button_get_active (self->generate_radio);
  gboolean typing = !command && !generate;
  const char *typed = gtk_entry_get_text (self->passphrase_entry);
  const char *again = gtk_entry_get_text (self->confirm_entry);
  const char *message = NULL;
  gboolean complete = TRUE, is_error = FALSE;
  int strength = cdi_form_show_strength (self->strength_bar, self->strength_label, typed);

  gtk_widget_set_sensitive (GTK_WIDGET (self->generate_radio), !command);
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_radio), !command);
  gtk_widget_set_sensitive (GTK_WIDGET (self->generated_label), generate);
  gtk_widget_set_sensitive (self->copy_button, generate && self->generated != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_entry), typing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_entry), typing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->strength_bar), typing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->command_entry), command);

  if (command)
    {
      g_autoptr(GError) error = NULL;
      const char *text = gtk_entry_get_text (self->command_entry);

      if (*text == '\0')
        {
          complete = FALSE;
          message = _("Type the password command, such as “pass show disks/Documents”.");
        }
      else if (!cdi_password_command_parse (text, NULL, &error))
        {
          complete = FALSE;
          is_error = TRUE;
          cdi_set_message (self->passphrase_message, error->message, TRUE);
          gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->passphrase_page, FALSE);
          return;
        }
      else
        /* Translators: a security string */
        message = _("The first line the command prints is the passphrase. It runs when the disk "
                    "is created, and each time it opens.");
    }
  else if (generate)
    {
      complete = self->generated != NULL;
      if (nowhere)
        {
          is_error = TRUE;
          /* Translators: a security string */
          message = _("Copy the passphrase now and keep it safe: without it, nobody can open "
                      "the disk, you neither.");
        }
      else
        /* Translators: a security string */
        message = _("The keyring keeps it; copy it too, as a spare kept somewhere safe.");
    }
  else if (*typed == '\0')
    {
      complete = FALSE;
      message = _("Type the passphrase twice.");
    }
  else if (strlen (typed) > 1024)
    {
      complete = FALSE;
      is_error = TRUE;
      message = _("A passphrase may have at most 1024 bytes.");
    }
  else if (strcmp (typed, again) != 0)
    {
      complete = FALSE;
      is_error = *again != '\0';
      /* Translators: a security string */
      message = *again != '\0' ? _("The two passphrases differ.") : _("Type it again below.");
    }
  else if (strength < 2)
    /* Translators: a security string */
    message = _("This passphrase is easy to guess. A longer one, or a generated one, is safer.");
  cdi_set_message (self->passphrase_message, message, is_error);
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->passphrase_page, complete);
}

/* ---- page 5: summary ---- */

static CdiPassphraseSource
chosen_source (CdiCreateAssistant *self)
{
  return cdi_form_get_source (self->keep_keyring, self->keep_command);
}

static void
update_summary (CdiCreateAssistant *self)
{
  g_autofree char *image = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  g_autofree char *mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  g_autofree char *size = g_format_size_full (size_bytes (self), G_FORMAT_SIZE_IEC_UNITS);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();
  const char *passphrase;
  const char *kept;

  if (gtk_toggle_button_get_active (self->keep_command))
    passphrase = _("what the password command prints");
  else if (gtk_toggle_button_get_active (self->generate_radio))
    passphrase = _("generated");
  else
    passphrase = _("typed");
  switch (chosen_source (self))
    {
    case CDI_PASSPHRASE_SOURCE_KEYRING:
      kept = _("in the keyring");
      break;
    case CDI_PASSPHRASE_SOURCE_COMMAND:
      kept = _("by the password command");
      break;
    case CDI_PASSPHRASE_SOURCE_ASK:
    default:
      kept = _("nowhere: asked for at each open");
      break;
    }
  if (gtk_toggle_button_get_active (self->lock_check))
    g_ptr_array_add (rules, _("the screen locks"));
  if (gtk_toggle_button_get_active (self->suspend_check))
    g_ptr_array_add (rules, _("the computer sleeps"));
  if (gtk_toggle_button_get_active (self->logout_check))
    g_ptr_array_add (rules, _("you log out"));
  g_ptr_array_add (rules, NULL);

  g_string_append_printf (text, _("Name: %s"), gtk_entry_get_text (self->name_entry));
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Image file: %s, growing up to %s"), image, size);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Mount point: %s"), mountpoint);
  g_string_append_c (text, '\n');
  /* Translators: the passphrase is generated/typed/…, and kept in the keyring/… */
  g_string_append_printf (text, _("Passphrase: %s, kept %s"), passphrase, kept);
  g_string_append_c (text, '\n');
  g_string_append (text, gtk_toggle_button_get_active (self->trim_check)
                         ? _("Trimming: on (the image gives back the space of deleted files)")
                         : _("Trimming: off (the image never shrinks)"));
  g_string_append_c (text, '\n');
  if (rules->len > 1)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) rules->pdata);

      g_string_append_printf (text, _("Closes by itself when: %s"), joined);
    }
  else
    g_string_append (text, _("Closes only when you close it"));
  g_string_append_c (text, '\n');
  g_string_append (text, gtk_toggle_button_get_active (self->login_check)
                         ? _("Opens at login: yes") : _("Opens at login: no"));
  g_string_append (text, "\n\n");
  g_string_append (text, _("Apply creates the image and formats it. This takes a few seconds, "
                           "and may ask for your password."));
  gtk_label_set_text (self->summary_label, text->str);
}

static void
cdi_create_assistant_prepare_cb (CdiCreateAssistant *self,
                                 GtkWidget          *page)
{
  int current = gtk_assistant_get_current_page (GTK_ASSISTANT (self));

  if (current == PAGE_SIZE)
    {
      update_free_space (self);
      cdi_create_assistant_size_changed_cb (self);
    }
  else if (current == PAGE_PASSPHRASE)
    cdi_create_assistant_passphrase_changed_cb (self);
  else if (current == PAGE_OPTIONS)
    gtk_assistant_set_page_complete (GTK_ASSISTANT (self), page, TRUE);
  else if (current == PAGE_SUMMARY)
    {
      update_summary (self);
      gtk_assistant_set_page_complete (GTK_ASSISTANT (self), page, TRUE);
    }
}

/* GtkAssistant titles the window after the page; keep what the window is for in front */
static void
title_changed_cb (CdiCreateAssistant *self)
{
  const char *title = gtk_window_get_title (GTK_WINDOW (self));
  /* Translators: window title; %s is the title of the assistant's page */
  g_autofree char *wanted = g_strdup_printf (_("New Encrypted Disk: %s"),
                                             title != NULL ? title : "");
  const char *prefix = _("New Encrypted Disk");

  if (title == NULL || g_str_has_prefix (title, prefix))
    return;
  gtk_window_set_title (GTK_WINDOW (self), wanted);
}

/* ---- creating ---- */

static gboolean
pulse_cb (gpointer user_data)
{
  CdiCreateAssistant *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
progress_cb (const char *step,
             gpointer    user_data)
{
  CdiCreateAssistant *self = user_data;

  gtk_label_set_text (self->step_label, step);
}

static void
stop_creating (CdiCreateAssistant *self)
{
  self->creating = FALSE;
  gtk_widget_hide (self->stop_button);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  g_clear_object (&self->cancellable);
}

static void
creation_failed (CdiCreateAssistant *self,
                 const GError       *error)
{
  g_autofree char *text = NULL;

  stop_creating (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup (_("The disk was not created: permission was not given. Nothing was left "
                       "behind."));
  else
    /* Translators: %s is the reason */
    text = g_strdup_printf (_("The disk was not created: %s\nNothing was left behind. Change "
                              "something and try again, or cancel."), error->message);
  gtk_label_set_text (self->error_label, text);
  gtk_widget_show (GTK_WIDGET (self->error_label));
  gtk_assistant_previous_page (GTK_ASSISTANT (self));
}

/* The passphrase ended up kept nowhere although the user chose the keyring: a generated one
 * is then shown once more, since nothing else knows it */
static void
note_generated_passphrase (CdiCreateAssistant *self,
                           GString            *notes)
{
  if (!gtk_toggle_button_get_active (self->generate_radio) || self->generated == NULL)
    return;
  g_string_append (notes, "\n");
  g_string_append_printf (notes,
                          /* Translators: a security message; %s is the passphrase */
                          _("Write the passphrase down now and keep it safe: %s"),
                          self->generated);
  gtk_label_set_selectable (self->done_label, TRUE);
}

static void
finish (CdiCreateAssistant *self,
        CdiDisk            *disk,
        const char         *creation_notes)
{
  g_autoptr(GString) notes = g_string_new (creation_notes);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  stop_creating (self);
  if (chosen_source (self) == CDI_PASSPHRASE_SOURCE_KEYRING
      && cdi_disk_get_passphrase_source (disk) != CDI_PASSPHRASE_SOURCE_KEYRING)
    note_generated_passphrase (self, notes);
  if (cdi_disk_get_open_at_login (disk) && !cdi_autostart_set_enabled (TRUE, &error))
    {
      if (notes->len > 0)
        g_string_append_c (notes, '\n');
      g_string_append_printf (notes, _("Opening at login could not be set up: %s"),
                              error->message);
    }
  g_string_append_printf (text, _("“%s” is ready and closed. Its image is %s; once open, its "
                                  "files are in %s."), self->name, self->image,
                          self->mountpoint);
  if (notes->len > 0)
    g_string_append_printf (text, "\n\n%s", notes->str);
  gtk_label_set_text (self->done_label, text->str);
  gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->progress_page, TRUE);
  gtk_assistant_commit (GTK_ASSISTANT (self));
  gtk_assistant_next_page (GTK_ASSISTANT (self));
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CdiCreateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(CdiDisk) disk = cdi_disk_creation_run_finish (result, &notes, &error);

  if (self->cancelled)
    {
      /* What was made is gone again; or, cancelled too late, the disk is registered and stays */
      stop_creating (self);
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  if (disk == NULL)
    {
      creation_failed (self, error);
      return;
    }
  finish (self, disk, notes);
}

static CdiTristate
rule_value (CdiCreateAssistant *self,
            GtkToggleButton    *check,
            const char         *key)
{
  gboolean wanted = gtk_toggle_button_get_active (check);

  /* Left as the preferences say: the disk follows them when they change */
  if (wanted == g_settings_get_boolean (cdi_application_get_settings (self->app), key))
    return CDI_TRISTATE_DEFAULT;
  return wanted ? CDI_TRISTATE_TRUE : CDI_TRISTATE_FALSE;
}

static gboolean
start_idle_cb (gpointer user_data)
{
  CdiCreateAssistant *self = user_data;
  g_autoptr(CdiPassphrase) passphrase = NULL;
  CdiDiskRequest request = {
    .name = self->name,
    .image = self->image,
    .mountpoint = self->mountpoint,
    .size_bytes = size_bytes (self),
    .source = chosen_source (self),
    .trim = gtk_toggle_button_get_active (self->trim_check),
    .close_on_lock = rule_value (self, self->lock_check, "close-on-lock"),
    .close_on_suspend = rule_value (self, self->suspend_check, "close-on-suspend"),
    .close_on_logout = rule_value (self, self->logout_check, "close-on-logout"),
    .open_at_login = gtk_toggle_button_get_active (self->login_check),
  };

  if (self->cancelled)
    {
      stop_creating (self);
      gtk_widget_destroy (GTK_WIDGET (self));
      return G_SOURCE_REMOVE;
    }
  if (request.source == CDI_PASSPHRASE_SOURCE_COMMAND)
    request.password_command = gtk_entry_get_text (self->command_entry);
  else if (gtk_toggle_button_get_active (self->generate_radio))
    passphrase = cdi_passphrase_new (self->generated, strlen (self->generated));
  else
    {
      const char *typed = gtk_entry_get_text (self->passphrase_entry);

      passphrase = cdi_passphrase_new (typed, strlen (typed));
    }
  request.passphrase = passphrase;
  cdi_disk_creation_run_async (cdi_application_get_store (self->app), &request, progress_cb, self,
                               self->cancellable, created_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
cdi_create_assistant_apply_cb (CdiCreateAssistant *self)
{
  g_free (self->name);
  g_free (self->image);
  g_free (self->mountpoint);
  self->name = g_strdup (gtk_entry_get_text (self->name_entry));
  self->image = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  self->mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  self->creating = TRUE;
  self->cancellable = g_cancellable_new ();
  gtk_widget_show (self->stop_button);
  gtk_widget_hide (GTK_WIDGET (self->error_label));
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->progress_page, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  self->pulse_id = g_timeout_add (100, pulse_cb, self);
  gtk_label_set_text (self->step_label, _("Starting"));
  /* GtkAssistant emits "apply" before it shows the progress page: start from the main loop,
   * so that a failure can go back from there */
  g_idle_add_full (G_PRIORITY_DEFAULT, start_idle_cb, g_object_ref (self), g_object_unref);
}

static void
cdi_create_assistant_cancel_cb (CdiCreateAssistant *self)
{
  if (self->creating)
    {
      /* The running step ends first (a helper is never stopped half way); then what was made
       * is removed (cdi-disk-creation.h) and the assistant goes */
      self->cancelled = TRUE;
      g_cancellable_cancel (self->cancellable);
      gtk_widget_hide (GTK_WIDGET (self));
      return;
    }
  gtk_widget_destroy (GTK_WIDGET (self));
}

static void
cdi_create_assistant_close_cb (CdiCreateAssistant *self)
{
  g_autofree char *name = g_strdup (self->name);
  gboolean open_now = gtk_toggle_button_get_active (self->open_now_check);
  CdiApplication *app = g_object_ref (self->app);

  gtk_widget_destroy (GTK_WIDGET (self));
  if (open_now && name != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), "open", g_variant_new_string (name));
  g_object_unref (app);
}

/* ---- the class ---- */

static void
cdi_create_assistant_dispose (GObject *object)
{
  CdiCreateAssistant *self = CDI_CREATE_ASSISTANT (object);

  g_clear_handle_id (&self->pulse_id, g_source_remove);
  g_clear_object (&self->app);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cdi_create_assistant_parent_class)->dispose (object);
}

static void
cdi_create_assistant_finalize (GObject *object)
{
  CdiCreateAssistant *self = CDI_CREATE_ASSISTANT (object);

  if (self->generated != NULL)
    cdi_passphrase_wipe (self->generated, strlen (self->generated));
  g_free (self->generated);
  g_free (self->name);
  g_free (self->image);
  g_free (self->mountpoint);
  G_OBJECT_CLASS (cdi_create_assistant_parent_class)->finalize (object);
}

static void
cdi_create_assistant_class_init (CdiCreateAssistantClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cdi_create_assistant_dispose;
  object_class->finalize = cdi_create_assistant_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-create-assistant.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdiCreateAssistant, name)
  BIND (location_page);
  BIND (size_page);
  BIND (passphrase_page);
  BIND (progress_page);
  BIND (name_entry);
  BIND (image_entry);
  BIND (mount_entry);
  BIND (location_message);
  BIND (size_spin);
  BIND (free_label);
  BIND (size_message);
  BIND (generate_radio);
  BIND (generated_label);
  BIND (copy_button);
  BIND (type_radio);
  BIND (passphrase_entry);
  BIND (confirm_entry);
  BIND (strength_bar);
  BIND (strength_label);
  BIND (keep_keyring);
  BIND (keep_command);
  BIND (keep_nowhere);
  BIND (command_entry);
  BIND (passphrase_message);
  BIND (trim_check);
  BIND (lock_check);
  BIND (suspend_check);
  BIND (logout_check);
  BIND (login_check);
  BIND (summary_label);
  BIND (error_label);
  BIND (step_label);
  BIND (progress_bar);
  BIND (done_label);
  BIND (open_now_check);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_prepare_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_close_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_image_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_mount_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_choose_image_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_choose_mount_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_size_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cdi_create_assistant_copy_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           cdi_create_assistant_passphrase_changed_cb);
}

static void
cdi_create_assistant_init (CdiCreateAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::title", G_CALLBACK (title_changed_cb), NULL);
  self->stop_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_set_tooltip_text (self->stop_button, _("The step that runs ends first; then what "
                                                    "was made is removed"));
  g_signal_connect_swapped (self->stop_button, "clicked",
                            G_CALLBACK (cdi_create_assistant_cancel_cb), self);
  gtk_assistant_add_action_widget (GTK_ASSISTANT (self), self->stop_button);
}

/* A name no disk has yet: "Private", "Private-2", … */
static char *
unused_name (CdiDiskStore *store)
{
  const char *base = cdi_disk_name_is_valid (_("Private")) ? _("Private") : "Private";
  char *name = g_strdup (base);

  for (guint i = 2; cdi_disk_store_lookup (store, name) != NULL && i < 1000; i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, i);
    }
  return name;
}

void
cdi_create_assistant_present (CdiApplication *app)
{
  GSettings *settings = cdi_application_get_settings (app);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_autoptr(GError) error = NULL;
  g_autofree char *default_size = NULL;
  g_autofree char *name = NULL;
  guint64 bytes = 0;
  CdiCreateAssistant *self;

  for (GList *l = windows; l != NULL; l = l->next)
    if (CDI_IS_CREATE_ASSISTANT (l->data) && gtk_widget_get_visible (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  self = g_object_new (CDI_TYPE_CREATE_ASSISTANT, "use-header-bar", FALSE, NULL);
  self->app = g_object_ref (app);
  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (app));

  default_size = g_settings_get_string (settings, "default-size");
  if (cdi_size_parse (default_size, &bytes, NULL) && bytes >= CDI_SIZE_MIN)
    gtk_spin_button_set_value (self->size_spin, (double) bytes / (1 << 30));
  gtk_toggle_button_set_active (self->lock_check,
                                g_settings_get_boolean (settings, "close-on-lock"));
  gtk_toggle_button_set_active (self->suspend_check,
                                g_settings_get_boolean (settings, "close-on-suspend"));
  gtk_toggle_button_set_active (self->logout_check,
                                g_settings_get_boolean (settings, "close-on-logout"));

  self->generated = cdi_generate_passphrase (CDI_GENERATED_PASSPHRASE_LENGTH, &error);
  if (self->generated != NULL)
    gtk_label_set_text (self->generated_label, self->generated);
  else
    {
      gtk_label_set_text (self->generated_label, error->message);
      gtk_toggle_button_set_active (self->type_radio, TRUE);
    }

  name = unused_name (cdi_application_get_store (app));
  gtk_entry_set_text (self->name_entry, name);
  cdi_create_assistant_passphrase_changed_cb (self);
  gtk_window_present (GTK_WINDOW (self));
}
