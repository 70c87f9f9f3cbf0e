/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespace type table against the kernel's names and flags. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "ns.h"
#include "test.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int main(void)
{
	char path[64];
	struct stat st;
	int all = 0;

	test_assert_str(ns_type_name(NS_TYPE_MNT), "mnt");
	test_assert_str(ns_type_name(NS_TYPE_TIME), "time");
	test_assert(ns_type_name(NS_TYPE_MAX) == NULL);
	test_assert(ns_type_name((enum ns_type)-1) == NULL);

	test_assert_int(ns_type_from_name("mount"), NS_TYPE_MNT);
	test_assert_int(ns_type_from_name("mnt"), NS_TYPE_MNT);
	test_assert_int(ns_type_from_name("network"), NS_TYPE_NET);
	test_assert_int(ns_type_from_name("cgroup"), NS_TYPE_CGROUP);
	test_assert_int(ns_type_from_name("Mount"), -EINVAL);
	test_assert_int(ns_type_from_name(""), -EINVAL);
	test_assert_int(ns_type_from_name(NULL), -EINVAL);

	test_assert_int(ns_type_flag(NS_TYPE_MNT), CLONE_NEWNS);
	test_assert_int(ns_type_flag(NS_TYPE_USER), CLONE_NEWUSER);
	test_assert_int(ns_type_flag(NS_TYPE_TIME), CLONE_NEWTIME);
	test_assert_int(ns_type_flag(NS_TYPE_MAX), 0);
	test_assert_int(ns_type_from_flag(CLONE_NEWPID), NS_TYPE_PID);
	test_assert_int(ns_type_from_flag(CLONE_NEWPID | CLONE_NEWNET), -EINVAL);
	test_assert_int(ns_type_from_flag(0), -EINVAL);

	test_assert_str(ns_type_proc_name(NS_TYPE_PID, true), "pid_for_children");
	test_assert_str(ns_type_proc_name(NS_TYPE_PID, false), "pid");
	test_assert_str(ns_type_proc_name(NS_TYPE_TIME, true), "time_for_children");
	test_assert_str(ns_type_proc_name(NS_TYPE_NET, true), "net");

	/* every entry names a file the running kernel really has */
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		test_assert(ns_type_from_flag(ns_type_flag(t)) == t);
		test_assert(ns_type_from_name(ns_type_name(t)) == t);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_type_proc_name(t, true));
		if (stat(path, &st) == 0)
			all |= 1 << t;
		else
			fprintf(stderr, "note: %s missing on this kernel\n", path);
	}
	test_assert(all & (1 << NS_TYPE_NET));
	test_assert(all & (1 << NS_TYPE_USER));
	return 0;
}
