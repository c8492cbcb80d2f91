/* netlink.h - just enough generic netlink to talk to the kernel's nbd family
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message is built in a fixed buffer (attributes, up to four levels of nesting), sent with
 * NLM_F_ACK, and the replies are read until the kernel's ACK or error. All functions return
 * 0 or -errno; the builders fail with -ENOBUFS when the buffer is full.
 */
#pragma once

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

#define CDI_NL_BUF 8192

typedef struct
{
  uint8_t buf[CDI_NL_BUF] __attribute__ ((aligned (NLMSG_ALIGNTO)));
  size_t len;
  size_t nest[4];
  int depth;
} CdiNlMsg;

/* Called with each attribute of a reply (or of a nested attribute); non-zero stops the walk
 * and is returned */
typedef int (*CdiNlAttrFunc) (const struct nlattr *attr, void *user_data);

void cdi_nl_begin (CdiNlMsg *m,
                   uint16_t  family,
                   uint8_t   cmd,
                   uint8_t   version);
int  cdi_nl_put (CdiNlMsg   *m,
                 uint16_t    type,
                 const void *data,
                 size_t      len);
int  cdi_nl_put_u32 (CdiNlMsg *m,
                     uint16_t  type,
                     uint32_t  v);
int  cdi_nl_put_u64 (CdiNlMsg *m,
                     uint16_t  type,
                     uint64_t  v);
int  cdi_nl_nest_begin (CdiNlMsg *m,
                        uint16_t  type);
void cdi_nl_nest_end (CdiNlMsg *m);
/* -EPROTO when an attribute's length runs past @len */
int  cdi_nl_for_each_attr (const uint8_t *data,
                           size_t         len,
                           CdiNlAttrFunc  func,
                           void          *user_data);
/* cdi_nl_for_each_attr() over the attributes nested in @attr */
int  cdi_nl_for_each_nested (const struct nlattr *attr,
                             CdiNlAttrFunc        func,
                             void                *user_data);
/* Sends @m on @fd and reads replies until the ACK (0) or an error (the kernel's -errno); the
 * attributes of each data reply go to @func (may be NULL) */
int  cdi_nl_transact (int            fd,
                      CdiNlMsg      *m,
                      CdiNlAttrFunc  func,
                      void          *user_data);
