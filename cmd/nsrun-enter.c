/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun --enter, or nsrun called nsenter: a drop-in for nsenter(1). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

struct enter_opts {
	bool all;
	bool have_target;
	pid_t pid;
	uint64_t pid_ino;
	uint32_t types;                /* the namespace options given */
	const char *arg[NS_TYPE_MAX];  /* their =FILE or =:NSID, or NULL */
	int sock_fd;
	bool user_parent;
	bool force_uid, follow_uid;
	uid_t uid;
	bool force_gid, follow_gid;
	gid_t gid;
	bool preserve_cred;
	bool keep_caps;
	bool root_target, wd_target;   /* -r, -w without a directory */
	const char *root, *wd, *wdns;
	const char *session;           /* --name: an nsrun session's namespaces */
	bool env;
	bool join_cgroup;
	bool no_fork;
	char **argv;
};

/* The namespace options in nsenter's order of --help and of its table,
 * which decides what an error names first. */
static const struct {
	int opt;
	enum ns_type type;
} ns_opts[] = {
	{ 'U', NS_TYPE_USER }, { 'C', NS_TYPE_CGROUP }, { 'i', NS_TYPE_IPC },
	{ 'u', NS_TYPE_UTS },  { 'n', NS_TYPE_NET },    { 'p', NS_TYPE_PID },
	{ 'm', NS_TYPE_MNT },  { 'T', NS_TYPE_TIME },
};

static bool via_nsrun;

static noreturn void try_help(void)
{
	fprintf(stderr, "Try '%s%s --help' for more information.\n", program_name,
		via_nsrun ? " --enter" : "");
	exit(1);
}

static noreturn void usage(void)
{
	printf("Usage:\n %s%s [options] [<program> [<argument>...]]\n\n", program_name,
	       via_nsrun ? " --enter" : "");
	fputs("Run a program in the namespaces of another process (as nsenter(1)).\n\n"
	      "Options:\n"
	      " -a, --all                     every namespace of the target\n"
	      " -t, --target <PID[:inode]>    the process whose namespaces to enter\n"
	      " -m, --mount[=<file>|=:<nsid>] the mount namespace\n"
	      " -u, --uts[=<file>|=:<nsid>]   the UTS namespace (host and domain name)\n"
	      " -i, --ipc[=<file>|=:<nsid>]   the System V IPC namespace\n"
	      " -n, --net[=<file>|=:<nsid>]   the network namespace\n"
	      " -N, --net-socket <fd>         the network namespace of the target's socket fd\n"
	      " -p, --pid[=<file>|=:<nsid>]   the PID namespace\n"
	      " -C, --cgroup[=<file>|=:<nsid>]  the cgroup namespace\n"
	      " -U, --user[=<file>|=:<nsid>]  the user namespace\n"
	      "     --user-parent             the parent user namespace\n"
	      " -T, --time[=<file>|=:<nsid>]  the time namespace\n"
	      " -S, --setuid <uid>            uid inside: a number, or follow for the target's\n"
	      " -G, --setgid <gid>            gid inside: a number, or follow for the target's\n"
	      "     --preserve-credentials    leave uids, gids and groups as they are\n"
	      "     --keep-caps               keep the user namespace's capabilities in the program\n"
	      " -r, --root[=<dir>]            root directory (default: the target's)\n"
	      " -w, --wd[=<dir>]              working directory, opened before entering\n"
	      " -W, --wdns[=<dir>]            working directory, opened inside\n"
	      " -e, --env                     the environment of the target\n"
	      " -F, --no-fork                 no fork before executing the program\n"
	      " -c, --join-cgroup             join the cgroup of the target\n"
	      "     --name <name>             the namespaces of nsrun session <name>\n"
	      "\n"
	      " -h, --help                    this help\n"
	      " -V, --version                 the version\n", stdout);
	printf("\nSee %s.\n", via_nsrun ? "nsrun(1), ENTER MODE" : "nsenter(1)");
	exit(0);
}

