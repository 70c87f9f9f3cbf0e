/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun's command line: unshare(1)'s options, parsed into struct nsrun_opts. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

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
	      "Set-up beyond unshare(1):\n"
	      " --loopback                bring lo up in the new network namespace (implies --net)\n"
	      " --sysctl <key>=<value>    set a sysctl of a new namespace (repeatable)\n"
	      " --rlimit <name>=<soft>[:<hard>]\n"
	      "                           set a resource limit before unsharing (repeatable)\n"
	      " --hostname <name>         set the hostname (implies --uts)\n"
	      " --veth <name>:<peer>[,addr=<cidr>][,peer-addr=<cidr>][,gateway=<ip>]\n"
	      "                           a veth pair from here into the new network namespace\n"
	      "                             (implies --net; repeatable)\n"
	      " --new-session             run the program in a new session\n"
	      "                             (implies --fork and --forward-signals)\n"
	      " --die-with-parent         the same as --kill-child\n"
	      " --json-status-fd <fd>     report the child and its exit as JSON lines (implies --fork)\n"
	      " --timeout <duration>      kill the program and all it started after <duration>\n"
	      "                             and exit 124 (implies --fork)\n"
	      " --dry-run                 print what would be done, and do nothing\n"
	      " --enter                   as the first option: enter the namespaces of a process,\n"
	      "                             as nsenter(1) (see nsrun --enter --help)\n"
	      "\n"
	      "Sessions:\n"
	      " --name <name>             keep the new namespaces as session <name> (implies --fork)\n"
	      " --enter --name <name>     run <program> in the namespaces of session <name>\n"
	      " --destroy <name>          end session <name> and remove it\n"
	      " --list-names              list the caller's sessions\n"
	      " -J, --json                with --list-names: JSON output\n"
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
	o->specs = grow_or_die(o->specs, o->nspecs, sizeof(*o->specs));
	o->specs[o->nspecs++] = (struct map_spec){ kind, arg };
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

		if (!value)
			continue;
		o->keep_env = grow_or_die(o->keep_env, o->nkeep_env, sizeof(*o->keep_env));
		if (asprintf(&o->keep_env[o->nkeep_env], "%s=%s", name, value) < 0)
			die(-ENOMEM, "cannot parse options");
		o->nkeep_env++;
	}
	o->clear_env = true;
}

bool open_failed(int r)
{
	return r == -EACCES || r == -ENOENT || r == -ENOTDIR;
}

void id_change_failed(const char *what, const char *kind, uint32_t id)
{
	if (errno == EINVAL)
		diex("%s: %s (%s %u is not mapped in the user namespace)", what, strerror(EINVAL),
		     kind, (unsigned)id);
	die(-errno, "%s", what);
}

/* A number util-linux's strtoux_or_err() refuses as out of range, not as
 * malformed: digits after an optional minus, negative or above @max. */
