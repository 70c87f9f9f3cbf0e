/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsls: list namespaces; a drop-in for lsns(8), with id maps, names and capabilities. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "ns.h"
#include "cli.h"
#include "nsls.h"

/* Where nsls looks for named namespaces: ip-netns(8)'s directory; and the
 * caller's nsrun sessions (ns_info_add_session_names()). */
static const char *const name_dirs[] = { "/run/netns" };

/* One output table and what filling it needs. */
struct out {
	const struct nsls_opts *o;
	struct ns_info *info;
	struct libscols_table *tab;
	struct libscols_line **ns_line;		/* per namespace (owner and parent trees) */
	struct libscols_line **proc_line;	/* per process (process tree) */
	bool *ns_seen;				/* per namespace: show_namespace() was here */
	char **command;				/* per process, read once */
	ssize_t task;				/* process index of --task, or -1 */
	char *cell[COL_MAX];			/* the row being built */
	bool cell_done[COL_MAX];
	size_t row_ns;
	ssize_t row_proc;
};

/* ---- cells -------------------------------------------------------------- */

/* Out of fds or memory: a cell left empty for it would pass for a fact. */
static bool out_of_resources(int r)
{
	return r == -ENOMEM || r == -EMFILE || r == -ENFILE;
}

static const char *user_name(uid_t uid)
{
	static struct {
		uid_t uid;
		char *name;
	} *cache;
	static size_t n;
	struct passwd *pw;
	char *name;
	void *p;

	for (size_t i = 0; i < n; i++)
		if (cache[i].uid == uid)
			return cache[i].name;
	/* getpwuid(3) leaves errno alone (or ENOENT and the like) for an
	 * unknown uid, which then shows as a number; a uid shown as a number
	 * because /etc/passwd could not be opened would be a lie */
	errno = 0;
	pw = getpwuid(uid);
	if (!pw && out_of_resources(-errno))
		die(-errno, "cannot look up user %u", (unsigned)uid);
	if (pw)
		name = strdup(pw->pw_name);
	else if (asprintf(&name, "%u", (unsigned)uid) < 0)
		name = NULL;
	if (!name)
		die(-ENOMEM, "cannot look up user %u", (unsigned)uid);
	p = reallocarray(cache, n + 1, sizeof(*cache));
	if (!p)
		die(-ENOMEM, "cannot look up user %u", (unsigned)uid);
	cache = p;
	cache[n].uid = uid;
	cache[n].name = name;
	return cache[n++].name;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		die(-ENOMEM, "cannot format output");
	return s;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die(-ENOMEM, "cannot format output");
	return d;
}

/* A number as text: most cells are numbers, and vasprintf(3) costs ten
 * times what these few digits do. */
static char *xnum(uintmax_t v, bool neg)
{
	char buf[24], *p = buf + sizeof(buf);

	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		*--p = '-';
	return xstrdup(p);
}

static char *xint(intmax_t v)
{
	return v < 0 ? xnum(-(uintmax_t)v, true) : xnum((uintmax_t)v, false);
}

/* A list kept '\n'-separated, shown one per line or, without wrapping,
 * joined by ','. */
static char *join_list(const char *list, bool no_wrap)
{
	char *s;

	if (!list)
		return NULL;
	s = xstrdup(list);
	if (no_wrap)
		for (char *p = s; *p; p++)
			if (*p == '\n')
				*p = ',';
	return s;
}

static bool proc_uid(const struct out *out, size_t i, ssize_t j, uid_t *ret)
{
	if (j >= 0) {
		*ret = ns_info_proc_uid(out->info, (size_t)j);
		return true;
	}
	return ns_info_owner_uid(out->info, i, ret) == 0;
}

