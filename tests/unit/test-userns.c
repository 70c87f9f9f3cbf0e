/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Process and namespace helpers: fork with a pidfd, ns files, setns, persistence, parent watch. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"

static ino_t fd_ino(int fd)
{
	struct stat st;

	test_assert(fstat(fd, &st) == 0);
	return st.st_ino;
}

static ino_t path_ino(const char *path)
{
	struct stat st;

	test_assert(stat(path, &st) == 0);
	return st.st_ino;
}

/* Runs @fn in a child and returns its exit status; a child killed by a
 * signal (a failed assert) fails the test here. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = ns_fork(NULL);

	test_assert(pid >= 0);
	if (pid == 0)
		_exit(fn());
	test_assert_int(ns_wait(pid, &status), 0);
	test_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_fork_pidfd(void)
{
	struct pollfd p = { .events = POLLIN };
	int status, pidfd = -1;
	pid_t pid;

	pid = ns_fork(&pidfd);
	test_assert(pid >= 0);
	if (pid == 0)
		_exit(3);
	test_assert(pidfd >= 0);
	test_assert(fcntl(pidfd, F_GETFD) & FD_CLOEXEC);
	/* the pidfd turns readable when its process ends */
	p.fd = pidfd;
	test_assert_int(poll(&p, 1, 5000), 1);
	test_assert_int(ns_wait(pid, &status), 0);
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	test_assert_int(ns_wait(pid, &status), -ECHILD);
	close(pidfd);

	test_assert_int(ns_pidfd_open(-1), -EINVAL);
}

static void test_files(void)
{
	int fd, dir;

	dir = ns_proc_open(0);
	test_assert(dir >= 0);
	test_assert(faccessat(dir, "uid_map", F_OK, 0) == 0);
	close(dir);
	dir = ns_proc_open(getpid());
	test_assert(dir >= 0);
	close(dir);
	test_assert_int(ns_proc_open(-1), -EINVAL);

	for (int t = 0; t < NS_TYPE_MAX; t++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_type_proc_name(t, false));
		if (access(path, F_OK) < 0)
			continue;
		fd = ns_open(0, t, false);
		test_assert(fd >= 0);
		test_assert(fd_ino(fd) == path_ino(path));
		close(fd);
	}
	test_assert_int(ns_open(0, NS_TYPE_MAX, false), -EINVAL);
	test_assert_int(ns_open(-2, NS_TYPE_NET, false), -EINVAL);
}

/* A child in new user and network namespaces holds them while a second
 * child joins them, once through the pidfd and once through the ns files. */
static int holder_ready[2];

static int hold_namespaces(int parent_pidfd)
{
	char c = 0;

	/* a failed assert in the test must not leave the holder behind */
	if (ns_parent_watch(parent_pidfd, SIGKILL) < 0)
		return 1;
	if (ns_unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return 77;
	if (write(holder_ready[1], &c, 1) != 1)
		return 1;
	pause();
	return 0;
}

static pid_t holder;
static int holder_pidfd;

static int join_by_pidfd(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)holder);
	if (ns_setns(holder_pidfd, CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return 1;
	return path_ino("/proc/self/ns/net") == path_ino(path) ? 0 : 2;
}

static int join_by_file(void)
{
	int user = ns_open(holder, NS_TYPE_USER, false);
	int net = ns_open(holder, NS_TYPE_NET, false);

	if (user < 0 || net < 0)
		return 1;
	/* the type check of an ns file */
	if (ns_setns(net, CLONE_NEWUSER) != -EINVAL)
		return 2;
	if (ns_setns(user, CLONE_NEWUSER) < 0 || ns_setns(net, CLONE_NEWNET) < 0)
		return 3;
	return fd_ino(net) == path_ino("/proc/self/ns/net") ? 0 : 4;
}

/* In our own user and mount namespaces, persist the holder's network
 * namespace on a file, check the bind, and take it back. */
static int persist_and_unpersist(void)
{
	char file[] = "/tmp/nsutils-test-persist.XXXXXX";
	char path[64];
	int fd, r = 0;

	fd = mkstemp(file);
	if (fd < 0)
		return 1;
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)holder);
	if (ns_setns(holder_pidfd, CLONE_NEWUSER) < 0 || ns_unshare(CLONE_NEWNS) < 0)
		r = 2;
	else if (ns_persist(holder, NS_TYPE_NET, file) < 0)
		r = 3;
	else if (path_ino(file) != path_ino(path))
		r = 4;
	else if (ns_unpersist(file) < 0)
		r = 5;
	else if (path_ino(file) == path_ino(path))
		r = 6;
	else if (ns_unpersist(file) != -EINVAL)
		r = 7;
	unlink(file);
	return r;
}

/* The same through fds: the target opened without symlinks, the namespace
 * taken from the pidfd, the bind undone through the mount's own fd. */
