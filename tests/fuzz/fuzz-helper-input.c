/* fuzz-helper-input.c - libFuzzer target for everything the helper parses from its caller
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte picks the parser, the rest is its input:
 *   0 argv (split on NUL) -> cdi_args_parse     1 a path -> cdi_path_check_syntax
 *   2 a uid -> cdi_caller_parse_uid/_from_env    3 a value -> cdi_record_escape
 *   4 a file's first bytes -> cdi_qcow2_check_header
 *   5 passwd's stdin (OLDLEN ':' OLD NEW) -> cdi_passwd_split
 * Beyond "no crash", each branch checks what a successful parse promises and abort()s on a
 * broken promise, so the fuzzer also finds logic errors.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "caller.h"
#include "passphrase.h"
#include "path.h"
#include "qcow2.h"
#include "record.h"

#define MAX_ARGV 32

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define CHECK(cond) \
  do \
    { \
      if (!(cond)) \
        { \
          fprintf (stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
          abort (); \
        } \
    } \
  while (0)

/* The input as a C string (up to its first NUL) */
static char *
dup_string (const uint8_t *data,
            size_t         size)
{
  char *s = malloc (size + 1);

  if (s == NULL)
    abort ();
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

static bool
is_label_byte (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == ' ' || c == '-';
}

static void
fuzz_args (const uint8_t *data,
           size_t         size)
{
  static const size_t n_args[] = { 1, 2, 1, 1, 0, 0, 1, 1, 2, 1 };
  char *buf = dup_string (data, size);
  char *argv[MAX_ARGV + 1];
  CdiRequest req;
  int argc = 1;
  size_t start = 0;
  int r;

  argv[0] = (char *) "crypt-disk-image-helper";
  for (size_t i = 0; i <= size && argc < MAX_ARGV; i++)
    {
      if (i == size || buf[i] == '\0')
        {
          argv[argc++] = buf + start;
          start = i + 1;
        }
    }
  argv[argc] = NULL;

  r = cdi_args_parse (argc, argv, &req);
  CHECK (r == 0 || r == -EINVAL || r == -EBADMSG);
  if (r == 0)
    {
      const char *verb = cdi_verb_to_string (req.verb);

      CHECK (verb != NULL && strcmp (verb, argv[1]) == 0);
      CHECK (req.n_args == n_args[req.verb]);
      CHECK ((int) req.n_args + 2 <= argc);
      for (size_t i = 0; i < req.n_args; i++)
        {
          CHECK (req.args[i] == argv[argc - (int) req.n_args + (int) i]);
          if (req.verb == CDI_VERB_GROW && i == 1)
            {
              /* BYTES: the canonical decimal of req.bytes, within the bounds */
              char back[32];
              snprintf (back, sizeof back, "%llu", (unsigned long long) req.bytes);
              CHECK (strcmp (back, req.args[i]) == 0);
              CHECK (req.bytes >= 512 && req.bytes % 512 == 0 &&
                     req.bytes <= CDI_HELPER_GROW_MAX_BYTES);
              continue;
            }
          CHECK (cdi_path_check_syntax (req.args[i]) == 0);
          CHECK (req.args[i][0] == '/');
        }
      CHECK (req.verb == CDI_VERB_GROW || req.bytes == 0);
      CHECK (strlen (req.label) <= CDI_HELPER_LABEL_MAX);
      for (const char *p = req.label; *p != '\0'; p++)
        CHECK (is_label_byte (*p));
      CHECK (req.pbkdf_memory_kib == 0 ||
             (req.pbkdf_memory_kib >= CDI_HELPER_PBKDF_MEMORY_MIN_KIB &&
              req.pbkdf_memory_kib <= CDI_HELPER_PBKDF_MEMORY_MAX_KIB));
      CHECK (req.pbkdf_memory_kib == 0 || req.pbkdf != CDI_PBKDF_PBKDF2);
      CHECK (req.pbkdf_time_ms == 0 || (req.pbkdf_time_ms >= CDI_HELPER_PBKDF_TIME_MIN_MS &&
                                        req.pbkdf_time_ms <= CDI_HELPER_PBKDF_TIME_MAX_MS));
      CHECK (req.pbkdf_iterations == 0 ||
             (req.pbkdf_iterations >= CDI_HELPER_PBKDF_ITERATIONS_MIN &&
              req.pbkdf_iterations <= CDI_HELPER_PBKDF_ITERATIONS_MAX));
      CHECK (req.pbkdf_iterations == 0 || req.pbkdf != CDI_PBKDF_PBKDF2 ||
             req.pbkdf_iterations >= 1000);
      CHECK (!req.read_only || req.verb == CDI_VERB_OPEN);
      CHECK (!req.skip_fsck || req.verb == CDI_VERB_OPEN);
      CHECK (!req.no_trim || req.verb == CDI_VERB_CLOSE);
      CHECK (req.verb == CDI_VERB_FORMAT || req.label[0] == '\0');
      CHECK (req.verb == CDI_VERB_FORMAT || req.verb == CDI_VERB_PASSWD ||
             (req.pbkdf == CDI_PBKDF_DEFAULT && req.pbkdf_memory_kib == 0 &&
              req.pbkdf_time_ms == 0 && req.pbkdf_iterations == 0));
      /* Nothing in argv may start with "-" after the options, and "--" never appears */
      for (int i = 2; i < argc; i++)
        CHECK (strcmp (argv[i], "--") != 0);
    }
  free (buf);
}

static void
fuzz_path (const uint8_t *data,
           size_t         size)
{
  char *path = dup_string (data, size);
  size_t len = strlen (path);

  if (cdi_path_check_syntax (path) == 0)
    {
      /* A second, naive reading of the same rules */
      CHECK (path[0] == '/' && len >= 2 && len < PATH_MAX && path[len - 1] != '/');
      CHECK (strstr (path, "//") == NULL);
      CHECK (strstr (path, "/./") == NULL && strstr (path, "/../") == NULL);
      CHECK (!(len >= 2 && strcmp (path + len - 2, "/.") == 0));
      CHECK (!(len >= 3 && strcmp (path + len - 3, "/..") == 0));
      for (size_t i = 0; i < len; i++)
        CHECK ((unsigned char) path[i] >= 0x20 && path[i] != 0x7f);
    }
  free (path);
}

static void
fuzz_caller (const uint8_t *data,
             size_t         size)
{
  char *text = dup_string (data, size);
  size_t len = strlen (text);
  char back[32];
  uid_t uid = 12345;
  uid_t uid2 = 12345;

  if (cdi_caller_parse_uid (text, &uid) == 0)
    {
      /* The only accepted spelling of a uid is its canonical decimal */
      snprintf (back, sizeof back, "%u", (unsigned int) uid);
      CHECK (strcmp (back, text) == 0);
      CHECK (uid != (uid_t) -1);
    }
  else
    CHECK (uid == 12345);

  /* The two variables: PKEXEC_UID|SUDO_UID, either side "!" for unset */
  if (len > 0)
    {
      char *bar = strchr (text, '|');
      const char *pkexec = text;
      const char *sudo = NULL;
      int r;

      if (bar != NULL)
        {
          *bar = '\0';
          sudo = bar + 1;
        }
      if (strcmp (pkexec, "!") == 0)
        pkexec = NULL;
      if (sudo != NULL && strcmp (sudo, "!") == 0)
        sudo = NULL;
      r = cdi_caller_from_env (pkexec, sudo, &uid2);
      if (pkexec != NULL && sudo != NULL)
        CHECK (r == -EPERM);
      else if (pkexec != NULL)
        CHECK (r == cdi_caller_parse_uid (pkexec, &uid));
      else if (sudo != NULL)
        CHECK (r == cdi_caller_parse_uid (sudo, &uid));
      else
        CHECK (r == 0 && uid2 == 0);
      if (r == 0 && (pkexec != NULL || sudo != NULL))
        CHECK (uid2 == uid);
      if (r != 0)
        CHECK (uid2 == 12345);
    }
  free (text);
}

static void
fuzz_record (const uint8_t *data,
             size_t         size)
{
  char *value = dup_string (data, size);
  size_t len = strlen (value);
  size_t out_size = 4 * len + 1;
  char *out = malloc (out_size);
  char *back = malloc (len + 1);
  size_t n = 0;

  if (out == NULL || back == NULL)
    abort ();
  CHECK (cdi_record_escape (value, out, out_size) == 0);

  /* No separator or control byte survives, and unescaping gives the value back */
  for (const char *p = out; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      CHECK (c >= 0x20 && c != 0x7f);
      if (c != '\\')
        {
          back[n++] = (char) c;
          continue;
        }
      p++;
      if (*p == '\\')
        back[n++] = '\\';
      else if (*p == 't')
        back[n++] = '\t';
      else if (*p == 'n')
        back[n++] = '\n';
      else
        {
          unsigned int v;

          CHECK (*p == 'x' && p[1] != '\0' && p[2] != '\0');
          CHECK (sscanf (p + 1, "%2x", &v) == 1);
          back[n++] = (char) v;
          p += 2;
        }
      CHECK (n <= len);
    }
  CHECK (n == len && memcmp (back, value, len) == 0);

  /* Too small by one: refused, buffer untouched */
  {
    size_t need = strlen (out) + 1;

    memset (out, 'Z', out_size);
    CHECK (cdi_record_escape (value, out, need - 1) == -ENOBUFS);
    for (size_t i = 0; i < out_size; i++)
      CHECK (out[i] == 'Z');
  }

  free (back);
  free (out);
  free (value);
}

static void
fuzz_qcow2 (const uint8_t *data,
            size_t         size)
{
  /* A private copy so that ASan catches any read past the end */
  uint8_t *buf = malloc (size > 0 ? size : 1);
  const char *reason = NULL;
  int r;

  if (buf == NULL)
    abort ();
  memcpy (buf, data, size);
  r = cdi_qcow2_check_header (buf, size, &reason);
  CHECK (r == 0 || r == -EMEDIUMTYPE || r == -EXDEV);
  CHECK ((r == 0) == (reason == NULL));
  if (r == 0)
    {
      /* Accepted means: magic, version 2 or 3, no backing file, no encryption */
      CHECK (size >= 72 && memcmp (buf, "QFI\xfb", 4) == 0);
      CHECK (buf[4] == 0 && buf[5] == 0 && buf[6] == 0 && (buf[7] == 2 || buf[7] == 3));
      for (size_t i = 8; i < 20; i++)
        CHECK (buf[i] == 0);
      for (size_t i = 32; i < 36; i++)
        CHECK (buf[i] == 0);
      CHECK (buf[7] == 2 || (buf[79] & 0x04) == 0);
    }
  free (buf);
}

static void
fuzz_passwd (const uint8_t *data,
             size_t         size)
{
  /* A private copy so that ASan catches any read past the end; binary, no NUL needed */
  char *buf = malloc (size > 0 ? size : 1);
  size_t oo = 7, ol = 7, no = 7, nl = 7;
  int r;

  if (buf == NULL)
    abort ();
  memcpy (buf, data, size);
  r = cdi_passwd_split (buf, size, &oo, &ol, &no, &nl);
  CHECK (r == 0 || r == -EBADMSG || r == -ENODATA || r == -EMSGSIZE);
  if (r == 0)
    {
      char head[16];
      int n = snprintf (head, sizeof head, "%zu:", ol);

      /* The frame is exactly "<canonical OLDLEN>:" OLD NEW, both within bounds */
      CHECK (n > 0 && (size_t) n == oo && memcmp (buf, head, (size_t) n) == 0);
      CHECK (no == oo + ol && no + nl == size);
      CHECK (ol >= CDI_HELPER_PASSPHRASE_MIN && ol <= CDI_HELPER_PASSPHRASE_MAX);
      CHECK (nl >= CDI_HELPER_PASSPHRASE_MIN && nl <= CDI_HELPER_PASSPHRASE_MAX);
      CHECK (size <= CDI_HELPER_PASSWD_STDIN_MAX);
    }
  else
    CHECK (oo == 7 && ol == 7 && no == 7 && nl == 7);
  free (buf);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size == 0)
    return 0;

  switch (data[0] % 6)
    {
    case 0:
      fuzz_args (data + 1, size - 1);
      break;
    case 1:
      fuzz_path (data + 1, size - 1);
      break;
    case 2:
      fuzz_caller (data + 1, size - 1);
      break;
    case 3:
      fuzz_record (data + 1, size - 1);
      break;
    case 4:
      fuzz_qcow2 (data + 1, size - 1);
      break;
    case 5:
    default:
      fuzz_passwd (data + 1, size - 1);
      break;
    }
  return 0;
}
