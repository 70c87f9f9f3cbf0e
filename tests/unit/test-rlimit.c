/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for resource limits: names, "NAME=SOFT[:HARD]", resolving against
 * the current limits, and applying them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "test.h"

static void check(const char *spec, int resource, unsigned set, uint64_t soft, uint64_t hard)
{
	struct ns_rlimit rl;

	test_assert_int(ns_rlimit_parse(spec, &rl), 0);
	test_assert_int(rl.resource, resource);
	test_assert_int(rl.set, set);
	if (set & NS_RLIMIT_SOFT && !(set & NS_RLIMIT_SOFT_MAX))
		test_assert(rl.soft == soft);
	if (set & NS_RLIMIT_HARD && !(set & NS_RLIMIT_HARD_MAX))
		test_assert(rl.hard == hard);
}

static void check_err(const char *spec, int err)
{
	struct ns_rlimit rl = { .resource = -7 };

	test_assert_int(ns_rlimit_parse(spec, &rl), err);
	test_assert_int(rl.resource, -7);
}

static void test_parse(void)
{
	check("NOFILE=4096", RLIMIT_NOFILE, NS_RLIMIT_SOFT, 4096, 0);
	check("nofile=4096:8192", RLIMIT_NOFILE, NS_RLIMIT_SOFT | NS_RLIMIT_HARD, 4096, 8192);
	check("RLIMIT_CORE=unlimited", RLIMIT_CORE, NS_RLIMIT_SOFT, NS_RLIM_INFINITY, 0);
	check("core=0:infinity", RLIMIT_CORE, NS_RLIMIT_SOFT | NS_RLIMIT_HARD, 0, NS_RLIM_INFINITY);
	check("stack=:1000", RLIMIT_STACK, NS_RLIMIT_HARD, 0, 1000);
	check("stack=1000:", RLIMIT_STACK, NS_RLIMIT_SOFT, 1000, 0);
	check("nofile=max", RLIMIT_NOFILE, NS_RLIMIT_SOFT | NS_RLIMIT_SOFT_MAX, 0, 0);
	check("NoFile=max:max", RLIMIT_NOFILE,
	      NS_RLIMIT_SOFT | NS_RLIMIT_SOFT_MAX | NS_RLIMIT_HARD | NS_RLIMIT_HARD_MAX, 0, 0);
	check("rttime=18446744073709551614", RLIMIT_RTTIME, NS_RLIMIT_SOFT,
	      UINT64_C(18446744073709551614), 0);
	test_assert_str(ns_rlimit_name(RLIMIT_SIGPENDING), "SIGPENDING");
	test_assert(ns_rlimit_name(-1) == NULL);
	test_assert_int(ns_rlimit_from_name("msgqueue", 8), RLIMIT_MSGQUEUE);
	test_assert_int(ns_rlimit_from_name("nofilex", 7), -EINVAL);
	test_assert_int(ns_rlimit_from_name("nofilex", 6), RLIMIT_NOFILE);

	check_err("nofile", -EINVAL);
	check_err("=5", -EINVAL);
	check_err("files=5", -EINVAL);
	check_err("nofile=", -EINVAL);
	check_err("nofile=:", -EINVAL);
	check_err("nofile=-1", -EINVAL);
	check_err("nofile=+1", -EINVAL);
	check_err("nofile=0x10", -EINVAL);
	check_err("nofile= 1", -EINVAL);
	check_err("nofile=1:2:3", -EINVAL);
	check_err("nofile=1k", -EINVAL);
	check_err("nofile=18446744073709551615", -ERANGE);
	check_err("nofile=99999999999999999999", -ERANGE);
	check_err("nofile=999999999999999999999", -EINVAL);
}

static void test_resolve_apply(void)
{
	struct rlimit cur;
	struct ns_rlimit rl;
	uint64_t soft, hard;

	test_assert(getrlimit(RLIMIT_NOFILE, &cur) == 0);
	test_assert_int(ns_rlimit_parse("nofile=max", &rl), 0);
	test_assert_int(ns_rlimit_resolve(&rl, &soft, &hard), 0);
	test_assert(soft == cur.rlim_max && hard == cur.rlim_max);
	if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < UINT64_MAX - 1) {
		char spec[64];

		snprintf(spec, sizeof(spec), "nofile=%llu", (unsigned long long)cur.rlim_max + 1);
		test_assert_int(ns_rlimit_parse(spec, &rl), 0);
		test_assert_int(ns_rlimit_resolve(&rl, &soft, &hard), -ERANGE);
	}
	/* lowering the hard limit alone takes the soft one down too */
	test_assert_int(ns_rlimit_parse("core=:0", &rl), 0);
	test_assert_int(ns_rlimit_resolve(&rl, &soft, &hard), 0);
	test_assert(soft == 0 && hard == 0);

	/* applied in a child, which may lower its limits for good */
	pid_t pid = fork();

	test_assert(pid >= 0);
	if (pid == 0) {
		struct rlimit now;

		if (ns_rlimit_parse("nofile=64:128", &rl) < 0 || ns_rlimit_apply(&rl) < 0)
			_exit(2);
		if (getrlimit(RLIMIT_NOFILE, &now) < 0 || now.rlim_cur != 64 || now.rlim_max != 128)
			_exit(3);
		if (ns_rlimit_parse("nofile=max", &rl) < 0 || ns_rlimit_apply(&rl) < 0)
			_exit(4);
		if (getrlimit(RLIMIT_NOFILE, &now) < 0 || now.rlim_cur != 128)
			_exit(5);
		/* raising a hard limit back needs CAP_SYS_RESOURCE: refused
		 * even to root here, and to everyone else */
		if (ns_rlimit_parse("nofile=:129", &rl) < 0)
			_exit(6);
		int r = ns_rlimit_apply(&rl);

		if (r != -EPERM && r != 0)
			_exit(7);
		_exit(0);
	}
	int status;

	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status));
	test_assert_int(WEXITSTATUS(status), 0);
}

int main(void)
{
	test_parse();
	test_resolve_apply();
	return 0;
}
