/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libns: Linux namespaces, id maps, mounts and capabilities for the ns* tools. */
#ifndef LIBNS_NS_H
#define LIBNS_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Conventions: every function returns 0 (or a count) on success and -errno on
 * failure; nothing prints, exits or leaves its answer in errno. Out-parameters
 * are named ret_* and are written only on success.
 */

/* ---- namespace types (types.c) ---------------------------------------- */

enum ns_type {
	NS_TYPE_MNT,
	NS_TYPE_UTS,
	NS_TYPE_IPC,
	NS_TYPE_NET,
	NS_TYPE_PID,
	NS_TYPE_USER,
	NS_TYPE_CGROUP,
	NS_TYPE_TIME,
	NS_TYPE_MAX
};

/* ns_type_name - the short name ("mnt", "net", ...) as lsns(8) prints it.
 * Returns NULL for an out-of-range @type. */
const char *ns_type_name(enum ns_type type);

/* ns_type_from_name - accepts the short name and the unshare(1) option name
 * ("mnt" or "mount", "pid", ...). Returns the type, or -EINVAL. */
int ns_type_from_name(const char *name);

/* ns_type_flag - the CLONE_NEW* flag of @type, or 0 if out of range. */
int ns_type_flag(enum ns_type type);

/* ns_type_from_flag - the type of a single CLONE_NEW* flag, or -EINVAL. */
int ns_type_from_flag(int flag);

/* ns_type_proc_name - the entry under /proc/PID/ns/. With @for_children, the
 * pid and time types give "pid_for_children" / "time_for_children", the
 * namespace the next child enters (pid_namespaces(7), time_namespaces(7)). */
const char *ns_type_proc_name(enum ns_type type, bool for_children);

/* ---- processes and namespaces (userns.c) ------------------------------ */

/* ns_unshare - unshare(2) with @clone_flags. Returns 0 or -errno. */
int ns_unshare(int clone_flags);

/* ns_setns - join the namespace behind @fd (an nsfs file or a pidfd);
 * @clone_flags selects the types for a pidfd and checks the type of an nsfs
 * file (0: any). Returns 0 or -errno. */
int ns_setns(int fd, int clone_flags);

/* ns_pidfd_open - pidfd_open(2) of @pid, close-on-exec. Returns the fd or
 * -errno (-ENOSYS before Linux 5.3, -ESRCH for no such process). */
int ns_pidfd_open(pid_t pid);

/* ns_fork - fork a child. With @ret_pidfd non-NULL the parent also gets a
 * pidfd of the child, opened before anyone could reap it, so it cannot refer
 * to a recycled PID. Returns the child's pid in the parent, 0 in the child,
 * or -errno. */
pid_t ns_fork(int *ret_pidfd);

/* ns_proc_open - open /proc/@pid (0: self) as a directory fd, for openat().
 * Returns the fd or -errno. */
int ns_proc_open(pid_t pid);

/* ns_open - open the namespace file of @type of process @pid (0: self).
 * Returns an O_RDONLY fd or -errno. */
int ns_open(pid_t pid, enum ns_type type, bool for_children);

/* ns_persist - bind-mount /proc/@pid/ns/<type> onto @target so the namespace
 * outlives its processes; pid and time use the *_for_children entry as
 * unshare(1) does. The target must exist. Returns 0 or -errno; -EINVAL from
 * the kernel usually means @target sits on a shared mount whose peer group
 * reaches the namespace being persisted (see ns_mount_is_shared()). */
int ns_persist(pid_t pid, enum ns_type type, const char *target);

/* ns_unpersist - detach the bind mount ns_persist() made on @target; the
 * namespace lives on while a process or another bind holds it. */
int ns_unpersist(const char *target);

/* ns_wait - waitpid(2) for @pid, retrying EINTR. Returns 0 and the wait
 * status in @ret_status, or -errno. */
int ns_wait(pid_t pid, int *ret_status);

/* ns_parent_watch - make the calling child receive @sig when the process
 * behind @parent_pidfd ends (PR_SET_PDEATHSIG), then check through the pidfd
 * that it has not already ended, which would otherwise go unnoticed.
 * Returns 0, -ESRCH if the parent is already gone, or -errno. */
int ns_parent_watch(int parent_pidfd, int sig);

/* ---- id maps (idmap.c, subid.c) --------------------------------------- */

/* The kernel accepts at most this many lines in uid_map or gid_map. */
#define NS_IDMAP_MAX 340
/* An inner id of NS_ID_NONE in a range means "start from 0": the form
 * --map-users=auto produces before the single-ID rule places it. */
#define NS_ID_NONE ((uint32_t)-1)

