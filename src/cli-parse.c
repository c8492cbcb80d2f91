/* cli-parse.c - parse crypt-disk-image's command line (both syntaxes) with GOption
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cli-argv.h"
#include "cli-exit.h"
#include "cli-help.h"
#include "cli-legacy.h"
#include "cli-parse.h"

#define BIT(command) (1u << (command))

/* Where each option's value goes */
typedef struct
{
  gboolean help;
  gboolean verbose;
  char *size;
  char *mount;
  char *password_command;
  char *name;
  char *script;
  char *pbkdf;
  char *new_password_command;
  gboolean new_passphrase_stdin;
  gboolean keyring;
  gboolean ask;
  gboolean passphrase_stdin;
  gboolean all;
  gboolean no_trim;
  gboolean read_only;
  gboolean delete_image;
  gboolean wait;
  char *wait_value;
  int pbkdf_iterations;
  int pbkdf_memory;
  int pbkdf_time;
} Values;

static void
values_clear (Values *v)
{
  g_free (v->size);
  g_free (v->mount);
  g_free (v->password_command);
  g_free (v->name);
  g_free (v->script);
  g_free (v->pbkdf);
  g_free (v->new_password_command);
  g_free (v->wait_value);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Values, values_clear)

static gboolean
wait_cb (const char  *option_name,
         const char  *value,
         gpointer     data,
         GError     **error)
{
  Values *v = data;

  v->wait = TRUE;
  g_free (v->wait_value);
  v->wait_value = g_strdup (value);
  return TRUE;
}

typedef struct
{
  const char *long_name;
  char short_name;
  int flags;
  GOptionArg arg;
  gsize offset;
  const char *description;
  const char *arg_description;
  guint commands;
} OptionInfo;

#define PASSPHRASE_COMMANDS (BIT (CLI_COMMAND_CREATE) | BIT (CLI_COMMAND_ADD))
#define KDF_COMMANDS (BIT (CLI_COMMAND_CREATE) | BIT (CLI_COMMAND_PASSWD))
#define ALL_COMMANDS (~0u)

