/* caller.h - who the helper acts for: the uid from PKEXEC_UID or SUDO_UID
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions: main() reads the two variables (and nothing else from the environment) and
 * passes their values, or NULL when unset, then throws the rest of the environment away with
 * cdi_caller_reset_env(). None of them prints.
 */
#pragma once

#include <sys/types.h>

/* Strict decimal: one or more ASCII digits, no sign, no space, no leading zero (but "0" is
 * root and valid), no overflow of uid_t, and not (uid_t) -1, which chown() and setresuid()
 * read as "leave unchanged". */
int cdi_caller_parse_uid (const char *text,
                          uid_t      *ret_uid);

/* Exactly one of PKEXEC_UID and SUDO_UID, parsed with cdi_caller_parse_uid() (-EBADMSG).
 * Both set: -EPERM, whatever their values, since one of them came from the caller and we
 * cannot tell which. Neither set: 0, root acting for itself. Set but empty counts as set. */
int cdi_caller_from_env (const char *pkexec_uid,
                         const char *sudo_uid,
                         uid_t      *ret_uid);

/* The fixed PATH the helper runs with (its tools have absolute paths; see run.c) */
#define CDI_CALLER_ENV_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* Empties the environment and sets only PATH=CDI_CALLER_ENV_PATH and LC_ALL=C: the libraries
 * the helper links (libcryptsetup, libdevmapper, libcrypto, libc's NSS) read variables such as
 * OPENSSL_CONF or DM_*, and none of them may come from the caller. 0 or -errno. */
int cdi_caller_reset_env (void);
