/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: ns_idmap_add_single() cutting --map-user's hole out of --map-users ranges. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ns.h"
#include "fuzz.h"

static bool within(uint64_t lo, uint64_t n, uint64_t rlo, uint64_t rn)
{
	return lo >= rlo && lo + n <= rlo + rn;
}

static bool holds(uint64_t lo, uint64_t n, uint64_t id)
{
	return id >= lo && id < lo + n;
}

static bool apart(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a + an <= b || b + bn <= a;
}

static uint32_t take(const uint8_t **p, bool small, uint32_t mod, bool none_ok)
{
	uint32_t v;

	memcpy(&v, *p, 4);
	*p += 4;
	if (!small)
		return v;
	if (none_ok && (v & 0x80000000u))
		return NS_ID_NONE;
	return v % mod;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ns_idmap in, map;
	const uint8_t *p = data + 1;
	uint32_t outer, inner;
	bool small, disjoint = true, auto_any = false;
	size_t first;
	int r;

	/* a flag byte, the single (outer, inner), then ranges of twelve bytes */
	if (size < 9)
		return 0;
	small = data[0] & 1;
	outer = take(&p, small, 64, false);
	inner = take(&p, small, 64, true);
	in.n = 0;
	while ((size_t)(p - data) + 12 <= size && in.n < NS_IDMAP_MAX) {
		struct ns_idmap_range *g = &in.r[in.n++];

		g->inner = take(&p, small, 64, true);
		g->outer = take(&p, small, 64, false);
		g->count = take(&p, small, 16, false);
	}
	/* a map at the limit now and then, from the last range repeated */
	if ((data[0] & 2) && in.n > 0)
		while (in.n < NS_IDMAP_MAX - (data[0] >> 6)) {
			in.r[in.n] = in.r[in.n - 1];
			in.n++;
		}

	map = in;
	r = ns_idmap_add_single(&map, outer, inner);
	if (r < 0) {
		fuzz_assert(r == -ERANGE || r == -E2BIG);
		fuzz_assert(memcmp(&map, &in, sizeof(map)) == 0);
		return 0;
	}
	fuzz_assert(map.n <= NS_IDMAP_MAX);
	first = inner != NS_ID_NONE;
	if (first)
		fuzz_assert(map.r[0].inner == inner && map.r[0].outer == outer &&
			    map.r[0].count == 1);
	for (size_t i = 0; i < in.n; i++) {
		const struct ns_idmap_range *a = &in.r[i];

		fuzz_assert(a->count >= 1); /* a range of 0 ids is refused */
		auto_any |= a->inner == NS_ID_NONE;
		for (size_t j = i + 1; j < in.n && disjoint; j++) {
			const struct ns_idmap_range *b = &in.r[j];

			disjoint = apart(a->outer, a->count, b->outer, b->count) &&
				   apart(a->inner == NS_ID_NONE ? 0 : a->inner, a->count,
					 b->inner == NS_ID_NONE ? 0 : b->inner, b->count);
		}
	}
	for (size_t i = first; i < map.n; i++) {
		const struct ns_idmap_range *g = &map.r[i];
		bool from = false;

		/* a line the kernel takes: no wrap, no id 2^32-1 */
		fuzz_assert(g->count >= 1 && g->inner != NS_ID_NONE);
		fuzz_assert((uint64_t)g->inner + g->count <= UINT32_MAX &&
			    (uint64_t)g->outer + g->count <= UINT32_MAX);
		/* the single mapping's ids are cut out of every range */
		if (first)
			fuzz_assert(!holds(g->outer, g->count, outer) &&
				    !holds(g->inner, g->count, inner));
		/* each piece lies inside a range that was asked for: never a
		 * host id nobody named */
		for (size_t j = 0; j < in.n && !from; j++) {
			const struct ns_idmap_range *a = &in.r[j];

			from = within(g->outer, g->count, a->outer, a->count) &&
			       (a->inner == NS_ID_NONE ||
				within(g->inner, g->count, a->inner, a->count));
		}
		fuzz_assert(from);
		/* ranges apart before are apart after (the kernel refuses
		 * overlapping lines) */
		if (disjoint && !auto_any && map.n <= 64)
			for (size_t j = i + 1; j < map.n; j++)
				fuzz_assert(apart(g->outer, g->count, map.r[j].outer, map.r[j].count) &&
					    apart(g->inner, g->count, map.r[j].inner, map.r[j].count));
	}
	/* nothing but the hole is lost: one id of a range the single id
	 * touches (both ends and one past the end count, as in unshare(1);
	 * for an auto range only its outer ids, the inner ones move) */
	if (in.n == 1 && map.n <= 64) {
		const struct ns_idmap_range *a = &in.r[0];
		uint64_t sum = 0, hole = 0;

		for (size_t i = first; i < map.n; i++)
			sum += map.r[i].count;
		if (first && a->inner == NS_ID_NONE)
			hole = holds(a->outer, a->count, outer);
		else if (first)
			hole = holds(a->outer, (uint64_t)a->count + 1, outer) ||
			       holds(a->inner, (uint64_t)a->count + 1, inner);
		fuzz_assert(sum == a->count - hole);
	}
	return 0;
}
