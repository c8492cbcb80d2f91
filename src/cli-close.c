/* cli-close.c - close one disk or all, list what keeps a disk busy, and wait for it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"
#include "cli-commands.h"
#include "cli-disks.h"
#include "cli-exit.h"
#include "cli-output.h"

#define WAIT_INTERVAL_SECONDS 2
/* What the helper prints when it has no open disk by that name, and exits 0
 * (helper/verbs-teardown.c) */
#define HELPER_NOTHING_TO_CLOSE "is not an open disk; nothing to close"

static const char *
holds_text (const char *holds)
{
  if (g_strcmp0 (holds, "cwd") == 0)
    return _("working folder");
  if (g_strcmp0 (holds, "root") == 0)
    return _("root folder");
  if (g_strcmp0 (holds, "file") == 0)
    return _("open file");
  if (g_strcmp0 (holds, "map") == 0)
    return _("mapped file");
  if (g_strcmp0 (holds, "exe") == 0)
    return _("running program");
  return holds != NULL ? holds : "?";
}

/* The helper's holder records as a table, or NULL when there are none */
static char *
holders_table (GPtrArray *records)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CdiRecord *record = g_ptr_array_index (records, i);
      g_autofree char *comm = NULL;
      g_autofree char *path = NULL;

      if (!g_str_equal (cdi_record_get_kind (record), CDI_HELPER_RECORD_HOLDER))
        continue;
      if (text->len == 0)
        g_string_append_printf (text, "  %-8s %-16s %-16s %s\n", _("PID"), _("COMMAND"),
                                _("USES AS"), _("PATH"));
      comm = cli_one_line (cdi_record_get (record, "comm"));
      path = cli_one_line (cdi_record_get (record, "path"));
      g_string_append_printf (text, "  %-8s %-16s %-16s %s\n",
                              cdi_record_get (record, "pid") ?: "?", comm,
                              holds_text (cdi_record_get (record, "holds")), path);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
report_trimmed (const char *label,
                GPtrArray  *records)
{
  CdiRecord *trimmed = cdi_records_find (records, CDI_HELPER_RECORD_TRIMMED);
  guint64 bytes;

  if (trimmed != NULL && cdi_record_get_uint64 (trimmed, "bytes", &bytes))
    {
      g_autofree char *size = g_format_size (bytes);

      cli_detail (_("Gave %s of unused space of “%s” back before closing"), size, label);
    }
}

/* The helper closed nothing, yet @mountpoint is mounted: a disk opened some other way, most
 * likely by the older bash tools (their mapping names are not ours). Saying "closed" would be
 * wrong, and the user needs to know how to close it. */
static gboolean
mounted_by_others (GAsyncResult  *result,
                   const char    *mountpoint,
                   GError       **error)
{
  const char *err = cdi_helper_client_run_get_stderr (result);

  if (mountpoint == NULL || err == NULL || strstr (err, HELPER_NOTHING_TO_CLOSE) == NULL
      || !cli_is_mounted (mountpoint))
    return FALSE;
  g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
               /* Translators: %s are the same mount point */
               _("%s is mounted, but not by crypt-disk-image, so it was left alone. Maybe the "
                 "older crypt-disk-image tools opened it: close it with them, or run "
                 "“sudo umount %s”, then “sudo cryptsetup close” on its mapping and "
                 "“sudo qemu-nbd -d” on its /dev/nbd device."), mountpoint, mountpoint);
  return TRUE;
}

/* Closes @path (image or mount point); with --wait, tries again while programs hold files.
 * @mountpoint, if known, is checked when the helper finds nothing to close. */
