/* SPDX-License-Identifier: Apache-2.0 */
/*
 * common.h: what every toolsync source file includes first.
 *
 * Exit codes, BUG(), ARRAY_SIZE and the allocation wrappers.  The banned
 * functions list comes last so that it applies to every file.
 */
#ifndef TOOLSYNC_COMMON_H
#define TOOLSYNC_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit codes, the same for every command (DESIGN.md, Commands). */
enum exit_code {
	EXIT_OK = 0,       /* success, or nothing at or above --fail-on */
	EXIT_FINDINGS = 1, /* findings at the threshold, or a failed verification */
	EXIT_ERROR = 2,    /* bad usage, bad input, operational error */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define TS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TS_NORETURN __attribute__((noreturn))
#else
#define TS_PRINTF(f, a)
#define TS_NORETURN
#endif

/* An internal inconsistency: print where, then abort.  Never for bad input. */
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
TS_NORETURN TS_PRINTF(3, 4) void bug_fl(const char *file, int line, const char *fmt, ...);

/* Allocation: these never return NULL; on exhaustion they print and exit 2. */
/* Once, at start: how large blocks are allocated (see xalloc.c). */
void xalloc_init(void);
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xmemdupz(const void *p, size_t n);   /* copies n bytes and adds a NUL */
TS_PRINTF(1, 2) char *xstrfmt(const char *fmt, ...);

/*
 * Grow array x (of alloc elements) so that it holds at least nr + 1.
 * git's ALLOC_GROW, with overflow checked.
 */
#define ALLOC_GROW(x, nr, alloc)                                              \
	do {                                                                  \
		if ((size_t)(nr) >= (size_t)(alloc)) {                        \
			size_t ag_new_ = ((size_t)(alloc) + 16) * 3 / 2;      \
			if (ag_new_ <= (size_t)(nr))                          \
				ag_new_ = (size_t)(nr) + 1;                   \
			(x) = xrealloc((x), st_mult(ag_new_, sizeof(*(x))));  \
			(alloc) = ag_new_;                                    \
		}                                                             \
	} while (0)

size_t st_mult(size_t a, size_t b);
size_t st_add(size_t a, size_t b);

#include "toolsync/banned.h"

#endif
