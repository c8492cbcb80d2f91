/* cdi-records.c - the helper's stdout records (KIND <TAB> key=value ...), parsed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cdi-records.h"

struct _CdiRecord
{
  char *kind;
  GHashTable *fields; /* key -> unescaped value */
};

const char *
cdi_record_get_kind (const CdiRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->kind;
}

/* Returns the unescaped value of @key, or NULL when the record has no such field */
const char *
cdi_record_get (const CdiRecord *self,
                const char      *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->fields, key);
}

/* A decimal field; FALSE (and @ret_value untouched) when missing or not a plain number */
gboolean
cdi_record_get_uint64 (const CdiRecord *self,
                       const char      *key,
                       guint64         *ret_value)
{
  const char *text = cdi_record_get (self, key);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    return FALSE;
  *ret_value = value;
  return TRUE;
}

/* A 0|1 field: TRUE only for "1" */
gboolean
cdi_record_get_boolean (const CdiRecord *self,
                        const char      *key)
{
  return g_strcmp0 (cdi_record_get (self, key), "1") == 0;
}

void
cdi_record_free (CdiRecord *self)
{
  if (self == NULL)
    return;
  g_free (self->kind);
  g_hash_table_unref (self->fields);
  g_free (self);
}

static gboolean
is_name (const char *text,
         gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_islower (text[i]) || text[i] == '-'))
      return FALSE;
  return TRUE;
}

/* Undoes the protocol's escaping; NULL for a bad escape or an escaped NUL */
static char *
unescape (const char *text,
          gsize       len)
{
  g_autoptr(GString) out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      int hi, lo;

      if (text[i] != '\\')
        {
          g_string_append_c (out, text[i]);
          continue;
        }
      if (++i >= len)
        return NULL;
      switch (text[i])
        {
        case '\\': g_string_append_c (out, '\\'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'x':
          if (i + 2 >= len)
            return NULL;
          hi = g_ascii_xdigit_value (text[i + 1]);
          lo = g_ascii_xdigit_value (text[i + 2]);
          if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return NULL;
          g_string_append_c (out, (char) (hi << 4 | lo));
          i += 2;
          break;
        default:
          return NULL;
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static CdiRecord *
parse_line (const char *line,
            gsize       len)
{
  g_autoptr(CdiRecord) record = NULL;
  const char *end = line + len;
  const char *tab = memchr (line, '\t', len);
  const char *field;

  if (tab == NULL)
    tab = end;
  if (!is_name (line, (gsize) (tab - line)))
    return NULL;

  record = g_new0 (CdiRecord, 1);
  record->kind = g_strndup (line, (gsize) (tab - line));
  record->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (field = tab; field < end; )
    {
      const char *field_end, *eq;
      char *value;

      field++; /* the tab */
      field_end = memchr (field, '\t', (gsize) (end - field));
      if (field_end == NULL)
        field_end = end;
      eq = memchr (field, '=', (gsize) (field_end - field));
      if (eq != NULL && is_name (field, (gsize) (eq - field)))
        {
          value = unescape (eq + 1, (gsize) (field_end - eq - 1));
          if (value != NULL)
            g_hash_table_replace (record->fields, g_strndup (field, (gsize) (eq - field)), value);
        }
      field = field_end;
    }
  return g_steal_pointer (&record);
}

/* Returns a GPtrArray of CdiRecord (transfer full), in output order */
GPtrArray *
cdi_records_parse (const char *text,
                   gsize       size)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) cdi_record_free);
  const char *end = text + size;

  g_return_val_if_fail (text != NULL || size == 0, records);

  for (const char *line = text; line < end; )
    {
      const char *line_end = memchr (line, '\n', (gsize) (end - line));
      CdiRecord *record;

      if (line_end == NULL)
        line_end = end;
      record = parse_line (line, (gsize) (line_end - line));
      if (record != NULL)
        g_ptr_array_add (records, record);
      line = line_end + 1;
    }
  return records;
}

/* The first record of @kind, or NULL */
CdiRecord *
cdi_records_find (GPtrArray  *records,
                  const char *kind)
{
  g_return_val_if_fail (records != NULL, NULL);

  for (guint i = 0; i < records->len; i++)
    {
      CdiRecord *record = g_ptr_array_index (records, i);

      if (g_strcmp0 (record->kind, kind) == 0)
        return record;
    }
  return NULL;
}
