/* cli-passphrase.c - where crypt-disk-image gets a passphrase from
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-password-command.h"
#include "cli-disks.h"
#include "cli-output.h"
#include "cli-passphrase.h"

static CdiPassphrase *
read_stdin (GError **error)
{
  CdiPassphrase *passphrase;

  cli_detail (_("Reading the passphrase from standard input"));
  passphrase = cdi_passphrase_read_fd (STDIN_FILENO, error);
  if (passphrase == NULL)
    g_prefix_error (error, _("Standard input: "));
  return passphrase;
}

static CdiPassphrase *
run_command (const char  *password_command,
             GError     **error)
{
  /* The command's text is not shown: it may hold a secret of its own */
  cli_detail (_("Running the password command"));
  return cdi_password_command_run (password_command, /* timeout_seconds= */ 0,
                                   /* cancellable= */ NULL, error);
}

static CdiPassphrase *
prompt (const char  *text,
        GError     **error)
{
  cli_progress_stop ();
  return cdi_passphrase_prompt (text, error);
}

CdiPassphrase *
cli_passphrase_for_open (const char           *label,
                         gboolean              from_stdin,
                         const char           *keyring_uuid,
                         const char           *password_command,
                         CliPassphraseOrigin  *ret_origin,
                         GError              **error)
{
  g_autofree char *text = NULL;
  CdiPassphrase *passphrase;

  if (from_stdin)
    {
      *ret_origin = CLI_PASSPHRASE_FROM_STDIN;
      return read_stdin (error);
    }
  if (keyring_uuid != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      passphrase = cli_secret_lookup (keyring_uuid, &local_error);
      if (passphrase != NULL)
        {
          *ret_origin = CLI_PASSPHRASE_FROM_KEYRING;
          return passphrase;
        }
      if (g_error_matches (local_error, CDI_ERROR, CDI_ERROR_NOT_FOUND))
        cli_detail (_("The keyring has no passphrase for “%s”"), label);
      else
        cli_warning (_("Cannot use the keyring: %s"), local_error->message);
    }
  if (password_command != NULL)
    {
      *ret_origin = CLI_PASSPHRASE_FROM_COMMAND;
      return run_command (password_command, error);
    }
  *ret_origin = CLI_PASSPHRASE_FROM_PROMPT;
  /* Translators: the terminal prompt; %s is a disk name or image path */
  text = g_strdup_printf (_("Passphrase for “%s”: "), label);
  return prompt (text, error);
}

CdiPassphrase *
cli_passphrase_for_create (const char  *label,
                           gboolean     from_stdin,
                           const char  *password_command,
                           GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(CdiPassphrase) first = NULL;
  g_autoptr(CdiPassphrase) again = NULL;

  if (from_stdin)
    return read_stdin (error);
  if (password_command != NULL)
    return run_command (password_command, error);

  /* Translators: the terminal prompt when a disk is made; %s is the disk name */
  text = g_strdup_printf (_("New passphrase for “%s”: "), label);
  first = prompt (text, error);
  if (first == NULL)
    return NULL;
  /* Translators: the second terminal prompt when a disk is made */
  again = prompt (_("Repeat the passphrase: "), error);
  if (again == NULL)
    return NULL;
  if (!cdi_passphrase_equal (first, again))
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                           /* Translators: a security message */
                           _("The two passphrases differ. Nothing was created; try again."));
      return NULL;
    }
  return g_steal_pointer (&first);
}
