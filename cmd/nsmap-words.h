/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsmap's voices: its own words, and newuidmap's and newgidmap's (shadow 4.20). */
#ifndef NSUTILS_NSMAP_WORDS_H
#define NSUTILS_NSMAP_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "ns.h"

/* Everything nsmap can refuse or fail at. Each voice turns one into its
 * own words; struct nsmap_why carries what the words may name. */
enum nsmap_fail {
	NSMAP_USAGE,		/* the usage line of newuidmap's argument form */
	NSMAP_BAD_TARGET,	/* target: neither a PID nor fd:N */
	NSMAP_PID_ZERO,		/* pid: PID 0 */
	NSMAP_NO_PROCESS,	/* pid: no such process, or hidden */
	NSMAP_NOT_PROC_DIR,	/* target: fd:N is no /proc/PID directory */
	NSMAP_TARGET_FD,	/* target, err: fd:N unusable */
	NSMAP_NO_USER,		/* ids: no passwd entry for the real uid */
	NSMAP_STAT,		/* target, err */
	NSMAP_NOT_OWNER,	/* target, ids: the target is not the caller's */
	NSMAP_REAPED,		/* target: reaped since it was opened */
	NSMAP_NOT_GROUP,	/* user, ids: the real gid is not the passwd group */
	NSMAP_LOGIN_DEFS,	/* path, err: login.defs unreadable */
	NSMAP_NO_RANGES,	/* kind */
	NSMAP_ARG_COUNT,	/* kind, n: not a multiple of three */
	NSMAP_TOO_MANY,		/* kind, n */
	NSMAP_BAD_NUMBER,	/* arg: not plain decimal */
	NSMAP_OVERFLOW,		/* kind, args: a value out of range */
	NSMAP_BAD_RANGES,	/* kind, err: any other parse failure */
	NSMAP_HOST_ZERO,	/* kind, range: host id 0 for a caller not root */
	NSMAP_NOT_ALLOTTED,	/* kind, range, user, path */
	NSMAP_SUBID_READ,	/* path, err */
	NSMAP_NO_SUBID_LINE,	/* user, path: --auto without a line */
	NSMAP_PRIVS_DROP,	/* err */
	NSMAP_PRIVS_READ,	/* err */
	NSMAP_PRIVS_RAISE,	/* err */
	NSMAP_NO_CAPS,		/* caps: the capabilities missing */
	NSMAP_SETGROUPS,	/* target, err */
	NSMAP_NO_SETGROUPS,	/* a warning: the kernel has no setgroups file */
	NSMAP_WRITTEN,		/* kind, target: the map is already written */
	NSMAP_MAP_TOO_LONG,	/* kind, target, at_open */
	NSMAP_MAP_MOUNTED,	/* kind, target, err, at_open: not the kernel's file */
	NSMAP_MAP_OVERLAP,	/* kind, target, at_open */
	NSMAP_MAP_WRITE,	/* kind, target, err, at_open */
};

/* The caller's and the target's ids, as newuidmap names them. */
struct nsmap_ids {
	unsigned long uid, pw_uid, st_uid, gid, pw_gid, st_gid;
};

struct nsmap_why {
	enum ns_idmap_kind kind;
	const char *target;
	unsigned long pid;
	int err;			/* -errno */
	const struct ns_idmap_range *range;
	char *const *args;
	size_t n;
	const char *arg;
	const char *user;
	const char *path;
	const struct nsmap_ids *ids;
	uint64_t caps;
	bool at_open;			/* the map's open failed, not its write */
};

/* A personality: the name nsmap runs under and how it speaks. */
struct nsmap_voice {
	const char *name;
	/* newuidmap or newgidmap: their argument form and order of checks */
	bool shadow;
	/* the map that form writes */
	enum ns_idmap_kind kind;
	/* prints the words of @f, one or more lines on stderr */
	void (*say)(enum nsmap_fail f, const struct nsmap_why *w);
};

/* The voice of the program name @argv0 (its last component): newuidmap,
 * newgidmap, or nsmap's own for any other. */
const struct nsmap_voice *nsmap_voice_of(const char *argv0);

/* @f in @v's words, then exit 1. */
noreturn void nsmap_fail(const struct nsmap_voice *v, enum nsmap_fail f,
			 const struct nsmap_why *w);

/* @f in @v's words, and go on (a warning; a voice may say nothing). */
void nsmap_warn(const struct nsmap_voice *v, enum nsmap_fail f, const struct nsmap_why *w);

static inline const char *kind_word(enum ns_idmap_kind k)
{
	return k == NS_GID_MAP ? "gid" : "uid";
}

static inline const char *subid_path(enum ns_idmap_kind k)
{
	return k == NS_GID_MAP ? NS_PATH_SUBGID : NS_PATH_SUBUID;
}

#endif
