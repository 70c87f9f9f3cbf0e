/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for mounts and capabilities, for real inside user namespaces the test makes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/capability.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"

#define PROC_MAGIC   0x9fa0
#define BINFMT_MAGIC 0x42494e4d

/* Scratch directory made by the parent; children mount a tmpfs on it in
 * their own mount namespace, so nothing they make reaches the disk. */
static char base[] = "/tmp/nsutils-test-mount.XXXXXX";

static void test_propagation_names(void)
{
	test_assert_int(ns_propagation_from_name("unchanged"), NS_PROPAGATION_UNCHANGED);
	test_assert_int(ns_propagation_from_name("private"), NS_PROPAGATION_PRIVATE);
	test_assert_int(ns_propagation_from_name("slave"), NS_PROPAGATION_SLAVE);
	test_assert_int(ns_propagation_from_name("shared"), NS_PROPAGATION_SHARED);

	test_assert_int(ns_propagation_from_name(NULL), -EINVAL);
	test_assert_int(ns_propagation_from_name(""), -EINVAL);
	test_assert_int(ns_propagation_from_name("Private"), -EINVAL);
	test_assert_int(ns_propagation_from_name("SHARED"), -EINVAL);
	test_assert_int(ns_propagation_from_name("privat"), -EINVAL);
	test_assert_int(ns_propagation_from_name("private "), -EINVAL);
	test_assert_int(ns_propagation_from_name(" slave"), -EINVAL);
	test_assert_int(ns_propagation_from_name("rprivate"), -EINVAL);
	test_assert_int(ns_propagation_from_name("unbindable"), -EINVAL);
}

static void test_binfmt_is_fixed(void)
{
	test_assert(!ns_binfmt_is_fixed(NULL));
	test_assert(!ns_binfmt_is_fixed(""));
	test_assert(!ns_binfmt_is_fixed("F"));
	test_assert(!ns_binfmt_is_fixed(":nsutils-test:E::nsxt::/bin/cat:"));
	test_assert(!ns_binfmt_is_fixed(":F:E::nsxt::/bin/cat:"));
	test_assert(!ns_binfmt_is_fixed(":nsutils-test:E::nsxt::/opt/F/cat:POC"));
	test_assert(!ns_binfmt_is_fixed(":nsutils-test:E::nsxt::/bin/cat:f"));
	test_assert(ns_binfmt_is_fixed(":nsutils-test:E::nsxt::/bin/cat:F"));
	test_assert(ns_binfmt_is_fixed(":qemu:M::\\x7fELF::/usr/bin/qemu:OCF"));
	test_assert(ns_binfmt_is_fixed(":qemu:M::\\x7fELF::/usr/bin/qemu:FPC\n"));
	test_assert(ns_binfmt_is_fixed(":F"));
}

static void test_unprivileged_errors(void)
{
	char buf[32];
	int last;

	/* UNCHANGED does not even look at the path */
	test_assert_int(ns_mount_set_propagation("/nonexistent/nsutils", NS_PROPAGATION_UNCHANGED),
			0);
	test_assert_int(ns_mount_set_propagation("/", (enum ns_propagation)42), -EINVAL);
	test_assert_int(ns_mount_is_shared("/nonexistent/nsutils"), -ENOENT);
	test_assert(ns_mount_is_shared("/") == 0 || ns_mount_is_shared("/") == 1);
	test_assert_int(ns_binfmt_register("/nonexistent/nsutils", ":x:E::x::/bin/cat:"), -ENOENT);
	test_assert_int(ns_binfmt_register("/proc/self/status", ":x:E::x::/bin/cat:"), -ENOTDIR);

	last = ns_caps_last();
	test_assert(last >= CAP_AUDIT_READ && last < 64);
	test_assert(read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0);
	test_assert_int(last, atoi(buf));
	test_assert_int(last, (int)cap_max_bits() - 1);
}

/* ---- helpers for the namespace children --------------------------------- */

