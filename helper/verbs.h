/* verbs.h - the helper's verbs, each a transaction undone in reverse order on failure
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sys/types.h>

#include "args.h"
#include "passphrase.h"

typedef struct
{
  uid_t uid;             /* the caller */
  gid_t gid;             /* the caller's primary group */
  int run_fd;            /* CDI_RUN_DIR, root-only */
  CdiPassphrase *passphrase;
  CdiPassphrase *new_passphrase; /* passwd's NEW; passphrase is then its OLD */
  const char *what;      /* the step that failed, for the one error line */
  const char *reason;    /* a refusal's reason, when there is one */
} CdiContext;

int cdi_verb_format (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_open (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_close (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_trim (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_status (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_recover (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_inspect (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_passwd (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_grow (CdiContext *ctx, const CdiRequest *req);
int cdi_verb_backup_header (CdiContext *ctx, const CdiRequest *req);
