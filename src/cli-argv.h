/* cli-argv.h - argument handling both syntaxes share: getopt habits on top of GOption
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     **cli_argv_prepare       (int                  argc,
                                   const char * const  *argv,
                                   const char          *short_with_value,
                                   const char * const  *long_with_value);
void       cli_argv_drop_dashdash (GStrv                argv);
gboolean   cli_argv_parse_size    (const char          *text,
                                   guint64             *ret_bytes,
                                   GError             **error);

gboolean   cli_argv_parse_grow_size (const char        *text,
                                     guint64           *ret_bytes,
                                     gboolean          *ret_relative,
                                     GError           **error);
gboolean   cli_argv_grow_target   (guint64              current,
                                   guint64              bytes,
                                   gboolean             relative,
                                   guint64             *ret_target,
                                   GError             **error);

G_END_DECLS
