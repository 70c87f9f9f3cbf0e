/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links beyond making pairs: lo up, and a namespace's veths listed with where each peer lives. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/capability.h>

#include <libmnl/libmnl.h>

#include "ns.h"
#include "ns-internal.h"

/* ---- loopback ---------------------------------------------------------- */

/* lo down in the caller's own network namespace, as in a new one: up
 * through SIOCSIFFLAGS, where the kernel gives it 127.0.0.1/8 and ::1
 * itself (a new namespace needs no netlink socket, and nsrun then no
 * libmnl). Returns 1 when lo was up already (the netlink path below then
 * adds what addresses it lacks), 0 once it is up, or -errno. */
static int loopback_up_ioctl(struct ns_nl_error *e)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int fd = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		/* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
		return -errno;
	if (ifr.ifr_flags & IFF_UP)
		/* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
		return 1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		int r = -errno;

		if (r == -EPERM)
			nl_explain_eperm(e, -1, CAP_NET_ADMIN);
		return r;
	}
	/* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
	return 0;
}

int ns_link_up_loopback(int netns_fd, struct ns_nl_error *reterr)
{
	_cleanup_mnl_ struct mnl_socket *nl = NULL;
	_cleanup_nl_reqs_ struct nl_reqs q = { 0 };
	struct ns_nl_error scratch;
	/* cppcheck-suppress uninitvar ; only its address is taken; the callee fills it */
	struct ns_nl_error *e = reterr ? reterr : &scratch;
	struct nl_addr a4 = { .family = AF_INET, .prefix = 8, .a = { 127, 0, 0, 1 } };
	struct nl_addr a6 = { .family = AF_INET6, .prefix = 128, .a = { [15] = 1 } };
	size_t bad;
	int r;

	memset(e, 0, sizeof(*e));
	nl_err_set(e, "bring up lo");
	if (netns_fd < 0) {
		r = loopback_up_ioctl(e);
		if (r <= 0) {
			if (r == 0)
				memset(e, 0, sizeof(*e));
			return r;
		}
	}
	r = nl_open(netns_fd, &nl);
	if (r < 0) {
		if (r == -EPERM)
			nl_explain_eperm(e, netns_fd, CAP_SYS_ADMIN);
		return r;
	}
	r = nl_reqs_init(&q, 3);
	if (r < 0)
		return r;
	/* lo is ifindex 1 in every namespace; going up gives it both
	 * addresses already (-EEXIST below), unless IPv6 is off there
	 * (-EAFNOSUPPORT/-EACCES for ::1), which is no failure of ours */
	nl_reqs_commit(&q, nl_put_link_up(nl_reqs_slot(&q, 0, SIZE_MAX, 0), nl_reqs_seq(&q), 1));
	nl_reqs_commit(&q, nl_put_addr_new(nl_reqs_slot(&q, 0, 0, 0), nl_reqs_seq(&q), 1, &a4));
	nl_reqs_commit(&q, nl_put_addr_new(nl_reqs_slot(&q, 0, 1, 0), nl_reqs_seq(&q), 1, &a6));
	bad = nl_reqs_run(nl, &q, e, &r, NULL, NULL);
	if (r < 0 && bad == SIZE_MAX)
		return r;
	if (q.errs[0] < 0) {
		if (q.errs[0] == -EPERM)
			nl_explain_eperm(e, netns_fd, CAP_NET_ADMIN);
		return q.errs[0];
	}
	if (q.errs[1] < 0 && q.errs[1] != -EEXIST) {
		nl_err_set(e, "add address 127.0.0.1/8 to 'lo'");
		return q.errs[1];
	}
	if (q.errs[2] < 0 && q.errs[2] != -EEXIST && q.errs[2] != -EAFNOSUPPORT &&
	    q.errs[2] != -EACCES) {
		nl_err_set(e, "add address ::1/128 to 'lo'");
		return q.errs[2];
	}
	memset(e, 0, sizeof(*e));
	return 0;
}

/* ---- listing ----------------------------------------------------------- */

