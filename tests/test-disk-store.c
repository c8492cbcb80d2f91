/* test-disk-store.c - the disk model and the disks.conf registry
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cdi-disk-store.h"
#include "cdi-error.h"

#define UUID_A "0f6a2c3e-1111-4222-8333-944455556666"

/* XDG_CONFIG_HOME points into a temporary folder (set in main(), before GLib reads it; not
 * G_TEST_OPTION_ISOLATE_DIRS, whose per-test strings valgrind reports as lost); each test
 * starts without a crypt-disk-image folder in it. */
static char *config_home;

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

static void
reset_config (void)
{
  g_autofree char *dir = g_build_filename (config_home, "crypt-disk-image", NULL);

  remove_tree (dir);
}

static char *
conf_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "crypt-disk-image", "disks.conf", NULL);
}

static void
write_conf (const char *contents,
            gssize      size)
{
  g_autofree char *path = conf_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, size, NULL));
}

static char *
read_conf (gsize *ret_size)
{
  g_autofree char *path = conf_path ();
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, ret_size, NULL))
    return NULL;
  return contents;
}

static CdiDiskStore *
load_store (void)
{
  g_autoptr(CdiDiskStore) store = cdi_disk_store_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (cdi_disk_store_load (store, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static guint
n_disks (CdiDiskStore *store)
{
  g_autoptr(GPtrArray) disks = cdi_disk_store_get_disks (store);

  return disks->len;
}

/* Connected swapped: the counter comes first, the signal's own arguments are ignored */
static void
count_cb (guint *count)
{
  (*count)++;
}

/* The model */

typedef struct
{
  const char *name;
  gboolean valid;
} NameCase;

static const NameCase name_cases[] = {
  { "a", TRUE }, { "Backup.2024_x-1", TRUE },
  { "0123456789012345678901234567890123456789012345678901234567890123", TRUE },
  { "01234567890123456789012345678901234567890123456789012345678901234", FALSE },
  { "", FALSE }, { ".", FALSE }, { "..", FALSE }, { "...", TRUE }, { "a b", FALSE },
  { "a/b", FALSE }, { "a\\b", FALSE }, { "\xc3\xa4", FALSE }, { "a\n", FALSE },
};

static void
test_disk_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_test_message ("name “%s”", name_cases[i].name);
      g_assert_cmpint (cdi_disk_name_is_valid (name_cases[i].name), ==, name_cases[i].valid);
    }
  g_assert_false (cdi_disk_name_is_valid (NULL));
}

static void
test_disk_properties (void)
{
  g_autoptr(CdiDisk) disk = cdi_disk_new ("a", "/home/u/a.qcow2", "/home/u/A");
  g_autoptr(GError) error = NULL;
  guint notified = 0;
  CdiPassphraseSource source;
  CdiPassphraseSource parsed;

  g_assert_cmpstr (cdi_disk_get_name (disk), ==, "a");
  g_assert_null (cdi_disk_get_uuid (disk));
  g_assert_cmpint (cdi_disk_get_passphrase_source (disk), ==, CDI_PASSPHRASE_SOURCE_ASK);
  g_assert_true (cdi_disk_get_trim (disk));
  g_assert_false (cdi_disk_get_default (disk));
  g_assert_false (cdi_disk_get_open_at_login (disk));
  g_assert_cmpint (cdi_disk_get_close_on_lock (disk), ==, CDI_TRISTATE_DEFAULT);
  g_assert_cmpint (cdi_disk_get_close_when_idle_minutes (disk), ==, CDI_DISK_IDLE_MINUTES_DEFAULT);
  g_assert_true (cdi_disk_validate (disk, &error));

  g_signal_connect_swapped (disk, "notify", G_CALLBACK (count_cb), &notified);
  cdi_disk_set_trim (disk, FALSE);
  cdi_disk_set_trim (disk, FALSE); /* same value: no notification */
  g_object_set (disk, "close-on-suspend", CDI_TRISTATE_TRUE, "uuid", UUID_A, NULL);
  g_assert_cmpuint (notified, ==, 3);
  cdi_disk_set_open_at_login (disk, TRUE);
  cdi_disk_set_open_at_login (disk, TRUE); /* same value: no notification */
  g_assert_cmpuint (notified, ==, 4);
  g_assert_true (cdi_disk_get_open_at_login (disk));
  g_assert_cmpstr (cdi_disk_get_uuid (disk), ==, UUID_A);

  g_assert_true (cdi_tristate_resolve (CDI_TRISTATE_DEFAULT, TRUE));
  g_assert_false (cdi_tristate_resolve (CDI_TRISTATE_DEFAULT, FALSE));
  g_assert_true (cdi_tristate_resolve (CDI_TRISTATE_TRUE, FALSE));
  g_assert_false (cdi_tristate_resolve (CDI_TRISTATE_FALSE, TRUE));

  for (source = CDI_PASSPHRASE_SOURCE_ASK; source <= CDI_PASSPHRASE_SOURCE_COMMAND; source++)
    {
      g_assert_true (cdi_passphrase_source_from_string (cdi_passphrase_source_to_string (source),
                                                        &parsed));
      g_assert_cmpint (parsed, ==, source);
    }
  g_assert_false (cdi_passphrase_source_from_string ("stdin", &parsed));

  cdi_disk_set_passphrase_source (disk, CDI_PASSPHRASE_SOURCE_COMMAND);
  g_assert_false (cdi_disk_validate (disk, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  cdi_disk_set_password_command (disk, "pass show 'my disk'");
  g_assert_true (cdi_disk_validate (disk, &error));
  cdi_disk_set_uuid (disk, "not-a-uuid");
  g_assert_false (cdi_disk_validate (disk, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
}

/* The store */

static void
test_default_path (void)
{
  g_autoptr(CdiDiskStore) store = cdi_disk_store_new (NULL);
  g_autofree char *path = conf_path ();

  g_assert_cmpstr (cdi_disk_store_get_path (store), ==, path);
  g_assert_true (g_str_has_prefix (path, g_get_user_config_dir ()));
}

static void
test_missing_file (void)
{
  g_autoptr(CdiDiskStore) store = load_store ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_cmpuint (n_disks (store), ==, 0);
  g_assert_cmpuint (cdi_disk_store_get_problems (store)->len, ==, 0);
  g_assert_true (cdi_disk_store_save (store, &error)); /* nothing changed: nothing written */
  contents = read_conf (NULL);
  g_assert_null (contents);
}

/* Not a corrupt file but one that cannot be read at all: an error, and nothing is listed */
static void
test_unreadable (void)
{
  g_autoptr(CdiDiskStore) store = cdi_disk_store_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = conf_path ();

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0); /* a folder in its place */
  g_assert_false (cdi_disk_store_load (store, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (n_disks (store), ==, 0);
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
test_round_trip (void)
{
  g_autoptr(CdiDiskStore) store = load_store ();
  g_autoptr(CdiDiskStore) again = NULL;
  g_autoptr(CdiDisk) a = cdi_disk_new ("backup", "/home/u/./backup.qcow2", "/home/u/Backup");
  g_autoptr(CdiDisk) b = cdi_disk_new ("work", "/home/u/work.qcow2", "/home/u/Work");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = conf_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  struct stat st;
  CdiDisk *got;

  g_object_set (a, "uuid", UUID_A, "passphrase-source", CDI_PASSPHRASE_SOURCE_COMMAND,
                "password-command", "pass show \"disks/backup\"",
                "close-on-lock", CDI_TRISTATE_TRUE,
                "close-on-suspend", CDI_TRISTATE_FALSE, "close-when-idle-minutes", 30,
                "trim", FALSE, "default", TRUE, "open-at-login", TRUE, NULL);
  cdi_disk_set_passphrase_source (b, CDI_PASSPHRASE_SOURCE_KEYRING);
  g_assert_true (cdi_disk_store_add (store, a, &error));
  g_assert_true (cdi_disk_store_add (store, b, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cdi_disk_get_image (a), ==, "/home/u/backup.qcow2"); /* made canonical */
  g_assert_true (cdi_disk_store_save (store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  contents = read_conf (NULL);
  g_assert_nonnull (strstr (contents, "[disk backup]"));
  g_assert_nonnull (strstr (contents, "[disk work]"));
  g_assert_nonnull (strstr (contents, "open-at-login=true"));
  g_assert_null (strstr (contents, "open-at-login=false")); /* off is the default: not written */

  again = load_store ();
  disks = cdi_disk_store_get_disks (again);
  g_assert_cmpuint (disks->len, ==, 2);
  g_assert_cmpstr (cdi_disk_get_name (g_ptr_array_index (disks, 0)), ==, "backup"); /* file order */
  g_assert_cmpstr (cdi_disk_get_name (g_ptr_array_index (disks, 1)), ==, "work");
  g_assert_cmpuint (cdi_disk_store_get_problems (again)->len, ==, 0);
  got = cdi_disk_store_lookup (again, "backup");
  g_assert_nonnull (got);
  g_assert_cmpstr (cdi_disk_get_image (got), ==, "/home/u/backup.qcow2");
  g_assert_cmpstr (cdi_disk_get_mountpoint (got), ==, "/home/u/Backup");
  g_assert_cmpstr (cdi_disk_get_uuid (got), ==, UUID_A);
  g_assert_cmpint (cdi_disk_get_passphrase_source (got), ==, CDI_PASSPHRASE_SOURCE_COMMAND);
  g_assert_cmpstr (cdi_disk_get_password_command (got), ==, "pass show \"disks/backup\"");
  g_assert_cmpint (cdi_disk_get_close_on_lock (got), ==, CDI_TRISTATE_TRUE);
  g_assert_cmpint (cdi_disk_get_close_on_suspend (got), ==, CDI_TRISTATE_FALSE);
  g_assert_cmpint (cdi_disk_get_close_on_logout (got), ==, CDI_TRISTATE_DEFAULT);
  g_assert_cmpint (cdi_disk_get_close_when_idle_minutes (got), ==, 30);
  g_assert_false (cdi_disk_get_trim (got));
  g_assert_true (cdi_disk_get_default (got));
  g_assert_true (cdi_disk_get_open_at_login (got));
  got = cdi_disk_store_lookup (again, "work");
  g_assert_cmpint (cdi_disk_get_passphrase_source (got), ==, CDI_PASSPHRASE_SOURCE_KEYRING);
  g_assert_null (cdi_disk_get_uuid (got));
  g_assert_true (cdi_disk_get_trim (got));
  g_assert_false (cdi_disk_get_default (got));
  g_assert_false (cdi_disk_get_open_at_login (got));
  g_assert_cmpint (cdi_disk_get_close_when_idle_minutes (got), ==, CDI_DISK_IDLE_MINUTES_DEFAULT);

  /* Turned off, the key goes; and the setting follows the disk through a reload */
  cdi_disk_set_open_at_login (cdi_disk_store_lookup (again, "backup"), FALSE);
  g_assert_true (cdi_disk_store_save (again, &error));
  g_assert_no_error (error);
  g_free (contents);
  contents = read_conf (NULL);
  g_assert_null (strstr (contents, "open-at-login"));
}

static void
test_corrupt_binary (void)
{
  static const char junk[] = "\xff\xfe\x00\x01garbage [[[ \x80\n=\n";
  g_autoptr(CdiDiskStore) store = NULL;
  g_autoptr(CdiDisk) disk = cdi_disk_new ("new", "/home/u/new.qcow2", "/home/u/New");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_path = NULL;
  g_autofree char *path = conf_path ();
  gsize size = 0;

  write_conf (junk, sizeof junk - 1);
  store = load_store ();
  g_assert_cmpuint (n_disks (store), ==, 0);
  g_assert_cmpuint (cdi_disk_store_get_problems (store)->len, ==, 1);
  g_test_message ("%s", (char *) g_ptr_array_index (cdi_disk_store_get_problems (store), 0));

  /* Not overwritten while nothing changed */
  g_assert_true (cdi_disk_store_save (store, &error));
  contents = read_conf (&size);
  g_assert_cmpmem (contents, size, junk, sizeof junk - 1);

  /* A change writes a good file and keeps the bad one aside */
  g_assert_true (cdi_disk_store_add (store, disk, &error));
  g_assert_true (cdi_disk_store_save (store, &error));
  g_assert_no_error (error);
  g_free (contents);
  contents = read_conf (NULL);
  g_assert_nonnull (strstr (contents, "[disk new]"));
  aside_path = g_strconcat (path, ".corrupt", NULL);
  g_assert_true (g_file_get_contents (aside_path, &aside, &size, NULL));
  g_assert_cmpmem (aside, size, junk, sizeof junk - 1);
}

static const char bad_groups[] =
  "# my disks\n"
  "[disk good]\n"
  "image=/home/u/good.qcow2\n"
  "mountpoint=/home/u/Good\n"
  "some-future-key=kept\n"
  "[disk missing-image]\n"
  "mountpoint=/home/u/M1\n"
  "[disk missing-mountpoint]\n"
  "image=/home/u/m2.qcow2\n"
  "[disk bad/name]\n"
  "image=/home/u/m3.qcow2\n"
  "mountpoint=/home/u/M3\n"
  "[disk ..]\n"
  "image=/home/u/m4.qcow2\n"
  "mountpoint=/home/u/M4\n"
  "[disk relative-image]\n"
  "image=m5.qcow2\n"
  "mountpoint=/home/u/M5\n"
  "[disk relative-mountpoint]\n"
  "image=/home/u/m6.qcow2\n"
  "mountpoint=M6\n"
  "[disk unknown-source]\n"
  "image=/home/u/m7.qcow2\n"
  "mountpoint=/home/u/M7\n"
  "passphrase-source=stdin\n"
  "[disk command-missing]\n"
  "image=/home/u/m8.qcow2\n"
  "mountpoint=/home/u/M8\n"
  "passphrase-source=command\n"
  "[disk command-unparsable]\n"
  "image=/home/u/m9.qcow2\n"
  "mountpoint=/home/u/M9\n"
  "passphrase-source=command\n"
  "password-command=pass show \"unterminated\n"
  "[disk bad-boolean]\n"
  "image=/home/u/m10.qcow2\n"
  "mountpoint=/home/u/M10\n"
  "close-on-lock=maybe\n"
  "[disk bad-idle]\n"
  "image=/home/u/m11.qcow2\n"
  "mountpoint=/home/u/M11\n"
  "close-when-idle-minutes=-5\n"
  "[disk huge-idle]\n"
  "image=/home/u/m12.qcow2\n"
  "mountpoint=/home/u/M12\n"
  "close-when-idle-minutes=99999\n"
  "[disk bad-open-at-login]\n"
  "image=/home/u/m16.qcow2\n"
  "mountpoint=/home/u/M16\n"
  "open-at-login=yes please\n"
  "[disk bad-uuid]\n"
  "image=/home/u/m13.qcow2\n"
  "mountpoint=/home/u/M13\n"
  "uuid=12345\n"
  "[not-a-disk]\n"
  "x=y\n"
  "[disk duplicate-image]\n"
  "image=/home/u/sub/../good.qcow2\n"
  "mountpoint=/home/u/M14\n"
  "[disk duplicate-mountpoint]\n"
  "image=/home/u/m15.qcow2\n"
  "mountpoint=/home/u/Good/\n"
  "[disk also-good]\n"
  "image=/home/u/also.qcow2\n"
  "mountpoint=/home/u/Also\n"
  "passphrase-source=command\n"
  "password-command=cat '/media/key stick/pw'\n"
  "close-when-idle-minutes=0\n"
  "open-at-login=false\n";

static void
test_bad_groups (void)
{
  g_autoptr(CdiDiskStore) store = NULL;
  g_autoptr(CdiDiskStore) again = NULL;
  g_autoptr(CdiDisk) disk = cdi_disk_new ("added", "/home/u/added.qcow2", "/home/u/Added");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *skipped[] = { "missing-image", "missing-mountpoint", "bad/name", "disk ..]",
                            "relative-image", "relative-mountpoint", "unknown-source",
                            "command-missing", "command-unparsable", "bad-boolean", "bad-idle",
                            "huge-idle", "bad-open-at-login", "bad-uuid", "not-a-disk", "duplicate-image",
                            "duplicate-mountpoint" };
  GPtrArray *problems;

  write_conf (bad_groups, -1);
  store = load_store ();
  g_assert_cmpuint (n_disks (store), ==, 2);
  g_assert_nonnull (cdi_disk_store_lookup (store, "good"));
  g_assert_nonnull (cdi_disk_store_lookup (store, "also-good"));
  g_assert_cmpint (cdi_disk_get_close_when_idle_minutes (cdi_disk_store_lookup (store,
                                                                                "also-good")),
                   ==, 0);
  g_assert_false (cdi_disk_get_open_at_login (cdi_disk_store_lookup (store, "also-good")));

  problems = cdi_disk_store_get_problems (store);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, G_N_ELEMENTS (skipped));
  for (guint i = 0; i < G_N_ELEMENTS (skipped); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < problems->len && !found; j++)
        found = strstr (g_ptr_array_index (problems, j), skipped[i]) != NULL;
      if (!found)
        g_test_fail_printf ("no problem names “%s”", skipped[i]);
    }

  /* A change keeps the skipped groups, unknown keys and comments for the user to fix */
  g_assert_true (cdi_disk_store_add (store, disk, &error));
  g_assert_no_error (error);
  g_assert_true (cdi_disk_store_save (store, &error));
  g_assert_no_error (error);
  contents = read_conf (NULL);
  g_assert_nonnull (strstr (contents, "# my disks"));
  g_assert_nonnull (strstr (contents, "[disk missing-image]"));
  g_assert_nonnull (strstr (contents, "some-future-key=kept"));
  g_assert_nonnull (strstr (contents, "[not-a-disk]"));
  g_assert_nonnull (strstr (contents, "[disk added]"));

  again = load_store ();
  g_assert_cmpuint (n_disks (again), ==, 3);
  g_assert_cmpuint (cdi_disk_store_get_problems (again)->len, ==, G_N_ELEMENTS (skipped));
}

static void
test_save_without_change (void)
{
  static const char text[] =
    "# hand-written\n[disk a]\nimage = /home/u/a.qcow2\nmountpoint=/home/u/A\n";
  g_autoptr(CdiDiskStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  write_conf (text, -1);
  store = load_store ();
  g_assert_cmpuint (n_disks (store), ==, 1);
  g_assert_true (cdi_disk_store_save (store, &error));
  contents = read_conf (NULL);
  g_assert_cmpstr (contents, ==, text);
}

static void
test_add_refuses (void)
{
  g_autoptr(CdiDiskStore) store = load_store ();
  g_autoptr(CdiDisk) a = cdi_disk_new ("a", "/home/u/a.qcow2", "/home/u/A");
  g_autoptr(CdiDisk) same_name = cdi_disk_new ("a", "/home/u/b.qcow2", "/home/u/B");
  g_autoptr(CdiDisk) same_image = cdi_disk_new ("b", "/home/u//a.qcow2", "/home/u/B");
  g_autoptr(CdiDisk) same_mount = cdi_disk_new ("c", "/home/u/c.qcow2", "/home/u/x/../A");
  g_autoptr(CdiDisk) relative = cdi_disk_new ("d", "d.qcow2", "/home/u/D");
  g_autoptr(CdiDisk) bad_name = cdi_disk_new ("d/e", "/home/u/d.qcow2", "/home/u/D");
  g_autoptr(GError) error = NULL;

  g_assert_true (cdi_disk_store_add (store, a, &error));
  g_assert_false (cdi_disk_store_add (store, a, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (cdi_disk_store_add (store, same_name, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (cdi_disk_store_add (store, same_image, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "image"));
  g_clear_error (&error);
  g_assert_false (cdi_disk_store_add (store, same_mount, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "mount point"));
  g_clear_error (&error);
  g_assert_false (cdi_disk_store_add (store, relative, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cdi_disk_store_add (store, bad_name, &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT);
  g_assert_cmpuint (n_disks (store), ==, 1);
}

static void
test_remove_and_lookup (void)
{
  g_autoptr(CdiDiskStore) store = load_store ();
  g_autoptr(CdiDiskStore) again = NULL;
  g_autoptr(CdiDisk) a = cdi_disk_new ("a", "/home/u/a.qcow2", "/home/u/A");
  g_autoptr(CdiDisk) b = cdi_disk_new ("b", "/home/u/b.qcow2", "/home/u/B");
  g_autoptr(GError) error = NULL;

  g_assert_true (cdi_disk_store_add (store, a, &error));
  g_assert_true (cdi_disk_store_add (store, b, &error));
  g_assert_true (cdi_disk_store_lookup (store, "b") == b);
  g_assert_true (cdi_disk_store_lookup_by_image (store, "/home/u/./b.qcow2") == b);
  g_assert_true (cdi_disk_store_lookup_by_mountpoint (store, "/home/u/A/") == a);
  g_assert_null (cdi_disk_store_lookup (store, "c"));
  g_assert_null (cdi_disk_store_lookup_by_image (store, "/home/u/c.qcow2"));
  g_assert_null (cdi_disk_store_get_default (store));
  g_assert_true (cdi_disk_store_save (store, &error));

  g_assert_true (cdi_disk_store_remove (store, "a", &error));
  g_assert_false (cdi_disk_store_remove (store, "a", &error));
  g_assert_error (error, CDI_ERROR, CDI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (cdi_disk_store_save (store, &error));
  g_assert_no_error (error);

  again = load_store ();
  g_assert_cmpuint (n_disks (again), ==, 1);
  g_assert_null (cdi_disk_store_lookup (again, "a"));
  g_assert_nonnull (cdi_disk_store_lookup (again, "b"));
}

static void
test_default_unique (void)
{
  g_autoptr(CdiDiskStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CdiDisk *a, *b;

  write_conf ("[disk a]\nimage=/a\nmountpoint=/A\ndefault=true\n"
              "[disk b]\nimage=/b\nmountpoint=/B\ndefault=true\n", -1);
  store = load_store ();
  a = cdi_disk_store_lookup (store, "a");
  b = cdi_disk_store_lookup (store, "b");
  g_assert_true (cdi_disk_get_default (a)); /* the first one wins */
  g_assert_false (cdi_disk_get_default (b));
  g_assert_true (cdi_disk_store_get_default (store) == a);

  cdi_disk_set_default (b, TRUE);
  g_assert_false (cdi_disk_get_default (a));
  g_assert_true (cdi_disk_store_get_default (store) == b);
}

static void
test_changed_signal (void)
{
  g_autoptr(CdiDiskStore) store = cdi_disk_store_new (NULL);
  g_autoptr(CdiDisk) a = cdi_disk_new ("a", "/home/u/a.qcow2", "/home/u/A");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  guint changed = 0;

  g_signal_connect_swapped (store, "changed", G_CALLBACK (count_cb), &changed);
  g_assert_true (cdi_disk_store_load (store, &error));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (cdi_disk_store_add (store, a, &error));
  g_assert_cmpuint (changed, ==, 2);
  cdi_disk_set_uuid (a, UUID_A); /* a setting change is a change, and makes save write */
  g_assert_cmpuint (changed, ==, 3);
  g_assert_true (cdi_disk_store_save (store, &error));
  contents = read_conf (NULL);
  g_assert_nonnull (strstr (contents, UUID_A));
  g_assert_true (cdi_disk_store_remove (store, "a", &error));
  g_assert_cmpuint (changed, ==, 4);
  cdi_disk_set_trim (a, FALSE); /* no longer in the store */
  g_assert_cmpuint (changed, ==, 4);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *@counter exceeds @before, or @seconds pass */
static void
wait_for_change (guint *counter,
                 guint  before,
                 guint  seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timeout_cb, &timed_out);

  while (*counter == before && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static void
test_monitor_reload (void)
{
  g_autoptr(CdiDiskStore) watcher = load_store ();
  g_autoptr(CdiDiskStore) writer = load_store ();
  g_autoptr(CdiDisk) a = cdi_disk_new ("a", "/home/u/a.qcow2", "/home/u/A");
  g_autoptr(CdiDisk) b = cdi_disk_new ("b", "/home/u/b.qcow2", "/home/u/B");
  g_autoptr(GError) error = NULL;
  CdiDisk *seen_a;
  guint changed = 0;

  g_assert_true (cdi_disk_store_watch (watcher, &error));
  g_assert_no_error (error);
  g_signal_connect_swapped (watcher, "changed", G_CALLBACK (count_cb), &changed);

  /* Another program (the CLI) adds a disk */
  g_assert_true (cdi_disk_store_add (writer, a, &error));
  g_assert_true (cdi_disk_store_save (writer, &error));
  wait_for_change (&changed, 0, 10);
  g_assert_cmpuint (changed, >=, 1);
  seen_a = cdi_disk_store_lookup (watcher, "a");
  g_assert_nonnull (seen_a);

  /* It changes a setting and adds another: the watcher's object for "a" stays */
  changed = 0;
  cdi_disk_set_uuid (a, UUID_A);
  g_assert_true (cdi_disk_store_add (writer, b, &error));
  g_assert_true (cdi_disk_store_save (writer, &error));
  wait_for_change (&changed, 0, 10);
  g_assert_true (cdi_disk_store_lookup (watcher, "a") == seen_a);
  g_assert_cmpuint (n_disks (watcher), ==, 2);
  g_assert_cmpstr (cdi_disk_get_uuid (seen_a), ==, UUID_A);
  g_assert_nonnull (cdi_disk_store_lookup (watcher, "b"));

  /* It removes one; a hand edit replaces the file */
  changed = 0;
  g_assert_true (cdi_disk_store_remove (writer, "b", &error));
  g_assert_true (cdi_disk_store_save (writer, &error));
  wait_for_change (&changed, 0, 10);
  g_assert_null (cdi_disk_store_lookup (watcher, "b"));
  changed = 0;
  write_conf ("[disk c]\nimage=/c\nmountpoint=/C\n", -1);
  wait_for_change (&changed, 0, 10);
  g_assert_cmpuint (n_disks (watcher), ==, 1);
  g_assert_nonnull (cdi_disk_store_lookup (watcher, "c"));

  /* Its own save does not make it reload */
  changed = 0;
  cdi_disk_set_trim (cdi_disk_store_lookup (watcher, "c"), FALSE);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (cdi_disk_store_save (watcher, &error));
  wait_for_change (&changed, 1, 1);
  g_assert_cmpuint (changed, ==, 1);
}

/* Runs a store test from a clean configuration folder */
static void
run_clean (gconstpointer test_func)
{
  reset_config ();
  ((GTestFunc) test_func) ();
}

#define add_store_test(path, func) g_test_add_data_func (path, (gconstpointer) func, run_clean)

int
main (int   argc,
      char *argv[])
{
  int status;

  config_home = g_dir_make_tmp ("cdi-disk-store-XXXXXX", NULL);
  g_assert_nonnull (config_home);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpstr (g_get_user_config_dir (), ==, config_home);

  g_test_add_func ("/cdi/disk/names", test_disk_names);
  g_test_add_func ("/cdi/disk/properties", test_disk_properties);
  add_store_test ("/cdi/disk-store/default-path", test_default_path);
  add_store_test ("/cdi/disk-store/missing-file", test_missing_file);
  add_store_test ("/cdi/disk-store/unreadable", test_unreadable);
  add_store_test ("/cdi/disk-store/round-trip", test_round_trip);
  add_store_test ("/cdi/disk-store/corrupt/binary", test_corrupt_binary);
  add_store_test ("/cdi/disk-store/corrupt/bad-groups", test_bad_groups);
  add_store_test ("/cdi/disk-store/save-without-change", test_save_without_change);
  add_store_test ("/cdi/disk-store/add-refuses", test_add_refuses);
  add_store_test ("/cdi/disk-store/remove-and-lookup", test_remove_and_lookup);
  add_store_test ("/cdi/disk-store/default-unique", test_default_unique);
  add_store_test ("/cdi/disk-store/changed-signal", test_changed_signal);
  add_store_test ("/cdi/disk-store/monitor-reload", test_monitor_reload);

  status = g_test_run ();
  remove_tree (config_home);
  g_free (config_home);
  return status;
}
