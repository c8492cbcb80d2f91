/* nbd.c - serve an image with qemu-nbd as the caller and attach it to /dev/nbdN ourselves
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * qemu parses the user's file, so it runs as the user. It gets its listening socket by socket
 * activation from a root-only directory (nobody can swap or reach it) and the image as an fd the
 * helper opened and checked. The helper does the NBD handshake (nbd-handshake.c) and hands the
 * connected socket to the kernel over the nbd generic-netlink interface (netlink.c), which also
 * picks a free device, so no nbd-client, no device numbers from anyone else and no process has
 * to stay behind for the kernel side.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/nbd-netlink.h>
#include <linux/nbd.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nbd.h"
#include "netlink.h"
#include "run.h"

#define HANDSHAKE_TIMEOUT_S 60
/* The kernel's per-request timeout. Without one (the default, 0) a request qemu-nbd never
 * answers waits forever, and qemu-nbd is the caller's process: `kill -STOP` on it leaves
 * every task touching the disk in D state, among them a helper inside e2fsck, mount, syncfs
 * or FITRIM that holds the helpers' global lock. With a timeout the kernel drops the
 * connection when one request has waited this long and fails the disk's I/O (EIO), so the
 * helper returns and the disk goes stale, for `recover` or `close`. Other users are not
 * waiting on this bound (their helpers give up on the lock after CDI_HELPER_LOCK_WAIT_S); it
 * only has to be long enough that a slow but live server is never cut off: qemu-nbd runs with
 * --cache=writeback, and a flush may have to write out gigabytes of page cache to a slow
 * disk. The grow verb's dead-connection timeout is separate (cdi_nbd_set_dead_timeout). */
#define NBD_REQUEST_TIMEOUT_S 120
#define QEMU_NBD_OUTPUT_MAX 2048

int
cdi_nbd_load_module (void)
{
  char *const argv[] = { (char *) "modprobe", (char *) "nbd", (char *) "max_part=0", NULL };
  CdiRunOptions o = { .stdout_fd = -1, .stderr_fd = -1 };
  struct stat st;
  int status, r;

  if (stat ("/sys/module/nbd", &st) == 0)
    return 0;
  /* Partition scanning off: LUKS sits on the whole device, and a partition table the user
   * wrote into their image is not something the kernel should parse for them. */
  r = cdi_run (MODPROBE_PATH, argv, &o, &status);
  if (r < 0)
    return r == -ENOENT ? -ENOPKG : r;
  if (status != 0 || stat ("/sys/module/nbd", &st) < 0)
    return -ENOPKG;
  return 0;
}

/* ---------------------------------------------------------------- generic netlink */

typedef struct
{
  uint16_t family;
  uint32_t group;     /* the multicast group "nbd_mc_group", 0 if none */
  uint32_t item_id;   /* while inside one group item */
  bool item_is_nbd;
} FamilyQuery;

static int
mcast_item_attr (const struct nlattr *a,
                 void                *user_data)
{
  FamilyQuery *q = user_data;
  const char *payload = (const char *) a + NLA_HDRLEN;
  size_t len = a->nla_len - NLA_HDRLEN;

  if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID && len >= 4)
    memcpy (&q->item_id, payload, 4);
  else if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
    q->item_is_nbd = len == sizeof NBD_GENL_MCAST_GROUP_NAME &&
                     memcmp (payload, NBD_GENL_MCAST_GROUP_NAME, len) == 0;
  return 0;
}

static int
mcast_groups_attr (const struct nlattr *a,
                   void                *user_data)
{
  FamilyQuery *q = user_data;
  int r;

  q->item_id = 0;
  q->item_is_nbd = false;
  r = cdi_nl_for_each_nested (a, mcast_item_attr, q);
  if (r == 0 && q->item_is_nbd)
    q->group = q->item_id;
  return r;
}

static int
family_id_attr (const struct nlattr *a,
                void                *user_data)
{
  FamilyQuery *q = user_data;

  if (a->nla_type == CTRL_ATTR_FAMILY_ID && a->nla_len >= NLA_HDRLEN + 2)
    memcpy (&q->family, (const uint8_t *) a + NLA_HDRLEN, 2);
  else if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS)
    return cdi_nl_for_each_nested (a, mcast_groups_attr, q);
  return 0;
}

