/* cdi-passphrase.c - a passphrase in a buffer that is wiped when freed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
#include "cdi-passphrase.h"

struct _CdiPassphrase
{
  gatomicrefcount ref_count;
  gsize size;
  guint8 *data; /* size bytes plus a NUL that is not part of the passphrase */
};

G_DEFINE_BOXED_TYPE (CdiPassphrase, cdi_passphrase, cdi_passphrase_ref, cdi_passphrase_unref)

void
cdi_passphrase_wipe (void  *data,
                     gsize  size)
{
  if (data != NULL && size > 0)
    explicit_bzero (data, size);
}

static CdiPassphrase *
passphrase_alloc (gsize size)
{
  CdiPassphrase *self = g_new0 (CdiPassphrase, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->size = size;
  self->data = g_malloc0 (size + 1);
  return self;
}

/* Copies @size bytes of @data (binary-safe) */
CdiPassphrase *
cdi_passphrase_new (const void *data,
                    gsize       size)
{
  CdiPassphrase *self;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  self = passphrase_alloc (size);
  if (size > 0)
    memcpy (self->data, data, size);
  return self;
}

/* Takes @data, which g_malloc() allocated and which holds exactly @size bytes; the bytes are
 * copied and @data is wiped and freed at once. */
CdiPassphrase *
cdi_passphrase_new_take (void  *data,
                         gsize  size)
{
  CdiPassphrase *self = cdi_passphrase_new (data, size);

  cdi_passphrase_wipe (data, size);
  g_free (data);
  return self;
}

CdiPassphrase *
cdi_passphrase_ref (CdiPassphrase *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cdi_passphrase_unref (CdiPassphrase *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  cdi_passphrase_wipe (self->data, self->size + 1);
  g_free (self->data);
  g_free (self);
}

/* The bytes are followed by a NUL for callers that need a C string, but may contain NULs */
const guint8 *
cdi_passphrase_get_data (CdiPassphrase *self,
                         gsize         *ret_size)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (ret_size != NULL)
    *ret_size = self->size;
  return self->data;
}

gsize
cdi_passphrase_get_size (CdiPassphrase *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

/* Compares in time that depends on the sizes only, for "repeat the passphrase" checks */
gboolean
cdi_passphrase_equal (CdiPassphrase *self,
                      CdiPassphrase *other)
{
  guint8 diff = 0;

  g_return_val_if_fail (self != NULL && other != NULL, FALSE);

  if (self->size != other->size)
    return FALSE;
  for (gsize i = 0; i < self->size; i++)
    diff |= self->data[i] ^ other->data[i];
  return diff == 0;
}

/* A GBytes over the same wiped buffer, for g_subprocess_communicate(): it holds a reference */
GBytes *
cdi_passphrase_to_bytes (CdiPassphrase *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_bytes_new_with_free_func (self->data, self->size,
                                     (GDestroyNotify) cdi_passphrase_unref,
                                     cdi_passphrase_ref (self));
}

/* The newline rule (see the header) on @size bytes of text */
CdiPassphrase *
cdi_passphrase_from_command_output (const void  *data,
                                    gsize        size,
                                    GError     **error)
{
  const guint8 *newline;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  newline = size > 0 ? memchr (data, '\n', size) : NULL;
  if (newline != NULL)
    size = (gsize) (newline - (const guint8 *) data);
  if (size < CDI_HELPER_PASSPHRASE_MIN)
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                           /* Translators: a security message; a passphrase is the text
                            * before the first line break */
                           _("The passphrase is empty: there is nothing before the first "
                             "line break."));
      return NULL;
    }
  if (size > CDI_HELPER_PASSPHRASE_MAX)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message */
                   _("The passphrase is too long: the limit is %d bytes."),
                   CDI_HELPER_PASSPHRASE_MAX);
      return NULL;
    }
  return cdi_passphrase_new (data, size);
}

