/* cdi-disk-monitor.c - which registered disks are open, from the system's mount table
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-disk-monitor.h"

#include <gio/gunixmounts.h>
#include <unistd.h>

struct _CdiDiskMonitor
{
  GObject parent_instance;

  CdiDiskStore *store;
  GUnixMountMonitor *mounts;
  char *mapper_prefix;  /* "/dev/mapper/cdi-<uid>-" */
  GHashTable *open;     /* disk name -> mapper device path */
};

G_DEFINE_FINAL_TYPE (CdiDiskMonitor, cdi_disk_monitor, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* TRUE when a mount table entry is @disk opened by the helper: on its mount point, from one of
 * our mapper devices, and from the disk's own LUKS volume when its UUID is known */
gboolean
cdi_disk_monitor_match (const char *mapper_prefix,
                        CdiDisk    *disk,
                        const char *mount_path,
                        const char *device_path)
{
  const char *uuid = cdi_disk_get_uuid (disk);

  if (g_strcmp0 (mount_path, cdi_disk_get_mountpoint (disk)) != 0 || device_path == NULL
      || !g_str_has_prefix (device_path, mapper_prefix))
    return FALSE;
  if (uuid != NULL && *uuid != '\0')
    return g_ascii_strcasecmp (device_path + strlen (mapper_prefix), uuid) == 0;
  return device_path[strlen (mapper_prefix)] != '\0';
}

static gboolean
same_table (GHashTable *a,
            GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;
  return TRUE;
}

void
cdi_disk_monitor_refresh (CdiDiskMonitor *self)
{
  g_autoptr(GHashTable) open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) disks = cdi_disk_store_get_disks (self->store);
  GList *entries = g_unix_mounts_get (NULL);

  for (GList *l = entries; l != NULL; l = l->next)
    {
      GUnixMountEntry *entry = l->data;
      const char *mount_path = g_unix_mount_get_mount_path (entry);
      const char *device_path = g_unix_mount_get_device_path (entry);

      for (guint i = 0; i < disks->len; i++)
        {
          CdiDisk *disk = g_ptr_array_index (disks, i);

          if (cdi_disk_monitor_match (self->mapper_prefix, disk, mount_path, device_path))
            g_hash_table_replace (open, g_strdup (cdi_disk_get_name (disk)),
                                  g_strdup (device_path));
        }
    }
  g_list_free_full (entries, (GDestroyNotify) g_unix_mount_free);

  if (same_table (open, self->open))
    return;
  g_hash_table_unref (self->open);
  self->open = g_steal_pointer (&open);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
cdi_disk_monitor_is_open (CdiDiskMonitor *self,
                          CdiDisk        *disk)
{
  g_return_val_if_fail (CDI_IS_DISK_MONITOR (self), FALSE);

  return g_hash_table_contains (self->open, cdi_disk_get_name (disk));
}

/* The mapper device the disk is mounted from, or NULL when it is closed */
const char *
cdi_disk_monitor_get_device (CdiDiskMonitor *self,
                             CdiDisk        *disk)
{
  g_return_val_if_fail (CDI_IS_DISK_MONITOR (self), NULL);

  return g_hash_table_lookup (self->open, cdi_disk_get_name (disk));
}

guint
cdi_disk_monitor_count_open (CdiDiskMonitor *self)
{
  return g_hash_table_size (self->open);
}

static void
cdi_disk_monitor_dispose (GObject *object)
{
  CdiDiskMonitor *self = CDI_DISK_MONITOR (object);

  if (self->mounts != NULL)
    g_signal_handlers_disconnect_by_data (self->mounts, self);
  g_clear_object (&self->mounts);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (cdi_disk_monitor_parent_class)->dispose (object);
}

static void
cdi_disk_monitor_finalize (GObject *object)
{
  CdiDiskMonitor *self = CDI_DISK_MONITOR (object);

  g_hash_table_unref (self->open);
  g_free (self->mapper_prefix);
  G_OBJECT_CLASS (cdi_disk_monitor_parent_class)->finalize (object);
}

static void
cdi_disk_monitor_class_init (CdiDiskMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cdi_disk_monitor_dispose;
  object_class->finalize = cdi_disk_monitor_finalize;

  /* The set of open disks (or the device of one) changed */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
cdi_disk_monitor_init (CdiDiskMonitor *self)
{
  self->open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->mapper_prefix = g_strdup_printf ("/dev/mapper/cdi-%lu-", (unsigned long) getuid ());
}

CdiDiskMonitor *
cdi_disk_monitor_new (CdiDiskStore *store)
{
  CdiDiskMonitor *self = g_object_new (CDI_TYPE_DISK_MONITOR, NULL);

  self->store = g_object_ref (store);
  self->mounts = g_unix_mount_monitor_get ();
  g_signal_connect_swapped (self->mounts, "mounts-changed",
                            G_CALLBACK (cdi_disk_monitor_refresh), self);
  /* A disk added, removed or moved in the registry may change what counts as open */
  g_signal_connect_object (store, "changed", G_CALLBACK (cdi_disk_monitor_refresh), self,
                           G_CONNECT_SWAPPED);
  cdi_disk_monitor_refresh (self);
  return self;
}
