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

/* Deletes the local ends of the pairs whose flag is set (the peers go with
 * them) and the bridges made for them; errors are ignored: this is the
 * way back from an error already being reported. Each RTM_DELLINK of a
 * single link waits for an RCU grace period (~15 ms), so many pairs are
 * first moved to a fresh link group and deleted in one request, which
 * the kernel unregisters together. */
static void rollback(struct mnl_socket *nl, struct ns_veth *const *v, size_t n, const bool *made,
		     char (*bridges)[IFNAMSIZ], size_t nbridges)
{
	_cleanup_nl_reqs_ struct nl_reqs q = { 0 };
	struct ns_nl_error e;
	uint32_t group = 0;
	size_t count = 0;
	int r;

	for (size_t i = 0; i < n; i++)
		count += made[i];
	if (count > 4)
		group = unused_group(nl);
	if (nl_reqs_init(&q, n + nbridges + 1) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		void *slot;

		if (!made[i])
			continue;
		slot = nl_reqs_slot(&q, i, SIZE_MAX, REQ_DEL);
		if (group)
			nl_reqs_commit(&q, nl_put_link_set_group(slot, nl_reqs_seq(&q),
							      v[i]->end[0].name, group));
		else
			nl_reqs_commit(&q, nl_put_link_del(slot, nl_reqs_seq(&q), 0, v[i]->end[0].name));
	}
	if (group)
		nl_reqs_commit(&q, nl_put_group_del(nl_reqs_slot(&q, 0, SIZE_MAX, REQ_DEL), nl_reqs_seq(&q),
						 group));
	for (size_t i = 0; i < nbridges; i++)
		nl_reqs_commit(&q, nl_put_link_del(nl_reqs_slot(&q, 0, SIZE_MAX, REQ_DEL), nl_reqs_seq(&q),
						0, bridges[i]));
	nl_reqs_run(nl, &q, &e, &r, NULL, NULL);
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

/* The peer side of the pairs in the namespace of @v[first]: lo, up state,
 * addresses, then routes, which need the addresses to reach their gateways; the kernel
 * handles one sendmsg's requests in order. */
static size_t peer_work(struct mnl_socket *here, struct ns_veth *const *v, size_t n, size_t first,
			const bool *done, struct ns_nl_error *e, int *ret_err, size_t *ret_req_pair)
{
	_cleanup_mnl_ struct mnl_socket *there = NULL;
	_cleanup_nl_reqs_ struct nl_reqs q = { 0 };
	int fd = v[first]->netns_fd;
	size_t count = 0, bad;
	bool lo = false;
	int r;

	for (size_t i = first; i < n; i++) {
		if (done[i] || !same_netns(v[i], v[first]) || !needs_peer_work(v[i]))
			continue;
		count += v[i]->end[NS_VETH_PEER].naddrs + v[i]->nroutes + 2;
	}
	r = nl_reqs_init(&q, count);
	if (r < 0)
		goto fail;
	if (fd >= 0) {
		r = nl_open(fd, &there);
		if (r < 0) {
			nl_err_set(e, "enter the network namespace of '%s'",
				   v[first]->end[NS_VETH_PEER].name);
			if (r == -EPERM)
				nl_explain_eperm(e, fd, CAP_SYS_ADMIN);
			*ret_req_pair = first;
			*ret_err = r;
			return 0;
		}
	}
	for (size_t i = first; i < n; i++) {
		const struct veth_end *p = &v[i]->end[NS_VETH_PEER];

		if (done[i] || !same_netns(v[i], v[first]) || !needs_peer_work(v[i]))
			continue;
		r = v[i]->peer_ifindex = nl_ifindex(there ? there : here, p->name);
		if (r < 0) {
			nl_err_set(e, "find '%s'", p->name);
			*ret_req_pair = i;
			*ret_err = r;
			return 0;
		}
		if (v[i]->lo_up && !lo) {
			/* lo is ifindex 1 in every namespace (LOOPBACK_IFINDEX);
			 * bringing it up gives it 127.0.0.1/8 and ::1 */
			nl_reqs_commit(&q, nl_put_link_up(nl_reqs_slot(&q, i, SIZE_MAX, REQ_LO),
						       nl_reqs_seq(&q), 1));
			lo = true;
		}
		if (v[i]->up)
			nl_reqs_commit(&q, nl_put_link_up(nl_reqs_slot(&q, i, SIZE_MAX, REQ_PEER_UP),
						       nl_reqs_seq(&q), v[i]->peer_ifindex));
		for (size_t k = 0; k < p->naddrs; k++)
			nl_reqs_commit(&q, nl_put_addr_new(nl_reqs_slot(&q, i, k, REQ_ADDR_PEER),
							nl_reqs_seq(&q), v[i]->peer_ifindex,
							&p->addrs[k]));
	}
	for (size_t i = first; i < n; i++) {
		if (done[i] || !same_netns(v[i], v[first]) || !needs_peer_work(v[i]))
			continue;
		for (size_t k = 0; k < v[i]->nroutes; k++)
			nl_reqs_commit(&q, nl_put_route_new(nl_reqs_slot(&q, i, k, REQ_ROUTE),
							 nl_reqs_seq(&q), v[i]->peer_ifindex,
							 &v[i]->routes[k]));
	}
	bad = nl_reqs_run(there ? there : here, &q, e, ret_err, NULL, NULL);
	if (*ret_err < 0) {
		char msg[sizeof(e->msg)];

		if (bad == SIZE_MAX) {
			*ret_req_pair = first;
			nl_err_set(e, "configure the network namespace of '%s'",
				   v[first]->end[NS_VETH_PEER].name);
			return 0;
		}
		*ret_req_pair = q.pair[bad];
		snprintf(msg, sizeof(msg), "%s", e->msg);
		step_text(e, v[q.pair[bad]], q.kind[bad], q.item[bad]);
		snprintf(e->msg, sizeof(e->msg), "%s", msg);
		/* a link that is down has no connected routes to reach a
		 * gateway through (-EINVAL, IPv6: -EHOSTUNREACH) and takes no
		 * direct route (-ENETDOWN) */
		e->peer_down = q.kind[bad] == REQ_ROUTE && !v[q.pair[bad]]->up &&
			       (*ret_err == -EINVAL || *ret_err == -EHOSTUNREACH ||
				*ret_err == -ENETUNREACH || *ret_err == -ENETDOWN);
	}
	return count;
fail:
	nl_err_set(e, "prepare the requests");
	*ret_req_pair = first;
	*ret_err = r;
	return 0;
}

int ns_veth_create_many(struct ns_veth *const *v, size_t n, size_t *reterr_index,
			struct ns_nl_error *reterr)
{
	_cleanup_mnl_ struct mnl_socket *nl = NULL;
	_cleanup_free_ bool *made = NULL, *existed = NULL, *peer_done = NULL;
	_cleanup_free_ int *master = NULL;
	_cleanup_free_ char(*bridges)[IFNAMSIZ] = NULL;
	struct ns_nl_error scratch;
	struct ns_nl_error *e = reterr ? reterr : &scratch;
	size_t nbridges = 0, bad = SIZE_MAX, nlocal = 0;
	int r;

	memset(e, 0, sizeof(*e));
	if (n == 0)
		return 0;
	made = calloc(n, sizeof(*made));
	existed = calloc(n, sizeof(*existed));
	peer_done = calloc(n, sizeof(*peer_done));
	master = calloc(n, sizeof(*master));
	bridges = calloc(n, sizeof(*bridges));
	if (!made || !existed || !peer_done || !master || !bridges) {
		nl_err_set(e, "prepare the requests");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		netns_identify(v[i]);
	r = nl_open(-1, &nl);
	if (r < 0) {
		nl_err_set(e, "open a netlink socket");
		bad = 0;
		goto fail;
	}

	/* bridges first: the pair's request names its master by ifindex */
	for (size_t i = 0; i < n; i++) {
		if (!v[i]->master[0])
			continue;
		master[i] = (int)if_nametoindex(v[i]->master);
		if (master[i] == 0 && v[i]->master_create) {
			char buf[NL_MSG_MAX] __attribute__((aligned(4)));

			r = nl_request(nl, nl_put_bridge_new(buf, nl_seq_next(1), v[i]->master,
							     v[i]->up),
				       e->msg, sizeof(e->msg), NULL, NULL);
			if (r < 0) {
				bad = i;
				nl_err_set(e, "create bridge '%s'", v[i]->master);
				goto fail_keep_msg;
			}
			strcpy(bridges[nbridges++], v[i]->master);
			master[i] = (int)if_nametoindex(v[i]->master);
		}
		if (master[i] == 0) {
			bad = i;
			r = -ENODEV;
			nl_err_set(e, "find bridge '%s'", v[i]->master);
			goto fail;
		}
	}

	/* the pairs, one request each, all sent before any ack is read */
	{
		_cleanup_nl_reqs_ struct nl_reqs q = { 0 };

		r = nl_reqs_init(&q, n);
		if (r < 0) {
			nl_err_set(e, "prepare the requests");
			goto fail;
		}
		/* a request the socket failure leaves unanswered may or may
		 * not have made its pair: it did if the name is taken now and
		 * was free before; a link that was there already stays */
		for (size_t i = 0; i < n; i++)
			existed[i] = nl_ifindex(nl, v[i]->end[NS_VETH_LOCAL].name) > 0;
		for (size_t i = 0; i < n; i++)
			nl_reqs_commit(&q, veth_put_new(nl_reqs_slot(&q, i, SIZE_MAX, REQ_NEWLINK),
						     nl_reqs_seq(&q), v[i], master[i]));
		bad = nl_reqs_run(nl, &q, e, &r, NULL, NULL);
		for (size_t i = 0; i < n; i++)
			made[i] = q.errs[i] == 0 ||
				  (q.errs[i] > 0 && !existed[i] &&
				   nl_ifindex(nl, v[i]->end[NS_VETH_LOCAL].name) > 0);
		if (r < 0 && bad == SIZE_MAX) {
			bad = 0;
			nl_err_set(e, "create veth pairs");
			goto fail;
		}
		if (r < 0) {
			char msg[sizeof(e->msg)];

			snprintf(msg, sizeof(msg), "%s", e->msg);
			step_text(e, v[bad], REQ_NEWLINK, SIZE_MAX);
			snprintf(e->msg, sizeof(e->msg), "%s", msg);
			if (r == -EPERM)
				nl_explain_eperm(e, v[bad]->netns_fd, CAP_NET_ADMIN);
			goto fail_keep_msg;
		}
	}

	/* the local ends' addresses */
	for (size_t i = 0; i < n; i++)
		nlocal += v[i]->end[NS_VETH_LOCAL].naddrs;
	if (nlocal) {
		_cleanup_nl_reqs_ struct nl_reqs q = { 0 };

		r = nl_reqs_init(&q, nlocal);
		if (r < 0) {
			nl_err_set(e, "prepare the requests");
			goto fail;
		}
		for (size_t i = 0; i < n; i++) {
			if (!v[i]->end[NS_VETH_LOCAL].naddrs)
				continue;
			r = v[i]->ifindex = nl_ifindex(nl, v[i]->end[NS_VETH_LOCAL].name);
			if (r < 0) {
				bad = i;
				step_text(e, v[i], REQ_GETLINK, SIZE_MAX);
				goto fail_keep_msg;
			}
			for (size_t k = 0; k < v[i]->end[NS_VETH_LOCAL].naddrs; k++)
				nl_reqs_commit(&q, nl_put_addr_new(nl_reqs_slot(&q, i, k, REQ_ADDR_LOCAL),
								nl_reqs_seq(&q), v[i]->ifindex,
								&v[i]->end[NS_VETH_LOCAL].addrs[k]));
		}
		bad = nl_reqs_run(nl, &q, e, &r, NULL, NULL);
		if (r < 0) {
			char msg[sizeof(e->msg)];
			size_t p;

			if (bad == SIZE_MAX) {
				bad = 0;
				nl_err_set(e, "add addresses");
				goto fail;
			}
			p = q.pair[bad];
			snprintf(msg, sizeof(msg), "%s", e->msg);
			step_text(e, v[p], q.kind[bad], q.item[bad]);
			snprintf(e->msg, sizeof(e->msg), "%s", msg);
			bad = p;
			goto fail_keep_msg;
		}
	}

	/* each peer namespace once, through a socket opened inside it */
	for (size_t i = 0; i < n; i++) {
		size_t failed_pair = SIZE_MAX;

		if (peer_done[i] || !needs_peer_work(v[i]))
			continue;
		peer_work(nl, v, n, i, peer_done, e, &r, &failed_pair);
		if (r < 0) {
			bad = failed_pair;
			goto fail_keep_msg;
		}
		for (size_t k = i; k < n; k++)
			if (same_netns(v[k], v[i]))
				peer_done[k] = true;
	}
	return 0;

fail:
	e->msg[0] = '\0';
fail_keep_msg:
	if (nl)
		rollback(nl, v, n, made, bridges, nbridges);
	if (reterr_index)
		*reterr_index = bad == SIZE_MAX ? 0 : bad;
	return r;
}

int ns_veth_create(struct ns_veth *v, struct ns_nl_error *reterr)
{
	return ns_veth_create_many(&v, 1, NULL, reterr);
}
