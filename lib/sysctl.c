/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sysctls that belong to a namespace: which one a key belongs to, and
 * writing it through a /proc/sys directory fd. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"

/* Keys that live in a namespace rather than in the whole system, by the
 * namespace whose tables hold them (sysctl(2) handlers that look up the
 * caller's nsproxy or user namespace). A prefix ending in '/' covers a
 * directory. Anything else changes the machine for everyone. */
static const struct {
	const char *path;
	enum ns_type type;
} ns_keys[] = {
	{ "net/",                    NS_TYPE_NET  },
	{ "kernel/hostname",         NS_TYPE_UTS  },
	{ "kernel/domainname",       NS_TYPE_UTS  },
	{ "kernel/shmmax",           NS_TYPE_IPC  },
	{ "kernel/shmall",           NS_TYPE_IPC  },
	{ "kernel/shmmni",           NS_TYPE_IPC  },
	{ "kernel/shm_rmid_forced",  NS_TYPE_IPC  },
	{ "kernel/shm_next_id",      NS_TYPE_IPC  },
	{ "kernel/msgmax",           NS_TYPE_IPC  },
	{ "kernel/msgmnb",           NS_TYPE_IPC  },
	{ "kernel/msgmni",           NS_TYPE_IPC  },
	{ "kernel/msg_next_id",      NS_TYPE_IPC  },
	{ "kernel/sem",              NS_TYPE_IPC  },
	{ "kernel/sem_next_id",      NS_TYPE_IPC  },
	{ "fs/mqueue/",              NS_TYPE_IPC  },
	{ "kernel/ns_last_pid",      NS_TYPE_PID  },
	{ "user/",                   NS_TYPE_USER },
};

int ns_sysctl_path(const char *key, char *buf, size_t size)
{
	size_t len = strlen(key);
	/* as sysctl(8): a key with a slash is a path, dots and all (an
	 * interface named "eth0.5"); otherwise dots separate the parts */
	bool dotted = !strchr(key, '/');
	const char *part;

	if (len == 0 || len >= size)
		return -EINVAL;
	for (size_t i = 0; i <= len; i++)
		buf[i] = (char)(dotted && key[i] == '.' ? '/' : key[i]);
	for (part = buf;; ) {
		const char *end = strchrnul(part, '/');
		size_t n = (size_t)(end - part);

		if (n == 0 || (n == 1 && part[0] == '.') ||
		    (n == 2 && part[0] == '.' && part[1] == '.'))
			return -EINVAL;
		if (!*end)
			break;
		part = end + 1;
	}
	for (const char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -EINVAL;
	return 0;
}

int ns_sysctl_type(const char *key)
{
	char path[PATH_MAX];
	int r = ns_sysctl_path(key, path, sizeof(path));

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(ns_keys); i++) {
		const char *p = ns_keys[i].path;
		size_t n = strlen(p);

		if (p[n - 1] == '/' ? strncmp(path, p, n) == 0 : strcmp(path, p) == 0)
			return ns_keys[i].type;
	}
	return -EOPNOTSUPP;
}

int ns_sysctl_write(int sys_fd, const char *key, const char *value)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r = ns_sysctl_path(key, path, sizeof(path));

	if (r < 0)
		return r;
	fd = openat(sys_fd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* one write: a sysctl parses each write(2) as a whole value */
	return write_once(fd, value, strlen(value));
}
