/* test-cli-common.c - run the built crypt-disk-image from a test and collect what it did
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program is the build tree's src/crypt-disk-image (CDI_CLI overrides). Its environment is
 * the test's without a session bus or display (no real keyring, no polkit agent) and without a
 * controlling terminal (no prompt), plus @env: "NAME=VALUE" sets, "NAME" unsets.
 */
#include "config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "test-cli-common.h"

void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->tty, g_free);
}

const char *
test_cli_path (void)
{
  static char *path;

  if (path == NULL && g_getenv ("CDI_CLI") != NULL)
    path = g_strdup (g_getenv ("CDI_CLI"));
  if (path == NULL)
    path = g_test_build_filename (G_TEST_BUILT, "..", "src", "crypt-disk-image", NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

/* No controlling terminal: a passphrase prompt fails the same way wherever the tests run */
static void
detach_terminal (gpointer user_data)
{
  setsid ();
}

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
test_cli_run_with_hook (CliRun             *run,
                        const char         *program,
                        const char * const *env,
                        const char         *input,
                        const char * const *args,
                        guint               hook_ms,
                        GSourceFunc         hook,
                        gpointer            hook_data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;

  cli_run_clear (run);
  g_strv_builder_add (builder, program != NULL ? program : test_cli_path ());
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, detach_terminal, NULL, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');

      if (eq == NULL)
        g_subprocess_launcher_unsetenv (launcher, env[i]);
      else
        {
          g_autofree char *name = g_strndup (env[i], (gsize) (eq - env[i]));

          g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
        }
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, input != NULL ? input : "", NULL, communicate_cb,
                                       &result);
  if (hook != NULL)
    g_timeout_add (hook_ms, hook, hook_data);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, &run->out, &run->err,
                                                       &error));
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  {
    g_autofree char *command = g_strjoinv (" ", argv);

    g_test_message ("$ %s -> %d\n%s%s", command, run->status, run->out, run->err);
  }
}

void
test_cli_run (CliRun             *run,
              const char         *program,
              const char * const *env,
              const char         *input,
              const char * const *args)
{
  test_cli_run_with_hook (run, program, env, input, args, 0, NULL, NULL);
}

/* A terminal for the program: a pseudo-terminal that becomes its controlling terminal, so the
 * passphrase prompt (/dev/tty) talks to the test, which answers each prompt in turn */
typedef struct
{
  int master;
  GString *shown;
  const char * const *answers;
  guint next;
  guint watch;
} Terminal;

typedef struct
{
  char *slave;
  gboolean stderr_too;
} TerminalSetup;

static void
take_terminal (gpointer user_data)
{
  TerminalSetup *setup = user_data;
  int fd;

  setsid ();
  fd = open (setup->slave, O_RDWR);
  if (fd >= 0)
    ioctl (fd, TIOCSCTTY, 0);
  if (fd >= 0 && setup->stderr_too)
    dup2 (fd, STDERR_FILENO);
}

static gboolean
terminal_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  Terminal *t = user_data;
  char buf[512];
  ssize_t n = read (fd, buf, sizeof buf);

  if (n <= 0)
    {
      t->watch = 0;
      return G_SOURCE_REMOVE;
    }
  g_string_append_len (t->shown, buf, n);
  if (t->answers[t->next] != NULL && g_str_has_suffix (t->shown->str, ": "))
    {
      g_autofree char *line = g_strconcat (t->answers[t->next++], "\n", NULL);

      g_usleep (G_USEC_PER_SEC / 10); /* let it turn echo off first (TCSAFLUSH) */
      g_assert_cmpint (write (fd, line, strlen (line)), ==, (ssize_t) strlen (line));
      g_string_append (t->shown, "<typed>");
    }
  return G_SOURCE_CONTINUE;
}

static void
run_on_terminal (CliRun             *run,
                 const char * const *env,
                 const char * const *answers,
                 const char * const *args,
                 gboolean            stderr_too)
{
  Terminal t = { posix_openpt (O_RDWR | O_NOCTTY), g_string_new (NULL), answers, 0, 0 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *slave = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  TerminalSetup setup = { NULL, stderr_too };

  cli_run_clear (run);
  g_assert_cmpint (t.master, >=, 0);
  g_assert_cmpint (grantpt (t.master), ==, 0);
  g_assert_cmpint (unlockpt (t.master), ==, 0);
  slave = g_strdup (ptsname (t.master));
  setup.slave = slave;
  g_strv_builder_add (builder, test_cli_path ());
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  g_subprocess_launcher_set_child_setup (launcher, take_terminal, &setup, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  t.watch = g_unix_fd_add (t.master, G_IO_IN | G_IO_HUP | G_IO_ERR, terminal_cb, &t);
  g_subprocess_communicate_utf8_async (process, "", NULL, communicate_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, &run->out, &run->err,
                                                       &error));
  g_assert_no_error (error);
  /* what is still in the pseudo-terminal */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (t.watch != 0)
    g_source_remove (t.watch);
  close (t.master);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  run->tty = g_string_free (t.shown, FALSE);
  g_test_message ("terminal -> %d\n%s\n%s%s", run->status, run->tty, run->out, run->err);
}

/* The terminal is the controlling one, for the prompts; stderr stays a pipe (run->err) */
void
test_cli_run_on_terminal (CliRun             *run,
                          const char * const *env,
                          const char * const *answers,
                          const char * const *args)
{
  run_on_terminal (run, env, answers, args, FALSE);
}

/* stderr on the terminal too, as in a shell: progress and errors end up in run->tty */
void
test_cli_run_all_on_terminal (CliRun             *run,
                              const char * const *env,
                              const char * const *answers,
                              const char * const *args)
{
  run_on_terminal (run, env, answers, args, TRUE);
}
