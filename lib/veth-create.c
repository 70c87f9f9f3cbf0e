/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* veth pairs: creating them in one batch, the peers configured inside each netns, rollback. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>
#include <sys/capability.h>

#include "ns.h"
#include "ns-internal.h"
#include "veth-internal.h"

enum { REQ_NEWLINK, REQ_GETLINK, REQ_PEER_UP, REQ_ADDR_LOCAL, REQ_ADDR_PEER, REQ_LO, REQ_ROUTE, REQ_DEL };

static void step_text(struct ns_nl_error *e, const struct ns_veth *v, uint8_t kind, size_t item)
{
	const struct veth_end *l = &v->end[NS_VETH_LOCAL], *p = &v->end[NS_VETH_PEER];
	char a[INET6_ADDRSTRLEN + 8], g[INET6_ADDRSTRLEN + 8];
	const struct nl_route *rt;

	switch (kind) {
	case REQ_NEWLINK:
		nl_err_set(e, "create veth pair '%s'/'%s'", l->name, p->name);
		break;
	case REQ_GETLINK:
		nl_err_set(e, "find '%s'", l->name);
		break;
	case REQ_ADDR_LOCAL:
		nl_err_set(e, "add address %s to '%s'",
			   nl_addr_format(&l->addrs[item], true, a, sizeof(a)), l->name);
		break;
	case REQ_ADDR_PEER:
		nl_err_set(e, "add address %s to '%s'",
			   nl_addr_format(&p->addrs[item], true, a, sizeof(a)), p->name);
		break;
	case REQ_LO:
		nl_err_set(e, "bring up lo beside '%s'", p->name);
		break;
	case REQ_PEER_UP:
		nl_err_set(e, "bring up '%s'", p->name);
		break;
	case REQ_ROUTE:
		rt = &v->routes[item];
		if (rt->dst.prefix)
			nl_addr_format(&rt->dst, true, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "default");
		if (rt->gw.family)
			nl_err_set(e, "add route %s via %s on '%s'", a,
				   nl_addr_format(&rt->gw, false, g, sizeof(g)), p->name);
		else
			nl_err_set(e, "add route %s on '%s'", a, p->name);
		break;
	default:
		nl_err_set(e, "delete '%s'", l->name);
		break;
	}
}

struct group_ctx {
	uint32_t group;
	bool used;
};

static int group_cb(const struct nlmsghdr *nlh, void *data)
{
	struct group_ctx *c = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_GROUP && mnl_attr_validate(a, MNL_TYPE_U32) == 0 &&
		    mnl_attr_get_u32(a) == c->group)
			c->used = true;
	return MNL_CB_OK;
}

/* A link group no link of this namespace is in, or 0. */
static uint32_t unused_group(struct mnl_socket *nl)
{
	char buf[NL_MSG_MAX] __attribute__((aligned(4)));

	for (int tries = 0; tries < 8; tries++) {
		struct group_ctx c = { 0 };

		if (getrandom(&c.group, sizeof(c.group), 0) != sizeof(c.group))
			return 0;
		if (c.group == 0)
			continue;
		if (nl_request(nl, nl_put_link_dump(buf, nl_seq_next(1)), NULL, 0, group_cb, &c) < 0)
			return 0;
		if (!c.used)
			return c.group;
	}
	return 0;
}

/* One ns_veth_create_many() call: the pairs, the socket of the caller's
 * namespace, what this call made (for the way back) and what failed. */
struct batch {
	struct ns_veth *const *v;
	size_t n;
	struct mnl_socket *nl;
	struct ns_nl_error *e;
	bool *made;		   /* the pairs this call made */
	bool *existed;		   /* a link had the local end's name before */
	bool *peer_done;	   /* the pair's namespace is configured */
	int *master;		   /* the ifindex of the pair's bridge, or 0 */
	char (*bridges)[IFNAMSIZ]; /* the bridges this call made */
	size_t nbridges;
	size_t bad;		   /* the pair that failed, or SIZE_MAX */
};

static void batch_free(struct batch *b)
{
	nl_closep(&b->nl);
	free(b->made);
	free(b->existed);
	free(b->peer_done);
	free(b->master);
	free(b->bridges);
}

/* Request @i of @q failed with @err: @b->e names its step and keeps the
 * kernel's text nl_reqs_run() left in it, and @b->bad its pair. */
