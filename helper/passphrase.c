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
#define STDIN_BUFFER_SIZE (CDI_HELPER_PASSWD_STDIN_MAX + 1)

static char *
buffer_new (size_t size)
{
  void *buf;

  /* A private mapping of its own, not the malloc heap: nothing else shares its pages, so it
   * can be locked, kept out of core dumps and zeroed in forked children (qemu-nbd, mkfs) */
  buf = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED)
    return NULL;
  (void) mlock (buf, size); /* EPERM/ENOMEM unprivileged; the helper has mlockall */
  (void) madvise (buf, size, MADV_DONTDUMP);
#ifdef MADV_WIPEONFORK
  (void) madvise (buf, size, MADV_WIPEONFORK);
#endif
  return buf;
}

static void
buffer_free (char  *buf,
             size_t size)
{
  explicit_bzero (buf, size);
  (void) munlock (buf, size);
  (void) munmap (buf, size);
}

/* Reads @fd until EOF or until @cap bytes are in @buf; 0 or the read's -errno */
static int
read_all (int     fd,
          char   *buf,
          size_t  cap,
          size_t *ret_len)
{
  size_t len = 0;
  int r = 0;

  while (len < cap)
    {
      ssize_t n = read (fd, buf + len, cap - len);

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
  *ret_len = len;
  return r;
}

int
cdi_passphrase_read (int            fd,
                     CdiPassphrase *ret)
{
  char *buf;
  size_t len = 0;
  int r;

  buf = buffer_new (BUFFER_SIZE);
  if (buf == NULL)
    return -ENOMEM;

  r = read_all (fd, buf, BUFFER_SIZE, &len);
  if (r == 0 && len > CDI_HELPER_PASSPHRASE_MAX)
    r = -EMSGSIZE;
  else if (r == 0 && len < CDI_HELPER_PASSPHRASE_MIN)
    r = -ENODATA;

  if (r < 0)
    {
      buffer_free (buf, BUFFER_SIZE);
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
    buffer_free (p->data, BUFFER_SIZE);
  p->data = NULL;
  p->len = 0;
}

/* One passphrase's bounds: -ENODATA (empty, below the minimum) or -EMSGSIZE (too long) */
static int
check_part (size_t len)
{
  if (len < CDI_HELPER_PASSPHRASE_MIN)
    return -ENODATA;
  if (len > CDI_HELPER_PASSPHRASE_MAX)
    return -EMSGSIZE;
  return 0;
}

int
cdi_passwd_split (const char *buf,
                  size_t      len,
                  size_t     *ret_old_offset,
                  size_t     *ret_old_len,
                  size_t     *ret_new_offset,
                  size_t     *ret_new_len)
{
  size_t digits = 0, old_len = 0, rest;
  int r;

  if (buf == NULL)
    return -EBADMSG;
  if (len > CDI_HELPER_PASSWD_STDIN_MAX)
    return -EMSGSIZE;
  /* OLDLEN: strict decimal, no sign or space, no leading zero (so neither "0" nor "01") */
  while (digits < len && buf[digits] >= '0' && buf[digits] <= '9')
    {
      if (digits == CDI_HELPER_PASSWD_LEN_DIGITS_MAX)
        return -EBADMSG;
      old_len = old_len * 10 + (size_t) (buf[digits] - '0');
      digits++;
    }
  if (digits == 0 || digits >= len || buf[digits] != ':' || buf[0] == '0')
    return -EBADMSG;
  rest = len - digits - 1;
  if (old_len > rest)
    return -EBADMSG; /* the old passphrase would run past the end of the input */
  r = check_part (old_len);
  if (r == 0)
    r = check_part (rest - old_len);
  if (r < 0)
    return r;
  *ret_old_offset = digits + 1;
  *ret_old_len = old_len;
  *ret_new_offset = digits + 1 + old_len;
  *ret_new_len = rest - old_len;
  return 0;
}

/* A CdiPassphrase of its own holding @len bytes copied from @src */
static int
passphrase_from (const char    *src,
                 size_t         len,
                 CdiPassphrase *ret)
{
  char *buf = buffer_new (BUFFER_SIZE);

  if (buf == NULL)
    return -ENOMEM;
  memcpy (buf, src, len);
  buf[len] = '\0';
  ret->data = buf;
  ret->len = len;
  return 0;
}

int
cdi_passwd_read (int            fd,
                 CdiPassphrase *ret_old,
                 CdiPassphrase *ret_new)
{
  CdiPassphrase old_p = { 0 }, new_p = { 0 };
  size_t len = 0, old_off = 0, old_len = 0, new_off = 0, new_len = 0;
  char *buf;
  int r;

  buf = buffer_new (STDIN_BUFFER_SIZE);
  if (buf == NULL)
    return -ENOMEM;
  r = read_all (fd, buf, STDIN_BUFFER_SIZE, &len);
  if (r == 0)
    r = cdi_passwd_split (buf, len, &old_off, &old_len, &new_off, &new_len);
  if (r == 0)
    r = passphrase_from (buf + old_off, old_len, &old_p);
  if (r == 0)
    r = passphrase_from (buf + new_off, new_len, &new_p);
  buffer_free (buf, STDIN_BUFFER_SIZE);
  if (r < 0)
    {
      cdi_passphrase_wipe (&old_p);
      cdi_passphrase_wipe (&new_p);
      return r;
    }
  *ret_old = old_p;
  *ret_new = new_p;
  return 0;
}
