/* test-manage.c - cdi-manage.c and its helper calls: the passwd frame, inspect, passwd, grow,
 * backup-header, against a STAND-IN helper
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No pkexec prompt can be answered in CI, so the helper is tests/fake-helper.sh through the
 * CDI_HELPER test seam: it records the argv and stdin it got and answers as told. qemu-img is
 * real: grow of a closed disk really resizes a QCow2 file. The helper's own verbs are tested
 * in the VM (tests/vm/test-helper-manage.sh, tests/vm/test-cli-manage.sh).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi-error.h"
#include "cdi-helper-client.h"
#include "cdi-helper-protocol.h"
#include "cdi-manage.h"

#define UUID "0f6a1b2c-1111-2222-3333-444455556666"
#define MIB(n) ((guint64) (n) << 20)

static char *helper_dir;

typedef struct
{
  char *dir;
} Fixture;

static void
remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
}

static void
clear_helper_dir (void)
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
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("cdi-manage-XXXXXX", NULL);
  clear_helper_dir ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  clear_helper_dir ();
}

static void
answer_len (const char *name,
            const char *data,
            gssize      len)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
answer (const char *name,
        const char *text)
{
  answer_len (name, text, -1);
}

static void
remove_answer (const char *name)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);

  g_unlink (path);
}

static GBytes *
helper_file (const char *name)
{
  g_autofree char *path = g_build_filename (helper_dir, name, NULL);
  char *contents = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return NULL;
  return g_bytes_new_take (contents, size);
}

/* The last helper call as "VERB ARG ARG", or NULL when it did not run */
static char *
helper_call (void)
{
  g_autoptr(GBytes) argv = helper_file ("argv");
  gsize size = 0;
  char *text;

  if (argv == NULL)
    return NULL;
  size = g_bytes_get_size (argv);
  text = g_malloc0 (size + 1);
  memcpy (text, g_bytes_get_data (argv, NULL), size);
  for (gsize i = 0; i + 1 < size; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  return text;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static char *
make_qcow2 (Fixture    *f,
            const char *name,
            const char *size)
{
  char *image = g_build_filename (f->dir, name, NULL);
  const char *argv[] = { QEMU_IMG_PATH, "create", "-q", "-f", "qcow2", image, size, NULL };
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, NULL, &status,
                               NULL));
  g_assert_cmpint (status, ==, 0);
  return image;
}

static CdiPassphrase *
pass (const char *text)
{
  return cdi_passphrase_new (text, strlen (text));
}

/* --- the passwd frame: OLDLEN ':' OLD NEW --- */

static void
test_frame (void)
{
  g_autoptr(CdiPassphrase) old = pass ("old pw");
  g_autoptr(CdiPassphrase) new = pass ("new: pw\n2");
  g_autoptr(CdiPassphrase) frame = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;

  frame = cdi_helper_client_passwd_frame_new (old, new, &error);
  g_assert_no_error (error);
  data = cdi_passphrase_get_data (frame, &size);
  g_assert_cmpmem (data, size, "6:old pwnew: pw\n2", 17);
}

/* Binary-safe: NUL bytes and a ':' in OLD are just bytes; OLDLEN says where NEW begins */
static void
test_frame_binary (void)
{
  static const char old_bytes[] = { 'a', '\0', ':', 'b' };
  static const char new_bytes[] = { '\0', 'z' };
  static const char expected[] = { '4', ':', 'a', '\0', ':', 'b', '\0', 'z' };
  g_autoptr(CdiPassphrase) old = cdi_passphrase_new (old_bytes, sizeof old_bytes);
  g_autoptr(CdiPassphrase) new = cdi_passphrase_new (new_bytes, sizeof new_bytes);
  g_autoptr(CdiPassphrase) frame = NULL;
  const guint8 *data;
  gsize size;

  frame = cdi_helper_client_passwd_frame_new (old, new, NULL);
  g_assert_nonnull (frame);
  data = cdi_passphrase_get_data (frame, &size);
  g_assert_cmpmem (data, size, expected, sizeof expected);
}

