/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Time namespace clock offsets: parsing and /proc/self/timens_offsets. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "ns.h"
#include "ns-internal.h"

int ns_timens_parse_offset(const char *s, int64_t *ret)
{
	uint64_t limit = INT64_MAX, v = 0;
	bool negative = false;
	const char *p;

	if (!s)
		return -EINVAL;
	if (*s == '-' || *s == '+') {
		negative = *s == '-';
		s++;
	}
	if (!*s)
		return -EINVAL;
	/* the whole form first: "1x" with too many digits is still -EINVAL */
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;

	if (negative)
		limit = (uint64_t)INT64_MAX + 1;
	for (p = s; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (limit - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (!negative)
		*ret = (int64_t)v;
	else if (v == (uint64_t)INT64_MAX + 1)
		*ret = INT64_MIN;
	else
		*ret = -(int64_t)v;
	return 0;
}

int ns_timens_set_offset(clockid_t clock, int64_t seconds)
{
	char buf[64];

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	/* "<clock-id> <seconds> <nanoseconds>", one line per write(2); the
	 * offsets are frozen once a process enters the namespace, see
	 * time_namespaces(7) */
	snprintf(buf, sizeof(buf), "%d %" PRId64 " 0", (int)clock, seconds);
	return write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf);
}
