/* SPDX-License-Identifier: Apache-2.0 */
/* xalloc.c: allocation that never returns NULL, and BUG(). */
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include "toolsync/common.h"

/*
 * Fresh memory is expensive on the VMs toolsync is measured on: a page
 * fault costs tens of microseconds (paravirtualised page tables), and a
 * 100,000-tool build fills about 100 MB: the index read and written
 * (25 MB each), its entries, the registry, the key sets and the matrix.
 * In 4 KiB pages that was 30,000 faults, a fifth of a rebuild's time
 * (docs/performance.md).  So the heap goes on transparent huge pages
 * (marked as brk grows it, in steps of HEAP_STEP), and blocks up to
 * glibc's largest mmap threshold come from the heap, where a freed block
 * is used again rather than unmapped and faulted in afresh; the few
 * larger ones are marked themselves.  The kernel decides the rest (THP
 * "madvise" mode, or none).
 */
#define BIG_BLOCK ((size_t)32 << 20)
#define HEAP_STEP ((size_t)8 << 20)
#define PAGE ((uintptr_t)4096)

static uintptr_t heap_marked;   /* the heap is marked up to here */

static void mark(uintptr_t from, uintptr_t to)
{
#ifdef MADV_HUGEPAGE
	from &= ~(PAGE - 1);
	if (to > from)
		madvise((void *)from, (to - from + PAGE - 1) & ~(PAGE - 1), MADV_HUGEPAGE);
#else
	(void)from;
	(void)to;
#endif
}

void xalloc_init(void)
{
	mallopt(M_MMAP_THRESHOLD, (int)BIG_BLOCK);
	mallopt(M_TOP_PAD, (int)HEAP_STEP);
	mallopt(M_TRIM_THRESHOLD, (int)(8 * HEAP_STEP));
	heap_marked = (uintptr_t)sbrk(0);
}

/*
 * After an allocation: a large block is marked, and so is what brk added
 * to the heap (only the main thread grows it; a race marks twice).
 */
static void *marked(void *p, size_t n)
{
	uintptr_t top, was;

	if (n >= BIG_BLOCK) {
		mark((uintptr_t)p, (uintptr_t)p + n);
		return p;
	}
	top = (uintptr_t)sbrk(0);
	was = __atomic_exchange_n(&heap_marked, top, __ATOMIC_RELAXED);
	if (was && top > was)
		mark(was, top);
	return p;
}

static TS_NORETURN void oom(size_t n)
{
	fprintf(stderr, "toolsync: fatal: out of memory allocating %zu bytes\n", n);
	exit(EXIT_ERROR);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "toolsync: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		oom(SIZE_MAX);
	return a * b;
}

size_t st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		oom(SIZE_MAX);
	return a + b;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return marked(p, n);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(st_mult(nmemb, size));
	return marked(p, nmemb * size);
}

void *xrealloc(void *p, size_t n)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q;

	/* a block growing big is moved by hand: marked before the copy touches it */
	if (n >= BIG_BLOCK && old < BIG_BLOCK) {
		q = xmalloc(n);
		memcpy(q, p, old);
		free(p);
		return q;
	}
	q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return marked(q, n);
}

char *xmemdupz(const void *p, size_t n)
{
	char *s = xmalloc(st_add(n, 1));

	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

char *xstrdup(const char *s)
{
	return xmemdupz(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	const char *end = memchr(s, '\0', n);

	return xmemdupz(s, end ? (size_t)(end - s) : n);
}

char *xstrfmt(const char *fmt, ...)
{
	va_list ap, cp;
	int n;
	char *s;

	va_start(ap, fmt);
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed for '%s'", fmt);
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}
