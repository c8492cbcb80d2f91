/* cli-legacy.c - the older bash tools' command lines, which easing scripts still run
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Behaviour kept from the older tools: options may come before or after FILE (getopt
 * permutes), extra arguments are ignored, the password command's output counts up to its first
 * line break, and PW_CMD is a bash command line run as the user. What changed: unknown options
 * are errors instead of being dropped silently.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-argv.h"
#include "cli-legacy.h"

static CliRequest *
help_request (GOptionContext *context)
{
  CliRequest *request = cli_request_new ();

  request->command = CLI_COMMAND_HELP;
  request->help = g_option_context_get_help (context, TRUE, NULL);
  return request;
}

static void
warn_extra (CliRequest *request,
            GStrv       args,
            guint       used)
{
  if (g_strv_length (args) > used + 1)
    g_ptr_array_add (request->warnings,
                     g_strdup_printf (_("Ignoring the extra argument “%s”, as the older tools "
                                        "did."), args[used + 1]));
}

/* The old tools ran PW_CMD with `bash -c` as the user, so old easing scripts may use pipes,
 * variables or redirections in it; the old syntax keeps that meaning by running it through
 * bash explicitly. (--password-command is split into argv without a shell.) */
static char *
legacy_password_command (const char *pw_cmd)
{
  g_autofree char *quoted = g_shell_quote (pw_cmd);

  return g_strdup_printf ("/bin/bash -c %s", quoted);
}

typedef struct
{
  gboolean wait;
  char *wait_value;
} WaitOption;

static void
wait_option_clear (WaitOption *w)
{
  g_free (w->wait_value);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WaitOption, wait_option_clear)

static gboolean
wait_cb (const char  *option_name,
         const char  *value,
         gpointer     data,
         GError     **error)
{
  WaitOption *w = data;

  w->wait = TRUE;
  g_free (w->wait_value);
  w->wait_value = g_strdup (value);
  return TRUE;
}

/* The new syntax's --wait[=SECONDS], --no-trim (close) and --read-only (open), which the older
 * tools did not have: easing scripts pass what follows "SCRIPT open|close" on, so
 * "SCRIPT close --wait" must work */
static gboolean
take_new_options (CliRequest  *request,
                  WaitOption  *w,
                  gboolean     no_trim,
                  gboolean     read_only,
                  GError     **error)
{
  guint64 seconds = 0;

  if (request->command == CLI_COMMAND_OPEN && (w->wait || no_trim))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("--wait and --no-trim are for close, not open."));
      return FALSE;
    }
  if (request->command == CLI_COMMAND_CLOSE && read_only)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("--read-only is for open, not close."));
      return FALSE;
    }
  if (w->wait_value != NULL
      && !g_ascii_string_to_unsigned (w->wait_value, 10, 1, 24 * 3600, &seconds, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--wait takes a number of seconds from 1 to 86400, not “%s”."),
                   w->wait_value);
      return FALSE;
    }
  request->wait = w->wait;
  request->wait_seconds = w->wait_value != NULL ? (guint) seconds : 0;
  request->no_trim = no_trim;
  request->read_only = read_only;
  return TRUE;
}

/* crypt-disk-image [-m MOUNT] [-p PW_CMD] FILE open|close */
CliRequest *
cli_legacy_parse (int                  argc,
                  const char * const  *argv,
                  GError             **error)
{
  g_autofree char *mount = NULL;
  g_autofree char *password = NULL;
  gboolean help = FALSE, verbose = FALSE, no_trim = FALSE, read_only = FALSE;
  g_auto(WaitOption) w = { FALSE, NULL };
  const GOptionEntry entries[] = {
    { "mount", 'm', 0, G_OPTION_ARG_FILENAME, &mount,
      N_("Folder the disk is mounted on (needed unless the image is registered)"), N_("MOUNT") },
    { "password", 'p', 0, G_OPTION_ARG_STRING, &password,
      N_("Command that prints the passphrase (its first line counts)"), N_("PW_CMD") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show more detail"), NULL },
    { "read-only", 0, 0, G_OPTION_ARG_NONE, &read_only,
      N_("open: mount read-only (also when the file system needs a repair)"), NULL },
    { "wait", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer) wait_cb,
      N_("close: while programs use the disk, try again every 2 seconds (for at most SECONDS)"),
      N_("SECONDS") },
    { "no-trim", 0, 0, G_OPTION_ARG_NONE, &no_trim,
      N_("close: do not give unused space back before closing"), NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this help"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE open|close"));
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, &w, NULL);
  const char * const with_value[] = { "mount", "password", NULL };
  g_auto(GStrv) args = cli_argv_prepare (argc, argv, "mp", with_value);
  g_autoptr(CliRequest) request = cli_request_new ();
  guint n_args;

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, _("Open or close an encrypted disk image: the older "
                                           "tools' syntax, which their easing scripts use.\n"
                                           "See “crypt-disk-image --help” for the commands."));
  /* A group of our own, so that the --wait callback gets &w */
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);
  if (!g_option_context_parse_strv (context, &args, error))
    return NULL;
  cli_argv_drop_dashdash (args);
  if (help)
    return help_request (context);

  n_args = g_strv_length (args) - 1;
  if (n_args < 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("“%s” is not a command. Give FILE open or FILE close (the older syntax), or "
                     "see “crypt-disk-image --help”."), n_args > 0 ? args[1] : "");
      return NULL;
    }
  if (g_str_equal (args[2], "open"))
    request->command = CLI_COMMAND_OPEN;
  else if (g_str_equal (args[2], "close"))
    request->command = CLI_COMMAND_CLOSE;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Unknown ACTION “%s”: use open or close."), args[2]);
      return NULL;
    }
  if (!take_new_options (request, &w, no_trim, read_only, error))
    return NULL;
  if (mount != NULL && *mount == '\0')
    g_clear_pointer (&mount, g_free);
  if (password != NULL && *password == '\0')
    g_clear_pointer (&password, g_free);

  request->syntax = CLI_SYNTAX_OLD;
  request->verbose = verbose;
  request->target = g_strdup (args[1]);
  request->mountpoint = g_steal_pointer (&mount);
  if (password != NULL)
    request->password_command = legacy_password_command (password);
  request->legacy_command = g_steal_pointer (&password);
  request->source_set = request->password_command != NULL;
  request->source = request->source_set ? CDI_PASSPHRASE_SOURCE_COMMAND : CDI_PASSPHRASE_SOURCE_ASK;
  warn_extra (request, args, 2);
  return g_steal_pointer (&request);
}

