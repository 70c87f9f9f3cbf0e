/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsmap's failures in the words of each name it runs under: nsmap, newuidmap, newgidmap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/capability.h>

#include "ns.h"
#include "cli.h"
#include "nsmap-words.h"

static void say_nsmap(enum nsmap_fail f, const struct nsmap_why *w)
{
	const char *id = kind_word(w->kind);
	const struct ns_idmap_range *b = w->range;

	switch (f) {
	case NSMAP_USAGE:
		die_usage(NULL);
	case NSMAP_BAD_TARGET:
		diex("invalid target '%s' (expected a PID or fd:N)", w->target);
	case NSMAP_PID_ZERO:
	case NSMAP_NO_PROCESS:
		/* any failure to reach a PID reads the same, but for the
		 * caller's own want of fds or memory, which says nothing of it */
		if (w->err == -EMFILE || w->err == -ENFILE || w->err == -ENOMEM)
			die(w->err, "cannot open process %lu", w->pid);
		die(-ESRCH, "cannot open process %lu", w->pid);
	case NSMAP_NOT_PROC_DIR:
		diex("invalid target '%s': not a /proc/PID directory", w->target);
	case NSMAP_TARGET_FD:
		die(w->err, "invalid target '%s'", w->target);
	case NSMAP_NO_USER:
		diex("cannot look up the caller's user name: no user with uid %lu", w->ids->uid);
	case NSMAP_STAT:
		die(w->err, "cannot stat process %s", w->target);
	case NSMAP_REAPED:
		die(-ESRCH, "cannot open process %s", w->target);
	case NSMAP_NOT_OWNER:
		diex("process %s is owned by uid %lu gid %lu, not by the caller (uid %lu gid %lu)",
		     w->target, w->ids->st_uid, w->ids->st_gid, w->ids->uid, w->ids->gid);
	case NSMAP_NOT_GROUP:
		diex("the caller's gid %lu is not the group %lu of user '%s'", w->ids->gid,
		     w->ids->pw_gid, w->user);
	case NSMAP_LOGIN_DEFS:
		die(w->err, "cannot read %s", w->path);
	case NSMAP_NO_RANGES:
		die_usage("no %s ranges given", id);
	case NSMAP_ARG_COUNT:
		die_usage("%zu numbers given for the %s map: each range takes three (inner outer count)",
			  w->n, id);
	case NSMAP_TOO_MANY:
		diex("too many %s ranges: %zu (the kernel takes %d)", id, w->n / 3, NS_IDMAP_MAX);
	case NSMAP_BAD_NUMBER:
		diex("invalid number '%s' (decimal digits only, no sign, blank or leading zero)",
		     w->arg);
	case NSMAP_OVERFLOW:
		diex("invalid %s range '%s %s %s' (count at least 1, ids below 4294967295)", id,
		     w->args[0], w->args[1], w->args[2]);
	case NSMAP_BAD_RANGES:
		die(w->err, "invalid %s ranges", id);
	case NSMAP_HOST_ZERO:
		diex("%s range %u-%lu includes host %s 0, which only root may map", id, b->outer,
		     (unsigned long)b->outer + b->count - 1, id);
	case NSMAP_NOT_ALLOTTED:
		diex("%s range %u-%lu is not allotted to user '%s' in %s", id, b->outer,
		     (unsigned long)b->outer + b->count - 1, w->user, w->path);
	case NSMAP_SUBID_READ:
		die(w->err, "cannot read %s", w->path);
	case NSMAP_NO_SUBID_LINE:
		diex("no line for user '%s' in %s", w->user, w->path);
	case NSMAP_PRIVS_DROP:
		die(w->err, "cannot drop privileges");
	case NSMAP_PRIVS_READ:
		die(w->err, "cannot read capabilities");
	case NSMAP_PRIVS_RAISE:
		die(w->err, "cannot raise capabilities");
	case NSMAP_NO_CAPS:
		if (w->caps & (1ull << CAP_SETUID))
			diex("cannot write the uid map: nsmap is neither set-user-ID root nor has the cap_setuid file capability");
		if (w->caps & (1ull << CAP_SETGID))
			diex("cannot write the gid map: nsmap is neither set-user-ID root nor has the cap_setgid file capability");
		diex("cannot map host uid 0: nsmap lacks the cap_setfcap capability");
	case NSMAP_SETGROUPS:
		die(w->err, "cannot write setgroups of process %s", w->target);
	case NSMAP_NO_SETGROUPS:
		return;
	case NSMAP_WRITTEN:
		diex("cannot write the %s map of process %s: it is already written", id, w->target);
	case NSMAP_MAP_TOO_LONG:
		diex("cannot write the %s map of process %s: its text is longer than the kernel takes (less than one page)",
		     id, w->target);
	case NSMAP_MAP_MOUNTED:
		diex("cannot write the %s map of process %s: %s is not the kernel's file (something is mounted on it)",
		     id, w->target, ns_idmap_file(w->kind));
	case NSMAP_MAP_OVERLAP:
		diex("cannot write the %s map of process %s: %s (two ranges overlap inside or outside)",
		     id, w->target, strerror(EINVAL));
	case NSMAP_MAP_WRITE:
		die(w->err, "cannot write the %s map of process %s", id, w->target);
	}
	diex("internal error %d", (int)f);
}

