/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for ns_info_scan() over a fake /proc tree, and its parsers. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-internal.h"
#include "test.h"

static char root[] = "/tmp/nsutils-test-nsinfo.XXXXXX";
static int root_fd = -1;
static uint64_t self_net;

/* A scratch tree shaped like /proc in @dir, a mkdtemp(3) template; its
 * directory fd. tree_remove() takes it away again. */
static int tree_make(char *dir)
{
	int d;

	test_assert(mkdtemp(dir));
	d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	test_assert(d >= 0);
	return d;
}

static void tree_remove(const char *dir, int d)
{
	char cmd[PATH_MAX + 16];

	close(d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	test_assert(system(cmd) == 0);
}

static void put_raw(int d, const char *path, const char *text, size_t len)
{
	int fd = openat(d, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	test_assert(fd >= 0);
	test_assert(write(fd, text, len) == (ssize_t)len);
	close(fd);
}

/* A process directory @pid below @d with an empty ns/ and, unless NULL,
 * @stat as its stat file. */
static void put_pid_at(int d, const char *pid, const char *stat)
{
	char path[64];

	test_assert(mkdirat(d, pid, 0755) == 0);
	snprintf(path, sizeof(path), "%s/ns", pid);
	test_assert(mkdirat(d, path, 0755) == 0);
	if (!stat)
		return;
	snprintf(path, sizeof(path), "%s/stat", pid);
	put_raw(d, path, stat, strlen(stat));
}

static void put_file(const char *path, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fd = openat(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	test_assert(fd >= 0);
	test_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void put_dir(const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	test_assert(mkdirat(root_fd, path, 0755) == 0);
}

/* A process directory: stat with @ppid and @flags, a command line of
 * @cmdline_len bytes, comm, and one ns link per type with @ino[type]
 * (0: no link). */
static void put_proc(int pid, int ppid, unsigned int flags, const char *cmdline,
		     size_t cmdline_len, const char *comm, const uint64_t ino[NS_TYPE_MAX])
{
	char path[256], target[64];
	int fd;

	put_dir("%d", pid);
	put_dir("%d/ns", pid);
	put_dir("%d/fd", pid);
	snprintf(path, sizeof(path), "%d/stat", pid);
	/* a command with ')' and spaces inside, as the kernel allows */
	put_file(path, "%d (a) b) S %d %d %d 0 -1 %u 0 0 0\n", pid, ppid, pid, pid, flags);
	snprintf(path, sizeof(path), "%d/cmdline", pid);
	fd = openat(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	test_assert(fd >= 0);
	test_assert(write(fd, cmdline, cmdline_len) == (ssize_t)cmdline_len);
	close(fd);
	snprintf(path, sizeof(path), "%d/comm", pid);
	put_file(path, "%s\n", comm);
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		if (!ino[t])
			continue;
		snprintf(path, sizeof(path), "%d/ns/%s", pid, ns_type_name(t));
		snprintf(target, sizeof(target), "%s:[%llu]", ns_type_name(t),
			 (unsigned long long)ino[t]);
		test_assert(symlinkat(target, root_fd, path) == 0);
	}
}

static void put_link(const char *target, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	test_assert(symlinkat(target, root_fd, path) == 0);
}

#define HOST(t) (4026531000ULL + (t))

static void make_tree(void)
{
	uint64_t host[NS_TYPE_MAX], child[NS_TYPE_MAX];
	struct stat st;

	root_fd = tree_make(root);

	for (int t = 0; t < NS_TYPE_MAX; t++)
		host[t] = child[t] = HOST(t);
	child[NS_TYPE_NET] = 4026532100;
	child[NS_TYPE_USER] = 4026532099;

	/* 1: init; 2: a kernel thread; 20, 21: in a user+net namespace of
	 * their own, 21 a child of 20; 30: its pid link unreadable */
	put_proc(1, 0, 0, "/sbin/init\0splash\0", 18, "init", host);
	put_proc(2, 0, 0x00200000, "", 0, "kthreadd", host);
	put_proc(20, 1, 0, "sleep\0" "100\0", 10, "sleep", child);
	put_proc(21, 20, 0, "sh\0-c\0x  \0\0", 11, "sh", child);
	host[NS_TYPE_PID] = 0;
	put_proc(30, 1, 0, "x\0", 2, "x", host);
	host[NS_TYPE_PID] = HOST(NS_TYPE_PID);

	/* 40: vanished between readdir and reading (no stat, no ns) */
	put_dir("40");
	/* 50: a stat the parser must refuse */
	put_dir("50");
	put_file("50/stat", "garbage\n");
	/* not processes */
	put_dir("sys");
	put_file("uptime", "1.0 1.0\n");

	/* 20 holds fds: a namespace known anyway, one whose file is gone (the
	 * fd closed since), a socket, and a file */
	put_link("net:[4026532100]", "20/fd/3");
	put_link("ipc:[4026532555]", "20/fd/4");
	put_link("socket:[12345]", "20/fd/5");
	put_link("/dev/null", "20/fd/0");

	/* a mount point whose parent was swapped for a symlink to a place of
	 * the user's choosing after mountinfo was read: here the caller's own
	 * ns directory, whose net entry has the inode mountinfo claims */
	test_assert(stat("/proc/self/ns/net", &st) == 0);
	self_net = st.st_ino;
	test_assert(symlinkat("/proc/self/ns", root_fd, "held") == 0);
	put_dir("self");
	put_file("self/mountinfo",
		 "21 1 0:20 / /proc rw - proc proc rw\n"
		 "300 29 0:4 net:[4026532100] /run/netns/blue rw shared:5 - nsfs nsfs rw\n"
		 "301 29 0:4 net:[4026532100] /tmp/with\\040space rw - nsfs nsfs rw\n"
		 "302 29 0:4 net:[4026532100] /run/netns/blue rw - nsfs nsfs rw\n"
		 "303 29 0:4 mnt:[4026539999] /nonexistent/held rw - nsfs nsfs rw\n"
		 "304 29 0:4 net:[%llu] %s/held/net rw - nsfs nsfs rw\n"
		 /* out of shape: refused whole */
		 "305 29 0:4 net:[4026532100] /tmp/bad\\999 rw - nsfs nsfs rw\n"
		 "306 29 0:4 net:[4026532100] /tmp/nul\\000 rw - nsfs nsfs rw\n"
		 "307 29 0:4 net:[4026532100] /tmp/no-dash rw nsfs nsfs rw\n"
		 "308 29 0:4 net:[4026532100] tmp/relative rw - nsfs nsfs rw\n"
		 "x 29 0:4 net:[4026532100] /tmp/bad-id rw - nsfs nsfs rw\n"
		 "309 29 0:4 net:[-1] /tmp/bad-ino rw - nsfs nsfs rw\n"
		 "310 29 0:4 net:[4026532100] /tmp/trailing\\ rw - nsfs nsfs rw\n",
		 (unsigned long long)self_net, root);
}

static void remove_tree(void)
{
	tree_remove(root, root_fd);
}

static void test_scan(void)
{
	struct ns_info *info = NULL;
	char *cmd = NULL;
	ssize_t i;

	test_assert_int(ns_info_scan(root_fd, 0, NS_INFO_MOUNTS | NS_INFO_FDS, &info), 0);

	/* processes: 40 and 50 skipped, in PID order */
	test_assert_int(ns_info_proc_count(info), 5);
	test_assert_int(ns_info_proc_pid(info, 0), 1);
	test_assert_int(ns_info_proc_pid(info, 2), 20);
	test_assert_int(ns_info_proc_ppid(info, 3), 20);
	test_assert_int(ns_info_proc_parent(info, 3), 2);
	test_assert_int(ns_info_proc_parent(info, 2), 0);
	test_assert_int(ns_info_proc_parent(info, 0), -1);
	test_assert_int(ns_info_proc_uid(info, 0), getuid());
	test_assert(ns_info_proc_ns(info, 3, NS_TYPE_NET) == 4026532100ULL);
	test_assert(ns_info_proc_ns(info, 4, NS_TYPE_PID) == 0);

	/* the 8 host namespaces and the child's two, in inode order */
	test_assert_int(ns_info_count(info), 10);
	for (size_t k = 1; k < ns_info_count(info); k++)
		test_assert(ns_info_ino(info, k - 1) < ns_info_ino(info, k));
	i = ns_info_find(info, HOST(NS_TYPE_NET));
	test_assert(i >= 0);
	test_assert_int(ns_info_type(info, i), NS_TYPE_NET);
	test_assert_int(ns_info_nprocs(info, i), 3);
	test_assert_int(ns_info_proc_pid(info, ns_info_proc(info, i)), 1);
	i = ns_info_find(info, HOST(NS_TYPE_PID));
	test_assert_int(ns_info_nprocs(info, i), 4);
	i = ns_info_find(info, 4026532100ULL);
	test_assert(i >= 0);
	test_assert_int(ns_info_nprocs(info, i), 2);
	test_assert_int(ns_info_proc_pid(info, ns_info_proc(info, i)), 20);
	/* mount points unescaped, each once, in mountinfo order */
	test_assert_str(ns_info_nsfs(info, i), "/run/netns/blue\n/tmp/with space");
	test_assert(ns_info_nsfs(info, ns_info_find(info, HOST(NS_TYPE_MNT))) == NULL);
	/* not asked for */
	test_assert_int(ns_info_netnsid(info, i), NS_NETNSID_UNKNOWN);
	test_assert(ns_info_parent(info, i) == 0 && ns_info_owner(info, i) == 0);
	test_assert_int(ns_info_caps(info, i), -ENODATA);
	/* an fd or a mount whose namespace cannot be opened adds nothing */
	test_assert_int(ns_info_find(info, 4026532555ULL), -1);
	test_assert_int(ns_info_find(info, 4026539999ULL), -1);
	/* nor one reached through a symlink on the way to the mount point */
	test_assert_int(ns_info_find(info, self_net), -1);

	/* commands: NULs as spaces, the last one dropped; comm when empty */
	test_assert_int(ns_info_proc_command(info, 0, &cmd), 0);
	test_assert_str(cmd, "/sbin/init splash");
	free(cmd);
	test_assert_int(ns_info_proc_command(info, 1, &cmd), 0);
	test_assert_str(cmd, "kthreadd");
	free(cmd);
	test_assert_int(ns_info_proc_command(info, 3, &cmd), 0);
	test_assert_str(cmd, "sh -c x   ");
	free(cmd);
	ns_info_free(info);

	/* without /proc/PID/stat: the same namespaces, no parents; 40 and
	 * 50, which only their stat files refused, stay as processes in no
	 * namespace */
	info = NULL;
	test_assert_int(ns_info_scan(root_fd, 0, NS_INFO_MOUNTS | NS_INFO_FDS | NS_INFO_NO_PPID,
				     &info), 0);
	test_assert_int(ns_info_proc_count(info), 7);
	test_assert_int(ns_info_count(info), 10);
	test_assert_int(ns_info_proc_pid(info, 3), 21);
	test_assert_int(ns_info_proc_ppid(info, 3), 0);
	test_assert_int(ns_info_proc_parent(info, 3), -1);
	test_assert(ns_info_proc_ns(info, 3, NS_TYPE_NET) == 4026532100ULL);
	for (int t = 0; t < NS_TYPE_MAX; t++)
		test_assert(ns_info_proc_ns(info, 5, (enum ns_type)t) == 0 &&
			    ns_info_proc_ns(info, 6, (enum ns_type)t) == 0);
	i = ns_info_find(info, 4026532100ULL);
	test_assert_int(ns_info_nprocs(info, i), 2);
	test_assert_str(ns_info_nsfs(info, i), "/run/netns/blue\n/tmp/with space");
	ns_info_free(info);

	/* only some types; commands read by the scan */
	test_assert_int(ns_info_scan(root_fd, 1u << NS_TYPE_USER | 1u << NS_TYPE_PID,
				     NS_INFO_COMMANDS, &info), 0);
	test_assert_int(ns_info_count(info), 3);
	test_assert(ns_info_find(info, HOST(NS_TYPE_NET)) < 0);
	test_assert(ns_info_nsfs(info, 0) == NULL);
	test_assert_int(ns_info_proc_command(info, 2, &cmd), 0);
	test_assert_str(cmd, "sleep 100");
	free(cmd);
	ns_info_free(info);

	test_assert_int(ns_info_scan(root_fd, 1u << NS_TYPE_MAX, 0, &info), -EINVAL);
	test_assert_int(ns_info_scan(-1, 0, 0, &info), -EINVAL);
}

/* A namespace entry that opens but is no nsfs file: the relation ioctls
 * fail with ENOTTY, which is what a kernel without them answers. */
static void test_enotty(void)
{
	char dir[] = "/tmp/nsutils-test-nsinfo.XXXXXX";
	struct ns_info *info = NULL;
	int d;

	d = tree_make(dir);
	put_pid_at(d, "7", "7 (x) S 1 7 7 0 -1 0\n");
	/* the link's text is what readlink gives; it points at a plain file */
	put_raw(d, "7/ns/uts:[4026531838]", "", 0);
	test_assert(symlinkat("uts:[4026531838]", d, "7/ns/uts") == 0);

	test_assert_int(ns_info_scan(d, 1u << NS_TYPE_UTS, 0, &info), 0);
	test_assert_int(ns_info_count(info), 1);
	ns_info_free(info);
	test_assert_int(ns_info_scan(d, 1u << NS_TYPE_UTS, NS_INFO_RELATIONS, &info), -ENOTTY);

	tree_remove(dir, d);
}

/* Enough processes that the scan runs on several threads (on a machine
 * with more than one CPU); every one must be found once. */
static void test_many(void)
{
	char dir[] = "/tmp/nsutils-test-nsinfo.XXXXXX", path[64], text[128];
	struct ns_info *info = NULL;
	const int n = 2000;
	int d;

	d = tree_make(dir);
	for (int pid = 100; pid < 100 + n; pid++) {
		snprintf(path, sizeof(path), "%d", pid);
		snprintf(text, sizeof(text), "%d (p) S %d 0 0 0 -1 0\n", pid, pid - 1);
		put_pid_at(d, path, text);
		/* every tenth process in a namespace of its own */
		snprintf(path, sizeof(path), "%d/ns/net", pid);
		snprintf(text, sizeof(text), "net:[%lld]", pid % 10 ? 4026531840LL : 4026600000LL + pid);
		test_assert(symlinkat(text, d, path) == 0);
	}
	test_assert_int(ns_info_scan(d, 1u << NS_TYPE_NET, 0, &info), 0);
	test_assert_int(ns_info_proc_count(info), n);
	{
		/* no thread may start (RLIMIT_NPROC reached; root is not held
		 * to it, so the child drops to nobody): the calling thread
		 * reads every process alone */
		pid_t child;
		int status;

		test_assert(fchmod(d, 0755) == 0);
		child = fork();
		test_assert(child >= 0);
		if (child == 0) {
			struct rlimit rl = { 0, 0 };
			struct ns_info *alone = NULL;

			if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
				_exit(2);
			if (setrlimit(RLIMIT_NPROC, &rl) < 0)
				_exit(3);
			if (ns_info_scan(d, 1u << NS_TYPE_NET, 0, &alone) != 0)
				_exit(4);
			_exit(ns_info_proc_count(alone) == (size_t)n &&
			      ns_info_count(alone) == ns_info_count(info) ? 0 : 5);
		}
		test_assert(waitpid(child, &status, 0) == child);
		test_assert_int(status, 0);
	}
	test_assert_int(ns_info_count(info), 1 + n / 10);
	test_assert_int(ns_info_nprocs(info, 0), n - n / 10);
	test_assert_int(ns_info_proc_pid(info, ns_info_proc(info, 0)), 101);
	for (int k = 0; k < n; k++) {
		test_assert_int(ns_info_proc_pid(info, k), 100 + k);
		test_assert_int(ns_info_proc_parent(info, k), k - 1);
	}
	ns_info_free(info);
	tree_remove(dir, d);
}

/* uid_map text is hostile input: a file bound over it, or a tree like this
 * one, says whatever it likes. Only what the kernel writes is shown. */
static void idmap_is(int d, const char *text, size_t len, int want, const char *want_s)
{
	struct ns_info *info = NULL;
	char *s = NULL;

	put_raw(d, "7/uid_map", text, len);
	test_assert_int(ns_info_scan(d, 1u << NS_TYPE_USER, 0, &info), 0);
	test_assert_int(ns_info_count(info), 1);
	test_assert_int(ns_info_idmap(info, 0, NS_UID_MAP, &s), want);
	if (want == 0 && want_s)
		test_assert_str(s, want_s);
	if (want == 0 && !want_s)
		test_assert(s && strlen(s) == NS_IDMAP_MAX * 24 - 1);
	free(s);
	ns_info_free(info);
}

static void test_idmap_hostile(void)
{
	char dir[] = "/tmp/nsutils-test-nsinfo.XXXXXX";
	static char big[400 * 8 + 1], many[NS_IDMAP_MAX * 34 + 1];
	const char bin[] = "0 0 1\n\0\x01\xff 3 4\n";
	size_t len = 0;
	int d;

	d = tree_make(dir);
	put_pid_at(d, "7", "7 (x) S 1 7 7 0 -1 0\n");
	test_assert(symlinkat("user:[4026531837]", d, "7/ns/user") == 0);

	/* what the kernel writes: fields padded to 10 columns */
	idmap_is(d, "         0       1000          1\n", 33, 0, "0:1000:1");
	idmap_is(d, "0 0 4294967295\n1 2 3\n", 21, 0, "0:0:4294967295,1:2:3");
	/* a map not written yet */
	idmap_is(d, "", 0, 0, "");
	idmap_is(d, "-1 -1 -1\n", 9, -EINVAL, NULL);
	idmap_is(d, "-1 -1 -1\n-1 -1 -1\n-1 -1 -1\n", 27, -EINVAL, NULL);
	idmap_is(d, "4294967296 0 1\n", 15, -EINVAL, NULL);
	idmap_is(d, "0 4294967296 1\n", 15, -EINVAL, NULL);
	idmap_is(d, "0 0 18446744073709551615\n", 25, -EINVAL, NULL);
	idmap_is(d, "1 0 4294967295\n", 15, -EINVAL, NULL);
	idmap_is(d, "0 1 4294967295\n", 15, -EINVAL, NULL);
	idmap_is(d, "4294967295 0 1\n", 15, -EINVAL, NULL);
	idmap_is(d, "0 0 0\n", 6, -EINVAL, NULL);
	idmap_is(d, "+1 0 1\n", 7, -EINVAL, NULL);
	idmap_is(d, "0x1 0 1\n", 8, -EINVAL, NULL);
	idmap_is(d, "0 0 1 2\n", 8, -EINVAL, NULL);
	idmap_is(d, "0 0\n", 4, -EINVAL, NULL);
	idmap_is(d, "0 0 1", 5, -EINVAL, NULL);
	idmap_is(d, "0 0 1\n\n", 7, -EINVAL, NULL);
	idmap_is(d, bin, sizeof(bin) - 1, -EINVAL, NULL);
	/* 340 lines of the widest values the kernel allows */
	len = 0;
	for (int k = 0; k < NS_IDMAP_MAX; k++)
		len += (size_t)sprintf(many + len, "%10u %10u %10u\n", 4294967294u - k,
				       4294967294u - k, 1u);
	idmap_is(d, many, len, 0, NULL);

	/* more lines than the kernel takes */
	len = 0;
	for (int k = 0; k < 400; k++)
		len += (size_t)sprintf(big + len, "%d 0 1\n", k % 10);
	idmap_is(d, big, len, -EINVAL, NULL);

	tree_remove(dir, d);
}

/* A namespace's inode read from a link may not be the one its ioctls
 * answer for: a tree like this one says what it likes, and on a live
 * system an inode can be reused while /proc is read. Here process 7 says
 * its user namespace is U1 but is U3, and 8 says U2 and is U2, so U1's
 * parent is U2 and U2's parent U1: the relations must not loop. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void test_relation_cycle(void)
{
	char dir[] = "/tmp/nsutils-test-nsinfo.XXXXXX", cmd[300], path[128], name[64];
	struct ns_info *info = NULL;
	int fds[3], pfd[2], d;
	uint64_t ino[3];
	pid_t child;

	test_assert(pipe2(pfd, O_CLOEXEC) == 0);
	child = fork();
	test_assert(child >= 0);
	if (child == 0) {
		/* U1, its child U2, and U2's child U3, each held by an fd */
		for (int k = 0; k < 3; k++) {
			char map[64];
			uid_t uid = getuid();
			gid_t gid = getgid();

			/* the next level may be made only with our ids mapped */
			if (unshare(CLONE_NEWUSER) < 0)
				_exit(1);
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
			if (write_file("/proc/self/uid_map", map) < 0 ||
			    write_file("/proc/self/setgroups", "deny\n") < 0)
				_exit(1);
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
			if (write_file("/proc/self/gid_map", map) < 0)
				_exit(1);
			fds[k] = open("/proc/self/ns/user", O_RDONLY);
			if (fds[k] < 0)
				_exit(1);
		}
		if (write(pfd[1], fds, sizeof(fds)) != sizeof(fds))
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	test_assert(read(pfd[0], fds, sizeof(fds)) == sizeof(fds));
	close(pfd[0]);
	for (int k = 0; k < 3; k++) {
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)child, fds[k]);
		test_assert(stat(path, &st) == 0);
		ino[k] = st.st_ino;
	}

	d = tree_make(dir);
	for (int pid = 7; pid <= 8; pid++) {
		int held = pid == 7 ? fds[2] : fds[1];
		uint64_t claim = pid == 7 ? ino[0] : ino[1];

		snprintf(path, sizeof(path), "%d", pid);
		snprintf(cmd, sizeof(cmd), "%d (x) S 1 %d %d 0 -1 0\n", pid, pid, pid);
		put_pid_at(d, path, cmd);
		snprintf(name, sizeof(name), "user:[%llu]", (unsigned long long)claim);
		snprintf(path, sizeof(path), "%d/ns/user", pid);
		test_assert(symlinkat(name, d, path) == 0);
		snprintf(path, sizeof(path), "%d/ns/%s", pid, name);
		snprintf(cmd, sizeof(cmd), "/proc/%d/fd/%d", (int)child, held);
		test_assert(symlinkat(cmd, d, path) == 0);
	}

	test_assert_int(ns_info_scan(d, 1u << NS_TYPE_USER, NS_INFO_RELATIONS, &info), 0);
	test_assert_int(ns_info_count(info), 2);
	/* every chain of parents or owners ends, and within the kernel's depth */
	for (size_t i = 0; i < ns_info_count(info); i++) {
		for (int rel = 0; rel < 2; rel++) {
			ssize_t k = (ssize_t)i;
			int steps = 0;

			while (k >= 0 && steps <= 2 * 33) {
				uint64_t r = rel ? ns_info_parent(info, (size_t)k) :
						   ns_info_owner(info, (size_t)k);

				k = r ? ns_info_find(info, r) : -1;
				steps++;
			}
			test_assert(k < 0);
		}
	}
	ns_info_free(info);

	kill(child, SIGKILL);
	test_assert(waitpid(child, NULL, 0) == child);
	tree_remove(dir, d);
}

static void test_parsers(void)
{
	char esc[] = "/a\\040b\\011c\\134d\\012";
	uint64_t ino;
	pid_t ppid;
	bool kt;

	test_assert_int(nsi_parse_stat("1 (x) S 0 1 1 0 -1 4194560 0", &ppid, &kt), 0);
	test_assert_int(ppid, 0);
	test_assert(!kt);
	test_assert_int(nsi_parse_stat("9 (a) (b) c) R 77 1 1 0 -1 2097216 0", &ppid, &kt), 0);
	test_assert_int(ppid, 77);
	test_assert(kt);
	test_assert_int(nsi_parse_stat("9 (x S 1", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("9 (x) S", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("", &ppid, &kt), -EINVAL);

	test_assert_int(nsi_parse_fd_link("net:[4026531840]", &ino), NS_TYPE_NET);
	test_assert(ino == 4026531840ULL);
	test_assert_int(nsi_parse_fd_link("cgroup:[1]", &ino), NS_TYPE_CGROUP);
	test_assert_int(nsi_parse_fd_link("socket:[77]", &ino), NS_TYPE_MAX);
	test_assert(ino == 77);
	test_assert_int(nsi_parse_fd_link("mount:[1]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("pipe:[1]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("/tmp/net:[1]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("net:[1]x", &ino), -1);
	test_assert_int(nsi_parse_fd_link("net:[]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("net:[-1]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("anon_inode:[eventfd]", &ino), -1);

	test_assert_int(nsi_mountinfo_unescape(esc), 9);
	test_assert_str(esc, "/a b\tc\\d\n");
	{
		char bad1[] = "/a\\9", bad2[] = "/a\\000b", bad3[] = "/a\\", bad4[] = "/a\\07";
		char ok1[] = "36 35 0:4 net:[4026532100] /run/netns/a\\040b rw,nosuid shared:5 "
			     "master:1 - nsfs nsfs rw";
		char ok2[] = "1 2 0:4 user:[4026531837] /x rw - nsfs nsfs rw";
		char no1[] = "36 35 0:4 / /proc rw - proc proc rw";
		char no2[] = "36 35 0:4 socket:[1] /x rw - nsfs nsfs rw";
		char no3[] = "36 35 0:4 net:[1] /x rw -  nsfs nsfs rw";
		char *target;

		test_assert_int(nsi_mountinfo_unescape(bad1), -EINVAL);
		test_assert_int(nsi_mountinfo_unescape(bad2), -EINVAL);
		test_assert_int(nsi_mountinfo_unescape(bad3), -EINVAL);
		test_assert_int(nsi_mountinfo_unescape(bad4), -EINVAL);
		test_assert_int(nsi_mountinfo_nsfs(ok1, &target, &ino), 0);
		test_assert_str(target, "/run/netns/a b");
		test_assert(ino == 4026532100ULL);
		test_assert_int(nsi_mountinfo_nsfs(ok2, &target, &ino), 0);
		test_assert_str(target, "/x");
		test_assert_int(nsi_mountinfo_nsfs(no1, &target, &ino), -ENOENT);
		test_assert_int(nsi_mountinfo_nsfs(no2, &target, &ino), -EINVAL);
		test_assert(nsi_mountinfo_nsfs(no3, &target, &ino) < 0);
	}
}

/* What a hostile /proc may say in a stat line, a mountinfo line or the
 * status file: each is refused whole or read for what the kernel means. */
static void test_hostile_parsers(void)
{
	char big[4096];
	uint64_t ino, eff;
	pid_t ppid;
	bool kt;

	/* a command with ") " and digits inside: only the last ')' ends it */
	test_assert_int(nsi_parse_stat("5 (x) S 1 2 3 4 5 6) R 42 1 1 0 -1 0 0", &ppid, &kt), 0);
	test_assert_int(ppid, 42);
	test_assert_int(nsi_parse_stat("5 ()) S 7 1 1 0 -1 0", &ppid, &kt), 0);
	test_assert_int(ppid, 7);
	/* a command that is all of ") ": the fields after the last one */
	test_assert_int(nsi_parse_stat("5 () ) ) ) S 8 1 1 0 -1 0", &ppid, &kt), 0);
	test_assert_int(ppid, 8);
	/* truncated anywhere before the flags */
	test_assert_int(nsi_parse_stat("5 (x) S 1 1 1 0 -1", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("5 (x) S 1 1", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("5 (x)", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("5 (x) ", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat(")", &ppid, &kt), -EINVAL);
	/* numbers past what the kernel writes: a PID past 31 bits, flags past 32 */
	test_assert_int(nsi_parse_stat("5 (x) S 2147483648 1 1 0 -1 0", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("5 (x) S 99999999999999999999999 1 1 0 -1 0", &ppid, &kt),
			-EINVAL);
	test_assert_int(nsi_parse_stat("5 (x) S 1 1 1 0 -1 4294967296", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("5 (x) S 2147483647 1 1 0 -1 4294967295", &ppid, &kt), 0);
	test_assert_int(ppid, 2147483647);
	test_assert(kt);
	/* a sign or no digits where a number belongs */
	test_assert_int(nsi_parse_stat("5 (x) S -1 1 1 0 -1 0", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("5 (x) S +1 1 1 0 -1 0", &ppid, &kt), -EINVAL);
	test_assert_int(nsi_parse_stat("5 (x) S x 1 1 0 -1 0", &ppid, &kt), -EINVAL);
	/* a line as long as the buffer read, without an end */
	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "5 (x) S ", 8);
	test_assert_int(nsi_parse_stat(big, &ppid, &kt), -EINVAL);

	/* fd links: inodes past 63 bits, leading junk, no brackets */
	test_assert_int(nsi_parse_fd_link("net:[9223372036854775808]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("net:[18446744073709551616]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("net:[ 1]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("net:[0]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("NET:[1]", &ino), -1);
	test_assert_int(nsi_parse_fd_link("verylongtypename:[1]", &ino), -1);
	test_assert_int(nsi_parse_fd_link(":[1]", &ino), -1);

	{
		/* mountinfo: fields missing, doubled blanks, a huge id, an
		 * escape decoding to NUL, a target past PATH_MAX, a line past
		 * the longest the kernel writes */
		char l1[] = "36 35 0:4 net:[1] /x rw";
		char l2[] = "36 35 0:4 net:[1] /x rw -";
		char l3[] = "36  35 0:4 net:[1] /x rw - nsfs nsfs rw";
		char l4[] = "99999999999999999999999999 35 0:4 net:[1] /x rw - nsfs nsfs rw";
		char l5[] = "36 35 0:4 net:[1] /x\000y rw - nsfs nsfs rw";
		char l6[] = "36 35 04 net:[1] /x rw - nsfs nsfs rw";
		char l7[] = "36 35 0:4 net:[1] /x rw - nsfsx nsfs rw";
		char l8[] = "-1 35 0:4 net:[1] /x rw - nsfs nsfs rw";
		char l9[] = "36 35 0:4 net:[1] /a\012b rw - nsfs nsfs rw";
		static char long_target[PATH_MAX + 64], long_line[NSI_MOUNTINFO_LINE_MAX + 64];
		char *target;
		size_t n;

		test_assert(nsi_mountinfo_nsfs(l1, &target, &ino) < 0);
		test_assert(nsi_mountinfo_nsfs(l2, &target, &ino) < 0);
		test_assert(nsi_mountinfo_nsfs(l3, &target, &ino) < 0);
		/* the ids are digits, of any length: only their shape matters */
		test_assert_int(nsi_mountinfo_nsfs(l4, &target, &ino), 0);
		test_assert_int(nsi_mountinfo_nsfs(l5, &target, &ino), -EINVAL);
		test_assert_int(nsi_mountinfo_nsfs(l6, &target, &ino), -EINVAL);
		test_assert_int(nsi_mountinfo_nsfs(l7, &target, &ino), -ENOENT);
		test_assert_int(nsi_mountinfo_nsfs(l8, &target, &ino), -EINVAL);
		/* a newline in a mount point, as the kernel escapes it */
		test_assert_int(nsi_mountinfo_nsfs(l9, &target, &ino), 0);
		test_assert_str(target, "/a\nb");

		n = (size_t)sprintf(long_target, "1 2 0:4 net:[1] /");
		memset(long_target + n, 'a', PATH_MAX);
		strcpy(long_target + n + PATH_MAX, " rw - nsfs nsfs rw");
		test_assert_int(nsi_mountinfo_nsfs(long_target, &target, &ino), -EINVAL);
		n = (size_t)sprintf(long_line, "1 2 0:4 net:[1] /x rw ");
		memset(long_line + n, 'o', NSI_MOUNTINFO_LINE_MAX);
		strcpy(long_line + n + NSI_MOUNTINFO_LINE_MAX, " - nsfs nsfs rw");
		test_assert_int(nsi_mountinfo_nsfs(long_line, &target, &ino), -EINVAL);
	}

	/* CapEff as the kernel writes it, and not as anything else */
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t000001ffffffffff\n", &eff), 0);
	test_assert(eff == 0x1ffffffffffULL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t0\n", &eff), 0);
	test_assert(eff == 0);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\tffffffffffffffff\n", &eff), 0);
	test_assert(eff == ~0ULL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t-1\n", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t0x1f\n", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t 1f\n", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t1ffffffffffffffff\n", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t1F\n", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t1f", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("a\nCapEff:\t\n", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("CapEff:\t1f\n", &eff), -EINVAL);
	test_assert_int(nsi_parse_cap_eff("a\nXCapEff:\t1f\n", &eff), -EINVAL);
}

/* A tree whose processes say hostile things: a command line with control
 * bytes (kept as they are: the output shows them safely), a comm with a
 * newline inside, stat lines that are truncated or out of range (the
 * process is skipped), a PID directory past 31 bits (not a process). */
static void test_hostile_tree(void)
{
	char dir[] = "/tmp/nsutils-test-nsinfo.XXXXXX";
	struct ns_info *info = NULL;
	char *s = NULL;
	int d;

	d = tree_make(dir);
	{
		static const struct {
			const char *pid, *stat, *cmdline;
			size_t cmdline_len;
			const char *comm;
		} p[] = {
			{ "7", "7 (a) b) S 1 7 7 0 -1 0\n", "x\ny\tz\033[31m\xff\0", 12, "a\n" },
			{ "8", "8 (x\n) S 7 8 8 0 -1 0\n", "", 0, "x\ny\n\n" },
			{ "9", "9 (x) S 1 9", "", 0, "x" },
			{ "10", "10 (x) S 99999999999 1 1 0 -1 0\n", "", 0, "x" },
			{ "11", "", "", 0, "" },
			{ "2147483648", "2147483648 (x) S 1 1 1 0 -1 0\n", "", 0, "x" },
		};

		for (size_t k = 0; k < sizeof(p) / sizeof(p[0]); k++) {
			char path[64];

			put_pid_at(d, p[k].pid, p[k].stat);
			snprintf(path, sizeof(path), "%s/cmdline", p[k].pid);
			put_raw(d, path, p[k].cmdline, p[k].cmdline_len);
			snprintf(path, sizeof(path), "%s/comm", p[k].pid);
			put_raw(d, path, p[k].comm, strlen(p[k].comm));
			snprintf(path, sizeof(path), "%s/ns/uts", p[k].pid);
			test_assert(symlinkat("uts:[4026531838]", d, path) == 0);
		}
	}
	test_assert_int(ns_info_scan(d, 1u << NS_TYPE_UTS, NS_INFO_COMMANDS, &info), 0);
	/* 9 (truncated), 10 (ppid out of range), 11 (empty) and the PID past
	 * 31 bits are skipped */
	test_assert_int(ns_info_proc_count(info), 2);
	test_assert_int(ns_info_proc_pid(info, 0), 7);
	test_assert_int(ns_info_proc_ppid(info, 1), 7);
	test_assert_int(ns_info_proc_parent(info, 1), 0);
	test_assert_int(ns_info_nprocs(info, 0), 2);
	test_assert_int(ns_info_proc_command(info, 0, &s), 0);
	test_assert_str(s, "x\ny\tz\033[31m\xff");
	free(s);
	/* comm: the trailing newlines go, the one inside stays */
	test_assert_int(ns_info_proc_command(info, 1, &s), 0);
	test_assert_str(s, "x\ny");
	free(s);
	ns_info_free(info);
	tree_remove(dir, d);
}

/* RTM_GETNSID with NETNSA_FD, an ACK asked for: the request nsinfo sends. */
static void test_netnsid_request(void)
{
	char buf[NL_MSG_MAX];
	struct nlmsghdr *nlh = nl_put_nsid_get(buf, 42, 7);
	struct nlattr *a;

	test_assert_int(nlh->nlmsg_len, NLMSG_SPACE(sizeof(struct rtgenmsg)) + MNL_ATTR_HDRLEN + 4);
	test_assert_int(nlh->nlmsg_type, RTM_GETNSID);
	test_assert_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	test_assert_int(nlh->nlmsg_seq, 42);
	test_assert_int(((struct rtgenmsg *)mnl_nlmsg_get_payload(nlh))->rtgen_family, AF_UNSPEC);
	a = (struct nlattr *)(buf + NLMSG_SPACE(sizeof(struct rtgenmsg)));
	test_assert_int(mnl_attr_get_type(a), NETNSA_FD);
	test_assert_int(mnl_attr_get_u32(a), 7);
}

/* The caller's CapEff from a proc that is not the kernel's: only the
 * kernel's 16 hex digits are taken, so "-1" cannot claim every capability. */
static void test_capeff_hostile(void)
{
	static const char *const bad[] = { "-1", " 1ff", "0x1ff", "1ffffffffffffffffff", "" };
	char dir[] = "/tmp/nsutils-test-nsinfo.XXXXXX";
	struct ns_info *info = NULL;
	int d;

	d = tree_make(dir);
	put_pid_at(d, "self", NULL);
	put_raw(d, "self/ns/user", "", 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];
		int n = snprintf(text, sizeof(text), "Name:\tx\nCapEff:\t%s\nCapBnd:\t0\n", bad[i]);

		put_raw(d, "self/status", text, (size_t)n);
		test_assert_int(ns_info_scan(d, 1u << NS_TYPE_USER, NS_INFO_CAPS, &info), -EINVAL);
	}
	tree_remove(dir, d);
}

int main(void)
{
	test_parsers();
	test_hostile_parsers();
	test_netnsid_request();
	make_tree();
	test_scan();
	remove_tree();
	test_enotty();
	test_hostile_tree();
	test_many();
	test_idmap_hostile();
	test_relation_cycle();
	test_capeff_hostile();
	return 0;
}