static int persist_by_fds(void)
{
	char dir[] = "/tmp/nsutils-test-persist.XXXXXX";
	char file[128], link[128], dlink[128], sub[128], path[64];
	int r = 0, target = -1, ns = -1, tree = -1, proc = -1;

	if (!mkdtemp(dir))
		return 1;
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(dlink, sizeof(dlink), "%s/dlink", dir);
	snprintf(sub, sizeof(sub), "%s/dlink/file", dir);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)holder);
	close(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	if (symlink(file, link) < 0 || symlink(dir, dlink) < 0)
		r = 2;
	else if (ns_setns(holder_pidfd, CLONE_NEWUSER) < 0 || ns_unshare(CLONE_NEWNS) < 0)
		r = 3;
	else if (ns_persist_open_target(link) != -ELOOP || ns_persist_open_target(sub) != -ELOOP)
		r = 4;
	else if (ns_persist_open_target(dir) != -ENOTDIR)
		r = 5;
	else if (ns_persist_open_target("/nonexistent/x") != -ENOENT)
		r = 6;
	else if (ns_persist(holder, NS_TYPE_NET, link) != -ELOOP)
		r = 7;
	else if ((target = ns_persist_open_target(file)) < 0)
		r = 8;
	else if ((ns = ns_open_pidfd(holder_pidfd, -1, NS_TYPE_NET, false)) < 0)
		r = 9;
	else if (fd_ino(ns) != path_ino(path))
		r = 10;
	else if (ns_persist_fd(ns, target, &tree) < 0)
		r = 11;
	else if (path_ino(file) != path_ino(path))
		r = 12;
	else if (ns_unpersist_fd(tree) < 0)
		r = 13;
	else if (path_ino(file) == path_ino(path))
		r = 14;
	else if (ns_unpersist_fd(tree) != -EINVAL)
		r = 15;
	else if ((proc = ns_proc_open_pidfd(holder, holder_pidfd)) < 0)
		r = 16;
	if (ns >= 0)
		close(ns);
	/* pid_for_children comes from the pinned /proc directory only */
	if (r == 0 && ns_open_pidfd(holder_pidfd, -1, NS_TYPE_PID, true) != -ENOTTY)
		r = 17;
	if (r == 0) {
		ns = ns_open_pidfd(holder_pidfd, proc, NS_TYPE_UTS, false);
		if (ns < 0)
			r = 18;
		else
			close(ns);
	}
	if (proc >= 0)
		close(proc);
	if (tree >= 0)
		close(tree);
	if (target >= 0)
		close(target);
	unlink(link);
	unlink(dlink);
	unlink(file);
	rmdir(dir);
	return r;
}

/* A pidfd of a process that has ended pins no /proc directory, even when
 * the number is taken again. */
static void test_proc_pidfd_dead(void)
{
	int pidfd, status;
	pid_t pid = ns_fork(&pidfd);

	test_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	test_assert_int(ns_wait(pid, &status), 0);
	test_assert_int(ns_proc_open_pidfd(pid, pidfd), -ESRCH);
	test_assert_int(ns_open_pidfd(pidfd, -1, NS_TYPE_NET, false), -ESRCH);
	close(pidfd);
	pidfd = ns_pidfd_open(getpid());
	test_assert(pidfd >= 0);
	status = ns_proc_open_pidfd(getpid(), pidfd);
	test_assert(status >= 0);
	close(status);
	close(pidfd);
}

static void test_setns_persist(void)
{
	int self = ns_pidfd_open(getpid());
	int status, r;
	char c;

	test_assert(self >= 0);
	test_assert(pipe(holder_ready) == 0);
	holder = ns_fork(&holder_pidfd);
	test_assert(holder >= 0);
	if (holder == 0) {
		close(holder_ready[0]);
		_exit(hold_namespaces(self));
	}
	close(self);
	close(holder_ready[1]);
	if (read(holder_ready[0], &c, 1) != 1) {
		test_assert_int(ns_wait(holder, &status), 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
			fprintf(stderr, "SKIP: user namespaces unavailable\n");
			exit(77);
		}
		test_assert(!"namespace holder failed");
	}
	close(holder_ready[0]);

	test_assert_int(in_child(join_by_pidfd), 0);
	test_assert_int(in_child(join_by_file), 0);
	r = in_child(persist_and_unpersist);
	test_assert_int(r, 0);
	r = in_child(persist_by_fds);
	test_assert_int(r, 0);

	kill(holder, SIGKILL);
	test_assert_int(ns_wait(holder, &status), 0);
	close(holder_pidfd);
}

/* ns_parent_watch sees a living parent and reports one already gone. */
static int watch_living_parent(void)
{
	int pidfd = ns_pidfd_open(getppid());

	if (pidfd < 0)
		return 1;
	return ns_parent_watch(pidfd, SIGTERM) == 0 ? 0 : 2;
}

/* The grandchild outlives its parent and writes its verdict, 'y' for the
 * expected -ESRCH, to the pipe at @fd. */
