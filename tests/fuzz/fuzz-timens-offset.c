/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsrun --monotonic/--boottime offsets through ns_timens_parse_offset(). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), num[32];
	const char *digits = s + (s[0] == '+' || s[0] == '-');
	int64_t v = 0x5a5a5a5a, again;
	int r;

	r = ns_timens_parse_offset(s, &v);
	if (r < 0) {
		fuzz_assert((r == -EINVAL || r == -ERANGE) && v == 0x5a5a5a5a);
		/* out of range only for a well-formed number */
		if (r == -ERANGE)
			fuzz_assert(*digits && strspn(digits, "0123456789") == strlen(digits));
		free(s);
		return 0;
	}
	/* the number printed reads back the same, and is the input but for a
	 * '+' and leading zeros */
	snprintf(num, sizeof(num), "%" PRId64, v);
	fuzz_assert(ns_timens_parse_offset(num, &again) == 0 && again == v);
	while (digits[0] == '0' && digits[1])
		digits++;
	fuzz_assert(strcmp(num + (v < 0), digits) == 0);
	fuzz_assert((v < 0) == (s[0] == '-' && strcmp(digits, "0") != 0));
	free(s);
	return 0;
}