static int
close_one (CliRequest *request,
           const char *label,
           const char *path,
           const char *mountpoint,
           gboolean    trim)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *shown_holders = NULL;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) records = NULL;
      g_autofree char *step = g_strdup_printf (_("Closing “%s”"), label);
      g_autofree char *holders = NULL;
      g_autofree char *what = NULL;
      gint64 elapsed;

      cli_progress_step (step);
      cdi_helper_client_close_async (path, trim, /* cancellable= */ NULL, cli_result_cb, &result);
      cli_wait (&result);
      cli_progress_stop ();
      if (cli_helper_finish (result, &records, &error)
          && mounted_by_others (result, mountpoint, &error))
        {
          what = g_strdup_printf (_("cannot close “%s”"), label);
          cli_log ("close", label, error);
          cli_error (what, error);
          return cli_exit_from_error (error);
        }
      if (error == NULL)
        {
          cli_log ("close", label, NULL);
          report_trimmed (label, records);
          cli_print (_("“%s” is closed"), label);
          return CLI_EXIT_OK;
        }

      holders = g_error_matches (error, CDI_ERROR, CDI_ERROR_BUSY)
                ? holders_table (cdi_helper_client_run_get_records (result)) : NULL;
      elapsed = (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      if (holders != NULL && request->wait
          && (request->wait_seconds == 0 || elapsed < request->wait_seconds))
        {
          if (g_strcmp0 (holders, shown_holders) != 0)
            {
              g_printerr (_("“%s” is in use. Waiting until these programs close their files or "
                            "leave the folder (Ctrl+C stops):\n%s"), label, holders);
              g_free (shown_holders);
              shown_holders = g_steal_pointer (&holders);
            }
          g_free (step);
          step = g_strdup_printf (_("Waiting for programs to let go of “%s”"), label);
          cli_progress_step (step);
          cli_sleep (WAIT_INTERVAL_SECONDS);
          continue;
        }

      cli_log ("close", label, error);
      if (holders != NULL && request->wait)
        what = g_strdup_printf (_("cannot close “%s” (still in use after %u seconds)"), label,
                                request->wait_seconds);
      else
        what = g_strdup_printf (_("cannot close “%s”"), label);
      cli_error (what, error);
      if (holders != NULL)
        g_printerr ("%s", holders);
      return cli_exit_from_error (error);
    }
}

static int
close_all (CliRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(CdiDiskStore) store = cli_store_load (&store_error);
  g_autoptr(GPtrArray) records = cli_helper_status (&error);
  int status = CLI_EXIT_OK;
  guint closed = 0;

  if (store == NULL)
    cli_warning ("%s", store_error->message);
  if (records == NULL)
    {
      cli_log ("close", "--all", error);
      cli_error (_("cannot find the open disks"), error);
      return cli_exit_from_error (error);
    }
  for (guint i = 0; i < records->len; i++)
    {
      CdiRecord *record = g_ptr_array_index (records, i);
      const char *image = cdi_record_get (record, "image");
      CdiDisk *disk;
      int one;

      if (!g_str_equal (cdi_record_get_kind (record), CDI_HELPER_RECORD_DISK) || image == NULL)
        continue;
      disk = store != NULL ? cdi_disk_store_lookup_by_image (store, image) : NULL;
      one = close_one (request, disk != NULL ? cdi_disk_get_name (disk) : image, image,
                       /* mountpoint= */ NULL,
                       !request->no_trim && (disk == NULL || cdi_disk_get_trim (disk)));
      if (status == CLI_EXIT_OK)
        status = one;
      closed++;
    }
  if (closed == 0)
    cli_print (_("No disks are open."));
  return status;
}

int
cli_command_close (CliRequest *request)
{
  g_auto(CliTarget) target = { 0, };
  g_autoptr(GError) error = NULL;
  const char *mountpoint;

  if (request->all)
    return close_all (request);
  if (!cli_target_resolve (request, /* allow_path= */ TRUE, &target, &error))
    {
      g_autofree char *what = g_strdup_printf (_("cannot close “%s”"), request->target);

      cli_log ("close", request->target, error);
      cli_error (what, error);
      return cli_exit_from_error (error);
    }
  mountpoint = target.mountpoint;
  /* An unregistered path may be the mount point itself */
  if (target.mountpoint == NULL && g_file_test (target.image, G_FILE_TEST_IS_DIR))
    mountpoint = target.image;
  return close_one (request, target.label, target.image, mountpoint,
                    !request->no_trim && (target.disk == NULL || cdi_disk_get_trim (target.disk)));
}