static char *make_cell(const struct out *out, int col, size_t i, ssize_t j)
{
	const struct ns_info *info = out->info;
	enum ns_type type = ns_info_type(info, i);
	char *s = NULL;
	uid_t uid;
	int r;

	switch (col) {
	case COL_NS:
		return xnum(ns_info_ino(info, i), false);
	case COL_TYPE:
		return xstrdup(ns_type_name(type));
	case COL_PATH:
		if (j < 0)
			return NULL;
		return xasprintf("/proc/%d/ns/%s", (int)ns_info_proc_pid(info, (size_t)j),
				 ns_type_name(type));
	case COL_NPROCS:
		return xnum(ns_info_nprocs(info, i), false);
	case COL_PID:
		return j < 0 ? NULL : xint(ns_info_proc_pid(info, (size_t)j));
	case COL_PPID:
		return j < 0 ? NULL : xint(ns_info_proc_ppid(info, (size_t)j));
	case COL_COMMAND:
		if (j < 0)
			return NULL;
		/* one process is often the first of several namespaces */
		if (!out->command[j]) {
			r = ns_info_proc_command(info, (size_t)j, &out->command[j]);
			if (out_of_resources(r))
				die(r, "cannot read a command line");
			if (r < 0)
				out->command[j] = xstrdup("");
		}
		return *out->command[j] ? xstrdup(out->command[j]) : NULL;
	case COL_UID:
		return proc_uid(out, i, j, &uid) ? xnum(uid, false) : NULL;
	case COL_USER:
		return proc_uid(out, i, j, &uid) ? xstrdup(user_name(uid)) : NULL;
	case COL_NETNSID:
		/* lsns 2.42 shows it for every network namespace, held by a
		 * process or not */
		r = ns_info_netnsid(info, i);
		if (r >= 0)
			return xasprintf("%d", r);
		return r == NS_NETNSID_UNASSIGNED ? xstrdup("unassigned") : NULL;
	case COL_NSFS:
		return join_list(ns_info_nsfs(info, i), out->o->no_wrap);
	case COL_PNS:
		return xnum(ns_info_parent(info, i), false);
	case COL_ONS:
		return xnum(ns_info_owner(info, i), false);
	case COL_UIDMAP:
	case COL_GIDMAP:
		r = ns_info_idmap(info, i, col == COL_UIDMAP ? NS_UID_MAP : NS_GID_MAP, &s);
		if (out_of_resources(r))
			die(r, "cannot read an id map");
		return r < 0 ? NULL : s;
	case COL_NAME:
		return join_list(ns_info_names(info, i), out->o->no_wrap);
	case COL_CAPS:
		r = ns_info_caps(info, i);
		if (r < 0)
			return NULL;
		return xstrdup(r == NS_CAPS_ALL ? "all" : r == NS_CAPS_SOME ? "some" : "none");
	}
	return NULL;
}

static const char *cell_value(int col, void *data)
{
	struct out *out = data;

	if (!out->cell_done[col]) {
		out->cell[col] = make_cell(out, col, out->row_ns, out->row_proc);
		out->cell_done[col] = true;
	}
	return out->cell[col];
}

static void add_line(struct out *out, size_t i, ssize_t j)
{
	const struct nsls_opts *o = out->o;
	struct libscols_line *parent = NULL, *line;
	bool given[COL_MAX] = { false };
	ssize_t k;

	if (o->tree == TREE_PROCESS && j >= 0) {
		k = ns_info_proc_parent(out->info, (size_t)j);
		if (k >= 0)
			parent = out->proc_line[k];
	} else if (o->tree == TREE_PARENT || o->tree == TREE_OWNER) {
		uint64_t rel = o->tree == TREE_PARENT ? ns_info_parent(out->info, i) :
							ns_info_owner(out->info, i);

		k = rel && rel != ns_info_ino(out->info, i) ? ns_info_find(out->info, rel) : -1;
		if (k >= 0)
			parent = out->ns_line[k];
	}

	memset(out->cell, 0, sizeof(out->cell));
	memset(out->cell_done, 0, sizeof(out->cell_done));
	out->row_ns = i;
	out->row_proc = j;
	if (o->filter) {
		int r = nsls_filter_match(o->filter, cell_value, out);

		/* lsns stops at the first row its filter cannot compare */
		if (r < 0)
			die(r, "failed to apply filter");
		if (r == 0) {
			for (int c = 0; c < COL_MAX; c++)
				free(out->cell[c]);
			return;
		}
	}
	line = scols_table_new_line(out->tab, parent);
	if (!line)
		die(-ENOMEM, "failed to add line to output");
	for (size_t c = 0; c < o->ncolumns; c++) {
		int col = o->columns[c];
		char *s;

		cell_value(col, out);
		/* the table takes the text; a column given twice gets a copy */
		s = out->cell[col];
		if (given[col] && s)
			s = xstrdup(s);
		given[col] = true;
		if (s && scols_line_refer_data(line, c, s) != 0)
			die(-ENOMEM, "failed to add line to output");
	}
	for (int c = 0; c < COL_MAX; c++)
		if (!given[c])
			free(out->cell[c]);

	if (o->tree == TREE_OWNER || o->tree == TREE_PARENT)
		out->ns_line[i] = line;
	else if (j >= 0)
		out->proc_line[j] = line;
}

