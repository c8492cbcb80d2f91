/* test-helper-args.c - unit tests for the helper's argv grammar, cdi_args_parse()
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <glib.h>

#include "args.h"

#define MAX_ARGS 12

typedef struct
{
  const char *name;
  const char *argv[MAX_ARGS]; /* after argv[0], NULL-terminated */
  int expected;               /* 0, -EINVAL (usage) or -EBADMSG (refused) */
  CdiRequest want;            /* compared on success only; args by content */
} ArgsCase;

#define IMG "/home/user/disks/a.qcow2"
#define MNT "/home/user/Private"
#define LABEL47 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
#define LABEL48 LABEL47 "V"

static const ArgsCase args_cases[] = {
  /* Accepted */
  { "ok/status", { "status" }, 0, { .verb = CDI_VERB_STATUS } },
  { "ok/recover", { "recover" }, 0, { .verb = CDI_VERB_RECOVER } },
  { "ok/format", { "format", IMG }, 0, { .verb = CDI_VERB_FORMAT, .args = { IMG }, .n_args = 1 } },
  { "ok/format-all",
    { "format", "--pbkdf=argon2id", "--pbkdf-memory=65536", "--pbkdf-time=2000",
      "--pbkdf-iterations=4", "--label=My Disk_1.0-x", IMG },
    0,
    { .verb = CDI_VERB_FORMAT, .pbkdf = CDI_PBKDF_ARGON2ID, .pbkdf_memory_kib = 65536,
      .pbkdf_time_ms = 2000, .pbkdf_iterations = 4, .label = "My Disk_1.0-x", .args = { IMG },
      .n_args = 1 } },
  { "ok/format-options-any-order",
    { "format", "--label=x", "--pbkdf-iterations=5", "--pbkdf=argon2id", IMG },
    0,
    { .verb = CDI_VERB_FORMAT, .pbkdf = CDI_PBKDF_ARGON2ID, .pbkdf_iterations = 5, .label = "x",
      .args = { IMG }, .n_args = 1 } },
  { "ok/format-pbkdf2",
    { "format", "--pbkdf=pbkdf2", "--pbkdf-iterations=1000", IMG },
    0,
    { .verb = CDI_VERB_FORMAT, .pbkdf = CDI_PBKDF_PBKDF2, .pbkdf_iterations = 1000,
      .args = { IMG }, .n_args = 1 } },
  { "ok/format-pbkdf2-iterations-before-pbkdf",
    { "format", "--pbkdf-iterations=1000", "--pbkdf=pbkdf2", IMG },
    0,
    { .verb = CDI_VERB_FORMAT, .pbkdf = CDI_PBKDF_PBKDF2, .pbkdf_iterations = 1000,
      .args = { IMG }, .n_args = 1 } },
  { "ok/format-memory-min", { "format", "--pbkdf-memory=32768", IMG }, 0,
    { .verb = CDI_VERB_FORMAT, .pbkdf_memory_kib = 32768, .args = { IMG }, .n_args = 1 } },
  { "ok/format-memory-max", { "format", "--pbkdf-memory=4194304", IMG }, 0,
    { .verb = CDI_VERB_FORMAT, .pbkdf_memory_kib = 4194304, .args = { IMG }, .n_args = 1 } },
  { "ok/format-time-min", { "format", "--pbkdf-time=100", IMG }, 0,
    { .verb = CDI_VERB_FORMAT, .pbkdf_time_ms = 100, .args = { IMG }, .n_args = 1 } },
  { "ok/format-time-max", { "format", "--pbkdf-time=60000", IMG }, 0,
    { .verb = CDI_VERB_FORMAT, .pbkdf_time_ms = 60000, .args = { IMG }, .n_args = 1 } },
  { "ok/format-iterations-max", { "format", "--pbkdf-iterations=100000000", IMG }, 0,
    { .verb = CDI_VERB_FORMAT, .pbkdf_iterations = 100000000, .args = { IMG }, .n_args = 1 } },
  { "ok/format-label-max", { "format", "--label=" LABEL47, IMG }, 0,
    { .verb = CDI_VERB_FORMAT, .label = LABEL47, .args = { IMG }, .n_args = 1 } },
  { "ok/format-utf8-path", { "format", "/home/user/Mes discs/é.qcow2" }, 0,
    { .verb = CDI_VERB_FORMAT, .args = { "/home/user/Mes discs/é.qcow2" }, .n_args = 1 } },
  { "ok/open", { "open", IMG, MNT }, 0,
    { .verb = CDI_VERB_OPEN, .args = { IMG, MNT }, .n_args = 2 } },
  { "ok/open-flags", { "open", "--read-only", "--skip-fsck", IMG, MNT }, 0,
    { .verb = CDI_VERB_OPEN, .read_only = true, .skip_fsck = true, .args = { IMG, MNT },
      .n_args = 2 } },
  { "ok/open-flags-reversed", { "open", "--skip-fsck", "--read-only", IMG, MNT }, 0,
    { .verb = CDI_VERB_OPEN, .read_only = true, .skip_fsck = true, .args = { IMG, MNT },
      .n_args = 2 } },
  { "ok/open-skip-fsck", { "open", "--skip-fsck", IMG, MNT }, 0,
    { .verb = CDI_VERB_OPEN, .skip_fsck = true, .args = { IMG, MNT }, .n_args = 2 } },
  { "ok/close", { "close", IMG }, 0, { .verb = CDI_VERB_CLOSE, .args = { IMG }, .n_args = 1 } },
  { "ok/close-no-trim", { "close", "--no-trim", MNT }, 0,
    { .verb = CDI_VERB_CLOSE, .no_trim = true, .args = { MNT }, .n_args = 1 } },
  { "ok/trim", { "trim", MNT }, 0, { .verb = CDI_VERB_TRIM, .args = { MNT }, .n_args = 1 } },
  { "ok/path-with-dash-inside", { "trim", "/home/user/-x" }, 0,
    { .verb = CDI_VERB_TRIM, .args = { "/home/user/-x" }, .n_args = 1 } },

  /* Usage errors: the verb */
  { "usage/no-verb", { NULL }, -EINVAL },
  { "usage/empty-verb", { "" }, -EINVAL },
  { "usage/unknown-verb", { "mount" }, -EINVAL },
  { "usage/verb-upper-case", { "STATUS" }, -EINVAL },
  { "usage/verb-with-space", { "status " }, -EINVAL },
  { "usage/verb-prefix", { "stat" }, -EINVAL },
  { "usage/option-before-verb", { "--read-only", "open", IMG, MNT }, -EINVAL },
  { "usage/help", { "--help" }, -EINVAL },
  /* Usage errors: counts */
  { "usage/status-extra", { "status", MNT }, -EINVAL },
  { "usage/recover-extra", { "recover", IMG }, -EINVAL },
  { "usage/format-none", { "format" }, -EINVAL },
  { "usage/format-two", { "format", IMG, MNT }, -EINVAL },
  { "usage/open-one", { "open", IMG }, -EINVAL },
  { "usage/open-three", { "open", IMG, MNT, MNT }, -EINVAL },
  { "usage/close-none", { "close" }, -EINVAL },
  { "usage/close-two", { "close", IMG, MNT }, -EINVAL },
  { "usage/trim-none", { "trim" }, -EINVAL },
  { "usage/trim-two", { "trim", MNT, MNT }, -EINVAL },
  { "usage/open-only-options", { "open", "--read-only" }, -EINVAL },
  /* Usage errors: options on the wrong verb */
  { "usage/open-no-trim", { "open", "--no-trim", IMG, MNT }, -EINVAL },
  { "usage/open-label", { "open", "--label=x", IMG, MNT }, -EINVAL },
  { "usage/open-pbkdf", { "open", "--pbkdf=argon2id", IMG, MNT }, -EINVAL },
  { "usage/close-read-only", { "close", "--read-only", IMG }, -EINVAL },
  { "usage/close-skip-fsck", { "close", "--skip-fsck", IMG }, -EINVAL },
  { "usage/trim-no-trim", { "trim", "--no-trim", MNT }, -EINVAL },
  { "usage/status-read-only", { "status", "--read-only" }, -EINVAL },
  { "usage/recover-no-trim", { "recover", "--no-trim" }, -EINVAL },
  { "usage/format-read-only", { "format", "--read-only", IMG }, -EINVAL },
  { "usage/format-no-trim", { "format", "--no-trim", IMG }, -EINVAL },
  { "usage/format-pbkdf-memory-on-open", { "open", "--pbkdf-memory=65536", IMG, MNT }, -EINVAL },
  /* Usage errors: unknown spellings */
  { "usage/unknown-option", { "open", "--readonly", IMG, MNT }, -EINVAL },
  { "usage/flag-with-value", { "open", "--read-only=1", IMG, MNT }, -EINVAL },
  { "usage/flag-upper-case", { "open", "--READ-ONLY", IMG, MNT }, -EINVAL },
  { "usage/value-option-without-equals", { "format", "--pbkdf", "argon2id", IMG }, -EINVAL },
  { "usage/label-without-equals", { "format", "--label", IMG }, -EINVAL },
  { "usage/short-option", { "close", "-n", MNT }, -EINVAL },
  { "usage/single-dash-long", { "open", "-read-only", IMG, MNT }, -EINVAL },
  /* Usage errors: duplicates */
  { "usage/duplicate-flag", { "open", "--read-only", "--read-only", IMG, MNT }, -EINVAL },
  { "usage/duplicate-no-trim", { "close", "--no-trim", "--no-trim", MNT }, -EINVAL },
  { "usage/duplicate-label", { "format", "--label=a", "--label=b", IMG }, -EINVAL },
  { "usage/duplicate-pbkdf", { "format", "--pbkdf=pbkdf2", "--pbkdf=pbkdf2", IMG }, -EINVAL },
  { "usage/duplicate-memory", { "format", "--pbkdf-memory=65536", "--pbkdf-memory=65536", IMG },
    -EINVAL },
  /* Usage errors: placement, dashes, "--" */
  { "usage/option-after-positional", { "open", IMG, "--read-only", MNT }, -EINVAL },
  { "usage/option-at-end", { "open", IMG, MNT, "--read-only" }, -EINVAL },
  { "usage/format-label-at-end", { "format", IMG, "--label=x" }, -EINVAL },
  { "usage/close-no-trim-at-end", { "close", MNT, "--no-trim" }, -EINVAL },
  { "usage/leading-dash-path", { "close", "-home/user/x" }, -EINVAL },
  { "usage/lone-dash", { "trim", "-" }, -EINVAL },
  { "usage/dash-dash-before", { "close", "--", MNT }, -EINVAL },
  { "usage/dash-dash-open", { "open", "--", IMG, MNT }, -EINVAL },
  { "usage/dash-dash-after", { "close", MNT, "--" }, -EINVAL },
  { "usage/dash-dash-status", { "status", "--" }, -EINVAL },
  { "usage/dash-dash-value", { "format", "--=x", IMG }, -EINVAL },
  /* A usage error wins over a bad value wherever it is */
  { "usage/wins-over-bad-value", { "format", "--pbkdf-time=5" }, -EINVAL },
  { "usage/wins-over-bad-path", { "open", "relative", "--read-only" }, -EINVAL },

  /* Refused values: --pbkdf */
  { "refused/pbkdf-unknown", { "format", "--pbkdf=scrypt", IMG }, -EBADMSG },
  { "refused/pbkdf-empty", { "format", "--pbkdf=", IMG }, -EBADMSG },
  { "refused/pbkdf-case", { "format", "--pbkdf=Argon2id", IMG }, -EBADMSG },
  { "refused/pbkdf-argon2i", { "format", "--pbkdf=argon2i", IMG }, -EBADMSG },
  { "refused/pbkdf-trailing-space", { "format", "--pbkdf=pbkdf2 ", IMG }, -EBADMSG },
  /* Refused values: --pbkdf-memory */
  { "refused/memory-below", { "format", "--pbkdf-memory=32767", IMG }, -EBADMSG },
  { "refused/memory-above", { "format", "--pbkdf-memory=4194305", IMG }, -EBADMSG },
  { "refused/memory-zero", { "format", "--pbkdf-memory=0", IMG }, -EBADMSG },
  { "refused/memory-leading-zero", { "format", "--pbkdf-memory=065536", IMG }, -EBADMSG },
  { "refused/memory-plus", { "format", "--pbkdf-memory=+65536", IMG }, -EBADMSG },
  { "refused/memory-minus", { "format", "--pbkdf-memory=-65536", IMG }, -EBADMSG },
  { "refused/memory-leading-space", { "format", "--pbkdf-memory= 65536", IMG }, -EBADMSG },
  { "refused/memory-trailing-space", { "format", "--pbkdf-memory=65536 ", IMG }, -EBADMSG },
  { "refused/memory-suffix", { "format", "--pbkdf-memory=65536k", IMG }, -EBADMSG },
  { "refused/memory-empty", { "format", "--pbkdf-memory=", IMG }, -EBADMSG },
  { "refused/memory-hex", { "format", "--pbkdf-memory=0x10000", IMG }, -EBADMSG },
  { "refused/memory-overflow-32", { "format", "--pbkdf-memory=4294967296", IMG }, -EBADMSG },
  { "refused/memory-overflow-64",
    { "format", "--pbkdf-memory=99999999999999999999999999", IMG }, -EBADMSG },
  { "refused/memory-with-pbkdf2", { "format", "--pbkdf=pbkdf2", "--pbkdf-memory=65536", IMG },
    -EBADMSG },
  { "refused/memory-before-pbkdf2", { "format", "--pbkdf-memory=65536", "--pbkdf=pbkdf2", IMG },
    -EBADMSG },
  /* Refused values: --pbkdf-time */
  { "refused/time-below", { "format", "--pbkdf-time=99", IMG }, -EBADMSG },
  { "refused/time-above", { "format", "--pbkdf-time=60001", IMG }, -EBADMSG },
  { "refused/time-zero", { "format", "--pbkdf-time=0", IMG }, -EBADMSG },
  { "refused/time-exponent", { "format", "--pbkdf-time=1e3", IMG }, -EBADMSG },
  { "refused/time-fraction", { "format", "--pbkdf-time=100.5", IMG }, -EBADMSG },
  { "refused/time-leading-zero", { "format", "--pbkdf-time=0100", IMG }, -EBADMSG },
  /* Refused values: --pbkdf-iterations */
  { "refused/iterations-below", { "format", "--pbkdf-iterations=3", IMG }, -EBADMSG },
  { "refused/iterations-above", { "format", "--pbkdf-iterations=100000001", IMG }, -EBADMSG },
  { "refused/iterations-pbkdf2-below",
    { "format", "--pbkdf=pbkdf2", "--pbkdf-iterations=999", IMG }, -EBADMSG },
  { "refused/iterations-pbkdf2-argon-min",
    { "format", "--pbkdf-iterations=4", "--pbkdf=pbkdf2", IMG }, -EBADMSG },
  { "refused/iterations-overflow",
    { "format", "--pbkdf-iterations=18446744073709551617", IMG }, -EBADMSG },
  { "refused/iterations-negative", { "format", "--pbkdf-iterations=-4", IMG }, -EBADMSG },
  /* Refused values: --label */
  { "refused/label-empty", { "format", "--label=", IMG }, -EBADMSG },
  { "refused/label-too-long", { "format", "--label=" LABEL48, IMG }, -EBADMSG },
  { "refused/label-slash", { "format", "--label=a/b", IMG }, -EBADMSG },
  { "refused/label-tab", { "format", "--label=a\tb", IMG }, -EBADMSG },
  { "refused/label-newline", { "format", "--label=a\nb", IMG }, -EBADMSG },
  { "refused/label-utf8", { "format", "--label=caf\xc3\xa9", IMG }, -EBADMSG },
  { "refused/label-colon", { "format", "--label=a:b", IMG }, -EBADMSG },
  { "refused/label-quote", { "format", "--label=a\"b", IMG }, -EBADMSG },
  { "refused/label-dollar", { "format", "--label=$HOME", IMG }, -EBADMSG },
  { "refused/label-equals", { "format", "--label=a=b", IMG }, -EBADMSG },
  { "refused/label-del", { "format", "--label=a\x7f", IMG }, -EBADMSG },
  /* Refused values: paths */
  { "usage/count-before-path", { "format", "a.qcow2", IMG }, -EINVAL },
  { "refused/format-relative", { "format", "a.qcow2" }, -EBADMSG },
  { "refused/format-dot-relative", { "format", "./a.qcow2" }, -EBADMSG },
  { "refused/open-relative-mountpoint", { "open", IMG, "Private" }, -EBADMSG },
  { "refused/close-tilde", { "close", "~/a.qcow2" }, -EBADMSG },
  { "refused/path-dotdot", { "close", "/home/user/../root/a" }, -EBADMSG },
  { "refused/path-trailing-dotdot", { "close", "/home/user/.." }, -EBADMSG },
  { "refused/path-dot", { "close", "/home/./user" }, -EBADMSG },
  { "refused/path-double-slash", { "close", "/home//user" }, -EBADMSG },
  { "refused/path-leading-double-slash", { "close", "//home/user" }, -EBADMSG },
  { "refused/path-trailing-slash", { "trim", "/home/user/Private/" }, -EBADMSG },
  { "refused/path-root", { "trim", "/" }, -EBADMSG },
  { "refused/path-newline", { "trim", "/home/user/a\nb" }, -EBADMSG },
  { "refused/path-tab", { "trim", "/home/user/a\tb" }, -EBADMSG },
  { "refused/path-escape", { "trim", "/home/user/a\x1b[0m" }, -EBADMSG },
  { "refused/path-del", { "trim", "/home/user/a\x7f" }, -EBADMSG },
  { "refused/path-empty", { "trim", "" }, -EBADMSG },
  { "refused/open-second-path-bad", { "open", "--read-only", IMG, "/home/user/x/" }, -EBADMSG },

  /* inspect, passwd, grow, backup-header */
  { "ok/inspect", { "inspect", IMG }, 0,
    { .verb = CDI_VERB_INSPECT, .args = { IMG }, .n_args = 1 } },
  { "ok/backup-header", { "backup-header", IMG }, 0,
    { .verb = CDI_VERB_BACKUP_HEADER, .args = { IMG }, .n_args = 1 } },
  { "ok/passwd", { "passwd", IMG }, 0,
    { .verb = CDI_VERB_PASSWD, .args = { IMG }, .n_args = 1 } },
  { "ok/passwd-pbkdf",
    { "passwd", "--pbkdf=pbkdf2", "--pbkdf-iterations=1000", "--pbkdf-time=100", IMG }, 0,
    { .verb = CDI_VERB_PASSWD, .pbkdf = CDI_PBKDF_PBKDF2, .pbkdf_iterations = 1000,
      .pbkdf_time_ms = 100, .args = { IMG }, .n_args = 1 } },
  { "ok/passwd-argon2id-memory", { "passwd", "--pbkdf=argon2id", "--pbkdf-memory=65536", IMG }, 0,
    { .verb = CDI_VERB_PASSWD, .pbkdf = CDI_PBKDF_ARGON2ID, .pbkdf_memory_kib = 65536,
      .args = { IMG }, .n_args = 1 } },
  { "ok/grow", { "grow", IMG, "1073741824" }, 0,
    { .verb = CDI_VERB_GROW, .bytes = UINT64_C (1073741824), .args = { IMG, "1073741824" },
      .n_args = 2 } },
  { "ok/grow-min", { "grow", IMG, "512" }, 0,
    { .verb = CDI_VERB_GROW, .bytes = 512, .args = { IMG, "512" }, .n_args = 2 } },
  { "ok/grow-max", { "grow", IMG, "1125899906842624" }, 0,
    { .verb = CDI_VERB_GROW, .bytes = UINT64_C (1) << 50, .args = { IMG, "1125899906842624" },
      .n_args = 2 } },
  { "usage/inspect-no-arg", { "inspect" }, -EINVAL },
  { "usage/inspect-two-args", { "inspect", IMG, IMG }, -EINVAL },
  { "usage/inspect-option", { "inspect", "--read-only", IMG }, -EINVAL },
  { "usage/backup-header-no-arg", { "backup-header" }, -EINVAL },
  { "usage/backup-header-two-args", { "backup-header", IMG, "/tmp/out" }, -EINVAL },
  { "usage/passwd-no-arg", { "passwd" }, -EINVAL },
  { "usage/passwd-two-args", { "passwd", IMG, IMG }, -EINVAL },
  { "usage/passwd-label", { "passwd", "--label=x", IMG }, -EINVAL },
  { "usage/passwd-read-only", { "passwd", "--read-only", IMG }, -EINVAL },
  { "usage/grow-no-bytes", { "grow", IMG }, -EINVAL },
  { "usage/grow-no-args", { "grow" }, -EINVAL },
  { "usage/grow-three-args", { "grow", IMG, "1048576", "1048576" }, -EINVAL },
  { "usage/grow-negative", { "grow", IMG, "-1048576" }, -EINVAL },
  { "usage/grow-option", { "grow", "--pbkdf=pbkdf2", IMG, "1048576" }, -EINVAL },
  { "usage/grow-bytes-option", { "grow", "--bytes=1048576", IMG }, -EINVAL },
  { "usage/backup_header-spelling", { "backup_header", IMG }, -EINVAL },
  { "bad/grow-zero", { "grow", IMG, "0" }, -EBADMSG },
  { "bad/grow-leading-zero", { "grow", IMG, "01048576" }, -EBADMSG },
  { "bad/grow-not-sector", { "grow", IMG, "1048577" }, -EBADMSG },
  { "bad/grow-below-sector", { "grow", IMG, "511" }, -EBADMSG },
  { "bad/grow-over-max", { "grow", IMG, "1125899906843136" }, -EBADMSG },
  { "bad/grow-huge", { "grow", IMG, "99999999999999999999999999999999" }, -EBADMSG },
  { "bad/grow-u64-wrap", { "grow", IMG, "18446744073709551616" }, -EBADMSG },
  { "bad/grow-suffix", { "grow", IMG, "1G" }, -EBADMSG },
  { "bad/grow-plus", { "grow", IMG, "+1048576" }, -EBADMSG },
  { "bad/grow-space", { "grow", IMG, " 1048576" }, -EBADMSG },
  { "bad/grow-trailing-space", { "grow", IMG, "1048576 " }, -EBADMSG },
  { "bad/grow-hex", { "grow", IMG, "0x100000" }, -EBADMSG },
  { "bad/grow-empty", { "grow", IMG, "" }, -EBADMSG },
  { "bad/grow-path-as-bytes", { "grow", IMG, IMG }, -EBADMSG },
  { "bad/grow-bytes-as-image", { "grow", "1048576", "1048576" }, -EBADMSG },
  { "bad/grow-relative-image", { "grow", "a.qcow2", "1048576" }, -EBADMSG },
  { "bad/inspect-relative", { "inspect", "a.qcow2" }, -EBADMSG },
  { "bad/passwd-iterations-pbkdf2", { "passwd", "--pbkdf=pbkdf2", "--pbkdf-iterations=999", IMG },
    -EBADMSG },
  { "bad/passwd-memory-pbkdf2", { "passwd", "--pbkdf=pbkdf2", "--pbkdf-memory=65536", IMG },
    -EBADMSG },
  { "bad/backup-header-dotdot", { "backup-header", "/home/../etc/shadow" }, -EBADMSG },
};

