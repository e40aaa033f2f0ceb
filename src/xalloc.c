/* SPDX-License-Identifier: Apache-2.0 */
/* xalloc.c: allocation that never returns NULL, and BUG(). */
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include "toolsync/common.h"

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

/*
 * The heap itself (the blocks below 1 MiB: rows, keys, index paths,
 * string pools' first chunks) is advised too, as brk grows it: a rebuild
 * of 100,000 tools that changes nothing faulted 20,000 pages, 12,800 with
 * this; diff 14,400 and 8,000 (docs/performance.md).  heap_marked: the
 * heap is advised up to here.
 */
static uintptr_t heap_marked;

/* After a small block: what brk added to the heap since (only the main arena grows it). */
static void *advise_heap(void *p)
{
#ifdef MADV_HUGEPAGE
	uintptr_t top = (uintptr_t)sbrk(0), page, was;

	if (!heap_marked || top <= __atomic_load_n(&heap_marked, __ATOMIC_RELAXED))
		return p;
	page = (uintptr_t)sysconf(_SC_PAGESIZE);
	if (page & (page - 1))
		return p;
	was = __atomic_exchange_n(&heap_marked, top, __ATOMIC_RELAXED);
	if (top > was)
		madvise((void *)(was & ~(page - 1)), top - (was & ~(page - 1)), MADV_HUGEPAGE);
#endif
	return p;
}

/*
 * A block of 2 MiB or more (a large build's index text and entries, its
 * matrix, its key set, a registry's text) asks for transparent huge
 * pages, which the kernel then gives where it is set to give them on
 * request (THP "madvise", Debian's default): on the VMs toolsync is
 * measured on a page fault costs about 9 µs, and a fresh 100,000-tool
 * build touched 28,000 fresh 4 KiB pages, 10,000 with this
 * (docs/performance.md).  Only advice: an error changes nothing.
 */
#define HUGE_BLOCK ((size_t)2 << 20)

static void *advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t page, start, end;

	if (n < HUGE_BLOCK)
		return advise_heap(p);
	page = (uintptr_t)sysconf(_SC_PAGESIZE);
	if (page & (page - 1))
		return p;
	/* whole pages: a mapping split in two could no longer be moved by mremap */
	start = (uintptr_t)p & ~(page - 1);
	end = ((uintptr_t)p + n + page - 1) & ~(page - 1);
	madvise((void *)start, end - start, MADV_HUGEPAGE);
#endif
	return p;
}

/*
 * Blocks of 1 MiB and more are mapped on their own, always: glibc
 * otherwise raises that bound to the largest block freed so far (up to
 * 32 MiB), after which the arrays a large build grows (the index, the
 * matrix, the buffers of its files) come from the heap, and each
 * realloc copies them into fresh pages instead of moving the mapping
 * (mremap); a 100,000-tool build faulted a third of its pages in those
 * copies.
 *
 * The heap itself is made to take transparent huge pages from its first
 * byte on.  On the VMs toolsync is measured on, a fresh 4 KiB page costs
 * about 15 µs and a whole 2 MiB huge page about 0.2 ms: a 1,000-tool
 * build touched about 800 pages of heap, 12 ms of CPU, which 100,000
 * tools spread thin (docs/performance.md, sixth round).  A huge page
 * needs an aligned 2 MiB of the heap not touched yet when it is advised,
 * so:
 *   - the heap starts one page below a 2 MiB boundary (the break is moved
 *     there before the first malloc: address space, not memory);
 *   - it grows in steps of 16 MiB (M_TOP_PAD), so the first malloc makes
 *     room at once, touching only that first page, and the room is
 *     advised right after it (advise_heap); 100,000 templates' segments
 *     (a few hundred MB, kept to the end) take a few dozen steps, not
 *     thousands of brk() of 128 KiB;
 *   - a thread's own arena is a fresh mapping whose first page glibc
 *     touches before it could be advised: what the workers keep (their
 *     buffers) is allocated for them by the main thread (compile.c).
 *     Every thread allocating from this heap (M_ARENA_MAX 1) made the
 *     parallel loading of 160 templates three times slower (the arena's
 *     lock).
 * Where a step fails (no sbrk, a sanitizer's allocator) the heap is as
 * glibc makes it: only slower.  So it is when a step finds no room (an
 * address-space limit, ulimit -v): a block is asked for again without
 * the step (smaller_steps), rather than "out of memory" for 1 byte with
 * 10 MB of room left.
 */
#define HEAP_STEP ((size_t)16 << 20)

/* After a failed allocation: grow the heap by only what is asked; 1 to try again. */
static int smaller_steps(void)
{
#ifdef M_TOP_PAD
	return mallopt(M_TOP_PAD, 0) == 1;
#else
	return 0;
#endif
}

void xalloc_init(void)
{
	uintptr_t cur, page = (uintptr_t)sysconf(_SC_PAGESIZE), start;

	if (heap_marked)
		return;
#ifdef M_MMAP_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
#ifdef M_TOP_PAD
	mallopt(M_TOP_PAD, HEAP_STEP);
#endif
	cur = (uintptr_t)sbrk(0);
	if (cur == (uintptr_t)-1 || !page || (page & (page - 1)) || page >= HUGE_BLOCK)
		return;
	start = ((cur + page + HUGE_BLOCK - 1) & ~(HUGE_BLOCK - 1)) - page;
	if (start > cur && sbrk((intptr_t)(start - cur)) == (void *)-1)
		start = cur;
	heap_marked = start & ~(page - 1);
	free(xmalloc(1));   /* the first step, advised (advise_heap) */
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p && (!smaller_steps() || !(p = malloc(n ? n : 1))))
		oom(n);
	return advise_huge(p, n);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p && (!smaller_steps() || !(p = calloc(nmemb ? nmemb : 1, size ? size : 1))))
		oom(st_mult(nmemb, size));
	return advise_huge(p, nmemb * size);
}

/*
 * A block that grows past 1 MiB (an index's entries, a matrix's arrays
 * and texts) is mapped on its own (xalloc_init), and growing it again
 * moves its pages to a new address (mremap).  On the VMs toolsync
 * is measured on, a moved page costs a fault in the hypervisor on its
 * next touch: reading 9 MB of index entries once after they had grown
 * by realloc took 21 ms, not 0.4 (docs/performance.md).  So such a block
 * takes address space ahead, at least 64 MiB and four times what it had:
 * pages not written cost nothing, and it is moved at most a few times.
 * A block with room for n already is kept as it is (realloc would give
 * back the room at its end, to be taken again on the next growth).
 */
#define GROW_MAPPED ((size_t)1 << 20)
#define GROW_AHEAD ((size_t)64 << 20)

void *xrealloc(void *p, size_t n)
{
	size_t had = p ? malloc_usable_size(p) : 0, ahead;
	void *q;

	if (n >= GROW_MAPPED && n <= had)
		return p;
	if (n >= GROW_MAPPED && n < SIZE_MAX / 4) {
		ahead = had < GROW_AHEAD / 4 ? GROW_AHEAD : 4 * had;
		if (ahead > n && (q = realloc(p, ahead)))   /* else only what is asked for */
			return advise_huge(q, ahead);
	}
	q = realloc(p, n ? n : 1);
	if (!q && (!smaller_steps() || !(q = realloc(p, n ? n : 1))))
		oom(n);
	return advise_huge(q, n);
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
