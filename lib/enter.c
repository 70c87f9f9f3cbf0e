/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Entering the namespaces of a running process: pidfds, nsfs files, ids. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <linux/sockios.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"

#ifndef PIDFS_MAGIC
#define PIDFS_MAGIC 0x50494446
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200
#endif
/* linux/nsfs.h of Linux 6.18; the headers of older systems lack them */
#define NSIO 0xb7
#define ENTER_NS_GET_USERNS _IO(NSIO, 0x1)
#define ENTER_NS_GET_NSTYPE _IO(NSIO, 0x3)
#define ENTER_NS_GET_OWNER_UID _IO(NSIO, 0x4)
#define ENTER_NS_GET_ID _IOR(NSIO, 0xd, uint64_t)
#define ENTER_PIDFD_GET_MNT_NAMESPACE _IO(0xFF, 3)

/* struct nsfs_file_handle of linux/nsfs.h */
struct enter_nsfs_handle {
	uint64_t ns_id;
	uint32_t ns_type;
	uint32_t ns_inum;
};

/* The order nsenter(1) enters file-given namespaces in: the user
 * namespace apart, then cgroup first and mount late, so that paths
 * still resolve in the old mount namespace as long as possible. */
static const enum ns_type join_order[] = {
	NS_TYPE_CGROUP, NS_TYPE_IPC, NS_TYPE_UTS, NS_TYPE_NET,
	NS_TYPE_PID, NS_TYPE_MNT, NS_TYPE_TIME,
};

static uint32_t bit(enum ns_type t)
{
	return 1u << t;
}

static int flags_of(uint32_t types)
{
	int flags = 0;

	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (types & bit(t))
			flags |= ns_type_flag(t);
	return flags;
}

int ns_enter_parse_target(const char *s, pid_t *ret_pid, uint64_t *ret_ino)
{
	uint64_t pid = 0, ino = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	if (*p == '-')
		return -ERANGE;
	for (; *p >= '0' && *p <= '9'; p++) {
		pid = pid * 10 + (uint64_t)(*p - '0');
		if (pid > 0x7fffffff)
			return -ERANGE;
	}
	if (p == s)
		return -EINVAL;
	if (pid == 0)
		return -ERANGE;
	if (*p == ':') {
		const char *q = ++p;

		for (; *p >= '0' && *p <= '9'; p++) {
			uint64_t d = (uint64_t)(*p - '0');

			if (ino > (UINT64_MAX - d) / 10)
				return -ERANGE;
			ino = ino * 10 + d;
		}
		if (p == q)
			return -EINVAL;
		if (ino == 0)
			return -ERANGE;
	}
	if (*p)
		return -EINVAL;
	*ret_pid = (pid_t)pid;
	if (ret_ino)
		*ret_ino = ino;
	return 0;
}

static int pidfd_alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0;
}

int ns_pidfd_inode(int pidfd, uint64_t *ret)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(pidfd, &sfs) < 0)
		return -errno;
	/* before Linux 6.9 pidfds live on anon_inode, all with one inode */
	if (sfs.f_type != PIDFS_MAGIC)
		return -EOPNOTSUPP;
	if (fstat(pidfd, &st) < 0)
		return -errno;
	*ret = st.st_ino;
	return 0;
}

int ns_enter_target_open(pid_t pid, uint64_t ino, int *ret_pidfd, int *ret_proc_fd)
{
	_cleanup_close_ int pidfd = -1, proc = -1;
	int r;

	if (pid <= 0)
		return -ESRCH;
	pidfd = ns_pidfd_open(pid);
	if (pidfd == -EINVAL)
		return -ESRCH;
	if (pidfd < 0 && (ino || pidfd != -ENOSYS))
		return pidfd;
	if (ino) {
		uint64_t real;

		r = ns_pidfd_inode(pidfd, &real);
		if (r < 0)
			return r;
		if (real != ino)
			return -ESTALE;
	}
	proc = ns_proc_open(pid);
	if (proc == -ENOENT)
		return -ESRCH;
	if (proc < 0)
		return proc;
	r = ns_proc_check_dir(proc);
	if (r < 0)
		return r;
	/* the directory is the pinned process's if it still runs now: a
	 * /proc/PID directory never passes to a new owner of the number */
	if (pidfd >= 0) {
		r = pidfd_alive(pidfd);
		if (r < 0)
			return r;
		if (r == 0)
			return -ESRCH;
	}
	*ret_pidfd = take_fd(&pidfd);
	*ret_proc_fd = take_fd(&proc);
	return 0;
}

