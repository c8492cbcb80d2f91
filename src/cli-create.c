/* cli-create.c - create: a new image, formatted by the helper, registered, maybe a script
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Order, so that a failure leaves nothing half made: check the registry for conflicts; reserve
 * the script file (O_EXCL); get the passphrase; create and format the image
 * (cdi_image_create_async(), which removes what it made on failure); register the disk; keep
 * the passphrase in the keyring (--keyring); fill in the script. A failure before the image
 * exists removes the empty script file again.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "cdi-error.h"
#include "cdi-image.h"
#include "cdi-path-checks.h"
#include "cdi-password-command.h"
#include "cdi-size.h"
#include "cli-commands.h"
#include "cli-disks.h"
#include "cli-exit.h"
#include "cli-output.h"
#include "cli-passphrase.h"
#include "cli-script.h"

#define DEFAULT_SIZE (G_GUINT64_CONSTANT (100) << 30) /* the older tools' 100G */

/* The applet's default size when its settings schema is installed, else 100 GiB */
static guint64
default_size (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *text = NULL;
  guint64 bytes;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "default-size"))
    return DEFAULT_SIZE;
  settings = g_settings_new_full (schema, NULL, NULL);
  text = g_settings_get_string (settings, "default-size");
  return cdi_size_parse (text, &bytes, NULL) ? bytes : DEFAULT_SIZE;
}

static void
progress_cb (const char *step,
             gpointer    user_data)
{
  cli_progress_step (step);
}

/* Refuses early a name the registry would refuse after the image is made (the image and the
 * mount point are checked against the registry by cdi_check_new_image and
 * cdi_check_mountpoint) */
static gboolean
check_name_free (CdiDiskStore  *store,
                 const char    *name,
                 GError       **error)
{
  if (cdi_disk_store_lookup (store, name) == NULL)
    return TRUE;
  g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
               _("A disk named “%s” already exists. Choose another name with --name."), name);
  return FALSE;
}

static gboolean
make_image (CliRequest     *request,
            const char     *image,
            const char     *mountpoint,
            CdiPassphrase  *passphrase,
            char          **ret_uuid,
            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  CdiHelperFormatOptions options = {
    .pbkdf = request->pbkdf,
    .memory_kib = request->pbkdf_memory_kib,
    .time_ms = request->pbkdf_time_ms,
    .iterations = request->pbkdf_iterations,
  };
  guint64 size = request->size > 0 ? request->size : default_size ();

  cdi_image_create_async (image, size, mountpoint, passphrase, &options, progress_cb, NULL,
                          /* cancellable= */ NULL, cli_result_cb, &result);
  cli_wait (&result);
  cli_progress_stop ();
  return cdi_image_create_finish (result, ret_uuid, error);
}

static gboolean
register_disk (CdiDiskStore  *store,
               CliRequest    *request,
               const char    *name,
               const char    *image,
               const char    *mountpoint,
               const char    *uuid,
               GError       **error)
{
  g_autoptr(CdiDisk) disk = cdi_disk_new (name, image, mountpoint);

  cdi_disk_set_uuid (disk, uuid);
  cdi_disk_set_passphrase_source (disk, request->source);
  cdi_disk_set_password_command (disk, request->password_command);
  if (cdi_disk_store_add (store, disk, error) && cli_store_save (store, error))
    return TRUE;
  g_prefix_error (error, _("The image was made, but not registered (register it with "
                           "“crypt-disk-image add”): "));
  return FALSE;
}

static int
fail (const char  *name,
      const char  *script,
      int          script_fd,
      GError      *error)
{
  g_autofree char *what = g_strdup_printf (_("cannot create “%s”"), name);

  if (script_fd >= 0)
    {
      g_close (script_fd, NULL);
      g_unlink (script); /* still the empty file we made, O_EXCL saw to that */
    }
  cli_log ("create", name, error);
  cli_error (what, error);
  return cli_exit_from_error (error);
}

