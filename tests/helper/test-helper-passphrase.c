/* test-helper-passphrase.c - unit tests for reading the passphrase from stdin
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cdi-helper-protocol.h"
#include "passphrase.h"

#define PASS_MAX CDI_HELPER_PASSPHRASE_MAX

typedef enum
{
  FILL_TEXT,  /* the case's text, len bytes (may hold NUL) */
  FILL_BYTES, /* len bytes cycling through all 256 values */
} Fill;

typedef enum
{
  VIA_THREAD,      /* a pipe written by a thread in one go */
  VIA_SLOW_THREAD, /* a pipe written in 7-byte pieces with pauses: many short reads */
  VIA_NONBLOCK,    /* a non-blocking pipe whose writer starts late: EAGAIN, then poll */
  VIA_FORK,        /* a pipe written by a child process */
  VIA_FILE,        /* a regular file */
} Via;

typedef struct
{
  const char *name;
  Fill fill;
  const char *text;
  size_t len;
  Via via;
  int expected;
} PassCase;

static const PassCase pass_cases[] = {
  { "empty", FILL_TEXT, "", 0, VIA_THREAD, -ENODATA },
  { "empty-file", FILL_TEXT, "", 0, VIA_FILE, -ENODATA },
  { "one-byte", FILL_TEXT, "x", 1, VIA_THREAD, 0 },
  { "one-nul-byte", FILL_TEXT, "\0", 1, VIA_THREAD, 0 },
  { "one-newline", FILL_TEXT, "\n", 1, VIA_THREAD, 0 },
  { "text", FILL_TEXT, "correct horse battery staple", 28, VIA_THREAD, 0 },
  { "trailing-newline-kept", FILL_TEXT, "secret\n", 7, VIA_THREAD, 0 },
  { "crlf-kept", FILL_TEXT, "secret\r\n", 8, VIA_THREAD, 0 },
  { "inner-newlines-kept", FILL_TEXT, "line one\nline two\n\n", 19, VIA_THREAD, 0 },
  { "embedded-nul-kept", FILL_TEXT, "a\0b\0\0c", 6, VIA_THREAD, 0 },
  { "leading-trailing-spaces-kept", FILL_TEXT, "  pass  ", 8, VIA_THREAD, 0 },
  { "all-byte-values", FILL_BYTES, NULL, 256, VIA_THREAD, 0 },
  { "exactly-max", FILL_BYTES, NULL, PASS_MAX, VIA_THREAD, 0 },
  { "exactly-max-slow", FILL_BYTES, NULL, PASS_MAX, VIA_SLOW_THREAD, 0 },
  { "exactly-max-file", FILL_BYTES, NULL, PASS_MAX, VIA_FILE, 0 },
  { "exactly-max-fork", FILL_BYTES, NULL, PASS_MAX, VIA_FORK, 0 },
  { "max-minus-one", FILL_BYTES, NULL, PASS_MAX - 1, VIA_THREAD, 0 },
  { "max-plus-one", FILL_BYTES, NULL, PASS_MAX + 1, VIA_THREAD, -EMSGSIZE },
  { "max-plus-one-slow", FILL_BYTES, NULL, PASS_MAX + 1, VIA_SLOW_THREAD, -EMSGSIZE },
  { "max-plus-one-file", FILL_BYTES, NULL, PASS_MAX + 1, VIA_FILE, -EMSGSIZE },
  { "max-plus-two", FILL_BYTES, NULL, PASS_MAX + 2, VIA_THREAD, -EMSGSIZE },
  { "pipe-buffer", FILL_BYTES, NULL, 65536, VIA_THREAD, -EMSGSIZE },
  { "one-mib", FILL_BYTES, NULL, 1024 * 1024, VIA_THREAD, -EMSGSIZE },
  { "one-mib-fork", FILL_BYTES, NULL, 1024 * 1024, VIA_FORK, -EMSGSIZE },
  { "one-mib-file", FILL_BYTES, NULL, 1024 * 1024, VIA_FILE, -EMSGSIZE },
  { "nonblocking-pipe", FILL_TEXT, "late\nwriter", 11, VIA_NONBLOCK, 0 },
  { "nonblocking-pipe-empty", FILL_TEXT, "", 0, VIA_NONBLOCK, -ENODATA },
};

