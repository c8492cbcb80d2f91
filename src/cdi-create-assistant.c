/* cdi-create-assistant.c - "New Encrypted Disk…": the assistant that creates and registers a disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-create-assistant.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
#include "cdi-image.h"
#include "cdi-password-command.h"
#include "cdi-preferences-dialog.h"
#include "cdi-secret.h"
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
  char *name;
  char *image;
  char *mountpoint;
  char *made_folder;        /* the image's folder, when this assistant created it */
  gboolean mount_existed;
  guint64 size_bytes;
  CdiPassphraseSource source;
  char *command;
  char *uuid;
  CdiPassphrase *passphrase;
  GString *notes;           /* told on the last page */
};

G_DEFINE_FINAL_TYPE (CdiCreateAssistant, cdi_create_assistant, GTK_TYPE_ASSISTANT)

/* ---- shared with the add and properties dialogs ---- */

char *
cdi_generate_passphrase (guint    length,
                         GError **error)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const guint n = sizeof alphabet - 1;                 /* 62 */
  const guint limit = 256 - (256 % n);                 /* 248: no modulo bias below it */
  char *text = g_malloc0 (length + 1);
  guint filled = 0;

  while (filled < length)
    {
      guint8 buf[64];
      ssize_t got = getrandom (buf, sizeof buf, 0);

      if (got < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          cdi_passphrase_wipe (text, length);
          g_free (text);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("No random numbers for a passphrase: %s"), g_strerror (saved));
          return NULL;
        }
      for (ssize_t i = 0; i < got && filled < length; i++)
        if (buf[i] < limit)
          text[filled++] = alphabet[buf[i] % n];
      cdi_passphrase_wipe (buf, sizeof buf);
    }
  return text;
}

/* 0 (very weak) to 4 (strong), from the length and the kinds of characters: a hint, not a
 * measure of a human-chosen phrase, which is weaker than its character count suggests */
int
cdi_passphrase_strength (const char *text)
{
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE;
  guint pool = 0;
  glong length = g_utf8_strlen (text, -1);
  double bits;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_islower (*p))
        lower = TRUE;
      else if (g_ascii_isupper (*p))
        upper = TRUE;
      else if (g_ascii_isdigit (*p))
        digit = TRUE;
      else
        other = TRUE;
    }
  pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
  if (length == 0 || pool == 0)
    return 0;
  /* bits per character, roughly log2 (pool), without libm */
  bits = length * (g_bit_storage (pool) - 0.5);
  if (bits < 40)
    return 0;
  if (bits < 56)
    return 1;
  if (bits < 72)
    return 2;
  if (bits < 100)
    return 3;
  return 4;
}

const char *
cdi_passphrase_strength_text (int strength)
{
  switch (strength)
    {
    case 0:
      /* Translators: passphrase strength; a security string */
      return _("Very weak");
    case 1:
      /* Translators: passphrase strength; a security string */
      return _("Weak");
    case 2:
      /* Translators: passphrase strength; a security string */
      return _("Fair");
    case 3:
      /* Translators: passphrase strength; a security string */
      return _("Good");
    default:
      /* Translators: passphrase strength; a security string */
      return _("Strong");
    }
}

/* A typed path: surrounding spaces dropped, a leading "~" is the home folder, and an absolute
 * path is canonicalized ("/a//b/../c/" -> "/a/c"); a relative one is returned as it is */
char *
cdi_expand_path (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (g_strcmp0 (copy, "~") == 0 || g_str_has_prefix (copy, "~/"))
    {
      g_autofree char *home = g_build_filename (g_get_home_dir (), copy + 1, NULL);

      return g_canonicalize_filename (home, NULL);
    }
  if (g_path_is_absolute (copy))
    return g_canonicalize_filename (copy, NULL);
  return g_steal_pointer (&copy);
}

gboolean
cdi_check_name (CdiDiskStore  *store,
                const char    *name,
                CdiDisk       *self_disk,
                GError       **error)
{
  CdiDisk *other;

  if (*name == '\0')
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, _("Choose a name for the disk."));
      return FALSE;
    }
  if (!cdi_disk_name_is_valid (name))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("“%s” cannot be the name of a disk: use letters, digits, “.”, “_” and "
                     "“-”, at most 64."), name);
      return FALSE;
    }
  other = cdi_disk_store_lookup (store, name);
  if (other != NULL && other != self_disk)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS, _("There is already a disk named “%s”."),
                   name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
folder_is_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) == NULL;
}

static gboolean
parent_is_folder (const char  *path,
                  GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_file_test (parent, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND, _("The folder %s does not exist."), parent);
  return FALSE;
}

