/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NETNSID: the id the caller's network namespace gives each one listed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-data.h"
#include "nsinfo-netnsid.h"

int nsi_netnsid_open(struct ns_info *info)
{
	struct mnl_socket *nl = NULL;
	int r = nl_open(-1, &nl);

	/* without rtnetlink the ids are unknown; without fds, the scan fails */
	if (r < 0)
		return nsi_is_fatal(r) ? r : 0;
	info->nl = nl;
	return 0;
}

void nsi_netnsid_close(struct ns_info *info)
{
	if (info->nl)
		mnl_socket_close(info->nl);
	info->nl = NULL;
}

static int netnsid_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NETNSA_NSID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		*(int *)data = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int netnsid_msg(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWNSID)
		mnl_attr_parse(nlh, sizeof(struct rtgenmsg), netnsid_attr, data);
	return MNL_CB_OK;
}

/* RTM_GETNSID: the id the caller's network namespace gives @nsfd's
 * (NETNSA_NSID_NOT_ASSIGNED if none), NS_NETNSID_UNKNOWN on failure. */
static int netnsid_query(struct mnl_socket *nl, int nsfd)
{
	char buf[NL_MSG_MAX];
	int id = NS_NETNSID_UNKNOWN;
	struct nlmsghdr *req = nl_put_nsid_get(buf, nl_seq_next(1), nsfd);

	if (nl_request(nl, req, NULL, 0, netnsid_msg, &id) < 0)
		return NS_NETNSID_UNKNOWN;
	return id;
}

int nsi_netnsid_of_fd(struct ns_info *info, int nsfd)
{
	return netnsid_query(info->nl, nsfd);
}

int nsi_netnsid_fill(struct ns_info *info)
{
	for (size_t i = 0; i < info->n_ns; i++) {
		struct nsi_ns *ns = &info->ns[i];
		_cleanup_close_ int fd = -1;
		char path[64];

		/* those without a process were asked when found */
		if (ns->type != NS_TYPE_NET || ns->no_proc || ns->proc < 0 || !info->nl)
			continue;
		snprintf(path, sizeof(path), "%d/ns/net", (int)info->procs[ns->proc].pid);
		fd = openat(info->proc_fd, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && nsi_is_fatal(-errno))
			return -errno;
		if (fd < 0)
			continue;
		ns->netnsid = netnsid_query(info->nl, fd);
	}
	return 0;
}

int ns_info_netnsid(const struct ns_info *info, size_t i)
{
	if (!(info->flags & NS_INFO_NETNSID) || info->ns[i].type != NS_TYPE_NET)
		return NS_NETNSID_UNKNOWN;
	return info->ns[i].netnsid;
}
