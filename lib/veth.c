/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* veth pairs: the description, and the one request that places the peer in its netns. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <libmnl/libmnl.h>

#include "ns.h"
#include "ns-internal.h"
#include "veth-internal.h"

int ns_veth_new(const char *name, const char *peer, struct ns_veth **ret)
{
	struct ns_veth *v;

	if (!name || !peer || !nl_ifname_valid(name) || !nl_ifname_valid(peer))
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	strcpy(v->end[NS_VETH_LOCAL].name, name);
	strcpy(v->end[NS_VETH_PEER].name, peer);
	v->netns_fd = -1;
	*ret = v;
	return 0;
}

void ns_veth_free(struct ns_veth *v)
{
	if (!v)
		return;
	free(v->end[0].addrs);
	free(v->end[1].addrs);
	free(v->routes);
	free(v);
}

void ns_veth_set_netns(struct ns_veth *v, int netns_fd)
{
	v->netns_fd = netns_fd;
}

int ns_veth_add_address(struct ns_veth *v, enum ns_veth_end end, const char *cidr)
{
	struct veth_end *e = &v->end[end == NS_VETH_PEER];
	struct nl_addr a, *n;
	int r;

	r = nl_addr_parse(cidr, true, &a);
	if (r < 0)
		return r;
	n = reallocarray(e->addrs, e->naddrs + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	e->addrs = n;
	e->addrs[e->naddrs++] = a;
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Six octets of one or two hex digits, separated by ':', as ip-link(8)
 * reads an Ethernet address, but digits only: strtoul(3) and sscanf(3)
 * would also take a sign, blanks and "0x". */
static int parse_mac(const char *s, uint8_t ret[6])
{
	uint8_t mac[6];

	for (int i = 0; i < 6; i++) {
		int digits = 0, d, octet = 0;

		while (digits < 2 && (d = hex_value(*s)) >= 0) {
			octet = octet * 16 + d;
			digits++;
			s++;
		}
		if (digits == 0 || *s != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		mac[i] = (uint8_t)octet;
		s += i < 5;
	}
	memcpy(ret, mac, sizeof(mac));
	return 0;
}

int ns_veth_set_mac(struct ns_veth *v, enum ns_veth_end end, const char *mac)
{
	struct veth_end *e = &v->end[end == NS_VETH_PEER];
	int r;

	if (!mac)
		return -EINVAL;
	r = parse_mac(mac, e->mac);
	if (r < 0)
		return r;
	e->has_mac = true;
	return 0;
}

void ns_veth_set_mtu(struct ns_veth *v, enum ns_veth_end end, uint32_t mtu)
{
	v->end[end == NS_VETH_PEER].mtu = mtu;
}

int ns_veth_set_master(struct ns_veth *v, const char *bridge, bool create)
{
	if (!bridge || !nl_ifname_valid(bridge))
		return -EINVAL;
	strcpy(v->master, bridge);
	v->master_create = create;
	return 0;
}

int ns_veth_add_route(struct ns_veth *v, const char *dst, const char *gateway)
{
	struct nl_route rt = { 0 }, *n;
	int r;

	if (gateway) {
		r = nl_addr_parse(gateway, false, &rt.gw);
		if (r < 0)
			return r;
	}
	if (!strcmp(dst, "default")) {
		rt.dst.family = rt.gw.family ? rt.gw.family : AF_INET;
		rt.dst.prefix = 0;
	} else {
		r = nl_addr_parse(dst, true, &rt.dst);
		if (r < 0)
			return r;
		if (rt.gw.family && rt.gw.family != rt.dst.family)
			return -EINVAL;
	}
	n = reallocarray(v->routes, v->nroutes + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	v->routes = n;
	v->routes[v->nroutes++] = rt;
	return 0;
}

void ns_veth_set_group(struct ns_veth *v, uint32_t group)
{
	v->group = group;
	v->has_group = true;
}

void ns_veth_set_up(struct ns_veth *v, bool up)
{
	v->up = up;
}

void ns_veth_set_loopback_up(struct ns_veth *v, bool up)
{
	v->lo_up = up;
}

static void put_end_attrs(struct nlmsghdr *nlh, const struct veth_end *e)
{
	mnl_attr_put_strz(nlh, IFLA_IFNAME, e->name);
	if (e->has_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(e->mac), e->mac);
	if (e->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, e->mtu);
}

/* One RTM_NEWLINK for the pair: the peer's ifinfomsg and attributes sit in
 * IFLA_INFO_DATA/VETH_INFO_PEER (see veth_newlink()), IFLA_NET_NS_FD among
 * them, so the kernel registers the peer straight in its namespace. The up
 * flag brings the local end up as it is registered, and IFLA_MASTER
 * enslaves it before the request returns; if that fails the kernel
 * unregisters the pair itself. The peer cannot come up in the same
 * request: the kernel configures it before the two ends know each other,
 * and veth_open() refuses an end without a peer (-ENOTCONN). */
struct nlmsghdr *veth_put_new(void *buf, uint32_t seq, const struct ns_veth *v, int master_ifindex)
{
	struct nlmsghdr *nlh = nl_put_hdr(buf, seq, RTM_NEWLINK,
					  NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *ifm, *pifm;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (v->up) {
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
	put_end_attrs(nlh, &v->end[NS_VETH_LOCAL]);
	if (v->has_group)
		mnl_attr_put_u32(nlh, IFLA_GROUP, v->group);
	if (master_ifindex > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_ifindex);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, sizeof(*pifm));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	put_end_attrs(nlh, &v->end[NS_VETH_PEER]);
	if (v->netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)v->netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}