int ns_fd_type(int fd)
{
	struct statfs sfs;
	int flag;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -ENOTTY;
	flag = ioctl(fd, ENTER_NS_GET_NSTYPE);
	if (flag < 0)
		return -errno;
	return ns_type_from_flag(flag);
}

int ns_owner(int ns_fd, uint64_t *ret_userns_ino, uid_t *ret_uid)
{
	_cleanup_close_ int user = -1;
	struct stat st;
	uid_t uid;

	/* setns(2) wants CAP_SYS_ADMIN in a user namespace itself, and in
	 * the owner of any other */
	if (ns_fd_type(ns_fd) == NS_TYPE_USER)
		user = fcntl(ns_fd, F_DUPFD_CLOEXEC, 0);
	else
		user = ioctl(ns_fd, ENTER_NS_GET_USERNS);
	if (user < 0)
		return -errno;
	if (fstat(user, &st) < 0)
		return -errno;
	if (ioctl(user, ENTER_NS_GET_OWNER_UID, &uid) < 0)
		return -errno;
	*ret_userns_ino = st.st_ino;
	*ret_uid = uid;
	return 0;
}

int ns_user_parent(int ns_fd)
{
	int fd = ioctl(ns_fd, ENTER_NS_GET_USERNS);

	return fd < 0 ? -errno : fd;
}

int ns_pidfd_getfd(int pidfd, int fd)
{
	/* the copy is close-on-exec by design; see pidfd_getfd(2) */
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	return r < 0 ? -errno : r;
}

int ns_socket_netns(int sock_fd)
{
	int fd = ioctl(sock_fd, SIOCGSKNS);

	return fd < 0 ? -errno : fd;
}

/* An nsfs handle from Linux 6.19 on needs the id alone; 6.18 also wants the
 * type and inode, which only a process in the namespace tells. */
static int open_by_id_handle(int mnt_fd, const struct file_handle *tmpl, uint64_t id,
			     uint32_t flag, uint32_t inum)
{
	unsigned char buf[sizeof(struct file_handle) + sizeof(struct enter_nsfs_handle)];
	struct file_handle *fh = (struct file_handle *)buf;
	struct enter_nsfs_handle h = { .ns_id = id, .ns_type = flag, .ns_inum = inum };
	int fd;

	*fh = *tmpl;
	fh->handle_bytes = sizeof(h);
	memcpy(fh->f_handle, &h, sizeof(h));
	fd = open_by_handle_at(mnt_fd, fh, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The inode of the namespace of @type with id @id among the processes in
 * @proc_fd (a /proc directory), or -ESTALE if none is in it. */
static int find_ns_inode(int proc_fd, enum ns_type type, uint64_t id, uint32_t *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int dfd;
	char path[64];

	dfd = openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;
		uint64_t got;
		struct stat st;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%.20s/ns/%s", de->d_name, ns_type_proc_name(type, false));
		fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, ENTER_NS_GET_ID, &got) < 0 || got != id || fstat(fd, &st) < 0)
			continue;
		*ret = (uint32_t)st.st_ino;
		return 0;
	}
	return -ESTALE;
}

int ns_open_by_id(enum ns_type type, uint64_t id)
{
	unsigned char buf[sizeof(struct file_handle) + sizeof(struct enter_nsfs_handle)];
	struct file_handle *fh = (struct file_handle *)buf;
	_cleanup_close_ int self = -1, mnt = -1, proc = -1;
	uint32_t inum = 0;
	int mount_id, fd, r;

	if (type < 0 || type >= NS_TYPE_MAX)
		return -EINVAL;
	/* nsfs's handle type and a mount fd for open_by_handle_at(2) come
	 * from a namespace file of our own; the mount namespace always has
	 * one */
	self = ns_pidfd_open(getpid());
	if (self < 0)
		return self;
	mnt = ioctl(self, ENTER_PIDFD_GET_MNT_NAMESPACE, 0);
	if (mnt < 0)
		return errno == ENOTTY || errno == EINVAL ? -EOPNOTSUPP : -errno;
	fh->handle_bytes = sizeof(struct enter_nsfs_handle);
	if (name_to_handle_at(mnt, "", fh, &mount_id, AT_EMPTY_PATH | AT_HANDLE_FID) < 0)
		return errno == EOPNOTSUPP || errno == EINVAL ? -EOPNOTSUPP : -errno;
	fd = open_by_id_handle(mnt, fh, id, 0, 0);
	if (fd != -ESTALE)
		return fd;
	proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return -ESTALE;
	r = find_ns_inode(proc, type, id, &inum);
	if (r < 0)
		return r;
	return open_by_id_handle(mnt, fh, id, (uint32_t)ns_type_flag(type), inum);
}

