/* qcow2.h - refuse QCow2 images that could make qemu-nbd reach beyond the image file
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * qemu-nbd runs on a file the user owns and can rewrite at any time. A backing file or an
 * external data file would let the image name another file or a device (a hole the older bash tools had),
 * and qcow2-level encryption would hide the LUKS layer from us. This check reads the header
 * from the already opened fd; it is defence in depth, since the user can rewrite the header
 * after it: the helper must still start qemu-nbd with a fixed format and no backing file.
 *
 * Results: 0; -EMEDIUMTYPE, not a QCow2 image we can read (wrong magic: a raw image or a bare
 * LUKS file; unknown version; a header that is out of bounds or truncated); -EXDEV, a QCow2
 * image that refers outside itself or that we will not serve (backing file, external data
 * file, qcow2 encryption, an unknown incompatible feature). *ret_reason (optional) gets a
 * short static English reason on failure and is untouched on success.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Checks the header in @buf, which holds the first @len bytes of the file (ideally the whole
 * first cluster; header extensions past @len count as truncated). Safe on any input. */
int cdi_qcow2_check_header (const uint8_t *buf,
                            size_t         len,
                            const char   **ret_reason);

/* Reads the first cluster (at most 2 MiB) of @fd with pread, so the fd's offset is not moved,
 * and checks it. Returns -errno for a failed read besides the results above. */
int cdi_qcow2_check_fd (int          fd,
                        const char **ret_reason);
