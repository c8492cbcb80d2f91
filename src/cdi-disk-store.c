/* cdi-disk-store.c - the user's registry of disks: $XDG_CONFIG_HOME/crypt-disk-image/disks.conf
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cdi-disk-store.h"
#include "cdi-error.h"

#define GROUP_PREFIX "disk "
#define ABSENT_CHECKSUM "absent"

struct _CdiDiskStore
{
  GObject parent_instance;

  char *path;
  GPtrArray *disks;          /* CdiDisk, in file order */
  GPtrArray *problems;       /* char *, from the last load */
  GKeyFile *key_file;        /* as last loaded or saved: keeps what we do not understand */
  GHashTable *file_names;    /* names of the disk groups in key_file that we manage */
  char *checksum;            /* of the file as last loaded or saved */
  gboolean corrupt;          /* the file on disk is not a key file: keep it aside on save */
  gboolean dirty;
  gboolean loading;          /* setting changes come from the file, not the user */
  GFileMonitor *monitor;
};

G_DEFINE_FINAL_TYPE (CdiDiskStore, cdi_disk_store, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  N_PROPS
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void disk_notify_cb (CdiDisk *disk, GParamSpec *pspec, CdiDiskStore *self);

static void
cdi_disk_store_finalize (GObject *object)
{
  CdiDiskStore *self = CDI_DISK_STORE (object);

  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  for (guint i = 0; i < self->disks->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->disks, i), disk_notify_cb, self);
  g_ptr_array_unref (self->disks);
  g_ptr_array_unref (self->problems);
  g_key_file_unref (self->key_file);
  g_hash_table_unref (self->file_names);
  g_free (self->checksum);
  g_free (self->path);
  G_OBJECT_CLASS (cdi_disk_store_parent_class)->finalize (object);
}

