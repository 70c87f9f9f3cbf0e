/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What nsrun is about to do: the plan made once of the options, the checks
 * made before anything changes, and the walk that prints it (--dry-run) or
 * runs its steps. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

/* what ns_idmap_parse_range() and the kernel take */
#define RANGE_RULE "count at least 1, ids below 4294967295"

/* The first subordinate range of the caller in @path: "auto" maps it from
 * inner id 0, "subids" maps it onto itself. */
static void subid_range(const char *path, uid_t euid, bool identity, struct ns_idmap_range *ret)
{
	struct passwd *pw = getpwuid(euid);
	struct ns_subid s;
	int r;

	/* unshare(1)'s words, its full stop included */
	if (!pw)
		diex("you (user %u) don't exist.", (unsigned)euid);
	r = ns_subid_lookup(path, pw->pw_name, euid, &s);
	/* ns_subid_lookup() says ENOENT also when @path itself is missing */
	if (r == -ENOENT && access(path, F_OK) == 0)
		diex("no line matching user \"%s\" in %s", pw->pw_name, path);
	if (r < 0)
		die(r, "could not open '%s'", path);
	/* a line reaching id 2^32-1 would wrap round to low ids */
	if ((uint64_t)s.start + s.count > UINT32_MAX)
		diex("invalid mapping '%u:%u' for user '%s' in %s (%s)", s.start, s.count,
		     pw->pw_name, path, RANGE_RULE);
	*ret = (struct ns_idmap_range){
		.inner = identity ? s.start : NS_ID_NONE,
		.outer = s.start,
		.count = s.count,
	};
}

/* the ranges of --map-users, --map-groups, --map-auto and --map-subids,
 * written by the map writer */
static void plan_ranges(struct nsrun_plan *p)
{
	const struct nsrun_opts *o = p->o;
	int r;

	for (size_t i = 0; i < o->nspecs; i++) {
		const struct map_spec *s = &o->specs[i];
		bool uids = s->kind == NS_UID_MAP;
		struct plan_map *pm = uids ? &p->uid : &p->gid;
		const char *subid = uids ? NS_PATH_SUBUID : NS_PATH_SUBGID;
		struct ns_idmap_range range;

		if (strcmp(s->arg, "all") == 0) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/self/%s", ns_idmap_file(s->kind));
			r = ns_idmap_read_kernel(path, &pm->map);
			if (r < 0)
				die(r, "could not open '%s'", path);
		} else {
			if (strcmp(s->arg, "auto") == 0 || strcmp(s->arg, "subids") == 0) {
				subid_range(subid, p->euid, strcmp(s->arg, "subids") == 0, &range);
			} else {
				r = ns_idmap_parse_range(s->arg, &range);
				if (r == -ERANGE)
					diex("invalid mapping '%s' (%s)", s->arg, RANGE_RULE);
				if (r < 0)
					diex("invalid mapping '%s' (expected inner:outer:count)", s->arg);
			}
			r = ns_idmap_prepend(&pm->map, &range);
			if (r < 0)
				diex("/proc/%d/%s too large for kernel 4k limit (the kernel takes %d ranges)",
				     (int)getpid(), ns_idmap_file(s->kind), NS_IDMAP_MAX);
		}
		pm->writer = MAP_HELPER;
	}
}

/* The single map of -r, -c, --map-user or --map-group (@inner, or
 * NS_ID_NONE) onto @outer: written by nsrun itself, unless ranges are
 * written too or --owner has the map writer write for the owner; then it
 * joins the ranges, with a hole cut where it overlaps them. */
