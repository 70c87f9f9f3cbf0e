/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsrun --timeout durations through parse_duration(), timeout(1)'s syntax. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	uint64_t ms = 0xa5a5a5a5a5a5a5a5ull;
	size_t len = strlen(s), digits;
	int r;

	r = parse_duration(s, &ms);
	if (r < 0) {
		fuzz_assert(r == -EINVAL || r == -ERANGE);
		fuzz_assert(ms == 0xa5a5a5a5a5a5a5a5ull);
		free(s);
		return 0;
	}
	/* a number, then at most one unit letter */
	fuzz_assert(len > 0 && ((s[0] >= '0' && s[0] <= '9') || s[0] == '.'));
	fuzz_assert(!strpbrk(s, " \t\nxXpP"));
	fuzz_assert(strspn(s, "0123456789.eE+-") >= len - 1);
	/* the value fits, with room to add a start time: no overflow */
	fuzz_assert(ms < 18000000000000000000ull);
	/* whole numbers of seconds, minutes, hours or days are exact */
	digits = strspn(s, "0123456789");
	if (digits <= 9 && (digits == len || (digits == len - 1 && strchr("smhd", s[len - 1])))) {
		uint64_t v = strtoull(s, NULL, 10), unit = 1000;

		switch (s[digits]) {
		case 'm': unit = 60000; break;
		case 'h': unit = 3600000; break;
		case 'd': unit = 86400000; break;
		}
		fuzz_assert(ms == v * unit);
	} else {
		/* rounded up: never shorter than asked, and never 0 for a
		 * duration that is not */
		double v = strtod(s, NULL);

		fuzz_assert(isfinite(v) && v >= 0);
		fuzz_assert(v == 0 || ms > 0);
	}
	free(s);
	return 0;
}
