/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libns internals: cleanup attributes and helpers shared between lib/ files. */
#ifndef LIBNS_NS_INTERNAL_H
#define LIBNS_NS_INTERNAL_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand ownership out of a cleanup variable: return its value, reset it. */
static inline int take_fd_(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}
#define take_fd(p) take_fd_(p)

static inline void *take_ptr_(void **p)
{
	void *r = *p;

	*p = NULL;
	return r;
}
#define take_ptr(p) take_ptr_((void **)(p))

/* util.c */
int write_all(int fd, const void *buf, size_t len);
int write_file_at(int dirfd, const char *path, const char *text);
int read_file_at(int dirfd, const char *path, char *buf, size_t size);
int parse_u32(const char *s, uint32_t *ret);
int parse_u32_n(const char *s, size_t n, uint32_t *ret);
int read_all_at(int dirfd, const char *path, char **ret);

#endif
