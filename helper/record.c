/* record.c - the helper's stdout records: KIND <TAB> key=value <TAB> ...
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "record.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Escapes one byte into @out; returns the length written (1 to 4), no NUL */
static size_t
escape_byte (unsigned char c,
             char          out[4])
{
  static const char hex[] = "0123456789abcdef";

  switch (c)
    {
    case '\\':
      out[0] = '\\';
      out[1] = '\\';
      return 2;
    case '\t':
      out[0] = '\\';
      out[1] = 't';
      return 2;
    case '\n':
      out[0] = '\\';
      out[1] = 'n';
      return 2;
    default:
      break;
    }
  if (c < 0x20 || c == 0x7f)
    {
      out[0] = '\\';
      out[1] = 'x';
      out[2] = hex[c >> 4];
      out[3] = hex[c & 0xf];
      return 4;
    }
  out[0] = (char) c;
  return 1;
}

int
cdi_record_escape (const char *value,
                   char       *out,
                   size_t      out_size)
{
  char tmp[4];
  size_t needed = 1; /* the NUL */
  size_t pos = 0;

  if (value == NULL)
    value = "";

  /* Measure first so that a short buffer is left as it was */
  for (const char *p = value; *p != '\0'; p++)
    needed += escape_byte ((unsigned char) *p, tmp);
  if (out == NULL || needed > out_size)
    return -ENOBUFS;

  for (const char *p = value; *p != '\0'; p++)
    {
      size_t n = escape_byte ((unsigned char) *p, tmp);

      memcpy (out + pos, tmp, n);
      pos += n;
    }
  out[pos] = '\0';
  return 0;
}

static bool
is_valid_name (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return false;
  for (const char *p = name; *p != '\0'; p++)
    if (!((*p >= 'a' && *p <= 'z') || *p == '-'))
      return false;
  return true;
}

void
cdi_record_write (FILE       *out,
                  const char *kind,
                  ...)
{
  const char *key;
  va_list ap;

  if (!is_valid_name (kind))
    abort ();

  /* One lock for the whole line, so lines never interleave */
  flockfile (out);
  fputs_unlocked (kind, out);

  va_start (ap, kind);
  while ((key = va_arg (ap, const char *)) != NULL)
    {
      const char *value = va_arg (ap, const char *);
      char tmp[4];

      if (!is_valid_name (key))
        abort ();

      putc_unlocked ('\t', out);
      fputs_unlocked (key, out);
      putc_unlocked ('=', out);
      for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
        fwrite_unlocked (tmp, 1, escape_byte ((unsigned char) *p, tmp), out);
    }
  va_end (ap);

  putc_unlocked ('\n', out);
  fflush_unlocked (out);
  funlockfile (out);
}
