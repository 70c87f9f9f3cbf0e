/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for id map parsing, the single-id rule, formatting, writing and the helper. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"

#define R(i, o, c) ((struct ns_idmap_range){ .inner = (i), .outer = (o), .count = (c) })

static struct ns_idmap *map_new(void)
{
	struct ns_idmap *m = calloc(1, sizeof(*m));

	test_assert(m);
	return m;
}

static void assert_map(const struct ns_idmap *m, size_t n, const struct ns_idmap_range *want)
{
	test_assert_int(m->n, n);
	for (size_t i = 0; i < n; i++) {
		test_assert_int(m->r[i].inner, want[i].inner);
		test_assert_int(m->r[i].outer, want[i].outer);
		test_assert_int(m->r[i].count, want[i].count);
	}
}

/* Places a range as ns_idmap_prepend() would, without its checks: the
 * formatting tests feed ids no parser lets through. */
static void raw_prepend(struct ns_idmap *m, struct ns_idmap_range r)
{
	test_assert(m->n < NS_IDMAP_MAX);
	memmove(&m->r[1], &m->r[0], m->n * sizeof(m->r[0]));
	m->r[0] = r;
	m->n++;
}

#define ASSERT_MAP(m, ...)                                                                 \
	do {                                                                               \
		const struct ns_idmap_range want_[] = { __VA_ARGS__ };                     \
		assert_map((m), ARRAY_SIZE(want_), want_);                                 \
	} while (0)

static void test_parse_range(void)
{
	struct ns_idmap_range r, untouched = R(7, 8, 9);

	test_assert_int(ns_idmap_parse_range("0:100000:65536", &r), 0);
	test_assert_int(r.inner, 0);
	test_assert_int(r.outer, 100000);
	test_assert_int(r.count, 65536);

	/* legacy util-linux 2.38 form: outer,inner,count */
	test_assert_int(ns_idmap_parse_range("100000,0,65536", &r), 0);
	test_assert_int(r.inner, 0);
	test_assert_int(r.outer, 100000);
	test_assert_int(r.count, 65536);

	test_assert_int(ns_idmap_parse_range("007:0008:00000000000000000001", &r), 0);
	test_assert_int(r.inner, 7);
	test_assert_int(r.outer, 8);
	test_assert_int(r.count, 1);

	/* start + count may reach 2^32-1, the kernel's limit: id 2^32-1
	 * itself is no id */
	test_assert_int(ns_idmap_parse_range("4294967294:0:1", &r), 0);
	test_assert_int(r.inner, 4294967294u);
	test_assert_int(ns_idmap_parse_range("0:4294967195:100", &r), 0);
	test_assert_int(r.count, 100);
	test_assert_int(ns_idmap_parse_range("0:0:4294967295", &r), 0);
	test_assert_int(r.count, 4294967295u);
	test_assert_int(ns_idmap_parse_range("4294967293,0,2", &r), 0);
	test_assert_int(r.outer, 4294967293u);
	test_assert_int(r.count, 2);

	static const char *const bad_form[] = {
		"", ":", "::", "0:0", "0:0:", ":0:0", "0::1", "0:0:1:", "0:0:1:2", "0,0",
		"0,0,1,2", "0:0,1", "0,0:1", "a:0:1", "0:b:1", "0:0:c", " 0:0:1", "0:0:1 ",
		"0: 0:1", "+0:0:1", "-1:0:1", "0:0:-1", "0x10:0:1", "0:0:1\n", "1e3:0:1",
		"x:99999999999:1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad_form); i++) {
		r = untouched;
		if (ns_idmap_parse_range(bad_form[i], &r) != -EINVAL) {
			fprintf(stderr, "accepted or misjudged '%s'\n", bad_form[i]);
			test_assert(false);
		}
		test_assert_int(r.inner, 7);
		test_assert_int(r.outer, 8);
		test_assert_int(r.count, 9);
	}

	static const char *const bad_range[] = {
		"0:0:0", "4294967296:0:1", "0:4294967296:1", "0:0:4294967296",
		"99999999999999999999:0:1", "4294967295:0:2", "0:4294967295:2",
		"2:0:4294967295", "0,2,4294967295", "0,0,0",
		/* reaching 2^32 (id 2^32-1 included), and wrapping past it:
	 * "0 0 1" after the cut, host root */
		"4294967295:0:1", "0:4294967295:1", "0:4294967196:100", "1:0:4294967295",
		"0:1:4294967295", "4294967294,0,2", "0,4294967294,2", "4294967295,0,1",
		"0:4294967295:4294967295",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad_range); i++) {
		r = untouched;
		if (ns_idmap_parse_range(bad_range[i], &r) != -ERANGE) {
			fprintf(stderr, "accepted or misjudged '%s'\n", bad_range[i]);
			test_assert(false);
		}
		test_assert_int(r.count, 9);
	}
}

