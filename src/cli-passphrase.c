/* cli-passphrase.c - where crypt-disk-image gets a passphrase from
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
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

/* Two passphrases, one per line, from @size bytes of text: the newline rule for each line.
 * Used when passwd reads both from standard input. */
gboolean
cli_passphrase_split_lines (const guint8   *data,
                            gsize           size,
                            CdiPassphrase **ret_first,
                            CdiPassphrase **ret_second,
                            GError        **error)
{
  g_autoptr(CdiPassphrase) first = NULL;
  const guint8 *newline = size > 0 ? memchr (data, '\n', size) : NULL;
  gsize rest;

  if (newline == NULL || newline + 1 == data + size)
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                           /* Translators: a security message */
                           _("Two lines are needed: the current passphrase, then the new one."));
      return FALSE;
    }
  first = cdi_passphrase_from_command_output (data, (gsize) (newline - data), error);
  if (first == NULL)
    return FALSE;
  rest = size - (gsize) (newline + 1 - data);
  *ret_second = cdi_passphrase_from_command_output (newline + 1, rest, error);
  if (*ret_second == NULL)
    {
      g_prefix_error (error, _("The new passphrase (second line): "));
      return FALSE;
    }
  *ret_first = g_steal_pointer (&first);
  return TRUE;
}

/* Reads standard input up to two line breaks, end of file, or the most two passphrases take */
static gboolean
read_stdin_two (CdiPassphrase **ret_old,
                CdiPassphrase **ret_new,
                GError        **error)
{
  guint8 buf[2 * (CDI_HELPER_PASSPHRASE_MAX + 1) + 1];
  gsize len = 0;
  gboolean ok = FALSE;

  cli_detail (_("Reading the current and the new passphrase from standard input"));
  while (len < sizeof buf)
    {
      const guint8 *nl = memchr (buf, '\n', len);

      if (nl != NULL && memchr (nl + 1, '\n', len - (gsize) (nl + 1 - buf)) != NULL)
        break;
      {
        ssize_t n = read (STDIN_FILENO, buf + len, sizeof buf - len);

        if (n < 0 && errno == EINTR)
          continue;
        if (n < 0)
          {
            int saved_errno = errno;

            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                         _("Standard input: %s"), g_strerror (saved_errno));
            goto out;
          }
        if (n == 0)
          break;
        len += (gsize) n;
      }
    }
  ok = cli_passphrase_split_lines (buf, len, ret_old, ret_new, error);
  if (!ok)
    g_prefix_error (error, _("Standard input: "));
out:
  cdi_passphrase_wipe (buf, sizeof buf);
  return ok;
}

static CdiPassphrase *
new_passphrase (const char  *label,
                gboolean     from_stdin,
                const char  *command,
                GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(CdiPassphrase) first = NULL;
  g_autoptr(CdiPassphrase) again = NULL;

  if (from_stdin)
    return read_stdin (error);
  if (command != NULL)
    {
      cli_detail (_("Running the new password command"));
      return cdi_password_command_run (command, /* timeout_seconds= */ 0,
                                       /* cancellable= */ NULL, error);
    }
  /* Translators: the terminal prompt for the new passphrase; %s is a disk name or image */
  text = g_strdup_printf (_("New passphrase for “%s”: "), label);
  first = prompt (text, error);
  if (first == NULL)
    return NULL;
  /* Translators: the second terminal prompt for the new passphrase */
  again = prompt (_("Repeat the new passphrase: "), error);
  if (again == NULL)
    return NULL;
  if (!cdi_passphrase_equal (first, again))
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                           /* Translators: a security message */
                           _("The two new passphrases differ. Nothing was changed; try again."));
      return NULL;
    }
  return g_steal_pointer (&first);
}

gboolean
cli_passphrase_for_change (const char     *label,
                           gboolean        old_from_stdin,
                           const char     *keyring_uuid,
                           const char     *old_command,
                           gboolean        new_from_stdin,
                           const char     *new_command,
                           CdiPassphrase **ret_old,
                           CdiPassphrase **ret_new,
                           GError        **error)
{
  g_autoptr(CdiPassphrase) old = NULL;
  g_autofree char *text = NULL;

  if (old_from_stdin && new_from_stdin)
    return read_stdin_two (ret_old, ret_new, error);

  if (old_from_stdin)
    old = read_stdin (error);
  else
    {
      if (keyring_uuid != NULL)
        {
          g_autoptr(GError) local_error = NULL;

          old = cli_secret_lookup (keyring_uuid, &local_error);
          if (old == NULL && g_error_matches (local_error, CDI_ERROR, CDI_ERROR_NOT_FOUND))
            cli_detail (_("The keyring has no passphrase for “%s”"), label);
          else if (old == NULL)
            cli_warning (_("Cannot use the keyring: %s"), local_error->message);
        }
      if (old == NULL && old_command != NULL)
        old = run_command (old_command, error);
      else if (old == NULL)
        {
          /* Translators: the terminal prompt for the passphrase to replace; %s is a disk */
          text = g_strdup_printf (_("Current passphrase for “%s”: "), label);
          old = prompt (text, error);
        }
    }
  if (old == NULL)
    return FALSE;
  *ret_new = new_passphrase (label, new_from_stdin, new_command, error);
  if (*ret_new == NULL)
    return FALSE;
  *ret_old = g_steal_pointer (&old);
  return TRUE;
}
