/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of nsmap's rules: arguments, subid ranges, policy, --auto, caps, target, argv. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"

/* parses a blank-separated argument string */
static int parse(const char *s, struct ns_idmap *ret)
{
	char buf[16384], *args[3 * (NS_IDMAP_MAX + 2)], *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		args[n++] = t;
	return ns_idmap_parse_args(args, n, ret, NULL);
}

/* the index parse() reports for @s, or SIZE_MAX if it succeeds */
static size_t parse_index(const char *s)
{
	char buf[16384], *args[3 * (NS_IDMAP_MAX + 2)], *save = NULL;
	struct ns_idmap *m = calloc(1, sizeof(*m));
	size_t n = 0, i = SIZE_MAX;

	test_assert(m);
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		args[n++] = t;
	if (ns_idmap_parse_args(args, n, m, &i) == 0)
		test_assert(i == SIZE_MAX);
	free(m);
	return i;
}

static void expect_args(const char *s, int want)
{
	struct ns_idmap *m = calloc(1, sizeof(*m));
	int r;

	test_assert(m);
	m->n = 77;
	r = parse(s, m);
	if (r != want) {
		fprintf(stderr, "'%s': got %d, want %d\n", s, r, want);
		test_assert(false);
	}
	if (r < 0)
		test_assert_int(m->n, 77);
	free(m);
}

static void test_parse_args(void)
{
	struct ns_idmap *m = calloc(1, sizeof(*m));
	char *one[1] = { (char *)"0" };
	char big[16384];
	size_t len = 0;

	test_assert(m);
	test_assert_int(parse("0 100000 65536 65536 200000 10", m), 0);
	test_assert_int(m->n, 2);
	test_assert_int(m->r[0].inner, 0);
	test_assert_int(m->r[0].outer, 100000);
	test_assert_int(m->r[0].count, 65536);
	test_assert_int(m->r[1].inner, 65536);
	test_assert_int(m->r[1].outer, 200000);
	test_assert_int(m->r[1].count, 10);

	/* the largest values a line may hold */
	expect_args("0 0 4294967295", 0);
	expect_args("4294967294 0 1", 0);
	expect_args("0 4294967294 1", 0);
	/* wrapping or reaching 2^32 */
	expect_args("1 0 4294967295", -ERANGE);
	expect_args("0 1 4294967295", -ERANGE);
	expect_args("4294967295 0 1", -ERANGE);
	expect_args("0 4294967295 1", -ERANGE);
	expect_args("4294967296 0 1", -ERANGE);
	expect_args("0 0 18446744073709551617", -ERANGE);
	expect_args("2147483648 2147483648 2147483648", -ERANGE);
	expect_args("0 0 0", -ERANGE);
	expect_args("0 100000 1 5 5 0", -ERANGE);
	/* decimal only */
	expect_args("0x0 100000 1", -EINVAL);
	expect_args("0 0x186a0 1", -EINVAL);
	expect_args("0 0186a0 1", -EINVAL);
	expect_args("0 0100000 1", -EINVAL);
	expect_args("00 100000 1", -EINVAL);
	expect_args("-1 100000 1", -EINVAL);
	expect_args("+1 100000 1", -EINVAL);
	expect_args("0 100000 1e3", -EINVAL);
	expect_args("0 100000 ١", -EINVAL);
	/* a form error anywhere comes before a range error anywhere */
	expect_args("0 0 0 x 1 1", -EINVAL);
	/* counts of arguments */
	expect_args("0 100000", -EINVAL);
	expect_args("0 100000 1 2", -EINVAL);
	test_assert_int(ns_idmap_parse_args(one, 0, m, NULL), -EINVAL);
	test_assert_int(ns_idmap_parse_args(NULL, 3, m, NULL), -EINVAL);
	{
		char *blank[3] = { (char *)" 1", (char *)"1 ", (char *)"" };

		test_assert_int(ns_idmap_parse_args(blank, 3, m, NULL), -EINVAL);
	}

	/* the argument at fault, in argument order within a kind of fault */
	test_assert(parse_index("0 100000 1") == SIZE_MAX);
	test_assert(parse_index("0 100000 1 1 x 1") == 4);
	test_assert(parse_index("0 0 0 x 1 1") == 3);
	test_assert(parse_index("0 0 1 1 1 0") == 5);
	test_assert(parse_index("0 0 1 4294967296 0 1") == 3);
	test_assert(parse_index("0 4294967295 1") == 1);
	test_assert(parse_index("4294967295 99999999999 1") == 0);
	test_assert(parse_index("1 0 4294967295") == 2);
	test_assert(parse_index("0 0 1 2") == 4);
	{
		size_t i = 77;

		test_assert_int(ns_idmap_parse_args(one, 0, m, &i), -EINVAL);
		test_assert(i == 0);
		i = 77;
		test_assert_int(ns_idmap_parse_args(one, 1, m, &i), -EINVAL);
		test_assert(i == 1);
	}

	/* 340 lines, not 341 */
	for (int i = 0; i < NS_IDMAP_MAX; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "%d %d 1 ", i, 100000 + i);
	test_assert_int(parse(big, m), 0);
	test_assert_int(m->n, NS_IDMAP_MAX);
	snprintf(big + len, sizeof(big) - len, "999 999999 1");
	expect_args(big, -E2BIG);
	test_assert(parse_index(big) == 3 * NS_IDMAP_MAX);
	free(m);
}

