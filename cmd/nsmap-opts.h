/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsmap's command line, in nsmap's form or newuidmap's, and the ranges it gives. */
#ifndef NSUTILS_NSMAP_OPTS_H
#define NSUTILS_NSMAP_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ns.h"
#include "nsmap-words.h"

struct nsmap_opts {
	bool gid;
	bool both;
	bool automatic;
	bool check;
	bool dry_run;
	const char *target;
	char **args[2]; /* by enum ns_idmap_kind: the uid and the gid triples */
	size_t nargs[2];
};

/* A target as newuidmap takes it: a decimal PID, or "fd:N". */
bool parse_target(const char *s, bool *ret_fd, uint32_t *ret);

/* The command line in @v's form; exits on bad usage, --help and --version. */
void parse_options(const struct nsmap_voice *v, int argc, char **argv, struct nsmap_opts *o);

/* The maps @o gives, into @map and @have by kind; exits in @v's words on
 * the first thing wrong with them. */
void parse_ranges(const struct nsmap_voice *v, const struct nsmap_opts *o,
		  struct ns_idmap map[2], bool have[2]);

#endif
