/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compare the wall-clock time of command lines, run interleaved in rotated order. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* meson reads this exit status of a test or benchmark as SKIP. */
#define EXIT_SKIP 77

extern char **environ;

#define MAX_COMMANDS 8

struct command {
	char **argv;
	const char *label;
	uint64_t *usec;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage:\n"
		" bench-run [options] -- <command1>... -- <command2>... [-- <command3>...]\n"
		"\n"
		"Run commands in turn, the order rotated every round, and compare how long\n"
		"one run of each takes; the last command is the reference of the ratios.\n"
		"\n"
		"Options:\n"
		" -n, --runs <n>           timed runs of each command (default 100)\n"
		" -w, --warmup <n>         untimed runs of each command first (default 5)\n"
		" -b, --back-to-back <n>   time <n> runs in a row of each command per round\n"
		"                          and report starts per second (default: off)\n"
		" -l, --labels <a,b,...>   names of the commands in the output\n"
		" -u, --user <uid>:<gid>   when root, run everything as this user (exit 77\n"
		"                          if that is not possible)\n"
		" -h, --help               display this help\n");
}

static int parse_count(const char *s, unsigned long *ret)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > 1000000)
		return -EINVAL;
	*ret = v;
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Run @cmd once with stdout on /dev/null; returns the elapsed microseconds
 * from spawning to reaping, or exits 1 if it cannot run or fails. */
