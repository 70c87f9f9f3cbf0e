/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsls --filter: the expression language of scols-filter(5). */
#ifndef NSUTILS_NSLS_FILTER_H
#define NSUTILS_NSLS_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct nsls_filter;

/* How deep an expression may nest: parentheses, "not"s and the chains of
 * "and", "or" and comparisons, which make a tree as deep as they are long.
 * Parsing, evaluating and freeing recurse once a level. */
#define NSLS_FILTER_DEPTH_MAX 1000

/* What the regular expressions of one filter may cost together, in
 * nsls_regex_cost()'s units: some tens of megabytes of regcomp(3)'s.
 * "(a{256}){256}" is within it, as are 2,000 groups or 160 anchors. */
#define NSLS_FILTER_REGEX_MAX ((size_t)1 << 22)

/* Sets @ret_cost to what glibc's regcomp(3) would spend on compiling
 * @pattern, in units of about ten bytes, saturating far past
 * NSLS_FILTER_REGEX_MAX. Returns 0, or REG_BADRPT for a repetition right
 * after a repetition ("a**"), which POSIX leaves undefined. */
int nsls_regex_cost(const char *pattern, size_t *ret_cost);

/* Looks a column name up (case-insensitive); returns its id and whether it
 * holds numbers, or -1 for an unknown column. */
typedef int (*nsls_filter_column_fn)(const char *name, size_t len, bool *ret_number);

/* Parses @expr. Returns 0, or -EINVAL with a message in @err (an
 * expression nested deeper than NSLS_FILTER_DEPTH_MAX included), or -ENOENT
 * with the unknown column's name in @err. */
int nsls_filter_parse(const char *expr, nsls_filter_column_fn column, struct nsls_filter **ret,
		      char *err, size_t errsz);
void nsls_filter_free(struct nsls_filter *f);

/* Calls @fn for each column id the expression reads. */
void nsls_filter_columns(const struct nsls_filter *f, void (*fn)(int id, void *data), void *data);

/* Evaluates the expression over a row; @value gives a column's text (NULL
 * or "" for an empty cell). Returns 1 (the row matches), 0, or -EINVAL when
 * a value does not convert to the type a comparison needs. */
int nsls_filter_match(const struct nsls_filter *f, const char *(*value)(int id, void *data),
		      void *data);

#endif
