/* passphrase.h - the passphrase from stdin, in locked memory, wiped after use
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>

typedef struct
{
  char *data;  /* CDI_HELPER_PASSPHRASE_MAX + 1 bytes; data[len] is 0 for convenience only */
  size_t len;  /* the passphrase is exactly data[0 .. len), binary-safe */
} CdiPassphrase;

/* Reads @fd until EOF, retrying on EINTR (and waiting on EAGAIN for a non-blocking fd). Keeps
 * every byte as received: nothing is stripped, NUL bytes and newlines included.
 * Returns 0, -EMSGSIZE for more than CDI_HELPER_PASSPHRASE_MAX bytes (reading stops at one
 * byte over), -ENODATA for fewer than CDI_HELPER_PASSPHRASE_MIN (empty), -ENOMEM, or the
 * read's -errno. The buffer is mlock()ed where allowed; a failing mlock is not an error, since
 * tests run unprivileged and the helper itself also calls mlockall(). On failure every byte
 * read is wiped and *@ret is untouched. Free the result with cdi_passphrase_wipe().
 * The buffer is also kept out of core dumps, and a forked child sees only zeros there
 * (MADV_WIPEONFORK): to hand the passphrase to a child process, write it into a pipe from the
 * parent, never from the child. */
int cdi_passphrase_read (int            fd,
                         CdiPassphrase *ret);

/* explicit_bzero, munlock, unmap; leaves {NULL, 0}. Safe on a zeroed struct and idempotent. */
void cdi_passphrase_wipe (CdiPassphrase *p);

/* passwd's stdin, OLDLEN ':' OLD NEW (cdi-helper-protocol.h), split without copying: OLD is
 * @buf[*ret_old_offset ..] for *ret_old_len bytes, NEW the rest. Pure and binary-safe (NUL
 * bytes, colons and newlines inside either passphrase are data). OLDLEN is 1 to
 * CDI_HELPER_PASSWD_LEN_DIGITS_MAX digits, strict decimal (no sign, space or leading zero).
 * Returns 0, or
 *   -EBADMSG   no digits, too many digits, a leading zero, no ':' right after the digits, or
 *              OLDLEN beyond the end of the input;
 *   -ENODATA   OLD or NEW shorter than CDI_HELPER_PASSPHRASE_MIN (empty);
 *   -EMSGSIZE  OLD or NEW longer than CDI_HELPER_PASSPHRASE_MAX, or @len over
 *              CDI_HELPER_PASSWD_STDIN_MAX.
 * The ret_ values are written only on success. */
int cdi_passwd_split (const char *buf,
                      size_t      len,
                      size_t     *ret_old_offset,
                      size_t     *ret_old_len,
                      size_t     *ret_new_offset,
                      size_t     *ret_new_len);

/* Reads @fd until EOF (at most CDI_HELPER_PASSWD_STDIN_MAX + 1 bytes, into locked memory like
 * cdi_passphrase_read()), splits it with cdi_passwd_split() and returns the two passphrases
 * in buffers of their own; the raw input is wiped on every path. Errors as
 * cdi_passwd_split(), -ENOMEM or the read's -errno; on failure nothing is returned. Free both
 * with cdi_passphrase_wipe(). */
int cdi_passwd_read (int            fd,
                     CdiPassphrase *ret_old,
                     CdiPassphrase *ret_new);
