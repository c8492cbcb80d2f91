/* test-cli-parse.c - crypt-disk-image's command lines: the new syntax, the older tools' two
 * syntaxes, and combinations that must be refused
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "cdi-error.h"
#include "cli-argv.h"
#include "cli-parse.h"

enum
{
  F_VERBOSE = 1 << 0,
  F_SOURCE_SET = 1 << 1,
  F_STDIN = 1 << 2,
  F_ALL = 1 << 3,
  F_NO_TRIM = 1 << 4,
  F_WAIT = 1 << 5,
  F_READ_ONLY = 1 << 6,
  F_DELETE = 1 << 7,
  F_RELATIVE = 1 << 8,
  F_NEW_STDIN = 1 << 9,
};

#define NEW "crypt-disk-image"
#define OLD_CREATE "/usr/local/bin/crypt-disk-image-create"
#define GIB(n) ((guint64) (n) << 30)
#define MIB(n) ((guint64) (n) << 20)

typedef struct
{
  const char *path;
  const char *argv[16];
  gboolean ok;
  CliCommand command;
  CliSyntax syntax;
  const char *target;
  const char *image;
  const char *mountpoint;
  const char *password_command;
  const char *script;
  const char *name;
  guint64 size;
  CdiPassphraseSource source;
  guint flags;
  guint wait_seconds;
  guint warnings;
  const char *pbkdf;
  guint pbkdf_iterations;
  const char *help_contains;
  const char *dest;
  const char *new_password_command;
} ParseCase;

static const ParseCase cases[] = {
  /* The new syntax */
  { "/cli/parse/create/keyring", { NEW, "create", "--size", "20G", "--mount", "/m", "--keyring",
      "/i.qcow2" }, TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_NEW, .image = "/i.qcow2",
    .mountpoint = "/m", .size = GIB (20), .source = CDI_PASSPHRASE_SOURCE_KEYRING,
    .flags = F_SOURCE_SET },
  { "/cli/parse/create/short-options", { NEW, "create", "-m", "/m", "-p", "pass show x", "-x",
      "/s", "i.qcow2" }, TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_NEW, .image = "i.qcow2",
    .mountpoint = "/m", .password_command = "pass show x", .script = "/s",
    .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/create/attached-values", { NEW, "create", "-m/m", "-s1G", "-p-odd", "i" },
    TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_NEW, .image = "i", .mountpoint = "/m", .size = GIB (1),
    .password_command = "-odd", .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/create/value-is-dash-option", { NEW, "create", "-m", "/m", "-p", "-m/x", "i" },
    TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_NEW, .image = "i", .mountpoint = "/m",
    .password_command = "-m/x", .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/create/ask-stdin-name", { NEW, "-v", "create", "i", "--ask", "--mount=/m",
      "--passphrase-stdin", "--name", "work.2" }, TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_NEW,
    .image = "i", .mountpoint = "/m", .name = "work.2", .source = CDI_PASSPHRASE_SOURCE_ASK,
    .flags = F_SOURCE_SET | F_STDIN | F_VERBOSE },
  { "/cli/parse/create/default-source", { NEW, "create", "-m", "/m", "i" }, TRUE,
    CLI_COMMAND_CREATE, CLI_SYNTAX_NEW, .image = "i", .mountpoint = "/m",
    .source = CDI_PASSPHRASE_SOURCE_ASK },
  { "/cli/parse/create/pbkdf", { NEW, "create", "-m", "/m", "--pbkdf=pbkdf2",
      "--pbkdf-iterations", "1000", "i" }, TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_NEW,
    .image = "i", .mountpoint = "/m", .source = CDI_PASSPHRASE_SOURCE_ASK, .pbkdf = "pbkdf2",
    .pbkdf_iterations = 1000 },
  { "/cli/parse/create/two-sources", { NEW, "create", "-m", "/m", "-p", "c", "--keyring", "i" },
    FALSE },
  { "/cli/parse/create/keyring-and-ask", { NEW, "create", "-m", "/m", "--ask", "--keyring",
      "i" }, FALSE },
  { "/cli/parse/create/command-and-stdin", { NEW, "create", "-m", "/m", "-p", "c",
      "--passphrase-stdin", "i" }, FALSE },
  { "/cli/parse/create/empty-command", { NEW, "create", "-m", "/m", "-p", "", "i" }, FALSE },
  { "/cli/parse/create/no-mount", { NEW, "create", "i" }, FALSE },
  { "/cli/parse/create/no-image", { NEW, "create", "-m", "/m" }, FALSE },
  { "/cli/parse/create/two-images", { NEW, "create", "-m", "/m", "a", "b" }, FALSE },
  { "/cli/parse/create/bad-size", { NEW, "create", "-m", "/m", "--size", "12X", "i" }, FALSE },
  { "/cli/parse/create/bad-name", { NEW, "create", "-m", "/m", "--name", "a b", "i" }, FALSE },
  { "/cli/parse/create/bad-pbkdf", { NEW, "create", "-m", "/m", "--pbkdf=md5", "i" }, FALSE },
  { "/cli/parse/create/negative-iterations", { NEW, "create", "-m", "/m",
      "--pbkdf-iterations=-5", "i" }, FALSE },
  { "/cli/parse/create/wait-is-for-close", { NEW, "create", "-m", "/m", "--wait", "i" }, FALSE },
  { "/cli/parse/add/command", { NEW, "add", "/old/disk.img", "--mount", "/m",
      "--password-command", "cat '/key stick/pw'" }, TRUE, CLI_COMMAND_ADD, CLI_SYNTAX_NEW,
    .image = "/old/disk.img", .mountpoint = "/m", .password_command = "cat '/key stick/pw'",
    .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/add/no-mount", { NEW, "add", "/old/disk.img" }, FALSE },
  { "/cli/parse/add/no-script", { NEW, "add", "/i", "-m", "/m", "-x", "/s" }, FALSE },
  { "/cli/parse/open/name", { NEW, "open", "docs" }, TRUE, CLI_COMMAND_OPEN, CLI_SYNTAX_NEW,
    .target = "docs" },
  { "/cli/parse/open/stdin-read-only", { NEW, "open", "--passphrase-stdin", "docs",
      "--read-only" }, TRUE, CLI_COMMAND_OPEN, CLI_SYNTAX_NEW, .target = "docs",
    .flags = F_STDIN | F_READ_ONLY },
  { "/cli/parse/open/dashdash", { NEW, "open", "--", "-odd" }, TRUE, CLI_COMMAND_OPEN,
    CLI_SYNTAX_NEW, .target = "-odd" },
  { "/cli/parse/open/nothing", { NEW, "open" }, FALSE },
  { "/cli/parse/open/two", { NEW, "open", "a", "b" }, FALSE },
  { "/cli/parse/open/unknown-option", { NEW, "open", "docs", "--bogus" }, FALSE },
  { "/cli/parse/open/create-option", { NEW, "open", "docs", "-p", "cmd" }, FALSE },
  { "/cli/parse/close/name", { NEW, "close", "docs" }, TRUE, CLI_COMMAND_CLOSE, CLI_SYNTAX_NEW,
    .target = "docs" },
  { "/cli/parse/close/wait-no-limit", { NEW, "close", "docs", "--wait" }, TRUE,
    CLI_COMMAND_CLOSE, CLI_SYNTAX_NEW, .target = "docs", .flags = F_WAIT },
  { "/cli/parse/close/wait-seconds", { NEW, "close", "--wait", "30", "docs" }, TRUE,
    CLI_COMMAND_CLOSE, CLI_SYNTAX_NEW, .target = "docs", .flags = F_WAIT, .wait_seconds = 30 },
  { "/cli/parse/close/wait-equals", { NEW, "close", "--no-trim", "--wait=45", "docs" }, TRUE,
    CLI_COMMAND_CLOSE, CLI_SYNTAX_NEW, .target = "docs", .flags = F_WAIT | F_NO_TRIM,
    .wait_seconds = 45 },
  { "/cli/parse/close/all", { NEW, "close", "--all", "--wait", "60" }, TRUE, CLI_COMMAND_CLOSE,
    CLI_SYNTAX_NEW, .flags = F_ALL | F_WAIT, .wait_seconds = 60 },
  { "/cli/parse/close/wait-zero", { NEW, "close", "--wait", "0", "docs" }, FALSE },
  { "/cli/parse/close/wait-words", { NEW, "close", "--wait=soon", "docs" }, FALSE },
  { "/cli/parse/close/all-and-name", { NEW, "close", "--all", "docs" }, FALSE },
  { "/cli/parse/close/nothing", { NEW, "close" }, FALSE },
  { "/cli/parse/trim", { NEW, "trim", "docs" }, TRUE, CLI_COMMAND_TRIM, CLI_SYNTAX_NEW,
    .target = "docs" },
  { "/cli/parse/status", { NEW, "status" }, TRUE, CLI_COMMAND_STATUS, CLI_SYNTAX_NEW },
  { "/cli/parse/status/extra", { NEW, "status", "docs" }, FALSE },
  { "/cli/parse/list", { NEW, "list", "-v" }, TRUE, CLI_COMMAND_LIST, CLI_SYNTAX_NEW,
    .flags = F_VERBOSE },
  { "/cli/parse/remove", { NEW, "remove", "docs" }, TRUE, CLI_COMMAND_REMOVE, CLI_SYNTAX_NEW,
    .target = "docs" },
  { "/cli/parse/remove/delete-image", { NEW, "remove", "--delete-image", "docs" }, TRUE,
    CLI_COMMAND_REMOVE, CLI_SYNTAX_NEW, .target = "docs", .flags = F_DELETE },
  { "/cli/parse/forget-password", { NEW, "forget-password", "docs" }, TRUE,
    CLI_COMMAND_FORGET_PASSWORD, CLI_SYNTAX_NEW, .target = "docs" },
  { "/cli/parse/check-deps", { NEW, "check-deps" }, TRUE, CLI_COMMAND_CHECK_DEPS,
    CLI_SYNTAX_NEW },
  { "/cli/parse/check-deps/short", { NEW, "-c" }, TRUE, CLI_COMMAND_CHECK_DEPS, CLI_SYNTAX_NEW },
  { "/cli/parse/check-deps/long", { NEW, "--check-deps" }, TRUE, CLI_COMMAND_CHECK_DEPS,
    CLI_SYNTAX_NEW },
  { "/cli/parse/version", { NEW, "--version" }, TRUE, CLI_COMMAND_VERSION, CLI_SYNTAX_NEW },
  { "/cli/parse/nothing", { NEW }, FALSE },
  { "/cli/parse/unknown-global", { NEW, "--bogus" }, FALSE },
  { "/cli/parse/help", { NEW, "--help" }, TRUE, CLI_COMMAND_HELP, CLI_SYNTAX_NEW,
    .help_contains = "Exit status:" },
  { "/cli/parse/help/examples", { NEW, "-h" }, TRUE, CLI_COMMAND_HELP, CLI_SYNTAX_NEW,
    .help_contains = "crypt-disk-image open private" },
  { "/cli/parse/help/command", { NEW, "help", "close" }, TRUE, CLI_COMMAND_HELP, CLI_SYNTAX_NEW,
    .help_contains = "--wait" },
  { "/cli/parse/help/option", { NEW, "create", "--help" }, TRUE, CLI_COMMAND_HELP,
    CLI_SYNTAX_NEW, .help_contains = "--password-command" },

  /* passwd, grow, backup-header */
  { "/cli/parse/passwd/name", { NEW, "passwd", "docs" }, TRUE, CLI_COMMAND_PASSWD,
    CLI_SYNTAX_NEW, .target = "docs" },
  { "/cli/parse/passwd/image-commands", { NEW, "passwd", "/d.qcow2", "-p", "pass old",
      "--new-password-command", "pass show new" }, TRUE, CLI_COMMAND_PASSWD, CLI_SYNTAX_NEW,
    .target = "/d.qcow2", .password_command = "pass old",
    .new_password_command = "pass show new" },
  { "/cli/parse/passwd/both-stdin", { NEW, "passwd", "--passphrase-stdin",
      "--new-passphrase-stdin", "docs" }, TRUE, CLI_COMMAND_PASSWD, CLI_SYNTAX_NEW,
    .target = "docs", .flags = F_STDIN | F_NEW_STDIN },
  { "/cli/parse/passwd/new-command-equals", { NEW, "passwd", "docs",
      "--new-password-command=-odd cmd" }, TRUE, CLI_COMMAND_PASSWD, CLI_SYNTAX_NEW,
    .target = "docs", .new_password_command = "-odd cmd" },
  { "/cli/parse/passwd/cheap-kdf", { NEW, "passwd", "docs", "--pbkdf=pbkdf2",
      "--pbkdf-iterations", "1000" }, TRUE, CLI_COMMAND_PASSWD, CLI_SYNTAX_NEW,
    .target = "docs", .pbkdf = "pbkdf2", .pbkdf_iterations = 1000 },
  { "/cli/parse/passwd/nothing", { NEW, "passwd" }, FALSE },
  { "/cli/parse/passwd/two", { NEW, "passwd", "a", "b" }, FALSE },
  { "/cli/parse/passwd/new-stdin-and-command", { NEW, "passwd", "docs", "--new-passphrase-stdin",
      "--new-password-command", "x" }, FALSE },
  { "/cli/parse/passwd/old-stdin-and-command", { NEW, "passwd", "docs", "--passphrase-stdin",
      "-p", "x" }, FALSE },
  { "/cli/parse/passwd/empty-new-command", { NEW, "passwd", "docs", "--new-password-command",
      "" }, FALSE },
  { "/cli/parse/passwd/no-keyring-option", { NEW, "passwd", "docs", "--keyring" }, FALSE },
  { "/cli/parse/passwd/bad-pbkdf", { NEW, "passwd", "docs", "--pbkdf=md5" }, FALSE },
  { "/cli/parse/grow/absolute", { NEW, "grow", "docs", "--size", "20G" }, TRUE,
    CLI_COMMAND_GROW, CLI_SYNTAX_NEW, .target = "docs", .size = GIB (20) },
  { "/cli/parse/grow/relative", { NEW, "grow", "--size", "+5G", "docs" }, TRUE,
    CLI_COMMAND_GROW, CLI_SYNTAX_NEW, .target = "docs", .size = GIB (5), .flags = F_RELATIVE },
  { "/cli/parse/grow/relative-short", { NEW, "grow", "-s+512M", "/i.qcow2" }, TRUE,
    CLI_COMMAND_GROW, CLI_SYNTAX_NEW, .target = "/i.qcow2", .size = MIB (512),
    .flags = F_RELATIVE },
  { "/cli/parse/grow/relative-small", { NEW, "grow", "--size=+1M", "docs" }, TRUE,
    CLI_COMMAND_GROW, CLI_SYNTAX_NEW, .target = "docs", .size = MIB (1), .flags = F_RELATIVE },
  { "/cli/parse/grow/no-size", { NEW, "grow", "docs" }, FALSE },
  { "/cli/parse/grow/no-disk", { NEW, "grow", "--size", "20G" }, FALSE },
  { "/cli/parse/grow/minus", { NEW, "grow", "docs", "--size", "-5G" }, FALSE },
  { "/cli/parse/grow/plus-zero", { NEW, "grow", "docs", "--size", "+0G" }, FALSE },
  { "/cli/parse/grow/plus-nothing", { NEW, "grow", "docs", "--size", "+" }, FALSE },
  { "/cli/parse/grow/plus-words", { NEW, "grow", "docs", "--size", "+5X" }, FALSE },
  { "/cli/parse/grow/plus-too-big", { NEW, "grow", "docs", "--size", "+65T" }, FALSE },
  { "/cli/parse/grow/absolute-too-small", { NEW, "grow", "docs", "--size", "10M" }, FALSE },
  { "/cli/parse/grow/mount-is-for-create", { NEW, "grow", "docs", "--size", "20G", "-m",
      "/m" }, FALSE },
  { "/cli/parse/backup-header", { NEW, "backup-header", "docs", "/safe/docs.hdr" }, TRUE,
    CLI_COMMAND_BACKUP_HEADER, CLI_SYNTAX_NEW, .target = "docs", .dest = "/safe/docs.hdr" },
  { "/cli/parse/backup-header/no-file", { NEW, "backup-header", "docs" }, FALSE },
  { "/cli/parse/backup-header/empty-file", { NEW, "backup-header", "docs", "" }, FALSE },
  { "/cli/parse/backup-header/three", { NEW, "backup-header", "a", "b", "c" }, FALSE },
  { "/cli/parse/help/passwd", { NEW, "help", "passwd" }, TRUE, CLI_COMMAND_HELP, CLI_SYNTAX_NEW,
    .help_contains = "--new-password-command" },
  { "/cli/parse/help/grow", { NEW, "grow", "--help" }, TRUE, CLI_COMMAND_HELP, CLI_SYNTAX_NEW,
    .help_contains = "+5G" },
  { "/cli/parse/help/top-lists-manage", { NEW, "--help" }, TRUE, CLI_COMMAND_HELP,
    CLI_SYNTAX_NEW, .help_contains = "backup-header" },

  /* crypt-disk-image [-m MOUNT] [-p PW_CMD] FILE open|close, as easing scripts run it */
  { "/cli/parse/old/open", { NEW, "-m", "/home/a/disk", "-p", "pass \"Disks/Documents\"",
      "/home/a/disk.img", "open" }, TRUE, CLI_COMMAND_OPEN, CLI_SYNTAX_OLD,
    .target = "/home/a/disk.img", .mountpoint = "/home/a/disk",
    .password_command = "pass \"Disks/Documents\"", .source = CDI_PASSPHRASE_SOURCE_COMMAND,
    .flags = F_SOURCE_SET },
  { "/cli/parse/old/close-options-after", { NEW, "/f.img", "close", "-m", "/m" }, TRUE,
    CLI_COMMAND_CLOSE, CLI_SYNTAX_OLD, .target = "/f.img", .mountpoint = "/m",
    .source = CDI_PASSPHRASE_SOURCE_ASK },
  { "/cli/parse/old/long", { NEW, "--mount=/m", "--password", "echo x", "/f", "open" }, TRUE,
    CLI_COMMAND_OPEN, CLI_SYNTAX_OLD, .target = "/f", .mountpoint = "/m",
    .password_command = "echo x", .source = CDI_PASSPHRASE_SOURCE_COMMAND,
    .flags = F_SOURCE_SET },
  { "/cli/parse/old/attached", { NEW, "-m/m", "-pecho x", "/f", "open" }, TRUE,
    CLI_COMMAND_OPEN, CLI_SYNTAX_OLD, .target = "/f", .mountpoint = "/m",
    .password_command = "echo x", .source = CDI_PASSPHRASE_SOURCE_COMMAND,
    .flags = F_SOURCE_SET },
  { "/cli/parse/old/dash-command", { NEW, "-p", "-x weird", "/f", "open" }, TRUE,
    CLI_COMMAND_OPEN, CLI_SYNTAX_OLD, .target = "/f", .password_command = "-x weird",
    .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/old/command-named-open", { NEW, "-p", "open", "/f", "open" }, TRUE,
    CLI_COMMAND_OPEN, CLI_SYNTAX_OLD, .target = "/f", .password_command = "open",
    .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/old/no-options", { NEW, "/f", "open" }, TRUE, CLI_COMMAND_OPEN,
    CLI_SYNTAX_OLD, .target = "/f", .source = CDI_PASSPHRASE_SOURCE_ASK },
  { "/cli/parse/old/verbose", { NEW, "-m", "/m", "/f", "open", "-v" }, TRUE, CLI_COMMAND_OPEN,
    CLI_SYNTAX_OLD, .target = "/f", .mountpoint = "/m", .source = CDI_PASSPHRASE_SOURCE_ASK,
    .flags = F_VERBOSE },
  { "/cli/parse/old/extra-ignored", { NEW, "/f", "open", "more" }, TRUE, CLI_COMMAND_OPEN,
    CLI_SYNTAX_OLD, .target = "/f", .source = CDI_PASSPHRASE_SOURCE_ASK, .warnings = 1 },
  /* The new syntax's open and close options, which easing scripts pass on ("S close --wait") */
  { "/cli/parse/old/wait-after", { NEW, "-m", "/m", "/f", "close", "--wait" }, TRUE,
    CLI_COMMAND_CLOSE, CLI_SYNTAX_OLD, .target = "/f", .mountpoint = "/m",
    .source = CDI_PASSPHRASE_SOURCE_ASK, .flags = F_WAIT },
  { "/cli/parse/old/wait-seconds-before", { NEW, "--wait", "30", "-m", "/m", "/f", "close" },
    TRUE, CLI_COMMAND_CLOSE, CLI_SYNTAX_OLD, .target = "/f", .mountpoint = "/m",
    .source = CDI_PASSPHRASE_SOURCE_ASK, .flags = F_WAIT, .wait_seconds = 30 },
  { "/cli/parse/old/wait-equals-no-trim", { NEW, "-m", "/m", "-p", "echo x", "/f", "close",
      "--no-trim", "--wait=5" }, TRUE, CLI_COMMAND_CLOSE, CLI_SYNTAX_OLD, .target = "/f",
    .mountpoint = "/m", .password_command = "echo x", .source = CDI_PASSPHRASE_SOURCE_COMMAND,
    .flags = F_SOURCE_SET | F_WAIT | F_NO_TRIM, .wait_seconds = 5 },
  { "/cli/parse/old/no-trim-before", { NEW, "--no-trim", "/f", "close" }, TRUE,
    CLI_COMMAND_CLOSE, CLI_SYNTAX_OLD, .target = "/f", .source = CDI_PASSPHRASE_SOURCE_ASK,
    .flags = F_NO_TRIM },
  { "/cli/parse/old/read-only-after", { NEW, "-m", "/m", "-p", "echo x", "/f", "open",
      "--read-only" }, TRUE, CLI_COMMAND_OPEN, CLI_SYNTAX_OLD, .target = "/f",
    .mountpoint = "/m", .password_command = "echo x", .source = CDI_PASSPHRASE_SOURCE_COMMAND,
    .flags = F_SOURCE_SET | F_READ_ONLY },
  { "/cli/parse/old/read-only-before", { NEW, "--read-only", "/f", "open" }, TRUE,
    CLI_COMMAND_OPEN, CLI_SYNTAX_OLD, .target = "/f", .source = CDI_PASSPHRASE_SOURCE_ASK,
    .flags = F_READ_ONLY },
  { "/cli/parse/old/wait-is-for-close", { NEW, "/f", "open", "--wait" }, FALSE },
  { "/cli/parse/old/no-trim-is-for-close", { NEW, "/f", "open", "--no-trim" }, FALSE },
  { "/cli/parse/old/read-only-is-for-open", { NEW, "/f", "close", "--read-only" }, FALSE },
  { "/cli/parse/old/wait-zero", { NEW, "/f", "close", "--wait=0" }, FALSE },
  { "/cli/parse/old/wait-words", { NEW, "/f", "close", "--wait=soon" }, FALSE },
  { "/cli/parse/old/unknown-action", { NEW, "-m", "/m", "/f", "closei" }, FALSE },
  { "/cli/parse/old/no-action", { NEW, "-m", "/m", "/f" }, FALSE },
  { "/cli/parse/old/unknown-option", { NEW, "--frob", "/f", "open" }, FALSE },
  { "/cli/parse/old/missing-value", { NEW, "/f", "open", "-p" }, FALSE },
  { "/cli/parse/old/help", { NEW, "/f", "open", "--help" }, TRUE, CLI_COMMAND_HELP,
    CLI_SYNTAX_NEW, .help_contains = "FILE open|close" },

  /* crypt-disk-image-create [-s SIZE] -m MOUNT -p PW_CMD -x SCRIPT FILE */
  { "/cli/parse/old-create/short", { OLD_CREATE, "-s", "10G", "-m", "/m", "-p", "echo x",
      "-x", "/s", "/f" }, TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_OLD_CREATE, .image = "/f",
    .mountpoint = "/m", .password_command = "echo x", .script = "/s", .size = GIB (10),
    .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/old-create/long", { "crypt-disk-image-create", "--mount=disk", "--password",
      "cmdipass get-one 'disk' --index=0 --password-only", "--script=/h/bin/disk",
      "disk.img" }, TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_OLD_CREATE, .image = "disk.img",
    .mountpoint = "disk", .password_command = "cmdipass get-one 'disk' --index=0 --password-only",
    .script = "/h/bin/disk", .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET },
  { "/cli/parse/old-create/nbd-ignored", { OLD_CREATE, "-n", "nbd11", "-m", "/m", "-p", "c",
      "-x", "/s", "/f" }, TRUE, CLI_COMMAND_CREATE, CLI_SYNTAX_OLD_CREATE, .image = "/f",
    .mountpoint = "/m", .password_command = "c", .script = "/s",
    .source = CDI_PASSPHRASE_SOURCE_COMMAND, .flags = F_SOURCE_SET, .warnings = 1 },
  { "/cli/parse/old-create/no-script", { OLD_CREATE, "-m", "/m", "-p", "c", "/f" }, FALSE },
  { "/cli/parse/old-create/no-password", { OLD_CREATE, "-m", "/m", "-x", "/s", "/f" }, FALSE },
  { "/cli/parse/old-create/no-file", { OLD_CREATE, "-m", "/m", "-p", "c", "-x", "/s" }, FALSE },
  { "/cli/parse/old-create/other-owner", { OLD_CREATE, "-o", "cdi-nobody-such", "-m", "/m", "-p",
      "c", "-x", "/s", "/f" }, FALSE },
  { "/cli/parse/old-create/bad-size", { OLD_CREATE, "-s", "lots", "-m", "/m", "-p", "c", "-x",
      "/s", "/f" }, FALSE },
  { "/cli/parse/old-create/check-deps", { OLD_CREATE, "-c" }, TRUE, CLI_COMMAND_CHECK_DEPS,
    CLI_SYNTAX_OLD_CREATE },
  { "/cli/parse/old-create/check-deps-long", { OLD_CREATE, "--check-deps", "-m", "/m" }, TRUE,
    CLI_COMMAND_CHECK_DEPS, CLI_SYNTAX_OLD_CREATE },
  { "/cli/parse/old-create/help", { OLD_CREATE, "-h" }, TRUE, CLI_COMMAND_HELP, CLI_SYNTAX_NEW,
    .help_contains = "--script=SCRIPT" },
};