int ns_enter_usable_types(int proc_fd, uint32_t *ret_types)
{
	uint32_t types = 0;

	for (int t = 0; t < NS_TYPE_MAX; t++) {
		uint64_t mine, theirs;
		int r = ns_inode_at(-1, 0, t, &mine);

		if (r == -ENOENT)
			continue; /* a type this kernel lacks */
		/* setns(2) refuses to re-enter the caller's own user
		 * namespace, and that would regain dropped capabilities */
		if (t == NS_TYPE_USER) {
			struct stat st;

			if (fstatat(proc_fd, "ns/user", &st, 0) < 0)
				return -errno;
			theirs = st.st_ino;
			if (mine == theirs)
				continue;
		}
		types |= bit(t);
	}
	*ret_types = types;
	return 0;
}

/* Whether setns(2) takes a pidfd: Linux 5.8 and later. */
static bool pidfd_setns_works(void)
{
	static int cached = -1;
	struct utsname u;
	unsigned long major, minor;
	char *end;

	if (cached >= 0)
		return cached;
	cached = 1;
	if (uname(&u) < 0)
		return cached;
	major = strtoul(u.release, &end, 10);
	if (*end != '.')
		return cached;
	minor = strtoul(end + 1, NULL, 10);
	cached = major > 5 || (major == 5 && minor >= 8);
	return cached;
}

static int open_missing(struct ns_enter *e, uint32_t types)
{
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		char name[32];
		int fd;

		if (!(types & bit(t)) || e->fd[t] >= 0)
			continue;
		if (e->proc_fd < 0)
			return -ESRCH;
		snprintf(name, sizeof(name), "ns/%s", ns_type_proc_name(t, false));
		fd = openat(e->proc_fd, name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		e->fd[t] = fd;
	}
	return 0;
}

static void done(struct ns_enter *e, uint32_t types)
{
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		if (!(types & bit(t)))
			continue;
		if (e->fd[t] >= 0)
			close(e->fd[t]);
		e->fd[t] = -1;
		e->types &= ~bit(t);
	}
}

static enum ns_type first_type(uint32_t types)
{
	if (types & bit(NS_TYPE_USER))
		return NS_TYPE_USER;
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++)
		if (types & bit(join_order[i]))
			return join_order[i];
	return NS_TYPE_MAX;
}

static int join_fd(struct ns_enter *e, enum ns_type t, bool report, enum ns_type *reterr_type)
{
	if (!(e->types & bit(t)) || e->fd[t] < 0)
		return 0;
	if (setns(e->fd[t], ns_type_flag(t)) == 0) {
		done(e, bit(t));
		return 0;
	}
	if (!report)
		return 0;
	if (reterr_type)
		*reterr_type = t;
	return -errno;
}

/* Those of @types that have no fd of their own through the pidfd, in one
 * call; the kernel enters a user namespace among them first. */
static int join_pidfd(struct ns_enter *e, uint32_t types, bool report, enum ns_type *reterr_type)
{
	uint32_t via = 0;
	int r, err;

	for (int t = 0; t < NS_TYPE_MAX; t++)
		if ((types & e->types & bit(t)) && e->fd[t] < 0)
			via |= bit(t);
	if (!via)
		return 0;
	if (setns(e->pidfd, flags_of(via)) == 0) {
		done(e, via);
		return 0;
	}
	if (!report)
		return 0;
	/* one flag mask fails as a whole: entered one by one instead, the
	 * failure names its namespace */
	err = -errno;
	r = open_missing(e, via);
	if (r < 0) {
		/* no namespace file to open either (no ptrace access): the
		 * pidfd's answer stands */
		if (reterr_type)
			*reterr_type = first_type(via);
		return err;
	}
	return 1;
}