/* A mount point must be an empty folder of the user's (not a symbolic link), or not exist yet
 * in a folder that does; and no other disk may use it */
gboolean
cdi_check_mountpoint (CdiDiskStore  *store,
                      const char    *path,
                      CdiDisk       *self_disk,
                      GError       **error)
{
  struct stat st;
  CdiDisk *other;

  if (*path == '\0')
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("Choose the mount point: the folder where the disk’s files appear."));
      return FALSE;
    }
  if (!g_path_is_absolute (path))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The mount point must be a full path, starting with “/” or “~”."));
      return FALSE;
    }
  other = cdi_disk_store_lookup_by_mountpoint (store, path);
  if (other != NULL && other != self_disk)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                   _("%s is already the mount point of “%s”."), path, cdi_disk_get_name (other));
      return FALSE;
    }
  if (g_lstat (path, &st) != 0)
    {
      int saved = errno;

      if (saved != ENOENT)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot use %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      return parent_is_folder (path, error);
    }
  if (S_ISLNK (st.st_mode))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message */
                   _("%s is a symbolic link. Choose a folder."), path);
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT, _("%s is not a folder."), path);
      return FALSE;
    }
  if (st.st_uid != getuid ())
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message */
                   _("%s belongs to someone else. Choose a folder of yours."), path);
      return FALSE;
    }
  if ((self_disk == NULL || g_strcmp0 (cdi_disk_get_mountpoint (self_disk), path) != 0)
      && !folder_is_empty (path))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                   _("%s is not empty. Choose an empty folder, or a name that does not exist "
                     "yet."), path);
      return FALSE;
    }
  return TRUE;
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     GtkEntry        *entry)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));

      if (path != NULL)
        gtk_entry_set_text (entry, path);
    }
  g_object_unref (entry);
  g_object_unref (chooser);
}

/* Opens a file chooser on @entry's path; accepting puts the chosen path into @entry */
void
cdi_choose_path (GtkWindow            *parent,
                 GtkFileChooserAction  action,
                 const char           *title,
                 GtkEntry             *entry)
{
  GtkFileChooserNative *chooser;
  g_autofree char *current = cdi_expand_path (gtk_entry_get_text (entry));
  g_autofree char *folder = NULL;

  chooser = gtk_file_chooser_native_new (title, parent, action, NULL, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), FALSE);
  if (action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER)
    gtk_file_chooser_set_create_folders (GTK_FILE_CHOOSER (chooser), TRUE);
  if (g_path_is_absolute (current))
    {
      g_autofree char *base = g_path_get_basename (current);

      folder = g_path_get_dirname (current);
      if (g_file_test (folder, G_FILE_TEST_IS_DIR))
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder);
      if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
        gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), base);
      else if (g_file_test (current, G_FILE_TEST_EXISTS))
        gtk_file_chooser_set_filename (GTK_FILE_CHOOSER (chooser), current);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (entry));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* A check's message under the fields: red when it stops the page, plain otherwise */
void
cdi_set_message (GtkLabel   *label,
                 const char *text,
                 gboolean    is_error)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (label));

  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
  if (is_error)
    {
      gtk_style_context_add_class (style, "error");
      gtk_style_context_remove_class (style, "dim-label");
    }
  else
    {
      gtk_style_context_remove_class (style, "error");
      gtk_style_context_add_class (style, "dim-label");
    }
}

/* ---- page 1: name and places ---- */

static char *
default_image_folder (void)
{
  return g_build_filename (g_get_user_data_dir (), "crypt-disk-image", NULL);
}

static gboolean
check_image (CdiCreateAssistant  *self,
             const char          *path,
             GError             **error)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autofree char *parent = NULL;
  g_autofree char *default_folder = default_image_folder ();
  struct stat st;
  CdiDisk *other;

  if (*path == '\0')
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("Choose where the image file goes."));
      return FALSE;
    }
  if (!g_path_is_absolute (path))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The image file must be a full path, starting with “/” or “~”."));
      return FALSE;
    }
  other = cdi_disk_store_lookup_by_image (store, path);
  if (other != NULL)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS, _("%s is already the image of “%s”."),
                   path, cdi_disk_get_name (other));
      return FALSE;
    }
  if (g_lstat (path, &st) == 0)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                   _("%s already exists. Choose another file name: an existing file is never "
                     "overwritten."), path);
      return FALSE;
    }
  if (errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot use %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  parent = g_path_get_dirname (path);
  if (g_strcmp0 (parent, default_folder) == 0)
    return TRUE;  /* made when the disk is created */
  return parent_is_folder (path, error);
}

