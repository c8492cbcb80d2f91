/* cdi-file-chooser.c - the native file choosers of the disk dialogs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-file-chooser.h"

#include "cdi-path-checks.h"

/* A chooser on @current (an absolute path, or NULL): its folder is shown, and a save chooser
 * proposes its name; @accept_label NULL is the toolkit's default */
GtkFileChooserNative *
cdi_file_chooser_new (GtkWindow            *parent,
                      GtkFileChooserAction  action,
                      const char           *title,
                      const char           *accept_label,
                      const char           *current)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, parent, action,
                                                               accept_label, NULL);
  GtkFileChooser *files = GTK_FILE_CHOOSER (chooser);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_do_overwrite_confirmation (files, FALSE);
  if (action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER)
    gtk_file_chooser_set_create_folders (files, TRUE);
  if (current != NULL && g_path_is_absolute (current))
    {
      g_autofree char *base = g_path_get_basename (current);
      g_autofree char *folder = g_path_get_dirname (current);

      if (g_file_test (folder, G_FILE_TEST_IS_DIR))
        gtk_file_chooser_set_current_folder (files, folder);
      if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
        gtk_file_chooser_set_current_name (files, base);
      else if (g_file_test (current, G_FILE_TEST_EXISTS))
        gtk_file_chooser_set_filename (files, current);
    }
  return chooser;
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

/* Opens a chooser on @entry's path; accepting puts the chosen path into @entry */
void
cdi_choose_path (GtkWindow            *parent,
                 GtkFileChooserAction  action,
                 const char           *title,
                 GtkEntry             *entry)
{
  g_autofree char *current = cdi_expand_path (gtk_entry_get_text (entry));
  GtkFileChooserNative *chooser = cdi_file_chooser_new (parent, action, title, NULL, current);

  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (entry));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
