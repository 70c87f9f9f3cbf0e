/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Session names, records parsed as hostile text, create and destroy without mounts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns.h"
#include "test.h"

static void put(int dirfd, const char *name, const char *text)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	test_assert(fd >= 0);
	test_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static int read_with(int dirfd, const char *types, const char *init,
		     struct ns_session_info *si)
{
	put(dirfd, "types", types);
	if (init)
		put(dirfd, "init", init);
	else
		unlinkat(dirfd, "init", 0);
	return ns_session_read(dirfd, si);
}

int main(void)
{
	char tmpl[] = "/tmp/test-session.XXXXXX", long_name[NS_SESSION_NAME_MAX + 2];
	struct ns_session_info si;
	int dirfd, sfd, pidfd;
	struct stat st;
	char init[64];

	test_assert_int(ns_session_name_check("lab"), 0);
	test_assert_int(ns_session_name_check("a.b_c-1"), 0);
	test_assert_int(ns_session_name_check(""), -EINVAL);
	test_assert_int(ns_session_name_check(NULL), -EINVAL);
	test_assert_int(ns_session_name_check("."), -EINVAL);
	test_assert_int(ns_session_name_check(".."), -EINVAL);
	test_assert_int(ns_session_name_check("a/b"), -EINVAL);
	test_assert_int(ns_session_name_check("-x"), -EINVAL);
	test_assert_int(ns_session_name_check("a b"), -EINVAL);
	test_assert_int(ns_session_name_check("a\nb"), -EINVAL);
	test_assert_int(ns_session_name_check("\xc3\xa9"), -EINVAL);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	test_assert_int(ns_session_name_check(long_name), -EINVAL);
	long_name[NS_SESSION_NAME_MAX] = '\0';
	test_assert_int(ns_session_name_check(long_name), 0);

	test_assert(mkdtemp(tmpl));
	dirfd = open(tmpl, O_PATH | O_DIRECTORY | O_CLOEXEC);
	test_assert(dirfd >= 0);

	/* records, strictly */
	test_assert_int(read_with(dirfd, "uts,net\n", NULL, &si), 0);
	test_assert_int(si.types, (1u << NS_TYPE_UTS) | (1u << NS_TYPE_NET));
	test_assert_int(si.init_pid, 0);
	test_assert_int(read_with(dirfd, "pid\n", "12:34\n", &si), 0);
	test_assert_int(si.init_pid, 12);
	test_assert_int(si.init_ino, 34);
	test_assert_int(read_with(dirfd, "pid\n", "12:34", &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "pid\n", "0:34\n", &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "pid\n", "-1:34\n", &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "pid\n", "12:\n", &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "pid\n", "12:34\nx", &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "pid\n", "2147483648:1\n", &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "pid\n", "1:99999999999999999999\n", &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "foo\n", NULL, &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "\n", NULL, &si), -EBADMSG);
	test_assert_int(read_with(dirfd, "net", NULL, &si), -EBADMSG);
	unlinkat(dirfd, "types", 0);
	test_assert_int(ns_session_read(dirfd, &si), -EBADMSG);

	/* the init is the process of the recorded pidfd inode, or none */
	pidfd = ns_pidfd_open(getpid());
	test_assert(pidfd >= 0 && fstat(pidfd, &st) == 0);
	si = (struct ns_session_info){ .types = 1, .init_pid = getpid(), .init_ino = st.st_ino };
	test_assert_int(ns_session_init_open(&si, &sfd), 0);
	close(sfd);
	si.init_ino++;
	test_assert_int(ns_session_init_open(&si, &sfd), -ESRCH);
	si.init_pid = 0;
	test_assert_int(ns_session_init_open(&si, &sfd), -ENOENT);
	close(pidfd);

	/* made and taken back without mounts */
	test_assert_int(ns_session_create(dirfd, "../x", 1u << NS_TYPE_UTS, &sfd), -EINVAL);
	test_assert_int(ns_session_create(dirfd, "s", 1u << NS_TYPE_UTS, &sfd), 0);
	test_assert_int(ns_session_create(dirfd, "s", 1u << NS_TYPE_UTS, &pidfd), -EEXIST);
	test_assert_int(ns_session_read(sfd, &si), 0);
	test_assert_int(si.types, 1u << NS_TYPE_UTS);
	test_assert_int(ns_session_target(sfd, NS_TYPE_UTS, &pidfd), 0);
	close(pidfd);
	test_assert_int(ns_session_target(sfd, NS_TYPE_UTS, &pidfd), -EEXIST);
	/* its file is no namespace file and it has no init: stale */
	test_assert_int(ns_session_open_ns(sfd, NS_TYPE_UTS), -ESTALE);
	test_assert_int(ns_session_open_ns(sfd, NS_TYPE_NET), -ENOENT);
	snprintf(init, sizeof(init), "%d:1\n", (int)getpid());
	put(sfd, "init", init);
	test_assert_int(ns_session_open_ns(sfd, NS_TYPE_UTS), -ESTALE);
	close(sfd);
	{
		char **names;
		size_t n;

		test_assert_int(ns_session_list(dirfd, &names, &n), 0);
		test_assert_int(n, 1);
		test_assert_str(names[0], "s");
		free(names[0]);
		free(names);
	}
	test_assert_int(ns_session_destroy(dirfd, "s"), 0);
	test_assert(faccessat(dirfd, "s", F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT);
	test_assert_int(ns_session_destroy(dirfd, "s"), -ENOENT);

	close(dirfd);
	test_assert(rmdir(tmpl) == 0);
	return 0;
}
