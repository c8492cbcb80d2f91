/* test-helper-record.c - unit tests for the helper's stdout records
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "record.h"

typedef struct
{
  const char *name;
  const char *value;
  const char *escaped;
} EscapeCase;

static const EscapeCase escape_cases[] = {
  { "empty", "", "" },
  { "plain", "/home/user/a.qcow2", "/home/user/a.qcow2" },
  { "space", "My Disk", "My Disk" },
  { "backslash", "a\\b", "a\\\\b" },
  { "double-backslash", "\\\\", "\\\\\\\\" },
  { "tab", "a\tb", "a\\tb" },
  { "newline", "a\nb", "a\\nb" },
  { "trailing-newline", "x\n", "x\\n" },
  { "carriage-return", "a\rb", "a\\x0db" },
  { "escape", "\x1b[31m", "\\x1b[31m" },
  { "control-one", "\x01", "\\x01" },
  { "control-last", "\x1f", "\\x1f" },
  { "del", "\x7f", "\\x7f" },
  { "equals-kept", "a=b", "a=b" },
  { "utf8-kept", "caf\xc3\xa9", "caf\xc3\xa9" },
  { "high-bytes-kept", "\x80\xff", "\x80\xff" },
  { "backslash-then-t", "\\t", "\\\\t" },
  { "all-specials", "\\\t\n\x7f", "\\\\\\t\\n\\x7f" },
};

static void
test_escape_case (gconstpointer data)
{
  const EscapeCase *c = data;
  size_t need = strlen (c->escaped) + 1;
  char out[256];

  memset (out, '#', sizeof out);
  g_assert_cmpint (cdi_record_escape (c->value, out, sizeof out), ==, 0);
  g_assert_cmpstr (out, ==, c->escaped);

  /* Exactly enough room */
  memset (out, '#', sizeof out);
  g_assert_cmpint (cdi_record_escape (c->value, out, need), ==, 0);
  g_assert_cmpstr (out, ==, c->escaped);

  /* One byte short: -ENOBUFS and the buffer untouched */
  memset (out, '#', sizeof out);
  g_assert_cmpint (cdi_record_escape (c->value, out, need - 1), ==, -ENOBUFS);
  for (size_t i = 0; i < sizeof out; i++)
    g_assert_cmpint (out[i], ==, '#');
}

static void
test_escape_edge (void)
{
  char out[8] = "#######";

  g_assert_cmpint (cdi_record_escape (NULL, out, sizeof out), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (cdi_record_escape ("x", NULL, 0), ==, -ENOBUFS);
  g_assert_cmpint (cdi_record_escape ("", out, 0), ==, -ENOBUFS);
  g_assert_cmpint (cdi_record_escape ("", out, 1), ==, 0);
}

/* Escaping every single byte: output has no TAB, newline or control byte, and reads back */
static void
test_escape_all_bytes (void)
{
  for (int b = 1; b < 256; b++)
    {
      char value[2] = { (char) b, '\0' };
      char out[8];

      g_assert_cmpint (cdi_record_escape (value, out, sizeof out), ==, 0);
      for (const char *p = out; *p != '\0'; p++)
        g_assert_true ((unsigned char) *p >= 0x20 && *p != 0x7f);
      if (b == '\\' || b == '\t' || b == '\n')
        g_assert_cmpuint (strlen (out), ==, 2);
      else if (b < 0x20 || b == 0x7f)
        {
          char expect[8];

          g_snprintf (expect, sizeof expect, "\\x%02x", (unsigned int) b);
          g_assert_cmpstr (out, ==, expect);
        }
      else
        g_assert_cmpstr (out, ==, value);
    }
}

static char *
capture (void (*write_record) (FILE *))
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&buf, &size);

  g_assert_nonnull (f);
  write_record (f);
  g_assert_cmpint (fclose (f), ==, 0);
  return buf;
}

static void
write_disk (FILE *f)
{
  cdi_record_write (f, "disk", "image", "/home/u/My Disk.qcow2", "mountpoint", "/home/u/a\tb",
                    "nbd", "/dev/nbd3", "read-only", "0", NULL);
}

static void
write_no_pairs (FILE *f)
{
  cdi_record_write (f, "status", NULL);
}

