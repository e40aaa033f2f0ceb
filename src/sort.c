/* SPDX-License-Identifier: Apache-2.0 */
/* sort.c: a natural merge sort (see sort.h). */
#include "toolsync/sort.h"

struct run_sort {
	size_t n, size;
	int (*cmp)(const void *, const void *);
};

static const char *at(const struct run_sort *s, const char *v, size_t i)
{
	return v + i * s->size;
}

/* The end of the run of sorted elements from i. */
static size_t run_end(const struct run_sort *s, const char *v, size_t i)
{
	while (++i < s->n && s->cmp(at(s, v, i), at(s, v, i - 1)) >= 0)
		;
	return i;
}

/* Merge the sorted runs [i, mid) and [mid, end) of src into dst (stable). */
static void merge(const struct run_sort *s, char *dst, const char *src, size_t i, size_t mid,
		  size_t end)
{
	size_t a = i, b = mid, k = i;

	while (a < mid && b < end) {
		size_t from = s->cmp(at(s, src, b), at(s, src, a)) < 0 ? b++ : a++;

		memcpy(dst + k++ * s->size, at(s, src, from), s->size);
	}
	memcpy(dst + k * s->size, at(s, src, a), (mid - a) * s->size);
	k += mid - a;
	memcpy(dst + k * s->size, at(s, src, b), (end - b) * s->size);
}

int sort_runs(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	struct run_sort s = { n, size, cmp };
	char *src = base, *dst, *tmp;
	size_t i, mid, end, runs;

	if (n < 2 || run_end(&s, src, 0) == n)
		return 0;
	dst = xmalloc(st_mult(n, size));
	do {
		for (i = 0, runs = 0; i < n; i = end, runs++) {
			mid = run_end(&s, src, i);
			end = mid < n ? run_end(&s, src, mid) : mid;
			merge(&s, dst, src, i, mid, end);
		}
		tmp = src, src = dst, dst = tmp;
	} while (runs > 1);
	if (src != base) {
		memcpy(base, src, n * size);
		dst = src;
	}
	free(dst);
	return 1;
}
