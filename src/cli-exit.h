/* cli-exit.h - crypt-disk-image's exit statuses and how errors map to them
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One table for both syntaxes; --help and crypt-disk-image(1) print it. Scripts may rely on
 * these numbers: new ones are only ever added at the end.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILED = 1,           /* anything not listed below */
  CLI_EXIT_USAGE = 2,            /* bad command line */
  CLI_EXIT_NOT_AUTHORIZED = 3,   /* polkit said no, authentication or a prompt was cancelled */
  CLI_EXIT_WRONG_PASSPHRASE = 4,
  CLI_EXIT_BUSY = 5,             /* in use by programs (close, trim, remove) */
  CLI_EXIT_MISSING = 6,          /* a program or kernel feature is missing (check-deps too) */
  CLI_EXIT_NOT_FOUND = 7,        /* no such disk, image, secret or program */
  CLI_EXIT_NEEDS_REPAIR = 8,     /* the file system needs e2fsck by hand */
  CLI_EXIT_REFUSED = 9,          /* input refused: path, owner, mode, passphrase, registry entry */
  CLI_EXIT_EXISTS = 10,          /* a disk, file or mount point of that name is already there */
} CliExit;

int   cli_exit_from_error (const GError *error);
char *cli_exit_table      (void);

G_END_DECLS
