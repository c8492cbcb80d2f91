/* test-password-command.c - password commands (the old PW_CMD): splitting, output, failures
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real programs (printf, sh, sleep, yes) run as the test's own user; the sudo cases run `id` as
 * nobody (65534) and need root.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-password-command.h"

typedef struct
{
  const char *command;
  const char *expected;  /* the passphrase; NULL: an error */
  gsize expected_size;   /* 0: strlen (expected) */
  int error_code;        /* CdiError, when expected is NULL */
  const char *in_message; /* a part the error message must contain */
} CommandCase;

static const CommandCase command_cases[] = {
  /* The newline rule: the bytes before the first newline */
  { "printf 'pass\\nsecond line\\n'", "pass", 0, 0, NULL },
  { "printf %s no-newline", "no-newline", 0, 0, NULL },
  { "printf 'cr\\r\\n'", "cr\r", 0, 0, NULL },
  { "printf 'a\\000b\\n'", "a\0b", 3, 0, NULL },
  /* Quoting: POSIX rules, no shell */
  { "printf '%s' \"two  words\"", "two  words", 0, 0, NULL },
  { "printf %s 'it'\\''s'", "it's", 0, 0, NULL },
  { "printf %s $HOME", "$HOME", 0, 0, NULL },
  { "printf %s \"$HOME\"", "$HOME", 0, 0, NULL },
  { "printf %s `id`", "`id`", 0, 0, NULL },
  { "echo a | cat", "a | cat", 0, 0, NULL },
  { "echo a; echo b", "a; echo b", 0, 0, NULL },
  { "sh -c 'echo from-a-shell'", "from-a-shell", 0, 0, NULL },
  { "sh -c 'echo pw; head -c 60000 /dev/zero'", "pw", 0, 0, NULL },
  /* Failures */
  { "true", NULL, 0, CDI_ERROR_INVALID_INPUT, "printed no passphrase" },
  { "echo", NULL, 0, CDI_ERROR_INVALID_INPUT, "printed no passphrase" },
  { "false", NULL, 0, CDI_ERROR_FAILED, "exit status 1" },
  { "sh -c 'echo first problem >&2; echo second >&2; exit 3'", NULL, 0, CDI_ERROR_FAILED,
    "“sh” failed with exit status 3: first problem" },
  { "sh -c 'kill -TERM $$'", NULL, 0, CDI_ERROR_FAILED, "signal 15" },
  { "/nonexistent/password-tool", NULL, 0, CDI_ERROR_NOT_FOUND, "sh -c" },
  { "cdi-no-such-password-tool --get", NULL, 0, CDI_ERROR_NOT_FOUND, "was not found" },
  { "yes", NULL, 0, CDI_ERROR_INVALID_INPUT, "more than 64 KiB" },
  { "head -c 70000 /dev/zero", NULL, 0, CDI_ERROR_INVALID_INPUT, "more than 64 KiB" },
  { "sh -c 'head -c 2000 /dev/zero | tr \"\\0\" x'", NULL, 0, CDI_ERROR_INVALID_INPUT, "too long" },
  { "echo 'unterminated", NULL, 0, CDI_ERROR_INVALID_INPUT, "cannot be split" },
  { "", NULL, 0, CDI_ERROR_INVALID_INPUT, NULL },
};

static void
test_command (gconstpointer user_data)
{
  const CommandCase *c = user_data;
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;

  passphrase = cdi_password_command_run (c->command, 0, NULL, &error);
  if (c->expected != NULL)
    {
      gsize size = c->expected_size > 0 ? c->expected_size : strlen (c->expected);
      gsize got_size = 0;
      const guint8 *got;

      g_assert_no_error (error);
      got = cdi_passphrase_get_data (passphrase, &got_size);
      g_assert_cmpmem (got, got_size, c->expected, size);
      return;
    }
  g_assert_null (passphrase);
  g_assert_error (error, CDI_ERROR, c->error_code);
  g_test_message ("%s -> %s", c->command, error->message);
  if (c->in_message != NULL && strstr (error->message, c->in_message) == NULL)
    g_test_fail_printf ("“%s” does not contain “%s”", error->message, c->in_message);
}

static void
test_runs_as_self (void)
{
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = g_strdup_printf ("%u", (guint) getuid ());

  passphrase = cdi_password_command_run ("id -u", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr ((const char *) cdi_passphrase_get_data (passphrase, NULL), ==, uid);
}

static char *
command_output (const char  *command,
                GError     **error)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_password_command_run (command, 0, NULL, error);
  gsize size = 0;
  const guint8 *data;

  if (passphrase == NULL)
    return NULL;
  data = cdi_passphrase_get_data (passphrase, &size);
  return g_strndup ((const char *) data, size);
}

