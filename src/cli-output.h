/* cli-output.h - what crypt-disk-image prints and logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * stdout carries results (lists, "open at ..."); stderr carries progress, warnings and errors.
 * An error is ONE line: "crypt-disk-image: cannot open “docs”: <what happened and what to
 * do>". Progress (a spinner with the current step) appears only when stderr is a terminal;
 * with -v each step is also a line, and details (such as what the helper printed on stderr)
 * follow. Every operation and its result are logged to syslog (the journal) as one line,
 * facility LOG_USER, ident "crypt-disk-image"; never a passphrase or a password command.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     cli_output_init      (const char    *program,
                               gboolean       verbose);
void     cli_output_shutdown  (void);
gboolean cli_output_verbose   (void);

void     cli_print            (const char    *format,
                               ...) G_GNUC_PRINTF (1, 2);
void     cli_warning          (const char    *format,
                               ...) G_GNUC_PRINTF (1, 2);
void     cli_detail           (const char    *format,
                               ...) G_GNUC_PRINTF (1, 2);
void     cli_error            (const char    *what,
                               const GError  *error);
char    *cli_one_line         (const char    *text);

void     cli_progress_step    (const char    *step);
void     cli_progress_stop    (void);
void     cli_wait             (GAsyncResult **slot);
void     cli_sleep            (guint          seconds);
void     cli_result_cb        (GObject       *source,
                               GAsyncResult  *result,
                               gpointer       user_data);

void     cli_log              (const char    *operation,
                               const char    *disk,
                               const GError  *error);

G_END_DECLS
