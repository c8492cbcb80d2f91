/* cdi-error.c - the error domain of crypt-disk-image
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cdi-error.h"

G_DEFINE_QUARK (cdi-error-quark, cdi_error)
