/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: lines of /proc/self/mountinfo as nsls reads nsfs mount points from them. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* mountinfo(5)'s escaping of a path: space, tab, newline, backslash */
static char *escape(const char *s)
{
	char *out = malloc(strlen(s) * 4 + 1), *d = out;

	if (!out)
		abort();
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			d += sprintf(d, "\\%03o", (unsigned char)*s);
		else
			*d++ = *s;
	}
	*d = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, *copy, *target, *esc, *back;
	uint64_t ino;
	int r, len;

	if (size > 2 * NSI_MOUNTINFO_LINE_MAX)
		return 0;
	line = strndup((const char *)data, size);
	copy = strndup((const char *)data, size);
	if (!line || !copy)
		abort();
	r = nsi_mountinfo_nsfs(line, &target, &ino);
	if (r == 0) {
		/* the target: an absolute path within the line, of a real inode */
		if (target < line || target >= line + size || target[0] != '/' ||
		    strlen(target) >= PATH_MAX || ino == 0)
			abort();
		/* unescaping what escaping made gives the target back */
		esc = escape(target);
		back = strdup(esc);
		if (!back)
			abort();
		len = nsi_mountinfo_unescape(back);
		if (len != (int)strlen(target) || strcmp(back, target) != 0)
			abort();
		free(esc);
		free(back);
	} else if (r != -EINVAL && r != -ENOENT) {
		abort();
	}
	/* unescaping alone never lengthens the text */
	len = nsi_mountinfo_unescape(copy);
	if (len >= 0 && (size_t)len > size)
		abort();
	free(line);
	free(copy);
	return 0;
}