static void
cdi_disk_store_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CdiDiskStore *self = CDI_DISK_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH: g_value_set_string (value, self->path); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
cdi_disk_store_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CdiDiskStore *self = CDI_DISK_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = g_build_filename (g_get_user_config_dir (), PACKAGE_NAME, "disks.conf", NULL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
cdi_disk_store_class_init (CdiDiskStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cdi_disk_store_finalize;
  object_class->get_property = cdi_disk_store_get_property;
  object_class->set_property = cdi_disk_store_set_property;

  props[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cdi_disk_store_init (CdiDiskStore *self)
{
  self->disks = g_ptr_array_new_with_free_func (g_object_unref);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  self->key_file = g_key_file_new ();
  self->file_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->checksum = g_strdup (ABSENT_CHECKSUM);
}

/* @path: NULL for $XDG_CONFIG_HOME/crypt-disk-image/disks.conf */
CdiDiskStore *
cdi_disk_store_new (const char *path)
{
  return g_object_new (CDI_TYPE_DISK_STORE, "path", path, NULL);
}

const char *
cdi_disk_store_get_path (CdiDiskStore *self)
{
  g_return_val_if_fail (CDI_IS_DISK_STORE (self), NULL);

  return self->path;
}

/* Problems found by the last load: translated sentences, one per skipped group or key */
GPtrArray *
cdi_disk_store_get_problems (CdiDiskStore *self)
{
  g_return_val_if_fail (CDI_IS_DISK_STORE (self), NULL);

  return self->problems;
}

static void
add_problem (GPtrArray  *problems,
             const char *path,
             const char *group,
             const char *reason)
{
  char *problem = g_strdup_printf (_("%s, group [%s]: %s The disk is ignored until this is fixed."),
                                   path, group, reason);

  g_debug ("%s", problem);
  g_ptr_array_add (problems, problem);
}

static gboolean
read_tristate (GKeyFile     *key_file,
               const char   *group,
               const char   *key,
               CdiTristate  *ret_value,
               GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean value;

  *ret_value = CDI_TRISTATE_DEFAULT;
  if (!g_key_file_has_key (key_file, group, key, NULL))
    return TRUE;
  value = g_key_file_get_boolean (key_file, group, key, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The key “%s” must be true or false."), key);
      return FALSE;
    }
  *ret_value = value ? CDI_TRISTATE_TRUE : CDI_TRISTATE_FALSE;
  return TRUE;
}

static gboolean
read_string (GKeyFile    *key_file,
             const char  *group,
             const char  *key,
             gboolean     required,
             char       **ret_value,
             GError     **error)
{
  *ret_value = g_key_file_get_string (key_file, group, key, NULL);
  if (*ret_value == NULL && required)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The key “%s” is missing."), key);
      return FALSE;
    }
  return TRUE;
}

/* One "disk NAME" group as a disk, validated on its own */
static CdiDisk *
disk_from_group (GKeyFile    *key_file,
                 const char  *group,
                 GError     **error)
{
  g_autoptr(CdiDisk) disk = NULL;
  g_autofree char *image = NULL, *mountpoint = NULL, *uuid = NULL;
  g_autofree char *source_text = NULL, *command = NULL;
  CdiPassphraseSource source = CDI_PASSPHRASE_SOURCE_ASK;
  CdiTristate on_lock, on_suspend, on_logout, trim, is_default, at_login;
  int idle = CDI_DISK_IDLE_MINUTES_DEFAULT;

  if (!read_string (key_file, group, "image", TRUE, &image, error)
      || !read_string (key_file, group, "mountpoint", TRUE, &mountpoint, error)
      || !read_string (key_file, group, "uuid", FALSE, &uuid, error)
      || !read_string (key_file, group, "passphrase-source", FALSE, &source_text, error)
      || !read_string (key_file, group, "password-command", FALSE, &command, error)
      || !read_tristate (key_file, group, "close-on-lock", &on_lock, error)
      || !read_tristate (key_file, group, "close-on-suspend", &on_suspend, error)
      || !read_tristate (key_file, group, "close-on-logout", &on_logout, error)
      || !read_tristate (key_file, group, "trim", &trim, error)
      || !read_tristate (key_file, group, "default", &is_default, error)
      || !read_tristate (key_file, group, "open-at-login", &at_login, error))
    return NULL;
  if (source_text != NULL && !cdi_passphrase_source_from_string (source_text, &source))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("The passphrase source “%s” is unknown: use keyring, command or ask."),
                   source_text);
      return NULL;
    }
  if (g_key_file_has_key (key_file, group, "close-when-idle-minutes", NULL))
    {
      g_autofree char *text = g_key_file_get_string (key_file, group, "close-when-idle-minutes",
                                                     NULL);
      guint64 minutes;

      if (text == NULL
          || !g_ascii_string_to_unsigned (text, 10, 0, CDI_DISK_IDLE_MINUTES_MAX, &minutes, NULL))
        {
          g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                       _("The key “close-when-idle-minutes” must be a number of minutes from 0 "
                         "to %d."),
                       CDI_DISK_IDLE_MINUTES_MAX);
          return NULL;
        }
      idle = (int) minutes;
    }

  disk = cdi_disk_new (group + strlen (GROUP_PREFIX), image, mountpoint);
  g_object_set (disk,
                "uuid", uuid,
                "passphrase-source", source,
                "password-command", command,
                "close-on-lock", on_lock,
                "close-on-suspend", on_suspend,
                "close-on-logout", on_logout,
                "close-when-idle-minutes", idle,
                "trim", trim != CDI_TRISTATE_FALSE,
                "default", is_default == CDI_TRISTATE_TRUE,
                "open-at-login", at_login == CDI_TRISTATE_TRUE,
                NULL);
  if (!cdi_disk_validate (disk, error))
    return NULL;
  return g_steal_pointer (&disk);
}

static gboolean
same_path (const char *a,
           const char *b)
{
  g_autofree char *canonical_a = g_canonicalize_filename (a, "/");
  g_autofree char *canonical_b = g_canonicalize_filename (b, "/");

  return g_str_equal (canonical_a, canonical_b);
}