/* nsenter's strtoul_or_err(): "<what>: '<arg>'", with the reason when the
 * number is too large */
static uint32_t parse_id_or_die(const char *s, const char *what)
{
	uint32_t v;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++)
		;
	if (!*s || *p)
		diex("%s: '%s'", what, s);
	if (parse_id(s, &v) < 0)
		die(-ERANGE, "%s: '%s'", what, s);
	return v;
}

static void set_ns(struct enter_opts *o, enum ns_type t, const char *arg)
{
	if (arg && *arg == '=')
		arg++;
	o->types |= 1u << t;
	o->arg[t] = arg;
}

static void parse(int argc, char **argv, struct enter_opts *o)
{
	enum { OPT_PRESERVE_CRED = CHAR_MAX + 1, OPT_KEEP_CAPS, OPT_USER_PARENT, OPT_NAME };
	static const struct option longopts[] = {
		{ "all",                  no_argument,       NULL, 'a'               },
		{ "help",                 no_argument,       NULL, 'h'               },
		{ "version",              no_argument,       NULL, 'V'               },
		{ "target",               required_argument, NULL, 't'               },
		{ "mount",                optional_argument, NULL, 'm'               },
		{ "uts",                  optional_argument, NULL, 'u'               },
		{ "ipc",                  optional_argument, NULL, 'i'               },
		{ "net",                  optional_argument, NULL, 'n'               },
		{ "net-socket",           required_argument, NULL, 'N'               },
		{ "pid",                  optional_argument, NULL, 'p'               },
		{ "user",                 optional_argument, NULL, 'U'               },
		{ "cgroup",               optional_argument, NULL, 'C'               },
		{ "time",                 optional_argument, NULL, 'T'               },
		{ "setuid",               required_argument, NULL, 'S'               },
		{ "setgid",               required_argument, NULL, 'G'               },
		{ "root",                 optional_argument, NULL, 'r'               },
		{ "wd",                   optional_argument, NULL, 'w'               },
		{ "wdns",                 optional_argument, NULL, 'W'               },
		{ "env",                  no_argument,       NULL, 'e'               },
		{ "no-fork",              no_argument,       NULL, 'F'               },
		{ "join-cgroup",          no_argument,       NULL, 'c'               },
		{ "preserve-credentials", no_argument,       NULL, OPT_PRESERVE_CRED },
		{ "keep-caps",            no_argument,       NULL, OPT_KEEP_CAPS     },
		{ "user-parent",          no_argument,       NULL, OPT_USER_PARENT   },
		{ "name",                 required_argument, NULL, OPT_NAME          },
		{ NULL, 0, NULL, 0 }
	};
	int c, r, wd_first = 0;

	/* -Z is in nsenter's short options whatever its build, but without
	 * SELinux it falls through to the usage error, as here */
	getopt_use_program_name(argv);
	while ((c = getopt_long(argc, argv, "+ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W::ecFZ",
				longopts, NULL)) != -1) {
		if ((c == 'w' || c == 'W') && !wd_first)
			wd_first = c;
		else if ((c == 'w' || c == 'W') && wd_first != c)
			diex("options --%s and --%s cannot be combined", wd_first == 'w' ? "wd" : "wdns",
			     c == 'w' ? "wd" : "wdns");
		switch (c) {
		case 'a':
			o->all = true;
			break;
		case OPT_NAME:
			o->session = optarg;
			break;
		case 't':
			if (o->have_target)
				diex("option --target may be given only once");
			r = ns_enter_parse_target(optarg, &o->pid, &o->pid_ino);
			if (r < 0)
				die(r, "failed to parse PID argument '%s'", optarg);
			o->have_target = true;
			break;
		case 'N': {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || errno)
				diex("failed to parse file descriptor: '%s'", optarg);
			if (v > INT_MAX)
				die(-ERANGE, "failed to parse file descriptor: '%s'", optarg);
			o->sock_fd = (int)v;
			break;
		}
		case 'S':
			if (strcmp(optarg, "follow") == 0)
				o->follow_uid = true;
			else
				o->uid = parse_id_or_die(optarg, "failed to parse uid");
			o->force_uid = true;
			break;
		case 'G':
			if (strcmp(optarg, "follow") == 0)
				o->follow_gid = true;
			else
				o->gid = parse_id_or_die(optarg, "failed to parse gid");
			o->force_gid = true;
			break;
		case 'F':
			o->no_fork = true;
			break;
		case 'c':
			o->join_cgroup = true;
			break;
		case 'r':
			/* nsenter keeps a '=' of -r=DIR as part of the name */
			o->root = optarg;
			o->root_target = !optarg;
			break;
		case 'w':
			o->wd = optarg && *optarg == '=' ? optarg + 1 : optarg;
			o->wd_target = !optarg;
			break;
		case 'W':
			/* the argument is optional: "-W DIR" leaves DIR to be the
			 * program, as nsenter's parser does */
			o->wdns = optarg && *optarg == '=' ? optarg + 1 : optarg;
			break;
		case 'e':
			o->env = true;
			break;
		case OPT_PRESERVE_CRED:
			o->preserve_cred = true;
			break;
		case OPT_KEEP_CAPS:
			o->keep_caps = true;
			break;
		case OPT_USER_PARENT:
			o->user_parent = true;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			for (size_t i = 0; i < sizeof(ns_opts) / sizeof(ns_opts[0]); i++)
				if (c == ns_opts[i].opt) {
					set_ns(o, ns_opts[i].type, optarg);
					goto next;
				}
			try_help();
		}
next:;
	}
	o->argv = argv + optind;
}

