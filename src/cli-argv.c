/* cli-argv.c - argument handling both syntaxes share: getopt habits on top of GOption
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

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
