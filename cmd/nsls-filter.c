/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsls --filter: parse and evaluate the expressions of scols-filter(5), which
 * Debian's libsmartcols (2.38) does not provide yet. */
#include <ctype.h>
#include <errno.h>
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
	bool b;			/* N_BOOL */
	char *str;		/* N_STR */
	regex_t re;		/* N_REGEX */
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
	return n;
}

/* A node of @kind over @l and @r (either may be NULL), or NULL with both
 * freed. */
static struct node *join(struct parser *p, enum node_kind kind, struct node *l, struct node *r)
{
	struct node *n = new_node(p, kind);

	if (!n) {
		node_free(l);
		node_free(r);
		return NULL;
	}
	n->l = l;
	n->r = r;
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

static int parse_number(struct parser *p, long double *ret)
{
	static const char suffixes[] = "KMGTPEZY";
	const char *s = p->s;
	long double v = 0, frac = 0, scale = 1;
	const char *sfx;

	while (isdigit((unsigned char)*s))
		v = v * 10 + (*s++ - '0');
	if (*s == '.' && isdigit((unsigned char)s[1])) {
		s++;
		while (isdigit((unsigned char)*s)) {
			scale /= 10;
			frac += (*s++ - '0') * scale;
		}
		v += frac;
	} else if (*s && (sfx = strchr(suffixes, *s))) {
		for (long i = 0; i <= sfx - suffixes; i++)
			v *= 1024;
		s++;
		if (strncmp(s, "iB", 2) == 0)
			s += 2;
	}
	if (is_word_char(*s))
		return -EINVAL;
	p->s = s;
	*ret = v;
	return 0;
}

static struct node *parse_primary(struct parser *p)
{
	struct node *n;

