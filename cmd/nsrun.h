/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun's options, the plan made of them, and the steps it runs through. */
#ifndef NSUTILS_NSRUN_H
#define NSUTILS_NSRUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "ns.h"

#define PROC_BINFMT_MISC "/proc/sys/fs/binfmt_misc"

enum setgroups_mode { SETGROUPS_NONE = -1, SETGROUPS_DENY, SETGROUPS_ALLOW };

/* A --map-users/--map-groups/--map-auto/--map-subids argument, resolved
 * after parsing so that errors about /etc/subuid come after usage errors. */
struct map_spec {
	enum ns_idmap_kind kind;
	const char *arg; /* "auto", "subids", "all" or a range */
};

/* A --sysctl KEY=VALUE, with the namespace its key belongs to. */
struct sysctl_spec {
	const char *key;
	const char *value;
	enum ns_type type;
};

/* A --veth NAME:PEER[,addr=CIDR][,peer-addr=CIDR][,gateway=IP], checked
 * and built while parsing; created by a helper that stays outside. */
struct veth_opt {
	const char *arg;
	struct ns_veth *veth;
	char peer[NS_IFNAME_MAX + 1]; /* its name in the new namespace */
};

struct nsrun_opts {
	int flags;
	const char *persist[NS_TYPE_MAX];
	/* each target opened by open_persist_targets(), or -1 */
	int persist_fd[NS_TYPE_MAX];
	unsigned npersist;
	/* a second target bound from the first (a session's network
	 * namespace under /run/netns), and its fd where set */
	const char *persist_also[NS_TYPE_MAX];
	int persist_also_fd[NS_TYPE_MAX];
	bool fork;
	int kill_child_sig;
	bool forward_signals;
	const char *procmnt;
	const char *binfmt_mnt;
	const char *interp;
	enum ns_propagation propagation;
	enum setgroups_mode setgroups;
	uint32_t map_user;
	uint32_t map_group;
	/* -c: map_user/map_group are the ids the maps are built from (the
	 * owner's with --owner), filled in by resolve_maps() */
	bool map_current_user;
	bool map_current_group;
	struct map_spec *specs;
	size_t nspecs;
	uint32_t owner_uid;
	uint32_t owner_gid;
	bool keep_caps;
	const char *root;
	const char *wd;
	bool force_uid;
	uid_t uid;
	bool force_gid;
	gid_t gid;
	bool force_monotonic;
	int64_t monotonic;
	bool force_boottime;
	int64_t boottime;
	bool clear_env;
	char **keep_env; /* "NAME=value" strings saved before clearing */
	size_t nkeep_env;
	/* beyond unshare(1): set-up for test harnesses */
	bool loopback;
	struct sysctl_spec *sysctls;
	size_t nsysctls;
	struct ns_rlimit *rlimits;
	size_t nrlimits;
	const char *hostname;
	struct veth_opt *veths;
	size_t nveths;
	bool new_session;
	int status_fd; /* --json-status-fd, or -1 */
	uint64_t timeout_ms; /* 0: none */
	bool dry_run;
	/* --name, --destroy, --list-names [-J], --enter --name */
	const char *session;
	const char *session_destroy;
	bool session_list;
	bool session_json;
	char **argv;
};

/* Who writes an id map of the new user namespace. */
enum map_writer {
	MAP_NONE,   /* nobody: the namespace has no such map */
	MAP_HELPER, /* the map writer, a child forked before unshare(2): ranges, or --owner */
	MAP_SELF,   /* nsrun itself: the single map of -r, -c, --map-user or --map-group */
};

struct plan_map {
	enum map_writer writer;
	struct ns_idmap map; /* as written; one range where MAP_SELF */
};

/* What nsrun does, in this order; each step is in a plan only where it
 * has something to do, but for STEP_HELPERS, STEP_UNSHARE and STEP_EXEC. */
