/* test-cli-common.h - run the built crypt-disk-image from a test and collect what it did
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  int status;  /* exit status, or -1 if killed */
  char *out;
  char *err;
  char *tty;   /* test_cli_run_on_terminal(): what the terminal showed */
} CliRun;

void        cli_run_clear   (CliRun             *run);
const char *test_cli_path   (void);
void        test_cli_run    (CliRun             *run,
                             const char         *program,
                             const char * const *env,
                             const char         *input,
                             const char * const *args);
void        test_cli_run_with_hook (CliRun      *run,
                                    const char  *program,
                                    const char * const *env,
                                    const char  *input,
                                    const char * const *args,
                                    guint        hook_ms,
                                    GSourceFunc  hook,
                                    gpointer     hook_data);

void        test_cli_run_on_terminal (CliRun             *run,
                                      const char * const *env,
                                      const char * const *answers,
                                      const char * const *args);
void        test_cli_run_all_on_terminal (CliRun             *run,
                                          const char * const *env,
                                          const char * const *answers,
                                          const char * const *args);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

G_END_DECLS
