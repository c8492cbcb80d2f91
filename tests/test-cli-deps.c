/* test-cli-deps.c - check-deps: output and exit status, on a built tree (CDI_CHECK_DEPS_ROOT,
 * the documented test seam) and for real on this machine
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "test-cli-common.h"

#define POLICY POLKIT_ACTIONS_DIR "/" APPLICATION_ID ".policy"

static char *release;

static void
touch (const char *root,
       const char *path,
       int         mode,
       const char *contents)
{
  g_autofree char *file = g_strconcat (root, path, NULL);
  g_autofree char *dir = g_path_get_dirname (file);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (file, contents != NULL ? contents : "", -1, NULL));
  g_assert_cmpint (g_chmod (file, mode), ==, 0);
}

/* A root with everything: programs, the policy, nbd loaded, dm-crypt built in, dm's node */
static char *
make_root (void)
{
  char *root = g_dir_make_tmp ("cdi-deps-XXXXXX", NULL);
  const char *programs[] = { QEMU_IMG_PATH, QEMU_NBD_PATH, MKE2FS_PATH, E2FSCK_PATH,
                             RESIZE2FS_PATH, MODPROBE_PATH, PKEXEC_PATH, "/usr/lib/polkit-1/polkitd", HELPER_PATH };
  g_autofree char *builtin = g_strdup_printf ("/lib/modules/%s/modules.builtin", release);
  g_autofree char *sys_nbd = g_strconcat (root, "/sys/module/nbd", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (programs); i++)
    touch (root, programs[i], 0755, "#!/bin/sh\n");
  touch (root, POLICY, 0644, "<policyconfig/>");
  touch (root, builtin, 0644, "kernel/drivers/md/dm-mod.ko\nkernel/drivers/md/dm-crypt.ko\n"
        "kernel/fs/ext4/ext4.ko\n");
  touch (root, "/dev/mapper/control", 0600, NULL);
  g_assert_cmpint (g_mkdir_with_parents (sys_nbd, 0755), ==, 0);
  return root;
}

static void
remove_tree (const char *root)
{
  const char *argv[] = { "rm", "-rf", root, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
}

static void
run_deps (CliRun     *run,
          const char *program,
          const char *root,
          const char *option)
{
  g_autofree char *seam = root != NULL ? g_strconcat ("CDI_CHECK_DEPS_ROOT=", root, NULL) : NULL;
  const char *env[] = { seam != NULL ? seam : "CDI_CHECK_DEPS_ROOT", NULL };
  const char *args[] = { option, NULL };

  test_cli_run (run, program, env, NULL, args);
}

/* Every line but the last is "ok ..." or "MISSING ..."; returns the number of MISSING lines */
static guint
check_format (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = g_strv_length (lines), missing = 0;

  g_assert_cmpuint (n, >=, 13);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 2 < n; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], "ok ") || g_str_has_prefix (lines[i], "MISSING "));
      missing += g_str_has_prefix (lines[i], "MISSING ");
    }
  return missing;
}

static void
test_all_present (void)
{
  g_autofree char *root = make_root ();
  g_auto(CliRun) run = { 0, };

  run_deps (&run, NULL, root, "check-deps");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (check_format (run.out), ==, 0);
  g_assert_nonnull (strstr (run.out, "\nAll dependencies are met.\n"));
  g_assert_nonnull (strstr (run.out, "ok        nbd                  kernel module, loaded\n"));
  g_assert_nonnull (strstr (run.out, "ok        dm-crypt             built into the kernel\n"));
  g_assert_nonnull (strstr (run.out, "ok        ext4                 built into the kernel\n"));
  g_assert_nonnull (strstr (run.out, "ok        resize2fs            " RESIZE2FS_PATH));
  g_assert_nonnull (strstr (run.out, HELPER_PATH));
  g_assert_cmpstr (run.err, ==, "");
  remove_tree (root);
}

