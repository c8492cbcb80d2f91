/* qcow2.c - refuse QCow2 images that could make qemu-nbd reach beyond the image file
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Field offsets and rules from qemu's docs/interop/qcow2.txt. All numbers are big-endian.
 */
#include "config.h"

#include "qcow2.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#define QCOW2_MAGIC 0x514649fbU /* "QFI\xfb" */

#define QCOW2_V2_HEADER_LENGTH 72
#define QCOW2_V3_HEADER_LENGTH_MIN 104

/* qemu's own limits: 512 B to 2 MiB clusters */
#define QCOW2_CLUSTER_BITS_MIN 9
#define QCOW2_CLUSTER_BITS_MAX 21

#define QCOW2_INCOMPAT_DIRTY (UINT64_C (1) << 0)
#define QCOW2_INCOMPAT_CORRUPT (UINT64_C (1) << 1)
#define QCOW2_INCOMPAT_DATA_FILE (UINT64_C (1) << 2)
#define QCOW2_INCOMPAT_COMPRESSION (UINT64_C (1) << 3)
#define QCOW2_INCOMPAT_EXTL2 (UINT64_C (1) << 4)
/* The bits qemu 7.2 knows, minus the external data file; anything newer is refused rather
 * than guessed at, as the spec demands of an implementation that does not know a bit */
#define QCOW2_INCOMPAT_ALLOWED \
  (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT | QCOW2_INCOMPAT_COMPRESSION | \
   QCOW2_INCOMPAT_EXTL2)

#define QCOW2_EXT_END 0x00000000U
#define QCOW2_EXT_CRYPTO_HEADER 0x0537be77U
#define QCOW2_EXT_DATA_FILE 0x44415441U

