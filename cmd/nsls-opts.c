/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsls: the options and columns of lsns(8), and nsls' own. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "ns.h"
#include "cli.h"
#include "nsls.h"

const struct colinfo nsls_columns[COL_MAX] = {
	[COL_NS] = { "NS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		     "namespace identifier (inode number)" },
	[COL_TYPE] = { "TYPE", 5, 0, SCOLS_JSON_STRING, "kind of namespace" },
	[COL_PATH] = { "PATH", 0, 0, SCOLS_JSON_STRING, "path to the namespace" },
	[COL_NPROCS] = { "NPROCS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			 "number of processes in the namespace" },
	[COL_PID] = { "PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "lowest PID in the namespace" },
	[COL_PPID] = { "PPID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "PPID of the PID" },
	[COL_COMMAND] = { "COMMAND", 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "command line of the PID" },
	[COL_UID] = { "UID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "UID of the PID" },
	[COL_USER] = { "USER", 0, 0, SCOLS_JSON_STRING, "username of the PID" },
	[COL_NETNSID] = { "NETNSID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			  "namespace ID as used by network subsystem" },
	[COL_NSFS] = { "NSFS", 0, SCOLS_FL_WRAP, SCOLS_JSON_STRING,
		       "nsfs mountpoint (usually used network subsystem)" },
	[COL_PNS] = { "PNS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		      "parent namespace identifier (inode number)" },
	[COL_ONS] = { "ONS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		      "owner namespace identifier (inode number)" },
	[COL_UIDMAP] = { "UIDMAP", 0, 0, SCOLS_JSON_STRING,
			 "uid map of a user namespace (inner:outer:count,...)" },
	[COL_GIDMAP] = { "GIDMAP", 0, 0, SCOLS_JSON_STRING,
			 "gid map of a user namespace (inner:outer:count,...)" },
	[COL_NAME] = { "NAME", 0, SCOLS_FL_WRAP, SCOLS_JSON_STRING,
		       "name under /run/netns, or of an nsrun session" },
	[COL_CAPS] = { "CAPS", 0, 0, SCOLS_JSON_STRING,
		       "capabilities the caller holds over the namespace (all, some, none)" },
};

int nsls_column_by_name(const char *name, size_t len, bool *ret_number)
{
	for (int i = 0; i < COL_MAX; i++) {
		if (strlen(nsls_columns[i].name) == len && strncasecmp(name, nsls_columns[i].name, len) == 0) {
			if (ret_number)
				*ret_number = nsls_columns[i].json_type == SCOLS_JSON_NUMBER;
			return i;
		}
	}
	return -1;
}

/* @len bytes of @s as a message may quote them: a control character as
 * \xHH, as libsmartcols shows one in a cell, so that a message stays one
 * line and sends the terminal nothing. Kept in one of two buffers, reused
 * in turn (a message quotes two texts at most). */
static const char *shown(const char *s, size_t len)
{
	static char *buf[2];
	static int next;
	char *d;

	free(buf[next]);
	buf[next] = malloc(len * 4 + 1);
	if (!buf[next])
		return "";
	d = buf[next];
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			d += sprintf(d, "\\x%02x", c);
		else
			*d++ = (char)c;
	}
	*d = '\0';
	d = buf[next];
	next = !next;
	return d;
}

#define SHOWN(s) shown((s), strlen(s))

/* A number lsns reads with strtoimax(3) or strtoumax(3): leading blanks
 * and a sign allowed, decimal, the whole text. Returns 0, -EINVAL or
 * -ERANGE (then lsns adds the reason to its message). */
static int parse_num(const char *s, bool is_signed, intmax_t lo, uintmax_t hi, uintmax_t *ret)
{
	char *end;
	intmax_t sv;
	uintmax_t uv;

	if (!*s)
		return -EINVAL;
	errno = 0;
	sv = strtoimax(s, &end, 10);
	if (end == s || *end)
		return -EINVAL;
	if (errno && (is_signed || sv < 0))
		return -ERANGE;
	/* a negative number is out of an unsigned range, however written */
	if (sv < lo)
		return -ERANGE;
	if (is_signed) {
		uv = (uintmax_t)sv;
	} else {
		errno = 0;
		uv = strtoumax(s, &end, 10);
		if (errno)
			return -ERANGE;
	}
	if (uv > hi)
		return -ERANGE;
	*ret = uv;
	return 0;
}

static void usage(void)
{
	printf("\n"
	       "Usage:\n"
	       " %s [options] [<namespace>]\n"
	       "\n"
	       "List system namespaces.\n"
	       "\n"
	       "Options:\n"
	       " -J, --json             use JSON output format\n"
	       " -l, --list             use list format output\n"
	       " -n, --noheadings       don't print headings\n"
	       " -o, --output <list>    define which output columns to use\n"
	       "     --output-all       output all columns\n"
	       " -P, --persistent       namespaces without processes\n"
	       " -p, --task <pid>       print process namespaces\n"
	       " -Q, --filter <expr>    apply display filter\n"
	       " -r, --raw              use the raw output format\n"
	       " -u, --notruncate       don't truncate text in columns\n"
	       " -W, --nowrap           don't use multi-line representation\n"
	       " -t, --type <name>      namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)\n"
	       " -T, --tree[=<rel>]     use tree format (parent, owner, or process)\n"
	       "\n"
	       " -H, --list-columns     list the available columns\n"
	       " -h, --help             display this help\n"
	       " -V, --version          display version\n"
	       "\n"
	       "See nsls(8).\n",
	       program_name);
	exit(0);
}

static void list_columns(const struct nsls_opts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		die(-ENOMEM, "failed to initialize output table");
	/* the name lsns gives the table, which scripts look up */
	scols_table_set_name(tb, "lsns-columns");
	scols_table_enable_noheadings(tb, 1);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_json(tb, o->json);
	if (!scols_table_new_column(tb, "HOLDER", 0, SCOLS_FL_RIGHT) ||
	    !scols_table_new_column(tb, "TYPE", 0, 0) ||
	    !scols_table_new_column(tb, "DESCRIPTION", 0, 0))
		die(-ENOMEM, "failed to initialize output table");
	for (int i = 0; i < COL_MAX; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln || scols_line_set_data(ln, 0, nsls_columns[i].name) ||
		    scols_line_set_data(ln, 1, nsls_columns[i].json_type == SCOLS_JSON_NUMBER ?
							"<integer>" : "<string>") ||
		    scols_line_set_data(ln, 2, nsls_columns[i].help))
			die(-ENOMEM, "failed to add line to output");
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	exit(0);
}

/* -o LIST replaces the columns, -o +LIST appends to them. */
static void parse_columns(struct nsls_opts *o, const char *arg)
{
	const char *p = arg;

	if (*p == '+')
		p++;
	else
		o->ncolumns = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		int id;

		/* lsns fails here without a word; one line says why */
		if (len == 0)
			diex("empty column name in '%s'", SHOWN(arg));
		id = nsls_column_by_name(p, len, NULL);
		if (id < 0)
			diex("unknown column: %s", shown(p, len));
		if (o->ncolumns >= (size_t)COL_MAX * 2)
			diex("too many columns specified, the limit is %d columns", COL_MAX * 2 - 1);
		o->columns[o->ncolumns++] = id;
		if (!p[len])
			break;
		p += len + 1;
	}
}

void nsls_parse_options(int argc, char **argv, struct nsls_opts *o)
{
	enum { OPT_OUTPUT_ALL = CHAR_MAX + 1 };
	static const struct option longopts[] = {
		{ "json",         no_argument,       NULL, 'J'            },
		{ "task",         required_argument, NULL, 'p'            },
		{ "help",         no_argument,       NULL, 'h'            },
		{ "output",       required_argument, NULL, 'o'            },
		{ "output-all",   no_argument,       NULL, OPT_OUTPUT_ALL },
		{ "persistent",   no_argument,       NULL, 'P'            },
		{ "filter",       required_argument, NULL, 'Q'            },
		{ "notruncate",   no_argument,       NULL, 'u'            },
		{ "version",      no_argument,       NULL, 'V'            },
		{ "noheadings",   no_argument,       NULL, 'n'            },
		{ "nowrap",       no_argument,       NULL, 'W'            },
		{ "list",         no_argument,       NULL, 'l'            },
		{ "raw",          no_argument,       NULL, 'r'            },
		{ "type",         required_argument, NULL, 't'            },
		{ "tree",         optional_argument, NULL, 'T'            },
		{ "list-columns", no_argument,       NULL, 'H'            },
		{ NULL, 0, NULL, 0 }
	};
	const char *filter = NULL;
	bool is_net = false, seen_tree = false, list_cols = false;
	int c;

	getopt_use_program_name(argv);
	while ((c = getopt_long(argc, argv, "JlPp:o:nruhVt:T::WQ:H", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			o->json = true;
			break;
		case 'l':
			o->list = true;
			break;
		case 'o':
			o->outarg = optarg;
			break;
		case OPT_OUTPUT_ALL:
			for (o->ncolumns = 0; o->ncolumns < COL_LSNS_END; o->ncolumns++)
				o->columns[o->ncolumns] = (int)o->ncolumns;
			break;
		case 'P':
			o->persist = true;
			break;
		case 'p': {
			uintmax_t v;
			int r;

			/* lsns 2.42 takes 1 to INT_MAX, and says why a number
			 * out of range is refused */
			r = parse_num(optarg, true, 1, INT32_MAX, &v);
			if (r == -ERANGE)
				die(r, "invalid PID argument: '%s'", SHOWN(optarg));
			if (r < 0)
				diex("invalid PID argument: '%s'", SHOWN(optarg));
			o->task = (pid_t)v;
			break;
		}
		case 'n':
			o->no_headings = true;
			break;
		case 'r':
			o->raw = o->no_wrap = true;
			break;
		case 'u':
			o->no_trunc = true;
			break;
		case 't': {
			int t = ns_type_from_name(optarg);

			/* lsns takes the short names only */
			if (t < 0 || strcmp(optarg, ns_type_name(t)) != 0)
				diex("unknown namespace type: %s", SHOWN(optarg));
			o->types |= 1u << t;
			if (t == NS_TYPE_NET)
				is_net = true;
			break;
		}
		case 'W':
			o->no_wrap = true;
			break;
		case 'T': {
			const char *a = optarg;

			seen_tree = true;
			o->tree = TREE_OWNER;
			if (!a)
				break;
			if (*a == '=')
				a++;
			if (strcmp(a, "parent") == 0)
				o->tree = TREE_PARENT;
			else if (strcmp(a, "process") == 0)
				o->tree = TREE_PROCESS;
			else if (strcmp(a, "owner") != 0)
				diex("unknown tree type: %s", SHOWN(a));
			break;
		}
		case 'Q':
			filter = optarg;
			break;
		case 'H':
			list_cols = true;
			break;
		case 'h':
			usage();
			break;
		case 'V':
			print_version();
			break;
		default:
			die_usage(NULL);
		}
		/* as lsns, the exclusive pairs are refused as soon as both are seen */
		if (o->json && o->raw)
			diex("mutually exclusive arguments: --json --raw");
		if (o->persist && o->task)
			diex("mutually exclusive arguments: --persistent --task");
		if (o->list && seen_tree)
			diex("mutually exclusive arguments: --list --tree");
	}
	/* after every option, so that -J or -r after -H still count */
	if (list_cols)
		list_columns(o);

	if (optind < argc) {
		uintmax_t v;
		int r;

		if (o->task)
			diex("--task is mutually exclusive with <namespace>");
		r = parse_num(argv[optind], false, 0, UINT64_MAX, &v);
		if (r == -ERANGE)
			die(r, "invalid namespace argument: '%s'", SHOWN(argv[optind]));
		if (r < 0)
			diex("invalid namespace argument: '%s'", SHOWN(argv[optind]));
		o->ns = v;
		o->has_ns = true;
		if (!o->tree && !o->list)
			o->tree = TREE_PROCESS;
		if (!o->ncolumns) {
			o->columns[o->ncolumns++] = COL_PID;
			o->columns[o->ncolumns++] = COL_PPID;
			o->columns[o->ncolumns++] = COL_USER;
			o->columns[o->ncolumns++] = COL_COMMAND;
		}
	}
	if (!o->ncolumns) {
		o->columns[o->ncolumns++] = COL_NS;
		o->columns[o->ncolumns++] = COL_TYPE;
		o->columns[o->ncolumns++] = COL_NPROCS;
		o->columns[o->ncolumns++] = COL_PID;
		o->columns[o->ncolumns++] = COL_USER;
		if (is_net) {
			o->columns[o->ncolumns++] = COL_NETNSID;
			o->columns[o->ncolumns++] = COL_NSFS;
		}
		o->columns[o->ncolumns++] = COL_COMMAND;
		if (!o->tree && !o->list)
			o->tree = TREE_PROCESS;
	}
	if (o->outarg)
		parse_columns(o, o->outarg);
	if (filter) {
		char err[256];
		int r = nsls_filter_parse(filter, nsls_column_by_name, &o->filter, err, sizeof(err));

		if (r == -ENOENT)
			diex("unknown column: %s", SHOWN(err));
		if (r == -ENOMEM)
			die(r, "failed to allocate filter");
		if (r < 0)
			diex("failed to parse \"%s\": %s", SHOWN(filter), SHOWN(err));
	}
}