/* As root under sudo, the command runs as the user in SUDO_UID, with none of root's groups */
static void
test_sudo_user (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *groups = NULL;
  g_autofree char *env = NULL;
  g_autofree char *cwd = NULL;
  g_auto(GStrv) group_list = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("needs root: only root can run the command as another user");
      return;
    }
  g_setenv ("SUDO_UID", "65534", TRUE);
  uid = command_output ("id -u", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uid, ==, "65534");
  groups = command_output ("sh -c 'id -G | tr \" \" ,'", &error);
  g_assert_no_error (error);
  group_list = g_strsplit (groups, ",", -1);
  g_assert_false (g_strv_contains ((const char * const *) group_list, "0"));
  g_assert_true (g_strv_contains ((const char * const *) group_list, "65534"));
  env = command_output ("sh -c 'echo \"$USER:$LOGNAME:$HOME\"'", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (env, ==, "nobody:nobody:/nonexistent");
  /* nobody's home does not exist: the command starts in / */
  cwd = command_output ("pwd", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cwd, ==, "/");
  g_unsetenv ("SUDO_UID");
}

static void
test_sudo_uid_refused (void)
{
  const char *bad[] = { "garbage", "", "-1", "65534x", " 65534", "065534", "4294967295",
                        "99999999999999999999", NULL };

  if (geteuid () != 0)
    {
      g_test_skip ("needs root: SUDO_UID is only read when running as root");
      return;
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;

      g_setenv ("SUDO_UID", bad[i], TRUE);
      out = command_output ("id -u", &error);
      g_assert_null (out);
      g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_AUTHORIZED);
      g_assert_nonnull (strstr (error->message, "SUDO_UID"));
      g_test_message ("SUDO_UID=%s -> %s", bad[i], error->message);
    }
  /* a well-formed uid of no user: refused too, never run as root */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;

    g_setenv ("SUDO_UID", "3999999999", TRUE);
    out = command_output ("id -u", &error);
    g_assert_null (out);
    g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_AUTHORIZED);
    g_assert_nonnull (strstr (error->message, "not a known user"));
  }
  g_unsetenv ("SUDO_UID");
}

/* Root without SUDO_UID (or with SUDO_UID=0: root ran sudo) acts for root */
static void
test_root_without_sudo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *zero = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("needs root");
      return;
    }
  g_unsetenv ("SUDO_UID");
  uid = command_output ("id -u", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uid, ==, "0");
  g_setenv ("SUDO_UID", "0", TRUE);
  zero = command_output ("id -u", &error);
  g_unsetenv ("SUDO_UID");
  g_assert_no_error (error);
  g_assert_cmpstr (zero, ==, "0");
}

static void
test_timeout (void)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  /* A grandchild (sleep) keeps the output pipe open after sh is killed: still 1 s */
  g_assert_null (cdi_password_command_run ("sh -c 'sleep 30; echo late'", 1, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_test_message ("%s", error->message);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async_and_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  gint64 start;

  cdi_password_command_run_async ("printf async", 0, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  passphrase = cdi_password_command_run_finish (result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_cmpstr ((const char *) cdi_passphrase_get_data (passphrase, NULL), ==, "async");

  start = g_get_monotonic_time ();
  cdi_password_command_run_async ("sleep 30", 0, cancellable, result_cb, &result);
  g_timeout_add (200, cancel_cb, cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (cdi_password_command_run_finish (result, &error));
  g_clear_object (&result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_parse (void)
{
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "pass", "show", "disks/my backup", "$X", NULL };

  g_assert_true (cdi_password_command_parse ("pass show 'disks/my backup' \\$X", &argv, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (argv, expected);
  g_assert_false (cdi_password_command_parse ("a \"b", NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
}

int
main (int   argc,
      char *argv[])
{
  /* Run under sudo or not, the cases below see the same environment */
  g_unsetenv ("SUDO_UID");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (command_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/password-command/run/%u", i);

      g_test_add_data_func (path, &command_cases[i], test_command);
    }
  g_test_add_func ("/cdi/password-command/runs-as-self", test_runs_as_self);
  g_test_add_func ("/cdi/password-command/sudo-user", test_sudo_user);
  g_test_add_func ("/cdi/password-command/sudo-uid-refused", test_sudo_uid_refused);
  g_test_add_func ("/cdi/password-command/root-without-sudo", test_root_without_sudo);
  g_test_add_func ("/cdi/password-command/timeout", test_timeout);
  g_test_add_func ("/cdi/password-command/async-and-cancel", test_async_and_cancel);
  g_test_add_func ("/cdi/password-command/parse", test_parse);

  return g_test_run ();
}
