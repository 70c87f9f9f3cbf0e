/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What nsrun is about to do: checks made before anything changes, and the
 * plan --dry-run prints instead of doing it. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

static const char *const ns_option[NS_TYPE_MAX] = {
	[NS_TYPE_MNT] = "--mount",   [NS_TYPE_UTS] = "--uts",   [NS_TYPE_IPC] = "--ipc",
	[NS_TYPE_NET] = "--net",     [NS_TYPE_PID] = "--pid",   [NS_TYPE_USER] = "--user",
	[NS_TYPE_CGROUP] = "--cgroup", [NS_TYPE_TIME] = "--time",
};

static const char *const ns_title[NS_TYPE_MAX] = {
	[NS_TYPE_MNT] = "mount",     [NS_TYPE_UTS] = "UTS",     [NS_TYPE_IPC] = "IPC",
	[NS_TYPE_NET] = "network",   [NS_TYPE_PID] = "PID",     [NS_TYPE_USER] = "user",
	[NS_TYPE_CGROUP] = "cgroup", [NS_TYPE_TIME] = "time",
};

const char *title_of_type(enum ns_type type)
{
	return ns_title[type];
}

/* A sysctl is written in a namespace of ours, never in the caller's: as
 * root, the caller's would be the whole machine's. */
void check_sysctls(const struct nsrun_opts *o)
{
	for (size_t i = 0; i < o->nsysctls; i++) {
		struct sysctl_spec *s = &o->sysctls[i];
		int t = ns_sysctl_type(s->key);

		if (t == -EINVAL)
			diex("invalid sysctl key '%s'", s->key);
		if (t < 0)
			diex("cannot set sysctl '%s': it is not per-namespace; it would change the whole system",
			     s->key);
		if (!(o->flags & ns_type_flag(t)))
			diex("cannot set sysctl '%s': it belongs to the %s namespace, which is not a new one here (add %s)",
			     s->key, ns_title[t], ns_option[t]);
		/* ns_last_pid is that of the writer's PID namespace, and
		 * unshare(CLONE_NEWPID) moves only the children there: nsrun
		 * itself would write the host's */
		if (t == NS_TYPE_PID && !o->fork)
			diex("cannot set sysctl '%s': only a forked child is in the new PID namespace; without --fork it would change the host's (add --fork)",
			     s->key);
		s->type = t;
	}
}

/* Quoted for a shell where needed, so the line can be pasted back. */
static void print_word(const char *w)
{
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_./:=,+-@%") == strlen(w)) {
		fputs(w, stdout);
		return;
	}
	putchar('\'');
	for (const char *c = w; *c; c++)
		if (*c == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*c);
	putchar('\'');
}

static void print_limit(uint64_t v)
{
	if (v == NS_RLIM_INFINITY)
		fputs("unlimited", stdout);
	else
		printf("%llu", (unsigned long long)v);
}

static void print_rlimits(const struct nsrun_opts *o)
{
	for (size_t i = 0; i < o->nrlimits; i++) {
		const struct ns_rlimit *rl = &o->rlimits[i];
		const char *name = ns_rlimit_name(rl->resource);
		uint64_t soft, hard;
		int r = ns_rlimit_resolve(rl, &soft, &hard);

		if (r == -ERANGE)
			diex("cannot set limit %s: the soft limit would exceed the hard limit", name);
		if (r < 0)
			die(r, "cannot read limit %s", name);
		printf("rlimit: %s ", name);
		print_limit(soft);
		putchar(':');
		print_limit(hard);
		putchar('\n');
	}
}

static void print_maps(const struct nsrun_opts *o, const struct nsrun_maps *m)
{
	struct ns_idmap single = { 0 };

	if (m->have_users) {
		print_idmap(ns_idmap_file(NS_UID_MAP), &m->users);
	} else if (o->map_user != NS_ID_NONE) {
		ns_idmap_add_single(&single, m->euid, o->map_user);
		print_idmap(ns_idmap_file(NS_UID_MAP), &single);
	}
	if (o->setgroups == SETGROUPS_ALLOW)
		printf("setgroups: allow\n");
	else if (o->setgroups == SETGROUPS_DENY || o->map_group != NS_ID_NONE || m->deny_setgroups)
		printf("setgroups: deny\n");
	if (m->have_groups) {
		print_idmap(ns_idmap_file(NS_GID_MAP), &m->groups);
	} else if (o->map_group != NS_ID_NONE) {
		single.n = 0;
		ns_idmap_add_single(&single, m->egid, o->map_group);
		print_idmap(ns_idmap_file(NS_GID_MAP), &single);
	}
}

