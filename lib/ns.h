/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libns: Linux namespaces, id maps, mounts and capabilities for the ns* tools. */

/*
 * Areas, in the order they follow, and the files that implement them:
 *   types and namespace names            types.c
 *   processes and pidfds                 userns.c, enter.c, persist.c
 *   user namespaces and id maps          idmap.c, idmap-helper.c, idmap-policy.c, subid.c
 *   mounts, propagation and persistence  mount.c, persist.c, userns.c
 *   capabilities and privileges          caps.c, privs.c
 *   netlink, links, veth, netns lookup   netlink*.c, link.c, veth*.c, netns.c, enter.c
 *   namespace discovery                  enter.c, nsinfo*.c, session.c
 *   sysctls, rlimits, time namespaces    sysctl.c, rlimit.c, timens.c
 *   sessions and entering                session.c, enter.c
 *   small utilities                      enter.c, privs.c
 */
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

/* ---- types and namespace names (types.c) -------------------------------- */

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

/* CLONE_NEWTIME (Linux 5.6), the flag ns_type_flag() returns for
 * NS_TYPE_TIME, under a name of its own: older C library headers lack it,
 * and a tool may not reach for libns' internal fallbacks. */
#define NS_CLONE_NEWTIME 0x00000080

/* ns_type_from_flag - the type of a single CLONE_NEW* flag, or -EINVAL. */
int ns_type_from_flag(int flag);

/* ns_type_proc_name - the entry under /proc/PID/ns/. With @for_children, the
 * pid and time types give "pid_for_children" / "time_for_children", the
 * namespace the next child enters (pid_namespaces(7), time_namespaces(7)). */
const char *ns_type_proc_name(enum ns_type type, bool for_children);

/* ---- processes and pidfds (userns.c, enter.c, persist.c) ---------------- */

/* ns_unshare - unshare(2) with @clone_flags. Returns 0 or -errno. */
int ns_unshare(int clone_flags);

/* ns_setns - join the namespace behind @fd (an nsfs file or a pidfd);
 * @clone_flags selects the types for a pidfd and checks the type of an nsfs
 * file (0: any). Returns 0 or -errno. */
int ns_setns(int fd, int clone_flags);

/* ns_fork - fork a child. With @ret_pidfd non-NULL the parent also gets a
 * pidfd of the child, opened before anyone could reap it, so it cannot refer
 * to a recycled PID. Returns the child's pid in the parent, 0 in the child,
 * or -errno. */
pid_t ns_fork(int *ret_pidfd);

/* ns_wait - waitpid(2) for @pid, retrying EINTR. Returns 0 and the wait
 * status in @ret_status, or -errno. */
int ns_wait(pid_t pid, int *ret_status);

/* ns_pidfd_open - pidfd_open(2) of @pid, close-on-exec. Returns the fd or
 * -errno (-ENOSYS before Linux 5.3, -ESRCH for no such process). */
int ns_pidfd_open(pid_t pid);

/* ns_pidfd_send_signal - pidfd_send_signal(2): @sig to the process behind
 * @pidfd, which cannot be a recycled PID. Returns 0 or -errno (-ESRCH once
 * it has ended, -ENOSYS before Linux 5.1). */
int ns_pidfd_send_signal(int pidfd, int sig);

/* ns_pidfd_inode - the inode of @pidfd. Returns 0, -EOPNOTSUPP before
 * pidfs (Linux 6.9), where all pidfds share one inode, or -errno. */
int ns_pidfd_inode(int pidfd, uint64_t *ret);

/* ns_pidfd_getfd - a copy of fd @fd of the process behind @pidfd
 * (pidfd_getfd(2)), close-on-exec. Returns the fd, -EPERM without ptrace
 * access to the process, -EBADF if it has no such fd, or -errno. */
int ns_pidfd_getfd(int pidfd, int fd);

/* ns_parent_watch - make the calling child receive @sig when the process
 * behind @parent_pidfd ends (PR_SET_PDEATHSIG), then check through the pidfd
 * that it has not already ended, which would otherwise go unnoticed.
 * Returns 0, -ESRCH if the parent is already gone, or -errno. */
int ns_parent_watch(int parent_pidfd, int sig);

/* ns_kill_descendants - send @sig to every descendant of the caller, found
 * through TID/children files below @proc_fd, a directory fd of a proc mount
 * of the caller's PID namespace opened before anything untrusted ran (a
 * child may mount its own on /proc). Every lookup stays on that procfs
 * (openat2() with RESOLVE_BENEATH, RESOLVE_NO_XDEV and no symlinks); PIDs
 * are parsed strictly; each process is signalled through a pidfd proven to
 * be a child of the process whose file listed it, and is stopped while its
 * own children are listed, so none forks out of reach. A caller that is a
 * child subreaper (PR_SET_CHILD_SUBREAPER) also reaches the orphans of its
 * tree. Returns the number of processes signalled, or -errno: -EXDEV if
 * @proc_fd is of another PID namespace, -EBADMSG or -ERANGE for a children
 * file that is not a list of PIDs (the walk ends there). */
int ns_kill_descendants(int proc_fd, int sig);

/* ns_proc_open - open /proc/@pid (0: self) as a directory fd, for openat().
 * Returns the fd or -errno. */
int ns_proc_open(pid_t pid);

/* ns_proc_open_pinned - open /proc/@pid as a directory fd for openat(),
 * pinned to the process that had @pid when the call began: a pidfd is
 * taken first and checked to be alive once the directory is open, so a
 * PID reused in between is refused. Returns the fd, -ESRCH if there is no
 * such process (or it is hidden from the caller), -EXDEV if /proc is not
 * procfs, or -errno. */
int ns_proc_open_pinned(pid_t pid);

/* ns_proc_open_pidfd - as ns_proc_open_pinned(), with @pidfd, a pidfd of
 * @pid taken earlier (by the process itself before it forked the caller,
 * say): /proc/@pid is opened, checked to be procfs, and refused (-ESRCH)
 * if the process behind @pidfd has ended, so a PID reused meanwhile is not
 * taken for it. Returns the fd or -errno. */
int ns_proc_open_pidfd(pid_t pid, int pidfd);

