/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsfs mount points: mountinfo parsed strictly, mounts opened without
 * following symlinks, and the names of bind mounts in a directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"
#include "nsinfo-data.h"
#include "nsinfo-mounts.h"
#include "nsinfo-proc.h"

/* mountinfo(5) escapes space, tab, newline and backslash as \ooo. Returns
 * the decoded length, or -EINVAL for a backslash that starts no such escape
 * or one that decodes to NUL, neither of which the kernel writes. */
int nsi_mountinfo_unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] != '\\') {
			*w++ = *r;
			continue;
		}
		if (r[1] < '0' || r[1] > '3' || r[2] < '0' || r[2] > '7' || r[3] < '0' ||
		    r[3] > '7')
			return -EINVAL;
		*w = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
		if (!*w++)
			return -EINVAL;
		r += 3;
	}
	*w = '\0';
	return (int)(w - s);
}

/* Appends @s to the '\n'-separated list *@list unless it is in it. */
int nsi_list_add(char **list, const char *s)
{
	size_t ls = strlen(s), ll;
	char *p;

	if (*list) {
		for (const char *q = *list; q;) {
			const char *e = strchr(q, '\n');
			size_t n = e ? (size_t)(e - q) : strlen(q);

			if (n == ls && memcmp(q, s, n) == 0)
				return 0;
			q = e ? e + 1 : NULL;
		}
	}
	ll = *list ? strlen(*list) : 0;
	p = realloc(*list, ll + ls + 2);
	if (!p)
		return -ENOMEM;
	if (ll)
		p[ll++] = '\n';
	memcpy(p + ll, s, ls + 1);
	*list = p;
	/* no leak: *list is the caller's; gcc 12's analyzer loses track of a
	 * pointer stored through an out-parameter into an array element */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
	return 0;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}

/* One line of mountinfo(5), "id parent maj:min root target opts [tags...] -
 * fstype source superopts": for an nsfs mount, its target (unescaped, in
 * place) and the namespace's inode from the root ("net:[4026532100]").
 * The text is hostile: a field out of shape refuses the line. */
int nsi_mountinfo_nsfs(char *line, char **ret_target, uint64_t *ret_ino)
{
	char *f[6], *p = line, *end;
	uint64_t ino;
	int n, t, len;

	if (strlen(line) > NSI_MOUNTINFO_LINE_MAX)
		return -EINVAL;
	/* the six fixed fields, then optional tags up to a lone "-" */
	for (n = 0; n < 6; n++) {
		f[n] = p;
		end = strchr(p, ' ');
		if (!end || end == p)
			return -EINVAL;
		*end = '\0';
		p = end + 1;
	}
	for (;;) {
		const char *tag = p;

		end = strchr(p, ' ');
		if (!end || end == p)
			return -EINVAL;
		*end = '\0';
		p = end + 1;
		if (strcmp(tag, "-") == 0)
			break;
	}
	if (strncmp(p, "nsfs ", 5) != 0)
		return -ENOENT;
	if (!*f[0] || strspn(f[0], "0123456789") != strlen(f[0]) || !*f[1] ||
	    strspn(f[1], "0123456789") != strlen(f[1]) || !strchr(f[2], ':'))
		return -EINVAL;
	t = nsi_parse_fd_link(f[3], &ino);
	if (t < 0 || t == NS_TYPE_MAX)
		return -EINVAL;
	len = nsi_mountinfo_unescape(f[4]);
	if (len <= 0 || len >= PATH_MAX || f[4][0] != '/')
		return -EINVAL;
	*ret_target = f[4];
	*ret_ino = ino;
	return 0;
}

/* The nsfs file at @path, opened without following any symlink on the
 * way: a user who owns a directory above a mount point can swap it for a
 * symlink between our reading mountinfo and opening, and point us at a
 * file of their choosing. Opened O_PATH first, so nothing but an nsfs file
 * of inode @ino is ever opened for reading. */
int nsi_nsfs_open(const char *path, uint64_t ino)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int pfd = -1;
	struct statfs sfs;
	struct stat st;
	char proc[64];
	int fd;

	pfd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (pfd < 0 && errno == ENOSYS)
		/* only the last component is then kept from being a symlink */
		pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (fstatfs(pfd, &sfs) < 0 || fstat(pfd, &st) < 0)
		return -errno;
	/* the mount may have been replaced since mountinfo was read */
	if (sfs.f_type != NSFS_MAGIC || st.st_ino != ino)
		return -ESTALE;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	/* cppcheck-suppress resourceLeak ; fd is returned; _cleanup_close_ closes pfd */
	return fd < 0 ? -errno : fd;
}

void nsi_mounts_free(struct ns_info *info)
{
	for (size_t i = 0; i < info->n_ns; i++)
		free(info->ns[i].nsfs);
	free(info->mountinfo);
}

const char *ns_info_nsfs(const struct ns_info *info, size_t i)
{
	return info->ns[i].nsfs;
}

static int not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

int ns_info_add_names(struct ns_info *info, int dirfd)
{
	struct dirent **list = NULL;
	int n, r = 0;

	/* in name order, so a namespace's names come out the same each time */
	n = scandirat(dirfd, ".", &list, not_dot, alphasort);
	if (n < 0)
		return -errno;
	for (int k = 0; k < n; k++) {
		struct stat st;
		ssize_t idx;

		if (r == 0 && fstatat(dirfd, list[k]->d_name, &st, 0) == 0 &&
		    st.st_dev == info->nsfs_dev) {
			idx = nsi_index_get(&info->ns_ix, st.st_ino);
			if (idx >= 0)
				r = nsi_list_add(&info->ns[idx].names, list[k]->d_name);
		}
		free(list[k]);
	}
	free(list);
	return r;
}