static void write_or_die(const char *path, const char *text)
{
	int r = write_file_at(AT_FDCWD, path, text);

	if (r < 0) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(-r));
		abort();
	}
}

/* Enters a new user namespace (plus @flags) as @inner, mapped to our own
 * uid and gid; exits 77 where user namespaces are not available. */
static void enter_userns(int flags, uid_t inner)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char buf[64];

	if (unshare(CLONE_NEWUSER | flags) < 0) {
		if (errno == EPERM || errno == ENOSPC || errno == EINVAL) {
			printf("SKIP: cannot create a user namespace: %s\n", strerror(errno));
			fflush(stdout);
			_exit(77);
		}
		fprintf(stderr, "unshare: %s\n", strerror(errno));
		abort();
	}
	snprintf(buf, sizeof(buf), "%u %u 1", (unsigned)inner, (unsigned)uid);
	write_or_die("/proc/self/uid_map", buf);
	write_or_die("/proc/self/setgroups", "deny");
	snprintf(buf, sizeof(buf), "%u %u 1", (unsigned)inner, (unsigned)gid);
	write_or_die("/proc/self/gid_map", buf);
}

/* Waits for @pid; returns 77 for a skip, aborts on any other failure. */
static int wait_child(pid_t pid, const char *what)
{
	int status;

	test_assert_int(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "%s: child died of signal %d\n", what, WTERMSIG(status));
		abort();
	}
	test_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		return 77;
	if (WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s: child exited %d\n", what, WEXITSTATUS(status));
		abort();
	}
	return 0;
}

/* Runs @fn in a child. Returns 0, 77 for a skip, or 1 for a failure (the
 * child has printed why), so the caller can clean up before failing. */
static int run_child(void (*fn)(void), const char *what)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	test_assert(pid >= 0);
	if (pid == 0) {
		fn();
		fflush(NULL);
		_exit(0);
	}
	test_assert_int(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		fprintf(stderr, "%s: child died of signal %d\n", what, WTERMSIG(status));
	else
		fprintf(stderr, "%s: child exited %d\n", what, WEXITSTATUS(status));
	return 1;
}

static char *path_in(const char *name)
{
	static char paths[8][PATH_MAX];
	static unsigned next;
	char *p = paths[next++ % ARRAY_SIZE(paths)];
	int n;

	n = snprintf(p, PATH_MAX, "%s/%s", base, name);

	test_assert(n > 0 && n < PATH_MAX);
	return p;
}

static void mkdir_in(const char *name)
{
	test_assert_int(mkdir(path_in(name), 0755), 0);
}

static void tmpfs_on(const char *path)
{
	test_assert_int(mount("tmpfs", path, "tmpfs", 0, "size=1m"), 0);
}

static bool exists_in(const char *name)
{
	return access(path_in(name), F_OK) == 0;
}

