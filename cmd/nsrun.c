/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun: run a program in new namespaces; a drop-in for unshare(1). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "config.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define PROC_BINFMT_MISC "/proc/sys/fs/binfmt_misc"
#define PATH_SUBUID "/etc/subuid"
#define PATH_SUBGID "/etc/subgid"

enum setgroups_mode { SETGROUPS_NONE = -1, SETGROUPS_DENY, SETGROUPS_ALLOW };

/* A --map-users/--map-groups/--map-auto/--map-subids argument, resolved
 * after parsing so that errors about /etc/subuid come after usage errors. */
struct map_spec {
	enum ns_idmap_kind kind;
	const char *arg; /* "auto", "subids", "all" or a range */
};

struct nsrun_opts {
	int flags;
	const char *persist[NS_TYPE_MAX];
	unsigned npersist;
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
	char **argv;
};

/* The maps resolved from the options, and the caller's ids as unshare sees
 * them: taken before any namespace changes them. */
struct nsrun_maps {
	uid_t euid;
	gid_t egid;
	bool have_users;
	bool have_groups;
	struct ns_idmap users;
	struct ns_idmap groups;
};

static noreturn void usage(void)
{
	fputs("\nUsage:\n"
	      " nsrun [options] [<program> [<argument>...]]\n"
	      "\n"
	      "Run a program with some namespaces unshared from the parent.\n"
	      "\n"
	      "Options:\n"
	      " -m, --mount[=<file>]      unshare mounts namespace\n"
	      " -u, --uts[=<file>]        unshare UTS namespace (hostname etc)\n"
	      " -i, --ipc[=<file>]        unshare System V IPC namespace\n"
	      " -n, --net[=<file>]        unshare network namespace\n"
	      " -p, --pid[=<file>]        unshare pid namespace\n"
	      " -U, --user[=<file>]       unshare user namespace\n"
	      " -C, --cgroup[=<file>]     unshare cgroup namespace\n"
	      " -T, --time[=<file>]       unshare time namespace\n"
	      "\n"
	      " --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)\n"
	      " --mount-binfmt[=<dir>]    mount binfmt filesystem first (implies --user and --mount)\n"
	      " -l, --load-interp <file>  load binfmt definition in the namespace (implies --mount-binfmt)\n"
	      " --propagation slave|shared|private|unchanged\n"
	      "                           modify mount propagation in mount namespace\n"
	      " -R, --root <dir>          run the command with root directory set to <dir>\n"
	      " -w, --wd <dir>            change working directory to <dir>\n"
	      "\n"
	      " -S, --setuid <uid>        set uid in entered namespace\n"
	      " -G, --setgid <gid>        set gid in entered namespace\n"
	      " --map-user <uid>|<name>   map current user to uid (implies --user)\n"
	      " --map-group <gid>|<name>  map current group to gid (implies --user)\n"
	      " -r, --map-root-user       map current user to root (implies --user)\n"
	      " -c, --map-current-user    map current user to itself (implies --user)\n"
	      " --map-auto                map users and groups automatically (implies --user)\n"
	      " --map-subids              map the first block of user IDs owned by euid (implies --user)\n"
	      " --map-users <inneruid>:<outeruid>:<count>\n"
	      "                           map count users from outeruid to inneruid (implies --user)\n"
	      " --map-groups <innergid>:<outergid>:<count>\n"
	      "                           map count groups from outergid to innergid (implies --user)\n"
	      " --owner <uid>:<gid>       set the user namespace owner (implies --user)\n"
	      "\n"
	      " -f, --fork                fork before launching <program>\n"
	      " --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)\n"
	      "                             defaults to SIGKILL\n"
	      " --forward-signals         forward SIGTERM and SIGINT to child (implies --fork)\n"
	      "\n"
	      " --setgroups allow|deny    control the setgroups syscall in user namespaces\n"
	      " --keep-caps               retain capabilities granted in user namespaces\n"
	      "\n"
	      " --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces\n"
	      " --boottime <offset>       set clock boottime offset (seconds) in time namespaces\n"
	      " --clear-env               do not inherit environment variables from the calling process\n"
	      " --whitelist-env <list>    clear environment except for specified variables\n"
	      "\n"
	      " -h, --help                display this help\n"
	      " -V, --version             display version\n"
	      "\n"
	      "See nsrun(1).\n",
	      stdout);
	exit(0);
}

