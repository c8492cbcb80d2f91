/* test-cli-manage.c - crypt-disk-image passwd, grow, backup-header and add end to end against a
 * STAND-IN helper
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No pkexec prompt can be answered in CI, so the built crypt-disk-image runs with CDI_HELPER
 * pointing at tests/fake-helper.sh, which does no disk work: it records the argv and stdin it
 * got and answers with what a test gives it (per verb: VERB.stdout, VERB.exit). qemu-img runs
 * for real, so grow of a closed disk really resizes a QCow2 file. The real helper is used by
 * tests/vm/test-cli-manage.sh.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-cli-common.h"

#define MIB(n) ((guint64) (n) << 20)

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
  f->dir = g_dir_make_tmp ("cdi-cli-manage-XXXXXX", NULL);
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

/* Tells the stand-in how to answer; NULL removes the answer */
static void
answer_len (Fixture    *f,
            const char *name,
            const char *data,
            gssize      len)
{
  g_autofree char *path = g_build_filename (f->helper_dir, name, NULL);

  if (data == NULL)
    g_unlink (path);
  else
    g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
answer (Fixture    *f,
        const char *name,
        const char *text)
{
  answer_len (f, name, text, -1);
}

/* Every helper call since the last forget_calls(), one "VERB ARG..." per line ("" if none) */
static char *
helper_calls (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->helper_dir, "calls", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static void
forget_calls (Fixture *f)
{
  answer (f, "calls", NULL);
  answer (f, "stdin", NULL);
}

static GBytes *
helper_stdin (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->helper_dir, "stdin", NULL);
  char *contents = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  return g_bytes_new_take (contents, size);
}

static void
assert_stdin (Fixture    *f,
              const char *expected)
{
  g_autoptr(GBytes) input = helper_stdin (f);

  g_assert_cmpmem (g_bytes_get_data (input, NULL), g_bytes_get_size (input), expected,
                   strlen (expected));
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

/* An error is one line on stderr: "crypt-disk-image: ..." */
static void
assert_one_error_line (const char *err,
                       const char *contains)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
  guint errors = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "crypt-disk-image: "))
      {
        errors++;
        g_assert_nonnull (strstr (lines[i], contains));
      }
  g_assert_cmpuint (errors, ==, 1);
}

static char *
make_qcow2 (Fixture    *f,
            const char *name,
            const char *size)
{
  char *image = path_in (f, name);
  const char *argv[] = { QEMU_IMG_PATH, "create", "-q", "-f", "qcow2", image, size, NULL };
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, NULL, &status,
                               NULL));
  g_assert_cmpint (status, ==, 0);
  return image;
}

/* Registers NAME.qcow2 (64 MiB) with a password command; returns the image path */
static char *
add_disk (Fixture    *f,
          const char *name,
          const char *password_command)
{
  g_autofree char *file = g_strconcat (name, ".qcow2", NULL);
  g_autofree char *mnt = path_in (f, name);
  char *image = make_qcow2 (f, file, "64M");
  g_auto(CliRun) run = { 0, };

  if (password_command != NULL)
    cli (f, &run, NULL, "add", image, "--mount", mnt, "--name", name, "-p", password_command,
         NULL);
  else
    cli (f, &run, NULL, "add", image, "--mount", mnt, "--name", name, NULL);
  g_assert_cmpint (run.status, ==, 0);
  forget_calls (f);
  return image;
}

static guint64
virtual_size (const char *image)
{
  const char *argv[] = { QEMU_IMG_PATH, "info", "-U", "--output=json", image, NULL };
  g_autofree char *out = NULL;
  const char *p;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status,
                               NULL));
  g_assert_cmpint (status, ==, 0);
  p = strstr (out, "\"virtual-size\": ");
  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen ("\"virtual-size\": "), NULL, 10);
}

/* --- add: the helper's inspect decides --- */

