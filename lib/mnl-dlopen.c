/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libmnl's functions for a program that loads libmnl.so.0 only once it speaks netlink. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>

/*
 * Linked into nsrun and nsls in place of -lmnl: most of their runs never
 * touch netlink (lo comes up through an ioctl; nsls asks only for
 * NETNSID), and a library in DT_NEEDED costs every run an open, a read
 * and a handful of mmap and mprotect calls in the dynamic loader. The
 * first call of any function below loads libmnl.so.0 and forwards to it.
 * A package still depends on libmnl (nsveth and libns.so link it; a
 * dlopen(3) alone is not in DT_NEEDED for the packaging tools to see), so
 * a missing one is a broken install: mnl_socket_open2(), the way into
 * every netlink path of libns, reports it as ELIBACC, and a request
 * builder reached without it first aborts.
 */

#define MNL_FUNCTIONS(X) \
	X(mnl_attr_get_payload) X(mnl_attr_get_payload_len) X(mnl_attr_get_str) \
	X(mnl_attr_get_type) X(mnl_attr_get_u32) X(mnl_attr_nest_end) \
	X(mnl_attr_nest_start) X(mnl_attr_next) X(mnl_attr_ok) X(mnl_attr_parse) \
	X(mnl_attr_put) X(mnl_attr_put_strz) X(mnl_attr_put_u32) X(mnl_attr_validate) \
	X(mnl_nlmsg_get_payload) X(mnl_nlmsg_get_payload_offset) \
	X(mnl_nlmsg_get_payload_tail) X(mnl_nlmsg_next) X(mnl_nlmsg_ok) \
	X(mnl_nlmsg_put_extra_header) X(mnl_nlmsg_put_header) X(mnl_socket_bind) \
	X(mnl_socket_close) X(mnl_socket_get_fd) X(mnl_socket_get_portid) \
	X(mnl_socket_open2) X(mnl_socket_recvfrom) X(mnl_socket_sendto) \
	X(mnl_socket_setsockopt)

static struct {
/* NOLINTNEXTLINE(bugprone-macro-parentheses): f names a member here */
#define X(f) typeof(f) *f;
	MNL_FUNCTIONS(X)
#undef X
} fns;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static int load_errno;

static void load_once(void)
{
	/* never closed: the functions stay in use until exit */
	void *h;

	errno = 0;
	h = dlopen("libmnl.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		/* dlopen(3) sets no errno of its own: what the loader's last
		 * system call failed with, if any, is the cause */
		load_errno = errno;
		return;
	}
/* NOLINTNEXTLINE(bugprone-macro-parentheses): f names a member here */
#define X(f) if (!(fns.f = (typeof(f) *)dlsym(h, #f))) goto missing;
	MNL_FUNCTIONS(X)
#undef X
	loaded = 1;
	return;
missing:
	/* cppcheck-suppress resourceLeak ; never closed on purpose, see above */
	return;
}

static int load(void)
{
	pthread_once(&once, load_once);
	return loaded ? 0 : load_errno > 0 ? -load_errno : -ELIBACC;
}

#define LOADED() (load() == 0 ? &fns : (abort(), &fns))
#define FORWARD(ret, name, params, args) \
	ret name params { return LOADED()->name args; }
#define FORWARD_VOID(name, params, args) \
	void name params { LOADED()->name args; }

struct mnl_socket *mnl_socket_open2(int bus, int flags)
{
	if (load() < 0) {
		errno = ELIBACC;
		return NULL;
	}
	return fns.mnl_socket_open2(bus, flags);
}

FORWARD(int, mnl_socket_bind, (struct mnl_socket *nl, unsigned int groups, pid_t pid),
	(nl, groups, pid))
FORWARD(int, mnl_socket_close, (struct mnl_socket *nl), (nl))
FORWARD(int, mnl_socket_get_fd, (const struct mnl_socket *nl), (nl))
FORWARD(unsigned int, mnl_socket_get_portid, (const struct mnl_socket *nl), (nl))
FORWARD(ssize_t, mnl_socket_sendto, (const struct mnl_socket *nl, const void *req, size_t siz),
	(nl, req, siz))
FORWARD(ssize_t, mnl_socket_recvfrom, (const struct mnl_socket *nl, void *buf, size_t siz),
	(nl, buf, siz))
FORWARD(int, mnl_socket_setsockopt,
	(const struct mnl_socket *nl, int type, void *buf, socklen_t len), (nl, type, buf, len))
FORWARD(struct nlmsghdr *, mnl_nlmsg_put_header, (void *buf), (buf))
FORWARD(void *, mnl_nlmsg_put_extra_header, (struct nlmsghdr *nlh, size_t size), (nlh, size))
FORWARD(bool, mnl_nlmsg_ok, (const struct nlmsghdr *nlh, int len), (nlh, len))
FORWARD(struct nlmsghdr *, mnl_nlmsg_next, (const struct nlmsghdr *nlh, int *len), (nlh, len))
FORWARD(void *, mnl_nlmsg_get_payload, (const struct nlmsghdr *nlh), (nlh))
FORWARD(void *, mnl_nlmsg_get_payload_offset, (const struct nlmsghdr *nlh, size_t offset),
	(nlh, offset))
FORWARD(void *, mnl_nlmsg_get_payload_tail, (const struct nlmsghdr *nlh), (nlh))
FORWARD(uint16_t, mnl_attr_get_type, (const struct nlattr *attr), (attr))
FORWARD(uint16_t, mnl_attr_get_payload_len, (const struct nlattr *attr), (attr))
FORWARD(void *, mnl_attr_get_payload, (const struct nlattr *attr), (attr))
FORWARD(uint32_t, mnl_attr_get_u32, (const struct nlattr *attr), (attr))
FORWARD(const char *, mnl_attr_get_str, (const struct nlattr *attr), (attr))
FORWARD_VOID(mnl_attr_put, (struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data),
	     (nlh, type, len, data))
FORWARD_VOID(mnl_attr_put_u32, (struct nlmsghdr *nlh, uint16_t type, uint32_t data),
	     (nlh, type, data))
FORWARD_VOID(mnl_attr_put_strz, (struct nlmsghdr *nlh, uint16_t type, const char *data),
	     (nlh, type, data))
FORWARD(struct nlattr *, mnl_attr_nest_start, (struct nlmsghdr *nlh, uint16_t type), (nlh, type))
FORWARD_VOID(mnl_attr_nest_end, (struct nlmsghdr *nlh, struct nlattr *start), (nlh, start))
FORWARD(int, mnl_attr_validate, (const struct nlattr *attr, enum mnl_attr_data_type type),
	(attr, type))
FORWARD(bool, mnl_attr_ok, (const struct nlattr *attr, int len), (attr, len))
FORWARD(struct nlattr *, mnl_attr_next, (const struct nlattr *attr), (attr))
FORWARD(int, mnl_attr_parse,
	(const struct nlmsghdr *nlh, unsigned int offset, mnl_attr_cb_t cb, void *data),
	(nlh, offset, cb, data))
