/* test-cli-stand-in-helper.c - crypt-disk-image's commands end to end against a STAND-IN helper
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No pkexec prompt can be answered in CI, so the built crypt-disk-image runs with CDI_HELPER
 * pointing at tests/fake-helper.sh, which does no disk work: it records the argv and stdin it
 * got and answers with the records and exit code a test gives it. qemu-img runs for real. What
 * is checked is the command line's side: what it asks the helper, what it sends as the
 * passphrase, what it prints, its exit status and what it writes to the registry. The real
 * helper is used by tests/vm/test-cli-e2e.sh.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-cli-common.h"

typedef struct
{
  char *dir;
  char *helper_dir;
  char *config;
  char *env_config;
  char *env_helper;
  char *env_helper_dir;
  const char *env[4];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("cdi-cli-XXXXXX", NULL);
  f->helper_dir = g_build_filename (f->dir, "stand-in", NULL);
  f->config = g_build_filename (f->dir, "config", "crypt-disk-image", "disks.conf", NULL);
  g_assert_cmpint (g_mkdir (f->helper_dir, 0700), ==, 0);
  f->env_config = g_strdup_printf ("XDG_CONFIG_HOME=%s/config", f->dir);
  f->env_helper = g_strdup_printf ("CDI_HELPER=%s",
                                   g_test_get_filename (G_TEST_DIST, "fake-helper.sh", NULL));
  f->env_helper_dir = g_strdup_printf ("CDI_FAKE_HELPER_DIR=%s", f->helper_dir);
  f->env[0] = f->env_config;
  f->env[1] = f->env_helper;
  f->env[2] = f->env_helper_dir;
  f->env[3] = NULL;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  const char *argv[] = { "rm", "-rf", f->dir, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
  g_free (f->dir);
  g_free (f->helper_dir);
  g_free (f->config);
  g_free (f->env_config);
  g_free (f->env_helper);
  g_free (f->env_helper_dir);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* Tells the stand-in how to answer; NULL text removes the answer */
