/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun --name, --destroy, --list-names, --enter --name: namespaces that outlive programs. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

#define NAME_RULE "1 to 64 printable bytes, no '/' or blank, not '.' or '..', no leading '-'"

/* the session being made, taken back at exit until it is complete */
static struct {
	const char *name;
	char *dir;
	int dirfd, sfd;
	pid_t creator;
	bool root; /* binds under /run, decided before any unshare */
	bool committed;
	int netns_dir; /* /run/netns, when root's session made a name there */
	int commit_fd; /* the init's, which waits for the session to be complete */
} made = { .dirfd = -1, .sfd = -1, .netns_dir = -1, .commit_fd = -1 };

static void check_name(const char *name)
{
	if (ns_session_name_check(name) < 0)
		diex("invalid session name '%s' (%s)", name, NAME_RULE);
}

static noreturn void dir_failed(int r)
{
	_cleanup_free_ char *dir = NULL;

	if (r == -ENXIO)
		diex("cannot find the session directory: XDG_RUNTIME_DIR is not set (or not an absolute path)");
	if (ns_session_dir(&dir) < 0)
		die(r, "cannot open the session directory");
	if (r == -EPERM)
		diex("cannot open %s: %s (it, or the directory holding it, is not owned by uid %u)",
		     dir, strerror(EPERM), (unsigned)geteuid());
	die(r, "cannot open %s", dir);
}

/* the caller's sessions directory, or -1 when there is none yet */
static int open_dir(void)
{
	int fd, r = ns_session_dir_open(false, &fd);

	if (r == -ENOENT)
		return -1;
	if (r < 0)
		dir_failed(r);
	return fd;
}

static void take_back(void)
{
	int r;

	if (made.committed || getpid() != made.creator)
		return;
	r = ns_session_destroy(made.dirfd, made.name);
	if (r < 0 && r != -ENOENT)
		fprintf(stderr, "%s: cannot remove session '%s': %s\n", program_name, made.name,
			strerror(-r));
	if (made.netns_dir >= 0) {
		struct statfs sfs;
		_cleanup_close_ int fd = openat(made.netns_dir, made.name,
						O_PATH | O_NOFOLLOW | O_CLOEXEC);

		/* the empty file made for the bind, never a name bound since */
		if (fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_type != NSFS_MAGIC)
			unlinkat(made.netns_dir, made.name, 0);
	}
}

/* what a session of root's binds: each new namespace but the mount
 * namespace (see add_targets()) */
static bool bound(const struct nsrun_opts *o, enum ns_type t)
{
	return (o->flags & ns_type_flag(t)) && t != NS_TYPE_MNT;
}

bool session_binds(const struct nsrun_opts *o, bool root)
{
	if (!o->session || !root)
		return false;
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (bound(o, t))
			return true;
	return false;
}

/* Root's sessions: every namespace bound below the session, and the
 * network namespace also under /run/netns, by nsrun's persistence (the
 * targets opened here, before anything runs). The mount namespace is held
 * by the init instead: move_mount(2) of a mount namespace file refuses
 * (ELOOP) one it takes for older than the binder's, and Linux 6.18 says so
 * now and then of a namespace made after it. */
