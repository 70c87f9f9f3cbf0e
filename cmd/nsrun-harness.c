/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun's set-up beyond unshare(1), for test harnesses: its options
 * (--sysctl, --rlimit, --veth, --json-status-fd) and its steps (limits,
 * sysctls, hostname, loopback, veth pairs, session). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

void add_sysctl(struct nsrun_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (!eq || eq == arg)
		diex("invalid --sysctl '%s' (expected key=value)", arg);
	key = strndup(arg, (size_t)(eq - arg));
	if (!key)
		die(-ENOMEM, "cannot parse options");
	o->sysctls = grow_or_die(o->sysctls, o->nsysctls, sizeof(*o->sysctls));
	o->sysctls[o->nsysctls++] = (struct sysctl_spec){ .key = key, .value = eq + 1 };
	/* no leak: o->sysctls keeps key; gcc 12's analyzer loses track of a
	 * pointer stored into an array element through a parameter */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void add_rlimit(struct nsrun_opts *o, const char *arg)
{
	struct ns_rlimit rl;
	int r = ns_rlimit_parse(arg, &rl);

	if (r == -ERANGE)
		diex("invalid --rlimit '%s': value out of range", arg);
	if (r < 0)
		diex("invalid --rlimit '%s' (expected NAME=SOFT[:HARD], NAME as prlimit(1) names it, e.g. NOFILE=4096:8192)",
		     arg);
	o->rlimits = grow_or_die(o->rlimits, o->nrlimits, sizeof(*o->rlimits));
	o->rlimits[o->nrlimits++] = rl;
}

static noreturn void bad_veth(const char *arg, const char *why)
{
	diex("invalid --veth '%s': %s", arg, why);
}

/* NAME:PEER, then comma-separated settings; addr= and peer-addr= may
 * repeat (an IPv4 and an IPv6 address, say). */
void add_veth(struct nsrun_opts *o, const char *arg)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *save = NULL, *head, *colon, *item;
	struct ns_veth *v = NULL;
	int r;

	if (!copy)
		die(-ENOMEM, "cannot parse options");
	head = strtok_r(copy, ",", &save);
	colon = head ? strchr(head, ':') : NULL;
	if (!colon)
		bad_veth(arg, "expected NAME:PEER first");
	*colon = '\0';
	r = ns_veth_new(head, colon + 1, &v);
	if (r == -EINVAL)
		bad_veth(arg, "an interface name is 1 to 15 bytes, without '/', ':' or blanks");
	if (r < 0)
		die(r, "cannot parse options");
	ns_veth_set_up(v, true);
	while ((item = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(item, '=');
		const char *val = eq ? eq + 1 : "";

		if (eq)
			*eq = '\0';
		if (strcmp(item, "addr") == 0)
			r = ns_veth_add_address(v, NS_VETH_LOCAL, val);
		else if (strcmp(item, "peer-addr") == 0)
			r = ns_veth_add_address(v, NS_VETH_PEER, val);
		else if (strcmp(item, "gateway") == 0)
			r = ns_veth_add_route(v, "default", val);
		else
			bad_veth(arg, "settings are addr=, peer-addr= and gateway=");
		if (r == -EINVAL || r == -ERANGE)
			diex("invalid --veth '%s': bad %s '%s'", arg, item, val);
		if (r < 0)
			die(r, "cannot parse options");
	}
	o->veths = grow_or_die(o->veths, o->nveths, sizeof(*o->veths));
	o->veths[o->nveths] = (struct veth_opt){ .arg = arg, .veth = v };
	/* ns_veth_new() took it: at most NS_IFNAME_MAX bytes */
	snprintf(o->veths[o->nveths].peer, sizeof(o->veths[0].peer), "%s", colon + 1);
	o->nveths++;
	o->flags |= CLONE_NEWNET;
}

int parse_status_fd(const char *s)
{
	uint32_t fd;
	int fl;

	if (parse_id(s, &fd) < 0 || fd > INT_MAX)
		diex("invalid --json-status-fd '%s'", s);
	fl = fcntl((int)fd, F_GETFL);
	if (fl < 0)
		die(-errno, "invalid --json-status-fd '%s'", s);
	/* one open for reading only (a closed stdout held on /dev/null
	 * among them) would take the reports and lose them */
	if ((fl & O_ACCMODE) == O_RDONLY)
		die(-EBADF, "invalid --json-status-fd '%s'", s);
	return (int)fd;
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

/* Before the user namespace exists: only there may a privileged caller
 * raise a hard limit (CAP_SYS_RESOURCE of the initial user namespace). */
void apply_rlimits(const struct nsrun_opts *o)
{
	for (size_t i = 0; i < o->nrlimits; i++) {
		const struct ns_rlimit *rl = &o->rlimits[i];
		const char *name = ns_rlimit_name(rl->resource);
		char hard[24] = "unlimited";
		struct rlimit cur = { 0 };
		int r = ns_rlimit_apply(rl);

		if (r == 0)
			continue;
		getrlimit(rl->resource, &cur);
		if (cur.rlim_max != RLIM_INFINITY)
			snprintf(hard, sizeof(hard), "%llu", (unsigned long long)cur.rlim_max);
		if (r == -ERANGE)
			diex("cannot set limit %s: the soft limit would exceed the hard limit, %s",
			     name, hard);
		if (r == -EPERM)
			diex("cannot set limit %s: %s (the hard limit is %s; raising it needs CAP_SYS_RESOURCE in the initial user namespace%s)",
			     name, strerror(EPERM), hard,
			     rl->resource == RLIMIT_NOFILE ? ", and NOFILE cannot pass fs.nr_open" : "");
		die(r, "cannot set limit %s", name);
	}
}

/* Opened before the mounts: --root may hide /proc, and a sysctl file
 * belongs to the namespace of whoever opens it, not to a proc instance. */
int open_proc_sys(const struct nsrun_opts *o)
{
	int fd;

	if (!o->nsysctls)
		return -1;
	/* Opened by the child, before it mounts anything: the /proc it sees
	 * is still nsrun's. Which namespace a write reaches is the writing
	 * task's (net, ipc, uts, and the PID namespace for ns_last_pid,
	 * hence --fork), not the one the procfs mount belongs to. */
	fd = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die(-errno, "cannot open /proc/sys");
	return fd;
}

static noreturn void sysctl_failed(int r, const struct sysctl_spec *s)
{
	const char *ns = title_of_type(s->type);

	if (r == -ENOENT)
		diex("cannot set sysctl '%s': no such key in the new %s namespace", s->key, ns);
	if (r == -EACCES || r == -EPERM)
		diex("cannot set sysctl '%s': %s (it is read-only in the new %s namespace, or the capabilities held are not in the user namespace that owns it)",
		     s->key, strerror(-r), ns);
	if (r == -EINVAL)
		diex("cannot set sysctl '%s' to '%s': %s", s->key, s->value, strerror(EINVAL));
	die(r, "cannot set sysctl '%s'", s->key);
}

static noreturn void netlink_failed(int r, const struct ns_nl_error *e)
{
	char reason[sizeof(e->msg) + 128];

	diex("cannot %s: %s", e->step[0] ? e->step : "configure the network",
	     nl_error_reason(r, e, true, reason, sizeof(reason)));
}

/* Runs in a child forked before unshare(2), still in the caller's network
 * namespace, once the parent has its new one: a pair made from inside the
 * new namespace could not reach back out, as its capabilities are there. */
noreturn void create_veths_for(pid_t ppid, int ppidfd, const struct nsrun_opts *o)
{
	/* through the parent's pidfd, not its number, which another process
	 * may hold once the parent has died */
	_cleanup_close_ int proc = -1, netns = ns_open_pidfd(ppidfd, -1, NS_TYPE_NET, false);

	if (netns == -ENOTTY) {
		proc = ns_proc_open_pidfd(ppid, ppidfd);
		netns = proc < 0 ? proc : ns_open_pidfd(ppidfd, proc, NS_TYPE_NET, false);
	}
	if (netns < 0)
		die(netns, "cannot open /proc/%d/ns/net", (int)ppid);
	for (size_t i = 0; i < o->nveths; i++) {
		struct ns_nl_error e = { 0 };
		int r;

		ns_veth_set_netns(o->veths[i].veth, netns);
		r = ns_veth_create(o->veths[i].veth, &e);
		if (r < 0)
			netlink_failed(r, &e);
	}
	_exit(0);
}

/* By name, in the program's own network namespace, which the program may
 * have changed: whatever link of that name it holds there, deleting it (and
 * its peer) reaches no namespace the program had no power over. A pair
 * already gone is no failure; any other is said, not fatal: the program's
 * status is what nsrun reports. */
void delete_veths(const struct nsrun_opts *o)
{
	for (size_t i = 0; i < o->nveths; i++) {
		struct ns_nl_error e = { 0 };
		int r = ns_veth_delete(o->veths[i].peer, &e);

		if (r < 0 && r != -ENODEV && r != -EMEDIUMTYPE)
			warnr(r, "cannot delete veth '%s'", o->veths[i].peer);
	}
}

/* In the new namespaces, after the maps and mounts and before any change
 * of uid drops the capabilities these need. */
void setup_namespaces(const struct nsrun_opts *o, int sys_fd)
{
	if (o->loopback) {
		struct ns_nl_error e = { 0 };
		int r = ns_link_up_loopback(-1, &e);

		if (r < 0)
			netlink_failed(r, &e);
	}
	for (size_t i = 0; i < o->nsysctls; i++) {
		int r = ns_sysctl_write(sys_fd, o->sysctls[i].key, o->sysctls[i].value);

		if (r < 0)
			sysctl_failed(r, &o->sysctls[i]);
	}
	if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
		die(-errno, "cannot set hostname to '%s'", o->hostname);
}

void new_session(const struct nsrun_opts *o)
{
	if (o->new_session && setsid() < 0)
		die(-errno, "cannot start a new session");
}