static uint32_t
be32 (const uint8_t *p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

static uint64_t
be64 (const uint8_t *p)
{
  return ((uint64_t) be32 (p) << 32) | be32 (p + 4);
}

static int
refuse (int          error,
        const char  *reason,
        const char **ret_reason)
{
  if (ret_reason != NULL)
    *ret_reason = reason;
  return error;
}

/* Walks the header extensions from @offset up to @end (the end of the first cluster, or of
 * the buffer if shorter). Every step advances by at least 8 bytes, so the walk ends. */
static int
check_extensions (const uint8_t *buf,
                  size_t         offset,
                  size_t         end,
                  bool           end_is_cluster,
                  const char   **ret_reason)
{
  while (offset < end)
    {
      uint32_t type;
      uint64_t ext_len;

      if (end - offset < 8)
        {
          /* qemu stops at the cluster's end; a short buffer may just be cut off */
          if (end_is_cluster)
            break;
          return refuse (-EMEDIUMTYPE, "QCow2 header extensions are truncated", ret_reason);
        }
      type = be32 (buf + offset);
      ext_len = be32 (buf + offset + 4);
      if (type == QCOW2_EXT_END)
        return 0;
      if (type == QCOW2_EXT_DATA_FILE)
        return refuse (-EXDEV, "QCow2 image names an external data file", ret_reason);
      if (type == QCOW2_EXT_CRYPTO_HEADER)
        return refuse (-EXDEV, "QCow2 image uses qcow2 encryption", ret_reason);

      offset += 8;
      if (ext_len > end - offset)
        return refuse (-EMEDIUMTYPE, "QCow2 header extension runs past the first cluster",
                       ret_reason);
      /* Round up to the 8-byte padding; may step past @end, which ends the loop */
      offset += (size_t) ((ext_len + 7) & ~UINT64_C (7));
    }
  return 0;
}

/* Magic, version and cluster size: the first 24 bytes, all cdi_qcow2_check_fd() reads before
 * it knows how much more to read */
static int
check_start (const uint8_t *buf,
             size_t         len,
             size_t        *ret_cluster_size,
             const char   **ret_reason)
{
  uint32_t version;
  uint32_t cluster_bits;

  if (buf == NULL || len < 4 || be32 (buf) != QCOW2_MAGIC)
    return refuse (-EMEDIUMTYPE, "not a QCow2 image", ret_reason);
  if (len < 24)
    return refuse (-EMEDIUMTYPE, "QCow2 header is truncated", ret_reason);
  version = be32 (buf + 4);
  if (version != 2 && version != 3)
    return refuse (-EMEDIUMTYPE, "unsupported QCow2 version", ret_reason);
  cluster_bits = be32 (buf + 20);
  if (cluster_bits < QCOW2_CLUSTER_BITS_MIN || cluster_bits > QCOW2_CLUSTER_BITS_MAX)
    return refuse (-EMEDIUMTYPE, "QCow2 cluster size is out of range", ret_reason);
  *ret_cluster_size = (size_t) 1 << cluster_bits;
  return 0;
}

int
cdi_qcow2_check_header (const uint8_t *buf,
                        size_t         len,
                        const char   **ret_reason)
{
  size_t cluster_size;
  size_t header_length;
  size_t end;
  int r;

  r = check_start (buf, len, &cluster_size, ret_reason);
  if (r < 0)
    return r;
  if (len < QCOW2_V2_HEADER_LENGTH)
    return refuse (-EMEDIUMTYPE, "QCow2 header is truncated", ret_reason);

  if (be64 (buf + 8) != 0 || be32 (buf + 16) != 0)
    return refuse (-EXDEV, "QCow2 image has a backing file", ret_reason);
  if (be32 (buf + 32) != 0)
    return refuse (-EXDEV, "QCow2 image uses qcow2 encryption", ret_reason);
  if (be64 (buf + 24) == 0)
    return refuse (-EMEDIUMTYPE, "QCow2 image has a virtual size of 0", ret_reason);

  if (be32 (buf + 4) == 2)
    header_length = QCOW2_V2_HEADER_LENGTH;
  else
    {
      uint64_t incompatible;
      uint32_t length;

      if (len < QCOW2_V3_HEADER_LENGTH_MIN)
        return refuse (-EMEDIUMTYPE, "QCow2 header is truncated", ret_reason);
      incompatible = be64 (buf + 72);
      if ((incompatible & QCOW2_INCOMPAT_DATA_FILE) != 0)
        return refuse (-EXDEV, "QCow2 image uses an external data file", ret_reason);
      if ((incompatible & ~QCOW2_INCOMPAT_ALLOWED) != 0)
        return refuse (-EXDEV, "QCow2 image uses an unknown incompatible feature", ret_reason);
      /* qemu refuses to write to such an image; say why instead of failing later */
      if ((incompatible & QCOW2_INCOMPAT_CORRUPT) != 0)
        return refuse (-EMEDIUMTYPE, "QCow2 image is marked corrupt (repair it with "
                       "qemu-img check -r all)", ret_reason);

      length = be32 (buf + 100);
      if (length < QCOW2_V3_HEADER_LENGTH_MIN || length % 8 != 0 || length > cluster_size)
        return refuse (-EMEDIUMTYPE, "QCow2 header length is out of range", ret_reason);
      header_length = length;
    }

  end = len < cluster_size ? len : cluster_size;
  if (header_length > end)
    return refuse (-EMEDIUMTYPE, "QCow2 header is truncated", ret_reason);
  return check_extensions (buf, header_length, end, end == cluster_size, ret_reason);
}

/* pread until @size bytes or EOF; the fd's offset stays where it was */
static int
pread_full (int      fd,
            uint8_t *buf,
            size_t   size,
            size_t  *ret_got)
{
  size_t got = 0;

  while (got < size)
    {
      ssize_t n = pread (fd, buf + got, size - got, (off_t) got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      if (n == 0)
        break;
      got += (size_t) n;
    }
  *ret_got = got;
  return 0;
}

int
cdi_qcow2_check_fd (int          fd,
                    const char **ret_reason)
{
  uint8_t head[24];
  uint8_t *cluster;
  size_t cluster_size;
  size_t got;
  int r;

  /* First magic, version and cluster size, for how much to read */
  r = pread_full (fd, head, sizeof head, &got);
  if (r < 0)
    return r;
  r = check_start (head, got, &cluster_size, ret_reason);
  if (r < 0)
    return r;

  /* Then the whole first cluster, zero-filled: qemu reads past the end of a short file as
   * zeros, and a zero extension type ends the list, so we see what qemu would see */
  cluster = calloc (1, cluster_size);
  if (cluster == NULL)
    return -ENOMEM;
  r = pread_full (fd, cluster, cluster_size, &got);
  if (r == 0)
    r = cdi_qcow2_check_header (cluster, cluster_size, ret_reason);
  free (cluster);
  return r;
}
