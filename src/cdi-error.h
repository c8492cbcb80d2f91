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
} CdiError;

GQuark cdi_error_quark (void);

G_END_DECLS
