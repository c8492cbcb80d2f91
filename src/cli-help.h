/* cli-help.h - crypt-disk-image's commands: their names, arguments, summaries and examples
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cli-request.h"

G_BEGIN_DECLS

typedef struct
{
  CliCommand command;
  const char *name;
  const char *parameter; /* translated in the help */
  const char *summary;
  const char *examples;
  guint min_args;
  guint max_args;
} CliCommandInfo;

const CliCommandInfo *cli_help_find_command (const char *name);

G_END_DECLS
