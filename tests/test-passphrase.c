/* test-passphrase.c - the wiped passphrase buffer, the newline rule, stdin and the tty prompt
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
#include "cdi-passphrase.h"

static void
assert_passphrase (CdiPassphrase *passphrase,
                   const void    *data,
                   gsize          size)
{
  gsize got_size = 0;
  const guint8 *got;

  g_assert_nonnull (passphrase);
  got = cdi_passphrase_get_data (passphrase, &got_size);
  g_assert_cmpmem (got, got_size, data, size);
  g_assert_cmpuint (got[got_size], ==, 0); /* a NUL follows, not counted */
}

static void
test_buffer (void)
{
  static const guint8 binary[] = { 0, 'a', '\n', 0xff };
  g_autoptr(CdiPassphrase) a = cdi_passphrase_new (binary, sizeof binary);
  g_autoptr(CdiPassphrase) b = cdi_passphrase_new_take (g_memdup2 (binary, sizeof binary),
                                                        sizeof binary);
  g_autoptr(CdiPassphrase) c = cdi_passphrase_new ("x", 1);
  g_autoptr(GBytes) bytes = NULL;

  assert_passphrase (a, binary, sizeof binary);
  assert_passphrase (b, binary, sizeof binary);
  g_assert_cmpuint (cdi_passphrase_get_size (a), ==, 4);
  g_assert_true (cdi_passphrase_equal (a, b));
  g_assert_false (cdi_passphrase_equal (a, c));

  /* The GBytes shares the buffer and keeps it alive */
  bytes = cdi_passphrase_to_bytes (a);
  g_clear_pointer (&a, cdi_passphrase_unref);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), binary, sizeof binary);
  g_assert_true (g_type_is_a (CDI_TYPE_PASSPHRASE, G_TYPE_BOXED));
}

static void
test_wipe (void)
{
  char buf[8] = "secret!";

  cdi_passphrase_wipe (buf, sizeof buf);
  for (gsize i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0);
  cdi_passphrase_wipe (NULL, 0);
}

typedef struct
{
  const char *input;
  gssize input_size; /* -1: strlen */
  const char *expected; /* NULL: refused */
  gsize expected_size;
} NewlineCase;

/* The newline rule: the bytes before the first newline, nothing else stripped */
static const NewlineCase newline_cases[] = {
  { "no newline", -1, "no newline", 10 },
  { "pass\n", -1, "pass", 4 },
  { "pass\nsecond line\n", -1, "pass", 4 },
  { "pass\r\n", -1, "pass\r", 5 },           /* CR kept, as cryptsetup kept it */
  { " spaced pass \n", -1, " spaced pass ", 13 },
  { "nul\0inside\n", 11, "nul\0inside", 10 },
  { "\n", -1, NULL, 0 },
  { "\nafter", -1, NULL, 0 },
  { "", -1, NULL, 0 },
};

static void
test_newline_rule (gconstpointer user_data)
{
  const NewlineCase *c = user_data;
  gsize size = c->input_size < 0 ? strlen (c->input) : (gsize) c->input_size;
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;

  passphrase = cdi_passphrase_from_command_output (c->input, size, &error);
  if (c->expected == NULL)
    {
      g_assert_null (passphrase);
      g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
      return;
    }
  g_assert_no_error (error);
  assert_passphrase (passphrase, c->expected, c->expected_size);
}

static void
test_newline_rule_limit (void)
{
  g_autofree char *text = g_malloc (CDI_HELPER_PASSPHRASE_MAX + 2);
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;

  memset (text, 'x', CDI_HELPER_PASSPHRASE_MAX + 1);
  text[CDI_HELPER_PASSPHRASE_MAX] = '\n';
  passphrase = cdi_passphrase_from_command_output (text, CDI_HELPER_PASSPHRASE_MAX + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cdi_passphrase_get_size (passphrase), ==, CDI_HELPER_PASSPHRASE_MAX);
  g_clear_pointer (&passphrase, cdi_passphrase_unref);

  text[CDI_HELPER_PASSPHRASE_MAX] = 'x';
  passphrase = cdi_passphrase_from_command_output (text, CDI_HELPER_PASSPHRASE_MAX + 1, &error);
  g_assert_null (passphrase);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
}