/* The longest frame the protocol allows fits; one byte more of either part is refused */
static void
test_frame_bounds (void)
{
  g_autofree char *max = g_strnfill (CDI_HELPER_PASSPHRASE_MAX, 'x');
  g_autofree char *over = g_strnfill (CDI_HELPER_PASSPHRASE_MAX + 1, 'y');
  g_autoptr(CdiPassphrase) longest = pass (max);
  g_autoptr(CdiPassphrase) too_long = pass (over);
  g_autoptr(CdiPassphrase) empty = cdi_passphrase_new ("", 0);
  g_autoptr(CdiPassphrase) ok = pass ("ok");
  g_autoptr(CdiPassphrase) frame = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  frame = cdi_helper_client_passwd_frame_new (longest, longest, &error);
  g_assert_no_error (error);
  cdi_passphrase_get_data (frame, &size);
  g_assert_cmpuint (size, ==, 5 + 2 * CDI_HELPER_PASSPHRASE_MAX);
  g_assert_cmpuint (size, <=, CDI_HELPER_PASSWD_STDIN_MAX);
  g_assert_true (memcmp (cdi_passphrase_get_data (frame, NULL), "1024:", 5) == 0);

  g_assert_null (cdi_helper_client_passwd_frame_new (too_long, ok, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (cdi_helper_client_passwd_frame_new (ok, too_long, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (cdi_helper_client_passwd_frame_new (empty, ok, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (cdi_helper_client_passwd_frame_new (ok, empty, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
}

/* --- inspect --- */

static void
test_inspect (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CdiImageInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *call = NULL;

  answer ("inspect.stdout", "luks\timage=/i\tuuid=" UUID "\tversion=1\tlabel=my\\tdisk"
                            "\tcipher=aes-xts-plain\tsize=1073741824\topen=1\tfuture=x\n");
  cdi_manage_inspect_async ("/some/disk.img", NULL, result_cb, &result);
  wait_for (&result);
  info = cdi_manage_inspect_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->uuid, ==, UUID);
  g_assert_cmpstr (info->label, ==, "my\tdisk");
  g_assert_cmpstr (info->cipher, ==, "aes-xts-plain");
  g_assert_cmpuint (info->luks_version, ==, 1);
  g_assert_cmpuint (info->size_bytes, ==, G_GUINT64_CONSTANT (1) << 30);
  g_assert_true (info->open);
  call = helper_call ();
  g_assert_cmpstr (call, ==, "inspect /some/disk.img");
}

static void
test_inspect_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;

  answer ("inspect.exit", "4");
  answer ("stderr", "'inspect' failed: no LUKS header (Invalid argument)\n");
  cdi_manage_inspect_async ("/plain.qcow2", NULL, result_cb, &result);
  wait_for (&result);
  g_assert_null (cdi_manage_inspect_finish (result, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "no LUKS header"));
  g_clear_error (&error);

  /* success without a usable record: a mismatched helper, said so */
  remove_answer ("inspect.exit");
  answer ("inspect.stdout", "luks\tuuid=not-a-uuid\n");
  cdi_manage_inspect_async ("/plain.qcow2", NULL, result_cb, &result2);
  wait_for (&result2);
  g_assert_null (cdi_manage_inspect_finish (result2, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_FAILED);
}

/* --- change passphrase --- */

static void
test_passwd (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CdiDisk) disk = cdi_disk_new ("docs", "/home/a/docs.qcow2", "/home/a/Docs");
  g_autoptr(CdiPassphrase) old = pass ("old pw");
  g_autoptr(CdiPassphrase) new = pass ("new pw");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GAsyncResult) result3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autofree char *call = NULL;
  CdiHelperFormatOptions kdf = { .pbkdf = "pbkdf2", .iterations = 1000, .label = "ignored" };

  cdi_manage_change_passphrase_async (disk, old, new, &kdf, NULL, result_cb, &result);
  wait_for (&result);
  g_assert_true (cdi_manage_change_passphrase_finish (result, &error));
  g_assert_no_error (error);
  call = helper_call ();
  g_assert_cmpstr (call, ==, "passwd --pbkdf=pbkdf2 --pbkdf-iterations=1000 /home/a/docs.qcow2");
  input = helper_file ("stdin");
  g_assert_cmpmem (g_bytes_get_data (input, NULL), g_bytes_get_size (input), "6:old pwnew pw",
                   14);

  /* the helper's wrong passphrase */
  answer ("passwd.exit", "5");
  cdi_manage_change_passphrase_async (disk, old, new, NULL, NULL, result_cb, &result2);
  wait_for (&result2);
  g_assert_false (cdi_manage_change_passphrase_finish (result2, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);

  /* the same passphrase twice: refused before the helper runs */
  remove_answer ("argv");
  cdi_manage_change_passphrase_async (disk, old, old, NULL, NULL, result_cb, &result3);
  wait_for (&result3);
  g_assert_false (cdi_manage_change_passphrase_finish (result3, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_null (helper_file ("argv"));
}

/* --- grow --- */

static guint64
virtual_size (const char *image)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  g_assert_true (cdi_manage_get_virtual_size (image, &size, &error));
  g_assert_no_error (error);
  return size;
}

static void
test_grow_closed (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *image = make_qcow2 (f, "grow.qcow2", "64M");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 grown = 0;

  g_assert_cmpuint (virtual_size (image), ==, MIB (64));
  /* not a multiple of 512: rounded up */
  cdi_manage_grow_async (image, MIB (96) + 1, FALSE, NULL, result_cb, &result);
  wait_for (&result);
  g_assert_true (cdi_manage_grow_finish (result, &grown, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grown, ==, MIB (96) + 512);
  g_assert_cmpuint (virtual_size (image), ==, MIB (96) + 512);
  g_assert_null (helper_call ()); /* qemu-img as the user; no helper */
}

static void
test_grow_refuses_shrink (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *image = make_qcow2 (f, "shrink.qcow2", "128M");
  g_autofree char *link = g_build_filename (f->dir, "link.qcow2", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GAsyncResult) result3 = NULL;
  g_autoptr(GError) error = NULL;

  cdi_manage_grow_async (image, MIB (64), FALSE, NULL, result_cb, &result);
  wait_for (&result);
  g_assert_false (cdi_manage_grow_finish (result, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "Shrinking is not supported"));
  g_clear_error (&error);

  cdi_manage_grow_async (image, MIB (128), TRUE, NULL, result_cb, &result2);
  wait_for (&result2);
  g_assert_false (cdi_manage_grow_finish (result2, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (virtual_size (image), ==, MIB (128));
  g_assert_null (helper_call ());

  g_assert_cmpint (symlink (image, link), ==, 0);
  cdi_manage_grow_async (link, MIB (256), FALSE, NULL, result_cb, &result3);
  wait_for (&result3);
  g_assert_false (cdi_manage_grow_finish (result3, NULL, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_cmpuint (virtual_size (image), ==, MIB (128));
}

/* An open disk: the helper's grow with the exact byte count; its grown record is the result */
static void
test_grow_open (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *image = make_qcow2 (f, "open.qcow2", "64M");
  g_autofree char *expected = g_strdup_printf ("grow %s %" G_GUINT64_FORMAT, image, MIB (200));
  g_autofree char *call = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 grown = 0;

  answer ("grow.stdout", "grown\timage=x\tsize=209715200\tfs-size=200000000\n");
  cdi_manage_grow_async (image, MIB (200), TRUE, NULL, result_cb, &result);
  wait_for (&result);
  g_assert_true (cdi_manage_grow_finish (result, &grown, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grown, ==, MIB (200));
  call = helper_call ();
  g_assert_cmpstr (call, ==, expected);
  g_assert_cmpuint (virtual_size (image), ==, MIB (64)); /* the stand-in did nothing */
}

/* --- backup-header --- */

static const char fake_header[] = "LUKS\xba\xbe\0\2 a header \0\1\2\3\n\t binary";

static void
backup (const char  *image,
        const char  *dest,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cdi_manage_backup_header_async (image, dest, NULL, result_cb, &result);
  wait_for (&result);
  cdi_manage_backup_header_finish (result, error);
}

static void
test_backup_header (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dest = g_build_filename (f->dir, "header.img", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *call = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  struct stat st;
  mode_t old_umask = umask (0);

  answer_len ("backup-header.stdout", fake_header, sizeof fake_header);
  backup ("/home/a/docs.qcow2", dest, &error);
  umask (old_umask);
  g_assert_no_error (error);
  call = helper_call ();
  g_assert_cmpstr (call, ==, "backup-header /home/a/docs.qcow2");
  g_assert_cmpint (g_lstat (dest, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (st.st_uid, ==, getuid ());
  g_assert_true (g_file_get_contents (dest, &contents, &size, NULL));
  g_assert_cmpmem (contents, size, fake_header, sizeof fake_header);

  /* an existing file is refused before the helper runs, and kept as it was */
  remove_answer ("argv");
  backup ("/home/a/docs.qcow2", dest, &error);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_assert_null (helper_file ("argv"));
  g_free (contents);
  g_assert_true (g_file_get_contents (dest, &contents, &size, NULL));
  g_assert_cmpmem (contents, size, fake_header, sizeof fake_header);
}

static void
test_backup_header_refusals (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "target", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link", NULL);
  g_autofree char *dangling = g_build_filename (f->dir, "dangling", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "new.img", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  answer_len ("backup-header.stdout", fake_header, sizeof fake_header);
  g_assert_true (g_file_set_contents (target, "mine", -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (symlink ("/nonexistent/cdi-x", dangling), ==, 0);

  backup ("/i.qcow2", link, &error);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, CDI_ERROR, CDI_ERROR_EXISTS)
                 || g_error_matches (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT));
  g_clear_error (&error);
  backup ("/i.qcow2", dangling, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  g_assert_false (g_file_test ("/nonexistent/cdi-x", G_FILE_TEST_EXISTS));
  g_assert_null (helper_file ("argv"));

  /* the helper fails: no partial file is left */
  answer ("backup-header.exit", "1");
  backup ("/i.qcow2", dest, &error);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  /* what it sent is not a LUKS header: not saved */
  remove_answer ("backup-header.exit");
  answer ("backup-header.stdout", "luks\tuuid=x\n");
  backup ("/i.qcow2", dest, &error);
  g_assert_error (error, CDI_ERROR, CDI_ERROR_FAILED);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *stand_in = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  helper_dir = g_dir_make_tmp ("cdi-manage-helper-XXXXXX", NULL);
  g_assert_nonnull (helper_dir);
  stand_in = g_test_build_filename (G_TEST_DIST, "fake-helper.sh", NULL);
  g_setenv ("CDI_HELPER", stand_in, TRUE);
  g_setenv ("CDI_FAKE_HELPER_DIR", helper_dir, TRUE);
  g_test_message ("The helper is a STAND-IN (tests/fake-helper.sh via CDI_HELPER); qemu-img is "
                  "real.");

  g_test_add_func ("/cdi/manage/passwd-frame", test_frame);
  g_test_add_func ("/cdi/manage/passwd-frame/binary", test_frame_binary);
  g_test_add_func ("/cdi/manage/passwd-frame/bounds", test_frame_bounds);
#define ADD(path, func) \
  g_test_add ("/cdi/manage/stand-in-helper/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("inspect", test_inspect);
  ADD ("inspect-refused", test_inspect_refused);
  ADD ("passwd", test_passwd);
  ADD ("backup-header", test_backup_header);
  ADD ("backup-header-refusals", test_backup_header_refusals);
  if (g_file_test (QEMU_IMG_PATH, G_FILE_TEST_IS_EXECUTABLE))
    {
      ADD ("grow-closed", test_grow_closed);
      ADD ("grow-refuses-shrink", test_grow_refuses_shrink);
      ADD ("grow-open", test_grow_open);
    }
#undef ADD

  status = g_test_run ();
  remove_tree (helper_dir);
  g_free (helper_dir);
  return status;
}
