/* cdi-secret.c - disk passphrases in the user's keyring (Secret Service)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The only file that includes libsecret. It uses the SecretService API
 * rather than secret_password_lookup(): that one reports a keyring that stayed locked exactly
 * like a missing secret, and secret_password_clear() silently
 * deletes nothing from a locked keyring.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "cdi-error.h"
#include "cdi-helper-protocol.h"
#include "cdi-secret.h"

static const SecretSchema passphrase_schema = {
  CDI_SECRET_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
  {
    { CDI_SECRET_ATTRIBUTE_UUID, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* What GNOME (gvfs, Disks) stores when "remember" is ticked for a LUKS volume */
static const SecretSchema gvfs_schema = {
  CDI_SECRET_GVFS_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
  {
    { CDI_SECRET_GVFS_ATTRIBUTE_UUID, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

typedef struct
{
  char *uuid;
  char *label;
  CdiPassphrase *passphrase;
  SecretService *service;
  gboolean searching_gvfs;
} SecretData;

static void
secret_data_free (SecretData *data)
{
  g_free (data->uuid);
  g_free (data->label);
  g_clear_pointer (&data->passphrase, cdi_passphrase_unref);
  g_clear_object (&data->service);
  g_free (data);
}

static GHashTable *
attributes_for (const SecretSchema *schema,
                const char         *uuid)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) schema->attributes[0].name, (gpointer) uuid);
  return attributes;
}

static void
return_locked (GTask *task)
{
  g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_KEYRING_LOCKED,
                           /* Translators: the keyring stayed locked (unlock prompt dismissed or
                            * impossible); a security message */
                           _("The keyring is locked and was not unlocked. Unlock it (for "
                             "example in “Passwords and Keys”) and try again, or type the "
                             "passphrase."));
}

/* Returns @error (taken) to @task, in our domain unless it is a cancellation */
static void
return_keyring_error (GTask  *task,
                      GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    {
      g_error_free (error);
      return_locked (task);
    }
  else
    {
      g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_FAILED,
                               _("The keyring (Secret Service) could not be used: %s. Is "
                                 "gnome-keyring or another Secret Service running?"),
                               error->message);
      g_error_free (error);
    }
}

static GTask *
secret_task_new (const char          *uuid,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SecretData *data = g_new0 (SecretData, 1);

  g_task_set_source_tag (task, source_tag);
  data->uuid = g_strdup (uuid);
  g_task_set_task_data (task, data, (GDestroyNotify) secret_data_free);
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                             _("“%s” is not a LUKS UUID, so no keyring item can belong to it."),
                             uuid != NULL ? uuid : "");
  return task;
}

/* Lookup: our schema first, then GNOME's; unlocking through the prompt as needed */

static void lookup_search (GTask *task);

static void
lookup_search_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GList *items;
  CdiPassphrase *passphrase = NULL;
  gboolean any_locked = FALSE;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  for (GList *l = items; l != NULL && passphrase == NULL; l = l->next)
    {
      g_autoptr(SecretValue) value = secret_item_get_secret (l->data);
      const char *bytes;
      gsize size = 0;

      if (value == NULL)
        {
          any_locked = TRUE; /* still locked: the prompt was dismissed or could not be shown */
          continue;
        }
      bytes = secret_value_get (value, &size);
      if (size >= CDI_HELPER_PASSPHRASE_MIN && size <= CDI_HELPER_PASSPHRASE_MAX)
        passphrase = cdi_passphrase_new (bytes, size);
    }
  g_list_free_full (items, g_object_unref); /* unrefs the values, which wipes them */

  if (passphrase != NULL)
    g_task_return_pointer (task, passphrase, (GDestroyNotify) cdi_passphrase_unref);
  else if (any_locked)
    return_locked (task);
  else if (!data->searching_gvfs)
    {
      data->searching_gvfs = TRUE;
      lookup_search (g_steal_pointer (&task));
    }
  else
    g_task_return_new_error (task, CDI_ERROR, CDI_ERROR_NOT_FOUND,
                             /* Translators: a security message */
                             _("No passphrase for this disk is stored in the keyring."));
}

static void
lookup_search (GTask *task)
{
  SecretData *data = g_task_get_task_data (task);
  const SecretSchema *schema = data->searching_gvfs ? &gvfs_schema : &passphrase_schema;
  g_autoptr(GHashTable) attributes = attributes_for (schema, data->uuid);

  secret_service_search (data->service, schema, attributes,
                         SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                         g_task_get_cancellable (task), lookup_search_cb, task);
}

static void
lookup_service_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->service = secret_service_get_finish (result, &error);
  if (data->service == NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  lookup_search (g_steal_pointer (&task));
}

/* Finds the passphrase stored for the LUKS volume @uuid */
void
cdi_secret_lookup_async (const char          *uuid,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = secret_task_new (uuid, cdi_secret_lookup_async, cancellable,
                                           callback, user_data);

  if (g_task_had_error (task))
    return;
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, lookup_service_cb,
                      g_steal_pointer (&task));
}

/* Errors: CDI_ERROR_NOT_FOUND (nothing stored), CDI_ERROR_KEYRING_LOCKED, CDI_ERROR_FAILED
 * (no Secret Service), G_IO_ERROR_CANCELLED */
