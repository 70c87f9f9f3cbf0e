/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsveth --batch lines through split_words() and parse_args(), where a
 * refusal (die) returns here instead of exiting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "cli.h"
#include "nsveth.h"
#include "fuzz.h"

/* the tool's exits, through -Wl,--wrap */
void __wrap_die(int r, const char *fmt, ...);
void __wrap_diex(const char *fmt, ...);
void __wrap_die_usage(const char *fmt, ...);
void __wrap_print_version(void);

static sigjmp_buf refused;
static bool armed;

static noreturn void refuse(void)
{
	if (!armed)
		abort();
	siglongjmp(refused, 1);
}

void __wrap_die(int r, const char *fmt, ...)
{
	refuse();
}

void __wrap_diex(const char *fmt, ...)
{
	refuse();
}

void __wrap_die_usage(const char *fmt, ...)
{
	refuse();
}

/* no batch line may print the version and exit */
void __wrap_print_version(void)
{
	abort();
}

static bool inside(const char *p, const char *buf, size_t size)
{
	return p >= buf && p < buf + size;
}

static void check_line(char *copy, size_t size)
{
	static struct nsveth_opts o;
	char *argv[2 * MAX_ITEMS + 16];
	const struct pair_opts *p = &o.pair;
	int argc;

	argc = split_words(copy, argv, (int)(sizeof(argv) / sizeof(argv[0])));
	if (argc < 0) {
		fuzz_assert(argc == -E2BIG);
		return;
	}
	fuzz_assert(argc >= 1 && argv[argc] == NULL);
	for (int i = 1; i < argc; i++) {
		fuzz_assert(inside(argv[i], copy, size) && *argv[i] && argv[i][0] != '#');
		fuzz_assert(!strpbrk(argv[i], " \t\r\n"));
	}
	if (argc == 1)
		return;
	memset(&o, 0, sizeof(o));
	o.mode = MODE_CREATE;
	armed = true;
	if (sigsetjmp(refused, 0)) {
		armed = false;
		return;
	}
	parse_args(argc, argv, &o, true);
	armed = false;
	/* one pair, its three operands and options, all words of the line */
	fuzz_assert(o.mode == MODE_CREATE && !o.netns && !o.batch && !o.json);
	fuzz_assert(inside(p->name, copy, size) && inside(p->peer, copy, size) &&
		    inside(p->target, copy, size));
	for (int end = 0; end < 2; end++) {
		fuzz_assert(p->naddr[end] <= MAX_ITEMS);
		for (size_t i = 0; i < p->naddr[end]; i++)
			fuzz_assert(inside(p->addr[end][i], copy, size));
		fuzz_assert(!p->mac[end] || inside(p->mac[end], copy, size));
		fuzz_assert(p->mtu[end] != UINT32_MAX);
	}
	fuzz_assert(p->nroute <= MAX_ITEMS && p->ngateway <= MAX_ITEMS);
	fuzz_assert(!p->create_bridge || p->master);
	fuzz_assert(!p->has_group || p->group != UINT32_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;

	program_name = "nsveth";
	/* the input is the batch file, read a line at a time as run_batch() does */
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - data - pos) + 1 : size - pos;
		char *copy = fuzz_string(data + pos, len);

		check_line(copy, len + 1);
		free(copy);
		pos += len;
	}
	return 0;
}
