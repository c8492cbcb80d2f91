/* cli-script.c - the easing script: the older tools' per-disk "SCRIPT open|close" wrapper
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-password-command.h"
#include "cli-script.h"

/* @word in single quotes for bash: nothing inside is expanded; a ' ends the quote, is escaped
 * and the quote starts again */
char *
cli_script_quote (const char *word)
{
  GString *quoted = g_string_new ("'");

  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (quoted, "'\\''");
      else
        g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '\'');
  return g_string_free (quoted, FALSE);
}

/* The old syntax's -p (a bash command line) that runs what --password-command @command runs:
 * "exec --" and the words the library splits @command into, each single-quoted. bash then
 * expands nothing ($, `, ~, globs and ; stay as they were split), and exec runs the program
 * found in PATH as the library does, not a bash builtin or function of the same name (bash's
 * printf and echo are not /usr/bin's). */
char *
cli_script_command_for_bash (const char  *command,
                             GError     **error)
{
  g_auto(GStrv) argv = NULL;
  g_autoptr(GString) text = g_string_new ("exec --");

  if (!cdi_password_command_parse (command, &argv, error))
    return NULL;
  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = cli_script_quote (argv[i]);

      g_string_append_printf (text, " %s", quoted);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The script's text; @password_command may be NULL (the disk's registered source is used) */
char *
cli_script_build (const char *program,
                  const char *mountpoint,
                  const char *password_command,
                  const char *image)
{
  g_autoptr(GString) text = g_string_new ("#!/bin/bash -e\n");
  g_autofree char *q_program = cli_script_quote (program);
  g_autofree char *q_mount = cli_script_quote (mountpoint);
  g_autofree char *q_image = cli_script_quote (image);

  g_string_append (text, "# Written by crypt-disk-image. Usage: this script open|close\n");
  g_string_append_printf (text, "exec %s -m %s", q_program, q_mount);
  if (password_command != NULL)
    {
      g_autofree char *q_command = cli_script_quote (password_command);

      g_string_append_printf (text, " -p %s", q_command);
    }
  g_string_append_printf (text, " %s \"$@\"\n", q_image);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Creates the empty script file (mode 0700) and returns its descriptor, or -1 */
int
cli_script_create (const char  *path,
                   GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0700);

  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST)
        g_set_error (error, CDI_ERROR, CDI_ERROR_EXISTS,
                     /* Translators: a security message; %s is a path */
                     _("The script %s already exists (or is a symbolic link). Choose another "
                       "name: an existing file is never overwritten."), path);
      else
        g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED, _("Cannot create the script %s: %s"),
                     path, g_strerror (saved_errno));
      return -1;
    }
  if (fchmod (fd, 0700) != 0) /* the umask may have taken bits away */
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED, _("Cannot create the script %s: %s"),
                   path, g_strerror (saved_errno));
      return -1;
    }
  return fd;
}

/* Writes @text to @fd and closes it */
gboolean
cli_script_write (int          fd,
                  const char  *text,
                  GError     **error)
{
  gsize len = strlen (text), done = 0;

  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_close (fd, NULL);
          g_set_error (error, CDI_ERROR, CDI_ERROR_FAILED, _("Cannot write the script: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      done += (gsize) n;
    }
  return g_close (fd, error);
}