static guint
flags_of (const CliRequest *request)
{
  return (request->verbose ? F_VERBOSE : 0) | (request->source_set ? F_SOURCE_SET : 0)
         | (request->passphrase_stdin ? F_STDIN : 0) | (request->all ? F_ALL : 0)
         | (request->no_trim ? F_NO_TRIM : 0) | (request->wait ? F_WAIT : 0)
         | (request->read_only ? F_READ_ONLY : 0) | (request->delete_image ? F_DELETE : 0)
         | (request->size_relative ? F_RELATIVE : 0)
         | (request->new_passphrase_stdin ? F_NEW_STDIN : 0);
}

static void
test_parse (gconstpointer data)
{
  const ParseCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CliRequest) request = NULL;

  request = cli_parse ((int) g_strv_length ((char **) c->argv), c->argv, &error);
  if (!c->ok)
    {
      g_assert_null (request);
      g_assert_error (error, G_OPTION_ERROR, error->code);
      g_assert_cmpstr (error->message, !=, "");
      g_test_message ("refused: %s", error->message);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_cmpint (request->command, ==, c->command);
  if (c->help_contains != NULL)
    {
      g_assert_nonnull (strstr (request->help, c->help_contains));
      return;
    }
  g_assert_cmpint (request->syntax, ==, c->syntax);
  g_assert_cmpstr (request->target, ==, c->target);
  g_assert_cmpstr (request->image, ==, c->image);
  g_assert_cmpstr (request->mountpoint, ==, c->mountpoint);
  if (c->syntax == CLI_SYNTAX_OLD || c->syntax == CLI_SYNTAX_OLD_CREATE)
    {
      /* The old -p is a bash command line, as the old tools ran it */
      g_autofree char *quoted = c->password_command ? g_shell_quote (c->password_command) : NULL;
      g_autofree char *wrapped = quoted ? g_strconcat ("/bin/bash -c ", quoted, NULL) : NULL;
      g_assert_cmpstr (request->legacy_command, ==, c->password_command);
      g_assert_cmpstr (request->password_command, ==, wrapped);
    }
  else
    g_assert_cmpstr (request->password_command, ==, c->password_command);
  g_assert_cmpstr (request->script, ==, c->script);
  g_assert_cmpstr (request->name, ==, c->name);
  g_assert_cmpuint (request->size, ==, c->size);
  g_assert_cmpint (request->source, ==, c->source);
  g_assert_cmphex (flags_of (request), ==, c->flags);
  g_assert_cmpuint (request->wait_seconds, ==, c->wait_seconds);
  g_assert_cmpuint (request->warnings->len, ==, c->warnings);
  g_assert_cmpstr (request->pbkdf, ==, c->pbkdf);
  g_assert_cmpuint (request->pbkdf_iterations, ==, c->pbkdf_iterations);
  g_assert_cmpstr (request->dest, ==, c->dest);
  g_assert_cmpstr (request->new_password_command, ==, c->new_password_command);
}