static void
check_location (CdiCreateAssistant *self)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autofree char *image = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  g_autofree char *mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean mount_missing;

  if (!cdi_check_name (store, gtk_entry_get_text (self->name_entry), NULL, &error))
    g_string_append_printf (problems, "%s\n", error->message);
  g_clear_error (&error);
  if (!check_image (self, image, &error))
    g_string_append_printf (problems, "%s\n", error->message);
  g_clear_error (&error);
  if (!cdi_check_mountpoint (store, mountpoint, NULL, &error))
    g_string_append_printf (problems, "%s\n", error->message);
  g_clear_error (&error);
  if (*image != '\0' && g_strcmp0 (image, mountpoint) == 0)
    g_string_append_printf (problems, "%s\n",
                            _("The image file and the mount point must be different."));

  if (problems->len > 0)
    {
      g_string_truncate (problems, problems->len - 1);
      cdi_set_message (self->location_message, problems->str, TRUE);
    }
  else
    {
      mount_missing = !g_file_test (mountpoint, G_FILE_TEST_EXISTS);
      cdi_set_message (self->location_message,
                       mount_missing ? _("Both places are fine. The mount point folder is "
                                         "created with the disk.")
                                     : _("Both places are fine."),
                       FALSE);
    }
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->location_page, problems->len == 0);
}

static void
cdi_create_assistant_name_changed_cb (CdiCreateAssistant *self)
{
  const char *name = gtk_entry_get_text (self->name_entry);

  self->updating = TRUE;
  if (!self->image_edited)
    {
      g_autofree char *folder = default_image_folder ();
      g_autofree char *file = g_strconcat (name, ".qcow2", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      gtk_entry_set_text (self->image_entry, *name != '\0' ? path : "");
    }
  if (!self->mount_edited)
    {
      g_autofree char *path = g_build_filename (g_get_home_dir (), name, NULL);

      gtk_entry_set_text (self->mount_entry, *name != '\0' ? path : "");
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
  /* whole MiB, so the size suits qemu-img and a later grow alike */
  return (guint64) (gtk_spin_button_get_value (self->size_spin) * 1024 + 0.5) << 20;
}

static void
update_free_space (CdiCreateAssistant *self)
{
  g_autofree char *path = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *free_text = NULL;
  g_autofree char *text = NULL;

  /* The folder may not exist yet: ask the nearest one that does */
  while (!g_file_test (folder, G_FILE_TEST_IS_DIR) && strcmp (folder, "/") != 0)
    {
      char *up = g_path_get_dirname (folder);

      g_free (folder);
      folder = up;
    }
  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) file = g_file_new_for_path (folder);

      info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
    }
  self->free_bytes = info != NULL ? g_file_info_get_attribute_uint64 (info,
                                                                      G_FILE_ATTRIBUTE_FILESYSTEM_FREE)
                                  : 0;
  if (info == NULL)
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
  int strength = cdi_passphrase_strength (typed);

  gtk_widget_set_sensitive (GTK_WIDGET (self->generate_radio), !command);
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_radio), !command);
  gtk_widget_set_sensitive (GTK_WIDGET (self->generated_label), generate);
  gtk_widget_set_sensitive (self->copy_button, generate && self->generated != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_entry), typing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_entry), typing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->strength_bar), typing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->command_entry), command);
  gtk_level_bar_set_value (self->strength_bar, *typed != '\0' ? strength + 0.001 : 0);
  gtk_label_set_text (self->strength_label, *typed != '\0' ? cdi_passphrase_strength_text (strength)
                                                           : "");

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
  if (gtk_toggle_button_get_active (self->keep_command))
    return CDI_PASSPHRASE_SOURCE_COMMAND;
  if (gtk_toggle_button_get_active (self->keep_nowhere))
    return CDI_PASSPHRASE_SOURCE_ASK;
  return CDI_PASSPHRASE_SOURCE_KEYRING;
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
  g_clear_pointer (&self->passphrase, cdi_passphrase_unref);
  g_clear_object (&self->cancellable);
}

/* The image folder this assistant made goes again if the creation left it empty */
static void
remove_made_folder (CdiCreateAssistant *self)
{
  if (self->made_folder != NULL)
    g_rmdir (self->made_folder);
  g_clear_pointer (&self->made_folder, g_free);
}

