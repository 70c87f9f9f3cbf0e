/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: /proc/PID/stat lines and fd link texts as the /proc scan parses them. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the fields after the command, split as the kernel writes them */
static bool reference(const char *s, long long *ppid, unsigned long long *flags)
{
	const char *p = strrchr(s, ')');
	char *f[7], *copy, *save = NULL;
	int n = 0;
	bool ok = true;

	if (!p)
		return false;
	copy = strdup(p + 1);
	if (!copy)
		abort();
	for (char *t = strtok_r(copy, " ", &save); t && n < 7; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	if (n < 7) {
		free(copy);
		return false;
	}
	/* only the digits before anything else count, as the parser takes them */
	for (int k = 1; k <= 6; k += 5) {
		unsigned long long v = 0;
		const char *d = f[k];

		if (*d < '0' || *d > '9')
			ok = false;
		for (; ok && *d >= '0' && *d <= '9'; d++) {
			if (v > (UINT64_MAX - 9) / 10) {
				ok = false;
				break;
			}
			v = v * 10 + (unsigned)(*d - '0');
		}
		if (k == 1) {
			ok = ok && v <= INT32_MAX;
			*ppid = (long long)v;
		} else {
			ok = ok && v <= UINT32_MAX;
			*flags = v;
		}
	}
	free(copy);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long flags = 0;
	long long ppid_ref = 0;
	char *s, again[64];
	uint64_t ino, ino2;
	bool kt, ok;
	pid_t ppid;
	int r, t;

	if (size > 4096)
		return 0;
	s = strndup((const char *)data, size);
	if (!s)
		abort();
	r = nsi_parse_stat(s, &ppid, &kt);
	ok = reference(s, &ppid_ref, &flags);
	/* the same verdict and values as splitting the line by its spaces */
	if ((r == 0) != ok)
		abort();
	if (r == 0 && (ppid != ppid_ref || kt != !!(flags & 0x00200000) || ppid < 0))
		abort();
	if (r != 0 && r != -EINVAL)
		abort();

	/* an fd's link text: what parses, formatted again, parses the same */
	t = nsi_parse_fd_link(s, &ino);
	if (t >= 0) {
		if (ino == 0 || t > NS_TYPE_MAX)
			abort();
		snprintf(again, sizeof(again), "%s:[%llu]", t == NS_TYPE_MAX ? "socket" :
			 ns_type_name(t), (unsigned long long)ino);
		if (nsi_parse_fd_link(again, &ino2) != t || ino2 != ino)
			abort();
	} else if (t != -1) {
		abort();
	}
	free(s);
	return 0;
}
