/* args.c - the helper's strict argv grammar (see cdi-helper-protocol.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two passes: the first checks only the shape of argv (verb, option names, counts) and notes
 * where the values are; the second checks the values. So a malformed call is always a usage
 * error (exit 2) and a well-formed call with a bad value is always "refused" (exit 4).
 */
#include "config.h"

#include "args.h"

#include <errno.h>
#include <string.h>

#include "path.h"

typedef enum
{
  OPT_READ_ONLY,
  OPT_SKIP_FSCK,
  OPT_NO_TRIM,
  OPT_PBKDF,
  OPT_PBKDF_MEMORY,
  OPT_PBKDF_TIME,
  OPT_PBKDF_ITERATIONS,
  OPT_LABEL,
  N_OPTS,
} Option;

typedef struct
{
  const char *name;  /* flag, or prefix ending in '=' for options with a value */
  bool has_value;
} OptionInfo;

static const OptionInfo options[N_OPTS] = {
  [OPT_READ_ONLY] = { CDI_HELPER_OPT_READ_ONLY, false },
  [OPT_SKIP_FSCK] = { CDI_HELPER_OPT_SKIP_FSCK, false },
  [OPT_NO_TRIM] = { CDI_HELPER_OPT_NO_TRIM, false },
  [OPT_PBKDF] = { CDI_HELPER_OPT_PBKDF, true },
  [OPT_PBKDF_MEMORY] = { CDI_HELPER_OPT_PBKDF_MEMORY, true },
  [OPT_PBKDF_TIME] = { CDI_HELPER_OPT_PBKDF_TIME, true },
  [OPT_PBKDF_ITERATIONS] = { CDI_HELPER_OPT_PBKDF_ITERATIONS, true },
  [OPT_LABEL] = { CDI_HELPER_OPT_LABEL, true },
};

#define OPT_BIT(o) (1U << (o))

typedef struct
{
  const char *name;
  unsigned int allowed_options; /* OPT_BIT()s */
  size_t n_args;
  int bytes_arg;                /* index of a BYTES positional argument, or -1 */
} VerbInfo;

#define PBKDF_OPTS (OPT_BIT (OPT_PBKDF) | OPT_BIT (OPT_PBKDF_MEMORY) | OPT_BIT (OPT_PBKDF_TIME) | \
                    OPT_BIT (OPT_PBKDF_ITERATIONS))

static const VerbInfo verbs[] = {
  [CDI_VERB_FORMAT] = { CDI_HELPER_VERB_FORMAT, PBKDF_OPTS | OPT_BIT (OPT_LABEL), 1, -1 },
  [CDI_VERB_OPEN] = { CDI_HELPER_VERB_OPEN, OPT_BIT (OPT_READ_ONLY) | OPT_BIT (OPT_SKIP_FSCK), 2,
                      -1 },
  [CDI_VERB_CLOSE] = { CDI_HELPER_VERB_CLOSE, OPT_BIT (OPT_NO_TRIM), 1, -1 },
  [CDI_VERB_TRIM] = { CDI_HELPER_VERB_TRIM, 0, 1, -1 },
  [CDI_VERB_STATUS] = { CDI_HELPER_VERB_STATUS, 0, 0, -1 },
  [CDI_VERB_RECOVER] = { CDI_HELPER_VERB_RECOVER, 0, 0, -1 },
  [CDI_VERB_INSPECT] = { CDI_HELPER_VERB_INSPECT, 0, 1, -1 },
  [CDI_VERB_PASSWD] = { CDI_HELPER_VERB_PASSWD, PBKDF_OPTS, 1, -1 },
  [CDI_VERB_GROW] = { CDI_HELPER_VERB_GROW, 0, 2, 1 },
  [CDI_VERB_BACKUP_HEADER] = { CDI_HELPER_VERB_BACKUP_HEADER, 0, 1, -1 },
};

#define N_VERBS (sizeof verbs / sizeof verbs[0])

/* pbkdf2 iterations below this are too weak to be worth a keyslot */
#define PBKDF2_ITERATIONS_MIN 1000

const char *
cdi_verb_to_string (CdiVerb verb)
{
  if ((unsigned int) verb >= N_VERBS)
    return NULL;
  return verbs[verb].name;
}

/* Which option @arg is, and where its value starts; -1 if none */
static int
lookup_option (const char  *arg,
               const char **ret_value)
{
  for (int o = 0; o < N_OPTS; o++)
    {
      size_t n = strlen (options[o].name);

      if (options[o].has_value ? strncmp (arg, options[o].name, n) == 0
                               : strcmp (arg, options[o].name) == 0)
        {
          *ret_value = options[o].has_value ? arg + n : NULL;
          return o;
        }
    }
  return -1;
}

/* Strict decimal in [@min, @max]: digits only, no sign, no space, no leading zero */
static int
parse_u32 (const char *text,
           uint32_t    min,
           uint32_t    max,
           uint32_t   *ret)
{
  uint64_t value = 0;

  if (text[0] == '\0' || (text[0] == '0' && text[1] != '\0'))
    return -EBADMSG;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return -EBADMSG;
      value = value * 10 + (uint64_t) (*p - '0');
      if (value > max) /* also stops the accumulator long before it could overflow */
        return -EBADMSG;
    }
  if (value < min)
    return -EBADMSG;
  *ret = (uint32_t) value;
  return 0;
}

