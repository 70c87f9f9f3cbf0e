/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network namespaces as a user names them: a path, a /run/netns or session name or a PID, never the cwd. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"

/* Whether @fd is a network namespace file: on nsfs (not a file some
 * other filesystem answers NS_GET_NSTYPE for) and of CLONE_NEWNET. */
static int netns_check(int fd)
{
	struct statfs sfs;
	int type;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -EINVAL;
	type = ioctl(fd, NS_GET_NSTYPE, 0);
	if (type < 0)
		return errno == ENOTTY ? -EINVAL : -errno;
	return type == CLONE_NEWNET ? 0 : -EINVAL;
}

/* O_NONBLOCK: a FIFO put where a namespace file was expected must fail the
 * check below, not hang the open. */
#define NETNS_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* The entry @name right below /run/netns. ip-netns(8) bind-mounts each
 * namespace there, so the open crosses a mount (no RESOLVE_NO_XDEV), but
 * the entry is never a symlink: one could point anywhere, a directory the
 * caller's working directory included. */
static int netns_open_name(const char *name)
{
	struct open_how how = {
		.flags = NETNS_OPEN_FLAGS | O_NOFOLLOW,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int dir = -1;
	int fd;

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	dir = open("/run/netns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(dir, name, (int)how.flags); /* before Linux 5.6 */
	return fd < 0 ? -errno : fd;
}

/* The network namespace of process @pid, pinned by a pidfd taken first: a
 * PID reused meanwhile is refused, not followed to another process. */
static int netns_open_pid(pid_t pid)
{
	_cleanup_close_ int pidfd = -1, proc = -1;
	int fd;

	pidfd = ns_pidfd_open(pid);
	if (pidfd == -EINVAL)
		return -ESRCH; /* a thread, not a process */
	if (pidfd < 0)
		return pidfd;
	/* Linux 6.11: the namespace straight from the pidfd */
	fd = ioctl(pidfd, PIDFD_GET_NET_NAMESPACE, 0);
	if (fd >= 0)
		return fd;
	if (errno != ENOTTY && errno != EINVAL)
		return -errno;
	proc = ns_proc_open_pinned(pid);
	if (proc < 0)
		return proc;
	/* NOLINTNEXTLINE(android-cloexec-open): NETNS_OPEN_FLAGS has O_CLOEXEC */
	fd = openat(proc, "ns/net", NETNS_OPEN_FLAGS);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return fd;
}

int ns_netns_open(const char *target)
{
	_cleanup_close_ int fd = -1;
	uint32_t pid;
	int r;

	if (!target || !*target)
		return -EINVAL;
	if (strchr(target, '/')) {
		/* a path the caller typed: followed as typed (symlinked
		 * directories, /proc/PID/ns/net and /proc/self/fd/N are
		 * links), and what it ends at must be a namespace file */
		/* NOLINTNEXTLINE(android-cloexec-open): NETNS_OPEN_FLAGS has O_CLOEXEC */
		fd = open(target, NETNS_OPEN_FLAGS);
		if (fd < 0)
			return -errno;
	} else {
		/* a word is a /run/netns name, else the caller's session of
		 * that name, else a PID, as in ip(8); never a file of the
		 * working directory */
		fd = netns_open_name(target);
		if (fd == -ENOENT)
			fd = ns_session_open_name(target, NS_TYPE_NET);
		if (fd == -ENOENT && parse_u32(target, &pid) == 0 && pid > 0 && pid <= INT_MAX)
			fd = netns_open_pid((pid_t)pid);
		if (fd < 0)
			return fd;
	}
	r = netns_check(fd);
	if (r < 0)
		return r;
	return take_fd(&fd);
}