static const char *ns_file_name(enum ns_type t)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "ns/%s", ns_type_proc_name(t, false));
	return buf;
}

/* A namespace given as =FILE or =:NSID, opened while parsing as nsenter
 * does, so that a FILE resolves in the caller's mount namespace. */
static int open_given(enum ns_type t, const char *arg)
{
	char *end;
	unsigned long long id;
	int fd;

	if (arg[0] != ':') {
		fd = open(arg, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(-errno, "cannot open %s", arg);
		return fd;
	}
	errno = 0;
	id = strtoull(arg + 1, &end, 10);
	if (!arg[1] || *end || errno || arg[1] == '-')
		diex("failed to parse nsid: %s", arg + 1);
	fd = ns_open_by_id(t, id);
	if (fd == -EOPNOTSUPP)
		diex("failed to fill namespace file handle: %s (this kernel cannot open namespaces by id; Linux 6.18 has nsfs file handles)",
		     strerror(EOPNOTSUPP));
	if (fd == -ESTALE)
		diex("cannot open namespace of id %llu: %s (no %s namespace has that id; Linux 6.18 finds one only through a process in it, 6.19 any)",
		     id, strerror(ESTALE), title_of_type(t));
	if (fd < 0)
		die(fd, "cannot open namespace of id %llu", id);
	return fd;
}

/* Opens what nsenter opens of /proc/PID: the failure names the path. */
static int open_target_file(const struct enter_opts *o, int proc_fd, const char *name)
{
	int fd;

	if (!o->have_target)
		diex("neither filename nor target pid supplied for %s", name);
	fd = proc_fd < 0 ? -ESRCH : openat(proc_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(proc_fd < 0 ? -ENOENT : -errno, "cannot open /proc/%d/%s", (int)o->pid, name);
	return fd;
}

/* "reassociate to namespace(s) failed", then why, in terms of the
 * namespace that refused */
static noreturn void join_failed(const struct enter_opts *o, struct ns_enter *e, int r,
				 enum ns_type t, bool from_file)
{
	char head[96];
	uint64_t owner;
	uid_t uid;
	struct stat st;

	if (t == NS_TYPE_MAX)
		die(r, "cannot open /proc/%d/ns", (int)o->pid);
	if (from_file)
		snprintf(head, sizeof(head), "reassociate to namespace '%s' failed", ns_file_name(t));
	else
		snprintf(head, sizeof(head), "reassociate to namespaces failed");
	if (r == -EINVAL && from_file && e->fd[t] >= 0) {
		int got = ns_fd_type(e->fd[t]);

		if (got == -ENOTTY)
			diex("%s: %s ('%s' is not a namespace file)", head, strerror(EINVAL),
			     o->arg[t] ? o->arg[t] : "the socket");
		if (got >= 0 && got != (int)t)
			diex("%s: %s ('%s' is a %s namespace, not a %s one)", head, strerror(EINVAL),
			     o->arg[t] ? o->arg[t] : "the file", title_of_type(got), title_of_type(t));
	}
	if (r == -EINVAL && t == NS_TYPE_USER)
		diex("%s: %s (the user namespace is the caller's own, or the caller is chrooted or has threads)",
		     head, strerror(EINVAL));
	if (r == -EPERM && e->fd[t] >= 0 && fstat(e->fd[t], &st) == 0 &&
	    ns_owner(e->fd[t], &owner, &uid) == 0) {
		if (t != NS_TYPE_USER && uid == geteuid() && !(o->types & (1u << NS_TYPE_USER)))
			diex("%s: %s (the %s namespace %llu is owned by user namespace %llu of uid %u; add --user to enter it first)",
			     head, strerror(EPERM), title_of_type(t), (unsigned long long)st.st_ino,
			     (unsigned long long)owner, (unsigned)uid);
		diex("%s: %s (no CAP_SYS_ADMIN over the %s namespace %llu, owned by user namespace %llu of uid %u)",
		     head, strerror(EPERM), title_of_type(t), (unsigned long long)st.st_ino,
		     (unsigned long long)owner, (unsigned)uid);
	}
	if (r == -EPERM && e->fd[t] < 0 && e->proc_fd >= 0 && fstat(e->proc_fd, &st) == 0)
		diex("%s: %s (process %d runs as uid %u: only a caller with CAP_SYS_ADMIN over its %s namespace may enter it)",
		     head, strerror(EPERM), (int)o->pid, (unsigned)st.st_uid, title_of_type(t));
	if (r == -EPERM && e->fd[t] >= 0 && fstat(e->fd[t], &st) == 0)
		diex("%s: %s (no CAP_SYS_ADMIN over the %s namespace %llu, owned by a user namespace above the caller's)",
		     head, strerror(EPERM), title_of_type(t), (unsigned long long)st.st_ino);
	die(r, "%s", head);
}

/* Whether nsenter has an fd of its own for @t, and so names it on failure. */
static bool given_fd(const struct enter_opts *o, enum ns_type t)
{
	return o->arg[t] || (t == NS_TYPE_NET && o->sock_fd >= 0) ||
	       (t == NS_TYPE_USER && o->user_parent);
}

static noreturn void continue_as_parent(pid_t pid)
{
	int status;

	for (;;) {
		pid_t w = TEMP_FAILURE_RETRY(waitpid(pid, &status, WUNTRACED));

		if (w < 0)
			die(-errno, "cannot wait for child %d", (int)pid);
		if (!WIFSTOPPED(status))
			break;
		/* a stopped program stops us, so the shell's job control
		 * sees it, and resumes with us */
		kill(getpid(), SIGSTOP);
		kill(pid, SIGCONT);
	}
	exit_like(status);
}

noreturn void enter_main(int argc, char **argv, const char *name)
{
	struct enter_opts o = { .sock_fd = -1 };
	struct ns_enter e = NS_ENTER_INIT;
	struct cred_change cred = { 0 };
	int root_fd = -1, wd_fd = -1, cgroup_fd = -1, r;
	char **env = NULL;
	size_t nenv = 0;
	bool need_target, groups_failed = false, do_fork;
	uint32_t all;
	enum ns_type failed = NS_TYPE_MAX;
	enum dir_step dstep;
	enum cred_step cstep;
	const char *path;

	via_nsrun = strcmp(name, "nsenter") != 0;
	program_name = via_nsrun ? "nsrun" : name;
	parse(argc, argv, &o);

	/* what nsenter opens while parsing */
	if (o.have_target && o.pid_ino) {
		r = ns_enter_target_open(o.pid, o.pid_ino, &e.pidfd, &e.proc_fd);
		if (r == -ESTALE)
			diex("failed to obtain a valid file descriptor for PID %d: %s (the PID now names another process than the one of pidfd inode %llu)",
			     (int)o.pid, strerror(ESRCH), (unsigned long long)o.pid_ino);
		if (r == -EOPNOTSUPP)
			diex("failed to obtain a valid file descriptor for PID %d: %s (pidfds have no inode of their own before Linux 6.9)",
			     (int)o.pid, strerror(EOPNOTSUPP));
		if (r < 0)
			die(r, "failed to obtain a valid file descriptor for PID %d", (int)o.pid);
	}
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (o.arg[t])
			e.fd[t] = open_given(t, o.arg[t]);
	/* a session's namespaces, as if each file were given */
	if (o.session)
		session_enter_files(o.session, o.argv, &o.types, e.fd, o.arg);
	if (o.root && (root_fd = open(o.root, O_RDONLY | O_CLOEXEC)) < 0)
		die(-errno, "cannot open %s", o.root);
	if (o.wd && (wd_fd = open(o.wd, O_RDONLY | O_CLOEXEC)) < 0)
		die(-errno, "cannot open %s", o.wd);

	need_target = o.all || o.sock_fd >= 0 || o.user_parent || o.root_target || o.wd_target ||
		      o.env || o.follow_uid || o.follow_gid || o.join_cgroup;
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if ((o.types & (1u << t)) && !o.arg[t])
			need_target = true;
	if (need_target && o.have_target && e.proc_fd < 0) {
		r = ns_enter_target_open(o.pid, 0, &e.pidfd, &e.proc_fd);
		if (r < 0 && r != -ESRCH)
			die(r, "cannot open /proc/%d", (int)o.pid);
	}
	if (o.all) {
		if (e.proc_fd < 0)
			die(-ENOENT, "stat of /proc/%d/ns/user failed", (int)o.pid);
		r = ns_enter_usable_types(e.proc_fd, &all);
		if (r < 0)
			die(r, "stat of /proc/%d/ns/user failed", (int)o.pid);
		o.types |= all;
	}
	for (size_t i = 0; i < sizeof(ns_opts) / sizeof(ns_opts[0]); i++) {
		enum ns_type t = ns_opts[i].type;

		if (!(o.types & (1u << t)) || o.arg[t])
			continue;
		if (!o.have_target)
			diex("no target PID specified");
		if (e.proc_fd < 0)
			diex("cannot open /proc/%d/%s: %s (no process %d)", (int)o.pid,
			     ns_file_name(t), strerror(ENOENT), (int)o.pid);
	}
	if ((o.sock_fd >= 0 || o.user_parent) && !o.have_target)
		diex("no target PID specified");
	if (o.root_target)
		root_fd = open_target_file(&o, e.proc_fd, "root");
	if (o.wd_target)
		wd_fd = open_target_file(&o, e.proc_fd, "cwd");
	if (o.env) {
		if (!o.have_target)
			diex("neither filename nor target pid supplied for environ");
		r = e.proc_fd < 0 ? -ENOENT : ns_environ_read(e.proc_fd, &env, &nenv);
		if (r < 0)
			die(r, "cannot open /proc/%d/environ", (int)o.pid);
	}
	if ((o.follow_uid || o.follow_gid) && !o.have_target)
		diex("neither filename nor target pid supplied for ");
	if ((o.follow_uid || o.follow_gid) && e.proc_fd < 0)
		die(-ENOENT, "cannot open /proc/%d/", (int)o.pid);
	if (o.join_cgroup) {
		_cleanup_free_ char *cg = NULL;

		if (!o.have_target)
			diex("neither filename nor target pid supplied for cgroup");
		r = e.proc_fd < 0 ? -ENOENT : ns_cgroup_path_read(e.proc_fd, &cg);
		if (r == -EBADMSG)
			diex("failed to get cgroup path (the target has no cgroup v2 path)");
		if (r < 0)
			die(r, "cannot open /proc/%d/cgroup", (int)o.pid);
		cgroup_fd = ns_cgroup_procs_open(CGROUP_ROOT, cg);
		if (cgroup_fd == -EMEDIUMTYPE)
			diex("--join-cgroup is only supported in cgroup v2");
		if (cgroup_fd < 0)
			die(cgroup_fd, "failed to open cgroup.procs");
	}
	if (o.user_parent) {
		int from = e.fd[NS_TYPE_USER], parent, own = -1;

		if (from < 0 && e.proc_fd >= 0)
			from = own = openat(e.proc_fd, "ns/user", O_RDONLY | O_CLOEXEC);
		for (int t = 0; from < 0 && t < NS_TYPE_MAX; t++)
			from = e.fd[t];
		if (from < 0)
			die(-ENOENT, "cannot open /proc/%d/ns/user", (int)o.pid);
		parent = ns_user_parent(from);
		if (parent == -EPERM)
			diex("failed to open parent namespace: %s (the parent is outside the caller's user namespace)",
			     strerror(EPERM));
		if (parent < 0)
			die(parent, "failed to open parent namespace");
		if (own >= 0)
			close(own);
		if (e.fd[NS_TYPE_USER] >= 0)
			close(e.fd[NS_TYPE_USER]);
		e.fd[NS_TYPE_USER] = parent;
		o.types |= 1u << NS_TYPE_USER;
	}
	if (o.sock_fd >= 0) {
		int fd, sk;

		if (e.pidfd < 0)
			die(-ESRCH, "failed to pidfd_open() for %d", (int)o.pid);
		sk = ns_pidfd_getfd(e.pidfd, o.sock_fd);
		if (sk == -EPERM)
			diex("pidfd_getfd(%d, %d): %s (no ptrace access to process %d)", e.pidfd,
			     o.sock_fd, strerror(EPERM), (int)o.pid);
		if (sk < 0)
			die(sk, "pidfd_getfd(%d, %d)", e.pidfd, o.sock_fd);
		fd = ns_socket_netns(sk);
		if (fd == -ENOTTY)
			diex("ioctl(%d, SIOCGSKNS): %s (fd %d of process %d is not a socket)", sk,
			     strerror(ENOTTY), o.sock_fd, (int)o.pid);
		if (fd < 0)
			die(fd, "ioctl(%d, SIOCGSKNS)", sk);
		close(sk);
		if (e.fd[NS_TYPE_NET] >= 0)
			close(e.fd[NS_TYPE_NET]);
		e.fd[NS_TYPE_NET] = fd;
		o.types |= 1u << NS_TYPE_NET;
	}
	if (!o.types)
		diex("no namespace specified");

	do_fork = (o.types & (1u << NS_TYPE_PID)) && !o.no_fork;
	if ((o.types & (1u << NS_TYPE_USER)) && !o.preserve_cred) {
		/* a user namespace is entered as uid and gid 0 unless told
		 * otherwise, without root's groups */
		cred.force_uid = cred.force_gid = true;
		groups_failed = setgroups(0, NULL) < 0;
	}
	cred.force_uid |= o.force_uid;
	cred.force_gid |= o.force_gid;
	cred.uid = o.uid;
	cred.gid = o.gid;
	/* nsenter's check is against the namespaces left after its first
	 * pass, which a lone user namespace has already left */
	cred.keep_caps = o.keep_caps && (o.types & (1u << NS_TYPE_USER)) &&
			 o.types != (1u << NS_TYPE_USER);
	/* a session's user namespace may deny setgroups(2) (one made with
	 * -r does): entering it keeps the caller's groups, as nsrun's own
	 * join of a session does */
	cred.groups_may_fail = !groups_failed || o.session;

	e.types = o.types;
	r = ns_enter_join(&e, &failed);
	if (r < 0)
		join_failed(&o, &e, r, failed, failed < NS_TYPE_MAX && given_fd(&o, failed));

	/* without a new working directory, the old one is kept across
	 * chroot(2) */
	if (root_fd >= 0 && wd_fd < 0 && !o.wdns && (wd_fd = open(".", O_RDONLY | O_CLOEXEC)) < 0)
		die(-errno, "cannot open current working directory");
	r = change_root_dir(root_fd, NULL, -1, NULL, &dstep);
	if (r < 0 && dstep == DIR_ROOT_FD)
		die(r, "change directory by root file descriptor failed");
	if (r < 0 && dstep == DIR_CHROOT)
		die(r, "chroot failed");
	if (r < 0)
		die(r, "cannot change directory to %s", "/");
	if (o.wdns && (wd_fd = open(o.wdns, O_RDONLY | O_CLOEXEC)) < 0)
		die(-errno, "cannot open current working directory");
	r = change_root_dir(-1, NULL, wd_fd, NULL, &dstep);
	if (r < 0)
		die(r, "change directory by working directory file descriptor failed");
	if (root_fd >= 0)
		close(root_fd);
	if (wd_fd >= 0)
		close(wd_fd);

	r = o.env ? replace_environment(env, nenv) : 0;
	if (r < 0)
		die(r, "failed to set environment variables");
	if (cgroup_fd >= 0) {
		char pid[16];
		int n = snprintf(pid, sizeof(pid), "%d", (int)getpid());

		if (write(cgroup_fd, pid, (size_t)n) != n)
			die(-errno, "write cgroup.procs failed");
		close(cgroup_fd);
	}
	if (o.follow_uid || o.follow_gid) {
		struct stat st;

		/* the owner of /proc/PID as seen from inside, now that the
		 * user namespace is entered */
		if (fstat(e.proc_fd, &st) < 0)
			die(-errno, "can not get process stat");
		if (o.follow_uid)
			cred.uid = st.st_uid;
		if (o.follow_gid)
			cred.gid = st.st_gid;
	}
	ns_enter_release(&e);

	if (do_fork) {
		pid_t pid;

		signal(SIGCHLD, SIG_DFL);
		pid = fork();
		if (pid < 0)
			die(-errno, "fork failed");
		if (pid > 0)
			continue_as_parent(pid);
	}

	r = change_credentials(&cred, &cstep);
	if (r == -EPERM && cstep == CRED_GROUPS)
		diex("setgroups failed: %s (the user namespace denies setgroups(2), as unshare -r and nsrun -r make it; add --preserve-credentials)",
		     strerror(EPERM));
	if (r < 0 && cstep == CRED_GROUPS)
		die(r, "setgroups failed");
	if (r < 0 && cstep == CRED_GID)
		die(r, "setgid() failed");
	if (r < 0 && cstep == CRED_UID)
		die(r, "setuid() failed");
	if (r < 0)
		die(r, "prctl(PR_CAP_AMBIENT) failed");

	r = exec_argv_or_shell(o.argv, &path);
	die_status(r == -ENOENT ? NS_EXIT_NOT_FOUND : NS_EXIT_CANNOT_INVOKE, r,
		   "failed to execute %s", path);
}
