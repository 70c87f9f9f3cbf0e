/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for /etc/subuid line parsing and lookup by name or numeric uid. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"
#include "test.h"

static void expect_line(const char *line, const char *owner, uint32_t start, uint32_t count)
{
	struct ns_subid id;

	test_assert_int(ns_subid_parse_line(line, &id), 0);
	test_assert_str(id.owner, owner);
	test_assert_int(id.start, start);
	test_assert_int(id.count, count);
}

static void expect_fail(const char *line, int err)
{
	struct ns_subid id = { .owner = "sentinel", .start = 7, .count = 9 };
	int r = ns_subid_parse_line(line, &id);

	if (r != err) {
		fprintf(stderr, "'%s': got %d, want %d\n", line, r, err);
		test_assert(false);
	}
	test_assert_str(id.owner, "sentinel");
	test_assert_int(id.start, 7);
	test_assert_int(id.count, 9);
}

static void test_parse_line(void)
{
	char owner[300], line[400];

	expect_line("alice:100000:65536\n", "alice", 100000, 65536);
	expect_line("alice:100000:65536", "alice", 100000, 65536);
	expect_line("1000:200000:1", "1000", 200000, 1);
	expect_line("svc-user.x_1:0:4294967295", "svc-user.x_1", 0, 4294967295u);
	expect_line("bob:4294967295:1\n", "bob", 4294967295u, 1);
	expect_line("bob:000000000000000000100000:00065536", "bob", 100000, 65536);

	expect_fail("", -ENODATA);
	expect_fail("\n", -ENODATA);
	expect_fail("  \t \n", -ENODATA);
	expect_fail("# alice:100000:65536\n", -ENODATA);
	expect_fail("#", -ENODATA);
	expect_fail("   # indented comment", -ENODATA);

	expect_fail("alice", -EINVAL);
	expect_fail("alice:100000", -EINVAL);
	expect_fail("alice:100000:", -EINVAL);
	expect_fail("alice::65536", -EINVAL);
	expect_fail(":100000:65536", -EINVAL);
	expect_fail("alice:100000:65536:1", -EINVAL);
	expect_fail("alice:1e5:65536", -EINVAL);
	expect_fail("alice:-1:65536", -EINVAL);
	expect_fail("alice:+1:65536", -EINVAL);
	expect_fail("alice: 1:65536", -EINVAL);
	expect_fail("alice:1:65536 ", -EINVAL);
	expect_fail(" alice:1:65536", -EINVAL);
	expect_fail("al ice:1:65536", -EINVAL);
	expect_fail("alice:0x10:65536", -EINVAL);
	expect_fail("alice:1:2\nbob:3:4\n", -EINVAL);
	expect_fail("alice:1:2\r\n", -EINVAL);
	expect_fail("alice:x:99999999999", -EINVAL);

	expect_fail("alice:4294967296:1", -ERANGE);
	expect_fail("alice:1:4294967296", -ERANGE);
	expect_fail("alice:99999999999999999999999:1", -ERANGE);
	expect_fail("alice:100000:0", -ERANGE);
	expect_fail("alice:4294967295:2", -ERANGE);
	expect_fail("alice:2:4294967295", -ERANGE);
	expect_line("alice:1:4294967295", "alice", 1, 4294967295u);
	/* past 2^32: a hostile or corrupt line whose range would wrap to low
	 * ids, host root among them */
	expect_fail("alice:4294967295:4294967295", -ERANGE);
	expect_fail("alice:4294901761:65536", -ERANGE);
	expect_fail("alice:4294967294:3", -ERANGE);
	expect_line("alice:4294901760:65536", "alice", 4294901760u, 65536);

	/* the owner must fit struct ns_subid, NUL included */
	memset(owner, 'a', 255);
	owner[255] = '\0';
	snprintf(line, sizeof(line), "%s:1:2\n", owner);
	expect_line(line, owner, 1, 2);
	memset(owner, 'a', 256);
	owner[256] = '\0';
	snprintf(line, sizeof(line), "%s:1:2\n", owner);
	expect_fail(line, -EINVAL);
}

static const char subuid[] =
	"# /etc/subuid\n"
	"\n"
	"bob:100000:65536\n"
	"garbage line without colons\n"
	"alice:notanumber:65536\n"
	"alice:99999999999:65536\n"
	"alice:300000:0\n"
	"99999999999:1:1\n"
	"1000:300000:65536\n"
	"   \n"
	"alice:200000:65536\n"
	"alice:400000:1000\n"
	"1001:500000:10\n"
	"dave:600000:7";

