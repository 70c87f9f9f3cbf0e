/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Id maps through a helper: the argv of newuidmap(1)/newgidmap(1) or nsmap, and running it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"

/* The argument vector { helper, [opt,] pid, triples of @a, ["--", triples
 * of @b,] NULL } in one allocation. */
static int build_argv(const char *helper, const char *opt, pid_t pid, const struct ns_idmap *a,
		      const struct ns_idmap *b, char ***ret_argv)
{
	const struct ns_idmap *maps[2] = { a, b };
	size_t nptr, strings, ranges = a->n + (b ? b->n : 0), i = 0;
	char **argv;
	char *p, *end;
	int n;

	if (!helper || a->n > NS_IDMAP_MAX || (b && b->n > NS_IDMAP_MAX))
		return -EINVAL;

	/* helper, opt, pid, "--", three numbers a range, NULL. The pid, and
	 * the three numbers of a range with their NULs, each fit in
	 * IDMAP_LINE_MAX. */
	nptr = 4 + 3 * ranges + 1;
	strings = strlen(helper) + 1 + (opt ? strlen(opt) + 1 : 0) + 3 + IDMAP_LINE_MAX +
		  ranges * IDMAP_LINE_MAX;
	argv = malloc(nptr * sizeof(char *) + strings);
	if (!argv)
		return -ENOMEM;
	p = (char *)(argv + nptr);
	end = p + strings;

	argv[i++] = p;
	p = stpcpy(p, helper) + 1;
	if (opt) {
		argv[i++] = p;
		p = stpcpy(p, opt) + 1;
	}

	n = snprintf(p, (size_t)(end - p), "%d", (int)pid);
	argv[i++] = p;
	p += n + 1;

	for (int m = 0; m < 2 && maps[m]; m++) {
		if (m == 1) {
			argv[i++] = p;
			p = stpcpy(p, "--") + 1;
		}
		for (size_t k = 0; k < maps[m]->n; k++) {
			const struct ns_idmap_range *r = &maps[m]->r[k];
			const uint32_t v[3] = { r->inner, r->outer, r->count };

			for (int j = 0; j < 3; j++) {
				n = snprintf(p, (size_t)(end - p), "%u", v[j]);
				argv[i++] = p;
				p += n + 1;
			}
		}
	}
	argv[i] = NULL;
	*ret_argv = argv;
	return 0;
}

int ns_idmap_helper_argv(const char *helper, pid_t pid, const struct ns_idmap *map,
			 char ***ret_argv)
{
	return build_argv(helper, NULL, pid, map, NULL, ret_argv);
}

int ns_idmap_nsmap_argv(const char *nsmap, pid_t pid, const struct ns_idmap *users,
			const struct ns_idmap *groups, char ***ret_argv)
{
	if (users && groups)
		return build_argv(nsmap, "--both", pid, users, groups, ret_argv);
	if (users)
		return build_argv(nsmap, NULL, pid, users, NULL, ret_argv);
	if (groups)
		return build_argv(nsmap, "--gid", pid, groups, NULL, ret_argv);
	return -EINVAL;
}

/* Runs @argv (argv[0] the program, searched in PATH only when it is a bare
 * name, as a shell would) and waits for it. posix_spawn(3) starts it with
 * clone(CLONE_VM | CLONE_VFORK), without copying our page tables as fork(2)
 * would, and returns the exec's errno itself. The helper is a set-user-ID
 * program: it gets default dispositions and an empty mask rather than
 * whatever the caller runs with. */
static int run_argv(char **argv)
{
	posix_spawnattr_t attr;
	sigset_t all, none;
	int status, e, r;
	pid_t child;

	e = posix_spawnattr_init(&attr);
	if (e)
		return -e;
	sigfillset(&all);
	sigemptyset(&none);
	e = posix_spawnattr_setsigdefault(&attr, &all);
	if (!e)
		e = posix_spawnattr_setsigmask(&attr, &none);
	if (!e)
		e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	if (!e && strchr(argv[0], '/'))
		e = posix_spawn(&child, argv[0], NULL, &attr, argv, environ);
	else if (!e)
		e = posix_spawnp(&child, argv[0], NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (e)
		return -e;

	r = waitpid_eintr(child, &status, 0);
	if (r < 0)
		return r;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EPROTO;
	return 0;
}

/* Becomes @argv, with the dispositions and mask run_argv() gives it; returns
 * only on failure. For a caller that is itself a child made to run the
 * helper: the process run_argv() would make is saved. */
static int exec_argv(char **argv)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			(void)sigaction(s, &dfl, NULL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return -errno;
	if (strchr(argv[0], '/'))
		execv(argv[0], argv);
	else
		execvp(argv[0], argv);
	return -errno;
}

/* The helper's argument vector, then @how (run_argv() or exec_argv()) on it. */
static int helper_via(int (*how)(char **), const char *helper, pid_t pid,
		      const struct ns_idmap *map)
{
	_cleanup_free_ char **argv = NULL;
	int r = ns_idmap_helper_argv(helper, pid, map, &argv);

	return r < 0 ? r : how(argv);
}

static int nsmap_via(int (*how)(char **), const char *nsmap, pid_t pid,
		     const struct ns_idmap *users, const struct ns_idmap *groups)
{
	_cleanup_free_ char **argv = NULL;
	int r = ns_idmap_nsmap_argv(nsmap, pid, users, groups, &argv);

	return r < 0 ? r : how(argv);
}

int ns_idmap_exec_helper(const char *helper, pid_t pid, const struct ns_idmap *map)
{
	return helper_via(exec_argv, helper, pid, map);
}

int ns_idmap_exec_nsmap(const char *nsmap, pid_t pid, const struct ns_idmap *users,
			const struct ns_idmap *groups)
{
	return nsmap_via(exec_argv, nsmap, pid, users, groups);
}

int ns_idmap_run_helper(const char *helper, pid_t pid, const struct ns_idmap *map)
{
	return helper_via(run_argv, helper, pid, map);
}

int ns_idmap_run_nsmap(const char *nsmap, pid_t pid, const struct ns_idmap *users,
		       const struct ns_idmap *groups)
{
	return nsmap_via(run_argv, nsmap, pid, users, groups);
}