static char *
case_data (const PassCase *c)
{
  char *data = g_malloc (c->len + 1);

  for (size_t i = 0; i < c->len; i++)
    data[i] = c->fill == FILL_TEXT ? c->text[i] : (char) (i * 7 + 3);
  return data;
}

typedef struct
{
  int fd;
  const char *data;
  size_t len;
  size_t piece;  /* 0: all at once */
  gulong delay;  /* microseconds before the first write */
} Writer;

static void
write_all (const Writer *w)
{
  size_t done = 0;

  if (w->delay > 0)
    g_usleep (w->delay);
  while (done < w->len)
    {
      size_t n = w->len - done;
      ssize_t k;

      if (w->piece > 0 && n > w->piece)
        n = w->piece;
      k = write (w->fd, w->data + done, n);
      if (k < 0 && errno == EINTR)
        continue;
      if (k < 0)
        break; /* EPIPE: the reader stopped at PASS_MAX + 1, as it should */
      done += (size_t) k;
      if (w->piece > 0)
        g_usleep (200);
    }
  close (w->fd);
}

static gpointer
writer_thread (gpointer data)
{
  write_all (data);
  return NULL;
}

static void
test_read_case (gconstpointer data)
{
  const PassCase *c = data;
  g_autofree char *bytes = case_data (c);
  CdiPassphrase pass = { (char *) "untouched", 42 };
  GThread *thread = NULL;
  pid_t child = -1;
  int fds[2];
  int r;

  switch (c->via)
    {
    case VIA_FILE:
      {
        g_autofree char *path = NULL;
        int fd = g_file_open_tmp ("cdi-passphrase-XXXXXX", &path, NULL);

        g_assert_cmpint (fd, >=, 0);
        g_assert_cmpint (write (fd, bytes, c->len), ==, (ssize_t) c->len);
        g_assert_cmpint (lseek (fd, 0, SEEK_SET), ==, 0);
        g_unlink (path);
        r = cdi_passphrase_read (fd, &pass);
        close (fd);
        break;
      }
    case VIA_FORK:
      g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
      child = fork ();
      g_assert_cmpint (child, >=, 0);
      if (child == 0)
        {
          Writer w = { fds[1], bytes, c->len, 0, 0 };

          close (fds[0]);
          write_all (&w);
          _exit (0);
        }
      close (fds[1]);
      r = cdi_passphrase_read (fds[0], &pass);
      close (fds[0]);
      {
        int status;

        g_assert_cmpint (waitpid (child, &status, 0), ==, child);
      }
      break;
    case VIA_THREAD:
    case VIA_SLOW_THREAD:
    case VIA_NONBLOCK:
    default:
      {
        Writer w = { -1, bytes, c->len, c->via == VIA_SLOW_THREAD ? 7 : 0,
                     c->via == VIA_NONBLOCK ? 50000 : 0 };

        g_assert_cmpint (pipe2 (fds, O_CLOEXEC | (c->via == VIA_NONBLOCK ? O_NONBLOCK : 0)),
                         ==, 0);
        if (c->via == VIA_NONBLOCK) /* only the read end */
          g_assert_cmpint (fcntl (fds[1], F_SETFL, 0), ==, 0);
        w.fd = fds[1];
        thread = g_thread_new ("writer", writer_thread, &w);
        r = cdi_passphrase_read (fds[0], &pass);
        close (fds[0]);
        g_thread_join (thread);
        break;
      }
    }

  g_assert_cmpint (r, ==, c->expected);
  if (c->expected != 0)
    {
      g_assert_cmpstr (pass.data, ==, "untouched");
      g_assert_cmpuint (pass.len, ==, 42);
      return;
    }
  g_assert_cmpuint (pass.len, ==, c->len);
  g_assert_nonnull (pass.data);
  g_assert_cmpmem (pass.data, pass.len, bytes, c->len);
  g_assert_cmpint (pass.data[pass.len], ==, '\0');
  cdi_passphrase_wipe (&pass);
  g_assert_null (pass.data);
  g_assert_cmpuint (pass.len, ==, 0);
}

