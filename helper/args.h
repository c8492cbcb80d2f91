/* args.h - the helper's strict argv grammar (see cdi-helper-protocol.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cdi-helper-protocol.h"

typedef enum
{
  CDI_VERB_FORMAT,
  CDI_VERB_OPEN,
  CDI_VERB_CLOSE,
  CDI_VERB_TRIM,
  CDI_VERB_STATUS,
  CDI_VERB_RECOVER,
  CDI_VERB_INSPECT,
  CDI_VERB_PASSWD,
  CDI_VERB_GROW,
  CDI_VERB_BACKUP_HEADER,
} CdiVerb;

typedef enum
{
  CDI_PBKDF_DEFAULT,
  CDI_PBKDF_ARGON2ID,
  CDI_PBKDF_PBKDF2,
} CdiPbkdf;

typedef struct
{
  CdiVerb verb;
  bool read_only, skip_fsck, no_trim;
  CdiPbkdf pbkdf;
  uint32_t pbkdf_memory_kib;            /* 0 = library default */
  uint32_t pbkdf_time_ms;               /* 0 = library default */
  uint32_t pbkdf_iterations;            /* 0 = benchmark by time */
  char label[CDI_HELPER_LABEL_MAX + 1]; /* "" = default */
  uint64_t bytes;                       /* grow's BYTES; 0 for other verbs */
  const char *args[2];                  /* positional arguments, pointing into argv */
  size_t n_args;
} CdiRequest;

/* argv[1] is the verb, then that verb's options (each at most once), then exactly its number
 * of positional arguments. Returns 0, or:
 *   -EINVAL  (-> exit 2, usage): no or unknown verb; an unknown option, one the verb does not
 *            take, a duplicate, or one after a positional argument; a positional argument that
 *            starts with '-'; a "--" anywhere; the wrong number of positional arguments.
 *   -EBADMSG (-> exit 4, refused): the grammar is right but a value is not: a number that is
 *            not strict decimal (digits only, no sign, space or leading zero) or lies outside
 *            the protocol's bounds, an unknown PBKDF, --pbkdf-memory with --pbkdf=pbkdf2,
 *            --pbkdf-iterations below 1000 with --pbkdf=pbkdf2, a label that is empty, longer
 *            than CDI_HELPER_LABEL_MAX or has a byte outside [A-Za-z0-9._ -], or a positional
 *            argument that fails cdi_path_check_syntax(), or grow's BYTES that is not a strict decimal
 *            in [512, CDI_HELPER_GROW_MAX_BYTES] and a multiple of 512 (BYTES is the one
 *            positional argument that is not a path; it too never starts with '-').
 * Usage errors win over refused values, whatever their order in argv. *ret_request is
 * written only on success; its args point into @argv. */
int cdi_args_parse (int         argc,
                    char *const argv[],
                    CdiRequest *ret_request);

/* The verb as spelled on the command line, or NULL for a value outside the enum */
const char *cdi_verb_to_string (CdiVerb verb);
