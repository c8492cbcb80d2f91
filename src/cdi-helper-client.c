/* cdi-helper-client.c - run crypt-disk-image-helper through pkexec and map its exit codes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The only file that knows about pkexec.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"

#define PKEXEC_EXIT_DISMISSED 126
#define PKEXEC_EXIT_NOT_AUTHORIZED 127

typedef struct
{
  char *verb;
  GSubprocess *process;
  GPtrArray *records; /* what the helper printed, kept also when it failed */
  char *stderr_text;
  gboolean raw;       /* stdout is data (backup-header), not records */
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->verb);
  g_clear_object (&data->process);
  g_clear_pointer (&data->records, g_ptr_array_unref);
  g_free (data->stderr_text);
  g_free (data);
}

/* The argv for one helper call: @helper_override (CDI_HELPER) instead of pkexec and the helper;
 * the helper itself when @direct (already root); otherwise pkexec, which needs an agent. */
char **
cdi_helper_client_build_argv (const char         *helper_override,
                              gboolean            direct,
                              const char         *verb,
                              const char * const *options,
                              const char * const *args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (verb != NULL, NULL);

  if (helper_override != NULL && *helper_override != '\0')
    g_strv_builder_add (builder, helper_override);
  else if (direct)
    g_strv_builder_add (builder, HELPER_PATH);
  else
    g_strv_builder_add_many (builder, PKEXEC_PATH, "--disable-internal-agent", HELPER_PATH, NULL);
  g_strv_builder_add (builder, verb);
  if (options != NULL)
    g_strv_builder_addv (builder, (const char **) options);
  if (args != NULL)
    g_strv_builder_addv (builder, (const char **) args);
  return g_strv_builder_end (builder);
}

/* The helper's diagnostic: its last non-empty stderr line, made printable */
static char *
stderr_summary (const char *stderr_text)
{
  g_auto(GStrv) lines = NULL;
  char *line = NULL;

  if (stderr_text == NULL)
    return g_strdup ("");
  lines = g_strsplit (stderr_text, "\n", -1);
  for (guint i = g_strv_length (lines); i > 0 && line == NULL; i--)
    if (*g_strstrip (lines[i - 1]) != '\0')
      line = g_utf8_make_valid (lines[i - 1], -1);
  if (line == NULL)
    return g_strdup ("");
  for (char *p = line; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      *p = ' ';
  return line;
}

/* "bash (process 12), vim (process 40)" from the holder records; NULL when there are none */
static char *
holders_summary (GPtrArray *records)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CdiRecord *record = g_ptr_array_index (records, i);
      const char *pid = cdi_record_get (record, "pid");
      const char *comm = cdi_record_get (record, "comm");

      if (g_strcmp0 (cdi_record_get_kind (record), CDI_HELPER_RECORD_HOLDER) != 0 || pid == NULL
          || !g_hash_table_add (seen, (gpointer) pid))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: one program that keeps a disk busy, e.g. "bash (process 1234)" */
      g_string_append_printf (text, _("%s (process %s)"), comm != NULL ? comm : "?", pid);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* Maps the helper's (or pkexec's) exit status to a GError; TRUE for success */
