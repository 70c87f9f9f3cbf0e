/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a namespace listing adds to the /proc scan: nsfs mounts, NETNSID, id maps, names, caps. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/net_namespace.h>
#include <linux/openat2.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-internal.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int nsi_pidfd_getfd(int pidfd, int fd)
{
	/* needs ptrace access to the holder; see pidfd_getfd(2) */
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	return r < 0 ? -errno : r;
}

int nsi_socket_netns(int sk)
{
	int r = ioctl(sk, SIOCGSKNS);

	return r < 0 ? -errno : r;
}

/* ---- nsfs mounts -------------------------------------------------------- */

/* mountinfo(5) escapes space, tab, newline and backslash as \ooo. Returns
 * the decoded length, or -EINVAL for a backslash that starts no such escape
 * or one that decodes to NUL, neither of which the kernel writes. */
int nsi_mountinfo_unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] != '\\') {
			*w++ = *r;
			continue;
		}
		if (r[1] < '0' || r[1] > '3' || r[2] < '0' || r[2] > '7' || r[3] < '0' ||
		    r[3] > '7')
			return -EINVAL;
		*w = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
		if (!*w++)
			return -EINVAL;
		r += 3;
	}
	*w = '\0';
	return (int)(w - s);
}

/* Appends @s to the '\n'-separated list *@list unless it is in it. */
static int list_add(char **list, const char *s)
{
	size_t ls = strlen(s), ll;
	char *p;

	if (*list) {
		for (const char *q = *list; q;) {
			const char *e = strchr(q, '\n');
			size_t n = e ? (size_t)(e - q) : strlen(q);

			if (n == ls && memcmp(q, s, n) == 0)
				return 0;
			q = e ? e + 1 : NULL;
		}
	}
	ll = *list ? strlen(*list) : 0;
	p = realloc(*list, ll + ls + 2);
	if (!p)
		return -ENOMEM;
	if (ll)
		p[ll++] = '\n';
	memcpy(p + ll, s, ls + 1);
	*list = p;
	return 0;
}

/* One line of mountinfo(5), "id parent maj:min root target opts [tags...] -
 * fstype source superopts": for an nsfs mount, its target (unescaped, in
 * place) and the namespace's inode from the root ("net:[4026532100]").
 * The text is hostile: a field out of shape refuses the line. */
int nsi_mountinfo_nsfs(char *line, char **ret_target, uint64_t *ret_ino)
{
	char *f[6], *p = line, *end;
	uint64_t ino;
	int n, t, len;

	if (strlen(line) > NSI_MOUNTINFO_LINE_MAX)
		return -EINVAL;
	/* the six fixed fields, then optional tags up to a lone "-" */
	for (n = 0; n < 6; n++) {
		f[n] = p;
		end = strchr(p, ' ');
		if (!end || end == p)
			return -EINVAL;
		*end = '\0';
		p = end + 1;
	}
	for (;;) {
		const char *tag = p;

		end = strchr(p, ' ');
		if (!end || end == p)
			return -EINVAL;
		*end = '\0';
		p = end + 1;
		if (strcmp(tag, "-") == 0)
			break;
	}
	if (strncmp(p, "nsfs ", 5) != 0)
		return -ENOENT;
	if (!*f[0] || strspn(f[0], "0123456789") != strlen(f[0]) || !*f[1] ||
	    strspn(f[1], "0123456789") != strlen(f[1]) || !strchr(f[2], ':'))
		return -EINVAL;
	t = nsi_parse_fd_link(f[3], &ino);
	if (t < 0 || t == NS_TYPE_MAX)
		return -EINVAL;
	len = nsi_mountinfo_unescape(f[4]);
	if (len <= 0 || len >= PATH_MAX || f[4][0] != '/')
		return -EINVAL;
	*ret_target = f[4];
	*ret_ino = ino;
	return 0;
}

/* The nsfs file at @path, opened without following any symlink on the
 * way: a user who owns a directory above a mount point can swap it for a
 * symlink between our reading mountinfo and opening, and point us at a
 * file of their choosing. Opened O_PATH first, so nothing but an nsfs file
 * of inode @ino is ever opened for reading. */
static int open_nsfs_mount(const char *path, uint64_t ino)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int pfd = -1;
	struct statfs sfs;
	struct stat st;
	char proc[64];
	int fd;

	pfd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (pfd < 0 && errno == ENOSYS)
		/* only the last component is then kept from being a symlink */
		pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (fstatfs(pfd, &sfs) < 0 || fstat(pfd, &st) < 0)
		return -errno;
	/* the mount may have been replaced since mountinfo was read */
	if (sfs.f_type != NSFS_MAGIC || st.st_ino != ino)
		return -ESTALE;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

