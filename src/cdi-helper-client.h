/* cdi-helper-client.h - run crypt-disk-image-helper through pkexec and map its exit codes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper runs as `pkexec --disable-internal-agent HELPER_PATH VERB [OPTION...] ARG...`
 * (no shell; a graphical polkit agent answers, never a terminal prompt), or as
 * `HELPER_PATH VERB ...` when this process already runs as root. A passphrase goes to the
 * helper's standard input, never to its argv or environment; passwd's old and new passphrase
 * go there as one frame (cdi_helper_client_passwd_frame_new(), in memory that is wiped when it
 * is freed). Its stdout records are parsed (cdi-records.h), except for backup-header, whose
 * stdout is the raw header (cdi_helper_client_run_raw_finish()), and its exit code becomes a
 * GError a user can act on:
 *   126 (pkexec: authentication dismissed) -> G_IO_ERROR_CANCELLED, show no error;
 *   127 (pkexec: not authorised, no agent) -> CDI_ERROR_NOT_AUTHORIZED;
 *   CDI_HELPER_EXIT_*                      -> the matching CDI_ERROR_* code.
 *
 * Cancelling: the cancellable is checked before the helper starts. A helper that has started
 * runs to its end, because stopping it half way through a LUKS or mount operation would leave
 * more to clean up; its real result is reported.
 *
 * TEST SEAM: when the environment variable CDI_HELPER names a program, that program runs
 * INSTEAD of pkexec and the helper, as `$CDI_HELPER VERB [OPTION...] ARG...`. It exists for the
 * test suite (tests/fake-helper.sh), because no pkexec prompt can be answered in CI; nothing
 * else may set it.
 */
#pragma once

#include <gio/gio.h>

#include "cdi-passphrase.h"
#include "cdi-records.h"

G_BEGIN_DECLS

typedef enum
{
  CDI_HELPER_OPEN_FLAGS_NONE = 0,
  CDI_HELPER_OPEN_FLAGS_READ_ONLY = 1 << 0,
  CDI_HELPER_OPEN_FLAGS_SKIP_FSCK = 1 << 1,
} CdiHelperOpenFlags;

/* Zero or NULL fields leave the helper's default */
typedef struct
{
  const char *pbkdf;   /* "argon2id" or "pbkdf2" */
  guint memory_kib;
  guint time_ms;
  guint iterations;
  const char *label;
} CdiHelperFormatOptions;

char    **cdi_helper_client_build_argv      (const char                   *helper_override,
                                             gboolean                      direct,
                                             const char                   *verb,
                                             const char * const           *options,
                                             const char * const           *args);
gboolean  cdi_helper_client_error_from_exit (const char                   *verb,
                                             int                           exit_status,
                                             const char                   *stderr_text,
                                             GPtrArray                    *records,
                                             GError                      **error);

void      cdi_helper_client_run_async       (const char                   *verb,
                                             const char * const           *options,
                                             const char * const           *args,
                                             CdiPassphrase                *passphrase,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
gboolean  cdi_helper_client_run_finish      (GAsyncResult                 *result,
                                             GPtrArray                   **ret_records,
                                             GError                      **error);
void      cdi_helper_client_run_raw_async   (const char                   *verb,
                                             const char * const           *options,
                                             const char * const           *args,
                                             CdiPassphrase                *passphrase,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
GBytes   *cdi_helper_client_run_raw_finish  (GAsyncResult                 *result,
                                             GError                      **error);
/* Also after a failure (a busy close's holders; the helper's stderr for a verbose mode) */
GPtrArray  *cdi_helper_client_run_get_records (GAsyncResult *result);
const char *cdi_helper_client_run_get_stderr  (GAsyncResult *result);

/* Typed wrappers; finish each with cdi_helper_client_run_finish() */
void      cdi_helper_client_format_async    (const char                   *image,
                                             const CdiHelperFormatOptions *options,
                                             CdiPassphrase                *passphrase,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_open_async      (const char                   *image,
                                             const char                   *mountpoint,
                                             CdiHelperOpenFlags            flags,
                                             CdiPassphrase                *passphrase,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_close_async     (const char                   *image_or_mountpoint,
                                             gboolean                      trim,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_trim_async      (const char                   *mountpoint,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_status_async    (GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_recover_async   (GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_inspect_async   (const char                   *image,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_passwd_async    (const char                   *image,
                                             const CdiHelperFormatOptions *pbkdf,
                                             CdiPassphrase                *old_passphrase,
                                             CdiPassphrase                *new_passphrase,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
void      cdi_helper_client_grow_async      (const char                   *image,
                                             guint64                       new_size_bytes,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
/* Finish with cdi_helper_client_run_raw_finish() */
void      cdi_helper_client_backup_header_async (const char               *image,
                                                 GCancellable             *cancellable,
                                                 GAsyncReadyCallback       callback,
                                                 gpointer                  user_data);

/* passwd's stdin frame, OLDLEN ':' OLD NEW, in wiped memory */
CdiPassphrase *cdi_helper_client_passwd_frame_new (CdiPassphrase          *old_passphrase,
                                                   CdiPassphrase          *new_passphrase,
                                                   GError                **error);

G_END_DECLS