static const OptionInfo options[] = {
  { "size", 's', 0, G_OPTION_ARG_STRING, G_STRUCT_OFFSET (Values, size),
    N_("Largest size the image may grow to, e.g. 20G or 500M (default: 100G)"), N_("SIZE"),
    BIT (CLI_COMMAND_CREATE) },
  { "size", 's', 0, G_OPTION_ARG_STRING, G_STRUCT_OFFSET (Values, size),
    N_("The new size, e.g. 20G, or what to add, e.g. +5G (required)"), N_("SIZE"),
    BIT (CLI_COMMAND_GROW) },
  { "mount", 'm', 0, G_OPTION_ARG_FILENAME, G_STRUCT_OFFSET (Values, mount),
    N_("Folder to mount the disk on (made if missing)"), N_("DIR"), PASSPHRASE_COMMANDS },
  { "password-command", 'p', 0, G_OPTION_ARG_STRING, G_STRUCT_OFFSET (Values, password_command),
    N_("Command that prints the passphrase (split like a shell does, run without one)"),
    N_("CMD"), PASSPHRASE_COMMANDS },
  { "password-command", 'p', 0, G_OPTION_ARG_STRING, G_STRUCT_OFFSET (Values, password_command),
    N_("Command that prints the current passphrase (default: the registered one)"),
    N_("CMD"), BIT (CLI_COMMAND_PASSWD) },
  { "keyring", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, keyring),
    N_("Keep the passphrase in the keyring (Secret Service)"), NULL, PASSPHRASE_COMMANDS },
  { "ask", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, ask),
    N_("Ask for the passphrase at every open (the default)"), NULL, PASSPHRASE_COMMANDS },
  { "passphrase-stdin", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, passphrase_stdin),
    N_("Read the passphrase from standard input (up to the first line break)"), NULL,
    BIT (CLI_COMMAND_CREATE) | BIT (CLI_COMMAND_OPEN) },
  { "passphrase-stdin", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, passphrase_stdin),
    N_("Read the current passphrase from standard input (up to the first line break)"), NULL,
    BIT (CLI_COMMAND_PASSWD) },
  { "new-password-command", 0, 0, G_OPTION_ARG_STRING,
    G_STRUCT_OFFSET (Values, new_password_command),
    N_("Command that prints the new passphrase"), N_("CMD"), BIT (CLI_COMMAND_PASSWD) },
  { "new-passphrase-stdin", 0, 0, G_OPTION_ARG_NONE,
    G_STRUCT_OFFSET (Values, new_passphrase_stdin),
    N_("Read the new passphrase from standard input (after the current one, if that is read "
       "there too)"), NULL, BIT (CLI_COMMAND_PASSWD) },
  { "name", 0, 0, G_OPTION_ARG_STRING, G_STRUCT_OFFSET (Values, name),
    N_("Name of the disk (default: from the image file name)"), N_("NAME"), PASSPHRASE_COMMANDS },
  { "script", 'x', 0, G_OPTION_ARG_FILENAME, G_STRUCT_OFFSET (Values, script),
    N_("Also write an easing script in the older tools' style (SCRIPT open|close)"),
    N_("SCRIPT"), BIT (CLI_COMMAND_CREATE) },
  { "pbkdf", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, G_STRUCT_OFFSET (Values, pbkdf),
    "argon2id|pbkdf2 (for tests and slow machines)", "KDF", KDF_COMMANDS },
  { "pbkdf-iterations", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT,
    G_STRUCT_OFFSET (Values, pbkdf_iterations), "key derivation iterations", "N",
    KDF_COMMANDS },
  { "pbkdf-memory", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT,
    G_STRUCT_OFFSET (Values, pbkdf_memory), "argon2id memory in KiB", "KIB",
    KDF_COMMANDS },
  { "pbkdf-time", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, G_STRUCT_OFFSET (Values, pbkdf_time),
    "key derivation time in ms", "MS", KDF_COMMANDS },
  { "read-only", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, read_only),
    N_("Mount read-only (also when the file system needs a repair)"), NULL,
    BIT (CLI_COMMAND_OPEN) },
  { "all", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, all),
    N_("Close all your open disks"), NULL, BIT (CLI_COMMAND_CLOSE) },
  { "wait", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, 0,
    N_("While programs use the disk, try again every 2 seconds (for at most SECONDS)"),
    N_("SECONDS"), BIT (CLI_COMMAND_CLOSE) },
  { "no-trim", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, no_trim),
    N_("Do not give unused space back before closing"), NULL, BIT (CLI_COMMAND_CLOSE) },
  { "delete-image", 0, 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, delete_image),
    N_("Also delete the image file and everything in it"), NULL, BIT (CLI_COMMAND_REMOVE) },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, verbose),
    N_("Show more detail, also what the helper printed"), NULL, ALL_COMMANDS },
  { "help", 'h', 0, G_OPTION_ARG_NONE, G_STRUCT_OFFSET (Values, help),
    N_("Show help for this command"), NULL, ALL_COMMANDS },
};

/* The new syntax's options that take a value */
static const char * const long_with_value[] = {
  "size", "mount", "password-command", "new-password-command", "name", "script", "pbkdf",
  "pbkdf-iterations", "pbkdf-memory", "pbkdf-time", NULL
};

