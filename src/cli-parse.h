/* cli-parse.h - parse crypt-disk-image's command line (both syntaxes) with GOption
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cli_parse() decides the syntax: the program name crypt-disk-image-create means the older
 * create tool; a first argument that is a command name (open, close, ...) means the new syntax;
 * any other first argument (an image path) means the older `[-m MOUNT] [-p PW_CMD] FILE
 * open|close`, which cli-legacy.c parses. Errors are G_OPTION_ERROR (exit status 2) and say
 * what to change. --help does not exit: it returns a CLI_COMMAND_HELP request with the text.
 */
#pragma once

#include <glib.h>

#include "cli-request.h"

G_BEGIN_DECLS

#define CLI_PROGRAM_NAME "crypt-disk-image"
#define CLI_CREATE_PROGRAM_NAME "crypt-disk-image-create"

CliRequest *cli_parse              (int                  argc,
                                    const char * const  *argv,
                                    GError             **error);

char       *cli_parse_top_help     (void);

G_END_DECLS