/* Standard input: the same newline rule, read through a pipe */
static CdiPassphrase *
read_through_pipe (const void  *data,
                   gsize        size,
                   gboolean     close_writer,
                   GError     **error)
{
  int fds[2];
  CdiPassphrase *passphrase;

  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (write (fds[1], data, size), ==, (gssize) size);
  if (close_writer)
    g_close (fds[1], NULL);
  passphrase = cdi_passphrase_read_fd (fds[0], error);
  g_close (fds[0], NULL);
  if (!close_writer)
    g_close (fds[1], NULL);
  return passphrase;
}

static void
test_read_fd (void)
{
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = NULL;

  /* `echo pass | crypt-disk-image open`: the newline goes */
  passphrase = read_through_pipe ("echo pass\n", 10, TRUE, &error);
  g_assert_no_error (error);
  assert_passphrase (passphrase, "echo pass", 9);
  g_clear_pointer (&passphrase, cdi_passphrase_unref);

  /* `printf %s pass`: no newline, up to end of file; binary bytes kept */
  passphrase = read_through_pipe ("p\0\xff\r", 4, TRUE, &error);
  g_assert_no_error (error);
  assert_passphrase (passphrase, "p\0\xff\r", 4);
  g_clear_pointer (&passphrase, cdi_passphrase_unref);

  /* Reading stops at the newline: a writer that stays open does not block it */
  passphrase = read_through_pipe ("first\nsecond", 12, FALSE, &error);
  g_assert_no_error (error);
  assert_passphrase (passphrase, "first", 5);
  g_clear_pointer (&passphrase, cdi_passphrase_unref);

  passphrase = read_through_pipe ("", 0, TRUE, &error);
  g_assert_null (passphrase);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  big = g_malloc (CDI_HELPER_PASSPHRASE_MAX + 10);
  memset (big, 'y', CDI_HELPER_PASSPHRASE_MAX + 10);
  passphrase = read_through_pipe (big, CDI_HELPER_PASSPHRASE_MAX + 10, TRUE, &error);
  g_assert_null (passphrase);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  passphrase = cdi_passphrase_read_fd (-1, &error);
  g_assert_null (passphrase);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
}

/* The prompt, on a real pseudo-terminal */

typedef struct
{
  int master;
  int slave;
  char *slave_name;
} Pty;