/* One pass over the caller's mountinfo: the nsfs mount points of every
 * namespace, and namespaces held by nothing but such a bind mount. */
int nsi_mounts_scan(struct ns_info *info)
{
	char *line, *next;
	int r;

	r = read_all_at(info->proc_fd, "self/mountinfo", &info->mountinfo);
	if (r < 0)
		return r;
	for (line = info->mountinfo; line && *line; line = next) {
		char *target;
		uint64_t ino;
		ssize_t idx;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (nsi_mountinfo_nsfs(line, &target, &ino) < 0)
			continue;
		idx = nsi_index_get(&info->ns_ix, ino);
		if (idx < 0) {
			_cleanup_close_ int fd = -1;

			fd = open_nsfs_mount(target, ino);
			if (fd < 0)
				continue;
			r = nsi_add_ns_fd(info, fd, ino);
			if (r < 0 && r != -EPERM && r != -EACCES)
				return r;
			idx = nsi_index_get(&info->ns_ix, ino);
			if (idx < 0)
				continue;
		}
		r = list_add(&info->ns[idx].nsfs, target);
		if (r < 0)
			return r;
	}
	return 0;
}

void nsi_mounts_free(struct ns_info *info)
{
	for (size_t i = 0; i < info->n_ns; i++)
		free(info->ns[i].nsfs);
	free(info->mountinfo);
}

const char *ns_info_nsfs(const struct ns_info *info, size_t i)
{
	return info->ns[i].nsfs;
}

/* ---- NETNSID ------------------------------------------------------------ */

struct mnl_socket *nsi_netnsid_open(void)
{
	struct mnl_socket *nl = NULL;

