/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsmap: write the uid and gid maps of a user namespace within the caller's subordinate ids. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

#include "ns.h"
#include "cli.h"
#include "config.h"
#include "nsmap-opts.h"
#include "nsmap-words.h"

#define CAPS_ALL ((1ull << CAP_SETUID) | (1ull << CAP_SETGID) | (1ull << CAP_SETFCAP))

/* What the checks found, for the writes. */
struct nsmap_job {
	const struct nsmap_voice *voice;
	const char *target;
	int proc;
	struct passwd *pw;
	struct ns_idmap_caller caller;
	bool have[2];
	struct ns_idmap map[2];
	bool from_subid[2];
};

#ifdef __SANITIZE_ADDRESS__
/* Built with AddressSanitizer: with file capabilities nsmap is not
 * dumpable, so the runtime can read neither ASAN_OPTIONS from
 * /proc/self/environ nor, for LeakSanitizer, ptrace(2) itself when traced.
 * Leaks are checked by the library's unit tests instead. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif


static uint64_t kind_cap(enum ns_idmap_kind k)
{
	return 1ull << (k == NS_GID_MAP ? CAP_SETGID : CAP_SETUID);
}

/* Opens the target once; every later access is relative to this fd. Any
 * failure to reach a PID reads the same, so that a process hidden from
 * the caller (proc(5) hidepid) looks like none. */
static int open_target(const struct nsmap_voice *v, const char *s)
{
	struct nsmap_why w = { .target = s };
	uint32_t n;
	bool is_fd;
	int fd, r;

	if (!parse_target(s, &is_fd, &n))
		nsmap_fail(v, NSMAP_BAD_TARGET, &w);
	w.pid = n;
	if (!is_fd) {
		if (n == 0)
			nsmap_fail(v, NSMAP_PID_ZERO, &w);
		fd = ns_proc_open_pinned((pid_t)n);
		if (fd >= 0)
			return fd;
		w.err = fd;
		nsmap_fail(v, NSMAP_NO_PROCESS, &w);
	}
	r = ns_proc_check_dir((int)n);
	if (r == -EXDEV || r == -ENOTDIR)
		nsmap_fail(v, NSMAP_NOT_PROC_DIR, &w);
	w.err = r;
	if (r < 0)
		nsmap_fail(v, NSMAP_TARGET_FD, &w);
	/* our own copy, close-on-exec, above the standard fds */
	fd = fcntl((int)n, F_DUPFD_CLOEXEC, 3);
	w.err = -errno;
	if (fd < 0)
		nsmap_fail(v, NSMAP_TARGET_FD, &w);
	return fd;
}

/* GRANT_AUX_GROUP_SUBIDS in login.defs(5) lets a caller whose real gid is
 * not its passwd group map ids, as shadow's newuidmap(1) does (since 4.9):
 * the target must still have the caller's real gid, and the own gid a map
 * may name is that real gid. Read only when it matters. */
static bool aux_group_granted(const struct nsmap_voice *v)
{
	struct nsmap_why w = { .path = NS_PATH_LOGIN_DEFS };
	int r;

	r = ns_login_defs_yes(NS_PATH_LOGIN_DEFS, "GRANT_AUX_GROUP_SUBIDS");
	w.err = r;
	if (r < 0)
		nsmap_fail(v, NSMAP_LOGIN_DEFS, &w);
	return r > 0;
}

/* A process reaped after its directory was opened reads as root's
 * (proc(5) has no owner left to show), which is no reason to blame the
 * caller: its directory holds no entries any more. */
static bool target_reaped(int proc)
{
	struct stat st;

	return fstatat(proc, "stat", &st, 0) < 0 && (errno == ENOENT || errno == ESRCH);
}

static void check_owner(struct nsmap_job *j)
{
	const struct nsmap_voice *v = j->voice;
	struct nsmap_ids ids = { .uid = getuid(), .gid = getgid() };
	struct nsmap_why w = { .target = j->target, .ids = &ids };
	struct stat st;

	errno = 0;
	j->pw = getpwuid((uid_t)ids.uid);
	if (!j->pw)
		nsmap_fail(v, NSMAP_NO_USER, &w);
	w.user = j->pw->pw_name;
	if (fstat(j->proc, &st) < 0) {
		w.err = -errno;
		nsmap_fail(v, NSMAP_STAT, &w);
	}
	ids.pw_uid = j->pw->pw_uid;
	ids.pw_gid = j->pw->pw_gid;
	ids.st_uid = st.st_uid;
	ids.st_gid = st.st_gid;
	if (ids.pw_uid != ids.uid || ids.st_uid != ids.uid || ids.st_gid != ids.gid) {
		if (target_reaped(j->proc))
			nsmap_fail(v, NSMAP_REAPED, &w);
		nsmap_fail(v, NSMAP_NOT_OWNER, &w);
	}
	if (ids.pw_gid != ids.gid && !aux_group_granted(v))
		nsmap_fail(v, NSMAP_NOT_GROUP, &w);
	j->caller = (struct ns_idmap_caller){ .name = j->pw->pw_name, .uid = (uid_t)ids.uid,
					      .gid = (gid_t)ids.gid };
}

