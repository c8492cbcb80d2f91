/* cli-argv.c - argument handling both syntaxes share: getopt habits on top of GOption
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cdi-error.h"
#include "cdi-size.h"
#include "cli-argv.h"

/* Whether @arg is an option that takes the next argument as its value */
static gboolean
takes_value (const char         *arg,
             const char         *short_with_value,
             const char * const *long_with_value)
{
  if (arg[0] != '-' || arg[1] == '\0')
    return FALSE;
  if (arg[1] != '-')
    return arg[2] == '\0' && short_with_value != NULL && strchr (short_with_value, arg[1]) != NULL;
  return long_with_value != NULL && g_strv_contains (long_with_value, arg + 2);
}

/* A copy of @argv in which "-mVALUE" becomes "-m" "VALUE" for the short options in
 * @short_with_value (getopt accepted both, GOption only the second), and "--wait N" becomes
 * "--wait=N" (GOption gives an optional value only with "="). Values of the options in
 * @short_with_value and @long_with_value (names without "--") are copied unchanged. */
char **
cli_argv_prepare (int                 argc,
                  const char * const *argv,
                  const char         *short_with_value,
                  const char * const *long_with_value)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean options_end = FALSE;

  for (int i = 0; i < argc; i++)
    {
      const char *arg = argv[i];

      if (i == 0 || options_end)
        {
          g_strv_builder_add (builder, arg);
          continue;
        }
      if (g_str_equal (arg, "--"))
        options_end = TRUE;
      if (takes_value (arg, short_with_value, long_with_value) && i + 1 < argc)
        {
          g_strv_builder_add_many (builder, arg, argv[i + 1], NULL);
          i++;
          continue;
        }
      if (arg[0] == '-' && arg[1] != '-' && arg[1] != '\0' && arg[2] != '\0'
          && short_with_value != NULL && strchr (short_with_value, arg[1]) != NULL)
        {
          char option[3] = { '-', arg[1], '\0' };

          g_strv_builder_add_many (builder, option, arg + 2, NULL);
          continue;
        }
      if (g_str_equal (arg, "--wait") && i + 1 < argc && argv[i + 1][0] != '\0'
          && strspn (argv[i + 1], "0123456789") == strlen (argv[i + 1]))
        {
          g_autofree char *joined = g_strconcat ("--wait=", argv[i + 1], NULL);

          g_strv_builder_add (builder, joined);
          i++;
          continue;
        }
      g_strv_builder_add (builder, arg);
    }
  return g_strv_builder_end (builder);
}

/* GOption leaves a "--" among the remaining arguments; it is not a positional argument */
void
cli_argv_drop_dashdash (GStrv argv)
{
  for (guint i = 1; argv[i] != NULL; i++)
    if (g_str_equal (argv[i], "--"))
      {
        g_free (argv[i]);
        memmove (&argv[i], &argv[i + 1], (g_strv_length (&argv[i + 1]) + 1) * sizeof (char *));
        return;
      }
}

gboolean
cli_argv_parse_size (const char  *text,
                     guint64     *ret_bytes,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (cdi_size_parse (text, ret_bytes, &local_error))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--size: %s",
               local_error->message);
  return FALSE;
}

/* grow --size: an absolute size (as for create, at least 64 MiB), or "+SIZE" to add to the
 * current size: a number with an optional K, M, G or T (and "iB" or "B"), larger than zero */
gboolean
cli_argv_parse_grow_size (const char  *text,
                          guint64     *ret_bytes,
                          gboolean    *ret_relative,
                          GError     **error)
{
  guint64 number = 0;
  unsigned int shift = 0;
  const char *p;

  g_return_val_if_fail (text != NULL, FALSE);

  if (text[0] != '+')
    {
      *ret_relative = FALSE;
      return cli_argv_parse_size (text, ret_bytes, error);
    }
  p = text + 1;
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
  if (number == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--size: “%s” adds nothing. Give the size to add, such as +5G."), text);
      return FALSE;
    }
  *ret_bytes = number << shift;
  *ret_relative = TRUE;
  return TRUE;

too_big:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--size: “%s” is too large: a disk can have at most 64 TiB."), text);
  return FALSE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--size: “%s” is not a size. Write a new size such as 20G, or what to add, "
                 "such as +5G."), text);
  return FALSE;
}

/* The size grow aims at from the image's @current size; refuses anything that is not larger */
gboolean
cli_argv_grow_target (guint64    current,
                      guint64    bytes,
                      gboolean   relative,
                      guint64   *ret_target,
                      GError   **error)
{
  g_autofree char *current_text = g_format_size_full (current, G_FORMAT_SIZE_IEC_UNITS);
  guint64 target;

  if (relative && bytes > CDI_SIZE_MAX - MIN (current, CDI_SIZE_MAX))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The disk is %s; adding that much would exceed 64 TiB."), current_text);
      return FALSE;
    }
  target = relative ? current + bytes : bytes;
  if (target <= current)
    {
      g_autofree char *target_text = g_format_size_full (target, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The disk is already %s, and %s would not make it larger. Disks can only "
                     "grow: give a larger size, or +SIZE to add to it."),
                   current_text, target_text);
      return FALSE;
    }
  *ret_target = target;
  return TRUE;
}
