/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The data behind the opaque struct ns_info, shared by the nsinfo*.c files. */
#ifndef LIBNS_NSINFO_INTERNAL_H
#define LIBNS_NSINFO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ns.h"

/* inode -> array index, open addressing */
struct nsi_index {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap;
	size_t n;
};

struct nsi_proc {
	pid_t pid;
	pid_t ppid;
	uid_t uid;
	ssize_t parent;			/* index of the process with pid == ppid, or -1 */
	bool kthread;
	char *command;			/* NS_INFO_COMMANDS: read for namespace leaders */
	uint64_t ns[NS_TYPE_MAX];	/* 0: not readable */
};

struct nsi_ns {
	uint64_t ino;
	enum ns_type type;
	size_t nprocs;
	ssize_t proc;			/* lowest PID's index, or -1 */
	uint64_t parent;		/* NS_GET_PARENT, 0 if none or hidden */
	uint64_t owner;			/* NS_GET_USERNS */
	uid_t owner_uid;		/* user namespaces, and those found without a process */
	bool has_owner_uid;
	bool no_proc;			/* found through a mount, an fd or a relation */
	int netnsid;			/* NS_NETNSID_* or >= 0 */
	int caps;			/* enum ns_caps, -1 unknown */
	char *nsfs;			/* mount points, '\n'-separated */
	char *names;			/* names, '\n'-separated */
};

/* An fd that holds a namespace (type < NS_TYPE_MAX, inode from readlink;
 * NSI_FD_NSFS: of a type yet unknown, inode from stat, as when opened
 * through a bind mount) or a socket (type == NS_TYPE_MAX), found by the
 * /proc scan. */
#define NSI_FD_NSFS (NS_TYPE_MAX + 1)
struct nsi_raw_fd {
	pid_t pid;
	int fd;
	int type;
	uint64_t ino;
};

/* What the /proc scan read, in PID order. */
struct nsi_raw {
	struct nsi_proc *procs;
	size_t n_procs;
	struct nsi_raw_fd *fds;
	size_t n_fds;
};

struct ns_info {
	uint32_t types;
	unsigned int flags;
	int proc_fd;
	struct nsi_ns *ns;
	size_t n_ns, ns_cap;
	struct nsi_index ns_ix;
	struct nsi_proc *procs;
	size_t n_procs, proc_cap;

	dev_t nsfs_dev;
	bool is_procfs;			/* proc_fd is the real /proc, not a test's tree */
	struct mnl_socket *nl;
	char *mountinfo;		/* kept: nsfs points into it */

	/* the caller, for NS_INFO_CAPS */
	uint64_t self_userns;
	uid_t self_euid;
	int self_userns_caps;		/* caps the caller has in its own user namespace */
	struct nsi_index caps_ix;	/* user namespace inode -> caps + 1 */
};

ssize_t nsi_index_get(const struct nsi_index *ix, uint64_t key);
int nsi_index_put(struct nsi_index *ix, uint64_t key, size_t val);
void nsi_index_clear(struct nsi_index *ix);

/* nsinfo.c */
int nsi_add_ns_fd(struct ns_info *info, int fd, uint64_t ino);
int nsi_grow(void **p, size_t *cap, size_t n, size_t size);

/* nsinfo-proc.c */
int nsi_proc_read_all(int proc_fd, uint32_t types, bool fds, dev_t nsfs_dev,
		      struct nsi_raw *ret);
int nsi_parse_stat(const char *stat, pid_t *ret_ppid, bool *ret_kthread);
int nsi_parse_fd_link(const char *s, uint64_t *ret_ino);
int nsi_read_command(int proc_fd, pid_t pid, char **ret);
int nsi_read_commands(struct ns_info *info);

/* nsinfo-extra.c */
int nsi_pidfd_getfd(int pidfd, int fd);
int nsi_socket_netns(int sk);
int nsi_mounts_scan(struct ns_info *info);
void nsi_mounts_free(struct ns_info *info);
struct mnl_socket *nsi_netnsid_open(void);
void nsi_netnsid_close(struct ns_info *info);
int nsi_netnsid_fill(struct ns_info *info);
int nsi_netnsid_of_fd(struct ns_info *info, int nsfd);
int nsi_caps_init(struct ns_info *info);
int nsi_caps_of_userns(struct ns_info *info, int userns_fd, uint64_t ino);
int nsi_mountinfo_unescape(char *s);
/* longer lines of mountinfo are refused: two escaped paths of PATH_MAX */
#define NSI_MOUNTINFO_LINE_MAX (2 * 4 * 4096 + 4096)
int nsi_mountinfo_nsfs(char *line, char **ret_target, uint64_t *ret_ino);
int nsi_parse_idmap(const char *text, size_t len, struct ns_idmap *ret);

#endif
