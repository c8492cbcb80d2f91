/* test-helper-qcow2.c - unit tests for the QCow2 header check
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On crafted headers, and on real images made at test time by qemu-img.
 * Usage: test-helper-qcow2 [--qemu-img=PATH] [GTest options]. Without --qemu-img the tests
 * that need real images skip and say so.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "qcow2.h"

#define CLUSTER_BITS 16
#define CLUSTER_SIZE (1U << CLUSTER_BITS)

static const char *qemu_img; /* NULL: not available */
static char *tmp_dir;

/* ---- crafted headers ---- */

typedef struct
{
  size_t offset;
  int width; /* 0 (end of list), 1, 4 or 8 */
  uint64_t value;
} Poke;

typedef struct
{
  const char *name;
  uint32_t version;  /* 2 or 3: the base header */
  Poke pokes[6];
  size_t len;        /* bytes passed; 0 = the whole cluster, LEN_EMPTY = none */
  int expected;
} HeaderCase;

#define LEN_EMPTY SIZE_MAX

#define EXT_DATA_FILE 0x44415441U
#define EXT_CRYPTO 0x0537be77U
#define EXT_FEATURES 0x6803f857U
#define EXT_BACKING_FORMAT 0xe2792acaU

static const HeaderCase header_cases[] = {
  { "v3-ok", 3, { { 0 } }, 0, 0 },
  { "v2-ok", 2, { { 0 } }, 0, 0 },
  { "v3-min-header-length", 3, { { 100, 4, 104 } }, 0, 0 },
  { "v3-dirty-zstd-extl2-ok", 3, { { 72, 8, 0x19 } }, 0, 0 },
  { "v3-compatible-bits-ignored", 3, { { 80, 8, UINT64_MAX } }, 0, 0 },
  { "v3-autoclear-bits-ignored", 3, { { 88, 8, 1 } }, 0, 0 },
  { "cluster-bits-9", 3, { { 20, 4, 9 }, { 100, 4, 112 } }, 512, 0 },
  { "cluster-bits-21-short-buffer", 3, { { 20, 4, 21 } }, 0, 0 },
  { "v3-unknown-extension-ok", 3,
    { { 112, 4, 0x12345678 }, { 116, 4, 5 }, { 120, 1, 'x' } }, 0, 0 },
  { "v3-feature-table-ok", 3, { { 112, 4, EXT_FEATURES }, { 116, 4, 48 } }, 0, 0 },
  { "v3-extensions-fill-cluster-ok", 3,
    { { 112, 4, 0x12345678 }, { 116, 4, CLUSTER_SIZE - 120 } }, 0, 0 },
  { "v3-backing-format-without-backing-ok", 3,
    { { 112, 4, EXT_BACKING_FORMAT }, { 116, 4, 5 } }, 0, 0 },

  /* Images qemu would not serve read-write, refused up front */
  { "v3-corrupt-bit", 3, { { 72, 8, 0x2 } }, 0, -EMEDIUMTYPE },
  { "virtual-size-0", 3, { { 24, 8, 0 } }, 0, -EMEDIUMTYPE },

  /* Not QCow2 */
  { "zeros", 3, { { 0, 4, 0 } }, 0, -EMEDIUMTYPE },
  { "luks-magic", 3, { { 0, 4, 0x4c554b53 }, { 4, 4, 0xbabe0002 } }, 0, -EMEDIUMTYPE },
  { "magic-off-by-one", 3, { { 3, 1, 0xfa } }, 0, -EMEDIUMTYPE },
  { "qcow-v1", 3, { { 4, 4, 1 } }, 0, -EMEDIUMTYPE },
  { "version-4", 3, { { 4, 4, 4 } }, 0, -EMEDIUMTYPE },
  { "version-huge", 3, { { 4, 4, 0xffffffff } }, 0, -EMEDIUMTYPE },
  { "cluster-bits-8", 3, { { 20, 4, 8 } }, 0, -EMEDIUMTYPE },
  { "cluster-bits-22", 3, { { 20, 4, 22 } }, 0, -EMEDIUMTYPE },
  { "cluster-bits-huge", 3, { { 20, 4, 0xffffffff } }, 0, -EMEDIUMTYPE },
  { "header-length-0", 3, { { 100, 4, 0 } }, 0, -EMEDIUMTYPE },
  { "header-length-103", 3, { { 100, 4, 103 } }, 0, -EMEDIUMTYPE },
  { "header-length-not-multiple-of-8", 3, { { 100, 4, 108 } }, 0, -EMEDIUMTYPE },
  { "header-length-past-cluster", 3, { { 100, 4, CLUSTER_SIZE + 8 } }, 0, -EMEDIUMTYPE },
  { "header-length-huge", 3, { { 100, 4, 0xfffffff8 } }, 0, -EMEDIUMTYPE },
  { "empty-buffer", 3, { { 0 } }, LEN_EMPTY, -EMEDIUMTYPE },
  { "truncated-3", 3, { { 0 } }, 3, -EMEDIUMTYPE },
  { "truncated-v2-71", 2, { { 0 } }, 71, -EMEDIUMTYPE },
  { "truncated-v3-103", 3, { { 0 } }, 103, -EMEDIUMTYPE },
  { "truncated-v3-before-header-end", 3, { { 0 } }, 108, -EMEDIUMTYPE },
  { "truncated-extension-header", 3, { { 112, 4, 0x12345678 } }, 116, -EMEDIUMTYPE },
  { "truncated-extension-data", 3, { { 112, 4, 0x12345678 }, { 116, 4, 64 } }, 160,
    -EMEDIUMTYPE },
  { "extension-past-cluster", 3, { { 112, 4, 0x12345678 }, { 116, 4, CLUSTER_SIZE } }, 0,
    -EMEDIUMTYPE },
  { "extension-length-max", 3, { { 112, 4, 0x12345678 }, { 116, 4, 0xffffffff } }, 0,
    -EMEDIUMTYPE },
  { "extension-padding-past-cluster", 3,
    { { 112, 4, 0x12345678 }, { 116, 4, CLUSTER_SIZE - 121 } }, 0, 0 },

  /* QCow2 that reaches outside itself */
  { "backing-offset", 3, { { 8, 8, 0x200 }, { 16, 4, 8 } }, 0, -EXDEV },
  { "backing-offset-only", 3, { { 8, 8, 0x200 } }, 0, -EXDEV },
  { "backing-size-only", 3, { { 16, 4, 8 } }, 0, -EXDEV },
  { "backing-v2", 2, { { 8, 8, 0x200 }, { 16, 4, 8 } }, 0, -EXDEV },
  { "crypt-aes", 3, { { 32, 4, 1 } }, 0, -EXDEV },
  { "crypt-luks", 3, { { 32, 4, 2 } }, 0, -EXDEV },
  { "crypt-v2", 2, { { 32, 4, 1 } }, 0, -EXDEV },
  { "crypt-unknown", 3, { { 32, 4, 0x80000000 } }, 0, -EXDEV },
  { "incompat-data-file", 3, { { 72, 8, 1 << 2 } }, 0, -EXDEV },
  { "incompat-bit-5", 3, { { 72, 8, 1 << 5 } }, 0, -EXDEV },
  { "incompat-bit-63", 3, { { 72, 8, UINT64_C (1) << 63 } }, 0, -EXDEV },
  { "incompat-all", 3, { { 72, 8, UINT64_MAX } }, 0, -EXDEV },
  { "ext-data-file", 3, { { 112, 4, EXT_DATA_FILE }, { 116, 4, 8 } }, 0, -EXDEV },
  { "ext-data-file-empty", 3, { { 112, 4, EXT_DATA_FILE } }, 0, -EXDEV },
  { "ext-crypto", 3, { { 112, 4, EXT_CRYPTO }, { 116, 4, 16 } }, 0, -EXDEV },
  { "ext-data-file-after-features", 3,
    { { 112, 4, EXT_FEATURES }, { 116, 4, 48 }, { 168, 4, EXT_DATA_FILE }, { 172, 4, 3 } }, 0,
    -EXDEV },
  { "ext-data-file-after-odd-length", 3,
    { { 112, 4, 0x12345678 }, { 116, 4, 3 }, { 128, 4, EXT_DATA_FILE } }, 0, -EXDEV },
  { "ext-data-file-after-long-header", 3,
    { { 100, 4, 120 }, { 120, 4, EXT_DATA_FILE } }, 0, -EXDEV },
  { "ext-data-file-v2", 2, { { 72, 4, EXT_DATA_FILE }, { 76, 4, 4 } }, 0, -EXDEV },
  { "ext-crypto-v2", 2, { { 72, 4, EXT_CRYPTO }, { 76, 4, 16 } }, 0, -EXDEV },
  { "ext-data-file-last-in-cluster", 3,
    { { 112, 4, 0x12345678 }, { 116, 4, CLUSTER_SIZE - 128 },
      { CLUSTER_SIZE - 8, 4, EXT_DATA_FILE } }, 0, -EXDEV },
  /* After the end marker nothing counts, as for qemu */
  { "ext-data-file-after-end", 3, { { 120, 4, EXT_DATA_FILE } }, 0, 0 },
};