/* A disk among @disks with @disk's name, image or mount point, and a sentence about it */
static CdiDisk *
find_conflict (GPtrArray  *disks,
               CdiDisk    *disk,
               char      **ret_reason)
{
  for (guint i = 0; i < disks->len; i++)
    {
      CdiDisk *other = g_ptr_array_index (disks, i);

      if (g_str_equal (cdi_disk_get_name (other), cdi_disk_get_name (disk)))
        *ret_reason = g_strdup_printf (_("A disk named “%s” already exists."),
                                       cdi_disk_get_name (disk));
      else if (same_path (cdi_disk_get_image (other), cdi_disk_get_image (disk)))
        *ret_reason =
          g_strdup_printf (_("The image “%s” is already registered as disk “%s”."),
                           cdi_disk_get_image (disk), cdi_disk_get_name (other));
      else if (same_path (cdi_disk_get_mountpoint (other), cdi_disk_get_mountpoint (disk)))
        *ret_reason =
          g_strdup_printf (_("The mount point “%s” is already used by disk “%s”."),
                           cdi_disk_get_mountpoint (disk), cdi_disk_get_name (other));
      else
        continue;
      return other;
    }
  return NULL;
}

/* Parses @contents into @disks and @problems; never fails */
static GKeyFile *
parse_contents (const char *path,
                const char *contents,
                gsize       size,
                GPtrArray  *disks,
                GPtrArray  *problems,
                gboolean   *ret_corrupt)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;
  gboolean have_default = FALSE;

  *ret_corrupt = FALSE;
  if (contents != NULL
      && !g_key_file_load_from_data (key_file, contents, size,
                                     G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                                     &error))
    {
      char *problem = g_strdup_printf (_("%s cannot be read (%s), so no disks are listed. Fix or "
                                         "remove the file; it is kept as %s.corrupt when the "
                                         "list of disks next changes."),
                                       path, error->message, path);

      g_debug ("%s", problem);
      g_ptr_array_add (problems, problem);
      *ret_corrupt = TRUE;
      return g_key_file_new ();
    }

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr(CdiDisk) disk = NULL;
      g_autofree char *reason = NULL;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        {
          add_problem (problems, path, groups[i],
                       _("Disk groups are named “disk NAME”."));
          continue;
        }
      disk = disk_from_group (key_file, groups[i], &error);
      if (disk == NULL)
        {
          add_problem (problems, path, groups[i], error->message);
          g_clear_error (&error);
          continue;
        }
      if (find_conflict (disks, disk, &reason) != NULL)
        {
          add_problem (problems, path, groups[i], reason);
          continue;
        }
      if (cdi_disk_get_default (disk) && have_default)
        cdi_disk_set_default (disk, FALSE); /* the first one wins */
      have_default |= cdi_disk_get_default (disk);
      g_ptr_array_add (disks, g_steal_pointer (&disk));
    }
  return g_steal_pointer (&key_file);
}

static void
track_disk (CdiDiskStore *self,
            CdiDisk      *disk)
{
  g_ptr_array_add (self->disks, g_object_ref (disk));
  g_signal_connect (disk, "notify", G_CALLBACK (disk_notify_cb), self);
}

static void
untrack_disk (CdiDiskStore *self,
              guint         index)
{
  CdiDisk *disk = g_ptr_array_index (self->disks, index);

  g_signal_handlers_disconnect_by_func (disk, disk_notify_cb, self);
  g_ptr_array_remove_index (self->disks, index);
}

/* Makes the list match @contents (NULL: no file), keeping the objects of disks that stay */
static void
apply_contents (CdiDiskStore *self,
                const char   *contents,
                gsize         size)
{
  g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GKeyFile) key_file = NULL;

  g_ptr_array_set_size (self->problems, 0);
  key_file = parse_contents (self->path, contents, size, disks, self->problems, &self->corrupt);

  /* Disks that stay keep their object (the applet holds them), in the file's order */
  self->loading = TRUE;
  for (guint j = 0; j < disks->len; j++)
    {
      CdiDisk *disk = g_ptr_array_index (disks, j);
      CdiDisk *old = cdi_disk_store_lookup (self, cdi_disk_get_name (disk));

      if (old != NULL)
        {
          cdi_disk_update_from (old, disk);
          g_ptr_array_index (disks, j) = g_object_ref (old);
          g_object_unref (disk);
        }
    }
  while (self->disks->len > 0)
    untrack_disk (self, self->disks->len - 1);
  for (guint j = 0; j < disks->len; j++)
    track_disk (self, g_ptr_array_index (disks, j));
  self->loading = FALSE;

  g_hash_table_remove_all (self->file_names);
  for (guint j = 0; j < disks->len; j++)
    g_hash_table_add (self->file_names,
                      g_strdup (cdi_disk_get_name (g_ptr_array_index (disks, j))));
  g_key_file_unref (self->key_file);
  self->key_file = g_steal_pointer (&key_file);
  self->dirty = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static gboolean
