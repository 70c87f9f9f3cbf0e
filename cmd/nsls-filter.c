/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsls --filter: parse and evaluate the expressions of scols-filter(5), which
 * Debian's libsmartcols (2.38) does not provide yet. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nsls-filter.h"

enum node_kind { N_HOLDER, N_NUM, N_STR, N_BOOL, N_AND, N_OR, N_NOT, N_CMP, N_REGEX };
enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct node {
	enum node_kind kind;
	enum cmp_op op;
	bool neg;		/* N_REGEX: !~ */
	int col;		/* N_HOLDER */
	bool number;		/* N_HOLDER: the column holds numbers */
	long double num;	/* N_NUM */
	bool is_float;		/* N_NUM: written with a fraction */
	bool b;			/* N_BOOL */
	char *str;		/* N_STR */
	regex_t re;		/* N_REGEX */
	int height;		/* levels of nodes below and including this one */
	struct node *l, *r;
};

struct nsls_filter {
	struct node *root;
};

struct parser {
	const char *s;
	nsls_filter_column_fn column;
	char *err;
	size_t errsz;
	int rc;
	int depth;		/* parentheses and "not"s open around the cursor */
	size_t regex_cost;	/* nsls_regex_cost() of the patterns so far */
};

static void node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->l);
	node_free(n->r);
	if (n->kind == N_REGEX)
		regfree(&n->re);
	free(n->str);
	free(n);
}

__attribute__((format(printf, 2, 3))) static struct node *fail(struct parser *p, const char *fmt,
							       ...)
{
	va_list ap;

	if (p->rc)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errsz, fmt, ap);
	va_end(ap);
	p->rc = -EINVAL;
	return NULL;
}

static struct node *new_node(struct parser *p, enum node_kind kind)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n) {
		p->rc = -ENOMEM;
		return NULL;
	}
	n->kind = kind;
	n->height = 1;
	return n;
}

/* A node of @kind over @l and @r (either may be NULL), or NULL with both
 * freed. */
static struct node *join(struct parser *p, enum node_kind kind, struct node *l, struct node *r)
{
	int h = 1 + (l ? l->height : 0);
	struct node *n;

	if (r && r->height >= h)
		h = 1 + r->height;
	/* evaluating, walking and freeing the tree recurse once a level */
	if (h > NSLS_FILTER_DEPTH_MAX) {
		node_free(l);
		node_free(r);
		return fail(p, "nested deeper than %d levels", NSLS_FILTER_DEPTH_MAX);
	}
	n = new_node(p, kind);
	if (!n) {
		node_free(l);
		node_free(r);
		return NULL;
	}
	n->l = l;
	n->r = r;
	n->height = h;
	return n;
}

static void skip_space(struct parser *p)
{
	while (isspace((unsigned char)*p->s))
		p->s++;
}

static bool is_word_char(char c)
{
	return c && (isalnum((unsigned char)c) || strchr("_.%:/-", c));
}

/* Consumes @sym, or the word @word (any case) when it stands alone. */
static bool accept(struct parser *p, const char *sym, const char *word)
{
	size_t n;

	skip_space(p);
	if (sym && strncmp(p->s, sym, strlen(sym)) == 0) {
		p->s += strlen(sym);
		return true;
	}
	if (word) {
		n = strlen(word);
		if (strncasecmp(p->s, word, n) == 0 && !is_word_char(p->s[n])) {
			p->s += n;
			return true;
		}
	}
	return false;
}

static struct node *parse_or(struct parser *p);

/* A number as libsmartcols reads one: digits (past 2^64 - 1 they stop
 * counting, as strtoumax(3) does), a fraction, or a size suffix K to Y
 * (powers of 1024, "iB" optional) that must not overflow 64 bits. Returns
 * 0, -EINVAL for a malformed number, -ERANGE for a size out of range. */
