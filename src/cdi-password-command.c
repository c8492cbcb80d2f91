/* cdi-password-command.c - run a password command (the old tools' PW_CMD) for a passphrase
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-password-command.h"

#define STDERR_KEEP 512 /* enough for the first line of a diagnostic */
#define RUN_AS_FAILED 126 /* the child's status when it could not become the user */

/* Who the command runs as. Filled in before the fork: getpwuid_r() and getgrouplist() are not
 * async-signal-safe, so the child only calls setgroups(), setresgid(), setresuid() and chdir(). */
typedef struct
{
  gboolean switch_user;   /* FALSE: the command runs as the caller, unchanged */
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  int n_groups;
  char *name;
  char *home;
} RunAs;

typedef struct
{
  char *program;          /* argv[0], for messages; never the whole command line */
  GSubprocess *process;
  GCancellable *cancel;   /* ours: cancelled on timeout, overflow or the caller's cancel */
  gulong caller_cancel_id;
  GCancellable *caller_cancellable;
  GSource *timeout;
  guint timeout_seconds;
  guint8 *out;            /* CDI_PASSWORD_COMMAND_OUTPUT_MAX + 1 bytes, wiped */
  gsize out_len;
  char err[STDERR_KEEP];
  gsize err_len;
  char err_scratch[4096]; /* stderr beyond STDERR_KEEP is read and dropped */
  guint pending;          /* stdout reader, stderr reader, wait */
  GError *error;          /* the first reason to stop early */
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->caller_cancel_id != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_cancel_id);
  g_clear_object (&data->caller_cancellable);
  if (data->timeout != NULL)
    {
      g_source_destroy (data->timeout);
      g_source_unref (data->timeout);
    }
  g_clear_object (&data->process);
  g_clear_object (&data->cancel);
  g_free (data->program);
  cdi_passphrase_wipe (data->out, CDI_PASSWORD_COMMAND_OUTPUT_MAX + 1);
  g_free (data->out);
  g_clear_error (&data->error);
  g_free (data);
}

gboolean
cdi_password_command_parse (const char   *command,
                            char       ***ret_argv,
                            GError      **error)
{
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (command != NULL, FALSE);

  if (!g_shell_parse_argv (command, NULL, &argv, &local_error))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The password command “%s” cannot be split into words: %s"),
                   command, local_error->message);
      return FALSE;
    }
  if (ret_argv != NULL)
    *ret_argv = g_steal_pointer (&argv);
  return TRUE;
}

static void
run_as_clear (RunAs *as)
{
  g_free (as->groups);
  g_free (as->name);
  g_free (as->home);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunAs, run_as_clear)

/* SUDO_UID as the helper reads it (helper/caller.c): decimal digits, no leading zero, no
 * overflow, and not (uid_t) -1 */
static gboolean
parse_uid (const char *text,
           uid_t      *ret_uid)
{
  guint64 value = 0;

  if (text[0] == '\0' || (text[0] == '0' && text[1] != '\0'))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
      if (value >= (uid_t) -1)
        return FALSE;
    }
  *ret_uid = (uid_t) value;
  return TRUE;
}

/* Root started by sudo acts for the user who ran sudo, as the helper does: the command runs as
 * that user, never as root. A SUDO_UID that is not a known user is refused rather than ignored,
 * since ignoring it would run the command as root. Root without SUDO_UID, or with SUDO_UID=0
 * (root ran sudo), acts for root. */
static gboolean
run_as_prepare (RunAs   *as,
                GError **error)
{
  const char *sudo_uid = g_getenv ("SUDO_UID");
  struct passwd pwbuf, *pw = NULL;
  g_autofree char *buf = NULL;
  gsize buf_size = 16384;
  int r, n_groups;

  as->switch_user = FALSE;
  if (geteuid () != 0 || sudo_uid == NULL)
    return TRUE;
  if (!parse_uid (sudo_uid, &as->uid))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_AUTHORIZED,
                   /* Translators: a security message; %s is the value of SUDO_UID */
                   _("SUDO_UID=“%s” is not a user ID, so the password command is not run: it "
                     "runs as the user who called sudo, never as root."), sudo_uid);
      return FALSE;
    }
  if (as->uid == 0)
    return TRUE;

  for (;;)
    {
      buf = g_realloc (buf, buf_size);
      r = getpwuid_r (as->uid, &pwbuf, buf, buf_size, &pw);
      if (r != ERANGE || buf_size >= 1024 * 1024)
        break;
      buf_size *= 2;
    }
  if (pw == NULL)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_AUTHORIZED,
                   /* Translators: a security message; %s is the value of SUDO_UID */
                   _("SUDO_UID=%s is not a known user (%s), so the password command is not run: "
                     "it runs as the user who called sudo, never as root."), sudo_uid,
                   r != 0 ? g_strerror (r) : _("no such user"));
      return FALSE;
    }
  as->gid = pw->pw_gid;
  as->name = g_strdup (pw->pw_name);
  as->home = g_strdup (pw->pw_dir != NULL && pw->pw_dir[0] == '/' ? pw->pw_dir : "/");

  /* initgroups() would read the group database in the child; ask for the list here instead */
  n_groups = 64;
  as->groups = g_new (gid_t, n_groups);
  while (getgrouplist (as->name, as->gid, as->groups, &n_groups) < 0)
    {
      if (n_groups > 65536)
        {
          g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                       _("The groups of user %s cannot be read."), as->name);
          return FALSE;
        }
      as->groups = g_renew (gid_t, as->groups, n_groups);
    }
  as->n_groups = n_groups;
  as->switch_user = TRUE;
  return TRUE;
}

