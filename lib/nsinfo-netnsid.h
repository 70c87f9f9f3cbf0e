/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NETNSID of the network namespaces of a listing. */
#ifndef LIBNS_NSINFO_NETNSID_H
#define LIBNS_NSINFO_NETNSID_H

#include "nsinfo-data.h"

int nsi_netnsid_open(struct ns_info *info);
void nsi_netnsid_close(struct ns_info *info);
int nsi_netnsid_fill(struct ns_info *info);
int nsi_netnsid_of_fd(struct ns_info *info, int nsfd);

#endif
