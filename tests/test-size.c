/* test-size.c - unit tests for cdi_size_parse()
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-error.h"
#include "cdi-size.h"

typedef struct
{
  const char *text;
  guint64 bytes; /* 0: must be refused */
} SizeCase;

static const SizeCase size_cases[] = {
  { "100G", G_GUINT64_CONSTANT (100) << 30 },
  { "100g", G_GUINT64_CONSTANT (100) << 30 },
  { "100GiB", G_GUINT64_CONSTANT (100) << 30 },
  { "512M", G_GUINT64_CONSTANT (512) << 20 },
  { "65536K", G_GUINT64_CONSTANT (64) << 20 },
  { "64T", G_GUINT64_CONSTANT (64) << 40 },
  { "67108864", G_GUINT64_CONSTANT (64) << 20 },
  { "", 0 },
  { "G", 0 },
  { "-1G", 0 },
  { "+1G", 0 },
  { " 1G", 0 },
  { "1G ", 0 },
  { "1.5G", 0 },
  { "1E", 0 },
  { "1GG", 0 },
  { "63M", 0 },
  { "65T", 0 },
  { "1G,data_file=/dev/sda", 0 },
  { "18446744073709551616", 0 },
  { "99999999999999999999999T", 0 },
};

static void
test_size_parse (gconstpointer data)
{
  const SizeCase *c = data;
  g_autoptr(GError) error = NULL;
  guint64 bytes = 42;
  gboolean ok;

  ok = cdi_size_parse (c->text, &bytes, &error);
  if (c->bytes != 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (bytes, ==, c->bytes);
    }
  else
    {
      g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
      g_assert_false (ok);
      g_assert_cmpuint (bytes, ==, 42); /* untouched on failure */
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (size_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/size/parse/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (path, &size_cases[i], test_size_parse);
    }
  return g_test_run ();
}
