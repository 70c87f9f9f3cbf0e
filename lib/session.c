/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Named sessions: namespaces kept under the caller's runtime directory, by binds or an init. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"
#include "nsinfo-mounts.h"

struct session_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#define SESSION_TYPES "types"
#define SESSION_INIT "init"

/* the order a session is joined in, as nsenter(1) takes them: the user
 * namespace first gives the rights the others need */
static const enum ns_type join_order[NS_TYPE_MAX] = {
	NS_TYPE_USER, NS_TYPE_CGROUP, NS_TYPE_IPC, NS_TYPE_UTS,
	NS_TYPE_NET,  NS_TYPE_PID,    NS_TYPE_MNT, NS_TYPE_TIME,
};

/* @name below @dirfd, never through a symlink or out of @dirfd */
static int open_beneath(int dirfd, const char *name, uint64_t flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, name, (int)how.flags);
	return fd < 0 ? -errno : fd;
}

int ns_session_name_check(const char *name)
{
	size_t n;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (n == 0 || n > NS_SESSION_NAME_MAX || name[0] == '-' || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return -EINVAL;
	return 0;
}

bool ns_session_root(void)
{
	static const char *const want[] = { "0", "0", "4294967295" };
	char buf[128], *save = NULL, *w;
	size_t n = 0;

	if (geteuid() != 0)
		return false;
	/* uid 0 of a user namespace is no root of /run: the initial one
	 * maps every id onto itself, in one line */
	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", buf, sizeof(buf)) < 0)
		return false;
	for (w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (n >= 3 || strcmp(w, want[n]) != 0)
			return false;
		n++;
	}
	return n == 3;
}

int ns_session_dir(char **ret)
{
	const char *rt = "/run";
	char *p;

	if (!ns_session_root()) {
		rt = secure_getenv("XDG_RUNTIME_DIR");
		if (!rt || rt[0] != '/')
			return -ENXIO;
	}
	if (asprintf(&p, "%s/nsutils", rt) < 0)
		return -ENOMEM;
	*ret = p;
	return 0;
}

static int mnt_id_of(int fd, uint64_t *ret)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*ret = stx.stx_mnt_id;
	return 0;
}

/* Binds a mount namespace file fail with a bare EINVAL where the mount
 * holding the target is shared: the directory becomes a private mount of
 * its own, bound onto itself the first time. Returns the fd, reopened
 * onto the new mount. */
static int make_private(int rtfd, int fd)
{
	struct session_mount_attr attr = { .propagation = MS_PRIVATE };
	uint64_t here, parent;
	int r;

	r = mnt_id_of(fd, &here);
	if (r < 0)
		return r;
	r = mnt_id_of(rtfd, &parent);
	if (r < 0)
		return r;
	if (here == parent) {
		_cleanup_close_ int tree = (int)syscall(SYS_open_tree, fd, "",
							OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);

		if (tree < 0)
			return -errno;
		if (syscall(SYS_move_mount, tree, "", fd, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return -errno;
		close(fd);
		fd = open_beneath(rtfd, "nsutils", O_PATH | O_DIRECTORY);
		if (fd < 0)
			return fd;
	}
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int ns_session_dir_open(bool create, int *ret_fd)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int rtfd = -1, fd = -1;
	struct stat st;
	char *slash;
	int r;

	r = ns_session_dir(&dir);
	if (r < 0)
		return r;
	slash = strrchr(dir, '/');
	*slash = '\0';
	rtfd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (rtfd < 0)
		return -errno;
	/* the runtime directory must be the caller's own: another user's
	 * would let them swap the sessions under us */
	if (fstat(rtfd, &st) < 0)
		return -errno;
	if (st.st_uid != geteuid())
		return -EPERM;
	fd = open_beneath(rtfd, "nsutils", O_PATH | O_DIRECTORY);
	if (fd == -ENOENT && create) {
		if (mkdirat(rtfd, "nsutils", 0700) < 0 && errno != EEXIST)
			return -errno;
		fd = open_beneath(rtfd, "nsutils", O_PATH | O_DIRECTORY);
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_uid != geteuid())
		return -EPERM;
	if (create && ns_session_root()) {
		fd = make_private(rtfd, take_fd(&fd));
		if (fd < 0)
			return fd;
	}
	*ret_fd = take_fd(&fd);
	return 0;
}

/* a new record file @name below @dirfd holding @text; one that could not
 * be written whole is removed again, so no reader finds half a record */
static int write_record(int dirfd, const char *name, const char *text)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, name, 0);
	return r;
}