static void
child_fail (const char *message)
{
  /* stderr is already our pipe: the message becomes the error's first line */
  G_GNUC_UNUSED ssize_t n = write (STDERR_FILENO, message, strlen (message));

  _exit (RUN_AS_FAILED);
}

/* In the child, between fork and exec: only async-signal-safe calls */
static void
child_become_user (gpointer user_data)
{
  const RunAs *as = user_data;

  if (setgroups ((size_t) as->n_groups, as->groups) < 0
      || setresgid (as->gid, as->gid, as->gid) < 0
      || setresuid (as->uid, as->uid, as->uid) < 0)
    child_fail ("cannot switch to the user who called sudo\n");
  /* That it took: no root ids left, and no way back */
  if (getuid () != as->uid || geteuid () != as->uid || getgid () != as->gid
      || getegid () != as->gid || setuid (0) == 0)
    child_fail ("could not drop root privileges\n");
  /* After the switch: root may not be allowed into a home on NFS, the user is */
  if (chdir (as->home) < 0 && chdir ("/") < 0)
    child_fail ("cannot change to the home folder or /\n");
}

/* Stops the command early for @reason (owned); the first reason wins */
static void
run_stop (RunData *data,
          GError  *reason)
{
  if (data->error == NULL)
    data->error = reason;
  else
    g_error_free (reason);
  g_cancellable_cancel (data->cancel);
  g_subprocess_force_exit (data->process);
}

static char *
first_line (const char *text,
            gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);
  char *end = strchr (valid, '\n');

  if (end != NULL)
    *end = '\0';
  g_strstrip (valid);
  for (char *p = valid; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      *p = ' ';
  return g_steal_pointer (&valid);
}

static void
run_complete (GTask *task)
{
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *stderr_line = NULL;
  CdiPassphrase *passphrase;
  int status;

  if (--data->pending > 0)
    return;

  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }
  if (g_cancellable_is_cancelled (data->cancel))
    {
      /* only the caller's cancellable cancels ours without a reason */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The password command “%s” was cancelled."), data->program);
      return;
    }
  if (!g_subprocess_get_if_exited (data->process))
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                               _("The password command “%s” was killed by signal %d."),
                               data->program, g_subprocess_get_term_sig (data->process));
      return;
    }
  status = g_subprocess_get_exit_status (data->process);
  stderr_line = first_line (data->err, data->err_len);
  if (status != 0 && *stderr_line != '\0')
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                               /* Translators: a security message; %s is the program, %d its
                                * exit status, the last %s the first line of its errors */
                               _("The password command “%s” failed with exit status %d: %s"),
                               data->program, status, stderr_line);
      return;
    }
  if (status != 0)
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                               _("The password command “%s” failed with exit status %d."),
                               data->program, status);
      return;
    }
  if (data->out_len == 0 || data->out[0] == '\n')
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               /* Translators: a security message; %s is the program of the
                                * password command */
                               _("The password command “%s” printed no passphrase: its first "
                                 "line of output is empty."),
                               data->program);
      return;
    }
  passphrase = cdi_passphrase_from_command_output (data->out, data->out_len, &error);
  if (passphrase == NULL)
    {
      g_prefix_error (&error, _("Password command “%s”: "), data->program);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, passphrase, (GDestroyNotify) cdi_passphrase_unref);
}

static void
read_stdout (GTask *task);

static void
stdout_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_subprocess_force_exit (data->process);
      else
        run_stop (data, g_steal_pointer (&error));
      run_complete (task);
      return;
    }
  if (n == 0)
    {
      run_complete (task);
      return;
    }
  data->out_len += (gsize) n;
  if (data->out_len > CDI_PASSWORD_COMMAND_OUTPUT_MAX)
    {
      run_stop (data, g_error_new (CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                                   /* Translators: a security message; %s is the program, %d
                                    * a size in KiB */
                                   _("The password command “%s” printed more than %d KiB; "
                                     "a passphrase is the first line of its output."),
                                   data->program, CDI_PASSWORD_COMMAND_OUTPUT_MAX / 1024));
      run_complete (task);
      return;
    }
  read_stdout (g_steal_pointer (&task));
}

