/* cli-disks.c - what the commands share: the registry, finding a disk, helper calls
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"
#include "cdi-secret.h"
#include "cli-disks.h"
#include "cli-output.h"

/* The registry, its problems printed as warnings */
CdiDiskStore *
cli_store_load (GError **error)
{
  g_autoptr(CdiDiskStore) store = cdi_disk_store_new (/* path= */ NULL);
  GPtrArray *problems;

  if (!cdi_disk_store_load (store, error))
    return NULL;
  problems = cdi_disk_store_get_problems (store);
  for (guint i = 0; i < problems->len; i++)
    cli_warning ("%s", (const char *) g_ptr_array_index (problems, i));
  return g_steal_pointer (&store);
}

gboolean
cli_store_save (CdiDiskStore  *store,
                GError       **error)
{
  cli_detail (_("Saving the list of disks in %s"), cdi_disk_store_get_path (store));
  return cdi_disk_store_save (store, error);
}

/* A path rather than a disk name: names never contain a slash */
gboolean
cli_looks_like_path (const char *text)
{
  return strchr (text, '/') != NULL || g_file_test (text, G_FILE_TEST_EXISTS);
}

/* The registered disk named @name_or_path, or whose image or mount point it is (transfer none) */
CdiDisk *
cli_store_find (CdiDiskStore *store,
                const char   *name_or_path)
{
  CdiDisk *disk = cdi_disk_store_lookup (store, name_or_path);

  if (disk == NULL && cli_looks_like_path (name_or_path))
    disk = cdi_disk_store_lookup_by_image (store, name_or_path);
  if (disk == NULL && cli_looks_like_path (name_or_path))
    disk = cdi_disk_store_lookup_by_mountpoint (store, name_or_path);
  return disk;
}

/* A free disk name made from the image's file name: "work.qcow2" -> "work", then "work-2" */
char *
cli_store_unique_name (CdiDiskStore *store,
                       const char   *image)
{
  g_autofree char *base = g_path_get_basename (image);
  g_autoptr(GString) name = g_string_new (NULL);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  for (const char *p = base; *p != '\0' && name->len < CDI_DISK_NAME_MAX - 4; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || strchr ("._-", *p) ? *p : '-');
  if (!cdi_disk_name_is_valid (name->str))
    g_string_assign (name, "disk");
  for (guint n = 2; cdi_disk_store_lookup (store, name->str) != NULL && n < 1000; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", name->str, n);

      if (cdi_disk_name_is_valid (candidate) && cdi_disk_store_lookup (store, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }
  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* cdi_helper_client_run_finish(), plus the helper's stderr with -v */
gboolean
cli_helper_finish (GAsyncResult  *result,
                   GPtrArray    **ret_records,
                   GError       **error)
{
  const char *err = cdi_helper_client_run_get_stderr (result);

  if (err != NULL && *err != '\0' && cli_output_verbose ())
    {
      g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i] != '\0')
          cli_detail (_("helper: %s"), lines[i]);
    }
  return cdi_helper_client_run_finish (result, ret_records, error);
}

/* The helper's status records (the caller's open disks) */
GPtrArray *
cli_helper_status (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GPtrArray *records = NULL;

  cli_detail (_("Asking the helper which disks are open"));
  cdi_helper_client_status_async (/* cancellable= */ NULL, cli_result_cb, &result);
  cli_wait (&result);
  if (!cli_helper_finish (result, &records, error))
    return NULL;
  return records;
}

static gboolean
same_path (const char *a,
           const char *b)
{
  g_autofree char *canonical_a = NULL;
  g_autofree char *canonical_b = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  canonical_a = g_canonicalize_filename (a, NULL);
  canonical_b = g_canonicalize_filename (b, NULL);
  return g_str_equal (canonical_a, canonical_b);
}

/* The status record of the open disk with image @image, or NULL */
CdiRecord *
cli_status_find (GPtrArray  *records,
                 const char *image)
{
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CdiRecord *record = g_ptr_array_index (records, i);

      if (g_str_equal (cdi_record_get_kind (record), CDI_HELPER_RECORD_DISK)
          && same_path (cdi_record_get (record, "image"), image))
        return record;
    }
  return NULL;
}

/* Whether something is mounted on @mountpoint (/proc/self/mountinfo; no root needed) */
gboolean
cli_is_mounted (const char *mountpoint)
{
  g_autofree char *contents = NULL;
  g_autofree char *canonical = g_canonicalize_filename (mountpoint, NULL);
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 6);
      g_autofree char *path = NULL;

      if (g_strv_length (fields) < 5)
        continue;
      path = g_strcompress (fields[4]); /* \040 and friends */
      if (g_str_equal (path, canonical))
        return TRUE;
    }
  return FALSE;
}

CdiPassphrase *
cli_secret_lookup (const char  *uuid,
                   GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cli_detail (_("Looking up the passphrase in the keyring"));
  cdi_secret_lookup_async (uuid, /* cancellable= */ NULL, cli_result_cb, &result);
  cli_wait (&result);
  return cdi_secret_lookup_finish (result, error);
}

gboolean
cli_secret_store (const char     *uuid,
                  const char     *name,
                  CdiPassphrase  *passphrase,
                  GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cli_detail (_("Storing the passphrase in the keyring"));
  cdi_secret_store_async (uuid, name, passphrase, /* cancellable= */ NULL, cli_result_cb, &result);
  cli_wait (&result);
  return cdi_secret_store_finish (result, error);
}

/* What the command line names: a registered disk, or (old syntax) an image path */
void
cli_target_clear (CliTarget *self)
{
  g_clear_object (&self->store);
  g_clear_object (&self->disk);
  g_free (self->image);
  g_free (self->mountpoint);
  g_free (self->label);
}

/* The older syntax may name any image; the new one a registered disk, or for @allow_path (close,
 * trim) also the path of an open image or mount point */
gboolean
cli_target_resolve (CliRequest  *request,
                    gboolean     allow_path,
                    CliTarget   *target,
                    GError     **error)
{
  CdiDisk *disk;

  target->store = cli_store_load (error);
  if (target->store == NULL)
    return FALSE;
  disk = cli_store_find (target->store, request->target);
  if (disk == NULL && request->syntax == CLI_SYNTAX_NEW
      && !(allow_path && cli_looks_like_path (request->target)))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND,
                   _("There is no registered disk “%s”. See “crypt-disk-image list”, or "
                     "register the image with “crypt-disk-image add IMAGE --mount DIR”."),
                   request->target);
      return FALSE;
    }
  if (disk != NULL)
    {
      target->disk = g_object_ref (disk);
      target->image = g_strdup (cdi_disk_get_image (disk));
      target->mountpoint = g_strdup (cdi_disk_get_mountpoint (disk));
      target->label = g_strdup (cdi_disk_get_name (disk));
    }
  else
    {
      target->image = g_canonicalize_filename (request->target, NULL);
      target->label = g_strdup (request->target);
    }
  /* The older syntax's -m wins over the registered mount point: the script says so */
  if (request->mountpoint != NULL)
    {
      g_free (target->mountpoint);
      target->mountpoint = g_canonicalize_filename (request->mountpoint, NULL);
    }
  return TRUE;
}