/* ns_proc_check_dir - whether @fd is a directory on procfs, as a
 * /proc/PID directory handed over as "fd:N" must be. Returns 0, -ENOTDIR,
 * -EXDEV (not procfs), or -errno. */
int ns_proc_check_dir(int fd);

/* ns_open - open the namespace file of @type of process @pid (0: self).
 * Returns an O_RDONLY fd or -errno. */
int ns_open(pid_t pid, enum ns_type type, bool for_children);

/* ns_open_pidfd - open the namespace of @type of the process behind @pidfd
 * (for_children: pid_for_children, time_for_children) through the pidfs
 * ioctls of Linux 6.11, or on older kernels below @proc_pid_fd, its /proc
 * directory pinned by the same pidfd (see ns_proc_open_pidfd(); -1: no
 * fallback, -ENOTTY). pid_for_children always comes from @proc_pid_fd, which
 * refuses (-ENOENT) a pid namespace that has had no process yet. Returns an
 * fd or -errno (-ESRCH: it has ended). */
int ns_open_pidfd(int pidfd, int proc_pid_fd, enum ns_type type, bool for_children);

/* ns_inode_at - the inode number of the namespace of @type of process @pid
 * (0: self), looked up below @proc_fd, a directory fd of a proc mount (-1:
 * /proc). A saved fd keeps naming the caller's view of PIDs after a child
 * mounts another proc on /proc. Returns 0 or -errno. */
int ns_inode_at(int proc_fd, pid_t pid, enum ns_type type, uint64_t *ret);

/* ---- user namespaces and id maps (idmap.c, idmap-helper.c, idmap-policy.c, subid.c) -- */

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

/* -- parsing and formatting (idmap.c, idmap-policy.c) --------------------- */

/* ns_idmap_parse_range - parse "inner:outer:count", or the legacy
 * "outer,inner,count" of util-linux 2.38. Decimal digits only, each value
 * 32 bits, count at least 1, and inner+count and outer+count at most 2^32-1
 * (id 2^32-1 is no id; the kernel refuses a line reaching it), so no range
 * wraps past 2^32. Returns 0, or -EINVAL (form) or -ERANGE (values). */
int ns_idmap_parse_range(const char *s, struct ns_idmap_range *ret);

/* ns_idmap_prepend - insert @range before the existing ranges, which is the
 * order unshare(1) gives repeated --map-users options. Returns 0, -ERANGE
 * for a range that ns_idmap_parse_range() would refuse (an inner id of
 * NS_ID_NONE counts as 0), or -E2BIG past NS_IDMAP_MAX ranges. */
int ns_idmap_prepend(struct ns_idmap *map, const struct ns_idmap_range *range);

/* ns_idmap_add_single - place the single mapping @inner -> @outer in front of
 * @map, cutting a one-id hole out of every range it overlaps so that no two
 * lines overlap (the rule unshare(1) applies to --map-user and friends when
 * --map-users is given too). Ranges whose inner id is NS_ID_NONE start from
 * 0. With @inner == NS_ID_NONE no single mapping is added. Returns 0,
 * -ERANGE for @outer == NS_ID_NONE with a single mapping or a range of @map
 * that ns_idmap_prepend() would refuse, or -E2BIG if the split ranges no
 * longer fit; @map is left alone on failure. */
int ns_idmap_add_single(struct ns_idmap *map, uint32_t outer, uint32_t inner);

/* ns_idmap_read_kernel - the pass-through map of --map-users=all: every
 * range of ids of the uid_map or gid_map text in @path (e.g.
 * /proc/self/uid_map), mapped to itself, prepended to @map. Each line is
 * three decimal numbers between blanks, with the range rules of
 * ns_idmap_parse_range(). Returns 0, -EINVAL or -ERANGE for a bad line,
 * -E2BIG past NS_IDMAP_MAX ranges, or -errno; @map is left alone on
 * failure. */
int ns_idmap_read_kernel(const char *path, struct ns_idmap *map);

/* ns_idmap_parse_args - the "INNER OUTER COUNT" triples of newuidmap(1),
 * @n strings. Decimal digits only: no sign, blank, "0x" or leading zero,
 * each value 32 bits, count at least 1, inner+count and outer+count at most
 * 2^32-1 (the kernel's limit for a line), at most NS_IDMAP_MAX ranges. Form
 * is checked for every argument before any value. On failure
 * @reterr_index (may be NULL) gets the index of the argument at fault: the
 * first malformed one (-EINVAL), the first out of range (-ERANGE: an id of
 * 2^32-1 is the id's, a count of 0 or a wrap the count's), the first past
 * the last range the kernel takes (-E2BIG, NS_IDMAP_MAX * 3), or @n when @n
 * itself is wrong. Returns 0, -EINVAL (form, or @n not a positive multiple
 * of three), -ERANGE (values) or -E2BIG (too many ranges). */
int ns_idmap_parse_args(char *const *args, size_t n, struct ns_idmap *ret, size_t *reterr_index);

/* ns_idmap_format - the map text, "inner outer count\n" a line, into @buf.
 * Returns its length, or -E2BIG if it does not fit in @size bytes (the kernel
 * takes one page). */
int ns_idmap_format(const struct ns_idmap *map, char *buf, size_t size);

/* ns_idmap_file - the name of the map file of @kind below /proc/PID:
 * "uid_map" or "gid_map". */
const char *ns_idmap_file(enum ns_idmap_kind kind);

/* -- subordinate ids (subid.c) -------------------------------------------- */

/* The subordinate id files of shadow's newuidmap(1) and newgidmap(1). */
#define NS_PATH_SUBUID "/etc/subuid"
#define NS_PATH_SUBGID "/etc/subgid"

/* A line of /etc/subuid or /etc/subgid: "owner:start:count", where owner is
 * a user name or a numeric uid. */
struct ns_subid {
	char owner[256];
	uint32_t start;
	uint32_t count;
};

/* ns_subid_parse_line - parse one line (a trailing newline is allowed).
 * Returns 0, -ENODATA for a blank or '#' comment line, -EINVAL for a
 * malformed line, -ERANGE for values out of range: count 0, or start+count
 * past 2^32 (the entry would wrap to low ids). An entry may reach id 2^32-1,
 * which ns_idmap_prepend() refuses in a map. */