static void
poke (uint8_t *buf,
      size_t   offset,
      int      width,
      uint64_t value)
{
  for (int i = 0; i < width; i++)
    buf[offset + (size_t) i] = (uint8_t) (value >> (8 * (width - 1 - i)));
}

static uint8_t *
make_header (uint32_t version)
{
  uint8_t *buf = g_malloc0 (CLUSTER_SIZE);

  memcpy (buf, "QFI\xfb", 4);
  poke (buf, 4, 4, version);
  poke (buf, 20, 4, CLUSTER_BITS);
  poke (buf, 24, 8, UINT64_C (1) << 30);
  poke (buf, 40, 8, 3 * CLUSTER_SIZE);
  poke (buf, 48, 8, CLUSTER_SIZE);
  poke (buf, 56, 4, 1);
  if (version == 3)
    {
      poke (buf, 96, 4, 4);
      poke (buf, 100, 4, 112);
    }
  return buf;
}

static void
test_header_case (gconstpointer data)
{
  const HeaderCase *c = data;
  g_autofree uint8_t *buf = make_header (c->version);
  const char *reason = "untouched";
  size_t len = c->len == 0 ? CLUSTER_SIZE : c->len == LEN_EMPTY ? 0 : c->len;
  int r;

  for (size_t i = 0; i < G_N_ELEMENTS (c->pokes) && c->pokes[i].width != 0; i++)
    poke (buf, c->pokes[i].offset, c->pokes[i].width, c->pokes[i].value);

  r = cdi_qcow2_check_header (buf, len, &reason);
  g_assert_cmpint (r, ==, c->expected);
  if (r == 0)
    g_assert_cmpstr (reason, ==, "untouched");
  else
    {
      g_assert_cmpstr (reason, !=, "untouched");
      g_assert_cmpuint (strlen (reason), >, 0);
      g_test_message ("reason: %s", reason);
    }
  /* The reason is optional */
  g_assert_cmpint (cdi_qcow2_check_header (buf, len, NULL), ==, c->expected);
}