static void add_targets(struct nsrun_opts *o)
{
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		int r;

		if (!bound(o, t))
			continue;
		r = ns_session_target(made.sfd, t, &o->persist_fd[t]);
		if (r < 0)
			die(r, "cannot create %s/%s/%s", made.dir, made.name, ns_type_name(t));
		if (asprintf((char **)&o->persist[t], "%s/%s/%s", made.dir, made.name,
			     ns_type_name(t)) < 0)
			die(-ENOMEM, "cannot create session '%s'", made.name);
		o->npersist++;
	}
	if (o->flags & CLONE_NEWNET) {
		int fd;

		if (mkdir("/run/netns", 0755) < 0 && errno != EEXIST)
			die(-errno, "cannot create /run/netns");
		made.netns_dir = open("/run/netns", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (made.netns_dir < 0)
			die(-errno, "cannot open /run/netns");
		fd = openat(made.netns_dir, made.name,
			    O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
		if (fd < 0) {
			int r = -errno;

			close(made.netns_dir);
			made.netns_dir = -1;
			die(r, "cannot create /run/netns/%s", made.name);
		}
		close(fd);
		if (asprintf((char **)&o->persist_also[NS_TYPE_NET], "/run/netns/%s", made.name) < 0)
			die(-ENOMEM, "cannot create session '%s'", made.name);
		o->persist_also_fd[NS_TYPE_NET] = ns_persist_open_target(o->persist_also[NS_TYPE_NET]);
		if (o->persist_also_fd[NS_TYPE_NET] < 0)
			die(o->persist_also_fd[NS_TYPE_NET], "cannot open %s",
			    o->persist_also[NS_TYPE_NET]);
	}
}

void session_prepare(struct nsrun_opts *o, bool root)
{
	uint32_t types = 0;
	int r;

	if (!o->session)
		return;
	check_name(o->session);
	if (!o->flags)
		diex("--name needs a namespace to keep (--user, --net, --mount, ...)");
	if (o->npersist)
		diex("--name and namespace files (--net=FILE, ...) are mutually exclusive");
	if (o->timeout_ms)
		diex("--name and --timeout are mutually exclusive");
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (o->flags & ns_type_flag(t))
			types |= 1u << t;

	made.name = o->session;
	made.creator = getpid();
	r = ns_session_dir(&made.dir);
	if (r < 0)
		dir_failed(r);
	r = ns_session_dir_open(true, &made.dirfd);
	if (r < 0)
		dir_failed(r);
	r = ns_session_create(made.dirfd, made.name, types, &made.sfd);
	if (r == -EEXIST)
		diex("cannot create session '%s': it exists (nsrun --destroy %s ends it)", made.name,
		     made.name);
	if (r < 0)
		die(r, "cannot create session '%s' in %s", made.name, made.dir);
	atexit(take_back);
	made.root = root;
	if (made.root)
		add_targets(o);
}

void session_start_init(const struct nsrun_opts *o)
{
	int r;

	/* A PID namespace needs its init to take new processes; without
	 * binds (anyone but root) the init is what holds the namespaces, and
	 * root's mount namespace (see add_targets()). */
	if (!o->session || (!(o->flags & (CLONE_NEWPID | CLONE_NEWNS)) && made.root))
		return;
	r = ns_session_start_init(made.sfd, NULL, &made.commit_fd);
	if (r < 0)
		die(r, "cannot start the init of session '%s'", made.name);
}

void session_commit(void)
{
	if (!made.name)
		return;
	if (made.commit_fd >= 0 && write(made.commit_fd, "", 1) != 1)
		die(-errno, "cannot start the init of session '%s'", made.name);
	if (made.commit_fd >= 0)
		close(made.commit_fd);
	made.commit_fd = -1;
	made.committed = true;
}

noreturn void session_destroy_main(const char *name)
{
	int dirfd, r;

	check_name(name);
	dirfd = open_dir();
	r = dirfd < 0 ? -ENOENT : ns_session_destroy(dirfd, name);
	if (r == -ENOENT)
		diex("cannot destroy session '%s': no such session", name);
	if (r < 0)
		die(r, "cannot destroy session '%s'", name);
	exit(0);
}

/* A printf table (nsrun links no table library: its common path must not
 * pay for a listing). */
struct row {
	char *name;
	char types[NS_TYPE_MAX * 8];
	char pid[16];
	char created[32];
};

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

noreturn void session_list_main(bool json)
{
	char **names = NULL;
	struct row *rows;
	size_t n = 0, w[3] = { 4, 5, 3 };
	int dirfd = open_dir(), r;

	if (dirfd >= 0) {
		r = ns_session_list(dirfd, &names, &n);
		if (r < 0)
			die(r, "cannot list sessions");
	}
	rows = calloc(n + 1, sizeof(*rows));
	if (!rows)
		die(-ENOMEM, "cannot list sessions");
	for (size_t i = 0; i < n; i++) {
		struct ns_session_info si = { 0 };
		_cleanup_close_ int sfd = -1, pidfd = -1;
		struct tm tm;

		rows[i].name = names[i];
		if (ns_session_open(dirfd, names[i], &sfd) < 0 || ns_session_read(sfd, &si) < 0) {
			strcpy(rows[i].types, "?");
		} else {
			for (int t = 0; t < NS_TYPE_MAX; t++)
				if (si.types & (1u << t))
					snprintf(rows[i].types + strlen(rows[i].types),
						 sizeof(rows[i].types) - strlen(rows[i].types), "%s%s",
						 rows[i].types[0] ? "," : "", ns_type_name(t));
			/* an init gone (or its number reused) is no PID */
			if (ns_session_init_open(&si, &pidfd) == 0)
				snprintf(rows[i].pid, sizeof(rows[i].pid), "%d", (int)si.init_pid);
			if (localtime_r(&si.created, &tm))
				strftime(rows[i].created, sizeof(rows[i].created), "%Y-%m-%dT%H:%M:%S",
					 &tm);
		}
		if (strlen(rows[i].name) > w[0])
			w[0] = strlen(rows[i].name);
		if (strlen(rows[i].types) > w[1])
			w[1] = strlen(rows[i].types);
		if (strlen(rows[i].pid) > w[2])
			w[2] = strlen(rows[i].pid);
	}
	if (json) {
		printf("{\n   \"sessions\": [");
		for (size_t i = 0; i < n; i++) {
			printf("%s\n      {\n         \"name\": ", i ? "," : "");
			json_string(rows[i].name);
			printf(",\n         \"types\": ");
			json_string(rows[i].types);
			printf(",\n         \"pid\": %s,\n         \"created\": ",
			       rows[i].pid[0] ? rows[i].pid : "null");
			if (rows[i].created[0])
				json_string(rows[i].created);
			else
				printf("null");
			printf("\n      }");
		}
		printf("%s]\n}\n", n ? "\n   " : "");
	} else {
		printf("%-*s %-*s %*s CREATED\n", (int)w[0], "NAME", (int)w[1], "TYPES", (int)w[2],
		       "PID");
		for (size_t i = 0; i < n; i++)
			printf("%-*s %-*s %*s %s\n", (int)w[0], rows[i].name, (int)w[1],
			       rows[i].types, (int)w[2], rows[i].pid, rows[i].created);
	}
	exit(0);
}

/* whether @fd is the caller's own user namespace, which setns(2) refuses */
static bool own_userns(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

void session_enter_files(const char *name, char **argv, uint32_t *types, int fd[NS_TYPE_MAX],
			 const char *label[NS_TYPE_MAX])
{
	_cleanup_close_ int sfd = -1;
	struct ns_session_info si;
	int dirfd, r;

	check_name(name);
	dirfd = open_dir();
	r = dirfd < 0 ? -ENOENT : ns_session_open(dirfd, name, &sfd);
	if (r == -ENOENT) {
		/* a name only ip-netns(8) made: what ip netns exec does */
		r = ns_session_join_netns(name);
		if (r == -ENOENT)
			diex("cannot enter session '%s': no such session", name);
		if (r < 0)
			die(r, "cannot enter network namespace '%s'", name);
		exec_program(argv);
	}
	if (r < 0)
		die(r, "cannot open session '%s'", name);
	r = ns_session_read(sfd, &si);
	if (r == -EBADMSG)
		diex("cannot enter session '%s': its record is damaged", name);
	if (r < 0)
		die(r, "cannot open session '%s'", name);
	/* every file opened before the first setns(2), as given files are */
	for (int t = 0; t < NS_TYPE_MAX; t++) {
		int f;

		if (!(si.types & (1u << t)))
			continue;
		f = ns_session_open_ns(sfd, t);
		if (f == -ESTALE)
			diex("cannot enter session '%s': it is stale, its %s namespace is gone (nsrun --destroy %s removes it)",
			     name, ns_type_name(t), name);
		if (f < 0)
			die(f, "cannot open the %s namespace of session '%s'", ns_type_name(t), name);
		if (t == NS_TYPE_USER && own_userns(f)) {
			close(f);
			continue;
		}
		if (fd[t] >= 0)
			close(fd[t]);
		fd[t] = f;
		*types |= 1u << t;
		if (label)
			label[t] = name;
	}
}

/* The modes beyond creating: each alone, with nothing to unshare. */
void session_dispatch(struct nsrun_opts *o)
{
	int modes = !!o->session_destroy + o->session_list;

	if (modes > 1)
		diex("options --destroy and --list-names are mutually exclusive");
	if (o->session_json && !o->session_list)
		diex("option -J needs --list-names");
	if (modes && (o->flags || o->session))
		diex("--destroy and --list-names take no namespace options");
	if (o->session_destroy) {
		if (o->argv[0])
			diex("--destroy takes no program");
		session_destroy_main(o->session_destroy);
	}
	if (o->session_list) {
		if (o->argv[0])
			diex("--list-names takes no program");
		session_list_main(o->session_json);
	}
}