static void plan_single(struct plan_map *pm, enum ns_idmap_kind kind, uint32_t outer,
			uint32_t inner, bool owner)
{
	int r;

	if (pm->writer == MAP_HELPER || (inner != NS_ID_NONE && owner)) {
		r = ns_idmap_add_single(&pm->map, outer, inner);
		if (r == -ERANGE)
			diex("invalid %s mapping (%s)", kind == NS_UID_MAP ? "uid" : "gid",
			     RANGE_RULE);
		if (r < 0)
			diex("/proc/%d/%s too large for kernel 4k limit (the kernel takes %d ranges)",
			     (int)getpid(), ns_idmap_file(kind), NS_IDMAP_MAX);
		pm->writer = MAP_HELPER;
	} else if (inner != NS_ID_NONE) {
		pm->map.n = 1;
		pm->map.r[0] = (struct ns_idmap_range){
			.inner = inner, .outer = outer, .count = 1,
		};
		pm->writer = MAP_SELF;
	}
}

/* The caller's ids serve the maps alone: a run without any makes no
 * geteuid(2) or getegid(2). With --owner the maps are built as if the
 * owner had run nsrun: a single map of -r, -c or --map-user built from
 * root's own ids would hand host root to the owner, who may enter the
 * namespace. On purpose unlike unshare(1) 2.42. */
static void plan_maps(struct nsrun_plan *p)
{
	const struct nsrun_opts *o = p->o;
	uint32_t map_user = o->map_user, map_group = o->map_group;

	if (o->nspecs || map_user != NS_ID_NONE || map_group != NS_ID_NONE) {
		p->euid = o->owner_uid != NS_ID_NONE ? o->owner_uid : geteuid();
		p->egid = o->owner_gid != NS_ID_NONE ? o->owner_gid : getegid();
	}
	if (o->map_current_user)
		map_user = p->euid;
	if (o->map_current_group)
		map_group = p->egid;
	plan_ranges(p);
	plan_single(&p->uid, NS_UID_MAP, p->euid, map_user, o->owner_uid != NS_ID_NONE);
	plan_single(&p->gid, NS_GID_MAP, p->egid, map_group, o->owner_gid != NS_ID_NONE);

	/* what -r, -c and --map-group do for themselves (set_single_maps),
	 * the map writer does for the owner */
	p->setgroups = o->setgroups;
	p->helper_denies_setgroups = map_group != NS_ID_NONE && o->owner_gid != NS_ID_NONE;
	if (p->setgroups != SETGROUPS_NONE)
		p->setgroups_end = p->setgroups;
	else if (p->gid.writer == MAP_SELF || p->helper_denies_setgroups)
		p->setgroups_end = SETGROUPS_DENY;
	else
		p->setgroups_end = SETGROUPS_NONE;
}

static bool has_mounts(const struct nsrun_opts *o)
{
	return ((o->flags & CLONE_NEWNS) && o->propagation != NS_PROPAGATION_UNCHANGED) ||
	       o->root || o->wd || o->procmnt || o->binfmt_mnt || o->interp;
}

/* The steps that have work, in the order they run. */
static void plan_steps(struct nsrun_plan *p)
{
	const struct nsrun_opts *o = p->o;
	const bool want[STEP_MAX] = {
		[STEP_PROC] = p->supervised,
		[STEP_RLIMITS] = o->nrlimits,
		[STEP_HELPERS] = true,
		[STEP_OWNER] = o->owner_uid != NS_ID_NONE || o->owner_gid != NS_ID_NONE,
		[STEP_UNSHARE] = true,
		[STEP_RELEASE_HELPERS] = p->map_writer || p->veth_creator,
		[STEP_TIME_OFFSETS] = o->force_boottime || o->force_monotonic,
		[STEP_SESSION_INIT] = o->session,
		[STEP_FORK] = o->fork,
		[STEP_SINGLE_MAPS] = p->uid.writer == MAP_SELF || p->gid.writer == MAP_SELF,
		[STEP_SETGROUPS] = p->setgroups != SETGROUPS_NONE,
		[STEP_PERSIST] = p->self_pidfd,
		[STEP_MOUNTS] = has_mounts(o) || o->nsysctls,
		[STEP_NAMESPACES] = o->loopback || o->nsysctls || o->hostname,
		[STEP_CREDENTIALS] = o->force_uid || o->force_gid ||
				     (o->keep_caps && (o->flags & CLONE_NEWUSER)),
		[STEP_ENVIRONMENT] = o->clear_env,
		[STEP_NEW_SESSION] = o->new_session,
		[STEP_PARENT_WATCH] = p->watchdog,
		[STEP_EXEC] = true,
	};

	p->nsteps = 0;
	for (int s = 0; s < STEP_MAX; s++)
		if (want[s])
			p->step[p->nsteps++] = s;
}