static void write_new_in(const char *name, const char *text, mode_t mode)
{
	int fd = open(path_in(name), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	test_assert(fd >= 0);
	test_assert_int(write_all(fd, text, strlen(text)), 0);
	close(fd);
}

/* A private world to mount in: new user and mount namespaces, nothing
 * propagating back, and a tmpfs on the scratch directory. */
static void enter_mount_sandbox(int flags)
{
	enter_userns(CLONE_NEWNS | flags, 0);
	test_assert_int(ns_mount_set_propagation("/", NS_PROPAGATION_PRIVATE), 0);
	test_assert_int(ns_mount_is_shared("/"), 0);
	tmpfs_on(base);
}

/* ---- propagation and ns_mount_is_shared() ------------------------------ */

static void propagation_child(void)
{
	enter_mount_sandbox(0);
	test_assert_int(ns_mount_is_shared(base), 0);

	/* a space is "\040" in mountinfo; "s px" must not match "s p" */
	mkdir_in("s p");
	mkdir_in("s px");
	tmpfs_on(path_in("s p"));
	test_assert_int(ns_mount_is_shared(path_in("s p")), 0);
	test_assert_int(ns_mount_set_propagation(path_in("s p"), NS_PROPAGATION_SHARED), 0);
	test_assert_int(ns_mount_is_shared(path_in("s p")), 1);
	test_assert_int(ns_mount_is_shared(path_in("s p/")), 1);
	mkdir_in("s p/sub");
	test_assert_int(ns_mount_is_shared(path_in("s p/sub")), 1);
	test_assert_int(ns_mount_is_shared(path_in("s px")), 0);
	test_assert_int(ns_mount_is_shared(base), 0);
	test_assert_int(ns_mount_is_shared(path_in("s p/missing")), -ENOENT);

	/* the path is resolved first */
	test_assert_int(symlink("s p", path_in("link")), 0);
	test_assert_int(ns_mount_is_shared(path_in("link")), 1);
	test_assert_int(ns_mount_is_shared(path_in("s px/../s p/sub")), 1);

	/* a backslash is "\134" */
	mkdir_in("b\\s");
	tmpfs_on(path_in("b\\s"));
	test_assert_int(ns_mount_set_propagation(path_in("b\\s"), NS_PROPAGATION_SHARED), 0);
	test_assert_int(ns_mount_is_shared(path_in("b\\s")), 1);

	/* slave: receives mounts from its master, is not itself shared */
	mkdir_in("peer");
	test_assert_int(mount(path_in("s p"), path_in("peer"), NULL, MS_BIND, NULL), 0);
	test_assert_int(ns_mount_is_shared(path_in("peer")), 1);
	test_assert_int(ns_mount_set_propagation(path_in("peer"), NS_PROPAGATION_SLAVE), 0);
	test_assert_int(ns_mount_is_shared(path_in("peer")), 0);
	tmpfs_on(path_in("s p/sub"));
	write_new_in("s p/sub/f", "", 0644);
	test_assert(exists_in("peer/sub/f"));

	/* private: receives nothing */
	test_assert_int(ns_mount_set_propagation(path_in("peer"), NS_PROPAGATION_PRIVATE), 0);
	mkdir_in("s p/sub2");
	tmpfs_on(path_in("s p/sub2"));
	write_new_in("s p/sub2/f", "", 0644);
	test_assert(exists_in("s p/sub2/f"));
	test_assert(!exists_in("peer/sub2/f"));

	/* the change is recursive */
	test_assert_int(ns_mount_set_propagation(base, NS_PROPAGATION_SHARED), 0);
	test_assert_int(ns_mount_is_shared(base), 1);
	test_assert_int(ns_mount_is_shared(path_in("peer")), 1);
	test_assert_int(ns_mount_set_propagation(base, NS_PROPAGATION_PRIVATE), 0);
	test_assert_int(ns_mount_is_shared(base), 0);
	test_assert_int(ns_mount_is_shared(path_in("s p")), 0);
	test_assert_int(ns_mount_is_shared(path_in("s p/sub")), 0);
	test_assert_int(ns_mount_is_shared(path_in("b\\s")), 0);

	/* stacked mounts: the last listed is the one on top */
	mkdir_in("stack");
	tmpfs_on(path_in("stack"));
	test_assert_int(ns_mount_set_propagation(path_in("stack"), NS_PROPAGATION_SHARED), 0);
	tmpfs_on(path_in("stack"));
	test_assert_int(ns_mount_is_shared(path_in("stack")), 1);
	test_assert_int(ns_mount_set_propagation(path_in("stack"), NS_PROPAGATION_PRIVATE), 0);
	test_assert_int(ns_mount_is_shared(path_in("stack")), 0);
	tmpfs_on(path_in("stack"));
	test_assert_int(ns_mount_is_shared(path_in("stack")), 0);
	test_assert_int(ns_mount_set_propagation(path_in("stack"), NS_PROPAGATION_SHARED), 0);
	test_assert_int(ns_mount_is_shared(path_in("stack")), 1);

	test_assert_int(ns_mount_set_propagation(path_in("missing"), NS_PROPAGATION_PRIVATE),
			-ENOENT);
}

/* ---- /proc -------------------------------------------------------------- */

static void check_proc_at(const char *name)
{
	char buf[4096], link[16];
	struct statvfs sv;
	struct statfs sf;
	ssize_t n;

	test_assert_int(statfs(path_in(name), &sf), 0);
	test_assert_int(sf.f_type, PROC_MAGIC);
	test_assert_int(statvfs(path_in(name), &sv), 0);
	test_assert((sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) ==
		    (ST_NOSUID | ST_NODEV | ST_NOEXEC));

	/* a proc of the new PID namespace: we are its init */
	snprintf(buf, sizeof(buf), "%s/1/status", name);
	test_assert(read_file_at(AT_FDCWD, path_in(buf), buf, sizeof(buf)) > 0);
	test_assert(strstr(buf, "\nPid:\t1\n"));
	snprintf(buf, sizeof(buf), "%s/self", name);
	n = readlink(path_in(buf), link, sizeof(link) - 1);
	test_assert(n > 0);
	link[n] = '\0';
	test_assert_str(link, "1");
}

/* Runs as init of a new PID namespace, which ignores its own SIGABRT: a
 * failed assert here ends in SIGSEGV instead. */
static void proc_grandchild(void)
{
	test_assert_int(getpid(), 1);

	/* no mount at "proc": nothing to make private, not an error */
	test_assert_int(ns_mount_proc(path_in("proc"), true), 0);
	check_proc_at("proc");

	/* a mount there is made private first, so proc does not propagate */
	mkdir_in("shared");
	tmpfs_on(path_in("shared"));
	test_assert_int(ns_mount_set_propagation(path_in("shared"), NS_PROPAGATION_SHARED), 0);
	test_assert_int(ns_mount_proc(path_in("shared"), true), 0);
	check_proc_at("shared");
	test_assert_int(ns_mount_is_shared(path_in("shared")), 0);

	/* ...and left alone without @make_private: proc joins its peer group */
	mkdir_in("kept");
	tmpfs_on(path_in("kept"));
	test_assert_int(ns_mount_set_propagation(path_in("kept"), NS_PROPAGATION_SHARED), 0);
	test_assert_int(ns_mount_proc(path_in("kept"), false), 0);
	check_proc_at("kept");
	test_assert_int(ns_mount_is_shared(path_in("kept")), 1);

	test_assert_int(ns_mount_proc(path_in("missing"), false), -ENOENT);
}

static void proc_child(void)
{
	pid_t pid;

	enter_mount_sandbox(0);
	mkdir_in("proc");

	/* our PID namespace belongs to the parent user namespace */
	test_assert_int(ns_mount_proc(path_in("proc"), true), -EPERM);

	test_assert_int(unshare(CLONE_NEWPID), 0);
	/* still the old PID namespace until a fork */
	test_assert_int(ns_mount_proc(path_in("proc"), false), -EPERM);
	fflush(NULL);
	pid = fork();
	test_assert(pid >= 0);
	if (pid == 0) {
		proc_grandchild();
		_exit(0);
	}
	test_assert_int(wait_child(pid, "proc"), 0);
}

/* ---- binfmt_misc -------------------------------------------------------- */

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	test_assert_int(uname(&u), 0);
	test_assert(sscanf(u.release, "%d.%d", &ma, &mi) == 2);
	return ma > major || (ma == major && mi >= minor);
}