static int watch_dead_parent(int fd)
{
	struct pollfd p = { .events = POLLIN };
	pid_t pid;
	char verdict;

	p.fd = ns_pidfd_open(getpid());
	if (p.fd < 0)
		return 1;
	pid = ns_fork(NULL);
	if (pid < 0)
		return 2;
	if (pid > 0)
		return 0;
	if (poll(&p, 1, 5000) != 1)
		verdict = 't';
	else
		verdict = ns_parent_watch(p.fd, SIGTERM) == -ESRCH ? 'y' : 'n';
	_exit(write(fd, &verdict, 1) == 1 ? 0 : 1);
}

static void test_parent_watch(void)
{
	int fds[2], status;
	pid_t pid;
	char c = 0;

	test_assert_int(in_child(watch_living_parent), 0);

	test_assert(pipe(fds) == 0);
	pid = ns_fork(NULL);
	test_assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(watch_dead_parent(fds[1]));
	}
	close(fds[1]);
	test_assert_int(ns_wait(pid, &status), 0);
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	test_assert_int(read(fds[0], &c, 1), 1);
	test_assert_int(c, 'y');
	close(fds[0]);
}

/* The inode of a namespace, through /proc and through a saved /proc fd. */
static void test_inode(void)
{
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	uint64_t ino = 0, ino2 = 0;
	struct stat st;

	test_assert(proc >= 0);
	test_assert(stat("/proc/self/ns/net", &st) == 0);
	test_assert_int(ns_inode_at(-1, 0, NS_TYPE_NET, &ino), 0);
	test_assert(ino == st.st_ino);
	test_assert_int(ns_inode_at(proc, getpid(), NS_TYPE_NET, &ino2), 0);
	test_assert(ino2 == st.st_ino);
	test_assert_int(ns_inode_at(proc, 0, NS_TYPE_USER, &ino), 0);
	test_assert(stat("/proc/self/ns/user", &st) == 0 && ino == st.st_ino);
	test_assert_int(ns_inode_at(proc, 0, NS_TYPE_MAX, &ino), -EINVAL);
	/* a PID that cannot exist */
	test_assert_int(ns_inode_at(proc, 0x7fffffff, NS_TYPE_NET, &ino), -ENOENT);
	close(proc);
}

/* A child and its grandchild, both killed through a saved /proc fd; the
 * call refuses no fd and a /proc whose PIDs are not the caller's. */
static void test_kill_descendants(void)
{
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int status, p[2], r;
	pid_t pid;
	char c;

	test_assert(proc >= 0);
	test_assert_int(ns_kill_descendants(-1, SIGKILL), -EBADF);
	test_assert(pipe(p) == 0);
	pid = ns_fork(NULL);
	test_assert(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (fork() == 0) {
			close(p[1]);
			pause();
			_exit(0);
		}
		/* the grandchild is forked once this byte is read */
		(void)!write(p[1], "", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	test_assert(read(p[0], &c, 1) == 1);
	close(p[0]);
	r = ns_kill_descendants(proc, SIGKILL);
	test_assert_int(r, 2);
	test_assert_int(ns_wait(pid, &status), 0);
	test_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	test_assert_int(ns_kill_descendants(proc, SIGKILL), 0);
	close(proc);
}

/* A proc whose "self" is not exactly the caller's PID is another one. */
static void test_kill_descendants_self(void)
{
	char dir[] = "/tmp/nsutils-proc.XXXXXX", link[64], self[64];
	int fd;

	test_assert(mkdtemp(dir) != NULL);
	snprintf(link, sizeof(link), "%dx", (int)getpid());
	snprintf(self, sizeof(self), "%s/self", dir);
	test_assert(symlink(link, self) == 0);
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	test_assert(fd >= 0);
	test_assert_int(ns_kill_descendants(fd, SIGKILL), -EXDEV);
	close(fd);
	test_assert(unlink(self) == 0 && rmdir(dir) == 0);
}

/* The PIDs of a children file, as the walk of ns_kill_descendants() takes
 * them: a bad one ends the walk where it stands. */
static void test_children_pids(void)
{
	static const char *const bad[] = { "", " 1", "0 ", "-1", "1x", "+1", "1\t2", "1,2" };
	const char *p = "12 34 \n5\n";
	pid_t pid;

	test_assert_int(children_next_pid(&p, &pid), 0);
	test_assert_int(pid, 12);
	test_assert_int(children_next_pid(&p, &pid), 0);
	test_assert_int(pid, 34);
	test_assert_int(children_next_pid(&p, &pid), 0);
	test_assert_int(pid, 5);
	test_assert_int(*p, '\0');
	p = "2147483647";
	test_assert_int(children_next_pid(&p, &pid), 0);
	test_assert_int(pid, 2147483647);
	p = "2147483648 ";
	test_assert_int(children_next_pid(&p, &pid), -ERANGE);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *q = bad[i];

		pid = -1;
		test_assert_int(children_next_pid(&q, &pid), -EBADMSG);
		test_assert(q == bad[i] && pid == -1);
	}
}

int main(void)
{
	test_children_pids();
	test_fork_pidfd();
	test_files();
	test_setns_persist();
	test_proc_pidfd_dead();
	test_parent_watch();
	test_inode();
	test_kill_descendants();
	test_kill_descendants_self();
	return 0;
}
