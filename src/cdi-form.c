/* cdi-form.c - what the disk dialogs' forms share: messages, problems, passphrase fields
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-form.h"

#include <glib/gi18n.h>

#include "cdi-passphrase-generator.h"
#include "cdi-password-command.h"

/* A check's message under the fields: red when it stops the form, plain otherwise */
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

/* After a check that returned @ok: its error, if any, is a line of @problems (and cleared) */
void
cdi_problems_add (GString  *problems,
                  gboolean  ok,
                  GError  **error)
{
  if (!ok && *error != NULL)
    g_string_append_printf (problems, "%s\n", (*error)->message);
  g_clear_error (error);
}

/* A password command, when it is the chosen source, must be there and parse */
void
cdi_problems_add_command (GString         *problems,
                          GtkToggleButton *keep_command,
                          GtkEntry        *command_entry)
{
  const char *command = gtk_entry_get_text (command_entry);
  g_autoptr(GError) error = NULL;

  if (!gtk_toggle_button_get_active (keep_command))
    return;
  if (*command == '\0')
    g_string_append_printf (problems, "%s\n", _("Type the password command."));
  else
    cdi_problems_add (problems, cdi_password_command_parse (command, NULL, &error), &error);
}

/* Shows @problems in @label (hidden when there are none); TRUE when there are none */
gboolean
cdi_problems_show (GString  *problems,
                   GtkLabel *label)
{
  if (problems->len > 0 && problems->str[problems->len - 1] == '\n')
    g_string_truncate (problems, problems->len - 1);
  cdi_set_message (label, problems->str, TRUE);
  return problems->len == 0;
}

CdiPassphraseSource
cdi_form_get_source (GtkToggleButton *keep_keyring,
                     GtkToggleButton *keep_command)
{
  if (gtk_toggle_button_get_active (keep_keyring))
    return CDI_PASSPHRASE_SOURCE_KEYRING;
  if (gtk_toggle_button_get_active (keep_command))
    return CDI_PASSPHRASE_SOURCE_COMMAND;
  return CDI_PASSPHRASE_SOURCE_ASK;
}

void
cdi_form_set_source (GtkToggleButton     *keep_keyring,
                     GtkToggleButton     *keep_command,
                     GtkToggleButton     *keep_nowhere,
                     CdiPassphraseSource  source)
{
  switch (source)
    {
    case CDI_PASSPHRASE_SOURCE_KEYRING:
      gtk_toggle_button_set_active (keep_keyring, TRUE);
      break;
    case CDI_PASSPHRASE_SOURCE_COMMAND:
      gtk_toggle_button_set_active (keep_command, TRUE);
      break;
    case CDI_PASSPHRASE_SOURCE_ASK:
    default:
      gtk_toggle_button_set_active (keep_nowhere, TRUE);
      break;
    }
}

/* The strength hint of a typed passphrase in @bar and @label (empty while nothing is typed);
 * returns the strength (cdi_passphrase_strength()) */
int
cdi_form_show_strength (GtkLevelBar *bar,
                        GtkLabel    *label,
                        const char  *typed)
{
  int strength = cdi_passphrase_strength (typed);

  gtk_level_bar_set_value (bar, *typed != '\0' ? strength + 0.001 : 0);
  gtk_label_set_text (label, *typed != '\0' ? cdi_passphrase_strength_text (strength) : "");
  return strength;
}

/* A size in GiB as bytes, in whole MiB, so the size suits qemu-img and a later grow alike */
guint64
cdi_form_get_size (GtkSpinButton *gib_spin)
{
  return (guint64) (gtk_spin_button_get_value (gib_spin) * 1024 + 0.5) << 20;
}
