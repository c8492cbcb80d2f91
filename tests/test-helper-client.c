/* test-helper-client.c - the helper client against a STAND-IN helper (tests/fake-helper.sh)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No pkexec prompt can be answered in CI, so the tests that run a helper select
 * tests/fake-helper.sh through the CDI_HELPER test seam; their paths say "stand-in-helper".
 * What they check is the client's side: the argv it builds, the bytes it writes to stdin, how
 * it parses stdout records and maps every exit code. The real helper has its own tests.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"

/* One directory for the stand-in's files, set in the environment before any thread exists */
static char *helper_dir;

typedef struct
{
  const char *dir;
} Fixture;

static void
remove_helper_files (void)
{
  const char *names[] = { "argv", "calls", "stdin", "stdout", "stderr", "signal", "exit" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (helper_dir, names[i], NULL);

      g_unlink (path);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->dir = helper_dir;
  remove_helper_files ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_helper_files ();
}

/* Tells the stand-in how to answer */
static void
set_answer (Fixture    *fixture,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

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

static gboolean
finish (GAsyncResult  *result,
        GPtrArray    **ret_records,
        GError       **error)
{
  gboolean ok = cdi_helper_client_run_finish (result, ret_records, error);

  g_object_unref (result);
  return ok;
}

static gboolean
run (const char          *verb,
     const char * const  *options,
     const char * const  *args,
     CdiPassphrase       *passphrase,
     GPtrArray          **ret_records,
     GError             **error)
{
  GAsyncResult *result = NULL;

  cdi_helper_client_run_async (verb, options, args, passphrase, NULL, result_cb, &result);
  return finish (wait_for (&result), ret_records, error);
}

/* The argv the stand-in recorded, without its own name */
static GStrv
recorded_argv (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "argv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return NULL;
  for (gsize pos = 0; pos < size; pos += strlen (contents + pos) + 1)
    g_strv_builder_add (builder, contents + pos);
  return g_strv_builder_end (builder);
}

static GBytes *
recorded_stdin (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "stdin", NULL);
  char *contents = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  return g_bytes_new_take (contents, size);
}

static void
assert_argv (Fixture            *fixture,
             const char * const *expected)
{
  g_auto(GStrv) argv = recorded_argv (fixture);

  g_assert_nonnull (argv);
  g_assert_cmpstrv (argv, expected);
}

/* argv construction, no process */

static void
test_argv_pkexec (void)
{
  const char *options[] = { "--read-only", NULL };
  const char *args[] = { "/home/u/a.qcow2", "/home/u/A", NULL };
  const char *expected[] = { PKEXEC_PATH, "--disable-internal-agent", HELPER_PATH, "open",
                             "--read-only", "/home/u/a.qcow2", "/home/u/A", NULL };
  g_auto(GStrv) argv = cdi_helper_client_build_argv (NULL, FALSE, "open", options, args);

  g_assert_cmpstrv (argv, expected);
}

static void
test_argv_direct (void)
{
  const char *expected[] = { HELPER_PATH, "status", NULL };
  g_auto(GStrv) argv = cdi_helper_client_build_argv (NULL, TRUE, "status", NULL, NULL);

  g_assert_cmpstrv (argv, expected);
}

static void
test_argv_override (void)
{
  const char *args[] = { "/m", NULL };
  const char *expected[] = { "/tmp/stand-in", "trim", "/m", NULL };
  g_auto(GStrv) argv = cdi_helper_client_build_argv ("/tmp/stand-in", FALSE, "trim", NULL, args);

  g_assert_cmpstrv (argv, expected);
}

/* the stand-in helper */

static void
test_open_argv_and_stdin (Fixture       *fixture,
                          gconstpointer  user_data)
{
  static const guint8 secret[] = { 'p', 'a', 0, 's', '\n', 's', 0xff, '\r', '\\', 't' };
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new (secret, sizeof secret);
  const char *expected[] = { "open", "--read-only", "--skip-fsck", "/home/u/a b.qcow2",
                             "/home/u/mnt", NULL };
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) want = g_bytes_new_static (secret, sizeof secret);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  cdi_helper_client_open_async ("/home/u/a b.qcow2", "/home/u/mnt",
                                CDI_HELPER_OPEN_FLAGS_READ_ONLY | CDI_HELPER_OPEN_FLAGS_SKIP_FSCK,
                                passphrase, NULL, result_cb, &result);
  g_assert_true (finish (wait_for (&result), NULL, &error));
  g_assert_no_error (error);

  assert_argv (fixture, expected);
  got = recorded_stdin (fixture);
  g_assert_true (g_bytes_equal (got, want)); /* exactly the bytes: no newline added, NUL kept */
}