void plan_build(struct nsrun_plan *p, struct nsrun_opts *o)
{
	*p = (struct nsrun_plan){ .o = o, .dry_run = o->dry_run };
	plan_maps(p);
	p->session_root = o->session && ns_session_root();
	p->persist = o->npersist || session_binds(o, p->session_root);
	/* Binding a mount or user namespace file needs a process that stays
	 * in the original namespaces; see unshare(1). Without --fork, one
	 * that can take the binds back when a later step fails. */
	p->binder = p->persist && (!o->fork || (o->flags & (CLONE_NEWNS | CLONE_NEWUSER)));
	p->map_writer = p->uid.writer == MAP_HELPER || p->gid.writer == MAP_HELPER;
	p->veth_creator = o->nveths;
	p->watchdog = o->kill_child_sig;
	p->self_pidfd = p->persist || p->map_writer || p->veth_creator;
	p->supervised = o->timeout_ms || o->status_fd >= 0;
	/* the child of --fork waits before its exec for the binds, for the
	 * watchdog to hold it and for its session to be kept; a pidfd of it
	 * only for what signals or watches through it: a plain run makes no
	 * pidfd_open(2) */
	p->gate = o->fork && (p->persist || p->watchdog || o->session);
	p->child_pidfd = o->fork && (o->forward_signals || p->watchdog || p->supervised);
	plan_steps(p);
}

/* Quoted for a shell where needed, so the line can be pasted back. */
static void print_word(const char *w)
{
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_./:=,+-@%") == strlen(w)) {
		fputs(w, stdout);
		return;
	}
	putchar('\'');
	for (const char *c = w; *c; c++)
		if (*c == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*c);
	putchar('\'');
}

static void print_limit(uint64_t v)
{
	if (v == NS_RLIM_INFINITY)
		fputs("unlimited", stdout);
	else
		printf("%llu", (unsigned long long)v);
}

static void print_rlimits(const struct nsrun_opts *o)
{
	for (size_t i = 0; i < o->nrlimits; i++) {
		const struct ns_rlimit *rl = &o->rlimits[i];
		const char *name = ns_rlimit_name(rl->resource);
		uint64_t soft, hard;
		int r = ns_rlimit_resolve(rl, &soft, &hard);

		if (r == -ERANGE)
			diex("cannot set limit %s: the soft limit would exceed the hard limit", name);
		if (r < 0)
			die(r, "cannot read limit %s", name);
		printf("rlimit: %s ", name);
		print_limit(soft);
		putchar(':');
		print_limit(hard);
		putchar('\n');
	}
}

static void print_maps(const struct nsrun_plan *p)
{
	if (p->uid.writer != MAP_NONE)
		print_idmap(ns_idmap_file(NS_UID_MAP), &p->uid.map);
	if (p->setgroups_end != SETGROUPS_NONE)
		printf("setgroups: %s\n", p->setgroups_end == SETGROUPS_ALLOW ? "allow" : "deny");
	if (p->gid.writer != MAP_NONE)
		print_idmap(ns_idmap_file(NS_GID_MAP), &p->gid.map);
}

