/* test-helper-passwd.c - unit tests for passwd's stdin framing, OLDLEN ':' OLD NEW
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "cdi-helper-protocol.h"
#include "passphrase.h"

#define PASS_MAX CDI_HELPER_PASSPHRASE_MAX

typedef struct
{
  const char *name;
  const char *input;   /* may hold NUL bytes: len counts */
  size_t len;
  int expected;        /* 0, -EBADMSG, -ENODATA, -EMSGSIZE */
  const char *old;     /* on success: the expected parts, old_len and new_len bytes */
  size_t old_len;
  const char *new_;
  size_t new_len;
} SplitCase;

#define S(text) text, sizeof text - 1
#define OK(name, text, o, n) { name, S (text), 0, S (o), S (n) }
#define BAD(name, text, err) { name, S (text), err, NULL, 0, NULL, 0 }

static const SplitCase split_cases[] = {
  OK ("ok/simple", "3:oldnew", "old", "new"),
  OK ("ok/one-byte-each", "1:ab", "a", "b"),
  OK ("ok/colon-in-old", "3:a:bnew", "a:b", "new"),
  OK ("ok/colon-in-new", "3:old:new", "old", ":new"),
  OK ("ok/digits-in-new", "3:old42:x", "old", "42:x"),
  OK ("ok/newlines-kept", "4:old\nnew\n", "old\n", "new\n"),
  OK ("ok/nul-bytes", "3:o\0dn\0w", "o\0d", "n\0w"),
  OK ("ok/two-digit-len", "10:0123456789new", "0123456789", "new"),
  OK ("ok/spaces-kept", "3: o new ", " o ", "new "),
  BAD ("bad/empty", "", -EBADMSG),
  BAD ("bad/colon-only", ":", -EBADMSG),
  BAD ("bad/no-length", ":oldnew", -EBADMSG),
  BAD ("bad/missing-colon", "3oldnew", -EBADMSG),
  BAD ("bad/digits-only", "3", -EBADMSG),
  BAD ("bad/digits-only-long", "1234", -EBADMSG),
  BAD ("bad/no-digits", "oldnew", -EBADMSG),
  BAD ("bad/leading-zero", "03:oldnew", -EBADMSG),
  BAD ("bad/zero-length-old", "0:new", -EBADMSG),
  BAD ("bad/zero-zero", "00:new", -EBADMSG),
  BAD ("bad/sign-plus", "+3:oldnew", -EBADMSG),
  BAD ("bad/sign-minus", "-3:oldnew", -EBADMSG),
  BAD ("bad/leading-space", " 3:oldnew", -EBADMSG),
  BAD ("bad/space-before-colon", "3 :oldnew", -EBADMSG),
  BAD ("bad/hex", "0x3:oldnew", -EBADMSG),
  BAD ("bad/other-separator", "3;oldnew", -EBADMSG),
  BAD ("bad/nul-for-colon", "3\0oldnew", -EBADMSG),
  BAD ("bad/five-digits", "00003:oldnew", -EBADMSG),
  BAD ("bad/five-digits-nonzero", "10000:oldnew", -EBADMSG),
  BAD ("bad/length-beyond-data", "9:oldnew", -EBADMSG),
  BAD ("bad/length-far-beyond", "9999:oldnew", -EBADMSG),
  BAD ("bad/length-one-past", "7:oldnew", -EBADMSG),
  { "bad/empty-new", S ("6:oldnew"), -ENODATA, NULL, 0, NULL, 0 },
  { "bad/empty-new-short", S ("1:a"), -ENODATA, NULL, 0, NULL, 0 },
  { "bad/length-over-max-old", S ("1025:x"), -EBADMSG, NULL, 0, NULL, 0 },
};