static void
test_close_no_stdin (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *expected[] = { "close", "--no-trim", "/home/u/mnt", NULL };
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  cdi_helper_client_close_async ("/home/u/mnt", FALSE, NULL, result_cb, &result);
  g_assert_true (finish (wait_for (&result), NULL, &error));
  g_assert_no_error (error);
  assert_argv (fixture, expected);
  got = recorded_stdin (fixture);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
}

static void
test_verbs_argv (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("pw", 2);
  CdiHelperFormatOptions options = { .pbkdf = "pbkdf2", .memory_kib = 65536, .time_ms = 2000,
                                     .iterations = 1000, .label = "backup" };
  const char *format_argv[] = { "format", "--pbkdf=pbkdf2", "--pbkdf-memory=65536",
                                "--pbkdf-time=2000", "--pbkdf-iterations=1000", "--label=backup",
                                "/i.qcow2", NULL };
  const char *close_argv[] = { "close", "/i.qcow2", NULL };
  const char *trim_argv[] = { "trim", "/m", NULL };
  const char *status_argv[] = { "status", NULL };
  const char *recover_argv[] = { "recover", NULL };
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  cdi_helper_client_format_async ("/i.qcow2", &options, passphrase, NULL, result_cb, &result);
  g_assert_true (finish (wait_for (&result), NULL, &error));
  assert_argv (fixture, format_argv);

  result = NULL;
  cdi_helper_client_close_async ("/i.qcow2", TRUE, NULL, result_cb, &result);
  g_assert_true (finish (wait_for (&result), NULL, &error));
  assert_argv (fixture, close_argv);

  result = NULL;
  cdi_helper_client_trim_async ("/m", NULL, result_cb, &result);
  g_assert_true (finish (wait_for (&result), NULL, &error));
  assert_argv (fixture, trim_argv);

  result = NULL;
  cdi_helper_client_status_async (NULL, result_cb, &result);
  g_assert_true (finish (wait_for (&result), NULL, &error));
  assert_argv (fixture, status_argv);

  result = NULL;
  cdi_helper_client_recover_async (NULL, result_cb, &result);
  g_assert_true (finish (wait_for (&result), NULL, &error));
  assert_argv (fixture, recover_argv);
  g_assert_no_error (error);
}

typedef struct
{
  int exit_status;
  const char *domain; /* "cdi" or "gio" */
  int code;
  const char *in_message; /* a part the message must contain, or NULL */
} ExitCase;

static const ExitCase exit_cases[] = {
  { CDI_HELPER_EXIT_FAILED, "cdi", CDI_ERROR_FAILED, "'open' failed: mount (Stand-in)" },
  { CDI_HELPER_EXIT_USAGE, "cdi", CDI_ERROR_FAILED, "reinstall" },
  { CDI_HELPER_EXIT_NOT_AUTHORISED, "cdi", CDI_ERROR_NOT_AUTHORIZED, "pkexec" },
  { CDI_HELPER_EXIT_REFUSED, "cdi", CDI_ERROR_INVALID_INPUT, "'open' failed: mount (Stand-in)" },
  { CDI_HELPER_EXIT_WRONG_PASSPHRASE, "cdi", CDI_ERROR_WRONG_PASSPHRASE, "Wrong passphrase" },
  { CDI_HELPER_EXIT_BUSY, "cdi", CDI_ERROR_BUSY, "bash (process 1234), vim (process 99)" },
  { CDI_HELPER_EXIT_MISSING, "cdi", CDI_ERROR_MISSING_SUPPORT, "crypt-disk-image check-deps" },
  { CDI_HELPER_EXIT_NEEDS_REPAIR, "cdi", CDI_ERROR_NEEDS_REPAIR, "read-only" },
  { 126, "gio", G_IO_ERROR_CANCELLED, NULL },
  { 127, "cdi", CDI_ERROR_NOT_AUTHORIZED, "authentication agent" },
  { 99, "cdi", CDI_ERROR_FAILED, "99" },
};

