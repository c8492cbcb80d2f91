/* caller.c - who the helper acts for: the uid from PKEXEC_UID or SUDO_UID
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "caller.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int
cdi_caller_parse_uid (const char *text,
                      uid_t      *ret_uid)
{
  uintmax_t value = 0;

  if (text == NULL || text[0] == '\0')
    return -EBADMSG;
  /* "0" alone is fine; "01" could be read as octal elsewhere, so it is refused */
  if (text[0] == '0' && text[1] != '\0')
    return -EBADMSG;

  for (const char *p = text; *p != '\0'; p++)
    {
      unsigned int digit;

      if (*p < '0' || *p > '9')
        return -EBADMSG;
      digit = (unsigned int) (*p - '0');
      /* uid_t is 32 bits on Linux; checking against its maximum before each step keeps the
       * accumulator far from overflowing uintmax_t */
      if (value > ((uintmax_t) (uid_t) -1 - digit) / 10)
        return -EBADMSG;
      value = value * 10 + digit;
    }

  if (value >= (uintmax_t) (uid_t) -1)
    return -EBADMSG;

  *ret_uid = (uid_t) value;
  return 0;
}

int
cdi_caller_from_env (const char *pkexec_uid,
                     const char *sudo_uid,
                     uid_t      *ret_uid)
{
  /* pkexec clears the environment, so under pkexec SUDO_UID cannot be forged; sudo (with its
   * default env_reset) drops PKEXEC_UID. Both set means one of them was passed through from
   * the caller (env_keep, sudo -E, pkexec sudo ...), and we cannot tell which: refuse. */
  if (pkexec_uid != NULL && sudo_uid != NULL)
    return -EPERM;
  if (pkexec_uid != NULL)
    return cdi_caller_parse_uid (pkexec_uid, ret_uid);
  if (sudo_uid != NULL)
    return cdi_caller_parse_uid (sudo_uid, ret_uid);
  *ret_uid = 0;
  return 0;
}

int
cdi_caller_reset_env (void)
{
  if (clearenv () != 0)
    return -ENOMEM;
  if (setenv ("PATH", CDI_CALLER_ENV_PATH, 1) < 0 || setenv ("LC_ALL", "C", 1) < 0)
    return -errno;
  return 0;
}
