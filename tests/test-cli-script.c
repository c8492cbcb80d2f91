/* test-cli-script.c - the easing script: quoting round-trips through bash, and the file is made
 * safely (0700, never over an existing file or through a symlink)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case writes a script with cli_script_build(), pointing at a stub "crypt-disk-image"
 * that records its argv NUL-separated, runs the script with bash, and checks that every
 * argument arrived byte for byte.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cli-script.h"

typedef struct
{
  const char *path;
  const char *mountpoint;
  const char *password_command;
  const char *image;
  const char *action;
} ScriptCase;

static const ScriptCase cases[] = {
  { "/cli/script/plain", "/home/ann/disk", "pass Disks/Documents", "/home/ann/disk.img", "open" },
  { "/cli/script/spaces", "/home/a b/My Disk", "pass \"My Disk\"", "/home/a b/disk 1.img",
    "close" },
  { "/cli/script/single-quotes", "/it's/here", "echo 'it'\"'\"'s'", "/a'b'c.img", "open" },
  { "/cli/script/double-quotes", "/a\"b", "kwalletcli -f \"kwalletcli\" -e \"disks-documents\"",
    "/\"q\".img", "open" },
  { "/cli/script/dollar", "/$HOME/x", "cat $HOME/pw ${PW} $(id -u) $1 $@ $$", "/$x$'y'.img",
    "open" },
  { "/cli/script/backticks", "/tmp/`touch /tmp/cdi-pwned`", "echo `id` `touch /tmp/cdi-pwned`",
    "/`date`.img", "close" },
  { "/cli/script/newlines", "/a\nb", "printf 'x\\n'\necho second line", "/c\n.img", "open" },
  { "/cli/script/backslashes", "/a\\b\\", "echo \\\\ \\n \\'", "/x\\.img", "open" },
  { "/cli/script/globs-and-tilde", "/*", "ls ~ ?[a] *", "/~root/x*.img", "open" },
  { "/cli/script/semicolons", "/a;b&c|d", "echo hi; rm -rf /nonexistent && false || true",
    "/a>b<c.img", "open" },
  { "/cli/script/dashes", "/-m", "-p", "/--help.img", "open" },
  { "/cli/script/no-command", "/home/ann/disk", NULL, "/home/ann/disk.img", "close" },
  { "/cli/script/utf8-and-controls", "/dí\tsc\x01", "echo ñ\t\x1b[31m", "/\r.img", "open" },
};

static char *tmp_dir;
static char *stub;

static GStrv
read_args (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  for (gsize pos = 0; pos < size; pos += strlen (contents + pos) + 1)
    g_strv_builder_add (builder, contents + pos);
  return g_strv_builder_end (builder);
}

static void
test_round_trip (gconstpointer data)
{
  const ScriptCase *c = data;
  g_autofree char *script = g_build_filename (tmp_dir, "easing script", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "argv", NULL);
  g_autofree char *text = cli_script_build (stub, c->mountpoint, c->password_command, c->image);
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) expected_builder = g_strv_builder_new ();
  g_auto(GStrv) expected = NULL;
  g_auto(GStrv) got = NULL;
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "CDI_TEST_ARGV_OUT", out, TRUE);
  const char *run_argv[] = { "bash", script, c->action, NULL };
  int status = -1;
  int fd;

  g_unlink (script);
  g_unlink (out);
  fd = cli_script_create (script, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (cli_script_write (fd, text, &error));
  g_assert_no_error (error);

  g_assert_true (g_spawn_sync (tmp_dir, (char **) run_argv, envp, G_SPAWN_SEARCH_PATH, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_strv_builder_add_many (expected_builder, "-m", c->mountpoint, NULL);
  if (c->password_command != NULL)
    g_strv_builder_add_many (expected_builder, "-p", c->password_command, NULL);
  g_strv_builder_add_many (expected_builder, c->image, c->action, NULL);
  expected = g_strv_builder_end (expected_builder);
  got = read_args (out);
  g_assert_cmpstrv (got, expected);
  g_assert_false (g_file_test ("/tmp/cdi-pwned", G_FILE_TEST_EXISTS));
  g_unlink (script);
}

/* create --password-command CMD --script: the script's -p, run by bash -c as the old syntax
 * does, execs the argv the library splits CMD into, with nothing expanded, and the program in
 * PATH even where bash has a builtin of that name (here a stub "echo" early in PATH) */
