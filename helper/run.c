/* run.c - run external tools: absolute path, fixed argv, minimal environment, no shell
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define MAX_ENV 16
#define MAX_GROUPS 256

/* A tool we run as root must be a root-owned file nobody else can change; symlinks are
 * followed (Debian links mkfs.ext4 -> mke2fs, modprobe -> kmod) but the target is checked. */
int
cdi_run_check_tool (const char *path)
{
  struct stat st;

  if (path[0] != '/')
    return -EINVAL;
  if (stat (path, &st) < 0)
    return errno == ENOENT ? -ENOPKG : -errno;
  if (!S_ISREG (st.st_mode) || (st.st_mode & 0111) == 0)
    return -ENOEXEC;
  if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return -EPERM;
  return 0;
}

/* Looked up before fork(): getpwuid() is not safe between fork and exec. */
static int
caller_groups (uid_t  uid,
               gid_t  gid,
               gid_t *groups)
{
  int n_groups = MAX_GROUPS;
  struct passwd *pw;

  pw = getpwuid (uid);
  if (pw == NULL || getgrouplist (pw->pw_name, gid, groups, &n_groups) < 0)
    {
      groups[0] = gid;
      n_groups = 1;
    }
  return n_groups;
}

static int
drop_privileges (uid_t        uid,
                 gid_t        gid,
                 const gid_t *groups,
                 int          n_groups)
{
  if (setgroups ((size_t) n_groups, groups) < 0)
    return -errno;
  if (setresgid (gid, gid, gid) < 0)
    return -errno;
  if (setresuid (uid, uid, uid) < 0)
    return -errno;
  /* Paranoia: make sure there is no way back */
  if (uid != 0 && (setuid (0) == 0 || geteuid () == 0))
    return -EPERM;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -errno;
  return 0;
}

/* Child side, after fork(): only async-signal-safe work until exec. */
static void __attribute__ ((noreturn))
exec_child (const char          *path,
            char *const          argv[],
            const CdiRunOptions *o,
            pid_t                parent,
            const gid_t         *groups,
            int                  n_groups)
{
  char *envp[MAX_ENV + 4];
  char listen_pid[32];
  int high[4];
  int n = 0, max_to = 2;
  sigset_t none;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < _NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  if (o->ignore_sigpipe)
    signal (SIGPIPE, SIG_IGN);

  if (o->detach)
    setsid ();
  else if (prctl (PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || getppid () != parent)
    _exit (127);

  /* stdin is never the passphrase pipe */
  int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0 || dup2 (null_fd, 0) < 0)
    _exit (127);
  if (dup2 (o->stdout_fd >= 0 ? o->stdout_fd : 2, 1) < 0)
    _exit (127);
  if (o->stderr_fd >= 0 && dup2 (o->stderr_fd, 2) < 0)
    _exit (127);

  /* Move the extra fds out of the way first, so a target number cannot clobber a source. */
  for (int i = 0; i < o->n_fds && i < 4; i++)
    if ((high[i] = fcntl (o->fds[i].from, F_DUPFD_CLOEXEC, 64)) < 0)
      _exit (127);
  for (int i = 0; i < o->n_fds && i < 4; i++)
    {
      if (dup2 (high[i], o->fds[i].to) < 0)
        _exit (127);
      if (o->fds[i].to > max_to)
        max_to = o->fds[i].to;
    }
  close_range ((unsigned int) max_to + 1, ~0U, 0);

  envp[n++] = (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  envp[n++] = (char *) "LC_ALL=C";
  for (int i = 0; o->extra_env != NULL && o->extra_env[i] != NULL && n < MAX_ENV; i++)
    envp[n++] = o->extra_env[i];
  if (o->env_listen_pid)
    {
      snprintf (listen_pid, sizeof listen_pid, "LISTEN_PID=%ld", (long) getpid ());
      envp[n++] = listen_pid;
    }
  envp[n] = NULL;

  if (o->as_caller && drop_privileges (o->uid, o->gid, groups, n_groups) < 0)
    _exit (127);
  if (chdir ("/") < 0)
    _exit (127);

  execve (path, argv, envp);
  _exit (127);
}

int
cdi_run_spawn (const char          *path,
               char *const          argv[],
               const CdiRunOptions *options,
               pid_t               *ret_pid)
{
  pid_t parent = getpid ();
  gid_t groups[MAX_GROUPS];
  int n_groups = 0;
  pid_t pid;
  int r;

  if (options->n_fds > 4)
    return -E2BIG;
  r = cdi_run_check_tool (path);
  if (r < 0)
    return r;

  if (options->as_caller)
    n_groups = caller_groups (options->uid, options->gid, groups);

  fflush (NULL);
  pid = fork ();
  if (pid < 0)
    return -errno;
  if (pid == 0)
    exec_child (path, argv, options, parent, groups, n_groups);
  *ret_pid = pid;
  return 0;
}

int
cdi_run_wait (pid_t  pid,
              int   *ret_exit_status)
{
  int status;

  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -errno;
  if (WIFEXITED (status))
    *ret_exit_status = WEXITSTATUS (status);
  else
    *ret_exit_status = 128 + WTERMSIG (status);
  return 0;
}

int
cdi_run (const char          *path,
         char *const          argv[],
         const CdiRunOptions *options,
         int                 *ret_exit_status)
{
  pid_t pid;
  int r;

  r = cdi_run_spawn (path, argv, options, &pid);
  if (r < 0)
    return r;
  return cdi_run_wait (pid, ret_exit_status);
}
