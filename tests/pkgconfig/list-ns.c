// SPDX-License-Identifier: LGPL-2.1-or-later
/* The caller's namespaces, as /proc/self/ns names them, through libns's public API alone. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ns.h>

int main(void)
{
	struct ns_info *info;
	int proc_fd, r, t;

	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0) {
		fprintf(stderr, "list-ns: cannot open /proc: %s\n", strerror(errno));
		return 1;
	}
	r = ns_info_scan(proc_fd, 0, 0, &info);
	if (r < 0) {
		fprintf(stderr, "list-ns: cannot list namespaces: %s\n", strerror(-r));
		return 1;
	}
	for (t = 0; t < NS_TYPE_MAX; t++) {
		uint64_t ino;
		ssize_t i;

		r = ns_inode_at(proc_fd, 0, t, &ino);
		if (r == -ENOENT)
			continue;	/* a kernel without this type */
		if (r < 0) {
			fprintf(stderr, "list-ns: cannot read the %s namespace: %s\n",
				ns_type_name(t), strerror(-r));
			return 1;
		}
		/* the scan lists it, as a namespace of this type with a process */
		i = ns_info_find(info, ino);
		if (i < 0 || ns_info_type(info, i) != (enum ns_type)t || ns_info_nprocs(info, i) < 1) {
			fprintf(stderr, "list-ns: %s namespace %" PRIu64 " not listed\n",
				ns_type_name(t), ino);
			return 1;
		}
		printf("%s:[%" PRIu64 "]\n", ns_type_proc_name(t, false), ns_info_ino(info, i));
	}
	ns_info_free(info);
	close(proc_fd);
	return 0;
}
