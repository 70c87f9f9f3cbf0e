/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The /proc scan of a namespace listing: plain records of what it read. */
#ifndef LIBNS_NSINFO_PROC_H
#define LIBNS_NSINFO_PROC_H

#include "nsinfo-data.h"

/* A process that vanished or that we may not look into is skipped, as
 * lsns(8) does; only the errors of reading /proc itself are fatal. */
bool nsi_is_gone(int r);
/* What nsi_proc_read_all() reads of each process besides its namespaces. */
struct nsi_proc_opts {
	bool fds;		/* its fds that hold namespaces, and its sockets */
	bool stat;		/* /proc/PID/stat: parent PID, kernel thread */
	bool fd_stat;		/* fds told apart by stat(2): the real /proc only */
	dev_t nsfs_dev;		/* the device of nsfs files, 0 if unknown */
};
int nsi_proc_read_all(int proc_fd, uint32_t types, const struct nsi_proc_opts *opts,
		      struct nsi_raw *ret);
int nsi_parse_stat(const char *stat, pid_t *ret_ppid, bool *ret_kthread);
int nsi_parse_fd_link(const char *s, uint64_t *ret_ino);
int nsi_read_command(int proc_fd, pid_t pid, char **ret);
int nsi_read_commands(struct ns_info *info);

#endif
