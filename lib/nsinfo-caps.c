/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the caller may do over a namespace, and a user namespace's id maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"
#include "nsinfo-caps.h"
#include "nsinfo-data.h"

/* The kernel writes "CapEff:\t%016llx\n" in /proc/PID/status
 * (proc_pid_status(5)); anything else (a sign, "0x", blanks, more than 64
 * bits, a missing line) is refused, not read as some number. */
int nsi_parse_cap_eff(const char *status, uint64_t *ret)
{
	const char *p = strstr(status, "\nCapEff:\t");
	uint64_t v = 0;
	size_t n;

	if (!p)
		return -EINVAL;
	p += strlen("\nCapEff:\t");
	n = strspn(p, "0123456789abcdef");
	if (n == 0 || n > 16 || p[n] != '\n')
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		v = v << 4 | (uint64_t)(p[i] <= '9' ? p[i] - '0' : p[i] - 'a' + 10);
	*ret = v;
	return 0;
}

int nsi_caps_init(struct ns_info *info)
{
	_cleanup_free_ char *status = NULL;
	uint64_t eff, full;
	struct stat st;
	int last, r;

	if (fstatat(info->proc_fd, "self/ns/user", &st, 0) < 0)
		return -errno;
	info->self_userns = st.st_ino;
	info->self_euid = geteuid();
	r = read_all_at(info->proc_fd, "self/status", &status);
	if (r < 0)
		return r;
	r = nsi_parse_cap_eff(status, &eff);
	if (r < 0)
		return r;
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
	/* the caller's @fd is asked first, then the parents opened here */
	for (int depth = 0; depth < 40; depth++) {
		int at = cur >= 0 ? cur : fd;
		struct stat st;
		/* set first: memcheck cannot know NS_GET_OWNER_UID writes it */
		uid_t owner = (uid_t)-1;
		int pfd;

		if (ioctl(at, NS_GET_OWNER_UID, &owner) < 0)
			return -errno;
		pfd = ioctl(at, NS_GET_PARENT, 0);
		if (pfd < 0)
			return errno == EPERM ? NS_CAPS_NONE : -errno;
		if (cur >= 0)
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
	if (nsi_is_fatal(c))
		return c;
	if (c < 0)
		return -1;
	if (nsi_index_put(&info->caps_ix, ino, (size_t)c) < 0)
		return -1;
	return c;
}

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
		 ns_idmap_file(kind));
	buf = malloc(IDMAP_TEXT_MAX);
	map = malloc(sizeof(*map));
	if (!buf || !map)
		return -ENOMEM;
	n = read_file_at(info->proc_fd, path, buf, IDMAP_TEXT_MAX);
	if (n < 0)
		/* cppcheck-suppress memleak ; _cleanup_free_ frees map */
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