static int covers(const char *text, const char *user, uid_t uid, uint32_t start, uint32_t count)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	test_assert(f);
	r = subid_covers_stream(f, user, uid, start, count);
	fclose(f);
	return r;
}

static void test_covers(void)
{
	const char *t = "alice:100000:65536\n"
			"bob:100000:10\n"
			"# alice:0:4294967295\n"
			"alice:bad:line\n"
			"1000:300000:100\n"
			"alice:165536:100\n"
			"alice:500000:10\n"
			"alice:499995:10\n";

	test_assert_int(covers(t, "alice", 1000, 100000, 65536), 1);
	test_assert_int(covers(t, "alice", 1000, 100000, 1), 1);
	test_assert_int(covers(t, "alice", 1000, 165535, 1), 1);
	/* adjacent lines chain */
	test_assert_int(covers(t, "alice", 1000, 100000, 65636), 1);
	test_assert_int(covers(t, "alice", 1000, 165000, 600), 1);
	test_assert_int(covers(t, "alice", 1000, 100000, 65637), 0);
	/* overlapping lines chain, in any file order */
	test_assert_int(covers(t, "alice", 1000, 499995, 15), 1);
	test_assert_int(covers(t, "alice", 1000, 499994, 2), 0);
	/* by uid */
	test_assert_int(covers(t, "alice", 1000, 300000, 100), 1);
	test_assert_int(covers(t, "carol", 1000, 300000, 100), 1);
	test_assert_int(covers(t, "carol", 1001, 300000, 100), 0);
	/* another owner's lines, comments and bad lines do not count */
	test_assert_int(covers(t, "bob", 1001, 100000, 11), 0);
	test_assert_int(covers(t, "bob", 1001, 100000, 10), 1);
	test_assert_int(covers(t, "alice", 1000, 0, 1), 0);
	test_assert_int(covers(t, "alice", 1000, 100000, 0), 0);
	/* a line reaching 2^32 */
	test_assert_int(covers("a:4294967295:1\n", "a", 1, 4294967295u, 1), 1);
	test_assert_int(covers("a:4294967290:6\n", "a", 1, 4294967290u, 6), 1);
	test_assert_int(covers("", "a", 1, 1, 1), 0);
}

