/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The data behind the opaque struct ns_veth, shared by the veth*.c files. */
#ifndef LIBNS_VETH_INTERNAL_H
#define LIBNS_VETH_INTERNAL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nl_addr;
struct nl_route;

struct veth_end {
	char name[IFNAMSIZ];
	struct nl_addr *addrs;
	size_t naddrs;
	uint8_t mac[6];
	bool has_mac;
	uint32_t mtu;
};

struct ns_veth {
	struct veth_end end[2];
	int netns_fd;
	char master[IFNAMSIZ];
	bool master_create;
	struct nl_route *routes;
	size_t nroutes;
	uint32_t group;
	bool has_group;
	bool up;
	bool lo_up;
	/* filled while creating */
	dev_t netns_dev; /* which namespace netns_fd is: peers are grouped */
	ino_t netns_ino; /* by it, however many fds name one */
	int ifindex;
	int peer_ifindex;
};

#endif