/* After a creation that succeeded but must not stay (cancelled meanwhile, or not registered) */
static void
undo_created (CdiCreateAssistant *self)
{
  g_unlink (self->image);
  if (!self->mount_existed)
    g_rmdir (self->mountpoint);
  remove_made_folder (self);
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

static void
finish (CdiCreateAssistant *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  stop_creating (self);
  g_string_append_printf (text, _("“%s” is ready and closed. Its image is %s; once open, its "
                                  "files are in %s."), self->name, self->image,
                          self->mountpoint);
  if (self->notes->len > 0)
    g_string_append_printf (text, "\n\n%s", self->notes->str);
  gtk_label_set_text (self->done_label, text->str);
  gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->progress_page, TRUE);
  gtk_assistant_commit (GTK_ASSISTANT (self));
  gtk_assistant_next_page (GTK_ASSISTANT (self));
}

/* The passphrase ended up kept nowhere although the user chose the keyring: a generated one
 * is then shown once more, since nothing else knows it */
static void
note_generated_passphrase (CdiCreateAssistant *self)
{
  if (!gtk_toggle_button_get_active (self->generate_radio) || self->generated == NULL)
    return;
  g_string_append (self->notes, "\n");
  g_string_append_printf (self->notes,
                          /* Translators: a security message; %s is the passphrase */
                          _("Write the passphrase down now and keep it safe: %s"),
                          self->generated);
  gtk_label_set_selectable (self->done_label, TRUE);
}

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CdiCreateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  CdiDisk *disk;

  if (!cdi_secret_store_finish (result, &error))
    {
      disk = cdi_disk_store_lookup (cdi_application_get_store (self->app), self->name);
      if (disk != NULL)
        {
          g_autoptr(GError) save_error = NULL;

          cdi_disk_set_passphrase_source (disk, CDI_PASSPHRASE_SOURCE_ASK);
          if (!cdi_disk_store_save (cdi_application_get_store (self->app), &save_error))
            g_warning ("Could not save the list of disks: %s", save_error->message);
        }
      g_string_append_printf (self->notes,
                              /* Translators: a security message; %s is the reason */
                              _("The passphrase could not be kept in the keyring (%s): the "
                                "disk asks for it when it opens."), error->message);
      note_generated_passphrase (self);
    }
  if (self->cancelled)
    {
      /* Cancelled too late: the disk is made and registered, so it stays */
      stop_creating (self);
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  finish (self);
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
register_disk (CdiCreateAssistant  *self,
               GError             **error)
{
  CdiDiskStore *store = cdi_application_get_store (self->app);
  g_autoptr(CdiDisk) disk = cdi_disk_new (self->name, self->image, self->mountpoint);
  CdiPassphraseSource source = self->source;

  if (source == CDI_PASSPHRASE_SOURCE_KEYRING && self->uuid == NULL)
    {
      source = CDI_PASSPHRASE_SOURCE_ASK;
      g_string_append (self->notes, _("The helper did not report the disk’s LUKS UUID, so the "
                                      "passphrase is not in the keyring: the disk asks for it "
                                      "when it opens."));
      note_generated_passphrase (self);
    }
  cdi_disk_set_uuid (disk, self->uuid);
  cdi_disk_set_passphrase_source (disk, source);
  cdi_disk_set_password_command (disk, self->command);
  cdi_disk_set_trim (disk, gtk_toggle_button_get_active (self->trim_check));
  cdi_disk_set_close_on_lock (disk, rule_value (self, self->lock_check, "close-on-lock"));
  cdi_disk_set_close_on_suspend (disk, rule_value (self, self->suspend_check,
                                                   "close-on-suspend"));
  cdi_disk_set_close_on_logout (disk, rule_value (self, self->logout_check, "close-on-logout"));
  if (!cdi_disk_store_add (store, disk, error))
    return FALSE;
  if (!cdi_disk_store_save (store, error))
    {
      cdi_disk_store_remove (store, self->name, NULL);
      return FALSE;
    }
  self->source = source;
  return TRUE;
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CdiCreateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  if (!cdi_image_create_finish (result, &uuid, &error))
    {
      remove_made_folder (self);
      if (self->cancelled)
        {
          stop_creating (self);
          gtk_widget_destroy (GTK_WIDGET (self));
          return;
        }
      creation_failed (self, error);
      return;
    }
  if (self->cancelled)
    {
      /* Cancelled while the helper formatted: what it made goes again */
      undo_created (self);
      stop_creating (self);
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  self->uuid = g_steal_pointer (&uuid);
  if (!register_disk (self, &error))
    {
      undo_created (self);
      g_prefix_error (&error, _("It could not be added to the list of disks: "));
      creation_failed (self, error);
      return;
    }
  g_clear_pointer (&self->made_folder, g_free);

  if (gtk_toggle_button_get_active (self->login_check))
    {
      g_autoptr(GError) login_error = NULL;

      if (!cdi_application_set_open_at_login (self->app, self->name, TRUE, &login_error)
          || !cdi_autostart_set_enabled (TRUE, &login_error))
        g_string_append_printf (self->notes, _("Opening at login could not be set up: %s\n"),
                                login_error->message);
    }
  if (self->source == CDI_PASSPHRASE_SOURCE_KEYRING)
    {
      gtk_label_set_text (self->step_label, _("Keeping the passphrase in the keyring"));
      cdi_secret_store_async (self->uuid, self->name, self->passphrase, NULL, secret_stored_cb,
                              g_object_ref (self));
      return;
    }
  finish (self);
}

static void
start_create (CdiCreateAssistant *self)
{
  g_autofree char *folder = g_path_get_dirname (self->image);
  CdiHelperFormatOptions options = { 0 };

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved = errno;
          g_autoptr(GError) error = g_error_new (G_IO_ERROR, g_io_error_from_errno (saved),
                                                 _("Cannot create the folder %s: %s"), folder,
                                                 g_strerror (saved));

          creation_failed (self, error);
          return;
        }
      self->made_folder = g_steal_pointer (&folder);
    }
  self->mount_existed = g_file_test (self->mountpoint, G_FILE_TEST_EXISTS);
  if (strlen (self->name) <= CDI_HELPER_LABEL_MAX)
    options.label = self->name;  /* kept until the creation ends */
  /* No cancellable: a cancelled GTask reports "cancelled" even when the image was made, and
   * the image would then stay behind unnoticed. A cancel waits for the real result instead,
   * and removes what was made (created_cb). */
  cdi_image_create_async (self->image, self->size_bytes, self->mountpoint, self->passphrase,
                          &options, progress_cb, self, /* cancellable= */ NULL, created_cb,
                          g_object_ref (self));
}

