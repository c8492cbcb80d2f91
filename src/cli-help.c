/* cli-help.c - crypt-disk-image's commands: their names, arguments, summaries and examples
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One table for the parser (cli-parse.c) and for the help texts.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-exit.h"
#include "cli-help.h"
#include "cli-parse.h"

static const CliCommandInfo commands[] = {
  { CLI_COMMAND_CREATE, "create", N_("IMAGE"),
    N_("Create a new encrypted disk image, make its folder and register it."),
    N_("Examples:\n"
       "  crypt-disk-image create --size 20G --mount ~/Private --keyring ~/private.qcow2\n"
       "  crypt-disk-image create -m ~/Work -p 'pass show disks/work' -x ~/bin/work work.qcow2\n"
       "\n"
       "Without --password-command, --keyring or --ask the passphrase is asked for twice and\n"
       "again at every open (--ask). --keyring keeps it in your keyring. --script writes an\n"
       "easing script in the older tools' style (SCRIPT open, SCRIPT close)."),
    1, 1 },
  { CLI_COMMAND_ADD, "add", N_("IMAGE"),
    N_("Register an existing image, for example one made by the older tools."),
    N_("Example:\n"
       "  crypt-disk-image add ~/disk.img --mount ~/disk --password-command 'pass disks/disk'"),
    1, 1 },
  { CLI_COMMAND_OPEN, "open", N_("NAME|IMAGE"),
    N_("Unlock a disk and mount it on its folder."),
    N_("The passphrase comes from the keyring (for --keyring disks), else from the password\n"
       "command, else from a prompt on the terminal; --passphrase-stdin reads it from standard\n"
       "input instead (the text before the first line break).\n"
       "\n"
       "Examples:\n"
       "  crypt-disk-image open private\n"
       "  pass show disks/work | crypt-disk-image open --passphrase-stdin work"),
    1, 1 },
  { CLI_COMMAND_CLOSE, "close", N_("NAME|IMAGE"),
    N_("Unmount and lock a disk, after giving its unused space back (trim)."),
    N_("If programs still use files on the disk, they are listed and nothing is closed\n"
       "(exit status 5). --wait tries again every 2 seconds until they are gone, for at most\n"
       "SECONDS if given.\n"
       "\n"
       "Examples:\n"
       "  crypt-disk-image close private\n"
       "  crypt-disk-image close --all --wait 60"),
    0, 1 },
  { CLI_COMMAND_TRIM, "trim", N_("NAME|IMAGE"),
    N_("Give the unused space of an open disk back to the image file."),
    N_("Example:\n  crypt-disk-image trim private"), 1, 1 },
  { CLI_COMMAND_STATUS, "status", "",
    N_("Show your open disks and which registered disk each one is."),
    N_("Example:\n  crypt-disk-image status"), 0, 0 },
  { CLI_COMMAND_LIST, "list", "",
    N_("Show the registered disks, open or closed."),
    N_("Example:\n  crypt-disk-image list"), 0, 0 },
  { CLI_COMMAND_REMOVE, "remove", N_("NAME"),
    N_("Forget a registered disk. The image file stays unless --delete-image is given."),
    N_("Example:\n  crypt-disk-image remove old-backup"), 1, 1 },
  { CLI_COMMAND_FORGET_PASSWORD, "forget-password", N_("NAME"),
    N_("Remove a disk's passphrase from the keyring; it is asked for again from then on."),
    N_("Example:\n  crypt-disk-image forget-password private"), 1, 1 },
  { CLI_COMMAND_PASSWD, "passwd", N_("NAME|IMAGE"),
    N_("Change a disk's passphrase (open or closed); a keyring entry is updated too."),
    N_("The current passphrase comes from where open gets it (the keyring, the password\n"
       "command, a prompt) or from standard input (--passphrase-stdin). The new one is asked\n"
       "for twice on the terminal, or comes from --new-password-command or standard input\n"
       "(--new-passphrase-stdin). With both on standard input, the first line is the current\n"
       "passphrase and the second the new one. For a disk with a password command,\n"
       "--new-password-command also becomes its registered command.\n"
       "\n"
       "Examples:\n"
       "  crypt-disk-image passwd private\n"
       "  crypt-disk-image passwd work --new-password-command 'pass show disks/work-2024'\n"
       "  printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | crypt-disk-image passwd --passphrase-stdin \\\n"
       "      --new-passphrase-stdin ~/disk.qcow2"),
    1, 1 },
  { CLI_COMMAND_GROW, "grow", N_("NAME|IMAGE"),
    N_("Make a disk larger, open or closed; it never shrinks."),
    N_("--size is the new size (20G) or what to add (+5G). A closed disk's image is resized\n"
       "at once and its encrypted volume and file system grow at the next open; an open disk\n"
       "grows completely right away.\n"
       "\n"
       "Examples:\n"
       "  crypt-disk-image grow private --size +10G\n"
       "  crypt-disk-image grow ~/work.qcow2 --size 200G"),
    1, 1 },
  { CLI_COMMAND_BACKUP_HEADER, "backup-header", N_("NAME|IMAGE FILE"),
    N_("Save a copy of a disk's LUKS header to a new FILE (mode 0600)."),
    N_("If the header at the start of the image is ever damaged, the disk cannot be opened\n"
       "without this copy. Keep it safe: with the copy, every passphrase the disk has today\n"
       "keeps opening it, even after you change it. An existing FILE is never overwritten.\n"
       "Restore with: cryptsetup luksHeaderRestore (on the image's device).\n"
       "\n"
       "Example:\n"
       "  crypt-disk-image backup-header private ~/private-header.img"),
    2, 2 },
  { CLI_COMMAND_CHECK_DEPS, "check-deps", "",
    N_("Check that the programs and kernel support disks need are installed."),
    N_("Prints what is missing and the Debian package that provides it. Exit status 0 when\n"
       "everything is there, 6 otherwise. Also: crypt-disk-image -c"), 0, 0 },
};

const CliCommandInfo *
cli_help_find_command (const char *name)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* The help for `crypt-disk-image --help`: commands, the older syntax, examples, exit statuses */
char *
cli_parse_top_help (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *exits = cli_exit_table ();

  g_string_append_printf (text, _("Usage:\n"
                                  "  %s COMMAND [OPTION…] [ARGUMENT…]\n"
                                  "  %s [-m MOUNT] [-p PW_CMD] FILE open|close\n"
                                  "  %s [-s SIZE] -m MOUNT -p PW_CMD -x SCRIPT FILE\n\n"),
                          CLI_PROGRAM_NAME, CLI_PROGRAM_NAME, CLI_CREATE_PROGRAM_NAME);
  g_string_append (text, _("Keep files in an encrypted disk image that grows as you fill it "
                           "(QCow2, LUKS2, ext4),\nmounted on a folder of yours.\n\n"));
  g_string_append (text, _("Commands:\n"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-16s %s\n", commands[i].name, _(commands[i].summary));
  g_string_append_printf (text, "  %-16s %s\n", "help [COMMAND]", _("Show help for a command."));
  g_string_append (text, _("\nOptions:\n"
                           "  -h, --help        Show this help\n"
                           "  -c, --check-deps  Same as the check-deps command\n"
                           "  -v, --verbose     Show more detail\n"
                           "  --version         Show the version\n"));
  g_string_append (text, _("\nThe second and third forms are the older tools' syntax, which easing "
                           "scripts use;\nsee crypt-disk-image(1).\n"));
  g_string_append (text, _("\nExamples:\n"
                           "  crypt-disk-image create --size 20G --mount ~/Private --keyring "
                           "~/private.qcow2\n"
                           "  crypt-disk-image open private\n"
                           "  crypt-disk-image list\n"
                           "  crypt-disk-image close --wait 60 private\n"
                           "  crypt-disk-image grow private --size +10G\n"
                           "  crypt-disk-image help create\n"));
  g_string_append_printf (text, _("\nExit status:\n%s"), exits);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
