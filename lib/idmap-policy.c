/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A privileged map writer's rules: newuidmap's arguments, which ranges a caller may map. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/capability.h>

#include "ns.h"
#include "ns-internal.h"

/* A decimal number as a privileged helper must read it: strtoul(3)'s base
 * 0, which newuidmap(1) uses, takes "0x10" as 16 and "010" as 8, and
 * skips blanks and a sign; a leading zero is refused so that no caller
 * means one number and gets another. */
static int parse_strict(const char *s, uint32_t *ret)
{
	if (!s || !*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	return parse_u32(s, ret);
}

/* The failing argument, for ns_idmap_parse_args(): @reterr_index may be NULL. */
static int parse_fail(int r, size_t i, size_t *reterr_index)
{
	if (reterr_index)
		*reterr_index = i;
	return r;
}

int ns_idmap_parse_args(char *const *args, size_t n, struct ns_idmap *ret, size_t *reterr_index)
{
	struct ns_idmap map = { 0 };
	int r;

	if (!args || !ret || n == 0 || n % 3 != 0)
		return parse_fail(-EINVAL, n, reterr_index);
	if (n / 3 > NS_IDMAP_MAX)
		return parse_fail(-E2BIG, (size_t)NS_IDMAP_MAX * 3, reterr_index);
	/* form first, for every argument, then values */
	for (size_t i = 0; i < n; i++) {
		uint32_t v;

		r = parse_strict(args[i], &v);
		if (r == -EINVAL)
			return parse_fail(r, i, reterr_index);
	}
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v[3];

		/* uid_map lines must not wrap: the kernel refuses first+count
		 * past 2^32-1, and (uint32_t)-1 is no id (user_namespaces(7)).
		 * An id of 2^32-1 is that id's fault, a wrap the count's. */
		for (size_t j = 0; j < 3; j++)
			if (parse_strict(args[i + j], &v[j]) < 0 || (j < 2 && v[j] == UINT32_MAX))
				return parse_fail(-ERANGE, i + j, reterr_index);
		if (v[2] == 0 || (uint64_t)v[0] + v[2] > UINT32_MAX ||
		    (uint64_t)v[1] + v[2] > UINT32_MAX)
			return parse_fail(-ERANGE, i + 2, reterr_index);
		map.r[map.n++] =
			(struct ns_idmap_range){ .inner = v[0], .outer = v[1], .count = v[2] };
	}
	*ret = map;
	return 0;
}

int ns_idmap_check(enum ns_idmap_kind kind, const struct ns_idmap *map,
		   const struct ns_idmap_caller *caller, const char *subid_path,
		   size_t *ret_bad, bool *ret_from_subid)
{
	uint32_t own = kind == NS_GID_MAP ? (uint32_t)caller->gid : (uint32_t)caller->uid;
	bool from_subid = false;
	int r;

	if (map->n == 0 || map->n > NS_IDMAP_MAX)
		return -EINVAL;
	for (size_t i = 0; i < map->n; i++) {
		const struct ns_idmap_range *range = &map->r[i];

		r = 0;
		/* host id 0 is root's, whatever a subordinate file says */
		if (range->outer == 0 && caller->uid != 0) {
			r = -EACCES;
		} else if (range->count > 0) {
			/* the subordinate file first: a range found there lets
			 * a gid map keep setgroups allowed (newgidmap(1)) */
			r = ns_subid_covers(subid_path, caller->name, caller->uid, range->outer,
					    range->count);
			if (r < 0 && r != -ENOENT)
				return r;
			if (r > 0)
				from_subid = true;
			else if (range->count == 1 && range->outer == own)
				r = 1;
			r = r > 0 ? 0 : -EPERM;
		} else {
			r = -EPERM;
		}
		if (r < 0) {
			if (ret_bad)
				*ret_bad = i;
			return r;
		}
	}
	if (ret_from_subid)
		*ret_from_subid = from_subid;
	return 0;
}

int ns_idmap_auto(enum ns_idmap_kind kind, const struct ns_idmap_caller *caller,
		  const char *subid_path, struct ns_idmap *ret)
{
	uint32_t own = kind == NS_GID_MAP ? (uint32_t)caller->gid : (uint32_t)caller->uid;
	struct ns_subid s;
	int r;

	r = ns_subid_lookup(subid_path, caller->name, caller->uid, &s);
	if (r < 0)
		return r;
	/* inner ids 1 to count stay below (uint32_t)-1, which is no id */
	if (s.count > UINT32_MAX - 1)
		s.count = UINT32_MAX - 1;
	ret->n = 2;
	ret->r[0] = (struct ns_idmap_range){ .inner = 0, .outer = own, .count = 1 };
	ret->r[1] = (struct ns_idmap_range){ .inner = 1, .outer = s.start, .count = s.count };
	return 0;
}

uint64_t ns_idmap_caps(enum ns_idmap_kind kind, const struct ns_idmap *map)
{
	uint64_t caps = 1ull << (kind == NS_GID_MAP ? CAP_SETGID : CAP_SETUID);

	/* a uid map with host uid 0 takes CAP_SETFCAP (user_namespaces(7),
	 * Linux 5.12) */
	for (size_t i = 0; kind == NS_UID_MAP && i < map->n; i++)
		if (map->r[i].outer == 0)
			caps |= 1ull << CAP_SETFCAP;
	return caps;
}

/* One line of login.defs(5) as shadow splits it: blanks trimmed at both
 * ends, "#" starts a comment, the name runs to the first blank, the value
 * starts after blanks and double quotes and ends at the next double quote.
 * Returns the value if the name is @key, else NULL. */
static const char *defs_value(char *line, const char *key)
{
	size_t len = strlen(line);
	char *name, *value;

	while (len > 0 && strchr(" \t\n", line[len - 1]))
		line[--len] = '\0';
	name = line + strspn(line, " \t");
	if (!*name || *name == '#')
		return NULL;
	value = name + strcspn(name, " \t");
	if (!*value)
		return NULL; /* a name alone sets nothing */
	*value++ = '\0';
	if (strcmp(name, key) != 0)
		return NULL;
	value += strspn(value, " \"\t");
	value[strcspn(value, "\"")] = '\0';
	return value;
}

int ns_login_defs_yes(const char *path, const char *key)
{
	/* shadow reads lines of up to 1023 characters: room for those, their
	 * newline and the NUL, so that a line of 1023 is read whole */
	char line[1023 + 2];
	bool yes = false, skip = false;
	FILE *f;
	int r = 0;

	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	errno = 0;
	while (fgets(line, sizeof(line), f)) {
		bool whole = strchr(line, '\n') || feof(f);
		const char *v;

		/* the rest of a line too long is no line of its own, and the
		 * part before it is not read either */
		if (skip || !whole) {
			skip = !whole;
			continue;
		}
		v = defs_value(line, key);
		/* the last line that names the key decides */
		if (v)
			yes = strcasecmp(v, "yes") == 0;
	}
	if (ferror(f))
		r = errno > 0 ? -errno : -EIO;
	fclose(f);
	return r < 0 ? r : yes;
}
