/* cdi-password-command.h - run a password command (the old tools' PW_CMD) for a passphrase
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command is a string such as `pass show disks/backup` or `cat '/media/key stick/pw'`.
 * It is split into words with POSIX shell quoting rules (g_shell_parse_argv: '…', "…" and
 * backslashes), and the first word is looked up in PATH. There is NO shell: "$HOME" and `…`
 * stay literal text, and |, ;, > and && are plain arguments. To use a shell, write
 * `sh -c '…'` yourself.
 *
 * It runs as the calling user, with the caller's environment, working directory and standard input
 * (so a password manager can ask on the terminal). Its standard output, up to
 * CDI_PASSWORD_COMMAND_OUTPUT_MAX bytes, becomes the passphrase by the newline rule in
 * cdi-passphrase.h; more output than that, a non-zero exit status, no output, or running longer
 * than the timeout is an error.
 *
 * One exception, so that a password manager never runs as root: when the process runs as root
 * (effective uid 0) and SUDO_UID is set, as under `sudo crypt-disk-image …` (the older tools'
 * sudoers line), the command runs as that user: the user's groups (getgrouplist), gid and uid are
 * set in the child and checked (no root id left, setuid (0) fails); HOME, USER and LOGNAME are the
 * user's; the working directory is the user's home, or / if that cannot be entered. SUDO_UID is
 * read as the helper reads it (decimal digits only, no leading zero, no overflow); a value that is
 * not a known user is an error (CDI_ERROR_NOT_AUTHORIZED), never a reason to run the command as
 * root. Root without SUDO_UID, or with SUDO_UID=0, acts for root. PKEXEC_UID is not looked at:
 * pkexec runs only the helper, never this code.
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