/* a subordinate id file holding @text, named after the mkstemp(3) template @tmpl */
static void subid_file(char *tmpl, const char *text)
{
	int fd = mkstemp(tmpl);

	test_assert(fd >= 0);
	test_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void test_check(void)
{
	char path[] = "/tmp/test-idmap-policy-XXXXXX";
	const char *text = "alice:100000:65536\nalice:165536:10\n";
	struct ns_idmap_caller alice = { .name = "alice", .uid = 1000, .gid = 1001 };
	struct ns_idmap_caller root = { .name = "root", .uid = 0, .gid = 0 };
	struct ns_idmap *m = calloc(1, sizeof(*m));
	size_t bad = 99;
	bool sub = true;

	test_assert(m);
	subid_file(path, text);

	test_assert_int(parse("0 1000 1 1 100000 65546", m), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, path, &bad, &sub), 0);
	test_assert(sub);
	/* the own id only as a single id, and the gid for a gid map */
	test_assert_int(parse("0 1000 1", m), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, path, &bad, &sub), 0);
	test_assert(!sub);
	test_assert_int(ns_idmap_check(NS_GID_MAP, m, &alice, path, &bad, &sub), -EPERM);
	test_assert_int(bad, 0);
	test_assert_int(parse("0 1001 1", m), 0);
	test_assert_int(ns_idmap_check(NS_GID_MAP, m, &alice, path, &bad, &sub), 0);
	test_assert_int(parse("0 1000 2", m), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, path, &bad, &sub), -EPERM);
	/* the first refused range is named */
	test_assert_int(parse("0 100000 10 10 165546 1", m), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, path, &bad, &sub), -EPERM);
	test_assert_int(bad, 1);
	/* host id 0: root's own id, never a user's */
	test_assert_int(parse("0 0 1", m), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &root, path, &bad, NULL), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, path, &bad, NULL), -EACCES);
	{
		struct ns_idmap_caller zero = { .name = "alice", .uid = 0, .gid = 0 };
		char zpath[] = "/tmp/test-idmap-policy-XXXXXX";
		struct ns_idmap_caller mallory = { .name = "mallory", .uid = 5, .gid = 5 };
		const char *z = "mallory:0:10\n";

		subid_file(zpath, z);
		test_assert_int(parse("0 0 10", m), 0);
		test_assert_int(ns_idmap_check(NS_UID_MAP, m, &mallory, zpath, &bad, NULL),
				-EACCES);
		test_assert_int(parse("0 1 9", m), 0);
		test_assert_int(ns_idmap_check(NS_UID_MAP, m, &mallory, zpath, &bad, NULL), 0);
		test_assert_int(parse("0 0 1", m), 0);
		test_assert_int(ns_idmap_check(NS_GID_MAP, m, &zero, zpath, &bad, NULL), 0);
		unlink(zpath);
	}
	/* no subordinate file: the own id still maps */
	test_assert_int(parse("0 1000 1", m), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, "/nonexistent/subuid", NULL, NULL), 0);
	test_assert_int(parse("0 100000 1", m), 0);
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, "/nonexistent/subuid", NULL, NULL),
			-EPERM);
	m->n = 0;
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, path, NULL, NULL), -EINVAL);
	unlink(path);
	free(m);
}

static void expect_range(const struct ns_idmap_range *r, uint32_t inner, uint32_t outer,
			 uint32_t count)
{
	test_assert_int(r->inner, inner);
	test_assert_int(r->outer, outer);
	test_assert_int(r->count, count);
}

/* --auto: the own id as 0, the first subordinate entry from 1 */
static void test_auto(void)
{
	char path[] = "/tmp/test-idmap-policy-XXXXXX";
	const char *text = "bob:300000:5\n"
			   "alice:100000:65536\n"
			   "alice:200000:10\n"
			   "1002:1:4294967295\n";
	struct ns_idmap_caller alice = { .name = "alice", .uid = 1000, .gid = 1001 };
	struct ns_idmap_caller carol = { .name = "carol", .uid = 1002, .gid = 1002 };
	struct ns_idmap_caller dave = { .name = "dave", .uid = 1003, .gid = 1003 };
	struct ns_idmap *m = calloc(1, sizeof(*m));
	bool sub = false;

	test_assert(m);
	subid_file(path, text);

	test_assert_int(ns_idmap_auto(NS_UID_MAP, &alice, path, m), 0);
	test_assert_int(m->n, 2);
	expect_range(&m->r[0], 0, 1000, 1);
	expect_range(&m->r[1], 1, 100000, 65536);
	/* what --auto builds, the policy lets through */
	test_assert_int(ns_idmap_check(NS_UID_MAP, m, &alice, path, NULL, &sub), 0);
	test_assert(sub);
	/* the gid for a gid map */
	test_assert_int(ns_idmap_auto(NS_GID_MAP, &alice, path, m), 0);
	expect_range(&m->r[0], 0, 1001, 1);
	expect_range(&m->r[1], 1, 100000, 65536);
	/* an entry by uid; a count no inner range can hold is cut */
	test_assert_int(ns_idmap_auto(NS_UID_MAP, &carol, path, m), 0);
	expect_range(&m->r[0], 0, 1002, 1);
	expect_range(&m->r[1], 1, 1, 4294967294u);
	/* no entry, no file: nothing written */
	m->n = 77;
	test_assert_int(ns_idmap_auto(NS_UID_MAP, &dave, path, m), -ENOENT);
	test_assert_int(ns_idmap_auto(NS_UID_MAP, &alice, "/nonexistent/subuid", m), -ENOENT);
	test_assert_int(m->n, 77);
	unlink(path);
	free(m);
}