static void auto_map(struct nsmap_job *j, enum ns_idmap_kind k)
{
	struct nsmap_why w = { .kind = k, .user = j->caller.name, .path = subid_path(k) };
	int r;

	r = ns_idmap_auto(k, &j->caller, subid_path(k), &j->map[k]);
	w.err = r;
	if (r == -ENOENT)
		nsmap_fail(j->voice, NSMAP_NO_SUBID_LINE, &w);
	if (r < 0)
		nsmap_fail(j->voice, NSMAP_SUBID_READ, &w);
	j->have[k] = true;
}

static void check_ranges(struct nsmap_job *j, enum ns_idmap_kind k)
{
	struct nsmap_why w = { .kind = k, .user = j->caller.name, .path = subid_path(k) };
	size_t i = 0;
	int r;

	r = ns_idmap_check(k, &j->map[k], &j->caller, subid_path(k), &i, &j->from_subid[k]);
	if (r == 0)
		return;
	w.range = &j->map[k].r[i];
	w.err = r;
	if (r == -EACCES)
		nsmap_fail(j->voice, NSMAP_HOST_ZERO, &w);
	if (r == -EPERM)
		nsmap_fail(j->voice, NSMAP_NOT_ALLOTTED, &w);
	nsmap_fail(j->voice, NSMAP_SUBID_READ, &w);
}

/* The capabilities the writes need, for both maps. */
static uint64_t needed_caps(const struct nsmap_job *j)
{
	uint64_t caps = 0;

	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++)
		if (j->have[k])
			caps |= ns_idmap_caps(k, &j->map[k]);
	return caps;
}

static void keep_only(const struct nsmap_voice *v, uint64_t caps)
{
	struct nsmap_why w = { 0 };
	uint64_t permitted = 0;

	w.err = ns_privs_drop(caps, NULL);
	if (w.err < 0)
		nsmap_fail(v, NSMAP_PRIVS_DROP, &w);
	w.err = ns_privs_permitted(&permitted);
	if (w.err < 0)
		nsmap_fail(v, NSMAP_PRIVS_READ, &w);
	if ((permitted & caps) == caps)
		return;
	w.caps = caps & ~permitted;
	nsmap_fail(v, NSMAP_NO_CAPS, &w);
}

/* newgidmap(1): without a range from /etc/subgid, setgroups(2) stays
 * denied in the namespace (CVE-2018-7169). */
static void deny_setgroups(const struct nsmap_job *j)
{
	struct nsmap_why w = { .target = j->target };

	w.err = ns_setgroups_deny_checked(j->proc);
	if (w.err == -ENOENT)
		nsmap_warn(j->voice, NSMAP_NO_SETGROUPS, &w);
	else if (w.err < 0)
		nsmap_fail(j->voice, NSMAP_SETGROUPS, &w);
}

/* The kernel's rule (mappings_overlap() in kernel/user_namespace.c): no
 * two ranges may share an id inside, nor one outside. */
static bool map_overlaps(const struct ns_idmap *m)
{
	for (size_t a = 0; a < m->n; a++) {
		for (size_t b = a + 1; b < m->n; b++) {
			const struct ns_idmap_range *x = &m->r[a], *y = &m->r[b];

			if ((uint64_t)x->inner + x->count > y->inner &&
			    (uint64_t)y->inner + y->count > x->inner)
				return true;
			if ((uint64_t)x->outer + x->count > y->outer &&
			    (uint64_t)y->outer + y->count > x->outer)
				return true;
		}
	}
	return false;
}

static void write_one(struct nsmap_job *j, enum ns_idmap_kind k)
{
	const struct nsmap_voice *v = j->voice;
	struct nsmap_why w = { .kind = k, .target = j->target };
	bool deny = k == NS_GID_MAP && !j->from_subid[k];
	int fd, r;

	/* refused before setgroups is touched: the kernel's refusal would
	 * come only after it, with setgroups denied for nothing */
	if (map_overlaps(&j->map[k]))
		nsmap_fail(v, NSMAP_MAP_OVERLAP, &w);
	/* newgidmap sets setgroups before it tries the map; nsmap refuses a
	 * map already written first */
	if (deny && v->shadow)
		deny_setgroups(j);
	if (ns_idmap_written(j->proc, k) > 0)
		nsmap_fail(v, NSMAP_WRITTEN, &w);
	if (deny && !v->shadow)
		deny_setgroups(j);

	/* The capability is effective only for the open and the write: the
	 * kernel checks it for the opener and again for the writer. */
	w.err = ns_privs_effective(ns_idmap_caps(k, &j->map[k]));
	if (w.err < 0)
		nsmap_fail(v, NSMAP_PRIVS_RAISE, &w);
	fd = ns_idmap_open_checked(j->proc, k, O_WRONLY);
	r = fd < 0 ? fd : ns_idmap_write_fd(fd, &j->map[k]);
	if (fd >= 0)
		close(fd);
	if (ns_privs_effective(0) < 0)
		_exit(1);
	if (r == 0)
		return;
	w.err = r;
	w.at_open = fd < 0;
	if (r == -E2BIG)
		nsmap_fail(v, NSMAP_MAP_TOO_LONG, &w);
	if (r == -EXDEV || r == -ELOOP)
		nsmap_fail(v, NSMAP_MAP_MOUNTED, &w);
	if (r == -EPERM && ns_idmap_written(j->proc, k) > 0)
		nsmap_fail(v, NSMAP_WRITTEN, &w);
	if (r == -EINVAL)
		nsmap_fail(v, NSMAP_MAP_OVERLAP, &w);
	nsmap_fail(v, NSMAP_MAP_WRITE, &w);
}

