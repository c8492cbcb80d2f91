/* cli-request.c - one parsed crypt-disk-image command line, whichever syntax it used
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-request.h"

CliRequest *
cli_request_new (void)
{
  CliRequest *self = g_new0 (CliRequest, 1);

  self->warnings = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
cli_request_free (CliRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->help);
  g_ptr_array_unref (self->warnings);
  g_free (self->target);
  g_free (self->image);
  g_free (self->mountpoint);
  g_free (self->name);
  g_free (self->password_command);
  g_free (self->legacy_command);
  g_free (self->script);
  g_free (self->pbkdf);
  g_free (self->dest);
  g_free (self->new_password_command);
  g_free (self);
}