static int join_pass(struct ns_enter *e, uint32_t types, bool report, enum ns_type *reterr_type)
{
	int r;

	/* a user namespace named by file goes first: it grants what the
	 * others need */
	if (types & bit(NS_TYPE_USER)) {
		r = join_fd(e, NS_TYPE_USER, report, reterr_type);
		if (r < 0)
			return r;
	}
	if (e->pidfd >= 0) {
		r = join_pidfd(e, types, report, reterr_type);
		if (r < 0)
			return r;
		if (r > 0) {
			r = join_fd(e, NS_TYPE_USER, report, reterr_type);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
		if (!(types & bit(join_order[i])))
			continue;
		r = join_fd(e, join_order[i], report, reterr_type);
		if (r < 0)
			return r;
	}
	return 0;
}

int ns_enter_join(struct ns_enter *e, enum ns_type *reterr_type)
{
	uint32_t first = e->types & ~bit(NS_TYPE_USER);
	int r;

	if (e->pidfd >= 0 && !pidfd_setns_works()) {
		close(e->pidfd);
		e->pidfd = -1;
	}
	if (e->pidfd < 0) {
		r = open_missing(e, e->types);
		if (r < 0) {
			if (reterr_type)
				*reterr_type = NS_TYPE_MAX;
			return r;
		}
	}
	/* Two passes, as nsenter(1): without the user namespace first, for
	 * a caller who gives up privilege by entering it last; then what
	 * remains with the user namespace first, for one who gains the
	 * privilege to enter the rest from it. A lone user namespace is
	 * tried in the first pass already. */
	join_pass(e, first ? first : e->types, false, NULL);
	if (!e->types)
		return 0;
	return join_pass(e, e->types, true, reterr_type);
}

void ns_enter_release(struct ns_enter *e)
{
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		if (e->fd[t] >= 0)
			close(e->fd[t]);
		e->fd[t] = -1;
	}
	if (e->pidfd >= 0)
		close(e->pidfd);
	if (e->proc_fd >= 0)
		close(e->proc_fd);
	e->pidfd = e->proc_fd = -1;
}

int ns_environ_read(int proc_fd, char ***ret, size_t *ret_n)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char **vec = NULL;
	size_t len = 0, n = 0;
	int r;

	fd = openat(proc_fd, "environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read_all_fd_len(fd, &buf, &len);
	if (r < 0)
		return r;
	/* strings of NAME=value; one without '=' or with an empty name is
	 * no variable */
	vec = calloc(len / 2 + 2, sizeof(*vec));
	if (!vec)
		return -ENOMEM;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
		char *eq = strchr(buf + i, '=');

		if (eq && eq != buf + i)
			vec[n++] = buf + i;
	}
	vec[n] = NULL;
	/* no leak: each copy is kept in vec, freed on failure or handed to
	 * the caller; gcc 12's analyzer loses track of a pointer stored into
	 * an array element */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
	for (size_t i = 0; i < n; i++) {
		vec[i] = strdup(vec[i]);
		if (!vec[i]) {
			while (i--)
				free(vec[i]);
			return -ENOMEM;
		}
	}
	*ret = take_ptr(&vec);
	*ret_n = n;
	return 0;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}

int ns_cgroup_path_read(int proc_fd, char **ret)
{
	_cleanup_free_ char *text = NULL;
	char *line, *colon, *path, *save = NULL;
	int r;

	r = read_all_at(proc_fd, "cgroup", &text);
	if (r < 0)
		return r;
	/* the cgroup v2 line is "0::/path", beside v1 lines on a hybrid
	 * system */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "0::", 3) == 0)
			break;
	colon = line ? line + 2 : NULL;
	if (!colon || colon[1] != '/')
		return -EBADMSG;
	path = strdup(colon + 1);
	if (!path)
		return -ENOMEM;
	*ret = path;
	return 0;
}

int ns_cgroup_procs_open(const char *cgroup_root, const char *path)
{
	_cleanup_close_ int root = -1;
	_cleanup_free_ char *rel = NULL;
	struct open_how how = {
		.flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
	};
	struct statfs sfs;
	int fd;

	root = open(cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	if (fstatfs(root, &sfs) < 0)
		return -errno;
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return -EMEDIUMTYPE;
	if (asprintf(&rel, ".%s/cgroup.procs", path) < 0)
		return -ENOMEM;
	/* the path is the target's word: it may not climb out of the tree */
	fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}
