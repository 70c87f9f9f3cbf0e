/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* veth requests byte by byte, address parsing, ext-ack text; then the calls for real in a private netns. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <libmnl/libmnl.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"
#include "veth-internal.h"

static char buf[NL_MSG_MAX] __attribute__((aligned(4)));

/* The attribute @type directly inside the payload at @start (@len bytes). */
static const struct nlattr *find_attr(const void *start, size_t len, uint16_t type)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload((void *)start, len)
		if (mnl_attr_get_type(attr) == type)
			return attr;
	return NULL;
}

static const struct nlattr *msg_attr(const struct nlmsghdr *nlh, size_t hdr, uint16_t type)
{
	return find_attr((const char *)mnl_nlmsg_get_payload(nlh) + MNL_ALIGN(hdr),
			 nlh->nlmsg_len - NLMSG_HDRLEN - MNL_ALIGN(hdr), type);
}

static const struct nlattr *nested(const struct nlattr *a, uint16_t type)
{
	return find_attr(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), type);
}

static void test_names(void)
{
	struct ns_veth *v = NULL;

	test_assert_int(ns_ifname_check("0123456789abcde"), 0);
	test_assert_int(ns_ifname_check("0123456789abcdef"), -ERANGE);
	test_assert_int(ns_ifname_check(""), -EINVAL);
	test_assert_int(ns_ifname_check("."), -EINVAL);
	test_assert_int(ns_ifname_check("a:b"), -EINVAL);
	test_assert_int(ns_ifname_check("a\tb"), -EINVAL);
	test_assert_int(ns_veth_new("", "b", &v), -EINVAL);
	test_assert_int(ns_veth_new("a", "0123456789abcdef", &v), -EINVAL);
	test_assert_int(ns_veth_new("a/b", "b", &v), -EINVAL);
	test_assert_int(ns_veth_new("a b", "b", &v), -EINVAL);
	test_assert_int(ns_veth_new("..", "b", &v), -EINVAL);
	test_assert_int(ns_veth_new("0123456789abcde", "b", &v), 0);
	test_assert_int(ns_veth_set_mac(v, NS_VETH_LOCAL, "02:00:00:00:00"), -EINVAL);
	test_assert_int(ns_veth_set_mac(v, NS_VETH_LOCAL, "02:00:00:00:00:01:"), -EINVAL);
	test_assert_int(ns_veth_set_mac(v, NS_VETH_LOCAL, "02:00:00:00:00:zz"), -EINVAL);
	test_assert_int(ns_veth_set_master(v, "way-too-long-bridge", false), -EINVAL);
	test_assert_int(ns_veth_add_address(v, NS_VETH_LOCAL, "10.0.0.1/33"), -ERANGE);
	test_assert_int(ns_veth_add_address(v, NS_VETH_LOCAL, "fd00::1/129"), -ERANGE);
	test_assert_int(ns_veth_add_address(v, NS_VETH_LOCAL, "10.0.0.256/24"), -EINVAL);
	test_assert_int(ns_veth_add_address(v, NS_VETH_LOCAL, "10.0.0.1/"), -EINVAL);
	test_assert_int(ns_veth_add_address(v, NS_VETH_LOCAL, "10.0.0.1/+8"), -EINVAL);
	test_assert_int(ns_veth_add_route(v, "default", "fd00::1/64"), -EINVAL);
	test_assert_int(ns_veth_add_route(v, "10.0.0.0/8", "fd00::1"), -EINVAL);
	test_assert_int(ns_veth_add_route(v, "default", "10.0.0.1"), 0);
	ns_veth_free(v);
	ns_veth_free(NULL);
}

static void test_addr_parse(void)
{
	struct nl_addr a;
	char text[64];

	test_assert_int(nl_addr_parse("192.0.2.7/24", true, &a), 0);
	test_assert_int(a.family, AF_INET);
	test_assert_int(a.prefix, 24);
	test_assert_str(nl_addr_format(&a, true, text, sizeof(text)), "192.0.2.7/24");
	test_assert_int(nl_addr_parse("192.0.2.7", true, &a), 0);
	test_assert_int(a.prefix, 32);
	test_assert_int(nl_addr_parse("2001:db8::1", true, &a), 0);
	test_assert_int(a.family, AF_INET6);
	test_assert_int(a.prefix, 128);
	test_assert_str(nl_addr_format(&a, false, text, sizeof(text)), "2001:db8::1");
	test_assert_int(nl_addr_parse("2001:db8::1/64", false, &a), -EINVAL);
	test_assert_int(nl_addr_parse("host/8", true, &a), -EINVAL);
	test_assert_int(nl_addr_parse("", true, &a), -EINVAL);
}