static int parse_number(struct parser *p, long double *ret)
{
	static const char suffixes[] = "KMGTPEZY";
	const char *s = p->s;
	unsigned long long v = 0;
	long double frac = 0, scale = 1;
	bool over = false;
	const char *sfx;

	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (ULLONG_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over)
		v = ULLONG_MAX;
	if (*s == '.' && isdigit((unsigned char)s[1])) {
		long double whole = 0;

		/* a fraction keeps its magnitude, as strtold(3) does */
		for (const char *d = p->s; d < s; d++)
			whole = whole * 10 + (*d - '0');
		s++;
		while (isdigit((unsigned char)*s)) {
			scale /= 10;
			frac += (*s++ - '0') * scale;
		}
		if (is_word_char(*s))
			return -EINVAL;
		p->s = s;
		*ret = whole + frac;
		return 0;
	}
	if (*s && (sfx = strchr(suffixes, *s))) {
		for (long i = 0; i <= sfx - suffixes; i++) {
			if (v > ULLONG_MAX / 1024)
				over = true;
			v *= 1024;
		}
		s++;
		if (strncmp(s, "iB", 2) == 0)
			s += 2;
		if (!is_word_char(*s) && over)
			return -ERANGE;
	}
	if (is_word_char(*s))
		return -EINVAL;
	p->s = s;
	*ret = (long double)v;
	return 0;
}

static struct node *parse_primary(struct parser *p)
{
	struct node *n;
	int r;

	skip_space(p);
	if (accept(p, "(", NULL)) {
		/* each level recurses through the whole grammar */
		if (++p->depth > NSLS_FILTER_DEPTH_MAX)
			return fail(p, "nested deeper than %d levels", NSLS_FILTER_DEPTH_MAX);
		n = parse_or(p);
		p->depth--;
		if (!n)
			return NULL;
		if (!accept(p, ")", NULL)) {
			node_free(n);
			return fail(p, "missing ')'");
		}
		return n;
	}
	if (*p->s == '"' || *p->s == '\'') {
		char q = *p->s;
		const char *end = strchr(p->s + 1, q);

		if (!end || memchr(p->s + 1, '\n', (size_t)(end - p->s - 1)))
			return fail(p, "unterminated string");
		n = new_node(p, N_STR);
		if (!n)
			return NULL;
		n->str = strndup(p->s + 1, (size_t)(end - p->s - 1));
		if (!n->str) {
			free(n);
			p->rc = -ENOMEM;
			return NULL;
		}
		p->s = end + 1;
		return n;
	}
	if (isdigit((unsigned char)*p->s)) {
		n = new_node(p, N_NUM);
		if (!n)
			return NULL;
		n->is_float = strspn(p->s, "0123456789") < strlen(p->s) &&
			      p->s[strspn(p->s, "0123456789")] == '.';
		r = parse_number(p, &n->num);
		if (r == -ERANGE) {
			size_t len = strspn(p->s, "0123456789KMGTPEZYiB");

			free(n);
			/* libsmartcols's words */
			return fail(p, "\"%.*s\" token error: %s", (int)len, p->s, strerror(ERANGE));
		}
		if (r < 0) {
			free(n);
			return fail(p, "invalid number near '%.20s'", p->s);
		}
		return n;
	}
	if (isalpha((unsigned char)*p->s)) {
		const char *s = p->s;
		size_t len = 0;

		while (is_word_char(s[len]))
			len++;
		/* scols-filter(5): "true", "TRUE", "false", "FALSE" */
		if ((len == 4 && (!strncmp(s, "true", 4) || !strncmp(s, "TRUE", 4))) ||
		    (len == 5 && (!strncmp(s, "false", 5) || !strncmp(s, "FALSE", 5)))) {
			n = new_node(p, N_BOOL);
			if (!n)
				return NULL;
			n->b = len == 4;
			p->s += len;
			return n;
		}
		n = new_node(p, N_HOLDER);
		if (!n)
			return NULL;
		n->col = p->column(s, len, &n->number);
		if (n->col < 0) {
			free(n);
			if (!p->rc) {
				snprintf(p->err, p->errsz, "%.*s", (int)len, s);
				p->rc = -ENOENT;
			}
			return NULL;
		}
		p->s += len;
		return n;
	}
	if (!*p->s)
		return fail(p, "unexpected end of expression");
	return fail(p, "unexpected '%.20s'", p->s);
}