static void set_ns(struct nsrun_opts *o, enum ns_type type, const char *file)
{
	o->flags |= ns_type_flag(type);
	if (!file)
		return;
	if (!o->persist[type])
		o->npersist++;
	o->persist[type] = file;
}

static void add_spec(struct nsrun_opts *o, enum ns_idmap_kind kind, const char *arg)
{
	struct map_spec *s = realloc(o->specs, (o->nspecs + 1) * sizeof(*s));

	if (!s)
		die(-ENOMEM, "cannot parse options");
	s[o->nspecs++] = (struct map_spec){ kind, arg };
	o->specs = s;
}

/* --whitelist-env takes the values the variables have now, before
 * --clear-env or the whitelist itself clears the environment. */
static void keep_env(struct nsrun_opts *o, const char *list)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = NULL;

	if (!copy)
		die(-ENOMEM, "cannot parse options");
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const char *value = getenv(name);
		char **k;

		if (!value)
			continue;
		k = realloc(o->keep_env, (o->nkeep_env + 1) * sizeof(*k));
		if (!k || asprintf(&k[o->nkeep_env], "%s=%s", name, value) < 0)
			die(-ENOMEM, "cannot parse options");
		o->keep_env = k;
		o->nkeep_env++;
	}
	o->clear_env = true;
}

