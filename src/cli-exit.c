/* cli-exit.c - crypt-disk-image's exit statuses and how errors map to them
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "cdi-error.h"
#include "cli-exit.h"

/* The exit status for @error (NULL: success) */
int
cli_exit_from_error (const GError *error)
{
  if (error == NULL)
    return CLI_EXIT_OK;
  if (error->domain == G_OPTION_ERROR)
    return CLI_EXIT_USAGE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return CLI_EXIT_NOT_AUTHORIZED;
  if (error->domain != CDI_ERROR)
    return CLI_EXIT_FAILED;

  switch ((CdiError) error->code)
    {
    case CDI_ERROR_NOT_AUTHORIZED:
    case CDI_ERROR_KEYRING_LOCKED:
      return CLI_EXIT_NOT_AUTHORIZED;
    case CDI_ERROR_WRONG_PASSPHRASE:
      return CLI_EXIT_WRONG_PASSPHRASE;
    case CDI_ERROR_BUSY:
      return CLI_EXIT_BUSY;
    case CDI_ERROR_MISSING_SUPPORT:
      return CLI_EXIT_MISSING;
    case CDI_ERROR_NOT_FOUND:
      return CLI_EXIT_NOT_FOUND;
    case CDI_ERROR_NEEDS_REPAIR:
      return CLI_EXIT_NEEDS_REPAIR;
    case CDI_ERROR_INVALID_INPUT:
      return CLI_EXIT_REFUSED;
    case CDI_ERROR_EXISTS:
      return CLI_EXIT_EXISTS;
    case CDI_ERROR_FAILED:
    case CDI_ERROR_TIMED_OUT:
    default:
      return CLI_EXIT_FAILED;
    }
}

/* The table for --help, one status per line */
char *
cli_exit_table (void)
{
  const struct
  {
    int status;
    const char *meaning;
  } rows[] = {
    { CLI_EXIT_OK, N_("success; check-deps: everything is there") },
    { CLI_EXIT_FAILED, N_("the operation failed (the message says why)") },
    { CLI_EXIT_USAGE, N_("wrong command-line options or arguments") },
    /* Translators: a security message */
    { CLI_EXIT_NOT_AUTHORIZED, N_("not authorised, or authentication or the passphrase prompt "
                                  "was cancelled") },
    /* Translators: a security message */
    { CLI_EXIT_WRONG_PASSPHRASE, N_("wrong passphrase") },
    { CLI_EXIT_BUSY, N_("the disk is in use: programs still have files open in it") },
    { CLI_EXIT_MISSING, N_("a program or kernel feature is missing (see check-deps)") },
    { CLI_EXIT_NOT_FOUND, N_("no such disk, image, stored passphrase or program") },
    { CLI_EXIT_NEEDS_REPAIR, N_("the file system needs a repair by hand; open it --read-only") },
    /* Translators: a security message */
    { CLI_EXIT_REFUSED, N_("refused: a path, owner, mode, name or passphrase is not acceptable") },
    { CLI_EXIT_EXISTS, N_("a disk, file or mount point of that name already exists") },
  };
  GString *text = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    g_string_append_printf (text, "  %2d  %s\n", rows[i].status, _(rows[i].meaning));
  return g_string_free (text, FALSE);
}
