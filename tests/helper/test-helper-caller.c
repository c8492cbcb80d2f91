/* test-helper-caller.c - unit tests for the caller's uid from PKEXEC_UID/SUDO_UID
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>

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
  { "pkexec-wins-over-sudo", "1000", "1001", 0, 1000 },
  { "pkexec-wins-over-bad-sudo", "1000", "x", 0, 1000 },
  { "bad-pkexec-never-falls-back", "x", "1001", -EBADMSG, 0 },
  { "empty-pkexec-never-falls-back", "", "1001", -EBADMSG, 0 },
  { "empty-pkexec", "", NULL, -EBADMSG, 0 },
  { "negative-pkexec", "-1", NULL, -EBADMSG, 0 },
  { "overflowing-pkexec", "4294967296", "1000", -EBADMSG, 0 },
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
  return g_test_run ();
}
