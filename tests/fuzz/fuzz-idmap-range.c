/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsrun's map ranges through ns_idmap_parse_range(), against its rules. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "fuzz.h"

/* The rules as ns.h states them, written out again: three fields of
 * decimal digits split by one kind of separator, form before values. */
static int reference(const char *s, struct ns_idmap_range *ret)
{
	uint64_t v[3] = { 0, 0, 0 };
	bool colon = strchr(s, ':'), comma = strchr(s, ',');
	char sep = colon ? ':' : ',';
	int field = 0;
	size_t digits = 0;

	if (colon == comma)
		return -EINVAL;
	for (const char *p = s;; p++) {
		if (*p == sep || !*p) {
			if (digits == 0 || (field == 2 && *p))
				return -EINVAL;
			if (!*p)
				break;
			field++;
			digits = 0;
		} else if (*p >= '0' && *p <= '9') {
			digits++;
			if (v[field] <= UINT32_MAX)
				v[field] = v[field] * 10 + (uint64_t)(*p - '0');
		} else {
			return -EINVAL;
		}
	}
	if (field != 2)
		return -EINVAL;
	for (int i = 0; i < 3; i++)
		if (v[i] > UINT32_MAX)
			return -ERANGE;
	if (colon)
		*ret = (struct ns_idmap_range){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
	else
		*ret = (struct ns_idmap_range){ (uint32_t)v[1], (uint32_t)v[0], (uint32_t)v[2] };
	if (ret->count == 0 || (uint64_t)ret->inner + ret->count > UINT32_MAX ||
	    (uint64_t)ret->outer + ret->count > UINT32_MAX)
		return -ERANGE;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ns_idmap map;
	struct ns_idmap_range got, want, again;
	char *s = fuzz_string(data, size);
	char text[64], line[64];
	int r, rr;

	memset(&got, 0xa5, sizeof(got));
	r = ns_idmap_parse_range(s, &got);
	rr = reference(s, &want);
	fuzz_assert(r == rr);
	if (r == 0) {
		fuzz_assert(got.inner == want.inner && got.outer == want.outer &&
			    got.count == want.count);
		fuzz_assert(got.count >= 1 && (uint64_t)got.inner + got.count <= UINT32_MAX &&
			    (uint64_t)got.outer + got.count <= UINT32_MAX);
		/* both spellings of the range read back to it */
		snprintf(text, sizeof(text), "%u:%u:%u", got.inner, got.outer, got.count);
		fuzz_assert(ns_idmap_parse_range(text, &again) == 0);
		fuzz_assert(memcmp(&again, &got, sizeof(got)) == 0);
		snprintf(text, sizeof(text), "%u,%u,%u", got.outer, got.inner, got.count);
		fuzz_assert(ns_idmap_parse_range(text, &again) == 0);
		fuzz_assert(memcmp(&again, &got, sizeof(got)) == 0);
		/* and it is a line the map takes and formats as the kernel reads it */
		map.n = 0;
		fuzz_assert(ns_idmap_prepend(&map, &got) == 0);
		fuzz_assert(ns_idmap_format(&map, text, sizeof(text)) > 0);
		snprintf(line, sizeof(line), "%u %u %u\n", got.inner, got.outer, got.count);
		fuzz_assert(strcmp(text, line) == 0);
	} else {
		fuzz_assert(r == -EINVAL || r == -ERANGE);
	}
	free(s);
	return 0;
}