/* scols-filter(5) as libsmartcols's grammar has it: "not" takes the operand
 * right after it; every comparison is one level, left to right, so that
 * "not A == B" is "(not A) == B" and "A == B == C" is "(A == B) == C"; and
 * "and" and "or" are one level below it, also left to right, so "A or B and
 * C" is "(A or B) and C". */
static struct node *parse_unary(struct parser *p)
{
	struct node *x;

	if (!accept(p, "!", "not"))
		return parse_primary(p);
	if (++p->depth > NSLS_FILTER_DEPTH_MAX)
		return fail(p, "nested deeper than %d levels", NSLS_FILTER_DEPTH_MAX);
	x = parse_unary(p);
	p->depth--;
	if (!x)
		return NULL;
	return join(p, N_NOT, x, NULL);
}

static struct node *parse_regex(struct parser *p, struct node *l, bool neg)
{
	struct node *r, *n;
	regex_t re = { 0 };
	size_t cost;
	int rc;

	r = parse_unary(p);
	if (!r) {
		node_free(l);
		return NULL;
	}
	if (r->kind != N_STR) {
		node_free(l);
		node_free(r);
		return fail(p, "the right side of =~ and !~ must be a string");
	}
	/* all the patterns of one filter share one budget; past it, the
	 * words of regcomp's own refusal */
	rc = nsls_regex_cost(r->str, &cost);
	p->regex_cost = cost > NSLS_FILTER_REGEX_MAX - p->regex_cost ? NSLS_FILTER_REGEX_MAX + 1
								     : p->regex_cost + cost;
	if (rc == 0 && p->regex_cost > NSLS_FILTER_REGEX_MAX)
		rc = REG_ESIZE;
	if (rc == 0) {
		/* compiled before the node owns @r, so that nothing is freed
		 * twice; the text is regerror(3)'s, as libsmartcols reports it */
		rc = regcomp(&re, r->str, REG_EXTENDED | REG_NOSUB);
	}
	if (rc != 0) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		node_free(l);
		node_free(r);
		return fail(p, "%s", msg);
	}
	n = join(p, N_REGEX, l, r);
	if (!n) {
		regfree(&re);
		return NULL;
	}
	n->re = re;
	n->neg = neg;
	return n;
}

static struct node *parse_cmp(struct parser *p)
{
	static const struct {
		const char *sym, *word;
		enum cmp_op op;
	} ops[] = {
		{ "==", "eq", OP_EQ }, { "!=", "ne", OP_NE }, { "<=", "le", OP_LE },
		{ ">=", "ge", OP_GE }, { "<", "lt", OP_LT },  { ">", "gt", OP_GT },
	};
	struct node *l, *r;
	size_t i;

	l = parse_unary(p);
	while (l) {
		if (accept(p, "=~", NULL)) {
			l = parse_regex(p, l, false);
			continue;
		}
		if (accept(p, "!~", NULL)) {
			l = parse_regex(p, l, true);
			continue;
		}
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (accept(p, ops[i].sym, ops[i].word))
				break;
		if (i == sizeof(ops) / sizeof(ops[0]))
			break;
		r = parse_unary(p);
		if (!r) {
			node_free(l);
			return NULL;
		}
		l = join(p, N_CMP, l, r);
		if (l)
			l->op = ops[i].op;
	}
	return l;
}

static struct node *parse_or(struct parser *p)
{
	struct node *l, *r;
	bool is_and;

