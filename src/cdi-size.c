/* cdi-size.c - parse disk sizes the way qemu-img and the old tools wrote them
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cdi-error.h"
#include "cdi-size.h"

/* Accepts a decimal number with an optional binary suffix K, M, G or T (case-insensitive, an
 * optional trailing "iB" or "B"), as `qemu-img create` does. The result must lie within
 * CDI_SIZE_MIN..CDI_SIZE_MAX. Nothing else is accepted: the text ends up on a command line. */
gboolean
cdi_size_parse (const char *text,
                guint64    *ret_bytes,
                GError    **error)
{
  guint64 number = 0;
  unsigned int shift = 0;
  const char *p = text;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!g_ascii_isdigit (*p))
    goto invalid;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (number > (G_MAXUINT64 - 9) / 10)
        goto too_big;
      number = number * 10 + (guint64) (*p - '0');
    }

  switch (g_ascii_toupper (*p))
    {
    case '\0': shift = 0; break;
    case 'K': shift = 10; p++; break;
    case 'M': shift = 20; p++; break;
    case 'G': shift = 30; p++; break;
    case 'T': shift = 40; p++; break;
    default: goto invalid;
    }
  if (shift > 0 && (g_ascii_strcasecmp (p, "iB") == 0 || g_ascii_strcasecmp (p, "B") == 0))
    p += strlen (p);
  if (*p != '\0')
    goto invalid;

  if (number > (CDI_SIZE_MAX >> shift))
    goto too_big;
  number <<= shift;
  if (number < CDI_SIZE_MIN)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The size “%s” is too small: a disk needs at least 64 MiB."), text);
      return FALSE;
    }
  *ret_bytes = number;
  return TRUE;

too_big:
  g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
               _("The size “%s” is too large: the maximum is 64 TiB."), text);
  return FALSE;

invalid:
  g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
               _("“%s” is not a size. Write a number with an optional K, M, G or T, such as 100G."),
               text);
  return FALSE;
}