static bool parse_u32_strict(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

static uint32_t parse_id_or_die(const char *s, const char *what)
{
	uint32_t v;

	if (!parse_u32_strict(s, &v))
		diex("invalid %s '%s'", what, s);
	return v;
}

static void parse_owner(struct nsrun_opts *o, const char *s)
{
	_cleanup_free_ char *copy = strdup(s);
	char *colon = copy ? strchr(copy, ':') : NULL;

	if (!colon)
		diex("invalid owner '%s' (expected uid:gid)", s);
	*colon = '\0';
	if (!parse_u32_strict(copy, &o->owner_uid) || !parse_u32_strict(colon + 1, &o->owner_gid))
		diex("invalid owner '%s' (expected uid:gid)", s);
}

static void parse_options(int argc, char **argv, struct nsrun_opts *o)
{
	enum {
		OPT_MOUNT_PROC = CHAR_MAX + 1,
		OPT_MOUNT_BINFMT,
		OPT_PROPAGATION,
		OPT_SETGROUPS,
		OPT_KILL_CHILD,
		OPT_KEEP_CAPS,
		OPT_MONOTONIC,
		OPT_BOOTTIME,
		OPT_MAP_USER,
		OPT_MAP_USERS,
		OPT_MAP_GROUP,
		OPT_MAP_GROUPS,
		OPT_MAP_AUTO,
		OPT_MAP_SUBIDS,
		OPT_OWNER,
		OPT_FORWARD_SIGNALS,
		OPT_CLEAR_ENV,
		OPT_WHITELIST_ENV,
	};
	static const struct option longopts[] = {
		{ "help",             no_argument,       NULL, 'h'                 },
		{ "version",          no_argument,       NULL, 'V'                 },
		{ "mount",            optional_argument, NULL, 'm'                 },
		{ "uts",              optional_argument, NULL, 'u'                 },
		{ "ipc",              optional_argument, NULL, 'i'                 },
		{ "net",              optional_argument, NULL, 'n'                 },
		{ "pid",              optional_argument, NULL, 'p'                 },
		{ "user",             optional_argument, NULL, 'U'                 },
		{ "cgroup",           optional_argument, NULL, 'C'                 },
		{ "time",             optional_argument, NULL, 'T'                 },
		{ "fork",             no_argument,       NULL, 'f'                 },
		{ "kill-child",       optional_argument, NULL, OPT_KILL_CHILD      },
		{ "forward-signals",  no_argument,       NULL, OPT_FORWARD_SIGNALS },
		{ "mount-proc",       optional_argument, NULL, OPT_MOUNT_PROC      },
		{ "mount-binfmt",     optional_argument, NULL, OPT_MOUNT_BINFMT    },
		{ "map-user",         required_argument, NULL, OPT_MAP_USER        },
		{ "map-users",        required_argument, NULL, OPT_MAP_USERS       },
		{ "map-group",        required_argument, NULL, OPT_MAP_GROUP       },
		{ "map-groups",       required_argument, NULL, OPT_MAP_GROUPS      },
		{ "map-root-user",    no_argument,       NULL, 'r'                 },
		{ "map-current-user", no_argument,       NULL, 'c'                 },
		{ "map-auto",         no_argument,       NULL, OPT_MAP_AUTO        },
		{ "map-subids",       no_argument,       NULL, OPT_MAP_SUBIDS      },
		{ "owner",            required_argument, NULL, OPT_OWNER           },
		{ "propagation",      required_argument, NULL, OPT_PROPAGATION     },
		{ "setgroups",        required_argument, NULL, OPT_SETGROUPS       },
		{ "keep-caps",        no_argument,       NULL, OPT_KEEP_CAPS       },
		{ "setuid",           required_argument, NULL, 'S'                 },
		{ "setgid",           required_argument, NULL, 'G'                 },
		{ "root",             required_argument, NULL, 'R'                 },
		{ "wd",               required_argument, NULL, 'w'                 },
		{ "monotonic",        required_argument, NULL, OPT_MONOTONIC       },
		{ "boottime",         required_argument, NULL, OPT_BOOTTIME        },
		{ "load-interp",      required_argument, NULL, 'l'                 },
		{ "clear-env",        no_argument,       NULL, OPT_CLEAR_ENV       },
		{ "whitelist-env",    required_argument, NULL, OPT_WHITELIST_ENV   },
		{ NULL, 0, NULL, 0 }
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "+fhVmuinpCTUrR:w:S:G:cl:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			set_ns(o, NS_TYPE_MNT, optarg);
			break;
		case 'u':
			set_ns(o, NS_TYPE_UTS, optarg);
			break;
		case 'i':
			set_ns(o, NS_TYPE_IPC, optarg);
			break;
		case 'n':
			set_ns(o, NS_TYPE_NET, optarg);
			break;
		case 'p':
			set_ns(o, NS_TYPE_PID, optarg);
			break;
		case 'U':
			set_ns(o, NS_TYPE_USER, optarg);
			break;
		case 'C':
			set_ns(o, NS_TYPE_CGROUP, optarg);
			break;
		case 'T':
			set_ns(o, NS_TYPE_TIME, optarg);
			break;
		case 'f':
			o->fork = true;
			break;
		case OPT_KILL_CHILD:
			o->fork = true;
			o->kill_child_sig = optarg ? parse_signal(optarg) : SIGKILL;
			if (o->kill_child_sig < 0)
				diex("invalid signal '%s'", optarg);
			break;
		case OPT_FORWARD_SIGNALS:
			o->fork = true;
			o->forward_signals = true;
			break;
		case OPT_MOUNT_PROC:
			o->flags |= CLONE_NEWNS;
			o->procmnt = optarg ? optarg : "/proc";
			break;
		case OPT_MOUNT_BINFMT:
			o->flags |= CLONE_NEWNS | CLONE_NEWUSER;
			o->binfmt_mnt = optarg;
			if (!optarg) {
				if (!o->procmnt)
					o->procmnt = "/proc";
				o->binfmt_mnt = PROC_BINFMT_MISC;
			}
			break;
		case 'l':
			o->flags |= CLONE_NEWNS | CLONE_NEWUSER;
			if (!o->binfmt_mnt) {
				if (!o->procmnt)
					o->procmnt = "/proc";
				o->binfmt_mnt = PROC_BINFMT_MISC;
			}
			o->interp = optarg;
			break;
		case OPT_MAP_USER:
			o->flags |= CLONE_NEWUSER;
			if (parse_user(optarg, &o->map_user) < 0 || o->map_user == NS_ID_NONE)
				diex("invalid user '%s'", optarg);
			break;
		case OPT_MAP_GROUP:
			o->flags |= CLONE_NEWUSER;
			if (parse_group(optarg, &o->map_group) < 0 || o->map_group == NS_ID_NONE)
				diex("invalid group '%s'", optarg);
			break;
		case 'r':
			o->flags |= CLONE_NEWUSER;
			o->map_user = 0;
			o->map_group = 0;
			break;
		case 'c':
			o->flags |= CLONE_NEWUSER;
			o->map_user = geteuid();
			o->map_group = getegid();
			break;
		case OPT_MAP_USERS:
			o->flags |= CLONE_NEWUSER;
			add_spec(o, NS_UID_MAP, optarg);
			break;
		case OPT_MAP_GROUPS:
			o->flags |= CLONE_NEWUSER;
			add_spec(o, NS_GID_MAP, optarg);
			break;
		case OPT_MAP_AUTO:
		case OPT_MAP_SUBIDS:
			o->flags |= CLONE_NEWUSER;
			add_spec(o, NS_UID_MAP, c == OPT_MAP_AUTO ? "auto" : "subids");
			add_spec(o, NS_GID_MAP, c == OPT_MAP_AUTO ? "auto" : "subids");
			break;
		case OPT_OWNER:
			o->flags |= CLONE_NEWUSER;
			parse_owner(o, optarg);
			break;
		case OPT_SETGROUPS:
			if (strcmp(optarg, "allow") == 0)
				o->setgroups = SETGROUPS_ALLOW;
			else if (strcmp(optarg, "deny") == 0)
				o->setgroups = SETGROUPS_DENY;
			else
				diex("invalid --setgroups argument '%s' (expected allow or deny)", optarg);
			break;
		case OPT_PROPAGATION:
			r = ns_propagation_from_name(optarg);
			if (r < 0)
				diex("invalid propagation mode '%s' (expected slave, shared, private or unchanged)", optarg);
			o->propagation = r;
			break;
		case OPT_KEEP_CAPS:
			o->keep_caps = true;
			break;
		case 'S':
			o->uid = parse_id_or_die(optarg, "uid");
			o->force_uid = true;
			break;
		case 'G':
			o->gid = parse_id_or_die(optarg, "gid");
			o->force_gid = true;
			break;
		case 'R':
			o->root = optarg;
			break;
		case 'w':
			o->wd = optarg;
			break;
		case OPT_MONOTONIC:
			if (ns_timens_parse_offset(optarg, &o->monotonic) < 0)
				diex("invalid monotonic offset '%s'", optarg);
			o->force_monotonic = true;
			break;
		case OPT_BOOTTIME:
			if (ns_timens_parse_offset(optarg, &o->boottime) < 0)
				diex("invalid boottime offset '%s'", optarg);
			o->force_boottime = true;
			break;
		case OPT_CLEAR_ENV:
			o->clear_env = true;
			break;
		case OPT_WHITELIST_ENV:
			keep_env(o, optarg);
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			die_usage(NULL);
		}
	}
	o->argv = argv + optind;

	if ((o->force_monotonic || o->force_boottime) && !(o->flags & CLONE_NEWTIME))
		diex("options --monotonic and --boottime require unsharing of a time namespace (-T)");
}

