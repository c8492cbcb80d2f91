/* cli-passphrase.h - where crypt-disk-image gets a passphrase from
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For open, in this order: standard input (--passphrase-stdin); the keyring, for a disk whose
 * passphrase source is "keyring" and whose LUKS UUID is known (a locked keyring is unlocked
 * through its own prompt); the password command (--password-command, the older syntax's -p, or
 * the registered one); a prompt on the terminal. A keyring without the passphrase, or one that
 * stays locked, falls through to the next source; a failing password command does not.
 * For create: standard input, the password command, or a prompt asked twice.
 * For passwd: the current passphrase as for open (with its own prompt), the new one as for
 * create; when both come from standard input, its first line is the current passphrase and
 * its second line the new one.
 */
#pragma once

#include "cdi-disk.h"
#include "cdi-passphrase.h"

G_BEGIN_DECLS

typedef enum
{
  CLI_PASSPHRASE_FROM_STDIN,
  CLI_PASSPHRASE_FROM_KEYRING,
  CLI_PASSPHRASE_FROM_COMMAND,
  CLI_PASSPHRASE_FROM_PROMPT,
} CliPassphraseOrigin;

CdiPassphrase *cli_passphrase_for_open   (const char           *label,
                                          gboolean              from_stdin,
                                          const char           *keyring_uuid,
                                          const char           *password_command,
                                          CliPassphraseOrigin  *ret_origin,
                                          GError              **error);
CdiPassphrase *cli_passphrase_for_create (const char           *label,
                                          gboolean              from_stdin,
                                          const char           *password_command,
                                          GError              **error);

gboolean       cli_passphrase_for_change (const char           *label,
                                          gboolean              old_from_stdin,
                                          const char           *keyring_uuid,
                                          const char           *old_command,
                                          gboolean              new_from_stdin,
                                          const char           *new_command,
                                          CdiPassphrase       **ret_old,
                                          CdiPassphrase       **ret_new,
                                          GError              **error);
gboolean       cli_passphrase_split_lines (const guint8        *data,
                                           gsize                size,
                                           CdiPassphrase      **ret_first,
                                           CdiPassphrase      **ret_second,
                                           GError             **error);

G_END_DECLS