struct list_ctx {
	struct ns_veth_info *v;
	size_t n, cap;
	int err;
};

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *c = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct ns_veth_info info = { .ifindex = ifm->ifi_index, .peer_nsid = -1 };
	const struct nlattr *a, *b;
	bool veth = false;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	info.up = ifm->ifi_flags & IFF_UP;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(info.name, sizeof(info.name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_LINK:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				info.peer_ifindex = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_LINK_NETNSID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				info.peer_nsid = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_GROUP:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				info.group = mnl_attr_get_u32(a);
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				info.mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
				    mnl_attr_validate(b, MNL_TYPE_NUL_STRING) == 0 &&
				    !strcmp(mnl_attr_get_str(b), "veth"))
					veth = true;
			break;
		}
	}
	if (!veth)
		return MNL_CB_OK;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct ns_veth_info *nv = reallocarray(c->v, cap, sizeof(*nv));

		if (!nv) {
			c->err = -ENOMEM;
			return MNL_CB_OK;
		}
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n++] = info;
	return MNL_CB_OK;
}

struct name_ctx {
	char name[IFNAMSIZ];
};

static int name_cb(const struct nlmsghdr *nlh, void *data)
{
	struct name_ctx *c = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(c->name, sizeof(c->name), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	int *nsid = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWNSID)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct rtgenmsg))
		if (mnl_attr_get_type(a) == NETNSA_NSID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*nsid = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/* Our id for the namespace of @path, or -1. */
static int path_nsid(struct mnl_socket *nl, const char *path)
{
	char buf[NL_MSG_MAX] __attribute__((aligned(4)));
	_cleanup_close_ int fd = -1;
	int nsid = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (nl_request(nl, nl_put_nsid_get(buf, nl_seq_next(1), fd), NULL, 0, nsid_cb, &nsid) < 0)
		return -1;
	return nsid;
}

/* A name for where namespace @nsid is: a /run/netns name, else the lowest
 * PID in it, else the id itself. */
static void describe_nsid(struct mnl_socket *nl, int nsid, char *buf, size_t size)
{
	_cleanup_closedir_ DIR *named = NULL, *proc = NULL;
	struct dirent *de;
	char path[PATH_MAX];
	bool found = false;
	long best = -1;

	named = opendir("/run/netns");
	while (named && (de = readdir(named))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		/* the first name in byte order, whatever readdir()'s order */
		if ((!found || strcmp(de->d_name, buf) < 0) && path_nsid(nl, path) == nsid) {
			size_t len = strnlen(de->d_name, size - 1);

			memcpy(buf, de->d_name, len);
			buf[len] = '\0';
			found = true;
		}
	}
	if (found)
		return;
	proc = opendir("/proc");
	while (proc && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || (best > 0 && pid >= best))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (path_nsid(nl, path) == nsid)
			best = pid;
	}
	if (best > 0)
		snprintf(buf, size, "pid %ld", best);
	else
		snprintf(buf, size, "nsid %d", nsid);
}

int ns_veth_list(struct ns_veth_info **ret)
{
	_cleanup_mnl_ struct mnl_socket *nl = NULL;
	char buf[NL_MSG_MAX] __attribute__((aligned(4)));
	struct list_ctx c = { 0 };
	size_t out = 0;
	int r;

	r = nl_open(-1, &nl);
	if (r < 0)
		return r;
	r = nl_request(nl, nl_put_link_dump(buf, nl_seq_next(1)), NULL, 0, list_cb, &c);
	if (r == 0)
		r = c.err;
	if (r < 0) {
		free(c.v);
		return r;
	}
	for (size_t i = 0; i < c.n; i++) {
		struct ns_veth_info *v = &c.v[i];

		if (v->peer_nsid < 0) {
			/* both ends here: list the pair once, by the end that
			 * was named first when it was made; the kernel registers
			 * the peer before it, so that end has the higher index */
			for (size_t k = 0; k < c.n; k++)
				if (c.v[k].ifindex == v->peer_ifindex)
					snprintf(v->peer, sizeof(v->peer), "%s", c.v[k].name);
			if (v->ifindex < v->peer_ifindex)
				continue;
		} else {
			struct name_ctx nc = { "" };

			/* errors leave the name empty: the peer may be in a
			 * namespace we cannot read */
			nl_request(nl, nl_put_link_get_nsid(buf, nl_seq_next(1), v->peer_ifindex,
							    v->peer_nsid), NULL, 0, name_cb, &nc);
			snprintf(v->peer, sizeof(v->peer), "%s", nc.name);
			for (size_t k = 0; k < out; k++)
				if (c.v[k].peer_nsid == v->peer_nsid) {
					snprintf(v->peer_netns, sizeof(v->peer_netns), "%s",
						 c.v[k].peer_netns);
					break;
				}
			if (!v->peer_netns[0])
				describe_nsid(nl, v->peer_nsid, v->peer_netns,
					      sizeof(v->peer_netns));
		}
		c.v[out++] = *v;
	}
	*ret = c.v;
	return (int)out;
}