/* The capabilities a write takes: CAP_SETFCAP only for host uid 0 in a uid map */
static void test_caps(void)
{
	struct ns_idmap *m = calloc(1, sizeof(*m));
	uint64_t setuid = 1ull << CAP_SETUID, setgid = 1ull << CAP_SETGID;
	uint64_t setfcap = 1ull << CAP_SETFCAP;

	test_assert(m);
	test_assert_int(parse("0 1000 1 1 100000 65536", m), 0);
	test_assert(ns_idmap_caps(NS_UID_MAP, m) == setuid);
	test_assert(ns_idmap_caps(NS_GID_MAP, m) == setgid);
	test_assert_int(parse("0 1000 1 1 0 1", m), 0);
	test_assert(ns_idmap_caps(NS_UID_MAP, m) == (setuid | setfcap));
	test_assert(ns_idmap_caps(NS_GID_MAP, m) == setgid);
	/* inner id 0 is not host uid 0 */
	test_assert_int(parse("0 5 1", m), 0);
	test_assert(ns_idmap_caps(NS_UID_MAP, m) == setuid);
	free(m);
}

static void test_nsmap_argv(void)
{
	struct ns_idmap *u = calloc(1, sizeof(*u)), *g = calloc(1, sizeof(*g));
	char **argv = NULL;

	test_assert(u && g);
	test_assert_int(parse("0 1000 1 1 100000 65536", u), 0);
	test_assert_int(parse("0 1000 1", g), 0);
	test_assert_int(ns_idmap_nsmap_argv("/usr/bin/nsmap", 42, u, g, &argv), 0);
	{
		static const char *const want[] = { "/usr/bin/nsmap", "--both", "42", "0", "1000",
						    "1", "1", "100000", "65536", "--", "0", "1000",
						    "1" };

		for (size_t i = 0; i < ARRAY_SIZE(want); i++)
			test_assert_str(argv[i], want[i]);
		test_assert(argv[ARRAY_SIZE(want)] == NULL);
	}
	free(argv);
	test_assert_int(ns_idmap_nsmap_argv("nsmap", 42, NULL, g, &argv), 0);
	test_assert_str(argv[1], "--gid");
	test_assert_str(argv[2], "42");
	test_assert(argv[6] == NULL);
	free(argv);
	test_assert_int(ns_idmap_nsmap_argv("nsmap", 42, u, NULL, &argv), 0);
	test_assert_str(argv[1], "42");
	test_assert(argv[8] == NULL);
	free(argv);
	test_assert_int(ns_idmap_nsmap_argv("nsmap", 42, NULL, NULL, &argv), -EINVAL);

	/* the largest maps in one run */
	u->n = g->n = NS_IDMAP_MAX;
	for (size_t i = 0; i < NS_IDMAP_MAX; i++)
		u->r[i] = g->r[i] = (struct ns_idmap_range){ 4294967294u, 4294967294u, 1 };
	test_assert_int(ns_idmap_nsmap_argv("nsmap", 2147483647, u, g, &argv), 0);
	test_assert_str(argv[3 + 3 * NS_IDMAP_MAX], "--");
	test_assert_str(argv[3 + 6 * NS_IDMAP_MAX], "1");
	test_assert(argv[4 + 6 * NS_IDMAP_MAX] == NULL);
	free(argv);
	free(u);
	free(g);
}

/* The target and its files: pinned to a live process, on procfs, nothing
 * reached through a symlink. */