static ssize_t related(const struct out *out, size_t i, bool parent)
{
	uint64_t rel = parent ? ns_info_parent(out->info, i) : ns_info_owner(out->info, i);

	if (!rel || rel == ns_info_ino(out->info, i))
		return -1;
	return ns_info_find(out->info, rel);
}

/* User and PID namespaces nest at most 32 deep, and a parent tree goes on
 * through the owner of a namespace without a parent: no tree is deeper. */
#define TREE_DEPTH_MAX (2 * 33)

/* An owner (or parent) is shown before what it owns, so the tree can hang
 * the owned namespace below it. Each namespace is visited once and the
 * walk up is bounded: the relations are what ioctls said about inodes a
 * link named, and those need not agree (a reused inode), so they could
 * loop. */
static void show_namespace(struct out *out, size_t i, int depth)
{
	ssize_t k = -1;

	if (out->ns_seen[i])
		return;
	out->ns_seen[i] = true;
	if (depth < TREE_DEPTH_MAX) {
		if (out->o->tree == TREE_OWNER) {
			k = related(out, i, false);
		} else if (out->o->tree == TREE_PARENT) {
			k = related(out, i, true);
			if (k < 0)
				k = related(out, i, false);
		}
	}
	if (k >= 0 && !out->ns_line[k])
		show_namespace(out, (size_t)k, depth + 1);
	add_line(out, i, ns_info_proc(out->info, i));
}

static void show_namespaces(struct out *out)
{
	const struct nsls_opts *o = out->o;
	size_t n = ns_info_count(out->info);

	for (size_t i = 0; i < n; i++) {
		if (o->task) {
			/* lsns lists a namespace if the task is among its processes */
			if (out->task < 0 ||
			    ns_info_proc_ns(out->info, (size_t)out->task, ns_info_type(out->info, i)) !=
				    ns_info_ino(out->info, i))
				continue;
		}
		if (o->persist && ns_info_nprocs(out->info, i) != 0)
			continue;
		if (!out->ns_line[i])
			show_namespace(out, i, 0);
	}
}

/* A process is shown below its parent only if they share the namespace.
 * PIDs reused while /proc was read could make the parent links a loop;
 * @depth stops the walk up at the number of processes. */
static void show_process(struct out *out, size_t i, size_t j, size_t depth)
{
	enum ns_type type = ns_info_type(out->info, i);
	ssize_t p = ns_info_proc_parent(out->info, j);

	if (out->o->tree == TREE_PROCESS && p >= 0 && !out->proc_line[p] &&
	    depth < ns_info_proc_count(out->info) &&
	    ns_info_proc_ns(out->info, (size_t)p, type) == ns_info_proc_ns(out->info, j, type))
		show_process(out, i, (size_t)p, depth + 1);
	if (!out->proc_line[j])
		add_line(out, i, (ssize_t)j);
}

static void show_namespace_processes(struct out *out, size_t i)
{
	enum ns_type type = ns_info_type(out->info, i);
	uint64_t ino = ns_info_ino(out->info, i);
	size_t n = ns_info_proc_count(out->info);

	for (size_t j = 0; j < n; j++)
		if (ns_info_proc_ns(out->info, j, type) == ino && !out->proc_line[j])
			show_process(out, i, j, 0);
}

static struct libscols_table *new_table(const struct nsls_opts *o)
{
	struct libscols_table *tab = scols_new_table();

	if (!tab)
		die(-ENOMEM, "failed to initialize output table");
	scols_table_enable_raw(tab, o->raw);
	scols_table_enable_json(tab, o->json);
	scols_table_enable_noheadings(tab, o->no_headings);
	if (o->json)
		scols_table_set_name(tab, "namespaces");

	for (size_t c = 0; c < o->ncolumns; c++) {
		int id = o->columns[c];
		const struct colinfo *ci = &nsls_columns[id];
		struct libscols_column *cl;
		int flags = ci->flags;

		if (o->no_trunc)
			flags &= ~SCOLS_FL_TRUNC;
		if (o->tree == TREE_PROCESS && id == COL_COMMAND)
			flags |= SCOLS_FL_TREE;
		if (o->no_wrap)
			flags &= ~SCOLS_FL_WRAP;
		if ((o->tree == TREE_OWNER || o->tree == TREE_PARENT) && id == COL_NS) {
			flags |= SCOLS_FL_TREE;
			flags &= ~SCOLS_FL_RIGHT;
		}
		cl = scols_table_new_column(tab, ci->name, ci->whint, flags);
		if (!cl)
			die(-ENOMEM, "failed to initialize output table");
		if (o->json)
			scols_column_set_json_type(cl, ci->json_type);
		if (!o->no_wrap && (flags & SCOLS_FL_WRAP)) {
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk,
						  NULL);
			scols_column_set_safechars(cl, "\n");
		}
	}
	return tab;
}