enum ns_idmap_kind {
	NS_UID_MAP,
	NS_GID_MAP,
};

struct ns_idmap_range {
	uint32_t inner;
	uint32_t outer;
	uint32_t count;
};

/* An id map in the order its lines are written. Plain data: copy it freely. */
struct ns_idmap {
	size_t n;
	struct ns_idmap_range r[NS_IDMAP_MAX];
};

/* ns_idmap_parse_range - parse "inner:outer:count", or the legacy
 * "outer,inner,count" of util-linux 2.38. Decimal digits only, each value
 * 32 bits, count at least 1, and inner+count and outer+count must not
 * overflow. Returns 0, or -EINVAL (form) or -ERANGE (values). */
int ns_idmap_parse_range(const char *s, struct ns_idmap_range *ret);

/* ns_idmap_prepend - insert @range before the existing ranges, which is the
 * order unshare(1) gives repeated --map-users options. Returns 0, or -E2BIG
 * past NS_IDMAP_MAX ranges. */
int ns_idmap_prepend(struct ns_idmap *map, const struct ns_idmap_range *range);

/* ns_idmap_add_single - place the single mapping @inner -> @outer in front of
 * @map, cutting a one-id hole out of every range it overlaps so that no two
 * lines overlap (the rule unshare(1) applies to --map-user and friends when
 * --map-users is given too). Ranges whose inner id is NS_ID_NONE start from
 * 0. With @inner == NS_ID_NONE no single mapping is added. Returns 0, or
 * -E2BIG if the split ranges no longer fit. */
int ns_idmap_add_single(struct ns_idmap *map, uint32_t outer, uint32_t inner);

/* ns_idmap_read_kernel - the pass-through map of --map-users=all: every
 * range of ids of the uid_map or gid_map text in @path (e.g.
 * /proc/self/uid_map), mapped to itself, prepended to @map. */
int ns_idmap_read_kernel(const char *path, struct ns_idmap *map);

/* ns_idmap_format - the map text, "inner outer count\n" a line, into @buf.
 * Returns its length, or -E2BIG if it does not fit in @size bytes (the kernel
 * takes one page). */
int ns_idmap_format(const struct ns_idmap *map, char *buf, size_t size);

/* ns_idmap_write - write @map as the uid or gid map of the process behind
 * @proc_pid_fd (see ns_proc_open()) in one write(2), as the kernel requires.
 * Returns 0 or -errno: -EPERM if the caller may not map these ids or the map
 * was already written, -EINVAL for overlapping ranges, -EIO on a short write. */
int ns_idmap_write(int proc_pid_fd, enum ns_idmap_kind kind, const struct ns_idmap *map);

/* ns_idmap_write_single - write the one-line map "inner outer 1". */
int ns_idmap_write_single(int proc_pid_fd, enum ns_idmap_kind kind, uint32_t inner,
			  uint32_t outer);

/* ns_setgroups_write - write "allow" or "deny" to /proc/PID/setgroups.
 * Unprivileged writers must deny setgroups before writing gid_map; see
 * user_namespaces(7). Returns 0 or -errno (-ENOENT before Linux 3.19). */
int ns_setgroups_write(int proc_pid_fd, bool allow);

/* ns_idmap_helper_argv - the argument vector of a newuidmap(1)-compatible
 * helper for @map of process @pid: { helper, pid, inner, outer, count, ...,
 * NULL }, in one allocation the caller frees with free(). */
int ns_idmap_helper_argv(const char *helper, pid_t pid, const struct ns_idmap *map,
			 char ***ret_argv);

/* ns_idmap_run_helper - run @helper (newuidmap or newgidmap, or one with
 * their interface) for @map of process @pid and wait for it. The helper's
 * own messages go to our stderr. Returns 0, -ENOENT/-EACCES if it cannot be
 * run, -EPROTO if it exited non-zero or died, or -errno. */
int ns_idmap_run_helper(const char *helper, pid_t pid, const struct ns_idmap *map);

/* A line of /etc/subuid or /etc/subgid: "owner:start:count", where owner is
 * a user name or a numeric uid. */
struct ns_subid {
	char owner[256];
	uint32_t start;
	uint32_t count;
};

/* ns_subid_parse_line - parse one line (a trailing newline is allowed).
 * Returns 0, -ENODATA for a blank or '#' comment line, -EINVAL for a
 * malformed line, -ERANGE for values out of range. */
int ns_subid_parse_line(const char *line, struct ns_subid *ret);

/* ns_subid_lookup - the first entry of the subordinate id file @path that
 * belongs to @user or, numerically, to @uid. Returns 0, -ENOENT if the file
 * holds none, or -errno from reading it. */
