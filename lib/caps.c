/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capability sets through capget(2), capset(2) and prctl(2), without libcap. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "ns.h"
#include "ns-internal.h"

/* Version 3 of the kernel's interface carries 64 bits per set in two
 * 32-bit halves; see capget(2). No libc wraps these calls, and libcap's
 * start-up probing (a run of prctl(2) calls in every program linked to
 * it) is more than reading three masks needs. */
int caps_get(struct caps *ret)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { { 0 } };

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	ret->effective = d[0].effective | (uint64_t)d[1].effective << 32;
	ret->permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
	ret->inheritable = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

int caps_set(const struct caps *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
		{ (uint32_t)c->effective, (uint32_t)c->permitted, (uint32_t)c->inheritable },
		{ (uint32_t)(c->effective >> 32), (uint32_t)(c->permitted >> 32),
		  (uint32_t)(c->inheritable >> 32) },
	};

	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

bool caps_effective(int cap)
{
	struct caps c;

	return cap >= 0 && cap < 64 && caps_get(&c) == 0 && (c.effective & (1ull << cap));
}

int ns_caps_last(void)
{
	/* one kernel-wide value, the same in every namespace and for the
	 * whole boot: read once per process (nsmap asks a dozen times) */
	static int cached = -1;
	int last = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	char buf[32];
	uint32_t v;
	int r;

	if (last >= 0)
		return last;
	/* the kernel's own answer; the headers' last capability is the
	 * fallback for a /proc without it (before Linux 3.2) */
	r = read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof(buf));
	if (r > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_u32(buf, &v) == 0 && v < 64) {
			__atomic_store_n(&cached, (int)v, __ATOMIC_RELAXED);
			return (int)v;
		}
	}
	return CAP_LAST_CAP;
}

/* 1 if @cap is in the bounding set, 0 if not, -errno */
static int bound(int cap)
{
	int r = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);

	return r < 0 ? -errno : r;
}

int ns_caps_keep_ambient(void)
{
	int last = ns_caps_last();
	struct caps c;
	int r;

	r = caps_get(&c);
	if (r < 0)
		return r;
	/* capset(2) refuses inheritable bits outside the bounding set, and
	 * raising an ambient bit needs it permitted and inheritable
	 * (capabilities(7)), so only permitted caps still in the bounding set
	 * can be carried over */
	c.inheritable = 0;
	for (int cap = 0; cap <= last && cap < 64; cap++)
		if ((c.permitted & (1ull << cap)) && bound(cap) > 0)
			c.inheritable |= 1ull << cap;
	r = caps_set(&c);
	if (r < 0)
		return r;

	for (int cap = 0; cap <= last && cap < 64; cap++)
		if ((c.inheritable & (1ull << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0) < 0)
			return -errno;
	return 0;
}

static bool keep_cap(uint64_t keep, int cap)
{
	return cap < 64 && (keep & (1ull << cap));
}

int ns_caps_bound(uint64_t keep)
{
	int last = ns_caps_last();
	struct caps saved, raised;
	bool restore = false;
	int r;

	r = caps_get(&saved);
	if (r < 0)
		return r;

	/* PR_CAPBSET_DROP needs CAP_SETPCAP effective (prctl(2)); a caller
	 * without it permitted gets the drops' EPERM, which is the answer */
	if (saved.permitted & (1ull << CAP_SETPCAP)) {
		raised = saved;
		raised.effective |= 1ull << CAP_SETPCAP;
		r = caps_set(&raised);
		if (r < 0)
			return r;
		restore = true;
	}

	r = 0;
	for (int cap = 0; cap <= last; cap++) {
		if (cap == CAP_SETPCAP || keep_cap(keep, cap))
			continue;
		/* already gone: nothing to do, and no privilege needed */
		if (bound(cap) <= 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0) {
			r = -errno;
			goto out;
		}
	}
	/* the bounding set only limits what execve(2) may grant, so CAP_SETPCAP
	 * stays effective after this; last so that a failure above leaves it */
	if (!keep_cap(keep, CAP_SETPCAP) && bound(CAP_SETPCAP) > 0 &&
	    prctl(PR_CAPBSET_DROP, (unsigned long)CAP_SETPCAP, 0, 0, 0) < 0)
		r = -errno;

out:
	if (restore) {
		int q = caps_set(&saved);

		if (q < 0 && r == 0)
			r = q;
	}
	return r;
}
