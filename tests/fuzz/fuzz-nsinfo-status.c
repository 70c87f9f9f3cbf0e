/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the CapEff line of /proc/PID/status, against the kernel's format. */
#include <errno.h>
#include <inttypes.h>
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
	uint64_t v, v2;
	char *s, *text, line[64];
	const char *p;
	int r;

	if (size > 8192)
		return 0;
	s = strndup((const char *)data, size);
	if (!s)
		abort();
	r = nsi_parse_cap_eff(s, &v);
	if (r != 0 && r != -EINVAL)
		abort();
	p = strstr(s, "\nCapEff:\t");
	/* found only after a line break, and only in the kernel's form */
	if (r == 0 && !p)
		abort();
	if (r == 0) {
		/* the kernel's own line for the value parses to it */
		snprintf(line, sizeof(line), "x\nCapEff:\t%016" PRIx64 "\n", v);
		if (nsi_parse_cap_eff(line, &v2) != 0 || v2 != v)
			abort();
		/* and the text parsed was that line, less leading zeros */
		text = strndup(p + 9, strcspn(p + 9, "\n"));
		if (!text || strtoull(text, NULL, 16) != v || strspn(text, "0123456789abcdef") !=
								  strlen(text))
			abort();
		free(text);
	}
	free(s);
	return 0;
}
