/* cli-commands-disk.c - open, trim and status: the commands that act on open disks
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * close is in cli-close.c.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"
#include "cli-commands.h"
#include "cli-disks.h"
#include "cli-exit.h"
#include "cli-output.h"
#include "cli-passphrase.h"

#define OPEN_ATTEMPTS 3 /* typed passphrases, as cryptsetup allows */

/* After an open: remember the LUKS UUID, and keep a typed passphrase for a keyring disk */
static void
remember (CliTarget           *target,
          GPtrArray           *records,
          CdiPassphrase       *passphrase,
          CliPassphraseOrigin  origin)
{
  g_autoptr(GError) error = NULL;
  CdiRecord *disk_record = cdi_records_find (records, CDI_HELPER_RECORD_DISK);
  CdiRecord *fsck = cdi_records_find (records, CDI_HELPER_RECORD_FSCK);
  const char *uuid = disk_record != NULL ? cdi_record_get (disk_record, "uuid") : NULL;

  if (fsck != NULL && g_strcmp0 (cdi_record_get (fsck, "result"), "repaired") == 0)
    cli_warning (_("The file system of “%s” had errors, which were repaired."), target->label);
  if (target->disk == NULL || uuid == NULL || !g_uuid_string_is_valid (uuid))
    return;
  if (g_strcmp0 (cdi_disk_get_uuid (target->disk), uuid) != 0)
    {
      cdi_disk_set_uuid (target->disk, uuid);
      if (!cli_store_save (target->store, &error))
        cli_warning ("%s", error->message);
      g_clear_error (&error);
    }
  if (cdi_disk_get_passphrase_source (target->disk) == CDI_PASSPHRASE_SOURCE_KEYRING
      && origin != CLI_PASSPHRASE_FROM_KEYRING
      && !cli_secret_store (uuid, target->label, passphrase, &error))
    cli_warning (_("The passphrase could not be kept in the keyring: %s"), error->message);
}

static gboolean
open_once (CliRequest           *request,
           CliTarget            *target,
           CdiPassphrase       **ret_passphrase,
           CliPassphraseOrigin  *ret_origin,
           GPtrArray           **ret_records,
           GError              **error)
{
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *command = request->password_command;
  const char *keyring_uuid = NULL;
  g_autofree char *step = NULL;

  if (target->disk != NULL && command == NULL)
    {
      if (cdi_disk_get_passphrase_source (target->disk) == CDI_PASSPHRASE_SOURCE_COMMAND)
        command = cdi_disk_get_password_command (target->disk);
      if (cdi_disk_get_passphrase_source (target->disk) == CDI_PASSPHRASE_SOURCE_KEYRING)
        keyring_uuid = cdi_disk_get_uuid (target->disk);
    }
  passphrase = cli_passphrase_for_open (target->label, request->passphrase_stdin, keyring_uuid,
                                        command, ret_origin, error);
  if (passphrase == NULL)
    return FALSE;

  step = g_strdup_printf (_("Opening “%s” (checking the passphrase takes a few seconds)"),
                          target->label);
  cli_progress_step (step);
  cdi_helper_client_open_async (target->image, target->mountpoint,
                                request->read_only ? CDI_HELPER_OPEN_FLAGS_READ_ONLY
                                                   : CDI_HELPER_OPEN_FLAGS_NONE,
                                passphrase, /* cancellable= */ NULL, cli_result_cb, &result);
  cli_wait (&result);
  cli_progress_stop ();
  if (!cli_helper_finish (result, ret_records, error))
    return FALSE;
  *ret_passphrase = g_steal_pointer (&passphrase);
  return TRUE;
}

int
cli_command_open (CliRequest *request)
{
  g_auto(CliTarget) target = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autofree char *what = NULL;
  CliPassphraseOrigin origin = CLI_PASSPHRASE_FROM_PROMPT;
  gboolean ok = FALSE;

  if (cli_target_resolve (request, /* allow_path= */ FALSE, &target, &error)
      && target.mountpoint == NULL)
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                 _("-m MOUNT is needed: “%s” is not a registered disk."), request->target);
  for (guint attempt = 1; error == NULL && !ok; attempt++)
    {
      ok = open_once (request, &target, &passphrase, &origin, &records, &error);
      if (!ok && origin == CLI_PASSPHRASE_FROM_PROMPT && attempt < OPEN_ATTEMPTS
          && g_error_matches (error, CDI_ERROR, CDI_ERROR_WRONG_PASSPHRASE))
        {
          /* Translators: a security message after a wrong passphrase was typed */
          g_printerr (_("Wrong passphrase, try again.\n"));
          g_clear_error (&error);
        }
    }

  cli_log ("open", target.label != NULL ? target.label : request->target, error);
  if (error != NULL)
    {
      what = g_strdup_printf (_("cannot open “%s”"), request->target);
      cli_error (what, error);
      return cli_exit_from_error (error);
    }
  remember (&target, records, passphrase, origin);
  cli_print (_("“%s” is open at %s"), target.label, target.mountpoint);
  return CLI_EXIT_OK;
}

