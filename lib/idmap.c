/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Id maps: parse ranges, place single mappings, write uid_map/gid_map and setgroups. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"

const char *ns_idmap_file(enum ns_idmap_kind kind)
{
	return kind == NS_GID_MAP ? "gid_map" : "uid_map";
}

static bool all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Splits @s at @sep into exactly three non-empty digit fields and parses
 * them. Form is checked for every field before any value, so "x:99999999999:1"
 * is a form error rather than a range error. */
static int parse_triple(const char *s, char sep, uint32_t v[3])
{
	_cleanup_free_ char *copy = NULL;
	char *field[3];
	char *p;

	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	field[0] = copy;
	p = copy;
	for (int i = 1; i < 3; i++) {
		p = strchr(p, sep);
		if (!p)
			return -EINVAL;
		*p++ = '\0';
		field[i] = p;
	}
	if (strchr(p, sep))
		return -EINVAL;
	for (int i = 0; i < 3; i++)
		if (!all_digits(field[i], strlen(field[i])))
			return -EINVAL;
	for (int i = 0; i < 3; i++)
		if (parse_u32(field[i], &v[i]) < 0)
			return -ERANGE;
	return 0;
}

/* Id (uint32_t)-1 is no id: the kernel refuses a line whose start plus
 * count reaches it (user_namespaces(7)), and NS_ID_NONE means "none" here.
 * So a range ends at 2^32-1 at most, inside and outside, and one that would
 * pass 2^32 and wrap to low ids, host root among them, is refused. An inner
 * id of NS_ID_NONE ("auto": from 0 inside) counts as 0. */
static bool range_fits(uint64_t inner, uint64_t outer, uint64_t count)
{
	return count >= 1 && inner + count <= UINT32_MAX && outer + count <= UINT32_MAX;
}

static bool range_ok(const struct ns_idmap_range *r)
{
	return range_fits(r->inner == NS_ID_NONE ? 0 : r->inner, r->outer, r->count);
}

int ns_idmap_parse_range(const char *s, struct ns_idmap_range *ret)
{
	struct ns_idmap_range range;
	uint32_t v[3];
	int r;

	if (!s || !ret)
		return -EINVAL;

	/* util-linux 2.38 took "outer,inner,count"; later versions take
	 * "inner:outer:count" and still accept the old form (unshare(1)). */
	if (strchr(s, ':') && !strchr(s, ',')) {
		r = parse_triple(s, ':', v);
		if (r < 0)
			return r;
		range = (struct ns_idmap_range){ .inner = v[0], .outer = v[1], .count = v[2] };
	} else if (strchr(s, ',') && !strchr(s, ':')) {
		r = parse_triple(s, ',', v);
		if (r < 0)
			return r;
		range = (struct ns_idmap_range){ .outer = v[0], .inner = v[1], .count = v[2] };
	} else {
		return -EINVAL;
	}

	if (!range_fits(range.inner, range.outer, range.count))
		return -ERANGE;
	*ret = range;
	return 0;
}