static void
test_add_inspects (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *image = make_qcow2 (f, "plain.qcow2", "64M");
  g_autofree char *mnt = path_in (f, "plain");
  g_autofree char *expected = g_strdup_printf ("inspect %s\n", image);
  g_autofree char *calls = NULL;
  g_autofree char *conf = NULL;
  g_auto(CliRun) run = { 0, };

  answer (f, "inspect.exit", "4");
  answer (f, "stderr", "'inspect' failed: no LUKS header (Invalid argument)\n");
  cli (f, &run, NULL, "add", image, "--mount", mnt, NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "cannot add");
  g_assert_nonnull (strstr (run.err, "The image holds no LUKS volume that can be used ("));
  g_assert_nonnull (strstr (run.err, "no LUKS header"));
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, expected);
  conf = registry (f);
  g_assert_null (strstr (conf, "[disk plain]"));
  g_assert_false (g_file_test (mnt, G_FILE_TEST_EXISTS));

  answer (f, "inspect.exit", NULL);
  answer (f, "stderr", NULL);
  answer (f, "inspect.stdout", "luks\timage=x\tuuid=11111111-2222-3333-4444-555555555555"
                               "\tversion=1\tlabel=\tcipher=aes-xts-plain\tsize=67108864\n");
  cli (f, &run, NULL, "add", image, "--mount", mnt, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "(LUKS1, mount point"));
  g_free (conf);
  conf = registry (f);
  g_assert_nonnull (strstr (conf, "[disk plain]"));
  g_assert_nonnull (strstr (conf, "uuid=11111111-2222-3333-4444-555555555555"));
}

/* --- backup-header --- */

static const char fake_header[] = "LUKS\xba\xbe\0\2 header bytes \0\xff\n";

static void
test_backup_header (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *image = add_disk (f, "docs", "echo pw");
  g_autofree char *dest = path_in (f, "docs-header.img");
  g_autofree char *link = path_in (f, "link.img");
  g_autofree char *victim = path_in (f, "victim");
  g_autofree char *expected = g_strdup_printf ("backup-header %s\n", image);
  g_autofree char *calls = NULL;
  g_autofree char *contents = NULL;
  g_auto(CliRun) run = { 0, };
  gsize size = 0;
  struct stat st;

  answer_len (f, "backup-header.stdout", fake_header, sizeof fake_header);
  cli (f, &run, NULL, "backup-header", "docs", dest, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Saved the LUKS header of “docs”"));
  g_assert_nonnull (strstr (run.out, "Keep it safe"));
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, expected);
  g_assert_cmpint (g_lstat (dest, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_true (g_file_get_contents (dest, &contents, &size, NULL));
  g_assert_cmpmem (contents, size, fake_header, sizeof fake_header);

  /* an existing file: refused before the helper runs, left as it was */
  forget_calls (f);
  cli (f, &run, NULL, "backup-header", "docs", dest, NULL);
  g_assert_cmpint (run.status, ==, 10);
  assert_one_error_line (run.err, "already exists");
  g_free (calls);
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, "");

  /* a symbolic link, also a dangling one, is never followed */
  g_assert_true (g_file_set_contents (victim, "keep", -1, NULL));
  g_assert_cmpint (symlink (victim, link), ==, 0);
  cli (f, &run, NULL, "backup-header", image, link, NULL);
  g_assert_cmpint (run.status, !=, 0);
  assert_one_error_line (run.err, "cannot back up the header");
  g_free (contents);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep");
  g_unlink (victim);
  cli (f, &run, NULL, "backup-header", image, link, NULL);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_false (g_file_test (victim, G_FILE_TEST_EXISTS));
  g_free (calls);
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, "");

  /* the helper fails: no partial file */
  g_unlink (dest);
  answer (f, "backup-header.exit", "127");
  cli (f, &run, NULL, "backup-header", "docs", dest, NULL);
  g_assert_cmpint (run.status, ==, 3);
  assert_one_error_line (run.err, "Not authorised");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

/* --- grow --- */

static void
test_grow_closed (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *image = add_disk (f, "docs", "echo pw");
  g_autofree char *calls = NULL;
  g_auto(CliRun) run = { 0, };

  g_assert_cmpuint (virtual_size (image), ==, MIB (64));
  cli (f, &run, NULL, "grow", "docs", "--size", "+32M", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "“docs” grew from 64.0"));
  g_assert_nonnull (strstr (run.out, "to 96.0"));
  g_assert_nonnull (strstr (run.out, "at the next open"));
  g_assert_cmpuint (virtual_size (image), ==, MIB (96));
  /* only the status question went to the helper: qemu-img resized as the user */
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, "status\n");

  cli (f, &run, NULL, "grow", image, "--size", "128M", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (virtual_size (image), ==, MIB (128));

  /* never shrinks, and the same size is no growth either */
  forget_calls (f);
  cli (f, &run, NULL, "grow", "docs", "--size", "64M", NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "cannot grow “docs”: The disk is already 128.0");
  cli (f, &run, NULL, "grow", "docs", "--size", "128M", NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "can only grow");
  g_assert_cmpuint (virtual_size (image), ==, MIB (128));
  g_free (calls);
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, "");

  cli (f, &run, NULL, "grow", "docs", "--size", "-5G", NULL);
  g_assert_cmpint (run.status, ==, 2);
  cli (f, &run, NULL, "grow", "nosuch", "--size", "+1G", NULL);
  g_assert_cmpint (run.status, ==, 7);
}