static void
test_exit_code (Fixture       *fixture,
                gconstpointer  user_data)
{
  const ExitCase *c = user_data;
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("pw", 2);
  g_autofree char *status = g_strdup_printf ("%d", c->exit_status);
  const char *args[] = { "/i.qcow2", "/m", NULL };
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  set_answer (fixture, "exit", status);
  set_answer (fixture, "stderr",
              "warning: mlockall failed: stand-in\n'open' failed: mount (Stand-in)\n");
  set_answer (fixture, "stdout", "holder\tpid=1234\tcomm=bash\tholds=cwd\tpath=/m\n"
                       "holder\tpid=1234\tcomm=bash\tholds=file\tpath=/m/x\n"
                       "holder\tpid=99\tcomm=vim\tholds=file\tpath=/m/y\n");

  g_assert_false (run ("open", NULL, args, passphrase, &records, &error));
  g_assert_null (records);
  g_assert_error (error, (g_str_equal (c->domain, "cdi") ? CDI_ERROR : G_IO_ERROR), c->code);
  if (c->in_message != NULL)
    g_assert_nonnull (strstr (error->message, c->in_message));
  g_test_message ("exit %d -> %s", c->exit_status, error->message);
}

static void
test_exit_ok_records (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  CdiRecord *disk;
  guint64 since = 0;

  set_answer (fixture, "stdout",
              "disk\timage=/home/u/a\\tb.qcow2\tmountpoint=/home/u/m\\\\n\tnbd=/dev/nbd3"
              "\tuuid=0f6a2c3e-1111-4222-8333-944455556666\tread-only=1\tsince=1700000000"
              "\tfuture-key=ignored\n"
              "disk\timage=/x\\ny\\x01z\tread-only=0\n"
              "trimmed\tmountpoint=/home/u/m\tbytes=4096\n");
  g_assert_true (run ("status", NULL, NULL, NULL, &records, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);

  disk = g_ptr_array_index (records, 0);
  g_assert_cmpstr (cdi_record_get_kind (disk), ==, "disk");
  g_assert_cmpstr (cdi_record_get (disk, "image"), ==, "/home/u/a\tb.qcow2");
  g_assert_cmpstr (cdi_record_get (disk, "mountpoint"), ==, "/home/u/m\\n");
  g_assert_cmpstr (cdi_record_get (disk, "uuid"), ==, "0f6a2c3e-1111-4222-8333-944455556666");
  g_assert_true (cdi_record_get_boolean (disk, "read-only"));
  g_assert_true (cdi_record_get_uint64 (disk, "since", &since));
  g_assert_cmpuint (since, ==, 1700000000);
  g_assert_cmpstr (cdi_record_get ((CdiRecord *) g_ptr_array_index (records, 1), "image"), ==,
                   "/x\ny\001z");
  g_assert_false (cdi_record_get_boolean (g_ptr_array_index (records, 1), "read-only"));
  g_assert_cmpstr (cdi_record_get_kind (cdi_records_find (records, "trimmed")), ==, "trimmed");
}

static void
test_signal (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  set_answer (fixture, "signal", "TERM");
  g_assert_false (run ("status", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "signal 15"));
}

static void
test_cancelled_before_start (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  GAsyncResult *result = NULL;

  g_cancellable_cancel (cancellable);
  cdi_helper_client_status_async (cancellable, result_cb, &result);
  g_assert_false (finish (wait_for (&result), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  argv = recorded_argv (fixture);
  g_assert_null (argv); /* it never ran */
}

static void
test_refuses_dash_arguments (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const char *bad_args[] = { "--read-only", NULL };
  const char *bad_options[] = { "read-only", NULL };
  const char *empty_args[] = { "", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  g_assert_false (run ("trim", NULL, bad_args, NULL, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (run ("trim", bad_options, NULL, NULL, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (run ("trim", NULL, empty_args, NULL, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  argv = recorded_argv (fixture);
  g_assert_null (argv);
}

static void
test_missing_program (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("CDI_HELPER"));

  g_setenv ("CDI_HELPER", "/nonexistent/cdi-stand-in", TRUE);
  g_assert_false (run ("status", NULL, NULL, NULL, NULL, &error));
  g_setenv ("CDI_HELPER", saved, TRUE);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_MISSING_SUPPORT);
}

/* Record parsing without a process */

static void
test_records_malformed (void)
{
  static const char text[] =
    "\n"
    "no tab kind\n"
    "UPPER\tk=v\n"
    "holder\tpid=7\tnoequals\tBad=1\tcomm=a=b\tpath=bad\\q\tholds=\\x00\tx=\\x4\n"
    "fsck\tresult=clean"; /* no final newline */
  g_autoptr(GPtrArray) records = cdi_records_parse (text, sizeof text - 1);
  CdiRecord *holder;

  g_assert_cmpuint (records->len, ==, 2);
  holder = g_ptr_array_index (records, 0);
  g_assert_cmpstr (cdi_record_get_kind (holder), ==, "holder");
  g_assert_cmpstr (cdi_record_get (holder, "pid"), ==, "7");
  g_assert_cmpstr (cdi_record_get (holder, "comm"), ==, "a=b");
  g_assert_null (cdi_record_get (holder, "noequals"));
  g_assert_null (cdi_record_get (holder, "Bad"));
  g_assert_null (cdi_record_get (holder, "path"));  /* unknown escape */
  g_assert_null (cdi_record_get (holder, "holds")); /* escaped NUL */
  g_assert_null (cdi_record_get (holder, "x"));     /* short \x */
  g_assert_cmpstr (cdi_record_get (g_ptr_array_index (records, 1), "result"), ==, "clean");
  g_assert_null (cdi_records_find (records, "disk"));
}

static void
test_records_empty (void)
{
  g_autoptr(GPtrArray) records = cdi_records_parse (NULL, 0);
  guint64 value = 5;

  g_assert_cmpuint (records->len, ==, 0);
  g_ptr_array_unref (records);
  records = cdi_records_parse ("trimmed\tbytes=12x\n", 18);
  g_assert_false (cdi_record_get_uint64 (g_ptr_array_index (records, 0), "bytes", &value));
  g_assert_cmpuint (value, ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *stand_in = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  helper_dir = g_dir_make_tmp ("cdi-helper-client-XXXXXX", NULL);
  g_assert_nonnull (helper_dir);
  stand_in = g_test_build_filename (G_TEST_DIST, "fake-helper.sh", NULL);
  g_setenv ("CDI_HELPER", stand_in, TRUE);
  g_setenv ("CDI_FAKE_HELPER_DIR", helper_dir, TRUE);

  g_test_message ("The helper in the stand-in-helper tests is a STAND-IN (tests/fake-helper.sh, "
                  "selected through CDI_HELPER): no pkexec prompt can be answered in CI.");

  g_test_add_func ("/cdi/helper-client/argv/pkexec", test_argv_pkexec);
  g_test_add_func ("/cdi/helper-client/argv/direct-as-root", test_argv_direct);
  g_test_add_func ("/cdi/helper-client/argv/test-seam", test_argv_override);
  g_test_add_func ("/cdi/helper-client/records/malformed", test_records_malformed);
  g_test_add_func ("/cdi/helper-client/records/empty", test_records_empty);

#define ADD(path, func, data) \
  g_test_add ("/cdi/helper-client/stand-in-helper/" path, Fixture, data, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("missing-program", test_missing_program, NULL); /* first: setenv before any thread */
  ADD ("open-argv-and-stdin", test_open_argv_and_stdin, NULL);
  ADD ("close-empty-stdin", test_close_no_stdin, NULL);
  ADD ("verbs-argv", test_verbs_argv, NULL);
  ADD ("exit-0-records", test_exit_ok_records, NULL);
  ADD ("killed-by-signal", test_signal, NULL);
  ADD ("cancelled-before-start", test_cancelled_before_start, NULL);
  ADD ("refuses-dash-arguments", test_refuses_dash_arguments, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (exit_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper-client/stand-in-helper/exit-%d",
                                               exit_cases[i].exit_status);

      g_test_add (path, Fixture, &exit_cases[i], fixture_set_up, test_exit_code, fixture_tear_down);
    }
#undef ADD

  status = g_test_run ();
  remove_helper_files ();
  g_rmdir (helper_dir);
  g_free (helper_dir);
  return status;
}