int ns_idmap_prepend(struct ns_idmap *map, const struct ns_idmap_range *range)
{
	if (!range_ok(range))
		return -ERANGE;
	if (map->n >= NS_IDMAP_MAX)
		return -E2BIG;
	memmove(&map->r[1], &map->r[0], map->n * sizeof(map->r[0]));
	map->r[0] = *range;
	map->n++;
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Each piece lies inside the range it was cut from; checked all the same
 * before it is narrowed to 32 bits, so that no slip in the cutting can
 * wrap a piece round to low ids. */
static int prepend_piece(struct ns_idmap *out, uint64_t inner, uint64_t outer, uint64_t count)
{
	struct ns_idmap_range piece = { (uint32_t)inner, (uint32_t)outer, (uint32_t)count };

	if (count == 0)
		return 0;
	if (!range_fits(inner, outer, count))
		return -ERANGE;
	return ns_idmap_prepend(out, &piece);
}

/* Prepends the non-empty pieces of one range to @out: hi, then mid, then lo,
 * so they read lo, mid, hi, as unshare(1) builds its list. */
static int split_range(struct ns_idmap *out, struct ns_idmap_range range, uint32_t outer,
		       uint32_t inner)
{
	uint64_t count, outer_off, inner_off;
	uint64_t lo_count, mid_count, hi_count;
	uint64_t mid_outer, mid_inner, hi_outer, hi_inner;
	int r;

	count = range.count;
	if (range.inner == NS_ID_NONE) {
		/* --map-users=auto: the range starts from 0 inside, where it
		 * moves past the single id at no cost; but an outer id the
		 * single line takes is given up, or the pieces would run one
		 * past the range's end onto a host id nobody named */
		range.inner = 0;
		if (inner != NS_ID_NONE && count > 0 && outer >= range.outer &&
		    outer < (uint64_t)range.outer + count)
			count--;
	} else if (inner != NS_ID_NONE && count > 0 &&
		   ((outer >= range.outer && outer <= (uint64_t)range.outer + count) ||
		    (inner >= range.inner && inner <= (uint64_t)range.inner + count))) {
		/* The single id overlaps: give up one id of the range. Both ends
		 * count as overlapping, one past the end included, as unshare(1)
		 * does, so that maps come out identical to its own. */
		count--;
	}

	outer_off = min_u64(outer > range.outer ? (uint64_t)outer - range.outer : 0, count);
	inner_off = min_u64(inner > range.inner ? (uint64_t)inner - range.inner : 0, count);

	lo_count = min_u64(outer_off, inner_off);

	mid_outer = (uint64_t)range.outer + lo_count;
	mid_outer += mid_outer == outer;
	mid_inner = (uint64_t)range.inner + lo_count;
	mid_inner += mid_inner == inner;
	mid_count = outer_off > inner_off ? outer_off - inner_off : inner_off - outer_off;

	hi_outer = mid_outer + mid_count;
	hi_outer += hi_outer == outer;
	hi_inner = mid_inner + mid_count;
	hi_inner += hi_inner == inner;
	hi_count = count - lo_count - mid_count;

	r = prepend_piece(out, hi_inner, hi_outer, hi_count);
	if (r == 0)
		r = prepend_piece(out, mid_inner, mid_outer, mid_count);
	if (r == 0)
		r = prepend_piece(out, range.inner, range.outer, lo_count);
	return r;
}

int ns_idmap_add_single(struct ns_idmap *map, uint32_t outer, uint32_t inner)
{
	_cleanup_free_ struct ns_idmap *out = NULL;
	int r;

	if (map->n > NS_IDMAP_MAX)
		return -EINVAL;
	out = calloc(1, sizeof(*out));
	if (!out)
		return -ENOMEM;

	/* With no single mapping there is no outer id to keep clear either. */
	if (inner == NS_ID_NONE)
		outer = NS_ID_NONE;
	else if (outer == NS_ID_NONE)
		return -ERANGE;

	for (size_t i = 0; i < map->n; i++)
		if (!range_ok(&map->r[i]))
			return -ERANGE;
	for (size_t i = 0; i < map->n; i++) {
		r = split_range(out, map->r[i], outer, inner);
		if (r < 0)
			return r;
	}
	if (inner != NS_ID_NONE) {
		struct ns_idmap_range single = { .inner = inner, .outer = outer, .count = 1 };

		r = ns_idmap_prepend(out, &single);
		if (r < 0)
			return r;
	}
	*map = *out;
	return 0;
}

/* Takes "inner outer count" with any blanks around and between the fields,
 * as the kernel prints them padded to ten columns. */
static int parse_kernel_line(const char *line, struct ns_idmap_range *ret)
{
	uint32_t v[3];
	const char *p = line;
	int i;

	for (i = 0; i < 3; i++) {
		size_t len;

		p += strspn(p, " \t");
		len = strspn(p, "0123456789");
		if (len == 0)
			return -EINVAL;
		if (parse_u32_n(p, len, &v[i]) < 0)
			return -ERANGE;
		p += len;
		if (i < 2 && *p != ' ' && *p != '\t')
			return -EINVAL;
	}
	p += strspn(p, " \t\n");
	if (*p)
		return -EINVAL;
	if (!range_fits(v[0], v[1], v[2]))
		return -ERANGE;
	*ret = (struct ns_idmap_range){ .inner = v[0], .outer = v[1], .count = v[2] };
	return 0;
}

int ns_idmap_read_kernel(const char *path, struct ns_idmap *map)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ struct ns_idmap *out = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	ssize_t len;
	int r;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	out = malloc(sizeof(*out));
	if (!out)
		/* cppcheck-suppress resourceLeak ; _cleanup_fclose_ closes f */
		return -ENOMEM;
	*out = *map;

	errno = 0;
	while ((len = getline(&line, &size, f)) >= 0) {
		struct ns_idmap_range range;

		/* a NUL byte would hide the rest of its line from the parser */
		if (strlen(line) != (size_t)len)
			return -EINVAL;
		if (line[strspn(line, " \t\n")] == '\0')
			continue;
		r = parse_kernel_line(line, &range);
		if (r < 0)
			return r;
		/* Every id we have is passed through unchanged: the range of
		 * inner ids of our own map (the ids as we see them). */
		range.outer = range.inner;
		r = ns_idmap_prepend(out, &range);
		if (r < 0)
			return r;
		errno = 0;
	}
	if (ferror(f))
		return errno > 0 ? -errno : -EIO;
	*map = *out;
	return 0;
}

