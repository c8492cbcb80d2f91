/* cdi-size.h - parse and print disk sizes ("100G", "512M")
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CDI_SIZE_MIN (G_GUINT64_CONSTANT (64) << 20) /* LUKS2 header + a usable ext4 */
#define CDI_SIZE_MAX (G_GUINT64_CONSTANT (64) << 40) /* 64 TiB */

gboolean cdi_size_parse (const char *text,
                         guint64    *ret_bytes,
                         GError    **error);

G_END_DECLS
