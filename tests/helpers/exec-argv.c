/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helper: execve(2) with any argument list (an empty one too) and environment. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* exec-argv PROG N ARG... ENV...: runs PROG with the N arguments (argv[0]
 * included; 0 for none) and the rest as its whole environment. */
int main(int argc, char **argv)
{
	char **list;
	char *end;
	long n;

	if (argc < 3)
		return 2;
	n = strtol(argv[2], &end, 10);
	if (*end || n < 0 || n > argc - 3)
		return 2;
	list = calloc((size_t)n + 1, sizeof(char *));
	if (!list)
		return 2;
	for (long i = 0; i < n; i++)
		list[i] = argv[3 + i];
	execve(argv[1], list, argv + 3 + n);
	perror("exec-argv: execve");
	return 127;
}
