/* test-cli-keyring.c - crypt-disk-image with a real keyring and a STAND-IN helper
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by tests/keyring-session.sh: a real gnome-keyring-daemon in a private D-Bus session. The
 * helper is tests/fake-helper.sh through CDI_HELPER (no pkexec prompt can be answered in CI).
 * Checked: create --keyring stores the passphrase under the LUKS UUID the helper reports; open
 * takes it from the keyring (no terminal, no stdin needed); add --keyring keeps a passphrase
 * at the first open; passwd replaces the keyring entry only after the helper succeeded;
 * forget-password removes it.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cdi-error.h"
#include "cdi-secret.h"
#include "test-cli-common.h"

#define UUID "0f6a1b2c-1111-2222-3333-444455556666"

static char *dir;
static char *helper_dir;
static const char *env[5];

static void
answer (const char *name,
        const char *text)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);

  if (text == NULL)
    g_unlink (path);
  else
    g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
helper_stdin (void)
{
  g_autofree char *path = g_build_filename (helper_dir, "stdin", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_unlink (path);
  return contents;
}

static void
answer_disk (const char *image)
{
  g_autofree char *record = g_strdup_printf ("disk\timage=%s\tmountpoint=/m\tuuid=" UUID "\n",
                                             image);

  answer ("stdout", record);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
keyring_passphrase_of (const char *uuid)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;

  cdi_secret_lookup_async (uuid, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  passphrase = cdi_secret_lookup_finish (result, &error);
  if (passphrase == NULL)
    {
      g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND);
      return NULL;
    }
  return g_strndup ((const char *) cdi_passphrase_get_data (passphrase, NULL),
                    cdi_passphrase_get_size (passphrase));
}

static char *
keyring_passphrase (void)
{
  return keyring_passphrase_of (UUID);
}

static void
cli (CliRun     *run,
     const char *input,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  const char *arg;

  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  test_cli_run (run, NULL, env, input, (const char * const *) args->pdata);
}

static void
test_create_open_forget (void)
{
  g_autofree char *image = g_build_filename (dir, "kr.qcow2", NULL);
  g_autofree char *mnt = g_build_filename (dir, "kr", NULL);
  g_autofree char *stored = NULL;
  g_autofree char *sent = NULL;
  g_auto(CliRun) run = { 0, };

  answer_disk (image);
  cli (&run, "kept secret\n", "create", "--size", "64M", "-m", mnt, "--keyring",
       "--passphrase-stdin", image, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strstr (run.err, "warning"));
  stored = keyring_passphrase ();
  g_assert_cmpstr (stored, ==, "kept secret");
  g_free (helper_stdin ());

  cli (&run, NULL, "-v", "open", "kr", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "Looking up the passphrase in the keyring"));
  sent = helper_stdin ();
  g_assert_cmpstr (sent, ==, "kept secret");
  g_assert_null (strstr (run.err, "kept secret")); /* never printed, also not with -v */

  cli (&run, NULL, "forget-password", "kr", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (stored);
  stored = keyring_passphrase ();
  g_assert_null (stored);
  /* now "ask": without a terminal, open cannot get a passphrase */
  cli (&run, NULL, "open", "kr", NULL);
  g_assert_cmpint (run.status, ==, 9);
}

static void
test_add_then_keep (void)
{
  g_autofree char *image = g_build_filename (dir, "old.qcow2", NULL);
  g_autofree char *mnt = g_build_filename (dir, "old", NULL);
  g_autofree char *stored = NULL;
  g_autofree char *sent = NULL;
  const char *argv[] = { QEMU_IMG_PATH, "create", "-q", "-f", "qcow2", image, "64M", NULL };
  g_auto(CliRun) run = { 0, };
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, NULL, &status,
                               NULL));
  g_assert_cmpint (status, ==, 0);
  cli (&run, NULL, "add", image, "-m", mnt, "--keyring", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (keyring_passphrase ());

  answer_disk (image);
  cli (&run, "typed once\n", "open", "--passphrase-stdin", "old", NULL);
  g_assert_cmpint (run.status, ==, 0);
  stored = keyring_passphrase ();
  g_assert_cmpstr (stored, ==, "typed once");
  g_free (helper_stdin ());

  cli (&run, NULL, "open", "old", NULL);
  g_assert_cmpint (run.status, ==, 0);
  sent = helper_stdin ();
  g_assert_cmpstr (sent, ==, "typed once");
}

