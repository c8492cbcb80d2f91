/* path.h - path grammar, symlink-free opening and checks on the opened object
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper never trusts a name: it checks the spelling (cdi_path_check_syntax), opens the
 * object once without following any symlink (cdi_path_open_nofollow), and from then on checks
 * and uses only the fd (cdi_path_check_*). All functions return 0 or a negative errno and never
 * print. The errno of each refusal is fixed so that main() can map it to an exit code:
 *
 *   -EBADMSG    the path is spelled wrongly                                  -> 4 (refused)
 *   -ELOOP      a symlink (or magic link) somewhere in the path              -> 4
 *   -ENOENT     a component does not exist                                   -> 4
 *   -EINVAL     wrong file type (image not regular; a device, fifo or socket) -> 4
 *   -ENOTDIR    not a directory where one is needed                          -> 4
 *   -EACCES     not owned by the caller, or group/other-writable             -> 4
 *   -EMLINK     the image has more than one hard link                        -> 4
 *   -ENOTEMPTY  the mount point is not empty                                 -> 4
 *   -EBUSY      the mount point is already a mount point                     -> 6 (busy)
 *   -EACCES     also: the caller may not reach the name (cdi_path_open_as_caller), whether
 *               or not it exists                                             -> 4
 * Other errnos from the kernel (-ENOMEM, -EIO, -ENAMETOOLONG, ...) are passed through.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Absolute, at most PATH_MAX - 1 bytes, no byte below 0x20 nor 0x7f, no empty, "." or ".."
 * component, no component longer than NAME_MAX, no trailing '/', not "/" itself. Bytes from
 * 0x80 up are allowed (UTF-8 names). Returns 0 or -EBADMSG (also for NULL). */
int cdi_path_check_syntax (const char *path);

/* Checks the syntax, then opens @path without following a symlink in any component:
 * openat2 (RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS) for the parent directory, or a walk
 * with O_PATH|O_NOFOLLOW per component where openat2 is missing; then the last component with
 * O_NOFOLLOW|O_CLOEXEC|O_NOCTTY|O_NONBLOCK|@extra_flags (e.g. O_RDWR for an image,
 * O_RDONLY|O_DIRECTORY for a mount point; O_CREAT, O_TRUNC and O_TMPFILE are refused with
 * -EINVAL, since nothing may change the object before it is checked). Device nodes, fifos and
 * sockets are refused with -EINVAL before they are opened: opening some devices has side
 * effects (a tape rewinds). Other errors of the kernel's open pass through, e.g. -EISDIR for a
 * directory opened O_RDWR. On success *@ret_fd is a new fd the caller closes. */
int cdi_path_open_nofollow (const char *path,
                            int         extra_flags,
                            int        *ret_fd);

/* cdi_path_open_nofollow() with the caller's file system identity: supplementary groups
 * (getgrouplist of the caller's account), fsgid (the account's primary group) and fsuid
 * @caller, set just around the open and checked, then root again (0/0, no supplementary
 * groups) on every path before returning. The kernel then resolves the name with the
 * caller's permissions, so a name the caller could not reach reads -EACCES whether or not it
 * exists: root answers nothing the caller could not find out alone. @caller 0 (root asked
 * itself): exactly cdi_path_open_nofollow(). -ESRCH: no account for @caller; -EDEADLK: more
 * than one thread (the identity is per thread); -EPERM: not root, or the switch did not
 * take. The owner and mode checks below still run on the fd. */
int cdi_path_open_as_caller (const char *path,
                             int         extra_flags,
                             uid_t       caller,
                             int        *ret_fd);

/* Image: a regular file (-EINVAL), owned by @caller (-EACCES), not group- or other-writable
 * (-EACCES), exactly one hard link (-EMLINK). A second link could be a name in a directory
 * the caller does not control, so even a caller's own file with two links is refused. */
int cdi_path_check_image (int   fd,
                          uid_t caller);

/* Directory owned by @caller and not group- or other-writable: -ENOTDIR, -EACCES. No
 * emptiness or mount check. */
int cdi_path_check_owned_dir (int   fd,
                              uid_t caller);

/* Mount point: cdi_path_check_owned_dir(), then not already a mount point (-EBUSY, checked
 * first so that a mounted directory reads "busy", not "not empty"), then empty (-ENOTEMPTY).
 * The fd's own file offset is not touched. */
int cdi_path_check_mountpoint (int   fd,
                               uid_t caller);

/* Tests only: behave as on a kernel before 5.8, with neither openat2 (per-component walk) nor
 * STATX_ATTR_MOUNT_ROOT and STATX_MNT_ID (comparison with ".." and name_to_handle_at's mount
 * id), so the fallbacks get tested too. */
void cdi_path_testing_force_fallbacks (bool force);
