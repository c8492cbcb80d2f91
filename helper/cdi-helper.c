/* cdi-helper.c - crypt-disk-image-helper: the root side of crypt-disk-image, run through pkexec
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "cdi-helper-protocol.h"

int
main (int   argc,
      char *argv[])
{
  (void) argv;
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s VERB [OPTION...] ARG...\n", CDI_HELPER_NAME);
      return CDI_HELPER_EXIT_USAGE;
    }
  fprintf (stderr, "%s: no verbs implemented yet\n", CDI_HELPER_NAME);
  return CDI_HELPER_EXIT_USAGE;
}