/* Reads up to a newline, end of file, or one byte more than a passphrase may have */
static gboolean
read_line (int     fd,
           guint8 *buf,
           gsize   buf_size,
           gsize  *ret_len,
           GError **error)
{
  gsize len = 0;

  while (len < buf_size && memchr (buf, '\n', len) == NULL)
    {
      ssize_t n = read (fd, buf + len, buf_size - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       /* Translators: a security message; %s is the system's reason */
                       _("Could not read the passphrase: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  *ret_len = len;
  return TRUE;
}

/* Reads a passphrase from @fd (standard input) with the newline rule: `echo pass | …` works.
 * Reading stops at the first newline, so data after it is left unread or ignored. */
CdiPassphrase *
cdi_passphrase_read_fd (int      fd,
                        GError **error)
{
  guint8 buf[CDI_HELPER_PASSPHRASE_MAX + 1];
  gsize len = 0;
  CdiPassphrase *result = NULL;

  if (read_line (fd, buf, sizeof buf, &len, error))
    result = cdi_passphrase_from_command_output (buf, len, error);
  cdi_passphrase_wipe (buf, sizeof buf);
  return result;
}

/* A signal while echo is off must not leave the terminal without echo */
static int prompt_fd = -1;
static struct termios prompt_saved;
static const int prompt_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void
prompt_restore_and_reraise (int sig)
{
  if (prompt_fd >= 0)
    tcsetattr (prompt_fd, TCSANOW, &prompt_saved);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* Prompts on the terminal @fd with echo off and reads one line */
CdiPassphrase *
cdi_passphrase_prompt_fd (int          fd,
                          const char  *prompt,
                          GError     **error)
{
  struct termios noecho;
  struct sigaction action = { .sa_handler = prompt_restore_and_reraise };
  struct sigaction old_actions[G_N_ELEMENTS (prompt_signals)];
  guint8 buf[CDI_HELPER_PASSPHRASE_MAX + 1];
  gsize len = 0;
  ssize_t written;
  gboolean ok;
  CdiPassphrase *result = NULL;

  g_return_val_if_fail (prompt != NULL, NULL);

  if (tcgetattr (fd, &prompt_saved) != 0)
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                           /* Translators: a security message */
                           _("Cannot ask for the passphrase: this is not a terminal."));
      return NULL;
    }
  noecho = prompt_saved;
  noecho.c_lflag &= ~(tcflag_t) (ECHO | ECHOE | ECHOK);
  noecho.c_lflag |= ICANON | ECHONL;

  prompt_fd = fd;
  for (gsize i = 0; i < G_N_ELEMENTS (prompt_signals); i++)
    sigaction (prompt_signals[i], &action, &old_actions[i]);
  /* Echo goes off before the prompt appears, so nothing typed after it is shown */
  tcsetattr (fd, TCSAFLUSH, &noecho);
  written = write (fd, prompt, strlen (prompt));
  (void) written; /* a broken terminal shows in the read below */

  ok = read_line (fd, buf, sizeof buf, &len, error);

  tcsetattr (fd, TCSAFLUSH, &prompt_saved); /* also drops the rest of an overlong line */
  for (gsize i = 0; i < G_N_ELEMENTS (prompt_signals); i++)
    sigaction (prompt_signals[i], &old_actions[i], NULL);
  prompt_fd = -1;

  if (ok && len == 0)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         /* Translators: a security message (Ctrl-D at the prompt) */
                         _("No passphrase was entered."));
  else if (ok)
    result = cdi_passphrase_from_command_output (buf, len, error);
  cdi_passphrase_wipe (buf, sizeof buf);
  return result;
}

/* Prompts on the controlling terminal (/dev/tty), whatever stdin and stdout are */
CdiPassphrase *
cdi_passphrase_prompt (const char  *prompt,
                       GError     **error)
{
  int fd;
  CdiPassphrase *result;

  fd = g_open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                           /* Translators: a security message */
                           _("Cannot ask for the passphrase: there is no terminal. "
                             "Use a password command or pass it on standard input instead."));
      return NULL;
    }
  result = cdi_passphrase_prompt_fd (fd, prompt, error);
  g_close (fd, NULL);
  return result;
}
