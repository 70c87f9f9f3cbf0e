/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inheritable, ambient and bounding capability sets through libcap. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/capability.h>

#include "ns.h"
#include "ns-internal.h"

int ns_caps_last(void)
{
	char buf[32];
	uint32_t last;
	int r;

	/* the kernel's own answer; libcap's guess is the fallback for a /proc
	 * without it (before Linux 3.2) */
	r = read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof(buf));
	if (r > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_u32(buf, &last) == 0 && last < 64)
			return (int)last;
	}
	return (int)cap_max_bits() - 1;
}

int ns_caps_keep_ambient(void)
{
	_cleanup_cap_ cap_t caps = NULL;
	int last = ns_caps_last();

	caps = cap_get_proc();
	if (!caps)
		return -errno;
	/* capset(2) refuses inheritable bits outside the bounding set, and
	 * raising an ambient bit needs it permitted and inheritable
	 * (capabilities(7)), so only permitted caps still in the bounding set
	 * can be carried over */
	if (cap_clear_flag(caps, CAP_INHERITABLE) < 0)
		return -errno;
	for (cap_value_t cap = 0; cap <= last; cap++) {
		cap_flag_value_t v;

		if (cap_get_flag(caps, cap, CAP_PERMITTED, &v) < 0)
			return -errno;
		if (v == CAP_SET && cap_get_bound(cap) > 0 &&
		    cap_set_flag(caps, CAP_INHERITABLE, 1, &cap, CAP_SET) < 0)
			return -errno;
	}
	if (cap_set_proc(caps) < 0)
		return -errno;

	for (cap_value_t cap = 0; cap <= last; cap++) {
		cap_flag_value_t v;

		if (cap_get_flag(caps, cap, CAP_INHERITABLE, &v) < 0)
			return -errno;
		if (v == CAP_SET && cap_set_ambient(cap, CAP_SET) < 0)
			return -errno;
	}
	return 0;
}

static bool keep_cap(uint64_t keep, cap_value_t cap)
{
	return cap < 64 && (keep & (1ull << cap));
}

int ns_caps_bound(uint64_t keep)
{
	_cleanup_cap_ cap_t saved = NULL;
	_cleanup_cap_ cap_t raised = NULL;
	const cap_value_t setpcap = CAP_SETPCAP;
	int last = ns_caps_last();
	cap_flag_value_t permitted;
	bool restore = false;
	int r = 0;

	saved = cap_get_proc();
	if (!saved)
		return -errno;
	if (cap_get_flag(saved, CAP_SETPCAP, CAP_PERMITTED, &permitted) < 0)
		return -errno;

	/* PR_CAPBSET_DROP needs CAP_SETPCAP effective (prctl(2)); a caller
	 * without it permitted gets the drops' EPERM, which is the answer */
	if (permitted == CAP_SET) {
		raised = cap_dup(saved);
		if (!raised)
			return -errno;
		if (cap_set_flag(raised, CAP_EFFECTIVE, 1, &setpcap, CAP_SET) < 0)
			return -errno;
		if (cap_set_proc(raised) < 0)
			return -errno;
		restore = true;
	}

	for (cap_value_t cap = 0; cap <= last; cap++) {
		if (cap == CAP_SETPCAP || keep_cap(keep, cap))
			continue;
		/* already gone: nothing to do, and no privilege needed */
		if (cap_get_bound(cap) <= 0)
			continue;
		if (cap_drop_bound(cap) < 0) {
			r = -errno;
			goto out;
		}
	}
	/* the bounding set only limits what execve(2) may grant, so CAP_SETPCAP
	 * stays effective after this; last so that a failure above leaves it */
	if (!keep_cap(keep, CAP_SETPCAP) && cap_get_bound(CAP_SETPCAP) > 0 &&
	    cap_drop_bound(CAP_SETPCAP) < 0)
		r = -errno;

out:
	if (restore && cap_set_proc(saved) < 0 && r == 0)
		r = -errno;
	return r;
}