int ns_subid_parse_line(const char *line, struct ns_subid *ret);

/* ns_subid_lookup - the first entry of the subordinate id file @path that
 * belongs to @user or, numerically, to @uid. Returns 0, -ENOENT if the file
 * holds none, or -errno from reading it. */
int ns_subid_lookup(const char *path, const char *user, uid_t uid, struct ns_subid *ret);

/* ns_subid_covers - whether the ids [@start, @start + @count) all belong to
 * @user, or numerically to @uid, in the subordinate id file @path: an entry
 * holds @start, and any part past its end lies in entries that continue it
 * (adjacent or overlapping). Returns 1, 0, or -errno from reading it. */
int ns_subid_covers(const char *path, const char *user, uid_t uid, uint32_t start,
		    uint32_t count);

/* ns_subid_list - every entry of the subordinate id file @path that
 * belongs to @user or, numerically, to @uid, in file order, in one array
 * the caller frees with free() (NULL for none). Returns 0 or -errno. */
int ns_subid_list(const char *path, const char *user, uid_t uid, struct ns_subid **ret,
		  size_t *ret_n);

/* -- writing (idmap.c) ---------------------------------------------------- */

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

/* ns_idmap_open_checked - open the uid_map or gid_map of the process behind
 * @proc_pid_fd with @flags (O_RDONLY or O_WRONLY) so that nothing mounted
 * on it or reached through a symlink is opened instead (openat2(2)
 * RESOLVE_NO_XDEV, RESOLVE_NO_SYMLINKS), and check it is on procfs. The
 * kernel judges a map by the credentials of the opener as well as the
 * writer. Returns the fd or -errno: -EXDEV for a file not the kernel's. */
int ns_idmap_open_checked(int proc_pid_fd, enum ns_idmap_kind kind, int flags);

/* ns_idmap_write_fd - write @map to @fd from ns_idmap_open_checked() in
 * one write(2). Returns 0 or -errno (-EIO on a short write). */
int ns_idmap_write_fd(int fd, const struct ns_idmap *map);

/* ns_idmap_written - whether the map of @kind of the process behind
 * @proc_pid_fd already holds a line (a map is written once). Returns 1, 0
 * or -errno. */
int ns_idmap_written(int proc_pid_fd, enum ns_idmap_kind kind);

/* ns_setgroups_deny_checked - write "deny" to setgroups, opened as
 * ns_idmap_open_checked() opens the map, unless it already says "deny".
 * Returns 0 or -errno (-ENOENT before Linux 3.19). */
int ns_setgroups_deny_checked(int proc_pid_fd);

/* -- newuidmap(1) and nsmap(1) helpers (idmap-helper.c) ------------------- */

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

/* ns_idmap_nsmap_argv - the argument vector of nsmap(1) for the maps of
 * process @pid: both in one run ("--both PID UID-RANGES -- GID-RANGES")
 * or the one given (the other NULL), as ns_idmap_helper_argv() builds it. */
int ns_idmap_nsmap_argv(const char *nsmap, pid_t pid, const struct ns_idmap *users,
			const struct ns_idmap *groups, char ***ret_argv);

/* ns_idmap_run_nsmap - run nsmap(1) at @nsmap for the maps of process @pid
 * (see ns_idmap_nsmap_argv()) and wait for it; returns as
 * ns_idmap_run_helper(). */
int ns_idmap_run_nsmap(const char *nsmap, pid_t pid, const struct ns_idmap *users,
		       const struct ns_idmap *groups);

/* ns_idmap_exec_helper, ns_idmap_exec_nsmap - as ns_idmap_run_helper()
 * and ns_idmap_run_nsmap(), but the caller becomes the helper (every signal
 * default, none blocked), for a child forked only to run it. Return -errno
 * only if the exec fails. */
int ns_idmap_exec_helper(const char *helper, pid_t pid, const struct ns_idmap *map);
int ns_idmap_exec_nsmap(const char *nsmap, pid_t pid, const struct ns_idmap *users,
			const struct ns_idmap *groups);

/* -- policy (idmap-policy.c) ---------------------------------------------- */

/* Who asks for a map, as nsmap checks it: the real ids of the caller and
 * its user name, matched against the subordinate id file. */
struct ns_idmap_caller {
	const char *name;
	uid_t uid;
	gid_t gid;
};

/* ns_idmap_check - newuidmap(1)'s policy for @map of @kind: each range is
 * the caller's own id (uid, or gid for a gid map) with count 1, or lies in
 * the caller's entries of @subid_path (see ns_subid_covers()); no range
 * maps host id 0 unless the caller is root. @ret_bad (may be NULL) gets the
 * index of the first refused range; @ret_from_subid (may be NULL) whether
 * any range came from @subid_path, which decides setgroups for a gid map.
 * Returns 0, -EPERM for a range not allotted, -EACCES for host id 0, or
 * -errno from reading @subid_path. */
int ns_idmap_check(enum ns_idmap_kind kind, const struct ns_idmap *map,
		   const struct ns_idmap_caller *caller, const char *subid_path,
		   size_t *ret_bad, bool *ret_from_subid);

/* ns_idmap_auto - the map of "nsmap --auto" for @caller, as @kind: its own
 * id (uid, or gid for a gid map) as 0, and its first entry of @subid_path
 * (see ns_subid_lookup()) from 1, its count cut so that no inner id reaches
 * 2^32-1. Not checked against the policy (see ns_idmap_check()). Returns 0,
 * -ENOENT if the file holds no entry for @caller or does not exist, or
 * -errno from reading it. */
int ns_idmap_auto(enum ns_idmap_kind kind, const struct ns_idmap_caller *caller,
		  const char *subid_path, struct ns_idmap *ret);

/* ns_idmap_caps - the capabilities (a mask of 1ull << CAP_*) that writing
 * @map as the map of @kind takes: CAP_SETUID for a uid map, CAP_SETGID for
 * a gid map, and CAP_SETFCAP too for a uid map of host uid 0
 * (user_namespaces(7), Linux 5.12). */
uint64_t ns_idmap_caps(enum ns_idmap_kind kind, const struct ns_idmap *map);

