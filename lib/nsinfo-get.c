/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What ns_info_scan() found: namespaces in inode order, processes in PID order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "ns-internal.h"
#include "nsinfo-data.h"
#include "nsinfo-proc.h"

size_t ns_info_count(const struct ns_info *info)
{
	return info->n_ns;
}

ssize_t ns_info_find(const struct ns_info *info, uint64_t ino)
{
	return nsi_index_get(&info->ns_ix, ino);
}

uint64_t ns_info_ino(const struct ns_info *info, size_t i)
{
	return info->ns[i].ino;
}

enum ns_type ns_info_type(const struct ns_info *info, size_t i)
{
	return info->ns[i].type;
}

size_t ns_info_nprocs(const struct ns_info *info, size_t i)
{
	return info->ns[i].nprocs;
}

ssize_t ns_info_proc(const struct ns_info *info, size_t i)
{
	return info->ns[i].proc;
}

uint64_t ns_info_parent(const struct ns_info *info, size_t i)
{
	return info->ns[i].parent;
}

uint64_t ns_info_owner(const struct ns_info *info, size_t i)
{
	return info->ns[i].owner;
}

int ns_info_owner_uid(const struct ns_info *info, size_t i, uid_t *ret)
{
	const struct nsi_ns *ns = &info->ns[i];

	if (ns->has_owner_uid) {
		*ret = ns->owner_uid;
		return 0;
	}
	if (ns->owner) {
		ssize_t o = nsi_index_get(&info->ns_ix, ns->owner);

		if (o >= 0 && info->ns[o].has_owner_uid) {
			*ret = info->ns[o].owner_uid;
			return 0;
		}
	}
	return -ENODATA;
}

int ns_info_caps(const struct ns_info *info, size_t i)
{
	if (info->ns[i].caps < 0)
		return -ENODATA;
	return info->ns[i].caps;
}

const char *ns_info_names(const struct ns_info *info, size_t i)
{
	return info->ns[i].names;
}

size_t ns_info_proc_count(const struct ns_info *info)
{
	return info->n_procs;
}

pid_t ns_info_proc_pid(const struct ns_info *info, size_t j)
{
	return info->procs[j].pid;
}

pid_t ns_info_proc_ppid(const struct ns_info *info, size_t j)
{
	return info->procs[j].ppid;
}

uid_t ns_info_proc_uid(const struct ns_info *info, size_t j)
{
	return info->procs[j].uid;
}

ssize_t ns_info_proc_parent(const struct ns_info *info, size_t j)
{
	return info->procs[j].parent;
}

uint64_t ns_info_proc_ns(const struct ns_info *info, size_t j, enum ns_type type)
{
	if ((unsigned)type >= NS_TYPE_MAX)
		return 0;
	return info->procs[j].ns[type];
}

int ns_info_proc_command(const struct ns_info *info, size_t j, char **ret)
{
	if (info->procs[j].command) {
		*ret = strdup(info->procs[j].command);
		return *ret ? 0 : -ENOMEM;
	}
	return nsi_read_command(info->proc_fd, info->procs[j].pid, ret);
}
