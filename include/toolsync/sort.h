/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sort.h: a natural merge sort, for lists that come in sorted runs.
 *
 * A build's lists arrive mostly in order: the index in registry order
 * (one run per block of sorted keys), an old index sorted already, the
 * matrix's tools likewise.  sort_runs() finds the runs and merges them
 * pairwise: one pass over sorted input, log2(runs) passes otherwise,
 * where qsort() always does n log n comparisons.  It is stable.
 */
#ifndef TOOLSYNC_SORT_H
#define TOOLSYNC_SORT_H

#include "toolsync/common.h"

/*
 * Sort n elements of size bytes at base by cmp (qsort's contract),
 * stably.  1 when they were not in order already, else 0.
 */
int sort_runs(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/*
 * A string and the place of what it names: a list of wide elements (an
 * index entry, a matrix tool) is sorted as these pairs, one load a side
 * to compare, and moved once after.  sort_ref_cmp orders by the string,
 * then by the place: the order is stable.
 */
struct sort_ref {
	const char *key;
	size_t at;
};

int sort_ref_cmp(const void *a, const void *b);

#endif