	skip_space(p);
	if (accept(p, "(", NULL)) {
		n = parse_or(p);
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
		if (parse_number(p, &n->num) < 0) {
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

static struct node *parse_not(struct parser *p)
{
	struct node *x;

	if (!accept(p, "!", "not"))
		return parse_primary(p);
	x = parse_not(p);
	if (!x)
		return NULL;
	return join(p, N_NOT, x, NULL);
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
	struct node *l, *r, *n;
	bool regex = false, neg = false;
	regex_t re;
	size_t i;
	int rc;

	l = parse_not(p);
	if (!l)
		return NULL;
	if (accept(p, "=~", NULL))
		regex = true;
	else if (accept(p, "!~", NULL))
		regex = neg = true;
	for (i = 0; !regex && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (accept(p, ops[i].sym, ops[i].word))
			break;
	if (!regex && i == sizeof(ops) / sizeof(ops[0]))
		return l;
	r = parse_not(p);
	if (!r) {
		node_free(l);
		return NULL;
	}
	if (!regex) {
		n = join(p, N_CMP, l, r);
		if (n)
			n->op = ops[i].op;
		return n;
	}
	if (r->kind != N_STR) {
		node_free(l);
		node_free(r);
		return fail(p, "the right side of =~ and !~ must be a string");
	}
	/* compiled before the node owns @r, so that the error can still quote
	 * it and nothing is freed twice; the text is regerror(3)'s, as
	 * libsmartcols reports it */
	rc = regcomp(&re, r->str, REG_EXTENDED | REG_NOSUB);
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

static struct node *parse_binary(struct parser *p, bool is_or)
{
	struct node *l, *r;

	l = is_or ? parse_binary(p, false) : parse_cmp(p);
	while (l && (is_or ? accept(p, "||", "or") : accept(p, "&&", "and"))) {
		r = is_or ? parse_binary(p, false) : parse_cmp(p);
		if (!r) {
			node_free(l);
			return NULL;
		}
		l = join(p, is_or ? N_OR : N_AND, l, r);
	}
	return l;
}

static struct node *parse_or(struct parser *p)
{
	return parse_binary(p, true);
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

enum val_kind { V_EMPTY, V_NUM, V_STR, V_BOOL };

struct val {
	enum val_kind kind;
	bool literal;
	long double num;
	const char *str;	/* the text, also of a number column */
	bool b;
};

struct eval {
	const char *(*value)(int id, void *data);
	void *data;
};

static bool eval_bool(const struct node *n, const struct eval *e);

static bool to_num(const char *s, long double *ret)
{
	char *end;

	if (!s || !*s)
		return false;
	*ret = strtold(s, &end);
	return *end == '\0';
}

static struct val eval_val(const struct node *n, const struct eval *e)
{
	struct val v = { .kind = V_EMPTY };

	switch (n->kind) {
	case N_HOLDER:
		v.str = e->value(n->col, e->data);
		if (!v.str || !*v.str)
			return v;
		if (n->number && to_num(v.str, &v.num))
			v.kind = V_NUM;
		else
			v.kind = V_STR;
		return v;
	case N_NUM:
		v.kind = V_NUM;
		v.literal = true;
		v.num = n->num;
		return v;
	case N_STR:
		v.kind = V_STR;
		v.literal = true;
		v.str = n->str;
		return v;
	case N_BOOL:
		v.kind = V_BOOL;
		v.literal = true;
		v.b = n->b;
		return v;
	default:
		v.kind = V_BOOL;
		v.b = eval_bool(n, e);
		return v;
	}
}

static bool truth(const struct val *v)
{
	switch (v->kind) {
	case V_EMPTY:
		return false;
	case V_BOOL:
		return v->b;
	case V_NUM:
		return v->literal ? v->num != 0 : true;
	default:
		return v->literal ? *v->str != '\0' : true;
	}
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

/* The type a literal gives is the one compared in; between two columns,
 * numbers compare as numbers. A cell that is empty or does not convert
 * matches only "!=". */
static bool eval_cmp(const struct node *n, const struct eval *e)
{
	struct val a = eval_val(n->l, e), b = eval_val(n->r, e);
	enum val_kind k;
	int c;

	if (a.kind == V_EMPTY || b.kind == V_EMPTY)
		return n->op == OP_NE && a.kind != b.kind;
	if (a.literal && !b.literal)
		k = a.kind;
	else if (b.literal && !a.literal)
		k = b.kind;
	else if (a.kind == b.kind)
		k = a.kind;
	else
		k = (a.kind == V_STR || b.kind == V_STR) ? V_STR : V_NUM;

	if (k == V_BOOL) {
		c = (int)truth(&a) - (int)truth(&b);
	} else if (k == V_NUM) {
		long double x = a.num, y = b.num;

		if ((a.kind != V_NUM && !to_num(a.str, &x)) ||
		    (b.kind != V_NUM && !to_num(b.str, &y)))
			return n->op == OP_NE;
		c = (x > y) - (x < y);
	} else {
		char bufa[64], bufb[64];
		const char *x = a.str, *y = b.str;

		if (!x) {
			snprintf(bufa, sizeof(bufa), "%.0Lf", a.num);
			x = a.kind == V_BOOL ? (a.b ? "true" : "false") : bufa;
		}
		if (!y) {
			snprintf(bufb, sizeof(bufb), "%.0Lf", b.num);
			y = b.kind == V_BOOL ? (b.b ? "true" : "false") : bufb;
		}
		c = strcmp(x, y);
	}
	return cmp_result(n->op, c);
}

static bool eval_bool(const struct node *n, const struct eval *e)
{
	struct val v;

	switch (n->kind) {
	case N_AND:
		return eval_bool(n->l, e) && eval_bool(n->r, e);
	case N_OR:
		return eval_bool(n->l, e) || eval_bool(n->r, e);
	case N_NOT:
		return !eval_bool(n->l, e);
	case N_CMP:
		return eval_cmp(n, e);
	case N_REGEX:
		v = eval_val(n->l, e);
		if (v.kind == V_EMPTY || !v.str)
			return n->neg;
		return (regexec(&n->re, v.str, 0, NULL, 0) == 0) != n->neg;
	default:
		v = eval_val(n, e);
		return truth(&v);
	}
}

bool nsls_filter_match(const struct nsls_filter *f, const char *(*value)(int id, void *data),
		       void *data)
{
	struct eval e = { .value = value, .data = data };

	return eval_bool(f->root, &e);
}
