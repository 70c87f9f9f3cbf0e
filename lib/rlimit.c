/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource limits by prlimit(1)'s names: "NAME=SOFT[:HARD]" and applying it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "ns.h"
#include "ns-internal.h"

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "AS",         RLIMIT_AS         },
	{ "CORE",       RLIMIT_CORE       },
	{ "CPU",        RLIMIT_CPU        },
	{ "DATA",       RLIMIT_DATA       },
	{ "FSIZE",      RLIMIT_FSIZE      },
	{ "LOCKS",      RLIMIT_LOCKS      },
	{ "MEMLOCK",    RLIMIT_MEMLOCK    },
	{ "MSGQUEUE",   RLIMIT_MSGQUEUE   },
	{ "NICE",       RLIMIT_NICE       },
	{ "NOFILE",     RLIMIT_NOFILE     },
	{ "NPROC",      RLIMIT_NPROC      },
	{ "RSS",        RLIMIT_RSS        },
	{ "RTPRIO",     RLIMIT_RTPRIO     },
	{ "RTTIME",     RLIMIT_RTTIME     },
	{ "SIGPENDING", RLIMIT_SIGPENDING },
	{ "STACK",      RLIMIT_STACK      },
};

const char *ns_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return NULL;
}

int ns_rlimit_from_name(const char *name, size_t len)
{
	if (len > 7 && strncasecmp(name, "RLIMIT_", 7) == 0) {
		name += 7;
		len -= 7;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (strlen(rlimits[i].name) == len && strncasecmp(rlimits[i].name, name, len) == 0)
			return rlimits[i].resource;
	return -EINVAL;
}

/* One value of @len bytes: decimal, "unlimited"/"infinity", or "max". */
static int parse_value(const char *s, size_t len, uint64_t *ret, bool *ret_max)
{
	uint64_t v = 0;

	*ret_max = false;
	if ((len == 9 && strncmp(s, "unlimited", 9) == 0) ||
	    (len == 8 && strncmp(s, "infinity", 8) == 0)) {
		*ret = NS_RLIM_INFINITY;
		return 0;
	}
	if (len == 3 && strncmp(s, "max", 3) == 0) {
		*ret_max = true;
		*ret = 0;
		return 0;
	}
	if (len == 0 || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v >= NS_RLIM_INFINITY)
		return -ERANGE;
	*ret = v;
	return 0;
}

int ns_rlimit_parse(const char *spec, struct ns_rlimit *ret)
{
	const char *eq = strchr(spec, '='), *val, *colon;
	struct ns_rlimit rl = { 0 };
	bool max;
	int r;

	if (!eq)
		return -EINVAL;
	r = ns_rlimit_from_name(spec, (size_t)(eq - spec));
	if (r < 0)
		return r;
	rl.resource = r;
	val = eq + 1;
	colon = strchr(val, ':');
	if (!colon) {
		r = parse_value(val, strlen(val), &rl.soft, &max);
		if (r < 0)
			return r;
		rl.set = NS_RLIMIT_SOFT | (max ? NS_RLIMIT_SOFT_MAX : 0);
	} else {
		size_t slen = (size_t)(colon - val);
		const char *h = colon + 1;

		if (slen == 0 && !*h)
			return -EINVAL;
		if (slen) {
			r = parse_value(val, slen, &rl.soft, &max);
			if (r < 0)
				return r;
			rl.set |= NS_RLIMIT_SOFT | (max ? NS_RLIMIT_SOFT_MAX : 0);
		}
		if (*h) {
			r = parse_value(h, strlen(h), &rl.hard, &max);
			if (r < 0)
				return r;
			rl.set |= NS_RLIMIT_HARD | (max ? NS_RLIMIT_HARD_MAX : 0);
		}
	}
	*ret = rl;
	return 0;
}

int ns_rlimit_resolve(const struct ns_rlimit *rl, uint64_t *ret_soft, uint64_t *ret_hard)
{
	struct rlimit cur;
	uint64_t soft, hard;

	if (getrlimit(rl->resource, &cur) < 0)
		return -errno;
	hard = cur.rlim_max;
	if (rl->set & NS_RLIMIT_HARD)
		hard = rl->set & NS_RLIMIT_HARD_MAX ? cur.rlim_max : rl->hard;
	soft = cur.rlim_cur;
	if (rl->set & NS_RLIMIT_SOFT)
		soft = rl->set & NS_RLIMIT_SOFT_MAX ? hard : rl->soft;
	else if (soft > hard)
		/* lowering only the hard limit takes the soft one along */
		soft = hard;
	if (soft > hard)
		return -ERANGE;
	*ret_soft = soft;
	*ret_hard = hard;
	return 0;
}

int ns_rlimit_apply(const struct ns_rlimit *rl)
{
	uint64_t soft, hard;
	struct rlimit v;
	int r = ns_rlimit_resolve(rl, &soft, &hard);

	if (r < 0)
		return r;
	v.rlim_cur = soft;
	v.rlim_max = hard;
	if (setrlimit(rl->resource, &v) < 0)
		return -errno;
	return 0;
}
