/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for time namespace offsets: parsing, and real offsets in a new time namespace. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"

#define SENTINEL INT64_C(0x5eed5eed)

static void check_parse_ok(const char *s, int64_t want)
{
	int64_t v = SENTINEL;

	test_assert_int(ns_timens_parse_offset(s, &v), 0);
	if (v != want) {
		fprintf(stderr, "parse '%s': %" PRId64 " != %" PRId64 "\n", s, v, want);
		abort();
	}
}

static void check_parse_err(const char *s, int err)
{
	int64_t v = SENTINEL;

	test_assert_int(ns_timens_parse_offset(s, &v), err);
	/* ret_* is written only on success */
	test_assert(v == SENTINEL);
}

static void test_parse(void)
{
	check_parse_ok("0", 0);
	check_parse_ok("-0", 0);
	check_parse_ok("+0", 0);
	check_parse_ok("1", 1);
	check_parse_ok("+1000", 1000);
	check_parse_ok("-1000", -1000);
	check_parse_ok("007", 7);
	check_parse_ok("86400", 86400);
	check_parse_ok("9223372036854775807", INT64_MAX);
	check_parse_ok("+9223372036854775807", INT64_MAX);
	check_parse_ok("-9223372036854775807", -INT64_MAX);
	check_parse_ok("-9223372036854775808", INT64_MIN);
	check_parse_ok("00000000000000000000000000009223372036854775807", INT64_MAX);

	check_parse_err("9223372036854775808", -ERANGE);
	check_parse_err("+9223372036854775808", -ERANGE);
	check_parse_err("-9223372036854775809", -ERANGE);
	check_parse_err("18446744073709551615", -ERANGE);
	check_parse_err("18446744073709551616", -ERANGE);
	check_parse_err("-18446744073709551617", -ERANGE);
	check_parse_err("99999999999999999999999999999", -ERANGE);

	check_parse_err(NULL, -EINVAL);
	check_parse_err("", -EINVAL);
	check_parse_err("-", -EINVAL);
	check_parse_err("+", -EINVAL);
	check_parse_err("--1", -EINVAL);
	check_parse_err("+-1", -EINVAL);
	check_parse_err("-+1", -EINVAL);
	check_parse_err(" 1", -EINVAL);
	check_parse_err("1 ", -EINVAL);
	check_parse_err("1\n", -EINVAL);
	check_parse_err("- 1", -EINVAL);
	check_parse_err("0x10", -EINVAL);
	check_parse_err("1e3", -EINVAL);
	check_parse_err("1.5", -EINVAL);
	check_parse_err("abc", -EINVAL);
	check_parse_err("12a", -EINVAL);
	/* bad form wins over size */
	check_parse_err("99999999999999999999999999999x", -EINVAL);
}

static void test_bad_clock(void)
{
	/* refused before anything is opened */
	test_assert_int(ns_timens_set_offset(CLOCK_REALTIME, 1), -EINVAL);
	test_assert_int(ns_timens_set_offset(CLOCK_MONOTONIC_RAW, 1), -EINVAL);
	test_assert_int(ns_timens_set_offset(CLOCK_BOOTTIME_ALARM, 1), -EINVAL);
	test_assert_int(ns_timens_set_offset(-1, 1), -EINVAL);
}

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	test_assert_int(clock_gettime(clock, &ts), 0);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* True if @diff_ns is @sec seconds, give or take the few seconds a slow
 * machine needs between the two readings. */
static int about_seconds(int64_t diff_ns, int64_t sec)
{
	return diff_ns >= sec * 1000000000 && diff_ns < (sec + 5) * 1000000000;
}

static int map_self(uid_t uid, gid_t gid)
{
	char buf[64];
	int r;

	snprintf(buf, sizeof(buf), "0 %u 1", (unsigned)uid);
	r = write_file_at(AT_FDCWD, "/proc/self/uid_map", buf);
	if (r < 0)
		return r;
	r = write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny");
	if (r < 0)
		return r;
	snprintf(buf, sizeof(buf), "0 %u 1", (unsigned)gid);
	return write_file_at(AT_FDCWD, "/proc/self/gid_map", buf);
}

/* Runs in a child: a user namespace, then a time namespace owned by it. */
static void timens_child(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int64_t mono, boot;
	int status;
	pid_t pid;

	if (unshare(CLONE_NEWUSER) < 0) {
		if (errno == EPERM || errno == ENOSPC || errno == EINVAL) {
			printf("SKIP: cannot create a user namespace: %s\n", strerror(errno));
			fflush(stdout);
			_exit(77);
		}
		test_assert(!"unshare(CLONE_NEWUSER)");
	}
	test_assert_int(map_self(uid, gid), 0);
	if (unshare(CLONE_NEWTIME) < 0) {
		if (errno == EINVAL) {
			printf("SKIP: no time namespaces (Linux 5.6, CONFIG_TIME_NS)\n");
			fflush(stdout);
			_exit(77);
		}
		test_assert(!"unshare(CLONE_NEWTIME)");
	}

	/* out of range: the shifted clock would be negative (time_namespaces(7)) */
	test_assert_int(ns_timens_set_offset(CLOCK_MONOTONIC, INT64_MIN), -ERANGE);
	test_assert_int(ns_timens_set_offset(CLOCK_BOOTTIME, -INT64_MAX), -ERANGE);
	test_assert_int(ns_timens_set_offset(CLOCK_REALTIME, 1000), -EINVAL);

	test_assert_int(ns_timens_set_offset(CLOCK_MONOTONIC, 1000), 0);
	test_assert_int(ns_timens_set_offset(CLOCK_BOOTTIME, 2000), 0);

	/* the caller stays in the old namespace: only children see offsets */
	mono = clock_ns(CLOCK_MONOTONIC);
	boot = clock_ns(CLOCK_BOOTTIME);
	fflush(NULL);
	pid = fork();
	test_assert(pid >= 0);
	if (pid == 0) {
		int64_t dm = clock_ns(CLOCK_MONOTONIC) - mono;
		int64_t db = clock_ns(CLOCK_BOOTTIME) - boot;

		if (!about_seconds(dm, 1000) || !about_seconds(db, 2000)) {
			fprintf(stderr, "monotonic moved %" PRId64 " ns, boottime %" PRId64 " ns\n",
				dm, db);
			_exit(1);
		}
		_exit(0);
	}
	test_assert_int(waitpid(pid, &status, 0), pid);
	test_assert(WIFEXITED(status));
	test_assert_int(WEXITSTATUS(status), 0);

	/* the parent's own clock is untouched */
	test_assert(about_seconds(clock_ns(CLOCK_MONOTONIC) - mono, 0));

	/* a process has entered: the offsets are frozen */
	test_assert_int(ns_timens_set_offset(CLOCK_MONOTONIC, 5), -EACCES);
	test_assert_int(ns_timens_set_offset(CLOCK_BOOTTIME, 5), -EACCES);
	_exit(0);
}

static int test_real_offsets(void)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	test_assert(pid >= 0);
	if (pid == 0)
		timens_child();
	test_assert_int(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "time namespace child died of signal %d\n", WTERMSIG(status));
		abort();
	}
	test_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		return 77;
	test_assert_int(WEXITSTATUS(status), 0);
	return 0;
}

int main(void)
{
	test_parse();
	test_bad_clock();
	return test_real_offsets();
}
