/* run.h - run external tools: absolute path, fixed argv, minimal environment, no shell
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct
{
  int from; /* fd in the helper */
  int to;   /* fd number in the child */
} CdiRunFd;

typedef struct
{
  bool as_caller;          /* drop to uid/gid and the caller's groups before exec */
  uid_t uid;
  gid_t gid;
  bool detach;             /* new session, survives the helper (servers) */
  int stdout_fd;           /* child's stdout; -1: the helper's stderr */
  int stderr_fd;           /* child's stderr; -1: the helper's stderr */
  bool ignore_sigpipe;     /* SIGPIPE set to SIG_IGN (kept across exec): writes to a pipe
                            * nobody reads fail with EPIPE instead of killing the child */
  const CdiRunFd *fds;     /* extra fds to pass, at most 4 */
  int n_fds;
  char *const *extra_env;  /* NULL-terminated "NAME=VALUE" additions, or NULL */
  bool env_listen_pid;     /* add LISTEN_PID=<child pid> (socket activation) */
} CdiRunOptions;

int cdi_run_check_tool (const char *path);
int cdi_run_spawn (const char          *path,
                   char *const          argv[],
                   const CdiRunOptions *options,
                   pid_t               *ret_pid);
int cdi_run_wait (pid_t  pid,
                  int   *ret_exit_status);
int cdi_run (const char          *path,
             char *const          argv[],
             const CdiRunOptions *options,
             int                 *ret_exit_status);
