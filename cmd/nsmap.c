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
#include "nsmap.h"

#define CAPS_ALL ((1ull << CAP_SETUID) | (1ull << CAP_SETGID) | (1ull << CAP_SETFCAP))

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
static int open_target(const char *s)
{
	uint32_t n;
	bool is_fd;
	int fd, r;

	if (!parse_target(s, &is_fd, &n)) {
		if (compat)
			compat_usage();
		diex("invalid target '%s' (expected a PID or fd:N)", s);
	}
	if (!is_fd) {
		fd = ns_proc_open_pinned((pid_t)n);
		if (fd >= 0)
			return fd;
		if (compat) {
			fprintf(stderr, "%s: Could not open proc directory for target %u\n",
				program_name, n);
			exit(1);
		}
		die(-ESRCH, "cannot open process %u", n);
	}
	r = ns_proc_check_dir((int)n);
	if (r < 0 && compat)
		compat_usage();
	if (r == -EXDEV || r == -ENOTDIR)
		diex("invalid target '%s': not a /proc/PID directory", s);
	if (r < 0)
		die(r, "invalid target '%s'", s);
	/* our own copy, close-on-exec, above the standard fds */
	fd = fcntl((int)n, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		die(-errno, "invalid target '%s'", s);
	return fd;
}

static void check_owner(struct nsmap_job *j)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct stat st;

	errno = 0;
	j->pw = getpwuid(uid);
	if (!j->pw) {
		if (compat)
			diex("Cannot determine your user name.");
		diex("cannot look up the caller's user name: no user with uid %u", (unsigned)uid);
	}
	if (fstat(j->proc, &st) < 0)
		die(-errno, "cannot stat process %s", j->target);
	if (compat && (j->pw->pw_uid != uid || j->pw->pw_gid != gid || st.st_uid != uid ||
		       st.st_gid != gid))
		diex("Target%s %s is owned by a different user: uid:%lu pw_uid:%lu st_uid:%lu, gid:%lu pw_gid:%lu st_gid:%lu",
		     compat == COMPAT_UID ? " process" : "", j->target, (unsigned long)uid,
		     (unsigned long)j->pw->pw_uid, (unsigned long)st.st_uid, (unsigned long)gid,
		     (unsigned long)j->pw->pw_gid, (unsigned long)st.st_gid);
	if (st.st_uid != uid || st.st_gid != gid)
		diex("process %s is owned by uid %u gid %u, not by the caller (uid %u gid %u)",
		     j->target, (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)uid,
		     (unsigned)gid);
	if (j->pw->pw_gid != gid)
		diex("the caller's gid %u is not the group %u of user '%s'", (unsigned)gid,
		     (unsigned)j->pw->pw_gid, j->pw->pw_name);
	j->caller = (struct ns_idmap_caller){ .name = j->pw->pw_name, .uid = uid, .gid = gid };
}

static void auto_map(struct nsmap_job *j, enum ns_idmap_kind k)
{
	int r;

	r = ns_idmap_auto(k, &j->caller, subid_path(k), &j->map[k]);
	if (r == -ENOENT)
		diex("no line for user '%s' in %s", j->caller.name, subid_path(k));
	if (r < 0)
		die(r, "cannot read %s", subid_path(k));
	j->have[k] = true;
}