static void test_target(void)
{
	char dir[] = "/tmp/test-idmap-policy-dir-XXXXXX";
	int fd, dfd, status;
	pid_t child;

	fd = ns_proc_open_pinned(getpid());
	test_assert(fd >= 0);
	test_assert_int(ns_proc_check_dir(fd), 0);
	/* our own map is written: the initial namespace's */
	test_assert_int(ns_idmap_written(fd, NS_UID_MAP), 1);
	close(fd);

	test_assert_int(ns_proc_open_pinned(0), -ESRCH);
	test_assert_int(ns_proc_open_pinned(-1), -ESRCH);
	child = fork();
	test_assert(child >= 0);
	if (child == 0)
		_exit(0);
	test_assert(waitpid(child, &status, 0) == child);
	/* gone, and very likely not reused yet */
	test_assert_int(ns_proc_open_pinned(child), -ESRCH);

	test_assert(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	test_assert(dfd >= 0);
	test_assert_int(ns_proc_check_dir(dfd), -EXDEV);
	test_assert(symlinkat("/proc/self/uid_map", dfd, "uid_map") == 0);
	test_assert(ns_idmap_open_checked(dfd, NS_UID_MAP, O_WRONLY) < 0);
	test_assert(ns_idmap_open_checked(dfd, NS_UID_MAP, O_RDONLY) < 0);
	test_assert(unlinkat(dfd, "uid_map", 0) == 0);
	fd = openat(dfd, "uid_map", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	test_assert(fd >= 0);
	close(fd);
	test_assert_int(ns_idmap_open_checked(dfd, NS_UID_MAP, O_WRONLY), -EXDEV);
	test_assert(unlinkat(dfd, "uid_map", 0) == 0);
	test_assert(ns_proc_check_dir(fd) < 0);
	close(dfd);
	test_assert(rmdir(dir) == 0);

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	test_assert(fd >= 0);
	test_assert_int(ns_proc_check_dir(fd), -ENOTDIR);
	close(fd);
}

/* ns_login_defs_yes() for GRANT_AUX_GROUP_SUBIDS in a file holding @text */
static int defs(const char *text)
{
	char path[] = "/tmp/test-login-defs-XXXXXX";
	int r;

	subid_file(path, text);
	r = ns_login_defs_yes(path, "GRANT_AUX_GROUP_SUBIDS");
	unlink(path);
	return r;
}

/* a line of login.defs: @head, @blanks spaces, @tail */
struct long_line {
	const char *head;
	int blanks;
	const char *tail;
	size_t len; /* the line's length, when it matters */
	int want;
};

static const struct long_line long_lines[] = {
	{ "GRANT_AUX_GROUP_SUBIDS yes", 1100, "\n", 0, 0 },
	{ "#", 1100, " GRANT_AUX_GROUP_SUBIDS yes\n", 0, 0 },
	{ "#", 1100, "\nGRANT_AUX_GROUP_SUBIDS yes\n", 0, 1 },
	{ "GRANT_AUX_GROUP_SUBIDS yes", 990, "\n", 0, 1 },
	{ "GRANT_AUX_GROUP_SUBIDS yes", 997, "\n", 1024, 1 },
	{ "GRANT_AUX_GROUP_SUBIDS yes", 997, "", 0, 1 },
	{ "GRANT_AUX_GROUP_SUBIDS no\nGRANT_AUX_GROUP_SUBIDS yes", 997, "", 0, 1 },
	{ "GRANT_AUX_GROUP_SUBIDS yes", 998, "\n", 0, 0 },
	{ "GRANT_AUX_GROUP_SUBIDS yes", 998, "", 0, 0 },
};

static void test_login_defs(void)
{
	char *big = malloc(4096);

	test_assert(big);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS yes\n"), 1);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS yes"), 1);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS YeS\n"), 1);
	test_assert_int(defs(" \tGRANT_AUX_GROUP_SUBIDS \t \"yes\"  \n"), 1);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS \"yes\"trailing\n"), 1);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS no\n"), 0);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS yess\n"), 0);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS y es\n"), 0);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS\n"), 0);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS \"\"\n"), 0);
	test_assert_int(defs("#GRANT_AUX_GROUP_SUBIDS yes\n"), 0);
	test_assert_int(defs("  # GRANT_AUX_GROUP_SUBIDS yes\n"), 0);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDSX yes\n"), 0);
	test_assert_int(defs("XGRANT_AUX_GROUP_SUBIDS yes\n"), 0);
	test_assert_int(defs("grant_aux_group_subids yes\n"), 0);
	test_assert_int(defs(""), 0);
	/* the last line naming the key decides; a name alone sets nothing */
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS yes\nGRANT_AUX_GROUP_SUBIDS no\n"), 0);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS no\nGRANT_AUX_GROUP_SUBIDS yes\n"), 1);
	test_assert_int(defs("GRANT_AUX_GROUP_SUBIDS yes\nGRANT_AUX_GROUP_SUBIDS\n"), 1);
	test_assert_int(ns_login_defs_yes("/nonexistent/login.defs", "GRANT_AUX_GROUP_SUBIDS"), 0);
	test_assert_int(ns_login_defs_yes("/", "GRANT_AUX_GROUP_SUBIDS"), -EISDIR);
	/* a line too long for 1023 characters is skipped, and what follows it
	 * in the same line is not a line of its own; 1023 characters are a
	 * line shadow reads, with or without its newline, 1024 are not */
	for (size_t i = 0; i < sizeof(long_lines) / sizeof(long_lines[0]); i++) {
		const struct long_line *l = &long_lines[i];

		snprintf(big, 4096, "%s%*s%s", l->head, l->blanks, "", l->tail);
		if (l->len)
			test_assert_int(strlen(big), l->len);
		test_assert_int(defs(big), l->want);
	}
	free(big);
}

int main(void)
{
	test_login_defs();
	test_target();
	test_parse_args();
	test_covers();
	test_check();
	test_auto();
	test_caps();
	test_nsmap_argv();
	return 0;
}
