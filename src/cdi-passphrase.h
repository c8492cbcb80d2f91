/* cdi-passphrase.h - a passphrase in a buffer that is wiped when freed
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The newline rule: a passphrase that comes from text (a password command's output, a
 * terminal, or --passphrase-stdin) is the bytes BEFORE THE FIRST NEWLINE. This is what
 * cryptsetup did when the older bash tools piped PW_CMD into it without --key-file, so images
 * made by those tools keep opening; cdi-helper-protocol.h's "Passphrase (stdin)" note says the
 * same from the helper's side. Nothing else is stripped: a carriage return, spaces and NUL
 * bytes before the newline are part of the passphrase, as they were for cryptsetup. An empty
 * first line is refused, as is one longer than CDI_HELPER_PASSPHRASE_MAX bytes.
 *
 * Passphrases from the keyring or a dialog are used as they are (cdi_passphrase_new()).
 *
 * cdi_passphrase_prompt() reads the controlling terminal (/dev/tty) with echo off; a SIGINT,
 * SIGTERM, SIGHUP or SIGQUIT meanwhile restores echo first. One prompt at a time per process.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CDI_TYPE_PASSPHRASE (cdi_passphrase_get_type ())

typedef struct _CdiPassphrase CdiPassphrase;

GType           cdi_passphrase_get_type            (void) G_GNUC_CONST;

CdiPassphrase  *cdi_passphrase_new                 (const void    *data,
                                                    gsize          size);
CdiPassphrase  *cdi_passphrase_new_take            (void          *data,
                                                    gsize          size);
CdiPassphrase  *cdi_passphrase_ref                 (CdiPassphrase *self);
void            cdi_passphrase_unref               (CdiPassphrase *self);

const guint8   *cdi_passphrase_get_data            (CdiPassphrase *self,
                                                    gsize         *ret_size);
gsize           cdi_passphrase_get_size            (CdiPassphrase *self);
gboolean        cdi_passphrase_equal               (CdiPassphrase *self,
                                                    CdiPassphrase *other);
GBytes         *cdi_passphrase_to_bytes            (CdiPassphrase *self);

CdiPassphrase  *cdi_passphrase_from_command_output (const void    *data,
                                                    gsize          size,
                                                    GError       **error);
CdiPassphrase  *cdi_passphrase_read_fd             (int            fd,
                                                    GError       **error);
CdiPassphrase  *cdi_passphrase_prompt_fd           (int            fd,
                                                    const char    *prompt,
                                                    GError       **error);
CdiPassphrase  *cdi_passphrase_prompt              (const char    *prompt,
                                                    GError       **error);

void            cdi_passphrase_wipe                (void          *data,
                                                    gsize          size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdiPassphrase, cdi_passphrase_unref)

G_END_DECLS