/* Every command has a help page with an example */
static void
test_help_pages (void)
{
  const char *names[] = { "create", "add", "open", "close", "trim", "status", "list", "remove",
                          "forget-password", "passwd", "grow", "backup-header", "check-deps" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *argv[] = { NEW, names[i], "--help", NULL };
      g_autoptr(CliRequest) request = cli_parse (3, argv, NULL);

      g_assert_nonnull (request);
      g_assert_cmpint (request->command, ==, CLI_COMMAND_HELP);
      g_assert_nonnull (strstr (request->help, names[i]));
      g_assert_true (strstr (request->help, "Example") != NULL
                     || strstr (request->help, "crypt-disk-image -c") != NULL);
    }
}

/* "-mVALUE" splitting must not touch option values or what follows "--" */
static void
test_prepare_argv (void)
{
  const char *argv[] = { "x", "-m/a", "-p", "-m/b", "--", "-m/c", NULL };
  const char *expected[] = { "x", "-m", "/a", "-p", "-m/b", "--", "-m/c", NULL };
  const char * const with_value[] = { "password", NULL };
  g_auto(GStrv) prepared = cli_argv_prepare (6, argv, "mp", with_value);

  g_assert_cmpstrv (prepared, expected);
}

/* grow: the size aimed at from the current one; never smaller or the same */
static void
test_grow_target (void)
{
  g_autoptr(GError) error = NULL;
  guint64 target = 0, bytes = 0;
  gboolean relative = FALSE;

  g_assert_true (cli_argv_parse_grow_size ("+5G", &bytes, &relative, &error));
  g_assert_no_error (error);
  g_assert_true (relative);
  g_assert_true (cli_argv_grow_target (GIB (20), bytes, relative, &target, &error));
  g_assert_cmpuint (target, ==, GIB (25));

  g_assert_true (cli_argv_parse_grow_size ("30GiB", &bytes, &relative, &error));
  g_assert_false (relative);
  g_assert_true (cli_argv_grow_target (GIB (20), bytes, relative, &target, &error));
  g_assert_cmpuint (target, ==, GIB (30));

  /* shrinking and "the same size" are refused, and the target is left alone */
  target = 7;
  g_assert_false (cli_argv_grow_target (GIB (20), GIB (10), FALSE, &target, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "can only grow"));
  g_clear_error (&error);
  g_assert_false (cli_argv_grow_target (GIB (20), GIB (20), FALSE, &target, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (target, ==, 7);

  /* adding past the limit */
  g_assert_false (cli_argv_grow_target ((guint64) 63 << 40, (guint64) 2 << 40, TRUE, &target,
                                        &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (cli_argv_grow_target ((guint64) 63 << 40, (guint64) 1 << 40, TRUE, &target,
                                       &error));
  g_assert_cmpuint (target, ==, (guint64) 64 << 40);

  g_assert_false (cli_argv_parse_grow_size ("+-1G", &bytes, &relative, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_false (cli_argv_parse_grow_size ("+5G ", &bytes, &relative, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_false (cli_argv_parse_grow_size ("++5G", &bytes, &relative, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_false (cli_argv_parse_grow_size ("+99999999999999999999999", &bytes, &relative,
                                            &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_parse);
  g_test_add_func ("/cli/parse/help-pages", test_help_pages);
  g_test_add_func ("/cli/parse/prepare-argv", test_prepare_argv);
  g_test_add_func ("/cli/parse/grow-target", test_grow_target);
  return g_test_run ();
}