int ns_subid_lookup(const char *path, const char *user, uid_t uid, struct ns_subid *ret);

/* ---- mounts (mount.c) --------------------------------------------------- */

enum ns_propagation {
	NS_PROPAGATION_UNCHANGED,
	NS_PROPAGATION_PRIVATE,
	NS_PROPAGATION_SLAVE,
	NS_PROPAGATION_SHARED,
};

/* ns_propagation_from_name - "private", "slave", "shared" or "unchanged".
 * Returns the value, or -EINVAL. */
int ns_propagation_from_name(const char *name);

/* ns_mount_set_propagation - change the propagation of the mount at @path
 * and, recursively, of all mounts below it. UNCHANGED does nothing. */
int ns_mount_set_propagation(const char *path, enum ns_propagation prop);

/* ns_mount_is_shared - whether the mount that holds @path is in a shared
 * peer group (mountinfo's "shared:N" tag). Returns 1, 0 or -errno. */
int ns_mount_is_shared(const char *path);

/* ns_mount_proc - mount a fresh proc (nosuid, nodev, noexec) on @dir. With
 * @make_private, first make an existing mount at @dir private (a missing one
 * is not an error) so the new mount does not propagate out. Returns 0 or
 * -errno: -EPERM when the caller's PID namespace is not owned by its user
 * namespace, e.g. after unshare(CLONE_NEWPID) without a fork. */
int ns_mount_proc(const char *dir, bool make_private);

/* ns_mount_binfmt - mount binfmt_misc (nosuid, nodev, noexec) on @dir. */
int ns_mount_binfmt(const char *dir);

/* ns_binfmt_register - write interpreter definition @def (binfmt-misc.rst
 * format, ":name:type:offset:magic:mask:interpreter:flags") to
 * @dir/register. */
int ns_binfmt_register(const char *dir, const char *def);

/* ns_binfmt_is_fixed - whether @def has the F (fix binary) flag, which opens
 * the interpreter at registration time rather than at each exec. */
bool ns_binfmt_is_fixed(const char *def);

/* ---- capabilities (caps.c) ---------------------------------------------- */

/* ns_caps_keep_ambient - raise every permitted capability into the
 * inheritable and ambient sets so it survives execve(2) of a non-root
 * program (capabilities(7)). Returns 0 or -errno. */
int ns_caps_keep_ambient(void);

/* ns_caps_bound - drop from the bounding set every capability not in @keep
 * (a bit mask of 1ull << CAP_*); CAP_SETPCAP is raised for the duration and
 * restored. Returns 0 or -errno. */
int ns_caps_bound(uint64_t keep);

/* ns_caps_last - the highest capability number the kernel knows. */
int ns_caps_last(void);

/* ---- time namespaces (timens.c) ----------------------------------------- */

/* ns_timens_parse_offset - parse a signed decimal number of seconds.
 * Returns 0, -EINVAL or -ERANGE. */
int ns_timens_parse_offset(const char *s, int64_t *ret);

/* ns_timens_set_offset - set the offset of @clock (CLOCK_MONOTONIC or
 * CLOCK_BOOTTIME) in the time namespace the caller's next child enters,
 * through /proc/self/timens_offsets. Must happen before any process is in
 * it: the kernel then refuses (-EACCES). */
int ns_timens_set_offset(clockid_t clock, int64_t seconds);

/* ---- listing namespaces (nsinfo.c, nsinfo-extra.c) ---------------------- */

/* What ns_info_scan() finds out besides each namespace's processes. */
enum {
	NS_INFO_RELATIONS = 1u << 0,	/* parent and owner (NS_GET_PARENT, NS_GET_USERNS) */
	NS_INFO_NETNSID = 1u << 1,	/* the id the caller's netns gives each netns */
	NS_INFO_MOUNTS = 1u << 2,	/* nsfs bind mounts: mount points, and the
					 * namespaces held by nothing else */
	NS_INFO_FDS = 1u << 3,		/* namespaces held by open fds and sockets */
	NS_INFO_GHOSTS = 1u << 4,	/* add parents and owners that have no process */
	NS_INFO_CAPS = 1u << 5,		/* the caller's capabilities over each namespace */
	NS_INFO_COMMANDS = 1u << 6,	/* read the command of each namespace's lowest
					 * PID now, in parallel (ns_info_proc_command) */
};

/* ns_info_netnsid() for a network namespace the caller's has no id for. */
#define NS_NETNSID_UNASSIGNED (-1)
/* ns_info_netnsid() when the id is not known (not asked, not a netns, no
 * process to ask through, or netlink refused). */
#define NS_NETNSID_UNKNOWN (-2)