static void req_failed(struct batch *b, const struct nl_reqs *q, size_t i, int err)
{
	const struct ns_veth *v = b->v[q->pair[i]];
	char msg[sizeof(b->e->msg)];

	snprintf(msg, sizeof(msg), "%s", b->e->msg);
	step_text(b->e, v, q->kind[i], q->item[i]);
	snprintf(b->e->msg, sizeof(b->e->msg), "%s", msg);
	/* a link that is down has no connected routes to reach a gateway
	 * through (-EINVAL, IPv6: -EHOSTUNREACH) and takes no direct route
	 * (-ENETDOWN) */
	b->e->peer_down = q->kind[i] == REQ_ROUTE && !v->up &&
			  (err == -EINVAL || err == -EHOSTUNREACH || err == -ENETUNREACH ||
			   err == -ENETDOWN);
	b->bad = q->pair[i];
}

/* Deletes the local ends of the pairs this call made (the peers go with
 * them) and the bridges made for them; errors are ignored: this is the
 * way back from an error already being reported. Each RTM_DELLINK of a
 * single link waits for an RCU grace period (~15 ms), so many pairs are
 * first moved to a fresh link group and deleted in one request, which
 * the kernel unregisters together. */
static void rollback(const struct batch *b)
{
	_cleanup_nl_reqs_ struct nl_reqs q = { 0 };
	struct ns_nl_error e;
	uint32_t group = 0;
	size_t count = 0;
	int r;

	for (size_t i = 0; i < b->n; i++)
		count += b->made[i];
	if (count > 4)
		group = unused_group(b->nl);
	if (nl_reqs_init(&q, b->n + b->nbridges + 1) < 0)
		return;
	for (size_t i = 0; i < b->n; i++) {
		const char *name = b->v[i]->end[NS_VETH_LOCAL].name;
		void *slot;

		if (!b->made[i])
			continue;
		slot = nl_reqs_slot(&q, i, SIZE_MAX, REQ_DEL);
		if (group)
			nl_reqs_commit(&q, nl_put_link_set_group(slot, nl_reqs_seq(&q), name,
							      group));
		else
			nl_reqs_commit(&q, nl_put_link_del(slot, nl_reqs_seq(&q), 0, name));
	}
	if (group)
		nl_reqs_commit(&q, nl_put_group_del(nl_reqs_slot(&q, 0, SIZE_MAX, REQ_DEL),
						 nl_reqs_seq(&q), group));
	for (size_t i = 0; i < b->nbridges; i++)
		nl_reqs_commit(&q, nl_put_link_del(nl_reqs_slot(&q, 0, SIZE_MAX, REQ_DEL),
						nl_reqs_seq(&q), 0, b->bridges[i]));
	nl_reqs_run(b->nl, &q, &e, &r, NULL, NULL);
}

/* The peer's namespace by its nsfs inode, whatever fd names it. -1 (the
 * caller's namespace) stays apart, and so does an fd fstat(2) refuses: its
 * request will say what is wrong with it. nsfs is never device 0. */
static void netns_identify(struct ns_veth *v)
{
	struct stat st;

	if (v->netns_fd >= 0 && fstat(v->netns_fd, &st) == 0) {
		v->netns_dev = st.st_dev;
		v->netns_ino = st.st_ino;
	} else {
		v->netns_dev = 0;
		v->netns_ino = (ino_t)v->netns_fd;
	}
}

static bool same_netns(const struct ns_veth *a, const struct ns_veth *b)
{
	return a->netns_dev == b->netns_dev && a->netns_ino == b->netns_ino;
}

static bool needs_peer_work(const struct ns_veth *v)
{
	return v->up || v->end[NS_VETH_PEER].naddrs || v->nroutes || v->lo_up;
}

static int prepare_failed(struct batch *b, int r)
{
	nl_err_set(b->e, "prepare the requests");
	return r;
}

/* Bridges first: a pair's request names its master by ifindex. */
static int make_bridges(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct ns_veth *v = b->v[i];

		if (!v->master[0])
			continue;
		b->master[i] = (int)if_nametoindex(v->master);
		if (b->master[i] == 0 && v->master_create) {
			char buf[NL_MSG_MAX] __attribute__((aligned(4)));
			char msg[sizeof(b->e->msg)];
			int r;

			r = nl_request(b->nl,
				       nl_put_bridge_new(buf, nl_seq_next(1), v->master, v->up),
				       msg, sizeof(msg), NULL, NULL);
			if (r < 0) {
				b->bad = i;
				nl_err_set(b->e, "create bridge '%s'", v->master);
				snprintf(b->e->msg, sizeof(b->e->msg), "%s", msg);
				if (r == -EPERM)
					nl_explain_eperm(b->e, -1, CAP_NET_ADMIN);
				return r;
			}
			strcpy(b->bridges[b->nbridges++], v->master);
			b->master[i] = (int)if_nametoindex(v->master);
		}
		if (b->master[i] == 0) {
			b->bad = i;
			nl_err_set(b->e, "find bridge '%s'", v->master);
			return -ENODEV;
		}
	}
	return 0;
}

