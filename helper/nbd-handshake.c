/* nbd-handshake.c - the client side of the NBD fixed-newstyle handshake
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper negotiates with qemu-nbd itself, then gives the connected socket to the kernel
 * (nbd.c). The server runs as the user, so it is not trusted: every length is bounded.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <linux/nbd.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nbd.h"

#define NBD_MAGIC_INIT 0x4e42444d41474943ULL  /* "NBDMAGIC" */
#define NBD_MAGIC_OPT 0x49484156454F5054ULL   /* "IHAVEOPT" */
#define NBD_MAGIC_REP 0x0003e889045565a9ULL
#define NBD_HS_FIXED_NEWSTYLE 1
#define NBD_HS_NO_ZEROES 2
#define NBD_OPT_GO 7
#define NBD_REP_ACK 1
#define NBD_REP_INFO 3
#define NBD_INFO_EXPORT 0
#define NBD_REP_ERR_BIT 0x80000000U
#define MAX_REPLY_LEN 4096
#define MAX_REPLIES 32

static int
read_full (int    fd,
           void  *buf,
           size_t len)
{
  uint8_t *p = buf;

  while (len > 0)
    {
      ssize_t n = read (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno == EAGAIN ? -ETIMEDOUT : -errno;
      if (n == 0)
        return -ECONNRESET;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

static int
write_full (int         fd,
            const void *buf,
            size_t      len)
{
  const uint8_t *p = buf;

  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

/* Fixed-newstyle negotiation with NBD_OPT_GO for the default export. The server runs as the
 * user, so every length it sends is bounded before use. */
int
cdi_nbd_handshake (int       sock,
                   uint64_t *ret_size,
                   uint16_t *ret_flags)
{
  struct __attribute__ ((packed))
  {
    uint64_t magic, opt_magic;
    uint16_t flags;
  } hello;
  struct __attribute__ ((packed))
  {
    uint64_t magic;
    uint32_t option, length, name_length;
    uint16_t n_info;
  } go;
  struct __attribute__ ((packed))
  {
    uint64_t magic;
    uint32_t option, type, length;
  } reply;
  uint8_t data[MAX_REPLY_LEN];
  uint32_t client_flags;
  uint64_t size = 0;
  uint16_t tflags = 0;
  bool have_export = false;
  int r;

  r = read_full (sock, &hello, sizeof hello);
  if (r < 0)
    return r;
  if (be64toh (hello.magic) != NBD_MAGIC_INIT || be64toh (hello.opt_magic) != NBD_MAGIC_OPT)
    return -EPROTO;
  if ((be16toh (hello.flags) & NBD_HS_FIXED_NEWSTYLE) == 0)
    return -EPROTO;
  client_flags = NBD_HS_FIXED_NEWSTYLE | (be16toh (hello.flags) & NBD_HS_NO_ZEROES);
  client_flags = htobe32 (client_flags);
  r = write_full (sock, &client_flags, sizeof client_flags);
  if (r < 0)
    return r;

  go.magic = htobe64 (NBD_MAGIC_OPT);
  go.option = htobe32 (NBD_OPT_GO);
  go.length = htobe32 (4 + 2);
  go.name_length = 0;
  go.n_info = 0;
  r = write_full (sock, &go, sizeof go);
  if (r < 0)
    return r;

  for (int i = 0; i < MAX_REPLIES; i++)
    {
      uint32_t type, length;

      r = read_full (sock, &reply, sizeof reply);
      if (r < 0)
        return r;
      type = be32toh (reply.type);
      length = be32toh (reply.length);
      if (be64toh (reply.magic) != NBD_MAGIC_REP || be32toh (reply.option) != NBD_OPT_GO)
        return -EPROTO;
      if (length > MAX_REPLY_LEN)
        return -EPROTO;
      r = read_full (sock, data, length);
      if (r < 0)
        return r;
      if (type & NBD_REP_ERR_BIT)
        return -ENXIO;
      if (type == NBD_REP_INFO && length >= 2 && ((data[0] << 8) | data[1]) == NBD_INFO_EXPORT)
        {
          if (length != 12)
            return -EPROTO;
          memcpy (&size, data + 2, 8);
          memcpy (&tflags, data + 10, 2);
          size = be64toh (size);
          tflags = be16toh (tflags);
          have_export = true;
        }
      else if (type == NBD_REP_ACK)
        {
          if (!have_export || size == 0 || size % 512 != 0 || (tflags & NBD_FLAG_HAS_FLAGS) == 0)
            return -EPROTO;
          *ret_size = size;
          *ret_flags = tflags;
          return 0;
        }
    }
  return -EPROTO;
}