static void check_ranges(struct nsmap_job *j, enum ns_idmap_kind k)
{
	const struct ns_idmap_range *bad;
	size_t i = 0;
	int r;

	r = ns_idmap_check(k, &j->map[k], &j->caller, subid_path(k), &i, &j->from_subid[k]);
	if (r == 0)
		return;
	bad = &j->map[k].r[i];
	if (compat && (r == -EPERM || r == -EACCES))
		not_allowed(k, bad);
	if (r == -EACCES)
		diex("%s range %u-%lu includes host %s 0, which only root may map", kind_word(k),
		     bad->outer, (unsigned long)bad->outer + bad->count - 1, kind_word(k));
	if (r == -EPERM)
		diex("%s range %u-%lu is not allotted to user '%s' in %s", kind_word(k), bad->outer,
		     (unsigned long)bad->outer + bad->count - 1, j->caller.name, subid_path(k));
	die(r, "cannot read %s", subid_path(k));
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

static void keep_only(uint64_t caps)
{
	uint64_t permitted = 0;
	int r;

	r = ns_privs_drop(caps, NULL);
	if (r < 0)
		die(r, "cannot drop privileges");
	r = ns_privs_permitted(&permitted);
	if (r < 0)
		die(r, "cannot read capabilities");
	if ((permitted & caps) == caps)
		return;
	if (compat)
		diex("Could not set caps");
	if ((caps & ~permitted) & kind_cap(NS_UID_MAP))
		diex("cannot write the uid map: nsmap is neither set-user-ID root nor has the cap_setuid file capability");
	if ((caps & ~permitted) & kind_cap(NS_GID_MAP))
		diex("cannot write the gid map: nsmap is neither set-user-ID root nor has the cap_setgid file capability");
	diex("cannot map host uid 0: nsmap lacks the cap_setfcap capability");
}

static void print_map(const struct ns_idmap *map)
{
	char buf[NS_IDMAP_MAX * 34 + 1];

	if (ns_idmap_format(map, buf, sizeof(buf)) >= 0)
		fputs(buf, stdout);
}

/* newgidmap(1): without a range from /etc/subgid, setgroups(2) stays
 * denied in the namespace (CVE-2018-7169). */
static void deny_setgroups(const struct nsmap_job *j)
{
	int r = ns_setgroups_deny_checked(j->proc);

	if (r >= 0 || r == -ENOENT)
		return;
	if (compat)
		/* its policy string keeps its newline */
		die(r, "failed to setgroups deny\n policy");
	die(r, "cannot write setgroups of process %s", j->target);
}

static void write_one(struct nsmap_job *j, enum ns_idmap_kind k)
{
	const char *file = k == NS_GID_MAP ? "gid_map" : "uid_map";
	bool deny = k == NS_GID_MAP && !j->from_subid[k];
	int fd, r;

	/* newgidmap sets setgroups before it tries the map */
	if (deny && compat)
		deny_setgroups(j);
	r = ns_idmap_written(j->proc, k);
	if (r > 0) {
		if (compat)
			diex("write to %s failed: %s", file, strerror(EPERM));
		diex("cannot write the %s map of process %s: it is already written", kind_word(k),
		     j->target);
	}
	if (deny && !compat)
		deny_setgroups(j);

	/* The capability is effective only for the open and the write: the
	 * kernel checks it for the opener and again for the writer. */
	r = ns_privs_effective(ns_idmap_caps(k, &j->map[k]));
	if (r < 0)
		die(r, "cannot raise capabilities");
	fd = ns_idmap_open_checked(j->proc, k, O_WRONLY);
	r = fd < 0 ? fd : ns_idmap_write_fd(fd, &j->map[k]);
	if (fd >= 0)
		close(fd);
	if (ns_privs_effective(0) < 0)
		_exit(1);
	if (fd < 0 && compat)
		die(fd, "open of %s failed", file);
	/* the kernel's answer to a map past one page */
	if (r == -E2BIG && compat)
		r = -EINVAL;
	if (r < 0 && compat)
		die(r, "write to %s failed", file);
	if (r == -E2BIG)
		diex("cannot write the %s map of process %s: its text is longer than the kernel takes (less than one page)",
		     kind_word(k), j->target);
	if (r == -EXDEV || r == -ELOOP)
		diex("cannot write the %s map of process %s: %s is not the kernel's file (something is mounted on it)",
		     kind_word(k), j->target, file);
	if (r == -EPERM && ns_idmap_written(j->proc, k) > 0)
		diex("cannot write the %s map of process %s: it is already written", kind_word(k),
		     j->target);
	if (r == -EINVAL)
		diex("cannot write the %s map of process %s: %s (two ranges overlap inside or outside)",
		     kind_word(k), j->target, strerror(EINVAL));
	if (r < 0)
		die(r, "cannot write the %s map of process %s", kind_word(k), j->target);
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
	struct nsmap_opts o = { 0 };
	struct nsmap_job j = { .proc = -1 };
	enum ns_privs_origin origin = NS_PRIVS_NONE;
	int r;

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
	program_name = "nsmap";
	r = ns_privs_drop(CAPS_ALL, &origin);
	if (r < 0)
		die(r, "cannot drop privileges");

	compat = compat_from_name(argv[0]);
	o.compat = compat;
	if (compat) {
		program_name = compat == COMPAT_GID ? "newgidmap" : "newuidmap";
		parse_compat(argc, argv, &o);
	} else {
		parse_options(argc, argv, &o);
	}
	if (o.check)
		return run_check(origin);

	/* newuidmap looks at the target before the ranges; nsmap reports
	 * usage errors before it touches anything */
	if (!compat)
		parse_ranges(&o, &j);
	j.target = o.target;
	j.proc = open_target(o.target);
	check_owner(&j);
	if (compat)
		parse_ranges(&o, &j);
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++)
		if (o.autom)
			auto_map(&j, k);
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++)
		if (j.have[k])
			check_ranges(&j, k);

	if (o.dry_run) {
		for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++) {
			if (!j.have[k])
				continue;
			if (j.have[NS_UID_MAP] && j.have[NS_GID_MAP])
				printf("%s_map:\n", kind_word(k));
			if (k == NS_GID_MAP && !j.from_subid[k])
				printf("setgroups: deny\n");
			print_map(&j.map[k]);
		}
		return 0;
	}
	keep_only(needed_caps(&j));
	for (int k = NS_UID_MAP; k <= NS_GID_MAP; k++)
		if (j.have[k])
			write_one(&j, k);
	close(j.proc);
	return 0;
}
