/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mount propagation, fresh /proc and binfmt_misc mounts, binfmt registration. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"

static const struct {
	const char *name;
	enum ns_propagation prop;
} propagation_names[] = {
	{ "unchanged", NS_PROPAGATION_UNCHANGED },
	{ "private", NS_PROPAGATION_PRIVATE },
	{ "slave", NS_PROPAGATION_SLAVE },
	{ "shared", NS_PROPAGATION_SHARED },
};

int ns_propagation_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(propagation_names); i++)
		if (strcmp(name, propagation_names[i].name) == 0)
			return (int)propagation_names[i].prop;
	return -EINVAL;
}

int ns_mount_set_propagation(const char *path, enum ns_propagation prop)
{
	unsigned long flags;

	switch (prop) {
	case NS_PROPAGATION_UNCHANGED:
		return 0;
	case NS_PROPAGATION_PRIVATE:
		flags = MS_PRIVATE;
		break;
	case NS_PROPAGATION_SLAVE:
		flags = MS_SLAVE;
		break;
	case NS_PROPAGATION_SHARED:
		flags = MS_SHARED;
		break;
	default:
		return -EINVAL;
	}
	/* source, type and data are ignored for a propagation change; see
	 * mount(2), "Changing the propagation type of an existing mount" */
	if (mount("none", path, NULL, MS_REC | flags, NULL) < 0)
		return -errno;
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash in paths as \ooo
 * octal (proc_pid_mountinfo(5)); decode in place. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* Length of @mnt if it is @path or a directory above it, else 0 ("/a" holds
 * "/a/b" but not "/ab"). */
static size_t mount_point_covers(const char *mnt, const char *path)
{
	size_t len = strlen(mnt);

	if (strcmp(mnt, "/") == 0)
		return 1;
	if (strncmp(mnt, path, len) != 0)
		return 0;
	if (path[len] != '\0' && path[len] != '/')
		return 0;
	return len;
}

int ns_mount_is_shared(const char *path)
{
	_cleanup_free_ char *real = NULL;
	_cleanup_free_ char *line = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	size_t best_len = 0, line_size = 0;
	bool found = false, shared = false;

	real = realpath(path, NULL);
	if (!real)
		return -errno;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;

	/* Fields: id parent major:minor root mount-point options [optional...] -
	 * fstype source super-options; see proc_pid_mountinfo(5). */
	errno = 0;
	while (getline(&line, &line_size, f) >= 0) {
		char *p = line, *mnt = NULL, *field;
		bool tagged_shared = false;
		size_t len;

		line[strcspn(line, "\n")] = '\0';
		for (int i = 0; i < 6; i++) {
			field = strsep(&p, " ");
			if (!field)
				break;
			if (i == 4)
				mnt = field;
		}
		if (!mnt || !p)
			continue;
		while ((field = strsep(&p, " ")) && strcmp(field, "-") != 0)
			if (strncmp(field, "shared:", strlen("shared:")) == 0)
				tagged_shared = true;

		unescape_octal(mnt);
		len = mount_point_covers(mnt, real);
		/* >=: of mounts stacked on one point the last listed is on top */
		if (len == 0 || len < best_len)
			continue;
		best_len = len;
		found = true;
		shared = tagged_shared;
	}
	if (ferror(f))
		return errno > 0 ? -errno : -EIO;
	if (!found)
		return -ENOENT;
	return shared ? 1 : 0;
}

int ns_mount_proc(const char *dir, bool make_private)
{
	/* EINVAL: @dir is not a mount point, so nothing there can propagate */
	if (make_private && mount("none", dir, NULL, MS_PRIVATE | MS_REC, NULL) < 0 &&
	    errno != EINVAL)
		return -errno;
	if (mount("proc", dir, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0)
		return -errno;
	return 0;
}

int ns_mount_binfmt(const char *dir)
{
	/* an instance per user namespace since Linux 6.7 */
	if (mount("binfmt_misc", dir, "binfmt_misc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0)
		return -errno;
	return 0;
}

int ns_binfmt_register(const char *dir, const char *def)
{
	_cleanup_close_ int dfd = -1;

	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	/* the kernel parses one definition per write(2); see
	 * Documentation/admin-guide/binfmt-misc.rst */
	return write_file_at(dfd, "register", def);
}

bool ns_binfmt_is_fixed(const char *def)
{
	const char *flags;

	if (!def)
		return false;
	flags = strrchr(def, ':');
	return flags && strchr(flags + 1, 'F');
}
