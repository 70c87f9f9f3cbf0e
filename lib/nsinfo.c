/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespaces of a system: one pass over /proc, each namespace probed once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sockios.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"
#include "nsinfo-internal.h"

static int pidfd_getfd(int pidfd, int fd)
{
	/* needs ptrace access to the holder; see pidfd_getfd(2) */
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	return r < 0 ? -errno : r;
}

static int socket_netns(int sk)
{
	int r = ioctl(sk, SIOCGSKNS, 0);

	return r < 0 ? -errno : r;
}

static int fd_ino(int fd, uint64_t *ret)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	*ret = st.st_ino;
	return 0;
}

/* NS_GET_PARENT / NS_GET_USERNS: an fd of the related namespace, or -EPERM
 * when it lies outside the caller's view (ioctl_ns(2)), which the callers
 * report as "no such namespace". -ENOTTY means the kernel lacks the ioctl. */
static int related_fd(int fd, unsigned long req)
{
	int r = ioctl(fd, req, 0);

	if (r < 0)
		return -errno;
	return r;
}

static int add_ns(struct ns_info *info, uint64_t ino, enum ns_type type, size_t *ret_idx)
{
	struct nsi_ns *ns;
	int r;

	r = nsi_grow((void **)&info->ns, &info->ns_cap, info->n_ns, sizeof(*info->ns));
	if (r < 0)
		return r;
	r = nsi_index_put(&info->ns_ix, ino, info->n_ns);
	if (r < 0)
		return r;
	ns = &info->ns[info->n_ns];
	*ns = (struct nsi_ns){
		.ino = ino, .type = type, .proc = -1, .caps = -1, .netnsid = NS_NETNSID_UNKNOWN
	};
	*ret_idx = info->n_ns++;
	return 0;
}

static int probe_fd(struct ns_info *info, int fd, size_t idx, int depth);
static int add_ns_fd(struct ns_info *info, int fd, uint64_t ino, int depth);

/* Adds the namespace behind @fd (owner and parent are followed) unless it is
 * known already or of a type not asked for. Returns 0 or -errno. */
static int add_ns_fd(struct ns_info *info, int fd, uint64_t ino, int depth)
{
	size_t idx;
	int t, r;

	if (nsi_index_get(&info->ns_ix, ino) >= 0)
		return 0;
	t = ioctl(fd, NS_GET_NSTYPE, 0);
	if (t < 0)
		return -errno;
	t = ns_type_from_flag(t);
	if (t < 0 || !(info->types & (1u << t)))
		return 0;
	r = add_ns(info, ino, t, &idx);
	if (r < 0)
		return r;
	info->ns[idx].no_proc = true;
	/* a namespace without a process is asked for its id through the fd
	 * that found it, since nothing else would reach it later */
	if (t == NS_TYPE_NET && info->nl)
		info->ns[idx].netnsid = nsi_netnsid_of_fd(info, fd);
	return probe_fd(info, fd, idx, depth);
}

/* Reads what the ioctls tell about namespace @idx through @fd: owner,
 * parent, the owner's uid. Namespaces found without a process have their
 * owner and parent added as well, as lsns(8) does, since nothing else would
 * find them. */
