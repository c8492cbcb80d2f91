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
 *   inspect IMAGE                                    no passphrase; nothing is unlocked
 *   passwd  [--pbkdf-memory=KIB] [--pbkdf-time=MS] [--pbkdf-iterations=N] [--pbkdf=argon2id|pbkdf2]
 *           IMAGE                                   old and new passphrase on stdin (framed)
 *   grow    IMAGE BYTES                             an open disk: image, LUKS and ext4 online
 *   backup-header IMAGE                             stdout: the raw LUKS header backup
 *
 * inspect: the image passes the same checks as for open (qcow2, no backing or data file, the
 *   caller's own); it is served read-only and the LUKS header read without unlocking. Prints one
 *   "luks" record. No LUKS header: exit CDI_HELPER_EXIT_REFUSED. An open image is inspected
 *   through its open device.
 * passwd: stdin is  OLDLEN ':' OLD NEW  where OLDLEN is the strict decimal byte length of the
 *   old passphrase; both parts must lie within the passphrase bounds. A new keyslot is added
 *   with NEW (opened by OLD), then the keyslot OLD opened is destroyed. Wrong OLD: exit
 *   CDI_HELPER_EXIT_WRONG_PASSPHRASE, nothing changed. Works on open and closed disks.
 * grow: only for an open disk (a closed one is grown by its owner with `qemu-img resize`, and
 *   the next open grows LUKS and ext4 to fill the device). BYTES is a strict decimal larger than
 *   the current virtual size, at most CDI_HELPER_GROW_MAX_BYTES, a multiple of 512. Prints a
 *   "disk" record of the grown disk.
 * backup-header: stdout carries the header bytes (crypt_header_backup), nothing else; the
 *   client writes them to a file of the user's with mode 0600.
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
 *   luks     image= uuid= version=1|2 label= cipher= size=BYTES open=0|1   (inspect)
 *   grown    image= size=BYTES fs-size=BYTES                    (grow; open when it grew ext4)
 * stderr: untranslated English diagnostics; callers translate by exit code.
 */
#pragma once

#include <stdint.h>

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

/* How long a helper waits for another one (any user's) to finish before it gives up with
 * CDI_HELPER_EXIT_BUSY, "another disk operation is in progress; try again" on stderr */
#define CDI_HELPER_LOCK_WAIT_S 30

#define CDI_HELPER_PASSPHRASE_MIN 1
#define CDI_HELPER_PASSPHRASE_MAX 1024

/* Verbs */
#define CDI_HELPER_VERB_FORMAT "format"
#define CDI_HELPER_VERB_OPEN "open"
#define CDI_HELPER_VERB_CLOSE "close"
#define CDI_HELPER_VERB_TRIM "trim"
#define CDI_HELPER_VERB_STATUS "status"
#define CDI_HELPER_VERB_RECOVER "recover"
#define CDI_HELPER_VERB_INSPECT "inspect"
#define CDI_HELPER_VERB_PASSWD "passwd"
#define CDI_HELPER_VERB_GROW "grow"
#define CDI_HELPER_VERB_BACKUP_HEADER "backup-header"

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
#define CDI_HELPER_GROW_MAX_BYTES (UINT64_C (1) << 50) /* 1 PiB */
/* passwd's stdin: OLDLEN ':' OLD NEW; at most this many digits in OLDLEN */
#define CDI_HELPER_PASSWD_LEN_DIGITS_MAX 4
#define CDI_HELPER_PASSWD_STDIN_MAX (CDI_HELPER_PASSWD_LEN_DIGITS_MAX + 1 + 2 * CDI_HELPER_PASSPHRASE_MAX)

/* Record kinds on stdout */
#define CDI_HELPER_RECORD_DISK "disk"
#define CDI_HELPER_RECORD_HOLDER "holder"
#define CDI_HELPER_RECORD_TRIMMED "trimmed"
#define CDI_HELPER_RECORD_RECOVERED "recovered"
#define CDI_HELPER_RECORD_FSCK "fsck"
#define CDI_HELPER_RECORD_LUKS "luks"
#define CDI_HELPER_RECORD_GROWN "grown"
