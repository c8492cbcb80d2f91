/* cdi-disk-creation.h - make a new disk: its image, its registry entry, its keyring item
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps of "New Encrypted Disk…", without the pages: run the password command when the
 * passphrase comes from one; make the image's folder if it is missing (0700); create and
 * format the image (cdi_image_create_async(), which also makes a missing mount point); add the
 * disk to the registry with its LUKS UUID and settings, and save it; keep the passphrase in
 * the keyring when that is where it goes.
 *
 * Until the disk is registered, a failure or a cancel removes everything made (the image, the
 * mount point folder and the image folder, when this made them) and then reports the error or
 * G_IO_ERROR_CANCELLED. Once registered, the disk stays: a keyring that refuses the passphrase
 * turns the disk into one that asks for it, and a cancel then changes nothing. Such turns are
 * told in the notes, translated sentences for the user, one a line.
 */
#pragma once

#include "cdi-disk-store.h"
#include "cdi-image.h"
#include "cdi-passphrase.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  const char *image;             /* absolute */
  const char *mountpoint;        /* absolute */
  guint64 size_bytes;
  CdiPassphraseSource source;    /* where the passphrase is kept from now on */
  const char *password_command;  /* with source COMMAND: run now for the new passphrase */
  CdiPassphrase *passphrase;     /* otherwise: the new passphrase */
  gboolean trim;
  CdiTristate close_on_lock;
  CdiTristate close_on_suspend;
  CdiTristate close_on_logout;
  gboolean open_at_login;
} CdiDiskRequest;

void     cdi_disk_creation_run_async  (CdiDiskStore          *store,
                                       const CdiDiskRequest  *request,
                                       CdiImageProgressFunc   progress,
                                       gpointer               progress_data,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
CdiDisk *cdi_disk_creation_run_finish (GAsyncResult          *result,
                                       char                 **ret_notes,
                                       GError               **error);

G_END_DECLS
