/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The floor for nsrun's start-up: only the system calls a variant needs, no libns. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * ref-unshare [options] PROGRAM [ARGS...] takes the subset of unshare(1)'s
 * and nsrun's options the benchmark uses, with the same meanings, and makes
 * for them the system calls no implementation can skip:
 *
 *   unshare(2) of the namespaces; for -r/--map-root-user the single maps
 *   (geteuid/getegid, then uid_map, setgroups "deny", gid_map, each one
 *   open/write/close); for --map-users/--map-groups a helper forked before
 *   unshare(2) that writes the range maps once the parent has unshared
 *   (a pipe, one byte, the wait for it); for --fork a fork and the wait
 *   for the child; with a new mount namespace the propagation made private
 *   (unshare(1)'s default) and for --mount-proc the mount of /proc; last
 *   execvp(3).
 *
 * It parses its options without getopt and reports failures by exit
 * status only, so that no locale or stdio set-up is in its count. Not a
 * tool: options are not checked for combinations that make no sense.
 */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);

	if (fd < 0)
		return -1;
	if (write(fd, s, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* "inner:outer:count" (nsrun's form) into a uid_map line */
static int range_line(const char *s, char *buf, size_t size)
{
	unsigned long inner, outer, count;
	char *end;

	inner = strtoul(s, &end, 10);
	if (*end != ':')
		return -1;
	outer = strtoul(end + 1, &end, 10);
	if (*end != ':')
		return -1;
	count = strtoul(end + 1, &end, 10);
	if (*end)
		return -1;
	snprintf(buf, size, "%lu %lu %lu\n", inner, outer, count);
	return 0;
}

static void ulong_text(unsigned long v, char *buf)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*buf++ = tmp[--n];
	*buf = '\0';
}

int main(int argc, char **argv)
{
	int flags = 0, fork_child = 0, mount_proc = 0, map_root = 0, i;
	const char *users = NULL, *groups = NULL;
	int gate[2] = { -1, -1 };
	unsigned long euid = 0, egid = 0;
	pid_t helper = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--user"))
			flags |= CLONE_NEWUSER;
		else if (!strcmp(a, "--net"))
			flags |= CLONE_NEWNET;
		else if (!strcmp(a, "--pid"))
			flags |= CLONE_NEWPID;
		else if (!strcmp(a, "--mount"))
			flags |= CLONE_NEWNS;
		else if (!strcmp(a, "--fork"))
			fork_child = 1;
		else if (!strcmp(a, "--mount-proc"))
			mount_proc = 1, flags |= CLONE_NEWNS;
		else if (!strcmp(a, "--map-root-user"))
			map_root = 1, flags |= CLONE_NEWUSER;
		else if (!strncmp(a, "--map-users=", 12))
			users = a + 12, flags |= CLONE_NEWUSER;
		else if (!strncmp(a, "--map-groups=", 13))
			groups = a + 13, flags |= CLONE_NEWUSER;
		else if (a[1] != '-') {
			for (const char *c = a + 1; *c; c++) {
				switch (*c) {
				case 'U': flags |= CLONE_NEWUSER; break;
				case 'n': flags |= CLONE_NEWNET; break;
				case 'p': flags |= CLONE_NEWPID; break;
				case 'm': flags |= CLONE_NEWNS; break;
				case 'u': flags |= CLONE_NEWUTS; break;
				case 'i': flags |= CLONE_NEWIPC; break;
				case 'C': flags |= CLONE_NEWCGROUP; break;
				case 'f': fork_child = 1; break;
				case 'r': map_root = 1, flags |= CLONE_NEWUSER; break;
				default: return 2;
				}
			}
		} else {
			return 2;
		}
	}
	if (i == argc)
		return 2;

	if (users || groups) {
		pid_t parent = getpid();
		char c;

		if (pipe2(gate, O_CLOEXEC) < 0)
			return 1;
		helper = fork();
		if (helper < 0)
			return 1;
		if (helper == 0) {
			char path[64], line[64], pid[24];

			close(gate[1]);
			if (read(gate[0], &c, 1) != 1)
				_exit(1);
			ulong_text((unsigned long)parent, pid);
			if (users) {
				snprintf(path, sizeof(path), "/proc/%s/uid_map", pid);
				if (range_line(users, line, sizeof(line)) < 0 || write_file(path, line) < 0)
					_exit(1);
			}
			if (groups) {
				snprintf(path, sizeof(path), "/proc/%s/gid_map", pid);
				if (range_line(groups, line, sizeof(line)) < 0 || write_file(path, line) < 0)
					_exit(1);
			}
			_exit(0);
		}
		close(gate[0]);
	}

	/* the ids outside: once unshared they read as the overflow ids */
	if (map_root) {
		euid = geteuid();
		egid = getegid();
	}
	if (unshare(flags) < 0)
		return 1;

	if (helper) {
		int st;

		if (write(gate[1], "", 1) != 1 || waitpid(helper, &st, 0) < 0 ||
		    !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
	}

	if (map_root) {
		char line[64] = "0 ";

		ulong_text(euid, line + 2);
		strcat(line, " 1\n");
		if (write_file("/proc/self/uid_map", line) < 0)
			return 1;
		if (write_file("/proc/self/setgroups", "deny\n") < 0)
			return 1;
		ulong_text(egid, line + 2);
		strcat(line, " 1\n");
		if (write_file("/proc/self/gid_map", line) < 0)
			return 1;
	}

	if (fork_child) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			return 1;
		if (pid > 0) {
			if (waitpid(pid, &st, 0) < 0)
				return 1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
	}

	if (flags & CLONE_NEWNS) {
		if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			return 1;
		if (mount_proc &&
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return 1;
	}
	execvp(argv[i], argv + i);
	return errno == ENOENT ? 127 : 126;
}
