/* cdi-passphrase-dialog.c - "Change Passphrase…" of a disk: the current one, the new one twice
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-passphrase-dialog.h"

#include <glib/gi18n.h>

#include "cdi-error.h"
#include "cdi-form.h"
#include "cdi-manage.h"

struct _CdiPassphraseDialog
{
  GtkDialog parent_instance;

  CdiDisk *disk;
  GtkEntry *old_entry;
  GtkEntry *new_entry;
  GtkEntry *confirm_entry;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkLabel *message;
  GtkWidget *change_button;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (CdiPassphraseDialog, cdi_passphrase_dialog, GTK_TYPE_DIALOG)

static void
cdi_passphrase_dialog_changed_cb (CdiPassphraseDialog *self)
{
  const char *old = gtk_entry_get_text (self->old_entry);
  const char *typed = gtk_entry_get_text (self->new_entry);
  const char *again = gtk_entry_get_text (self->confirm_entry);
  gboolean ok = *old != '\0' && *typed != '\0' && strcmp (typed, again) == 0
                && strlen (typed) <= 1024;

  cdi_form_show_strength (self->strength_bar, self->strength_label, typed);
  if (*again != '\0' && strcmp (typed, again) != 0)
    /* Translators: a security string */
    cdi_set_message (self->message, _("The two new passphrases differ."), TRUE);
  else if (*typed != '\0' && strcmp (typed, old) == 0)
    {
      cdi_set_message (self->message, _("The new passphrase is the current one."), TRUE);
      ok = FALSE;
    }
  else
    cdi_set_message (self->message, NULL, FALSE);
  gtk_widget_set_sensitive (self->change_button, ok && !self->running);
}

static void
set_running (CdiPassphraseDialog *self,
             gboolean             running)
{
  self->running = running;
  gtk_widget_set_sensitive (GTK_WIDGET (self->old_entry), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_entry), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_entry), !running);
  gtk_widget_set_sensitive (self->change_button, !running);
}

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CdiPassphraseDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  set_running (self, FALSE);
  if (cdi_manage_change_passphrase_finish (result, &error))
    {
      gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_APPLY);
      return;
    }
  if (g_error_matches (error, CDI_ERROR, CDI_ERROR_WRONG_PASSPHRASE))
    {
      /* Translators: a security message */
      cdi_set_message (self->message, _("The current passphrase is wrong. Nothing was changed."),
                       TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->old_entry));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("The passphrase was not changed: %s"),
                                               error->message);

      cdi_set_message (self->message, text, TRUE);
    }
  else
    cdi_set_message (self->message, NULL, FALSE);
}

static CdiPassphrase *
take_entry (GtkEntry *entry)
{
  const char *text = gtk_entry_get_text (entry);
  CdiPassphrase *passphrase = cdi_passphrase_new (text, strlen (text));

  /* GtkEntryBuffer wipes its storage on change; leave no copy in the widget */
  gtk_entry_set_text (entry, "");
  return passphrase;
}

static void
response_cb (CdiPassphraseDialog *self,
             int                  response)
{
  g_autoptr(CdiPassphrase) old_passphrase = NULL;
  g_autoptr(CdiPassphrase) new_passphrase = NULL;

  if (response != GTK_RESPONSE_OK)
    return;
  /* Only a passphrase that was changed ends the dialog */
  g_signal_stop_emission_by_name (self, "response");
  if (self->running || !gtk_widget_get_sensitive (self->change_button))
    return;
  old_passphrase = take_entry (self->old_entry);
  new_passphrase = take_entry (self->new_entry);
  gtk_entry_set_text (self->confirm_entry, "");
  set_running (self, TRUE);
  cdi_set_message (self->message, _("Changing the passphrase (key derivation takes a few "
                                    "seconds)…"), FALSE);
  cdi_manage_change_passphrase_async (self->disk, old_passphrase, new_passphrase,
                                      /* pbkdf= */ NULL, /* cancellable= */ NULL, changed_cb,
                                      g_object_ref (self));
}

static void
cdi_passphrase_dialog_dispose (GObject *object)
{
  CdiPassphraseDialog *self = CDI_PASSPHRASE_DIALOG (object);

  g_clear_object (&self->disk);
  G_OBJECT_CLASS (cdi_passphrase_dialog_parent_class)->dispose (object);
}

static void
cdi_passphrase_dialog_class_init (CdiPassphraseDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cdi_passphrase_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-passphrase-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdiPassphraseDialog, old_entry);
  gtk_widget_class_bind_template_child (widget_class, CdiPassphraseDialog, new_entry);
  gtk_widget_class_bind_template_child (widget_class, CdiPassphraseDialog, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, CdiPassphraseDialog, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, CdiPassphraseDialog, strength_label);
  gtk_widget_class_bind_template_child (widget_class, CdiPassphraseDialog, message);
  gtk_widget_class_bind_template_child (widget_class, CdiPassphraseDialog, change_button);
  gtk_widget_class_bind_template_callback (widget_class, cdi_passphrase_dialog_changed_cb);
}

static void
cdi_passphrase_dialog_init (CdiPassphraseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
  gtk_widget_set_sensitive (self->change_button, FALSE);
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

GtkWidget *
cdi_passphrase_dialog_new (GtkWindow *parent,
                           CdiDisk   *disk)
{
  CdiPassphraseDialog *self = g_object_new (CDI_TYPE_PASSPHRASE_DIALOG, "use-header-bar", FALSE,
                                            "transient-for", parent, NULL);
  g_autofree char *title = NULL;

  self->disk = g_object_ref (disk);
  /* Translators: window title; %s is the disk's name */
  title = g_strdup_printf (_("Change Passphrase of %s"), cdi_disk_get_name (disk));
  gtk_window_set_title (GTK_WINDOW (self), title);
  return GTK_WIDGET (self);
}
