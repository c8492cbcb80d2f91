/* cdi-disk-monitor.h - which registered disks are open, from the system's mount table
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A disk is open when the mount table (/proc/self/mountinfo, through GUnixMountMonitor) has an
 * entry on the disk's mount point whose source is one of our mapper devices,
 * /dev/mapper/cdi-<uid>-<luks-uuid> (with the disk's own UUID when the registry knows it). So
 * disks opened or closed from a shell, the CLI or another program show up at once, and nothing
 * else (a USB stick mounted on the same folder) counts as open.
 */
#pragma once

#include <gio/gio.h>

#include "cdi-disk-store.h"

G_BEGIN_DECLS

#define CDI_TYPE_DISK_MONITOR (cdi_disk_monitor_get_type ())

G_DECLARE_FINAL_TYPE (CdiDiskMonitor, cdi_disk_monitor, CDI, DISK_MONITOR, GObject)

CdiDiskMonitor *cdi_disk_monitor_new          (CdiDiskStore   *store);
void            cdi_disk_monitor_refresh      (CdiDiskMonitor *self);
gboolean        cdi_disk_monitor_is_open      (CdiDiskMonitor *self,
                                               CdiDisk        *disk);
const char     *cdi_disk_monitor_get_device   (CdiDiskMonitor *self,
                                               CdiDisk        *disk);
guint           cdi_disk_monitor_count_open   (CdiDiskMonitor *self);

gboolean        cdi_disk_monitor_match        (const char     *mapper_prefix,
                                               CdiDisk        *disk,
                                               const char     *mount_path,
                                               const char     *device_path);

G_END_DECLS