static GOptionContext *
command_context (const CliCommandInfo *info,
                 Values            *v)
{
  g_autofree char *parameter = NULL;
  GOptionContext *context;
  GOptionGroup *group;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  parameter = *info->parameter != '\0' ? g_strdup_printf ("%s %s", info->name, _(info->parameter))
                                       : g_strdup (info->name);
  context = g_option_context_new (parameter);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, _(info->summary));
  g_option_context_set_description (context, _(info->examples));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  for (gsize i = 0; i < G_N_ELEMENTS (options); i++)
    {
      const OptionInfo *o = &options[i];
      GOptionEntry entry = { o->long_name, o->short_name, o->flags, o->arg,
                             (guint8 *) v + o->offset, o->description, o->arg_description };

      if (!(o->commands & BIT (info->command)))
        continue;
      if (o->arg == G_OPTION_ARG_CALLBACK)
        entry.arg_data = (gpointer) wait_cb;
      g_array_append_val (entries, entry);
    }
  group = g_option_group_new (info->name, NULL, NULL, v, NULL);
  g_option_group_add_entries (group, (const GOptionEntry *) (gpointer) entries->data);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);
  return context;
}

static gboolean
usage_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, message);
  return FALSE;
}

static gboolean
take_passphrase_source (CliRequest  *request,
                        Values      *v,
                        GError     **error)
{
  if ((v->password_command != NULL) + v->keyring + v->ask > 1)
    return usage_error (error, _("Give only one of --password-command, --keyring and --ask."));
  if (v->password_command != NULL && v->passphrase_stdin)
    return usage_error (error, _("--passphrase-stdin and --password-command exclude each other."));
  request->source_set = v->password_command != NULL || v->keyring || v->ask;
  request->source = v->password_command != NULL ? CDI_PASSPHRASE_SOURCE_COMMAND
                    : v->keyring ? CDI_PASSPHRASE_SOURCE_KEYRING
                    : CDI_PASSPHRASE_SOURCE_ASK;
  request->password_command = g_steal_pointer (&v->password_command);
  if (request->password_command != NULL && *request->password_command == '\0')
    return usage_error (error, _("--password-command must not be empty."));
  return TRUE;
}

static gboolean
take_pbkdf (CliRequest  *request,
            Values      *v,
            GError     **error)
{
  if (v->pbkdf != NULL && !g_str_equal (v->pbkdf, "argon2id") && !g_str_equal (v->pbkdf, "pbkdf2"))
    return usage_error (error, _("--pbkdf must be argon2id or pbkdf2."));
  if (v->pbkdf_iterations < 0 || v->pbkdf_memory < 0 || v->pbkdf_time < 0)
    return usage_error (error, _("--pbkdf-iterations, --pbkdf-memory and --pbkdf-time take "
                                 "positive numbers."));
  request->pbkdf = g_steal_pointer (&v->pbkdf);
  request->pbkdf_iterations = (guint) v->pbkdf_iterations;
  request->pbkdf_memory_kib = (guint) v->pbkdf_memory;
  request->pbkdf_time_ms = (guint) v->pbkdf_time;
  return TRUE;
}

/* passwd: where the current and the new passphrase come from */
static gboolean
take_passwd (CliRequest  *request,
             Values      *v,
             GError     **error)
{
  if (v->password_command != NULL && v->passphrase_stdin)
    return usage_error (error, _("--passphrase-stdin and --password-command exclude each other."));
  if (v->new_password_command != NULL && v->new_passphrase_stdin)
    return usage_error (error, _("--new-passphrase-stdin and --new-password-command exclude each "
                                 "other."));
  if ((v->password_command != NULL && *v->password_command == '\0')
      || (v->new_password_command != NULL && *v->new_password_command == '\0'))
    return usage_error (error, _("A password command must not be empty."));
  request->password_command = g_steal_pointer (&v->password_command);
  request->new_password_command = g_steal_pointer (&v->new_password_command);
  request->passphrase_stdin = v->passphrase_stdin;
  request->new_passphrase_stdin = v->new_passphrase_stdin;
  return TRUE;
}