read_file (CdiDiskStore  *self,
           char         **ret_contents,
           gsize         *ret_size,
           GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  *ret_contents = NULL;
  *ret_size = 0;
  if (g_file_get_contents (self->path, ret_contents, ret_size, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return TRUE;
  g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
               _("Could not read the list of disks: %s"), local_error->message);
  return FALSE;
}

static char *
checksum_of (const char *contents,
             gsize       size)
{
  if (contents == NULL)
    return g_strdup (ABSENT_CHECKSUM);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, size);
}

/* Reads the file. A missing file is an empty list; an unreadable one (permissions) is an
 * error; anything else loads, with what was skipped in cdi_disk_store_get_problems(). */
gboolean
cdi_disk_store_load (CdiDiskStore  *self,
                     GError       **error)
{
  g_autofree char *contents = NULL;
  gsize size;

  g_return_val_if_fail (CDI_IS_DISK_STORE (self), FALSE);

  if (!read_file (self, &contents, &size, error))
    return FALSE;
  g_free (self->checksum);
  self->checksum = checksum_of (contents, size);
  apply_contents (self, contents, size);
  return TRUE;
}

static void
write_tristate (GKeyFile    *key_file,
                const char  *group,
                const char  *key,
                CdiTristate  value)
{
  if (value == CDI_TRISTATE_DEFAULT)
    g_key_file_remove_key (key_file, group, key, NULL);
  else
    g_key_file_set_boolean (key_file, group, key, value == CDI_TRISTATE_TRUE);
}

static void
write_string (GKeyFile   *key_file,
              const char *group,
              const char *key,
              const char *value)
{
  if (value == NULL)
    g_key_file_remove_key (key_file, group, key, NULL);
  else
    g_key_file_set_string (key_file, group, key, value);
}

static void
disk_to_group (CdiDisk  *disk,
               GKeyFile *key_file)
{
  g_autofree char *group = g_strconcat (GROUP_PREFIX, cdi_disk_get_name (disk), NULL);
  int idle = cdi_disk_get_close_when_idle_minutes (disk);

  write_string (key_file, group, "image", cdi_disk_get_image (disk));
  write_string (key_file, group, "mountpoint", cdi_disk_get_mountpoint (disk));
  write_string (key_file, group, "uuid", cdi_disk_get_uuid (disk));
  write_string (key_file, group, "passphrase-source",
                cdi_passphrase_source_to_string (cdi_disk_get_passphrase_source (disk)));
  write_string (key_file, group, "password-command", cdi_disk_get_password_command (disk));
  write_tristate (key_file, group, "close-on-lock", cdi_disk_get_close_on_lock (disk));
  write_tristate (key_file, group, "close-on-suspend", cdi_disk_get_close_on_suspend (disk));
  write_tristate (key_file, group, "close-on-logout", cdi_disk_get_close_on_logout (disk));
  if (idle == CDI_DISK_IDLE_MINUTES_DEFAULT)
    g_key_file_remove_key (key_file, group, "close-when-idle-minutes", NULL);
  else
    g_key_file_set_integer (key_file, group, "close-when-idle-minutes", idle);
  g_key_file_set_boolean (key_file, group, "trim", cdi_disk_get_trim (disk));
  write_tristate (key_file, group, "default",
                  cdi_disk_get_default (disk) ? CDI_TRISTATE_TRUE : CDI_TRISTATE_DEFAULT);
  write_tristate (key_file, group, "open-at-login",
                  cdi_disk_get_open_at_login (disk) ? CDI_TRISTATE_TRUE : CDI_TRISTATE_DEFAULT);
}

