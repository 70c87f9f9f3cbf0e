/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun's id maps: the single maps it writes itself, and the map writer, a
 * child that writes ranges as root or becomes a privileged helper. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"
#include "config.h"

static const char *helper_path(enum ns_idmap_kind kind)
{
	const char *env = secure_getenv(kind == NS_UID_MAP ? "NSRUN_NEWUIDMAP" : "NSRUN_NEWGIDMAP");

	if (env && *env)
		return env;
	return kind == NS_UID_MAP ? NS_NEWUIDMAP : NS_NEWGIDMAP;
}

static void write_map_or_die(int proc, pid_t ppid, enum ns_idmap_kind kind,
			     const struct ns_idmap *map)
{
	const char *file = ns_idmap_file(kind);
	int r = ns_idmap_write(proc, kind, map);

	if (r == -EINVAL)
		diex("failed to write /proc/%d/%s: %s (two ranges overlap inside or outside)",
		     (int)ppid, file, strerror(EINVAL));
	if (r < 0)
		die(r, open_failed(r) ? "failed to open /proc/%d/%s" : "failed to write /proc/%d/%s",
		    (int)ppid, file);
}

/* The nsmap to run: NSRUN_NSMAP, else (unless a newuidmap/newgidmap was
 * named in the environment) the one nsrun was built with. NULL when it is
 * not installed privileged and so could not write the maps: then the
 * newuidmap/newgidmap pair is run instead. */
static const char *privileged_nsmap(void)
{
	const char *env = secure_getenv("NSRUN_NSMAP");
	const char *path = NS_NSMAP;

	if (env && *env)
		path = env;
	else if (secure_getenv("NSRUN_NEWUIDMAP") || secure_getenv("NSRUN_NEWGIDMAP"))
		return NULL;
	return ns_file_privileged(path) > 0 ? path : NULL;
}

/* As unshare(1) fails when it cannot run a program (util-linux's
 * errexec()): 127 when there is none, else 126. */
static noreturn void exec_failed(int r, const char *helper)
{
	die_status(r == -ENOENT ? NS_EXIT_NOT_FOUND : NS_EXIT_CANNOT_INVOKE, r,
		   "failed to execute %s", helper);
}

/* A helper that ended badly: its own message, if it printed one, says why
 * (in unshare(1)'s words, nothing is added to it); a helper that failed
 * silently is named here with how it ended. Exits as it did. */