static void
command_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CdiCreateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;

  self->passphrase = cdi_password_command_run_finish (result, &error);
  if (self->cancelled)
    {
      stop_creating (self);
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  if (self->passphrase == NULL)
    {
      g_prefix_error (&error, _("The password command failed: "));
      creation_failed (self, error);
      return;
    }
  start_create (self);
}

static gboolean
start_idle_cb (gpointer user_data)
{
  CdiCreateAssistant *self = user_data;

  if (self->cancelled)
    {
      stop_creating (self);
      gtk_widget_destroy (GTK_WIDGET (self));
    }
  else if (self->source == CDI_PASSPHRASE_SOURCE_COMMAND)
    {
      gtk_label_set_text (self->step_label, _("Running the password command"));
      cdi_password_command_run_async (self->command, CDI_PASSWORD_COMMAND_TIMEOUT_SECONDS,
                                      self->cancellable, command_cb, g_object_ref (self));
    }
  else
    start_create (self);
  return G_SOURCE_REMOVE;
}

static void
cdi_create_assistant_apply_cb (CdiCreateAssistant *self)
{
  const char *command = gtk_entry_get_text (self->command_entry);

  g_free (self->name);
  g_free (self->image);
  g_free (self->mountpoint);
  g_clear_pointer (&self->command, g_free);
  g_clear_pointer (&self->uuid, g_free);
  g_string_truncate (self->notes, 0);
  self->name = g_strdup (gtk_entry_get_text (self->name_entry));
  self->image = cdi_expand_path (gtk_entry_get_text (self->image_entry));
  self->mountpoint = cdi_expand_path (gtk_entry_get_text (self->mount_entry));
  self->size_bytes = size_bytes (self);
  self->source = chosen_source (self);
  self->creating = TRUE;
  self->cancellable = g_cancellable_new ();
  gtk_widget_show (self->stop_button);
  gtk_widget_hide (GTK_WIDGET (self->error_label));
  gtk_assistant_set_page_complete (GTK_ASSISTANT (self), self->progress_page, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  self->pulse_id = g_timeout_add (100, pulse_cb, self);

  if (self->source == CDI_PASSPHRASE_SOURCE_COMMAND)
    self->command = g_strdup (command);
  else if (gtk_toggle_button_get_active (self->generate_radio))
    self->passphrase = cdi_passphrase_new (self->generated, strlen (self->generated));
  else
    {
      const char *typed = gtk_entry_get_text (self->passphrase_entry);

      self->passphrase = cdi_passphrase_new (typed, strlen (typed));
    }
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
       * is removed and the assistant goes */
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
  g_clear_pointer (&self->passphrase, cdi_passphrase_unref);
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
  g_free (self->made_folder);
  g_free (self->command);
  g_free (self->uuid);
  g_string_free (self->notes, TRUE);
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
  self->notes = g_string_new (NULL);
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