static void
test_read_errors (void)
{
  CdiPassphrase pass = { NULL, 42 };
  int fd;

  g_assert_cmpint (cdi_passphrase_read (-1, &pass), ==, -EBADF);
  g_assert_null (pass.data);
  g_assert_cmpuint (pass.len, ==, 42);

  fd = open ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (cdi_passphrase_read (fd, &pass), ==, -EISDIR);
  close (fd);

  fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (cdi_passphrase_read (fd, &pass), ==, -ENODATA);
  close (fd);

  fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (cdi_passphrase_read (fd, &pass), ==, -EBADF);
  close (fd);

  g_assert_null (pass.data);
  g_assert_cmpuint (pass.len, ==, 42);
}

static void
on_sigusr1 (int sig)
{
}

typedef struct
{
  pthread_t reader;
  int fd;
} Interrupter;

static gpointer
interrupt_thread (gpointer data)
{
  Interrupter *in = data;

  /* Let the reader block in read(), then interrupt it, then finish the passphrase */
  g_usleep (50000);
  pthread_kill (in->reader, SIGUSR1);
  g_usleep (20000);
  g_assert_cmpint (write (in->fd, "ab", 2), ==, 2);
  pthread_kill (in->reader, SIGUSR1);
  g_usleep (20000);
  g_assert_cmpint (write (in->fd, "c", 1), ==, 1);
  close (in->fd);
  return NULL;
}

static void
test_read_eintr (void)
{
  struct sigaction sa = { .sa_handler = on_sigusr1 }; /* no SA_RESTART: read gets EINTR */
  struct sigaction old;
  CdiPassphrase pass = { NULL, 0 };
  Interrupter in;
  GThread *thread;
  int fds[2];

  g_assert_cmpint (sigaction (SIGUSR1, &sa, &old), ==, 0);
  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
  in.reader = pthread_self ();
  in.fd = fds[1];
  thread = g_thread_new ("interrupter", interrupt_thread, &in);
  g_assert_cmpint (cdi_passphrase_read (fds[0], &pass), ==, 0);
  g_thread_join (thread);
  close (fds[0]);
  g_assert_cmpmem (pass.data, pass.len, "abc", 3);
  cdi_passphrase_wipe (&pass);
  g_assert_cmpint (sigaction (SIGUSR1, &old, NULL), ==, 0);
}

static void
test_wipe_idempotent (void)
{
  CdiPassphrase pass = { NULL, 0 };
  CdiPassphrase zero = { NULL, 0 };
  int fds[2];

  cdi_passphrase_wipe (NULL);
  cdi_passphrase_wipe (&zero);
  cdi_passphrase_wipe (&zero);

  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
  g_assert_cmpint (write (fds[1], "pw", 2), ==, 2);
  close (fds[1]);
  g_assert_cmpint (cdi_passphrase_read (fds[0], &pass), ==, 0);
  close (fds[0]);
  cdi_passphrase_wipe (&pass);
  cdi_passphrase_wipe (&pass);
  g_assert_null (pass.data);
  g_assert_cmpuint (pass.len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The reader stops at PASS_MAX + 1 and closes its end while writers still write */
  signal (SIGPIPE, SIG_IGN);

  for (gsize i = 0; i < G_N_ELEMENTS (pass_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/passphrase/read/%s",
                                               pass_cases[i].name);
      g_test_add_data_func (path, &pass_cases[i], test_read_case);
    }
  g_test_add_func ("/cdi/helper/passphrase/read-errors", test_read_errors);
  g_test_add_func ("/cdi/helper/passphrase/read-eintr", test_read_eintr);
  g_test_add_func ("/cdi/helper/passphrase/wipe-idempotent", test_wipe_idempotent);
  return g_test_run ();
}