static void
answer (Fixture    *f,
        const char *name,
        const char *text)
{
  g_autofree char *path = g_build_filename (f->helper_dir, name, NULL);

  if (text == NULL)
    g_unlink (path);
  else
    g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
forget_call (Fixture *f)
{
  answer (f, "argv", NULL);
  answer (f, "stdin", NULL);
}

/* The last helper call as "VERB ARG ARG", or NULL if the helper did not run */
static char *
helper_call (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->helper_dir, "argv", NULL);
  g_autofree char *contents = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return NULL;
  for (gsize i = 0; i + 1 < size; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';
  return g_strndup (contents, size > 0 ? size - 1 : 0);
}

static char *
helper_stdin (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->helper_dir, "stdin", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
cli (Fixture    *f,
     CliRun     *run,
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
  test_cli_run (run, NULL, f->env, input, (const char * const *) args->pdata);
}

static char *
registry (Fixture *f)
{
  char *contents = NULL;

  if (!g_file_get_contents (f->config, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/* An error is one line on stderr: "crypt-disk-image: ..." (or the program name it ran as) */
static void
assert_one_error_line (const char *err,
                       const char *contains)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
  guint errors = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "crypt-disk-image: ")
        || g_str_has_prefix (lines[i], "crypt-disk-image-create: "))
      {
        errors++;
        g_assert_nonnull (strstr (lines[i], contains));
      }
  g_assert_cmpuint (errors, ==, 1);
}

static char *
disk_record (const char *image,
             const char *mountpoint)
{
  return g_strdup_printf ("disk\timage=%s\tmountpoint=%s\tnbd=/dev/nbd3\tmapper=/dev/mapper/cdi-1-x"
                          "\tuuid=0f6a1b2c-1111-2222-3333-444455556666\tread-only=0"
                          "\tsince=1700000000\tserver-pid=42\tstate=open\n", image, mountpoint);
}

/* create -> open -> list -> close, with a password command whose output has two lines */
static void
test_create_open_close (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *image = path_in (f, "private.qcow2");
  g_autofree char *mnt = path_in (f, "Private");
  g_autofree char *record = disk_record (image, mnt);
  g_autofree char *conf = NULL;
  g_autofree char *call = NULL;
  g_autofree char *input = NULL;
  g_autofree char *expected = NULL;
  g_auto(CliRun) run = { 0, };
  struct stat st;

  answer (f, "stdout", record);
  cli (f, &run, NULL, "create", "--size", "64M", "--mount", mnt, "--password-command",
       "printf 'pw one\\nsecond line\\n'", "--pbkdf=pbkdf2", "--pbkdf-iterations=1000", image,
       NULL);
  g_assert_cmpint (run.status, ==, 0);
  call = helper_call (f);
  expected = g_strdup_printf ("format --pbkdf=pbkdf2 --pbkdf-iterations=1000 %s", image);
  g_assert_cmpstr (call, ==, expected);
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "pw one");
  g_assert_cmpint (g_lstat (image, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_lstat (mnt, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  conf = registry (f);
  g_assert_nonnull (strstr (conf, "[disk private]"));
  g_assert_nonnull (strstr (conf, "uuid=0f6a1b2c-1111-2222-3333-444455556666"));
  g_assert_nonnull (strstr (conf, "passphrase-source=command"));
  g_assert_nonnull (strstr (conf, "password-command=printf 'pw one\\\\nsecond line\\\\n'"));
  g_assert_nonnull (strstr (run.out, "Open it with: crypt-disk-image open private"));

  forget_call (f);
  cli (f, &run, NULL, "open", "private", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (call);
  call = helper_call (f);
  g_free (expected);
  expected = g_strdup_printf ("open %s %s", image, mnt);
  g_assert_cmpstr (call, ==, expected);
  g_free (input);
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "pw one");
  g_assert_nonnull (strstr (run.out, "is open at"));

  cli (f, &run, NULL, "list", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "private          open    command"));
  cli (f, &run, NULL, "status", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "private          open"));

  answer (f, "stdout", "trimmed\tmountpoint=/x\tbytes=1048576\n");
  cli (f, &run, NULL, "trim", "private", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Trimmed “private”: 1.0"));

  answer (f, "stdout", NULL);
  cli (f, &run, NULL, "close", "private", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (call);
  call = helper_call (f);
  g_free (expected);
  expected = g_strdup_printf ("close %s", image);
  g_assert_cmpstr (call, ==, expected);
  cli (f, &run, NULL, "close", "--no-trim", "private", NULL);
  g_free (call);
  call = helper_call (f);
  g_free (expected);
  expected = g_strdup_printf ("close --no-trim %s", image);
  g_assert_cmpstr (call, ==, expected);

  cli (f, &run, NULL, "list", NULL);
  g_assert_nonnull (strstr (run.out, "private          closed  command"));
}

static const char holders[] =
  "holder\tpid=4242\tcomm=bash\tholds=cwd\tpath=/home/ann/Private\n"
  "holder\tpid=4343\tcomm=vim\tholds=file\tpath=/home/ann/Private/notes.txt\n";

static void
add_disk (Fixture    *f,
          const char *name)
{
  g_autofree char *image = path_in (f, name);
  g_autofree char *mnt = g_strconcat (image, ".d", NULL);
  g_autofree char *file = g_strconcat (image, ".qcow2", NULL);
  const char *argv[] = { QEMU_IMG_PATH, "create", "-q", "-f", "qcow2", file, "64M", NULL };
  g_auto(CliRun) run = { 0, };
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, NULL, &status,
                               NULL));
  g_assert_cmpint (status, ==, 0);
  cli (f, &run, NULL, "add", file, "--mount", mnt, "--name", name, "-p", "echo pw", NULL);
  g_assert_cmpint (run.status, ==, 0);
}

static void
test_busy_close (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  answer (f, "stdout", holders);
  answer (f, "exit", "6");
  cli (f, &run, NULL, "close", "docs", NULL);
  g_assert_cmpint (run.status, ==, 5);
  assert_one_error_line (run.err, "cannot close “docs”: The disk is in use by bash (process "
                                  "4242), vim (process 4343).");
  g_assert_nonnull (strstr (run.err, "  4242     bash             working folder   "
                                     "/home/ann/Private\n"));
  g_assert_nonnull (strstr (run.err, "  4343     vim              open file        "
                                     "/home/ann/Private/notes.txt\n"));
  g_assert_cmpstr (run.out, ==, "");
}

static gboolean
holders_leave (gpointer user_data)
{
  Fixture *f = user_data;

  answer (f, "exit", NULL);
  answer (f, "stdout", NULL);
  return G_SOURCE_REMOVE;
}

/* The helper knows no open disk of that name, yet its mount point is mounted (as when the older
 * bash tools opened it): not "closed", but an error saying how to close it. The mount is a
 * tmpfs in a private mount namespace (unshare, as root), which the CLI runs in. */
static void
test_close_mounted_by_others (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autofree char *mnt = path_in (f, "docs.d");
  g_autofree char *nothing = g_strdup_printf ("%s is not an open disk; nothing to close\n",
                                              mnt);
  const char *args[] = { "--mount", "--propagation", "private", "/bin/sh", "-c",
                         "mount -t tmpfs cdi-test \"$0\" || exit 77; exec \"$@\"", mnt,
                         test_cli_path (), "close", "docs", NULL };
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  g_assert_cmpint (g_mkdir_with_parents (mnt, 0700), ==, 0);
  answer (f, "stderr", nothing);

  /* Not mounted: nothing was open, so it is closed */
  cli (f, &run, NULL, "close", "docs", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "“docs” is closed"));

  if (geteuid () != 0 || unshare == NULL)
    {
      g_test_skip ("needs root and unshare(1) to mount a tmpfs in a private mount namespace");
      return;
    }
  test_cli_run (&run, unshare, f->env, NULL, args);
  if (run.status == 77 || (run.status != 0 && strstr (run.err, "unshare") != NULL))
    {
      g_test_message ("%s", run.err);
      g_test_skip ("cannot mount a tmpfs in a private mount namespace here");
      return;
    }
  g_assert_cmpint (run.status, ==, 1);
  g_assert_null (strstr (run.out, "is closed"));
  assert_one_error_line (run.err, "cannot close “docs”: ");
  g_assert_nonnull (strstr (run.err, "is mounted, but not by crypt-disk-image"));
  g_assert_nonnull (strstr (run.err, "older crypt-disk-image tools"));
  g_assert_nonnull (strstr (run.err, "sudo umount"));
  g_assert_nonnull (strstr (run.err, "qemu-nbd -d"));
}

static void
test_wait (Fixture       *f,
           gconstpointer  data)
{
  const char *args[] = { "close", "docs", "--wait", NULL };
  gint64 start;
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  answer (f, "stdout", holders);
  answer (f, "exit", "6");
  start = g_get_monotonic_time ();
  test_cli_run_with_hook (&run, NULL, f->env, NULL, args, 3000, holders_leave, f);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (run.err, "“docs” is in use. Waiting until these programs"));
  g_assert_nonnull (strstr (run.err, "4343     vim"));
  /* the holders were listed once, not at every retry */
  g_assert_null (strstr (strstr (run.err, "4343") + 1, "4343"));
  g_assert_nonnull (strstr (run.out, "“docs” is closed"));
}

