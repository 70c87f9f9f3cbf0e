/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Everything the nsinfo*.c files share, for nsinfo.c, which joins them, and
 * for the unit test; each of the others includes only what it uses. */
#ifndef LIBNS_NSINFO_INTERNAL_H
#define LIBNS_NSINFO_INTERNAL_H

#include "nsinfo-caps.h"
#include "nsinfo-data.h"
#include "nsinfo-mounts.h"
#include "nsinfo-netnsid.h"
#include "nsinfo-proc.h"

#endif
