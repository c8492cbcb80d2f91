/* cdi-password-command.h - run a password command (the old tools' PW_CMD) for a passphrase
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command is a string such as `pass show disks/backup` or `cat '/media/key stick/pw'`.
 * It is split into words with POSIX shell quoting rules (g_shell_parse_argv: '…', "…" and
 * backslashes), and the first word is looked up in PATH. There is NO shell: "$HOME" and `…`
 * stay literal text, and |, ;, > and && are plain arguments. To use a shell, write
 * `sh -c '…'` yourself.
 *
 * It runs as the calling user (the library never changes user), with the caller's
 * environment, working directory and standard input (so a password manager can ask on the
 * terminal). Its standard output, up to CDI_PASSWORD_COMMAND_OUTPUT_MAX bytes, becomes the
 * passphrase by the newline rule in cdi-passphrase.h; more output than that, a non-zero exit
 * status, no output, or running longer than the timeout is an error.
 */
#pragma once

#include <gio/gio.h>

#include "cdi-passphrase.h"

G_BEGIN_DECLS

#define CDI_PASSWORD_COMMAND_OUTPUT_MAX (64 * 1024)
#define CDI_PASSWORD_COMMAND_TIMEOUT_SECONDS 120 /* room for an interactive password manager */

gboolean       cdi_password_command_parse      (const char           *command,
                                                char               ***ret_argv,
                                                GError              **error);

void           cdi_password_command_run_async  (const char           *command,
                                                guint                 timeout_seconds,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
CdiPassphrase *cdi_password_command_run_finish (GAsyncResult         *result,
                                                GError              **error);

CdiPassphrase *cdi_password_command_run        (const char           *command,
                                                guint                 timeout_seconds,
                                                GCancellable         *cancellable,
                                                GError              **error);

G_END_DECLS