/* crypt-disk-image-create [-s SIZE] -m MOUNT -p PW_CMD -x SCRIPT FILE */
CliRequest *
cli_legacy_parse_create (int                  argc,
                         const char * const  *argv,
                         GError             **error)
{
  g_autofree char *size = NULL, *mount = NULL, *password = NULL, *script = NULL;
  g_autofree char *nbd = NULL, *owner = NULL;
  gboolean help = FALSE, check_deps = FALSE, verbose = FALSE;
  const GOptionEntry entries[] = {
    { "size", 's', 0, G_OPTION_ARG_STRING, &size,
      N_("Largest size the image may grow to (default: 100G)"), N_("SIZE") },
    { "mount", 'm', 0, G_OPTION_ARG_FILENAME, &mount,
      N_("Folder to mount the disk on (made if missing)"), N_("MOUNT") },
    { "password", 'p', 0, G_OPTION_ARG_STRING, &password,
      N_("Command that prints the passphrase (its first line counts)"), N_("PW_CMD") },
    { "script", 'x', 0, G_OPTION_ARG_FILENAME, &script,
      N_("Easing script to write: SCRIPT open, SCRIPT close"), N_("SCRIPT") },
    { "nbd", 'n', 0, G_OPTION_ARG_STRING, &nbd, N_("Ignored: a free device is picked"), N_("NBD") },
    { "owner", 'o', 0, G_OPTION_ARG_STRING, &owner,
      N_("Must be you: disks belong to the user who makes them"), N_("OWNER") },
    { "check-deps", 'c', 0, G_OPTION_ARG_NONE, &check_deps,
      N_("Check the dependencies and exit"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show more detail"), NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this help"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  const char * const with_value[] = { "size", "mount", "password", "script", "nbd", "owner", NULL };
  g_auto(GStrv) args = cli_argv_prepare (argc, argv, "smpxno", with_value);
  g_autoptr(CliRequest) request = cli_request_new ();

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, _("Create an encrypted disk image: the older tools' "
                                           "syntax. Same as “crypt-disk-image create --size SIZE "
                                           "--mount MOUNT\n--password-command PW_CMD --script "
                                           "SCRIPT FILE”; the disk is registered too."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse_strv (context, &args, error))
    return NULL;
  cli_argv_drop_dashdash (args);
  request->verbose = verbose;
  if (help)
    return help_request (context);
  if (check_deps)
    {
      request->command = CLI_COMMAND_CHECK_DEPS;
      request->syntax = CLI_SYNTAX_OLD_CREATE;
      return g_steal_pointer (&request);
    }

  if (args[1] == NULL || mount == NULL || password == NULL || script == NULL
      || *args[1] == '\0' || *mount == '\0' || *password == '\0' || *script == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Arguments FILE, MOUNT (-m), SCRIPT (-x) and PW_CMD (-p) are "
                             "mandatory. See “crypt-disk-image-create --help”."));
      return NULL;
    }
  if (owner != NULL && !g_str_equal (owner, g_get_user_name ()))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("-o %s: disks are made for the user who runs the command (%s). Run it as "
                     "%s instead."), owner, g_get_user_name (), owner);
      return NULL;
    }
  if (size != NULL && !cli_argv_parse_size (size, &request->size, error))
    return NULL;
  if (nbd != NULL)
    g_ptr_array_add (request->warnings,
                     g_strdup_printf (_("Ignoring -n %s: a free NBD device is picked when the "
                                        "disk is opened."), nbd));

  request->command = CLI_COMMAND_CREATE;
  request->syntax = CLI_SYNTAX_OLD_CREATE;
  request->image = g_strdup (args[1]);
  request->mountpoint = g_steal_pointer (&mount);
  request->password_command = legacy_password_command (password);
  request->legacy_command = g_steal_pointer (&password);
  request->source_set = TRUE;
  request->source = CDI_PASSPHRASE_SOURCE_COMMAND;
  request->script = g_steal_pointer (&script);
  warn_extra (request, args, 1);
  return g_steal_pointer (&request);
}
