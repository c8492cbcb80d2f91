/* test-passphrase-generator.c - generated passphrases: length, alphabet, no modulo bias
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cdi-passphrase-generator.h"
#include "cdi-passphrase.h"

#define ALPHABET_SIZE ((guint) (sizeof CDI_PASSPHRASE_ALPHABET - 1))

static void
test_length_and_alphabet (void)
{
  static const guint lengths[] = { 0, 1, 31, CDI_GENERATED_PASSPHRASE_LENGTH, 64, 65, 1000 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autoptr(GError) error = NULL;
      char *text = cdi_generate_passphrase (lengths[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (text);
      g_assert_cmpuint (strlen (text), ==, lengths[i]);
      g_assert_cmpuint (strspn (text, CDI_PASSPHRASE_ALPHABET), ==, lengths[i]);
      cdi_passphrase_wipe (text, lengths[i]);
      g_free (text);
    }
}

/* Two passphrases of 32 symbols (190 bits) never repeat */
static void
test_different (void)
{
  g_autofree char *a = cdi_generate_passphrase (CDI_GENERATED_PASSPHRASE_LENGTH, NULL);
  g_autofree char *b = cdi_generate_passphrase (CDI_GENERATED_PASSPHRASE_LENGTH, NULL);

  g_assert_cmpstr (a, !=, b);
}

/* Each of the 62 symbols stands for exactly 4 of the 256 byte values; the 8 bytes left over
 * (248 to 255) are dropped instead of falling on the first symbols */
static void
test_byte_mapping_unbiased (void)
{
  guint counts[256] = { 0 };
  guint dropped = 0;

  g_assert_cmpuint (ALPHABET_SIZE, ==, 62);
  for (guint byte = 0; byte < 256; byte++)
    {
      char symbol = cdi_passphrase_symbol_of_byte ((guint8) byte);

      if (symbol == '\0')
        {
          g_assert_cmpuint (byte, >=, 248);
          dropped++;
          continue;
        }
      g_assert_nonnull (strchr (CDI_PASSPHRASE_ALPHABET, symbol));
      counts[(guint8) symbol]++;
    }
  g_assert_cmpuint (dropped, ==, 256 % 62);
  for (guint i = 0; i < ALPHABET_SIZE; i++)
    g_assert_cmpuint (counts[(guint8) CDI_PASSPHRASE_ALPHABET[i]], ==, 4);
}

/* A sanity check of the real output: every symbol's share is near 1/62. With a modulo bias the
 * first 8 symbols would come 25 % more often than the others (5/256 against 4/256). */
static void
test_output_uniform (void)
{
  const guint per_symbol = 5000;
  const guint total = per_symbol * ALPHABET_SIZE;
  g_autofree char *text = cdi_generate_passphrase (total, NULL);
  guint counts[256] = { 0 };
  guint low = G_MAXUINT, high = 0;

  g_assert_nonnull (text);
  for (guint i = 0; i < total; i++)
    counts[(guint8) text[i]]++;
  for (guint i = 0; i < ALPHABET_SIZE; i++)
    {
      guint n = counts[(guint8) CDI_PASSPHRASE_ALPHABET[i]];

      low = MIN (low, n);
      high = MAX (high, n);
    }
  g_test_message ("each symbol %u times expected; seen %u to %u", per_symbol, low, high);
  /* sigma is about 70: 10 % (500) is 7 sigma off, and less than half the bias */
  g_assert_cmpuint (low, >, per_symbol * 9 / 10);
  g_assert_cmpuint (high, <, per_symbol * 11 / 10);
}

static void
test_strength (void)
{
  g_assert_cmpint (cdi_passphrase_strength (""), ==, 0);
  g_assert_cmpint (cdi_passphrase_strength ("horse"), ==, 0);
  g_assert_cmpint (cdi_passphrase_strength ("correct horse battery staple"), >=, 3);
  g_assert_cmpint (cdi_passphrase_strength ("Tr0ub4dor&3"), <, 3);
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *text = cdi_generate_passphrase (CDI_GENERATED_PASSPHRASE_LENGTH, NULL);

      g_assert_cmpint (cdi_passphrase_strength (text), ==, 4);
    }
  for (int s = 0; s <= 4; s++)
    g_assert_nonnull (cdi_passphrase_strength_text (s));
  g_assert_cmpstr (cdi_passphrase_strength_text (0), !=, cdi_passphrase_strength_text (4));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cdi/passphrase-generator/length-and-alphabet", test_length_and_alphabet);
  g_test_add_func ("/cdi/passphrase-generator/different", test_different);
  g_test_add_func ("/cdi/passphrase-generator/byte-mapping-unbiased", test_byte_mapping_unbiased);
  g_test_add_func ("/cdi/passphrase-generator/output-uniform", test_output_uniform);
  g_test_add_func ("/cdi/passphrase-generator/strength", test_strength);
  return g_test_run ();
}