enum plan_step {
	STEP_PROC,            /* /proc opened for the reports of the parent of --fork */
	STEP_RLIMITS,         /* --rlimit, before the user namespace exists */
	STEP_HELPERS,         /* SIGCHLD reset, namespace files opened, helper children forked */
	STEP_OWNER,           /* --owner's credentials */
	STEP_UNSHARE,
	STEP_RELEASE_HELPERS, /* the map writer and the veth creator do their work */
	STEP_TIME_OFFSETS,
	STEP_SESSION_INIT,    /* --name: the init that holds the session */
	STEP_FORK,            /* the parent of --fork does not come back */
	STEP_SINGLE_MAPS,
	STEP_SETGROUPS,       /* --setgroups */
	STEP_PERSIST,         /* without --fork the binds; the helpers' pidfd closed */
	STEP_MOUNTS,          /* /proc/sys opened for --sysctl, then the mounts and directories */
	STEP_NAMESPACES,      /* loopback, sysctls, hostname */
	STEP_CREDENTIALS,
	STEP_ENVIRONMENT,
	STEP_NEW_SESSION,
	STEP_PARENT_WATCH,    /* --kill-child */
	STEP_EXEC,            /* past the gate, the binds kept, the program run */
	STEP_MAX
};

/* Everything nsrun decides from its options, once, before it changes
 * anything: --dry-run prints it, a real run walks its steps. */
struct nsrun_plan {
	struct nsrun_opts *o;
	bool dry_run;
	/* the ids the maps are built from: the caller's, taken before any
	 * namespace changes them, or the owner's with --owner */
	uid_t euid;
	gid_t egid;
	struct plan_map uid, gid;
	/* setgroups: what --setgroups has nsrun write after its maps
	 * (SETGROUPS_NONE: nothing), whether the map writer denies it before
	 * the gid map (--owner with -r, -c or --map-group), and what the
	 * namespace ends with, whoever wrote it */
	enum setgroups_mode setgroups;
	bool helper_denies_setgroups;
	enum setgroups_mode setgroups_end;
	/* --name as root of the initial user namespace: the session binds */
	bool session_root;
	/* namespace files to bind: given, or a session's of root */
	bool persist;
	/* the helper children, and the pidfd by which they reach nsrun */
	bool binder, map_writer, veth_creator, watchdog;
	bool self_pidfd;
	/* the parent of --fork: polls (--timeout, --json-status-fd), holds
	 * the child at a gate before its exec, signals it through a pidfd */
	bool supervised;
	bool gate;
	bool child_pidfd;
	enum plan_step step[STEP_MAX];
	size_t nsteps;
};

/* A gate holds a forked child at a point of its choosing (nsrun's child of
 * --fork: just before it execs the program) until the parent lets it
 * through:
 *   gate_init(&g);                 before fork(), in the parent
 *   child:  gate_child(&g);        right after fork(): drops the parent's end
 *           gate_pass(&g);         tells the parent it has arrived, then
 *                                  blocks; returns once released. If the
 *                                  parent shuts the gate or dies first, the
 *                                  child _exit(1)s there without going on
 *   parent: gate_parent(&g);       right after fork(): drops the child's end
 *           gate_arrived(&g)       waits for the child to arrive: true, or
 *                                  false if it left (failed) on the way
 *           gate_release(&g);      lets it through (once; a child that has
 *                                  already left is no error), or
 *           gate_shut(&g)          (or just exiting) to make it leave
 * A close-on-exec AF_UNIX socket pair: no program the parent runs holds its
 * end, and a release to a child gone raises no SIGPIPE. Anything forked by
 * the parent between gate_init() and gate_release() that outlives it would
 * keep the gate from shutting; helpers forked before are fine. */
struct gate {
	int parent, child; /* the two ends; -1 once closed */
};

/* The map writer's helper, for release_map_writer(). */
struct map_writer_run {
	const char *helper;	/* the program the writer became, or NULL */
	int err_fd;		/* its stderr, read by release_map_writer() */
};

/* What a walk holds between its steps: the helpers and their fds, the
 * pidfds, the gate and pipe of --fork. */