static void print_mounts(const struct nsrun_opts *o)
{
	static const char *const prop[] = {
		[NS_PROPAGATION_UNCHANGED] = "unchanged", [NS_PROPAGATION_PRIVATE] = "private",
		[NS_PROPAGATION_SLAVE] = "slave",         [NS_PROPAGATION_SHARED] = "shared",
	};

	if (o->flags & CLONE_NEWNS)
		printf("propagation: %s\n", prop[o->propagation]);
	if (o->root)
		printf("root: %s\n", o->root);
	if (o->wd || o->root)
		printf("wd: %s\n", o->wd ? o->wd : "/");
	if (o->procmnt)
		printf("mount: proc %s\n", o->procmnt);
	if (o->binfmt_mnt)
		printf("mount: binfmt_misc %s\n", o->binfmt_mnt);
	if (o->interp)
		printf("binfmt: %s\n", o->interp);
}

static void warn_caps(const struct nsrun_opts *o)
{
	if (o->keep_caps && (o->flags & CLONE_NEWUSER) && !(o->flags & CLONE_NEWNET))
		fprintf(stderr,
			"%s: warning: --keep-caps keeps capabilities in the new user namespace only; the network namespace is still the caller's, owned by its user namespace, so binding a port below 1024 or configuring interfaces there fails (add --net for a network namespace of its own)\n",
			program_name);
}

/* On standard error, so the plan itself reads the same with or without a
 * terminal. */
static void note_tty(const struct nsrun_opts *o)
{
	if (!o->new_session && isatty(STDIN_FILENO))
		fprintf(stderr,
			"%s: note: the program keeps the controlling terminal and could push input into it (TIOCSTI); add --new-session for a program you do not trust\n",
			program_name);
}

noreturn void print_plan(const struct nsrun_opts *o, const struct nsrun_maps *m)
{
	warn_caps(o);
	note_tty(o);
	print_rlimits(o);
	printf("unshare:");
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (o->flags & ns_type_flag(t))
			printf(" %s", ns_type_name(t));
	putchar('\n');
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (o->persist[t])
			printf("persist: %s %s\n", ns_type_name(t), o->persist[t]);
	if (o->force_boottime)
		printf("time offset: boottime %lld\n", (long long)o->boottime);
	if (o->force_monotonic)
		printf("time offset: monotonic %lld\n", (long long)o->monotonic);
	print_maps(o, m);
	if (o->fork)
		printf("fork: yes\n");
	print_mounts(o);
	for (size_t i = 0; i < o->nveths; i++)
		printf("veth: %s\n", o->veths[i].arg);
	if (o->loopback)
		printf("loopback: up 127.0.0.1/8 ::1/128\n");
	for (size_t i = 0; i < o->nsysctls; i++)
		printf("sysctl: %s=%s\n", o->sysctls[i].key, o->sysctls[i].value);
	if (o->hostname)
		printf("hostname: %s\n", o->hostname);
	if (o->force_gid)
		printf("setgid: %u\n", (unsigned)o->gid);
	if (o->force_uid)
		printf("setuid: %u\n", (unsigned)o->uid);
	if (o->keep_caps)
		printf("keep-caps: yes\n");
	if (o->clear_env)
		printf("environment: cleared, %zu kept\n", o->nkeep_env);
	if (o->new_session)
		printf("new-session: yes\n");
	if (o->kill_child_sig)
		printf("kill-child: SIG%s\n", sigabbrev_np(o->kill_child_sig));
	if (o->timeout_ms)
		printf("timeout: %llu ms\n", (unsigned long long)o->timeout_ms);
	if (o->status_fd >= 0)
		printf("json-status-fd: %d\n", o->status_fd);
	printf("exec:");
	if (o->argv[0]) {
		for (char **a = o->argv; *a; a++) {
			putchar(' ');
			print_word(*a);
		}
	} else {
		printf(" login shell");
	}
	putchar('\n');
	exit(0);
}