int
cli_command_trim (CliRequest *request)
{
  g_auto(CliTarget) target = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *step = NULL;
  CdiRecord *trimmed;
  guint64 bytes = 0;

  if (cli_target_resolve (request, /* allow_path= */ TRUE, &target, &error))
    {
      step = g_strdup_printf (_("Giving unused space of “%s” back"), target.label);
      cli_progress_step (step);
      /* The helper finds an open disk by its image or mount point; the image is the same for the
       * registry and the older syntax's -m */
      cdi_helper_client_trim_async (target.image, /* cancellable= */ NULL, cli_result_cb,
                                    &result);
      cli_wait (&result);
      cli_progress_stop ();
      cli_helper_finish (result, &records, &error);
    }
  cli_log ("trim", target.label != NULL ? target.label : request->target, error);
  if (error != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("cannot trim “%s”"), request->target);

      cli_error (what, error);
      return cli_exit_from_error (error);
    }
  trimmed = cdi_records_find (records, CDI_HELPER_RECORD_TRIMMED);
  if (trimmed != NULL && cdi_record_get_uint64 (trimmed, "bytes", &bytes))
    {
      g_autofree char *size = g_format_size (bytes);

      cli_print (_("Trimmed “%s”: %s of unused space given back"), target.label, size);
    }
  else
    cli_print (_("Trimmed “%s”"), target.label);
  return CLI_EXIT_OK;
}

static const char *
name_of (CdiDiskStore *store,
         const char   *image)
{
  CdiDisk *disk = image != NULL && store != NULL ? cdi_disk_store_lookup_by_image (store, image)
                                                 : NULL;

  return disk != NULL ? cdi_disk_get_name (disk) : "-";
}

int
cli_command_status (CliRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(CdiDiskStore) store = cli_store_load (&store_error);
  guint shown = 0;

  if (store == NULL)
    cli_warning ("%s", store_error->message);
  records = cli_helper_status (&error);
  cli_log ("status", "", error);
  if (records == NULL)
    {
      cli_error (_("cannot get the status"), error);
      return cli_exit_from_error (error);
    }

  for (guint i = 0; i < records->len; i++)
    {
      CdiRecord *record = g_ptr_array_index (records, i);
      const char *image = cdi_record_get (record, "image");
      const char *state = cdi_record_get (record, "state");
      guint64 since = 0;

      if (!g_str_equal (cdi_record_get_kind (record), CDI_HELPER_RECORD_DISK))
        continue;
      if (shown++ == 0)
        cli_print ("%-16s %-9s %-30s %s", _("NAME"), _("STATE"), _("MOUNT POINT"), _("IMAGE"));
      cli_print ("%-16s %-9s %-30s %s", name_of (store, image),
                 state != NULL ? state : "open",
                 cdi_record_get (record, "mountpoint") ?: "?", image != NULL ? image : "?");
      if (cdi_record_get_boolean (record, "read-only"))
        cli_print (_("    read-only"));
      if (cli_output_verbose ())
        {
          g_autoptr(GDateTime) time = NULL;
          g_autofree char *when = NULL;

          if (cdi_record_get_uint64 (record, "since", &since)
              && (time = g_date_time_new_from_unix_local ((gint64) since)) != NULL)
            when = g_date_time_format (time, "%F %T");
          cli_print (_("    device %s, mapping %s, LUKS UUID %s, open since %s, server "
                       "process %s"),
                     cdi_record_get (record, "nbd") ?: "?",
                     cdi_record_get (record, "mapper") ?: "?",
                     cdi_record_get (record, "uuid") ?: "?", when != NULL ? when : "?",
                     cdi_record_get (record, "server-pid") ?: "?");
        }
      if (g_strcmp0 (state, "stale") == 0)
        cli_warning (_("“%s” is stale: its image server stopped. Close it, then open it "
                       "again."), name_of (store, image));
    }
  if (shown == 0)
    cli_print (_("No disks are open."));
  return CLI_EXIT_OK;
}
