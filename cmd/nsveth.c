/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsveth: create veth pairs with one end in another network namespace, list and delete them. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "cli.h"
#include "nsveth.h"

static void check_ifname(const char *s)
{
	int r = ns_ifname_check(s);

	if (r == -ERANGE)
		diex("invalid interface name '%s'%s (at most %d bytes)", s, msg_at(),
		     NS_IFNAME_MAX);
	if (r < 0)
		diex("invalid interface name '%s'%s", s, msg_at());
}

static void check_addr(int r, const char *s)
{
	if (r == -ERANGE)
		diex("invalid address '%s'%s (prefix length out of range)", s, msg_at());
	if (r < 0)
		diex("invalid address '%s'%s", s, msg_at());
}

/* ns_netns_open(), or the reason it failed: ip's words, then what a word
 * names now that the working directory is not looked in. */
static int netns_open(const char *name)
{
	bool word = !strchr(name, '/');
	int fd = ns_netns_open(name);

	if (fd == -EINVAL)
		diex("cannot open network namespace '%s'%s: not a network namespace file", name,
		     msg_at());
	if (fd == -ENOENT && word)
		diex("cannot open network namespace '%s'%s: %s (no such name under /run/netns; ./%s names a file here)", name, msg_at(), strerror(-fd), name);
	if (fd == -ELOOP && word)
		diex("cannot open network namespace '%s'%s: %s (/run/netns/%s is a symbolic link)", name, msg_at(), strerror(-fd), name);
	if (fd < 0)
		die(fd, "cannot open network namespace '%s'%s", name, msg_at());
	return fd;
}

/* Each target once: a thousand lines naming one namespace share one fd.
 * (The library groups the peers by namespace, however many fds name it.)
 * Each entry holds its name, so that one free() undoes it. */
struct target_fd {
	struct target_fd *next;
	int fd;
	char name[];
};

static struct target_fd *targets;

static int target_open(const char *name)
{
	size_t len = strlen(name);
	struct target_fd *t;
	int fd;

	for (t = targets; t; t = t->next)
		if (!strcmp(t->name, name))
			return t->fd;
	fd = netns_open(name);
	t = malloc(sizeof(*t) + len + 1);
	if (!t)
		die(-ENOMEM, "cannot open network namespace '%s'", name);
	t->next = targets;
	t->fd = fd;
	memcpy(t->name, name, len + 1);
	targets = t;
	return fd;
}

/* Every target's fd, once the pairs that moved a peer through it are done. */
static void targets_close(void)
{
	while (targets) {
		struct target_fd *next = targets->next;

		close(targets->fd);
		free(targets);
		targets = next;
	}
}

/* The library's description of @p; any bad input ends here, before a
 * single request is sent. */
static struct ns_veth *build_pair(const struct pair_opts *p)
{
	struct ns_veth *v;
	int r;

	check_ifname(p->name);
	check_ifname(p->peer);
	if (!strcmp(p->name, p->peer))
		diex("invalid veth pair '%s'/'%s'%s: both ends have the same name", p->name,
		     p->peer, msg_at());
	if (p->master)
		check_ifname(p->master);
	r = ns_veth_new(p->name, p->peer, &v);
	if (r < 0)
		die(r, "cannot describe veth pair '%s'/'%s'%s", p->name, p->peer, msg_at());
	for (int end = NS_VETH_LOCAL; end <= NS_VETH_PEER; end++) {
		for (size_t i = 0; i < p->naddr[end]; i++)
			check_addr(ns_veth_add_address(v, end, p->addr[end][i]), p->addr[end][i]);
		if (p->mac[end] && ns_veth_set_mac(v, end, p->mac[end]) < 0)
			diex("invalid MAC address '%s'%s", p->mac[end], msg_at());
		ns_veth_set_mtu(v, end, p->mtu[end]);
	}
	if (p->master)
		ns_veth_set_master(v, p->master, p->create_bridge);
	for (size_t i = 0; i < p->ngateway; i++) {
		r = ns_veth_add_route(v, "default", p->gateway[i]);
		if (r < 0)
			diex("invalid gateway '%s'%s", p->gateway[i], msg_at());
	}
	for (size_t i = 0; i < p->nroute; i++) {
		_cleanup_free_ char *dst = strdup(p->route[i]);
		char *via = NULL, *comma;

		if (!dst)
			die(-ENOMEM, "cannot parse route '%s'", p->route[i]);
		comma = strchr(dst, ',');
		if (comma) {
			*comma = '\0';
			if (strncmp(comma + 1, "via=", 4) != 0)
				diex("invalid route '%s'%s (expected <dst>[,via=<addr>])", p->route[i],
				     msg_at());
			via = comma + 5;
		}
		r = ns_veth_add_route(v, dst, via);
		if (r < 0)
			diex("invalid route '%s'%s", p->route[i], msg_at());
	}
	if (p->has_group)
		ns_veth_set_group(v, p->group);
	ns_veth_set_up(v, p->up);
	ns_veth_set_loopback_up(v, p->lo);
	ns_veth_set_netns(v, target_open(p->target));
	return v;
}

/* The kernel's words first, as ip(8) prints them: its extended-ack text,
 * else strerror(3); then a hint of ours, if any. */
static noreturn void die_nl(int r, const struct ns_nl_error *e)
{
	const char *hint = e->peer_down ? " (the peer is down; add --up)" : "";
	char why[sizeof(e->msg) + 128];

	diex("cannot %s%s: %s%s", e->step, msg_at(), nl_error_reason(r, e, false, why, sizeof(why)),
	     hint);
}