static void test_prepend(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();
	struct ns_idmap_range a = R(1, 2, 3), b = R(4, 5, 6);

	test_assert_int(ns_idmap_prepend(m, &a), 0);
	test_assert_int(ns_idmap_prepend(m, &b), 0);
	ASSERT_MAP(m, R(4, 5, 6), R(1, 2, 3));

	m->n = 0;
	for (uint32_t i = 0; i < NS_IDMAP_MAX; i++) {
		struct ns_idmap_range x = R(i, i, 1);

		test_assert_int(ns_idmap_prepend(m, &x), 0);
	}
	test_assert_int(m->n, NS_IDMAP_MAX);
	test_assert_int(m->r[0].inner, NS_IDMAP_MAX - 1);
	test_assert_int(m->r[NS_IDMAP_MAX - 1].inner, 0);
	test_assert_int(ns_idmap_prepend(m, &a), -E2BIG);
	test_assert_int(m->n, NS_IDMAP_MAX);
	test_assert_int(m->r[0].inner, NS_IDMAP_MAX - 1);
}

/* ns_idmap_add_single() over a map of up to two ranges (prepended in
 * order) with one single mapping inner -> outer, and the map it leaves */
static const struct {
	struct ns_idmap_range in[2];
	size_t nin;
	uint32_t inner, outer;
	struct ns_idmap_range want[4];
	size_t nwant;
} add_single_cases[] = {
	/* --map-users=0:100000:65536 --map-root-user, as uid 1000: inner 0 is
	 * taken by the single map, so the range loses its first id */
	{ { R(0, 100000, 65536) }, 1, 1000, 0,
	  { R(0, 1000, 1), R(1, 100000, 65535) }, 2 },
	/* --map-users=1000:1000:1 -r: the range is exactly the single outer id
	 * and vanishes */
	{ { R(1000, 1000, 1) }, 1, 1000, 0,
	  { R(0, 1000, 1) }, 1 },
	/* the same with -c (inner == outer) */
	{ { R(1000, 1000, 1) }, 1, 1000, 1000,
	  { R(1000, 1000, 1) }, 1 },
	/* --map-auto alone: the auto range starts from 0, nothing else */
	{ { R(NS_ID_NONE, 100000, 65536) }, 1, 1000, NS_ID_NONE,
	  { R(0, 100000, 65536) }, 1 },
	/* --map-auto -r: an auto range keeps its full count and only moves
	 * up by one inside (unshare(1) does not shorten it) */
	{ { R(NS_ID_NONE, 100000, 65536) }, 1, 1000, 0,
	  { R(0, 1000, 1), R(1, 100000, 65536) }, 2 },
	/* --map-auto -r where the caller's own uid lies among its subordinate
	 * ids: the auto range gives that outer id up to the single line
	 * rather than growing past its end onto an id nobody named */
	{ { R(NS_ID_NONE, 1000, 10) }, 1, 1005, 0,
	  { R(0, 1005, 1), R(1, 1000, 5), R(6, 1006, 4) }, 3 },
	{ { R(NS_ID_NONE, 1000, 10) }, 1, 1009, 0,
	  { R(0, 1009, 1), R(1, 1000, 9) }, 2 },
	{ { R(NS_ID_NONE, 1000, 10) }, 1, 1000, 3,
	  { R(3, 1000, 1), R(0, 1001, 3), R(4, 1004, 6) }, 3 },
	/* -c with --map-users=0:100000:65536: inner 1000 splits the range
	 * into 0..999 and 1001..65535 */
	{ { R(0, 100000, 65536) }, 1, 1000, 1000,
	  { R(1000, 1000, 1), R(0, 100000, 1000), R(1001, 101000, 64535) }, 3 },
	/* two ranges: the list comes out reversed, pieces of each in order */
	{ { R(0, 100000, 1000), R(5000, 200000, 10) }, 2, 1000, 0,
	  { R(0, 1000, 1), R(1, 100000, 999), R(5000, 200000, 10) }, 3 },
	/* no single mapping: only the order changes */
	{ { R(0, 100000, 1000), R(5000, 200000, 10) }, 2, 1000, NS_ID_NONE,
	  { R(0, 100000, 1000), R(5000, 200000, 10) }, 2 },
	/* an id one past the end counts as overlapping: one id is lost */
	{ { R(0, 100000, 1000) }, 1, 1000, 1000,
	  { R(1000, 1000, 1), R(0, 100000, 999) }, 2 },
	/* the same on the outer side */
	{ { R(0, 1000, 10) }, 1, 1010, 5000,
	  { R(5000, 1010, 1), R(0, 1000, 9) }, 2 },
	/* the outer id falls inside: a hole in the outer ids */
	{ { R(0, 1000, 10) }, 1, 1005, 100,
	  { R(100, 1005, 1), R(0, 1000, 5), R(5, 1006, 4) }, 3 },
	/* both fall inside: three pieces */
	{ { R(0, 1000, 100) }, 1, 1010, 50,
	  { R(50, 1010, 1), R(0, 1000, 10), R(10, 1011, 40), R(51, 1051, 49) }, 4 },
	/* no range at all: just the single line */
	{ { { 0 } }, 0, 1000, 0,
	  { R(0, 1000, 1) }, 1 },
};