static bool out_of_range(const char *s, uint64_t max)
{
	bool negative = *s == '-';
	const char *p = s + negative;
	uint64_t v = 0;

	if (!*p)
		return false;
	for (const char *c = p; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	for (; *p; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return true;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return negative ? v > 0 : v > max;
}

/* -S and -G: unshare(1)'s "failed to parse uid: 'VALUE'", with the reason
 * only for a number out of range (util-linux lib/strutils.c). The id the
 * kernel reserves, (uint32_t)-1, is out of range here. */
static uint32_t parse_id_or_die(const char *s, const char *what)
{
	uint32_t v;

	if (parse_id(s, &v) == 0)
		return v;
	if (out_of_range(s, UINT32_MAX - 1))
		die(-ERANGE, "failed to parse %s: '%s'", what, s);
	diex("failed to parse %s: '%s'", what, s);
}

/* --map-user and --map-group: a name or a number, and unshare(1)'s words
 * since util-linux 2.42: "failed to parse uid 'VALUE'" and the reason. */
static uint32_t map_id_or_die(const char *s, bool group)
{
	uint32_t id;
	int r = group ? parse_group(s, &id) : parse_user(s, &id);

	if (r == 0 && id != NS_ID_NONE)
		return id;
	if (out_of_range(s, UINT32_MAX - 1))
		r = -ERANGE;
	else if (r == 0 || r == -ENOENT)
		r = -EINVAL;
	die(r, "failed to parse %s '%s'", group ? "gid" : "uid", s);
}

/* strtos64_or_err()'s words: the reason only when out of range */
static noreturn void offset_failed(int r, const char *clock, const char *s)
{
	if (r == -ERANGE)
		die(r, "failed to parse %s offset: '%s'", clock, s);
	diex("failed to parse %s offset: '%s'", clock, s);
}

static void parse_owner(struct nsrun_opts *o, const char *s)
{
	_cleanup_free_ char *copy = strdup(s);
	char *colon = copy ? strchr(copy, ':') : NULL;

	if (!colon)
		diex("failed to parse owner (expected uid:gid, not '%s')", s);
	*colon = '\0';
	if (parse_id(copy, &o->owner_uid) < 0 || parse_id(colon + 1, &o->owner_gid) < 0)
		diex("failed to parse owner (expected uid:gid, not '%s')", s);
}

void parse_options(int argc, char **argv, struct nsrun_opts *o)
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
		OPT_LOOPBACK,
		OPT_SYSCTL,
		OPT_RLIMIT,
		OPT_HOSTNAME,
		OPT_VETH,
		OPT_NEW_SESSION,
		OPT_DIE_WITH_PARENT,
		OPT_JSON_STATUS_FD,
		OPT_TIMEOUT,
		OPT_DRY_RUN,
		OPT_NAME,
		OPT_DESTROY,
		OPT_LIST_NAMES,
		OPT_ENTER,
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
		{ "loopback",         no_argument,       NULL, OPT_LOOPBACK        },
		{ "sysctl",           required_argument, NULL, OPT_SYSCTL          },
		{ "rlimit",           required_argument, NULL, OPT_RLIMIT          },
		{ "hostname",         required_argument, NULL, OPT_HOSTNAME        },
		{ "veth",             required_argument, NULL, OPT_VETH            },
		{ "new-session",      no_argument,       NULL, OPT_NEW_SESSION     },
		{ "die-with-parent",  no_argument,       NULL, OPT_DIE_WITH_PARENT },
		{ "json-status-fd",   required_argument, NULL, OPT_JSON_STATUS_FD  },
		{ "timeout",          required_argument, NULL, OPT_TIMEOUT         },
		{ "dry-run",          no_argument,       NULL, OPT_DRY_RUN         },
		{ "name",             required_argument, NULL, OPT_NAME            },
		{ "destroy",          required_argument, NULL, OPT_DESTROY         },
		{ "list-names",       no_argument,       NULL, OPT_LIST_NAMES      },
		{ "json",             no_argument,       NULL, 'J'                 },
		{ "enter",            no_argument,       NULL, OPT_ENTER           },
		{ NULL, 0, NULL, 0 }
	};
	int c, r;

	getopt_use_program_name(argv);
	while ((c = getopt_long(argc, argv, "+fhVmuinpCTUrR:w:S:G:cl:J", longopts, NULL)) != -1) {
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
				diex("unknown signal: %s", optarg);
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
			o->map_current_user = false;
			o->map_user = map_id_or_die(optarg, false);
			break;
		case OPT_MAP_GROUP:
			o->flags |= CLONE_NEWUSER;
			o->map_current_group = false;
			o->map_group = map_id_or_die(optarg, true);
			break;
		case 'r':
			o->flags |= CLONE_NEWUSER;
			o->map_user = 0;
			o->map_group = 0;
			o->map_current_user = false;
			o->map_current_group = false;
			break;
		case 'c':
			o->flags |= CLONE_NEWUSER;
			o->map_user = geteuid();
			o->map_group = getegid();
			o->map_current_user = true;
			o->map_current_group = true;
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
				diex("unsupported --setgroups argument '%s' (expected allow or deny)", optarg);
			break;
		case OPT_PROPAGATION:
			r = ns_propagation_from_name(optarg);
			if (r < 0)
				diex("unsupported propagation mode: %s (expected slave, shared, private or unchanged)", optarg);
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
			r = ns_timens_parse_offset(optarg, &o->monotonic);
			if (r < 0)
				offset_failed(r, "monotonic", optarg);
			o->force_monotonic = true;
			break;
		case OPT_BOOTTIME:
			r = ns_timens_parse_offset(optarg, &o->boottime);
			if (r < 0)
				offset_failed(r, "boottime", optarg);
			o->force_boottime = true;
			break;
		case OPT_CLEAR_ENV:
			o->clear_env = true;
			break;
		case OPT_WHITELIST_ENV:
			keep_env(o, optarg);
			break;
		case OPT_LOOPBACK:
			o->flags |= CLONE_NEWNET;
			o->loopback = true;
			break;
		case OPT_SYSCTL:
			add_sysctl(o, optarg);
			break;
		case OPT_RLIMIT:
			add_rlimit(o, optarg);
			break;
		case OPT_HOSTNAME:
			/* sethostname(2) takes at most HOST_NAME_MAX bytes */
			if (!*optarg || strlen(optarg) > HOST_NAME_MAX)
				diex("invalid hostname '%s' (1 to %d bytes)", optarg, HOST_NAME_MAX);
			o->flags |= CLONE_NEWUTS;
			o->hostname = optarg;
			break;
		case OPT_VETH:
			add_veth(o, optarg);
			break;
		case OPT_NEW_SESSION:
			/* setsid(2) fails in a process group leader, which a
			 * shell makes of nsrun; a forked child never is one */
			o->fork = true;
			o->new_session = true;
			/* the terminal's signals now reach nsrun alone */
			o->forward_signals = true;
			break;
		case OPT_DIE_WITH_PARENT:
			o->fork = true;
			o->kill_child_sig = SIGKILL;
			break;
		case OPT_JSON_STATUS_FD:
			o->fork = true;
			o->status_fd = parse_status_fd(optarg);
			break;
		case OPT_TIMEOUT:
			r = parse_duration(optarg, &o->timeout_ms);
			if (r < 0)
				diex("invalid --timeout '%s' (expected a number of seconds, or with a unit s, m, h or d)",
				     optarg);
			if (o->timeout_ms)
				o->fork = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_NAME:
			o->session = optarg;
			/* nsrun stays to report the program's status; the
			 * session's init is its child until then */
			o->fork = true;
			break;
		case OPT_DESTROY:
			o->session_destroy = optarg;
			break;
		case OPT_LIST_NAMES:
			o->session_list = true;
			break;
		case 'J':
			o->session_json = true;
			break;
		case OPT_ENTER:
			/* main() hands a first --enter to the enter mode */
			diex("--enter must be the first option");
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			die_usage(NULL);
		}
	}
	o->argv = argv + optind;

	if ((o->force_monotonic || o->force_boottime) && !(o->flags & NS_CLONE_NEWTIME))
		diex("options --monotonic and --boottime require unsharing of a time namespace (-T)");
}
