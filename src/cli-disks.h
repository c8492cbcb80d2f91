/* cli-disks.h - what the commands share: the registry, finding a disk, helper calls
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cdi-disk-store.h"
#include "cdi-passphrase.h"
#include "cdi-records.h"
#include "cli-request.h"

G_BEGIN_DECLS

typedef struct
{
  CdiDiskStore *store;
  CdiDisk *disk;     /* NULL: not registered */
  char *image;
  char *mountpoint;
  char *label;
} CliTarget;

void          cli_target_clear        (CliTarget       *self);
gboolean      cli_target_resolve      (CliRequest      *request,
                                       gboolean         allow_path,
                                       CliTarget       *target,
                                       GError         **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliTarget, cli_target_clear)

CdiDiskStore *cli_store_load          (GError         **error);
gboolean      cli_store_save          (CdiDiskStore    *store,
                                       GError         **error);
CdiDisk      *cli_store_find          (CdiDiskStore    *store,
                                       const char      *name_or_path);
char         *cli_store_unique_name   (CdiDiskStore    *store,
                                       const char      *image);
gboolean      cli_looks_like_path     (const char      *text);

gboolean      cli_helper_finish       (GAsyncResult    *result,
                                       GPtrArray      **ret_records,
                                       GError         **error);
GPtrArray    *cli_helper_status       (GError         **error);
CdiRecord    *cli_status_find         (GPtrArray       *records,
                                       const char      *image);
gboolean      cli_is_mounted          (const char      *mountpoint);

CdiPassphrase *cli_secret_lookup      (const char      *uuid,
                                       GError         **error);
gboolean      cli_secret_store        (const char      *uuid,
                                       const char      *name,
                                       CdiPassphrase   *passphrase,
                                       GError         **error);

G_END_DECLS
