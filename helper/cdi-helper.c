/* cdi-helper.c - crypt-disk-image-helper: the root side of crypt-disk-image, run through pkexec
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threat model: the caller is an unprivileged local user who controls every byte of their
 * image file, the directories around it, the mount point, the passphrase and the timing of
 * each call, and who wants root. The helper therefore:
 *   - acts only for the uid in PKEXEC_UID or SUDO_UID (exactly one of them), parsed strictly;
 *     then clears the environment (fixed PATH, LC_ALL=C) before any library can read it;
 *     real and effective uid must be 0; umask 077; memory locked;
 *   - takes a fixed set of verbs with exact argument counts, paths absolute and plain;
 *   - opens every path without following symlinks in any component and checks the opened
 *     object (type, owner = caller, not writable by others), then uses only the fd;
 *   - refuses qcow2 images with a backing file, an external data file or qcow encryption,
 *     never lets qemu probe the format, and runs qemu-nbd as the caller, so qemu can open
 *     nothing the caller could not;
 *   - picks nbd devices (the kernel does, over netlink) and mapper names (by LUKS UUID) itself;
 *   - mounts ext4 only, nosuid,nodev, on the directory fd it checked;
 *   - runs external tools from absolute paths fixed at build time, fixed argv, no shell;
 *   - reads the passphrase only from stdin, bounded, and wipes it;
 *   - undoes every step in reverse order on failure and keeps its state in a root-only
 *     directory under /run, under a lock it waits for only a bounded time;
 *   - lets no process of the caller's block others forever: their qemu-nbd can be stopped,
 *     so nbd requests time out (then fail) and no other user's helper waits unboundedly;
 *   - gives qemu-nbd (the caller's process) no file of root's to write to: its output goes to
 *     a pipe read only while it starts;
 *   - never acts on another user's disk.
 * What remains: the kernel parses an ext4 file system and a LUKS header the user wrote.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "caller.h"
#include "cdi-helper-protocol.h"
#include "luks.h"
#include "passphrase.h"
#include "state.h"
#include "verbs.h"

static int
exit_code_for (int r)
{
  switch (-r)
    {
    case 0:
      return CDI_HELPER_EXIT_OK;
    case EINVAL:
      return CDI_HELPER_EXIT_USAGE;
    case EBADMSG: case ELOOP: case EACCES: case EMLINK: case ENOTDIR: case ENOTEMPTY:
    case EMEDIUMTYPE: case EXDEV: case EMSGSIZE: case ENODATA: case ENOENT: case EISDIR:
    case ENAMETOOLONG: case EROFS: case ESRCH: case ENOSPC:
      return CDI_HELPER_EXIT_REFUSED;
    case EKEYREJECTED:
      return CDI_HELPER_EXIT_WRONG_PASSPHRASE;
    case EBUSY: case EEXIST:
      return CDI_HELPER_EXIT_BUSY;
    case ENOPKG: case ENOSYS: case ENXIO:
      return CDI_HELPER_EXIT_MISSING;
    case EUCLEAN:
      return CDI_HELPER_EXIT_NEEDS_REPAIR;
    default:
      return CDI_HELPER_EXIT_FAILED;
    }
}

static const char *
describe (int r)
{
  switch (-r)
    {
    case EKEYREJECTED: return "no key slot opens with this passphrase";
    case ELOOP: return "a symbolic link in the path";
    case EACCES: return "the caller cannot reach it, does not own it, or others may write to it";
    case EMLINK: return "the file has more than one hard link";
    case ENOTEMPTY: return "the directory is not empty";
    case EMEDIUMTYPE: return "not the expected format";
    case ENOPKG: return "a tool or kernel module is missing";
    case ENODATA: return "empty passphrase";
    case EMSGSIZE: return "passphrase too long";
    case ESRCH: return "the caller has no user account";
    default: return strerror (-r);
    }
}

int
main (int   argc,
      char *argv[])
{
  CdiRequest req;
  CdiPassphrase passphrase = { 0 }, new_passphrase = { 0 };
  CdiContext ctx = { .run_fd = -1, .passphrase = &passphrase, .new_passphrase = &new_passphrase };
  const char *verb = argc > 1 ? argv[1] : "";
  int lock_fd = -1, r;

  umask (0077);

  r = cdi_args_parse (argc, argv, &req);
  if (r < 0)
    {
      if (r == -EINVAL)
        fprintf (stderr,
                 "usage: " CDI_HELPER_NAME " format|open|close|trim|status|recover|"
                 "inspect|passwd|grow|backup-header [OPTION...] ARG...\n(run by crypt-disk-image through pkexec)\n");
      else
        fprintf (stderr, "'%s' refused: invalid argument value\n", verb);
      return exit_code_for (r);
    }
  verb = cdi_verb_to_string (req.verb);

  if (getuid () != 0 || geteuid () != 0)
    {
      fprintf (stderr, "'%s' refused: must be run as root through pkexec\n", verb);
      return CDI_HELPER_EXIT_NOT_AUTHORISED;
    }
  /* The only environment we read: who asked. Everything else goes, before any library
   * (libcryptsetup, libdevmapper, libcrypto) gets a chance to read it. */
  r = cdi_caller_from_env (getenv ("PKEXEC_UID"), getenv ("SUDO_UID"), &ctx.uid);
  if (cdi_caller_reset_env () < 0)
    {
      fprintf (stderr, "'%s' failed: clearing the environment\n", verb);
      return CDI_HELPER_EXIT_FAILED;
    }
  if (r == -EPERM)
    {
      fprintf (stderr, "'%s' refused: both PKEXEC_UID and SUDO_UID are set, so the caller is "
               "unknown; run through pkexec or sudo, not both\n", verb);
      return CDI_HELPER_EXIT_NOT_AUTHORISED;
    }
  if (r < 0)
    {
      fprintf (stderr, "'%s' refused: invalid PKEXEC_UID or SUDO_UID\n", verb);
      return CDI_HELPER_EXIT_NOT_AUTHORISED;
    }

  /* Keep the passphrase and key material out of swap. */
  if (mlockall (MCL_CURRENT | MCL_FUTURE) < 0)
    fprintf (stderr, "warning: mlockall failed: %s\n", strerror (errno));

  if (req.verb == CDI_VERB_FORMAT || req.verb == CDI_VERB_OPEN)
    {
      r = cdi_passphrase_read (STDIN_FILENO, &passphrase);
      if (r < 0)
        {
          fprintf (stderr, "'%s' refused: reading the passphrase from stdin: %s\n", verb,
                   describe (r));
          cdi_passphrase_wipe (&passphrase);
          return exit_code_for (r);
        }
    }
  else if (req.verb == CDI_VERB_PASSWD)
    {
      r = cdi_passwd_read (STDIN_FILENO, &passphrase, &new_passphrase);
      if (r < 0)
        {
          fprintf (stderr, "'%s' refused: reading OLDLEN:OLD NEW from stdin: %s\n", verb,
                   r == -EBADMSG ? "malformed (want OLDLEN ':' OLD NEW)" : describe (r));
          return exit_code_for (r);
        }
    }

  cdi_luks_init_logging ();
  ctx.what = "opening the state directory " CDI_RUN_DIR;
  r = cdi_state_open_dir (&ctx.run_fd);
  if (r == 0)
    {
      ctx.what = "taking the lock in " CDI_RUN_DIR;
      r = cdi_state_lock (ctx.run_fd, CDI_HELPER_LOCK_WAIT_S * 1000, &lock_fd);
      if (r == -EBUSY)
        ctx.what = "another disk operation is in progress; try again";
    }
  if (r == 0)
    switch (req.verb)
      {
      case CDI_VERB_FORMAT: r = cdi_verb_format (&ctx, &req); break;
      case CDI_VERB_OPEN: r = cdi_verb_open (&ctx, &req); break;
      case CDI_VERB_CLOSE: r = cdi_verb_close (&ctx, &req); break;
      case CDI_VERB_TRIM: r = cdi_verb_trim (&ctx, &req); break;
      case CDI_VERB_STATUS: r = cdi_verb_status (&ctx, &req); break;
      case CDI_VERB_RECOVER: r = cdi_verb_recover (&ctx, &req); break;
      case CDI_VERB_INSPECT: r = cdi_verb_inspect (&ctx, &req); break;
      case CDI_VERB_PASSWD: r = cdi_verb_passwd (&ctx, &req); break;
      case CDI_VERB_GROW: r = cdi_verb_grow (&ctx, &req); break;
      case CDI_VERB_BACKUP_HEADER: r = cdi_verb_backup_header (&ctx, &req); break;
      default: r = -EINVAL; break;
      }
  cdi_passphrase_wipe (&passphrase);
  cdi_passphrase_wipe (&new_passphrase);
  fflush (stdout);
  /* EINVAL means "usage" only from the argument parser; from a verb it is an input that
   * turned out unusable (a non-regular file, a device libcryptsetup cannot use). */
  if (r == -EINVAL)
    r = -EMEDIUMTYPE;

  if (r < 0)
    {
      if (ctx.reason != NULL)
        fprintf (stderr, "'%s' failed: %s: %s (%s)\n", verb, ctx.what, ctx.reason, describe (r));
      else
        fprintf (stderr, "'%s' failed: %s (%s)\n", verb, ctx.what, describe (r));
    }
  if (lock_fd >= 0)
    close (lock_fd);
  if (ctx.run_fd >= 0)
    close (ctx.run_fd);
  return exit_code_for (r);
}
