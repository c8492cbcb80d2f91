/* cli-commands.h - crypt-disk-image's commands; each returns the exit status (cli-exit.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cli-request.h"

G_BEGIN_DECLS

/* cli-commands-disk.c */
int cli_command_open            (CliRequest *request);
int cli_command_close           (CliRequest *request);
int cli_command_trim            (CliRequest *request);
int cli_command_status          (CliRequest *request);

/* cli-commands-registry.c */
int cli_command_add             (CliRequest *request);
int cli_command_remove          (CliRequest *request);
int cli_command_list            (CliRequest *request);
int cli_command_forget_password (CliRequest *request);

/* cli-commands-manage.c */
int cli_command_passwd          (CliRequest *request);
int cli_command_grow            (CliRequest *request);
int cli_command_backup_header   (CliRequest *request);

/* cli-create.c */
int cli_command_create          (CliRequest *request);

/* cli-deps.c */
int cli_command_check_deps      (CliRequest *request);

G_END_DECLS