/* The words of shadow 4.20's newuidmap and newgidmap (src/newuidmap.c,
 * src/newgidmap.c, lib/idmapping.c, lib/get_pid.c), which differ from
 * earlier releases: the usage line, the owner message and the ways a range
 * or a target is refused. newgidmap's usage line has its bracket unclosed
 * as upstream prints it. */
static void shadow_usage(enum ns_idmap_kind voice)
{
	if (voice == NS_GID_MAP)
		fprintf(stderr, "usage: %s [<pid|fd:<pidfd>] <gid> <lowergid> <count> [ <gid> <lowergid> <count> ] ... \n",
			program_name);
	else
		fprintf(stderr, "usage: %s [<pid>|fd:<pidfd>] <uid> <loweruid> <count> [ <uid> <loweruid> <count> ] ... \n",
			program_name);
}

static void say_shadow(enum ns_idmap_kind voice, enum nsmap_fail f, const struct nsmap_why *w)
{
	const char *p = program_name, *file = ns_idmap_file(w->kind);
	const struct ns_idmap_range *b = w->range;
	int e = -w->err;

	switch (f) {
	case NSMAP_USAGE:
	case NSMAP_BAD_TARGET:
	case NSMAP_PID_ZERO:
	case NSMAP_NOT_PROC_DIR:
	case NSMAP_TARGET_FD:
	case NSMAP_TOO_MANY:
	case NSMAP_BAD_NUMBER:
	case NSMAP_BAD_RANGES:
	case NSMAP_NO_SUBID_LINE:
		break;
	case NSMAP_NO_PROCESS:
		/* upstream's one message without the program's name */
		fprintf(stderr, "Could not open proc directory for target %lu: %s\n", w->pid,
			strerror(ENOENT));
		break;
	case NSMAP_NO_USER:
		fprintf(stderr, "%s: Cannot determine your user name.\n", p);
		return;
	case NSMAP_STAT:
		fprintf(stderr, "%s: Could not stat directory for target process: %s\n", p,
			strerror(e));
		return;
	case NSMAP_REAPED:
		/* upstream has no such check: its stat shows root's */
	case NSMAP_NOT_OWNER:
	case NSMAP_NOT_GROUP:
		fprintf(stderr, "%s: Target process is owned by a different user: uid:%lu pw_uid:%lu st_uid:%lu, gid:%lu pw_gid:%lu st_gid:%lu\n",
			p, w->ids->uid, w->ids->pw_uid, w->ids->st_uid, w->ids->gid,
			w->ids->pw_gid, w->ids->st_gid);
		return;
	case NSMAP_LOGIN_DEFS:
		/* upstream logs an unreadable login.defs to syslog only */
		return;
	case NSMAP_NO_RANGES:
		/* the kernel's answer to an empty map */
		fprintf(stderr, "%s: write to %s failed: %s\n", p, file, strerror(EINVAL));
		return;
	case NSMAP_ARG_COUNT:
		fprintf(stderr, "%s: ranges: %zu is wrong for argc: %zu\n", p, (w->n + 2) / 3, w->n);
		break;
	case NSMAP_OVERFLOW:
		fprintf(stderr, "%s: subuid overflow detected.\n", p);
		break;
	case NSMAP_HOST_ZERO:
	case NSMAP_NOT_ALLOTTED:
		fprintf(stderr, "%s: %s range [%lu-%lu) -> [%lu-%lu) not allowed\n", p,
			kind_word(w->kind), (unsigned long)b->inner,
			(unsigned long)b->inner + b->count, (unsigned long)b->outer,
			(unsigned long)b->outer + b->count);
		return;
	case NSMAP_SUBID_READ:
		fprintf(stderr, "%s: cannot open %s: %s\n", p, w->path, strerror(e));
		return;
	case NSMAP_PRIVS_DROP:
	case NSMAP_PRIVS_READ:
	case NSMAP_PRIVS_RAISE:
	case NSMAP_NO_CAPS:
		fprintf(stderr, "%s: Could not set caps\n", p);
		return;
	case NSMAP_SETGROUPS:
		/* upstream's policy string keeps its newline */
		fprintf(stderr, "%s: failed to setgroups deny\n policy: %s\n", p, strerror(e));
		return;
	case NSMAP_NO_SETGROUPS:
		fprintf(stderr, "%s: kernel doesn't support setgroups restrictions\n", p);
		return;
	case NSMAP_WRITTEN:
		fprintf(stderr, "%s: write to %s failed: %s\n", p, file, strerror(EPERM));
		return;
	case NSMAP_MAP_TOO_LONG:
		/* the kernel's answer to a map of a page or more */
		e = EINVAL;
		/* fall through */
	case NSMAP_MAP_MOUNTED:
	case NSMAP_MAP_OVERLAP:
	case NSMAP_MAP_WRITE:
		if (f == NSMAP_MAP_OVERLAP)
			e = EINVAL;
		fprintf(stderr, "%s: %s %s failed: %s\n", p, w->at_open ? "open of" : "write to",
			file, strerror(e));
		return;
	}
	shadow_usage(voice);
}

