/* cli.c - crypt-disk-image: the command-line tool (also run as crypt-disk-image-create)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is in the cli-*.c files, which tests link: cli-run.c is the entry point.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cli-run.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return cli_run (argc, (const char * const *) argv);
}
