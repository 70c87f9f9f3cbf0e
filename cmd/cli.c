/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Messages of the shape "prog: what failed: why", and shared option parsers. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "config.h"

const char *program_name;

void getopt_use_program_name(char *argv[])
{
	argv[0] = (char *)program_name;
}

const char *nl_error_reason(int r, const struct ns_nl_error *e, bool with_errno, char *buf,
			    size_t size)
{
	if (e->msg[0] && (with_errno || r == -EPERM))
		snprintf(buf, size, "%s (%s)", strerror(-r), e->msg);
	else
		snprintf(buf, size, "%s", e->msg[0] ? e->msg : strerror(-r));
	return buf;
}

void *grow_or_die(void *array, size_t n, size_t size)
{
	void *p = reallocarray(array, n + 1, size);

	if (!p)
		die(-ENOMEM, "cannot parse options");
	return p;
}

static void vmsg(int r, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", program_name);
	vfprintf(stderr, fmt, ap);
	if (r)
		fprintf(stderr, ": %s", strerror(r < 0 ? -r : r));
	fputc('\n', stderr);
}

void die(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(r, fmt, ap);
	va_end(ap);
	exit(1);
}

void warnr(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(r, fmt, ap);
	va_end(ap);
}

void diex(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(1);
}

void die_status(int status, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(r, fmt, ap);
	va_end(ap);
	exit(status);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vmsg(0, fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Try '%s --help' for more information.\n", program_name);
	exit(1);
}

void print_version(void)
{
	printf("%s %s\n", program_name, NS_VERSION);
	exit(0);
}

/* A standard fd closed by whoever ran us would be the number the next
 * open() takes, and what is written to stdout would go into that file or
 * socket. Each is held on /dev/null opened the other way round (stdin
 * write-only, stdout and stderr read-only), so a read or write fails as it
 * would on the closed fd (a read or write error, silence for stderr) and
 * no file of ours can take its place. */
void hold_std_fds(void)
{
	struct pollfd std[3] = { { .fd = 0 }, { .fd = 1 }, { .fd = 2 } };

	/* one poll(2) for the three: a closed fd comes back POLLNVAL (and
	 * an open one as it is, nothing asked); only if poll itself fails,
	 * one fcntl(2) each */
	if (poll(std, 3, 0) < 0) {
		for (int fd = 0; fd <= 2; fd++)
			std[fd].revents = fcntl(fd, F_GETFD) < 0 && errno == EBADF ? POLLNVAL : 0;
	}
	for (int fd = 0; fd <= 2; fd++) {
		int n;

		if (!(std[fd].revents & POLLNVAL))
			continue;
		n = open("/dev/null", (fd == 0 ? O_WRONLY : O_RDONLY) | O_NOCTTY | O_CLOEXEC);
		/* nothing to say it with, if stderr is the one closed */
		if (n != fd)
			_exit(1);
	}
}

static void check_stdout(void)
{
	int bad = ferror(stdout);

	/* no buffer yet: nothing was ever written, nothing can have failed,
	 * and a run that prints nothing makes no close(2) of it at exit */
	if (!bad && __fbufsize(stdout) == 0)
		return;

	if (fclose(stdout) != 0 || bad) {
		/* a closed pipe is the reader's choice, not our failure */
		if (errno == EPIPE)
			_exit(1);
		fprintf(stderr, "%s: write error%s%s\n", program_name, errno ? ": " : "",
			errno ? strerror(errno) : "");
		_exit(1);
	}
}

void close_stdout_atexit(void)
{
	atexit(check_stdout);
}

int parse_signal(const char *s)
{
	char *end;
	long n;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno || *end || n <= 0 || n >= NSIG)
			return -EINVAL;
		return (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && strcasecmp(s, abbrev) == 0)
			return sig;
	}
	if (strcasecmp(s, "IOT") == 0)
		return SIGABRT;
	if (strcasecmp(s, "CLD") == 0)
		return SIGCHLD;
	if (strcasecmp(s, "POLL") == 0)
		return SIGIO;
	return -EINVAL;
}

int parse_id(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int parse_user(const char *s, uid_t *ret)
{
	struct passwd *pw;
	uint32_t id;

	if (parse_id(s, &id) == 0) {
		*ret = id;
		return 0;
	}
	errno = 0;
	pw = getpwnam(s);
	if (!pw)
		return errno ? -errno : -ENOENT;
	*ret = pw->pw_uid;
	return 0;
}

int parse_group(const char *s, gid_t *ret)
{
	struct group *gr;
	uint32_t id;

	if (parse_id(s, &id) == 0) {
		*ret = id;
		return 0;
	}
	errno = 0;
	gr = getgrnam(s);
	if (!gr)
		return errno ? -errno : -ENOENT;
	*ret = gr->gr_gid;
	return 0;
}

void exit_like(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct rlimit core;
		sigset_t set;

		/* the child already dumped core if it was going to */
		if (getrlimit(RLIMIT_CORE, &core) == 0) {
			core.rlim_cur = 0;
			setrlimit(RLIMIT_CORE, &core);
		}
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		kill(getpid(), sig);
	}
	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	diex("child exit failed");
}

int parse_duration(const char *s, uint64_t *ret_ms)
{
	double v, unit = 1000;
	char *end;

	/* strtod() alone would take hex, "inf", "nan" and leading blanks */
	if (!s || !(isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))))
		return -EINVAL;
	for (const char *c = s; *c; c++)
		if (*c == 'x' || *c == 'X')
			return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno)
		return -ERANGE;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		unit = 60e3;
		break;
	case 'h':
		unit = 3600e3;
		break;
	case 'd':
		unit = 86400e3;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	v *= unit;
	if (v >= 18e18)
		return -ERANGE;
	*ret_ms = (uint64_t)v;
	if ((double)*ret_ms < v)
		(*ret_ms)++;
	return 0;
}

void print_idmap(const char *prefix, const struct ns_idmap *map)
{
	/* "4294967295 4294967295 4294967295\n" is the longest line */
	const size_t line_max = (size_t)3 * 11;
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	size_t size;

	if (map->n > NS_IDMAP_MAX)
		diex("cannot format the %s: %zu ranges", prefix ? prefix : "id map", map->n);
	size = map->n * line_max + 1;
	buf = malloc(size);
	if (!buf || ns_idmap_format(map, buf, size) < 0)
		diex("cannot format the %s", prefix ? prefix : "id map");
	if (!prefix) {
		fputs(buf, stdout);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("%s: %s\n", prefix, line);
}
