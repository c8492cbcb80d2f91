/* cli-deps.c - check-deps (-c): the programs, files and kernel support disks need
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Programs are checked at the absolute paths the helper and the library run them from, not
 * through PATH. A kernel module counts as present when it is loaded (/sys/module/NAME), built
 * in (modules.builtin) or loadable (listed in modules.dep) for the running kernel.
 *
 * TEST SEAM: CDI_CHECK_DEPS_ROOT, when set, is a folder that stands for / in every path looked
 * at (programs, /sys/module, /lib/modules, /dev/mapper/control), so tests can build a tree
 * with pieces missing. Nothing else may set it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cdi-helper-protocol.h"
#include "cli-commands.h"
#include "cli-exit.h"
#include "cli-output.h"

#define POLICY_FILE POLKIT_ACTIONS_DIR "/" APPLICATION_ID ".policy"
#define POLKITD_PATH "/usr/lib/polkit-1/polkitd"

typedef struct
{
  const char *root;
  const char *release;
  GPtrArray *packages; /* char *, to install; no duplicates */
  gboolean all_present;
} Check;

static char *
rooted (Check      *check,
        const char *path)
{
  return g_strconcat (check->root, path, NULL);
}

static void
report (Check      *check,
        gboolean    present,
        const char *what,
        const char *detail,
        const char *package)
{
  if (present)
    {
      cli_print ("%-9s %-20s %s", _("ok"), what, detail);
      return;
    }
  /* Translators: the last %s is a Debian package name */
  cli_print (_("%-9s %-20s %s (Debian package: %s)"), _("MISSING"), what, detail, package);
  check->all_present = FALSE;
  if (!g_ptr_array_find_with_equal_func (check->packages, package, g_str_equal, NULL))
    g_ptr_array_add (check->packages, g_strdup (package));
}

static void
check_program (Check      *check,
               const char *what,
               const char *path,
               const char *package)
{
  g_autofree char *file = rooted (check, path);

  report (check, g_file_test (file, G_FILE_TEST_IS_REGULAR) && access (file, X_OK) == 0, what,
          path, package);
}

static void
check_file (Check      *check,
            const char *what,
            const char *path,
            const char *package)
{
  g_autofree char *file = rooted (check, path);

  report (check, g_file_test (file, G_FILE_TEST_EXISTS), what, path, package);
}

/* Whether @list (modules.builtin or modules.dep) names the module file @module.ko* */
static gboolean
module_listed (Check      *check,
               const char *list,
               const char *module)
{
  g_autofree char *path = g_strdup_printf ("%s/lib/modules/%s/%s", check->root, check->release,
                                           list);
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf ("/%s.ko", module);
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':'); /* modules.dep: "path: dependencies" */
      const char *found;

      if (colon != NULL)
        *colon = '\0';
      found = strstr (lines[i], needle);
      if (found != NULL && (found[strlen (needle)] == '\0' || found[strlen (needle)] == '.'))
        return TRUE;
    }
  return FALSE;
}

/* @name is the module name in /sys/module (dm_crypt), @file its file name (dm-crypt) */
static void
check_module (Check      *check,
              const char *what,
              const char *name,
              const char *file)
{
  g_autofree char *sys = g_strdup_printf ("%s/sys/module/%s", check->root, name);
  g_autofree char *package = g_strdup_printf ("linux-image-%s", check->release);

  if (g_file_test (sys, G_FILE_TEST_IS_DIR))
    report (check, TRUE, what, _("kernel module, loaded"), package);
  else if (module_listed (check, "modules.builtin", file))
    report (check, TRUE, what, _("built into the kernel"), package);
  else if (module_listed (check, "modules.dep", file))
    report (check, TRUE, what, _("kernel module, loaded when needed"), package);
  else
    report (check, FALSE, what, _("kernel module, not found for this kernel"), package);
}

/* The helper loads nbd with max_part=0, but only when it is not loaded yet: loaded by someone
 * else with partitions on, the kernel parses partition tables inside users' images */
static void
check_nbd_partitions (Check *check)
{
  g_autofree char *path = rooted (check, "/sys/module/nbd/parameters/max_part");
  g_autofree char *text = NULL;
  guint64 max_part;

  if (!g_file_get_contents (path, &text, NULL, NULL)
      || !g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXINT, &max_part, NULL)
      || max_part == 0)
    return;
  cli_warning (_("The nbd module was loaded with partition scanning on (max_part=%s), so the "
                 "kernel reads partition tables inside disk images. When no disk is open, "
                 "reload it with: sudo modprobe -r nbd && sudo modprobe nbd max_part=0"), text);
}

static gboolean
check_device_mapper (Check *check)
{
  g_autofree char *control = rooted (check, "/dev/mapper/control");

  if (!g_file_test (control, G_FILE_TEST_EXISTS))
    return FALSE;
  report (check, TRUE, _("device mapper"), "/dev/mapper/control", NULL);
  return TRUE;
}

int
cli_command_check_deps (CliRequest *request)
{
  struct utsname uts;
  g_autoptr(GPtrArray) packages = g_ptr_array_new_with_free_func (g_free);
  const char *root = g_getenv ("CDI_CHECK_DEPS_ROOT");
  Check check = { root != NULL ? root : "", "unknown", packages, TRUE };

  if (uname (&uts) == 0)
    check.release = uts.release;

  check_program (&check, "qemu-img", QEMU_IMG_PATH, "qemu-utils");
  check_program (&check, "qemu-nbd", QEMU_NBD_PATH, "qemu-utils");
  check_program (&check, "mke2fs", MKE2FS_PATH, "e2fsprogs");
  check_program (&check, "e2fsck", E2FSCK_PATH, "e2fsprogs");
  check_program (&check, "resize2fs", RESIZE2FS_PATH, "e2fsprogs");
  check_program (&check, "modprobe", MODPROBE_PATH, "kmod");
  check_program (&check, "pkexec", PKEXEC_PATH, "pkexec");
  check_program (&check, "polkitd", POLKITD_PATH, "polkitd");
  check_program (&check, CDI_HELPER_NAME, HELPER_PATH, "crypt-disk-image");
  check_file (&check, _("polkit policy"), POLICY_FILE, "crypt-disk-image");
  check_module (&check, "nbd", "nbd", "nbd");
  check_nbd_partitions (&check);
  check_module (&check, "dm-crypt", "dm_crypt", "dm-crypt");
  check_module (&check, "ext4", "ext4", "ext4");
  if (!check_device_mapper (&check))
    check_module (&check, _("device mapper"), "dm_mod", "dm-mod");

  if (check.all_present)
    {
      cli_print (_("All dependencies are met."));
      return CLI_EXIT_OK;
    }
  g_ptr_array_add (packages, NULL);
  {
    g_autofree char *list = g_strjoinv (" ", (char **) packages->pdata);

    cli_print (_("Missing dependencies. Install them with: sudo apt install %s"), list);
  }
  return CLI_EXIT_MISSING;
}
