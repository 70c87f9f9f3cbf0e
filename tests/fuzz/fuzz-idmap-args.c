/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: newuidmap arguments through ns_idmap_parse_args(), against its promises. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"

#define MAX_ARGS (3 * (NS_IDMAP_MAX + 2))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ns_idmap map;
	char *buf, *args[MAX_ARGS];
	size_t n = 0, bad = SIZE_MAX;
	int r;

	/* the input is the argument list, NUL-separated as execve(2) hands it */
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *p = buf; n < MAX_ARGS; p += strlen(p) + 1) {
		args[n++] = p;
		if (p + strlen(p) >= buf + size)
			break;
	}

	memset(&map, 0xa5, sizeof(map));
	r = ns_idmap_parse_args(args, n, &map, &bad);
	/* the index is written only on failure, and names an argument, n, or
	 * the first past the ranges the kernel takes */
	if ((r == 0) != (bad == SIZE_MAX) || (r < 0 && bad > n && bad != 3 * NS_IDMAP_MAX))
		abort();
	if (r == 0) {
		if (n % 3 != 0 || map.n != n / 3 || map.n == 0 || map.n > NS_IDMAP_MAX)
			abort();
		for (size_t i = 0; i < map.n; i++) {
			const struct ns_idmap_range *range = &map.r[i];
			const uint32_t v[3] = { range->inner, range->outer, range->count };

			if (range->count == 0 ||
			    (uint64_t)range->inner + range->count > UINT32_MAX ||
			    (uint64_t)range->outer + range->count > UINT32_MAX)
				abort();
			/* accepted means plain decimal: each argument is exactly
			 * its value printed back */
			for (int j = 0; j < 3; j++) {
				char num[16];

				snprintf(num, sizeof(num), "%u", v[j]);
				if (strcmp(num, args[3 * i + (size_t)j]) != 0)
					abort();
			}
		}
	} else if (r != -EINVAL && r != -ERANGE && r != -E2BIG) {
		abort();
	}
	free(buf);
	return 0;
}