static void
test_header_null (void)
{
  g_assert_cmpint (cdi_qcow2_check_header (NULL, 0, NULL), ==, -EMEDIUMTYPE);
  g_assert_cmpint (cdi_qcow2_check_header (NULL, 4096, NULL), ==, -EMEDIUMTYPE);
}

/* ---- real images ---- */

typedef struct
{
  const char *name;
  const char *create[14]; /* qemu-img arguments after "create"; "@" is replaced by tmp_dir */
  int expected;
} ImageCase;

#define SECRET "--object", "secret,id=sec0,data=hunter2"
/* A short PBKDF time keeps the test fast */
#define QCOW2_LUKS_OPTIONS "encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=100"

static const ImageCase image_cases[] = {
  { "plain", { "-f", "qcow2", "@/plain.qcow2", "64M" }, 0 },
  { "plain-v2", { "-f", "qcow2", "-o", "compat=0.10", "@/v2.qcow2", "64M" }, 0 },
  { "prealloc-metadata", { "-f", "qcow2", "-o", "preallocation=metadata", "@/meta.qcow2", "64M" },
    0 },
  { "cluster-512", { "-f", "qcow2", "-o", "cluster_size=512", "@/c512.qcow2", "64M" }, 0 },
  { "cluster-2m", { "-f", "qcow2", "-o", "cluster_size=2M", "@/c2m.qcow2", "64M" }, 0 },
  { "lazy-refcounts", { "-f", "qcow2", "-o", "lazy_refcounts=on", "@/lazy.qcow2", "64M" }, 0 },
  { "extended-l2", { "-f", "qcow2", "-o", "extended_l2=on", "@/el2.qcow2", "64M" }, 0 },
  { "zstd", { "-f", "qcow2", "-o", "compression_type=zstd", "@/zstd.qcow2", "64M" }, 0 },
  { "raw", { "-f", "raw", "@/raw.img", "64M" }, -EMEDIUMTYPE },
  /* -u and a size: qemu-img does not need the backing file, each case stands alone */
  { "backing", { "-f", "qcow2", "-u", "-b", "@/plain.qcow2", "-F", "qcow2", "@/overlay.qcow2",
                 "64M" }, -EXDEV },
  { "backing-v2", { "-f", "qcow2", "-o", "compat=0.10", "-u", "-b", "@/plain.qcow2", "-F",
                    "qcow2", "@/overlay-v2.qcow2", "64M" }, -EXDEV },
  { "backing-raw", { "-f", "qcow2", "-u", "-b", "@/raw.img", "-F", "raw", "@/overlay-raw.qcow2",
                     "64M" }, -EXDEV },
  { "data-file", { "-f", "qcow2", "-o", "data_file=@/data.raw", "@/datafile.qcow2", "64M" },
    -EXDEV },
  { "data-file-raw", { "-f", "qcow2", "-o", "data_file=@/data2.raw,data_file_raw=on",
                       "@/datafile-raw.qcow2", "64M" }, -EXDEV },
  { "qcow2-luks", { SECRET, "-f", "qcow2", "-o", QCOW2_LUKS_OPTIONS, "@/luks.qcow2", "64M" },
    -EXDEV },
  { "bare-luks", { SECRET, "-f", "luks", "-o", "key-secret=sec0,iter-time=100", "@/bare.luks",
                   "64M" }, -EMEDIUMTYPE },
  { "vmdk", { "-f", "vmdk", "@/disk.vmdk", "64M" }, -EMEDIUMTYPE },
  { "qcow-v1", { "-f", "qcow", "@/v1.qcow", "64M" }, -EMEDIUMTYPE },
};

