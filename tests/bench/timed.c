/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests/bench/timed.c OUT CMD...: run CMD and write "wall user sys
 * peak-RSS-KiB" to OUT, as /usr/bin/time -f '%e %U %S %M' would, but to
 * the microsecond: GNU time prints hundredths of a second, and a
 * 1,000-tool run takes a few of them.  Exits as CMD did (128 + N for a
 * signal N).
 *
 * In C, from a small process: fork() copies the parent's page tables,
 * and on the VMs toolsync is measured on the fork of a Python
 * interpreter, with the child's copy-on-write faults before exec, cost
 * 20 to 30 ms that were charged to the command (`toolsync --version`
 * timed at 35 to 46 ms from Python, 9 to 13 ms here).  posix_spawn()
 * would not copy them, but it makes the child's peak RSS at least the
 * parent's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fputs("usage: timed OUT CMD...\n", stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("timed: fork");
		return 127;
	}
	if (!pid) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "timed: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("timed: wait4");
		return 127;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!(f = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 127;
	}
	fprintf(f, "%.6f %.6f %.6f %ld\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		seconds(&ru.ru_utime), seconds(&ru.ru_stime), ru.ru_maxrss);
	if (fclose(f)) {
		perror(argv[1]);
		return 127;
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
