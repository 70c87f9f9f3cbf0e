/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tables behind the opaque struct ns_info and their growth and index. */
#ifndef LIBNS_NSINFO_DATA_H
#define LIBNS_NSINFO_DATA_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ns.h"

struct mnl_socket;

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

/* Out of fds or memory: whatever failed so would be missing from a
 * listing that went on (a relation, a mount point, an id), so the scan
 * fails instead. */
static inline bool nsi_is_fatal(int r)
{
	return r == -EMFILE || r == -ENFILE || r == -ENOMEM;
}

/* nsinfo-data.c */
ssize_t nsi_index_get(const struct nsi_index *ix, uint64_t key);
int nsi_index_put(struct nsi_index *ix, uint64_t key, size_t val);
int nsi_index_reserve(struct nsi_index *ix, size_t n);
void nsi_index_clear(struct nsi_index *ix);
int nsi_grow(void **p, size_t *cap, size_t n, size_t size);

#endif