/* Six octets of one or two hex digits between colons, as ip-link(8) reads
 * an address, and nothing strtoul(3) or sscanf(3) would let through. */
static void test_mac(void)
{
	static const char *const bad[] = {
		"", ":", "02:00:00:00:00", "02:00:00:00:00:01:", "02:00:00:00:00:zz",
		"+2:00:00:00:00:01", "-1:00:00:00:00:01", " 2:00:00:00:00:01",
		"02: 0:00:00:00:01", "02:00:00:00:00:+1", "02:00:00:00:00:-1",
		"02:00:00:00:00:1 ", "0x:00:00:00:00:01", "0x2:00:00:00:00:01",
		"02:00:00:00:00:0x1", "002:00:00:00:00:01", "02:00:00:00:00:001",
		"02::00:00:00:01", "02:00:00:00:00:01:02", "02-00-00-00-00-01",
		"02.00.00.00.00.01", "0200.0000.0001", "020000000001", "02:00:00:00:00:1g",
		"02:00:00:00:00:01\n", "\t02:00:00:00:00:01",
	};
	static const struct {
		const char *s;
		uint8_t mac[6];
	} good[] = {
		{ "02:00:00:00:00:0a", { 2, 0, 0, 0, 0, 10 } },
		{ "2:0:0:0:0:a", { 2, 0, 0, 0, 0, 10 } },
		{ "FE:dc:Ba:98:76:54", { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54 } },
		{ "ff:ff:ff:ff:ff:ff", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	};
	struct ns_veth *v;

	test_assert_int(ns_veth_new("a", "b", &v), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ns_veth_set_mac(v, NS_VETH_LOCAL, bad[i]) != -EINVAL) {
			fprintf(stderr, "MAC address '%s' accepted\n", bad[i]);
			test_assert(false);
		}
		test_assert(!v->end[NS_VETH_LOCAL].has_mac);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		test_assert_int(ns_veth_set_mac(v, NS_VETH_PEER, good[i].s), 0);
		test_assert(v->end[NS_VETH_PEER].has_mac);
		test_assert(memcmp(v->end[NS_VETH_PEER].mac, good[i].mac, 6) == 0);
	}
	ns_veth_free(v);
}

/* The pair's request as veth_newlink() reads it. */
static void test_veth_request(void)
{
	struct ns_veth *v;
	const struct nlmsghdr *nlh;
	const struct ifinfomsg *ifm, *pifm;
	const struct nlattr *info, *data, *peer, *a;

	test_assert_int(ns_veth_new("host0", "eth0", &v), 0);
	ns_veth_set_netns(v, 42);
	ns_veth_set_mtu(v, NS_VETH_PEER, 1400);
	test_assert_int(ns_veth_set_mac(v, NS_VETH_PEER, "02:00:00:00:00:0a"), 0);
	ns_veth_set_group(v, 77);
	ns_veth_set_up(v, true);
	nlh = veth_put_new(buf, 1234, v, 9);
	test_assert_int(nlh->nlmsg_type, RTM_NEWLINK);
	test_assert_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	test_assert_int(nlh->nlmsg_seq, 1234);
	ifm = mnl_nlmsg_get_payload(nlh);
	test_assert_int(ifm->ifi_flags, IFF_UP);
	test_assert_int(ifm->ifi_change, IFF_UP);
	test_assert_str(mnl_attr_get_str(msg_attr(nlh, sizeof(*ifm), IFLA_IFNAME)), "host0");
	test_assert_int(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifm), IFLA_GROUP)), 77);
	test_assert_int(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifm), IFLA_MASTER)), 9);
	test_assert(!msg_attr(nlh, sizeof(*ifm), IFLA_MTU));
	test_assert(!msg_attr(nlh, sizeof(*ifm), IFLA_NET_NS_FD));
	info = msg_attr(nlh, sizeof(*ifm), IFLA_LINKINFO);
	test_assert(info);
	test_assert_str(mnl_attr_get_str(nested(info, IFLA_INFO_KIND)), "veth");
	data = nested(info, IFLA_INFO_DATA);
	test_assert(data);
	peer = nested(data, VETH_INFO_PEER);
	test_assert(peer);
	/* VETH_INFO_PEER: an ifinfomsg, then the peer's attributes */
	pifm = mnl_attr_get_payload(peer);
	test_assert_int(pifm->ifi_flags, 0);
	test_assert_int(pifm->ifi_index, 0);
	a = find_attr((const char *)pifm + MNL_ALIGN(sizeof(*pifm)),
		      mnl_attr_get_payload_len(peer) - MNL_ALIGN(sizeof(*pifm)), IFLA_IFNAME);
	test_assert_str(mnl_attr_get_str(a), "eth0");
	a = find_attr((const char *)pifm + MNL_ALIGN(sizeof(*pifm)),
		      mnl_attr_get_payload_len(peer) - MNL_ALIGN(sizeof(*pifm)), IFLA_NET_NS_FD);
	test_assert_int(mnl_attr_get_u32(a), 42);
	a = find_attr((const char *)pifm + MNL_ALIGN(sizeof(*pifm)),
		      mnl_attr_get_payload_len(peer) - MNL_ALIGN(sizeof(*pifm)), IFLA_MTU);
	test_assert_int(mnl_attr_get_u32(a), 1400);
	a = find_attr((const char *)pifm + MNL_ALIGN(sizeof(*pifm)),
		      mnl_attr_get_payload_len(peer) - MNL_ALIGN(sizeof(*pifm)), IFLA_ADDRESS);
	test_assert_int(mnl_attr_get_payload_len(a), 6);
	test_assert(!memcmp(mnl_attr_get_payload(a), "\x02\0\0\0\0\x0a", 6));
	ns_veth_free(v);

	/* no netns, no master, not up: none of those attributes */
	test_assert_int(ns_veth_new("a", "b", &v), 0);
	nlh = veth_put_new(buf, 1, v, 0);
	ifm = mnl_nlmsg_get_payload(nlh);
	test_assert_int(ifm->ifi_change, 0);
	test_assert(!msg_attr(nlh, sizeof(*ifm), IFLA_MASTER));
	test_assert(!msg_attr(nlh, sizeof(*ifm), IFLA_GROUP));
	ns_veth_free(v);
}