static int
run_parse (const char *const *args,
           CdiRequest        *req)
{
  const char *argv[MAX_ARGS + 1] = { "crypt-disk-image-helper" };
  int argc = 1;

  for (; args[argc - 1] != NULL; argc++)
    argv[argc] = args[argc - 1];
  argv[argc] = NULL;
  return cdi_args_parse (argc, (char *const *) argv, req);
}

static void
test_args_case (gconstpointer data)
{
  const ArgsCase *c = data;
  CdiRequest req;
  int r;

  memset (&req, 0x5a, sizeof req);
  r = run_parse (c->argv, &req);
  g_assert_cmpint (r, ==, c->expected);

  if (c->expected != 0)
    {
      /* untouched on failure */
      for (size_t i = 0; i < sizeof req; i++)
        g_assert_cmpint (((const unsigned char *) &req)[i], ==, 0x5a);
      return;
    }

  g_assert_cmpint (req.verb, ==, c->want.verb);
  g_assert_cmpint (req.read_only, ==, c->want.read_only);
  g_assert_cmpint (req.skip_fsck, ==, c->want.skip_fsck);
  g_assert_cmpint (req.no_trim, ==, c->want.no_trim);
  g_assert_cmpint (req.pbkdf, ==, c->want.pbkdf);
  g_assert_cmpuint (req.pbkdf_memory_kib, ==, c->want.pbkdf_memory_kib);
  g_assert_cmpuint (req.pbkdf_time_ms, ==, c->want.pbkdf_time_ms);
  g_assert_cmpuint (req.pbkdf_iterations, ==, c->want.pbkdf_iterations);
  g_assert_cmpstr (req.label, ==, c->want.label);
  g_assert_cmpuint (req.bytes, ==, c->want.bytes);
  g_assert_cmpuint (req.n_args, ==, c->want.n_args);
  for (size_t i = 0; i < req.n_args; i++)
    g_assert_cmpstr (req.args[i], ==, c->want.args[i]);
}