static void
test_command_for_bash (void)
{
  const char *commands[] = {
    "cdi-argv-stub $HOME \"$HOME\" `id` $(id) ~ ~root * ?[a] ';' '&&' '|' \"a  b\" 'it'\\''s'",
    "cdi-argv-stub 'line\nbreak' \"tab\there\" '' \\$x \\\\ -p --",
    "echo -e 'a\\tb' $PATH",
    "echo",
  };
  g_autofree char *bin = g_build_filename (tmp_dir, "cmd-bin", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "argv", NULL);
  g_autofree char *path_env = g_strconcat (bin, ":", g_getenv ("PATH"), NULL);
  const char stub_text[] = "#!/bin/sh\nprintf '%s\\0' \"$0\" \"$@\" > \"$CDI_TEST_ARGV_OUT\"\n";
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "CDI_TEST_ARGV_OUT", out, TRUE);

  envp = g_environ_setenv (envp, "PATH", path_env, TRUE);
  g_assert_cmpint (g_mkdir (bin, 0700), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *program = g_build_filename (bin, i == 0 ? "cdi-argv-stub" : "echo", NULL);

      g_assert_true (g_file_set_contents (program, stub_text, -1, NULL));
      g_assert_cmpint (g_chmod (program, 0700), ==, 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *for_bash = cli_script_command_for_bash (commands[i], &error);
      const char *run_argv[] = { "bash", "-c", for_bash, NULL };
      g_auto(GStrv) expected = NULL;
      g_auto(GStrv) got = NULL;
      int status = -1;

      g_assert_no_error (error);
      g_test_message ("%s -> %s", commands[i], for_bash);
      g_assert_true (g_str_has_prefix (for_bash, "exec -- "));
      g_unlink (out);
      g_assert_true (g_spawn_sync (tmp_dir, (char **) run_argv, envp, G_SPAWN_SEARCH_PATH, NULL,
                                   NULL, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_shell_parse_argv (commands[i], NULL, &expected, NULL));
      got = read_args (out);
      /* $0 is the path PATH found: the stub, not a bash builtin */
      g_assert_true (g_str_has_prefix (got[0], bin));
      g_assert_cmpstrv (got + 1, expected + 1);
    }
  g_assert_false (g_file_test ("/tmp/cdi-pwned", G_FILE_TEST_EXISTS));

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (cli_script_command_for_bash ("echo 'unterminated", &error));
    g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *program = g_build_filename (bin, i == 0 ? "cdi-argv-stub" : "echo", NULL);

      g_unlink (program);
    }
  g_unlink (out);
  g_rmdir (bin);
}

/* The generated text: the older tools' shape, an absolute program, one exec line */
static void
test_text (void)
{
  g_autofree char *text = cli_script_build ("/usr/local/bin/crypt-disk-image", "/h/a/disk",
                                            "pass \"Disks/Documents\"", "/h/a/disk.img");

  g_assert_true (g_str_has_prefix (text, "#!/bin/bash -e\n"));
  g_assert_nonnull (strstr (text, "\nexec '/usr/local/bin/crypt-disk-image' -m '/h/a/disk' "
                                  "-p 'pass \"Disks/Documents\"' '/h/a/disk.img' \"$@\"\n"));
  g_assert_true (g_str_has_suffix (CLI_SCRIPT_PROGRAM, "/bin/crypt-disk-image"));
  g_assert_true (g_path_is_absolute (CLI_SCRIPT_PROGRAM));
}

static void
test_quote (void)
{
  g_autofree char *plain = cli_script_quote ("abc");
  g_autofree char *quote = cli_script_quote ("it's");
  g_autofree char *empty = cli_script_quote ("");

  g_assert_cmpstr (plain, ==, "'abc'");
  g_assert_cmpstr (quote, ==, "'it'\\''s'");
  g_assert_cmpstr (empty, ==, "''");
}

/* Mode 0700 whatever the umask; an existing file, a symlink, a dangling symlink: refused */
static void
test_create_safely (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "new-script", NULL);
  g_autofree char *target = g_build_filename (tmp_dir, "target", NULL);
  g_autofree char *link = g_build_filename (tmp_dir, "link", NULL);
  g_autofree char *dangling = g_build_filename (tmp_dir, "dangling", NULL);
  g_autofree char *missing = g_build_filename (tmp_dir, "missing-target", NULL);
  g_autofree char *contents = NULL;
  const mode_t masks[] = { 0, 022, 077, 0777 };
  struct stat st;

  for (gsize i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      g_autoptr(GError) error = NULL;
      mode_t old = umask (masks[i]);
      int fd = cli_script_create (path, &error);

      umask (old);
      g_assert_no_error (error);
      g_assert_true (cli_script_write (fd, "#!/bin/sh\n", &error));
      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 07777, ==, 0700);
      g_assert_cmpint (st.st_uid, ==, getuid ());
      g_unlink (path);
    }

  g_assert_true (g_file_set_contents (target, "keep me", -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (symlink (missing, dangling), ==, 0);
  {
    const char *refused[] = { target, link, dangling };

    for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_cmpint (cli_script_create (refused[i], &error), ==, -1);
        g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
      }
  }
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_unlink (link);
  g_unlink (dangling);
  g_unlink (target);
}

static void
make_stub (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "bin dir 'quoted' $x `y`", NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  stub = g_build_filename (dir, "crypt-disk-image", NULL);
  g_assert_true (g_file_set_contents (stub,
                                      "#!/bin/sh\n"
                                      "printf '%s\\0' \"$@\" > \"$CDI_TEST_ARGV_OUT\"\n", -1,
                                      NULL));
  g_assert_cmpint (g_chmod (stub, 0700), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("cdi-cli-script-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  make_stub ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_round_trip);
  g_test_add_func ("/cli/script/text", test_text);
  g_test_add_func ("/cli/script/quote", test_quote);
  g_test_add_func ("/cli/script/command-for-bash", test_command_for_bash);
  g_test_add_func ("/cli/script/create-safely", test_create_safely);
  status = g_test_run ();

  {
    g_autofree char *argv_file = g_build_filename (tmp_dir, "argv", NULL);
    g_autofree char *dir = g_path_get_dirname (stub);

    g_unlink (argv_file);
    g_unlink (stub);
    g_rmdir (dir);
    g_rmdir (tmp_dir);
  }
  g_free (stub);
  g_free (tmp_dir);
  return status;
}