static int probe_fd(struct ns_info *info, int fd, size_t idx, int depth)
{
	bool follow = info->ns[idx].no_proc || (info->flags & NS_INFO_GHOSTS);
	enum ns_type type = info->ns[idx].type;
	_cleanup_close_ int ofd = -1, pfd = -1;
	uint64_t ino;
	int r;

	if (!(info->flags & (NS_INFO_RELATIONS | NS_INFO_CAPS)) && !info->ns[idx].no_proc)
		return 0;
	/* a chain of nested user namespaces is at most 32 deep */
	if (depth > 40)
		return 0;
	if (type == NS_TYPE_USER) {
		/* set first: NS_GET_OWNER_UID is an _IO ioctl that writes through
		 * its argument, which valgrind's memcheck cannot know */
		uid_t uid = (uid_t)-1;

		if (ioctl(fd, NS_GET_OWNER_UID, &uid) < 0)
			return -errno;
		info->ns[idx].owner_uid = uid;
		info->ns[idx].has_owner_uid = true;
	}
	ofd = related_fd(fd, NS_GET_USERNS);
	if (ofd == -ENOTTY || ofd == -ENOSYS)
		return -ENOTTY;
	if (nsi_is_fatal(ofd))
		return ofd;
	/* an owner beyond the caller's view is one of its ancestors, in which
	 * it has no capabilities (user_namespaces(7)) */
	if (ofd == -EPERM && (info->flags & NS_INFO_CAPS) && type != NS_TYPE_USER)
		info->ns[idx].caps = NS_CAPS_NONE;
	if (ofd >= 0) {
		r = fd_ino(ofd, &ino);
		if (r < 0)
			return r;
		info->ns[idx].owner = ino;
		if (type != NS_TYPE_USER && info->ns[idx].no_proc) {
			/* set first, as above */
			uid_t uid = (uid_t)-1;

			if (ioctl(ofd, NS_GET_OWNER_UID, &uid) == 0) {
				info->ns[idx].owner_uid = uid;
				info->ns[idx].has_owner_uid = true;
			}
		}
		if (info->flags & NS_INFO_CAPS) {
			info->ns[idx].caps = nsi_caps_of_userns(info, ofd, ino);
			if (nsi_is_fatal(info->ns[idx].caps))
				return info->ns[idx].caps;
		}
		if (follow) {
			r = add_ns_fd(info, ofd, ino, depth + 1);
			if (r < 0 && r != -EPERM)
				return r;
		}
	}
	/* a user namespace's parent is its owner: the kernel answers
	 * NS_GET_PARENT for it as NS_GET_USERNS (userns_operations'
	 * get_parent is ns_get_owner), so the answer above serves */
	if (type == NS_TYPE_USER && ofd >= 0)
		info->ns[idx].parent = info->ns[idx].owner;
	if (type == NS_TYPE_PID) {
		pfd = related_fd(fd, NS_GET_PARENT);
		if (pfd == -ENOTTY || pfd == -ENOSYS)
			return -ENOTTY;
		if (nsi_is_fatal(pfd))
			return pfd;
		if (pfd >= 0) {
			r = fd_ino(pfd, &ino);
			if (r < 0)
				return r;
			info->ns[idx].parent = ino;
			if (follow) {
				r = add_ns_fd(info, pfd, ino, depth + 1);
				if (r < 0 && r != -EPERM)
					return r;
			}
		}
	}
	if (type == NS_TYPE_USER && (info->flags & NS_INFO_CAPS)) {
		info->ns[idx].caps = nsi_caps_of_userns(info, fd, info->ns[idx].ino);
		if (nsi_is_fatal(info->ns[idx].caps))
			return info->ns[idx].caps;
	}
	return 0;
}

/* The network namespace a socket belongs to (SIOCGSKNS), which may differ
 * from its holder's: a socket keeps the namespace it was created in. */
static int scan_socket(struct ns_info *info, pid_t pid, int *pidfd, int fdnum)
{
	_cleanup_close_ int sk = -1, nsfd = -1;
	uint64_t ino = 0;

	/* pidfds name processes of the real /proc, not of a tree in its shape */
	if (!info->is_procfs)
		return 0;
	if (*pidfd < 0) {
		*pidfd = ns_pidfd_open(pid);
		if (*pidfd < 0)
			return nsi_is_fatal(*pidfd) ? *pidfd : 0;
	}
	sk = pidfd_getfd(*pidfd, fdnum);
	if (sk < 0)
		return nsi_is_fatal(sk) ? sk : 0;
	nsfd = socket_netns(sk);
	if (nsfd < 0)
		return nsi_is_fatal(nsfd) ? nsfd : 0;
	if (fd_ino(nsfd, &ino) < 0)
		return 0;
	return add_ns_fd(info, nsfd, ino, 0);
}

/* An nsfs file held open: reopened through /proc/PID/fd/N, and checked to
 * be the same namespace, since the fd may have changed since it was read. */