static void binfmt_child(void)
{
	const char *def = ":nsutils-test:E::nsxt::/bin/cat:";
	char buf[4096];
	struct statfs sf;
	int pipefd[2];
	ssize_t n;
	pid_t pid;
	int r;

	enter_mount_sandbox(0);
	mkdir_in("binfmt");
	r = ns_mount_binfmt(path_in("binfmt"));
	/* an instance per user namespace came with Linux 6.7 */
	if ((r == -EPERM || r == -ENODEV) && !kernel_at_least(6, 7)) {
		printf("binfmt_misc cannot be mounted in a user namespace before Linux 6.7: "
		       "not tested\n");
		return;
	}
	test_assert_int(r, 0);
	test_assert_int(statfs(path_in("binfmt"), &sf), 0);
	test_assert_int(sf.f_type, BINFMT_MAGIC);
	test_assert(!exists_in("binfmt/nsutils-test"));

	test_assert(!ns_binfmt_is_fixed(def));
	test_assert_int(ns_binfmt_register(path_in("binfmt"), def), 0);
	test_assert(read_file_at(AT_FDCWD, path_in("binfmt/nsutils-test"), buf, sizeof(buf)) > 0);
	test_assert(strncmp(buf, "enabled\n", strlen("enabled\n")) == 0);
	test_assert(strstr(buf, "\ninterpreter /bin/cat\n"));
	test_assert(strstr(buf, "\nextension .nsxt\n"));
	test_assert(!strstr(buf, "flags: F"));

	test_assert_int(ns_binfmt_register(path_in("binfmt"), def), -EEXIST);
	test_assert_int(ns_binfmt_register(path_in("binfmt"), "nonsense"), -EINVAL);
	test_assert_int(ns_binfmt_register(path_in("missing"), def), -ENOENT);

	test_assert_int(ns_binfmt_register(path_in("binfmt"), ":nsutils-fix:E::nsxf::/bin/cat:F"),
			0);
	test_assert(read_file_at(AT_FDCWD, path_in("binfmt/nsutils-fix"), buf, sizeof(buf)) > 0);
	test_assert(strstr(buf, "\nflags: F"));

	/* the entry works: exec of a .nsxt file runs "/bin/cat file" */
	write_new_in("hello.nsxt", "hello from binfmt\n", 0755);
	test_assert_int(pipe2(pipefd, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	test_assert(pid >= 0);
	if (pid == 0) {
		char *argv[] = { path_in("hello.nsxt"), NULL };

		dup2(pipefd[1], STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	n = read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	test_assert_int(wait_child(pid, "binfmt exec"), 0);
	test_assert(n > 0);
	buf[n] = '\0';
	test_assert_str(buf, "hello from binfmt\n");
}

/* ---- capabilities ------------------------------------------------------- */

struct capsets {
	uint64_t inh, prm, eff, bnd, amb;
};

static uint64_t status_mask(const char *status, const char *key)
{
	const char *p = strstr(status, key);
	unsigned long long v;

	test_assert(p);
	test_assert(sscanf(p + strlen(key), " %llx", &v) == 1);
	return v;
}

static struct capsets parse_caps(const char *status)
{
	return (struct capsets){
		.inh = status_mask(status, "\nCapInh:"),
		.prm = status_mask(status, "\nCapPrm:"),
		.eff = status_mask(status, "\nCapEff:"),
		.bnd = status_mask(status, "\nCapBnd:"),
		.amb = status_mask(status, "\nCapAmb:"),
	};
}

static struct capsets my_caps(void)
{
	char buf[8192];

	test_assert(read_file_at(AT_FDCWD, "/proc/self/status", buf, sizeof(buf)) > 0);
	return parse_caps(buf);
}

/* The capability sets of a program we execute now, as it sees them. */
static struct capsets exec_caps(void)
{
	char buf[8192];
	size_t len = 0;
	int pipefd[2];
	ssize_t n;
	pid_t pid;

	test_assert_int(pipe2(pipefd, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	test_assert(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		execl("/bin/cat", "cat", "/proc/self/status", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(pipefd[0]);
	test_assert_int(wait_child(pid, "exec"), 0);
	buf[len] = '\0';
	return parse_caps(buf);
}

static uint64_t all_caps(void)
{
	int last = ns_caps_last();

	return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

static void set_caps(const char *text)
{
	cap_t caps = cap_from_text(text);

	test_assert(caps);
	test_assert_int(cap_set_proc(caps), 0);
	cap_free(caps);
}

static void ambient_child(void)
{
	struct capsets c;

	/* not uid 0 inside, so execve(2) keeps only ambient capabilities */
	enter_userns(0, 1000);
	test_assert_int(getuid(), 1000);
	c = my_caps();
	test_assert(c.prm == all_caps());
	test_assert_int(c.amb, 0);
	test_assert_int(exec_caps().eff, 0);

	test_assert_int(ns_caps_keep_ambient(), 0);
	c = my_caps();
	test_assert(c.amb != 0);
	test_assert(c.amb == c.prm);
	test_assert(c.inh == c.prm);
	test_assert(exec_caps().eff == c.prm);

	/* only what is permitted: with fewer, ambient and inheritable shrink */
	set_caps("cap_net_admin,cap_sys_admin=pe");
	test_assert_int(ns_caps_keep_ambient(), 0);
	c = my_caps();
	test_assert(c.prm == ((1ull << CAP_NET_ADMIN) | (1ull << CAP_SYS_ADMIN)));
	test_assert(c.amb == c.prm);
	test_assert(c.inh == c.prm);
	test_assert(exec_caps().eff == c.prm);

	set_caps("=");
	test_assert_int(ns_caps_keep_ambient(), 0);
	c = my_caps();
	test_assert_int(c.amb, 0);
	test_assert_int(c.inh, 0);
}

static void bound_child(void)
{
	struct capsets before, c;

	enter_userns(0, 0);
	before = my_caps();
	test_assert(before.bnd == all_caps());

	test_assert_int(ns_caps_bound(1ull << CAP_NET_ADMIN), 0);
	c = my_caps();
	test_assert(c.bnd == 1ull << CAP_NET_ADMIN);
	test_assert(c.eff == before.eff);
	test_assert(c.prm == before.prm);
	/* nothing left to drop */
	test_assert_int(ns_caps_bound(1ull << CAP_NET_ADMIN), 0);
	test_assert_int(ns_caps_bound(UINT64_MAX), 0);
	test_assert(my_caps().bnd == 1ull << CAP_NET_ADMIN);
	test_assert_int(ns_caps_bound(0), 0);
	test_assert_int(my_caps().bnd, 0);
}

static void bound_setpcap_child(void)
{
	const uint64_t keep = (1ull << CAP_SETPCAP) | (1ull << CAP_SYS_ADMIN);
	struct capsets before, c;

	enter_userns(0, 0);
	/* CAP_SETPCAP permitted but not effective: raised for the drops, then
	 * put back as it was */
	set_caps("all=p cap_sys_admin,cap_net_admin+e");
	before = my_caps();
	test_assert(!(before.eff & (1ull << CAP_SETPCAP)));
	test_assert_int(ns_caps_bound(keep), 0);
	c = my_caps();
	test_assert(c.bnd == keep);
	test_assert(c.eff == before.eff);
	test_assert(c.prm == before.prm);

	/* without CAP_SETPCAP at all nothing can be dropped */
	set_caps("cap_sys_admin=ep");
	test_assert_int(ns_caps_bound(1ull << CAP_SETPCAP), -EPERM);
	test_assert(my_caps().bnd == keep);
	test_assert(my_caps().eff == 1ull << CAP_SYS_ADMIN);
	/* already gone is not an error */
	test_assert_int(ns_caps_bound(keep), 0);
	test_assert(my_caps().bnd == keep);
}

int main(void)
{
	static const struct {
		void (*fn)(void);
		const char *what;
	} children[] = {
		{ propagation_child, "propagation" },
		{ proc_child, "proc" },
		{ binfmt_child, "binfmt_misc" },
		{ ambient_child, "ambient capabilities" },
		{ bound_child, "bounding set" },
		{ bound_setpcap_child, "bounding set and CAP_SETPCAP" },
	};
	bool failed = false, skipped = false;

	test_propagation_names();
	test_binfmt_is_fixed();
	test_unprivileged_errors();

	test_assert(mkdtemp(base));
	for (size_t i = 0; i < ARRAY_SIZE(children); i++) {
		int r = run_child(children[i].fn, children[i].what);

		failed |= r == 1;
		skipped |= r == 77;
	}
	test_assert_int(rmdir(base), 0);
	if (failed)
		return 1;
	return skipped ? 77 : 0;
}
