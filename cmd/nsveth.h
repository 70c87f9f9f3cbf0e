/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsveth: its options, shared by the parser and the actions. */
#ifndef NSUTILS_NSVETH_H
#define NSUTILS_NSVETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_ITEMS 32

/* One pair, from the command line or a line of --batch. */
struct pair_opts {
	const char *name, *peer, *target;
	const char *addr[2][MAX_ITEMS];
	size_t naddr[2];
	const char *mac[2];
	uint32_t mtu[2];
	const char *master;
	bool create_bridge;
	const char *route[MAX_ITEMS];
	size_t nroute;
	const char *gateway[MAX_ITEMS];
	size_t ngateway;
	bool up, lo;
	bool has_group;
	uint32_t group;
};

enum nsveth_mode { MODE_CREATE, MODE_DELETE, MODE_DELETE_GROUP, MODE_LIST, MODE_BATCH };

struct nsveth_opts {
	enum nsveth_mode mode;
	const char *delete_name;
	uint32_t delete_group;
	const char *batch;
	const char *netns;
	bool json;
	struct pair_opts pair;
};

/* The --batch line a message is about: 0 for none, the command line. */
void msg_line(size_t no);

/* Where the pair at hand came from, to follow the object of a message:
 * " (line N)" for the line of msg_line(), or "". */
const char *msg_at(void);

/* Splits the --batch @line in place into words at white space, after
 * program_name as argv[0]; '#' starts a comment. Returns argc (argv[argc]
 * is NULL), or -E2BIG for more than @max - 2 words. */
int split_words(char *line, char **argv, int max);

/* Options and operands into @o; with @line (a --batch line), only the
 * options of one pair are allowed. */
void parse_args(int argc, char **argv, struct nsveth_opts *o, bool line);

#endif
