/* cdi-helper-protocol.h - the contract between crypt-disk-image-helper and its callers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Included by the root helper (helper/) and by the unprivileged client (src/), so both sides
 * agree on verbs, options, exit codes, stdin limits and the stdout record format. Plain C: no
 * GLib types here.
 *
 * Invocation:  crypt-disk-image-helper VERB [OPTION...] ARG...
 *   Options come right after the verb and start with "--"; each verb accepts a fixed set and a
 *   fixed number of positional arguments (see the table below). Positional arguments never start
 *   with '-'. Anything else: exit CDI_HELPER_EXIT_USAGE, nothing done.
 *
 *   format  [--pbkdf-memory=KIB] [--pbkdf-time=MS] [--pbkdf-iterations=N]
 *           [--pbkdf=argon2id|pbkdf2] [--label=LABEL] IMAGE            passphrase on stdin
 *   open    [--read-only] [--skip-fsck] IMAGE MOUNTPOINT               passphrase on stdin
 *   close   [--no-trim] IMAGE|MOUNTPOINT
 *   trim    MOUNTPOINT
 *   status
 *   recover
 *
 * Passphrase (stdin): read until EOF, CDI_HELPER_PASSPHRASE_MIN..CDI_HELPER_PASSPHRASE_MAX
 *   bytes, binary-safe and used exactly as received; the helper strips nothing. The older bash
 *   tools fed cryptsetup without --key-file, which reads only up to the first newline: a client
 *   that reads a passphrase from a password command (the old PW_CMD) or from a terminal passes
 *   only the bytes before the first newline, so old images keep opening.
 *
 * stdout: records, one per line:  KIND <TAB> key=value <TAB> key=value ...
 *   Values are escaped: '\\' -> "\\\\", TAB -> "\\t", newline -> "\\n", other bytes below 0x20
 *   and 0x7f -> "\\xHH". Keys are [a-z-]+. Unknown keys must be ignored by readers.
 *   disk     image= mountpoint= nbd= mapper= uuid= read-only=0|1 since=UNIX-SECONDS server-pid=
 *            (status, and open/format on success)
 *   holder   pid= comm= holds=cwd|root|file|map|exe path=     (close/trim when busy)
 *   trimmed  mountpoint= bytes=                                (close, trim)
 *   recovered image= mountpoint= action=                       (recover)
 *   fsck     result=clean|repaired|needs-repair                 (open)
 * stderr: untranslated English diagnostics; callers translate by exit code.
 */
#pragma once

#define CDI_HELPER_NAME "crypt-disk-image-helper"

/* Exit codes; 126 and 127 belong to pkexec and are never used by the helper. */
enum
{
  CDI_HELPER_EXIT_OK = 0,
  CDI_HELPER_EXIT_FAILED = 1,           /* an operation failed; see stderr */
  CDI_HELPER_EXIT_USAGE = 2,            /* unknown verb or option, wrong argument count */
  CDI_HELPER_EXIT_NOT_AUTHORISED = 3,   /* not root, no or bad PKEXEC_UID/SUDO_UID */
  CDI_HELPER_EXIT_REFUSED = 4,          /* input refused: path, owner, mode, format, size */
  CDI_HELPER_EXIT_WRONG_PASSPHRASE = 5, /* no keyslot opens with this passphrase */
  CDI_HELPER_EXIT_BUSY = 6,             /* in use (holders listed on stdout) or already exists */
  CDI_HELPER_EXIT_MISSING = 7,          /* a tool or kernel support (nbd, dm-crypt) is missing */
  CDI_HELPER_EXIT_NEEDS_REPAIR = 8,     /* fsck needs manual repair; open --read-only works */
};

#define CDI_HELPER_PASSPHRASE_MIN 1
#define CDI_HELPER_PASSPHRASE_MAX 1024

/* Verbs */
#define CDI_HELPER_VERB_FORMAT "format"
#define CDI_HELPER_VERB_OPEN "open"
#define CDI_HELPER_VERB_CLOSE "close"
#define CDI_HELPER_VERB_TRIM "trim"
#define CDI_HELPER_VERB_STATUS "status"
#define CDI_HELPER_VERB_RECOVER "recover"

/* Options */
#define CDI_HELPER_OPT_READ_ONLY "--read-only"
#define CDI_HELPER_OPT_SKIP_FSCK "--skip-fsck"
#define CDI_HELPER_OPT_NO_TRIM "--no-trim"
#define CDI_HELPER_OPT_PBKDF "--pbkdf="
#define CDI_HELPER_OPT_PBKDF_MEMORY "--pbkdf-memory="
#define CDI_HELPER_OPT_PBKDF_TIME "--pbkdf-time="
#define CDI_HELPER_OPT_PBKDF_ITERATIONS "--pbkdf-iterations="
#define CDI_HELPER_OPT_LABEL "--label="

/* Bounds of the format options */
#define CDI_HELPER_PBKDF_MEMORY_MIN_KIB 32768     /* 32 MiB */
#define CDI_HELPER_PBKDF_MEMORY_MAX_KIB 4194304   /* 4 GiB, libcryptsetup's own cap */
#define CDI_HELPER_PBKDF_TIME_MIN_MS 100
#define CDI_HELPER_PBKDF_TIME_MAX_MS 60000
#define CDI_HELPER_PBKDF_ITERATIONS_MIN 4          /* argon2id time cost; pbkdf2 needs 1000 */
#define CDI_HELPER_PBKDF_ITERATIONS_MAX 100000000
#define CDI_HELPER_LABEL_MAX 47                   /* LUKS2 label limit */

/* Record kinds on stdout */
#define CDI_HELPER_RECORD_DISK "disk"
#define CDI_HELPER_RECORD_HOLDER "holder"
#define CDI_HELPER_RECORD_TRIMMED "trimmed"
#define CDI_HELPER_RECORD_RECOVERED "recovered"
#define CDI_HELPER_RECORD_FSCK "fsck"
