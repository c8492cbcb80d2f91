/* cli.c - crypt-disk-image: the command-line tool
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_printerr (_("%s: no commands yet\n"), g_get_prgname () ? g_get_prgname () : argv[0]);
  return argc > 1 ? 2 : 0;
}