static uint64_t run_once(const struct command *cmd)
{
	posix_spawn_file_actions_t fa;
	uint64_t start, end;
	int r, status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);

	start = now_usec();
	r = posix_spawnp(&pid, cmd->argv[0], &fa, NULL, cmd->argv, environ);
	if (r) {
		fprintf(stderr, "bench-run: cannot run '%s': %s\n", cmd->argv[0], strerror(r));
		exit(1);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench-run: cannot wait for '%s': %m\n", cmd->argv[0]);
			exit(1);
		}
	}
	end = now_usec();
	posix_spawn_file_actions_destroy(&fa);

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return end - start;
	if (WIFEXITED(status))
		fprintf(stderr, "bench-run: '%s' exited with status %d\n", cmd->label,
			WEXITSTATUS(status));
	else
		fprintf(stderr, "bench-run: '%s' was killed by signal %d\n", cmd->label,
			WTERMSIG(status));
	exit(1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile @p (0..100) of the sorted array @v. */
static uint64_t percentile(const uint64_t *v, size_t n, unsigned int p)
{
	size_t rank = (n * p + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

static double median(const uint64_t *v, size_t n)
{
	if (n % 2)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Become @uid/@gid for good, with no supplementary groups. Returns 0, or
 * EXIT_SKIP if that is not possible here. */
static int become_user(uid_t uid, gid_t gid)
{
	if (geteuid() == uid && getegid() == gid)
		return 0;
	if (geteuid() != 0) {
		fprintf(stderr, "bench-run: skipping: only root can switch to uid %u\n",
			(unsigned int)uid);
		return EXIT_SKIP;
	}
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		fprintf(stderr, "bench-run: cannot switch to uid %u: %m\n", (unsigned int)uid);
		exit(1);
	}
	return 0;
}

/* Whether @file, run through posix_spawnp(), would be found and executable
 * by the current user. */
static bool can_execute(const char *file)
{
	char buf[PATH_MAX];
	const char *path, *p;

	if (strchr(file, '/'))
		return access(file, X_OK) == 0;
	path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	for (p = path; *p;) {
		size_t len = strcspn(p, ":");

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, p, file) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		p += len;
		if (*p == ':')
			p++;
	}
	return false;
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "runs",   required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "back-to-back", required_argument, NULL, 'b' },
		{ "labels", required_argument, NULL, 'l' },
		{ "user",   required_argument, NULL, 'u' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long runs = 100, warmup = 5, burst = 0;
	struct command cmd[MAX_COMMANDS] = { { 0 } };
	char *labels = NULL;
	unsigned int uid, gid;
	bool switch_user = false;
	int c, i, k, width, end;
	double m[MAX_COMMANDS];

	while ((c = getopt_long(argc, argv, "+n:w:b:l:u:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, &runs) < 0 || runs == 0) {
				fprintf(stderr, "bench-run: invalid number of runs '%s'\n", optarg);
				return 1;
			}
			break;
		case 'w':
			if (parse_count(optarg, &warmup) < 0) {
				fprintf(stderr, "bench-run: invalid number of warm-up runs '%s'\n",
					optarg);
				return 1;
			}
			break;
		case 'b':
			if (parse_count(optarg, &burst) < 0 || burst == 0) {
				fprintf(stderr, "bench-run: invalid number of back-to-back runs '%s'\n",
					optarg);
				return 1;
			}
			break;
		case 'l':
			labels = optarg;
			break;
		case 'u':
			if (sscanf(optarg, "%u:%u%n", &uid, &gid, &end) != 2 || optarg[end]) {
				fprintf(stderr, "bench-run: invalid user '%s' (expected uid:gid)\n",
					optarg);
				return 1;
			}
			switch_user = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'bench-run --help' for more information.\n");
			return 1;
		}
	}

	/* getopt consumed the first "--"; each further one starts a command. */
	k = 0;
	cmd[k++].argv = &argv[optind];
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "--"))
			continue;
		if (k == MAX_COMMANDS) {
			fprintf(stderr, "bench-run: at most %d commands\n", MAX_COMMANDS);
			return 1;
		}
		argv[i] = NULL;
		cmd[k++].argv = &argv[i + 1];
	}
	for (i = 0; i < k; i++) {
		if (!cmd[i].argv[0]) {
			usage(stderr);
			return 1;
		}
	}
	if (k < 2) {
		usage(stderr);
		return 1;
	}

	for (i = 0; i < k; i++) {
		cmd[i].label = base_name(cmd[i].argv[0]);
		cmd[i].usec = calloc(runs, sizeof(*cmd[i].usec));
		if (!cmd[i].usec) {
			fprintf(stderr, "bench-run: cannot allocate memory\n");
			return 1;
		}
	}
	for (i = 0; labels && i < k; i++) {
		cmd[i].label = labels;
		labels = strchr(labels, ',');
		if (labels)
			*labels++ = '\0';
	}

	if (switch_user) {
		int r = become_user(uid, gid);

		if (r)
			return r;
		for (i = 0; i < k; i++) {
			if (!can_execute(cmd[i].argv[0])) {
				fprintf(stderr,
					"bench-run: skipping: '%s' is not executable as uid %u\n",
					cmd[i].argv[0], uid);
				return EXIT_SKIP;
			}
		}
	}

	for (unsigned long n = 0; n < warmup; n++)
		for (i = 0; i < k; i++)
			run_once(&cmd[i]);
	/* Rotate which command goes first so none always runs right after
	 * the same other one's exit (page cache, CPU frequency, reaping). */
	for (unsigned long n = 0; n < runs; n++) {
		for (int j = 0; j < k; j++) {
			const struct command *cc = &cmd[(n + (unsigned long)j) % (unsigned long)k];
			uint64_t t = 0;

			if (burst) {
				uint64_t start = now_usec();

				for (unsigned long b = 0; b < burst; b++)
					run_once(cc);
				t = now_usec() - start;
			} else {
				t = run_once(cc);
			}
			cc->usec[n] = t;
		}
	}

	width = 0;
	for (i = 0; i < k; i++)
		if ((int)strlen(cmd[i].label) > width)
			width = (int)strlen(cmd[i].label);
	for (i = 0; i < k; i++) {
		qsort(cmd[i].usec, runs, sizeof(*cmd[i].usec), cmp_u64);
		m[i] = median(cmd[i].usec, runs);
	}
	for (i = 0; i < k; i++) {
		double ratio = m[k - 1] > 0 ? m[i] / m[k - 1] : 0.0;

		if (burst)
			/* starts per second: the reference's over ours is the ratio */
			printf("%-*s %.0f starts/s  ratio %.2f\n", width, cmd[i].label,
			       m[i] > 0 ? 1e6 * (double)burst / m[i] : 0.0,
			       m[i] > 0 ? m[k - 1] / m[i] : 0.0);
		else
			printf("%-*s median %.0f us  p10 %llu  p90 %llu  ratio %.2f\n", width,
			       cmd[i].label, m[i],
			       (unsigned long long)percentile(cmd[i].usec, runs, 10),
			       (unsigned long long)percentile(cmd[i].usec, runs, 90), ratio);
	}
	if (k == 2 && !burst)
		printf("ratio %s/%s %.2f\n", cmd[0].label, cmd[1].label,
		       m[1] > 0 ? m[0] / m[1] : 0.0);

	for (i = 1; i < k; i++)
		free(cmd[i].usec);
	free(cmd[0].usec);
	return 0;
}