/* The positional arguments point into argv, not at copies */
static void
test_args_point_into_argv (void)
{
  char img[] = IMG;
  char mnt[] = MNT;
  char *argv[] = { "helper", "open", img, mnt, NULL };
  CdiRequest req;

  g_assert_cmpint (cdi_args_parse (4, argv, &req), ==, 0);
  g_assert_true (req.args[0] == img);
  g_assert_true (req.args[1] == mnt);
}

static void
test_args_argc_zero (void)
{
  char *argv[] = { NULL };
  CdiRequest req;

  g_assert_cmpint (cdi_args_parse (0, argv, &req), ==, -EINVAL);
  g_assert_cmpint (cdi_args_parse (1, argv, &req), ==, -EINVAL);
}

/* Long paths, built at run time */
static void
test_args_long_paths (void)
{
  char path[PATH_MAX + 2];
  char comp[NAME_MAX + 3];
  char *argv[] = { "helper", "trim", path, NULL };
  CdiRequest req;

  /* PATH_MAX - 1 bytes: the longest allowed */
  path[0] = '/';
  for (size_t i = 1; i < PATH_MAX - 1; i++)
    path[i] = (i % 200 == 0) ? '/' : 'a';
  path[PATH_MAX - 1] = '\0';
  g_assert_cmpint (cdi_args_parse (3, argv, &req), ==, 0);

  /* PATH_MAX bytes: one too many */
  path[PATH_MAX - 1] = 'a';
  path[PATH_MAX] = '\0';
  g_assert_cmpint (cdi_args_parse (3, argv, &req), ==, -EBADMSG);

  /* One component of NAME_MAX + 1 bytes */
  comp[0] = '/';
  memset (comp + 1, 'b', NAME_MAX + 1);
  comp[NAME_MAX + 2] = '\0';
  argv[2] = comp;
  g_assert_cmpint (cdi_args_parse (3, argv, &req), ==, -EBADMSG);
  comp[NAME_MAX + 1] = '\0';
  g_assert_cmpint (cdi_args_parse (3, argv, &req), ==, 0);
}

