/* cli-commands-manage.c - passwd, grow and backup-header: managing an existing disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The work is in cdi-manage.c, which the applet shares; this file finds the disk, gets the
 * passphrases and says what happened. Each command takes a registered disk's name or the path
 * of an image (registered or not).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cdi-error.h"
#include "cdi-manage.h"
#include "cdi-password-command.h"
#include "cli-argv.h"
#include "cli-commands.h"
#include "cli-disks.h"
#include "cli-exit.h"
#include "cli-output.h"
#include "cli-passphrase.h"

static int
fail (const char   *operation,
      const char   *disk,
      const char   *what,
      const GError *error)
{
  cli_log (operation, disk, error);
  cli_error (what, error);
  return cli_exit_from_error (error);
}

/* The disk object the cdi-manage.c calls want: the registered one, or for an image that is not
 * registered a stand-in with its path (passphrase source "ask", so no keyring is touched) */
static CdiDisk *
target_disk (CliTarget *target)
{
  g_autofree char *name = NULL;

  if (target->disk != NULL)
    return g_object_ref (target->disk);
  name = cli_store_unique_name (target->store, target->image);
  return cdi_disk_new (name, target->image, target->mountpoint != NULL ? target->mountpoint : "/");
}

/* Whether the disk is open: the helper's status, else what is mounted */
static gboolean
target_is_open (CliTarget *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = cli_helper_status (&error);

  if (records != NULL)
    return cli_status_find (records, target->image) != NULL;
  cli_detail (_("Cannot ask the helper (%s); looking at the mounts instead"), error->message);
  return target->mountpoint != NULL && cli_is_mounted (target->mountpoint);
}

/* --- passwd --- */

/* After the change: the registered password command would still print the old passphrase */
static void
after_passwd (CliRequest *request,
              CliTarget  *target)
{
  g_autoptr(GError) error = NULL;
  CdiDisk *disk = target->disk;

  if (disk == NULL)
    return;
  switch (cdi_disk_get_passphrase_source (disk))
    {
    case CDI_PASSPHRASE_SOURCE_KEYRING:
      if (cdi_disk_get_uuid (disk) != NULL)
        cli_print (_("The keyring now holds the new passphrase of “%s”."), target->label);
      break;
    case CDI_PASSPHRASE_SOURCE_COMMAND:
      if (request->new_password_command == NULL)
        {
          cli_warning (_("“%s” gets its passphrase from a password command, which still prints "
                         "the old one: make it print the new one before the next open."),
                       target->label);
          break;
        }
      cdi_disk_set_password_command (disk, request->new_password_command);
      if (cli_store_save (target->store, &error))
        cli_print (_("“%s” uses the new password command from now on."), target->label);
      else
        cli_warning (_("The new password command could not be registered (%s): register it "
                       "again with “crypt-disk-image add”."), error->message);
      break;
    case CDI_PASSPHRASE_SOURCE_ASK:
    default:
      break;
    }
}

int
cli_command_passwd (CliRequest *request)
{
  g_auto(CliTarget) target = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiDisk) disk = NULL;
  g_autoptr(CdiPassphrase) old_passphrase = NULL;
  g_autoptr(CdiPassphrase) new_passphrase = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *what = g_strdup_printf (_("cannot change the passphrase of “%s”"),
                                           request->target);
  g_autofree char *step = NULL;
  const char *old_command = request->password_command;
  const char *keyring_uuid = NULL;
  CdiHelperFormatOptions pbkdf = {
    .pbkdf = request->pbkdf,
    .memory_kib = request->pbkdf_memory_kib,
    .time_ms = request->pbkdf_time_ms,
    .iterations = request->pbkdf_iterations,
  };

  if (!cli_target_resolve (request, /* allow_path= */ TRUE, &target, &error))
    return fail ("passwd", request->target, what, error);
  if ((request->password_command != NULL
       && !cdi_password_command_parse (request->password_command, NULL, &error))
      || (request->new_password_command != NULL
          && !cdi_password_command_parse (request->new_password_command, NULL, &error)))
    return fail ("passwd", target.label, what, error);
  disk = target_disk (&target);
  if (target.disk != NULL && old_command == NULL)
    {
      if (cdi_disk_get_passphrase_source (disk) == CDI_PASSPHRASE_SOURCE_COMMAND)
        old_command = cdi_disk_get_password_command (disk);
      if (cdi_disk_get_passphrase_source (disk) == CDI_PASSPHRASE_SOURCE_KEYRING)
        keyring_uuid = cdi_disk_get_uuid (disk);
    }
  if (!cli_passphrase_for_change (target.label, request->passphrase_stdin, keyring_uuid,
                                  old_command, request->new_passphrase_stdin,
                                  request->new_password_command, &old_passphrase,
                                  &new_passphrase, &error))
    return fail ("passwd", target.label, what, error);

  step = g_strdup_printf (_("Changing the passphrase of “%s” (key derivation takes a few "
                            "seconds)"), target.label);
  cli_progress_step (step);
  cdi_manage_change_passphrase_async (disk, old_passphrase, new_passphrase, &pbkdf,
                                      /* cancellable= */ NULL, cli_result_cb, &result);
  cli_wait (&result);
  cli_progress_stop ();
  if (!cdi_manage_change_passphrase_finish (result, &error))
    return fail ("passwd", target.label, what, error);

  cli_log ("passwd", target.label, NULL);
  cli_print (_("The passphrase of “%s” was changed; the old one no longer opens it."),
             target.label);
  after_passwd (request, &target);
  return CLI_EXIT_OK;
}

