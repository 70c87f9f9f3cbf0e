/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Persistence through fds: targets opened without symlinks, namespaces bound by open_tree. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"

/* pidfs ioctls of Linux 6.11 (linux/pidfd.h), one per namespace type, in
 * the order of enum ns_type; the *_FOR_CHILDREN ones for pid and time */
static const unsigned long pidfd_ns_ioctl[NS_TYPE_MAX][2] = {
	[NS_TYPE_MNT] = { _IO(PIDFS_IOCTL_MAGIC, 3), _IO(PIDFS_IOCTL_MAGIC, 3) },
	[NS_TYPE_UTS] = { _IO(PIDFS_IOCTL_MAGIC, 10), _IO(PIDFS_IOCTL_MAGIC, 10) },
	[NS_TYPE_IPC] = { _IO(PIDFS_IOCTL_MAGIC, 2), _IO(PIDFS_IOCTL_MAGIC, 2) },
	[NS_TYPE_NET] = { _IO(PIDFS_IOCTL_MAGIC, 4), _IO(PIDFS_IOCTL_MAGIC, 4) },
	[NS_TYPE_PID] = { _IO(PIDFS_IOCTL_MAGIC, 5), _IO(PIDFS_IOCTL_MAGIC, 6) },
	[NS_TYPE_USER] = { _IO(PIDFS_IOCTL_MAGIC, 9), _IO(PIDFS_IOCTL_MAGIC, 9) },
	[NS_TYPE_CGROUP] = { _IO(PIDFS_IOCTL_MAGIC, 1), _IO(PIDFS_IOCTL_MAGIC, 1) },
	[NS_TYPE_TIME] = { _IO(PIDFS_IOCTL_MAGIC, 7), _IO(PIDFS_IOCTL_MAGIC, 8) },
};

int ns_persist_open_target(const char *target)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!target || !*target)
		return -ENOENT;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, target, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		/* before Linux 5.6 only the last component can be held */
		fd = open(target, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	/* a namespace file goes on a file, as mount(2) has it */
	if (S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return take_fd(&fd);
}

int ns_open_pidfd(int pidfd, int proc_pid_fd, enum ns_type type, bool for_children)
{
	const char *name = ns_type_proc_name(type, for_children);
	char path[32];
	struct statfs sfs;
	int fd;

	if (!name || pidfd < 0)
		return -EINVAL;
	/* The ioctl hands out a pid namespace for children before its first
	 * process, which /proc/PID/ns/pid_for_children refuses (ENOENT): one
	 * that never had an init is no namespace to keep. */
	if (type == NS_TYPE_PID && for_children)
		fd = -1, errno = ENOTTY;
	else
		fd = ioctl(pidfd, pidfd_ns_ioctl[type][for_children ? 1 : 0], 0);
	if (fd >= 0) {
		/* pidfs hands out the fd without O_CLOEXEC on some kernels */
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			int r = -errno;

			close(fd);
			return r;
		}
		return fd;
	}
	/* ENOTTY: a kernel before 6.11 (or a pidfd before pidfs); then the
	 * /proc directory pinned to the same process */
	if (errno != ENOTTY && errno != EINVAL)
		return -errno;
	if (proc_pid_fd < 0)
		return -ENOTTY;
	snprintf(path, sizeof(path), "ns/%s", name);
	/* a namespace entry is a magic link to follow; what it led to is
	 * checked to be a namespace */
	fd = openat(proc_pid_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC) {
		close(fd);
		return -EXDEV;
	}
	return fd;
}

int ns_persist_fd(int ns_fd, int target_fd, int *ret_tree_fd)
{
	_cleanup_close_ int tree = -1;

	if (ns_fd < 0 || target_fd < 0)
		return -EBADF;
	/* a detached copy of the nsfs file, then attached onto the very
	 * inode held open: no path is looked up between open and bind */
	tree = (int)syscall(SYS_open_tree, ns_fd, "",
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return -errno;
	if (syscall(SYS_move_mount, tree, "", target_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	if (ret_tree_fd)
		*ret_tree_fd = take_fd(&tree);
	return 0;
}

int ns_unpersist_fd(int tree_fd)
{
	char path[32];
	struct statfs sfs;

	if (tree_fd < 0)
		return -EBADF;
	/* The fd still names the mount it attached: its root, the only way
	 * to it that no rename or symlink can redirect. umount2(2) takes
	 * no fd, so the fd's own /proc link, which the kernel resolves to
	 * the mount itself. */
	if (fstatfs(tree_fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -EXDEV;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", tree_fd);
	if (umount2(path, MNT_DETACH) < 0)
		return -errno;
	return 0;
}