static void test_other_requests(void)
{
	const struct nlmsghdr *nlh;
	const struct ifaddrmsg *ifa;
	const struct rtmsg *rtm;
	const struct ifinfomsg *ifm;
	struct nl_addr a;
	struct nl_route rt = { 0 };

	test_assert_int(nl_addr_parse("fd00::2/64", true, &a), 0);
	nlh = nl_put_addr_new(buf, 5, 3, &a);
	test_assert_int(nlh->nlmsg_type, RTM_NEWADDR);
	ifa = mnl_nlmsg_get_payload(nlh);
	test_assert_int(ifa->ifa_family, AF_INET6);
	test_assert_int(ifa->ifa_prefixlen, 64);
	test_assert_int(ifa->ifa_index, 3);
	test_assert_int(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifa), IFA_FLAGS)), IFA_F_NODAD);
	test_assert(!memcmp(mnl_attr_get_payload(msg_attr(nlh, sizeof(*ifa), IFA_LOCAL)), a.a, 16));

	test_assert_int(nl_addr_parse("10.0.0.1", false, &rt.gw), 0);
	rt.dst.family = AF_INET;
	nlh = nl_put_route_new(buf, 6, 4, &rt);
	rtm = mnl_nlmsg_get_payload(nlh);
	test_assert_int(nlh->nlmsg_type, RTM_NEWROUTE);
	test_assert_int(rtm->rtm_dst_len, 0);
	test_assert_int(rtm->rtm_table, RT_TABLE_MAIN);
	test_assert_int(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	test_assert(!msg_attr(nlh, sizeof(*rtm), RTA_DST));
	test_assert_int(mnl_attr_get_u32(msg_attr(nlh, sizeof(*rtm), RTA_OIF)), 4);
	test_assert(!memcmp(mnl_attr_get_payload(msg_attr(nlh, sizeof(*rtm), RTA_GATEWAY)),
			    "\x0a\0\0\x01", 4));

	/* the group delete: ifindex 0, no name, only IFLA_GROUP */
	nlh = nl_put_group_del(buf, 7, 12);
	ifm = mnl_nlmsg_get_payload(nlh);
	test_assert_int(nlh->nlmsg_type, RTM_DELLINK);
	test_assert_int(ifm->ifi_index, 0);
	test_assert(!msg_attr(nlh, sizeof(*ifm), IFLA_IFNAME));
	test_assert_int(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifm), IFLA_GROUP)), 12);
	test_assert_int(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(*ifm) + MNL_ATTR_HDRLEN + 4);

	nlh = nl_put_link_up(buf, 8, 1);
	ifm = mnl_nlmsg_get_payload(nlh);
	test_assert_int(ifm->ifi_index, 1);
	test_assert_int(ifm->ifi_flags, IFF_UP);
	test_assert_int(ifm->ifi_change, IFF_UP);
}

