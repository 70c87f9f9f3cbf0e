/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun: run a program in new namespaces; a drop-in for unshare(1). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

/* a pidfd, not the PID: once reaped, the number may be another process's */
static int child_pidfd = -1;

static void forward_signal(int sig)
{
	int saved = errno;

	if (child_pidfd >= 0)
		ns_pidfd_send_signal(child_pidfd, sig);
	errno = saved;
}

/* While the parent of --fork persists namespaces, a failure must not leave
 * the program running as if all had gone well. */
static pid_t abandoned_child;

static void kill_abandoned_child(void)
{
	int status;

	if (abandoned_child > 0) {
		kill(abandoned_child, SIGKILL);
		(void)ns_wait(abandoned_child, &status);
	}
}

/* /proc as nsrun found it, opened before any fork or unshare: the child
 * shares the mount namespace and may mount another on /proc, or a fake
 * one, where PIDs as we know them mean nothing or what it likes. */
static int proc_fd = -1;

/* --json-status-fd: the first line once the child is set up, as
 * bubblewrap writes it: its pid as we see it and the inodes of the new
 * namespaces, named "<lsns type>-namespace". */
static void report_child(const struct nsrun_opts *o, pid_t pid)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "{ \"child-pid\": %d", (int)pid);

	for (int t = 0; t < NS_TYPE_MAX; t++) {
		uint64_t ino;

		if ((o->flags & ns_type_flag(t)) && ns_inode_at(proc_fd, pid, t, &ino) == 0)
			n += snprintf(line + n, sizeof(line) - (size_t)n, ", \"%s-namespace\": %llu",
				      ns_type_name(t), (unsigned long long)ino);
	}
	snprintf(line + n, sizeof(line) - (size_t)n, " }\n");
	/* a reader that went away must not end the program it watches */
	(void)!write(o->status_fd, line, strlen(line));
}

static void report_exit(const struct nsrun_opts *o, int status)
{
	int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);

	dprintf(o->status_fd, "{ \"exit-code\": %d }\n", code);
	close(o->status_fd);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The tree is killed from the bottom up; as a child subreaper nsrun also
 * inherits the orphans, so it reaps until no child is left. With a new PID
 * namespace the death of its PID 1 ends every process in it, and nothing
 * of the program's making is read at all. */
static int kill_everything(const struct nsrun_opts *o, pid_t pid, int pidfd)
{
	int status = 0, st;
	pid_t w;

	ns_pidfd_send_signal(pidfd, SIGKILL);
	for (;;) {
		/* a failed walk still killed our own children, which the
		 * orphans of the next level become */
		if (!(o->flags & CLONE_NEWPID))
			(void)ns_kill_descendants(proc_fd, SIGKILL);
		w = waitpid(-1, &st, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		if (w == pid)
			status = st;
	}
	return status;
}

/* Waits for the child while watching the clock of --timeout and the pipe
 * the child closes when it execs (--json-status-fd). Returns its status;
 * exits 124 when time ran out. */
static int supervise(const struct nsrun_opts *o, pid_t pid, int pidfd, int ready_fd)
{
	uint64_t deadline = o->timeout_ms ? now_ms() + o->timeout_ms : 0;
	int status, r;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = ready_fd, .events = POLLIN },
		};
		int wait_ms = -1, n;

		if (deadline) {
			uint64_t now = now_ms();

			wait_ms = now >= deadline ? 0 : (int)(deadline - now > INT_MAX ? INT_MAX : deadline - now);
		}
		n = poll(p, ready_fd >= 0 ? 2 : 1, wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(-errno, "cannot wait for child %d", (int)pid);
		if (n == 0 && deadline && now_ms() >= deadline) {
			status = kill_everything(o, pid, pidfd);
			if (o->status_fd >= 0)
				report_exit(o, status);
			exit(NS_EXIT_TIMEOUT);
		}
		if (ready_fd >= 0 && p[1].revents) {
			char c;
			ssize_t got = read(ready_fd, &c, 1);

			if (got == 1 && o->status_fd >= 0)
				report_child(o, pid);
			if (got <= 0 && !(got < 0 && errno == EINTR)) {
				close(ready_fd);
				ready_fd = -1;
			}
		}
		if (p[0].revents)
			break;
	}
	r = ns_wait(pid, &status);
	if (r < 0)
		die(r, "cannot wait for child %d", (int)pid);
	if (o->status_fd >= 0)
		report_exit(o, status);
	return status;
}