/* Moves the values into @request and checks how they combine */
static gboolean
take_values (const CliCommandInfo  *info,
             CliRequest         *request,
             Values             *v,
             GStrv               args,
             GError            **error)
{
  guint n_args = g_strv_length (args) - 1;
  const char *first = n_args > 0 ? args[1] : NULL;

  request->verbose = v->verbose;
  if (n_args < info->min_args || n_args > info->max_args)
    {
      if (info->max_args == 0)
        return usage_error (error, _("“%s” takes no arguments."), info->name);
      return usage_error (error, _("“%s” needs %s. See “crypt-disk-image %s --help”."),
                          info->name, _(info->parameter), info->name);
    }

  switch (info->command)
    {
    case CLI_COMMAND_CREATE:
    case CLI_COMMAND_ADD:
      request->image = g_strdup (first);
      if (v->mount == NULL || *v->mount == '\0')
        return usage_error (error, _("“%s” needs --mount DIR: the folder to open the disk on."),
                            info->name);
      request->mountpoint = g_steal_pointer (&v->mount);
      if (v->name != NULL && !cdi_disk_name_is_valid (v->name))
        return usage_error (error, _("“%s” is not a valid disk name: use 1 to 64 letters, "
                                     "digits, dots, dashes and underscores."), v->name);
      request->name = g_steal_pointer (&v->name);
      if (v->size != NULL && !cli_argv_parse_size (v->size, &request->size, error))
        return FALSE;
      request->script = g_steal_pointer (&v->script);
      request->passphrase_stdin = v->passphrase_stdin;
      return take_passphrase_source (request, v, error) && take_pbkdf (request, v, error);
    case CLI_COMMAND_OPEN:
      request->target = g_strdup (first);
      request->passphrase_stdin = v->passphrase_stdin;
      request->read_only = v->read_only;
      return TRUE;
    case CLI_COMMAND_CLOSE:
      if (first != NULL && v->all)
        return usage_error (error, _("“close” takes either a disk name or image, or --all, "
                                     "not both."));
      if (first == NULL && !v->all)
        return usage_error (error, _("“close” needs a disk name or image, or --all."));
      request->target = g_strdup (first);
      request->all = v->all;
      request->no_trim = v->no_trim;
      request->wait = v->wait;
      if (v->wait_value != NULL)
        {
          guint64 seconds;

          if (!g_ascii_string_to_unsigned (v->wait_value, 10, 1, 24 * 3600, &seconds, NULL))
            return usage_error (error, _("--wait takes a number of seconds from 1 to 86400, "
                                         "not “%s”."), v->wait_value);
          request->wait_seconds = (guint) seconds;
        }
      return TRUE;
    case CLI_COMMAND_REMOVE:
      request->delete_image = v->delete_image;
      G_GNUC_FALLTHROUGH;
    case CLI_COMMAND_TRIM:
    case CLI_COMMAND_FORGET_PASSWORD:
      request->target = g_strdup (first);
      return TRUE;
    case CLI_COMMAND_PASSWD:
      request->target = g_strdup (first);
      return take_passwd (request, v, error) && take_pbkdf (request, v, error);
    case CLI_COMMAND_GROW:
      request->target = g_strdup (first);
      if (v->size == NULL)
        return usage_error (error, _("“grow” needs --size SIZE: the new size (such as 20G) or "
                                     "what to add (such as +5G)."));
      return cli_argv_parse_grow_size (v->size, &request->size, &request->size_relative, error);
    case CLI_COMMAND_BACKUP_HEADER:
      request->target = g_strdup (first);
      request->dest = g_strdup (args[2]);
      if (*request->dest == '\0')
        return usage_error (error, _("“backup-header” needs a FILE name to write to."));
      return TRUE;
    case CLI_COMMAND_STATUS:
    case CLI_COMMAND_LIST:
    case CLI_COMMAND_CHECK_DEPS:
    case CLI_COMMAND_HELP:
    case CLI_COMMAND_VERSION:
    default:
      return TRUE;
    }
}

static CliRequest *
help_request (char *text)
{
  CliRequest *request = cli_request_new ();

  request->command = CLI_COMMAND_HELP;
  request->help = text;
  return request;
}

