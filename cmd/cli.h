/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The printing and option-parsing helpers every ns* tool shares. */
#ifndef NSUTILS_CLI_H
#define NSUTILS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <sys/types.h>
#include <unistd.h>

/* Exit statuses besides 0 and 1, as the upstream tools use them
 * (util-linux's exitcodes.h, timeout(1)). */
enum {
	NS_EXIT_UNSUPPORTED_IOCTL = 2, /* lsns: the kernel lacks an NS_GET_* ioctl */
	NS_EXIT_TIMEOUT = 124,         /* timeout(1): the time limit ran out */
	NS_EXIT_CANNOT_INVOKE = 126,   /* the program was found but could not run */
	NS_EXIT_NOT_FOUND = 127,       /* the program was not found */
};

/* "prog: <msg>: strerror(-r)", exit 1. */
noreturn void die(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "prog: <msg>", exit 1. */
noreturn void diex(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As die() and diex() with exit status @status. */
noreturn void die_status(int status, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* As die(), without exiting. */
void warnr(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "prog: <msg>" if fmt is non-NULL, then "Try 'prog --help'...", exit 1. */
noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "prog <version>" on stdout, exit 0. */
noreturn void print_version(void);

/* Each of fds 0-2 that is closed opened on /dev/null the other way round
 * (stdin write-only, stdout and stderr read-only): reads and writes fail as
 * on the closed fd, and no file or socket of ours takes its number. Exits 1
 * if that cannot be done. */
void hold_std_fds(void);
/* Flush stdout and exit 1 with a message if that fails (a full disk or a
 * closed pipe must not pass silently); registered with atexit(). */
void close_stdout_atexit(void);

/* A signal by name ("KILL", "SIGKILL", case-insensitive) or number. Returns
 * the number or -EINVAL. */
int parse_signal(const char *s);

/* A decimal user or group id: digits only, below (uint32_t)-1, which the
 * kernel reserves. Returns 0 or -EINVAL. */
int parse_id(const char *s, uint32_t *ret);
/* A user by name or decimal uid. Returns 0 or -ENOENT/-EINVAL. */
int parse_user(const char *s, uid_t *ret);
/* A group by name or decimal gid. */
int parse_group(const char *s, gid_t *ret);

/* A duration as timeout(1) takes it: a non-negative decimal number, maybe
 * with a fraction, and an optional unit s (default), m, h or d. Stored in
 * milliseconds, rounded up so that a tiny duration is not 0. Returns 0 or
 * -EINVAL/-ERANGE. */
int parse_duration(const char *s, uint64_t *ret_ms);

/* End the calling process the way wait status @status says a child ended:
 * exit with its code, or die of its signal (SIGKILL included) with the
 * disposition reset, the signal unblocked and no second core file. */
noreturn void exit_like(int status);

struct ns_idmap;
struct ns_nl_error;

/* The reason a netlink step failed, for "cannot <e->step>: <reason>": the
 * kernel's extended-ack text with strerror(-r) before it in parentheses
 * ("Operation not permitted (needs CAP_NET_ADMIN ...)") if @with_errno or
 * @r is -EPERM, else the text alone; strerror(-r) if there is no text.
 * Written into @buf, which is returned. */
const char *nl_error_reason(int r, const struct ns_nl_error *e, bool with_errno, char *buf,
			    size_t size);

/* reallocarray(@array, @n + 1, @size): room for one more element; exits
 * with "cannot parse options" if memory runs out. */
void *grow_or_die(void *array, size_t n, size_t size);

/* Each line of @map on stdout, after "@prefix: " when @prefix is not NULL;
 * exits 1 with a message if the map cannot be formatted. */
void print_idmap(const char *prefix, const struct ns_idmap *map);

/* Tools keep to the public API, so they carry their own two cleanups. */
static inline void cli_freep(void *p)
{
	free(*(void **)p);
}

static inline void cli_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_ __attribute__((cleanup(cli_freep)))
#define _cleanup_close_ __attribute__((cleanup(cli_closep)))

extern const char *program_name;

/* getopt(3) begins its messages with argv[0], the path the tool was run
 * by; this makes them begin with program_name, as every other message
 * does. Call before the first getopt_long(). */
void getopt_use_program_name(char *argv[]);

#endif
