/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun --fork: the fork, and the parent that waits for the program.
 *
 * The rule of every supervisor in nsutils: once the program runs, the
 * parent never resolves a path in a namespace the program can change
 * (/proc, /sys, /run, the working directory). It works through what it
 * opened before the fork: a /proc fd, pidfds and pidfd_send_signal(2). */
#include <errno.h>
#include <fcntl.h>
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

/* --json-status-fd: the first line once the child is set up, as
 * bubblewrap writes it: its pid as we see it and the inodes of the new
 * namespaces, named "<lsns type>-namespace". */
static void report_child(const struct nsrun_opts *o, int proc_fd, pid_t pid)
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
static int kill_everything(const struct nsrun_opts *o, int proc_fd, pid_t pid, int pidfd)
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
 * exits 124 when time ran out. @proc_fd is /proc as nsrun found it. */
static int supervise(const struct nsrun_opts *o, int proc_fd, pid_t pid, int pidfd, int ready_fd,
		     bool keeps_netns)
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
			status = kill_everything(o, proc_fd, pid, pidfd);
			if (o->status_fd >= 0)
				report_exit(o, status);
			if (!keeps_netns)
				delete_veths(o);
			exit(NS_EXIT_TIMEOUT);
		}
		if (ready_fd >= 0 && p[1].revents) {
			char c;
			ssize_t got = read(ready_fd, &c, 1);

			if (got == 1 && o->status_fd >= 0)
				report_child(o, proc_fd, pid);
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
static noreturn void run_parent(const struct nsrun_plan *p, const struct plan_run *run, pid_t pid,
				int pidfd, int ready[2], const sigset_t *oldmask)
{
	struct nsrun_opts *o = p->o;
	struct gate gate = run->gate;
	/* a network namespace bound to a file or kept by a session keeps
	 * its pairs, as it keeps everything else */
	bool keeps_netns = o->session || o->persist[NS_TYPE_NET];
	int status, r;
	bool arrived;

	gate_parent(&gate);
	child_pidfd = pidfd;
	if (run->watchdog_fd >= 0)
		watchdog_hand(run->watchdog_fd, pidfd);
	if (o->forward_signals)
		sigprocmask(SIG_SETMASK, oldmask, NULL);
	if (o->status_fd >= 0) {
		signal(SIGPIPE, SIG_IGN);
		/* a private copy: the reports then close only it, never one
		 * of nsrun's own 0-2 */
		o->status_fd = fcntl(o->status_fd, F_DUPFD_CLOEXEC, 3);
		if (o->status_fd < 0)
			die(-errno, "cannot duplicate the status fd");
	}
	if (p->supervised)
		close(ready[1]);

	/* The child sets itself up, then waits at the gate, before its exec,
	 * until every bind is made: on failure it is killed there, and leaves
	 * by itself if we die. One that failed on the way is reported as it
	 * ended, with nothing bound. The gate is released only once the child
	 * has arrived: a release sent earlier would be shut before the child
	 * says it is there, and its word would find no one. */
	arrived = gate.parent >= 0 && gate_arrived(&gate);
	if (p->persist && arrived) {
		abandoned_child = pid;
		atexit(kill_abandoned_child);
		if (p->binder)
			release_child(run->pid_bind, run->fd_bind);
		else
			persist_all(o, getpid(), run->self_pidfd);
		abandoned_child = 0;
	}
	/* a session is kept only once its program is set up */
	if (arrived)
		session_commit();
	/* after the binds, and after the watchdog took the child's pidfd */
	if (arrived)
		gate_release(&gate);
	else
		gate_shut(&gate);
	if (p->supervised) {
		status = supervise(o, run->proc_fd, pid, pidfd, ready[0], keeps_netns);
	} else {
		r = ns_wait(pid, &status);
		if (r < 0)
			die(r, "cannot wait for child %d", (int)pid);
	}
	if (!keeps_netns)
		delete_veths(o);
	exit_like(status);
}

void fork_program(const struct nsrun_plan *p, struct plan_run *run)
{
	struct nsrun_opts *o = p->o;
	int ready[2] = { -1, -1 }, pidfd = -1;
	sigset_t block, oldmask;
	pid_t pid;

	/* Blocked across the fork: a signal the parent gets before it knows
	 * the child's pid would otherwise be forwarded nowhere. Without
	 * --forward-signals they stay blocked in the parent, so the
	 * terminal's signals end the child, and the parent stays to report
	 * its status. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	if (o->forward_signals) {
		struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
			die(-errno, "cannot install signal handlers");
	}
	if (p->supervised) {
		if (pipe2(ready, O_CLOEXEC) < 0)
			die(-errno, "cannot create pipe");
		if (o->timeout_ms && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
			die(-errno, "cannot become a child subreaper");
	}
	/* Forked before the persistent bind mounts so that pid_for_children
	 * has a process to refer to; the program execs only once every
	 * namespace file is bound and the watchdog holds its pidfd. */
	if (p->gate)
		gate_init(&run->gate);
	pid = ns_fork(p->child_pidfd ? &pidfd : NULL);
	if (pid < 0)
		die(pid, "fork failed");
	if (pid > 0)
		run_parent(p, run, pid, pidfd, ready, &oldmask);

	if (run->watchdog_fd >= 0)
		close(run->watchdog_fd);
	run->watchdog_fd = -1;
	gate_child(&run->gate);
	if (p->supervised) {
		close(ready[0]);
		/* the status fd is not the program's, unless it is one of
		 * the standard ones it was given */
		if (o->status_fd > 2)
			close(o->status_fd);
	}
	if (o->forward_signals) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	if (run->fd_bind >= 0)
		close(run->fd_bind);
	run->fd_bind = -1;
	run->ready = ready[1];
}