static void test_add_single(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();

	for (size_t i = 0; i < ARRAY_SIZE(add_single_cases); i++) {
		const typeof(add_single_cases[0]) *c = &add_single_cases[i];

		m->n = 0;
		for (size_t j = 0; j < c->nin; j++)
			test_assert_int(ns_idmap_prepend(m, &c->in[j]), 0);
		test_assert_int(ns_idmap_add_single(m, c->inner, c->outer), 0);
		assert_map(m, c->nwant, c->want);
	}

	/* the very top of the id space does not wrap */
	m->n = 0;
	test_assert_int(ns_idmap_prepend(m, &R(4294967194u, 4294967194u, 100)), 0);
	test_assert_int(ns_idmap_add_single(m, 4294967290u, 4294967290u), 0);
	ASSERT_MAP(m, R(4294967290u, 4294967290u, 1), R(4294967194u, 4294967194u, 96),
		   R(4294967291u, 4294967291u, 3));

	/* the last id of the top range next to the single id */
	m->n = 0;
	test_assert_int(ns_idmap_prepend(m, &R(0, 4294967294u, 1)), 0);
	test_assert_int(ns_idmap_add_single(m, 0, NS_ID_NONE), 0);
	ASSERT_MAP(m, R(0, 4294967294u, 1));
	test_assert_int(ns_idmap_add_single(m, 4294967293u, 5), 0);
	ASSERT_MAP(m, R(5, 4294967293u, 1), R(0, 4294967294u, 1));

	/* A range reaching id 2^32-1 once slipped through and the cut with
	 * no single id (outer NS_ID_NONE) moved it to outer 2^32, that is 0:
	 * host root. Such a range is refused wherever it comes from, and a
	 * map holding one is refused whole, untouched. */
	m->n = 0;
	test_assert_int(ns_idmap_prepend(m, &R(0, 4294967295u, 1)), -ERANGE);
	test_assert_int(ns_idmap_prepend(m, &R(4294967295u - 1, 0, 2)), -ERANGE);
	test_assert_int(ns_idmap_prepend(m, &R(NS_ID_NONE, 4294967295u, 1)), -ERANGE);
	test_assert_int(ns_idmap_prepend(m, &R(NS_ID_NONE, 1, 4294967295u)), -ERANGE);
	test_assert_int(ns_idmap_prepend(m, &R(0, 0, 0)), -ERANGE);
	test_assert_int(m->n, 0);
	/* an "auto" range of every id holds the single's outer id, which it
	 * gives up, so it no longer moves past the top inside (it was
	 * refused when it kept its count); an auto range without the
	 * single's outer id is at most 2^32-2 long and moves up by one to
	 * end at 2^32-1 at most */
	test_assert_int(ns_idmap_prepend(m, &R(NS_ID_NONE, 1, 4294967294u)), 0);
	test_assert_int(ns_idmap_add_single(m, 0, 0), 0);
	ASSERT_MAP(m, R(0, 0, 1), R(1, 1, 4294967294u));
	m->n = 0;
	test_assert_int(ns_idmap_prepend(m, &R(NS_ID_NONE, 0, 4294967295u)), 0);
	test_assert_int(ns_idmap_add_single(m, 1000, 0), 0);
	ASSERT_MAP(m, R(0, 1000, 1), R(1, 0, 1000), R(1001, 1001, 4294966294u));
	m->n = 0;
	test_assert_int(ns_idmap_prepend(m, &R(NS_ID_NONE, 0, 4294967295u)), 0);
	test_assert_int(ns_idmap_add_single(m, 1000, NS_ID_NONE), 0);
	ASSERT_MAP(m, R(0, 0, 4294967295u));
	m->n = 1;
	m->r[0] = R(0, 4294967295u, 1);
	test_assert_int(ns_idmap_add_single(m, 0, NS_ID_NONE), -ERANGE);
	test_assert_int(ns_idmap_add_single(m, 1000, 0), -ERANGE);
	ASSERT_MAP(m, R(0, 4294967295u, 1));
	m->r[0] = R(4294967294u, 0, 2);
	test_assert_int(ns_idmap_add_single(m, 0, NS_ID_NONE), -ERANGE);
	ASSERT_MAP(m, R(4294967294u, 0, 2));
	m->r[0] = R(0, 0, 0);
	test_assert_int(ns_idmap_add_single(m, 5, 5), -ERANGE);
	/* a single mapping onto outer id 2^32-1 is no mapping */
	m->n = 0;
	test_assert_int(ns_idmap_add_single(m, 4294967295u, 0), -ERANGE);
	test_assert_int(m->n, 0);

	/* full: 340 ranges plus the single line do not fit; map untouched */
	m->n = 0;
	for (uint32_t i = 0; i < NS_IDMAP_MAX; i++)
		ns_idmap_prepend(m, &R(10 * i, 100000 + 10 * i, 5));
	test_assert_int(ns_idmap_add_single(m, 1, NS_ID_NONE), 0);
	test_assert_int(m->n, NS_IDMAP_MAX);
	test_assert_int(ns_idmap_add_single(m, 99999, 99999), -E2BIG);
	test_assert_int(m->n, NS_IDMAP_MAX);
	test_assert_int(m->r[0].inner, 0);
	test_assert_int(m->r[0].count, 5);
}

