/* cdi-passphrase-generator.c - strong passphrases from getrandom(2), and a strength hint
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-passphrase-generator.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <sys/random.h>

#include "cdi-passphrase.h"

#define ALPHABET_SIZE (sizeof CDI_PASSPHRASE_ALPHABET - 1)     /* 62 */
#define BYTE_LIMIT (256 - (256 % ALPHABET_SIZE))               /* 248: no modulo bias below */

/* The symbol a random byte stands for, or '\0' for a byte that must be dropped */
char
cdi_passphrase_symbol_of_byte (guint8 byte)
{
  if (byte >= BYTE_LIMIT)
    return '\0';
  return CDI_PASSPHRASE_ALPHABET[byte % ALPHABET_SIZE];
}

/* @length symbols, NUL-terminated; wipe it (cdi_passphrase_wipe()) before freeing it */
char *
cdi_generate_passphrase (guint    length,
                         GError **error)
{
  char *text = g_malloc0 (length + 1);
  guint filled = 0;

  while (filled < length)
    {
      guint8 buf[64];
      ssize_t got = getrandom (buf, sizeof buf, 0);

      if (got < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          cdi_passphrase_wipe (text, length);
          g_free (text);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("No random numbers for a passphrase: %s"), g_strerror (saved));
          return NULL;
        }
      for (ssize_t i = 0; i < got && filled < length; i++)
        {
          char symbol = cdi_passphrase_symbol_of_byte (buf[i]);

          if (symbol != '\0')
            text[filled++] = symbol;
        }
      cdi_passphrase_wipe (buf, sizeof buf);
    }
  return text;
}

/* 0 (very weak) to 4 (strong), from the length and the kinds of characters: a hint, not a
 * measure of a human-chosen phrase, which is weaker than its character count suggests */
int
cdi_passphrase_strength (const char *text)
{
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE;
  guint pool = 0;
  glong length = g_utf8_strlen (text, -1);
  double bits;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_islower (*p))
        lower = TRUE;
      else if (g_ascii_isupper (*p))
        upper = TRUE;
      else if (g_ascii_isdigit (*p))
        digit = TRUE;
      else
        other = TRUE;
    }
  pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
  if (length == 0 || pool == 0)
    return 0;
  /* bits per character, roughly log2 (pool), without libm */
  bits = length * (g_bit_storage (pool) - 0.5);
  if (bits < 40)
    return 0;
  if (bits < 56)
    return 1;
  if (bits < 72)
    return 2;
  if (bits < 100)
    return 3;
  return 4;
}

const char *
cdi_passphrase_strength_text (int strength)
{
  switch (strength)
    {
    case 0:
      /* Translators: passphrase strength; a security string */
      return _("Very weak");
    case 1:
      /* Translators: passphrase strength; a security string */
      return _("Weak");
    case 2:
      /* Translators: passphrase strength; a security string */
      return _("Fair");
    case 3:
      /* Translators: passphrase strength; a security string */
      return _("Good");
    default:
      /* Translators: passphrase strength; a security string */
      return _("Strong");
    }
}