/* ns_login_defs_yes - whether the login.defs(5) file @path sets @key to
 * "yes" (in any case), read as shadow reads it: a line is the key, blanks,
 * then the value, which may be quoted; "#" starts a comment; the last line
 * naming @key decides. A line longer than 1023 characters is skipped whole.
 * Returns 1, 0 (another value, no such line, or no file), or -errno. */
int ns_login_defs_yes(const char *path, const char *key);

/* The file shadow's tools read their settings from. */
#define NS_PATH_LOGIN_DEFS "/etc/login.defs"

/* ---- mounts, propagation and persistence (mount.c, persist.c, userns.c) -- */

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

/* -- persistence (persist.c, userns.c) ------------------------------------ */

/* ns_persist - bind-mount /proc/@pid/ns/<type> onto @target so the namespace
 * outlives its processes; pid and time use the *_for_children entry as
 * unshare(1) does. The target must exist and is opened as
 * ns_persist_open_target() does. Returns 0 or -errno (see there, and
 * ns_persist_fd()). A caller that must not resolve paths once untrusted
 * code runs uses those two instead. */
int ns_persist(pid_t pid, enum ns_type type, const char *target);

/* ns_unpersist - detach the bind mount ns_persist() made on @target; the
 * namespace lives on while a process or another bind holds it. */
int ns_unpersist(const char *target);

/* ns_persist_open_target - open @target, a persistence target, as an
 * O_PATH fd for ns_persist_fd(): a symlink anywhere on the path is refused
 * (openat2(2) RESOLVE_NO_SYMLINKS), since whoever may write a directory on
 * it could point it at any file. Returns the fd, -ELOOP for a symlink,
 * -ENOTDIR for a directory (a namespace file goes on a file, as mount(2)
 * says), or -errno (-ENOENT: no such file). */
int ns_persist_open_target(const char *target);

/* ns_persist_fd - bind the namespace file @ns_fd onto the file held by
 * @target_fd (see ns_persist_open_target()), through open_tree(2) and
 * move_mount(2), looking up no path. @ret_tree_fd (may be NULL) gets the fd
 * of the attached mount for ns_unpersist_fd(). Returns 0 or -errno; -EINVAL
 * from the kernel usually means the target sits on a shared mount whose
 * peer group reaches the namespace being persisted (see
 * ns_mount_is_shared()), -EPERM that the caller may not mount. */
int ns_persist_fd(int ns_fd, int target_fd, int *ret_tree_fd);

/* ns_unpersist_fd - detach the mount ns_persist_fd() attached, named by its
 * @tree_fd, wherever it was bound. Returns 0 or -errno (-EINVAL: it is no
 * longer mounted, -EXDEV: @tree_fd is not an nsfs file). */
int ns_unpersist_fd(int tree_fd);

/* ---- capabilities and privileges (caps.c, privs.c) ---------------------- */

/* ns_caps_keep_ambient - raise every permitted capability into the
 * inheritable and ambient sets so it survives execve(2) of a non-root
 * program (capabilities(7)). Returns 0 or -errno. */
int ns_caps_keep_ambient(void);

/* ns_caps_bound - drop from the bounding set every capability not in @keep
 * (a bit mask of 1ull << CAP_*); CAP_SETPCAP is raised for the duration and
 * restored. Returns 0 or -errno. */
int ns_caps_bound(uint64_t keep);

/* ns_caps_last - the highest capability number the kernel knows (read once
 * per process). */
int ns_caps_last(void);

/* How a program came by its privileges, as ns_privs_drop() finds them. */
enum ns_privs_origin {
	NS_PRIVS_NONE,    /* neither: an ordinary run */
	NS_PRIVS_ROOT,    /* the caller is root */
	NS_PRIVS_SETUID,  /* set-user-ID root */
	NS_PRIVS_FILECAP, /* file capabilities */
};

/* ns_privs_drop - for a set-user-ID root or file-capability program: set
 * every uid and gid to the real ones for good, keep of the capabilities
 * only those in @keep (a mask of 1ull << CAP_*) and only as permitted, none
 * effective, inheritable or ambient, then verify all of it. May be called
 * again to keep fewer. @ret_origin (may be NULL) gets where the privileges
 * came from; only the first call's answer tells, as later ones see the ids
 * already dropped and the kept capabilities (NS_PRIVS_FILECAP).
 * Returns 0, -EPERM if the drop did not hold, or -errno. */
int ns_privs_drop(uint64_t keep, enum ns_privs_origin *ret_origin);

/* ns_privs_permitted - the permitted capability set as a mask. */
int ns_privs_permitted(uint64_t *ret);

/* ns_privs_effective - make exactly @caps effective (they must be
 * permitted); 0 lowers all. Returns 0 or -errno. */
int ns_privs_effective(uint64_t caps);

/* ns_file_privileged - whether the program at @path would run with
 * privileges: set-user-ID root, or a security.capability attribute.
 * Returns 1, 0 or -errno. */
int ns_file_privileged(const char *path);

/* ---- netlink, links, veth, netns lookup (netlink*.c, link.c, veth*.c, netns.c, enter.c) -- */

/* Interface names are at most 15 bytes (IFNAMSIZ - 1). */
#define NS_IFNAME_MAX 15

/* Which end of a veth pair a setting applies to: LOCAL stays in the
 * caller's network namespace, PEER goes to the one ns_veth_set_netns()
 * names. */
enum ns_veth_end {
	NS_VETH_LOCAL,
	NS_VETH_PEER,
};

/* What failed, for a one-line message: @step says what was being done
 * ("add address 10.0.0.2/24 to 'eth0'"), @msg holds the kernel's
 * extended-ack text (NLMSGERR_ATTR_MSG) or, for -EPERM, which capability
 * is missing over which namespace; or is empty. @peer_down is set when a
 * route of the peer failed the way a route over a link that is down does,
 * and the peer was not to come up (ns_veth_set_up()): the likely cause. */
struct ns_nl_error {
	char step[192];
	char msg[256];
	bool peer_down;
};

/* The description of one veth pair to create; opaque, filled through the
 * ns_veth_set_* and ns_veth_add_* calls. */
struct ns_veth;