static void print_mounts(const struct nsrun_opts *o)
{
	static const char *const prop[] = {
		[NS_PROPAGATION_UNCHANGED] = "unchanged", [NS_PROPAGATION_PRIVATE] = "private",
		[NS_PROPAGATION_SLAVE] = "slave",         [NS_PROPAGATION_SHARED] = "shared",
	};

	if (o->flags & CLONE_NEWNS)
		printf("propagation: %s\n", prop[o->propagation]);
	if (o->root)
		printf("root: %s\n", o->root);
	if (o->wd || o->root)
		printf("wd: %s\n", o->wd ? o->wd : "/");
	if (o->procmnt)
		printf("mount: proc %s\n", o->procmnt);
	if (o->binfmt_mnt)
		printf("mount: binfmt_misc %s\n", o->binfmt_mnt);
	if (o->interp)
		printf("binfmt: %s\n", o->interp);
}

static void warn_caps(const struct nsrun_opts *o)
{
	if (o->keep_caps && (o->flags & CLONE_NEWUSER) && !(o->flags & CLONE_NEWNET))
		fprintf(stderr,
			"%s: warning: --keep-caps keeps capabilities in the new user namespace only; the network namespace is still the caller's, owned by its user namespace, so binding a port below 1024 or configuring interfaces there fails (add --net for a network namespace of its own)\n",
			program_name);
}

/* On standard error, so the plan itself reads the same with or without a
 * terminal. */
static void note_tty(const struct nsrun_opts *o)
{
	if (!o->new_session && isatty(STDIN_FILENO))
		fprintf(stderr,
			"%s: note: the program keeps the controlling terminal and could push input into it (TIOCSTI); add --new-session for a program you do not trust\n",
			program_name);
}

/* The plan in the order of its printed form, which groups what the options
 * asked for (the maps together, whoever writes them; the veth pairs with
 * the network set-up) rather than following the steps. */
static noreturn void print_plan(const struct nsrun_plan *p)
{
	const struct nsrun_opts *o = p->o;

	warn_caps(o);
	note_tty(o);
	print_rlimits(o);
	printf("unshare:");
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (o->flags & ns_type_flag(t))
			printf(" %s", ns_type_name(t));
	putchar('\n');
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (o->persist[t])
			printf("persist: %s %s\n", ns_type_name(t), o->persist[t]);
	if (o->force_boottime)
		printf("time offset: boottime %lld\n", (long long)o->boottime);
	if (o->force_monotonic)
		printf("time offset: monotonic %lld\n", (long long)o->monotonic);
	print_maps(p);
	if (o->fork)
		printf("fork: yes\n");
	print_mounts(o);
	for (size_t i = 0; i < o->nveths; i++)
		printf("veth: %s\n", o->veths[i].arg);
	if (o->loopback)
		printf("loopback: up 127.0.0.1/8 ::1/128\n");
	for (size_t i = 0; i < o->nsysctls; i++)
		printf("sysctl: %s=%s\n", o->sysctls[i].key, o->sysctls[i].value);
	if (o->hostname)
		printf("hostname: %s\n", o->hostname);
	if (o->force_gid)
		printf("setgid: %u\n", (unsigned)o->gid);
	if (o->force_uid)
		printf("setuid: %u\n", (unsigned)o->uid);
	if (o->keep_caps)
		printf("keep-caps: yes\n");
	if (o->clear_env)
		printf("environment: cleared, %zu kept\n", o->nkeep_env);
	if (o->new_session)
		printf("new-session: yes\n");
	if (o->kill_child_sig)
		printf("kill-child: SIG%s\n", sigabbrev_np(o->kill_child_sig));
	if (o->timeout_ms)
		printf("timeout: %llu ms\n", (unsigned long long)o->timeout_ms);
	if (o->status_fd >= 0)
		printf("json-status-fd: %d\n", o->status_fd);
	printf("exec:");
	if (o->argv[0]) {
		for (char **a = o->argv; *a; a++) {
			putchar(' ');
			print_word(*a);
		}
	} else {
		printf(" login shell");
	}
	putchar('\n');
	exit(0);
}

void plan_check(const struct nsrun_plan *p)
{
	if (p->setgroups == SETGROUPS_ALLOW &&
	    (p->gid.writer == MAP_SELF || p->helper_denies_setgroups))
		diex("options --setgroups=allow and --map-group are mutually exclusive");
	check_sysctls(p->o);
}