static void
write_null_value (FILE *f)
{
  cdi_record_write (f, "holder", "pid", "42", "comm", NULL, "holds", "cwd", NULL);
}

static void
write_hostile (FILE *f)
{
  cdi_record_write (f, "holder", "path", "/tmp/x\nfsck\tresult=clean", "comm", "\\n", NULL);
}

static void
write_two (FILE *f)
{
  cdi_record_write (f, "trimmed", "mountpoint", "/m", "bytes", "1024", NULL);
  cdi_record_write (f, "fsck", "result", "clean", NULL);
}

static void
test_write (void)
{
  g_autofree char *disk = capture (write_disk);
  g_autofree char *none = capture (write_no_pairs);
  g_autofree char *null_value = capture (write_null_value);
  g_autofree char *hostile = capture (write_hostile);
  g_autofree char *two = capture (write_two);

  g_assert_cmpstr (disk, ==,
                   "disk\timage=/home/u/My Disk.qcow2\tmountpoint=/home/u/a\\tb\tnbd=/dev/nbd3"
                   "\tread-only=0\n");
  g_assert_cmpstr (none, ==, "status\n");
  g_assert_cmpstr (null_value, ==, "holder\tpid=42\tcomm=\tholds=cwd\n");
  /* A value cannot forge a second record or a field */
  g_assert_cmpstr (hostile, ==, "holder\tpath=/tmp/x\\nfsck\\tresult=clean\tcomm=\\\\n\n");
  g_assert_cmpstr (two, ==, "trimmed\tmountpoint=/m\tbytes=1024\nfsck\tresult=clean\n");
}

/* The record is flushed at once, even on a fully buffered stream */
static void
test_write_flushes (void)
{
  int fds[2];
  char buf[64];
  FILE *f;
  ssize_t n;

  g_assert_cmpint (pipe (fds), ==, 0);
  f = fdopen (fds[1], "w");
  g_assert_nonnull (f);
  setvbuf (f, NULL, _IOFBF, 4096);
  cdi_record_write (f, "fsck", "result", "clean", NULL);
  n = read (fds[0], buf, sizeof buf - 1);
  g_assert_cmpint (n, ==, 18);
  buf[n] = '\0';
  g_assert_cmpstr (buf, ==, "fsck\tresult=clean\n");
  fclose (f);
  close (fds[0]);
}

typedef struct
{
  const char *name;
  const char *kind;
  const char *key;
} BadNameCase;

static const BadNameCase bad_name_cases[] = {
  { "kind-empty", "", "a" },
  { "kind-upper", "Disk", "a" },
  { "kind-tab", "di\tsk", "a" },
  { "kind-null", NULL, "a" },
  { "key-empty", "disk", "" },
  { "key-equals", "disk", "a=b" },
  { "key-digit", "disk", "nbd0" },
  { "key-underscore", "disk", "read_only" },
  { "key-newline", "disk", "a\n" },
};

/* A bad kind or key is a programming error: the helper aborts rather than print it */
static void
test_write_bad_name (gconstpointer data)
{
  const BadNameCase *c = data;
  int status;
  pid_t pid;

  fflush (stdout);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rlimit no_core = { 0, 0 };
      FILE *f = fopen ("/dev/null", "w");

      /* No core file from the expected abort */
      setrlimit (RLIMIT_CORE, &no_core);
      if (f == NULL)
        _exit (2);
      cdi_record_write (f, c->kind, c->key, "v", NULL);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGABRT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (escape_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/record/escape/%s",
                                               escape_cases[i].name);
      g_test_add_data_func (path, &escape_cases[i], test_escape_case);
    }
  g_test_add_func ("/cdi/helper/record/escape-edge", test_escape_edge);
  g_test_add_func ("/cdi/helper/record/escape-all-bytes", test_escape_all_bytes);
  g_test_add_func ("/cdi/helper/record/write", test_write);
  g_test_add_func ("/cdi/helper/record/write-flushes", test_write_flushes);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_name_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/record/write-bad-name/%s",
                                               bad_name_cases[i].name);
      g_test_add_data_func (path, &bad_name_cases[i], test_write_bad_name);
    }
  return g_test_run ();
}