static void say_newuidmap(enum nsmap_fail f, const struct nsmap_why *w)
{
	say_shadow(NS_UID_MAP, f, w);
}

static void say_newgidmap(enum nsmap_fail f, const struct nsmap_why *w)
{
	say_shadow(NS_GID_MAP, f, w);
}

static const struct nsmap_voice voices[] = {
	{ .name = "nsmap", .shadow = false, .kind = NS_UID_MAP, .say = say_nsmap },
	{ .name = "newuidmap", .shadow = true, .kind = NS_UID_MAP, .say = say_newuidmap },
	{ .name = "newgidmap", .shadow = true, .kind = NS_GID_MAP, .say = say_newgidmap },
};

const struct nsmap_voice *nsmap_voice_of(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	for (size_t i = 1; i < sizeof(voices) / sizeof(voices[0]); i++)
		if (strcmp(base, voices[i].name) == 0)
			return &voices[i];
	return &voices[0];
}

noreturn void nsmap_fail(const struct nsmap_voice *v, enum nsmap_fail f, const struct nsmap_why *w)
{
	static const struct nsmap_why none;

	v->say(f, w ? w : &none);
	exit(1);
}

void nsmap_warn(const struct nsmap_voice *v, enum nsmap_fail f, const struct nsmap_why *w)
{
	v->say(f, w);
}
