/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: uid_map text through ns_idmap_read_kernel() (--map-users=all), against its rules. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "fuzz.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One line, its newline cut off, as ns.h describes it: three decimal
 * numbers between blanks, nothing else (a NUL byte included). */
static int reference_line(const char *s, size_t len, struct ns_idmap_range *ret)
{
	uint64_t v[3];
	size_t i = 0;

	for (int f = 0; f < 3; f++) {
		size_t digits = 0;

		if (f > 0 && (i == len || !blank(s[i])))
			return -EINVAL;
		while (i < len && blank(s[i]))
			i++;
		v[f] = 0;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
			if (v[f] <= UINT32_MAX)
				v[f] = v[f] * 10 + (uint64_t)(s[i] - '0');
		if (digits == 0)
			return -EINVAL;
	}
	while (i < len && blank(s[i]))
		i++;
	if (i != len)
		return -EINVAL;
	if (v[0] > UINT32_MAX || v[1] > UINT32_MAX || v[2] > UINT32_MAX)
		return -ERANGE;
	if (v[2] == 0 || v[0] + v[2] > UINT32_MAX || v[1] + v[2] > UINT32_MAX)
		return -ERANGE;
	*ret = (struct ns_idmap_range){ (uint32_t)v[0], (uint32_t)v[0], (uint32_t)v[2] };
	return 0;
}

static int reference(const char *text, size_t size, struct ns_idmap *map)
{
	size_t pos = 0;

	while (pos < size) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - text - pos) : size - pos;
		struct ns_idmap_range range;
		size_t i = 0;
		int r;

		while (i < len && blank(text[pos + i]))
			i++;
		if (i < len) {
			r = reference_line(text + pos, len, &range);
			if (r < 0)
				return r;
			if (map->n == NS_IDMAP_MAX)
				return -E2BIG;
			memmove(&map->r[1], &map->r[0], map->n * sizeof(map->r[0]));
			map->r[0] = range;
			map->n++;
		}
		pos += len + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ns_idmap map, want, before, again;
	static char text[NS_IDMAP_MAX * 40];
	char path[64];
	int fd, r, rr, len;

	/* a byte for how many ranges the map holds before, then the file */
	if (size < 1)
		return 0;
	memset(&map, 0, sizeof(map));
	map.n = data[0] % 8 == 7 ? NS_IDMAP_MAX - data[0] / 8 % 4 : data[0] % 8;
	for (size_t i = 0; i < map.n; i++)
		map.r[i] = (struct ns_idmap_range){ (uint32_t)i * 10, (uint32_t)i * 10, 5 };
	before = want = map;

	fd = fuzz_file(data + 1, size - 1, path, sizeof(path));
	r = ns_idmap_read_kernel(path, &map);
	close(fd);
	rr = reference((const char *)data + 1, size - 1, &want);
	/* which of form and value a line breaks first is not promised */
	if (rr == -EINVAL || rr == -ERANGE)
		fuzz_assert(r == -EINVAL || r == -ERANGE);
	else
		fuzz_assert(r == rr);
	if (r < 0) {
		fuzz_assert(memcmp(&map, &before, sizeof(map)) == 0);
		return 0;
	}
	fuzz_assert(memcmp(&map, &want, sizeof(map)) == 0);

	/* what the map formats to reads back as the same ranges, in turn */
	len = ns_idmap_format(&map, text, sizeof(text));
	fuzz_assert(len >= 0);
	fd = fuzz_file(text, (size_t)len, path, sizeof(path));
	memset(&again, 0, sizeof(again));
	fuzz_assert(ns_idmap_read_kernel(path, &again) == 0);
	close(fd);
	fuzz_assert(again.n == map.n);
	for (size_t i = 0; i < map.n; i++) {
		const struct ns_idmap_range *a = &again.r[i], *m = &map.r[map.n - 1 - i];

		fuzz_assert(a->inner == m->inner && a->outer == m->inner && a->count == m->count);
	}
	return 0;
}
