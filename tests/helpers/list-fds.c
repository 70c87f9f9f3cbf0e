/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helper: prints the file descriptors it was started with. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* list-fds: the open fd numbers in ascending order, space-separated, on one
 * line (the directory fd the listing itself uses left out); with -l, one
 * "N -> target" line each after it. Exits 2 if /proc/self/fd cannot be read. */
int main(int argc, char **argv)
{
	int fds[1024], n = 0, self;
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return 2;
	self = dirfd(d);
	while ((de = readdir(d)) && n < (int)(sizeof(fds) / sizeof(fds[0]))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end || fd == self)
			continue;
		fds[n++] = (int)fd;
	}
	/* few enough for an insertion sort */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];

			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? " " : "", fds[i]);
	printf("\n");
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] == 'l') {
		for (int i = 0; i < n; i++) {
			char path[64], target[256];
			ssize_t len;

			snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
			len = readlink(path, target, sizeof(target) - 1);
			target[len < 0 ? 0 : len] = '\0';
			printf("%d -> %s\n", fds[i], target);
		}
	}
	closedir(d);
	return 0;
}