	l = parse_cmp(p);
	while (l && ((is_and = accept(p, "&&", "and")) || accept(p, "||", "or"))) {
		r = parse_cmp(p);
		if (!r) {
			node_free(l);
			return NULL;
		}
		l = join(p, is_and ? N_AND : N_OR, l, r);
	}
	return l;
}

int nsls_filter_parse(const char *expr, nsls_filter_column_fn column, struct nsls_filter **ret,
		      char *err, size_t errsz)
{
	struct parser p = { .s = expr, .column = column, .err = err, .errsz = errsz };
	struct nsls_filter *f;
	struct node *root;

	err[0] = '\0';
	root = parse_or(&p);
	if (root) {
		skip_space(&p);
		if (*p.s) {
			node_free(root);
			root = fail(&p, "unexpected '%.20s'", p.s);
		}
	}
	if (!root)
		return p.rc ? p.rc : -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		node_free(root);
		return -ENOMEM;
	}
	f->root = root;
	*ret = f;
	return 0;
}

void nsls_filter_free(struct nsls_filter *f)
{
	if (!f)
		return;
	node_free(f->root);
	free(f);
}

static void walk_columns(const struct node *n, void (*fn)(int, void *), void *data)
{
	if (!n)
		return;
	if (n->kind == N_HOLDER)
		fn(n->col, data);
	walk_columns(n->l, fn, data);
	walk_columns(n->r, fn, data);
}

void nsls_filter_columns(const struct nsls_filter *f, void (*fn)(int id, void *data), void *data)
{
	walk_columns(f->root, fn, data);
}

/* ---- evaluation --------------------------------------------------------- */

/* The types of libsmartcols's filter: each side of a comparison has one (a
 * column's: number or string; a literal's; any expression's: boolean), the
 * comparison picks one for both and casts them to it. */
enum val_type { T_STR, T_U64, T_FLOAT, T_BOOL };

struct val {
	bool empty;
	enum val_type type;
	unsigned long long u;
	long double f;
	bool b;
	const char *str;	/* T_STR: the text, NULL when empty */
	char buf[64];
};

struct eval {
	const char *(*value)(int id, void *data);
	void *data;
};

static int eval_bool(const struct node *n, const struct eval *e);

static enum val_type node_type(const struct node *n)
{
	switch (n->kind) {
	case N_HOLDER:
		return n->number ? T_U64 : T_STR;
	case N_NUM:
		return n->is_float ? T_FLOAT : T_U64;
	case N_STR:
		return T_STR;
	default:
		return T_BOOL;
	}
}

/* A literal's type wins over a column's; else the left side's; a float
 * over an integer. */
static enum val_type common_type(const struct node *l, const struct node *r)
{
	enum val_type a = node_type(l), b = node_type(r), t;

	if (a == b)
		return a;
	if (l->kind == N_HOLDER && r->kind != N_HOLDER)
		t = b;
	else
		t = a;
	if (t == T_U64 && (a == T_FLOAT || b == T_FLOAT))
		t = T_FLOAT;
	return t;
}

static int str_to(struct val *v, const char *s, enum val_type t)
{
	char *end;

	switch (t) {
	case T_STR:
		v->str = s;
		return 0;
	case T_U64:
		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		v->u = strtoull(s, &end, 10);
		return errno || *end ? -EINVAL : 0;
	case T_FLOAT:
		errno = 0;
		v->f = strtold(s, &end);
		return errno || end == s || *end ? -EINVAL : 0;
	default:
		v->b = strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 || s[0] == 'y' ||
		       s[0] == 'Y';
		return 0;
	}
}

/* The value of @n as type @t, or -EINVAL when it does not convert (which
 * fails the whole filter, as in lsns). */
