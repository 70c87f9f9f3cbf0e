/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal assert for unit tests: prints file:line: expression and aborts. */
#ifndef NSUTILS_TEST_H
#define NSUTILS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define test_assert(expr)                                                                  \
	do {                                                                               \
		if (!(expr)) {                                                             \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #expr);         \
			abort();                                                           \
		}                                                                          \
	} while (0)

#define test_assert_int(a, b)                                                              \
	do {                                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);                        \
		if (a_ != b_) {                                                            \
			fprintf(stderr, "%s:%d: %s == %s (%lld != %lld)\n", __FILE__,      \
				__LINE__, #a, #b, a_, b_);                                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

#define test_assert_str(a, b)                                                              \
	do {                                                                               \
		const char *a_ = (a), *b_ = (b);                                           \
		if (strcmp(a_, b_) != 0) {                                                 \
			fprintf(stderr, "%s:%d: %s == %s (\"%s\" != \"%s\")\n", __FILE__,  \
				__LINE__, #a, #b, a_, b_);                                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

#endif