static void
test_wait_timeout (Fixture       *f,
                   gconstpointer  data)
{
  gint64 start;
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  answer (f, "stdout", holders);
  answer (f, "exit", "6");
  start = g_get_monotonic_time ();
  cli (f, &run, NULL, "close", "--wait", "3", "docs", NULL);
  g_assert_cmpint (run.status, ==, 5);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 12 * G_USEC_PER_SEC);
  assert_one_error_line (run.err, "cannot close “docs” (still in use after 3 seconds)");
}

/* The newline rule at the command line: only the bytes before the first line break */
static void
test_newline_rule (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *input = NULL;
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  cli (f, &run, "stdin secret\nnext line\n", "open", "--passphrase-stdin", "docs", NULL);
  g_assert_cmpint (run.status, ==, 0);
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "stdin secret");

  cli (f, &run, "  spaces and\r\n", "open", "--passphrase-stdin", "docs", NULL);
  g_free (input);
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "  spaces and\r");

  /* the registered command: "echo pw" prints "pw\n" */
  cli (f, &run, NULL, "open", "docs", NULL);
  g_free (input);
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "pw");

  forget_call (f);
  cli (f, &run, "\nsecond line\n", "open", "--passphrase-stdin", "docs", NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "empty");
  g_assert_null (helper_call (f));
}

static void
test_wrong_passphrase (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  answer (f, "exit", "5");
  cli (f, &run, NULL, "open", "docs", NULL);
  g_assert_cmpint (run.status, ==, 4);
  assert_one_error_line (run.err, "cannot open “docs”: Wrong passphrase");
}

