/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What compiling a -Q pattern costs glibc's regcomp(3), estimated before it
 * runs. regcomp writes every repetition out ("(a{100}){100}" is 10,000
 * nodes), and its epsilon closures grow with the square of the nodes that
 * match nothing (groups, alternatives, repetitions) and with the cube of
 * the anchors: a dozen bytes ask for gigabytes and minutes. */
#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "nsls-filter.h"

/* every count stops growing here, far past any budget */
#define COST_CAP ((size_t)1 << 40)

/* groups nested deeper than this cost more than any budget */
#define GROUPS_MAX 256

/* repetitions of repetitions nested deeper than this cost more than any
 * budget: regcomp's closures grow with a power of their depth */
#define REPEATS_MAX 8

struct cost {
	size_t nodes;	/* nodes that match a character */
	size_t eps;	/* nodes that match nothing */
	size_t anchors; /* ^, $ and the word anchors */
	size_t repeats; /* how deep repetitions nest in it */
};

static size_t add_sat(size_t a, size_t b)
{
	return a >= COST_CAP || b >= COST_CAP - a ? COST_CAP : a + b;
}

static size_t mul_sat(size_t a, size_t b)
{
	return b && a >= COST_CAP / b ? COST_CAP : a * b;
}

static void cost_add(struct cost *to, const struct cost *c)
{
	to->nodes = add_sat(to->nodes, c->nodes);
	to->eps = add_sat(to->eps, c->eps);
	to->anchors = add_sat(to->anchors, c->anchors);
	if (c->repeats > to->repeats)
		to->repeats = c->repeats;
}

/* @to never drops below what saturated: @c was added to it before */
static void cost_sub(struct cost *to, const struct cost *c)
{
	if (to->nodes < COST_CAP)
		to->nodes -= c->nodes;
	if (to->eps < COST_CAP)
		to->eps -= c->eps;
	if (to->anchors < COST_CAP)
		to->anchors -= c->anchors;
}

/* @c written out @times times, and @optional nodes that match nothing (the
 * repetition's own: one a copy that may be skipped) */
static struct cost cost_times(const struct cost *c, size_t times, size_t optional)
{
	return (struct cost){
		.nodes = mul_sat(c->nodes, times),
		.eps = add_sat(mul_sat(c->eps, times), optional),
		.anchors = mul_sat(c->anchors, times),
		.repeats = c->repeats + 1,
	};
}

/* Returns the length of the bracket expression at @s ("[...]"), or of the
 * rest of @s when it has no end (regcomp refuses it then). */
static size_t bracket_len(const char *s)
{
	size_t i = 1;

	if (s[i] == '^')
		i++;
	if (s[i] == ']')
		i++;
	while (s[i] && s[i] != ']') {
		if (s[i] == '[' && s[i + 1] && strchr(":.=", s[i + 1])) {
			const char *end = s + i + 2;

			while (*end && !(end[0] == s[i + 1] && end[1] == ']'))
				end++;
			if (!*end)
				return strlen(s);
			i = (size_t)(end - s) + 2;
		} else {
			i++;
		}
	}
	return s[i] ? i + 1 : i;
}

/* Parses "{m}", "{m,}" or "{m,n}" at @s: returns its length, in @ret_times
 * how many copies of the atom before it regcomp writes and in @ret_optional
 * how many of them may be skipped; or 0 when @s is no interval (regcomp
 * takes the brace as a character). */
static size_t interval_len(const char *s, size_t *ret_times, size_t *ret_optional)
{
	size_t i = 1, m = 0, n = 0;
	bool comma = false, upper = false;

	if (!isdigit((unsigned char)s[i]))
		return 0;
	for (; isdigit((unsigned char)s[i]); i++)
		m = add_sat(mul_sat(m, 10), (size_t)(s[i] - '0'));
	if (s[i] == ',') {
		comma = true;
		for (i++; isdigit((unsigned char)s[i]); i++, upper = true)
			n = add_sat(mul_sat(n, 10), (size_t)(s[i] - '0'));
	}
	if (s[i] != '}')
		return 0;
	/* "{m,}" is m copies and a starred one, "{m,n}" n copies */
	if (n < m)
		n = m;
	*ret_times = !comma ? m : !upper ? add_sat(m, 1) : n;
	*ret_optional = !comma ? 0 : !upper ? 1 : n - m;
	return i + 1;
}

