/* cdi-records.h - the helper's stdout records (KIND <TAB> key=value ...), parsed
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format is defined in cdi-helper-protocol.h. Parsing never fails: a line without a valid
 * kind is skipped, and so is a field without '=', with a key outside [a-z-]+, with a bad escape
 * or with an escaped NUL. Readers ignore keys they do not know.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CdiRecord CdiRecord;

const char *cdi_record_get_kind    (const CdiRecord *self);
const char *cdi_record_get         (const CdiRecord *self,
                                    const char      *key);
gboolean    cdi_record_get_uint64  (const CdiRecord *self,
                                    const char      *key,
                                    guint64         *ret_value);
gboolean    cdi_record_get_boolean (const CdiRecord *self,
                                    const char      *key);
void        cdi_record_free        (CdiRecord       *self);

GPtrArray  *cdi_records_parse      (const char      *text,
                                    gsize            size);
CdiRecord  *cdi_records_find       (GPtrArray       *records,
                                    const char      *kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdiRecord, cdi_record_free)

G_END_DECLS