static bool ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

/* Whatever the single id, no two lines may overlap on either side (the
 * kernel refuses such a map), and every piece stays inside its range. */
static void check_single(struct ns_idmap *m, uint32_t rin, uint32_t rout, uint32_t cnt,
			 uint32_t in, uint32_t out)
{
	m->n = 0;
	ns_idmap_prepend(m, &R(rin, rout, cnt));
	test_assert_int(ns_idmap_add_single(m, out, in), 0);
	test_assert(m->n >= 1 && m->n <= 4);
	test_assert_int(m->r[0].inner, in);
	test_assert_int(m->r[0].outer, out);
	test_assert_int(m->r[0].count, 1);
	for (size_t i = 1; i < m->n; i++) {
		const struct ns_idmap_range *p = &m->r[i];

		test_assert(p->count > 0);
		test_assert(p->inner >= rin && p->inner + p->count <= rin + cnt);
		test_assert(p->outer >= rout && p->outer + p->count <= rout + cnt);
	}
	for (size_t i = 0; i < m->n; i++) {
		for (size_t j = i + 1; j < m->n; j++) {
			const struct ns_idmap_range *a = &m->r[i], *b = &m->r[j];

			test_assert(!ranges_overlap(a->inner, a->count, b->inner, b->count));
			test_assert(!ranges_overlap(a->outer, a->count, b->outer, b->count));
		}
	}
}

static void test_add_single_exhaustive(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();

	for (uint32_t rin = 0; rin < 6; rin++)
		for (uint32_t rout = 0; rout < 6; rout++)
			for (uint32_t cnt = 1; cnt < 6; cnt++)
				for (uint32_t in = 0; in < 12; in++)
					for (uint32_t out = 0; out < 12; out++)
						check_single(m, rin, rout, cnt, in, out);
}

