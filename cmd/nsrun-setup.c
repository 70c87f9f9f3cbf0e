/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun's setup steps: helper children, persistence, mounts, credentials, exec. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"
#include "config.h"

/* Fork a child that blocks until the parent calls release_child(). A pipe,
 * not an eventfd: if the parent dies first the child reads end-of-file and
 * leaves instead of waiting forever. */
pid_t fork_waiting(int *ret_fd)
{
	sigset_t stop;
	int p[2];
	char c;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		die(-errno, "cannot create pipe");
	pid = ns_fork(NULL);
	if (pid < 0)
		die(pid, "fork failed");
	if (pid > 0) {
		close(p[0]);
		*ret_fd = p[1];
		return pid;
	}
	close(p[1]);
	/* A helper's work is done whole or not at all: a signal between its
	 * bind mounts (or links) and its exit would leave them with nothing
	 * to take them back, the parent being in other namespaces by then.
	 * The parent's death still ends it (end-of-file), SIGKILL too. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGQUIT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	n = TEMP_FAILURE_RETRY(read(p[0], &c, 1));
	if (n != 1)
		_exit(1);
	close(p[0]);
	return 0;
}

/* Copies what a helper writes to its stderr, read from @fd until the last
 * writer closes it, to ours as it comes; returns whether there was any. */
bool relay_stderr(int fd)
{
	char buf[4096];
	bool said = false;
	ssize_t n;

	while ((n = TEMP_FAILURE_RETRY(read(fd, buf, sizeof(buf)))) > 0) {
		said = true;
		for (ssize_t off = 0, w; off < n; off += w) {
			w = TEMP_FAILURE_RETRY(write(STDERR_FILENO, buf + off, (size_t)(n - off)));
			if (w <= 0)
				break;
		}
	}
	return said;
}

/* Let the child go and wait for it, relaying its stderr from @err_fd
 * first unless that is -1; returns its wait status. */
int release_wait(pid_t pid, int fd, int err_fd, bool *ret_said)
{
	int status, r;

	void (*was)(int) = signal(SIGPIPE, SIG_IGN);
	ssize_t n = write(fd, "", 1);

	/* a child already gone (EPIPE) is reported as it ended */
	if (n != 1 && errno != EPIPE)
		die(-errno, "cannot signal child %d", (int)pid);
	signal(SIGPIPE, was);
	close(fd);
	if (err_fd >= 0)
		*ret_said = relay_stderr(err_fd);
	r = ns_wait(pid, &status);
	if (r < 0)
		die(r, "waitpid failed");
	return status;
}

/* Fails the way a helper child failed; its own message is already on
 * stderr. */
static void exit_as_child(pid_t pid, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		exit(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		diex("child %d died of signal %d", (int)pid, WTERMSIG(status));
}

void release_child(pid_t pid, int fd)
{
	exit_as_child(pid, release_wait(pid, fd, -1, NULL));
}

/* A socket pair rather than a pipe: it carries the child's arrival one
 * way and the release the other, and a child that left before the gate
 * opened cannot kill the parent with SIGPIPE (MSG_NOSIGNAL). */
void gate_init(struct gate *g)
{
	int p[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		die(-errno, "cannot create socket pair");
	g->parent = p[0];
	g->child = p[1];
}

void gate_child(struct gate *g)
{
	if (g->parent >= 0)
		close(g->parent);
	g->parent = -1;
}

void gate_parent(struct gate *g)
{
	if (g->child >= 0)
		close(g->child);
	g->child = -1;
}

static ssize_t gate_io(int fd, bool out)
{
	char c = 0;
	ssize_t n;

	n = TEMP_FAILURE_RETRY(out ? send(fd, &c, 1, MSG_NOSIGNAL) : recv(fd, &c, 1, 0));
	return n;
}

void gate_pass(struct gate *g)
{
	ssize_t n;

	gate_child(g);
	/* A parent that binds nothing releases the gate without waiting
	 * for us and closes its end: the release is still there to read
	 * once our arrival meets EPIPE. End-of-file there: the parent gave
	 * up, or died, and nothing of ours runs. */
	if (gate_io(g->child, true) != 1 && errno != EPIPE && errno != ECONNRESET)
		die(-errno, "cannot report to the parent");
	n = gate_io(g->child, false);
	if (n < 0)
		die(-errno, "cannot wait for the parent");
	if (n != 1)
		_exit(1);
	close(g->child);
	g->child = -1;
}

bool gate_arrived(struct gate *g)
{
	return g->parent >= 0 && gate_io(g->parent, false) == 1;
}

void gate_release(struct gate *g)
{
	/* a child already gone is reported when it is waited for */
	if (g->parent >= 0 && gate_io(g->parent, true) != 1 && errno != EPIPE &&
	    errno != ECONNRESET)
		die(-errno, "cannot release the child");
	gate_shut(g);
}

void gate_shut(struct gate *g)
{
	if (g->parent >= 0)
		close(g->parent);
	g->parent = -1;
}

static noreturn void persist_failed(int r, pid_t pid, enum ns_type type, const char *target)
{
	/* the kernel refuses a bind that would propagate with EINVAL, and on
	 * some kernels (6.18) a mount namespace's at times with ELOOP */
	if ((r == -EINVAL || (r == -ELOOP && type == NS_TYPE_MNT)) && ns_mount_is_shared(target) > 0)
		diex("mount /proc/%d/ns/%s on %s failed: %s (the mount holding '%s' is shared; make it private first, e.g. mount --make-private on its mount point)",
		    (int)pid, ns_type_proc_name(type, true), target, strerror(-r), target);
	die(r, "mount /proc/%d/ns/%s on %s failed", (int)pid, ns_type_proc_name(type, true),
	    target);
}

/* Every target is opened here, before any helper forks and before the
 * program runs, and bound later through that fd: a symlink planted at the
 * path (or swapped in by the program meanwhile) would make a privileged
 * nsrun bind a namespace over any file of the system. The namespace bound
 * is that of this process, whose PID the messages name. */
void open_persist_targets(struct nsrun_opts *o)
{
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		o->persist_fd[t] = -1;
		if (!o->persist[t])
			continue;
		o->persist_fd[t] = ns_persist_open_target(o->persist[t]);
		if (o->persist_fd[t] == -ELOOP)
			diex("mount /proc/%d/ns/%s on %s failed: %s (no symbolic link may be on the path)",
			     (int)getpid(), ns_type_proc_name(t, true), o->persist[t], strerror(ELOOP));
		if (o->persist_fd[t] < 0)
			persist_failed(o->persist_fd[t], getpid(), t, o->persist[t]);
	}
}

/* the order unshare(1) binds in; a failure takes back the binds before it
 * in reverse */
static const enum ns_type persist_order[NS_TYPE_MAX] = {
	NS_TYPE_USER, NS_TYPE_CGROUP, NS_TYPE_IPC, NS_TYPE_UTS,
	NS_TYPE_NET,  NS_TYPE_PID,    NS_TYPE_MNT, NS_TYPE_TIME,
};

/* Takes back the binds of @tree, last first; says so when one stays. */
static void unpersist_all(const struct nsrun_opts *o, int tree[NS_TYPE_MAX])
{
	for (int i = NS_TYPE_MAX - 1; i >= 0; i--) {
		enum ns_type t = persist_order[i];
		int r;

		if (tree[t] < 0)
			continue;
		r = ns_unpersist_fd(tree[t]);
		if (r < 0)
			fprintf(stderr, "%s: cannot unmount '%s': %s\n", program_name,
				o->persist[t], strerror(-r));
		close(tree[t]);
		tree[t] = -1;
	}
}

/* All or nothing: a failure takes back the binds made before it. The
 * namespaces are those of @pid, reached through @pidfd, its pidfd opened
 * before any fork: with --owner @pid may be killed by the owner and its
 * number reused. Runs before the program may (see struct gate). The
 * attached mounts are left in @tree for unpersist_all(). */
static void persist_into(const struct nsrun_opts *o, pid_t pid, int pidfd, int tree[NS_TYPE_MAX])
{
	_cleanup_close_ int proc = -1;

	for (int t = 0; t < NS_TYPE_MAX; t++)
		tree[t] = -1;
	for (int i = 0; i < NS_TYPE_MAX; i++) {
		enum ns_type t = persist_order[i];
		int ns, r;

		if (o->persist_fd[t] < 0)
			continue;
		ns = ns_open_pidfd(pidfd, proc, t, true);
		if (ns == -ENOTTY && proc < 0) {
			proc = ns_proc_open_pidfd(pid, pidfd);
			if (proc < 0) {
				unpersist_all(o, tree);
				die(proc, "cannot open /proc/%d", (int)pid);
			}
			ns = ns_open_pidfd(pidfd, proc, t, true);
		}
		if (ns < 0) {
			unpersist_all(o, tree);
			persist_failed(ns, pid, t, o->persist[t]);
		}
		r = ns_persist_fd(ns, o->persist_fd[t], &tree[t]);
		close(ns);
		if (r < 0) {
			unpersist_all(o, tree);
			persist_failed(r, pid, t, o->persist[t]);
		}
	}
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		int r;

		if (!o->persist_also[t] || tree[t] < 0)
			continue;
		r = ns_persist_fd(tree[t], o->persist_also_fd[t], NULL);
		if (r < 0) {
			unpersist_all(o, tree);
			persist_failed(r, pid, t, o->persist_also[t]);
		}
	}
}

void persist_all(const struct nsrun_opts *o, pid_t pid, int pidfd)
{
	int tree[NS_TYPE_MAX];

	persist_into(o, pid, pidfd, tree);
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (tree[t] >= 0)
			close(tree[t]);
}

/* The binder: forked before unshare(2), it stays in nsrun's first mount
 * namespace, with its first root and ids, where nsrun itself may no longer
 * unmount anything once it has unshared, chrooted or changed ids. With
 * --fork the parent binds once its child waits at the gate, and the binder
 * just binds. Without, the binds come before the rest of the set-up, which
 * may still fail: the binder keeps the mounts it attached and takes them
 * back unless nsrun says, right before its exec, that all went well. Its
 * socket is the one way to it: end-of-file is nsrun's end, by exit or by
 * signal, before the exec. It never unmounts once the program may run:
 * then it has left. */
pid_t fork_binder(const struct nsrun_opts *o, int ppidfd, int *ret_fd)
{
	pid_t ppid = getpid(), pid;
	int tree[NS_TYPE_MAX];
	int p[2], r;
	ssize_t n;

	sigset_t stop, old;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		die(-errno, "cannot create socket pair");
	/* Blocked across the fork and kept so in the binder: a signal between
	 * its binds and its report would leave mounts nobody takes back. Its
	 * parent's end (end-of-file) and SIGKILL still end it. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGQUIT);
	sigprocmask(SIG_BLOCK, &stop, &old);
	pid = ns_fork(NULL);
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		die(pid, "fork failed");
	if (pid > 0) {
		close(p[1]);
		*ret_fd = p[0];
		return pid;
	}
	close(p[0]);
	n = gate_io(p[1], false);
	if (n < 0)
		die(-errno, "cannot wait for the parent");
	if (n == 0)
		_exit(1);
	persist_into(o, ppid, ppidfd, tree);
	if (o->fork)
		_exit(0);
	if (gate_io(p[1], true) != 1) {
		r = -errno;
		unpersist_all(o, tree);
		die(r, "cannot report to the parent");
	}
	/* the terminal's signals end nsrun, whose end-of-file is ours */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	/* on success the mounts stay, their fds go */
	n = gate_io(p[1], false);
	if (n == 1)
		_exit(0);
	r = n < 0 ? -errno : 0;
	unpersist_all(o, tree);
	/* nsrun, unless dead, fails as we do */
	if (r < 0)
		die(r, "cannot wait for the parent");
	_exit(1);
}

/* the binder of persist_held(), until persist_commit() or nsrun's exit */
static pid_t held_pid;
static int held_fd = -1;

static void persist_release(void)
{
	int status;

	if (held_fd < 0)
		return;
	/* end-of-file: the binder takes the binds back, and nsrun ends
	 * only once it has */
	close(held_fd);
	held_fd = -1;
	(void)ns_wait(held_pid, &status);
}

void persist_held(pid_t pid, int fd)
{
	int status, r, w;
	ssize_t n;

	/* a child gone already is heard of below */
	if (gate_io(fd, true) != 1 && errno != EPIPE && errno != ECONNRESET) {
		r = -errno;
		close(fd);
		(void)ns_wait(pid, &status);
		die(r, "cannot signal child %d", (int)pid);
	}
	n = gate_io(fd, false);
	if (n != 1) {
		/* end-of-file: it failed, said why and took back what it had
		 * bound; an error here: it does so once our end closes */
		r = n < 0 && errno != ECONNRESET ? -errno : 0;
		close(fd);
		w = ns_wait(pid, &status);
		if (r < 0 || w < 0)
			die(r < 0 ? r : w, "cannot wait for child %d", (int)pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			exit(WEXITSTATUS(status));
		if (WIFSIGNALED(status))
			diex("child %d died of signal %d", (int)pid, WTERMSIG(status));
		diex("child %d ended without binding", (int)pid);
	}
	held_pid = pid;
	held_fd = fd;
	atexit(persist_release);
}

void persist_commit(void)
{
	int status, r;

	if (held_fd < 0)
		return;
	if (gate_io(held_fd, true) != 1)
		die(-errno, "cannot signal child %d", (int)held_pid);
	close(held_fd);
	held_fd = -1;
	/* reaped here: the program inherits no child of ours; one that
	 * could not hear us took the binds back */
	r = ns_wait(held_pid, &status);
	if (r < 0)
		die(r, "waitpid failed");
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		exit(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		diex("child %d died of signal %d", (int)held_pid, WTERMSIG(status));
}

pid_t fork_veth_creator(const struct nsrun_plan *p, int self_pidfd, int *ret_fd)
{
	pid_t ppid = getpid(), pid = fork_waiting(ret_fd);

	if (pid == 0)
		create_veths_for(ppid, self_pidfd, p->o);
	return pid;
}

void unshare_or_die(int flags)
{
	int r = ns_unshare(flags);

	if (r == -EPERM && !(flags & CLONE_NEWUSER) && geteuid() != 0)
		diex("unshare failed: %s (only root may create these namespaces; add --user or -r to create a user namespace as well)",
		    strerror(EPERM));
	if (r == -ENOSPC)
		diex("unshare failed: %s (a limit in /proc/sys/user/ is reached)",
		    strerror(ENOSPC));
	if (r == -EINVAL && (flags & CLONE_NEWUSER))
		diex("unshare failed: %s (a chrooted process cannot create a user namespace)",
		    strerror(EINVAL));
	if (r < 0)
		die(r, "unshare failed");
}

void setup_mounts(const struct nsrun_opts *o)
{
	bool fixed_in_root = o->interp && o->root && ns_binfmt_is_fixed(o->interp);
	enum dir_step dstep;
	int r;

	if ((o->flags & CLONE_NEWNS) && o->propagation != NS_PROPAGATION_UNCHANGED) {
		r = ns_mount_set_propagation("/", o->propagation);
		if (r < 0)
			die(r, "cannot change root filesystem propagation");
	}

	/* An interpreter registered with F is opened at once, so it must be
	 * found before chroot(2) hides it. */
	if (fixed_in_root) {
		r = ns_mount_binfmt(PROC_BINFMT_MISC);
		if (r < 0)
			die(r, "mount %s failed", PROC_BINFMT_MISC);
		r = ns_binfmt_register(PROC_BINFMT_MISC, o->interp);
		if (r < 0)
			die(r, open_failed(r) ? "cannot open %s/register" : "write failed %s/register",
			    PROC_BINFMT_MISC);
	}

	r = change_root_dir(-1, o->root, -1, o->wd, &dstep);
	if (r < 0 && dstep == DIR_CHROOT)
		die(r, "cannot change root directory to '%s'", o->root);
	if (r < 0)
		die(r, "cannot change directory to %s", o->wd ? o->wd : "/");

	if (o->procmnt) {
		/* With the default propagation, making / private recursively
		 * already covered an existing /proc. */
		r = ns_mount_proc(o->procmnt,
				  !o->root && o->propagation != NS_PROPAGATION_PRIVATE);
		if (r == -EPERM && (o->flags & CLONE_NEWPID) && !o->fork)
			diex("mount %s failed: %s (a new PID namespace needs --fork before its /proc can be mounted)",
			    o->procmnt, strerror(EPERM));
		if (r == -EPERM && (o->flags & CLONE_NEWUSER) && !(o->flags & CLONE_NEWPID))
			diex("mount %s failed: %s (a new user namespace may only mount the proc of a PID namespace it owns; add --pid --fork)",
			     o->procmnt, strerror(EPERM));
		/* the private remount goes first, and only it meets a missing
		 * directory */
		if ((r == -ENOENT || r == -ENOTDIR) && !o->root &&
		    o->propagation != NS_PROPAGATION_PRIVATE)
			die(r, "cannot change %s filesystem propagation", o->procmnt);
		if (r < 0)
			die(r, "mount %s failed", o->procmnt);
	}
	if (o->binfmt_mnt) {
		r = ns_mount_binfmt(o->binfmt_mnt);
		if (r < 0)
			die(r, "mount %s failed", o->binfmt_mnt);
	}
	if (o->interp && !fixed_in_root) {
		r = ns_binfmt_register(o->binfmt_mnt, o->interp);
		if (r < 0)
			die(r, open_failed(r) ? "cannot open %s/register" : "write failed %s/register",
			    o->binfmt_mnt);
	}
}

/* The root and working directory change nsrun and its enter mode share:
 * chroot(2) to @root_fd's directory or to @root, then chdir(2) to @wd_fd or
 * @wd, or "/" after a new root. Returns 0, or -errno and the failed step. */
int change_root_dir(int root_fd, const char *root, int wd_fd, const char *wd,
		    enum dir_step *ret_step)
{
	*ret_step = DIR_ROOT_FD;
	if (root_fd >= 0 && fchdir(root_fd) < 0)
		return -errno;
	*ret_step = DIR_CHROOT;
	if ((root_fd >= 0 || root) && chroot(root_fd >= 0 ? "." : root) < 0)
		return -errno;
	*ret_step = DIR_SLASH;
	if ((root_fd >= 0 || root) && !wd && chdir("/") < 0)
		return -errno;
	*ret_step = DIR_WD;
	if (wd_fd >= 0 && fchdir(wd_fd) < 0)
		return -errno;
	if (wd_fd < 0 && wd && chdir(wd) < 0)
		return -errno;
	return 0;
}

/* The uid, gid and capability change of both modes. With @groups_may_fail
 * (nsenter's rule when setgroups(2) worked before entering a user
 * namespace, or none was entered), failing to drop supplementary groups is
 * no error.
 * Returns 0, or -errno and the failed step. */
int change_credentials(const struct cred_change *c, enum cred_step *ret_step)
{
	*ret_step = CRED_GROUPS;
	if (c->force_gid && setgroups(0, NULL) < 0 && !c->groups_may_fail)
		return -errno;
	*ret_step = CRED_GID;
	if (c->force_gid && setgid(c->gid) < 0)
		return -errno;
	*ret_step = CRED_UID;
	if (c->force_uid && setuid(c->uid) < 0)
		return -errno;
	*ret_step = CRED_CAPS;
	if (c->keep_caps)
		return ns_caps_keep_ambient();
	return 0;
}

void set_credentials(const struct nsrun_opts *o)
{
	struct cred_change c = {
		.force_uid = o->force_uid, .uid = o->uid, .force_gid = o->force_gid, .gid = o->gid,
		.keep_caps = o->keep_caps && (o->flags & CLONE_NEWUSER),
	};
	enum cred_step step;
	int r = change_credentials(&c, &step);

	/* unshare(1)'s words; id_change_failed() reads errno */
	errno = -r;
	if (r < 0 && step == CRED_GROUPS)
		die(r, "setgroups failed");
	if (r < 0 && step == CRED_GID)
		id_change_failed("setgid() failed", "gid", o->gid);
	if (r < 0 && step == CRED_UID)
		id_change_failed("setuid() failed", "uid", o->uid);
	if (r < 0)
		die(r, "cannot raise ambient capabilities");
}

/* The environment replaced by @env (@n "NAME=value" strings that must
 * outlive it), for --keep-env and the enter mode's --env. */
int replace_environment(char **env, size_t n)
{
	clearenv();
	for (size_t i = 0; i < n; i++)
		if (putenv(env[i]) != 0)
			return -errno;
	return 0;
}

void set_environment(const struct nsrun_opts *o)
{
	int r;

	if (!o->clear_env)
		return;
	r = replace_environment(o->keep_env, o->nkeep_env);
	if (r < 0)
		die(r, "failed to set whitelisted environment variables");
}

/* Executes @argv, or without one the shell of $SHELL or else of the passwd
 * entry (/bin/sh if neither) as a login shell, as both modes do. Returns
 * -errno and in @ret_path what could not be executed. */
int exec_argv_or_shell(char **argv, const char **ret_path)
{
	const char *shell;
	_cleanup_free_ char *arg0 = NULL;
	const char *base;

	if (argv[0]) {
		execvp(argv[0], argv);
		*ret_path = argv[0];
		return -errno;
	}

	shell = getenv("SHELL");
	if (!shell || !*shell) {
		struct passwd *pw = getpwuid(getuid());

		shell = pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
	}
	*ret_path = shell;
	base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	if (asprintf(&arg0, "-%s", base) < 0)
		return -ENOMEM;
	execl(shell, arg0, (char *)NULL);
	return -errno;
}

noreturn void exec_program(char **argv)
{
	const char *path;
	int r = exec_argv_or_shell(argv, &path);

	die_status(r == -ENOENT ? NS_EXIT_NOT_FOUND : NS_EXIT_CANNOT_INVOKE, r,
		   "failed to execute %s", path);
}