/* ns_ifname_check - whether @name may name a link, as the kernel's
 * dev_valid_name() rules: 1 to NS_IFNAME_MAX bytes without '/', ':' or
 * white space, and not "." or "..". Returns 0, -ERANGE (too long) or
 * -EINVAL. */
int ns_ifname_check(const char *name);

/* ns_veth_new - a pair named @name (stays here) and @peer, both names as
 * ns_ifname_check() accepts them. Returns 0, -EINVAL or -ENOMEM. */
int ns_veth_new(const char *name, const char *peer, struct ns_veth **ret);

/* ns_veth_free - release @v (NULL is fine); does not touch any link. */
void ns_veth_free(struct ns_veth *v);

/* ns_veth_set_netns - put the peer in the network namespace behind
 * @netns_fd (an nsfs file: /proc/PID/ns/net, a bind mount of one, or what
 * ns_netns_open() returns). The fd is borrowed: it must stay open until
 * ns_veth_create() returns. -1 (the default) keeps the peer here. */
void ns_veth_set_netns(struct ns_veth *v, int netns_fd);

/* ns_veth_add_address - an IPv4 or IPv6 address "ADDR[/PREFIX]" for @end
 * (no prefix: /32 or /128). IPv6 addresses skip duplicate address
 * detection so they are usable at once. Returns 0, -EINVAL (form), -ERANGE
 * (prefix) or -ENOMEM. */
int ns_veth_add_address(struct ns_veth *v, enum ns_veth_end end, const char *cidr);

/* ns_veth_set_mac - the Ethernet address "xx:xx:xx:xx:xx:xx" of @end:
 * six octets of one or two hex digits separated by ':', as ip-link(8)
 * takes them; no sign, blank or "0x". Returns 0 or -EINVAL. */
int ns_veth_set_mac(struct ns_veth *v, enum ns_veth_end end, const char *mac);

/* ns_veth_set_mtu - the MTU of @end (0: the kernel's default). */
void ns_veth_set_mtu(struct ns_veth *v, enum ns_veth_end end, uint32_t mtu);

/* ns_veth_set_master - enslave the local end to bridge @bridge; with
 * @create, make the bridge first if it does not exist (and remove it again
 * if the pair cannot be completed). Returns 0 or -EINVAL for a bad name. */
int ns_veth_set_master(struct ns_veth *v, const char *bridge, bool create);

/* ns_veth_add_route - a route in the peer's namespace out of the peer:
 * @dst is "default" or "ADDR[/PREFIX]", @gateway an address of the same
 * family, or NULL for a directly connected route. Returns 0, -EINVAL,
 * -ERANGE or -ENOMEM. */
int ns_veth_add_route(struct ns_veth *v, const char *dst, const char *gateway);

/* ns_veth_set_group - tag the local end with link group @group
 * (IFLA_GROUP), for ns_veth_delete_group(). */
void ns_veth_set_group(struct ns_veth *v, uint32_t group);

/* ns_veth_set_up - bring both ends up as they are created (and the bridge
 * of ns_veth_set_master() when ns_veth_create() makes it). */
void ns_veth_set_up(struct ns_veth *v, bool up);

/* ns_veth_set_loopback_up - also bring up lo in the peer's namespace, as
 * ns_link_up_loopback() does. */
void ns_veth_set_loopback_up(struct ns_veth *v, bool up);

/* ns_veth_create - create the pair in one RTM_NEWLINK request with the
 * peer placed directly in its namespace (IFLA_NET_NS_FD), MAC, MTU, group,
 * master and up state included; then add each end's addresses, lo and the
 * routes in the peer's namespace. If any step fails, the pair (and a
 * bridge made for it) is deleted again and @reterr (may be NULL) says
 * which step failed and why.
 * Work inside the peer's namespace goes through a netlink socket opened by
 * a short-lived thread that setns(2)s into it; the calling thread never
 * changes namespace. That needs CAP_SYS_ADMIN over the peer's namespace
 * and happens only when the peer is to come up or has addresses, routes
 * or lo to set.
 * Returns 0 or -errno: -EEXIST (a name is taken), -EPERM (see
 * @reterr->msg), -ENODEV (no such bridge), or what the kernel said. */
int ns_veth_create(struct ns_veth *v, struct ns_nl_error *reterr);

/* ns_veth_create_many - ns_veth_create() for @n pairs over one socket
 * per namespace (peers whose fds name the same namespace share one, told
 * apart by the nsfs inode, not the fd), the requests of each step pipelined (sent together, acks
 * read after). All or nothing: on failure every pair this call made is
 * deleted again (a link of the same name that was there before stays, even
 * when the socket fails mid-batch) and @reterr_index (may be NULL) gets the
 * index of the pair that failed. */
int ns_veth_create_many(struct ns_veth *const *v, size_t n, size_t *reterr_index,
			struct ns_nl_error *reterr);

/* ns_veth_delete - delete the veth @name of the caller's namespace, and
 * with it its peer wherever that lives. Returns 0, -ENODEV (no such link),
 * -EMEDIUMTYPE (@name is not a veth), or -errno. */
int ns_veth_delete(const char *name, struct ns_nl_error *reterr);

/* ns_veth_delete_group - delete every link of group @group in the caller's
 * namespace in one request (RTM_DELLINK with IFLA_GROUP and ifindex 0).
 * Returns 0, -ENODEV if no link has that group, or -errno. */
int ns_veth_delete_group(uint32_t group, struct ns_nl_error *reterr);

/* One veth of the caller's namespace, as ns_veth_list() reports it. */
struct ns_veth_info {
	char name[NS_IFNAME_MAX + 1];
	int ifindex;
	char peer[NS_IFNAME_MAX + 1]; /* "" if the peer cannot be read */
	int peer_ifindex;
	int peer_nsid;		      /* -1: the peer is in this namespace */
	char peer_netns[64];	      /* "", a name under /run/netns, "pid N" or "nsid N" */
	uint32_t group;
	uint32_t mtu;
	bool up;
};

/* ns_veth_list - the veth pairs of the caller's namespace, by ifindex; a
 * pair with both ends here is listed once, by the end named first when it
 * was created (the one with the higher ifindex). Returns the count, with an
 * array the caller frees with free() in @ret, or -errno. */
int ns_veth_list(struct ns_veth_info **ret);

