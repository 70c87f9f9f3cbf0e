/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Entering a process's namespaces: PID:INODE, pinning, nsfs helpers, the two-pass join. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "test.h"

static ino_t path_ino(const char *path)
{
	struct stat st;

	test_assert(stat(path, &st) == 0);
	return st.st_ino;
}

static void test_parse_target(void)
{
	pid_t pid = 0;
	uint64_t ino = 7;

	test_assert_int(ns_enter_parse_target("123", &pid, &ino), 0);
	test_assert_int(pid, 123);
	test_assert_int(ino, 0);
	test_assert_int(ns_enter_parse_target("42:18446744073709551615", &pid, &ino), 0);
	test_assert_int(pid, 42);
	test_assert(ino == UINT64_MAX);
	test_assert_int(ns_enter_parse_target("0", &pid, &ino), -ERANGE);
	test_assert_int(ns_enter_parse_target("-1", &pid, &ino), -ERANGE);
	test_assert_int(ns_enter_parse_target("2147483648", &pid, &ino), -ERANGE);
	test_assert_int(ns_enter_parse_target("1:0", &pid, &ino), -ERANGE);
	test_assert_int(ns_enter_parse_target("1:18446744073709551616", &pid, &ino), -ERANGE);
	test_assert_int(ns_enter_parse_target("", &pid, &ino), -EINVAL);
	test_assert_int(ns_enter_parse_target("abc", &pid, &ino), -EINVAL);
	test_assert_int(ns_enter_parse_target("12x", &pid, &ino), -EINVAL);
	test_assert_int(ns_enter_parse_target("12:", &pid, &ino), -EINVAL);
	test_assert_int(ns_enter_parse_target("12:3:4", &pid, &ino), -EINVAL);
	test_assert_int(ns_enter_parse_target(" 12", &pid, &ino), -EINVAL);
	test_assert_int(pid, 42);
}

/* A pidfd inode pins the process: the same PID with another inode, as a
 * reused PID has, is refused; a reaped child is no process. */
static void test_target_open(void)
{
	int pidfd = -1, proc = -1, r;
	uint64_t ino;
	pid_t child;

	test_assert_int(ns_enter_target_open(getpid(), 0, &pidfd, &proc), 0);
	test_assert(proc >= 0);
	test_assert(ns_proc_check_dir(proc) == 0);
	if (pidfd < 0)
		return;
	r = ns_pidfd_inode(pidfd, &ino);
	close(pidfd);
	close(proc);
	if (r == -EOPNOTSUPP)
		return;
	test_assert_int(r, 0);
	test_assert_int(ns_enter_target_open(getpid(), ino, &pidfd, &proc), 0);
	close(pidfd);
	close(proc);
	test_assert_int(ns_enter_target_open(getpid(), ino + 1, &pidfd, &proc), -ESTALE);

	child = fork();
	test_assert(child >= 0);
	if (child == 0)
		_exit(0);
	test_assert(waitpid(child, NULL, 0) == child);
	test_assert_int(ns_enter_target_open(child, 0, &pidfd, &proc), -ESRCH);
	test_assert_int(ns_enter_target_open(0, 0, &pidfd, &proc), -ESRCH);
}

