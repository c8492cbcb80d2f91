/* cli-script.h - the easing script: the older tools' per-disk "SCRIPT open|close" wrapper
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The script is the older tools' two lines, with every word single-quoted (a ' becomes '\''),
 * so spaces, quotes, $, backticks and line breaks in paths and in the password command reach
 * crypt-disk-image unchanged, and crypt-disk-image is called by its absolute path:
 *
 *   #!/bin/bash -e
 *   exec '/usr/local/bin/crypt-disk-image' -m 'MOUNT' -p 'PW_CMD' 'FILE' "$@"
 *
 * PW_CMD is what the old syntax runs with bash -c. For an old-style create, that is -p as given;
 * for `create --password-command CMD`, which runs CMD without a shell, it is
 * cli_script_command_for_bash (CMD), so that the script runs the same program with the same
 * arguments. Without a password command the script has no -p, and opening it uses the source
 * registered for the image (keyring or a prompt).
 *
 * It is created with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0700: an existing file or symlink,
 * even a dangling one, is refused, never overwritten or followed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CLI_SCRIPT_PROGRAM CLI_BINDIR "/crypt-disk-image"

char     *cli_script_quote  (const char  *word);
char     *cli_script_command_for_bash (const char  *command,
                                       GError     **error);
char     *cli_script_build  (const char  *program,
                             const char  *mountpoint,
                             const char  *password_command,
                             const char  *image);
int       cli_script_create (const char  *path,
                             GError     **error);
gboolean  cli_script_write  (int          fd,
                             const char  *text,
                             GError     **error);

G_END_DECLS
