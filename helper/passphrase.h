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
