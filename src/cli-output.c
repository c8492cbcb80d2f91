/* cli-output.c - what crypt-disk-image prints and logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "cli-exit.h"
#include "cli-output.h"

static const char *program_name = "crypt-disk-image";
static gboolean verbose;
static gboolean stderr_is_tty;
static char *progress_text;
static GSource *spinner;
static guint spinner_frame;
static gboolean spinner_shown;

void
cli_output_init (const char *program,
                 gboolean    is_verbose)
{
  program_name = program;
  verbose = is_verbose;
  stderr_is_tty = isatty (STDERR_FILENO);
  if (verbose)
    g_log_set_debug_enabled (TRUE);
  openlog ("crypt-disk-image", LOG_PID, LOG_USER);
}

void
cli_output_shutdown (void)
{
  cli_progress_stop ();
  closelog ();
}

gboolean
cli_output_verbose (void)
{
  return verbose;
}

/* @text with line breaks and other control characters turned into spaces */
char *
cli_one_line (const char *text)
{
  char *line = g_utf8_make_valid (text != NULL ? text : "", -1);

  for (char *p = line; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      *p = ' ';
  return g_strstrip (line);
}

static void
clear_spinner_line (void)
{
  if (spinner_shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
      spinner_shown = FALSE;
    }
}

void
cli_print (const char *format,
           ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  clear_spinner_line ();
  g_print ("%s\n", text);
}

void
cli_warning (const char *format,
             ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  clear_spinner_line ();
  /* Translators: a warning line; the first %s is the program name */
  g_printerr (_("%s: warning: %s\n"), program_name, text);
}

void
cli_detail (const char *format,
            ...)
{
  va_list args;
  g_autofree char *text = NULL;

  if (!verbose)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  clear_spinner_line ();
  g_printerr ("%s: %s\n", program_name, text);
}

/* "crypt-disk-image: WHAT: MESSAGE" as one line */
void
cli_error (const char   *what,
           const GError *error)
{
  g_autofree char *message = cli_one_line (error != NULL ? error->message : "");

  cli_progress_stop ();
  if (what != NULL)
    g_printerr ("%s: %s: %s\n", program_name, what, message);
  else
    g_printerr ("%s: %s\n", program_name, message);
}

static gboolean
spinner_tick (gpointer user_data)
{
  static const char frames[] = "|/-\\";

  spinner_frame = (spinner_frame + 1) % 4;
  fprintf (stderr, "\r\033[K%c %s", frames[spinner_frame], progress_text);
  fflush (stderr);
  spinner_shown = TRUE;
  return G_SOURCE_CONTINUE;
}

/* Shows @step: a spinner line on a terminal, a plain line with -v */
void
cli_progress_step (const char *step)
{
  g_free (progress_text);
  progress_text = cli_one_line (step);
  if (verbose)
    {
      clear_spinner_line ();
      g_printerr ("%s: %s\n", program_name, progress_text);
    }
  if (!stderr_is_tty)
    return;
  if (spinner == NULL)
    {
      spinner = g_timeout_source_new (120);
      g_source_set_callback (spinner, spinner_tick, NULL, NULL);
      g_source_attach (spinner, NULL);
    }
  spinner_tick (NULL);
}

void
cli_progress_stop (void)
{
  if (spinner != NULL)
    {
      g_source_destroy (spinner);
      g_clear_pointer (&spinner, g_source_unref);
    }
  clear_spinner_line ();
  g_clear_pointer (&progress_text, g_free);
}

/* For async calls: stores a reference to the result in the GAsyncResult * user_data points to */
void
cli_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main context (and the spinner) until cli_result_cb() filled @slot */
void
cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
sleep_done (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Sleeps while the spinner keeps turning */
void
cli_sleep (guint seconds)
{
  gboolean done = FALSE;

  g_timeout_add_seconds (seconds, sleep_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* One syslog line per operation: what, on which disk, and the result. Only the exit status's
 * meaning is logged for a failure, because messages can quote a password command. */
void
cli_log (const char   *operation,
         const char   *disk,
         const GError *error)
{
  g_autofree char *safe_disk = cli_one_line (disk);
  int status = cli_exit_from_error (error);
  static const char *const meanings[] = {
    "ok", "failed", "usage error", "not authorised or cancelled", "wrong passphrase", "busy",
    "missing program or kernel support", "not found", "needs repair", "refused", "exists",
  };
  const char *meaning = (gsize) status < G_N_ELEMENTS (meanings) ? meanings[status] : "failed";
  const char *space = *safe_disk != '\0' ? " " : "";

  if (error == NULL)
    syslog (LOG_INFO, "%s%s%s: ok", operation, space, safe_disk);
  else
    syslog (LOG_WARNING, "%s%s%s: failed: %s (exit status %d)", operation, space, safe_disk,
            meaning, status);
}