static char *
expand (const char *arg)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (const char *p = arg; *p != '\0'; p++)
    {
      if (*p == '@')
        g_string_append (s, tmp_dir);
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Runs qemu-img create; FALSE (and a skip) if this qemu-img cannot make such an image */
static gboolean
create_image (const ImageCase *c,
              char           **ret_path)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *image = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_strdup (qemu_img));
  g_ptr_array_add (argv, g_strdup ("create"));
  g_ptr_array_add (argv, g_strdup ("-q"));
  for (size_t i = 0; i < G_N_ELEMENTS (c->create) && c->create[i] != NULL; i++)
    {
      char *arg = expand (c->create[i]);

      /* The image is the last argument starting with the temporary directory */
      if (g_str_has_prefix (arg, tmp_dir) && strchr (arg, ',') == NULL)
        image = arg;
      g_ptr_array_add (argv, arg);
    }
  g_ptr_array_add (argv, NULL);

  /* qemu-img's PBKDF benchmark fails now and then on a fast CPU with a coarse thread clock
   * ("Unable to get accurate CPU usage"), whatever the iteration time: try again */
  for (int attempt = 0; attempt < 5; attempt++)
    {
      g_clear_pointer (&err, g_free);
      if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                         NULL, NULL, &err, &status, &error))
        g_error ("cannot run %s: %s", qemu_img, error->message);
      if (g_spawn_check_wait_status (status, NULL) ||
          strstr (err, "Unable to get accurate CPU usage") == NULL)
        break;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *msg = g_strdup_printf ("qemu-img cannot create this image: %s", err);
      g_test_skip (msg);
      return FALSE;
    }
  g_assert_nonnull (image);
  *ret_path = g_strdup (image);
  return TRUE;
}