static bool is_anchor_escape(char c)
{
	return c && strchr("<>bB`'", c);
}

int nsls_regex_cost(const char *s, size_t *ret_cost)
{
	/* per open group: its finished alternatives, the current one, and
	 * the atom a repetition would apply to */
	struct {
		struct cost done, seq, last;
	} g[GROUPS_MAX + 1];
	static const struct cost one = { .nodes = 1 }, one_eps = { .eps = 1 },
				 one_anchor = { .eps = 1, .anchors = 1 };
	size_t depth = 0, len, times, optional, cost;
	struct cost total;
	bool repeat, after_repeat = false;

	*ret_cost = 0;
	memset(&g[0], 0, sizeof(g[0]));
	while (*s) {
		times = optional = 0;
		repeat = false;
		len = 1;
		switch (*s) {
		case '\\':
			len = s[1] ? 2 : 1;
			g[depth].last = is_anchor_escape(s[1]) ? one_anchor : one;
			break;
		case '^':
		case '$':
			g[depth].last = one_anchor;
			break;
		case '[':
			len = bracket_len(s);
			g[depth].last = (struct cost){ .nodes = len };
			break;
		case '(':
			if (++depth > GROUPS_MAX) {
				*ret_cost = COST_CAP;
				return 0;
			}
			memset(&g[depth], 0, sizeof(g[depth]));
			after_repeat = false;
			s++;
			continue;
		case ')':
			if (depth == 0) {
				g[depth].last = one;
				break;
			}
			depth--;
			/* the group's own two nodes */
			g[depth].last = (struct cost){ .eps = 2 };
			cost_add(&g[depth].last, &g[depth + 1].done);
			cost_add(&g[depth].last, &g[depth + 1].seq);
			break;
		case '|':
			cost_add(&g[depth].done, &g[depth].seq);
			cost_add(&g[depth].done, &one_eps);
			memset(&g[depth].seq, 0, sizeof(g[depth].seq));
			memset(&g[depth].last, 0, sizeof(g[depth].last));
			after_repeat = false;
			s++;
			continue;
		case '*':
		case '?':
			repeat = true;
			times = optional = 1;
			break;
		case '+':
			/* "a+" is "aa*" */
			repeat = true;
			times = 2;
			optional = 1;
			break;
		case '{':
			len = interval_len(s, &times, &optional);
			repeat = len > 0;
			if (!len) {
				len = 1;
				g[depth].last = one;
			}
			break;
		default:
			g[depth].last = one;
			break;
		}
		/* POSIX leaves a repetition of a repetition undefined, and
		 * glibc's closures of "a**..." grow exponentially */
		if (repeat && after_repeat)
			return REG_BADRPT;
		after_repeat = repeat;
		if (repeat) {
			/* the atom before, counted once already, is written
			 * out @times times */
			struct cost grown = cost_times(&g[depth].last, times, optional);

			cost_sub(&g[depth].seq, &g[depth].last);
			cost_add(&g[depth].seq, &grown);
			g[depth].last = grown;
		} else {
			cost_add(&g[depth].seq, &g[depth].last);
		}
		s += len;
	}
	/* groups left open: regcomp refuses them, but count them all the same */
	for (; depth > 0; depth--) {
		cost_add(&g[depth - 1].seq, &g[depth].done);
		cost_add(&g[depth - 1].seq, &g[depth].seq);
	}
	total = g[0].done;
	cost_add(&total, &g[0].seq);
	cost = add_sat(total.nodes, mul_sat(total.eps, total.eps));
	cost = add_sat(cost, mul_sat(mul_sat(total.anchors, total.anchors), total.anchors));
	*ret_cost = total.repeats > REPEATS_MAX ? COST_CAP : cost;
	return 0;
}