/* The first subordinate range of the caller in @path: "auto" maps it from
 * inner id 0, "subids" maps it onto itself. */
static void subid_range(const char *path, uid_t euid, bool identity, struct ns_idmap_range *ret)
{
	struct passwd *pw = getpwuid(euid);
	struct ns_subid s;
	int r;

	if (!pw)
		diex("cannot look up user %u: no such user", (unsigned)euid);
	r = ns_subid_lookup(path, pw->pw_name, euid, &s);
	if (r == -ENOENT)
		diex("no line for user '%s' in %s", pw->pw_name, path);
	if (r < 0)
		die(r, "cannot read %s", path);
	*ret = (struct ns_idmap_range){
		.inner = identity ? s.start : NS_ID_NONE,
		.outer = s.start,
		.count = s.count,
	};
}

static void resolve_maps(struct nsrun_opts *o, struct nsrun_maps *m)
{
	for (size_t i = 0; i < o->nspecs; i++) {
		const struct map_spec *s = &o->specs[i];
		bool uids = s->kind == NS_UID_MAP;
		struct ns_idmap *map = uids ? &m->users : &m->groups;
		const char *subid = uids ? PATH_SUBUID : PATH_SUBGID;
		struct ns_idmap_range range;
		int r;

		if (strcmp(s->arg, "all") == 0) {
			const char *path = uids ? "/proc/self/uid_map" : "/proc/self/gid_map";

			r = ns_idmap_read_kernel(path, map);
			if (r < 0)
				die(r, "cannot read %s", path);
		} else {
			if (strcmp(s->arg, "auto") == 0 || strcmp(s->arg, "subids") == 0) {
				subid_range(subid, m->euid, strcmp(s->arg, "subids") == 0, &range);
			} else {
				r = ns_idmap_parse_range(s->arg, &range);
				if (r < 0)
					diex("invalid mapping '%s' (expected inner:outer:count)", s->arg);
			}
			r = ns_idmap_prepend(map, &range);
			if (r < 0)
				die(r, "cannot map '%s'", s->arg);
		}
		if (uids)
			m->have_users = true;
		else
			m->have_groups = true;
	}

	/* A single-ID map given with ranges (or with --owner, where the
	 * privileged helper child must write it) joins the range map, with a
	 * hole cut where it overlaps. */
	if (m->have_users || (o->map_user != NS_ID_NONE && o->owner_uid != NS_ID_NONE)) {
		if (ns_idmap_add_single(&m->users, m->euid, o->map_user) < 0)
			diex("too many uid map ranges (the kernel takes %d)", NS_IDMAP_MAX);
		m->have_users = true;
		o->map_user = NS_ID_NONE;
	}
	if (m->have_groups || (o->map_group != NS_ID_NONE && o->owner_gid != NS_ID_NONE)) {
		if (ns_idmap_add_single(&m->groups, m->egid, o->map_group) < 0)
			diex("too many gid map ranges (the kernel takes %d)", NS_IDMAP_MAX);
		m->have_groups = true;
		o->map_group = NS_ID_NONE;
	}
}

