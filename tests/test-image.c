/* test-image.c - creating an image: real qemu-img, the helper's format through a STAND-IN
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * qemu-img runs for real, as the test's user. The helper step goes to tests/fake-helper.sh
 * through the CDI_HELPER test seam (no pkexec prompt can be answered in CI); it records the
 * format call and answers with a disk record or the exit code a test asks for.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-image.h"
#include "cdi-size.h"

#define UUID "0f6a2c3e-1111-4222-8333-944455556666"

/* The stand-in's files: one directory, set in the environment before any thread exists */
static char *helper_dir;

typedef struct
{
  char *dir;        /* the user's folder */
  char *image;
  char *mountpoint;
  GPtrArray *steps;
  GCancellable *cancellable;
  const char *cancel_at;   /* the step whose report cancels, NULL: none */
  guint cancel_delay_ms;   /* how long after that report */
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      struct stat st;

      if (g_lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Tells the stand-in how to answer */
static void
set_answer (const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
clear_answers (void)
{
  g_autoptr(GDir) dir = g_dir_open (helper_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (helper_dir, name, NULL);

      g_unlink (path);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->dir = g_dir_make_tmp ("cdi-image-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->image = g_build_filename (fixture->dir, "disk.qcow2", NULL);
  fixture->mountpoint = g_build_filename (fixture->dir, "Disk", NULL);
  fixture->steps = g_ptr_array_new_with_free_func (g_free);
  fixture->cancellable = g_cancellable_new ();
  clear_answers ();
  set_answer ("stdout", "disk\timage=/x\tuuid=" UUID "\tread-only=0\n");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  clear_answers ();
  g_free (fixture->dir);
  g_free (fixture->image);
  g_free (fixture->mountpoint);
  g_ptr_array_unref (fixture->steps);
  g_object_unref (fixture->cancellable);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
progress_cb (const char *step,
             gpointer    user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->steps, g_strdup (step));
  if (fixture->cancel_at == NULL || !g_str_has_prefix (step, fixture->cancel_at))
    return;
  if (fixture->cancel_delay_ms == 0)
    g_cancellable_cancel (fixture->cancellable);
  else
    g_timeout_add_full (G_PRIORITY_DEFAULT, fixture->cancel_delay_ms, cancel_cb,
                        g_object_ref (fixture->cancellable), g_object_unref);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
create (Fixture  *fixture,
        guint64   size,
        char    **ret_uuid,
        GError  **error)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("new pass", 8);
  CdiHelperFormatOptions options = { .label = "Disk" };
  GAsyncResult *result = NULL;
  gboolean ok;

  cdi_image_create_async (fixture->image, size, fixture->mountpoint, passphrase, &options,
                          progress_cb, fixture, fixture->cancellable, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = cdi_image_create_finish (result, ret_uuid, error);
  g_object_unref (result);
  return ok;
}

static gboolean
exists (const char *path)
{
  struct stat st;

  return g_lstat (path, &st) == 0;
}

static char *
helper_file (Fixture    *fixture,
             const char *name,
             gsize      *ret_size)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, ret_size, NULL))
    return NULL;
  return contents;
}

static void
test_create (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *header = NULL;
  g_autofree char *argv = NULL;
  g_autofree char *input = NULL;
  g_autoptr(GString) expected_argv = g_string_new (NULL);
  gsize size = 0;
  struct stat st;

  g_assert_true (create (fixture, CDI_SIZE_MIN, &uuid, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, UUID);

  /* A thin qcow2 file, 0600, as the user */
  g_assert_cmpint (g_lstat (fixture->image, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (st.st_uid, ==, getuid ());
  g_assert_true (g_file_get_contents (fixture->image, &header, &size, NULL));
  g_assert_cmpuint (size, <, 1024 * 1024); /* preallocation=off */
  g_assert_cmpmem (header, 4, "QFI\xfb", 4);

  /* The mount point, made 0700 */
  g_assert_cmpint (g_lstat (fixture->mountpoint, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);

  /* The helper's format, with the passphrase on stdin */
  argv = helper_file (fixture, "argv", &size);
  g_string_append_len (expected_argv, "format\0--label=Disk\0", 20);
  g_string_append (expected_argv, fixture->image);
  g_string_append_c (expected_argv, '\0');
  g_assert_cmpmem (argv, size, expected_argv->str, expected_argv->len);
  input = helper_file (fixture, "stdin", &size);
  g_assert_cmpmem (input, size, "new pass", 8);

  g_assert_cmpuint (fixture->steps->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->steps, 0), ==, "Creating image");
  g_assert_cmpstr (g_ptr_array_index (fixture->steps, 1), ==,
                   "Formatting (key derivation takes a few seconds)");
}

static void
test_existing_file_refused (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *argv = NULL;

  g_assert_true (g_file_set_contents (fixture->image, "precious", -1, NULL));
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_assert_true (g_file_get_contents (fixture->image, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious"); /* untouched */
  g_assert_false (exists (fixture->mountpoint)); /* and nothing left behind */
  argv = helper_file (fixture, "argv", NULL);
  g_assert_null (argv);
}

static void
test_symlink_refused (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (fixture->dir, "elsewhere", NULL);

  /* A dangling symlink: O_EXCL|O_NOFOLLOW must not create its target */
  g_assert_cmpint (symlink (target, fixture->image), ==, 0);
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_assert_false (exists (target));
  g_assert_false (exists (fixture->mountpoint));
}

static void
test_mountpoint_refused (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inside = g_build_filename (fixture->mountpoint, "file", NULL);
  g_autofree char *real_dir = g_build_filename (fixture->dir, "real", NULL);

  /* Not empty */
  g_assert_cmpint (g_mkdir (fixture->mountpoint, 0700), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_false (exists (fixture->image));
  g_clear_error (&error);
  g_unlink (inside);
  g_rmdir (fixture->mountpoint);

  /* A symlink to an empty folder */
  g_assert_cmpint (g_mkdir (real_dir, 0700), ==, 0);
  g_assert_cmpint (symlink (real_dir, fixture->mountpoint), ==, 0);
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_false (exists (fixture->image));
  g_clear_error (&error);
  g_unlink (fixture->mountpoint);

  /* A file */
  g_assert_true (g_file_set_contents (fixture->mountpoint, "x", -1, NULL));
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_false (exists (fixture->image));
}

static void
test_existing_empty_mountpoint (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (fixture->mountpoint, 0755), ==, 0);
  g_assert_true (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (exists (fixture->image));
}

static void
test_helper_failure_undoes (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  /* The mount point was made by us: it goes too */
  set_answer ("exit", "7");
  set_answer ("stderr", "'format' failed: no dm-crypt (stand-in)\n");
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_MISSING_SUPPORT);
  g_assert_false (exists (fixture->image));
  g_assert_false (exists (fixture->mountpoint));
  g_clear_error (&error);

  /* A mount point that was there stays */
  g_assert_cmpint (g_mkdir (fixture->mountpoint, 0700), ==, 0);
  set_answer ("exit", "126");
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (exists (fixture->image));
  g_assert_true (exists (fixture->mountpoint));
}

/* Cancelled while the (slow) helper formats: the helper runs to its end, then the image and the
 * mount point folder it made go, and only then "cancelled" is reported */
static void
test_cancel_while_formatting (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *argv = NULL;

  set_answer ("format.delay", "1");
  fixture->cancel_at = "Formatting";
  fixture->cancel_delay_ms = 300;
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  argv = helper_file (fixture, "argv", NULL);
  g_assert_nonnull (argv);
  g_assert_cmpstr (argv, ==, "format"); /* the helper did run (and formatted, as it says) */
  g_assert_false (exists (fixture->image));
  g_assert_false (exists (fixture->mountpoint));
  g_assert_true (exists (fixture->dir));
}

/* A mount point that was there stays when a cancel removes the rest */
static void
test_cancel_keeps_existing_mountpoint (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (fixture->mountpoint, 0700), ==, 0);
  set_answer ("format.delay", "1");
  fixture->cancel_at = "Formatting";
  fixture->cancel_delay_ms = 300;
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (exists (fixture->image));
  g_assert_true (exists (fixture->mountpoint));
}

/* Cancelled as the image is being made: qemu-img is stopped and awaited, the helper never
 * runs, nothing stays */
static void
test_cancel_while_creating_image (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *argv = NULL;

  fixture->cancel_at = "Creating image";
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  argv = helper_file (fixture, "argv", NULL);
  g_assert_null (argv);
  g_assert_false (exists (fixture->image));
  g_assert_false (exists (fixture->mountpoint));
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing_parent = g_build_filename (fixture->dir, "no", "such", "disk.qcow2",
                                                      NULL);

  g_assert_false (create (fixture, CDI_SIZE_MIN - 1, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (create (fixture, CDI_SIZE_MAX + 1, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (exists (fixture->image));

  g_free (fixture->image);
  fixture->image = g_steal_pointer (&missing_parent);
  g_assert_false (create (fixture, CDI_SIZE_MIN, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_FAILED);
  g_assert_false (exists (fixture->mountpoint));
}

static void
skip_without_qemu_img (void)
{
  g_test_skip (QEMU_IMG_PATH " is missing (Debian: apt install qemu-utils)");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *stand_in = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  helper_dir = g_dir_make_tmp ("cdi-image-helper-XXXXXX", NULL);
  g_assert_nonnull (helper_dir);
  stand_in = g_test_build_filename (G_TEST_DIST, "fake-helper.sh", NULL);
  g_setenv ("CDI_HELPER", stand_in, TRUE);
  g_setenv ("CDI_FAKE_HELPER_DIR", helper_dir, TRUE);

  g_test_message ("qemu-img is real; the helper's format is a STAND-IN (tests/fake-helper.sh).");
  if (!g_file_test (QEMU_IMG_PATH, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_add_func ("/cdi/image/no-qemu-img", skip_without_qemu_img);
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add ("/cdi/image/stand-in-helper/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("create", test_create);
  ADD ("existing-file-refused", test_existing_file_refused);
  ADD ("symlink-refused", test_symlink_refused);
  ADD ("mountpoint-refused", test_mountpoint_refused);
  ADD ("existing-empty-mountpoint", test_existing_empty_mountpoint);
  ADD ("helper-failure-undoes", test_helper_failure_undoes);
  ADD ("bad-input", test_bad_input);
  ADD ("cancel-while-formatting", test_cancel_while_formatting);
  ADD ("cancel-keeps-existing-mountpoint", test_cancel_keeps_existing_mountpoint);
  ADD ("cancel-while-creating-image", test_cancel_while_creating_image);
#undef ADD

  status = g_test_run ();
  remove_tree (helper_dir);
  g_free (helper_dir);
  return status;
}
