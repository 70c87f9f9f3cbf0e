/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libns internals: cleanup attributes and helpers shared between lib/ files. */
#ifndef LIBNS_NS_INTERNAL_H
#define LIBNS_NS_INTERNAL_H

#include <dirent.h>
#include <poll.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand ownership out of a cleanup variable: return its value, reset it. */
static inline int take_fd_(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}
#define take_fd(p) take_fd_(p)

static inline void *take_ptr_(void **p)
{
	void *r = *p;

	*p = NULL;
	return r;
}
#define take_ptr(p) take_ptr_((void **)(p))

/* util.c: the only EINTR loops of libns */
ssize_t read_eintr(int fd, void *buf, size_t n);
int poll_eintr(struct pollfd *fds, nfds_t n, int timeout);
int waitpid_eintr(pid_t pid, int *ret_status, int flags);
int write_all(int fd, const void *buf, size_t len);
int write_once(int fd, const char *text, size_t len);
int read_all_at(int dirfd, const char *path, char **ret);
int read_all_fd(int fd, char **ret);
int read_all_fd_len(int fd, char **ret, size_t *ret_len);
int write_file_at(int dirfd, const char *path, const char *text);
int read_file_at(int dirfd, const char *path, char *buf, size_t size);
int parse_u32(const char *s, uint32_t *ret);
int parse_u32_n(const char *s, size_t n, uint32_t *ret);
int open_proc_file_at(int dirfd, const char *name, int flags);
/* userns.c's walk: the next PID of a children file at *@s, *@s moved past it */
int children_next_pid(const char **s, pid_t *ret);

/* caps.c: the calling thread's capability sets as masks of 1ull << CAP_*
 * (capget(2)); caps_set() sets all three, caps_effective() tells whether
 * one capability is effective. */
struct caps {
	uint64_t effective, permitted, inheritable;
};
int caps_get(struct caps *ret);
int caps_set(const struct caps *c);
bool caps_effective(int cap);

/* subid.c: ns_subid_covers() over an open file (the fuzz target's entry) */
int subid_covers_stream(FILE *f, const char *user, uid_t uid, uint32_t start, uint32_t count);

/* idmap.c, idmap-helper.c: the kernel formats each line of uid_map as
 * "%10u %10u %10u\n"; three decimal uint32 values and their separators
 * never take more than this. */
#define IDMAP_LINE_MAX (3 * 11 + 1)


/* netlink.c, netlink-msg.c: rtnetlink over libmnl. A request builder
 * nl_put_*() (netlink-msg.c) writes one message into @buf (at least
 * NL_MSG_MAX bytes) and returns it, so tests can check the bytes without a
 * socket; every request asks for an ack. */
#define NL_MSG_MAX 1024

struct mnl_socket;
struct nlmsghdr;
struct ns_nl_error;

/* An address or a prefix: family AF_INET or AF_INET6 (0: none). */
struct nl_addr {
	uint8_t family;
	uint8_t prefix;
	uint8_t a[16];
};

struct nl_route {
	struct nl_addr dst; /* prefix 0: default */
	struct nl_addr gw;  /* family 0: directly connected */
};

int nl_open(int netns_fd, struct mnl_socket **ret);
int nl_ifindex(struct mnl_socket *nl, const char *name);
void nl_closep(struct mnl_socket **nl);
#define _cleanup_mnl_ _cleanup_(nl_closep)
uint32_t nl_seq_next(size_t count);
const char *nl_ext_ack_msg(const struct nlmsghdr *nlh);
void nl_err_set(struct ns_nl_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nl_batch(struct mnl_socket *nl, const void *buf, size_t len, size_t n, int *ret_errs,
	     char *msg, size_t msgsize, int (*cb)(const struct nlmsghdr *, void *), void *data);
int nl_request(struct mnl_socket *nl, const struct nlmsghdr *req, char *msg, size_t msgsize,
	       int (*cb)(const struct nlmsghdr *, void *), void *data);
int nl_addr_parse(const char *s, bool need_prefix_ok, struct nl_addr *ret);
const char *nl_addr_format(const struct nl_addr *a, bool with_prefix, char *buf, size_t size);
struct nlmsghdr *nl_put_hdr(void *buf, uint32_t seq, uint16_t type, uint16_t flags);
struct nlmsghdr *nl_put_link_up(void *buf, uint32_t seq, int ifindex);
struct nlmsghdr *nl_put_link_get(void *buf, uint32_t seq, const char *name);
struct nlmsghdr *nl_put_link_dump(void *buf, uint32_t seq);
struct nlmsghdr *nl_put_link_get_nsid(void *buf, uint32_t seq, int ifindex, int nsid);
struct nlmsghdr *nl_put_link_del(void *buf, uint32_t seq, int ifindex, const char *name);
struct nlmsghdr *nl_put_link_set_group(void *buf, uint32_t seq, const char *name, uint32_t group);
struct nlmsghdr *nl_put_group_del(void *buf, uint32_t seq, uint32_t group);
struct nlmsghdr *nl_put_bridge_new(void *buf, uint32_t seq, const char *name, bool up);
struct nlmsghdr *nl_put_addr_new(void *buf, uint32_t seq, int ifindex, const struct nl_addr *a);
struct nlmsghdr *nl_put_route_new(void *buf, uint32_t seq, int ifindex, const struct nl_route *rt);
struct nlmsghdr *nl_put_nsid_get(void *buf, uint32_t seq, int netns_fd);

/* A buffer of pipelined requests, and what each one belongs to: pair and
 * item are the caller's numbers, kind its tag for the step text. */
struct nl_reqs {
	char *buf;
	size_t len, cap, n;
	size_t *pair;
	size_t *item;
	uint8_t *kind;
	int *errs;
	uint32_t seq0;
};

void nl_reqs_free(struct nl_reqs *q);
#define _cleanup_nl_reqs_ _cleanup_(nl_reqs_free)
int nl_reqs_init(struct nl_reqs *q, size_t n);
void *nl_reqs_slot(struct nl_reqs *q, size_t pair, size_t item, uint8_t kind);
void nl_reqs_commit(struct nl_reqs *q, struct nlmsghdr *nlh);
uint32_t nl_reqs_seq(const struct nl_reqs *q);
size_t nl_reqs_run(struct mnl_socket *nl, struct nl_reqs *q, struct ns_nl_error *e, int *ret_err,
		   int (*cb)(const struct nlmsghdr *, void *), void *data);
bool nl_ifname_valid(const char *s);
/* Fills @e->msg, if empty, for an -EPERM: which capability (CAP_NET_ADMIN
 * or CAP_SYS_ADMIN, as int) is missing over which network namespace. */
void nl_explain_eperm(struct ns_nl_error *e, int peer_netns_fd, int cap);

/* veth.c */
struct ns_veth;
struct nlmsghdr *veth_put_new(void *buf, uint32_t seq, const struct ns_veth *v, int master_ifindex);

#endif