/* The steps, each with what it holds in @run for the steps after it. */

static void run_proc(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)p;
	/* /proc as nsrun found it, opened before any fork or unshare: the
	 * child shares the mount namespace and may mount another on /proc,
	 * or a fake one, where PIDs as we know them mean nothing or what it
	 * likes */
	run->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run->proc_fd < 0)
		die(-errno, "cannot open /proc");
}

static void run_rlimits(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	apply_rlimits(p->o);
}

static void run_helpers(const struct nsrun_plan *p, struct plan_run *run)
{
	struct nsrun_opts *o = p->o;

	/* clear inherited settings: an ignored SIGCHLD would leave wait4(2)
	 * nothing to reap, and unshare(1) hands the program a default one
	 * (the one rt_sigaction(2) of a plain run) */
	signal(SIGCHLD, SIG_DFL);

	/* Before any helper forks: the targets, and a pidfd by which the
	 * helpers reach this process even once its PID is another's. */
	open_persist_targets(o);
	session_prepare(o, p->session_root);
	if (p->self_pidfd) {
		run->self_pidfd = ns_pidfd_open(getpid());
		if (run->self_pidfd < 0)
			die(run->self_pidfd, "cannot open a pidfd for process %d", (int)getpid());
	}
	if (p->binder)
		run->pid_bind = fork_binder(o, run->self_pidfd, &run->fd_bind);
	if (p->map_writer)
		run->pid_idmap = fork_map_writer(p, run->self_pidfd, &run->fd_idmap, &run->idmap);
	if (p->veth_creator)
		run->pid_veth = fork_veth_creator(p, run->self_pidfd, &run->fd_veth);
	/* before unshare: the watchdog stays in nsrun's namespaces, and with
	 * nsrun's credentials */
	if (p->watchdog) {
		run->parent_pidfd = ns_pidfd_open(getpid());
		if (run->parent_pidfd < 0)
			die(run->parent_pidfd, "pidfd_open failed");
		run->watchdog_fd = watchdog_start(run->parent_pidfd, o->kill_child_sig);
	}
}

static void run_owner(const struct nsrun_plan *p, struct plan_run *run)
{
	const struct nsrun_opts *o = p->o;

	(void)run;
	if (o->owner_gid != NS_ID_NONE && setgroups(0, NULL) < 0)
		die(-errno, "setgroups failed");
	if (o->owner_gid != NS_ID_NONE && setgid(o->owner_gid) < 0)
		id_change_failed("setgid() failed", "gid", o->owner_gid);
	if (o->owner_uid != NS_ID_NONE && setuid(o->owner_uid) < 0)
		id_change_failed("setuid() failed", "uid", o->owner_uid);
}

static void run_unshare(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	unshare_or_die(p->o->flags);
}

static void run_release_helpers(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)p;
	if (run->pid_idmap)
		release_map_writer(run->pid_idmap, run->fd_idmap, &run->idmap);
	if (run->pid_veth)
		release_child(run->pid_veth, run->fd_veth);
}

static void set_time_offset(clockid_t clock, int64_t offset)
{
	int r = ns_timens_set_offset(clock, offset);

	if (r < 0)
		die(r, r == -ENOENT ? "failed to open %s" : "failed to write to %s",
		    "/proc/self/timens_offsets");
}

/* time offsets can only be set before a process enters the namespace */
static void run_time_offsets(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	if (p->o->force_boottime)
		set_time_offset(CLOCK_BOOTTIME, p->o->boottime);
	if (p->o->force_monotonic)
		set_time_offset(CLOCK_MONOTONIC, p->o->monotonic);
}

static void run_session_init(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	session_start_init(p->o);
}

static void run_single_maps(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	set_single_maps(p);
}

static void run_setgroups(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	set_setgroups(p);
}

/* Without --fork the binds come once the maps are written: maps that
 * cannot be written leave nothing bound. Before the mounts, as in
 * unshare(1): a mount namespace file bound onto a shared mount is refused
 * while the new namespace still receives its propagation. */
