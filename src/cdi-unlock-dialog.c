/* cdi-unlock-dialog.c - asks for a disk's passphrase, with "Remember in keyring"
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-unlock-dialog.h"

#include <glib/gi18n.h>

struct _CdiUnlockDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading;
  GtkLabel *message;
  GtkEntry *entry;
  GtkCheckButton *remember;
  GtkWidget *open_button;
};

G_DEFINE_FINAL_TYPE (CdiUnlockDialog, cdi_unlock_dialog, GTK_TYPE_DIALOG)

static void
cdi_unlock_dialog_entry_changed_cb (CdiUnlockDialog *self)
{
  gtk_widget_set_sensitive (self->open_button, gtk_entry_get_text_length (self->entry) > 0);
}

static void
cdi_unlock_dialog_class_init (CdiUnlockDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/cryptdiskimage/CryptDiskImage/"
                                               "cdi-unlock-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdiUnlockDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, CdiUnlockDialog, message);
  gtk_widget_class_bind_template_child (widget_class, CdiUnlockDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, CdiUnlockDialog, remember);
  gtk_widget_class_bind_template_child (widget_class, CdiUnlockDialog, open_button);
  gtk_widget_class_bind_template_callback (widget_class, cdi_unlock_dialog_entry_changed_cb);
}

static void
cdi_unlock_dialog_init (CdiUnlockDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Stable names for screen readers (and the tests, which find widgets by them) */
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->entry)), _("Passphrase"));
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->remember)),
                       _("Remember in keyring"));
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
  gtk_widget_set_sensitive (self->open_button, FALSE);
}

GtkWidget *
cdi_unlock_dialog_new (const char *disk_name,
                       const char *message,
                       gboolean    remember)
{
  CdiUnlockDialog *self = g_object_new (CDI_TYPE_UNLOCK_DIALOG, "use-header-bar", FALSE, NULL);
  g_autofree char *heading = NULL;
  g_autofree char *title = NULL;

  /* Translators: %s is the disk's name */
  heading = g_strdup_printf (_("Type the passphrase of %s to open it."), disk_name);
  gtk_label_set_text (self->heading, heading);
  /* Translators: window title; %s is the disk's name */
  title = g_strdup_printf (_("Open %s"), disk_name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), message != NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->remember), remember);
  return GTK_WIDGET (self);
}

CdiPassphrase *
cdi_unlock_dialog_get_passphrase (CdiUnlockDialog *self)
{
  const char *text = gtk_entry_get_text (self->entry);
  CdiPassphrase *passphrase = NULL;

  if (*text != '\0')
    passphrase = cdi_passphrase_new (text, strlen (text));
  /* GtkEntryBuffer's storage is wiped on change; leave no copy in the widget */
  gtk_entry_set_text (self->entry, "");
  return passphrase;
}

gboolean
cdi_unlock_dialog_get_remember (CdiUnlockDialog *self)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->remember));
}
