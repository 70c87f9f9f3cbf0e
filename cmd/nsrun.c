/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun: run a program in new namespaces; a drop-in for unshare(1). */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

static pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* While the parent of --fork persists namespaces, a failure must not leave
 * the program running as if all had gone well. */
static pid_t abandoned_child;

static void kill_abandoned_child(void)
{
	if (abandoned_child > 0) {
		kill(abandoned_child, SIGKILL);
		waitpid(abandoned_child, NULL, 0);
	}
}

/* The parent of --fork: forwards or ignores the terminal's signals, persists
 * the namespaces that need a process inside them, and ends as the child did. */
static void run_parent(const struct nsrun_opts *o, pid_t pid, pid_t pid_bind, int fd_bind)
{
	int status, r;

	if (o->npersist) {
		abandoned_child = pid;
		atexit(kill_abandoned_child);
		if (pid_bind)
			release_child(pid_bind, fd_bind);
		else
			persist_all(o, getpid());
		abandoned_child = 0;
	}
	r = ns_wait(pid, &status);
	if (r < 0)
		die(r, "cannot wait for child %d", (int)pid);
	exit_like(status);
}

int main(int argc, char **argv)
{
	struct nsrun_opts o = {
		.propagation = NS_PROPAGATION_PRIVATE,
		.setgroups = SETGROUPS_NONE,
		.map_user = NS_ID_NONE,
		.map_group = NS_ID_NONE,
		.owner_uid = NS_ID_NONE,
		.owner_gid = NS_ID_NONE,
	};
	static struct nsrun_maps m;
	pid_t pid = 0, pid_idmap = 0, pid_bind = 0;
	int fd_idmap = -1, fd_bind = -1, parent_pidfd = -1, r;
	sigset_t oldmask;

	program_name = "nsrun";
	close_stdout_atexit();
	parse_options(argc, argv, &o);

	m.euid = geteuid();
	m.egid = getegid();
	resolve_maps(&o, &m);
	if (o.map_group != NS_ID_NONE && o.setgroups == SETGROUPS_ALLOW)
		diex("options --setgroups=allow and --map-group are mutually exclusive");

	/* clear inherited settings */
	signal(SIGCHLD, SIG_DFL);

	/* Binding a mount or user namespace file needs a process that stays
	 * in the original namespaces; see unshare(1). */
	if (o.npersist && (o.flags & (CLONE_NEWNS | CLONE_NEWUSER))) {
		pid_t ppid = getpid();

		pid_bind = fork_waiting(&fd_bind);
		if (pid_bind == 0) {
			persist_all(&o, ppid);
			_exit(0);
		}
	}
	if (m.have_users || m.have_groups) {
		pid_t ppid = getpid();

		pid_idmap = fork_waiting(&fd_idmap);
		if (pid_idmap == 0)
			write_maps_for(ppid, &m);
	}

	if (o.owner_gid != NS_ID_NONE && (setgroups(0, NULL) < 0 || setgid(o.owner_gid) < 0))
		die(-errno, "cannot set gid to %u", (unsigned)o.owner_gid);
	if (o.owner_uid != NS_ID_NONE && setuid(o.owner_uid) < 0)
		die(-errno, "cannot set uid to %u", (unsigned)o.owner_uid);

	unshare_or_die(o.flags);
	if (pid_idmap)
		release_child(pid_idmap, fd_idmap);

	/* time offsets can only be set before a process enters the namespace */
	if (o.force_boottime) {
		r = ns_timens_set_offset(CLOCK_BOOTTIME, o.boottime);
		if (r < 0)
			die(r, "cannot set boottime offset");
	}
	if (o.force_monotonic) {
		r = ns_timens_set_offset(CLOCK_MONOTONIC, o.monotonic);
		if (r < 0)
			die(r, "cannot set monotonic offset");
	}

	if (o.fork) {
		sigset_t block;

		/* Blocked across the fork: a signal the parent gets before it
		 * knows the child's pid would otherwise be forwarded nowhere.
		 * Without --forward-signals they stay blocked in the parent,
		 * so the terminal's signals end the child, and the parent
		 * stays to report its status. */
		sigemptyset(&block);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGTERM);
		sigprocmask(SIG_BLOCK, &block, &oldmask);
		if (o.forward_signals) {
			struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };

			sigemptyset(&sa.sa_mask);
			if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
				die(-errno, "cannot install signal handlers");
		}
		if (o.kill_child_sig) {
			parent_pidfd = ns_pidfd_open(getpid());
			if (parent_pidfd < 0)
				die(parent_pidfd, "cannot open a pidfd for process %d", (int)getpid());
		}
		/* forked before the persistent bind mounts so that
		 * pid_for_children has a process to refer to */
		pid = ns_fork(NULL);
		if (pid < 0)
			die(pid, "cannot fork");
		if (pid > 0) {
			child_pid = pid;
			if (o.forward_signals)
				sigprocmask(SIG_SETMASK, &oldmask, NULL);
			run_parent(&o, pid, pid_bind, fd_bind);
		}
		if (o.forward_signals) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
		}
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		if (fd_bind >= 0)
			close(fd_bind);
	} else if (o.npersist) {
		if (pid_bind)
			release_child(pid_bind, fd_bind);
		else
			persist_all(&o, getpid());
	}

	set_single_maps(&o, &m);
	if (o.setgroups != SETGROUPS_NONE) {
		_cleanup_close_ int proc = ns_proc_open(0);

		r = proc < 0 ? proc : ns_setgroups_write(proc, o.setgroups == SETGROUPS_ALLOW);
		if (r == -EPERM && o.map_group != NS_ID_NONE)
			diex("cannot write /proc/self/setgroups: %s (-r, -c and --map-group deny setgroups themselves before writing the gid map, after which it cannot change)",
			     strerror(EPERM));
		if (r < 0 && r != -ENOENT)
			die(r, "cannot write /proc/self/setgroups");
	}
	setup_mounts(&o);
	set_credentials(&o);
	set_environment(&o);

	/* Last, after any uid change that would clear it; see prctl(2). */
	if (o.kill_child_sig) {
		r = ns_parent_watch(parent_pidfd, o.kill_child_sig);
		if (r == -ESRCH)
			exit(1);
		if (r < 0)
			die(r, "cannot watch the parent process");
		close(parent_pidfd);
	}
	exec_program(o.argv);
}
