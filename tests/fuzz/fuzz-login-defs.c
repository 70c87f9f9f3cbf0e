/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: login.defs(5) text through ns_login_defs_yes(), against shadow's reading. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ns.h"
#include "fuzz.h"

/* What ns.h says: a line is the key, blanks, then the value, maybe
 * quoted; '#' starts a comment; the last line naming the key decides; a
 * line of more than 1023 characters is skipped whole. */
static int reference(const char *text, size_t size, const char *key)
{
	size_t pos = 0, klen = strlen(key);
	int yes = 0;

	while (pos < size) {
		const char *line = text + pos, *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos, i = 0, vlen;
		const char *v;

		pos += len + 1;
		if (len > 1023)
			continue;
		/* blanks at the end go, then at the start */
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len || line[i] == '#')
			continue;
		if (len - i <= klen || memcmp(line + i, key, klen) != 0 ||
		    (line[i + klen] != ' ' && line[i + klen] != '\t'))
			continue;
		v = line + i + klen;
		vlen = len - i - klen;
		while (vlen > 0 && (*v == ' ' || *v == '\t' || *v == '"'))
			v++, vlen--;
		for (size_t j = 0; j < vlen; j++)
			if (v[j] == '"')
				vlen = j;
		yes = vlen == 3 && strncasecmp(v, "yes", 3) == 0;
	}
	return yes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "GRANT_AUX_GROUP_SUBIDS", "A", "USERGROUPS_ENAB" };
	const char *key;
	char path[64];
	int fd, r;

	/* a byte picks the key, the rest is the file */
	if (size < 1)
		return 0;
	key = keys[data[0] % 3];
	fd = fuzz_file(data + 1, size - 1, path, sizeof(path));
	r = ns_login_defs_yes(path, key);
	close(fd);
	fuzz_assert(r == 0 || r == 1);
	/* text with a NUL byte or a stray carriage return is no text shadow
	 * writes: only no crash there */
	if (!memchr(data + 1, '\0', size - 1) && !memchr(data + 1, '\r', size - 1))
		fuzz_assert(r == reference((const char *)data + 1, size - 1, key));
	return 0;
}
