/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: ADDR[/PREFIX] through nl_addr_parse() and back through nl_addr_format(). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ns.h"
#include "ns-internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *slash, text[64];
	struct nl_addr a, b;
	uint8_t raw[16];
	bool prefix_ok;
	int r;

	if (size < 1)
		return 0;
	prefix_ok = data[0] & 1;
	s = fuzz_string(data + 1, size - 1);
	memset(&a, 0xa5, sizeof(a));
	r = nl_addr_parse(s, prefix_ok, &a);
	slash = strchr(s, '/');
	if (r < 0) {
		fuzz_assert(r == -EINVAL || r == -ERANGE);
		free(s);
		return 0;
	}
	fuzz_assert(prefix_ok || !slash);
	/* the address part is what inet_pton(3) reads */
	if (slash)
		*slash = '\0';
	if (a.family == AF_INET) {
		fuzz_assert(inet_pton(AF_INET, s, raw) == 1 && memcmp(raw, a.a, 4) == 0);
		fuzz_assert(a.prefix <= 32 && (slash || a.prefix == 32));
	} else {
		fuzz_assert(a.family == AF_INET6);
		fuzz_assert(inet_pton(AF_INET6, s, raw) == 1 && memcmp(raw, a.a, 16) == 0);
		fuzz_assert(a.prefix <= 128 && (slash || a.prefix == 128));
	}
	/* printed, it reads back the same, with and without the prefix */
	nl_addr_format(&a, true, text, sizeof(text));
	fuzz_assert(nl_addr_parse(text, true, &b) == 0 && memcmp(&a, &b, sizeof(a)) == 0);
	nl_addr_format(&a, false, text, sizeof(text));
	fuzz_assert(nl_addr_parse(text, false, &b) == 0 && b.family == a.family &&
		    memcmp(a.a, b.a, sizeof(a.a)) == 0);
	free(s);
	return 0;
}
