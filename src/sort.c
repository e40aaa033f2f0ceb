/* SPDX-License-Identifier: Apache-2.0 */
/* sort.c: a natural merge sort (see sort.h). */
#include "toolsync/sort.h"

/*
 * The runs are found once, with n - 1 comparisons, and their bounds kept:
 * merging two neighbours gives the bounds of the next pass, so no pass
 * compares elements only to find where runs end.  What is merged is an
 * array of pointers to the elements, not the elements (an index entry is
 * 88 bytes): they are moved once, into their places, at the end.
 */
static size_t find_runs(const char *v, size_t n, size_t size,
			int (*cmp)(const void *, const void *), size_t **bounds)
{
	size_t i, runs = 0, alloc = 0;

	*bounds = NULL;
	for (i = 1; i <= n; i++)
		if (i == n || cmp(v + i * size, v + (i - 1) * size) < 0) {
			ALLOC_GROW(*bounds, runs + 2, alloc);
			(*bounds)[++runs] = i;
		}
	(*bounds)[0] = 0;
	return runs;
}

/* Merge the sorted runs [i, mid) and [mid, end) of src into dst (stable). */
static void merge(const char **dst, const char *const *src, size_t i, size_t mid, size_t end,
		  int (*cmp)(const void *, const void *))
{
	size_t a = i, b = mid, k = i;

	while (a < mid && b < end)
		dst[k++] = cmp(src[b], src[a]) < 0 ? src[b++] : src[a++];
	while (a < mid)
		dst[k++] = src[a++];
	while (b < end)
		dst[k++] = src[b++];
}

int sort_runs(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *v = base, *sorted;
	const char **src, **dst, **tmp;
	size_t *bounds, runs, i, r;

	if (n < 2)
		return 0;
	runs = find_runs(v, n, size, cmp, &bounds);
	if (runs == 1) {
		free(bounds);
		return 0;
	}
	src = xmalloc(st_mult(n, sizeof(*src)));
	dst = xmalloc(st_mult(n, sizeof(*dst)));
	for (i = 0; i < n; i++)
		src[i] = v + i * size;
	while (runs > 1) {
		for (r = 0; r + 1 < runs; r += 2)
			merge(dst, src, bounds[r], bounds[r + 1], bounds[r + 2], cmp);
		if (r < runs)   /* an odd run out: copied as it is */
			merge(dst, src, bounds[r], bounds[r + 1], bounds[r + 1], cmp);
		for (r = 0; 2 * r <= runs; r++)   /* every other bound, and the end */
			bounds[r] = bounds[2 * r < runs ? 2 * r : runs];
		runs = (runs + 1) / 2;
		bounds[runs] = n;
		tmp = src, src = dst, dst = tmp;
	}
	sorted = xmalloc(st_mult(n, size));
	for (i = 0; i < n; i++)
		memcpy(sorted + i * size, src[i], size);
	memcpy(v, sorted, n * size);
	free(sorted);
	free(src);
	free(dst);
	free(bounds);
	return 1;
}

int sort_ref_cmp(const void *pa, const void *pb)
{
	const struct sort_ref *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c ? c : (a->at > b->at) - (a->at < b->at);
}
