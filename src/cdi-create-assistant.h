/* cdi-create-assistant.h - "New Encrypted Disk…": the assistant that creates and registers a disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pages: name, image file and mount point (checked as they are typed); maximum size beside the
 * free space where the image goes; the passphrase (generated from getrandom(2), or typed twice
 * with a strength hint) and where it is kept (keyring, password command, nowhere); trimming,
 * auto-close rules and opening at login; a summary; the progress of cdi_image_create_async();
 * and the end, with "Open the disk now". Nothing is made before the summary's Create: a
 * cancel there leaves nothing behind. The creation itself is cdi_disk_creation_run_async(): a
 * failed one removes what it made, adds nothing to the registry and returns to the summary with
 * the reason; a cancel while it runs hides the assistant, waits for the step in flight, and
 * goes once what was made is removed. On success the disk is registered with its LUKS UUID and
 * its settings (open-at-login among them), and the passphrase goes to the keyring when chosen.
 *
 * The checks (cdi-path-checks.h), the passphrase generator (cdi-passphrase-generator.h) and the
 * form pieces (cdi-form.h, cdi-file-chooser.h) are shared with the other disk dialogs.
 */
#pragma once

#include "cdi-application.h"

G_BEGIN_DECLS

#define CDI_TYPE_CREATE_ASSISTANT (cdi_create_assistant_get_type ())

G_DECLARE_FINAL_TYPE (CdiCreateAssistant, cdi_create_assistant, CDI, CREATE_ASSISTANT,
                      GtkAssistant)

void cdi_create_assistant_present (CdiApplication *app);

G_END_DECLS
