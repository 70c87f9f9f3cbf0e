/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading /proc/PID for a namespace listing: the fewest, cheapest calls, spread over the CPUs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-data.h"
#include "nsinfo-proc.h"

/* Each thread takes this many PIDs at a time. */
#define CHUNK 32
/* Below this many processes a second thread costs more than it saves. */
#define MIN_PER_THREAD 256
#define MAX_THREADS 4

bool nsi_is_gone(int r)
{
	return r == -ENOENT || r == -ESRCH || r == -EACCES || r == -EPERM;
}

/* One read(2): proc files of a page or less come whole from the first. */
static int read_once_at(int dirfd, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		/* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
		return -errno;
	buf[n] = '\0';
	/* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
	return (int)n;
}

/* The decimal number at *@s, which moves past it; -1 if there is none or
 * it exceeds @max. A hand loop: sscanf(3) and strtoull(3) cost more than
 * the rest of parsing the ~10 links and files read per process. */
static int64_t take_dec(const char **s, uint64_t max)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (max - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	return (int64_t)v;
}

/* "[INODE]" ending the string: the inode, or 0 if malformed (no nsfs or
 * socket inode is 0). */
static uint64_t bracketed_ino(const char *s)
{
	int64_t v;

	if (*s++ != '[')
		return 0;
	v = take_dec(&s, INT64_MAX);
	if (v < 0 || s[0] != ']' || s[1])
		return 0;
	return (uint64_t)v;
}

/* The parent PID and whether the process is a kernel thread (PF_KTHREAD
 * in the flags), from /proc/PID/stat. The command in parentheses may
 * itself hold ')' and spaces; see proc_pid_stat(5). */
int nsi_parse_stat(const char *stat, pid_t *ret_ppid, bool *ret_kthread)
{
	const char *p = strrchr(stat, ')');
	int64_t ppid = -1, flags = -1;

	if (!p)
		return -EINVAL;
	p++;
	/* fields 3 to 9: state ppid pgrp session tty_nr tpgid flags */
	for (int f = 3; f <= 9; f++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -EINVAL;
		if (f == 4)
			ppid = take_dec(&p, INT32_MAX);
		else if (f == 9)
			flags = take_dec(&p, UINT32_MAX);
		while (*p && *p != ' ')
			p++;
	}
	if (ppid < 0 || flags < 0)
		return -EINVAL;
	*ret_ppid = (pid_t)ppid;
	*ret_kthread = flags & 0x00200000;	/* PF_KTHREAD, include/linux/sched.h */
	return 0;
}

/* What readlink(2) gives for an fd: "net:[4026531840]" for an nsfs file,
 * "socket:[1234]" for a socket. Returns the namespace type, NS_TYPE_MAX
 * for a socket, -1 for anything else. */
int nsi_parse_fd_link(const char *s, uint64_t *ret_ino)
{
	const char *b = strchr(s, ':');
	char name[16];
	uint64_t ino;
	int t;

	if (!b || b[1] != '[' || (size_t)(b - s) >= sizeof(name))
		return -1;
	memcpy(name, s, (size_t)(b - s));
	name[b - s] = '\0';
	if (strcmp(name, "socket") == 0) {
		t = NS_TYPE_MAX;
	} else {
		t = ns_type_from_name(name);
		if (t < 0 || strcmp(name, ns_type_name(t)) != 0)
			return -1;
	}
	ino = bracketed_ino(b + 1);
	if (!ino)
		return -1;
	*ret_ino = ino;
	return t;
}

struct worker {
	int proc_fd;
	uint32_t types;
	bool fds;
	bool stat;		/* read /proc/PID/stat: parent PID, kernel thread */
	bool fd_stat;		/* tell fds apart by stat(2) alone (the real /proc) */
	dev_t nsfs_dev;
	const uint32_t *pids;
	size_t npids;
	size_t *next;

	struct nsi_proc *procs;
	size_t n_procs, proc_cap;
	struct nsi_raw_fd *fd;
	size_t n_fd, fd_cap;
	int err;
};

/* What stat(2) through /proc/PID/fd/N tells of the file: an nsfs file
 * (its type yet unknown), a socket, or something else (-1). One call where
 * readlink(2) needs a second for a path, which may name an nsfs file opened
 * through a bind mount: and most fds are paths. */
static int classify_by_stat(const struct worker *w, int fdfd, const char *name, uint64_t *ret_ino)
{
	struct stat st;

	if (fstatat(fdfd, name, &st, 0) < 0)
		return -1;
	*ret_ino = st.st_ino;
	if (st.st_dev == w->nsfs_dev)
		return NSI_FD_NSFS;
	if (S_ISSOCK(st.st_mode))
		return NS_TYPE_MAX;
	return -1;
}

/* The same from readlink(2), for a tree shaped like /proc whose fd entries
 * are symlinks with the kernel's texts: "net:[4026531840]" for an nsfs
 * file, "socket:[1234]" for a socket, a path for a file. */
static int classify_by_link(const struct worker *w, int fdfd, const char *name, uint64_t *ret_ino)
{
	char link[64];
	struct stat st;
	ssize_t len;
	int t;

	len = readlinkat(fdfd, name, link, sizeof(link) - 1);
	if (len < 0)
		return -1;
	link[len] = '\0';
	t = nsi_parse_fd_link(link, ret_ino);
	if (t >= 0 || link[0] != '/' || !w->nsfs_dev)
		return t;
	/* an nsfs file opened through a bind mount reads as the mount's path,
	 * or "/" once it is gone; only a stat of the file tells. Other texts
	 * ("pipe:[...]", "anon_inode:...") are decisive. */
	if (fstatat(fdfd, name, &st, 0) < 0 || st.st_dev != w->nsfs_dev)
		return -1;
	*ret_ino = st.st_ino;
	return NSI_FD_NSFS;
}

/* The fds of the process that are nsfs files or sockets, from one
 * getdents64(2) on the stack (no opendir(), which allocates and calls
 * fcntl(2)) and one stat(2) or readlink(2) per fd. procfs fills the buffer
 * as far as the fds go, so a buffer with room to spare means the end was
 * reached. */
static int read_fds(struct worker *w, int dfd, pid_t pid, uint32_t types)
{
	_cleanup_close_ int fdfd = -1;
	char buf[8192] __attribute__((aligned(8)));
	ssize_t n;

	fdfd = openat(dfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0)
		return nsi_is_fatal(-errno) ? -errno : 0;
	while ((n = getdents64(fdfd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			uint64_t ino = 0;
			uint32_t fdno;
			int t, r;

			off += de->d_reclen;
			if (parse_u32(de->d_name, &fdno) < 0 || fdno > INT32_MAX)
				continue;
			if (w->fd_stat)
				t = classify_by_stat(w, fdfd, de->d_name, &ino);
			else
				t = classify_by_link(w, fdfd, de->d_name, &ino);
			/* an nsfs file of a type not asked for is dropped when
			 * it is opened (add_ns_fd()) */
			if (t < 0 || (t < NSI_FD_NSFS &&
				      !(types & (1u << (t == NS_TYPE_MAX ? NS_TYPE_NET : t)))))
				continue;
			r = nsi_grow((void **)&w->fd, &w->fd_cap, w->n_fd, sizeof(*w->fd));
			if (r < 0)
				return r;
			w->fd[w->n_fd++] = (struct nsi_raw_fd){
				.pid = pid, .fd = (int)fdno, .type = t, .ino = ino
			};
		}
		if ((size_t)n < sizeof(buf) - 512)
			break;
	}
	return 0;
}

/* readlink(2) of /proc/PID/ns/TYPE gives "TYPE:[INODE]" without following
 * the link to the nsfs file: half the cost of stat(2). */
static int read_ns_link(int nsfd, enum ns_type t, uint64_t *ret)
{
	const char *name = ns_type_name(t);
	size_t len = strlen(name);
	char buf[64];
	uint64_t ino;

	ssize_t n = readlinkat(nsfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* the type is known: only "TYPE:" needs checking before the inode */
	if ((size_t)n <= len || memcmp(buf, name, len) != 0 || buf[len] != ':')
		return -EINVAL;
	ino = bracketed_ino(buf + len + 1);
	if (!ino)
		return -EINVAL;
	*ret = ino;
	return 0;
}

static int read_proc(struct worker *w, uint32_t pid)
{
	_cleanup_close_ int dfd = -1, nsfd = -1;
	char name[16], stat[1024];
	struct nsi_proc *p;
	struct stat st;
	int r;

	snprintf(name, sizeof(name), "%u", pid);
	/* O_PATH: a base for the *at() calls and for fstat(), nothing more */
	dfd = openat(w->proc_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fstat(dfd, &st) < 0)
		/* cppcheck-suppress resourceLeak ; _cleanup_close_ closes dfd */
		return -errno;
	r = nsi_grow((void **)&w->procs, &w->proc_cap, w->n_procs, sizeof(*w->procs));
	if (r < 0)
		/* cppcheck-suppress resourceLeak ; _cleanup_close_ closes dfd */
		return r;
	p = &w->procs[w->n_procs];
	*p = (struct nsi_proc){ .pid = (pid_t)pid, .uid = st.st_uid, .parent = -1 };
	if (w->stat) {
		r = read_once_at(dfd, "stat", stat, sizeof(stat));
		if (r < 0)
			return r;
		r = nsi_parse_stat(stat, &p->ppid, &p->kthread);
		if (r < 0)
			return r;
	}
	/* "ns" looked up once, not once per link: a second component in
	 * each of the paths costs more than opening and closing it */
	nsfd = openat(dfd, "ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nsfd < 0 && !nsi_is_gone(-errno))
		return -errno;
	for (int t = 0; nsfd >= 0 && t < NS_TYPE_MAX; t++) {
		if (!(w->types & (1u << t)))
			continue;
		r = read_ns_link(nsfd, t, &p->ns[t]);
		if (r < 0 && !nsi_is_gone(r))
			return r;
	}
	w->n_procs++;
	/* a kernel thread has no files: all share the initial task's empty
	 * table (kthreadd starts them with CLONE_FILES), so without the stat
	 * file read the scan of one finds nothing */
	if (w->fds && !p->kthread)
		return read_fds(w, dfd, (pid_t)pid, w->types);
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		size_t i = __atomic_fetch_add(w->next, CHUNK, __ATOMIC_RELAXED);

		if (i >= w->npids)
			break;
		for (size_t e = i + CHUNK < w->npids ? i + CHUNK : w->npids; i < e; i++) {
			int r = read_proc(w, w->pids[i]);

			/* vanished or closed to us: skipped, as lsns(8) does */
			if (r < 0 && !nsi_is_gone(r) && r != -EINVAL) {
				w->err = r;
				return NULL;
			}
		}
	}
	return NULL;
}

static int list_pids(int proc_fd, uint32_t **ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_free_ uint32_t *pids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int fd, r;

	fd = openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	for (;;) {
		uint32_t pid;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				return -errno;
			break;
		}
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    parse_u32(de->d_name, &pid) < 0 || pid > INT32_MAX)
			continue;
		r = nsi_grow((void **)&pids, &cap, n, sizeof(*pids));
		if (r < 0)
			return r;
		pids[n++] = pid;
	}
	*ret = take_ptr(&pids);
	*ret_n = n;
	return 0;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct nsi_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_fd(const void *a, const void *b)
{
	const struct nsi_raw_fd *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int nsi_proc_read_all(int proc_fd, uint32_t types, const struct nsi_proc_opts *opts,
		      struct nsi_raw *ret)
{
	_cleanup_free_ uint32_t *pids = NULL;
	struct worker w[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	size_t npids = 0, next = 0, nw = 1, nprocs = 0, nfd = 0;
	long ncpu;
	int r = 0;

	r = list_pids(proc_fd, &pids, &npids);
	if (r < 0)
		return r;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	while (nw < MAX_THREADS && (long)nw < ncpu && npids / (nw + 1) >= MIN_PER_THREAD)
		nw++;
	for (size_t i = 0; i < nw; i++)
		w[i] = (struct worker){ .proc_fd = proc_fd, .types = types, .fds = opts->fds,
					.stat = opts->stat, .fd_stat = opts->fd_stat,
					.nsfs_dev = opts->nsfs_dev,
					.pids = pids, .npids = npids, .next = &next };
	/* the calling thread is worker 0; a thread that cannot start leaves
	 * its share to the others */
	for (size_t i = 1; i < nw; i++)
		if (pthread_create(&tid[i], NULL, work, &w[i]) != 0)
			w[i].err = 1;
	work(&w[0]);
	for (size_t i = 1; i < nw; i++)
		if (w[i].err != 1)
			pthread_join(tid[i], NULL);

	for (size_t i = 0; i < nw; i++) {
		if (w[i].err < 0 && !r)
			r = w[i].err;
		nprocs += w[i].n_procs;
		nfd += w[i].n_fd;
	}
	if (!r && nw == 1) {
		/* readdir(3) order, which only procfs keeps in PID order; the
		 * fds of a process are together already */
		if (w[0].n_procs > 1)
			qsort(w[0].procs, w[0].n_procs, sizeof(*w[0].procs), cmp_proc);
		*ret = (struct nsi_raw){ .procs = w[0].procs, .n_procs = w[0].n_procs,
					 .fds = w[0].fd, .n_fds = w[0].n_fd };
		return 0;
	}
	if (!r) {
		ret->procs = calloc(nprocs + 1, sizeof(*ret->procs));
		ret->fds = calloc(nfd + 1, sizeof(*ret->fds));
		if (!ret->procs || !ret->fds) {
			free(ret->procs);
			free(ret->fds);
			r = -ENOMEM;
		}
	}
	if (!r) {
		ret->n_procs = ret->n_fds = 0;
		for (size_t i = 0; i < nw; i++) {
			/* a worker that found nothing has no arrays */
			if (w[i].n_procs)
				memcpy(ret->procs + ret->n_procs, w[i].procs,
				       w[i].n_procs * sizeof(*w[i].procs));
			ret->n_procs += w[i].n_procs;
			if (w[i].n_fd)
				memcpy(ret->fds + ret->n_fds, w[i].fd, w[i].n_fd * sizeof(*w[i].fd));
			ret->n_fds += w[i].n_fd;
		}
		qsort(ret->procs, ret->n_procs, sizeof(*ret->procs), cmp_proc);
		qsort(ret->fds, ret->n_fds, sizeof(*ret->fds), cmp_fd);
	}
	for (size_t i = 0; i < nw; i++) {
		free(w[i].procs);
		free(w[i].fd);
	}
	return r;
}

/* The command line with NULs as spaces, or the command name for a process
 * without one (a kernel thread, a zombie), as lsns(8) shows it. */
int nsi_read_command(int proc_fd, pid_t pid, char **ret)
{
	char path[64], buf[8192];
	int n;

	snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	/* one read(2): the kernel copies the arguments until the count is
	 * met or they end, so a short read is the end (a second one finds
	 * nothing more), and a full one is all we keep */
	n = read_once_at(proc_fd, path, buf, sizeof(buf));
	if (nsi_is_fatal(n))
		return n;
	if (n > 0) {
		/* the terminating NUL goes, the others separate arguments */
		if (buf[n - 1] == '\0')
			n--;
		for (int k = 0; k < n; k++)
			if (buf[k] == '\0')
				buf[k] = ' ';
		buf[n] = '\0';
	}
	if (n <= 0) {
		snprintf(path, sizeof(path), "%d/comm", (int)pid);
		n = read_file_at(proc_fd, path, buf, sizeof(buf));
		if (n < 0)
			return n;
		while (n > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
	}
	*ret = strdup(buf);
	/* no leak: *ret is the caller's; gcc 12's analyzer loses track of a
	 * pointer stored through an out-parameter into an array element */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
	return *ret ? 0 : -ENOMEM;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}

struct cmd_worker {
	struct ns_info *info;
	const size_t *idx;
	size_t n;
	size_t *next;
};

static void *read_commands(void *arg)
{
	struct cmd_worker *w = arg;

	for (;;) {
		size_t i = __atomic_fetch_add(w->next, CHUNK, __ATOMIC_RELAXED);

		if (i >= w->n)
			break;
		for (size_t e = i + CHUNK < w->n ? i + CHUNK : w->n; i < e; i++) {
			struct nsi_proc *p = &w->info->procs[w->idx[i]];

			/* a process that is gone by now shows no command */
			if (nsi_read_command(w->info->proc_fd, p->pid, &p->command) < 0)
				p->command = NULL;
		}
	}
	return NULL;
}

/* Reading a command line copies from the process's memory, the costliest
 * read per row; the rows' processes are known after the scan, so their
 * commands are read then, spread over the CPUs. */
int nsi_read_commands(struct ns_info *info)
{
	_cleanup_free_ size_t *idx = NULL;
	_cleanup_free_ bool *seen = NULL;
	struct cmd_worker w[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	bool started[MAX_THREADS] = { false };
	size_t n = 0, next = 0, nw = 1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	idx = calloc(info->n_ns + 1, sizeof(*idx));
	seen = calloc(info->n_procs + 1, sizeof(*seen));
	if (!idx || !seen)
		return -ENOMEM;
	for (size_t i = 0; i < info->n_ns; i++) {
		ssize_t j = info->ns[i].proc;

		if (j >= 0 && !seen[j]) {
			seen[j] = true;
			idx[n++] = (size_t)j;
		}
	}
	while (nw < MAX_THREADS && (long)nw < ncpu && n / (nw + 1) >= MIN_PER_THREAD)
		nw++;
	for (size_t i = 0; i < nw; i++)
		w[i] = (struct cmd_worker){ .info = info, .idx = idx, .n = n, .next = &next };
	for (size_t i = 1; i < nw; i++)
		started[i] = pthread_create(&tid[i], NULL, read_commands, &w[i]) == 0;
	read_commands(&w[0]);
	for (size_t i = 1; i < nw; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	return 0;
}