/* Fork a child that blocks until the parent calls release_child(). A pipe,
 * not an eventfd: if the parent dies first the child reads end-of-file and
 * leaves instead of waiting forever. */
static pid_t fork_waiting(int *ret_fd)
{
	int p[2];
	char c;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		die(-errno, "cannot create pipe");
	pid = ns_fork(NULL);
	if (pid < 0)
		die(pid, "cannot fork");
	if (pid > 0) {
		close(p[0]);
		*ret_fd = p[1];
		return pid;
	}
	close(p[1]);
	do
		n = read(p[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	close(p[0]);
	return 0;
}

/* Let the child go, wait for it, and fail the way it failed. Its own
 * message is already on stderr. */
static void release_child(pid_t pid, int fd)
{
	int status, r;

	if (write(fd, "", 1) != 1)
		die(-errno, "cannot signal child %d", (int)pid);
	close(fd);
	r = ns_wait(pid, &status);
	if (r < 0)
		die(r, "cannot wait for child %d", (int)pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		exit(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		diex("child %d died of signal %d", (int)pid, WTERMSIG(status));
}

static void persist_one(pid_t pid, enum ns_type type, const char *target)
{
	int r = ns_persist(pid, type, target);

	if (r == -EINVAL && ns_mount_is_shared(target) > 0)
		diex("cannot bind /proc/%d/ns/%s onto '%s': %s (the mount holding '%s' is shared; make it private first, e.g. mount --make-private on its mount point)",
		    (int)pid, ns_type_proc_name(type, true), target, strerror(EINVAL), target);
	if (r < 0)
		die(r, "cannot bind /proc/%d/ns/%s onto '%s'", (int)pid,
		    ns_type_proc_name(type, true), target);
}

static void persist_all(const struct nsrun_opts *o, pid_t pid)
{
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (o->persist[t])
			persist_one(pid, t, o->persist[t]);
}

static const char *helper_path(enum ns_idmap_kind kind)
{
	const char *env = secure_getenv(kind == NS_UID_MAP ? "NSRUN_NEWUIDMAP" : "NSRUN_NEWGIDMAP");

	if (env && *env)
		return env;
	return kind == NS_UID_MAP ? NS_NEWUIDMAP : NS_NEWGIDMAP;
}

/* Runs in the child forked before unshare(2), once the parent is in its new
 * user namespace: root writes the maps itself, anyone else needs the
 * privileged helpers. Exits with the status of the first failure. */
static void write_maps_for(pid_t ppid, const struct nsrun_maps *m)
{
	if (geteuid() == 0) {
		_cleanup_close_ int proc = ns_proc_open(ppid);
		int r;

		if (proc < 0)
			die(proc, "cannot open /proc/%d", (int)ppid);
		if (m->have_users) {
			r = ns_idmap_write(proc, NS_UID_MAP, &m->users);
			if (r < 0)
				die(r, "cannot write /proc/%d/uid_map", (int)ppid);
		}
		if (m->have_groups) {
			r = ns_idmap_write(proc, NS_GID_MAP, &m->groups);
			if (r < 0)
				die(r, "cannot write /proc/%d/gid_map", (int)ppid);
		}
		_exit(0);
	}
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++) {
		const struct ns_idmap *map = k == NS_UID_MAP ? &m->users : &m->groups;
		const char *helper = helper_path(k);
		int r;

		if (!(k == NS_UID_MAP ? m->have_users : m->have_groups))
			continue;
		r = ns_idmap_run_helper(helper, ppid, map);
		if (r == -EPROTO)
			_exit(1);
		if (r < 0)
			die(r, "cannot execute '%s'", helper);
	}
	_exit(0);
}

static void unshare_or_die(int flags)
{
	int r = ns_unshare(flags);

	if (r == -EPERM && !(flags & CLONE_NEWUSER) && geteuid() != 0)
		diex("cannot unshare namespaces: %s (only root may create these namespaces; add --user or -r to create a user namespace as well)",
		    strerror(EPERM));
	if (r == -ENOSPC)
		diex("cannot unshare namespaces: %s (a limit in /proc/sys/user/ is reached)",
		    strerror(ENOSPC));
	if (r == -EINVAL && (flags & CLONE_NEWUSER))
		diex("cannot unshare namespaces: %s (a chrooted process cannot create a user namespace)",
		    strerror(EINVAL));
	if (r < 0)
		die(r, "cannot unshare namespaces");
}

static pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* The parent of --fork: forwards or ignores the terminal's signals, persists
 * the namespaces that need a process inside them, and ends as the child did. */
static void run_parent(const struct nsrun_opts *o, pid_t pid, pid_t pid_bind, int fd_bind)
{
	int status, r;

	if (o->npersist) {
		if (pid_bind)
			release_child(pid_bind, fd_bind);
		else
			persist_all(o, getpid());
	}
	r = ns_wait(pid, &status);
	if (r < 0)
		die(r, "cannot wait for child %d", (int)pid);
	exit_like(status);
}

static void set_single_maps(const struct nsrun_opts *o, const struct nsrun_maps *m)
{
	_cleanup_close_ int proc = -1;
	int r;

	if (o->map_user == NS_ID_NONE && o->map_group == NS_ID_NONE)
		return;
	proc = ns_proc_open(0);
	if (proc < 0)
		die(proc, "cannot open /proc/self");
	if (o->map_user != NS_ID_NONE) {
		r = ns_idmap_write_single(proc, NS_UID_MAP, o->map_user, m->euid);
		if (r < 0)
			die(r, "cannot write /proc/self/uid_map");
	}
	if (o->map_group != NS_ID_NONE) {
		/* unprivileged writers must deny setgroups before gid_map;
		 * see user_namespaces(7) */
		r = ns_setgroups_write(proc, false);
		if (r < 0 && r != -ENOENT)
			die(r, "cannot write /proc/self/setgroups");
		r = ns_idmap_write_single(proc, NS_GID_MAP, o->map_group, m->egid);
		if (r < 0)
			die(r, "cannot write /proc/self/gid_map");
	}
}

static void setup_mounts(const struct nsrun_opts *o)
{
	bool fixed_in_root = o->interp && o->root && ns_binfmt_is_fixed(o->interp);
	int r;

	if ((o->flags & CLONE_NEWNS) && o->propagation != NS_PROPAGATION_UNCHANGED) {
		r = ns_mount_set_propagation("/", o->propagation);
		if (r < 0)
			die(r, "cannot change root filesystem propagation");
	}

	/* An interpreter registered with F is opened at once, so it must be
	 * found before chroot(2) hides it. */
	if (fixed_in_root) {
		r = ns_mount_binfmt(PROC_BINFMT_MISC);
		if (r < 0)
			die(r, "cannot mount binfmt_misc on '%s'", PROC_BINFMT_MISC);
		r = ns_binfmt_register(PROC_BINFMT_MISC, o->interp);
		if (r < 0)
			die(r, "cannot register interpreter '%s'", o->interp);
	}

	if (o->root && chroot(o->root) < 0)
		die(-errno, "cannot change root directory to '%s'", o->root);
	if ((o->wd || o->root) && chdir(o->wd ? o->wd : "/") < 0)
		die(-errno, "cannot change directory to '%s'", o->wd ? o->wd : "/");

	if (o->procmnt) {
		/* With the default propagation, making / private recursively
		 * already covered an existing /proc. */
		r = ns_mount_proc(o->procmnt,
				  !o->root && o->propagation != NS_PROPAGATION_PRIVATE);
		if (r == -EPERM && (o->flags & CLONE_NEWPID) && !o->fork)
			diex("cannot mount proc on '%s': %s (a new PID namespace needs --fork before its /proc can be mounted)",
			    o->procmnt, strerror(EPERM));
		if (r == -EPERM && (o->flags & CLONE_NEWUSER) && !(o->flags & CLONE_NEWPID))
			diex("cannot mount proc on '%s': %s (a new user namespace may only mount the proc of a PID namespace it owns; add --pid --fork)",
			     o->procmnt, strerror(EPERM));
		if (r < 0)
			die(r, "cannot mount proc on '%s'", o->procmnt);
	}
	if (o->binfmt_mnt) {
		r = ns_mount_binfmt(o->binfmt_mnt);
		if (r < 0)
			die(r, "cannot mount binfmt_misc on '%s'", o->binfmt_mnt);
	}
	if (o->interp && !fixed_in_root) {
		r = ns_binfmt_register(o->binfmt_mnt, o->interp);
		if (r < 0)
			die(r, "cannot register interpreter '%s'", o->interp);
	}
}

static void set_credentials(const struct nsrun_opts *o)
{
	int r;

	if (o->force_gid) {
		if (setgroups(0, NULL) < 0)
			die(-errno, "cannot drop supplementary groups");
		if (setgid(o->gid) < 0)
			die(-errno, "cannot set gid to %u", (unsigned)o->gid);
	}
	if (o->force_uid && setuid(o->uid) < 0)
		die(-errno, "cannot set uid to %u", (unsigned)o->uid);
	if (o->keep_caps && (o->flags & CLONE_NEWUSER)) {
		r = ns_caps_keep_ambient();
		if (r < 0)
			die(r, "cannot raise ambient capabilities");
	}
}

static void set_environment(const struct nsrun_opts *o)
{
	if (!o->clear_env)
		return;
	clearenv();
	for (size_t i = 0; i < o->nkeep_env; i++)
		if (putenv(o->keep_env[i]) != 0)
			die(-errno, "cannot set environment");
}

static noreturn void exec_program(char **argv)
{
	const char *shell;
	_cleanup_free_ char *arg0 = NULL;
	const char *base;

	if (argv[0]) {
		execvp(argv[0], argv);
		die_status(errno == ENOENT ? 127 : 126, -errno, "cannot execute '%s'", argv[0]);
	}

	shell = getenv("SHELL");
	if (!shell || !*shell) {
		struct passwd *pw = getpwuid(getuid());

		shell = pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
	}
	base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	if (asprintf(&arg0, "-%s", base) < 0)
		die(-ENOMEM, "cannot execute '%s'", shell);
	execl(shell, arg0, (char *)NULL);
	die_status(errno == ENOENT ? 127 : 126, -errno, "cannot execute '%s'", shell);
}

int main(int argc, char **argv)
{
	struct nsrun_opts o = {
		.propagation = NS_PROPAGATION_PRIVATE,
		.setgroups = SETGROUPS_NONE,
		.map_user = NS_ID_NONE,
		.map_group = NS_ID_NONE,
		.owner_uid = NS_ID_NONE,
		.owner_gid = NS_ID_NONE,
	};
	static struct nsrun_maps m;
	pid_t pid = 0, pid_idmap = 0, pid_bind = 0;
	int fd_idmap = -1, fd_bind = -1, parent_pidfd = -1, r;
	sigset_t oldmask;

	program_name = "nsrun";
	close_stdout_atexit();
	parse_options(argc, argv, &o);

	m.euid = geteuid();
	m.egid = getegid();
	resolve_maps(&o, &m);
	if (o.map_group != NS_ID_NONE && o.setgroups == SETGROUPS_ALLOW)
		diex("options --setgroups=allow and --map-group are mutually exclusive");

	/* clear inherited settings */
	signal(SIGCHLD, SIG_DFL);

	/* Binding a mount or user namespace file needs a process that stays
	 * in the original namespaces; see unshare(1). */
	if (o.npersist && (o.flags & (CLONE_NEWNS | CLONE_NEWUSER))) {
		pid_t ppid = getpid();

		pid_bind = fork_waiting(&fd_bind);
		if (pid_bind == 0) {
			persist_all(&o, ppid);
			_exit(0);
		}
	}
	if (m.have_users || m.have_groups) {
		pid_t ppid = getpid();

		pid_idmap = fork_waiting(&fd_idmap);
		if (pid_idmap == 0)
			write_maps_for(ppid, &m);
	}

	if (o.owner_gid != NS_ID_NONE && (setgroups(0, NULL) < 0 || setgid(o.owner_gid) < 0))
		die(-errno, "cannot set gid to %u", (unsigned)o.owner_gid);
	if (o.owner_uid != NS_ID_NONE && setuid(o.owner_uid) < 0)
		die(-errno, "cannot set uid to %u", (unsigned)o.owner_uid);

	unshare_or_die(o.flags);
	if (pid_idmap)
		release_child(pid_idmap, fd_idmap);

	/* time offsets can only be set before a process enters the namespace */
	if (o.force_boottime) {
		r = ns_timens_set_offset(CLOCK_BOOTTIME, o.boottime);
		if (r < 0)
			die(r, "cannot set boottime offset");
	}
	if (o.force_monotonic) {
		r = ns_timens_set_offset(CLOCK_MONOTONIC, o.monotonic);
		if (r < 0)
			die(r, "cannot set monotonic offset");
	}

	if (o.fork) {
		sigset_t block;

		sigprocmask(SIG_SETMASK, NULL, &oldmask);
		if (o.forward_signals) {
			struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };

			sigemptyset(&sa.sa_mask);
			if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
				die(-errno, "cannot install signal handlers");
		} else {
			/* the terminal's signals reach the child; the parent
			 * stays to report its status */
			sigemptyset(&block);
			sigaddset(&block, SIGINT);
			sigaddset(&block, SIGTERM);
			sigprocmask(SIG_BLOCK, &block, NULL);
		}
		if (o.kill_child_sig) {
			parent_pidfd = ns_pidfd_open(getpid());
			if (parent_pidfd < 0)
				die(parent_pidfd, "cannot open a pidfd for process %d", (int)getpid());
		}
		/* forked before the persistent bind mounts so that
		 * pid_for_children has a process to refer to */
		pid = ns_fork(NULL);
		if (pid < 0)
			die(pid, "cannot fork");
		if (pid > 0) {
			child_pid = pid;
			run_parent(&o, pid, pid_bind, fd_bind);
		}
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		if (fd_bind >= 0)
			close(fd_bind);
	} else if (o.npersist) {
		if (pid_bind)
			release_child(pid_bind, fd_bind);
		else
			persist_all(&o, getpid());
	}

	set_single_maps(&o, &m);
	if (o.setgroups != SETGROUPS_NONE) {
		_cleanup_close_ int proc = ns_proc_open(0);

		r = proc < 0 ? proc : ns_setgroups_write(proc, o.setgroups == SETGROUPS_ALLOW);
		if (r == -EPERM && o.map_group != NS_ID_NONE)
			diex("cannot write /proc/self/setgroups: %s (-r, -c and --map-group deny setgroups themselves before writing the gid map, after which it cannot change)",
			     strerror(EPERM));
		if (r < 0 && r != -ENOENT)
			die(r, "cannot write /proc/self/setgroups");
	}
	setup_mounts(&o);
	set_credentials(&o);
	set_environment(&o);

	/* Last, after any uid change that would clear it; see prctl(2). */
	if (o.kill_child_sig) {
		r = ns_parent_watch(parent_pidfd, o.kill_child_sig);
		if (r == -ESRCH)
			exit(1);
		if (r < 0)
			die(r, "cannot watch the parent process");
		close(parent_pidfd);
	}
	exec_program(o.argv);
}
