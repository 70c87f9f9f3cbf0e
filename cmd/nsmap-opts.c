/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsmap's command line: options and usage, the target, the ranges and what is wrong with them. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "cli.h"
#include "nsmap-opts.h"

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options] <pid>|fd:<N> <inner> <outer> <count> [<inner> <outer> <count>]...\n"
	       " %1$s --both [options] <pid>|fd:<N> <uid ranges>... -- <gid ranges>...\n"
	       " %1$s --auto [options] <pid>|fd:<N>\n"
	       " %1$s --check\n"
	       "\nWrite the uid map (or gid map) of a process in a new user namespace, with ids\n"
	       "the caller owns: its own id and its ranges in /etc/subuid and /etc/subgid.\n"
	       "\nOptions:\n"
	       " -g, --gid          write the gid map (as newgidmap)\n"
	       " -b, --both         write the uid map and the gid map\n"
	       " -a, --auto         map the caller's id to 0 and its first subordinate\n"
	       "                      range from 1, for uids and gids\n"
	       " -c, --check        show what the caller may map, and what is missing\n"
	       " -n, --dry-run      check everything, print the lines instead of writing\n"
	       "\n -h, --help         display this help\n"
	       " -V, --version      display version\n"
	       "\nSee nsmap(1).\n",
	       program_name);
	exit(0);
}

/* "fd:N" is an fd open on a /proc/PID directory. */
bool parse_target(const char *s, bool *ret_fd, uint32_t *ret)
{
	bool fd = strncmp(s, "fd:", 3) == 0;
	const char *num = fd ? s + 3 : s;

	if (!*num || (num[0] == '0' && num[1]) || strspn(num, "0123456789") != strlen(num))
		return false;
	if (parse_id(num, ret) < 0 || *ret > INT_MAX)
		return false;
	*ret_fd = fd;
	return true;
}

/* newuidmap's form: the target, then the triples of its one map */
static void parse_shadow(const struct nsmap_voice *v, int argc, char **argv, struct nsmap_opts *o)
{
	if (argc < 2)
		nsmap_fail(v, NSMAP_USAGE, NULL);
	o->target = argv[1];
	o->args[v->kind] = argv + 2;
	o->nargs[v->kind] = (size_t)(argc - 2);
	o->gid = v->kind == NS_GID_MAP;
}

void parse_options(const struct nsmap_voice *v, int argc, char **argv, struct nsmap_opts *o)
{
	/* every option is a flag: no argument, no *flag, only .val */
	static const struct option longopts[] = {
		{ .name = "gid",     .val = 'g' },
		{ .name = "both",    .val = 'b' },
		{ .name = "auto",    .val = 'a' },
		{ .name = "check",   .val = 'c' },
		{ .name = "dry-run", .val = 'n' },
		{ .name = "help",    .val = 'h' },
		{ .name = "version", .val = 'V' },
		{ 0 }
	};
	enum ns_idmap_kind kind;
	int c, modes;

	if (v->shadow) {
		parse_shadow(v, argc, argv, o);
		return;
	}
	/* '+': the ranges that follow the target are never options. Every
	 * option only sets a flag, one line each. */
	getopt_use_program_name(argv);
	while ((c = getopt_long(argc, argv, "+gbacnhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'g': o->gid = true; break;
		case 'b': o->both = true; break;
		case 'a': o->automatic = true; break;
		case 'c': o->check = true; break;
		case 'n': o->dry_run = true; break;
		case 'h': usage(); break;
		case 'V': print_version(); break;
		default: die_usage(NULL);
		}
	}
	modes = o->gid + o->both + o->automatic + o->check;
	if (modes > 1)
		die_usage("--gid, --both, --auto and --check exclude each other");
	if (o->check) {
		if (optind < argc || o->dry_run)
			die_usage("--check takes no other argument");
		return;
	}
	if (optind >= argc)
		die_usage("no target process given");
	o->target = argv[optind++];
	if (o->automatic) {
		if (optind < argc)
			die_usage("--auto takes no ranges");
		return;
	}
	if (o->both) {
		int sep = optind;

		while (sep < argc && strcmp(argv[sep], "--") != 0)
			sep++;
		if (sep == argc)
			die_usage("--both needs '--' between the uid and the gid ranges");
		o->args[NS_UID_MAP] = argv + optind;
		o->nargs[NS_UID_MAP] = (size_t)(sep - optind);
		o->args[NS_GID_MAP] = argv + sep + 1;
		o->nargs[NS_GID_MAP] = (size_t)(argc - sep - 1);
		return;
	}
	kind = o->gid ? NS_GID_MAP : NS_UID_MAP;
	o->args[kind] = argv + optind;
	o->nargs[kind] = (size_t)(argc - optind);
}

/* Whether a value before the first malformed argument @bad is out of
 * range. newuidmap reads value after value and stops at the first it cannot
 * take; nsmap reads every argument's form first. */
static bool range_before(char **args, size_t bad, size_t *ret_at)
{
	static char zero[] = "0", one[] = "1";
	char *sub[3 * NS_IDMAP_MAX];
	struct ns_idmap scratch;
	size_t t = bad - bad % 3;

	memcpy(sub, args, t * sizeof(*sub));
	sub[t] = bad > t ? args[t] : zero;
	sub[t + 1] = bad > t + 1 ? args[t + 1] : zero;
	sub[t + 2] = one;
	return ns_idmap_parse_args(sub, t + 3, &scratch, ret_at) == -ERANGE;
}

/* What ns_idmap_parse_args() refused (@r, at argument @bad), in @v's
 * words. */
static noreturn void bad_args(const struct nsmap_voice *v, enum ns_idmap_kind k, char **args,
			      size_t n, int r, size_t bad)
{
	struct nsmap_why w = { .kind = k, .args = args, .n = n, .err = r };

	if (n == 0)
		nsmap_fail(v, NSMAP_NO_RANGES, &w);
	if (r == -EINVAL && bad == n)
		nsmap_fail(v, NSMAP_ARG_COUNT, &w);
	if (r == -E2BIG)
		nsmap_fail(v, NSMAP_TOO_MANY, &w);
	if (r == -EINVAL && v->shadow && range_before(args, bad, &bad))
		r = -ERANGE;
	if (r == -EINVAL) {
		w.arg = args[bad];
		nsmap_fail(v, NSMAP_BAD_NUMBER, &w);
	}
	if (r == -ERANGE) {
		w.args = args + bad - bad % 3;
		nsmap_fail(v, NSMAP_OVERFLOW, &w);
	}
	nsmap_fail(v, NSMAP_BAD_RANGES, &w);
}

void parse_ranges(const struct nsmap_voice *v, const struct nsmap_opts *o,
		  struct ns_idmap map[2], bool have[2])
{
	size_t bad = 0;
	int r;

	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++) {
		if (!o->args[k])
			continue;
		r = ns_idmap_parse_args(o->args[k], o->nargs[k], &map[k], &bad);
		if (r < 0)
			bad_args(v, (enum ns_idmap_kind)k, o->args[k], o->nargs[k], r, bad);
		have[k] = true;
	}
}