static int scan_ns_fd(struct ns_info *info, const struct nsi_raw_fd *f)
{
	_cleanup_close_ int fd = -1;
	char path[64];
	uint64_t ino = 0;

	if (nsi_index_get(&info->ns_ix, f->ino) >= 0)
		return 0;
	snprintf(path, sizeof(path), "%d/fd/%d", (int)f->pid, f->fd);
	fd = openat(info->proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsi_is_fatal(-errno) ? -errno : 0;
	if (fd_ino(fd, &ino) < 0 || ino != f->ino)
		return 0;
	return add_ns_fd(info, fd, ino, 0);
}

/* One pass over the caller's mountinfo: the nsfs mount points of every
 * namespace, and namespaces held by nothing but such a bind mount. */
static int scan_mounts(struct ns_info *info)
{
	char *line, *next;
	int r;

	r = read_all_at(info->proc_fd, "self/mountinfo", &info->mountinfo);
	if (r < 0)
		return r;
	for (line = info->mountinfo; line && *line; line = next) {
		char *target;
		uint64_t ino;
		ssize_t idx;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (nsi_mountinfo_nsfs(line, &target, &ino) < 0)
			continue;
		idx = nsi_index_get(&info->ns_ix, ino);
		if (idx < 0) {
			_cleanup_close_ int fd = -1;

			fd = nsi_nsfs_open(target, ino);
			if (nsi_is_fatal(fd))
				return fd;
			if (fd < 0)
				continue;
			r = add_ns_fd(info, fd, ino, 0);
			if (r < 0 && r != -EPERM && r != -EACCES)
				return r;
			idx = nsi_index_get(&info->ns_ix, ino);
			if (idx < 0)
				continue;
		}
		r = nsi_list_add(&info->ns[idx].nsfs, target);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Every process's namespaces become entries; a namespace seen for the first
 * time is probed through the process's /proc/PID/ns entry, only once. */
static int scan_procs(struct ns_info *info)
{
	struct nsi_proc_opts opts = {
		.fds = info->flags & NS_INFO_FDS,
		.stat = !(info->flags & NS_INFO_NO_PPID),
		.fd_stat = info->is_procfs && info->nsfs_dev,
		.nsfs_dev = info->nsfs_dev,
	};
	struct nsi_raw raw = { 0 };
	int r;

	r = nsi_proc_read_all(info->proc_fd, info->types, &opts, &raw);
	if (r < 0)
		return r;
	info->procs = raw.procs;
	info->n_procs = info->proc_cap = raw.n_procs;

	for (size_t j = 0; j < info->n_procs; j++) {
		struct nsi_proc *p = &info->procs[j];

		for (int t = 0; t < NS_TYPE_MAX; t++) {
			_cleanup_close_ int fd = -1;
			char path[64];
			size_t idx;

			if (!p->ns[t] || nsi_index_get(&info->ns_ix, p->ns[t]) >= 0)
				continue;
			r = add_ns(info, p->ns[t], t, &idx);
			if (r < 0)
				goto out;
			if (!(info->flags & (NS_INFO_RELATIONS | NS_INFO_CAPS)))
				continue;
			snprintf(path, sizeof(path), "%d/ns/%s", (int)p->pid, ns_type_name(t));
			fd = openat(info->proc_fd, path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 && nsi_is_fatal(-errno)) {
				r = -errno;
				goto out;
			}
			if (fd < 0)
				continue;
			r = probe_fd(info, fd, idx, 0);
			if (r < 0 && !nsi_is_gone(r))
				goto out;
		}
	}

	for (size_t k = 0; k < raw.n_fds; k++) {
		_cleanup_close_ int pidfd = -1;
		pid_t pid = raw.fds[k].pid;

		/* one pidfd serves all sockets of a process */
		for (; k < raw.n_fds && raw.fds[k].pid == pid; k++) {
			if (raw.fds[k].type == NS_TYPE_MAX)
				r = scan_socket(info, pid, &pidfd, raw.fds[k].fd);
			else
				r = scan_ns_fd(info, &raw.fds[k]);
			if (r < 0 && !nsi_is_gone(r))
				goto out;
		}
		k--;
	}
	r = 0;
out:
	free(raw.fds);
	return r;
}

static int cmp_ns(const void *a, const void *b)
{
	const struct nsi_ns *x = a, *y = b;

	return (x->ino > y->ino) - (x->ino < y->ino);
}

static ssize_t find_proc(const struct ns_info *info, pid_t pid)
{
	size_t lo = 0, hi = info->n_procs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (info->procs[mid].pid == pid)
			return (ssize_t)mid;
		if (info->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* User and PID namespaces nest at most 32 deep below the initial ones, and
 * a chain of parents may continue through its owner's: no chain the kernel
 * makes is longer than this. */
#define NSI_CHAIN_MAX (2 * 33)

static uint64_t *relation(struct nsi_ns *ns, bool parent)
{
	return parent ? &ns->parent : &ns->owner;
}

/* How many links the chain from @i follows within NSI_CHAIN_MAX + 1
 * steps; -1 when it comes back to @i. */
static int chain_length(const struct ns_info *info, size_t i, bool parent)
{
	ssize_t k = (ssize_t)i;
	int steps = 0;

	while (steps <= NSI_CHAIN_MAX) {
		uint64_t r = *relation(&info->ns[k], parent);

		if (!r || r == info->ns[k].ino)
			break;
		k = nsi_index_get(&info->ns_ix, r);
		if (k < 0)
			break;
		steps++;
		if ((size_t)k == i)
			return -1;
	}
	return steps;
}

/* The inode of a link's text and the relations of the ioctls need not
 * agree: a tree shaped like /proc says what it likes, and an inode can be
 * reused while /proc is read. Links that make a loop, then those of chains
 * deeper than the kernel allows, are cut, so that whoever follows them
 * stops. */
static void cut_loops(struct ns_info *info)
{
	for (int p = 0; p < 2; p++) {
		for (size_t i = 0; i < info->n_ns; i++)
			if (chain_length(info, i, p) < 0)
				*relation(&info->ns[i], p) = 0;
		for (size_t i = 0; i < info->n_ns; i++)
			if (chain_length(info, i, p) > NSI_CHAIN_MAX)
				*relation(&info->ns[i], p) = 0;
	}
}

/* Sort, then link: namespaces by inode (the order lsns prints), processes
 * by PID, each namespace to its lowest PID and each process to its parent. */
static int finish(struct ns_info *info)
{
	int r;

	/* processes come in PID order from nsi_proc_read_all(); qsort()
	 * takes no NULL array, not even an empty one */
	if (info->n_ns > 1)
		qsort(info->ns, info->n_ns, sizeof(*info->ns), cmp_ns);
	nsi_index_clear(&info->ns_ix);
	r = nsi_index_reserve(&info->ns_ix, info->n_ns);
	if (r < 0)
		return r;
	for (size_t i = 0; i < info->n_ns; i++) {
		r = nsi_index_put(&info->ns_ix, info->ns[i].ino, i);
		if (r < 0)
			return r;
	}
	cut_loops(info);
	for (size_t j = 0; j < info->n_procs; j++) {
		struct nsi_proc *p = &info->procs[j];

		p->parent = p->ppid > 0 ? find_proc(info, p->ppid) : -1;
		for (int t = 0; t < NS_TYPE_MAX; t++) {
			ssize_t i;

			if (!p->ns[t])
				continue;
			i = nsi_index_get(&info->ns_ix, p->ns[t]);
			if (i < 0)
				continue;
			info->ns[i].nprocs++;
			/* processes are in PID order: the first is the lowest */
			if (info->ns[i].proc < 0)
				info->ns[i].proc = (ssize_t)j;
		}
	}
	for (size_t i = 0; i < info->n_ns; i++) {
		struct nsi_ns *ns = &info->ns[i];

		/* a non-user namespace is reached through its owner */
		if (ns->caps < 0 && ns->owner) {
			ssize_t o = nsi_index_get(&info->ns_ix, ns->owner);

			if (o >= 0)
				ns->caps = info->ns[o].caps;
		}
	}
	return 0;
}

int ns_info_scan(int proc_fd, uint32_t types, unsigned int flags, struct ns_info **ret_info)
{
	struct ns_info *info;
	int r;

	if (proc_fd < 0 || (types & ~((1u << NS_TYPE_MAX) - 1)))
		return -EINVAL;
	if (!types)
		types = (1u << NS_TYPE_MAX) - 1;
	info = calloc(1, sizeof(*info));
	if (!info)
		return -ENOMEM;
	info->types = types;
	info->flags = flags;
	info->self_userns_caps = -1;
	info->proc_fd = fcntl(proc_fd, F_DUPFD_CLOEXEC, 3);
	if (info->proc_fd < 0) {
		r = -errno;
		goto fail;
	}
	{
		struct statfs sfs;
		struct stat st;

		info->is_procfs = fstatfs(proc_fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
		/* every nsfs file lives on one device; see ns_info_add_names() */
		if (fstatat(proc_fd, "self/ns/user", &st, 0) == 0)
			info->nsfs_dev = st.st_dev;
	}
	if (flags & NS_INFO_CAPS) {
		r = nsi_caps_init(info);
		if (r < 0)
			goto fail;
	}
	if (flags & NS_INFO_NETNSID) {
		r = nsi_netnsid_open(info);
		if (r < 0)
			goto fail;
	}

	r = scan_procs(info);
	if (r < 0)
		goto fail;
	if (flags & NS_INFO_MOUNTS) {
		r = scan_mounts(info);
		if (r < 0)
			goto fail;
	}
	r = finish(info);
	if (r < 0)
		goto fail;
	if (flags & NS_INFO_COMMANDS) {
		r = nsi_read_commands(info);
		if (r < 0)
			goto fail;
	}
	if (flags & NS_INFO_NETNSID) {
		r = nsi_netnsid_fill(info);
		if (r < 0)
			goto fail;
	}
	*ret_info = info;
	return 0;
fail:
	ns_info_free(info);
	return r;
}

void ns_info_free(struct ns_info *info)
{
	if (!info)
		return;
	nsi_mounts_free(info);
	nsi_netnsid_close(info);
	nsi_index_clear(&info->ns_ix);
	nsi_index_clear(&info->caps_ix);
	for (size_t i = 0; i < info->n_ns; i++)
		free(info->ns[i].names);
	free(info->ns);
	for (size_t j = 0; j < info->n_procs; j++)
		free(info->procs[j].command);
	free(info->procs);
	if (info->proc_fd >= 0)
		close(info->proc_fd);
	free(info);
}
