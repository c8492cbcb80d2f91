/* test-secret.c - cdi-secret against a real gnome-keyring-daemon (suite 'keyring')
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run through tests/keyring-session.sh, which starts a private D-Bus session with a fresh,
 * unlocked "login" keyring and no display. The locked case locks that keyring with the Secret
 * Service's Lock method; the unlock prompt then cannot be shown, so the API must answer
 * "locked", not "not found". tests/kr-unlock.py then unlocks it without a prompt.
 */
#include "config.h"

#include <string.h>

#include "cdi-error.h"
#include "cdi-secret.h"

#define UUID_A "11111111-2222-4333-8444-000000000001"
#define UUID_B "11111111-2222-4333-8444-000000000002"
#define UUID_C "11111111-2222-4333-8444-000000000003"
#define UUID_NEVER "11111111-2222-4333-8444-00000000ffff"
#define LOGIN_COLLECTION "/org/freedesktop/secrets/collection/login"

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static CdiPassphrase *
lookup (const char  *uuid,
        GError     **error)
{
  GAsyncResult *result = NULL;
  CdiPassphrase *passphrase;

  cdi_secret_lookup_async (uuid, NULL, result_cb, &result);
  passphrase = cdi_secret_lookup_finish (wait_for (&result), error);
  g_object_unref (result);
  return passphrase;
}

static gboolean
store (const char     *uuid,
       const char     *name,
       CdiPassphrase  *passphrase,
       GError        **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  cdi_secret_store_async (uuid, name, passphrase, NULL, result_cb, &result);
  ok = cdi_secret_store_finish (wait_for (&result), error);
  g_object_unref (result);
  return ok;
}

static gboolean
clear (const char  *uuid,
       GError     **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  cdi_secret_clear_async (uuid, NULL, result_cb, &result);
  ok = cdi_secret_clear_finish (wait_for (&result), error);
  g_object_unref (result);
  return ok;
}

static void
assert_lookup (const char *uuid,
               const void *expected,
               gsize       expected_size)
{
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const guint8 *data;

  passphrase = lookup (uuid, &error);
  g_assert_no_error (error);
  data = cdi_passphrase_get_data (passphrase, &size);
  g_assert_cmpmem (data, size, expected, expected_size);
}

static void
assert_not_found (const char *uuid)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (lookup (uuid, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND);
}

static void
test_store_lookup_clear (void)
{
  static const char text[] = "pass phrase \xc3\xbc";
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new (text, sizeof text - 1);
  g_autoptr(CdiPassphrase) replaced = cdi_passphrase_new ("second", 6);
  g_autoptr(GError) error = NULL;

  g_assert_true (store (UUID_A, "backup", passphrase, &error));
  g_assert_no_error (error);
  assert_lookup (UUID_A, text, sizeof text - 1);

  g_assert_true (store (UUID_A, "backup", replaced, &error)); /* replaces, no second item */
  assert_lookup (UUID_A, "second", 6);

  /* "Do not remember": gone, and clearing again is fine */
  g_assert_true (clear (UUID_A, &error));
  g_assert_no_error (error);
  assert_not_found (UUID_A);
  g_assert_true (clear (UUID_A, &error));
  g_assert_no_error (error);
}

static void
test_binary (void)
{
  static const guint8 bytes[] = { 'a', 0, 0xff, '\n', 'z' };
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new (bytes, sizeof bytes);
  g_autoptr(GError) error = NULL;

  g_assert_true (store (UUID_C, "binary", passphrase, &error));
  g_assert_no_error (error);
  assert_lookup (UUID_C, bytes, sizeof bytes);
  g_assert_true (clear (UUID_C, &error));
}