static void
test_not_authorised (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  answer (f, "exit", "127");
  cli (f, &run, NULL, "close", "docs", NULL);
  g_assert_cmpint (run.status, ==, 3);
  assert_one_error_line (run.err, "Not authorised");
  answer (f, "exit", "126");
  cli (f, &run, NULL, "open", "docs", NULL);
  g_assert_cmpint (run.status, ==, 3);
  assert_one_error_line (run.err, "Authentication was dismissed");
  answer (f, "exit", "8");
  cli (f, &run, NULL, "open", "docs", NULL);
  g_assert_cmpint (run.status, ==, 8);
  assert_one_error_line (run.err, "read-only");
}

static void
test_registry (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *image = path_in (f, "old.qcow2");
  g_autofree char *text = path_in (f, "notes.txt");
  g_autofree char *conf = NULL;
  g_autofree char *record = NULL;
  g_auto(CliRun) run = { 0, };

  add_disk (f, "old");
  conf = registry (f);
  g_assert_nonnull (strstr (conf, "[disk old]"));
  /* add asked the helper's inspect and kept the LUKS UUID it reported */
  g_assert_nonnull (strstr (conf, "uuid=0f6a1b2c-1111-2222-3333-444455556666"));

  cli (f, &run, NULL, "add", image, "--mount", "/elsewhere", NULL);
  g_assert_cmpint (run.status, ==, 10);
  assert_one_error_line (run.err, "already registered");

  g_assert_true (g_file_set_contents (text, "not an image", -1, NULL));
  cli (f, &run, NULL, "add", text, "--mount", "/elsewhere", NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "is not a QCow2 image");

  cli (f, &run, NULL, "open", "nosuch", NULL);
  g_assert_cmpint (run.status, ==, 7);
  cli (f, &run, NULL, "forget-password", "nosuch", NULL);
  g_assert_cmpint (run.status, ==, 7);

  /* Refused while open; the helper's status says it is */
  record = disk_record (image, "/x");
  answer (f, "stdout", record);
  cli (f, &run, NULL, "remove", "old", NULL);
  g_assert_cmpint (run.status, ==, 5);
  assert_one_error_line (run.err, "It is open. Close it first");
  g_free (conf);
  conf = registry (f);
  g_assert_nonnull (strstr (conf, "[disk old]"));

  answer (f, "stdout", NULL);
  cli (f, &run, NULL, "remove", "old", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (conf);
  conf = registry (f);
  g_assert_null (strstr (conf, "[disk old]"));
  g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));

  add_disk (f, "gone");
  g_free (image);
  image = path_in (f, "gone.qcow2");
  cli (f, &run, NULL, "remove", "--delete-image", "gone", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_false (g_file_test (image, G_FILE_TEST_EXISTS));
}

/* crypt-disk-image [-m MOUNT] [-p PW_CMD] FILE open|close on an image that is not registered */
static void
test_old_syntax (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *image = path_in (f, "legacy.img");
  g_autofree char *mnt = path_in (f, "legacy");
  g_autofree char *expected = g_strdup_printf ("open %s %s", image, mnt);
  g_autofree char *call = NULL;
  g_autofree char *input = NULL;
  g_auto(CliRun) run = { 0, };

  cli (f, &run, NULL, "-m", mnt, "-p", "printf 'old pw\\nline two\\n'", image, "open", NULL);
  g_assert_cmpint (run.status, ==, 0);
  call = helper_call (f);
  g_assert_cmpstr (call, ==, expected);
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "old pw");
  g_assert_false (g_file_test (f->config, G_FILE_TEST_EXISTS)); /* not registered */

  cli (f, &run, NULL, image, "close", "-m", mnt, "-p", "printf 'old pw\\n'", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_free (call);
  call = helper_call (f);
  g_free (expected);
  expected = g_strdup_printf ("close %s", image);
  g_assert_cmpstr (call, ==, expected);

  cli (f, &run, NULL, image, "open", NULL);
  g_assert_cmpint (run.status, ==, 2);
  assert_one_error_line (run.err, "-m MOUNT is needed");

  cli (f, &run, NULL, "-m", mnt, image, "frobnicate", NULL);
  g_assert_cmpint (run.status, ==, 2);
  assert_one_error_line (run.err, "Unknown ACTION");
}

