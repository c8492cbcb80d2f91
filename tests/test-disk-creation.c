/* test-disk-creation.c - making a disk: image, registry entry and the cleanup on cancel or
 * failure; real qemu-img, the helper's format through a STAND-IN
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper step goes to tests/fake-helper.sh through the CDI_HELPER test seam (no pkexec
 * prompt can be answered in CI). No keyring here: tests/test-secret.c has the real one, and
 * the GUI tests make disks whose passphrase goes there.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cdi-disk-creation.h"
#include "cdi-error.h"
#include "cdi-size.h"

#define UUID "0f6a2c3e-1111-4222-8333-944455556666"

static char *helper_dir;

typedef struct
{
  char *dir;
  char *image_folder;   /* missing at first: the creation makes it */
  char *image;
  char *mountpoint;
  char *conf;
  CdiDiskStore *store;
  GCancellable *cancellable;
  guint cancel_delay_ms;  /* > 0: cancel this long after the "Formatting" step is reported */
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

static void
set_answer (const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
helper_file (const char *name,
             gsize      *ret_size)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, ret_size, NULL))
    return NULL;
  return contents;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  remove_tree (helper_dir);
  g_assert_cmpint (g_mkdir (helper_dir, 0700), ==, 0);
  fixture->dir = g_dir_make_tmp ("cdi-disk-creation-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->image_folder = g_build_filename (fixture->dir, "images", NULL);
  fixture->image = g_build_filename (fixture->image_folder, "Private.qcow2", NULL);
  fixture->mountpoint = g_build_filename (fixture->dir, "Private", NULL);
  fixture->conf = g_build_filename (fixture->dir, "config", "disks.conf", NULL);
  fixture->store = cdi_disk_store_new (fixture->conf);
  fixture->cancellable = g_cancellable_new ();
  set_answer ("stdout", "disk\timage=/x\tuuid=" UUID "\tread-only=0\n");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->image_folder);
  g_free (fixture->image);
  g_free (fixture->mountpoint);
  g_free (fixture->conf);
  g_object_unref (fixture->store);
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

  g_test_message ("step: %s", step);
  if (fixture->cancel_delay_ms > 0 && g_str_has_prefix (step, "Formatting"))
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

