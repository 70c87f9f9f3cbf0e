/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsrun --rlimit specs through ns_rlimit_parse() and ns_rlimit_resolve(). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "fuzz.h"

static void value(char *buf, size_t size, unsigned set, unsigned bit, unsigned max_bit,
		  uint64_t v)
{
	if (!(set & bit))
		buf[0] = '\0';
	else if (set & max_bit)
		snprintf(buf, size, "max");
	else if (v == NS_RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	char spec[128], soft_s[32], hard_s[32];
	struct ns_rlimit rl, again;
	uint64_t soft, hard;
	const char *name;
	int r;

	memset(&rl, 0xa5, sizeof(rl));
	r = ns_rlimit_parse(s, &rl);
	if (r < 0) {
		fuzz_assert(r == -EINVAL || r == -ERANGE);
		free(s);
		return 0;
	}
	name = ns_rlimit_name(rl.resource);
	fuzz_assert(name && ns_rlimit_from_name(name, strlen(name)) == rl.resource);
	/* something is set, and "max" only for what is set */
	fuzz_assert(rl.set & (NS_RLIMIT_SOFT | NS_RLIMIT_HARD));
	fuzz_assert(!(rl.set & ~(unsigned)(NS_RLIMIT_SOFT | NS_RLIMIT_HARD | NS_RLIMIT_SOFT_MAX |
					   NS_RLIMIT_HARD_MAX)));
	fuzz_assert(!(rl.set & NS_RLIMIT_SOFT_MAX) || (rl.set & NS_RLIMIT_SOFT));
	fuzz_assert(!(rl.set & NS_RLIMIT_HARD_MAX) || (rl.set & NS_RLIMIT_HARD));
	/* a single value is the soft limit */
	if (!strchr(s, ':'))
		fuzz_assert(rl.set & NS_RLIMIT_SOFT && !(rl.set & NS_RLIMIT_HARD));

	/* printed back, it reads the same */
	value(soft_s, sizeof(soft_s), rl.set, NS_RLIMIT_SOFT, NS_RLIMIT_SOFT_MAX, rl.soft);
	value(hard_s, sizeof(hard_s), rl.set, NS_RLIMIT_HARD, NS_RLIMIT_HARD_MAX, rl.hard);
	snprintf(spec, sizeof(spec), "%s=%s%s%s", name, soft_s, rl.set & NS_RLIMIT_HARD ? ":" : "",
		 hard_s);
	memset(&again, 0, sizeof(again));
	fuzz_assert(ns_rlimit_parse(spec, &again) == 0);
	fuzz_assert(again.resource == rl.resource && again.set == rl.set);
	fuzz_assert(!(rl.set & NS_RLIMIT_SOFT) || (rl.set & NS_RLIMIT_SOFT_MAX) ||
		    again.soft == rl.soft);
	fuzz_assert(!(rl.set & NS_RLIMIT_HARD) || (rl.set & NS_RLIMIT_HARD_MAX) ||
		    again.hard == rl.hard);

	/* what it comes to against our limits never has soft above hard */
	r = ns_rlimit_resolve(&rl, &soft, &hard);
	if (r == 0) {
		fuzz_assert(soft <= hard);
		if ((rl.set & (NS_RLIMIT_SOFT | NS_RLIMIT_SOFT_MAX)) == NS_RLIMIT_SOFT)
			fuzz_assert(soft == rl.soft);
		if ((rl.set & (NS_RLIMIT_HARD | NS_RLIMIT_HARD_MAX)) == NS_RLIMIT_HARD)
			fuzz_assert(hard == rl.hard);
	} else {
		fuzz_assert(r == -ERANGE);
	}
	free(s);
	return 0;
}