/* A generic netlink socket for the nbd family; @ret_group (optional) gets the id of its
 * multicast group (link-dead events), 0 when the kernel has none. */
static int
nbd_genl_open (int      *ret_fd,
               uint16_t *ret_family,
               uint32_t *ret_group)
{
  CdiNlMsg m;
  FamilyQuery q = { 0 };
  int fd, r;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (fd < 0)
    return -errno;
  cdi_nl_begin (&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
  r = cdi_nl_put (&m, CTRL_ATTR_FAMILY_NAME, NBD_GENL_FAMILY_NAME, sizeof NBD_GENL_FAMILY_NAME);
  if (r == 0)
    r = cdi_nl_transact (fd, &m, family_id_attr, &q);
  if (r == 0 && q.family == 0)
    r = -ENOPKG;
  if (r < 0)
    {
      close (fd);
      return r == -ENOENT ? -ENOPKG : r;
    }
  *ret_fd = fd;
  *ret_family = q.family;
  if (ret_group != NULL)
    *ret_group = q.group;
  return 0;
}

static int
index_attr (const struct nlattr *a,
            void                *user_data)
{
  if (a->nla_type == NBD_ATTR_INDEX && a->nla_len >= NLA_HDRLEN + 4)
    memcpy (user_data, (const uint8_t *) a + NLA_HDRLEN, 4);
  return 0;
}

static int
netlink_connect (int         sock,
                 uint64_t    size,
                 uint16_t    flags,
                 const char *backend_id,
                 int        *ret_index)
{
  CdiNlMsg m;
  uint16_t family;
  uint32_t index = UINT32_MAX;
  int fd, r;

  r = nbd_genl_open (&fd, &family, NULL);
  if (r < 0)
    return r;
  cdi_nl_begin (&m, family, NBD_CMD_CONNECT, NBD_GENL_VERSION);
  /* No NBD_ATTR_INDEX: the kernel picks a free device (or makes one), atomically. */
  r = cdi_nl_put_u64 (&m, NBD_ATTR_SIZE_BYTES, size);
  if (r == 0)
    r = cdi_nl_put_u64 (&m, NBD_ATTR_BLOCK_SIZE_BYTES, 512);
  if (r == 0)
    r = cdi_nl_put_u64 (&m, NBD_ATTR_SERVER_FLAGS, flags);
  if (r == 0)
    r = cdi_nl_put_u64 (&m, NBD_ATTR_TIMEOUT, NBD_REQUEST_TIMEOUT_S);
  if (r == 0 && backend_id != NULL)
    r = cdi_nl_put (&m, NBD_ATTR_BACKEND_IDENTIFIER, backend_id, strlen (backend_id) + 1);
  if (r == 0)
    r = cdi_nl_nest_begin (&m, NBD_ATTR_SOCKETS);
  if (r == 0)
    r = cdi_nl_nest_begin (&m, NBD_SOCK_ITEM);
  if (r == 0)
    r = cdi_nl_put_u32 (&m, NBD_SOCK_FD, (uint32_t) sock);
  if (r == 0)
    {
      cdi_nl_nest_end (&m);
      cdi_nl_nest_end (&m);
      r = cdi_nl_transact (fd, &m, index_attr, &index);
    }
  close (fd);
  if (r < 0)
    return r;
  if (index == UINT32_MAX || index > 1000000)
    return -EPROTO;
  *ret_index = (int) index;
  return 0;
}

int
cdi_nbd_detach (int index)
{
  CdiNlMsg m;
  uint16_t family;
  int fd, r;

  r = nbd_genl_open (&fd, &family, NULL);
  if (r < 0)
    return r;
  cdi_nl_begin (&m, family, NBD_CMD_DISCONNECT, NBD_GENL_VERSION);
  r = cdi_nl_put_u32 (&m, NBD_ATTR_INDEX, (uint32_t) index);
  if (r == 0)
    r = cdi_nl_transact (fd, &m, NULL, NULL);
  close (fd);
  return r;
}

typedef struct
{
  int index;
  bool found, connected;
} StatusQuery;

static int
device_attr (const struct nlattr *a,
             void                *user_data)
{
  StatusQuery *q = user_data;
  const uint8_t *payload = (const uint8_t *) a + NLA_HDRLEN;
  size_t len = a->nla_len - NLA_HDRLEN;

  if ((a->nla_type & NLA_TYPE_MASK) == NBD_DEVICE_ITEM)
    {
      StatusQuery item = { .index = -1 };
      int r = cdi_nl_for_each_attr (payload, len, device_attr, &item);
      if (r < 0)
        return r;
      if (item.index == q->index)
        {
          q->found = true;
          q->connected = item.connected;
        }
    }
  else if (a->nla_type == NBD_DEVICE_INDEX && len >= 4)
    memcpy (&q->index, payload, 4);
  else if (a->nla_type == NBD_DEVICE_CONNECTED && len >= 1)
    q->connected = payload[0] != 0;
  return 0;
}

static int
device_list_attr (const struct nlattr *a,
                  void                *user_data)
{
  if ((a->nla_type & NLA_TYPE_MASK) == NBD_ATTR_DEVICE_LIST)
    return cdi_nl_for_each_nested (a, device_attr, user_data);
  return 0;
}

int
cdi_nbd_is_connected (int   index,
                      bool *ret_connected)
{
  CdiNlMsg m;
  StatusQuery q = { .index = index };
  uint16_t family;
  int fd, r;

  r = nbd_genl_open (&fd, &family, NULL);
  if (r < 0)
    return r;
  cdi_nl_begin (&m, family, NBD_CMD_STATUS, NBD_GENL_VERSION);
  r = cdi_nl_put_u32 (&m, NBD_ATTR_INDEX, (uint32_t) index);
  if (r == 0)
    r = cdi_nl_transact (fd, &m, device_list_attr, &q);
  close (fd);
  if (r == -ENOENT || r == -ENODEV)
    {
      *ret_connected = false;
      return 0;
    }
  if (r < 0)
    return r;
  *ret_connected = q.found && q.connected;
  return 0;
}

int
cdi_nbd_backend (int    index,
                 char  *buf,
                 size_t buf_size)
{
  char path[64];
  ssize_t n;
  int fd;

  snprintf (path, sizeof path, "/sys/block/nbd%d/backend", index);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  n = read (fd, buf, buf_size - 1);
  close (fd);
  if (n < 0)
    return -errno;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
    n--;
  buf[n] = '\0';
  return 0;
}

/* ---------------------------------------------------------------- serving */

static int
make_listener (int                 run_dir_fd,
               struct sockaddr_un *ret_addr,
               char               *ret_name,
               size_t              name_size)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char dir[64];
  int fd;

  /* bind() takes a path; the directory is root-only, reached through our own fd. */
  snprintf (dir, sizeof dir, "/proc/self/fd/%d", run_dir_fd);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  for (int attempt = 0; attempt < 16; attempt++)
    {
      unsigned int rnd;
      if (getentropy (&rnd, sizeof rnd) < 0)
        rnd = (unsigned int) getpid () ^ (unsigned int) time (NULL) ^ (unsigned int) attempt;
      snprintf (ret_name, name_size, "nbd-%08x.sock", rnd);
      snprintf (addr.sun_path, sizeof addr.sun_path, "%.40s/%.40s", dir, ret_name);
      if (bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0)
        {
          if (listen (fd, 1) < 0)
            break;
          *ret_addr = addr;
          return fd;
        }
      if (errno != EADDRINUSE)
        break;
    }
  int saved = errno;
  close (fd);
  return -saved;
}

