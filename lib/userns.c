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
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"
#include "nsinfo-internal.h"

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

/* 0 while the process behind @pidfd runs, -ESRCH once it has ended: its
 * pidfd turns readable then (pidfd_open(2)), and polling needs no
 * permission over it. */
static int pidfd_alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	n = poll_eintr(&p, 1, 0);
	if (n < 0)
		return n;
	return n > 0 ? -ESRCH : 0;
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
	r = pidfd_alive(pidfd);
	if (r < 0)
		return r;
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
	int status, r;

	r = waitpid_eintr(pid, &status, 0);
	if (r < 0)
		return r;
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
	n = poll_eintr(&p, 1, 0);
	if (n < 0)
		return n;
	if (n > 0)
		return -ESRCH;
	return 0;
}

int ns_pidfd_send_signal(int pidfd, int sig)
{
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return -errno;
	return 0;
}

/* /proc/@pid below @proc_fd, every step by openat2() confined to that
 * procfs; pinned to the process behind @pidfd by checking, once the
 * directory is open, that the process has not ended. */
static int open_pid_dir(int proc_fd, pid_t pid, int pidfd)
{
	_cleanup_close_ int fd = -1;
	char name[16];
	int r;

	snprintf(name, sizeof(name), "%d", (int)pid);
	fd = open_proc_file_at(proc_fd, name, O_RDONLY | O_DIRECTORY);
	if (fd == -ENOENT)
		return -ESRCH;
	if (fd < 0)
		return fd;
	if (pidfd >= 0) {
		r = pidfd_alive(pidfd);
		if (r < 0)
			return r;
	}
	return take_fd(&fd);
}

static int read_proc_file(int dirfd, const char *name, char **ret)
{
	_cleanup_close_ int fd = -1;

	fd = open_proc_file_at(dirfd, name, O_RDONLY);
	if (fd < 0)
		return fd;
	return read_all_fd(fd, ret);
}

static int kill_children(int proc_fd, int pid_dir, pid_t pid, int sig, unsigned depth);

/* @child, listed as a child of @parent (stopped, or the caller): signalled
 * only through a pidfd proven to be that child. The pidfd is opened by
 * number, and the number may have been recycled since it was listed; but
 * if /proc/CHILD opened afterwards belongs to a living process (pinned by
 * the pidfd) whose parent is @parent, the pidfd names a child of @parent,
 * in the tree either way. Returns how many were signalled, or -errno. */
static int kill_child(int proc_fd, pid_t parent, pid_t child, int sig, unsigned depth)
{
	_cleanup_close_ int pidfd = -1, dir = -1;
	_cleanup_free_ char *stat = NULL;
	pid_t ppid;
	bool kthread;
	int r, n;

	pidfd = ns_pidfd_open(child);
	if (pidfd == -ESRCH || pidfd == -EINVAL)
		return 0; /* gone since it was listed */
	if (pidfd < 0)
		return pidfd;
	dir = open_pid_dir(proc_fd, child, pidfd);
	if (dir == -ESRCH)
		return 0;
	if (dir < 0)
		return dir;
	r = read_proc_file(dir, "stat", &stat);
	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	r = nsi_parse_stat(stat, &ppid, &kthread);
	if (r < 0)
		return r;
	if (ppid != parent)
		return 0; /* not the process that was listed */
	/* stopped first, so it cannot fork behind our back while its own
	 * children are listed */
	r = ns_pidfd_send_signal(pidfd, SIGSTOP);
	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	n = kill_children(proc_fd, dir, child, sig, depth + 1);
	ns_pidfd_send_signal(pidfd, sig);
	ns_pidfd_send_signal(pidfd, SIGCONT);
	return n < 0 ? n : n + 1;
}

/* The children of every thread of @pid, from TID/children below @pid_dir's
 * task (a kernel with CONFIG_PROC_CHILDREN), signalled and walked. */
static int kill_children(int proc_fd, int pid_dir, pid_t pid, int sig, unsigned depth)
{
	_cleanup_closedir_ DIR *tasks = NULL;
	struct dirent *de;
	int count = 0, fd;

	/* a chain deeper than this is not one a process tree can build
	 * before the kernel's pid limit; it guards the recursion */
	if (depth > 4096)
		return -ELOOP;
	fd = open_proc_file_at(pid_dir, "task", O_RDONLY | O_DIRECTORY);
	if (fd == -ENOENT || fd == -ESRCH)
		return 0;
	if (fd < 0)
		return fd;
	tasks = fdopendir(fd);
	if (!tasks) {
		int r = -errno;

		close(fd);
		return r;
	}
	while ((de = readdir(tasks))) {
		_cleanup_close_ int tid_dir = -1;
		_cleanup_free_ char *list = NULL;
		const char *p;
		int r;

		if (de->d_name[0] == '.')
			continue;
		tid_dir = open_proc_file_at(dirfd(tasks), de->d_name, O_RDONLY | O_DIRECTORY);
		if (tid_dir == -ENOENT)
			continue; /* the thread ended */
		if (tid_dir < 0)
			return tid_dir;
		r = read_proc_file(tid_dir, "children", &list);
		if (r == -ENOENT || r == -ESRCH)
			continue;
		if (r < 0)
			return r;
		close(take_fd(&tid_dir));
		for (p = list; *p;) {
			pid_t child;

			r = children_next_pid(&p, &child);
			if (r < 0)
				return r;
			r = kill_child(proc_fd, pid, child, sig, depth);
			if (r < 0)
				return r;
			count += r;
		}
	}
	return count;
}

int ns_kill_descendants(int proc_fd, int sig)
{
	_cleanup_close_ int self = -1;
	char link[16];
	pid_t pid = getpid();
	uint32_t self_pid;
	ssize_t n;

	if (proc_fd < 0)
		return -EBADF;
	/* PIDs below @proc_fd must be the caller's: its "self" says so */
	n = readlinkat(proc_fd, "self", link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	if (parse_u32(link, &self_pid) < 0 || self_pid != (uint32_t)pid)
		return -EXDEV;
	self = open_pid_dir(proc_fd, pid, -1);
	if (self < 0)
		return self;
	return kill_children(proc_fd, self, pid, sig, 0);
}
