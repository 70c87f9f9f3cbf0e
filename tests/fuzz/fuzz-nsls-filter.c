/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsls -Q expressions parsed and evaluated against a fixed row. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nsls-filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a row of nsls: numbers, text, an empty cell, one that is no number */
static const struct {
	const char *name, *value;
	bool number;
} row[] = {
	{ "NS", "4026531840", true },	  { "TYPE", "net", false },
	{ "NPROCS", "3", true },	  { "PID", "1", true },
	{ "COMMAND", "/sbin/init splash", false }, { "USER", "root", false },
	{ "NETNSID", "unassigned", false }, { "NSFS", "", false },
	{ "PNS", "0", true },		  { "UIDMAP", "0:0:4294967295", false },
	{ "ONS", "18446744073709551615", true }, { "PPID", "x", true },
};
#define NROW (sizeof(row) / sizeof(row[0]))

static int column(const char *name, size_t len, bool *ret_number)
{
	for (size_t i = 0; i < NROW; i++) {
		if (strlen(row[i].name) == len && strncasecmp(name, row[i].name, len) == 0) {
			if (ret_number)
				*ret_number = row[i].number;
			return (int)i;
		}
	}
	return -1;
}

static const char *value(int id, void *data)
{
	int *calls = data;

	if (id < 0 || (size_t)id >= NROW)
		abort();
	(*calls)++;
	return row[id].value;
}

static void seen(int id, void *data)
{
	(void)data;
	if (id < 0 || (size_t)id >= NROW)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsls_filter *f = NULL;
	char err[256];
	char *expr;
	int r, a, b, calls = 0;

	/* longer than any argument execve(2) passes (MAX_ARG_STRLEN) */
	if (size > 131072)
		return 0;
	expr = strndup((const char *)data, size);
	if (!expr)
		return 0;
	memset(err, 'x', sizeof(err));
	r = nsls_filter_parse(expr, column, &f, err, sizeof(err));
	/* the message is a string within its buffer, whatever the outcome */
	if (!memchr(err, '\0', sizeof(err)))
		abort();
	if (r == 0) {
		nsls_filter_columns(f, seen, NULL);
		a = nsls_filter_match(f, value, &calls);
		b = nsls_filter_match(f, value, &calls);
		/* a match, none, or a value that does not convert; the same twice */
		if ((a != 0 && a != 1 && a != -EINVAL) || a != b)
			abort();
		nsls_filter_free(f);
	} else if (r != -EINVAL && r != -ENOENT && r != -ENOMEM) {
		abort();
	} else if (r == -EINVAL && !err[0]) {
		/* a refusal says why */
		abort();
	}
	free(expr);
	return 0;
}
