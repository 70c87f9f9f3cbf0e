/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink over libmnl: sockets (also in another netns), pipelined requests, acks, ext-ack text, EPERM explained. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <sys/capability.h>

#include "ns.h"
#include "ns-internal.h"

/* Requests go out in slices, and each slice's acks are read before the
 * next is sent: the kernel handles a whole sendmsg(2) before it returns and
 * queues every ack at once. Each ack is an skb of its own, whose truesize
 * (~700 bytes) counts against the receive buffer (208 KiB by default, and
 * more needs privilege); an ack that does not fit is dropped. 128 acks
 * leave room for the error ones, which carry their ext-ack text. */
#define NL_SLICE ((size_t)64 * 1024)
#define NL_SLICE_MSGS 128

/* A dump's messages come in skbs of at most 32 KiB (libmnl's later
 * MNL_SOCKET_DUMP_SIZE); a smaller buffer would truncate them. */
#define NL_RECV_SIZE (32 * 1024)

static int nl_open_here(struct mnl_socket **ret)
{
	struct mnl_socket *nl;
	int on = 1;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	/* Acks without a copy of the request keep the receive buffer for
	 * many of them; the kernel's reason text comes as NLMSGERR_ATTR_MSG. */
	if (mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &on, sizeof(on)) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &on, sizeof(on)) < 0 ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		mnl_socket_close(nl);
		return r;
	}
	*ret = nl;
	return 0;
}

struct nl_open_job {
	int netns_fd;
	int r;
	struct mnl_socket *nl;
};

/* A socket stays in the netns it was created in. The thread enters the
 * target netns alone (setns(2) of CLONE_NEWNET changes the calling thread
 * only), so the caller's threads never leave theirs and nothing needs to
 * be restored. */
static void *nl_open_thread(void *arg)
{
	struct nl_open_job *job = arg;

	if (setns(job->netns_fd, CLONE_NEWNET) < 0) {
		job->r = -errno;
		return NULL;
	}
	job->r = nl_open_here(&job->nl);
	return NULL;
}

int nl_open(int netns_fd, struct mnl_socket **ret)
{
	struct nl_open_job job = { .netns_fd = netns_fd };
	pthread_t t;
	int r;

	if (netns_fd < 0)
		return nl_open_here(ret);
	r = pthread_create(&t, NULL, nl_open_thread, &job);
	if (r)
		return -r;
	r = pthread_join(t, NULL);
	if (r)
		return -r;
	if (job.r < 0)
		return job.r;
	*ret = job.nl;
	return 0;
}

void nl_closep(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}

/* The text of NLMSGERR_ATTR_MSG in an error message, or NULL. With
 * NETLINK_CAP_ACK the request is not copied, so the TLVs follow the
 * nlmsgerr's own header directly. */
const char *nl_ext_ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*err);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	mnl_attr_for_each_payload((void *)((const char *)err + off),
				  (size_t)nlh->nlmsg_len - NLMSG_HDRLEN - off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

void nl_err_set(struct ns_nl_error *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->step, sizeof(e->step), fmt, ap);
	va_end(ap);
	e->msg[0] = '\0';
}

struct nl_batch_state {
	uint32_t seq0;
	size_t n;
	int *errs;
	size_t *answered;
	size_t first_failed;
	char *msg;
	size_t msgsize;
	mnl_cb_t cb;
	void *data;
	bool done_seen;
};

/* Answers: data for @cb, NLMSG_ERROR as the per-request result (an error
 * of 0 is the ack), NLMSG_DONE ends a dump. */
static int nl_batch_msg(const struct nlmsghdr *nlh, struct nl_batch_state *st)
{
	size_t i = nlh->nlmsg_seq - st->seq0;

	if (nlh->nlmsg_seq - st->seq0 >= st->n)
		return 0; /* a late answer to something else: not ours */
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
		const char *text;

		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
			return -EBADMSG;
		st->errs[i] = err->error;
		(*st->answered)++;
		if (err->error < 0 && i < st->first_failed) {
			st->first_failed = i;
			text = nl_ext_ack_msg(nlh);
			if (st->msg && st->msgsize)
				snprintf(st->msg, st->msgsize, "%s", text ? text : "");
		}
		return 0;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* a dump ends with DONE, and its ack (if any) never comes */
		st->errs[i] = 0;
		(*st->answered)++;
		return 0;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return 0;
	if (st->cb)
		return st->cb(nlh, st->data) < 0 ? -EBADMSG : 0;
	return 0;
}