static void
print_done (CliRequest *request,
            const char *name,
            const char *image,
            const char *mountpoint)
{
  cli_print (_("Created “%s”: %s (mount point %s); it is closed"), name, image, mountpoint);
  if (request->script != NULL)
    {
      cli_print (_("Run the following script to open “%s”, decrypt it and mount it on “%s”:"),
                 image, mountpoint);
      cli_print ("$ %s open\n", request->script);
      cli_print (_("Run the following script to close it:"));
      cli_print ("$ %s close", request->script);
    }
  else
    cli_print (_("Open it with: crypt-disk-image open %s"), name);
}

int
cli_command_create (CliRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiDiskStore) store = NULL;
  g_autoptr(CdiPassphrase) passphrase = NULL;
  g_autofree char *image = g_canonicalize_filename (request->image, NULL);
  g_autofree char *mountpoint = g_canonicalize_filename (request->mountpoint, NULL);
  g_autofree char *name = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *script_text = NULL;
  g_autofree char *script_command = NULL;
  int script_fd = -1;

  store = cli_store_load (&error);
  if (store == NULL)
    return fail (request->image, NULL, -1, g_steal_pointer (&error));
  name = request->name != NULL ? g_strdup (request->name) : cli_store_unique_name (store, image);
  /* The same checks as the wizard's, before any passphrase is asked for: nobody should type
   * one twice only to learn that the file exists */
  if (!check_name_free (store, name, &error)
      || !cdi_check_new_image (store, image, &error)
      || !cdi_check_mountpoint (store, mountpoint, NULL, &error)
      || !cdi_check_distinct_places (image, mountpoint, &error)
      || (request->password_command != NULL
          && !cdi_password_command_parse (request->password_command, NULL, &error)))
    return fail (name, NULL, -1, g_steal_pointer (&error));
  /* The script's -p goes through bash -c: a --password-command (no shell) is quoted word by word,
   * so that the script gets the same passphrase as this create does */
  if (request->script != NULL && request->legacy_command != NULL)
    script_command = g_strdup (request->legacy_command);
  else if (request->script != NULL && request->password_command != NULL
           && (script_command = cli_script_command_for_bash (request->password_command,
                                                             &error)) == NULL)
    return fail (name, NULL, -1, g_steal_pointer (&error));
  if (request->script != NULL && (script_fd = cli_script_create (request->script, &error)) < 0)
    return fail (name, NULL, -1, g_steal_pointer (&error));

  passphrase = cli_passphrase_for_create (name, request->passphrase_stdin,
                                          request->password_command, &error);
  if (passphrase == NULL || !make_image (request, image, mountpoint, passphrase, &uuid, &error))
    return fail (name, request->script, script_fd, g_steal_pointer (&error));

  if (!register_disk (store, request, name, image, mountpoint, uuid, &error))
    cli_warning ("%s", error->message);
  g_clear_error (&error);
  if (request->source == CDI_PASSPHRASE_SOURCE_KEYRING
      && (uuid == NULL || !cli_secret_store (uuid, name, passphrase, &error)))
    cli_warning (_("The passphrase could not be kept in the keyring (%s); it is asked for at "
                   "the next open and kept then."),
                 error != NULL ? error->message : _("the helper did not report the LUKS UUID"));
  g_clear_error (&error);

  if (script_fd >= 0)
    {
      script_text = cli_script_build (CLI_SCRIPT_PROGRAM, mountpoint, script_command, image);
      if (!cli_script_write (script_fd, script_text, &error))
        {
          g_prefix_error (&error, _("The disk was made and registered, but: "));
          cli_log ("create", name, error);
          cli_error (NULL, error);
          return cli_exit_from_error (error);
        }
    }
  cli_log ("create", name, NULL);
  print_done (request, name, image, mountpoint);
  return CLI_EXIT_OK;
}