/* The parent of --fork: forwards or ignores the terminal's signals, persists
 * the namespaces that need a process inside them, and ends as the child did. */
static void run_parent(const struct nsrun_opts *o, pid_t pid, pid_t pid_bind, int fd_bind,
		       int pidfd, int ready_fd, struct gate *gate, int self_pidfd)
{
	int status, r;
	bool arrived;

	/* The child sets itself up, then waits at the gate, before its exec,
	 * until every bind is made: on failure it is killed there, and leaves
	 * by itself if we die. One that failed on the way is reported as it
	 * ended, with nothing bound. The gate is released only once the child
	 * has arrived: a release sent earlier would be shut before the child
	 * says it is there, and its word would find no one. */
	arrived = gate->parent >= 0 && gate_arrived(gate);
	if (o->npersist && arrived) {
		abandoned_child = pid;
		atexit(kill_abandoned_child);
		if (pid_bind)
			release_child(pid_bind, fd_bind);
		else
			persist_all(o, getpid(), self_pidfd);
		abandoned_child = 0;
	}
	/* a session is kept only once its program is set up */
	if (arrived)
		session_commit();
	/* after the binds, and after the watchdog took the child's pidfd */
	if (arrived)
		gate_release(gate);
	else
		gate_shut(gate);
	if (o->timeout_ms || o->status_fd >= 0) {
		status = supervise(o, pid, pidfd, ready_fd);
	} else {
		r = ns_wait(pid, &status);
		if (r < 0)
			die(r, "cannot wait for child %d", (int)pid);
	}
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
		.status_fd = -1,
	};
	static struct nsrun_maps m;
	pid_t pid = 0, pid_idmap = 0, pid_bind = 0, pid_veth = 0;
	int fd_idmap = -1, fd_bind = -1, fd_veth = -1, parent_pidfd = -1, pidfd = -1, sys_fd, r;
	int self_pidfd = -1, watchdog_fd = -1;
	struct gate gate = { .parent = -1, .child = -1 };
	int ready[2] = { -1, -1 };
	bool supervised;
	sigset_t oldmask;

	/* nsenter(1)'s interface: under that name, or asked for first */
	if (argv[0] && strcmp(basename(argv[0]), "nsenter") == 0) {
		close_stdout_atexit();
		enter_main(argc, argv, "nsenter");
	}
	if (argc > 1 && strcmp(argv[1], "--enter") == 0) {
		argv[1] = argv[0];
		close_stdout_atexit();
		enter_main(argc - 1, argv + 1, "nsrun");
	}
	program_name = "nsrun";
	hold_std_fds();
	close_stdout_atexit();
	parse_options(argc, argv, &o);
	/* --destroy and --list-names end here */
	session_dispatch(&o);
	supervised = o.timeout_ms || o.status_fd >= 0;
	if (supervised) {
		proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (proc_fd < 0)
			die(-errno, "cannot open /proc");
	}

	/* The caller's ids serve the maps alone: a run without any makes
	 * no geteuid(2) or getegid(2). With --owner the maps are built as if
	 * the owner had run nsrun: a single map of -r, -c or --map-user built
	 * from root's own ids would hand host root to the owner, who may
	 * enter the namespace. On purpose unlike unshare(1) 2.42. */
	if (o.nspecs || o.map_user != NS_ID_NONE || o.map_group != NS_ID_NONE) {
		m.euid = o.owner_uid != NS_ID_NONE ? o.owner_uid : geteuid();
		m.egid = o.owner_gid != NS_ID_NONE ? o.owner_gid : getegid();
	}
	resolve_maps(&o, &m);
	if ((o.map_group != NS_ID_NONE || m.deny_setgroups) && o.setgroups == SETGROUPS_ALLOW)
		diex("options --setgroups=allow and --map-group are mutually exclusive");
	check_sysctls(&o);
	if (o.dry_run)
		print_plan(&o, &m);
	apply_rlimits(&o);

	/* clear inherited settings: an ignored SIGCHLD would leave wait4(2)
	 * nothing to reap, and unshare(1) hands the program a default one
	 * (the one rt_sigaction(2) of a plain run) */
	signal(SIGCHLD, SIG_DFL);

	/* Before any helper forks: the targets, and a pidfd by which the
	 * helpers reach this process even once its PID is another's. */
	open_persist_targets(&o);
	session_prepare(&o);
	if (o.npersist || m.have_users || m.have_groups || o.nveths) {
		self_pidfd = ns_pidfd_open(getpid());
		if (self_pidfd < 0)
			die(self_pidfd, "cannot open a pidfd for process %d", (int)getpid());
	}

	/* Binding a mount or user namespace file needs a process that stays
	 * in the original namespaces; see unshare(1). Without --fork, one
	 * that can take the binds back when a later step fails. */
	if (o.npersist && (!o.fork || (o.flags & (CLONE_NEWNS | CLONE_NEWUSER))))
		pid_bind = fork_binder(&o, self_pidfd, &fd_bind);
	if (m.have_users || m.have_groups) {
		pid_t ppid = getpid();

		pid_idmap = fork_waiting(&fd_idmap);
		if (pid_idmap == 0)
			write_maps_for(ppid, self_pidfd, &m);
	}

	if (o.nveths) {
		pid_t ppid = getpid();

		pid_veth = fork_waiting(&fd_veth);
		if (pid_veth == 0)
			create_veths_for(ppid, self_pidfd, &o);
	}

	/* before unshare: the watchdog stays in nsrun's namespaces, and with
	 * nsrun's credentials */
	if (o.kill_child_sig) {
		parent_pidfd = ns_pidfd_open(getpid());
		if (parent_pidfd < 0)
			die(parent_pidfd, "pidfd_open failed");
		watchdog_fd = watchdog_start(parent_pidfd, o.kill_child_sig);
	}

	if (o.owner_gid != NS_ID_NONE && setgroups(0, NULL) < 0)
		die(-errno, "setgroups failed");
	if (o.owner_gid != NS_ID_NONE && setgid(o.owner_gid) < 0)
		id_change_failed("setgid() failed", "gid", o.owner_gid);
	if (o.owner_uid != NS_ID_NONE && setuid(o.owner_uid) < 0)
		id_change_failed("setuid() failed", "uid", o.owner_uid);

	unshare_or_die(o.flags);
	if (pid_idmap)
		release_child(pid_idmap, fd_idmap);
	if (pid_veth)
		release_child(pid_veth, fd_veth);

	/* time offsets can only be set before a process enters the namespace */
	if (o.force_boottime) {
		r = ns_timens_set_offset(CLOCK_BOOTTIME, o.boottime);
		if (r < 0)
			die(r, r == -ENOENT ? "failed to open %s" : "failed to write to %s",
			    "/proc/self/timens_offsets");
	}
	if (o.force_monotonic) {
		r = ns_timens_set_offset(CLOCK_MONOTONIC, o.monotonic);
		if (r < 0)
			die(r, r == -ENOENT ? "failed to open %s" : "failed to write to %s",
			    "/proc/self/timens_offsets");
	}

	session_start_init(&o);
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
		if (supervised) {
			if (pipe2(ready, O_CLOEXEC) < 0)
				die(-errno, "cannot create pipe");
			if (o.timeout_ms && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
				die(-errno, "cannot become a child subreaper");
		}
		/* Forked before the persistent bind mounts so that
		 * pid_for_children has a process to refer to; the program
		 * execs only once every namespace file is bound and the
		 * watchdog holds its pidfd. A pidfd only for what signals or
		 * watches through it: a plain run makes no pidfd_open(2). */
		if (o.npersist || watchdog_fd >= 0 || o.session)
			gate_init(&gate);
		pid = ns_fork(o.forward_signals || watchdog_fd >= 0 || supervised ? &pidfd : NULL);
		if (pid < 0)
			die(pid, "fork failed");
		if (pid > 0) {
			gate_parent(&gate);
			child_pidfd = pidfd;
			if (watchdog_fd >= 0)
				watchdog_hand(watchdog_fd, pidfd);
			if (o.forward_signals)
				sigprocmask(SIG_SETMASK, &oldmask, NULL);
			if (o.status_fd >= 0) {
				signal(SIGPIPE, SIG_IGN);
				/* a private copy: the reports then close
				 * only it, never one of nsrun's own 0-2 */
				o.status_fd = fcntl(o.status_fd, F_DUPFD_CLOEXEC, 3);
				if (o.status_fd < 0)
					die(-errno, "cannot duplicate the status fd");
			}
			if (supervised)
				close(ready[1]);
			run_parent(&o, pid, pid_bind, fd_bind, pidfd, ready[0], &gate, self_pidfd);
		}
		if (watchdog_fd >= 0)
			close(watchdog_fd);
		gate_child(&gate);
		if (supervised) {
			close(ready[0]);
			/* the status fd is not the program's, unless it is
			 * one of the standard ones it was given */
			if (o.status_fd > 2)
				close(o.status_fd);
		}
		if (o.forward_signals) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
		}
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		if (fd_bind >= 0)
			close(fd_bind);
	}

	set_single_maps(&o, &m);
	if (o.setgroups != SETGROUPS_NONE) {
		_cleanup_close_ int proc = ns_proc_open(0);

		r = proc < 0 ? proc : ns_setgroups_write(proc, o.setgroups == SETGROUPS_ALLOW);
		if (r == -EPERM && o.map_group != NS_ID_NONE)
			diex("write failed /proc/self/setgroups: %s (-r, -c and --map-group deny setgroups themselves before writing the gid map, after which it cannot change)",
			     strerror(EPERM));
		if (r < 0 && r != -ENOENT)
			die(r, open_failed(r) ? "cannot open %s" : "write failed %s",
			    "/proc/self/setgroups");
	}
	/* Without --fork the binds come once the maps are written: maps that
	 * cannot be written leave nothing bound. Before the mounts, as in
	 * unshare(1): a mount namespace file bound onto a shared mount is
	 * refused while the new namespace still receives its propagation. */
	if (!o.fork && o.npersist)
		persist_held(pid_bind, fd_bind);
	if (self_pidfd >= 0)
		close(self_pidfd);
	sys_fd = open_proc_sys(&o);
	setup_mounts(&o);
	setup_namespaces(&o, sys_fd);
	if (sys_fd >= 0)
		close(sys_fd);
	set_credentials(&o);
	set_environment(&o);
	new_session(&o);

	/* Last, after any uid change that would clear it; see prctl(2). */
	if (o.kill_child_sig) {
		r = ns_parent_watch(parent_pidfd, o.kill_child_sig);
		if (r == -ESRCH)
			exit(1);
		if (r < 0)
			die(r, "prctl failed");
		close(parent_pidfd);
	}
	/* no exec before the parent has bound every namespace file and the
	 * watchdog holds our pidfd */
	if (gate.child >= 0)
		gate_pass(&gate);
	/* setup is complete: the pipe tells the parent, and closes on exec */
	if (ready[1] >= 0 && write(ready[1], "", 1) != 1)
		die(-errno, "cannot report to the parent");
	/* the binds stay from here, even if the exec fails, as in unshare(1) */
	persist_commit();
	exec_program(o.argv);
}
