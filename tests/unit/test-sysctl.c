/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for sysctl keys: paths, the namespace of a key, and writes through a
 * directory fd (a fake /proc/sys tree in a scratch directory). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"

static void check_path(const char *key, const char *want)
{
	char buf[PATH_MAX];

	test_assert_int(ns_sysctl_path(key, buf, sizeof(buf)), 0);
	test_assert_str(buf, want);
}

static void test_paths(void)
{
	char small[8];

	check_path("net.ipv4.ip_forward", "net/ipv4/ip_forward");
	check_path("net/ipv4/conf/eth0.5/mtu", "net/ipv4/conf/eth0.5/mtu");
	check_path("kernel.hostname", "kernel/hostname");
	check_path("user", "user");
	test_assert_int(ns_sysctl_path("", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("net..ipv4", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("net.ipv4.", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path(".net", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("net/../../etc/passwd", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("net/./x", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("/net/x", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("net/x/", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("net.a\nb", small, sizeof(small)), -EINVAL);
	test_assert_int(ns_sysctl_path("net.ipv4.ip_forward", small, sizeof(small)), -EINVAL);
}

static void test_types(void)
{
	test_assert_int(ns_sysctl_type("net.ipv4.ip_local_port_range"), NS_TYPE_NET);
	test_assert_int(ns_sysctl_type("net/ipv4/conf/lo/forwarding"), NS_TYPE_NET);
	test_assert_int(ns_sysctl_type("kernel.hostname"), NS_TYPE_UTS);
	test_assert_int(ns_sysctl_type("kernel.domainname"), NS_TYPE_UTS);
	test_assert_int(ns_sysctl_type("kernel.shmmax"), NS_TYPE_IPC);
	test_assert_int(ns_sysctl_type("kernel.sem"), NS_TYPE_IPC);
	test_assert_int(ns_sysctl_type("fs.mqueue.msg_max"), NS_TYPE_IPC);
	test_assert_int(ns_sysctl_type("kernel.ns_last_pid"), NS_TYPE_PID);
	test_assert_int(ns_sysctl_type("user.max_user_namespaces"), NS_TYPE_USER);
	/* the whole system's, even when a name looks alike */
	test_assert_int(ns_sysctl_type("vm.swappiness"), -EOPNOTSUPP);
	test_assert_int(ns_sysctl_type("kernel.pid_max"), -EOPNOTSUPP);
	test_assert_int(ns_sysctl_type("kernel.semx"), -EOPNOTSUPP);
	test_assert_int(ns_sysctl_type("kernel.hostnames"), -EOPNOTSUPP);
	test_assert_int(ns_sysctl_type("network.x"), -EOPNOTSUPP);
	test_assert_int(ns_sysctl_type("net"), -EOPNOTSUPP);
	test_assert_int(ns_sysctl_type("fs.mqueue"), -EOPNOTSUPP);
	test_assert_int(ns_sysctl_type("net..x"), -EINVAL);
}

static void test_write(void)
{
	char dir[] = "/tmp/test-sysctl.XXXXXX";
	char buf[64];
	_cleanup_close_ int dfd = -1;

	test_assert(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	test_assert(dfd >= 0);
	test_assert(mkdirat(dfd, "net", 0700) == 0);
	test_assert(mkdirat(dfd, "net/ipv4", 0700) == 0);
	test_assert_int(ns_sysctl_write(dfd, "net.ipv4.ip_local_port_range", "1"), -ENOENT);
	close(openat(dfd, "net/ipv4/ip_local_port_range", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	test_assert_int(ns_sysctl_write(dfd, "net.ipv4.ip_local_port_range", "9024 65535"), 0);
	test_assert_int(read_file_at(dfd, "net/ipv4/ip_local_port_range", buf, sizeof(buf)), 10);
	test_assert_str(buf, "9024 65535");
	test_assert_int(ns_sysctl_write(dfd, "net.ipv4.nosuch", "1"), -ENOENT);
	test_assert_int(ns_sysctl_write(dfd, "net/../x", "1"), -EINVAL);
	/* a symlink in the tree is not followed out of it */
	test_assert(symlinkat("/dev/null", dfd, "net/ipv4/link") == 0);
	test_assert_int(ns_sysctl_write(dfd, "net.ipv4.link", "1"), -ELOOP);
	unlinkat(dfd, "net/ipv4/link", 0);
	unlinkat(dfd, "net/ipv4/ip_local_port_range", 0);
	unlinkat(dfd, "net/ipv4", AT_REMOVEDIR);
	unlinkat(dfd, "net", AT_REMOVEDIR);
	test_assert(rmdir(dir) == 0);
}

int main(void)
{
	test_paths();
	test_types();
	test_write();
	return 0;
}
