/* netlink.c - generic netlink messages: build, send, read the replies
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netlink.h"

void
cdi_nl_begin (CdiNlMsg *m,
              uint16_t  family,
              uint8_t   cmd,
              uint8_t   version)
{
  struct nlmsghdr *h = (struct nlmsghdr *) m->buf;
  struct genlmsghdr *g = (struct genlmsghdr *) NLMSG_DATA (h);

  memset (m, 0, sizeof *m);
  h->nlmsg_type = family;
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  h->nlmsg_seq = (uint32_t) time (NULL);
  g->cmd = cmd;
  g->version = version;
  m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

int
cdi_nl_put (CdiNlMsg   *m,
            uint16_t    type,
            const void *data,
            size_t      len)
{
  struct nlattr *a = (struct nlattr *) (m->buf + m->len);
  size_t total = NLA_ALIGN (NLA_HDRLEN + len);

  if (m->len + total > sizeof m->buf)
    return -ENOBUFS;
  a->nla_type = type;
  a->nla_len = (uint16_t) (NLA_HDRLEN + len);
  if (len > 0)
    memcpy ((uint8_t *) a + NLA_HDRLEN, data, len);
  memset ((uint8_t *) a + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
  m->len += total;
  return 0;
}

int
cdi_nl_put_u32 (CdiNlMsg *m,
                uint16_t  type,
                uint32_t  v)
{
  return cdi_nl_put (m, type, &v, sizeof v);
}

int
cdi_nl_put_u64 (CdiNlMsg *m,
                uint16_t  type,
                uint64_t  v)
{
  return cdi_nl_put (m, type, &v, sizeof v);
}

int
cdi_nl_nest_begin (CdiNlMsg *m,
                   uint16_t  type)
{
  if (m->depth >= 4)
    return -ENOBUFS;
  m->nest[m->depth++] = m->len;
  return cdi_nl_put (m, type | NLA_F_NESTED, NULL, 0);
}

void
cdi_nl_nest_end (CdiNlMsg *m)
{
  size_t start = m->nest[--m->depth];
  struct nlattr *a = (struct nlattr *) (m->buf + start);

  a->nla_len = (uint16_t) (m->len - start);
}

int
cdi_nl_for_each_attr (const uint8_t *data,
                      size_t         len,
                      CdiNlAttrFunc  func,
                      void          *user_data)
{
  size_t off = 0;

  while (off + NLA_HDRLEN <= len)
    {
      const struct nlattr *a = (const struct nlattr *) (data + off);
      if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
        return -EPROTO;
      int r = func (a, user_data);
      if (r != 0)
        return r;
      off += NLA_ALIGN (a->nla_len);
    }
  return 0;
}

int
cdi_nl_for_each_nested (const struct nlattr *attr,
                        CdiNlAttrFunc        func,
                        void                *user_data)
{
  return cdi_nl_for_each_attr ((const uint8_t *) attr + NLA_HDRLEN, attr->nla_len - NLA_HDRLEN,
                               func, user_data);
}

int
cdi_nl_transact (int            fd,
                 CdiNlMsg      *m,
                 CdiNlAttrFunc  func,
                 void          *user_data)
{
  struct nlmsghdr *h = (struct nlmsghdr *) m->buf;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  uint8_t buf[CDI_NL_BUF] __attribute__ ((aligned (NLMSG_ALIGNTO)));

  h->nlmsg_len = (uint32_t) m->len;
  if (sendto (fd, m->buf, m->len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    return -errno;

  for (;;)
    {
      ssize_t n = recv (fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      for (struct nlmsghdr *r = (struct nlmsghdr *) buf; NLMSG_OK (r, (size_t) n);
           r = NLMSG_NEXT (r, n))
        {
          if (r->nlmsg_seq != h->nlmsg_seq)
            continue;
          if (r->nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr *e = NLMSG_DATA (r);
              return e->error; /* 0 is the ACK */
            }
          if (r->nlmsg_type == NLMSG_DONE)
            return 0;
          if (func != NULL && r->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN)
            {
              const uint8_t *attrs = (const uint8_t *) NLMSG_DATA (r) + GENL_HDRLEN;
              int rr = cdi_nl_for_each_attr (attrs, r->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
                                             func, user_data);
              if (rr < 0)
                return rr;
            }
        }
    }
}