struct plan_run {
	pid_t pid_bind, pid_idmap, pid_veth;
	int fd_bind, fd_idmap, fd_veth;
	struct map_writer_run idmap;
	int self_pidfd;   /* nsrun's, for its helpers */
	int parent_pidfd; /* nsrun's, for --kill-child */
	int watchdog_fd;
	int proc_fd;      /* /proc as nsrun found it (STEP_PROC) */
	int sys_fd;       /* /proc/sys, for --sysctl */
	int ready;        /* the child's end of the pipe it closes at exec */
	struct gate gate;
};

/* nsrun-opts.c */
void parse_options(int argc, char **argv, struct nsrun_opts *o);
/* Whether libns' error @r for writing a /proc file came from its open(2):
 * unshare(1) says "cannot open PATH" then, and "write failed PATH" when the
 * write(2) failed. Of the errors these files give, EACCES, ENOENT and
 * ENOTDIR come only from open(2). */
bool open_failed(int r);
/* setuid(2) or setgid(2) failed with errno: unshare(1)'s words @what, and a
 * hint when @kind ("uid" or "gid") @id is not mapped in the namespace. */
noreturn void id_change_failed(const char *what, const char *kind, uint32_t id);

/* nsrun-plan.c: the plan, its checks and its walk. plan_build() fills @p
 * from the parsed @o, which it keeps; it reads what the maps are built from
 * (the caller's ids, /etc/subuid, /proc/self/uid_map) and exits on a bad
 * map, changing nothing. */
void plan_build(struct nsrun_plan *p, struct nsrun_opts *o);
/* the checks made before anything changes, the same for --dry-run */
void plan_check(const struct nsrun_plan *p);
/* prints the plan (--dry-run) and exits, or runs its steps and the program */
noreturn void plan_walk(const struct nsrun_plan *p);

/* nsrun-fork.c: the parent of --fork. Forks; returns in the child, which
 * goes on with the steps after STEP_FORK. */
void fork_program(const struct nsrun_plan *p, struct plan_run *run);

/* nsrun-watchdog.c: --kill-child's watchdog, forked before unshare(2); its
 * socket, to which watchdog_hand() gives the program's pidfd */
int watchdog_start(int parent_pidfd, int sig);
void watchdog_hand(int sock, int pidfd);

/* nsrun-setup.c: the steps, in the order unshare(1) takes them, and the
 * helper children: each forked, waiting, until release_child() lets it do
 * its work, waits for it and fails as it failed */
pid_t fork_waiting(int *ret_fd);
void release_child(pid_t pid, int fd);
/* lets the child go and waits for it, first passing on its stderr, read
 * from @err_fd (-1: none) until it closes, and telling whether there was
 * any; returns the wait status */
int release_wait(pid_t pid, int fd, int err_fd, bool *ret_said);
bool relay_stderr(int fd);

/* the veth creator: makes the pairs of --veth from nsrun's network
 * namespace into the new one, once nsrun (@self_pidfd) has it */
pid_t fork_veth_creator(const struct nsrun_plan *p, int self_pidfd, int *ret_fd);

void gate_init(struct gate *g);
void gate_child(struct gate *g);
void gate_pass(struct gate *g);
void gate_parent(struct gate *g);
bool gate_arrived(struct gate *g);
void gate_release(struct gate *g);
void gate_shut(struct gate *g);

void open_persist_targets(struct nsrun_opts *o);
void persist_all(const struct nsrun_opts *o, pid_t pid, int pidfd);
/* The binder, a child forked before unshare(2) that binds the namespaces of
 * the caller (through its pidfd @ppidfd) once told: with --fork by
 * release_child(), without by persist_held(), which returns once the binds
 * are made (or exits as the binder failed). Those stay only if
 * persist_commit() is called before the exec; any exit before takes them
 * back. */