/* An open disk (the helper's status says so) grows through the helper */
static void
test_grow_open (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *image = add_disk (f, "docs", "echo pw");
  g_autofree char *status = g_strdup_printf ("disk\timage=%s\tmountpoint=/m\tuuid=x\n", image);
  g_autofree char *expected = g_strdup_printf ("status\ngrow %s %" G_GUINT64_FORMAT "\n", image,
                                               MIB (64) + (G_GUINT64_CONSTANT (1) << 30));
  g_autofree char *calls = NULL;
  g_auto(CliRun) run = { 0, };

  answer (f, "status.stdout", status);
  answer (f, "grow.stdout", "grown\timage=x\tsize=1140850688\tfs-size=1100000000\n");
  cli (f, &run, NULL, "grow", "docs", "--size", "+1G", NULL);
  g_assert_cmpint (run.status, ==, 0);
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, expected);
  g_assert_nonnull (strstr (run.out, "to 1.1"));
  g_assert_nonnull (strstr (run.out, "has the new space already"));

  answer (f, "grow.exit", "6");
  cli (f, &run, NULL, "grow", "docs", "--size", "+1G", NULL);
  g_assert_cmpint (run.status, ==, 5);
  assert_one_error_line (run.err, "cannot grow “docs”");
}

/* --- passwd --- */

static void
test_passwd_stdin (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *image = add_disk (f, "docs", NULL);
  g_autofree char *calls = NULL;
  g_autofree char *expected = g_strdup_printf ("passwd --pbkdf=pbkdf2 --pbkdf-iterations=1000 "
                                               "%s\n", image);
  g_auto(CliRun) run = { 0, };

  cli (f, &run, "old secret\nnew secret\nignored\n", "passwd", "--passphrase-stdin",
       "--new-passphrase-stdin", "--pbkdf=pbkdf2", "--pbkdf-iterations=1000", "docs", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "The passphrase of “docs” was changed"));
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, expected);
  assert_stdin (f, "10:old secretnew secret");

  /* an unregistered image by path, both from password commands */
  forget_calls (f);
  cli (f, &run, NULL, "passwd", image, "-p", "printf 'a b\\nsecond\\n'",
       "--new-password-command", "echo c", NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_stdin (f, "3:a bc");

  /* wrong old passphrase: exit 4, one line */
  answer (f, "passwd.exit", "5");
  cli (f, &run, "wrong\nnew\n", "passwd", "--passphrase-stdin", "--new-passphrase-stdin", "docs",
       NULL);
  g_assert_cmpint (run.status, ==, 4);
  assert_one_error_line (run.err, "cannot change the passphrase of “docs”: Wrong passphrase");
  answer (f, "passwd.exit", NULL);

  /* refused before the helper runs: one line only, empty new one, the same twice */
  forget_calls (f);
  cli (f, &run, "only one line\n", "passwd", "--passphrase-stdin", "--new-passphrase-stdin",
       "docs", NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "Two lines are needed");
  cli (f, &run, "old\n\n", "passwd", "--passphrase-stdin", "--new-passphrase-stdin", "docs",
       NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "new passphrase");
  cli (f, &run, "same\nsame\n", "passwd", "--passphrase-stdin", "--new-passphrase-stdin", "docs",
       NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "same as the old one");
  /* no terminal for the new one */
  cli (f, &run, "old\n", "passwd", "--passphrase-stdin", "docs", NULL);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "no terminal");
  g_free (calls);
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, "");
}

