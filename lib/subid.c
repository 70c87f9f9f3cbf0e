/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Subordinate id files: parse /etc/subuid and /etc/subgid lines, find a user's range. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"

static bool digit_span(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789") >= n;
}

int ns_subid_parse_line(const char *line, struct ns_subid *ret)
{
	const char *p, *c1, *c2, *nl, *start_s, *count_s;
	size_t len, start_n, count_n;
	struct ns_subid id = { 0 };
	uint32_t v[2];

	if (!line || !ret)
		return -EINVAL;

	/* subuid(5): one "owner:start:count" a line; blank lines and '#'
	 * comments hold no entry. */
	p = line + strspn(line, " \t");
	if (*p == '\0' || *p == '\n' || *p == '#')
		return -ENODATA;

	len = strlen(line);
	nl = strchr(line, '\n');
	if (nl) {
		if (nl != line + len - 1)
			return -EINVAL;
		len--;
	}

	c1 = memchr(line, ':', len);
	if (!c1)
		return -EINVAL;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line));
	if (!c2 || memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - line)))
		return -EINVAL;

	if (c1 == line || (size_t)(c1 - line) >= sizeof(id.owner))
		return -EINVAL;
	memcpy(id.owner, line, (size_t)(c1 - line));
	id.owner[c1 - line] = '\0';
	if (strpbrk(id.owner, " \t"))
		return -EINVAL;

	start_s = c1 + 1;
	start_n = (size_t)(c2 - c1 - 1);
	count_s = c2 + 1;
	count_n = len - (size_t)(c2 + 1 - line);
	/* form first, for both numbers, then range */
	if (!digit_span(start_s, start_n) || !digit_span(count_s, count_n))
		return -EINVAL;
	if (parse_u32_n(start_s, start_n, &v[0]) < 0 || parse_u32_n(count_s, count_n, &v[1]) < 0)
		return -ERANGE;
	if (v[1] == 0 || (uint64_t)v[0] + v[1] > (uint64_t)UINT32_MAX + 1)
		return -ERANGE;

	id.start = v[0];
	id.count = v[1];
	*ret = id;
	return 0;
}

static bool subid_matches(const struct ns_subid *id, const char *user, uid_t uid)
{
	uint32_t owner_uid;

	if (user && strcmp(id->owner, user) == 0)
		return true;
	/* a numeric owner is a uid (subuid(5)); parse_u32() takes digits only */
	return parse_u32(id->owner, &owner_uid) == 0 && owner_uid == (uint32_t)uid;
}

/* Every well-formed entry of @f that belongs to @user or @uid, in file
 * order. A malformed line names no range we could check, and one bad line
 * must not lock every later owner out: it is skipped. */
static int subid_read_owned(FILE *f, const char *user, uid_t uid, struct ns_subid **ret,
			    size_t *ret_n)
{
	_cleanup_free_ struct ns_subid *ids = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0, n = 0, alloc = 0;

	errno = 0;
	while (getline(&line, &size, f) >= 0) {
		struct ns_subid id;

		if (ns_subid_parse_line(line, &id) == 0 && subid_matches(&id, user, uid)) {
			if (n == alloc) {
				struct ns_subid *more;

				alloc = alloc ? 2 * alloc : 4;
				more = reallocarray(ids, alloc, sizeof(*ids));
				if (!more)
					return -ENOMEM;
				ids = more;
			}
			ids[n++] = id;
		}
		errno = 0;
	}
	if (ferror(f))
		return errno > 0 ? -errno : -EIO;
	*ret = take_ptr(&ids);
	*ret_n = n;
	return 0;
}

int ns_subid_lookup(const char *path, const char *user, uid_t uid, struct ns_subid *ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ struct ns_subid *ids = NULL;
	size_t n;
	int r;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	r = subid_read_owned(f, user, uid, &ids, &n);
	if (r < 0)
		return r;
	if (n == 0)
		return -ENOENT;
	*ret = ids[0];
	return 0;
}

int ns_subid_list(const char *path, const char *user, uid_t uid, struct ns_subid **ret,
		  size_t *ret_n)
{
	_cleanup_fclose_ FILE *f = NULL;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	return subid_read_owned(f, user, uid, ret, ret_n);
}

int subid_covers_stream(FILE *f, const char *user, uid_t uid, uint32_t start, uint32_t count)
{
	_cleanup_free_ struct ns_subid *ids = NULL;
	uint64_t cur = start, end = (uint64_t)start + count;
	size_t n;
	int r;

	if (count == 0)
		return 0;
	r = subid_read_owned(f, user, uid, &ids, &n);
	if (r < 0)
		return r;
	/* Walk from @start: each step jumps to the furthest end of an entry
	 * holding the current id, so entries chain in any file order. The
	 * position only grows, so there are at most n steps. */
	while (cur < end) {
		uint64_t next = cur;

		for (size_t i = 0; i < n; i++) {
			uint64_t lo = ids[i].start, hi = lo + ids[i].count;

			if (lo <= cur && cur < hi && hi > next)
				next = hi;
		}
		if (next == cur)
			return 0;
		cur = next;
	}
	return 1;
}

int ns_subid_covers(const char *path, const char *user, uid_t uid, uint32_t start,
		    uint32_t count)
{
	_cleanup_fclose_ FILE *f = NULL;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	return subid_covers_stream(f, user, uid, start, count);
}