static void run_persist(const struct nsrun_plan *p, struct plan_run *run)
{
	if (!p->o->fork && p->persist)
		persist_held(run->pid_bind, run->fd_bind);
	close(run->self_pidfd);
	run->self_pidfd = -1;
}

static void run_mounts(const struct nsrun_plan *p, struct plan_run *run)
{
	run->sys_fd = open_proc_sys(p->o);
	setup_mounts(p->o);
}

static void run_namespaces(const struct nsrun_plan *p, struct plan_run *run)
{
	setup_namespaces(p->o, run->sys_fd);
	if (run->sys_fd >= 0)
		close(run->sys_fd);
	run->sys_fd = -1;
}

static void run_credentials(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	set_credentials(p->o);
}

static void run_environment(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	set_environment(p->o);
}

static void run_new_session(const struct nsrun_plan *p, struct plan_run *run)
{
	(void)run;
	new_session(p->o);
}

/* Last, after any uid change that would clear it; see prctl(2). */
static void run_parent_watch(const struct nsrun_plan *p, struct plan_run *run)
{
	int r = ns_parent_watch(run->parent_pidfd, p->o->kill_child_sig);

	if (r == -ESRCH)
		exit(1);
	if (r < 0)
		die(r, "prctl failed");
	close(run->parent_pidfd);
	run->parent_pidfd = -1;
}

static void run_exec(const struct nsrun_plan *p, struct plan_run *run)
{
	/* no exec before the parent has bound every namespace file and the
	 * watchdog holds our pidfd */
	if (run->gate.child >= 0)
		gate_pass(&run->gate);
	/* setup is complete: the pipe tells the parent, and closes on exec */
	if (run->ready >= 0 && write(run->ready, "", 1) != 1)
		die(-errno, "cannot report to the parent");
	/* the binds stay from here, even if the exec fails, as in unshare(1) */
	persist_commit();
	exec_program(p->o->argv);
}

static void (*const step_run[STEP_MAX])(const struct nsrun_plan *p, struct plan_run *run) = {
	[STEP_PROC] = run_proc,
	[STEP_RLIMITS] = run_rlimits,
	[STEP_HELPERS] = run_helpers,
	[STEP_OWNER] = run_owner,
	[STEP_UNSHARE] = run_unshare,
	[STEP_RELEASE_HELPERS] = run_release_helpers,
	[STEP_TIME_OFFSETS] = run_time_offsets,
	[STEP_SESSION_INIT] = run_session_init,
	[STEP_FORK] = fork_program,
	[STEP_SINGLE_MAPS] = run_single_maps,
	[STEP_SETGROUPS] = run_setgroups,
	[STEP_PERSIST] = run_persist,
	[STEP_MOUNTS] = run_mounts,
	[STEP_NAMESPACES] = run_namespaces,
	[STEP_CREDENTIALS] = run_credentials,
	[STEP_ENVIRONMENT] = run_environment,
	[STEP_NEW_SESSION] = run_new_session,
	[STEP_PARENT_WATCH] = run_parent_watch,
	[STEP_EXEC] = run_exec,
};

noreturn void plan_walk(const struct nsrun_plan *p)
{
	struct plan_run run = {
		.fd_bind = -1, .fd_idmap = -1, .fd_veth = -1, .self_pidfd = -1, .parent_pidfd = -1,
		.idmap = { .err_fd = -1 },
		.watchdog_fd = -1, .proc_fd = -1, .sys_fd = -1, .ready = -1,
		.gate = { .parent = -1, .child = -1 },
	};

	/* the one place that looks at --dry-run: the plan is printed, or
	 * done */
	if (p->dry_run)
		print_plan(p);
	for (size_t i = 0; i < p->nsteps; i++)
		step_run[p->step[i]](p, &run);
	/* STEP_EXEC, in every plan, does not come back */
	abort();
}