static int eval_val(const struct node *n, enum val_type t, const struct eval *e, struct val *v)
{
	long double f = 0;
	bool is_num = true;
	int r;

	memset(v, 0, sizeof(*v));
	v->type = t;
	switch (n->kind) {
	case N_HOLDER: {
		const char *s = e->value(n->col, e->data);

		if (!s || !*s) {
			v->empty = true;
			return 0;
		}
		return str_to(v, s, t);
	}
	case N_STR:
		return str_to(v, n->str, t);
	case N_NUM:
		f = n->num;
		break;
	case N_BOOL:
		f = n->b;
		is_num = false;
		break;
	default:
		r = eval_bool(n, e);
		if (r < 0)
			return r;
		f = r;
		is_num = false;
		break;
	}
	switch (t) {
	case T_STR:
		if (!is_num)
			snprintf(v->buf, sizeof(v->buf), "%s", f ? "true" : "false");
		else if (n->is_float)
			snprintf(v->buf, sizeof(v->buf), "%Lg", f);
		else
			snprintf(v->buf, sizeof(v->buf), "%llu", (unsigned long long)f);
		v->str = v->buf;
		break;
	case T_U64:
		v->u = (unsigned long long)f;
		break;
	case T_FLOAT:
		v->f = f;
		break;
	default:
		v->b = f > 0;
		break;
	}
	return 0;
}

static bool cmp_result(enum cmp_op op, int c)
{
	switch (op) {
	case OP_EQ:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_LT:
		return c < 0;
	case OP_LE:
		return c <= 0;
	case OP_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

static int eval_cmp(const struct node *n, const struct eval *e)
{
	enum val_type t = common_type(n->l, n->r);
	struct val a, b;
	int c, r;

	r = eval_val(n->l, t, e, &a);
	if (r == 0)
		r = eval_val(n->r, t, e, &b);
	if (r < 0)
		return r;
	if (n->kind == N_REGEX) {
		/* only strings match a pattern */
		if (t != T_STR)
			return -EINVAL;
		return (regexec(&n->re, a.str ? a.str : "", 0, NULL, 0) == 0) != n->neg;
	}
	if (t == T_STR) {
		/* an empty side sorts before any text */
		if (!a.str || !b.str)
			c = (a.str != NULL) - (b.str != NULL);
		else
			c = strcmp(a.str, b.str);
		return cmp_result(n->op, c);
	}
	/* a number or boolean compares with nothing when a side is empty */
	if (a.empty || b.empty)
		return 0;
	if (t == T_U64)
		c = (a.u > b.u) - (a.u < b.u);
	else if (t == T_FLOAT)
		c = (a.f > b.f) - (a.f < b.f);
	else
		c = (int)a.b - (int)b.b;
	return cmp_result(n->op, c);
}

/* A lone operand is true when not empty (and not 0, nor false); a column
 * whose text does not convert is false. */
static int truth(const struct node *n, const struct eval *e)
{
	struct val v;

	if (eval_val(n, node_type(n), e, &v) < 0 || v.empty)
		return 0;
	switch (v.type) {
	case T_STR:
		return v.str && *v.str;
	case T_U64:
		return v.u != 0;
	case T_FLOAT:
		return v.f != 0;
	default:
		return v.b;
	}
}

static int eval_bool(const struct node *n, const struct eval *e)
{
	int r;

	switch (n->kind) {
	case N_AND:
		r = eval_bool(n->l, e);
		return r > 0 ? eval_bool(n->r, e) : r;
	case N_OR:
		r = eval_bool(n->l, e);
		return r == 0 ? eval_bool(n->r, e) : r;
	case N_NOT:
		r = eval_bool(n->l, e);
		return r < 0 ? r : !r;
	case N_CMP:
	case N_REGEX:
		return eval_cmp(n, e);
	default:
		return truth(n, e);
	}
}

int nsls_filter_match(const struct nsls_filter *f, const char *(*value)(int id, void *data),
		      void *data)
{
	struct eval e = { .value = value, .data = data };

	return eval_bool(f->root, &e);
}