static CdiDisk *
create (Fixture              *fixture,
        const CdiDiskRequest *request,
        char                **ret_notes,
        GError              **error)
{
  GAsyncResult *result = NULL;
  CdiDisk *disk;

  cdi_disk_creation_run_async (fixture->store, request, progress_cb, fixture,
                               fixture->cancellable, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  disk = cdi_disk_creation_run_finish (result, ret_notes, error);
  g_object_unref (result);
  return disk;
}

static CdiDiskRequest
request_of (Fixture       *fixture,
            CdiPassphrase *passphrase)
{
  CdiDiskRequest request = {
    .name = "Private",
    .image = fixture->image,
    .mountpoint = fixture->mountpoint,
    .size_bytes = CDI_SIZE_MIN,
    .source = CDI_PASSPHRASE_SOURCE_ASK,
    .passphrase = passphrase,
    .trim = FALSE,
    .close_on_lock = CDI_TRISTATE_TRUE,
    .open_at_login = TRUE,
  };

  return request;
}

static void
assert_nothing_left (Fixture *fixture)
{
  g_assert_false (g_file_test (fixture->image, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fixture->mountpoint, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fixture->image_folder, G_FILE_TEST_EXISTS));
  /* only the folder it made goes: what was there before stays */
  g_assert_true (g_file_test (fixture->dir, G_FILE_TEST_IS_DIR));
  g_assert_null (cdi_disk_store_lookup (fixture->store, "Private"));
}

static void
test_create (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("new pass", 8);
  CdiDiskRequest request = request_of (fixture, passphrase);
  g_autoptr(CdiDiskStore) again = cdi_disk_store_new (fixture->conf);
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *input = NULL;
  g_autoptr(CdiDisk) disk = NULL;
  CdiDisk *saved;
  gsize size = 0;

  disk = create (fixture, &request, &notes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (disk);
  g_assert_cmpstr (notes, ==, "");
  g_assert_true (g_file_test (fixture->image, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (fixture->mountpoint, G_FILE_TEST_IS_DIR));
  input = helper_file ("stdin", &size);
  g_assert_cmpmem (input, size, "new pass", 8);

  /* Registered and saved, with its UUID and settings */
  g_assert_true (cdi_disk_store_load (again, &error));
  saved = cdi_disk_store_lookup (again, "Private");
  g_assert_nonnull (saved);
  g_assert_cmpstr (cdi_disk_get_uuid (saved), ==, UUID);
  g_assert_cmpstr (cdi_disk_get_image (saved), ==, fixture->image);
  g_assert_cmpint (cdi_disk_get_passphrase_source (saved), ==, CDI_PASSPHRASE_SOURCE_ASK);
  g_assert_false (cdi_disk_get_trim (saved));
  g_assert_cmpint (cdi_disk_get_close_on_lock (saved), ==, CDI_TRISTATE_TRUE);
  g_assert_cmpint (cdi_disk_get_close_on_suspend (saved), ==, CDI_TRISTATE_DEFAULT);
  g_assert_true (cdi_disk_get_open_at_login (saved));
}

static void
test_password_command (Fixture       *fixture,
                       gconstpointer  user_data)
{
  CdiDiskRequest request = request_of (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  g_autofree char *argv_file = NULL;
  g_autoptr(CdiDisk) disk = NULL;
  gsize size = 0;

  request.source = CDI_PASSPHRASE_SOURCE_COMMAND;
  request.password_command = "printf 'cmd-secret\\nsecond line'";
  disk = create (fixture, &request, NULL, &error);
  g_assert_no_error (error);
  input = helper_file ("stdin", &size);
  g_assert_cmpmem (input, size, "cmd-secret", 10);
  g_assert_cmpstr (cdi_disk_get_password_command (disk), ==, request.password_command);
  g_clear_object (&disk);
  g_clear_pointer (&input, g_free);

  /* A failing command: nothing is made, the helper never runs */
  g_assert_true (cdi_disk_store_remove (fixture->store, "Private", NULL));
  remove_tree (fixture->dir);
  g_assert_cmpint (g_mkdir (fixture->dir, 0700), ==, 0);
  argv_file = g_build_filename (helper_dir, "argv", NULL);
  g_unlink (argv_file);
  request.password_command = "false";
  disk = create (fixture, &request, NULL, &error);
  g_assert_null (disk);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The password command failed: "));
  assert_nothing_left (fixture);
}

/* Cancelled while the helper formats: the image, the mount point and the image folder made go,
 * nothing is registered, and only then is "cancelled" reported */
static void
test_cancel_while_formatting (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("new pass", 8);
  CdiDiskRequest request = request_of (fixture, passphrase);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiDisk) disk = NULL;
  g_autofree char *argv = NULL;

  set_answer ("format.delay", "1");
  fixture->cancel_delay_ms = 300;
  disk = create (fixture, &request, NULL, &error);
  g_assert_null (disk);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  argv = helper_file ("argv", NULL);
  g_assert_cmpstr (argv, ==, "format"); /* the helper ran to its end */
  assert_nothing_left (fixture);
  g_assert_false (g_file_test (fixture->conf, G_FILE_TEST_EXISTS));
}

/* The disk cannot be registered (the name was taken meanwhile): what was made goes */
static void
test_register_failure_undoes (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("new pass", 8);
  CdiDiskRequest request = request_of (fixture, passphrase);
  g_autoptr(CdiDisk) taken = cdi_disk_new ("Private", "/home/u/p.qcow2", "/home/u/P");
  g_autoptr(GError) error = NULL;
  g_autoptr(CdiDisk) disk = NULL;

  g_assert_true (cdi_disk_store_add (fixture->store, taken, NULL));
  disk = create (fixture, &request, NULL, &error);
  g_assert_null (disk);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_test_message ("%s", error->message);
  g_assert_false (g_file_test (fixture->image, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fixture->mountpoint, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fixture->image_folder, G_FILE_TEST_EXISTS));
  g_assert_true (cdi_disk_store_lookup (fixture->store, "Private") == taken);
}

/* No UUID from the helper: the keyring cannot key the passphrase, so the disk asks for it */
static void
test_keyring_without_uuid (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(CdiPassphrase) passphrase = cdi_passphrase_new ("new pass", 8);
  CdiDiskRequest request = request_of (fixture, passphrase);
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(CdiDisk) disk = NULL;

  set_answer ("stdout", "");
  request.source = CDI_PASSPHRASE_SOURCE_KEYRING;
  disk = create (fixture, &request, &notes, &error);
  g_assert_no_error (error);
  g_assert_null (cdi_disk_get_uuid (disk));
  g_assert_cmpint (cdi_disk_get_passphrase_source (disk), ==, CDI_PASSPHRASE_SOURCE_ASK);
  g_assert_nonnull (strstr (notes, "LUKS UUID"));
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
  helper_dir = g_dir_make_tmp ("cdi-disk-creation-helper-XXXXXX", NULL);
  g_assert_nonnull (helper_dir);
  stand_in = g_test_build_filename (G_TEST_DIST, "fake-helper.sh", NULL);
  g_setenv ("CDI_HELPER", stand_in, TRUE);
  g_setenv ("CDI_FAKE_HELPER_DIR", helper_dir, TRUE);

  g_test_message ("qemu-img is real; the helper's format is a STAND-IN (tests/fake-helper.sh).");
  if (!g_file_test (QEMU_IMG_PATH, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_add_func ("/cdi/disk-creation/no-qemu-img", skip_without_qemu_img);
      return g_test_run ();
    }
#define ADD(path, func) \
  g_test_add ("/cdi/disk-creation/stand-in-helper/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("create", test_create);
  ADD ("password-command", test_password_command);
  ADD ("cancel-while-formatting", test_cancel_while_formatting);
  ADD ("register-failure-undoes", test_register_failure_undoes);
  ADD ("keyring-without-uuid", test_keyring_without_uuid);
#undef ADD

  status = g_test_run ();
  remove_tree (helper_dir);
  g_free (helper_dir);
  return status;
}