/* ns_link_up_loopback - bring lo up with 127.0.0.1/8 and ::1 in the
 * network namespace behind @netns_fd (-1: the caller's). Returns 0 or
 * -errno. */
int ns_link_up_loopback(int netns_fd, struct ns_nl_error *reterr);

/* ns_netns_open - open a network namespace the way a user names it, as
 * ip(8) does: @target with a '/' is a path, followed as given, to a
 * namespace file (/proc/PID/ns/net, a bind mount of one); a word is a name
 * under /run/netns (an entry there that is a symlink is refused), else the
 * caller's session of that name (ns_session_open_name()), else, if
 * all digits, a PID, pinned by a pidfd while its namespace is opened.
 * Nothing is looked up relative to the working directory. Returns an
 * O_RDONLY fd, -ENOENT if nothing matches, -ESRCH (no such process),
 * -ELOOP (a symlink in /run/netns), -EINVAL if the file is not a network
 * namespace file, or -errno (-EACCES: not ours to open). */
int ns_netns_open(const char *target);

/* ns_socket_netns - an fd of the network namespace socket @sock_fd was made
 * in (SIOCGSKNS). Returns the fd, -ENOTTY if @sock_fd is not a socket,
 * -EPERM without CAP_NET_ADMIN over that namespace, or -errno. */
int ns_socket_netns(int sock_fd);

/* ---- namespace discovery (enter.c, nsinfo*.c, session.c) ---------------- */

/* ns_fd_type - the namespace type of the nsfs file @fd. Returns the type,
 * -ENOTTY if @fd is not a namespace file, or -errno. */
int ns_fd_type(int fd);

/* ns_owner - the user namespace in which setns(2) of @ns_fd needs
 * CAP_SYS_ADMIN: the one owning it, or a user namespace itself; as its
 * inode, and the uid that created it.
 * Returns 0, -EPERM if the owner is outside the caller's user namespace,
 * or -errno. */
int ns_owner(int ns_fd, uint64_t *ret_userns_ino, uid_t *ret_uid);

/* ns_user_parent - an fd of the user namespace owning the namespace behind
 * @ns_fd (NS_GET_USERNS). Returns the fd, -EPERM beyond the caller's
 * reach, -ENOTTY before Linux 4.9, or -errno. */
int ns_user_parent(int ns_fd);

/* ns_open_by_id - open the namespace of @type whose 64-bit id
 * (NS_GET_ID, lsns -o NS... ID) is @id, through an nsfs file handle
 * (open_by_handle_at(2)). Linux 6.19 opens any namespace by its id; on
 * 6.18 the handle needs its inode too, found among the processes in /proc.
 * Returns the fd, -ESTALE if no namespace has that id (on 6.18: none of a
 * visible process), -EOPNOTSUPP if the kernel has no nsfs handles, or
 * -errno. */
int ns_open_by_id(enum ns_type type, uint64_t id);

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
	NS_INFO_NO_PPID = 1u << 7,	/* leave /proc/PID/stat unread: parent PIDs 0,
					 * ns_info_proc_parent() -1, and a process
					 * the stat file would refuse is kept */
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
/* ns_info_add_session_names - name namespaces after the caller's sessions
 * that hold them (see ns_session_dir()); none without a sessions
 * directory. Returns 0 or -errno. */
int ns_info_add_session_names(struct ns_info *info);
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

/* ---- sysctls, rlimits, time namespaces (sysctl.c, rlimit.c, timens.c) --- */

/* -- sysctls (sysctl.c) --------------------------------------------------- */

/* ns_sysctl_path - the path below /proc/sys of sysctl @key, given as
 * sysctl(8) takes it: "net.ipv4.ip_forward" or "net/ipv4/conf/eth0.5/mtu"
 * (a key with a slash keeps its dots). Returns 0, or -EINVAL for an empty,
 * too long or ".."-climbing key. */
int ns_sysctl_path(const char *key, char *buf, size_t size);

/* ns_sysctl_type - the namespace @key belongs to (net.*: NS_TYPE_NET,
 * kernel.hostname: NS_TYPE_UTS, kernel.shm*, kernel.msg*, kernel.sem and
 * fs.mqueue.*: NS_TYPE_IPC, kernel.ns_last_pid: NS_TYPE_PID, user.*:
 * NS_TYPE_USER). Returns the type, -EOPNOTSUPP for a key of the whole
 * system, or -EINVAL for a malformed key. */
int ns_sysctl_type(const char *key);

/* ns_sysctl_write - write @value to @key below @sys_fd, a directory fd of
 * /proc/sys, in one write(2). The namespace written is the caller's own of
 * the key's type. Returns 0 or -errno: -ENOENT for no such key (a network
 * key of the whole system is absent from a new network namespace), -EACCES
 * or -EPERM when the caller holds no capability over the namespace or the
 * key is read-only there, -EINVAL for a value the key refuses. */
int ns_sysctl_write(int sys_fd, const char *key, const char *value);

/* -- resource limits (rlimit.c) ------------------------------------------- */

#define NS_RLIM_INFINITY UINT64_MAX

enum {
	NS_RLIMIT_SOFT = 1 << 0,
	NS_RLIMIT_HARD = 1 << 1,
	NS_RLIMIT_SOFT_MAX = 1 << 2, /* soft "max": the hard limit */
	NS_RLIMIT_HARD_MAX = 1 << 3, /* hard "max": as it is */
};

/* A limit to set: which of soft and hard (NS_RLIMIT_* in @set). */
struct ns_rlimit {
	int resource;
	unsigned set;
	uint64_t soft;
	uint64_t hard;
};

/* ns_rlimit_name - prlimit(1)'s upper-case name of RLIMIT_* @resource
 * ("NOFILE"), or NULL. */
const char *ns_rlimit_name(int resource);

/* ns_rlimit_from_name - the RLIMIT_* of the @len bytes at @name, any case,
 * with or without "RLIMIT_". Returns it or -EINVAL. */
int ns_rlimit_from_name(const char *name, size_t len);

/* ns_rlimit_parse - "NAME=SOFT", "NAME=SOFT:HARD", "NAME=SOFT:" or
 * "NAME=:HARD"; a value is decimal, "unlimited" (or "infinity"), or "max":
 * for SOFT the hard limit, for HARD the current hard limit. A single value
 * sets the soft limit only. Returns 0, -EINVAL or -ERANGE. */
