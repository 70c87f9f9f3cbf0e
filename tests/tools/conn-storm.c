/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conn-storm N LOW HIGH: a server process and a client process on
 * 127.0.0.1; the client opens N TCP connections that all stay open at once,
 * the server accepts them, and every local port the client got must lie in
 * LOW..HIGH. Prints "N connections, ports MIN-MAX, K below 32768" and exits
 * 0, or names what failed and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t server;

/* the server must not outlive a client that gave up */
static int fail(const char *what, int i)
{
	fprintf(stderr, "conn-storm: %s (connection %d): %s\n", what, i, strerror(errno));
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	return 1;
}

static int serve(int lfd, long n, int report)
{
	char c;

	for (long i = 0; i < n; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			return fail("accept", (int)i);
	}
	if (write(report, "", 1) != 1)
		return fail("report", (int)n);
	/* hold every connection until the client is done with its count */
	if (read(report, &c, 1) < 0)
		return fail("wait", (int)n);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	long n, low, high, below = 0, min = 65536, max = 0;
	int lfd, sv[2], status;
	char c;
	pid_t pid;

	if (argc != 4 || (n = atol(argv[1])) <= 0 || (low = atol(argv[2])) <= 0 ||
	    (high = atol(argv[3])) < low) {
		fprintf(stderr, "usage: conn-storm N LOW HIGH\n");
		return 2;
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(lfd, 4096) < 0 || getsockname(lfd, (struct sockaddr *)&addr, &len) < 0)
		return fail("listen on 127.0.0.1", 0);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return fail("socketpair", 0);
	pid = fork();
	if (pid < 0)
		return fail("fork", 0);
	if (pid == 0) {
		close(sv[0]);
		_exit(serve(lfd, n, sv[1]));
	}
	server = pid;
	close(sv[1]);
	close(lfd);

	for (long i = 0; i < n; i++) {
		struct sockaddr_in local;
		socklen_t llen = sizeof(local);
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		long port;

		if (fd < 0)
			return fail("socket", (int)i);
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			return fail("connect", (int)i);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) < 0)
			return fail("getsockname", (int)i);
		port = ntohs(local.sin_port);
		if (port < low || port > high) {
			fprintf(stderr, "conn-storm: connection %ld got local port %ld, outside %ld-%ld\n",
				i, port, low, high);
			errno = ERANGE;
			return fail("local port", (int)i);
		}
		below += port < 32768;
		min = port < min ? port : min;
		max = port > max ? port : max;
	}
	if (read(sv[0], &c, 1) != 1)
		return fail("the server did not accept all", (int)n);
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	printf("%ld connections, ports %ld-%ld, %ld below 32768\n", n, min, max, below);
	return 0;
}