gboolean
cdi_helper_client_error_from_exit (const char  *verb,
                                   int          exit_status,
                                   const char  *stderr_text,
                                   GPtrArray   *records,
                                   GError     **error)
{
  g_autofree char *detail = stderr_summary (stderr_text);
  g_autofree char *holders = NULL;

  /* A helper that died before it could explain (killed, out of memory) still gets a reason */
  if (*detail == '\0')
    {
      g_free (detail);
      /* Translators: the helper failed without printing why; %d is its exit status */
      detail = g_strdup_printf (_("no reason given (exit status %d); the system log may say "
                                  "more"), exit_status);
    }

  switch (exit_status)
    {
    case CDI_HELPER_EXIT_OK:
      return TRUE;
    case PKEXEC_EXIT_DISMISSED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           /* Translators: the polkit password dialog was closed; a security
                            * message (normally not shown) */
                           _("Authentication was dismissed."));
      return FALSE;
    case PKEXEC_EXIT_NOT_AUTHORIZED:
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_NOT_AUTHORIZED,
                           /* Translators: pkexec refused to run the helper; a security message */
                           _("Not authorised, or no authentication agent is running. Log in to "
                             "a desktop session that runs a polkit authentication agent, or run "
                             "the command as root."));
      return FALSE;
    case CDI_HELPER_EXIT_USAGE:
      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("The helper did not understand the request “%s”. crypt-disk-image and "
                     "crypt-disk-image-helper do not match: reinstall crypt-disk-image. (%s)"),
                   verb, detail);
      return FALSE;
    case CDI_HELPER_EXIT_NOT_AUTHORISED:
      g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_AUTHORIZED,
                   /* Translators: the helper found it was not started as root through pkexec;
                    * a security message. %s is the helper's untranslated English reason. */
                   _("The helper did not get administrator rights. It must be started through "
                     "pkexec: check that crypt-disk-image is installed correctly. (%s)"),
                   detail);
      return FALSE;
    case CDI_HELPER_EXIT_REFUSED:
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: the root helper refused a path, owner, mode or size; a
                    * security message. %s is the helper's untranslated English reason. */
                   _("The helper refused the request: %s. The image must be a file you own that "
                     "others cannot write to, and the folder an empty folder of yours."),
                   detail);
      return FALSE;
    case CDI_HELPER_EXIT_WRONG_PASSPHRASE:
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_WRONG_PASSPHRASE,
                           /* Translators: no LUKS key slot opened; a security message */
                           _("Wrong passphrase: it opens none of the disk’s key slots. Check the "
                             "keyboard layout and Caps Lock, then try again."));
      return FALSE;
    case CDI_HELPER_EXIT_BUSY:
      holders = holders_summary (records);
      if (holders != NULL)
        g_set_error (error, CDI_ERROR, CDI_ERROR_BUSY,
                     _("The disk is in use by %s. Close these programs or leave the folder in "
                       "them, then try again."),
                     holders);
      else
        g_set_error (error, CDI_ERROR, CDI_ERROR_BUSY,
                     _("The disk is busy, or something of that name already exists: %s"), detail);
      return FALSE;
    case CDI_HELPER_EXIT_MISSING:
      g_set_error (error, CDI_ERROR, CDI_ERROR_MISSING_SUPPORT,
                   _("A program or kernel feature that disks need is missing: %s. Run "
                     "“crypt-disk-image check-deps” to see what to install."),
                   detail);
      return FALSE;
    case CDI_HELPER_EXIT_NEEDS_REPAIR:
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_NEEDS_REPAIR,
                           _("The disk’s file system needs a repair that cannot be done "
                             "automatically. Open the disk read-only to copy your files, then "
                             "repair it with e2fsck."));
      return FALSE;
    case CDI_HELPER_EXIT_FAILED:
      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("The disk operation “%s” failed: %s"), verb, detail);
      return FALSE;
    default:
      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("The helper stopped with the unexpected exit status %d: %s"),
                   exit_status, detail);
      return FALSE;
    }
}

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *err_text = NULL;
  gsize size = 0;
  const char *text;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &out, &err, &error))
    {
      g_prefix_error (&error, _("Could not talk to the helper: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  text = out != NULL && !data->raw ? g_bytes_get_data (out, &size) : NULL;
  records = cdi_records_parse (text, size);
  if (err != NULL)
    err_text = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
  data->records = g_ptr_array_ref (records);
  data->stderr_text = g_strdup (err_text);

  if (!g_subprocess_get_if_exited (data->process))
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                               _("The helper was stopped by signal %d during “%s”."),
                               g_subprocess_get_term_sig (data->process), data->verb);
      return;
    }
  if (!cdi_helper_client_error_from_exit (data->verb, g_subprocess_get_exit_status (data->process),
                                          err_text, records, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->raw)
    {
      g_task_return_pointer (task, out != NULL ? g_steal_pointer (&out) : g_bytes_new (NULL, 0),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
check_words (const char * const  *words,
             gboolean             options,
             GError             **error)
{
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    {
      gboolean is_option = g_str_has_prefix (words[i], "--");

      if (*words[i] == '\0' || (options && !is_option) || (!options && *words[i] == '-'))
        {
          g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                       _("“%s” cannot be passed to the helper: arguments must not be empty or "
                         "start with “-”."),
                       words[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static void
run_internal (const char          *verb,
              const char * const  *options,
              const char * const  *args,
              CdiPassphrase       *passphrase,
              gboolean             raw,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_auto(GStrv) argv = NULL;
  RunData *data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (RunData, 1);
  data->verb = g_strdup (verb);
  data->raw = raw;
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!check_words (options, TRUE, &error) || !check_words (args, FALSE, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  argv = cdi_helper_client_build_argv (g_getenv ("CDI_HELPER"), geteuid () == 0,
                                       verb, options, args);
  data->process = g_subprocess_newv ((const char * const *) argv,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                     &error);
  if (data->process == NULL)
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_MISSING_SUPPORT,
                               /* Translators: %s are pkexec's path and the reason */
                               _("Could not start “%s”: %s. Run “crypt-disk-image "
                                 "check-deps” to see what to install."),
                               argv[0], error->message);
      return;
    }

  /* From here on the helper runs to its end: report what it did, not the cancellation */
  g_task_set_check_cancellable (task, FALSE);
  /* With a stdin pipe GIO wants input; empty input just closes it */
  input = passphrase != NULL ? cdi_passphrase_to_bytes (passphrase) : g_bytes_new_static ("", 0);
  g_subprocess_communicate_async (data->process, input, /* cancellable= */ NULL,
                                  communicate_cb, g_steal_pointer (&task));
}

/* Runs `VERB OPTIONS... ARGS...`; @passphrase (may be NULL) is written to the helper's stdin */
void
cdi_helper_client_run_async (const char          *verb,
                             const char * const  *options,
                             const char * const  *args,
                             CdiPassphrase       *passphrase,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (verb != NULL);

  run_internal (verb, options, args, passphrase, /* raw= */ FALSE, cdi_helper_client_run_async,
                cancellable, callback, user_data);
}

/* As cdi_helper_client_run_async(), for a verb whose stdout is data rather than records
 * (backup-header); finish with cdi_helper_client_run_raw_finish() */
void
cdi_helper_client_run_raw_async (const char          *verb,
                                 const char * const  *options,
                                 const char * const  *args,
                                 CdiPassphrase       *passphrase,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (verb != NULL);

  run_internal (verb, options, args, passphrase, /* raw= */ TRUE,
                cdi_helper_client_run_raw_async, cancellable, callback, user_data);
}

/* The helper's stdout, byte for byte, or NULL with @error set */
GBytes *
cdi_helper_client_run_raw_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cdi_helper_client_run_raw_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* On success, @ret_records (may be NULL) receives the stdout records: a GPtrArray of CdiRecord */
gboolean
cdi_helper_client_run_finish (GAsyncResult  *result,
                              GPtrArray    **ret_records,
                              GError       **error)
{
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  records = g_task_propagate_pointer (G_TASK (result), error);
  if (records == NULL)
    return FALSE;
  if (ret_records != NULL)
    *ret_records = g_steal_pointer (&records);
  return TRUE;
}

/* The key derivation options (and, for format, the label) as helper words, NULL-terminated */
static GPtrArray *
kdf_words (const CdiHelperFormatOptions *options,
           gboolean                      with_label)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  if (options != NULL && options->pbkdf != NULL)
    g_ptr_array_add (words, g_strconcat (CDI_HELPER_OPT_PBKDF, options->pbkdf, NULL));
  if (options != NULL && options->memory_kib > 0)
    g_ptr_array_add (words, g_strdup_printf (CDI_HELPER_OPT_PBKDF_MEMORY "%u",
                                             options->memory_kib));
  if (options != NULL && options->time_ms > 0)
    g_ptr_array_add (words, g_strdup_printf (CDI_HELPER_OPT_PBKDF_TIME "%u", options->time_ms));
  if (options != NULL && options->iterations > 0)
    g_ptr_array_add (words, g_strdup_printf (CDI_HELPER_OPT_PBKDF_ITERATIONS "%u",
                                             options->iterations));
  if (with_label && options != NULL && options->label != NULL)
    g_ptr_array_add (words, g_strconcat (CDI_HELPER_OPT_LABEL, options->label, NULL));
  g_ptr_array_add (words, NULL);
  return words;
}

void
cdi_helper_client_format_async (const char                   *image,
                                const CdiHelperFormatOptions *options,
                                CdiPassphrase                *passphrase,
                                GCancellable                 *cancellable,
                                GAsyncReadyCallback           callback,
                                gpointer                      user_data)
{
  g_autoptr(GPtrArray) words = NULL;
  const char *args[] = { image, NULL };

  g_return_if_fail (image != NULL);
  g_return_if_fail (passphrase != NULL);

  words = kdf_words (options, /* with_label= */ TRUE);
  cdi_helper_client_run_async (CDI_HELPER_VERB_FORMAT, (const char * const *) words->pdata, args,
                               passphrase, cancellable, callback, user_data);
}

void
cdi_helper_client_open_async (const char          *image,
                              const char          *mountpoint,
                              CdiHelperOpenFlags   flags,
                              CdiPassphrase       *passphrase,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  const char *options[3] = { NULL, };
  const char *args[] = { image, mountpoint, NULL };
  guint n = 0;

  g_return_if_fail (image != NULL && mountpoint != NULL);
  g_return_if_fail (passphrase != NULL);

  if (flags & CDI_HELPER_OPEN_FLAGS_READ_ONLY)
    options[n++] = CDI_HELPER_OPT_READ_ONLY;
  if (flags & CDI_HELPER_OPEN_FLAGS_SKIP_FSCK)
    options[n++] = CDI_HELPER_OPT_SKIP_FSCK;
  cdi_helper_client_run_async (CDI_HELPER_VERB_OPEN, options, args, passphrase, cancellable,
                               callback, user_data);
}

void
cdi_helper_client_close_async (const char          *image_or_mountpoint,
                               gboolean             trim,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  const char *options[] = { trim ? NULL : CDI_HELPER_OPT_NO_TRIM, NULL };
  const char *args[] = { image_or_mountpoint, NULL };

  g_return_if_fail (image_or_mountpoint != NULL);

  cdi_helper_client_run_async (CDI_HELPER_VERB_CLOSE, options, args, /* passphrase= */ NULL,
                               cancellable, callback, user_data);
}

void
cdi_helper_client_trim_async (const char          *mountpoint,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  const char *args[] = { mountpoint, NULL };

  g_return_if_fail (mountpoint != NULL);

  cdi_helper_client_run_async (CDI_HELPER_VERB_TRIM, NULL, args, /* passphrase= */ NULL,
                               cancellable, callback, user_data);
}

void
cdi_helper_client_status_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  cdi_helper_client_run_async (CDI_HELPER_VERB_STATUS, NULL, NULL, /* passphrase= */ NULL,
                               cancellable, callback, user_data);
}

void
cdi_helper_client_recover_async (GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  cdi_helper_client_run_async (CDI_HELPER_VERB_RECOVER, NULL, NULL, /* passphrase= */ NULL,
                               cancellable, callback, user_data);
}

void
cdi_helper_client_inspect_async (const char          *image,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  const char *args[] = { image, NULL };

  g_return_if_fail (image != NULL);

  cdi_helper_client_run_async (CDI_HELPER_VERB_INSPECT, NULL, args, /* passphrase= */ NULL,
                               cancellable, callback, user_data);
}

/* passwd's stdin, OLDLEN ':' OLD NEW (cdi-helper-protocol.h), in a buffer that is wiped when
 * the result is freed; the intermediate buffer is wiped here. Both passphrases must lie within
 * CDI_HELPER_PASSPHRASE_MIN..CDI_HELPER_PASSPHRASE_MAX bytes; they are used as they are
 * (binary-safe, nothing stripped). */
CdiPassphrase *
cdi_helper_client_passwd_frame_new (CdiPassphrase  *old_passphrase,
                                    CdiPassphrase  *new_passphrase,
                                    GError        **error)
{
  char prefix[CDI_HELPER_PASSWD_LEN_DIGITS_MAX + 2];
  const guint8 *old_data, *new_data;
  gsize old_size, new_size, prefix_len, frame_size;
  guint8 *frame;
  int n;

  g_return_val_if_fail (old_passphrase != NULL && new_passphrase != NULL, NULL);

  old_data = cdi_passphrase_get_data (old_passphrase, &old_size);
  new_data = cdi_passphrase_get_data (new_passphrase, &new_size);
  if (old_size < CDI_HELPER_PASSPHRASE_MIN || old_size > CDI_HELPER_PASSPHRASE_MAX
      || new_size < CDI_HELPER_PASSPHRASE_MIN || new_size > CDI_HELPER_PASSPHRASE_MAX)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   /* Translators: a security message */
                   _("A passphrase must have %d to %d bytes."), CDI_HELPER_PASSPHRASE_MIN,
                   CDI_HELPER_PASSPHRASE_MAX);
      return NULL;
    }
  n = g_snprintf (prefix, sizeof prefix, "%" G_GSIZE_FORMAT ":", old_size);
  g_assert (n > 1 && (gsize) n < sizeof prefix);
  prefix_len = (gsize) n;
  frame_size = prefix_len + old_size + new_size;
  g_assert (frame_size <= CDI_HELPER_PASSWD_STDIN_MAX);

  frame = g_malloc (frame_size);
  memcpy (frame, prefix, prefix_len);
  memcpy (frame + prefix_len, old_data, old_size);
  memcpy (frame + prefix_len + old_size, new_data, new_size);
  return cdi_passphrase_new_take (frame, frame_size);
}

/* @pbkdf: NULL, or the key derivation for the new key slot (its label is ignored) */
void
cdi_helper_client_passwd_async (const char                   *image,
                                const CdiHelperFormatOptions *pbkdf,
                                CdiPassphrase                *old_passphrase,
                                CdiPassphrase                *new_passphrase,
                                GCancellable                 *cancellable,
                                GAsyncReadyCallback           callback,
                                gpointer                      user_data)
{
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(CdiPassphrase) frame = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { image, NULL };

  g_return_if_fail (image != NULL);
  g_return_if_fail (old_passphrase != NULL && new_passphrase != NULL);

  frame = cdi_helper_client_passwd_frame_new (old_passphrase, new_passphrase, &error);
  if (frame == NULL)
    {
      g_task_report_error (NULL, callback, user_data, cdi_helper_client_run_async,
                           g_steal_pointer (&error));
      return;
    }
  words = kdf_words (pbkdf, /* with_label= */ FALSE);
  cdi_helper_client_run_async (CDI_HELPER_VERB_PASSWD, (const char * const *) words->pdata, args,
                               frame, cancellable, callback, user_data);
}

/* An open disk only; @new_size_bytes as the protocol wants it (larger, a multiple of 512) */
void
cdi_helper_client_grow_async (const char          *image,
                              guint64              new_size_bytes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, new_size_bytes);
  const char *args[] = { image, bytes, NULL };

  g_return_if_fail (image != NULL);

  cdi_helper_client_run_async (CDI_HELPER_VERB_GROW, NULL, args, /* passphrase= */ NULL,
                               cancellable, callback, user_data);
}

/* Finish with cdi_helper_client_run_raw_finish(): the header bytes */
void
cdi_helper_client_backup_header_async (const char          *image,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  const char *args[] = { image, NULL };

  g_return_if_fail (image != NULL);

  cdi_helper_client_run_raw_async (CDI_HELPER_VERB_BACKUP_HEADER, NULL, args,
                                   /* passphrase= */ NULL, cancellable, callback, user_data);
}

/* The records and the standard error text of the helper run that @result (from
 * cdi_helper_client_run_async() or a typed wrapper) reports, also when it failed: a busy close
 * lists its holders. NULL if the helper did not run to its end. Transfer none: valid as long as
 * @result. */
GPtrArray *
cdi_helper_client_run_get_records (GAsyncResult *result)
{
  RunData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  data = g_task_get_task_data (G_TASK (result));
  return data != NULL ? data->records : NULL;
}

const char *
cdi_helper_client_run_get_stderr (GAsyncResult *result)
{
  RunData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  data = g_task_get_task_data (G_TASK (result));
  return data != NULL ? data->stderr_text : NULL;
}