static int run_check(enum ns_privs_origin origin)
{
	static const char *const origin_name[] = {
		[NS_PRIVS_NONE] = "no privileges (neither set-user-ID root nor file capabilities)",
		[NS_PRIVS_ROOT] = "run by root",
		[NS_PRIVS_SETUID] = "set-user-ID root",
		[NS_PRIVS_FILECAP] = "file capabilities",
	};
	uint64_t permitted = 0;
	struct passwd *pw;
	int status = 0, r;

	pw = getpwuid(getuid());
	if (!pw)
		diex("cannot look up the caller's user name: no user with uid %u", (unsigned)getuid());
	r = ns_privs_permitted(&permitted);
	if (r < 0)
		die(r, "cannot read capabilities");
	printf("user %s (uid %u, gid %u)\n", pw->pw_name, (unsigned)getuid(), (unsigned)getgid());
	printf("privileges: %s\n", origin_name[origin]);
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++) {
		struct ns_subid *ids = NULL;
		size_t n = 0;

		printf("%s %u (own id)\n", kind_word(k),
		       k == NS_GID_MAP ? (unsigned)getgid() : (unsigned)getuid());
		r = ns_subid_list(subid_path(k), pw->pw_name, getuid(), &ids, &n);
		if (r < 0 && r != -ENOENT)
			die(r, "cannot read %s", subid_path(k));
		for (size_t i = 0; i < n; i++)
			printf("%s %u-%lu (%s)\n", kind_word(k), ids[i].start,
			       (unsigned long)ids[i].start + ids[i].count - 1, subid_path(k));
		free(ids);
		fflush(stdout);
		if (!(permitted & kind_cap(k))) {
			fprintf(stderr, "%s: cannot write %s maps: nsmap is neither set-user-ID root nor has the %s file capability\n",
				program_name, kind_word(k), k == NS_GID_MAP ? "cap_setgid" : "cap_setuid");
			status = 1;
		}
		if (n == 0) {
			fprintf(stderr, "%s: no line for user '%s' in %s: only %s %u itself can be mapped\n",
				program_name, pw->pw_name, subid_path(k), kind_word(k),
				k == NS_GID_MAP ? (unsigned)getgid() : (unsigned)getuid());
			status = 1;
		}
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct nsmap_voice *v;
	struct nsmap_opts o = { 0 };
	struct nsmap_job j = { .proc = -1 };
	enum ns_privs_origin origin = NS_PRIVS_NONE;
	struct nsmap_why w = { 0 };

	/* Before anything prints or opens: a closed fd 2 would make the next
	 * file opened our stderr. */
	if (ns_fds_std_ensure() < 0)
		return 1;
	/* An empty argv (argc 0; since Linux 5.18 the kernel supplies "")
	 * would make argv[1] the first environment string. */
	if (argc < 1 || !argv[0] || !argv[0][0]) {
		fputs("nsmap: refusing to run with an empty argument list\n", stderr);
		return 1;
	}
	/* the name it runs under decides the words and the argument form */
	v = nsmap_voice_of(argv[0]);
	program_name = v->name;
	w.err = ns_privs_drop(CAPS_ALL, &origin);
	if (w.err < 0)
		nsmap_fail(v, NSMAP_PRIVS_DROP, &w);

	parse_options(v, argc, argv, &o);
	if (o.check)
		return run_check(origin);

	/* newuidmap looks at the target before the ranges; nsmap reports
	 * usage errors before it touches anything */
	if (!v->shadow)
		parse_ranges(v, &o, j.map, j.have);
	j.voice = v;
	j.target = o.target;
	j.proc = open_target(v, o.target);
	check_owner(&j);
	if (v->shadow)
		parse_ranges(v, &o, j.map, j.have);
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++)
		if (o.automatic)
			auto_map(&j, (enum ns_idmap_kind)k);
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++)
		if (j.have[k])
			check_ranges(&j, (enum ns_idmap_kind)k);

	if (o.dry_run) {
		for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++) {
			if (!j.have[k])
				continue;
			if (j.have[NS_UID_MAP] && j.have[NS_GID_MAP])
				printf("%s:\n", ns_idmap_file((enum ns_idmap_kind)k));
			if (k == NS_GID_MAP && !j.from_subid[k])
				printf("setgroups: deny\n");
			print_idmap(NULL, &j.map[k]);
		}
		return 0;
	}
	keep_only(v, needed_caps(&j));
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++)
		if (j.have[k])
			write_one(&j, (enum ns_idmap_kind)k);
	close(j.proc);
	return 0;
}