static void
pty_open (Pty *pty)
{
  pty->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (pty->master, >=, 0);
  g_assert_cmpint (grantpt (pty->master), ==, 0);
  g_assert_cmpint (unlockpt (pty->master), ==, 0);
  pty->slave_name = g_strdup (ptsname (pty->master));
  pty->slave = g_open (pty->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
  g_assert_cmpint (pty->slave, >=, 0);
}

static void
pty_close (Pty *pty)
{
  g_close (pty->slave, NULL);
  g_close (pty->master, NULL);
  g_free (pty->slave_name);
}

/* Reads from the master side until @needle shows, or @ms pass; returns all read */
static char *
pty_read_until (int         master,
                const char *needle,
                int         ms)
{
  g_autoptr(GString) seen = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (strstr (seen->str, needle) == NULL && g_get_monotonic_time () < deadline)
    {
      char buf[256];
      GPollFD pfd = { master, G_IO_IN, 0 };
      ssize_t n;

      if (g_poll (&pfd, 1, 100) <= 0)
        continue;
      n = read (master, buf, sizeof buf);
      if (n <= 0)
        break;
      g_string_append_len (seen, buf, n);
    }
  return g_string_free (g_steal_pointer (&seen), FALSE);
}

typedef struct
{
  int fd;
  CdiPassphrase *passphrase;
  GError *error;
} PromptThread;

static gpointer
prompt_thread (gpointer user_data)
{
  PromptThread *p = user_data;

  p->passphrase = cdi_passphrase_prompt_fd (p->fd, "Passphrase for test: ", &p->error);
  return NULL;
}

/* Types @typed after the prompt shows; returns what the terminal displayed after the prompt */
static char *
prompt_and_type (Pty         *pty,
                 PromptThread *p,
                 const char  *typed)
{
  g_autofree char *before = NULL;
  GThread *thread;
  char *after;

  p->fd = pty->slave;
  thread = g_thread_new ("prompt", prompt_thread, p);
  before = pty_read_until (pty->master, "Passphrase for test: ", 10000);
  g_assert_nonnull (strstr (before, "Passphrase for test: "));
  g_assert_cmpint (write (pty->master, typed, strlen (typed)), ==, (gssize) strlen (typed));
  g_thread_join (thread);
  /* what the terminal shows after typing: only the line break, if anything */
  after = pty_read_until (pty->master, "\n", 500);
  return after;
}

static void
test_prompt_no_echo (void)
{
  Pty pty;
  PromptThread p = { 0, };
  g_autofree char *shown = NULL;
  struct termios after;

  pty_open (&pty);
  shown = prompt_and_type (&pty, &p, "my secret pass\n");
  g_assert_no_error (p.error);
  assert_passphrase (p.passphrase, "my secret pass", 14);
  g_assert_null (strstr (shown, "secret"));  /* not echoed */
  g_assert_nonnull (strstr (shown, "\n"));   /* but the line break is (ECHONL) */

  g_assert_cmpint (tcgetattr (pty.slave, &after), ==, 0);
  g_assert_true (after.c_lflag & ECHO);      /* echo is back on */
  cdi_passphrase_unref (p.passphrase);
  pty_close (&pty);
}

static void
test_prompt_empty_and_eof (void)
{
  Pty pty;
  PromptThread p = { 0, };
  g_autofree char *shown = NULL;

  pty_open (&pty);
  shown = prompt_and_type (&pty, &p, "\n");
  g_assert_null (p.passphrase);
  g_assert_error (p.error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&p.error);

  g_free (g_steal_pointer (&shown));
  shown = prompt_and_type (&pty, &p, "\004"); /* Ctrl-D on an empty line */
  g_assert_null (p.passphrase);
  g_assert_error (p.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&p.error);
  pty_close (&pty);
}

static void
test_prompt_not_a_tty (void)
{
  g_autoptr(GError) error = NULL;
  int fd = g_open ("/dev/null", O_RDWR | O_CLOEXEC, 0);

  g_assert_null (cdi_passphrase_prompt_fd (fd, "x: ", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_close (fd, NULL);
}

/* cdi_passphrase_prompt() opens /dev/tty: run it in a child whose controlling terminal is the
 * pty, as a terminal session would */
static void
test_prompt_dev_tty (void)
{
  Pty pty;
  int result_pipe[2];
  pid_t pid;
  int status = 0;
  char buf[64] = { 0, };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  ssize_t n;

  pty_open (&pty);
  g_assert_cmpint (pipe (result_pipe), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      CdiPassphrase *passphrase;
      int tty;

      setsid ();
      tty = open (pty.slave_name, O_RDWR); /* the session leader's first tty becomes its ctty */
      if (tty < 0)
        _exit (3);
      passphrase = cdi_passphrase_prompt ("Passphrase via /dev/tty: ", NULL);
      if (passphrase == NULL)
        _exit (4);
      if (write (result_pipe[1], cdi_passphrase_get_data (passphrase, NULL),
                 cdi_passphrase_get_size (passphrase)) < 0)
        _exit (5);
      _exit (0);
    }
  g_close (result_pipe[1], NULL);
  before = pty_read_until (pty.master, "Passphrase via /dev/tty: ", 10000);
  g_assert_nonnull (strstr (before, "Passphrase via /dev/tty: "));
  g_assert_cmpint (write (pty.master, "tty pass\n", 9), ==, 9);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  n = read (result_pipe[0], buf, sizeof buf - 1);
  g_assert_cmpstr (buf, ==, "tty pass");
  g_assert_cmpint (n, ==, 8);
  after = pty_read_until (pty.master, "\n", 500);
  g_assert_null (strstr (after, "tty pass"));
  g_close (result_pipe[0], NULL);
  pty_close (&pty);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cdi/passphrase/buffer", test_buffer);
  g_test_add_func ("/cdi/passphrase/wipe", test_wipe);
  for (guint i = 0; i < G_N_ELEMENTS (newline_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/passphrase/newline-rule/%u", i);

      g_test_add_data_func (path, &newline_cases[i], test_newline_rule);
    }
  g_test_add_func ("/cdi/passphrase/newline-rule/limit", test_newline_rule_limit);
  g_test_add_func ("/cdi/passphrase/stdin", test_read_fd);
  g_test_add_func ("/cdi/passphrase/prompt/no-echo", test_prompt_no_echo);
  g_test_add_func ("/cdi/passphrase/prompt/empty-and-eof", test_prompt_empty_and_eof);
  g_test_add_func ("/cdi/passphrase/prompt/not-a-tty", test_prompt_not_a_tty);
  g_test_add_func ("/cdi/passphrase/prompt/dev-tty", test_prompt_dev_tty);

  return g_test_run ();
}
