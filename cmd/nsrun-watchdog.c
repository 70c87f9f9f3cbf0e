/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun --kill-child: a watchdog outside the new namespaces that kills the program when nsrun dies. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

/*
 * The program's own PR_SET_PDEATHSIG does not survive a change of its
 * credentials (a setuid(2), a set-user-ID exec: see prctl(2)), so it only
 * covers the time before the exec. The watchdog covers the rest: forked
 * before unshare(2), it stays in nsrun's PID namespace, where a program
 * with --pid cannot name it, never changes its credentials, and holds the
 * program's pidfd, so what it signals is the program even after its PID
 * has been reused. It watches nsrun through a pidfd (readable once nsrun
 * has ended, however it died) rather than a death signal of its own, and
 * ends when the program ends.
 */

static int recv_fd(int sock)
{
	char buf[CMSG_SPACE(sizeof(int))] = { 0 }, c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	int fd;

	n = TEMP_FAILURE_RETRY(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC));
	if (n != 1 || (msg.msg_flags & MSG_CTRUNC))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Waits until one of @a or @b is readable; returns which (0 or 1). */
static int wait_either(int a, int b)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN } };

		if (TEMP_FAILURE_RETRY(poll(p, 2, -1)) < 0)
			_exit(1);
		if (p[0].revents)
			return 0;
		if (p[1].revents)
			return 1;
	}
}

static noreturn void watchdog(int sock, int parent_pidfd, int sig)
{
	int prog_pidfd, fd, lo, hi;

	/* the terminal's signals are nsrun's and the program's business;
	 * this process must outlive them to do its job */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* nothing of nsrun's stays open here: a reader of its output or of
	 * a helper's pipe waits for no watchdog */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	lo = sock < parent_pidfd ? sock : parent_pidfd;
	hi = sock < parent_pidfd ? parent_pidfd : sock;
	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
	/* nsrun gone before the program was handed over: nothing to watch,
	 * and the program, held back from its exec, ends by itself */
	if (wait_either(sock, parent_pidfd) == 1)
		_exit(0);
	prog_pidfd = recv_fd(sock);
	if (prog_pidfd < 0)
		_exit(1);
	if (write(sock, "", 1) != 1)
		_exit(1);
	if (wait_either(prog_pidfd, parent_pidfd) == 1)
		ns_pidfd_send_signal(prog_pidfd, sig);
	_exit(0);
}

int watchdog_start(int parent_pidfd, int sig)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die(-errno, "cannot create socket pair");
	pid = ns_fork(NULL);
	if (pid < 0)
		die(pid, "fork failed");
	if (pid == 0) {
		close(sv[0]);
		watchdog(sv[1], parent_pidfd, sig);
	}
	close(sv[1]);
	return sv[0];
}

void watchdog_hand(int sock, int pidfd)
{
	char buf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 0;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pidfd, sizeof(int));
	n = TEMP_FAILURE_RETRY(sendmsg(sock, &msg, MSG_NOSIGNAL));
	if (n != 1)
		die(n < 0 ? -errno : -EIO, "cannot hand the child to the kill-child watchdog");
	/* its answer says it holds the pidfd; end-of-file, that it died */
	n = TEMP_FAILURE_RETRY(read(sock, &c, 1));
	if (n != 1)
		die(n < 0 ? -errno : -EPIPE, "cannot hand the child to the kill-child watchdog");
	close(sock);
}