/* An error message as the kernel sends it with NETLINK_CAP_ACK and
 * NETLINK_EXT_ACK: nlmsgerr, request header only, then the TLVs. */
static void test_ext_ack(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = -EINVAL;
	err->msg.nlmsg_len = 200;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Nexthop has invalid gateway");
	test_assert_str(nl_ext_ack_msg(nlh), "Nexthop has invalid gateway");
	nlh->nlmsg_flags = NLM_F_CAPPED;
	test_assert(nl_ext_ack_msg(nlh) == NULL);
}

/* ---- for real, in a network namespace of our own ----------------------- */

static int if_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

static int live(void)
{
	struct ns_nl_error e;
	struct ns_veth *v[3];
	struct ns_veth_info *list;
	char name[8];
	size_t bad = 99;
	int r, self, n;

	/* a pair inside this namespace: both ends, group, addresses */
	test_assert_int(ns_veth_new("ta", "tb", &v[0]), 0);
	ns_veth_set_group(v[0], 5);
	ns_veth_set_up(v[0], true);
	test_assert_int(ns_veth_add_address(v[0], NS_VETH_LOCAL, "10.9.0.1/24"), 0);
	test_assert_int(ns_veth_add_address(v[0], NS_VETH_PEER, "10.9.1.1/24"), 0);
	test_assert_int(ns_veth_create(v[0], &e), 0);
	test_assert(if_exists("ta") && if_exists("tb"));
	n = ns_veth_list(&list);
	test_assert_int(n, 1);
	test_assert_str(list[0].name, "ta");
	test_assert_str(list[0].peer, "tb");
	test_assert_int(list[0].peer_nsid, -1);
	test_assert_int(list[0].group, 5);
	test_assert(list[0].up);
	free(list);

	/* the same names again: EEXIST, named step, nothing else left */
	r = ns_veth_create(v[0], &e);
	test_assert_int(r, -EEXIST);
	test_assert_str(e.step, "create veth pair 'ta'/'tb'");
	ns_veth_free(v[0]);

	/* a failure after creation takes the pair away again */
	test_assert_int(ns_veth_new("tc", "td", &v[0]), 0);
	test_assert_int(ns_veth_add_address(v[0], NS_VETH_PEER, "10.9.0.1/24"), 0);
	test_assert_int(ns_veth_add_route(v[0], "default", "192.0.2.1"), 0);
	ns_veth_set_up(v[0], true);
	r = ns_veth_create(v[0], &e);
	test_assert_int(r, -ENETUNREACH);
	test_assert_str(e.msg, "Nexthop has invalid gateway");
	test_assert_str(e.step, "add route default via 192.0.2.1 on 'td'");
	test_assert(!if_exists("tc") && !if_exists("td"));
	ns_veth_free(v[0]);

	/* a missing bridge, then one made for the pair and removed with it */
	test_assert_int(ns_veth_new("te", "tf", &v[0]), 0);
	test_assert_int(ns_veth_set_master(v[0], "tbr", false), 0);
	test_assert_int(ns_veth_create(v[0], &e), -ENODEV);
	test_assert_str(e.step, "find bridge 'tbr'");
	test_assert(!if_exists("te"));
	test_assert_int(ns_veth_set_master(v[0], "tbr", true), 0);
	test_assert_int(ns_veth_add_address(v[0], NS_VETH_LOCAL, "10.9.7.1/24"), 0);
	test_assert_int(ns_veth_add_address(v[0], NS_VETH_LOCAL, "10.9.7.1/24"), 0);
	test_assert_int(ns_veth_create(v[0], &e), -EEXIST);
	test_assert_str(e.step, "add address 10.9.7.1/24 to 'te'");
	test_assert(!if_exists("te") && !if_exists("tbr"));
	ns_veth_free(v[0]);

	/* many at once, all or nothing: the third fails, none remain */
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		test_assert_int(ns_veth_new(name, i == 2 ? "ta" : name + 1, &v[i]), 0);
		ns_veth_set_group(v[i], 6);
	}
	test_assert_int(ns_veth_create_many(v, 3, &bad, &e), -EEXIST);
	test_assert_int(bad, 2);
	test_assert(!if_exists("m0") && !if_exists("m1"));
	for (int i = 0; i < 3; i++)
		ns_veth_free(v[i]);

	/* a pair into a second namespace, named by PID */
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	test_assert(self >= 0);
	{
		int p[2], fd, status;
		char pidtext[16], where[32];
		pid_t child;

		test_assert(pipe2(p, O_CLOEXEC) == 0);
		child = fork();
		test_assert(child >= 0);
		if (child == 0) {
			char c;

			if (unshare(CLONE_NEWNET) < 0)
				_exit(1);
			close(p[1]);
			(void)!read(p[0], &c, 1);
			_exit(0);
		}
		/* the child's netns is new once /proc says so */
		snprintf(pidtext, sizeof(pidtext), "%d", (int)child);
		for (int i = 0; i < 200; i++) {
			struct stat st1, st2;

			fd = ns_netns_open(pidtext);
			test_assert(fd >= 0);
			test_assert(fcntl(fd, F_GETFD) == FD_CLOEXEC);
			test_assert(fstat(fd, &st1) == 0 && fstat(self, &st2) == 0);
			if (st1.st_ino != st2.st_ino)
				break;
			close(fd);
			usleep(10000);
		}
		test_assert_int(ns_veth_new("tx", "eth0", &v[0]), 0);
		ns_veth_set_netns(v[0], fd);
		ns_veth_set_up(v[0], true);
		ns_veth_set_loopback_up(v[0], true);
		test_assert_int(ns_veth_add_address(v[0], NS_VETH_LOCAL, "10.8.0.1/24"), 0);
		test_assert_int(ns_veth_add_address(v[0], NS_VETH_PEER, "10.8.0.2/24"), 0);
		test_assert_int(ns_veth_add_address(v[0], NS_VETH_PEER, "fd08::2/64"), 0);
		test_assert_int(ns_veth_add_route(v[0], "default", "10.8.0.1"), 0);
		test_assert_int(ns_veth_create(v[0], &e), 0);
		test_assert(!if_exists("eth0"));
		n = ns_veth_list(&list);
		test_assert_int(n, 2);
		test_assert_str(list[1].name, "tx");
		test_assert_str(list[1].peer, "eth0");
		test_assert(list[1].peer_nsid >= 0);
		snprintf(where, sizeof(where), "pid %d", (int)child);
		test_assert_str(list[1].peer_netns, where);
		free(list);
		test_assert_int(ns_veth_delete("tx", &e), 0);
		test_assert(!if_exists("tx"));
		ns_veth_free(v[0]);
		close(fd);
		close(p[1]);
		test_assert(waitpid(child, &status, 0) == child);
		test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		close(p[0]);
	}
	test_assert_int(ns_netns_open("/proc/self/ns/user"), -EINVAL);
	test_assert_int(ns_netns_open("no-such-name-here"), -ENOENT);
	{
		/* a word never names a file of the working directory; a path
		 * does, and must end at a network namespace */
		char dir[] = "/tmp/test-veth.XXXXXX", cwd[4096];
		int fd;

		test_assert(getcwd(cwd, sizeof(cwd)) != NULL);
		test_assert(mkdtemp(dir) != NULL);
		test_assert(chdir(dir) == 0);
		test_assert(symlink("/proc/self/ns/net", "nsveth-cwd-ns") == 0);
		test_assert(mkfifo("fifo", 0600) == 0);
		test_assert_int(ns_netns_open("nsveth-cwd-ns"), -ENOENT);
		test_assert_int(ns_netns_open("fifo"), -ENOENT);
		test_assert_int(ns_netns_open("./fifo"), -EINVAL);
		test_assert_int(ns_netns_open("."), -EINVAL);
		test_assert_int(ns_netns_open(".."), -EINVAL);
		fd = ns_netns_open("./nsveth-cwd-ns");
		test_assert(fd >= 0);
		close(fd);
		test_assert(unlink("nsveth-cwd-ns") == 0 && unlink("fifo") == 0);
		test_assert(chdir(cwd) == 0 && rmdir(dir) == 0);
	}
	test_assert_int(ns_veth_delete("lo", &e), -EMEDIUMTYPE);
	test_assert_int(ns_veth_delete("nosuch", &e), -ENODEV);
	test_assert_int(ns_veth_delete_group(6, &e), -ENODEV);
	test_assert_int(ns_veth_delete_group(5, &e), 0);
	test_assert(!if_exists("ta") && !if_exists("tb"));
	test_assert_int(ns_link_up_loopback(-1, &e), 0);
	test_assert(if_exists("lo"));
	close(self);
	return 0;
}

static void test_live(void)
{
	int status;
	pid_t pid = fork();

	test_assert(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
			fprintf(stderr, "skipping the live part: unshare: %m\n");
			_exit(77);
		}
		_exit(live());
	}
	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status));
	test_assert(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77);
}

int main(void)
{
	test_names();
	test_mac();
	test_addr_parse();
	test_veth_request();
	test_other_requests();
	test_ext_ack();
	test_live();
	return 0;
}