static CliRequest *
parse_command (const CliCommandInfo   *info,
               int                  word,
               int                  argc,
               const char * const  *argv,
               GError             **error)
{
  g_auto(Values) v = { 0, };
  g_autoptr(GOptionContext) context = command_context (info, &v);
  g_autoptr(CliRequest) request = cli_request_new ();
  g_auto(GStrv) args = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) prepared = NULL;

  /* argv without the command word (argv[word]) */
  for (int i = 0; i < argc; i++)
    if (i != word)
      g_strv_builder_add (builder, argv[i]);
  prepared = g_strv_builder_end (builder);
  args = cli_argv_prepare ((int) g_strv_length (prepared),
                                 (const char * const *) prepared, "smpx", long_with_value);

  if (!g_option_context_parse_strv (context, &args, error))
    {
      g_prefix_error (error, "%s: ", info->name);
      return NULL;
    }
  cli_argv_drop_dashdash (args);
  if (v.help)
    return help_request (g_option_context_get_help (context, TRUE, NULL));

  request->command = info->command;
  request->syntax = CLI_SYNTAX_NEW;
  if (!take_values (info, request, &v, args, error))
    return NULL;
  return g_steal_pointer (&request);
}

/* No command word: --help, --version, -c/--check-deps, or nothing */
static CliRequest *
parse_global (int                  argc,
              const char * const  *argv,
              GError             **error)
{
  gboolean help = FALSE, version = FALSE, check_deps = FALSE, verbose = FALSE;
  const GOptionEntry entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, NULL, NULL },
    { "check-deps", 'c', 0, G_OPTION_ARG_NONE, &check_deps, NULL, NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_auto(GStrv) args = cli_argv_prepare (argc, argv, NULL, NULL);
  g_autoptr(CliRequest) request = cli_request_new ();

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse_strv (context, &args, error))
    return NULL;
  request->verbose = verbose;
  if (help)
    return help_request (cli_parse_top_help ());
  if (version)
    request->command = CLI_COMMAND_VERSION;
  else if (check_deps)
    request->command = CLI_COMMAND_CHECK_DEPS;
  else
    {
      usage_error (error, _("No command given. See “crypt-disk-image --help”."));
      return NULL;
    }
  return g_steal_pointer (&request);
}

/* The index of the first argument that is neither an option nor the value of an older-syntax
 * option, or -1 */
static int
first_word (int                 argc,
            const char * const *argv)
{
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        return i + 1 < argc ? i + 1 : -1;
      if (arg[0] != '-' || arg[1] == '\0')
        return i;
      if (g_str_equal (arg, "-m") || g_str_equal (arg, "-p") || g_str_equal (arg, "--mount")
          || g_str_equal (arg, "--password"))
        i++;
    }
  return -1;
}

CliRequest *
cli_parse (int                  argc,
           const char * const  *argv,
           GError             **error)
{
  g_autofree char *program = NULL;
  const CliCommandInfo *info;
  int word;

  g_return_val_if_fail (argc >= 1 && argv != NULL, NULL);

  program = g_path_get_basename (argv[0]);
  if (g_str_equal (program, CLI_CREATE_PROGRAM_NAME))
    return cli_legacy_parse_create (argc, argv, error);

  word = first_word (argc, argv);
  if (word < 0)
    return parse_global (argc, argv, error);
  if (g_str_equal (argv[word], "help"))
    {
      const char *help_argv[] = { argv[0], NULL, "--help", NULL };

      info = cli_help_find_command (word + 1 < argc ? argv[word + 1] : NULL);
      if (info == NULL)
        return help_request (cli_parse_top_help ());
      help_argv[1] = info->name;
      return parse_command (info, 1, 3, help_argv, error);
    }
  info = cli_help_find_command (argv[word]);
  if (info != NULL)
    return parse_command (info, word, argc, argv, error);
  return cli_legacy_parse (argc, argv, error);
}
