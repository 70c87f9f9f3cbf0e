/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Processes and namespaces: unshare, setns, pidfds, fork, wait, persistence. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int ns_unshare(int clone_flags)
{
	if (unshare(clone_flags) < 0)
		return -errno;
	return 0;
}

int ns_setns(int fd, int clone_flags)
{
	if (setns(fd, clone_flags) < 0)
		return -errno;
	return 0;
}

int ns_pidfd_open(pid_t pid)
{
	/* pidfds are close-on-exec by design; see pidfd_open(2) */
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return -errno;
	return fd;
}

pid_t ns_fork(int *ret_pidfd)
{
	_cleanup_close_ int pidfd = -1;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0 || !ret_pidfd)
		return pid;
	/* Our own unreaped child cannot be replaced by another process with
	 * the same PID, so opening its pidfd after fork() has no race. */
	pidfd = ns_pidfd_open(pid);
	if (pidfd < 0) {
		int r = pidfd;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	*ret_pidfd = take_fd(&pidfd);
	return pid;
}

int ns_proc_open(pid_t pid)
{
	char path[32];
	int fd;

	if (pid < 0)
		return -EINVAL;
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self");
	else
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}

int ns_proc_check_dir(int fd)
{
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return -EXDEV;
	return 0;
}

/* Whether the process behind @pidfd has ended: its pidfd turns readable
 * then (pidfd_open(2)), and polling needs no permission over it. */
static int pidfd_ended(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n > 0;
}

int ns_proc_open_pinned(pid_t pid)
{
	_cleanup_close_ int pidfd = -1;

	if (pid <= 0)
		return -ESRCH;
	/* The pidfd names the process, not the number: if it is still
	 * running once /proc/PID is open, the directory is that process's,
	 * and stays so, since a proc directory never moves to a new owner
	 * of the number. A thread id (EINVAL) is not a target either. */
	pidfd = ns_pidfd_open(pid);
	if (pidfd == -EINVAL)
		return -ESRCH;
	if (pidfd < 0)
		return pidfd;
	return ns_proc_open_pidfd(pid, pidfd);
}

int ns_proc_open_pidfd(pid_t pid, int pidfd)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (pid <= 0 || pidfd < 0)
		return -ESRCH;
	fd = ns_proc_open(pid);
	if (fd == -ENOENT)
		return -ESRCH;
	if (fd < 0)
		return fd;
	r = ns_proc_check_dir(fd);
	if (r < 0)
		return r;
	r = pidfd_ended(pidfd);
	if (r < 0)
		return r;
	if (r > 0)
		return -ESRCH;
	return take_fd(&fd);
}

static int ns_path(pid_t pid, enum ns_type type, bool for_children, char *buf, size_t size)
{
	const char *name = ns_type_proc_name(type, for_children);

	if (!name || pid < 0)
		return -EINVAL;
	if (pid == 0)
		snprintf(buf, size, "/proc/self/ns/%s", name);
	else
		snprintf(buf, size, "/proc/%d/ns/%s", (int)pid, name);
	return 0;
}

int ns_open(pid_t pid, enum ns_type type, bool for_children)
{
	char path[64];
	int fd, r;

	r = ns_path(pid, type, for_children, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}

int ns_inode_at(int proc_fd, pid_t pid, enum ns_type type, uint64_t *ret)
{
	char path[64];
	struct stat st;
	int r;

	r = ns_path(pid, type, false, path, sizeof(path));
	if (r < 0)
		return r;
	/* below a /proc fd the path loses its "/proc/" */
	if (fstatat(proc_fd >= 0 ? proc_fd : AT_FDCWD, proc_fd >= 0 ? path + 6 : path, &st, 0) < 0)
		return -errno;
	*ret = st.st_ino;
	return 0;
}

int ns_persist(pid_t pid, enum ns_type type, const char *target)
{
	_cleanup_close_ int target_fd = -1, ns_fd = -1;

	/* through fds: the target without symlinks, the namespace file as
	 * opened, so no path is looked up again between check and bind */
	target_fd = ns_persist_open_target(target);
	if (target_fd < 0)
		return target_fd;
	ns_fd = ns_open(pid, type, true);
	if (ns_fd < 0)
		return ns_fd;
	return ns_persist_fd(ns_fd, target_fd, NULL);
}

int ns_unpersist(const char *target)
{
	if (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

int ns_wait(pid_t pid, int *ret_status)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*ret_status = status;
	return 0;
}

int ns_parent_watch(int parent_pidfd, int sig)
{
	struct pollfd p = { .fd = parent_pidfd, .events = POLLIN };
	int n;

	if (prctl(PR_SET_PDEATHSIG, sig) < 0)
		return -errno;
	/* The parent may have died before the prctl() took effect; the pidfd
	 * turns readable once it has, so one poll closes that window. */
	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n > 0)
		return -ESRCH;
	return 0;
}

/* The children of every thread of @pid, from /proc/PID/task/TID/children
 * (a kernel with CONFIG_PROC_CHILDREN), signalled and then walked. */
static int kill_children(pid_t pid, int sig, unsigned depth)
{
	char path[sizeof("/proc//task//children") + 2 * 21 + 256];
	_cleanup_closedir_ DIR *tasks = NULL;
	struct dirent *de;
	int count = 0;

	/* a chain deeper than this is not one a process tree can build
	 * before the kernel's pid limit; it guards the recursion */
	if (depth > 4096)
		return -ELOOP;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(tasks))) {
		_cleanup_fclose_ FILE *f = NULL;
		int child;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children", (int)pid, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue; /* the thread ended */
		while (fscanf(f, "%d", &child) == 1) {
			int r;

			/* stopped first, so it cannot fork behind our back
			 * while its own children are listed */
			if (kill(child, SIGSTOP) == 0)
				count++;
			r = kill_children(child, sig, depth + 1);
			if (r > 0)
				count += r;
			kill(child, sig);
			kill(child, SIGCONT);
		}
	}
	return count;
}

int ns_kill_descendants(int sig)
{
	return kill_children(getpid(), sig, 0);
}