static void
test_image_case (gconstpointer data)
{
  const ImageCase *c = data;
  g_autofree char *path = NULL;
  const char *reason = "untouched";
  int fd;
  int r;

  if (qemu_img == NULL)
    {
      g_test_skip ("qemu-img not found (pass --qemu-img=PATH)");
      return;
    }
  if (!create_image (c, &path))
    return;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (lseek (fd, 5, SEEK_SET), ==, 5);
  r = cdi_qcow2_check_fd (fd, &reason);
  g_test_message ("%s: %d (%s)", path, r, reason);
  g_assert_cmpint (r, ==, c->expected);
  if (r == 0)
    g_assert_cmpstr (reason, ==, "untouched");
  g_assert_cmpint (lseek (fd, 0, SEEK_CUR), ==, 5); /* pread only */
  close (fd);
}

static void
test_fd_edge (void)
{
  g_autofree char *empty = g_build_filename (tmp_dir, "empty.img", NULL);
  g_autofree char *short_v3 = g_build_filename (tmp_dir, "short.qcow2", NULL);
  g_autofree char *short_ext = g_build_filename (tmp_dir, "short-ext.qcow2", NULL);
  g_autofree uint8_t *buf = make_header (3);
  const char *reason = NULL;
  int fd;

  g_assert_cmpint (cdi_qcow2_check_fd (-1, &reason), ==, -EBADF);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  fd = open (empty, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (cdi_qcow2_check_fd (fd, &reason), ==, -EMEDIUMTYPE);
  close (fd);

  /* A file cut inside the header: the rest reads as zeros, header_length 0 is refused */
  g_assert_true (g_file_set_contents (short_v3, (const char *) buf, 90, NULL));
  fd = open (short_v3, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (cdi_qcow2_check_fd (fd, &reason), ==, -EMEDIUMTYPE);
  close (fd);

  /* A file cut after the header: zeros end the extensions, as they do for qemu */
  g_assert_true (g_file_set_contents (short_ext, (const char *) buf, 112, NULL));
  fd = open (short_ext, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (cdi_qcow2_check_fd (fd, &reason), ==, 0);
  close (fd);

  /* ... but one cut inside an extension that names a data file is still refused */
  poke (buf, 112, 4, EXT_DATA_FILE);
  poke (buf, 116, 4, 100);
  g_assert_true (g_file_set_contents (short_ext, (const char *) buf, 120, NULL));
  fd = open (short_ext, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (cdi_qcow2_check_fd (fd, &reason), ==, -EXDEV);
  close (fd);

  /* A directory cannot be read */
  fd = open (tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (cdi_qcow2_check_fd (fd, &reason), ==, -EISDIR);
  close (fd);
}

static void
remove_dir (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;
  int j = 1;

  /* Our own option, taken out before GTest sees the arguments */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--qemu-img="))
        qemu_img = argv[i] + strlen ("--qemu-img=");
      else
        argv[j++] = argv[i];
    }
  argv[j] = NULL;
  argc = j;
  if (qemu_img != NULL && qemu_img[0] == '\0')
    qemu_img = NULL;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("cdi-qcow2-XXXXXX", &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/qcow2/header/%s",
                                               header_cases[i].name);
      g_test_add_data_func (path, &header_cases[i], test_header_case);
    }
  g_test_add_func ("/cdi/helper/qcow2/header-null", test_header_null);
  g_test_add_func ("/cdi/helper/qcow2/fd-edge", test_fd_edge);
  for (gsize i = 0; i < G_N_ELEMENTS (image_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cdi/helper/qcow2/image/%s",
                                               image_cases[i].name);
      g_test_add_data_func (path, &image_cases[i], test_image_case);
    }

  ret = g_test_run ();
  remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