pid_t fork_binder(const struct nsrun_opts *o, int ppidfd, int *ret_fd);
void persist_held(pid_t pid, int fd);
void persist_commit(void);
/* nsrun-idmap.c: the single maps nsrun writes itself (MAP_SELF) and
 * setgroups; the map writer, which writes the maps of MAP_HELPER (and
 * denies setgroups where the plan says) once nsrun, reached through its
 * pidfd @self_pidfd, is in its new user namespace, as root or by becoming
 * a privileged helper */
void set_single_maps(const struct nsrun_plan *p);
void set_setgroups(const struct nsrun_plan *p);
pid_t fork_map_writer(const struct nsrun_plan *p, int self_pidfd, int *ret_fd,
		      struct map_writer_run *ret);
/* release_child() for the map writer: what the helper it became writes to
 * stderr is passed on, and its failure named if it said nothing */
void release_map_writer(pid_t pid, int fd, struct map_writer_run *m);

/* nsrun-setup.c: the other steps */
void unshare_or_die(int flags);
void setup_mounts(const struct nsrun_opts *o);
void set_credentials(const struct nsrun_opts *o);
void set_environment(const struct nsrun_opts *o);
noreturn void exec_program(char **argv);

/* nsrun-setup.c: the steps above with explicit parameters, shared with the
 * enter mode, which reports failures in nsenter(1)'s words */
enum dir_step { DIR_ROOT_FD, DIR_CHROOT, DIR_SLASH, DIR_WD };
int change_root_dir(int root_fd, const char *root, int wd_fd, const char *wd,
		    enum dir_step *ret_step);
enum cred_step { CRED_GROUPS, CRED_GID, CRED_UID, CRED_CAPS };
struct cred_change {
	bool force_uid;
	uid_t uid;
	bool force_gid;
	gid_t gid;
	bool groups_may_fail;
	bool keep_caps;
};
int change_credentials(const struct cred_change *c, enum cred_step *ret_step);
int replace_environment(char **env, size_t n);
int exec_argv_or_shell(char **argv, const char **ret_path);

/* nsrun-enter.c: nsenter(1)'s interface */
noreturn void enter_main(int argc, char **argv, const char *name);

/* nsrun-harness.c: options and steps beyond unshare(1) */
void add_sysctl(struct nsrun_opts *o, const char *arg);
void add_rlimit(struct nsrun_opts *o, const char *arg);
void add_veth(struct nsrun_opts *o, const char *arg);
int parse_status_fd(const char *s);
void apply_rlimits(const struct nsrun_opts *o);
const char *title_of_type(enum ns_type type); /* "network", "mount", ... */
/* the sysctls' keys checked, and the namespace of each noted */
void check_sysctls(const struct nsrun_opts *o);
/* the veth creator's work, in the child fork_veth_creator() forks */
noreturn void create_veths_for(pid_t ppid, int ppidfd, const struct nsrun_opts *o);
int open_proc_sys(const struct nsrun_opts *o);
void setup_namespaces(const struct nsrun_opts *o, int sys_fd);
/* the pairs of --veth deleted from the new network namespace, which nsrun
 * is in, once the program has ended: the kernel takes them only when it
 * tears the namespace down, later, and a second identical run would find
 * the names in use */
void delete_veths(const struct nsrun_opts *o);
void new_session(const struct nsrun_opts *o);

/* nsrun-session.c */
/* whether a session (of root's with @root) binds namespace files */
bool session_binds(const struct nsrun_opts *o, bool root);
void session_prepare(struct nsrun_opts *o, bool root);
void session_start_init(const struct nsrun_opts *o);
void session_commit(void);
void session_dispatch(struct nsrun_opts *o);
noreturn void session_destroy_main(const char *name);
noreturn void session_list_main(bool json);
/* --enter --name: the session's namespaces as @fd[type] to join (the
 * caller's own user namespace left out), their types added to @types and
 * @label[type] (may be NULL) set to the name; a name only ip-netns(8) made
 * is entered and @argv run as ip netns exec does, and never returns. */
void session_enter_files(const char *name, char **argv, uint32_t *types, int fd[NS_TYPE_MAX],
			 const char *label[NS_TYPE_MAX]);

#endif
