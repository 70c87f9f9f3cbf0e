/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: /etc/subuid text through the chained range check, against brute force. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* an owner field naming uid 1000: digits only, leading zeros allowed, as
 * newuidmap reads a numeric owner */
static bool is_uid_1000(const char *owner)
{
	unsigned long long v = 0;

	if (!*owner)
		return false;
	for (const char *p = owner; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 1000)
			return false;
	}
	return v == 1000;
}

/* whether @id lies in an entry of alice (uid 1000), line by line */
static bool owned(const char *text, uint32_t id)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		char *line = strndup(p, len);
		struct ns_subid s;
		bool hit = false;

		if (!line)
			abort();
		if (ns_subid_parse_line(line, &s) == 0 &&
		    (strcmp(s.owner, "alice") == 0 || is_uid_1000(s.owner)) &&
		    id >= s.start && (uint64_t)id < (uint64_t)s.start + s.count)
			hit = true;
		free(line);
		if (hit)
			return true;
		p += len;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t start, count;
	char *text;
	FILE *f;
	int r;

	/* eight bytes of query (start, a small count), the rest the file */
	if (size < 8)
		return 0;
	memcpy(&start, data, 4);
	memcpy(&count, data + 4, 4);
	count %= 300;
	text = strndup((const char *)data + 8, size - 8);
	if (!text)
		return 0;
	/* small numbers make overlaps and adjacency likely */
	if (data[0] & 1)
		start %= 1000;

	f = fmemopen(text, strlen(text), "r");
	if (!f) {
		free(text);
		return 0;
	}
	r = subid_covers_stream(f, "alice", 1000, start, count);
	fclose(f);
	if (r < 0)
		abort();
	if (count > 0 && (uint64_t)start + count <= (uint64_t)UINT32_MAX + 1) {
		bool all = true;

		for (uint32_t i = 0; i < count && all; i++)
			all = owned(text, start + i);
		if (all != (r == 1))
			abort();
	} else if (r != 0 && count == 0) {
		abort();
	}
	free(text);
	return 0;
}
