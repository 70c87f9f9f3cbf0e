/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink requests, one message each into a caller's buffer, and the address text they carry. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "ns.h"
#include "ns-internal.h"

/* "ADDR[/PREFIX]"; without a prefix, a host address (/32, /128). */
int nl_addr_parse(const char *s, bool prefix_ok, struct nl_addr *ret)
{
	struct nl_addr a = { 0 };
	const char *slash = strchr(s, '/');
	char host[INET6_ADDRSTRLEN];
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t prefix;

	if (len == 0 || len >= sizeof(host) || (slash && !prefix_ok))
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, a.a) == 1) {
		a.family = AF_INET;
		a.prefix = 32;
	} else if (inet_pton(AF_INET6, host, a.a) == 1) {
		a.family = AF_INET6;
		a.prefix = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		int r = parse_u32(slash + 1, &prefix);

		if (r < 0)
			return r;
		if (prefix > a.prefix)
			return -ERANGE;
		a.prefix = (uint8_t)prefix;
	}
	*ret = a;
	return 0;
}

const char *nl_addr_format(const struct nl_addr *a, bool with_prefix, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->a, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	if (with_prefix)
		snprintf(buf, size, "%s/%u", host, a->prefix);
	else
		snprintf(buf, size, "%s", host);
	return buf;
}

static size_t addr_len(const struct nl_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

/* A request header that asks for @flags besides NLM_F_REQUEST. */
struct nlmsghdr *nl_put_hdr(void *buf, uint32_t seq, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

static struct nlmsghdr *put_link_hdr(void *buf, uint32_t seq, uint16_t type, uint16_t flags,
				     int ifindex, struct ifinfomsg **ret_ifm)
{
	struct nlmsghdr *nlh = nl_put_hdr(buf, seq, type, flags);
	struct ifinfomsg *ifm;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (ret_ifm)
		*ret_ifm = ifm;
	return nlh;
}

struct nlmsghdr *nl_put_link_up(void *buf, uint32_t seq, int ifindex)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, seq, RTM_NEWLINK, NLM_F_ACK, ifindex, &ifm);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nlh;
}

struct nlmsghdr *nl_put_link_get(void *buf, uint32_t seq, const char *name)
{
	struct nlmsghdr *nlh = put_link_hdr(buf, seq, RTM_GETLINK, NLM_F_ACK, 0, NULL);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct nlmsghdr *nl_put_link_dump(void *buf, uint32_t seq)
{
	return put_link_hdr(buf, seq, RTM_GETLINK, NLM_F_DUMP, 0, NULL);
}

/* A link of another namespace by its id there (IFLA_TARGET_NETNSID,
 * Linux 4.20), without entering it. */
struct nlmsghdr *nl_put_link_get_nsid(void *buf, uint32_t seq, int ifindex, int nsid)
{
	struct nlmsghdr *nlh = put_link_hdr(buf, seq, RTM_GETLINK, NLM_F_ACK, ifindex, NULL);

	mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (uint32_t)nsid);
	return nlh;
}

struct nlmsghdr *nl_put_link_del(void *buf, uint32_t seq, int ifindex, const char *name)
{
	struct nlmsghdr *nlh = put_link_hdr(buf, seq, RTM_DELLINK, NLM_F_ACK, ifindex, NULL);

	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* An existing link, by name, moved to link group @group. */
struct nlmsghdr *nl_put_link_set_group(void *buf, uint32_t seq, const char *name, uint32_t group)
{
	struct nlmsghdr *nlh = put_link_hdr(buf, seq, RTM_NEWLINK, NLM_F_ACK, 0, NULL);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return nlh;
}

/* ifindex 0 and no name: the kernel deletes the whole group
 * (rtnl_group_dellink). */
struct nlmsghdr *nl_put_group_del(void *buf, uint32_t seq, uint32_t group)
{
	struct nlmsghdr *nlh = put_link_hdr(buf, seq, RTM_DELLINK, NLM_F_ACK, 0, NULL);

	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return nlh;
}

struct nlmsghdr *nl_put_bridge_new(void *buf, uint32_t seq, const char *name, bool up)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, seq, RTM_NEWLINK,
					    NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 0, &ifm);
	struct nlattr *info;

	if (up) {
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

/* As "ip address add": IFA_LOCAL and IFA_ADDRESS both the address; IPv6
 * without duplicate address detection, so the address is usable at once
 * (a fresh veth has no one to clash with). */
struct nlmsghdr *nl_put_addr_new(void *buf, uint32_t seq, int ifindex, const struct nl_addr *a)
{
	struct nlmsghdr *nlh = nl_put_hdr(buf, seq, RTM_NEWADDR,
					  NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a), a->a);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a), a->a);
	if (a->family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nlh;
}

/* As "ip route add": main table, protocol boot; link scope without a
 * gateway. */
struct nlmsghdr *nl_put_route_new(void *buf, uint32_t seq, int ifindex, const struct nl_route *rt)
{
	struct nlmsghdr *nlh = nl_put_hdr(buf, seq, RTM_NEWROUTE,
					  NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm;

	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = rt->dst.family;
	rtm->rtm_dst_len = rt->dst.prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = rt->gw.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (rt->dst.prefix)
		mnl_attr_put(nlh, RTA_DST, addr_len(&rt->dst), rt->dst.a);
	if (rt->gw.family)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(&rt->gw), rt->gw.a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nlh;
}

/* The id our namespace has for the one behind @netns_fd, if any. */
struct nlmsghdr *nl_put_nsid_get(void *buf, uint32_t seq, int netns_fd)
{
	struct nlmsghdr *nlh = nl_put_hdr(buf, seq, RTM_GETNSID, NLM_F_ACK);
	struct rtgenmsg *g;

	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)netns_fd);
	return nlh;
}
