/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsrun --veth specs and nsveth's values through the ns_veth_* calls. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "ns.h"
#include "ns-internal.h"
#include "veth-internal.h"
#include "fuzz.h"

/* The rules of ns_ifname_check() as ns.h states them. */
static int ref_ifname(const char *s)
{
	size_t len = strlen(s);

	if (len > NS_IFNAME_MAX)
		return -ERANGE;
	if (len == 0 || !strcmp(s, ".") || !strcmp(s, ".."))
		return -EINVAL;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return -EINVAL;
	return 0;
}

/* Six octets of one or two hex digits, split by ':', nothing else. */
static int ref_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int n = 0, v = 0;

		for (; n < 2 && isxdigit((unsigned char)*s); n++, s++)
			v = v * 16 + (isdigit((unsigned char)*s) ? *s - '0' : tolower(*s) - 'a' + 10);
		if (n == 0)
			return -EINVAL;
		mac[i] = (uint8_t)v;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

static void check_mac(struct ns_veth *v, enum ns_veth_end end, const char *s)
{
	struct veth_end *e = &v->end[end];
	bool had = e->has_mac;
	uint8_t want[6], old[6];
	char text[18];
	int r, rr;

	memcpy(old, e->mac, 6);
	r = ns_veth_set_mac(v, end, s);
	rr = ref_mac(s, want);
	fuzz_assert(r == rr);
	if (r < 0) {
		fuzz_assert(e->has_mac == had && memcmp(e->mac, old, 6) == 0);
		return;
	}
	fuzz_assert(e->has_mac && memcmp(e->mac, want, 6) == 0);
	/* printed as ip-link(8) prints it, it reads back to the same octets */
	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", want[0], want[1], want[2],
		 want[3], want[4], want[5]);
	fuzz_assert(ns_veth_set_mac(v, end, text) == 0 && memcmp(e->mac, want, 6) == 0);
}

static void check_addr(struct ns_veth *v, enum ns_veth_end end, const char *s)
{
	struct veth_end *e = &v->end[end];
	size_t n = e->naddrs;
	char text[64];
	struct nl_addr a;
	int r = ns_veth_add_address(v, end, s);

	if (r < 0) {
		fuzz_assert((r == -EINVAL || r == -ERANGE) && e->naddrs == n);
		return;
	}
	fuzz_assert(e->naddrs == n + 1);
	a = e->addrs[n];
	fuzz_assert(a.family == AF_INET ? a.prefix <= 32 : a.family == AF_INET6 && a.prefix <= 128);
	nl_addr_format(&a, true, text, sizeof(text));
	fuzz_assert(ns_veth_add_address(v, end, text) == 0);
	fuzz_assert(memcmp(&e->addrs[n + 1], &a, sizeof(a)) == 0);
}

static void check_route(struct ns_veth *v, const char *dst, const char *via)
{
	size_t n = v->nroutes;
	int r = ns_veth_add_route(v, dst, via);

	if (r < 0) {
		fuzz_assert((r == -EINVAL || r == -ERANGE) && v->nroutes == n);
		return;
	}
	fuzz_assert(v->nroutes == n + 1);
	/* a gateway is of the family of the destination */
	fuzz_assert(!v->routes[n].gw.family || v->routes[n].gw.family == v->routes[n].dst.family);
	fuzz_assert(strcmp(dst, "default") || v->routes[n].dst.prefix == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char msg[NL_MSG_MAX];
	char *s = fuzz_string(data, size), *save = NULL, *head, *colon, *item;
	struct ns_veth *v = NULL;
	struct nlmsghdr *nlh;
	int r;

	/* NAME:PEER, then settings split by ',', as nsrun --veth takes them;
	 * nsveth's values (mac=, master=, route=DST;VIA) besides */
	head = strtok_r(s, ",", &save);
	colon = head ? strchr(head, ':') : NULL;
	if (!colon) {
		free(s);
		return 0;
	}
	*colon = '\0';
	r = ns_veth_new(head, colon + 1, &v);
	fuzz_assert(ns_ifname_check(head) == ref_ifname(head));
	fuzz_assert(ns_ifname_check(colon + 1) == ref_ifname(colon + 1));
	if (r < 0) {
		fuzz_assert(r == -EINVAL && (ref_ifname(head) < 0 || ref_ifname(colon + 1) < 0));
		free(s);
		return 0;
	}
	fuzz_assert(ref_ifname(head) == 0 && ref_ifname(colon + 1) == 0);
	fuzz_assert(!strcmp(v->end[NS_VETH_LOCAL].name, head) &&
		    !strcmp(v->end[NS_VETH_PEER].name, colon + 1));
	ns_veth_set_up(v, true);
	while ((item = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(item, '=');
		char *val = eq ? eq + 1 : item;

		if (eq)
			*eq = '\0';
		if (!strcmp(item, "addr")) {
			check_addr(v, NS_VETH_LOCAL, val);
		} else if (!strcmp(item, "peer-addr")) {
			check_addr(v, NS_VETH_PEER, val);
		} else if (!strcmp(item, "gateway")) {
			check_route(v, "default", val);
		} else if (!strcmp(item, "route")) {
			char *via = strchr(val, ';');

			if (via)
				*via++ = '\0';
			check_route(v, val, via);
		} else if (!strcmp(item, "mac")) {
			check_mac(v, NS_VETH_LOCAL, val);
		} else if (!strcmp(item, "peer-mac")) {
			check_mac(v, NS_VETH_PEER, val);
		} else if (!strcmp(item, "master")) {
			r = ns_veth_set_master(v, val, true);
			fuzz_assert(r == (ref_ifname(val) == 0 ? 0 : -EINVAL));
		} else if (!strcmp(item, "mtu")) {
			ns_veth_set_mtu(v, NS_VETH_PEER, (uint32_t)strtoul(val, NULL, 10));
		} else {
			check_mac(v, NS_VETH_LOCAL, item);
			check_addr(v, NS_VETH_PEER, item);
		}
	}
	/* whatever was accepted fits the one request that creates the pair */
	nlh = veth_put_new(msg, 1, v, 7);
	fuzz_assert(nlh->nlmsg_len <= sizeof(msg));
	ns_veth_free(v);
	free(s);
	return 0;
}