/* A disk with a password command: it gives the old one; --new-password-command replaces it */
static void
test_passwd_command_disk (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *image = add_disk (f, "work", "echo old-from-command");
  g_autofree char *conf = NULL;
  g_auto(CliRun) run = { 0, };

  cli (f, &run, "typed new\n", "passwd", "--new-passphrase-stdin", "work", NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_stdin (f, "16:old-from-commandtyped new");
  g_assert_nonnull (strstr (run.err, "still prints the old one"));

  cli (f, &run, NULL, "passwd", "work", "--new-password-command", "echo newer", NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_stdin (f, "16:old-from-commandnewer");
  g_assert_nonnull (strstr (run.out, "uses the new password command"));
  conf = registry (f);
  g_assert_nonnull (strstr (conf, "password-command=echo newer"));
}

/* On a terminal: the current passphrase once, the new one twice, nothing echoed */
static void
test_passwd_terminal (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *image = add_disk (f, "typed", NULL);
  const char *args[] = { "passwd", "typed", NULL };
  const char *good[] = { "old typed", "new typed", "new typed", NULL };
  const char *typo[] = { "old typed", "new typed", "new typeD", NULL };
  g_autofree char *calls = NULL;
  g_auto(CliRun) run = { 0, };

  test_cli_run_on_terminal (&run, f->env, typo, args);
  g_assert_cmpint (run.status, ==, 9);
  assert_one_error_line (run.err, "The two new passphrases differ");
  calls = helper_calls (f);
  g_assert_cmpstr (calls, ==, "");

  test_cli_run_on_terminal (&run, f->env, good, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.tty, "Current passphrase for “typed”: <typed>"));
  g_assert_nonnull (strstr (run.tty, "New passphrase for “typed”: <typed>"));
  g_assert_nonnull (strstr (run.tty, "Repeat the new passphrase: <typed>"));
  g_assert_null (strstr (run.tty, "old typed"));
  assert_stdin (f, "9:old typednew typed");
}

/* A long step shows a spinner line with what is happening on a terminal, and clears it; with
 * stderr not a terminal (a script, a log) no control characters at all */
static void
test_progress_on_terminal (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *image = add_disk (f, "slow", NULL);
  const char *args[] = { "passwd", "slow", NULL };
  const char *good[] = { "old typed", "new typed", "new typed", NULL };
  g_auto(CliRun) run = { 0, };

  answer (f, "passwd.delay", "1");
  test_cli_run_all_on_terminal (&run, f->env, good, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.tty, "| Changing the passphrase of “slow” (key derivation takes "
                                     "a few seconds)"));
  g_assert_nonnull (strstr (run.tty, "\r\033[K/ Changing the passphrase"));  /* it turns */
  /* cleared at the end: the last thing on the line is the erase */
  g_assert_true (g_str_has_suffix (run.tty, "\r\033[K"));
  g_assert_nonnull (strstr (run.out, "The passphrase of “slow” was changed"));

  test_cli_run (&run, NULL, f->env, "old typed\nnew typed\n",
                (const char *[]) { "passwd", "--passphrase-stdin", "--new-passphrase-stdin",
                                   "slow", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strchr (run.err, '\r'));
  g_assert_null (strchr (run.err, '\033'));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_message ("The helper is a STAND-IN (tests/fake-helper.sh via CDI_HELPER); qemu-img is "
                  "real. The real helper is exercised by tests/vm/test-cli-manage.sh.");

#define ADD(path, func) \
  g_test_add ("/cli/stand-in-helper/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("add-inspects", test_add_inspects);
  ADD ("backup-header", test_backup_header);
  ADD ("grow-closed", test_grow_closed);
  ADD ("grow-open", test_grow_open);
  ADD ("passwd-stdin", test_passwd_stdin);
  ADD ("passwd-command-disk", test_passwd_command_disk);
  ADD ("passwd-terminal", test_passwd_terminal);
  ADD ("progress-on-terminal", test_progress_on_terminal);
#undef ADD
  return g_test_run ();
}
