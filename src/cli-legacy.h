/* cli-legacy.h - the older bash tools' command lines, which easing scripts still run
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   crypt-disk-image [-m MOUNT] [-p PW_CMD] FILE open|close
 *   crypt-disk-image-create [-s SIZE] -m MOUNT -p PW_CMD -x SCRIPT FILE   (also -h, -c)
 *
 * Long forms (--mount, --password, --size, --script, --help, --check-deps) and attached short
 * values (-m/mnt) work as they did with getopt. The first line also takes the new syntax's
 * --read-only (open), --wait[=SECONDS] and --no-trim (close), before or after FILE and the action,
 * since an easing script passes its own arguments on ("SCRIPT close --wait").
 * crypt-disk-image-create's -n NBD is accepted and ignored (the helper picks a free device); -o
 * OWNER must name the calling user, because disks are always made for the user who runs the
 * command.
 */
#pragma once

#include "cli-request.h"

G_BEGIN_DECLS

CliRequest *cli_legacy_parse        (int                  argc,
                                     const char * const  *argv,
                                     GError             **error);
CliRequest *cli_legacy_parse_create (int                  argc,
                                     const char * const  *argv,
                                     GError             **error);

G_END_DECLS
