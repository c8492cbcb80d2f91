/* cli-run.h - crypt-disk-image's whole run: parse, dispatch, report
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int cli_run (int                 argc,
             const char * const *argv);

G_END_DECLS