static int make_temp_file(char *tmpl, const char *text)
{
	int fd = mkstemp(tmpl);

	test_assert(fd >= 0);
	test_assert_int(write_all(fd, text, strlen(text)), 0);
	return fd;
}

static void test_read_kernel(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();
	char path[] = "/tmp/test-idmap-XXXXXX", full[] = "/tmp/test-idmap-XXXXXX";
	_cleanup_close_ int fd = -1;

	fd = make_temp_file(path,
			    "         0       1000          1\n"
			    "         1     100000      65536\n"
			    "\n"
			    "4294967294 4294967294 1\n");
	ns_idmap_prepend(m, &R(5, 6, 7));
	test_assert_int(ns_idmap_read_kernel(path, m), 0);
	ASSERT_MAP(m, R(4294967294u, 4294967294u, 1), R(1, 1, 65536), R(0, 0, 1), R(5, 6, 7));
	unlink(path);
	close(take_fd(&fd));

	/* a malformed line fails the call and leaves the map alone */
	static const char *const bad[] = {
		"0 0 1\n0 0\n", "0 0 1 2\n", "0 x 1\n", "-1 0 1\n", "0 0 0\n",
		"0 0 4294967296\n", "00:0:1\n",
		/* reaching id 2^32-1 or wrapping past 2^32 */
		"4294967295 0 1\n", "0 4294967295 1\n", "1 1 4294967295\n",
		"4294967294 4294967294 2\n", "0 0 1\n4294967200 0 100\n",
		"0 0 1x\n", "0 0 +1\n", "0\t0\t1\v\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char p[] = "/tmp/test-idmap-XXXXXX";
		int r;

		fd = make_temp_file(p, bad[i]);
		m->n = 0;
		ns_idmap_prepend(m, &R(5, 6, 7));
		r = ns_idmap_read_kernel(p, m);
		test_assert(r == -EINVAL || r == -ERANGE);
		ASSERT_MAP(m, R(5, 6, 7));
		unlink(p);
		close(take_fd(&fd));
	}

	/* a NUL byte ends no line: the text after it is not ignored, and a
	 * line that starts with one is not blank */
	static const char nul_lines[][12] = { "0 0 1\0 x\n", "\0 junk\n", "0 0\0 1\n" };
	static const size_t nul_len[] = { 10, 7, 8 };
	for (size_t i = 0; i < ARRAY_SIZE(nul_lines); i++) {
		char p[] = "/tmp/test-idmap-XXXXXX";

		fd = mkstemp(p);
		test_assert(fd >= 0);
		test_assert_int(write_all(fd, nul_lines[i], nul_len[i]), 0);
		m->n = 0;
		ns_idmap_prepend(m, &R(5, 6, 7));
		test_assert_int(ns_idmap_read_kernel(p, m), -EINVAL);
		ASSERT_MAP(m, R(5, 6, 7));
		unlink(p);
		close(take_fd(&fd));
	}

	m->n = 0;
	test_assert_int(ns_idmap_read_kernel("/nonexistent/uid_map", m), -ENOENT);
	test_assert_int(m->n, 0);

	/* our own map: pass-through ranges only */
	test_assert_int(ns_idmap_read_kernel("/proc/self/uid_map", m), 0);
	test_assert(m->n >= 1);
	for (size_t i = 0; i < m->n; i++)
		test_assert(m->r[i].inner == m->r[i].outer && m->r[i].count > 0);

	/* full: one line too many for NS_IDMAP_MAX */
	fd = make_temp_file(full, "0 0 1\n");
	m->n = 0;
	for (uint32_t i = 0; i < NS_IDMAP_MAX; i++)
		ns_idmap_prepend(m, &R(i, i, 1));
	test_assert_int(ns_idmap_read_kernel(full, m), -E2BIG);
	test_assert_int(m->n, NS_IDMAP_MAX);
	unlink(full);
}

