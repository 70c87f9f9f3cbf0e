/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsfs mount points of a namespace listing, and names of bind mounts. */
#ifndef LIBNS_NSINFO_MOUNTS_H
#define LIBNS_NSINFO_MOUNTS_H

#include "nsinfo-data.h"

/* longer lines of mountinfo are refused: two escaped paths of PATH_MAX */
#define NSI_MOUNTINFO_LINE_MAX (2 * 4 * 4096 + 4096)

int nsi_mountinfo_unescape(char *s);
int nsi_mountinfo_nsfs(char *line, char **ret_target, uint64_t *ret_ino);
int nsi_nsfs_open(const char *path, uint64_t ino);
int nsi_list_add(char **list, const char *s);
void nsi_mounts_free(struct ns_info *info);

#endif
