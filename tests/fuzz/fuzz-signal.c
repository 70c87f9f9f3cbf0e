/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: signal names and numbers (nsrun --kill-child) and ids through cli.c's parsers. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "fuzz.h"

/* @s without leading zeros, as a number prints */
static const char *unpadded(const char *s)
{
	while (s[0] == '0' && s[1])
		s++;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	char num[16];
	uint32_t id = 0xa5a5a5a5;
	int sig, r;

	sig = parse_signal(s);
	if (sig < 0) {
		fuzz_assert(sig == -EINVAL);
	} else {
		fuzz_assert(sig >= 1 && sig < NSIG);
		if (s[0] >= '0' && s[0] <= '9') {
			snprintf(num, sizeof(num), "%d", sig);
			fuzz_assert(strcmp(num, unpadded(s)) == 0);
		} else {
			/* a name reads back as itself, or as one of the old aliases */
			const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
			const char *abbrev = sigabbrev_np(sig);

			fuzz_assert((abbrev && strcasecmp(name, abbrev) == 0) ||
				    (sig == SIGABRT && strcasecmp(name, "IOT") == 0) ||
				    (sig == SIGCHLD && strcasecmp(name, "CLD") == 0) ||
				    (sig == SIGIO && strcasecmp(name, "POLL") == 0));
		}
	}

	r = parse_id(s, &id);
	if (r < 0) {
		fuzz_assert(r == -EINVAL && id == 0xa5a5a5a5);
	} else {
		/* below (uint32_t)-1, and exactly the digits given */
		fuzz_assert(id != UINT32_MAX);
		snprintf(num, sizeof(num), "%u", id);
		fuzz_assert(strcmp(num, unpadded(s)) == 0);
	}
	free(s);
	return 0;
}
