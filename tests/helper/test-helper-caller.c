/* test-helper-caller.c - unit tests for the caller's uid from PKEXEC_UID/SUDO_UID, and the
 * environment the helper keeps
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "caller.h"

typedef struct
{
  const char *name;
  const char *text;
  int expected;
  uid_t uid;
} UidCase;

static const UidCase uid_cases[] = {
  { "zero", "0", 0, 0 },
  { "one", "1", 0, 1 },
  { "thousand", "1000", 0, 1000 },
  { "65534", "65534", 0, 65534 },
  { "largest", "4294967294", 0, 4294967294U },
  { "null", NULL, -EBADMSG, 0 },
  { "empty", "", -EBADMSG, 0 },
  { "leading-space", " 1", -EBADMSG, 0 },
  { "trailing-space", "1 ", -EBADMSG, 0 },
  { "trailing-newline", "1000\n", -EBADMSG, 0 },
  { "plus", "+1", -EBADMSG, 0 },
  { "minus", "-1", -EBADMSG, 0 },
  { "minus-zero", "-0", -EBADMSG, 0 },
  { "leading-zero", "01", -EBADMSG, 0 },
  { "double-zero", "00", -EBADMSG, 0 },
  { "octal-looking", "0755", -EBADMSG, 0 },
  { "hex", "0x10", -EBADMSG, 0 },
  { "name", "root", -EBADMSG, 0 },
  { "suffix", "1000a", -EBADMSG, 0 },
  { "fraction", "1.0", -EBADMSG, 0 },
  { "tab", "\t1000", -EBADMSG, 0 },
  { "minus-one-as-unsigned", "4294967295", -EBADMSG, 0 },
  { "uid-t-overflow", "4294967296", -EBADMSG, 0 },
  { "way-over", "99999999999999999999", -EBADMSG, 0 },
  { "u64-max", "18446744073709551615", -EBADMSG, 0 },
  { "u64-overflow-to-small", "18446744073709551617", -EBADMSG, 0 },
  { "utf8-digit", "\xd9\xa1", -EBADMSG, 0 }, /* ARABIC-INDIC DIGIT ONE */
};

static void
test_parse_uid (gconstpointer data)
{
  const UidCase *c = data;
  uid_t uid = 4242;

  g_assert_cmpint (cdi_caller_parse_uid (c->text, &uid), ==, c->expected);
  if (c->expected == 0)
    g_assert_cmpuint (uid, ==, c->uid);
  else
    g_assert_cmpuint (uid, ==, 4242); /* untouched on failure */
}

typedef struct
{
  const char *name;
  const char *pkexec_uid; /* NULL: unset */
  const char *sudo_uid;
  int expected;
  uid_t uid;
} EnvCase;

static const EnvCase env_cases[] = {
  { "neither-is-root", NULL, NULL, 0, 0 },
  { "pkexec", "1000", NULL, 0, 1000 },
  { "pkexec-root", "0", NULL, 0, 0 },
  { "sudo", NULL, "1001", 0, 1001 },
  /* Both set: one of them came from the caller (sudo's env_keep, pkexec run through sudo)
   * and nothing says which, so neither wins, whatever the values */
  { "both-refused", "1000", "1001", -EPERM, 0 },
  { "both-same-refused", "1000", "1000", -EPERM, 0 },
  { "both-root-refused", "0", "0", -EPERM, 0 },
  { "both-pkexec-root-refused", "0", "1000", -EPERM, 0 },
  { "both-sudo-root-refused", "1000", "0", -EPERM, 0 },
  { "both-bad-sudo-refused", "1000", "x", -EPERM, 0 },
  { "both-bad-pkexec-refused", "x", "1001", -EPERM, 0 },
  { "both-empty-pkexec-refused", "", "1001", -EPERM, 0 },
  { "both-empty-sudo-refused", "1001", "", -EPERM, 0 },
  { "both-empty-refused", "", "", -EPERM, 0 },
  { "empty-pkexec", "", NULL, -EBADMSG, 0 },
  { "negative-pkexec", "-1", NULL, -EBADMSG, 0 },
  { "overflowing-pkexec", "4294967296", NULL, -EBADMSG, 0 },
  { "bad-sudo", NULL, "1000 ", -EBADMSG, 0 },
  { "empty-sudo", NULL, "", -EBADMSG, 0 },
  { "sudo-minus-one", NULL, "4294967295", -EBADMSG, 0 },
};