static void test_format(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();
	const char *want = "0 1000 1\n1 100000 65535\n4294967295 0 1\n";
	char buf[128];

	test_assert_int(ns_idmap_format(m, buf, sizeof(buf)), 0);
	test_assert_str(buf, "");

	raw_prepend(m, R(4294967295u, 0, 1));
	ns_idmap_prepend(m, &R(1, 100000, 65535));
	ns_idmap_prepend(m, &R(0, 1000, 1));
	test_assert_int(ns_idmap_format(m, buf, sizeof(buf)), strlen(want));
	test_assert_str(buf, want);

	/* the text and its NUL must fit */
	test_assert_int(ns_idmap_format(m, buf, strlen(want) + 1), strlen(want));
	test_assert_int(ns_idmap_format(m, buf, strlen(want)), -E2BIG);
	test_assert_int(ns_idmap_format(m, buf, 5), -E2BIG);
	test_assert_int(ns_idmap_format(m, buf, 0), -E2BIG);
}

static void read_back(int dirfd, const char *name, const char *want)
{
	char buf[8192];

	test_assert_int(read_file_at(dirfd, name, buf, sizeof(buf)), strlen(want));
	test_assert_str(buf, want);
}

static void make_empty(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	test_assert(fd >= 0);
	close(fd);
}