/* Runs after add-then-keep: the disk "old" keeps "typed once" in the keyring */
static void
test_passwd_updates_keyring (void)
{
  g_autofree char *stored = NULL;
  g_autofree char *sent = NULL;
  g_auto(CliRun) run = { 0, };

  /* the helper refuses (wrong passphrase): the keyring keeps the old, still valid one */
  answer ("passwd.exit", "5");
  cli (&run, "brand new\n", "passwd", "--new-passphrase-stdin", "old", NULL);
  g_assert_cmpint (run.status, ==, 4);
  sent = helper_stdin ();
  g_assert_cmpstr (sent, ==, "10:typed oncebrand new");
  stored = keyring_passphrase ();
  g_assert_cmpstr (stored, ==, "typed once");
  answer ("passwd.exit", NULL);

  /* the old one from the keyring, the new one from stdin; then the keyring holds the new one */
  cli (&run, "brand new\n", "passwd", "--new-passphrase-stdin", "old", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "The keyring now holds the new passphrase of “old”."));
  g_free (sent);
  sent = helper_stdin ();
  g_assert_cmpstr (sent, ==, "10:typed oncebrand new");
  g_free (stored);
  stored = keyring_passphrase ();
  g_assert_cmpstr (stored, ==, "brand new");
  g_assert_null (strstr (run.err, "brand new"));

  cli (&run, NULL, "open", "old", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (sent);
  sent = helper_stdin ();
  g_assert_cmpstr (sent, ==, "brand new");
}

/* Only --keyring (or Remember) stores: every other way of giving a passphrase leaves the
 * keyring as it was */
static void
test_nothing_stored_unless_asked (void)
{
  const char *uuid = "0f6a1b2c-9999-2222-3333-444455556666";
  g_autofree char *image = g_build_filename (dir, "nostore.qcow2", NULL);
  g_autofree char *mnt = g_build_filename (dir, "nostore", NULL);
  g_autofree char *record = g_strdup_printf ("disk\timage=%s\tmountpoint=%s\tuuid=%s\n",
                                             image, mnt, uuid);
  g_autofree char *stored = NULL;
  g_auto(CliRun) run = { 0, };

  answer ("stdout", record);
  cli (&run, "stdin secret\n", "create", "--size", "64M", "-m", mnt, "--passphrase-stdin",
       "--name", "nostore", image, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (helper_stdin ());
  g_assert_null (keyring_passphrase_of (uuid));

  cli (&run, "stdin secret\n", "open", "--passphrase-stdin", "nostore", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (helper_stdin ());
  g_assert_null (keyring_passphrase_of (uuid));

  /* the old syntax with a password command */
  cli (&run, NULL, "-m", mnt, "-p", "printf 'cmd secret\\n'", image, "open", NULL);
  g_assert_cmpint (run.status, ==, 0);
  stored = helper_stdin ();
  g_assert_cmpstr (stored, ==, "cmd secret");
  g_assert_null (keyring_passphrase_of (uuid));
}

int
main (int   argc,
      char *argv[])
{
  static char *env_config, *env_helper, *env_helper_dir, *env_bus;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_message ("The keyring is real (gnome-keyring-daemon); the helper is a STAND-IN "
                  "(tests/fake-helper.sh via CDI_HELPER).");

  dir = g_dir_make_tmp ("cdi-cli-keyring-XXXXXX", NULL);
  helper_dir = g_build_filename (dir, "stand-in", NULL);
  g_assert_cmpint (g_mkdir (helper_dir, 0700), ==, 0);
  env_config = g_strdup_printf ("XDG_CONFIG_HOME=%s/config", dir);
  {
    g_autofree char *stand_in = g_test_build_filename (G_TEST_DIST, "fake-helper.sh", NULL);

    env_helper = g_strdup_printf ("CDI_HELPER=%s", stand_in);
  }
  env_helper_dir = g_strdup_printf ("CDI_FAKE_HELPER_DIR=%s", helper_dir);
  env_bus = g_strdup_printf ("DBUS_SESSION_BUS_ADDRESS=%s",
                             g_getenv ("DBUS_SESSION_BUS_ADDRESS") ?: "");
  env[0] = env_config;
  env[1] = env_helper;
  env[2] = env_helper_dir;
  env[3] = env_bus;

  g_test_add_func ("/cli/keyring/create-open-forget", test_create_open_forget);
  g_test_add_func ("/cli/keyring/add-then-keep", test_add_then_keep);
  g_test_add_func ("/cli/keyring/passwd-updates-keyring", test_passwd_updates_keyring);
  g_test_add_func ("/cli/keyring/nothing-stored-unless-asked", test_nothing_stored_unless_asked);
  status = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", dir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }
  return status;
}