static void helper_failed(const char *helper, int status, bool said)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && said)
		exit(WEXITSTATUS(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		die_status(WEXITSTATUS(status), 0, "%s failed with exit status %d", helper,
			   WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		diex("%s died of signal %d", helper, WTERMSIG(status));
}

/* newuidmap before newgidmap, each waited for. */
static void run_helper_or_die(enum ns_idmap_kind kind, pid_t ppid, const struct ns_idmap *map)
{
	const char *helper = helper_path(kind);
	int err[2], status, r;
	bool said;
	pid_t pid;

	if (pipe2(err, O_CLOEXEC) < 0)
		die(-errno, "cannot create pipe");
	pid = ns_fork(NULL);
	if (pid < 0)
		die(pid, "fork failed");
	if (pid == 0) {
		if (dup2(err[1], STDERR_FILENO) < 0)
			_exit(NS_EXIT_CANNOT_INVOKE);
		exec_failed(ns_idmap_exec_helper(helper, ppid, map), helper);
	}
	close(err[1]);
	said = relay_stderr(err[0]);
	close(err[0]);
	r = ns_wait(pid, &status);
	if (r < 0)
		die(r, "waitpid failed");
	helper_failed(helper, status, said);
}

/* The helper the map writer becomes, when one run writes what the plan
 * leaves to it: nsmap for both maps, or newuidmap or newgidmap for the one.
 * NULL when it writes the maps itself (root) or runs the pair. */
static const char *exec_helper(const struct nsrun_plan *p, bool *ret_nsmap)
{
	bool uid = p->uid.writer == MAP_HELPER, gid = p->gid.writer == MAP_HELPER;
	const char *nsmap;

	*ret_nsmap = false;
	if (geteuid() == 0)
		return NULL;
	nsmap = privileged_nsmap();
	*ret_nsmap = nsmap != NULL;
	if (nsmap)
		return nsmap;
	if (uid && gid)
		return NULL;
	return helper_path(gid ? NS_GID_MAP : NS_UID_MAP);
}

/* Runs in the child forked before unshare(2), once the parent is in its new
 * user namespace: root writes the maps itself; anyone else needs a
 * privileged helper: nsmap, both maps in one run, or else newuidmap and
 * newgidmap. One helper is exec'd in place of this child, saving a
 * process, and the parent reports how it ended; of the pair, each is
 * waited for and reported here. Exits with the status of the first
 * failure. */
static noreturn void write_maps_for(pid_t ppid, int ppidfd, const struct nsrun_plan *p,
				    const char *helper, bool nsmap)
{
	const struct ns_idmap *uid = p->uid.writer == MAP_HELPER ? &p->uid.map : NULL;
	const struct ns_idmap *gid = p->gid.writer == MAP_HELPER ? &p->gid.map : NULL;
	int r;

	if (geteuid() == 0) {
		/* pinned: with --owner the owner may kill the parent and a
		 * process of its choosing take the number */
		_cleanup_close_ int proc = ns_proc_open_pidfd(ppid, ppidfd);

		if (proc < 0)
			die(proc, "cannot open /proc/%d", (int)ppid);
		if (uid)
			write_map_or_die(proc, ppid, NS_UID_MAP, uid);
		if (p->helper_denies_setgroups) {
			r = ns_setgroups_write(proc, false);
			if (r < 0 && r != -ENOENT)
				die(r, "cannot write /proc/%d/setgroups", (int)ppid);
		}
		if (gid)
			write_map_or_die(proc, ppid, NS_GID_MAP, gid);
		_exit(0);
	}
	if (nsmap)
		exec_failed(ns_idmap_exec_nsmap(helper, ppid, uid, gid), helper);
	if (helper)
		exec_failed(ns_idmap_exec_helper(helper, ppid, uid ? uid : gid), helper);
	run_helper_or_die(NS_UID_MAP, ppid, uid);
	run_helper_or_die(NS_GID_MAP, ppid, gid);
	_exit(0);
}

pid_t fork_map_writer(const struct nsrun_plan *p, int self_pidfd, int *ret_fd,
		      struct map_writer_run *ret)
{
	bool nsmap;
	const char *helper = exec_helper(p, &nsmap);
	pid_t ppid = getpid(), pid;
	int err[2] = { -1, -1 };

	/* the helper it becomes writes its stderr to us, who alone see how
	 * it ended, to tell a silent failure */
	if (helper && pipe2(err, O_CLOEXEC) < 0)
		die(-errno, "cannot create pipe");
	pid = fork_waiting(ret_fd);
	if (pid == 0) {
		if (helper && dup2(err[1], STDERR_FILENO) < 0)
			_exit(NS_EXIT_CANNOT_INVOKE);
		write_maps_for(ppid, self_pidfd, p, helper, nsmap);
	}
	if (helper)
		close(err[1]);
	*ret = (struct map_writer_run){ .helper = helper, .err_fd = err[0] };
	return pid;
}

void release_map_writer(pid_t pid, int fd, struct map_writer_run *m)
{
	int status;
	bool said;

	if (!m->helper) {
		release_child(pid, fd);
		return;
	}
	/* released first: the helper runs only then, and writes until it ends */
	status = release_wait(pid, fd, m->err_fd, &said);
	close(m->err_fd);
	m->err_fd = -1;
	helper_failed(m->helper, status, said);
}

static void write_single_or_die(int proc, enum ns_idmap_kind kind, const struct ns_idmap *map)
{
	int r = ns_idmap_write_single(proc, kind, map->r[0].inner, map->r[0].outer);

	if (r < 0)
		die(r, open_failed(r) ? "cannot open /proc/self/%s" : "write failed /proc/self/%s",
		    ns_idmap_file(kind));
}

void set_single_maps(const struct nsrun_plan *p)
{
	_cleanup_close_ int proc = ns_proc_open(0);
	int r;

	if (proc < 0)
		die(proc, "cannot open /proc/self");
	if (p->uid.writer == MAP_SELF)
		write_single_or_die(proc, NS_UID_MAP, &p->uid.map);
	if (p->gid.writer == MAP_SELF) {
		/* unprivileged writers must deny setgroups before gid_map;
		 * see user_namespaces(7) */
		r = ns_setgroups_write(proc, false);
		if (r < 0 && r != -ENOENT)
			die(r, open_failed(r) ? "cannot open %s" : "write failed %s",
			    "/proc/self/setgroups");
		write_single_or_die(proc, NS_GID_MAP, &p->gid.map);
	}
}

void set_setgroups(const struct nsrun_plan *p)
{
	_cleanup_close_ int proc = ns_proc_open(0);
	int r = proc < 0 ? proc : ns_setgroups_write(proc, p->setgroups == SETGROUPS_ALLOW);

	if (r == -EPERM && p->gid.writer == MAP_SELF)
		diex("write failed /proc/self/setgroups: %s (-r, -c and --map-group deny setgroups themselves before writing the gid map, after which it cannot change)",
		     strerror(EPERM));
	if (r < 0 && r != -ENOENT)
		die(r, open_failed(r) ? "cannot open %s" : "write failed %s", "/proc/self/setgroups");
}