static void run_batch(const struct nsveth_opts *base)
{
	_cleanup_free_ struct ns_veth **v = NULL;
	_cleanup_free_ size_t *lineno = NULL;
	struct ns_nl_error e;
	size_t n = 0, cap = 0, bad = 0, no = 0;
	char *line = NULL;
	size_t len = 0;
	ssize_t got;
	FILE *f;
	int r;

	f = strcmp(base->batch, "-") ? fopen(base->batch, "re") : stdin;
	if (!f)
		die(-errno, "cannot open '%s'", base->batch);
	/* errno cleared first: after the loop it is the read's, if any */
	while (errno = 0, (got = getline(&line, &len, f)) >= 0) {
		struct nsveth_opts o = *base;
		char *argv[2 * MAX_ITEMS + 16];
		char *copy;
		int argc;

		no++;
		msg_line(no);
		/* the words would end at the NUL, the rest of the line unread */
		if (memchr(line, '\0', (size_t)got))
			diex("invalid batch line%s: a NUL byte", msg_at());
		copy = strdup(line); /* the options point into it until build_pair */
		if (!copy)
			die(-ENOMEM, "cannot read '%s'", base->batch);
		argc = split_words(copy, argv, (int)(sizeof(argv) / sizeof(argv[0])));
		if (argc < 0)
			diex("too many words%s", msg_at());
		if (argc == 1) {
			free(copy);
			continue;
		}
		o.mode = MODE_CREATE;
		parse_args(argc, argv, &o, true);
		if (n == cap) {
			struct ns_veth **nv;
			size_t *nl;

			cap = cap ? cap * 2 : 64;
			/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
			nv = reallocarray(v, cap, sizeof(*v));
			if (nv)
				v = nv;
			nl = reallocarray(lineno, cap, sizeof(*lineno));
			if (nl)
				lineno = nl;
			if (!nv || !nl)
				die(-ENOMEM, "cannot read '%s'", base->batch);
		}
		v[n] = build_pair(&o.pair);
		lineno[n++] = no;
		/* the pair has copied what it needs */
		free(copy);
	}
	if (ferror(f))
		die(errno ? -errno : -EIO, "cannot read '%s'", base->batch);
	free(line);
	if (f != stdin)
		fclose(f);
	msg_line(0);
	r = ns_veth_create_many(v, n, &bad, &e);
	if (r < 0) {
		msg_line(lineno[bad]);
		die_nl(r, &e);
	}
	for (size_t i = 0; i < n; i++)
		ns_veth_free(v[i]);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void list(bool json)
{
	_cleanup_free_ struct ns_veth_info *l = NULL;
	int n = ns_veth_list(&l);

	if (n < 0)
		die(n, "cannot list veth pairs");
	if (!json) {
		printf("%-15s %-15s %-20s %10s %s\n", "NAME", "PEER", "NETNS", "GROUP", "STATE");
		for (int i = 0; i < n; i++)
			printf("%-15s %-15s %-20s %10u %s\n", l[i].name, l[i].peer[0] ? l[i].peer : "-",
			       l[i].peer_nsid < 0 ? "-" : l[i].peer_netns, l[i].group,
			       l[i].up ? "UP" : "DOWN");
		return;
	}
	printf("{\n   \"veths\": [");
	for (int i = 0; i < n; i++) {
		printf("%s\n      {\"name\": ", i ? "," : "");
		json_str(l[i].name);
		printf(", \"ifindex\": %d, \"peer\": ", l[i].ifindex);
		if (l[i].peer[0])
			json_str(l[i].peer);
		else
			printf("null");
		printf(", \"peer_ifindex\": %d, \"netnsid\": ", l[i].peer_ifindex);
		if (l[i].peer_nsid < 0)
			printf("null, \"netns\": null");
		else {
			printf("%d, \"netns\": ", l[i].peer_nsid);
			json_str(l[i].peer_netns);
		}
		printf(", \"group\": %u, \"mtu\": %u, \"up\": %s}", l[i].group, l[i].mtu,
		       l[i].up ? "true" : "false");
	}
	printf("%s]\n}\n", n ? "\n   " : "");
}

int main(int argc, char **argv)
{
	struct nsveth_opts o = { .mode = MODE_CREATE };
	struct ns_nl_error e;
	int r;

	program_name = "nsveth";
	hold_std_fds();
	close_stdout_atexit();
	parse_args(argc, argv, &o, false);

	if (o.netns) {
		int fd = netns_open(o.netns);

		r = ns_setns(fd, CLONE_NEWNET);
		if (r == -EPERM)
			diex("cannot enter network namespace '%s': %s (CAP_SYS_ADMIN missing over it or in the current user namespace)", o.netns, strerror(-r));
		if (r < 0)
			die(r, "cannot enter network namespace '%s'", o.netns);
		close(fd);
	}

	switch (o.mode) {
	case MODE_LIST:
		list(o.json);
		break;
	case MODE_DELETE:
		check_ifname(o.delete_name);
		r = ns_veth_delete(o.delete_name, &e);
		if (r == -EMEDIUMTYPE)
			diex("cannot delete '%s': not a veth interface", o.delete_name);
		if (r < 0)
			die_nl(r, &e);
		break;
	case MODE_DELETE_GROUP:
		r = ns_veth_delete_group(o.delete_group, &e);
		if (r < 0)
			die_nl(r, &e);
		break;
	case MODE_BATCH:
		run_batch(&o);
		targets_close();
		break;
	case MODE_CREATE: {
		struct ns_veth *v = build_pair(&o.pair);

		r = ns_veth_create(v, &e);
		if (r < 0)
			die_nl(r, &e);
		ns_veth_free(v);
		targets_close();
		break;
	}
	}
	return 0;
}