/* A directory with regular files stands in for /proc/PID. */
static void test_write(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();
	char dir[] = "/tmp/test-idmap-proc-XXXXXX";
	_cleanup_close_ int dirfd = -1;

	test_assert(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	test_assert(dirfd >= 0);

	/* nothing to open: no file is created */
	ns_idmap_prepend(m, &R(0, 1000, 1));
	test_assert_int(ns_idmap_write(dirfd, NS_UID_MAP, m), -ENOENT);
	test_assert_int(ns_setgroups_write(dirfd, false), -ENOENT);
	test_assert(faccessat(dirfd, "uid_map", F_OK, 0) < 0 && errno == ENOENT);

	make_empty(dirfd, "uid_map");
	make_empty(dirfd, "gid_map");
	make_empty(dirfd, "setgroups");

	ns_idmap_prepend(m, &R(1, 100000, 65535));
	test_assert_int(ns_idmap_write(dirfd, NS_UID_MAP, m), 0);
	read_back(dirfd, "uid_map", "1 100000 65535\n0 1000 1\n");
	read_back(dirfd, "gid_map", "");

	test_assert_int(ns_idmap_write_single(dirfd, NS_GID_MAP, 0, 4294967294u), 0);
	read_back(dirfd, "gid_map", "0 4294967294 1\n");

	test_assert_int(ns_setgroups_write(dirfd, false), 0);
	read_back(dirfd, "setgroups", "deny\n");
	make_empty(dirfd, "setgroups");
	test_assert_int(ns_setgroups_write(dirfd, true), 0);
	read_back(dirfd, "setgroups", "allow\n");

	/* larger than a page: refused before anything is written */
	make_empty(dirfd, "uid_map");
	m->n = 0;
	for (uint32_t i = 0; i < NS_IDMAP_MAX; i++)
		raw_prepend(m, R(4000000000u + i, 4100000000u + i, 1000000000u));
	test_assert_int(ns_idmap_write(dirfd, NS_UID_MAP, m), -E2BIG);
	read_back(dirfd, "uid_map", "");

	/* the largest map the kernel takes still goes out in one piece */
	m->n = 0;
	for (uint32_t i = 0; i < NS_IDMAP_MAX; i++)
		ns_idmap_prepend(m, &R(i, i, 1));
	test_assert_int(ns_idmap_write(dirfd, NS_UID_MAP, m), 0);
	{
		char want[8192];

		test_assert(ns_idmap_format(m, want, sizeof(want)) > 0);
		read_back(dirfd, "uid_map", want);
	}

	/* an empty map is no map */
	m->n = 0;
	test_assert_int(ns_idmap_write(dirfd, NS_GID_MAP, m), -EINVAL);

	unlinkat(dirfd, "uid_map", 0);
	unlinkat(dirfd, "gid_map", 0);
	unlinkat(dirfd, "setgroups", 0);
	test_assert_int(rmdir(dir), 0);
}

static void test_helper_argv(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();
	char **argv = NULL;

	test_assert_int(ns_idmap_helper_argv("newuidmap", 4123, m, &argv), 0);
	test_assert_str(argv[0], "newuidmap");
	test_assert_str(argv[1], "4123");
	test_assert(argv[2] == NULL);
	free(argv);

	ns_idmap_prepend(m, &R(1, 100000, 65535));
	raw_prepend(m, R(0, 4294967295u, 1));
	test_assert_int(ns_idmap_helper_argv("/usr/bin/newgidmap", 2147483647, m, &argv), 0);
	{
		static const char *const want[] = { "/usr/bin/newgidmap", "2147483647", "0",
						    "4294967295", "1", "1", "100000", "65535" };

		for (size_t i = 0; i < ARRAY_SIZE(want); i++)
			test_assert_str(argv[i], want[i]);
		test_assert(argv[ARRAY_SIZE(want)] == NULL);
	}
	/* one allocation: every string lies inside the block after the array */
	for (size_t i = 0; argv[i]; i++)
		test_assert((char *)argv[i] >= (char *)(argv + 9));
	free(argv);

	/* the largest map */
	m->n = 0;
	for (uint32_t i = 0; i < NS_IDMAP_MAX; i++)
		raw_prepend(m, R(4294967295u - i, 4294967295u - i, 1));
	test_assert_int(ns_idmap_helper_argv("h", 1, m, &argv), 0);
	test_assert_str(argv[2], "4294966956");
	test_assert_str(argv[2 + 3 * NS_IDMAP_MAX - 3], "4294967295");
	test_assert_str(argv[2 + 3 * NS_IDMAP_MAX - 1], "1");
	test_assert(argv[2 + 3 * NS_IDMAP_MAX] == NULL);
	free(argv);
}

/* Runs the helper with our stdout pointed at a temp file; returns what it printed. */
static int run_captured(const char *helper, pid_t pid, const struct ns_idmap *m, char *out,
			size_t size)
{
	char path[] = "/tmp/test-idmap-out-XXXXXX";
	int fd, saved, r;

	fd = mkstemp(path);
	test_assert(fd >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	test_assert(saved >= 0);
	test_assert(dup2(fd, STDOUT_FILENO) == STDOUT_FILENO);
	r = ns_idmap_run_helper(helper, pid, m);
	test_assert(dup2(saved, STDOUT_FILENO) == STDOUT_FILENO);
	close(saved);
	test_assert(read_file_at(fd, path, out, size) >= 0);
	close(fd);
	unlink(path);
	return r;
}

static void test_run_helper(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();
	char dir[] = "/tmp/test-idmap-helper-XXXXXX";
	char out[256], script[64], noexec[64];
	int fd;

	ns_idmap_prepend(m, &R(1, 100000, 65535));
	ns_idmap_prepend(m, &R(0, 1000, 1));

	test_assert_int(ns_idmap_run_helper("/nonexistent/newuidmap", 1, m), -ENOENT);
	{
		/* a PATH entry we may not search would turn ENOENT into EACCES,
	 * as execvp(3) says; keep the search to plain directories */
		_cleanup_free_ char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

		test_assert_int(setenv("PATH", "/usr/bin:/bin", 1), 0);
		test_assert_int(ns_idmap_run_helper("nsutils-no-such-helper", 1, m), -ENOENT);
		if (path)
			test_assert_int(setenv("PATH", path, 1), 0);
	}
	test_assert_int(ns_idmap_run_helper("/bin/false", 1, m), -EPROTO);
	test_assert_int(ns_idmap_run_helper("false", 1, m), -EPROTO);
	test_assert_int(ns_idmap_run_helper("/bin/true", 1, m), 0);

	test_assert_int(run_captured("/bin/echo", 4123, m, out, sizeof(out)), 0);
	test_assert_str(out, "4123 0 1000 1 1 100000 65535\n");
	test_assert_int(run_captured("echo", 77, m, out, sizeof(out)), 0);
	test_assert_str(out, "77 0 1000 1 1 100000 65535\n");

	test_assert(mkdtemp(dir));

	/* a file without execute permission: refused even for root */
	snprintf(noexec, sizeof(noexec), "%s/noexec", dir);
	fd = open(noexec, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	test_assert(fd >= 0);
	test_assert_int(write_all(fd, "#!/bin/sh\nexit 0\n", 17), 0);
	close(fd);
	test_assert_int(ns_idmap_run_helper(noexec, 1, m), -EACCES);

	/* a helper killed by a signal failed */
	snprintf(script, sizeof(script), "%s/killed", dir);
	fd = open(script, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	test_assert(fd >= 0);
	test_assert_int(write_all(fd, "#!/bin/sh\nkill -KILL $$\n", 24), 0);
	close(fd);
	/* the filesystem under /tmp may be mounted noexec */
	if (access(script, X_OK) == 0) {
		int r = ns_idmap_run_helper(script, 1, m);

		test_assert(r == -EPROTO || r == -EACCES);
		if (r == -EACCES)
			fprintf(stderr, "skipping signal case: %s is not executable\n", dir);
	}

	unlink(script);
	unlink(noexec);
	test_assert_int(rmdir(dir), 0);
}

/* A child with SIGINT ignored and SIGTERM blocked and stdout on @out_fd
 * (-1: unchanged) that calls ns_idmap_exec_helper() (@nsmap false) or
 * ns_idmap_exec_nsmap() with @helper for PID 4123; it exits 100 + -errno
 * when the call returns. */
static pid_t exec_child(int out_fd, const char *helper, bool nsmap, const struct ns_idmap *m)
{
	pid_t pid = fork();

	test_assert(pid >= 0);
	if (pid == 0) {
		sigset_t term;
		int r;

		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		if (signal(SIGINT, SIG_IGN) == SIG_ERR || sigprocmask(SIG_BLOCK, &term, NULL) < 0 ||
		    (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0))
			_exit(99);
		r = nsmap ? ns_idmap_exec_nsmap(helper, 4123, m, m) :
			    ns_idmap_exec_helper(helper, 4123, m);
		_exit(100 + -r);
	}
	return pid;
}

static int exec_status(int out_fd, const char *helper, bool nsmap, const struct ns_idmap *m)
{
	pid_t pid = exec_child(out_fd, helper, nsmap, m);
	int status;

	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_exec_helper(void)
{
	_cleanup_free_ struct ns_idmap *m = map_new();
	char path[] = "/tmp/test-idmap-exec-XXXXXX", out[4096], status[64];
	int fd, st;
	pid_t pid;

	ns_idmap_prepend(m, &R(1, 100000, 65535));
	ns_idmap_prepend(m, &R(0, 1000, 1));
	fd = mkstemp(path);
	test_assert(fd >= 0);

	/* the argument vectors, the program found in PATH for nsmap's */
	test_assert_int(exec_status(fd, "/bin/echo", false, m), 0);
	test_assert(read_file_at(fd, path, out, sizeof(out)) >= 0);
	test_assert_str(out, "4123 0 1000 1 1 100000 65535\n");
	test_assert_int(ftruncate(fd, 0), 0);
	test_assert(lseek(fd, 0, SEEK_SET) == 0);
	test_assert_int(exec_status(fd, "echo", true, m), 0);
	test_assert(read_file_at(fd, path, out, sizeof(out)) >= 0);
	test_assert_str(out, "--both 4123 0 1000 1 1 100000 65535 -- 0 1000 1 1 100000 65535\n");
	close(fd);
	unlink(path);

	/* the exec's own failure comes back; the helper's status is its own */
	test_assert_int(exec_status(-1, "/nonexistent/newuidmap", false, m), 100 + ENOENT);
	test_assert_int(exec_status(-1, "/etc/passwd", true, m), 100 + EACCES);
	test_assert_int(exec_status(-1, "/bin/false", false, m), 1);

	/* the helper starts with no signal blocked or ignored: sleep(1), which
	 * changes neither, read from outside once it runs (its arguments add
	 * up to hours) */
	pid = exec_child(-1, "/bin/sleep", false, m);
	snprintf(status, sizeof(status), "/proc/%d/status", (int)pid);
	for (int i = 0; i < 500; i++) {
		char comm[32];

		snprintf(out, sizeof(out), "/proc/%d/comm", (int)pid);
		if (read_file_at(AT_FDCWD, out, comm, sizeof(comm)) >= 0 && strcmp(comm, "sleep\n") == 0)
			break;
		usleep(10000);
	}
	test_assert(read_file_at(AT_FDCWD, status, out, sizeof(out)) >= 0);
	kill(pid, SIGKILL);
	test_assert(waitpid(pid, &st, 0) == pid);
	test_assert(strstr(out, "\nSigBlk:\t0000000000000000\n") != NULL);
	test_assert(strstr(out, "\nSigIgn:\t0000000000000000\n") != NULL);
}

int main(void)
{
	test_parse_range();
	test_prepend();
	test_add_single();
	test_add_single_exhaustive();
	test_read_kernel();
	test_format();
	test_write();
	test_helper_argv();
	test_run_helper();
	test_exec_helper();
	return 0;
}