int ns_rlimit_parse(const char *spec, struct ns_rlimit *ret);

/* ns_rlimit_resolve - the soft and hard values @rl gives against the
 * caller's current limits. Returns 0, -ERANGE when soft would exceed hard,
 * or -errno. */
int ns_rlimit_resolve(const struct ns_rlimit *rl, uint64_t *ret_soft, uint64_t *ret_hard);

/* ns_rlimit_apply - set @rl on the caller. Returns 0 or -errno: -EPERM when
 * raising a hard limit needs CAP_SYS_RESOURCE (in the initial user
 * namespace) or NOFILE passes fs.nr_open, -ERANGE as ns_rlimit_resolve. */
int ns_rlimit_apply(const struct ns_rlimit *rl);

/* -- time namespaces (timens.c) ------------------------------------------- */

/* ns_timens_parse_offset - parse a signed decimal number of seconds.
 * Returns 0, -EINVAL or -ERANGE. */
int ns_timens_parse_offset(const char *s, int64_t *ret);

/* ns_timens_set_offset - set the offset of @clock (CLOCK_MONOTONIC or
 * CLOCK_BOOTTIME) in the time namespace the caller's next child enters,
 * through /proc/self/timens_offsets. Must happen before any process is in
 * it: the kernel then refuses (-EACCES). */
int ns_timens_set_offset(clockid_t clock, int64_t seconds);

/* ---- sessions and entering (session.c, enter.c) ------------------------- */

/* -- entering the namespaces of a process (enter.c) ----------------------- */

/* ns_enter_parse_target - parse "PID" or "PID:INODE", the INODE of a pidfd
 * of the process (as fstat(2) of a pidfd on pidfs gives it) that pins it:
 * a PID reused by another process has another pidfd inode. @ret_ino gets 0
 * when none was given. Returns 0, -EINVAL for no number or trailing text,
 * -ERANGE for a PID or INODE of 0, negative, or too large. */
int ns_enter_parse_target(const char *s, pid_t *ret_pid, uint64_t *ret_ino);

/* ns_enter_target_open - pin process @pid: a pidfd (-1 in *@ret_pidfd
 * where the kernel has none) and its /proc/PID directory, opened while the
 * pidfd shows it alive, so both name the one process from here on. With
 * @ino non-zero the pidfd must have that inode. Returns 0, -ESRCH for no
 * such process, -ESTALE if @pid now names another process than @ino does,
 * -EOPNOTSUPP for @ino without pidfs, -EXDEV if /proc is not procfs, or
 * -errno. */
int ns_enter_target_open(pid_t pid, uint64_t ino, int *ret_pidfd, int *ret_proc_fd);

/* ns_enter_usable_types - the types --all enters for the process of
 * /proc/PID directory @proc_fd: those this kernel has, but the user
 * namespace only if it is not the caller's (setns(2) refuses that).
 * Returns 0 and a mask of 1u << NS_TYPE_* in @ret_types, or -errno. */
int ns_enter_usable_types(int proc_fd, uint32_t *ret_types);

/* What ns_enter_join() enters: each type in @types (1u << NS_TYPE_*) from
 * @fd[type] if that is open, else from the target: through @pidfd where
 * setns(2) takes one (Linux 5.8), else through its namespace files opened
 * below @proc_fd. Initialise with NS_ENTER_INIT. */
struct ns_enter {
	int pidfd;
	int proc_fd;
	int fd[NS_TYPE_MAX];
	uint32_t types;
};
#define NS_ENTER_INIT { -1, -1, { -1, -1, -1, -1, -1, -1, -1, -1 }, 0 }

/* ns_enter_join - enter @e's namespaces in two passes, as nsenter(1):
 * first all but the user namespace, ignoring failures (a caller dropping
 * privilege enters its user namespace last), then what is left, the user
 * namespace first (a caller gaining privilege from it). A user namespace
 * given as a file goes before those taken through the pidfd. A pidfd mask
 * that fails is retried type by type so that the failure names one type
 * (where the namespace files cannot be opened, the mask's error stands,
 * with its first type).
 * Entered types leave @e->types and their fds are closed. Returns 0, or
 * -errno with the failing type in @reterr_type (may be NULL; NS_TYPE_MAX
 * when a namespace file of the target could not be opened); the caller
 * may then be in some of the namespaces. */
int ns_enter_join(struct ns_enter *e, enum ns_type *reterr_type);

/* ns_enter_release - close every fd @e holds. */
void ns_enter_release(struct ns_enter *e);

/* -- named sessions (session.c) ------------------------------------------- */

/* A session is a directory NAME below the caller's sessions directory
 * (ns_session_dir()) holding "types" (its namespace types, by lsns name,
 * comma-separated), for root one bind-mounted namespace file per type named
 * after it ("net", "uts", ...), and "init" ("PID:INODE", the PID and pidfd
 * inode of a process of nsrun's own that holds the namespaces: PID 1 of the
 * session's PID namespace, or the keeper of a session that cannot bind, or
 * of root's mount namespace). */
#define NS_SESSION_NAME_MAX 64

/* What ns_session_read() finds: @types a mask of 1u << NS_TYPE_*, the init
 * (@init_pid 0 for none) and the time the session was made. */
struct ns_session_info {
	uint32_t types;
	pid_t init_pid;
	uint64_t init_ino;
	time_t created;
};

/* ns_session_name_check - a session name: 1 to NS_SESSION_NAME_MAX
 * printable bytes, no '/', blank or leading '-', not "." or "..".
 * Returns 0 or -EINVAL. */
int ns_session_name_check(const char *name);

/* ns_session_root - whether the caller is root of the initial user
 * namespace, whose sessions are bound under /run (and /run/netns). */
bool ns_session_root(void);

/* ns_session_dir - where the caller's sessions are: /run/nsutils for root,
 * $XDG_RUNTIME_DIR/nsutils for anyone else; a string to free(). Returns 0,
 * -ENXIO if XDG_RUNTIME_DIR is unset or not absolute, or -ENOMEM. */
int ns_session_dir(char **ret);