static void
test_args_verb_to_string (void)
{
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_FORMAT), ==, CDI_HELPER_VERB_FORMAT);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_OPEN), ==, CDI_HELPER_VERB_OPEN);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_CLOSE), ==, CDI_HELPER_VERB_CLOSE);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_TRIM), ==, CDI_HELPER_VERB_TRIM);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_STATUS), ==, CDI_HELPER_VERB_STATUS);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_RECOVER), ==, CDI_HELPER_VERB_RECOVER);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_INSPECT), ==, CDI_HELPER_VERB_INSPECT);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_PASSWD), ==, CDI_HELPER_VERB_PASSWD);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_GROW), ==, CDI_HELPER_VERB_GROW);
  g_assert_cmpstr (cdi_verb_to_string (CDI_VERB_BACKUP_HEADER), ==, CDI_HELPER_VERB_BACKUP_HEADER);
  g_assert_null (cdi_verb_to_string ((CdiVerb) 10));
  g_assert_null (cdi_verb_to_string ((CdiVerb) -1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (args_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/args/%s", args_cases[i].name);
      g_test_add_data_func (path, &args_cases[i], test_args_case);
    }
  g_test_add_func ("/cdi/helper/args/point-into-argv", test_args_point_into_argv);
  g_test_add_func ("/cdi/helper/args/argc-zero", test_args_argc_zero);
  g_test_add_func ("/cdi/helper/args/long-paths", test_args_long_paths);
  g_test_add_func ("/cdi/helper/args/verb-to-string", test_args_verb_to_string);
  return g_test_run ();
}
