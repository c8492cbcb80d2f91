/* caller.h - who the helper acts for: the uid from PKEXEC_UID or SUDO_UID
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions: main() reads the two variables (and nothing else from the environment) and
 * passes their values, or NULL when unset. Both return 0 or -EBADMSG and never print.
 */
#pragma once

#include <sys/types.h>

/* Strict decimal: one or more ASCII digits, no sign, no space, no leading zero (but "0" is
 * root and valid), no overflow of uid_t, and not (uid_t) -1, which chown() and setresuid()
 * read as "leave unchanged". */
int cdi_caller_parse_uid (const char *text,
                          uid_t      *ret_uid);

/* PKEXEC_UID wins whenever it is set, even with SUDO_UID set too; a bad PKEXEC_UID is refused
 * and never falls back to SUDO_UID. Otherwise SUDO_UID the same way. Neither set: 0, root
 * acting for itself. Set but empty counts as set, and is refused. */
int cdi_caller_from_env (const char *pkexec_uid,
                         const char *sudo_uid,
                         uid_t      *ret_uid);
