/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsmap: the options and the job its files share. */
#ifndef NSUTILS_NSMAP_H
#define NSUTILS_NSMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "ns.h"

#define PATH_SUBUID "/etc/subuid"
#define PATH_SUBGID "/etc/subgid"

/* Invoked as newuidmap or newgidmap, nsmap speaks as that program does:
 * its name, its messages, its single map. */
enum compat { COMPAT_NONE, COMPAT_UID, COMPAT_GID };

struct nsmap_opts {
	enum compat compat;
	bool gid;
	bool both;
	bool autom;
	bool check;
	bool dry_run;
	const char *target;
	char **args[2]; /* the uid and the gid triples */
	size_t nargs[2];
};

/* What the checks found, for the writes. */
struct nsmap_job {
	const char *target;
	int proc;
	struct passwd *pw;
	struct ns_idmap_caller caller;
	bool have[2];
	struct ns_idmap map[2];
	bool from_subid[2];
};

/* Set once by main(), from the name nsmap runs under (compat_from_name()). */
extern enum compat compat;

static inline const char *kind_word(enum ns_idmap_kind k)
{
	return k == NS_GID_MAP ? "gid" : "uid";
}

static inline const char *subid_path(enum ns_idmap_kind k)
{
	return k == NS_GID_MAP ? PATH_SUBGID : PATH_SUBUID;
}

/* nsmap-opts.c: exits on bad usage, --help and --version */
bool parse_target(const char *s, bool *ret_fd, uint32_t *ret);
void parse_options(int argc, char **argv, struct nsmap_opts *o);
void parse_ranges(const struct nsmap_opts *o, struct nsmap_job *j);

/* nsmap-compat.c: as newuidmap or newgidmap, in their words; the noreturn
 * ones exit 1 */
enum compat compat_from_name(const char *argv0);
noreturn void compat_usage(void);
void parse_compat(int argc, char **argv, struct nsmap_opts *o);
noreturn void not_allowed(enum ns_idmap_kind k, const struct ns_idmap_range *bad);
noreturn void compat_bad_args(enum ns_idmap_kind k, char **args, size_t n, int r,
			      const struct nsmap_job *j);

#endif
