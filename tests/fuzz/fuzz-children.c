/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: /proc/TID/children text as ns_kill_descendants() walks it. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *list = fuzz_string(data, size);
	const char *p = list;
	char num[16];

	/* the loop of kill_children(): every step takes a PID and moves on,
	 * or ends the walk */
	while (*p) {
		const char *before = p, *end;
		pid_t pid = -1;
		int r = children_next_pid(&p, &pid);

		if (r < 0) {
			fuzz_assert(r == -EBADMSG || r == -ERANGE);
			fuzz_assert(p == before && pid == -1);
			break;
		}
		/* never 0 or negative, which kill(2) reads as groups */
		fuzz_assert(pid > 0 && p > before);
		/* the digits taken are the number, then only separators */
		end = before + strspn(before, "0123456789");
		fuzz_assert(strspn(end, " \n") == (size_t)(p - end));
		snprintf(num, sizeof(num), "%d", (int)pid);
		while (*before == '0')
			before++;
		fuzz_assert((size_t)(end - before) == strlen(num) &&
			    strncmp(before, num, strlen(num)) == 0);
	}
	free(list);
	return 0;
}
