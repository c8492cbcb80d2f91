/* test-path-checks.c - the live checks of a disk's name, image file and mount point
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-path-checks.h"

/* A temporary folder for the files, and XDG_DATA_HOME inside it (set in main(), before GLib
 * reads it) */
static char *tmp;

typedef struct
{
  CdiDiskStore *store;
  CdiDisk *other;        /* a registered disk: "Other", tmp/other.qcow2 on tmp/Other */
} Fixture;

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmp, name, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *conf = in_tmp ("disks.conf");
  g_autofree char *image = in_tmp ("other.qcow2");
  g_autofree char *mountpoint = in_tmp ("Other");
  g_autoptr(GError) error = NULL;

  fixture->store = cdi_disk_store_new (conf);
  fixture->other = cdi_disk_new ("Other", image, mountpoint);
  g_assert_true (cdi_disk_store_add (fixture->store, fixture->other, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_object_unref (fixture->other);
  g_object_unref (fixture->store);
}

static void
test_expand (void)
{
  g_autofree char *home = cdi_expand_path ("~");
  g_autofree char *below = cdi_expand_path ("  ~/Private/ ");
  g_autofree char *expected = g_build_filename (g_get_home_dir (), "Private", NULL);
  g_autofree char *canonical = cdi_expand_path ("/a//b/../c/");
  g_autofree char *relative = cdi_expand_path (" disk.qcow2 ");
  g_autofree char *nothing = cdi_expand_path (NULL);
  g_autofree char *mountpoint = cdi_default_mountpoint ("Private");
  g_autofree char *no_mountpoint = cdi_default_mountpoint ("");
  g_autofree char *folder = cdi_default_image_folder ();
  g_autofree char *expected_folder = in_tmp ("data/crypt-disk-image");

  g_assert_cmpstr (home, ==, g_get_home_dir ());
  g_assert_cmpstr (below, ==, expected);
  g_assert_cmpstr (canonical, ==, "/a/c");
  g_assert_cmpstr (relative, ==, "disk.qcow2");
  g_assert_cmpstr (nothing, ==, "");
  g_assert_cmpstr (mountpoint, ==, expected);
  g_assert_cmpstr (no_mountpoint, ==, "");
  g_assert_cmpstr (folder, ==, expected_folder);
}

static void
test_name (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cdi_check_name (fixture->store, "Private", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cdi_check_name (fixture->store, "Other", fixture->other, &error)); /* itself */
  g_assert_false (cdi_check_name (fixture->store, "Other", NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (cdi_check_name (fixture->store, "", NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cdi_check_name (fixture->store, "a/b", NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
}

static void
test_new_image (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = in_tmp ("fresh.qcow2");
  g_autofree char *existing = in_tmp ("existing.qcow2");
  g_autofree char *dangling = in_tmp ("dangling.qcow2");
  g_autofree char *missing_parent = in_tmp ("no/such/folder/disk.qcow2");
  g_autofree char *default_folder = cdi_default_image_folder ();
  g_autofree char *in_default = g_build_filename (default_folder, "Private.qcow2", NULL);
  g_autofree char *registered = in_tmp ("other.qcow2");

  g_assert_true (cdi_check_new_image (fixture->store, fresh, &error));
  g_assert_no_error (error);

  /* An existing file is never overwritten */
  g_assert_true (g_file_set_contents (existing, "precious", -1, NULL));
  g_assert_false (cdi_check_new_image (fixture->store, existing, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Nor is a dangling symbolic link followed to create its target */
  g_assert_cmpint (symlink ("/nonexistent/target", dangling), ==, 0);
  g_assert_false (cdi_check_new_image (fixture->store, dangling, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_clear_error (&error);

  /* The folder must be there, except the default one, made with the disk */
  g_assert_false (cdi_check_new_image (fixture->store, missing_parent, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (g_file_test (default_folder, G_FILE_TEST_EXISTS));
  g_assert_true (cdi_check_new_image (fixture->store, in_default, &error));
  g_assert_no_error (error);

  /* Another disk's image, also when it is not there (yet) */
  g_assert_false (cdi_check_new_image (fixture->store, registered, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_false (cdi_check_new_image (fixture->store, "", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cdi_check_new_image (fixture->store, "disk.qcow2", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);

  g_unlink (existing);
  g_unlink (dangling);
}

static void
test_existing_image (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = in_tmp ("old.img");
  g_autofree char *missing = in_tmp ("missing.img");
  g_autofree char *registered = in_tmp ("other.qcow2");

  g_assert_true (g_file_set_contents (file, "LUKS", -1, NULL));
  g_assert_true (cdi_check_existing_image (fixture->store, file, &error));
  g_assert_no_error (error);
  g_assert_false (cdi_check_existing_image (fixture->store, missing, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cdi_check_existing_image (fixture->store, tmp, &error)); /* a folder */
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cdi_check_existing_image (fixture->store, registered, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (cdi_check_existing_image (fixture->store, "", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_unlink (file);
}

static void
test_mountpoint (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = in_tmp ("Missing");
  g_autofree char *empty = in_tmp ("Empty");
  g_autofree char *full = in_tmp ("Full");
  g_autofree char *inside = in_tmp ("Full/file");
  g_autofree char *a_file = in_tmp ("a-file");
  g_autofree char *link = in_tmp ("Link");
  g_autofree char *missing_parent = in_tmp ("no/such/Folder");
  g_autofree char *others = in_tmp ("Other");
  g_autofree char *others_inside = in_tmp ("Other/file");

  /* Not there yet, in a folder that is: made with the disk */
  g_assert_true (cdi_check_mountpoint (fixture->store, missing, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  g_assert_true (cdi_check_mountpoint (fixture->store, empty, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir (full, 0700), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));
  g_assert_false (cdi_check_mountpoint (fixture->store, full, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (a_file, "x", -1, NULL));
  g_assert_false (cdi_check_mountpoint (fixture->store, a_file, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* A symbolic link, even to an empty folder of the user's */
  g_assert_cmpint (symlink (empty, link), ==, 0);
  g_assert_false (cdi_check_mountpoint (fixture->store, link, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_false (cdi_check_mountpoint (fixture->store, missing_parent, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Another disk's mount point; its own one may hold its files */
  g_assert_cmpint (g_mkdir (others, 0700), ==, 0);
  g_assert_true (g_file_set_contents (others_inside, "x", -1, NULL));
  g_assert_false (cdi_check_mountpoint (fixture->store, others, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (cdi_check_mountpoint (fixture->store, others, fixture->other, &error));
  g_assert_no_error (error);

  g_assert_false (cdi_check_mountpoint (fixture->store, "", NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cdi_check_mountpoint (fixture->store, "Private", NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);

  g_unlink (others_inside);
  g_rmdir (others);
  g_unlink (link);
  g_unlink (a_file);
  g_unlink (inside);
  g_rmdir (full);
  g_rmdir (empty);
}

static void
test_distinct_and_free_space (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *below = in_tmp ("not/yet/there.qcow2");
  g_autofree char *folder = NULL;

  g_assert_true (cdi_check_distinct_places ("/home/u/a.qcow2", "/home/u/A", &error));
  g_assert_true (cdi_check_distinct_places ("", "", &error));
  g_assert_no_error (error);
  g_assert_false (cdi_check_distinct_places ("/home/u/A", "/home/u/A", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* Inside the mount point, at any depth; a sibling that merely starts alike is fine */
  g_assert_false (cdi_check_distinct_places ("/home/u/A/a.qcow2", "/home/u/A", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cdi_check_distinct_places ("/home/u/A/b/a.qcow2", "/home/u/A/", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (cdi_check_distinct_places ("/home/u/AB.qcow2", "/home/u/A", &error));
  g_assert_true (cdi_check_distinct_places ("/home/u/A.qcow2", "/home/u/A", &error));
  g_assert_no_error (error);

  /* The nearest folder that exists tells */
  g_assert_cmpuint (cdi_free_space_for (below, &folder), >, 0);
  g_assert_cmpstr (folder, ==, tmp);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Which file systems an image or a mount point can live on (the table; the real statfs() of a
 * read-only mount is checked in tests/gui/test-create-assistant.py, inside its own mount
 * namespace) */
static void
test_filesystem_problem (void)
{
  const struct
  {
    unsigned long f_type;
    gboolean read_only;
    gboolean image_ok;
    gboolean mountpoint_ok;
  } cases[] = {
    { 0xef53UL, FALSE, TRUE, TRUE },          /* ext4 */
    { 0x9123683eUL, FALSE, TRUE, TRUE },      /* btrfs */
    { 0x58465342UL, FALSE, TRUE, TRUE },      /* xfs */
    { 0x01021994UL, FALSE, TRUE, TRUE },      /* tmpfs */
    { 0xef53UL, TRUE, FALSE, FALSE },         /* ext4, read-only */
    { 0x65735546UL, FALSE, FALSE, FALSE },    /* FUSE (sshfs, ntfs-3g) */
    { 0x6969UL, FALSE, FALSE, FALSE },        /* NFS */
    { 0xfe534d42UL, FALSE, FALSE, FALSE },    /* SMB2 */
    { 0xff534d42UL, FALSE, FALSE, FALSE },    /* CIFS */
    { 0x01021997UL, FALSE, FALSE, FALSE },    /* 9p */
    { 0x4d44UL, FALSE, FALSE, TRUE },         /* FAT: no owners for the image */
    { 0x2011bab0UL, FALSE, FALSE, TRUE },     /* exFAT */
    { 0x7366746eUL, FALSE, FALSE, TRUE },     /* ntfs3 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *image = cdi_filesystem_problem (cases[i].f_type, cases[i].read_only, TRUE);
      const char *mountpoint = cdi_filesystem_problem (cases[i].f_type, cases[i].read_only,
                                                       FALSE);

      g_test_message ("0x%lx%s: image %s, mount point %s", cases[i].f_type,
                      cases[i].read_only ? " (ro)" : "", image ? image : "fine",
                      mountpoint ? mountpoint : "fine");
      g_assert_cmpint (image == NULL, ==, cases[i].image_ok);
      g_assert_cmpint (mountpoint == NULL, ==, cases[i].mountpoint_ok);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int status;

  tmp = g_dir_make_tmp ("cdi-path-checks-XXXXXX", NULL);
  g_assert_nonnull (tmp);
  data_home = g_build_filename (tmp, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cdi/path-checks/expand", test_expand);
#define ADD(path, func) \
  g_test_add ("/cdi/path-checks/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("name", test_name);
  ADD ("new-image", test_new_image);
  ADD ("existing-image", test_existing_image);
  ADD ("mountpoint", test_mountpoint);
#undef ADD
  g_test_add_func ("/cdi/path-checks/distinct-and-free-space", test_distinct_and_free_space);
  g_test_add_func ("/cdi/path-checks/filesystem-problem", test_filesystem_problem);

  status = g_test_run ();
  remove_tree (tmp);
  g_free (tmp);
  return status;
}