static void
stop_server (pid_t pid)
{
  int status;

  if (pid <= 0)
    return;
  kill (pid, SIGTERM);
  for (int i = 0; i < 100; i++)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        return;
      usleep (50 * 1000);
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

/* Copies what qemu-nbd said before it exited (a bounded, non-blocking read of the pipe) to
 * our stderr; an image lock held elsewhere means "busy". */
static int
report_output (int output_fd)
{
  char text[QEMU_NBD_OUTPUT_MAX];
  size_t len = 0;
  bool busy;

  while (len < sizeof text - 1)
    {
      ssize_t n = read (output_fd, text + len, sizeof text - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (size_t) n;
    }
  if (len == 0)
    return -EIO;
  text[len] = '\0';
  busy = strstr (text, "lock") != NULL;
  for (char *line = strtok (text, "\n"); line != NULL; line = strtok (NULL, "\n"))
    {
      for (char *c = line; *c != '\0'; c++)
        if ((unsigned char) *c < 0x20 || *c == 0x7f)
          *c = '?';
      fprintf (stderr, "qemu-nbd: %s\n", line);
    }
  return busy ? -EBUSY : -EIO;
}

/* Starts qemu-nbd as the caller on @image_fd (socket activation from the root-only run dir)
 * and does the handshake; *ret_sock is the connected socket, ready for the kernel. */
static int
serve (int       run_dir_fd,
       int       image_fd,
       uid_t     uid,
       gid_t     gid,
       bool      read_only,
       int      *ret_sock,
       pid_t    *ret_pid,
       uint64_t *ret_size,
       uint16_t *ret_flags)
{
  /* The image is reached through the fd we checked; backing= (empty) forbids any backing file
   * even if the header were changed after our check, and driver=qcow2 means no probing. */
  char *const argv_rw[] = {
    (char *) "qemu-nbd", (char *) "--image-opts", (char *) "--discard=unmap",
    (char *) "--cache=writeback", (char *) "--",
    (char *) "driver=qcow2,backing=,file.driver=file,file.filename=/proc/self/fd/4", NULL
  };
  char *const argv_ro[] = {
    (char *) "qemu-nbd", (char *) "--image-opts", (char *) "--read-only",
    (char *) "--cache=writeback", (char *) "--",
    (char *) "driver=qcow2,backing=,file.driver=file,file.filename=/proc/self/fd/4", NULL
  };
  char *const env[] = { (char *) "LISTEN_FDS=1", NULL };
  struct sockaddr_un addr;
  struct timeval tv = { .tv_sec = HANDSHAKE_TIMEOUT_S };
  struct timeval no_tv = { 0 };
  char sock_name[64];
  pid_t pid = -1;
  uint64_t size;
  uint16_t flags;
  int output[2] = { -1, -1 };
  int listener, sock = -1, status, r;

  listener = make_listener (run_dir_fd, &addr, sock_name, sizeof sock_name);
  if (listener < 0)
    return listener;

  /* qemu-nbd outlives us and runs as the caller, who can make it write without end, so its
   * stdout and stderr are neither ours nor a file (a log of root's in /run would fill /run).
   * They are a pipe: we read it only if qemu-nbd exits while starting, to pass its own words
   * on, and close our end once it serves. After that its writes fail with EPIPE and are
   * lost; SIGPIPE is ignored in it (qemu-nbd ignores it too), so they cannot kill it. Both
   * ends are non-blocking: a full pipe (64 KiB) makes its writes fail rather than stall it. */
  if (pipe2 (output, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      r = -errno;
      goto fail;
    }
  {
    CdiRunFd fds[] = { { listener, 3 }, { image_fd, 4 } };
    CdiRunOptions o = {
      .as_caller = true, .uid = uid, .gid = gid, .detach = true,
      .stdout_fd = output[1], .stderr_fd = output[1], .ignore_sigpipe = true,
      .fds = fds, .n_fds = 2, .extra_env = env, .env_listen_pid = true,
    };
    r = cdi_run_spawn (QEMU_NBD_PATH, read_only ? argv_ro : argv_rw, &o, &pid);
  }
  /* Only qemu-nbd may hold the write end, so the pipe ends when it does */
  close (output[1]);
  output[1] = -1;
  if (r < 0)
    goto fail;

  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      r = -errno;
      goto fail;
    }
  /* Our copy of the listener must go, or a server that dies would leave us waiting. */
  unlinkat (run_dir_fd, sock_name, 0);
  close (listener);
  listener = -1;

  setsockopt (sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  r = cdi_nbd_handshake (sock, &size, &flags);
  if (r < 0)
    {
      /* Most often qemu-nbd refused the image: it is in use by another program (qemu's image
       * lock), or damaged. Its own words say which. */
      for (int i = 0; i < 40 && pid > 0; i++)
        {
          if (waitpid (pid, &status, WNOHANG) == pid)
            pid = -1;
          else
            usleep (50 * 1000);
        }
      if (pid < 0)
        r = report_output (output[0]);
      goto fail;
    }
  setsockopt (sock, SOL_SOCKET, SO_RCVTIMEO, &no_tv, sizeof no_tv);
  if (read_only)
    flags |= NBD_FLAG_READ_ONLY;
  close (output[0]);

  *ret_sock = sock;
  *ret_pid = pid;
  *ret_size = size;
  *ret_flags = flags;
  return 0;

fail:
  if (output[0] >= 0)
    close (output[0]);
  if (output[1] >= 0)
    close (output[1]);
  if (listener >= 0)
    {
      unlinkat (run_dir_fd, sock_name, 0);
      close (listener);
    }
  if (sock >= 0)
    close (sock);
  stop_server (pid);
  return r;
}

int
cdi_nbd_attach (int         run_dir_fd,
                int         image_fd,
                uid_t       uid,
                gid_t       gid,
                bool        read_only,
                const char *backend_id,
                CdiNbd     *ret_nbd)
{
  pid_t pid;
  uint64_t size;
  uint16_t flags;
  int sock, index, r;

  r = cdi_nbd_load_module ();
  if (r < 0)
    return r;
  r = serve (run_dir_fd, image_fd, uid, gid, read_only, &sock, &pid, &size, &flags);
  if (r < 0)
    return r;
  r = netlink_connect (sock, size, flags, backend_id, &index);
  close (sock);
  if (r < 0)
    {
      stop_server (pid);
      return r;
    }
  ret_nbd->index = index;
  ret_nbd->server_pid = pid;
  ret_nbd->size = size;
  return 0;
}

/* ---------------------------------------------------------------- online resize
 *
 * qemu-nbd holds the image's write lock for as long as it serves it, so growing an open disk
 * means: keep the kernel device (dead_conn_timeout makes I/O wait instead of failing while
 * no server is connected), stop the server, resize the image, start a new server and hand its
 * socket to the same device with NBD_CMD_RECONFIGURE, which replaces a dead socket
 * (NBD_ATTR_SOCKETS) and sets the new size (NBD_ATTR_SIZE_BYTES) in one call. The kernel
 * only replaces a socket it has marked dead, and says nothing when it finds none, so the
 * caller waits for its NBD_CMD_LINK_DEAD event before reconnecting. */

/* A reconfigure message for device @index; the backend id must match the one given at
 * connect, or the kernel refuses. */
static int
reconfigure_begin (CdiNlMsg   *m,
                   uint16_t    family,
                   int         index,
                   const char *backend_id)
{
  int r;

  cdi_nl_begin (m, family, NBD_CMD_RECONFIGURE, NBD_GENL_VERSION);
  r = cdi_nl_put_u32 (m, NBD_ATTR_INDEX, (uint32_t) index);
  if (r == 0 && backend_id != NULL)
    r = cdi_nl_put (m, NBD_ATTR_BACKEND_IDENTIFIER, backend_id, strlen (backend_id) + 1);
  return r;
}

int
cdi_nbd_set_dead_timeout (int         index,
                          const char *backend_id,
                          uint64_t    seconds)
{
  CdiNlMsg m;
  uint16_t family;
  int fd, r;

  r = nbd_genl_open (&fd, &family, NULL);
  if (r < 0)
    return r;
  r = reconfigure_begin (&m, family, index, backend_id);
  if (r == 0)
    r = cdi_nl_put_u64 (&m, NBD_ATTR_DEAD_CONN_TIMEOUT, seconds);
  if (r == 0)
    r = cdi_nl_transact (fd, &m, NULL, NULL);
  close (fd);
  return r;
}

int
cdi_nbd_watch_open (int *ret_fd)
{
  uint16_t family;
  uint32_t group = 0;
  int fd, r;

  r = nbd_genl_open (&fd, &family, &group);
  if (r < 0)
    return r;
  if (group == 0)
    r = -ENOSYS;
  else if (setsockopt (fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0)
    r = -errno;
  if (r < 0)
    {
      close (fd);
      return r;
    }
  *ret_fd = fd;
  return 0;
}

int
cdi_nbd_watch_link_dead (int watch_fd,
                         int index,
                         int timeout_ms)
{
  uint8_t buf[CDI_NL_BUF] __attribute__ ((aligned (NLMSG_ALIGNTO)));
  struct timespec start, now;

  clock_gettime (CLOCK_MONOTONIC, &start);
  for (;;)
    {
      struct pollfd pfd = { .fd = watch_fd, .events = POLLIN };
      int left, n_ready;
      ssize_t n;

      clock_gettime (CLOCK_MONOTONIC, &now);
      left = timeout_ms - (int) ((now.tv_sec - start.tv_sec) * 1000 +
                                 (now.tv_nsec - start.tv_nsec) / 1000000);
      if (left <= 0)
        return -ETIMEDOUT;
      n_ready = poll (&pfd, 1, left);
      if (n_ready < 0 && errno == EINTR)
        continue;
      if (n_ready < 0)
        return -errno;
      if (n_ready == 0)
        return -ETIMEDOUT;
      n = recv (watch_fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0)
        return -errno;
      for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK (h, (size_t) n);
           h = NLMSG_NEXT (h, n))
        {
          const struct genlmsghdr *g = NLMSG_DATA (h);
          uint32_t dead = UINT32_MAX;

          if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN || g->cmd != NBD_CMD_LINK_DEAD)
            continue;
          if (cdi_nl_for_each_attr ((const uint8_t *) g + GENL_HDRLEN,
                                    h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, index_attr,
                                    &dead) < 0)
            continue;
          if (dead == (uint32_t) index)
            return 0;
        }
    }
}

int
cdi_nbd_reconnect (int         run_dir_fd,
                   int         index,
                   int         image_fd,
                   uid_t       uid,
                   gid_t       gid,
                   const char *backend_id,
                   pid_t      *ret_server_pid,
                   uint64_t   *ret_size)
{
  CdiNlMsg m;
  pid_t pid;
  uint64_t size;
  uint16_t flags, family;
  int sock, fd = -1, r;

  r = serve (run_dir_fd, image_fd, uid, gid, false, &sock, &pid, &size, &flags);
  if (r < 0)
    return r;
  r = nbd_genl_open (&fd, &family, NULL);
  if (r == 0)
    r = reconfigure_begin (&m, family, index, backend_id);
  if (r == 0)
    r = cdi_nl_put_u64 (&m, NBD_ATTR_SIZE_BYTES, size);
  if (r == 0)
    r = cdi_nl_nest_begin (&m, NBD_ATTR_SOCKETS);
  if (r == 0)
    r = cdi_nl_nest_begin (&m, NBD_SOCK_ITEM);
  if (r == 0)
    r = cdi_nl_put_u32 (&m, NBD_SOCK_FD, (uint32_t) sock);
  if (r == 0)
    {
      cdi_nl_nest_end (&m);
      cdi_nl_nest_end (&m);
      r = cdi_nl_transact (fd, &m, NULL, NULL);
    }
  if (fd >= 0)
    close (fd);
  close (sock);
  if (r < 0)
    {
      stop_server (pid);
      return r;
    }
  *ret_server_pid = pid;
  *ret_size = size;
  return 0;
}

int
cdi_nbd_device_size (int       index,
                     uint64_t *ret_size)
{
  char path[64], text[32];
  unsigned long long sectors;
  ssize_t n;
  int fd;

  snprintf (path, sizeof path, "/sys/block/nbd%d/size", index);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  n = read (fd, text, sizeof text - 1);
  close (fd);
  if (n <= 0)
    return -EIO;
  text[n] = '\0';
  if (sscanf (text, "%llu", &sectors) != 1)
    return -EBADMSG;
  *ret_size = (uint64_t) sectors * 512;
  return 0;
}