	return nl_open(-1, &nl) < 0 ? NULL : nl;
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

/* ---- capabilities over a namespace (user_namespaces(7)) ----------------- */

int nsi_caps_init(struct ns_info *info)
{
	_cleanup_free_ char *status = NULL;
	unsigned long long eff, full;
	struct stat st;
	const char *p;
	int last, r;

	if (fstatat(info->proc_fd, "self/ns/user", &st, 0) < 0)
		return -errno;
	info->self_userns = st.st_ino;
	info->self_euid = geteuid();
	r = read_all_at(info->proc_fd, "self/status", &status);
	if (r < 0)
		return r;
	p = strstr(status, "\nCapEff:");
	if (!p || sscanf(p + 8, "%llx", &eff) != 1)
		return -EINVAL;
	last = ns_caps_last();
	full = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	info->self_userns_caps = (eff & full) == full ? NS_CAPS_ALL : eff ? NS_CAPS_SOME :
									    NS_CAPS_NONE;
	return 0;
}

/* The caller has a capability in a user namespace it is in when it is in its
 * effective set, keeps it in every descendant, and has all capabilities in a
 * child namespace whose owner is its effective uid. Anywhere else, none. */
static int caps_walk(struct ns_info *info, int fd, uint64_t ino)
{
	_cleanup_close_ int cur = -1;

	if (ino == info->self_userns)
		return info->self_userns_caps;
	cur = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	for (int depth = 0; depth < 40; depth++) {
		struct stat st;
		uid_t owner;
		int pfd;

		if (ioctl(cur, NS_GET_OWNER_UID, &owner) < 0)
			return -errno;
		pfd = ioctl(cur, NS_GET_PARENT);
		if (pfd < 0)
			return errno == EPERM ? NS_CAPS_NONE : -errno;
		close(cur);
		cur = pfd;
		if (fstat(cur, &st) < 0)
			return -errno;
		if (st.st_ino == info->self_userns) {
			if (owner == info->self_euid)
				return NS_CAPS_ALL;
			return info->self_userns_caps;
		}
	}
	return NS_CAPS_NONE;
}

int nsi_caps_of_userns(struct ns_info *info, int userns_fd, uint64_t ino)
{
	ssize_t v = nsi_index_get(&info->caps_ix, ino);
	int c;

	if (v >= 0)
		return (int)v;
	c = caps_walk(info, userns_fd, ino);
	if (c < 0)
		return -1;
	if (nsi_index_put(&info->caps_ix, ino, (size_t)c) < 0)
		return -1;
	return c;
}

/* ---- id maps and names -------------------------------------------------- */

/* The kernel writes each line of uid_map as three space-padded decimal
 * fields, "%10u %10u %10u\n" (user_namespaces(7)). The text may come from
 * elsewhere (a file bound over it, a tree shaped like /proc), so anything
 * else is refused: signs, values past 32 bits, empty ranges, ranges past
 * the last id the kernel allows (2^32 - 2), a missing newline, more lines
 * than the kernel takes. */
static int parse_idmap_field(const char **p, const char *end, uint32_t *ret)
{
	const char *s;

	while (*p < end && **p == ' ')
		(*p)++;
	s = *p;
	while (*p < end && **p >= '0' && **p <= '9')
		(*p)++;
	if (*p == s || *p == end || (**p != ' ' && **p != '\n'))
		return -EINVAL;
	return parse_u32_n(s, (size_t)(*p - s), ret) < 0 ? -EINVAL : 0;
}

int nsi_parse_idmap(const char *text, size_t len, struct ns_idmap *ret)
{
	const char *p = text, *end = text + len;

	ret->n = 0;
	while (p < end) {
		struct ns_idmap_range r;

		if (ret->n >= NS_IDMAP_MAX)
			return -EINVAL;
		if (parse_idmap_field(&p, end, &r.inner) < 0 || *p != ' ' ||
		    parse_idmap_field(&p, end, &r.outer) < 0 || *p != ' ' ||
		    parse_idmap_field(&p, end, &r.count) < 0 || *p != '\n')
			return -EINVAL;
		p++;
		if (r.count == 0 || (uint64_t)r.inner + r.count > UINT32_MAX ||
		    (uint64_t)r.outer + r.count > UINT32_MAX)
			return -EINVAL;
		ret->r[ret->n++] = r;
	}
	return 0;
}

static size_t digits_u32(uint32_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

int ns_info_idmap(const struct ns_info *info, size_t i, enum ns_idmap_kind kind, char **ret)
{
	/* 340 lines of the kernel's 33 bytes, and one byte to see more */
	enum { IDMAP_TEXT_MAX = NS_IDMAP_MAX * 33 + 2 };
	const struct nsi_ns *ns = &info->ns[i];
	_cleanup_free_ struct ns_idmap *map = NULL;
	_cleanup_free_ char *buf = NULL, *out = NULL;
	size_t size = 1, len = 0;
	char path[64];
	int n;

	if (ns->type != NS_TYPE_USER || ns->proc < 0)
		return -ENODATA;
	snprintf(path, sizeof(path), "%d/%s", (int)info->procs[ns->proc].pid,
		 kind == NS_UID_MAP ? "uid_map" : "gid_map");
	buf = malloc(IDMAP_TEXT_MAX);
	map = malloc(sizeof(*map));
	if (!buf || !map)
		return -ENOMEM;
	n = read_file_at(info->proc_fd, path, buf, IDMAP_TEXT_MAX);
	if (n < 0)
		return n;
	if (n >= IDMAP_TEXT_MAX - 1 || nsi_parse_idmap(buf, (size_t)n, map) < 0)
		return -EINVAL;
	/* sized from the values parsed: "inner:outer:count", ',' between */
	for (size_t k = 0; k < map->n; k++)
		size += digits_u32(map->r[k].inner) + digits_u32(map->r[k].outer) +
			digits_u32(map->r[k].count) + 3;
	out = malloc(size);
	if (!out)
		return -ENOMEM;
	out[0] = '\0';
	for (size_t k = 0; k < map->n; k++) {
		int w = snprintf(out + len, size - len, "%s%u:%u:%u", k ? "," : "",
				 map->r[k].inner, map->r[k].outer, map->r[k].count);

		if (w < 0 || (size_t)w >= size - len)
			return -EOVERFLOW;
		len += (size_t)w;
	}
	*ret = take_ptr(&out);
	return 0;
}

static int not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

int ns_info_add_names(struct ns_info *info, int dirfd)
{
	struct dirent **list = NULL;
	int n, r = 0;

	/* in name order, so a namespace's names come out the same each time */
	n = scandirat(dirfd, ".", &list, not_dot, alphasort);
	if (n < 0)
		return -errno;
	for (int k = 0; k < n; k++) {
		struct stat st;
		ssize_t idx;

		if (r == 0 && fstatat(dirfd, list[k]->d_name, &st, 0) == 0 &&
		    st.st_dev == info->nsfs_dev) {
			idx = nsi_index_get(&info->ns_ix, st.st_ino);
			if (idx >= 0)
				r = list_add(&info->ns[idx].names, list[k]->d_name);
		}
		free(list[k]);
	}
	free(list);
	return r;
}
