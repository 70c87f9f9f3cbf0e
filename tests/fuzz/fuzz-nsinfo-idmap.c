/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: uid_map text as nsls reads it, against the kernel's rules, round-tripped. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ns_idmap *map, *again;
	char *text;
	size_t len = 0;
	int r;

	if (size > NS_IDMAP_MAX * 40)
		return 0;
	map = malloc(sizeof(*map));
	again = malloc(sizeof(*again));
	text = malloc(NS_IDMAP_MAX * 33 + 1);
	if (!map || !again || !text)
		abort();
	r = nsi_parse_idmap((const char *)data, size, map);
	if (r != 0 && r != -EINVAL)
		abort();
	if (r == 0) {
		/* every range within what the kernel allows */
		if (map->n > NS_IDMAP_MAX)
			abort();
		for (size_t k = 0; k < map->n; k++) {
			const struct ns_idmap_range *g = &map->r[k];

			if (g->count == 0 || (uint64_t)g->inner + g->count > UINT32_MAX ||
			    (uint64_t)g->outer + g->count > UINT32_MAX)
				abort();
		}
		/* the map as the kernel would print it parses to the same map */
		for (size_t k = 0; k < map->n; k++)
			len += (size_t)sprintf(text + len, "%10u %10u %10u\n", map->r[k].inner,
					       map->r[k].outer, map->r[k].count);
		if (nsi_parse_idmap(text, len, again) != 0 || again->n != map->n ||
		    memcmp(again->r, map->r, map->n * sizeof(map->r[0])) != 0)
			abort();
	}
	free(map);
	free(again);
	free(text);
	return 0;
}