/* Writes the file atomically (mode 0600, directory 0700) if anything changed since the last
 * load or save; groups the store skipped or does not know stay as they were. */
gboolean
cdi_disk_store_save (CdiDiskStore  *self,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  g_autofree char *comment = NULL;
  GHashTableIter iter;
  const char *name;
  gsize size;

  g_return_val_if_fail (CDI_IS_DISK_STORE (self), FALSE);

  if (!self->dirty)
    return TRUE;

  g_hash_table_iter_init (&iter, self->file_names);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (cdi_disk_store_lookup (self, name) == NULL)
      {
        g_autofree char *group = g_strconcat (GROUP_PREFIX, name, NULL);

        g_key_file_remove_group (self->key_file, group, NULL);
      }
  comment = g_key_file_get_comment (self->key_file, NULL, NULL, NULL);
  if (comment == NULL)
    g_key_file_set_comment (self->key_file, NULL, NULL,
                            " crypt-disk-image: your encrypted disks, one [disk NAME] group each",
                            NULL);
  for (guint i = 0; i < self->disks->len; i++)
    disk_to_group (g_ptr_array_index (self->disks, i), self->key_file);
  data = g_key_file_to_data (self->key_file, &size, NULL);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (self->corrupt)
    {
      g_autofree char *aside = g_strconcat (self->path, ".corrupt", NULL);

      if (g_rename (self->path, aside) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                       _("Could not keep the unreadable %s as %s: %s"), self->path, aside,
                       g_strerror (saved_errno));
          return FALSE;
        }
    }
  if (!g_file_set_contents_full (self->path, data, (gssize) size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("Could not save the list of disks: %s"), local_error->message);
      return FALSE;
    }

  g_free (self->checksum);
  self->checksum = checksum_of (data, size);
  self->corrupt = FALSE;
  self->dirty = FALSE;
  g_hash_table_remove_all (self->file_names);
  for (guint i = 0; i < self->disks->len; i++)
    g_hash_table_add (self->file_names,
                      g_strdup (cdi_disk_get_name (g_ptr_array_index (self->disks, i))));
  return TRUE;
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    CdiDiskStore      *self)
{
  g_autofree char *contents = NULL;
  g_autofree char *checksum = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  /* CHANGED comes while a writer is still writing; wait for CHANGES_DONE_HINT */
  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED
      || event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT || event == G_FILE_MONITOR_EVENT_UNMOUNTED)
    return;
  if (!read_file (self, &contents, &size, &error))
    {
      g_debug ("%s", error->message);
      return;
    }
  checksum = checksum_of (contents, size);
  if (g_str_equal (checksum, self->checksum))
    return; /* our own save, or nothing new */
  g_debug ("%s changed on disk, reloading", self->path);
  g_free (self->checksum);
  self->checksum = g_steal_pointer (&checksum);
  apply_contents (self, contents, size);
}

/* Reloads (and emits "changed") whenever another program rewrites the file; needs the main
 * context that is the thread default now to run. */