/* --- grow --- */

int
cli_command_grow (CliRequest *request)
{
  g_auto(CliTarget) target = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *what = g_strdup_printf (_("cannot grow “%s”"), request->target);
  g_autofree char *step = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  guint64 current = 0, wanted = 0, grown = 0;
  gboolean is_open;

  if (!cli_target_resolve (request, /* allow_path= */ TRUE, &target, &error)
      || !cdi_manage_get_virtual_size (target.image, &current, &error)
      || !cli_argv_grow_target (current, request->size, request->size_relative, &wanted, &error))
    return fail ("grow", target.label != NULL ? target.label : request->target, what, error);

  is_open = target_is_open (&target);
  old_text = g_format_size_full (current, G_FORMAT_SIZE_IEC_UNITS);
  new_text = g_format_size_full (wanted, G_FORMAT_SIZE_IEC_UNITS);
  step = g_strdup_printf (_("Growing “%s” from %s to %s"), target.label, old_text, new_text);
  cli_progress_step (step);
  cdi_manage_grow_async (target.image, wanted, is_open, /* cancellable= */ NULL, cli_result_cb,
                         &result);
  cli_wait (&result);
  cli_progress_stop ();
  if (!cdi_manage_grow_finish (result, &grown, &error))
    return fail ("grow", target.label, what, error);

  cli_log ("grow", target.label, NULL);
  g_free (new_text);
  new_text = g_format_size_full (grown, G_FORMAT_SIZE_IEC_UNITS);
  cli_print (_("“%s” grew from %s to %s."), target.label, old_text, new_text);
  if (is_open)
    cli_print (_("Its file system has the new space already."));
  else
    cli_print (_("Its encrypted volume and file system take the new space at the next open."));
  return CLI_EXIT_OK;
}

/* --- backup-header --- */

int
cli_command_backup_header (CliRequest *request)
{
  g_auto(CliTarget) target = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *what = g_strdup_printf (_("cannot back up the header of “%s”"),
                                           request->target);
  g_autofree char *dest = g_canonicalize_filename (request->dest, NULL);
  g_autofree char *step = NULL;

  if (!cli_target_resolve (request, /* allow_path= */ TRUE, &target, &error))
    return fail ("backup-header", request->target, what, error);

  step = g_strdup_printf (_("Saving the LUKS header of “%s”"), target.label);
  cli_progress_step (step);
  cdi_manage_backup_header_async (target.image, dest, /* cancellable= */ NULL, cli_result_cb,
                                  &result);
  cli_wait (&result);
  cli_progress_stop ();
  if (!cdi_manage_backup_header_finish (result, &error))
    return fail ("backup-header", target.label, what, error);

  cli_log ("backup-header", target.label, NULL);
  cli_print (_("Saved the LUKS header of “%s” to %s (readable only by you)."), target.label,
             dest);
  /* Translators: a security message */
  cli_print (_("Keep it safe: with this copy, every passphrase that opens the disk today keeps "
               "opening it, even after it is changed."));
  return CLI_EXIT_OK;
}