/* crypt-disk-image-create (a symlink to the program) and the easing script it writes */
static void
test_old_create (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *link = path_in (f, "crypt-disk-image-create");
  g_autofree char *image = path_in (f, "disk.img");
  g_autofree char *image2 = path_in (f, "disk2.img");
  g_autofree char *mnt = path_in (f, "disk");
  g_autofree char *mnt2 = path_in (f, "disk2");
  g_autofree char *script = path_in (f, "bin-disk");
  g_autofree char *record = disk_record (image, mnt);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *conf = NULL;
  const char *args[] = { "-s", "64M", "-m", mnt, "-p", "echo 'my pw'", "-x", script, image,
                         NULL };
  const char *again[] = { "-m", mnt2, "-p", "echo x", "-x", script, image2, NULL };
  g_auto(CliRun) run = { 0, };
  struct stat st;

  g_assert_cmpint (symlink (test_cli_path (), link), ==, 0);
  answer (f, "stdout", record);
  test_cli_run (&run, link, f->env, NULL, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Run the following script to open"));
  g_assert_cmpint (g_lstat (script, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  g_assert_true (g_file_get_contents (script, &text, NULL, NULL));
  expected = g_strdup_printf ("#!/bin/bash -e\n"
                              "# Written by crypt-disk-image. Usage: this script open|close\n"
                              "exec '%s/crypt-disk-image' -m '%s' -p 'echo '\\''my pw'\\''' "
                              "'%s' \"$@\"\n", CLI_BINDIR, mnt, image);
  g_assert_cmpstr (text, ==, expected);
  conf = registry (f);
  g_assert_nonnull (strstr (conf, "[disk disk]"));

  /* An existing script is never overwritten, and nothing is created */
  test_cli_run (&run, link, f->env, NULL, again);
  g_assert_cmpint (run.status, ==, 10);
  assert_one_error_line (run.err, "already exists");
  g_assert_false (g_file_test (image2, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (mnt2, G_FILE_TEST_EXISTS));
}

/* Runs the easing script @script as a user would ("SCRIPT ACTION"), with bash, but with the
 * built crypt-disk-image in place of the installed one it names */
static void
run_script (Fixture    *f,
            CliRun     *run,
            const char *script,
            const char *action)
{
  g_autofree char *text = NULL;
  g_autofree char *installed = g_strdup_printf ("exec '%s/crypt-disk-image' ", CLI_BINDIR);
  g_autofree char *built = g_strdup_printf ("exec '%s' ", test_cli_path ());
  g_autofree char *copy = g_strconcat (script, ".built", NULL);
  g_auto(GStrv) parts = NULL;
  g_autofree char *joined = NULL;
  const char *args[] = { copy, action, NULL };

  g_assert_true (g_file_get_contents (script, &text, NULL, NULL));
  parts = g_strsplit (text, installed, -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  joined = g_strjoinv (built, parts);
  g_assert_true (g_file_set_contents (copy, joined, -1, NULL));
  test_cli_run (run, "/bin/bash", f->env, NULL, args);
  g_unlink (copy);
}

/* create --password-command CMD --script: the script's -p (run by bash -c) gives the helper the
 * same passphrase as CMD did at create, though CMD has $, which bash would expand */
static void
test_script_same_passphrase (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *image = path_in (f, "home.qcow2");
  g_autofree char *mnt = path_in (f, "home");
  g_autofree char *script = path_in (f, "home-disk");
  g_autofree char *record = disk_record (image, mnt);
  g_autofree char *at_create = NULL;
  g_autofree char *at_open = NULL;
  g_autofree char *call = NULL;
  g_autofree char *expected = NULL;
  g_auto(CliRun) run = { 0, };

  answer (f, "stdout", record);
  cli (f, &run, NULL, "create", "--size", "64M", "--mount", mnt, "--password-command",
       "printf \"%s\\n\" $HOME", "--script", script, "--pbkdf=pbkdf2",
       "--pbkdf-iterations=1000", image, NULL);
  g_assert_cmpint (run.status, ==, 0);
  at_create = helper_stdin (f);
  g_assert_cmpstr (at_create, ==, "$HOME"); /* no shell: $HOME stays text */

  forget_call (f);
  run_script (f, &run, script, "open");
  g_assert_cmpint (run.status, ==, 0);
  call = helper_call (f);
  expected = g_strdup_printf ("open %s %s", image, mnt);
  g_assert_cmpstr (call, ==, expected);
  at_open = helper_stdin (f);
  g_assert_cmpstr (at_open, ==, at_create);
}

/* create --keyring --script: the script has no -p, so its open uses the registered source */
static void
test_script_registered_source (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *image = path_in (f, "kept.qcow2");
  g_autofree char *mnt = path_in (f, "kept");
  g_autofree char *script = path_in (f, "kept-disk");
  g_autofree char *record = disk_record (image, mnt);
  g_autofree char *text = NULL;
  g_auto(CliRun) run = { 0, };

  answer (f, "stdout", record);
  cli (f, &run, "typed\n", "create", "--size", "64M", "-m", mnt, "--keyring",
       "--passphrase-stdin", "--script", script, image, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (script, &text, NULL, NULL));
  g_assert_null (strstr (text, " -p "));

  /* No Secret Service here, and no terminal: it tries the keyring, then cannot prompt */
  forget_call (f);
  run_script (f, &run, script, "open");
  g_assert_cmpint (run.status, ==, 9);
  g_assert_nonnull (strstr (run.err, "Cannot use the keyring"));
  g_assert_nonnull (strstr (run.err, "there is no terminal"));
  g_assert_null (helper_call (f));
}

static void
test_status_and_close_all (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *image = path_in (f, "docs.qcow2");
  g_autofree char *one = disk_record (image, "/m1");
  g_autofree char *two = disk_record ("/elsewhere/unregistered.img", "/m2");
  g_autofree char *both = g_strconcat (one, two, NULL);
  g_autofree char *call = NULL;
  g_auto(CliRun) run = { 0, };

  add_disk (f, "docs");
  answer (f, "stdout", both);
  cli (f, &run, NULL, "status", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "docs             open"));
  g_assert_nonnull (strstr (run.out, "-                open      /m2"));

  cli (f, &run, NULL, "close", "--all", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "“docs” is closed"));
  g_assert_nonnull (strstr (run.out, "“/elsewhere/unregistered.img” is closed"));
  call = helper_call (f);
  g_assert_cmpstr (call, ==, "close /elsewhere/unregistered.img");

  answer (f, "stdout", NULL);
  cli (f, &run, NULL, "status", NULL);
  g_assert_nonnull (strstr (run.out, "No disks are open."));
}

/* Without a terminal a prompt cannot work: refused before anything is made */
static void
test_no_terminal (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *image = path_in (f, "asked.qcow2");
  g_autofree char *mnt = path_in (f, "asked");
  g_auto(CliRun) run = { 0, };

  cli (f, &run, NULL, "create", "-m", mnt, "--ask", image, NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "no terminal");
  g_assert_false (g_file_test (image, G_FILE_TEST_EXISTS));
  g_assert_null (helper_call (f));
}

/* What the wizard checks live is checked before a passphrase is asked for (here there is no
 * terminal, so asking would be the error): an existing image, a mount point that is not empty,
 * a folder that does not exist, the image inside the mount point */
static void
test_checks_before_passphrase (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *image = path_in (f, "exists.qcow2");
  g_autofree char *mnt = path_in (f, "full");
  g_autofree char *inside = g_build_filename (mnt, "in.qcow2", NULL);
  g_autofree char *nofolder = path_in (f, "no-such-folder/new.qcow2");
  g_autofree char *newimage = path_in (f, "new.qcow2");
  g_autofree char *empty = path_in (f, "empty");
  g_autofree char *full_file = g_build_filename (mnt, "keep.txt", NULL);
  g_autofree char *text = NULL;
  g_auto(CliRun) run = { 0, };

  g_assert_true (g_file_set_contents (image, "mine", -1, NULL));
  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  g_assert_true (g_file_set_contents (full_file, "keep", -1, NULL));

  cli (f, &run, NULL, "create", "-m", empty, "--ask", image, NULL);
  g_assert_cmpint (run.status, ==, 10);
  assert_one_error_line (run.err, "already exists");
  g_assert_true (g_file_get_contents (image, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "mine");
  g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));

  cli (f, &run, NULL, "create", "-m", mnt, "--ask", newimage, NULL);
  g_assert_cmpint (run.status, !=, 0);
  assert_one_error_line (run.err, "not empty");

  cli (f, &run, NULL, "create", "-m", empty, "--ask", nofolder, NULL);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_null (strstr (run.err, "no terminal"));
  g_assert_nonnull (strstr (run.err, "no-such-folder"));

  g_assert_cmpint (g_unlink (full_file), ==, 0);
  cli (f, &run, NULL, "create", "-m", mnt, "--ask", inside, NULL);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_null (strstr (run.err, "no terminal"));

  g_assert_false (g_file_test (newimage, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (inside, G_FILE_TEST_EXISTS));
  g_assert_null (helper_call (f));
}

/* --keyring without a Secret Service: the disk is made; the passphrase is kept at an open */
static void
test_keyring_unavailable (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *image = path_in (f, "kr.qcow2");
  g_autofree char *mnt = path_in (f, "kr");
  g_autofree char *record = disk_record (image, mnt);
  g_autofree char *conf = NULL;
  g_auto(CliRun) run = { 0, };

  answer (f, "stdout", record);
  cli (f, &run, "typed\n", "create", "-m", mnt, "--keyring", "--passphrase-stdin", "--size",
       "64M", image, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "could not be kept in the keyring"));
  conf = registry (f);
  g_assert_nonnull (strstr (conf, "passphrase-source=keyring"));
}

/* --ask on a terminal: asked twice without echo; a typo is refused; open retries */
static void
test_terminal_prompt (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *image = path_in (f, "typed.qcow2");
  g_autofree char *mnt = path_in (f, "typed");
  g_autofree char *record = disk_record (image, mnt);
  g_autofree char *input = NULL;
  const char *twice[] = { "typed secret", "typed secret", NULL };
  const char *typo[] = { "typed secret", "typed secreT", NULL };
  const char *create[] = { "create", "--size", "64M", "-m", mnt, "--ask", image, NULL };
  const char *open_args[] = { "open", "typed", NULL };
  const char *thrice[] = { "one", "two", "three", NULL };
  g_auto(CliRun) run = { 0, };

  test_cli_run_on_terminal (&run, f->env, typo, create);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "The two passphrases differ");
  g_assert_false (g_file_test (image, G_FILE_TEST_EXISTS));
  g_assert_null (helper_call (f));

  answer (f, "stdout", record);
  test_cli_run_on_terminal (&run, f->env, twice, create);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.tty, "New passphrase for “typed”: <typed>"));
  g_assert_nonnull (strstr (run.tty, "Repeat the passphrase: <typed>"));
  g_assert_null (strstr (run.tty, "secret"));  /* no echo */
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "typed secret");

  /* a wrong typed passphrase is asked for again, three times in all */
  answer (f, "exit", "5");
  test_cli_run_on_terminal (&run, f->env, thrice, open_args);
  g_assert_cmpint (run.status, ==, 4);
  g_assert_nonnull (strstr (strstr (strstr (run.tty, "Passphrase for “typed”: <typed>") + 1,
                                    "Passphrase for “typed”: <typed>") + 1,
                            "Passphrase for “typed”: <typed>"));
  g_assert_null (strstr (run.tty, "three"));
  g_free (input);
  input = helper_stdin (f);
  g_assert_cmpstr (input, ==, "three");
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_auto(CliRun) run = { 0, };

  cli (f, &run, NULL, "close", "--bogus", "docs", NULL);
  g_assert_cmpint (run.status, ==, 2);
  assert_one_error_line (run.err, "close: Unknown option --bogus");
  cli (f, &run, NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);
  cli (f, &run, NULL, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Exit status:"));
  g_assert_null (helper_call (f));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_message ("The helper is a STAND-IN (tests/fake-helper.sh via CDI_HELPER); qemu-img is "
                  "real. The real helper is exercised by tests/vm/test-cli-e2e.sh.");

#define ADD(path, func) \
  g_test_add ("/cli/stand-in-helper/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("create-open-close", test_create_open_close);
  ADD ("busy-close", test_busy_close);
  ADD ("close-mounted-by-others", test_close_mounted_by_others);
  ADD ("close-wait", test_wait);
  ADD ("close-wait-timeout", test_wait_timeout);
  ADD ("newline-rule", test_newline_rule);
  ADD ("wrong-passphrase", test_wrong_passphrase);
  ADD ("not-authorised", test_not_authorised);
  ADD ("registry", test_registry);
  ADD ("old-syntax", test_old_syntax);
  ADD ("old-create-and-script", test_old_create);
  ADD ("script-same-passphrase", test_script_same_passphrase);
  ADD ("script-registered-source", test_script_registered_source);
  ADD ("status-and-close-all", test_status_and_close_all);
  ADD ("no-terminal", test_no_terminal);
  ADD ("checks-before-passphrase", test_checks_before_passphrase);
  ADD ("keyring-unavailable", test_keyring_unavailable);
  ADD ("terminal-prompt", test_terminal_prompt);
  ADD ("usage", test_usage);
#undef ADD
  return g_test_run ();
}