static void
test_never_stored (void)
{
  g_autoptr(GError) error = NULL;

  assert_not_found (UUID_NEVER);
  g_assert_null (lookup ("not-a-uuid", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
}

static gboolean
have_secret_tool (void)
{
  g_autofree char *path = g_find_program_in_path ("secret-tool");

  return path != NULL;
}

static char *
run_secret_tool (const char * const *argv,
                 const char         *input)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return out;
}

static void
test_label (void)
{
  const char *search[] = { "secret-tool", "search", "--all", "disk-uuid", UUID_A, NULL };
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("pw", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (!have_secret_tool ())
    {
      g_test_skip ("secret-tool is not installed (Debian: libsecret-tools)");
      return;
    }
  g_assert_true (store (UUID_A, "my disk", passphrase, &error));
  out = run_secret_tool (search, NULL);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "label = Passphrase of encrypted disk “my disk”"));
  g_assert_true (clear (UUID_A, &error));
}

/* What GNOME Files/Disks store for a LUKS volume is found too, and left alone by clear */
static void
test_gvfs_schema (void)
{
  const char *store_argv[] = { "secret-tool", "store", "--label=Encryption passphrase",
                               "xdg:schema", CDI_SECRET_GVFS_SCHEMA_NAME,
                               CDI_SECRET_GVFS_ATTRIBUTE_UUID, UUID_B, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_secret_tool ())
    {
      g_test_skip ("secret-tool is not installed (Debian: libsecret-tools)");
      return;
    }
  out = run_secret_tool (store_argv, "gvfs pass");
  assert_lookup (UUID_B, "gvfs pass", 9);
  g_assert_true (clear (UUID_B, &error));
  assert_lookup (UUID_B, "gvfs pass", 9);
}

static void
lock_login (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *collections[] = { LOGIN_COLLECTION };

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(@ao)", g_variant_new_objv (collections, 1)),
                                       G_VARIANT_TYPE ("(aoo)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                                       &error);
  g_assert_no_error (error);
}

static void
unlock_login (void)
{
  const char *password = g_getenv ("CDI_TEST_KEYRING_PASSWORD");
  const char *argv[] = { "/usr/bin/python3",
                         g_test_get_filename (G_TEST_DIST, "kr-unlock.py", NULL),
                         "unlock", password != NULL ? password : "test-pw", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                               &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("kr-unlock.py: %s", out);
  g_assert_true (g_subprocess_get_successful (process));
}

static void
test_locked (void)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("locked away", 11);
  g_autoptr(CdiPassphrase) other = cdi_passphrase_new ("other", 5);
  g_autoptr(GError) error = NULL;

  g_assert_true (store (UUID_C, "locked", passphrase, &error));
  g_assert_no_error (error);
  lock_login ();

  /* No display: the unlock prompt cannot appear; that is "locked", never "not found" */
  g_assert_null (lookup (UUID_C, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_KEYRING_LOCKED);
  g_test_message ("lookup while locked: %s", error->message);
  g_clear_error (&error);
  g_assert_false (store (UUID_NEVER, "other", other, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  g_assert_false (clear (UUID_C, &error)); /* must not pretend it deleted it */
  g_assert_error (error, CDI_ERROR, CDI_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  /* gnome-keyring finds locked items by their attributes, so "none stored" stays clear */
  assert_not_found (UUID_NEVER);

  unlock_login ();
  assert_lookup (UUID_C, "locked away", 11);
  g_assert_true (clear (UUID_C, &error));
  g_assert_no_error (error);
  assert_not_found (UUID_C);
}

static gboolean
have_secret_service (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                                       NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL || !have_secret_service ())
    {
      g_printerr ("SKIP: no Secret Service on the session bus; run me through "
                  "tests/keyring-session.sh\n");
      return 77;
    }

  /* In this order: the locked case comes last, as it changes the keyring's state */
  g_test_add_func ("/cdi/secret/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/cdi/secret/binary", test_binary);
  g_test_add_func ("/cdi/secret/never-stored", test_never_stored);
  g_test_add_func ("/cdi/secret/label", test_label);
  g_test_add_func ("/cdi/secret/gvfs-schema", test_gvfs_schema);
  g_test_add_func ("/cdi/secret/locked", test_locked);

  return g_test_run ();
}
