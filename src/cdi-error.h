/* cdi-error.h - the error domain of crypt-disk-image
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CDI_ERROR (cdi_error_quark ())

typedef enum
{
  CDI_ERROR_FAILED,
  CDI_ERROR_INVALID_INPUT,
  CDI_ERROR_NOT_AUTHORIZED,
  CDI_ERROR_WRONG_PASSPHRASE,
  CDI_ERROR_BUSY,
  CDI_ERROR_MISSING_SUPPORT,
  CDI_ERROR_NEEDS_REPAIR,
  CDI_ERROR_NOT_FOUND,      /* no such disk, secret or program */
  CDI_ERROR_EXISTS,         /* a disk, file or mount point of that name is already there */
  CDI_ERROR_KEYRING_LOCKED, /* the keyring stayed locked: not the same as "no secret stored" */
  CDI_ERROR_TIMED_OUT,      /* a password command did not finish in time */
} CdiError;

GQuark cdi_error_quark (void);

G_END_DECLS