enum ns_caps {
	NS_CAPS_NONE,
	NS_CAPS_SOME,
	NS_CAPS_ALL,
};

struct ns_info;

/* ns_info_scan - list the namespaces of the processes under @proc_fd (a
 * directory fd of /proc, or of a tree shaped like it) whose type is in
 * @types (a mask of 1u << NS_TYPE_*, 0: all), with what @flags ask for.
 * Every process and every namespace is read once. Processes that vanish or
 * may not be inspected (ENOENT, ESRCH, EACCES) are skipped. Returns 0, or
 * -errno from reading @proc_fd itself, -ENOTTY when the kernel lacks a
 * namespace ioctl, -ENOMEM. Free the result with ns_info_free(). */
int ns_info_scan(int proc_fd, uint32_t types, unsigned int flags, struct ns_info **ret_info);
void ns_info_free(struct ns_info *info);

/* The namespaces, indexed 0 .. ns_info_count() - 1 in inode order. */
size_t ns_info_count(const struct ns_info *info);
/* ns_info_find - the index of the namespace with inode @ino, or -1. */
ssize_t ns_info_find(const struct ns_info *info, uint64_t ino);
uint64_t ns_info_ino(const struct ns_info *info, size_t i);
enum ns_type ns_info_type(const struct ns_info *info, size_t i);
/* ns_info_nprocs - how many processes are in namespace @i. */
size_t ns_info_nprocs(const struct ns_info *info, size_t i);
/* ns_info_proc - the process index of the lowest PID in namespace @i, or -1
 * for a namespace held only by a mount, an fd or a related namespace. */
ssize_t ns_info_proc(const struct ns_info *info, size_t i);
/* Parent (user and pid namespaces) and owner user namespace; 0 when there
 * is none, it lies outside the caller's view, or NS_INFO_RELATIONS was not
 * given. */
uint64_t ns_info_parent(const struct ns_info *info, size_t i);
uint64_t ns_info_owner(const struct ns_info *info, size_t i);
/* ns_info_owner_uid - the uid that created the user namespace @i or, for
 * other types, their owner. Returns 0 or -ENODATA. */
int ns_info_owner_uid(const struct ns_info *info, size_t i, uid_t *ret);
/* ns_info_netnsid - an id >= 0, NS_NETNSID_UNASSIGNED or NS_NETNSID_UNKNOWN. */
int ns_info_netnsid(const struct ns_info *info, size_t i);
/* ns_info_nsfs - the nsfs mount points of namespace @i (NS_INFO_MOUNTS),
 * '\n'-separated, or NULL. */
const char *ns_info_nsfs(const struct ns_info *info, size_t i);
/* ns_info_caps - enum ns_caps (NS_INFO_CAPS), or -ENODATA. */
int ns_info_caps(const struct ns_info *info, size_t i);
/* ns_info_idmap - the uid or gid map of user namespace @i, read through its
 * lowest process, as "inner:outer:count" ranges joined by ','. Returns 0,
 * -ENODATA for another type or a namespace without a process, or -errno. */
int ns_info_idmap(const struct ns_info *info, size_t i, enum ns_idmap_kind kind, char **ret);
/* ns_info_add_names - name namespaces after the entries of directory
 * @dirfd that are nsfs files (bind mounts, as ip-netns(8) makes under
 * /run/netns). Returns 0 or -errno. */
int ns_info_add_names(struct ns_info *info, int dirfd);
/* ns_info_names - the names of namespace @i, '\n'-separated, or NULL. */
const char *ns_info_names(const struct ns_info *info, size_t i);

/* The processes, indexed 0 .. ns_info_proc_count() - 1 in PID order. */
size_t ns_info_proc_count(const struct ns_info *info);
pid_t ns_info_proc_pid(const struct ns_info *info, size_t j);
pid_t ns_info_proc_ppid(const struct ns_info *info, size_t j);
uid_t ns_info_proc_uid(const struct ns_info *info, size_t j);
/* ns_info_proc_parent - the index of process @j's parent, or -1. */
ssize_t ns_info_proc_parent(const struct ns_info *info, size_t j);
/* ns_info_proc_ns - process @j's namespace of @type, 0 if unreadable. */
uint64_t ns_info_proc_ns(const struct ns_info *info, size_t j, enum ns_type type);
/* ns_info_proc_command - the command line, arguments joined by spaces, or
 * the command name when it is empty (kernel threads, zombies): as read by
 * the scan with NS_INFO_COMMANDS, else now. Returns 0 and a string to
 * free(), or -errno. */
int ns_info_proc_command(const struct ns_info *info, size_t j, char **ret);

#ifdef __cplusplus
}
#endif

#endif
