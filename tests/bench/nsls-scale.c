/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How listing namespaces grows with their number: nsls against lsns at N holders. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* meson reads this exit status of a benchmark as SKIP. */
#define EXIT_SKIP 77

static pid_t *holders;
static size_t nholders;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage:\n"
		" nsls-scale [options] <bench-run> <nsls> <lsns>\n"
		" nsls-scale --scan\n"
		"\n"
		"Start N processes, each in a new user and network namespace, and time\n"
		"<nsls> against <lsns> with <bench-run> at every N; then print the ratio\n"
		"and how each time grows from the first N to the last.\n"
		"\n"
		"Options:\n"
		" -N, --holders <n,...>    numbers of holders (default 1000,5000)\n"
		" -n, --runs <n>           timed runs at each size (default 10)\n"
		"     --scan               only walk /proc/PID/ns/ once (the least any\n"
		"                          namespace lister reads), as a baseline\n"
		" -h, --help               display this help\n");
}

/* The baseline: open every /proc/PID and read its namespace links. */
static int scan(void)
{
	static const char *const names[] = { "ns/mnt", "ns/uts", "ns/ipc", "ns/net",
					      "ns/pid", "ns/user", "ns/cgroup", "ns/time" };
	struct dirent *de;
	unsigned long n = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return 1;
	while ((de = readdir(d))) {
		char buf[64];
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		fd = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (readlinkat(fd, names[i], buf, sizeof(buf)) > 0)
				n++;
		close(fd);
	}
	closedir(d);
	printf("%lu\n", n);
	return 0;
}

static void stop_holders(void)
{
	for (size_t i = 0; i < nholders; i++)
		kill(holders[i], SIGKILL);
	for (size_t i = 0; i < nholders; i++)
		waitpid(holders[i], NULL, 0);
	nholders = 0;
}

/* Grows the set of holders to @n; each reports on @pipe once it is in its
 * namespaces. Returns 0, or -errno (a limit reached) after stopping all. */
static int start_holders(size_t n)
{
	int p[2];
	size_t started = nholders;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	for (; nholders < n; nholders++) {
		pid_t pid = fork();

		if (pid < 0) {
			int r = -errno;

			close(p[0]);
			close(p[1]);
			stop_holders();
			return r;
		}
		if (pid == 0) {
			char c = 1;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(p[0]);
			if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
				c = 0;
			if (write(p[1], &c, 1) != 1)
				_exit(1);
			close(p[1]);
			for (;;)
				pause();
		}
		holders[nholders] = pid;
	}
	close(p[1]);
	for (size_t i = started; i < n; i++) {
		char c;

		if (read(p[0], &c, 1) != 1 || c != 1) {
			close(p[0]);
			stop_holders();
			return -EPERM;
		}
	}
	close(p[0]);
	return 0;
}

/* Runs bench-run on two shell-quoted commands and takes the two medians from its output. */
static int bench(const char *bench_run, const char *runs, const char *warm, const char *a,
		 const char *b, double *ma, double *mb)
{
	char cmd[4096], line[512];
	int found = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' -n %s -w %s -- %s -- %s", bench_run, runs, warm, a, b);
	f = popen(cmd, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char label[256];
		double m;

		fputs(line, stdout);
		if (sscanf(line, "%255s median %lf us", label, &m) == 2) {
			if (found == 0)
				*ma = m;
			else
				*mb = m;
			found++;
		}
	}
	if (pclose(f) != 0 || found != 2)
		return -EIO;
	return 0;
}

int main(int argc, char *argv[])
{
	enum { OPT_SCAN = 256 };
	static const struct option longopts[] = {
		{ "holders", required_argument, NULL, 'N'      },
		{ "runs",    required_argument, NULL, 'n'      },
		{ "scan",    no_argument,       NULL, OPT_SCAN },
		{ "help",    no_argument,       NULL, 'h'      },
		{ NULL, 0, NULL, 0 }
	};
	const char *sizes_arg = "1000,5000", *runs = "10";
	size_t sizes[16], nsizes = 0, max = 0;
	double t_nsls[16], t_lsns[16], t_scan[16], t_again;
	char self[4096], scan_cmd[4200], nsls_cmd[4200], lsns_cmd[4200];
	ssize_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, "N:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'N':
			sizes_arg = optarg;
			break;
		case 'n':
			runs = optarg;
			break;
		case OPT_SCAN:
			return scan();
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (argc - optind != 3) {
		usage(stderr);
		return 1;
	}
	for (const char *p = sizes_arg; *p && nsizes < 16;) {
		char *end;

		sizes[nsizes] = strtoul(p, &end, 10);
		if (end == p || (*end && *end != ',') || sizes[nsizes] < (nsizes ? sizes[nsizes - 1] : 1)) {
			fprintf(stderr, "nsls-scale: invalid sizes '%s'\n", sizes_arg);
			return 1;
		}
		max = sizes[nsizes++];
		p = *end ? end + 1 : end;
	}
	if (access(argv[optind + 2], X_OK) < 0) {
		fprintf(stderr, "nsls-scale: skipping: %s: %m\n", argv[optind + 2]);
		return EXIT_SKIP;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		return 1;
	self[len] = '\0';
	snprintf(scan_cmd, sizeof(scan_cmd), "'%s' --scan", self);
	snprintf(nsls_cmd, sizeof(nsls_cmd), "'%s'", argv[optind + 1]);
	snprintf(lsns_cmd, sizeof(lsns_cmd), "'%s'", argv[optind + 2]);

	holders = calloc(max, sizeof(*holders));
	if (!holders)
		return 1;
	for (size_t s = 0; s < nsizes; s++) {
		char warm[] = "1";

		r = start_holders(sizes[s]);
		if (r < 0) {
			fprintf(stderr, "nsls-scale: skipping: cannot start %zu holders: %s\n",
				sizes[s], strerror(-r));
			return EXIT_SKIP;
		}
		printf("== %zu holders, each in a new user and net namespace\n", sizes[s]);
		fflush(stdout);
		if (bench(argv[optind], runs, warm, nsls_cmd, lsns_cmd,
			  &t_nsls[s], &t_lsns[s]) < 0 ||
		    bench(argv[optind], runs, warm, scan_cmd, nsls_cmd, &t_scan[s],
			  &t_again) < 0) {
			stop_holders();
			fprintf(stderr, "nsls-scale: a timed command failed\n");
			return 1;
		}
		fflush(stdout);
	}
	stop_holders();

	printf("== summary (medians)\n");
	for (size_t s = 0; s < nsizes; s++)
		printf("N=%-6zu nsls %9.0f us  lsns %9.0f us  /proc walk %9.0f us  nsls/lsns %.3f\n",
		       sizes[s], t_nsls[s], t_lsns[s], t_scan[s], t_nsls[s] / t_lsns[s]);
	if (nsizes > 1) {
		size_t l = nsizes - 1;

		printf("growth %zu/%zu: nsls %.2f  lsns %.2f  /proc walk %.2f\n", sizes[l],
		       sizes[0], t_nsls[l] / t_nsls[0], t_lsns[l] / t_lsns[0],
		       t_scan[l] / t_scan[0]);
	}
	return 0;
}
