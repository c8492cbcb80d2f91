/* cli-request.h - one parsed crypt-disk-image command line, whichever syntax it used
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cdi-disk.h"

G_BEGIN_DECLS

typedef enum
{
  CLI_COMMAND_HELP,
  CLI_COMMAND_VERSION,
  CLI_COMMAND_CHECK_DEPS,
  CLI_COMMAND_CREATE,
  CLI_COMMAND_ADD,
  CLI_COMMAND_OPEN,
  CLI_COMMAND_CLOSE,
  CLI_COMMAND_TRIM,
  CLI_COMMAND_STATUS,
  CLI_COMMAND_LIST,
  CLI_COMMAND_REMOVE,
  CLI_COMMAND_FORGET_PASSWORD,
  CLI_COMMAND_PASSWD,
  CLI_COMMAND_GROW,
  CLI_COMMAND_BACKUP_HEADER,
} CliCommand;

typedef enum
{
  CLI_SYNTAX_NEW,        /* crypt-disk-image COMMAND ... */
  CLI_SYNTAX_OLD,        /* crypt-disk-image [-m MOUNT] [-p PW_CMD] FILE open|close */
  CLI_SYNTAX_OLD_CREATE, /* crypt-disk-image-create [-s SIZE] -m MOUNT -p PW_CMD -x SCRIPT FILE */
} CliSyntax;

typedef struct
{
  CliCommand command;
  CliSyntax syntax;
  gboolean verbose;
  char *help;                 /* CLI_COMMAND_HELP: the text to print on stdout */
  GPtrArray *warnings;        /* char *: notes about ignored options, to print first */

  char *target;               /* open, close, trim, remove, forget-password, passwd, grow,
                               * backup-header: NAME or IMAGE */
  char *image;                /* create, add */
  char *mountpoint;           /* create, add; the old syntax's -m */
  char *name;                 /* create, add: --name */
  guint64 size;               /* create: bytes, 0 for the default; grow: bytes (see below) */
  gboolean size_relative;     /* grow --size +SIZE: @size is added to the current size */
  gboolean source_set;        /* --password-command, --keyring or --ask was given */
  CdiPassphraseSource source;
  char *password_command;     /* --password-command, or the old syntax's -p run by bash */
  char *legacy_command;       /* the old syntax's -p as given: a bash command line */
  gboolean passphrase_stdin;
  char *script;               /* create: --script, or the old create's -x */

  gboolean all;               /* close --all */
  gboolean no_trim;           /* close --no-trim */
  gboolean wait;              /* close --wait */
  guint wait_seconds;         /* close --wait=SECONDS; 0: no limit */
  gboolean read_only;         /* open --read-only */
  gboolean delete_image;      /* remove --delete-image */
  char *dest;                 /* backup-header: the FILE to write */
  char *new_password_command; /* passwd --new-password-command */
  gboolean new_passphrase_stdin; /* passwd --new-passphrase-stdin */

  char *pbkdf;                /* create and passwd, for tests and slow machines: the helper's format options */
  guint pbkdf_iterations;
  guint pbkdf_memory_kib;
  guint pbkdf_time_ms;
} CliRequest;

CliRequest *cli_request_new  (void);
void        cli_request_free (CliRequest *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRequest, cli_request_free)

G_END_DECLS