static void
read_stdout (GTask *task)
{
  RunData *data = g_task_get_task_data (task);

  /* one byte more than allowed, so that overflow shows */
  g_input_stream_read_async (g_subprocess_get_stdout_pipe (data->process),
                             data->out + data->out_len,
                             CDI_PASSWORD_COMMAND_OUTPUT_MAX + 1 - data->out_len,
                             G_PRIORITY_DEFAULT, data->cancel, stdout_read_cb, task);
}

static void
read_stderr (GTask *task);

static void
stderr_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);
  if (n <= 0)
    {
      run_complete (task);
      return;
    }
  if (data->err_len < sizeof data->err - 1)
    data->err_len += (gsize) n;
  read_stderr (g_steal_pointer (&task));
}

static void
read_stderr (GTask *task)
{
  RunData *data = g_task_get_task_data (task);
  void *buf = data->err_scratch;
  gsize size = sizeof data->err_scratch;

  if (data->err_len < sizeof data->err - 1)
    {
      buf = data->err + data->err_len;
      size = sizeof data->err - 1 - data->err_len;
    }
  g_input_stream_read_async (g_subprocess_get_stderr_pipe (data->process), buf, size,
                             G_PRIORITY_DEFAULT, data->cancel, stderr_read_cb, task);
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);

  /* Fails only when data->cancel was cancelled: then the command must not run on */
  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL))
    g_subprocess_force_exit (data->process);
  run_complete (task);
}

static gboolean
timeout_cb (gpointer user_data)
{
  RunData *data = user_data;

  run_stop (data, g_error_new (CDI_ERROR, CDI_ERROR_TIMED_OUT,
                               /* Translators: a security message; %s is the program, %u seconds */
                               _("The password command “%s” did not finish within %u seconds."),
                               data->program, data->timeout_seconds));
  g_clear_pointer (&data->timeout, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  /* May run in another thread: only cancel our own cancellable, which is thread-safe */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
cdi_password_command_run_async (const char          *command,
                                guint                timeout_seconds,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_auto(RunAs) run_as = { 0, };
  RunData *data;

  g_return_if_fail (command != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cdi_password_command_run_async);

  if (!cdi_password_command_parse (command, &argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (argv[0] == NULL || *argv[0] == '\0')
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                               _("The password command is empty."));
      return;
    }
  if (!run_as_prepare (&run_as, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (RunData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  data->program = g_strdup (argv[0]);
  data->timeout_seconds = timeout_seconds > 0 ? timeout_seconds
                                               : CDI_PASSWORD_COMMAND_TIMEOUT_SECONDS;
  data->out = g_malloc0 (CDI_PASSWORD_COMMAND_OUTPUT_MAX + 1);
  data->cancel = g_cancellable_new ();

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (run_as.switch_user)
    {
      g_subprocess_launcher_setenv (launcher, "HOME", run_as.home, TRUE);
      g_subprocess_launcher_setenv (launcher, "USER", run_as.name, TRUE);
      g_subprocess_launcher_setenv (launcher, "LOGNAME", run_as.name, TRUE);
      /* run_as outlives the spawn, which forks and execs before it returns */
      g_subprocess_launcher_set_child_setup (launcher, child_become_user, &run_as, NULL);
    }
  data->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (data->process == NULL)
    {
      if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
        g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_NOT_FOUND,
                                 _("The program “%s” of the password command was not found. "
                                   "(The command runs without a shell; to use one, write "
                                   "sh -c '…'.)"),
                                 data->program);
      else
        g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                                 _("The password command “%s” could not be started: %s"),
                                 data->program, error->message);
      return;
    }

  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_cancel_id = g_cancellable_connect (cancellable,
                                                      G_CALLBACK (caller_cancelled_cb),
                                                      g_object_ref (data->cancel),
                                                      g_object_unref);
    }
  data->timeout = g_timeout_source_new_seconds (data->timeout_seconds);
  g_source_set_callback (data->timeout, timeout_cb, data, NULL);
  g_source_attach (data->timeout, g_task_get_context (task));

  data->pending = 3;
  read_stdout (g_object_ref (task));
  read_stderr (g_object_ref (task));
  g_subprocess_wait_async (data->process, data->cancel, wait_cb, g_object_ref (task));
}

CdiPassphrase *
cdi_password_command_run_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
run_sync_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **ret_result = user_data;

  *ret_result = g_object_ref (result);
}

/* The synchronous convenience: runs the async version in a private main context */
CdiPassphrase *
cdi_password_command_run (const char    *command,
                          guint          timeout_seconds,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_main_context_push_thread_default (context);
  cdi_password_command_run_async (command, timeout_seconds, cancellable, run_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return cdi_password_command_run_finish (result, error);
}
