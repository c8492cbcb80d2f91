/* cdi-path-checks.h - the checks of a disk's name, image file and mount point, as typed
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dialogs run these on every keystroke and show the message of the GError; they look at
 * the file system as it is now (lstat, never following a symbolic link) and at the registry.
 * The creation itself checks again when it makes things (cdi-image.h), and the helper checks
 * once more as root: these checks are for telling the user early, not for safety.
 *
 * A new image must not exist (not even as a dangling symbolic link) and its folder must, unless
 * it is cdi_default_image_folder(), which the creation makes. A mount point must be an empty
 * folder of the user's that is not a symbolic link, or not exist yet in a folder that does;
 * no other disk may use it. Paths must be absolute once cdi_expand_path() has expanded "~".
 * Both must be on a file system where that works (cdi_filesystem_problem()).
 */
#pragma once

#include "cdi-disk-store.h"

G_BEGIN_DECLS

char     *cdi_expand_path           (const char    *text);
char     *cdi_default_image_folder  (void);
char     *cdi_default_mountpoint    (const char    *name);

gboolean  cdi_check_name            (CdiDiskStore  *store,
                                     const char    *name,
                                     CdiDisk       *self_disk,
                                     GError       **error);
gboolean  cdi_check_new_image       (CdiDiskStore  *store,
                                     const char    *path,
                                     GError       **error);
gboolean  cdi_check_existing_image  (CdiDiskStore  *store,
                                     const char    *path,
                                     GError       **error);
gboolean  cdi_check_mountpoint      (CdiDiskStore  *store,
                                     const char    *path,
                                     CdiDisk       *self_disk,
                                     GError       **error);
const char *cdi_filesystem_problem  (unsigned long  f_type,
                                     gboolean       read_only,
                                     gboolean       for_image);

gboolean  cdi_check_distinct_places (const char    *image,
                                     const char    *mountpoint,
                                     GError       **error);

guint64   cdi_free_space_for        (const char    *path,
                                     char         **ret_folder);

G_END_DECLS