static void note_column(int id, void *data)
{
	bool *used = data;

	used[id] = true;
}

int main(int argc, char **argv)
{
	static struct nsls_opts o;
	struct out out = { .o = &o, .task = -1 };
	bool used[COL_MAX] = { false };
	unsigned int flags = NS_INFO_MOUNTS | NS_INFO_FDS;
	_cleanup_close_ int proc_fd = -1;
	int r;

	program_name = "nsls";
	hold_std_fds();
	/* libsmartcols draws the tree in UTF-8 only when the locale says so */
	setlocale(LC_ALL, "");
	close_stdout_atexit();
	nsls_parse_options(argc, argv, &o);

	for (size_t c = 0; c < o.ncolumns; c++)
		used[o.columns[c]] = true;
	if (o.filter)
		nsls_filter_columns(o.filter, note_column, used);
	/* ask the kernel only what the output shows */
	if (used[COL_PNS] || used[COL_ONS] || used[COL_CAPS] || o.tree == TREE_OWNER ||
	    o.tree == TREE_PARENT)
		flags |= NS_INFO_RELATIONS;
	if (o.tree == TREE_OWNER || o.tree == TREE_PARENT)
		flags |= NS_INFO_GHOSTS;
	if (used[COL_NETNSID])
		flags |= NS_INFO_NETNSID;
	if (used[COL_CAPS])
		flags |= NS_INFO_CAPS;
	if (!used[COL_PPID] && o.tree != TREE_PROCESS)
		flags |= NS_INFO_NO_PPID;
	/* read ahead only when most rows will show */
	if (used[COL_COMMAND] && !o.has_ns && !o.task && !o.persist)
		flags |= NS_INFO_COMMANDS;

	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		die(-errno, "cannot open /proc");
	r = ns_info_scan(proc_fd, o.types, flags, &out.info);
	/* lsns's words when the kernel lacks the NS_GET_* ioctls */
	if (r == -ENOTTY && (o.tree == TREE_OWNER || o.tree == TREE_PARENT))
		die_status(NS_EXIT_UNSUPPORTED_IOCTL, r, "--tree={parent|owner} is unsupported for your system");
	if (r == -ENOTTY)
		die_status(NS_EXIT_UNSUPPORTED_IOCTL, r, "Unsupported ioctl NS_GET_USERNS");
	if (r < 0)
		die(r, "cannot read /proc");

	if (used[COL_NAME]) {
		for (size_t d = 0; d < sizeof(name_dirs) / sizeof(name_dirs[0]); d++) {
			_cleanup_close_ int fd = open(name_dirs[d],
						      O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (fd < 0 && out_of_resources(-errno))
				die(-errno, "cannot open %s", name_dirs[d]);
			if (fd < 0)
				continue;
			r = ns_info_add_names(out.info, fd);
			if (out_of_resources(r))
				die(r, "cannot read %s", name_dirs[d]);
		}
		ns_info_add_session_names(out.info);
	}

	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	out.ns_line = calloc(ns_info_count(out.info) + 1, sizeof(*out.ns_line));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	out.proc_line = calloc(ns_info_proc_count(out.info) + 1, sizeof(*out.proc_line));
	out.ns_seen = calloc(ns_info_count(out.info) + 1, sizeof(*out.ns_seen));
	out.command = calloc(ns_info_proc_count(out.info) + 1, sizeof(*out.command));
	if (!out.ns_line || !out.proc_line || !out.ns_seen || !out.command)
		die(-ENOMEM, "cannot list namespaces");
	if (o.task) {
		for (size_t j = 0; j < ns_info_proc_count(out.info); j++)
			if (ns_info_proc_pid(out.info, j) == o.task)
				out.task = (ssize_t)j;
	}

	out.tab = new_table(&o);
	if (o.has_ns) {
		ssize_t i = ns_info_find(out.info, o.ns);

		if (i < 0)
			diex("not found namespace: %ju", (uintmax_t)o.ns);
		show_namespace_processes(&out, (size_t)i);
	} else {
		show_namespaces(&out);
	}
	scols_print_table(out.tab);
	scols_unref_table(out.tab);
	free(out.ns_line);
	free(out.ns_seen);
	free(out.proc_line);
	for (size_t j = 0; j < ns_info_proc_count(out.info); j++)
		free(out.command[j]);
	free(out.command);
	ns_info_free(out.info);
	nsls_filter_free(o.filter);
	return 0;
}