static void
test_split_case (gconstpointer data)
{
  const SplitCase *c = data;
  size_t old_off = 777, old_len = 777, new_off = 777, new_len = 777;
  int r;

  r = cdi_passwd_split (c->input, c->len, &old_off, &old_len, &new_off, &new_len);
  g_assert_cmpint (r, ==, c->expected);
  if (r != 0)
    {
      /* untouched on failure */
      g_assert_cmpuint (old_off, ==, 777);
      g_assert_cmpuint (old_len, ==, 777);
      g_assert_cmpuint (new_off, ==, 777);
      g_assert_cmpuint (new_len, ==, 777);
      return;
    }
  g_assert_cmpmem (c->input + old_off, old_len, c->old, c->old_len);
  g_assert_cmpmem (c->input + new_off, new_len, c->new_, c->new_len);
  g_assert_cmpuint (new_off + new_len, ==, c->len);
}

/* Frames OLD and NEW of the given lengths (bytes cycling through all 256 values) */
static GByteArray *
frame (size_t old_len,
       size_t new_len)
{
  GByteArray *b = g_byte_array_new ();
  char head[32];
  int n = g_snprintf (head, sizeof head, "%zu:", old_len);

  g_byte_array_append (b, (const guint8 *) head, (guint) n);
  for (size_t i = 0; i < old_len + new_len; i++)
    {
      guint8 byte = (guint8) (i * 7 + 3);
      g_byte_array_append (b, &byte, 1);
    }
  return b;
}

static void
test_split_bounds (void)
{
  size_t oo, ol, no, nl;
  struct { size_t old_len, new_len; int expected; } bounds[] = {
    { PASS_MAX, PASS_MAX, 0 },
    { PASS_MAX, 1, 0 },
    { 1, PASS_MAX, 0 },
    { PASS_MAX + 1, 1, -EMSGSIZE },
    { 1, PASS_MAX + 1, -EMSGSIZE },
    { PASS_MAX + 1, PASS_MAX, -EMSGSIZE },
    { 999, PASS_MAX, 0 },
    { 1000, 1000, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bounds); i++)
    {
      g_autoptr (GByteArray) b = frame (bounds[i].old_len, bounds[i].new_len);
      g_test_message ("old %zu new %zu", bounds[i].old_len, bounds[i].new_len);
      g_assert_cmpint (cdi_passwd_split ((const char *) b->data, b->len, &oo, &ol, &no, &nl), ==,
                       bounds[i].expected);
      if (bounds[i].expected == 0)
        {
          g_assert_cmpuint (ol, ==, bounds[i].old_len);
          g_assert_cmpuint (nl, ==, bounds[i].new_len);
        }
    }

  /* The longest frame is exactly CDI_HELPER_PASSWD_STDIN_MAX only with 4 digits; a longer
   * input is refused as a whole, before any parsing */
  {
    g_autoptr (GByteArray) b = frame (PASS_MAX, PASS_MAX);
    guint8 extra = 'x';
    g_assert_cmpuint (b->len, ==, CDI_HELPER_PASSWD_STDIN_MAX);
    g_byte_array_append (b, &extra, 1);
    g_assert_cmpint (cdi_passwd_split ((const char *) b->data, b->len, &oo, &ol, &no, &nl), ==,
                     -EMSGSIZE);
  }
  g_assert_cmpint (cdi_passwd_split (NULL, 0, &oo, &ol, &no, &nl), ==, -EBADMSG);
}

/* Every prefix of a valid frame is refused or splits inside its own bytes */
static void
test_split_prefixes (void)
{
  g_autoptr (GByteArray) b = frame (40, 40);

  for (size_t len = 0; len <= b->len; len++)
    {
      g_autofree char *copy = g_memdup2 (b->data, len);
      size_t oo = 0, ol = 0, no = 0, nl = 0;
      int r = cdi_passwd_split (copy, len, &oo, &ol, &no, &nl);

      if (r == 0)
        {
          g_assert_cmpuint (oo + ol, ==, no);
          g_assert_cmpuint (no + nl, ==, len);
          g_assert_cmpuint (ol, >=, 1);
          g_assert_cmpuint (nl, >=, 1);
        }
      else
        g_assert_true (r == -EBADMSG || r == -ENODATA);
      g_assert_cmpint (r == 0, ==, len > 43);
    }
}