gboolean
cdi_disk_store_watch (CdiDiskStore  *self,
                      GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (CDI_IS_DISK_STORE (self), FALSE);

  if (self->monitor != NULL)
    return TRUE;
  /* inotify cannot watch in a missing folder: GLib would poll for it every few seconds */
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED,
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  file = g_file_new_for_path (self->path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (self->monitor == NULL)
    return FALSE;
  g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
  return TRUE;
}

static gpointer
copy_ref (gconstpointer object,
          gpointer      user_data)
{
  return g_object_ref ((gpointer) object);
}

/* A new array of references to the disks, in file order: free it with g_ptr_array_unref() */
GPtrArray *
cdi_disk_store_get_disks (CdiDiskStore *self)
{
  g_return_val_if_fail (CDI_IS_DISK_STORE (self), NULL);

  return g_ptr_array_copy (self->disks, copy_ref, NULL);
}

/* Returns the disk (transfer none) or NULL */
CdiDisk *
cdi_disk_store_lookup (CdiDiskStore *self,
                       const char   *name)
{
  g_return_val_if_fail (CDI_IS_DISK_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->disks->len; i++)
    if (g_str_equal (cdi_disk_get_name (g_ptr_array_index (self->disks, i)), name))
      return g_ptr_array_index (self->disks, i);
  return NULL;
}

/* @image may be relative to the working directory */
CdiDisk *
cdi_disk_store_lookup_by_image (CdiDiskStore *self,
                                const char   *image)
{
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (CDI_IS_DISK_STORE (self), NULL);
  g_return_val_if_fail (image != NULL, NULL);

  canonical = g_canonicalize_filename (image, NULL);
  for (guint i = 0; i < self->disks->len; i++)
    if (same_path (cdi_disk_get_image (g_ptr_array_index (self->disks, i)), canonical))
      return g_ptr_array_index (self->disks, i);
  return NULL;
}

CdiDisk *
cdi_disk_store_lookup_by_mountpoint (CdiDiskStore *self,
                                     const char   *mountpoint)
{
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (CDI_IS_DISK_STORE (self), NULL);
  g_return_val_if_fail (mountpoint != NULL, NULL);

  canonical = g_canonicalize_filename (mountpoint, NULL);
  for (guint i = 0; i < self->disks->len; i++)
    if (same_path (cdi_disk_get_mountpoint (g_ptr_array_index (self->disks, i)), canonical))
      return g_ptr_array_index (self->disks, i);
  return NULL;
}

CdiDisk *
cdi_disk_store_get_default (CdiDiskStore *self)
{
  g_return_val_if_fail (CDI_IS_DISK_STORE (self), NULL);

  for (guint i = 0; i < self->disks->len; i++)
    if (cdi_disk_get_default (g_ptr_array_index (self->disks, i)))
      return g_ptr_array_index (self->disks, i);
  return NULL;
}

/* One default disk at most: the one just made default wins */
static void
make_only_default (CdiDiskStore *self,
                   CdiDisk      *disk)
{
  for (guint i = 0; i < self->disks->len; i++)
    if (g_ptr_array_index (self->disks, i) != disk)
      cdi_disk_set_default (g_ptr_array_index (self->disks, i), FALSE);
}

static void
disk_notify_cb (CdiDisk      *disk,
                GParamSpec   *pspec,
                CdiDiskStore *self)
{
  if (self->loading)
    return;
  if (g_str_equal (pspec->name, "default") && cdi_disk_get_default (disk))
    make_only_default (self, disk);
  self->dirty = TRUE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Adds @disk (its paths made canonical) unless it is invalid or its name, image or mount
 * point is taken; call cdi_disk_store_save() to write the change. */
gboolean
cdi_disk_store_add (CdiDiskStore  *self,
                    CdiDisk       *disk,
                    GError       **error)
{
  g_autofree char *reason = NULL;
  g_autofree char *image = NULL;
  g_autofree char *mountpoint = NULL;

  g_return_val_if_fail (CDI_IS_DISK_STORE (self), FALSE);
  g_return_val_if_fail (CDI_IS_DISK (disk), FALSE);

  if (!cdi_disk_validate (disk, error))
    return FALSE;
  if (find_conflict (self->disks, disk, &reason) != NULL)
    {
      g_set_error_literal (error, CDI_ERROR, CDI_ERROR_EXISTS, reason);
      return FALSE;
    }
  image = g_canonicalize_filename (cdi_disk_get_image (disk), "/");
  mountpoint = g_canonicalize_filename (cdi_disk_get_mountpoint (disk), "/");
  cdi_disk_set_image (disk, image);
  cdi_disk_set_mountpoint (disk, mountpoint);

  track_disk (self, disk);
  if (cdi_disk_get_default (disk))
    make_only_default (self, disk);
  self->dirty = TRUE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
cdi_disk_store_remove (CdiDiskStore  *self,
                       const char    *name,
                       GError       **error)
{
  g_return_val_if_fail (CDI_IS_DISK_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < self->disks->len; i++)
    if (g_str_equal (cdi_disk_get_name (g_ptr_array_index (self->disks, i)), name))
      {
        untrack_disk (self, i);
        self->dirty = TRUE;
        g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
        return TRUE;
      }
  g_set_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND, _("There is no disk named “%s”."), name);
  return FALSE;
}
