/* replay-main.c - runs the fuzz target on stored inputs, for builds without libFuzzer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fuzz-helper-input-replay FILE|DIR...  (a directory: every regular file in it).
 * Exits 1 if an argument cannot be read or no input was found, so a wrong corpus path fails.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static int
replay_file (const char *path)
{
  uint8_t *data = NULL;
  size_t size = 0;
  size_t cap = 0;
  FILE *f;

  f = fopen (path, "rbe");
  if (f == NULL)
    {
      fprintf (stderr, "%s: %s\n", path, strerror (errno));
      return -1;
    }
  for (;;)
    {
      size_t n;

      if (size == cap)
        {
          uint8_t *bigger;

          cap = cap == 0 ? 4096 : cap * 2;
          bigger = realloc (data, cap);
          if (bigger == NULL)
            abort ();
          data = bigger;
        }
      n = fread (data + size, 1, cap - size, f);
      size += n;
      if (n == 0)
        break;
    }
  if (ferror (f))
    {
      fprintf (stderr, "%s: read error\n", path);
      fclose (f);
      free (data);
      return -1;
    }
  fclose (f);

  /* An exact-size copy, so that the sanitizers see the real end of the input */
  {
    uint8_t *exact = malloc (size > 0 ? size : 1);

    if (exact == NULL)
      abort ();
    if (size > 0)
      memcpy (exact, data, size);
    LLVMFuzzerTestOneInput (exact, size);
    free (exact);
  }
  free (data);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  int n_inputs = 0;
  int failed = 0;

  for (int i = 1; i < argc; i++)
    {
      struct stat st;

      if (stat (argv[i], &st) < 0)
        {
          fprintf (stderr, "%s: %s\n", argv[i], strerror (errno));
          failed = 1;
          continue;
        }
      if (S_ISDIR (st.st_mode))
        {
          struct dirent **names;
          int n = scandir (argv[i], &names, NULL, alphasort);

          if (n < 0)
            {
              fprintf (stderr, "%s: %s\n", argv[i], strerror (errno));
              failed = 1;
              continue;
            }
          for (int j = 0; j < n; j++)
            {
              char path[4096];
              struct stat child;

              snprintf (path, sizeof path, "%s/%s", argv[i], names[j]->d_name);
              if (stat (path, &child) == 0 && S_ISREG (child.st_mode))
                {
                  if (replay_file (path) < 0)
                    failed = 1;
                  else
                    n_inputs++;
                }
              free (names[j]);
            }
          free (names);
        }
      else if (replay_file (argv[i]) < 0)
        failed = 1;
      else
        n_inputs++;
    }

  printf ("replayed %d inputs\n", n_inputs);
  return failed || n_inputs == 0 ? 1 : 0;
}
