/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Deleting veths: one by name, checked to be a veth, or every link of a group in one request. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>
#include <sys/capability.h>

#include "ns.h"
#include "ns-internal.h"

struct kind_ctx {
	int ifindex;
	char kind[32];
};

static int kind_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kind_ctx *c = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *b;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	c->ifindex = ifm->ifi_index;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
			    mnl_attr_validate(b, MNL_TYPE_NUL_STRING) == 0)
				snprintf(c->kind, sizeof(c->kind), "%s", mnl_attr_get_str(b));
	}
	return MNL_CB_OK;
}

int ns_veth_delete(const char *name, struct ns_nl_error *reterr)
{
	_cleanup_mnl_ struct mnl_socket *nl = NULL;
	char buf[NL_MSG_MAX] __attribute__((aligned(4)));
	struct ns_nl_error scratch;
	/* cppcheck-suppress uninitvar ; only its address is taken; the callee fills it */
	struct ns_nl_error *e = reterr ? reterr : &scratch;
	struct kind_ctx c = { 0 };
	int r;

	memset(e, 0, sizeof(*e));
	if (!nl_ifname_valid(name))
		return -EINVAL;
	nl_err_set(e, "delete '%s'", name);
	r = nl_open(-1, &nl);
	if (r < 0)
		return r;
	r = nl_request(nl, nl_put_link_get(buf, nl_seq_next(1), name), e->msg, sizeof(e->msg),
		       kind_cb, &c);
	if (r < 0)
		return r;
	if (strcmp(c.kind, "veth") != 0)
		return -EMEDIUMTYPE;
	/* by the ifindex just read: a same-named link made since is spared */
	r = nl_request(nl, nl_put_link_del(buf, nl_seq_next(1), c.ifindex, NULL), e->msg,
		       sizeof(e->msg), NULL, NULL);
	if (r == -EPERM)
		nl_explain_eperm(e, -1, CAP_NET_ADMIN);
	return r;
}

int ns_veth_delete_group(uint32_t group, struct ns_nl_error *reterr)
{
	_cleanup_mnl_ struct mnl_socket *nl = NULL;
	char buf[NL_MSG_MAX] __attribute__((aligned(4)));
	struct ns_nl_error scratch;
	/* cppcheck-suppress uninitvar ; only its address is taken; the callee fills it */
	struct ns_nl_error *e = reterr ? reterr : &scratch;
	int r;

	memset(e, 0, sizeof(*e));
	nl_err_set(e, "delete group %u", group);
	r = nl_open(-1, &nl);
	if (r < 0)
		return r;
	r = nl_request(nl, nl_put_group_del(buf, nl_seq_next(1), group), e->msg, sizeof(e->msg),
		       NULL, NULL);
	if (r == -EPERM)
		nl_explain_eperm(e, -1, CAP_NET_ADMIN);
	return r;
}
