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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* meson reads this exit status of a benchmark as SKIP. */
#define EXIT_SKIP 77

static pid_t *holders;
static size_t nholders;
/* CLONE_NEWUTS by default: cheap to make and to destroy, where 5,000
 * network namespaces keep the kernel busy for seconds after they end */
static int holder_flags = CLONE_NEWUSER | CLONE_NEWUTS;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage:\n"
		" nsls-scale [options] <nsls> <lsns>\n"
		" nsls-scale --scan | --scan-files\n"
		"\n"
		"Start N processes, each in a new user and UTS namespace, and time\n"
		"<nsls>, <lsns>, a bare walk of /proc/PID/ns and a walk that also reads\n"
		"what lsns's default output needs of each process (its stat file, a\n"
		"stat of each fd) in turn at every N: the median wall-clock and CPU\n"
		"times, their ratio, and how each grows from the first N to the last.\n"
		"\n"
		"Options:\n"
		" -N, --holders <n,...>    numbers of holders (default 1000,5000)\n"
		" -n, --runs <n>           timed runs at each size (default 10)\n"
		" -a, --args <words>       arguments for both <nsls> and <lsns>, split at\n"
		"                          blanks (default: none, the default listing)\n"
		"     --net                holders in a new network namespace, not a\n"
		"                          new UTS namespace (beside the user namespace)\n"
		"     --scan               only walk /proc/PID/ns/ once (the least any\n"
		"                          namespace lister reads), as a baseline\n"
		"     --scan-files         the same, with each process's stat file and\n"
		"                          a stat(2) of each of its fds\n"
		" -h, --help               display this help\n");
}

/* What every process costs whoever lists namespaces as lsns(8) does, by
 * the fd holding a namespace as well as by the process: its stat file
 * (the parent PID, for the process tree) and a stat(2) of each of its fds. */
static void scan_files(int pfd)
{
	char buf[8192] __attribute__((aligned(8)));
	struct stat st;
	ssize_t n;
	int fd, dfd;

	fd = openat(pfd, "stat", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf)) < 0)
			buf[0] = '\0';
		close(fd);
	}
	dfd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);

			off += de->d_reclen;
			if (de->d_name[0] != '.')
				(void)fstatat(dfd, de->d_name, &st, 0);
		}
	}
	close(dfd);
}

/* The baseline: open every /proc/PID and read its namespace links; with
 * @files, scan_files() as well. */
static int scan(bool files)
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
		if (files)
			scan_files(fd);
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
			if (unshare(holder_flags) < 0)
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

struct sample {
	double wall;	/* microseconds */
	double cpu;	/* user + system, all threads */
};

static unsigned int failures;

/* Runs @argv once with stdout on /dev/null; exits when it fails often. */
static struct sample run_once(char *const argv[])
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("nsls-scale: fork");
		exit(1);
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("nsls-scale: wait4");
		exit(1);
	}
	/* lsns 2.38 fails now and then when a process ends while it reads
	 * (another test on the machine); such a run is taken again */
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (++failures > 20) {
			fprintf(stderr, "nsls-scale: '%s' keeps failing\n", argv[0]);
			exit(1);
		}
		fprintf(stderr, "nsls-scale: '%s' failed, running it again\n", argv[0]);
		return run_once(argv);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (struct sample){
		.wall = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3,
		.cpu = ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 +
		       ru.ru_stime.tv_usec,
	};
}

/* The words of --args joined by blanks again, for the output. */
static const char *argv_text(char *const *w, size_t n)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < n && len < sizeof(buf); k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", k ? " " : "", w[k]);
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The commands in turn, @runs times, the first of each turn changing so
 * that none always follows the same one; medians of wall-clock and CPU
 * time (the latter less moved by other load on the machine). */
static void bench(char *const *argv[], size_t ncmd, size_t runs, struct sample *ret)
{
	double *wall = calloc(runs * ncmd, sizeof(double));
	double *cpu = calloc(runs * ncmd, sizeof(double));

	if (!wall || !cpu)
		exit(1);
	for (size_t c = 0; c < ncmd; c++)
		run_once(argv[c]);
	for (size_t r = 0; r < runs; r++) {
		for (size_t k = 0; k < ncmd; k++) {
			size_t c = (r + k) % ncmd;
			struct sample x = run_once(argv[c]);

			wall[c * runs + r] = x.wall;
			cpu[c * runs + r] = x.cpu;
		}
	}
	for (size_t c = 0; c < ncmd; c++) {
		ret[c].wall = median(wall + c * runs, runs);
		ret[c].cpu = median(cpu + c * runs, runs);
	}
	free(wall);
	free(cpu);
}

