/* passphrase.c - the passphrase from stdin, in locked memory, wiped after use
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "passphrase.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cdi-helper-protocol.h"

/* One byte over the maximum tells "too long" from "exactly the maximum" */
#define BUFFER_SIZE (CDI_HELPER_PASSPHRASE_MAX + 1)

static char *
buffer_new (void)
{
  void *buf;

  /* A private mapping of its own, not the malloc heap: nothing else shares its pages, so it
   * can be locked, kept out of core dumps and zeroed in forked children (qemu-nbd, mkfs) */
  buf = mmap (NULL, BUFFER_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED)
    return NULL;
  (void) mlock (buf, BUFFER_SIZE); /* EPERM/ENOMEM unprivileged; the helper has mlockall */
  (void) madvise (buf, BUFFER_SIZE, MADV_DONTDUMP);
#ifdef MADV_WIPEONFORK
  (void) madvise (buf, BUFFER_SIZE, MADV_WIPEONFORK);
#endif
  return buf;
}

static void
buffer_free (char *buf)
{
  explicit_bzero (buf, BUFFER_SIZE);
  (void) munlock (buf, BUFFER_SIZE);
  (void) munmap (buf, BUFFER_SIZE);
}

int
cdi_passphrase_read (int            fd,
                     CdiPassphrase *ret)
{
  char *buf;
  size_t len = 0;
  int r = 0;

  buf = buffer_new ();
  if (buf == NULL)
    return -ENOMEM;

  while (len < BUFFER_SIZE)
    {
      ssize_t n = read (fd, buf + len, BUFFER_SIZE - len);

      if (n > 0)
        {
          len += (size_t) n;
          continue;
        }
      if (n == 0)
        break;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN)
        {
          struct pollfd pfd = { .fd = fd, .events = POLLIN };

          if (poll (&pfd, 1, -1) < 0 && errno != EINTR)
            {
              r = -errno;
              break;
            }
          continue;
        }
      r = -errno;
      break;
    }

  if (r == 0 && len > CDI_HELPER_PASSPHRASE_MAX)
    r = -EMSGSIZE;
  else if (r == 0 && len < CDI_HELPER_PASSPHRASE_MIN)
    r = -ENODATA;

  if (r < 0)
    {
      buffer_free (buf);
      return r;
    }

  buf[len] = '\0';
  ret->data = buf;
  ret->len = len;
  return 0;
}

void
cdi_passphrase_wipe (CdiPassphrase *p)
{
  if (p == NULL)
    return;
  if (p->data != NULL)
    buffer_free (p->data);
  p->data = NULL;
  p->len = 0;
}