/* The pairs, one request each, all sent before any ack is read. */
static int make_pairs(struct batch *b)
{
	_cleanup_nl_reqs_ struct nl_reqs q = { 0 };
	size_t bad;
	int r;

	r = nl_reqs_init(&q, b->n);
	if (r < 0)
		return prepare_failed(b, r);
	/* a request the socket failure leaves unanswered may or may not have
	 * made its pair: it did if the name is taken now and was free
	 * before; a link that was there already stays */
	for (size_t i = 0; i < b->n; i++)
		b->existed[i] = nl_ifindex(b->nl, b->v[i]->end[NS_VETH_LOCAL].name) > 0;
	for (size_t i = 0; i < b->n; i++)
		nl_reqs_commit(&q, veth_put_new(nl_reqs_slot(&q, i, SIZE_MAX, REQ_NEWLINK),
					     nl_reqs_seq(&q), b->v[i], b->master[i]));
	bad = nl_reqs_run(b->nl, &q, b->e, &r, NULL, NULL);
	for (size_t i = 0; i < b->n; i++)
		b->made[i] = q.errs[i] == 0 ||
			     (q.errs[i] > 0 && !b->existed[i] &&
			      nl_ifindex(b->nl, b->v[i]->end[NS_VETH_LOCAL].name) > 0);
	if (r < 0 && bad == SIZE_MAX) {
		b->bad = 0;
		nl_err_set(b->e, "create veth pairs");
		return r;
	}
	if (r < 0) {
		req_failed(b, &q, bad, r);
		if (r == -EPERM)
			nl_explain_eperm(b->e, b->v[b->bad]->netns_fd, CAP_NET_ADMIN);
	}
	return r;
}

/* The local ends' addresses. */
static int add_local_addresses(struct batch *b)
{
	_cleanup_nl_reqs_ struct nl_reqs q = { 0 };
	size_t count = 0, bad;
	int r;

	for (size_t i = 0; i < b->n; i++)
		count += b->v[i]->end[NS_VETH_LOCAL].naddrs;
	if (!count)
		return 0;
	r = nl_reqs_init(&q, count);
	if (r < 0)
		return prepare_failed(b, r);
	for (size_t i = 0; i < b->n; i++) {
		struct ns_veth *v = b->v[i];
		const struct veth_end *l = &v->end[NS_VETH_LOCAL];

		if (!l->naddrs)
			continue;
		r = v->ifindex = nl_ifindex(b->nl, l->name);
		if (r < 0) {
			b->bad = i;
			step_text(b->e, v, REQ_GETLINK, SIZE_MAX);
			return r;
		}
		for (size_t k = 0; k < l->naddrs; k++)
			nl_reqs_commit(&q, nl_put_addr_new(nl_reqs_slot(&q, i, k, REQ_ADDR_LOCAL),
							nl_reqs_seq(&q), v->ifindex, &l->addrs[k]));
	}
	bad = nl_reqs_run(b->nl, &q, b->e, &r, NULL, NULL);
	if (r < 0 && bad == SIZE_MAX) {
		b->bad = 0;
		nl_err_set(b->e, "add addresses");
	} else if (r < 0) {
		req_failed(b, &q, bad, r);
	}
	return r;
}

/* Whether pair @i's peer is configured together with @first's. */
static bool peer_with(const struct batch *b, size_t first, size_t i)
{
	return !b->peer_done[i] && same_netns(b->v[i], b->v[first]) && needs_peer_work(b->v[i]);
}

/* The peer side of the pairs in the namespace of pair @first: lo, up
 * state, addresses, then routes, which need the addresses to reach their
 * gateways; the kernel handles one sendmsg's requests in order. */
