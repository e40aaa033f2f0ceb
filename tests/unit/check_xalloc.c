/* SPDX-License-Identifier: Apache-2.0 */
/* check_xalloc.c: the heap's steps (xalloc_init) under an address-space limit. */
#include <check.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "toolsync/common.h"

/* A sanitizer's allocator maps its own way, and mallopt does not reach it. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* Bytes of address space the process has mapped now (VmSize). */
static size_t mapped_now(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * In a child: 8 MiB of address space left (ulimit -v), xalloc_init, then
 * 4 MiB of small blocks, which the heap must find room for.  The heap's
 * 16 MiB steps made even the first of them fail ("out of memory
 * allocating 1 bytes": toolsync --version in a 16 MB limit).  Exits 0
 * when every block was given.
 */
static void small_blocks_in_a_limit(void)
{
	struct rlimit r;
	void *p[64];
	size_t i;

	if (getrlimit(RLIMIT_AS, &r))
		_exit(3);
	r.rlim_cur = mapped_now() + ((size_t)8 << 20);
	if (!r.rlim_cur || (r.rlim_max != RLIM_INFINITY && r.rlim_cur > r.rlim_max) ||
	    setrlimit(RLIMIT_AS, &r))
		_exit(3);
	xalloc_init();
	for (i = 0; i < 64; i++)
		p[i] = xmalloc((size_t)64 << 10);
	for (i = 0; i < 64; i++)
		free(p[i]);
	_exit(0);
}

START_TEST(test_limited_address_space)
{
	int status;
	pid_t pid;

	if (SANITIZED)
		return;
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid)
		small_blocks_in_a_limit();
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *xalloc_suite(void)
{
	Suite *s = suite_create("xalloc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_limited_address_space);
	suite_add_tcase(s, tc);
	return s;
}
