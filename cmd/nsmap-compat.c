/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsmap as newuidmap or newgidmap: their argument form, usage line and answers to bad ranges. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "cli.h"
#include "nsmap.h"

enum compat compat;

enum compat compat_from_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	if (strcmp(base, "newuidmap") == 0)
		return COMPAT_UID;
	if (strcmp(base, "newgidmap") == 0)
		return COMPAT_GID;
	return COMPAT_NONE;
}

noreturn void compat_usage(void)
{
	const char *id = compat == COMPAT_GID ? "gid" : "uid";

	fprintf(stderr, "usage: %s <pid> <%s> <lower%s> <count> [ <%s> <lower%s> <count> ] ... \n",
		program_name, id, id, id, id);
	exit(1);
}

void parse_compat(int argc, char **argv, struct nsmap_opts *o)
{
	int k = compat == COMPAT_GID ? NS_GID_MAP : NS_UID_MAP;

	if (argc < 2)
		compat_usage();
	o->target = argv[1];
	o->args[k] = argv + 2;
	o->nargs[k] = (size_t)(argc - 2);
	o->gid = k == NS_GID_MAP;
}

noreturn void not_allowed(enum ns_idmap_kind k, const struct ns_idmap_range *bad)
{
	diex("%s range [%lu-%lu) -> [%lu-%lu) not allowed", kind_word(k), (unsigned long)bad->inner,
	     (unsigned long)bad->inner + bad->count, (unsigned long)bad->outer,
	     (unsigned long)bad->outer + bad->count);
}

/* A number strtoul(3) cannot hold: newuidmap's usage error, not its
 * overflow. */
static bool beyond_ulong(const char *s)
{
	size_t len = strlen(s);

	return len > 20 || (len == 20 && strcmp(s, "18446744073709551615") > 0);
}

/* newuidmap's answer to bad ranges, in its order: it reads the triples one
 * by one (usage for what is no number, its overflow message for values too
 * large), then checks them in order, where a count of 0 is a range not
 * allowed. */
noreturn void compat_bad_args(enum ns_idmap_kind k, char **args, size_t n, int r,
			      const struct nsmap_job *j)
{
	size_t ranges = (n + 2) / 3;

	if (n % 3 != 0) {
		fprintf(stderr, "ranges: %zu argc: %zu\n", ranges, n);
		fprintf(stderr, "%s: Not enough arguments to form %zu mappings\n", program_name,
			ranges);
		compat_usage();
	}
	if (r == -E2BIG)
		compat_usage();
	for (size_t i = 0; i < n; i += 3) {
		char *one_count[3] = { args[i], args[i + 1], (char *)"1" };
		struct ns_idmap one;
		int e = ns_idmap_parse_args(args + i, 3, &one);

		if (e == -EINVAL)
			compat_usage();
		if (e == -ERANGE && (strcmp(args[i + 2], "0") != 0 ||
				     ns_idmap_parse_args(one_count, 3, &one) < 0)) {
			for (size_t f = i; f < i + 3; f++)
				if (beyond_ulong(args[f]))
					compat_usage();
			diex("subuid overflow detected.");
		}
	}
	for (size_t i = 0; i < n; i += 3) {
		char *one_count[3] = { args[i], args[i + 1], (char *)"1" };
		struct ns_idmap one;

		if (strcmp(args[i + 2], "0") == 0) {
			ns_idmap_parse_args(one_count, 3, &one);
			one.r[0].count = 0;
			not_allowed(k, &one.r[0]);
		}
		ns_idmap_parse_args(args + i, 3, &one);
		if (ns_idmap_check(k, &one, &j->caller, subid_path(k), NULL, NULL) < 0)
			not_allowed(k, &one.r[0]);
	}
	compat_usage();
}