static void test_lookup(void)
{
	char path[] = "/tmp/test-subid-XXXXXX";
	char dir[] = "/tmp/test-subid-dir-XXXXXX";
	struct ns_subid id;
	int fd;

	fd = mkstemp(path);
	test_assert(fd >= 0);
	test_assert_int(write_all(fd, subuid, strlen(subuid)), 0);
	close(fd);

	test_assert_int(ns_subid_lookup(path, "bob", 1234, &id), 0);
	test_assert_str(id.owner, "bob");
	test_assert_int(id.start, 100000);
	test_assert_int(id.count, 65536);

	/* malformed lines for alice are skipped, the first good one wins */
	test_assert_int(ns_subid_lookup(path, "alice", 1001, &id), 0);
	test_assert_str(id.owner, "alice");
	test_assert_int(id.start, 200000);

	/* a numeric owner line before any name line wins */
	test_assert_int(ns_subid_lookup(path, "alice", 1000, &id), 0);
	test_assert_str(id.owner, "1000");
	test_assert_int(id.start, 300000);
	test_assert_int(id.count, 65536);

	/* no name to match (a uid without a passwd entry) */
	test_assert_int(ns_subid_lookup(path, NULL, 1001, &id), 0);
	test_assert_int(id.start, 500000);
	test_assert_int(id.count, 10);

	/* the last line needs no newline */
	test_assert_int(ns_subid_lookup(path, "dave", 4242, &id), 0);
	test_assert_int(id.start, 600000);
	test_assert_int(id.count, 7);

	/* names compare whole, not as prefixes */
	memset(&id, 0x5a, sizeof(id));
	test_assert_int(ns_subid_lookup(path, "ali", 4242, &id), -ENOENT);
	test_assert_int(ns_subid_lookup(path, "alice2", 4242, &id), -ENOENT);
	test_assert_int(ns_subid_lookup(path, NULL, 100, &id), -ENOENT);
	/* an owner that overflows 32 bits is no uid at all */
	test_assert_int(ns_subid_lookup(path, NULL, (uid_t)(99999999999ull & 0xffffffffu), &id),
			-ENOENT);
	test_assert_int(id.start, 0x5a5a5a5a);

	unlink(path);

	test_assert_int(ns_subid_lookup(path, "bob", 0, &id), -ENOENT);
	test_assert_int(id.start, 0x5a5a5a5a);

	/* an empty file holds nobody */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	test_assert(fd >= 0);
	close(fd);
	test_assert_int(ns_subid_lookup(path, "bob", 0, &id), -ENOENT);
	unlink(path);

	/* a read error is reported, not taken for "no entry" */
	test_assert(mkdtemp(dir));
	test_assert_int(ns_subid_lookup(dir, "bob", 0, &id), -EISDIR);
	test_assert_int(rmdir(dir), 0);
}

/* A hostile or corrupt /etc/subuid: an entry wrapping past 2^32 is no
 * entry, and one reaching id 2^32-1 is found but makes no map, for
 * "auto" (inner from 0) and "subids" (identity) alike: after the cut that
 * once came out as "0 0 1", host root. */
static void test_hostile(void)
{
	static const char text[] = "eve:4294967295:4294967295\n"
				   "eve:4294967294:3\n"
				   "eve:4294967295:1\n"
				   "mal:4294967294:1\n";
	char path[] = "/tmp/test-subid-XXXXXX";
	struct ns_idmap *m = calloc(1, sizeof(*m));
	struct ns_subid id;
	int fd;

	test_assert(m);
	fd = mkstemp(path);
	test_assert(fd >= 0);
	test_assert_int(write_all(fd, text, strlen(text)), 0);
	close(fd);

	test_assert_int(ns_subid_lookup(path, "eve", 5000, &id), 0);
	test_assert_int(id.start, 4294967295u);
	test_assert_int(id.count, 1);
	test_assert_int(ns_idmap_prepend(m, &(struct ns_idmap_range){ NS_ID_NONE, id.start,
								    id.count }), -ERANGE);
	test_assert_int(ns_idmap_prepend(m, &(struct ns_idmap_range){ id.start, id.start,
								    id.count }), -ERANGE);
	test_assert_int(m->n, 0);

	/* the last usable id, 2^32-2, maps */
	test_assert_int(ns_subid_lookup(path, "mal", 5001, &id), 0);
	test_assert_int(ns_idmap_prepend(m, &(struct ns_idmap_range){ NS_ID_NONE, id.start,
								    id.count }), 0);
	test_assert_int(ns_idmap_add_single(m, 5001, NS_ID_NONE), 0);
	test_assert_int(m->n, 1);
	test_assert_int(m->r[0].inner, 0);
	test_assert_int(m->r[0].outer, 4294967294u);
	test_assert_int(m->r[0].count, 1);
	unlink(path);
	free(m);
}

int main(void)
{
	test_parse_line();
	test_lookup();
	test_hostile();
	return 0;
}
