/* record.h - the helper's stdout records: KIND <TAB> key=value <TAB> ...
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Format and escaping as in cdi-helper-protocol.h: '\' -> "\\", TAB -> "\t", newline -> "\n",
 * every other byte below 0x20 and 0x7f -> "\xHH" (two lowercase hex digits). Bytes from 0x80
 * up pass unchanged, so UTF-8 paths stay readable. A record is always one line.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Escapes @value into @out, NUL-terminated. Returns 0, or -ENOBUFS when @out_size is too small,
 * in which case @out is left untouched. A NULL @value reads as "". */
int cdi_record_escape (const char *value,
                       char       *out,
                       size_t      out_size);

/* Writes one record line and flushes @out, so a helper killed later has still reported it.
 * After @kind come key, value pairs of const char *, ended by a NULL key; a NULL value is
 * written as empty. @kind and the keys are program constants and must match [a-z-]+: any
 * other spelling is a programming error and aborts, since a broken record could be misread.
 * Write errors (a closed pipe) are ignored: the exit code still tells the caller the result. */
void cdi_record_write (FILE       *out,
                       const char *kind,
                       ...) __attribute__ ((sentinel));