static void test_fd_helpers(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), other, proc, r;
	uint64_t owner, id;
	uint32_t types;
	uid_t uid;
	struct stat st;

	test_assert(fd >= 0);
	test_assert_int(ns_fd_type(fd), NS_TYPE_NET);
	test_assert_int(ns_owner(fd, &owner, &uid), 0);
	test_assert(owner == path_ino("/proc/self/ns/user"));
	other = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	test_assert_int(ns_fd_type(other), NS_TYPE_USER);
	test_assert_int(ns_owner(other, &owner, &uid), 0);
	test_assert(owner == path_ino("/proc/self/ns/user"));
	close(other);
	other = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	test_assert_int(ns_fd_type(other), -ENOTTY);
	close(other);

	/* the caller's own user namespace is never one --all enters */
	proc = ns_proc_open(0);
	test_assert(proc >= 0);
	test_assert_int(ns_enter_usable_types(proc, &types), 0);
	test_assert(!(types & (1u << NS_TYPE_USER)));
	test_assert(types & (1u << NS_TYPE_NET));
	test_assert(types & (1u << NS_TYPE_MNT));
	close(proc);

	/* by id: the namespace of the caller's own net id */
	if (ioctl(fd, _IOR(0xb7, 0xd, uint64_t), &id) == 0) {
		other = ns_open_by_id(NS_TYPE_NET, id);
		if (other != -EOPNOTSUPP) {
			test_assert(other >= 0);
			test_assert(fstat(other, &st) == 0);
			test_assert(st.st_ino == path_ino("/proc/self/ns/net"));
			close(other);
			test_assert_int(ns_open_by_id(NS_TYPE_NET, UINT64_MAX - 1), -ESTALE);
		}
	}
	test_assert_int(ns_open_by_id(NS_TYPE_MAX, 1), -EINVAL);
	test_assert_int(ns_pidfd_getfd(-1, 0), -EBADF);
	test_assert_int(ns_socket_netns(fd), -ENOTTY);
	other = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	test_assert(other >= 0);
	r = ns_socket_netns(other);
	test_assert(r >= 0);
	test_assert(fstat(r, &st) == 0);
	test_assert(st.st_ino == path_ino("/proc/self/ns/net"));
	close(r);
	close(other);
	close(fd);
}

static void test_environ_cgroup(void)
{
	char **env, *path, dir[] = "/tmp/test-enter.XXXXXX";
	size_t n;
	int proc = ns_proc_open(0), r;

	test_assert(proc >= 0);
	test_assert_int(ns_environ_read(proc, &env, &n), 0);
	for (size_t i = 0; i < n; i++) {
		test_assert(strchr(env[i], '=') && env[i][0] != '=');
		free(env[i]);
	}
	test_assert(env[n] == NULL);
	free(env);
	r = ns_cgroup_path_read(proc, &path);
	test_assert(r == 0 || r == -EBADMSG);
	if (r == 0) {
		test_assert(path[0] == '/');
		free(path);
	}
	close(proc);
	test_assert(mkdtemp(dir));
	test_assert_int(ns_cgroup_procs_open(dir, "/"), -EMEDIUMTYPE);
	rmdir(dir);
}

/* In a user namespace of our own: a child in a network namespace of its
 * own joins its parent's through the parent's pidfd, and then through the
 * namespace file; re-entering its own user namespace names the type. */
static int join_child(void)
{
	struct ns_enter e = NS_ENTER_INIT;
	enum ns_type failed = NS_TYPE_MAX;
	ino_t parent_net;
	pid_t parent = getpid(), pid;
	int status;

	if (unshare(CLONE_NEWUSER) < 0 || unshare(CLONE_NEWNET) < 0)
		return 77;
	parent_net = path_ino("/proc/self/ns/net");
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(2);
		test_assert(path_ino("/proc/self/ns/net") != parent_net);
		test_assert_int(ns_enter_target_open(parent, 0, &e.pidfd, &e.proc_fd), 0);
		e.types = 1u << NS_TYPE_NET;
		test_assert_int(ns_enter_join(&e, &failed), 0);
		test_assert_int(e.types, 0);
		test_assert(path_ino("/proc/self/ns/net") == parent_net);

		/* a lone user namespace: the caller's own, which setns(2)
		 * refuses */
		e.types = 1u << NS_TYPE_USER;
		test_assert_int(ns_enter_join(&e, &failed), -EINVAL);
		test_assert_int(failed, NS_TYPE_USER);
		ns_enter_release(&e);

		if (unshare(CLONE_NEWNET) < 0)
			_exit(3);
		e.fd[NS_TYPE_NET] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		e.types = 1u << NS_TYPE_NET;
		test_assert_int(ns_enter_join(&e, &failed), 0);
		test_assert_int(e.fd[NS_TYPE_NET], -1);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static void test_join(void)
{
	int status;
	pid_t pid = fork();

	test_assert(pid >= 0);
	if (pid == 0)
		_exit(join_child());
	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		return; /* no unprivileged user namespaces */
	test_assert_int(WEXITSTATUS(status), 0);
}

int main(void)
{
	test_parse_target();
	test_target_open();
	test_fd_helpers();
	test_environ_cgroup();
	test_join();
	return 0;
}