CdiPassphrase *
cdi_secret_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Store: unlock the default collection first, so that a locked one is reported as such */

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_service_store_finish (SECRET_SERVICE (source), result, &error))
    return_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_item (GTask *task)
{
  SecretData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = attributes_for (&passphrase_schema, data->uuid);
  g_autoptr(SecretValue) value = NULL;
  gsize size;
  const guint8 *bytes = cdi_passphrase_get_data (data->passphrase, &size);

  value = secret_value_new ((const char *) bytes, (gssize) size, "text/plain");
  secret_service_store (data->service, &passphrase_schema, attributes, SECRET_COLLECTION_DEFAULT,
                        data->label, value, g_task_get_cancellable (task), store_done_cb, task);
}

static void
store_unlock_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *unlocked = NULL;
  int n;

  n = secret_service_unlock_finish (SECRET_SERVICE (source), result, &unlocked, &error);
  g_list_free_full (unlocked, g_object_unref);
  if (error != NULL)
    return_keyring_error (task, error);
  else if (n < 1)
    return_locked (task);
  else
    store_item (g_steal_pointer (&task));
}

static void
store_collection_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  g_autoptr(SecretCollection) collection = NULL;
  GError *error = NULL;
  GList *objects;

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  if (collection == NULL)
    {
      /* No default collection yet: storing creates one (the service may prompt) */
      store_item (g_steal_pointer (&task));
      return;
    }
  /* Unlocking an unlocked collection returns at once, without a prompt */
  objects = g_list_append (NULL, collection);
  secret_service_unlock (data->service, objects, g_task_get_cancellable (task), store_unlock_cb,
                         g_object_ref (task));
  g_list_free (objects);
}

static void
store_service_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->service = secret_service_get_finish (result, &error);
  if (data->service == NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  secret_collection_for_alias (data->service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               g_task_get_cancellable (task), store_collection_cb,
                               g_object_ref (task));
}

/* Stores (or replaces) the passphrase of the LUKS volume @uuid in the default keyring, labelled
 * with @disk_name */
void
cdi_secret_store_async (const char          *uuid,
                        const char          *disk_name,
                        CdiPassphrase       *passphrase,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretData *data;

  g_return_if_fail (disk_name != NULL);
  g_return_if_fail (passphrase != NULL);

  task = secret_task_new (uuid, cdi_secret_store_async, cancellable, callback, user_data);
  if (g_task_had_error (task))
    return;
  data = g_task_get_task_data (task);
  data->passphrase = cdi_passphrase_ref (passphrase);
  data->label = g_strdup_printf (/* Translators: the label of the keyring item, shown in
                                  * "Passwords and Keys"; %s is the disk's name */
                                 _("Passphrase of encrypted disk “%s”"), disk_name);
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, store_service_cb,
                      g_steal_pointer (&task));
}

gboolean
cdi_secret_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Clear: unlock our items first (a locked item would silently stay), then delete them */

static void
clear_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: nothing (left) to delete, which is fine */
  secret_service_clear_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    return_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
clear_items (GTask *task)
{
  SecretData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = attributes_for (&passphrase_schema, data->uuid);

  secret_service_clear (data->service, &passphrase_schema, attributes,
                        g_task_get_cancellable (task), clear_done_cb, task);
}

static void
clear_unlock_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *unlocked = NULL;
  guint wanted = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "cdi-locked-items"));
  int n;

  n = secret_service_unlock_finish (SECRET_SERVICE (source), result, &unlocked, &error);
  g_list_free_full (unlocked, g_object_unref);
  if (error != NULL)
    return_keyring_error (task, error);
  else if (n < 0 || (guint) n < wanted)
    return_locked (task);
  else
    clear_items (g_steal_pointer (&task));
}

static void
clear_search_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GList *items, *locked = NULL;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  for (GList *l = items; l != NULL; l = l->next)
    if (secret_item_get_locked (l->data))
      locked = g_list_prepend (locked, l->data);
  if (locked == NULL)
    clear_items (g_steal_pointer (&task));
  else
    {
      g_object_set_data (G_OBJECT (task), "cdi-locked-items",
                         GUINT_TO_POINTER (g_list_length (locked)));
      secret_service_unlock (data->service, locked, g_task_get_cancellable (task),
                             clear_unlock_cb, g_object_ref (task));
    }
  g_list_free (locked);
  g_list_free_full (items, g_object_unref);
}

static void
clear_service_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = NULL;
  GError *error = NULL;

  data->service = secret_service_get_finish (result, &error);
  if (data->service == NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  attributes = attributes_for (&passphrase_schema, data->uuid);
  secret_service_search (data->service, &passphrase_schema, attributes, SECRET_SEARCH_ALL,
                         g_task_get_cancellable (task), clear_search_cb, g_object_ref (task));
}

/* Forgets our passphrase of the LUKS volume @uuid ("do not remember"); succeeds when none was
 * stored. GNOME's own item for the volume, if any, is left to GNOME. */
void
cdi_secret_clear_async (const char          *uuid,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = secret_task_new (uuid, cdi_secret_clear_async, cancellable,
                                           callback, user_data);

  if (g_task_had_error (task))
    return;
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, clear_service_cb,
                      g_steal_pointer (&task));
}

gboolean
cdi_secret_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
