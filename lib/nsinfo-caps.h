/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capabilities over the namespaces of a listing, and id maps. */
#ifndef LIBNS_NSINFO_CAPS_H
#define LIBNS_NSINFO_CAPS_H

#include "nsinfo-data.h"

int nsi_caps_init(struct ns_info *info);
int nsi_parse_cap_eff(const char *status, uint64_t *ret);
int nsi_caps_of_userns(struct ns_info *info, int userns_fd, uint64_t ino);
int nsi_parse_idmap(const char *text, size_t len, struct ns_idmap *ret);

#endif
