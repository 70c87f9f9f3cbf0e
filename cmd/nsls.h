/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsls: the options and columns shared by its files. */
#ifndef NSUTILS_NSLS_H
#define NSUTILS_NSLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsls-filter.h"

enum {
	COL_NS,
	COL_TYPE,
	COL_PATH,
	COL_NPROCS,
	COL_PID,
	COL_PPID,
	COL_COMMAND,
	COL_UID,
	COL_USER,
	COL_NETNSID,
	COL_NSFS,
	COL_PNS,
	COL_ONS,
	COL_LSNS_END,	/* the columns above are lsns(8)'s, in its order */
	COL_UIDMAP = COL_LSNS_END,
	COL_GIDMAP,
	COL_NAME,
	COL_CAPS,
	COL_MAX
};

struct colinfo {
	const char *name;
	double whint;
	int flags;
	int json_type;
	const char *help;
};

extern const struct colinfo nsls_columns[COL_MAX];

enum tree { TREE_NONE, TREE_PROCESS, TREE_OWNER, TREE_PARENT };

struct nsls_opts {
	int columns[COL_MAX * 2];
	size_t ncolumns;
	const char *outarg;
	uint32_t types;
	pid_t task;
	uint64_t ns;
	bool has_ns;
	bool json, raw, list, persist, no_trunc, no_headings, no_wrap;
	enum tree tree;
	struct nsls_filter *filter;
};

/* Parses the command line into @o; exits on bad usage, --help, --version
 * and --list-columns. */
void nsls_parse_options(int argc, char **argv, struct nsls_opts *o);
int nsls_column_by_name(const char *name, size_t len, bool *ret_number);

#endif