int ns_idmap_format(const struct ns_idmap *map, char *buf, size_t size)
{
	size_t len = 0;

	if (map->n > NS_IDMAP_MAX)
		return -EINVAL;
	if (size == 0)
		return -E2BIG;
	buf[0] = '\0';
	for (size_t i = 0; i < map->n; i++) {
		const struct ns_idmap_range *r = &map->r[i];
		int n;

		n = snprintf(buf + len, size - len, "%u %u %u\n", r->inner, r->outer, r->count);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n >= size - len)
			return -E2BIG;
		len += (size_t)n;
	}
	return (int)len;
}

/* The map text in a page-sized buffer: the kernel takes the whole map in
 * one write(2) of less than a page (user_namespaces(7));
 * ns_idmap_format() keeps room for the NUL. */
static int format_page(const struct ns_idmap *map, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	long page;
	int r;

	page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		page = 4096;
	buf = malloc((size_t)page);
	if (!buf)
		return -ENOMEM;
	r = ns_idmap_format(map, buf, (size_t)page);
	if (r < 0)
		return r;
	if (r == 0)
		return -EINVAL;
	*ret = take_ptr(&buf);
	return r;
}

int ns_idmap_write(int proc_pid_fd, enum ns_idmap_kind kind, const struct ns_idmap *map)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	r = format_page(map, &buf);
	if (r < 0)
		return r;
	return write_file_at(proc_pid_fd, ns_idmap_file(kind), buf);
}

int ns_idmap_open_checked(int proc_pid_fd, enum ns_idmap_kind kind, int flags)
{
	return open_proc_file_at(proc_pid_fd, ns_idmap_file(kind), flags);
}

int ns_idmap_write_fd(int fd, const struct ns_idmap *map)
{
	_cleanup_free_ char *buf = NULL;
	int len;

	len = format_page(map, &buf);
	if (len < 0)
		return len;
	return write_once(fd, buf, (size_t)len);
}

int ns_idmap_written(int proc_pid_fd, enum ns_idmap_kind kind)
{
	_cleanup_close_ int fd = -1;
	char c;
	ssize_t n;

	fd = open_proc_file_at(proc_pid_fd, ns_idmap_file(kind), O_RDONLY);
	if (fd < 0)
		return fd;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n > 0;
}

int ns_setgroups_deny_checked(int proc_pid_fd)
{
	_cleanup_close_ int fd = -1;
	char cur[16];
	ssize_t n;

	fd = open_proc_file_at(proc_pid_fd, "setgroups", O_RDWR);
	if (fd < 0)
		return fd;
	/* a "deny" already there needs no second write (newgidmap(1)) */
	do
		n = read(fd, cur, sizeof(cur) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	cur[n] = '\0';
	if (strncmp(cur, "deny", 4) == 0)
		return 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return write_once(fd, "deny\n", 5);
}

int ns_idmap_write_single(int proc_pid_fd, enum ns_idmap_kind kind, uint32_t inner, uint32_t outer)
{
	char buf[IDMAP_LINE_MAX];

	snprintf(buf, sizeof(buf), "%u %u 1\n", inner, outer);
	return write_file_at(proc_pid_fd, ns_idmap_file(kind), buf);
}

int ns_setgroups_write(int proc_pid_fd, bool allow)
{
	return write_file_at(proc_pid_fd, "setgroups", allow ? "allow\n" : "deny\n");
}
