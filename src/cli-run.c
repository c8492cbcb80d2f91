/* cli-run.c - crypt-disk-image's whole run: parse, dispatch, report
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "cli-exit.h"
#include "cli-output.h"
#include "cli-parse.h"
#include "cli-run.h"

static int
dispatch (CliRequest *request)
{
  switch (request->command)
    {
    case CLI_COMMAND_HELP:
      g_print ("%s", request->help);
      return CLI_EXIT_OK;
    case CLI_COMMAND_VERSION:
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return CLI_EXIT_OK;
    case CLI_COMMAND_CHECK_DEPS:
      return cli_command_check_deps (request);
    case CLI_COMMAND_CREATE:
      return cli_command_create (request);
    case CLI_COMMAND_ADD:
      return cli_command_add (request);
    case CLI_COMMAND_OPEN:
      return cli_command_open (request);
    case CLI_COMMAND_CLOSE:
      return cli_command_close (request);
    case CLI_COMMAND_TRIM:
      return cli_command_trim (request);
    case CLI_COMMAND_STATUS:
      return cli_command_status (request);
    case CLI_COMMAND_LIST:
      return cli_command_list (request);
    case CLI_COMMAND_REMOVE:
      return cli_command_remove (request);
    case CLI_COMMAND_FORGET_PASSWORD:
      return cli_command_forget_password (request);
    case CLI_COMMAND_PASSWD:
      return cli_command_passwd (request);
    case CLI_COMMAND_GROW:
      return cli_command_grow (request);
    case CLI_COMMAND_BACKUP_HEADER:
      return cli_command_backup_header (request);
    default:
      g_return_val_if_reached (CLI_EXIT_FAILED);
    }
}

int
cli_run (int                 argc,
         const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CliRequest) request = NULL;
  g_autofree char *program = g_path_get_basename (argc > 0 ? argv[0] : PACKAGE_NAME);
  int status;

  g_set_prgname (program);
  request = cli_parse (argc, argv, &error);
  if (request == NULL)
    {
      cli_output_init (program, FALSE);
      cli_error (NULL, error);
      cli_output_shutdown ();
      return CLI_EXIT_USAGE;
    }
  cli_output_init (program, request->verbose);
  for (guint i = 0; i < request->warnings->len; i++)
    cli_warning ("%s", (const char *) g_ptr_array_index (request->warnings, i));
  status = dispatch (request);
  cli_output_shutdown ();
  return status;
}