int ns_session_create(int dirfd, const char *name, uint32_t types, int *ret_fd)
{
	char text[NS_TYPE_MAX * 8 + 2] = "";
	_cleanup_close_ int fd = -1;
	int r;

	r = ns_session_name_check(name);
	if (r < 0)
		return r;
	if (mkdirat(dirfd, name, 0700) < 0)
		return -errno;
	fd = open_beneath(dirfd, name, O_PATH | O_DIRECTORY);
	if (fd < 0) {
		r = fd;
		goto fail;
	}
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (types & (1u << t)) {
			if (text[0])
				strcat(text, ",");
			strcat(text, ns_type_name(t));
		}
	strcat(text, "\n");
	r = write_record(fd, SESSION_TYPES, text);
	if (r < 0)
		goto fail;
	*ret_fd = take_fd(&fd);
	return 0;
fail:
	if (fd >= 0)
		unlinkat(fd, SESSION_TYPES, 0);
	unlinkat(dirfd, name, AT_REMOVEDIR);
	return r;
}

int ns_session_open(int dirfd, const char *name, int *ret_fd)
{
	int r = ns_session_name_check(name), fd;

	if (r < 0)
		return r;
	fd = open_beneath(dirfd, name, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

int ns_session_target(int sfd, enum ns_type type, int *ret_fd)
{
	const char *name = ns_type_name(type);
	int fd;

	if (!name)
		return -EINVAL;
	fd = openat(sfd, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0)
		return -errno;
	close(fd);
	fd = open_beneath(sfd, name, O_PATH);
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

static int pidfd_ino(int pidfd, uint64_t *ret)
{
	struct stat st;

	if (fstat(pidfd, &st) < 0)
		return -errno;
	*ret = st.st_ino;
	return 0;
}

/* The init of a session: PID 1 of its PID namespace when it has one. It
 * holds nothing of its creator's (no fd, no terminal) and reaps whatever
 * is reparented to it; every signal but SIGKILL waits, so only one sent
 * on purpose ends it (and, with it, its PID namespace). */
static noreturn void keeper(int commit_fd)
{
	sigset_t all, chld;
	ssize_t n;
	char c;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/* nothing of the creator's: a helper it forked waits for the end
	 * of a pipe that only the creator may keep open */
	if (commit_fd > 0)
		syscall(SYS_close_range, 0U, (unsigned)commit_fd - 1, 0U);
	syscall(SYS_close_range, (unsigned)commit_fd + 1, ~0U, 0U);
	/* a creator that dies or fails before the session is complete
	 * takes its init with it: nothing of a half-made session runs on */
	do
		n = read(commit_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	close(commit_fd);
	setsid();
	(void)!chdir("/");
	prctl(PR_SET_PDEATHSIG, 0);
	prctl(PR_SET_NAME, "nsrun-init");
	for (;;) {
		siginfo_t si;

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sigwaitinfo(&chld, &si);
	}
}

int ns_session_start_init(int sfd, pid_t *ret_pid, int *ret_commit_fd)
{
	_cleanup_close_ int pidfd = -1, commit_r = -1, commit_w = -1;
	int p[2];
	char text[64];
	uint64_t ino = 0;
	pid_t pid;
	int r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	commit_r = p[0];
	commit_w = p[1];
	pid = ns_fork(&pidfd);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		close(commit_w);
		keeper(commit_r);
	}
	r = pidfd_ino(pidfd, &ino);
	if (r < 0)
		goto fail;
	snprintf(text, sizeof(text), "%d:%llu\n", (int)pid, (unsigned long long)ino);
	r = write_record(sfd, SESSION_INIT, text);
	if (r < 0)
		goto fail;
	if (ret_pid)
		*ret_pid = pid;
	*ret_commit_fd = take_fd(&commit_w);
	return 0;
fail:
	ns_pidfd_send_signal(pidfd, SIGKILL);
	waitpid(pid, NULL, 0);
	return r;
}

/* "PID:INODE\n" exactly: the file is the caller's, but parsed as hostile */
static int parse_init(const char *s, pid_t *ret_pid, uint64_t *ret_ino)
{
	const char *colon = strchr(s, ':');
	uint32_t pid;
	uint64_t ino = 0;
	const char *p;

	if (!colon || parse_u32_n(s, (size_t)(colon - s), &pid) < 0 || pid == 0 ||
	    pid > INT32_MAX)
		return -EBADMSG;
	for (p = colon + 1; *p >= '0' && *p <= '9'; p++) {
		if (ino > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EBADMSG;
		ino = ino * 10 + (uint64_t)(*p - '0');
	}
	if (p == colon + 1 || strcmp(p, "\n") != 0)
		return -EBADMSG;
	*ret_pid = (pid_t)pid;
	*ret_ino = ino;
	return 0;
}

int ns_session_read(int sfd, struct ns_session_info *ret)
{
	struct ns_session_info si = { 0 };
	char buf[128], *save = NULL;
	struct stat st;
	int r;

	if (fstat(sfd, &st) < 0)
		return -errno;
	si.created = st.st_mtime;
	r = read_file_at(sfd, SESSION_TYPES, buf, sizeof(buf));
	if (r < 0)
		return r == -ENOENT ? -EBADMSG : r;
	if (!strchr(buf, '\n'))
		return -EBADMSG;
	*strchr(buf, '\n') = '\0';
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int t = ns_type_from_name(w);

		if (t < 0)
			return -EBADMSG;
		si.types |= 1u << t;
	}
	if (!si.types)
		return -EBADMSG;
	r = read_file_at(sfd, SESSION_INIT, buf, sizeof(buf));
	if (r >= 0) {
		r = parse_init(buf, &si.init_pid, &si.init_ino);
		if (r < 0)
			return r;
	} else if (r != -ENOENT) {
		return r;
	}
	*ret = si;
	return 0;
}

/* a pidfd of @pid if it is the process of pidfd inode @ino and has not
 * exited (a zombie's pidfd is readable) */
static int pidfd_checked(pid_t pid, uint64_t ino)
{
	_cleanup_close_ int pidfd = ns_pidfd_open(pid);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	uint64_t got;
	int r;

	if (pidfd < 0)
		return pidfd;
	r = pidfd_ino(pidfd, &got);
	if (r < 0)
		return r;
	/* the number now another process's: the init is gone */
	if (got != ino)
		return -ESRCH;
	if (poll(&p, 1, 0) > 0)
		return -ESRCH;
	return take_fd(&pidfd);
}

int ns_session_init_open(const struct ns_session_info *si, int *ret_pidfd)
{
	int fd;

	if (si->init_pid <= 0)
		return -ENOENT;
	fd = pidfd_checked(si->init_pid, si->init_ino);
	/* The PID is the creator's view; inside the session's own PID
	 * namespace its init is PID 1, the same process by its inode. */
	if (fd < 0 && si->init_pid != 1) {
		int r = pidfd_checked(1, si->init_ino);

		if (r >= 0)
			fd = r;
	}
	if (fd < 0)
		return fd;
	*ret_pidfd = fd;
	return 0;
}

/* @fd is a namespace file of @type */
static int check_ns(int fd, enum ns_type type)
{
	struct statfs sfs;
	int t;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -ESTALE;
	t = ioctl(fd, NS_GET_NSTYPE);
	if (t < 0)
		return errno == ENOTTY ? -ESTALE : -errno;
	return t == ns_type_flag(type) ? 0 : -ESTALE;
}

int ns_session_open_ns(int sfd, enum ns_type type)
{
	struct ns_session_info si;
	_cleanup_close_ int fd = -1, pidfd = -1, proc = -1;
	int r;

	r = ns_session_read(sfd, &si);
	if (r < 0)
		return r;
	if (type >= NS_TYPE_MAX || !(si.types & (1u << type)))
		return -ENOENT;
	/* a bound file (root's sessions), else through the init */
	fd = open_beneath(sfd, ns_type_name(type), O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0 && check_ns(fd, type) == 0)
		return take_fd(&fd);
	if (fd < 0 && fd != -ENOENT)
		return fd;
	r = ns_session_init_open(&si, &pidfd);
	if (r == -ENOENT || r == -ESRCH)
		return -ESTALE;
	if (r < 0)
		return r;
	r = ns_open_pidfd(pidfd, -1, type, false);
	if (r == -ENOTTY) {
		proc = ns_proc_open_pidfd(si.init_pid, pidfd);
		if (proc < 0)
			return proc == -ESRCH ? -ESTALE : proc;
		r = ns_open_pidfd(pidfd, proc, type, false);
	}
	/* exited between the check and the open */
	return r == -ESRCH ? -ESTALE : r;
}

int ns_session_open_name(const char *name, enum ns_type type)
{
	_cleanup_close_ int dirfd = -1, sfd = -1;
	int r;

	r = ns_session_name_check(name);
	if (r < 0)
		return -ENOENT;
	/* no sessions directory of the caller's: no session of that name */
	r = ns_session_dir_open(false, &dirfd);
	if (r < 0)
		return -ENOENT;
	r = ns_session_open(dirfd, name, &sfd);
	if (r < 0)
		return r;
	return ns_session_open_ns(sfd, type);
}

static int same_ns(int fd, enum ns_type type)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_type_proc_name(type, false));
	if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
		return -errno;
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int ns_session_join(int sfd, uint32_t *ret_types, enum ns_type *reterr_type)
{
	int fd[NS_TYPE_MAX];
	struct ns_session_info si;
	uint32_t joined = 0;
	int r = 0;

	for (int t = 0; t < NS_TYPE_MAX; t++)
		fd[t] = -1;
	r = ns_session_read(sfd, &si);
	if (r < 0)
		return r;
	/* every file first: joining the mount namespace changes what a
	 * path means */
	for (int i = 0; i < NS_TYPE_MAX && r == 0; i++) {
		enum ns_type t = join_order[i];

		if (!(si.types & (1u << t)))
			continue;
		fd[t] = ns_session_open_ns(sfd, t);
		if (fd[t] < 0) {
			r = fd[t];
			if (reterr_type)
				*reterr_type = t;
		}
	}
	for (int i = 0; i < NS_TYPE_MAX && r == 0; i++) {
		enum ns_type t = join_order[i];

		if (fd[t] < 0)
			continue;
		/* setns(2) refuses the caller's own user namespace */
		if (t == NS_TYPE_USER && same_ns(fd[t], t) == 1)
			continue;
		if (setns(fd[t], ns_type_flag(t)) < 0) {
			r = -errno;
			if (reterr_type)
				*reterr_type = t;
			break;
		}
		joined |= 1u << t;
	}
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (fd[t] >= 0)
			close(fd[t]);
	if (r == 0 && ret_types)
		*ret_types = joined;
	return r;
}

/* Unmounts everything on @name below @sfd, then removes it. */
static int remove_target(int sfd, const char *name)
{
	for (int n = 0; n < 16; n++) {
		_cleanup_close_ int fd = open_beneath(sfd, name, O_PATH);
		struct statfs sfs;
		int r;

		if (fd == -ENOENT)
			return 0;
		if (fd < 0)
			return fd;
		if (fstatfs(fd, &sfs) < 0)
			return -errno;
		if (sfs.f_type != NSFS_MAGIC)
			break;
		r = ns_unpersist_fd(fd);
		if (r < 0)
			return r;
	}
	if (unlinkat(sfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* ip-netns(8)'s name of the session's network namespace, made by root's
 * sessions: only if it still is the session's own namespace. */
static int remove_netns_name(int sfd, const char *name)
{
	_cleanup_close_ int fd = -1, dir = -1, nfd = -1;
	struct stat a, b;

	fd = open_beneath(sfd, "net", O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || check_ns(fd, NS_TYPE_NET) < 0)
		return 0;
	dir = open("/run/netns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return 0;
	nfd = open_beneath(dir, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (nfd < 0 || check_ns(nfd, NS_TYPE_NET) < 0)
		return 0;
	if (fstat(fd, &a) < 0 || fstat(nfd, &b) < 0 || a.st_ino != b.st_ino)
		return 0;
	return remove_target(dir, name);
}

int ns_session_destroy(int dirfd, const char *name)
{
	_cleanup_close_ int sfd = -1, pidfd = -1;
	struct ns_session_info si = { 0 };
	int r;

	r = ns_session_open(dirfd, name, &sfd);
	if (r < 0)
		return r;
	r = ns_session_read(sfd, &si);
	if (r < 0 && r != -EBADMSG)
		return r;
	if (ns_session_init_open(&si, &pidfd) == 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		r = ns_pidfd_send_signal(pidfd, SIGKILL);
		if (r < 0 && r != -ESRCH)
			return r;
		/* readable once it has exited; its PID namespace goes with it */
		while (poll(&p, 1, 10000) < 0 && errno == EINTR)
			;
	}
	if (ns_session_root()) {
		r = remove_netns_name(sfd, name);
		if (r < 0)
			return r;
	}
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		r = remove_target(sfd, ns_type_name(t));
		if (r < 0)
			return r;
	}
	if (unlinkat(sfd, SESSION_INIT, 0) < 0 && errno != ENOENT)
		return -errno;
	if (unlinkat(sfd, SESSION_TYPES, 0) < 0 && errno != ENOENT)
		return -errno;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		return -errno;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ns_session_list(int dirfd, char ***ret, size_t *ret_n)
{
	_cleanup_close_ int fd = open_beneath(dirfd, ".", O_RDONLY | O_DIRECTORY);
	DIR *d;
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;
	int r = 0;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d)
		return -errno;
	fd = -1;
	while ((e = readdir(d))) {
		char **p;

		struct stat st;

		if (ns_session_name_check(e->d_name) < 0)
			continue;
		/* some filesystems leave the type to a stat */
		if (e->d_type != DT_DIR &&
		    (e->d_type != DT_UNKNOWN ||
		     fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISDIR(st.st_mode)))
			continue;
		p = reallocarray(v, n + 2, sizeof(*v));
		if (!p) {
			r = -ENOMEM;
			break;
		}
		v = p;
		v[n] = strdup(e->d_name);
		if (!v[n]) {
			r = -ENOMEM;
			break;
		}
		v[++n] = NULL;
	}
	closedir(d);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r;
	}
	if (n)
		qsort(v, n, sizeof(*v), name_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* /etc/netns/@name/ENTRY over /etc/ENTRY, as ip-netns(8) exec does */
static int bind_etc(const char *name)
{
	char dir[PATH_MAX], src[PATH_MAX * 2], dst[PATH_MAX * 2];
	struct dirent *e;
	DIR *d;
	int r = 0;

	snprintf(dir, sizeof(dir), "/etc/netns/%s", name);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, e->d_name);
		snprintf(dst, sizeof(dst), "/etc/%s", e->d_name);
		if (mount(src, dst, "none", MS_BIND, NULL) < 0) {
			r = -errno;
			break;
		}
	}
	closedir(d);
	return r;
}

int ns_session_join_netns(const char *name)
{
	_cleanup_close_ int dir = -1, fd = -1;
	struct statfs sfs;
	unsigned long flags = 0;
	int r;

	r = ns_session_name_check(name);
	if (r < 0)
		return -ENOENT;
	dir = open("/run/netns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	fd = open_beneath(dir, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	r = check_ns(fd, NS_TYPE_NET);
	if (r < 0)
		return r;
	/* a mount namespace of its own, where /sys shows this network
	 * namespace's devices and /etc its own files */
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		return -errno;
	if (statfs("/sys", &sfs) == 0 && (sfs.f_flags & ST_RDONLY))
		flags |= MS_RDONLY;
	if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	if (mount(name, "/sys", "sysfs", flags, NULL) < 0)
		return -errno;
	return bind_etc(name);
}

int ns_info_add_session_names(struct ns_info *info)
{
	_cleanup_close_ int dirfd = -1;
	char **names = NULL;
	size_t n = 0;
	int r;

	if (ns_session_dir_open(false, &dirfd) < 0)
		return 0;
	r = ns_session_list(dirfd, &names, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int sfd = -1;
		struct ns_session_info si;

		if (r == 0 && ns_session_open(dirfd, names[i], &sfd) == 0 &&
		    ns_session_read(sfd, &si) == 0) {
			for (int t = 0; t < NS_TYPE_MAX && r == 0; t++) {
				_cleanup_close_ int fd = -1;
				struct stat st;
				ssize_t idx;

				if (!(si.types & (1u << t)))
					continue;
				fd = ns_session_open_ns(sfd, t);
				if (fd < 0 || fstat(fd, &st) < 0)
					continue;
				idx = ns_info_find(info, st.st_ino);
				if (idx >= 0)
					r = nsi_list_add(&info->ns[idx].names, names[i]);
			}
		}
		free(names[i]);
	}
	free(names);
	return r;
}