/* cdi_passwd_read through a pipe */
static int
read_frame (const void    *data,
            size_t         len,
            CdiPassphrase *old_p,
            CdiPassphrase *new_p)
{
  int fds[2], r;

  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
  g_assert_cmpint (fcntl (fds[1], F_SETPIPE_SZ, 1 << 16), >=, 0);
  if (len > 0)
    g_assert_cmpint (write (fds[1], data, len), ==, (ssize_t) len);
  close (fds[1]);
  r = cdi_passwd_read (fds[0], old_p, new_p);
  close (fds[0]);
  return r;
}

static void
test_read (void)
{
  CdiPassphrase old_p = { 0 }, new_p = { 0 };
  CdiPassphrase untouched = { (char *) "sentinel", 8 };

  g_assert_cmpint (read_frame ("3:o\0dnew\n", 9, &old_p, &new_p), ==, 0);
  g_assert_cmpmem (old_p.data, old_p.len, "o\0d", 3);
  g_assert_cmpmem (new_p.data, new_p.len, "new\n", 4);
  g_assert_cmpint (old_p.data[old_p.len], ==, '\0');
  g_assert_cmpint (new_p.data[new_p.len], ==, '\0');
  g_assert_true (old_p.data != new_p.data);
  cdi_passphrase_wipe (&old_p);
  cdi_passphrase_wipe (&new_p);
  g_assert_null (old_p.data);
  g_assert_null (new_p.data);
  cdi_passphrase_wipe (&new_p); /* idempotent */

  /* Failures leave the outputs alone */
  old_p = untouched;
  new_p = untouched;
  g_assert_cmpint (read_frame ("", 0, &old_p, &new_p), ==, -EBADMSG);
  g_assert_cmpint (read_frame ("3oldnew", 7, &old_p, &new_p), ==, -EBADMSG);
  g_assert_cmpint (read_frame ("3:old", 5, &old_p, &new_p), ==, -ENODATA);
  g_assert_true (old_p.data == untouched.data && new_p.data == untouched.data);

  /* The largest frame, then one byte more */
  {
    g_autoptr (GByteArray) b = frame (PASS_MAX, PASS_MAX);
    guint8 extra = 'x';
    old_p = (CdiPassphrase) { 0 };
    new_p = (CdiPassphrase) { 0 };
    g_assert_cmpint (read_frame (b->data, b->len, &old_p, &new_p), ==, 0);
    g_assert_cmpuint (old_p.len, ==, PASS_MAX);
    g_assert_cmpuint (new_p.len, ==, PASS_MAX);
    g_assert_cmpmem (old_p.data, old_p.len, b->data + 5, PASS_MAX);
    g_assert_cmpmem (new_p.data, new_p.len, b->data + 5 + PASS_MAX, PASS_MAX);
    cdi_passphrase_wipe (&old_p);
    cdi_passphrase_wipe (&new_p);
    g_byte_array_append (b, &extra, 1);
    g_assert_cmpint (read_frame (b->data, b->len, &old_p, &new_p), ==, -EMSGSIZE);
    g_assert_null (old_p.data);
    g_assert_null (new_p.data);
  }

  /* Far more than the maximum: reading stops one byte over */
  {
    g_autofree char *big = g_malloc (60000);
    memset (big, 'p', 60000);
    memcpy (big, "3:", 2);
    g_assert_cmpint (read_frame (big, 60000, &old_p, &new_p), ==, -EMSGSIZE);
  }
  g_assert_cmpint (cdi_passwd_read (-1, &old_p, &new_p), ==, -EBADF);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  for (gsize i = 0; i < G_N_ELEMENTS (split_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/passwd/split/%s", split_cases[i].name);
      g_test_add_data_func (path, &split_cases[i], test_split_case);
    }
  g_test_add_func ("/cdi/helper/passwd/split-bounds", test_split_bounds);
  g_test_add_func ("/cdi/helper/passwd/split-prefixes", test_split_prefixes);
  g_test_add_func ("/cdi/helper/passwd/read", test_read);
  return g_test_run ();
}