static void
test_from_env (gconstpointer data)
{
  const EnvCase *c = data;
  uid_t uid = 4242;

  g_assert_cmpint (cdi_caller_from_env (c->pkexec_uid, c->sudo_uid, &uid), ==, c->expected);
  if (c->expected == 0)
    g_assert_cmpuint (uid, ==, c->uid);
  else
    g_assert_cmpuint (uid, ==, 4242);
}

/* Every uid round-trips through its decimal spelling */
static void
test_round_trip (void)
{
  const uid_t uids[] = { 0, 1, 9, 10, 99, 100, 999, 1000, 65535, 65536, 2147483647U,
                         2147483648U, 4294967294U };

  for (gsize i = 0; i < G_N_ELEMENTS (uids); i++)
    {
      g_autofree char *text = g_strdup_printf ("%u", (unsigned int) uids[i]);
      uid_t uid = 4242;

      g_assert_cmpint (cdi_caller_parse_uid (text, &uid), ==, 0);
      g_assert_cmpuint (uid, ==, uids[i]);
    }
}

/* What the caller could leave in the helper's environment (sudo's env_keep, a root shell):
 * configuration libcrypto, libdevmapper, libc and the tools would read */
static const char *const hostile_env[][2] = {
  { "OPENSSL_CONF", "/tmp/evil.cnf" },
  { "OPENSSL_MODULES", "/tmp/evil" },
  { "DM_DEV_DIR", "/tmp/dev" },
  { "DM_DISABLE_UDEV", "1" },
  { "LD_PRELOAD", "/tmp/evil.so" },
  { "LOCALDOMAIN", "evil" },
  { "HOME", "/tmp" },
  { "PATH", "/tmp/bin:/usr/bin" },
  { "LC_ALL", "tr_TR.UTF-8" },
  { "LANG", "tr_TR.UTF-8" },
  { "IFS", "/" },
  { "PKEXEC_UID", "1000" },
  { "SUDO_UID", "1000" },
};

/* After the reset exactly PATH (fixed) and LC_ALL=C are left, in environ itself, not only as
 * getenv() sees it: execve(environ) and the libraries' secure_getenv() read that. */
static void
test_reset_env (void)
{
  extern char **environ;
  gboolean saw_path = FALSE, saw_lc_all = FALSE;
  gsize n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (hostile_env); i++)
    g_assert_cmpint (setenv (hostile_env[i][0], hostile_env[i][1], 1), ==, 0);

  g_assert_cmpint (cdi_caller_reset_env (), ==, 0);

  for (char **e = environ; e != NULL && *e != NULL; e++, n++)
    {
      if (strcmp (*e, "PATH=" CDI_CALLER_ENV_PATH) == 0)
        saw_path = TRUE;
      else if (strcmp (*e, "LC_ALL=C") == 0)
        saw_lc_all = TRUE;
      else
        g_test_message ("left in the environment: %s", *e);
    }
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (saw_path);
  g_assert_true (saw_lc_all);
  for (gsize i = 0; i < G_N_ELEMENTS (hostile_env); i++)
    if (strcmp (hostile_env[i][0], "PATH") != 0 && strcmp (hostile_env[i][0], "LC_ALL") != 0)
      g_assert_null (getenv (hostile_env[i][0]));
  g_assert_cmpstr (CDI_CALLER_ENV_PATH, ==, "/usr/sbin:/usr/bin:/sbin:/bin");

  /* Idempotent */
  g_assert_cmpint (cdi_caller_reset_env (), ==, 0);
  g_assert_cmpstr (getenv ("PATH"), ==, CDI_CALLER_ENV_PATH);
  g_assert_cmpstr (getenv ("LC_ALL"), ==, "C");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (uid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/caller/parse-uid/%s",
                                               uid_cases[i].name);
      g_test_add_data_func (path, &uid_cases[i], test_parse_uid);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (env_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/caller/from-env/%s",
                                               env_cases[i].name);
      g_test_add_data_func (path, &env_cases[i], test_from_env);
    }
  g_test_add_func ("/cdi/helper/caller/round-trip", test_round_trip);
  g_test_add_func ("/cdi/helper/caller/reset-env", test_reset_env);
  return g_test_run ();
}