/* grow's BYTES: strict decimal, a whole number of 512-byte sectors, at most the protocol's cap */
static int
parse_bytes (const char *text,
             uint64_t   *ret)
{
  uint64_t value = 0;

  if (text[0] == '\0' || (text[0] == '0' && text[1] != '\0'))
    return -EBADMSG;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return -EBADMSG;
      value = value * 10 + (uint64_t) (*p - '0');
      if (value > CDI_HELPER_GROW_MAX_BYTES) /* 2^50: far from overflowing the accumulator */
        return -EBADMSG;
    }
  if (value == 0 || value % 512 != 0)
    return -EBADMSG;
  *ret = value;
  return 0;
}

/* The LUKS2 label: it ends up in blkid output, udev properties and our own records */
static int
parse_label (const char *text,
             char        ret[CDI_HELPER_LABEL_MAX + 1])
{
  size_t len = strnlen (text, CDI_HELPER_LABEL_MAX + 1);

  if (len == 0 || len > CDI_HELPER_LABEL_MAX)
    return -EBADMSG;
  for (size_t i = 0; i < len; i++)
    {
      char c = text[i];

      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == ' ' || c == '-'))
        return -EBADMSG;
    }
  memcpy (ret, text, len + 1);
  return 0;
}

static int
parse_values (const char *const values[N_OPTS],
              int               bytes_arg,
              CdiRequest       *req)
{
  uint32_t iterations_min = CDI_HELPER_PBKDF_ITERATIONS_MIN;
  int r;

  if (values[OPT_PBKDF] != NULL)
    {
      if (strcmp (values[OPT_PBKDF], "argon2id") == 0)
        req->pbkdf = CDI_PBKDF_ARGON2ID;
      else if (strcmp (values[OPT_PBKDF], "pbkdf2") == 0)
        req->pbkdf = CDI_PBKDF_PBKDF2;
      else
        return -EBADMSG;
    }

  if (values[OPT_PBKDF_MEMORY] != NULL)
    {
      /* pbkdf2 has no memory cost; accepting it silently would mislead the caller */
      if (req->pbkdf == CDI_PBKDF_PBKDF2)
        return -EBADMSG;
      r = parse_u32 (values[OPT_PBKDF_MEMORY], CDI_HELPER_PBKDF_MEMORY_MIN_KIB,
                     CDI_HELPER_PBKDF_MEMORY_MAX_KIB, &req->pbkdf_memory_kib);
      if (r < 0)
        return r;
    }

  if (values[OPT_PBKDF_TIME] != NULL)
    {
      r = parse_u32 (values[OPT_PBKDF_TIME], CDI_HELPER_PBKDF_TIME_MIN_MS,
                     CDI_HELPER_PBKDF_TIME_MAX_MS, &req->pbkdf_time_ms);
      if (r < 0)
        return r;
    }

  if (values[OPT_PBKDF_ITERATIONS] != NULL)
    {
      /* For argon2id (and the default, which is argon2id for LUKS2) this is the time cost */
      if (req->pbkdf == CDI_PBKDF_PBKDF2)
        iterations_min = PBKDF2_ITERATIONS_MIN;
      r = parse_u32 (values[OPT_PBKDF_ITERATIONS], iterations_min,
                     CDI_HELPER_PBKDF_ITERATIONS_MAX, &req->pbkdf_iterations);
      if (r < 0)
        return r;
    }

  if (values[OPT_LABEL] != NULL)
    {
      r = parse_label (values[OPT_LABEL], req->label);
      if (r < 0)
        return r;
    }

  for (size_t i = 0; i < req->n_args; i++)
    {
      if ((int) i == bytes_arg)
        r = parse_bytes (req->args[i], &req->bytes);
      else
        r = cdi_path_check_syntax (req->args[i]);
      if (r < 0)
        return r;
    }
  return 0;
}

int
cdi_args_parse (int         argc,
                char *const argv[],
                CdiRequest *ret_request)
{
  const char *values[N_OPTS] = { NULL };
  unsigned int seen = 0;
  const VerbInfo *info = NULL;
  CdiRequest req = { 0 };
  int i;
  int r;

  if (argc < 2 || argv == NULL || argv[1] == NULL)
    return -EINVAL;

  for (size_t v = 0; v < N_VERBS; v++)
    if (strcmp (argv[1], verbs[v].name) == 0)
      {
        info = &verbs[v];
        req.verb = (CdiVerb) v;
        break;
      }
  if (info == NULL)
    return -EINVAL;

  /* Pass one: the shape */
  for (i = 2; i < argc && argv[i] != NULL && strncmp (argv[i], "--", 2) == 0; i++)
    {
      const char *value = NULL;
      int o = lookup_option (argv[i], &value);

      /* "--" itself is no option: there is no end-of-options marker in this grammar */
      if (o < 0 || (info->allowed_options & OPT_BIT (o)) == 0 || (seen & OPT_BIT (o)) != 0)
        return -EINVAL;
      seen |= OPT_BIT (o);
      values[o] = value;
    }

  for (; i < argc; i++)
    {
      /* Covers "-x", "--", a late option and a path with a leading dash alike */
      if (argv[i] == NULL || argv[i][0] == '-' || req.n_args >= info->n_args)
        return -EINVAL;
      req.args[req.n_args++] = argv[i];
    }
  if (req.n_args != info->n_args)
    return -EINVAL;

  req.read_only = (seen & OPT_BIT (OPT_READ_ONLY)) != 0;
  req.skip_fsck = (seen & OPT_BIT (OPT_SKIP_FSCK)) != 0;
  req.no_trim = (seen & OPT_BIT (OPT_NO_TRIM)) != 0;

  /* Pass two: the values */
  r = parse_values (values, info->bytes_arg, &req);
  if (r < 0)
    return r;

  *ret_request = req;
  return 0;
}
