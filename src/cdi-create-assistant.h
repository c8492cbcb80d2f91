/* cdi-create-assistant.h - "New Encrypted Disk…": the assistant that creates and registers a disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pages: name, image file and mount point (checked as they are typed); maximum size beside the
 * free space where the image goes; the passphrase (generated from getrandom(2), or typed twice
 * with a strength hint) and where it is kept (keyring, password command, nowhere); trimming,
 * auto-close rules and opening at login; a summary; the progress of cdi_image_create_async();
 * and the end, with "Open the disk now". Nothing is made before the summary's Create: a
 * cancel there leaves nothing behind. A failed creation removes what it made (cdi-image.h),
 * adds nothing to the registry and returns to the summary with the reason. On success the disk
 * is registered with its LUKS UUID, and the passphrase goes to the keyring when chosen.
 *
 * The checks and the passphrase generator are shared with the add and properties dialogs.
 */
#pragma once

#include "cdi-application.h"
#include "cdi-passphrase.h"

G_BEGIN_DECLS

#define CDI_TYPE_CREATE_ASSISTANT (cdi_create_assistant_get_type ())

G_DECLARE_FINAL_TYPE (CdiCreateAssistant, cdi_create_assistant, CDI, CREATE_ASSISTANT,
                      GtkAssistant)

/* Letters and digits from getrandom(2), without modulo bias */
#define CDI_GENERATED_PASSPHRASE_LENGTH 32

void      cdi_create_assistant_present (CdiApplication       *app);

char     *cdi_generate_passphrase      (guint                 length,
                                        GError              **error);
int       cdi_passphrase_strength      (const char           *text);
const char *cdi_passphrase_strength_text (int                 strength);

char     *cdi_expand_path              (const char           *text);
gboolean  cdi_check_name               (CdiDiskStore         *store,
                                        const char           *name,
                                        CdiDisk              *self_disk,
                                        GError              **error);
gboolean  cdi_check_mountpoint         (CdiDiskStore         *store,
                                        const char           *path,
                                        CdiDisk              *self_disk,
                                        GError              **error);
void      cdi_choose_path              (GtkWindow            *parent,
                                        GtkFileChooserAction  action,
                                        const char           *title,
                                        GtkEntry             *entry);
void      cdi_set_message              (GtkLabel             *label,
                                        const char           *text,
                                        gboolean              is_error);

G_END_DECLS
