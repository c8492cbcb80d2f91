/* cdi-passphrase-generator.h - strong passphrases from getrandom(2), and a strength hint
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A generated passphrase is CDI_GENERATED_PASSPHRASE_LENGTH letters and digits (62 symbols,
 * about 190 bits). Random bytes of 248 and above are dropped rather than folded in with a
 * modulo, so every symbol is equally likely: cdi_passphrase_symbol_of_byte() is the mapping,
 * public for its test. The strength of a typed passphrase is a hint from its length and kinds
 * of characters, 0 (very weak) to 4 (strong); no GTK here, the dialogs show it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CDI_GENERATED_PASSPHRASE_LENGTH 32
#define CDI_PASSPHRASE_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

char        *cdi_generate_passphrase        (guint        length,
                                             GError     **error);
char         cdi_passphrase_symbol_of_byte  (guint8       byte);

int          cdi_passphrase_strength        (const char  *text);
const char  *cdi_passphrase_strength_text   (int          strength);

G_END_DECLS