int main(int argc, char *argv[])
{
	enum { OPT_SCAN = 256, OPT_SCAN_FILES, OPT_NET };
	static const struct option longopts[] = {
		{ "holders", required_argument, NULL, 'N'      },
		{ "runs",    required_argument, NULL, 'n'      },
		{ "args",    required_argument, NULL, 'a'      },
		{ "scan",    no_argument,       NULL, OPT_SCAN },
		{ "scan-files", no_argument,    NULL, OPT_SCAN_FILES },
		{ "net",     no_argument,       NULL, OPT_NET  },
		{ "help",    no_argument,       NULL, 'h'      },
		{ NULL, 0, NULL, 0 }
	};
	const char *sizes_arg = "1000,5000";
	char *args = NULL, *words[32];
	size_t nwords = 0;
	size_t sizes[16], nsizes = 0, max = 0, runs = 10;
	struct sample t[16][4];
	char self[4096];
	ssize_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, "N:n:a:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			args = optarg;
			break;
		case 'N':
			sizes_arg = optarg;
			break;
		case 'n':
			runs = strtoul(optarg, NULL, 10);
			if (runs < 1 || runs > 1000) {
				fprintf(stderr, "nsls-scale: invalid number of runs '%s'\n", optarg);
				return 1;
			}
			break;
		case OPT_SCAN:
			return scan(false);
		case OPT_SCAN_FILES:
			return scan(true);
		case OPT_NET:
			holder_flags = CLONE_NEWUSER | CLONE_NEWNET;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 1;
	}
	for (const char *p = sizes_arg; *p && nsizes < 16;) {
		char *end;

		sizes[nsizes] = strtoul(p, &end, 10);
		if (end == p || (*end && *end != ',') ||
		    sizes[nsizes] < (nsizes ? sizes[nsizes - 1] : 1)) {
			fprintf(stderr, "nsls-scale: invalid sizes '%s'\n", sizes_arg);
			return 1;
		}
		max = sizes[nsizes++];
		p = *end ? end + 1 : end;
	}
	if (access(argv[optind + 1], X_OK) < 0) {
		fprintf(stderr, "nsls-scale: skipping: %s: %m\n", argv[optind + 1]);
		return EXIT_SKIP;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		return 1;
	self[len] = '\0';

	char *nsls_argv[34] = { argv[optind] }, *lsns_argv[34] = { argv[optind + 1] };

	for (char *save = NULL, *w = args ? strtok_r(args, " \t", &save) : NULL; w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (nwords == 32) {
			fprintf(stderr, "nsls-scale: too many arguments in '%s'\n", args);
			return 1;
		}
		words[nwords++] = w;
	}
	for (size_t k = 0; k < nwords; k++)
		nsls_argv[k + 1] = lsns_argv[k + 1] = words[k];
	char *scan_argv[] = { self, "--scan", NULL };
	char *files_argv[] = { self, "--scan-files", NULL };
	char *const *cmds[] = { nsls_argv, lsns_argv, scan_argv, files_argv };
	static const char *const names[] = { "nsls", "lsns", "/proc walk", "files walk" };

	holders = calloc(max, sizeof(*holders));
	if (!holders)
		return 1;
	for (size_t s = 0; s < nsizes; s++) {
		r = start_holders(sizes[s]);
		if (r < 0) {
			fprintf(stderr, "nsls-scale: skipping: cannot start %zu holders: %s\n",
				sizes[s], strerror(-r));
			return EXIT_SKIP;
		}
		/* let the kernel's deferred work for the new namespaces pass */
		sleep(2);
		bench(cmds, 4, runs, t[s]);
		printf("N=%zu holders, each in a new user and %s namespace, %zu runs%s%s:\n",
		       sizes[s], holder_flags & CLONE_NEWNET ? "network" : "UTS", runs,
		       nwords ? ", arguments " : "", nwords ? argv_text(words, nwords) : "");
		for (size_t k = 0; k < 4; k++)
			printf("  %-10s median wall %9.0f us  cpu %9.0f us\n", names[k], t[s][k].wall,
			       t[s][k].cpu);
		printf("  nsls/lsns  wall %.3f  cpu %.3f\n", t[s][0].wall / t[s][1].wall,
		       t[s][0].cpu / t[s][1].cpu);
		fflush(stdout);
	}
	stop_holders();

	if (nsizes > 1) {
		size_t l = nsizes - 1;

		printf("growth %zu/%zu (wall, cpu):", sizes[l], sizes[0]);
		for (size_t k = 0; k < 4; k++)
			printf("  %s %.2f %.2f", names[k], t[l][k].wall / t[0][k].wall,
			       t[l][k].cpu / t[0][k].cpu);
		printf("\n");
	}
	return 0;
}
