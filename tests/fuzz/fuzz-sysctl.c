/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: nsrun --sysctl keys through ns_sysctl_path() and ns_sysctl_type(). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* nsrun splits KEY=VALUE at the first '=' */
	char *s = fuzz_string(data, size), *eq = strchr(s, '=');
	static char path[PATH_MAX], small[16], slashed[PATH_MAX];
	size_t len;
	int r, t;

	if (eq)
		*eq = '\0';
	len = strlen(s);
	r = ns_sysctl_path(s, path, sizeof(path));
	t = ns_sysctl_type(s);
	if (r < 0) {
		fuzz_assert(r == -EINVAL && t == -EINVAL);
		free(s);
		return 0;
	}
	fuzz_assert(t >= 0 ? t < NS_TYPE_MAX : t == -EOPNOTSUPP);
	/* the path is the key with dots turned to slashes, or as given if it
	 * has a slash, and stays below /proc/sys: no empty, "." or ".." part */
	fuzz_assert(strlen(path) == len);
	for (size_t i = 0; i < len; i++)
		fuzz_assert(path[i] == (s[i] == '.' && !strchr(s, '/') ? '/' : s[i]));
	fuzz_assert(path[0] != '/' && path[len - 1] != '/' && !strstr(path, "//"));
	fuzz_assert(strcmp(path, ".") && strcmp(path, "..") && strncmp(path, "./", 2) &&
		    strncmp(path, "../", 3) && !strstr(path, "/./") && !strstr(path, "/../"));
	fuzz_assert(len < 2 || (strcmp(path + len - 2, "/.") && (len < 3 || strcmp(path + len - 3, "/.."))));
	for (size_t i = 0; i < len; i++)
		fuzz_assert((unsigned char)path[i] >= 0x20 && path[i] != 0x7f);
	/* the slashed spelling names the same key, of the same namespace */
	if (!strchr(s, '/')) {
		fuzz_assert(ns_sysctl_path(path, slashed, sizeof(slashed)) == 0);
		fuzz_assert(strcmp(slashed, path) == 0 && ns_sysctl_type(path) == t);
	}
	/* the namespace is the one its first part says */
	if (t == NS_TYPE_NET)
		fuzz_assert(strncmp(path, "net/", 4) == 0);
	else if (t == NS_TYPE_USER)
		fuzz_assert(strncmp(path, "user/", 5) == 0);
	else if (t >= 0)
		fuzz_assert(strncmp(path, "kernel/", 7) == 0 || strncmp(path, "fs/mqueue/", 10) == 0);
	else
		fuzz_assert(strncmp(path, "net/", 4) && strncmp(path, "user/", 5));
	/* a buffer too small is refused, not overrun */
	r = ns_sysctl_path(s, small, sizeof(small));
	fuzz_assert(len < sizeof(small) ? r == 0 : r == -EINVAL);
	free(s);
	return 0;
}