static void
test_missing (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *qemu_img = g_strconcat (root, QEMU_IMG_PATH, NULL);
  g_autofree char *qemu_nbd = g_strconcat (root, QEMU_NBD_PATH, NULL);
  g_autofree char *policy = g_strconcat (root, POLICY, NULL);
  g_autofree char *nbd = g_strconcat (root, "/sys/module/nbd", NULL);
  g_autofree char *kernel = g_strdup_printf ("linux-image-%s", release);
  g_autofree char *apt = NULL;
  g_auto(CliRun) run = { 0, };

  g_assert_cmpint (g_unlink (qemu_img), ==, 0);
  g_assert_cmpint (g_chmod (qemu_nbd, 0644), ==, 0); /* there, but not a program */
  g_assert_cmpint (g_unlink (policy), ==, 0);
  g_assert_cmpint (g_rmdir (nbd), ==, 0);

  run_deps (&run, NULL, root, "-c");
  g_assert_cmpint (run.status, ==, 6);
  g_assert_cmpuint (check_format (run.out), ==, 4);
  g_assert_nonnull (strstr (run.out, "MISSING   qemu-img             " QEMU_IMG_PATH));
  g_assert_nonnull (strstr (run.out, "MISSING   qemu-nbd             "));
  g_assert_nonnull (strstr (run.out, "MISSING   polkit policy        " POLICY));
  g_assert_nonnull (strstr (run.out, "MISSING   nbd                  kernel module, not found"));
  apt = g_strdup_printf ("Install them with: sudo apt install qemu-utils crypt-disk-image %s\n",
                         kernel);
  g_assert_nonnull (strstr (run.out, apt));
  remove_tree (root);
}

/* A module that is neither loaded nor built in, but installed, counts */
static void
test_loadable_module (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *nbd = g_strconcat (root, "/sys/module/nbd", NULL);
  g_autofree char *dep = g_strdup_printf ("/lib/modules/%s/modules.dep", release);
  g_auto(CliRun) run = { 0, };

  g_assert_cmpint (g_rmdir (nbd), ==, 0);
  touch (root, dep, 0644, "kernel/drivers/block/nbd2.ko.xz:\n"
                          "kernel/drivers/block/nbd.ko.xz: kernel/lib/x.ko\n");
  run_deps (&run, NULL, root, "--check-deps");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "ok        nbd                  kernel module, loaded when "
                                     "needed\n"));

  /* nbd2.ko is not nbd.ko */
  touch (root, dep, 0644, "kernel/drivers/block/nbd2.ko.xz:\n");
  run_deps (&run, NULL, root, "check-deps");
  g_assert_cmpint (run.status, ==, 6);
  remove_tree (root);
}

/* nbd loaded by someone else with partition scanning on: a warning, nothing missing */
static void
test_nbd_partitions (void)
{
  g_autofree char *root = make_root ();
  g_auto(CliRun) run = { 0, };

  touch (root, "/sys/module/nbd/parameters/max_part", 0444, "16\n");
  run_deps (&run, NULL, root, "check-deps");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (check_format (run.out), ==, 0);
  g_assert_nonnull (strstr (run.err, "partition scanning on (max_part=16)"));
  g_assert_nonnull (strstr (run.err, "modprobe nbd max_part=0"));

  touch (root, "/sys/module/nbd/parameters/max_part", 0444, "0\n");
  run_deps (&run, NULL, root, "check-deps");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  remove_tree (root);
}

/* The older crypt-disk-image-create -c */
static void
test_old_create (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *dir = g_dir_make_tmp ("cdi-deps-bin-XXXXXX", NULL);
  g_autofree char *link = g_build_filename (dir, "crypt-disk-image-create", NULL);
  g_auto(CliRun) run = { 0, };

  g_assert_cmpint (symlink (test_cli_path (), link), ==, 0);
  run_deps (&run, link, root, "-c");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "All dependencies are met."));
  g_unlink (link);
  g_rmdir (dir);
  remove_tree (root);
}

/* This machine, for real: whatever is there, the format holds and the status agrees */
static void
test_real (void)
{
  g_auto(CliRun) run = { 0, };
  guint missing;

  run_deps (&run, NULL, NULL, "check-deps");
  missing = check_format (run.out);
  g_assert_cmpint (run.status, ==, missing > 0 ? 6 : 0);
  g_test_message ("this machine: %u missing", missing);
}

int
main (int   argc,
      char *argv[])
{
  struct utsname uts;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (uname (&uts), ==, 0);
  release = g_strdup (uts.release);

  g_test_add_func ("/cli/check-deps/all-present", test_all_present);
  g_test_add_func ("/cli/check-deps/missing", test_missing);
  g_test_add_func ("/cli/check-deps/loadable-module", test_loadable_module);
  g_test_add_func ("/cli/check-deps/nbd-partitions", test_nbd_partitions);
  g_test_add_func ("/cli/check-deps/old-create-c", test_old_create);
  g_test_add_func ("/cli/check-deps/this-machine", test_real);
  return g_test_run ();
}
