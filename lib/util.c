/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small fd, file and number helpers shared inside libns. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"

/* Writes all of @buf, retrying EINTR. A write that makes no progress is -EIO. */
int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One write(2) of the whole text: proc files such as uid_map take a single
 * write and treat a second one as a new (refused) attempt. */
int write_once(int fd, const char *text, size_t len)
{
	ssize_t n;

	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

int write_file_at(int dirfd, const char *path, const char *text)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	return write_once(fd, text, strlen(text));
}

/* Opens the proc file @name right below @dirfd so that what a write lands
 * on is that file and nothing else: not a file bind-mounted over it
 * (RESOLVE_NO_XDEV), not a symlink's target, and on procfs. openat2(2)
 * came with Linux 5.6; before it, O_NOFOLLOW and the procfs check remain,
 * which still refuse a bind mount from any other filesystem. */
int open_proc_file_at(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW),
		.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_BENEATH,
	};
	_cleanup_close_ int fd = -1;
	struct statfs sfs;

	if (strchr(name, '/'))
		return -EINVAL;
	fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, name, (int)how.flags);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return -EXDEV;
	return take_fd(&fd);
}

/* read(2) retried on EINTR; -errno on failure. */
ssize_t read_eintr(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* poll(2) retried on EINTR: the number of ready fds, or -errno. */
int poll_eintr(struct pollfd *fds, nfds_t n, int timeout)
{
	int r;

	do
		r = poll(fds, n, timeout);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* waitpid(2) retried on EINTR: the pid waited for, or -errno. */
int waitpid_eintr(pid_t pid, int *ret_status, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, ret_status, flags);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Reads until end of file or @size bytes. Returns the length, or -errno. */
static ssize_t read_full(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size) {
		ssize_t n = read_eintr(fd, buf + len, size - len);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* Reads up to @size - 1 bytes and NUL-terminates. Returns the length. */
int read_file_at(int dirfd, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (size == 0 || size > INT_MAX)
		return -EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read_full(fd, buf, size - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return (int)n;
}

/* Decimal digits only: no sign, no space, no 0x; strtoul alone accepts all. */
int parse_u32(const char *s, uint32_t *ret)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	*ret = (uint32_t)v;
	return 0;
}

/* The @n digits at @s, which need not be NUL-terminated. Leading zeros
 * carry no value, so any number of them is accepted. */
int parse_u32_n(const char *s, size_t n, uint32_t *ret)
{
	char num[16];

	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(num))
		return -ERANGE;
	memcpy(num, s, n);
	num[n] = '\0';
	return parse_u32(num, ret);
}

/* The next PID of a children file at *@s: decimal digits, 1 to INT_MAX,
 * ended by a space, a newline or the end. Anything else is hostile or
 * broken, and ends the walk: never a 0 or -1, which kill(2) would take
 * for a process group or every process. */
int children_next_pid(const char **s, pid_t *ret)
{
	const char *p = *s;
	long long v = 0;

	if (*p < '0' || *p > '9')
		return -EBADMSG;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	if (v == 0 || (*p && *p != ' ' && *p != '\n'))
		return -EBADMSG;
	while (*p == ' ' || *p == '\n')
		p++;
	*s = p;
	*ret = (pid_t)v;
	return 0;
}

/* The whole file, however long, NUL-terminated, in *@ret to free(). */
int read_all_at(int dirfd, const char *path, char **ret)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return read_all_fd(fd, ret);
}

/* read_all_at() of an open @fd, read from where it is. */
int read_all_fd(int fd, char **ret)
{
	return read_all_fd_len(fd, ret, NULL);
}

/* read_all_fd(), with the length in @ret_len (may be NULL), for text that
 * may hold NUL bytes of its own. */
int read_all_fd_len(int fd, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		size_t want;
		ssize_t n;

		if (cap - len < 4096) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p)
				return -ENOMEM;
			buf = p;
		}
		want = cap - len - 1;
		n = read_full(fd, buf + len, want);
		if (n < 0)
			return (int)n;
		len += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	buf[len] = '\0';
	*ret = take_ptr(&buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}
