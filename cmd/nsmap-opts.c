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
#include "nsmap.h"

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

/* A target as newuidmap takes it: a decimal PID, or "fd:N" for an fd open
 * on a /proc/PID directory. */
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

void parse_options(int argc, char **argv, struct nsmap_opts *o)
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
	int c, modes;

	/* '+': the ranges that follow the target are never options. Every
	 * option only sets a flag, one line each. */
	while ((c = getopt_long(argc, argv, "+gbacnhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'g': o->gid = true; break;
		case 'b': o->both = true; break;
		case 'a': o->autom = true; break;
		case 'c': o->check = true; break;
		case 'n': o->dry_run = true; break;
		case 'h': usage(); break;
		case 'V': print_version(); break;
		default: die_usage(NULL);
		}
	}
	modes = o->gid + o->both + o->autom + o->check;
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
	if (o->autom) {
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
	o->args[o->gid] = argv + optind;
	o->nargs[o->gid] = (size_t)(argc - optind);
}

static noreturn void bad_args(enum ns_idmap_kind k, char **args, size_t n, int r,
			      const struct nsmap_job *j)
{
	if (compat)
		compat_bad_args(k, args, n, r, j);
	if (n == 0)
		die_usage("no %s ranges given", kind_word(k));
	if (n % 3 != 0)
		die_usage("%zu numbers given for the %s map: each range takes three (inner outer count)",
			  n, kind_word(k));
	if (r == -E2BIG)
		diex("too many %s ranges: %zu (the kernel takes %d)", kind_word(k), n / 3,
		     NS_IDMAP_MAX);
	for (size_t i = 0; i < n; i++) {
		struct ns_idmap one;
		char *triple[3] = { args[i], (char *)"0", (char *)"1" };

		if (ns_idmap_parse_args(triple, 3, &one) == -EINVAL)
			diex("invalid number '%s' (decimal digits only, no sign, blank or leading zero)",
			     args[i]);
	}
	for (size_t i = 0; i + 2 < n; i += 3) {
		struct ns_idmap one;

		if (ns_idmap_parse_args(args + i, 3, &one) < 0)
			diex("invalid %s range '%s %s %s' (count at least 1, ids below 4294967295)",
			     kind_word(k), args[i], args[i + 1], args[i + 2]);
	}
	die(r, "invalid %s ranges", kind_word(k));
}

void parse_ranges(const struct nsmap_opts *o, struct nsmap_job *j)
{
	int r;

	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++) {
		if (!o->args[k])
			continue;
		/* newuidmap with no ranges writes an empty map, which the
		 * kernel refuses */
		if (compat && o->nargs[k] == 0)
			diex("write to %s failed: %s", k == NS_GID_MAP ? "gid_map" : "uid_map",
			     strerror(EINVAL));
		r = ns_idmap_parse_args(o->args[k], o->nargs[k], &j->map[k]);
		if (r < 0)
			bad_args(k, o->args[k], o->nargs[k], r, j);
		j->have[k] = true;
	}
}
