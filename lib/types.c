/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespace table: short name, unshare(1) option name, CLONE_NEW* flag, /proc entry. */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "ns.h"
#include "compat.h"
#include "ns-internal.h"

static const struct {
	const char *name;
	const char *long_name;
	const char *proc_children;
	int flag;
} types[NS_TYPE_MAX] = {
	[NS_TYPE_MNT] = { "mnt", "mount", NULL, CLONE_NEWNS },
	[NS_TYPE_UTS] = { "uts", NULL, NULL, CLONE_NEWUTS },
	[NS_TYPE_IPC] = { "ipc", NULL, NULL, CLONE_NEWIPC },
	[NS_TYPE_NET] = { "net", "network", NULL, CLONE_NEWNET },
	[NS_TYPE_PID] = { "pid", NULL, "pid_for_children", CLONE_NEWPID },
	[NS_TYPE_USER] = { "user", NULL, NULL, CLONE_NEWUSER },
	[NS_TYPE_CGROUP] = { "cgroup", NULL, NULL, CLONE_NEWCGROUP },
	[NS_TYPE_TIME] = { "time", NULL, "time_for_children", CLONE_NEWTIME },
};

const char *ns_type_name(enum ns_type type)
{
	if ((unsigned)type >= NS_TYPE_MAX)
		return NULL;
	return types[type].name;
}

int ns_type_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (strcmp(name, types[t].name) == 0 ||
		    (types[t].long_name && strcmp(name, types[t].long_name) == 0))
			return t;
	return -EINVAL;
}

int ns_type_flag(enum ns_type type)
{
	if ((unsigned)type >= NS_TYPE_MAX)
		return 0;
	return types[type].flag;
}

int ns_type_from_flag(int flag)
{
	for (int t = 0; t < NS_TYPE_MAX; t++)
		if (types[t].flag == flag)
			return t;
	return -EINVAL;
}

const char *ns_type_proc_name(enum ns_type type, bool for_children)
{
	if ((unsigned)type >= NS_TYPE_MAX)
		return NULL;
	if (for_children && types[type].proc_children)
		return types[type].proc_children;
	return types[type].name;
}