int nl_batch(struct mnl_socket *nl, const void *buf, size_t len, size_t n, int *ret_errs,
	     char *msg, size_t msgsize, mnl_cb_t cb, void *data)
{
	char rbuf[NL_RECV_SIZE] __attribute__((aligned(4)));
	const struct nlmsghdr *first = buf;
	struct nl_batch_state st = {
		.n = n, .errs = ret_errs, .first_failed = SIZE_MAX,
		.msg = msg, .msgsize = msgsize, .cb = cb, .data = data,
	};
	size_t off = 0, sent = 0, answered = 0;

	if (msg && msgsize)
		msg[0] = '\0';
	if (n == 0)
		return 0;
	st.seq0 = first->nlmsg_seq;
	st.answered = &answered;
	for (size_t i = 0; i < n; i++)
		ret_errs[i] = 1; /* unanswered */
	while (off < len) {
		size_t end = off, count = 0;
		ssize_t w;

		/* whole messages up to the slice size, at least one */
		while (end < len) {
			const struct nlmsghdr *h = (const void *)((const char *)buf + end);
			size_t l = NLMSG_ALIGN(h->nlmsg_len);

			if (count && (end + l - off > NL_SLICE || count == NL_SLICE_MSGS))
				break;
			end += l;
			count++;
		}
		w = mnl_socket_sendto(nl, (const char *)buf + off, end - off);
		if (w < 0)
			return -errno;
		if ((size_t)w != end - off)
			return -EIO;
		sent += count;
		off = end;
		while (answered < sent) {
			ssize_t rl = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
			const struct nlmsghdr *h;
			int left;

			if (rl < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			left = (int)rl;
			for (h = (const void *)rbuf; mnl_nlmsg_ok(h, left);
			     h = mnl_nlmsg_next(h, &left)) {
				int r;

				if (h->nlmsg_pid != mnl_socket_get_portid(nl))
					continue;
				r = nl_batch_msg(h, &st);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

int nl_request(struct mnl_socket *nl, const struct nlmsghdr *req, char *msg, size_t msgsize,
	       mnl_cb_t cb, void *data)
{
	int err, r;

	r = nl_batch(nl, req, req->nlmsg_len, 1, &err, msg, msgsize, cb, data);
	if (r < 0)
		return r;
	return err;
}

/* Sequence numbers only need to tell our own requests apart. */
uint32_t nl_seq_next(size_t count)
{
	static uint32_t seq;
	uint32_t s;

	if (seq == 0)
		seq = (uint32_t)getpid() << 8;
	s = seq;
	seq += (uint32_t)count;
	return s;
}

/* The ifindex of @name in the namespace of @nl's socket: SIOCGIFINDEX on
 * any socket reaches dev_ioctl() of the socket's own namespace (netlink
 * sockets included), one small syscall instead of an RTM_GETLINK reply of a
 * few KiB. Returns the index or -errno (-ENODEV: no such link). */
int nl_ifindex(struct mnl_socket *nl, const char *name)
{
	struct ifreq ifr = { 0 };

	if (strlen(name) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	strcpy(ifr.ifr_name, name);
	if (ioctl(mnl_socket_get_fd(nl), SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	return ifr.ifr_ifindex;
}

void nl_reqs_free(struct nl_reqs *q)
{
	free(q->buf);
	free(q->pair);
	free(q->item);
	free(q->kind);
	free(q->errs);
}

int nl_reqs_init(struct nl_reqs *q, size_t n)
{
	memset(q, 0, sizeof(*q));
	if (n == 0)
		n = 1;
	q->cap = n * NL_MSG_MAX;
	/* zeroed: nothing writes the alignment padding after an attribute, and
	 * the buffer goes to the kernel whole */
	q->buf = calloc(1, q->cap);
	q->pair = calloc(n, sizeof(*q->pair));
	q->item = calloc(n, sizeof(*q->item));
	q->kind = calloc(n, sizeof(*q->kind));
	q->errs = calloc(n, sizeof(*q->errs));
	if (!q->buf || !q->pair || !q->item || !q->kind || !q->errs)
		return -ENOMEM;
	q->seq0 = nl_seq_next(n);
	return 0;
}

/* Room for the next message; its sequence number is seq0 + n. */
void *nl_reqs_slot(struct nl_reqs *q, size_t pair, size_t item, uint8_t kind)
{
	q->pair[q->n] = pair;
	q->item[q->n] = item;
	q->kind[q->n] = kind;
	return q->buf + q->len;
}

void nl_reqs_commit(struct nl_reqs *q, struct nlmsghdr *nlh)
{
	q->len += NLMSG_ALIGN(nlh->nlmsg_len);
	q->n++;
}

uint32_t nl_reqs_seq(const struct nl_reqs *q)
{
	return q->seq0 + (uint32_t)q->n;
}

/* Sends them all; returns the index of the first request that failed with
 * its error in *ret_err, SIZE_MAX if none did, or sets *ret_err on a
 * socket failure. */
size_t nl_reqs_run(struct mnl_socket *nl, struct nl_reqs *q, struct ns_nl_error *e, int *ret_err,
		   int (*cb)(const struct nlmsghdr *, void *), void *data)
{
	char msg[sizeof(e->msg)];
	int r;

	*ret_err = 0;
	r = nl_batch(nl, q->buf, q->len, q->n, q->errs, msg, sizeof(msg), cb, data);
	if (r < 0) {
		*ret_err = r;
		return SIZE_MAX;
	}
	for (size_t i = 0; i < q->n; i++)
		if (q->errs[i] < 0) {
			*ret_err = q->errs[i];
			if (e)
				snprintf(e->msg, sizeof(e->msg), "%s", msg);
			return i;
		}
	return SIZE_MAX;
}

/* dev_valid_name() of the kernel, so a bad name fails before any request. */
bool nl_ifname_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > NS_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return false;
	return true;
}

int ns_ifname_check(const char *name)
{
	if (!name)
		return -EINVAL;
	if (strlen(name) > NS_IFNAME_MAX)
		return -ERANGE;
	return nl_ifname_valid(name) ? 0 : -EINVAL;
}

/* ---- who may do what: naming the missing capability ------------------ */

static bool cap_effective(cap_value_t cap)
{
	cap_flag_value_t val = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		return false;
	cap_get_flag(caps, cap, CAP_EFFECTIVE, &val);
	cap_free(caps);
	return val == CAP_SET;
}

static bool same_ns(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Whether we hold @cap over the namespace behind @ns_fd: its owning user
 * namespace is ours and @cap is effective, or is below ours and either @cap
 * is effective or our euid created the namespace on the way down (an owner
 * has every capability in a namespace it made; user_namespaces(7)). */
static bool cap_over(int ns_fd, cap_value_t cap)
{
	_cleanup_close_ int self = -1, u = -1;
	uid_t owner = (uid_t)-1;

	self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	u = ioctl(ns_fd, NS_GET_USERNS, 0);
	if (self < 0 || u < 0)
		return false;
	while (!same_ns(u, self)) {
		int parent;

		if (ioctl(u, NS_GET_OWNER_UID, &owner) < 0)
			return false;
		parent = ioctl(u, NS_GET_PARENT, 0);
		if (parent < 0)
			return false; /* not below ours */
		close(u);
		u = parent;
	}
	return cap_effective(cap) || owner == geteuid();
}

void nl_explain_eperm(struct ns_nl_error *e, int peer_netns_fd, int cap)
{
	_cleanup_close_ int here = -1;
	const char *name = cap == CAP_SYS_ADMIN ? "CAP_SYS_ADMIN" : "CAP_NET_ADMIN";

	if (!e || e->msg[0])
		return;
	here = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (here >= 0 && !cap_over(here, cap))
		snprintf(e->msg, sizeof(e->msg),
			 "%s missing in the user namespace that owns the current network namespace",
			 name);
	else if (peer_netns_fd >= 0 && !cap_over(peer_netns_fd, cap))
		snprintf(e->msg, sizeof(e->msg),
			 "%s missing in the user namespace that owns the target network namespace",
			 name);
}