/* ns_session_dir_open - an O_PATH fd of ns_session_dir(), no symlink on
 * the path; with @create it is made (0700) if missing and, for root, made
 * a private mount of its own (bound onto itself the first time) so that
 * namespace files can be bound below it where the parent mount is shared.
 * Returns 0, -ENXIO (see ns_session_dir()), -EPERM if the runtime or
 * sessions directory is not the caller's, -ENOENT, -ELOOP, or -errno. */
int ns_session_dir_open(bool create, int *ret_fd);

/* ns_session_create - make session @name with @types (1u << NS_TYPE_*)
 * below @dirfd (from ns_session_dir_open()) and return an O_PATH fd of it.
 * Nothing is left behind on failure. Returns 0, -EINVAL for a bad name,
 * -EEXIST, -EROFS, -ENOSPC, or -errno. */
int ns_session_create(int dirfd, const char *name, uint32_t types, int *ret_fd);

/* ns_session_open - an O_PATH fd of session @name below @dirfd, never
 * through a symlink. Returns 0, -EINVAL for a bad name, -ENOENT, or -errno. */
int ns_session_open(int dirfd, const char *name, int *ret_fd);

/* ns_session_target - create the empty file for namespace @type in session
 * @sfd and return an O_PATH fd of it for ns_persist_fd(). Returns 0,
 * -EEXIST, or -errno. */
int ns_session_target(int sfd, enum ns_type type, int *ret_fd);

/* ns_session_start_init - fork the session's init, a process that closes
 * every fd, leaves the terminal's session, ignores all but SIGKILL and
 * reaps until killed; it is in the caller's namespaces for children (PID 1
 * of a new PID namespace) and holds them. Records it in @sfd as "init".
 * It does nothing until a byte is written to *@ret_commit_fd (a pipe,
 * close-on-exec), and exits if that is closed first (the creator died or
 * gave up). Returns 0 (its PID in @ret_pid, may be NULL) or -errno, with
 * no init left running. */
int ns_session_start_init(int sfd, pid_t *ret_pid, int *ret_commit_fd);

/* ns_session_read - the types, init and creation time of session @sfd.
 * Returns 0, -EBADMSG for a malformed record, or -errno. */
int ns_session_read(int sfd, struct ns_session_info *ret);

/* ns_session_init_open - a pidfd of the session's init, checked to be
 * the very process recorded (its pidfd inode). Returns 0, -ENOENT for a
 * session without one, -ESRCH once it is gone, or -errno. */
int ns_session_init_open(const struct ns_session_info *si, int *ret_pidfd);

/* ns_session_open_ns - an fd of session @sfd's namespace of @type: its
 * bound file, checked to be a namespace file of that type, else its init's
 * through a pidfd. Returns the fd, -ENOENT if the session has no such
 * type, -ESTALE if neither holds it any more, or -errno. */
int ns_session_open_ns(int sfd, enum ns_type type);

/* ns_session_open_name - ns_session_open_ns() of the caller's session
 * @name. Returns the fd, -ENOENT for no such session (or a name no session
 * can have, or no sessions directory of the caller's), or as
 * ns_session_open_ns(). */
int ns_session_open_name(const char *name, enum ns_type type);

/* ns_session_join - join every namespace of session @sfd, the user
 * namespace first (its capabilities allow the rest), the mount namespace
 * last but time; all are opened before the first setns(2). The types
 * joined go to @ret_types (may be NULL; the caller's own user namespace is
 * skipped). Returns 0, or -errno with the failing type in @reterr_type
 * (may be NULL); the caller may then be in some of the namespaces. A new
 * PID namespace applies to the caller's children only. */
int ns_session_join(int sfd, uint32_t *ret_types, enum ns_type *reterr_type);

/* ns_session_destroy - end session @name below @dirfd: SIGKILL its init
 * through a checked pidfd and wait for it, unmount and remove its files
 * (for root also /run/netns/@name if it is the session's own network
 * namespace) and its directory. A stale or half-made session is removed
 * as well. Returns 0, -ENOENT, or -errno (-EINVAL: a bind of another
 * mount namespace). */
int ns_session_destroy(int dirfd, const char *name);

/* ns_session_join_netns - enter network namespace @name of /run/netns as
 * ip-netns(8) exec does: a new mount namespace (mounts as slaves), /sys
 * remounted for the namespace, each /etc/netns/@name/ENTRY bound over
 * /etc/ENTRY. Returns 0, -ENOENT for no such name, -ESTALE if it is no
 * network namespace file, or -errno; on failure the caller may already be
 * in the new mount namespace. */
int ns_session_join_netns(const char *name);

/* ns_session_list - the names of the sessions below @dirfd, sorted, as a
 * NULL-terminated vector of strings, each and the vector to free(), the
 * count in @ret_n. Returns 0 or -errno. */
int ns_session_list(int dirfd, char ***ret, size_t *ret_n);

/* ---- small utilities (enter.c, privs.c) --------------------------------- */

/* ns_environ_read - the environment of the process of /proc/PID directory
 * @proc_fd as a NULL-terminated vector of "NAME=value" strings, each and
 * the vector to free(); strings that are no variable are left out. Returns
 * 0 and the count in @ret_n, or -errno. */
int ns_environ_read(int proc_fd, char ***ret, size_t *ret_n);

/* ns_cgroup_path_read - the cgroup v2 path ("/a/b") of the process of
 * /proc/PID directory @proc_fd, to free(). Returns 0, -EBADMSG if there is
 * no v2 line, or -errno. */
int ns_cgroup_path_read(int proc_fd, char **ret);

/* ns_cgroup_procs_open - open cgroup.procs of @path below the cgroup2 mount
 * @cgroup_root for appending a pid; @path cannot climb out of it. Returns
 * the fd, -EMEDIUMTYPE if @cgroup_root is not cgroup2, or -errno. */
int ns_cgroup_procs_open(const char *cgroup_root, const char *path);

/* ns_fds_std_ensure - make sure fds 0, 1 and 2 are open (on /dev/null if
 * they were closed), so that no file the program opens later takes their
 * place. Returns 0 or -errno. */
int ns_fds_std_ensure(void);

#ifdef __cplusplus
}
#endif

#endif
