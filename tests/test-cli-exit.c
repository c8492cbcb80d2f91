/* test-cli-exit.c - crypt-disk-image's exit statuses: from errors, and from the helper's (or
 * pkexec's) exit codes through the helper client's mapping
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"
#include "cli-exit.h"

static void
test_errors (void)
{
  const struct
  {
    GQuark domain;
    int code;
    int status;
  } rows[] = {
    { G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, CLI_EXIT_USAGE },
    { G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, CLI_EXIT_USAGE },
    { G_OPTION_ERROR, G_OPTION_ERROR_FAILED, CLI_EXIT_USAGE },
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, CLI_EXIT_NOT_AUTHORIZED },
    { G_IO_ERROR, G_IO_ERROR_NOT_FOUND, CLI_EXIT_FAILED },
    { G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, CLI_EXIT_FAILED },
    { CDI_ERROR, CDI_ERROR_FAILED, CLI_EXIT_FAILED },
    { CDI_ERROR, CDI_ERROR_INVALID_INPUT, CLI_EXIT_REFUSED },
    { CDI_ERROR, CDI_ERROR_NOT_AUTHORIZED, CLI_EXIT_NOT_AUTHORIZED },
    { CDI_ERROR, CDI_ERROR_WRONG_PASSPHRASE, CLI_EXIT_WRONG_PASSPHRASE },
    { CDI_ERROR, CDI_ERROR_BUSY, CLI_EXIT_BUSY },
    { CDI_ERROR, CDI_ERROR_MISSING_SUPPORT, CLI_EXIT_MISSING },
    { CDI_ERROR, CDI_ERROR_NEEDS_REPAIR, CLI_EXIT_NEEDS_REPAIR },
    { CDI_ERROR, CDI_ERROR_NOT_FOUND, CLI_EXIT_NOT_FOUND },
    { CDI_ERROR, CDI_ERROR_EXISTS, CLI_EXIT_EXISTS },
    { CDI_ERROR, CDI_ERROR_KEYRING_LOCKED, CLI_EXIT_NOT_AUTHORIZED },
    { CDI_ERROR, CDI_ERROR_TIMED_OUT, CLI_EXIT_FAILED },
  };

  g_assert_cmpint (cli_exit_from_error (NULL), ==, CLI_EXIT_OK);
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (rows[i].domain, rows[i].code, "x");

      g_assert_cmpint (cli_exit_from_error (error), ==, rows[i].status);
    }
}

/* What a script sees for each way the helper (or pkexec) can end */
static void
test_helper_exits (void)
{
  const struct
  {
    int helper_exit;
    int status;
  } rows[] = {
    { CDI_HELPER_EXIT_OK, CLI_EXIT_OK },
    { CDI_HELPER_EXIT_FAILED, CLI_EXIT_FAILED },
    { CDI_HELPER_EXIT_USAGE, CLI_EXIT_FAILED },            /* a mismatch, not the user's usage */
    { CDI_HELPER_EXIT_NOT_AUTHORISED, CLI_EXIT_NOT_AUTHORIZED },
    { CDI_HELPER_EXIT_REFUSED, CLI_EXIT_REFUSED },
    { CDI_HELPER_EXIT_WRONG_PASSPHRASE, CLI_EXIT_WRONG_PASSPHRASE },
    { CDI_HELPER_EXIT_BUSY, CLI_EXIT_BUSY },
    { CDI_HELPER_EXIT_MISSING, CLI_EXIT_MISSING },
    { CDI_HELPER_EXIT_NEEDS_REPAIR, CLI_EXIT_NEEDS_REPAIR },
    { 126, CLI_EXIT_NOT_AUTHORIZED },                       /* pkexec: dialog dismissed */
    { 127, CLI_EXIT_NOT_AUTHORIZED },                       /* pkexec: not authorised */
    { 99, CLI_EXIT_FAILED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GError) error = NULL;

      cdi_helper_client_error_from_exit ("close", rows[i].helper_exit, "detail\n", NULL, &error);
      g_assert_cmpint (cli_exit_from_error (error), ==, rows[i].status);
    }
}

/* A helper that printed nothing (killed, say) still yields a message with a reason */
static void
test_silent_helper (void)
{
  const int statuses[] = { CDI_HELPER_EXIT_FAILED, 99 };

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *status = g_strdup_printf ("exit status %d", statuses[i]);

      cdi_helper_client_error_from_exit ("format", statuses[i], "\n \n", NULL, &error);
      g_assert_nonnull (error);
      g_assert_false (g_str_has_suffix (error->message, ": "));
      g_assert_nonnull (strstr (error->message, status));
    }
}

/* The --help table lists every status once, in order */
static void
test_table (void)
{
  g_autofree char *table = cli_exit_table ();
  g_auto(GStrv) lines = g_strsplit (table, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, CLI_EXIT_EXISTS + 2); /* and "" after the last */
  for (int status = CLI_EXIT_OK; status <= CLI_EXIT_EXISTS; status++)
    {
      g_autofree char *prefix = g_strdup_printf ("  %2d  ", status);

      g_assert_true (g_str_has_prefix (lines[status], prefix));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/exit/errors", test_errors);
  g_test_add_func ("/cli/exit/helper-exit-codes", test_helper_exits);
  g_test_add_func ("/cli/exit/silent-helper", test_silent_helper);
  g_test_add_func ("/cli/exit/help-table", test_table);
  return g_test_run ();
}