static int configure_peers_of(struct batch *b, size_t first)
{
	_cleanup_mnl_ struct mnl_socket *there = NULL;
	_cleanup_nl_reqs_ struct nl_reqs q = { 0 };
	struct mnl_socket *nl = b->nl;
	int fd = b->v[first]->netns_fd;
	size_t count = 0, bad;
	bool lo = false;
	int r;

	for (size_t i = first; i < b->n; i++)
		if (peer_with(b, first, i))
			count += b->v[i]->end[NS_VETH_PEER].naddrs + b->v[i]->nroutes + 2;
	r = nl_reqs_init(&q, count);
	if (r < 0) {
		b->bad = first;
		return prepare_failed(b, r);
	}
	if (fd >= 0) {
		r = nl_open(fd, &there);
		if (r < 0) {
			b->bad = first;
			nl_err_set(b->e, "enter the network namespace of '%s'",
				   b->v[first]->end[NS_VETH_PEER].name);
			if (r == -EPERM)
				nl_explain_eperm(b->e, fd, CAP_SYS_ADMIN);
			return r;
		}
		nl = there;
	}
	for (size_t i = first; i < b->n; i++) {
		struct ns_veth *v = b->v[i];
		const struct veth_end *p = &v->end[NS_VETH_PEER];

		if (!peer_with(b, first, i))
			continue;
		r = v->peer_ifindex = nl_ifindex(nl, p->name);
		if (r < 0) {
			b->bad = i;
			nl_err_set(b->e, "find '%s'", p->name);
			return r;
		}
		if (v->lo_up && !lo) {
			/* lo is ifindex 1 in every namespace (LOOPBACK_IFINDEX);
			 * bringing it up gives it 127.0.0.1/8 and ::1 */
			nl_reqs_commit(&q, nl_put_link_up(nl_reqs_slot(&q, i, SIZE_MAX, REQ_LO),
						       nl_reqs_seq(&q), 1));
			lo = true;
		}
		if (v->up)
			nl_reqs_commit(&q, nl_put_link_up(nl_reqs_slot(&q, i, SIZE_MAX, REQ_PEER_UP),
						       nl_reqs_seq(&q), v->peer_ifindex));
		for (size_t k = 0; k < p->naddrs; k++)
			nl_reqs_commit(&q, nl_put_addr_new(nl_reqs_slot(&q, i, k, REQ_ADDR_PEER),
							nl_reqs_seq(&q), v->peer_ifindex,
							&p->addrs[k]));
	}
	for (size_t i = first; i < b->n; i++) {
		if (!peer_with(b, first, i))
			continue;
		for (size_t k = 0; k < b->v[i]->nroutes; k++)
			nl_reqs_commit(&q, nl_put_route_new(nl_reqs_slot(&q, i, k, REQ_ROUTE),
							 nl_reqs_seq(&q), b->v[i]->peer_ifindex,
							 &b->v[i]->routes[k]));
	}
	bad = nl_reqs_run(nl, &q, b->e, &r, NULL, NULL);
	if (r < 0 && bad == SIZE_MAX) {
		b->bad = first;
		nl_err_set(b->e, "configure the network namespace of '%s'",
			   b->v[first]->end[NS_VETH_PEER].name);
	} else if (r < 0) {
		req_failed(b, &q, bad, r);
	}
	return r;
}

/* Each peer namespace once, through a socket opened inside it. */
static int configure_peers(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		int r;

		if (b->peer_done[i] || !needs_peer_work(b->v[i]))
			continue;
		r = configure_peers_of(b, i);
		if (r < 0)
			return r;
		for (size_t k = i; k < b->n; k++)
			if (same_netns(b->v[k], b->v[i]))
				b->peer_done[k] = true;
	}
	return 0;
}

int ns_veth_create_many(struct ns_veth *const *v, size_t n, size_t *reterr_index,
			struct ns_nl_error *reterr)
{
	struct ns_nl_error scratch;
	_cleanup_(batch_free) struct batch b = {
		/* cppcheck-suppress uninitvar ; only its address is taken; the callee fills it */
		.v = v, .n = n, .e = reterr ? reterr : &scratch, .bad = SIZE_MAX,
	};
	int r;

	memset(b.e, 0, sizeof(*b.e));
	if (n == 0)
		return 0;
	b.made = calloc(n, sizeof(*b.made));
	b.existed = calloc(n, sizeof(*b.existed));
	b.peer_done = calloc(n, sizeof(*b.peer_done));
	b.master = calloc(n, sizeof(*b.master));
	b.bridges = calloc(n, sizeof(*b.bridges));
	if (!b.made || !b.existed || !b.peer_done || !b.master || !b.bridges)
		return prepare_failed(&b, -ENOMEM);
	for (size_t i = 0; i < n; i++)
		netns_identify(v[i]);
	r = nl_open(-1, &b.nl);
	if (r < 0) {
		b.bad = 0;
		nl_err_set(b.e, "open a netlink socket");
	}
	if (r == 0)
		r = make_bridges(&b);
	if (r == 0)
		r = make_pairs(&b);
	if (r == 0)
		r = add_local_addresses(&b);
	if (r == 0)
		r = configure_peers(&b);
	if (r == 0)
		return 0;
	if (b.nl)
		rollback(&b);
	if (reterr_index)
		*reterr_index = b.bad == SIZE_MAX ? 0 : b.bad;
	return r;
}

int ns_veth_create(struct ns_veth *v, struct ns_nl_error *reterr)
{
	return ns_veth_create_many(&v, 1, NULL, reterr);
}
