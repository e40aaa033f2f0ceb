/* SPDX-License-Identifier: Apache-2.0 */
/* check_sort.c: the natural merge sort (sort.c). */
#include <check.h>

#include "toolsync/sort.h"

struct item {
	int key, seq;   /* seq: the place before sorting, to see stability */
};

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/*
 * n items of keys from gen, sorted; checked for order and stability, and
 * for what sort_runs() says: whether they were out of order.
 */
static void check_sorted(size_t n, int (*gen)(size_t i, size_t n))
{
	struct item *v = xcalloc(n + 1, sizeof(*v));
	int out_of_order = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		v[i] = (struct item){ gen(i, n), (int)i };
		out_of_order |= i && v[i].key < v[i - 1].key;
	}
	ck_assert_int_eq(sort_runs(v, n, sizeof(*v), cmp_item), out_of_order);
	for (i = 1; i < n; i++) {
		ck_assert_int_le(v[i - 1].key, v[i].key);
		if (v[i - 1].key == v[i].key)
			ck_assert_int_lt(v[i - 1].seq, v[i].seq);
	}
	free(v);
}

/* The keys: in order, reversed, in runs, with many equal, scattered. */
static int ascending(size_t i, size_t n)
{
	(void)n;
	return (int)i;
}

static int descending(size_t i, size_t n)
{
	return (int)(n - i);
}

/* Runs of ascending keys, interleaved: a registry in blocks of families. */
static int blocks(size_t i, size_t n)
{
	(void)n;
	return (int)((i % 7) * 1000 + i / 7);
}

static int few_values(size_t i, size_t n)
{
	(void)n;
	return (int)((i * 2654435761u) % 5);
}

static int scattered(size_t i, size_t n)
{
	(void)n;
	return (int)((i * 2654435761u) % 100003);
}

START_TEST(test_sort_runs)
{
	size_t sizes[] = { 0, 1, 2, 3, 17, 64, 1000, 4097 };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		size_t n = sizes[k];

		check_sorted(n, ascending);
		check_sorted(n, descending);
		check_sorted(n, blocks);
		check_sorted(n, few_values);
		check_sorted(n, scattered);
	}
}
END_TEST

/* Elements wider than a pointer (an index entry is 88 bytes) move whole. */
struct wide {
	int key, seq;
	char tag[80];
};

static int cmp_wide(const void *a, const void *b)
{
	const struct wide *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

START_TEST(test_sort_runs_wide)
{
	size_t n = 3001, i;
	struct wide *v = xcalloc(n, sizeof(*v));

	for (i = 0; i < n; i++) {
		v[i].key = blocks(i, n) % 977;
		v[i].seq = (int)i;
		snprintf(v[i].tag, sizeof(v[i].tag), "%d:%d", v[i].key, v[i].seq);
	}
	ck_assert_int_eq(sort_runs(v, n, sizeof(*v), cmp_wide), 1);
	for (i = 0; i < n; i++) {
		char want[80];

		snprintf(want, sizeof(want), "%d:%d", v[i].key, v[i].seq);
		ck_assert_str_eq(v[i].tag, want);
		if (i && v[i - 1].key == v[i].key)
			ck_assert_int_lt(v[i - 1].seq, v[i].seq);
		if (i)
			ck_assert_int_le(v[i - 1].key, v[i].key);
	}
	free(v);
}
END_TEST

/* (key, place) pairs: by key, equal keys in the order of their places. */
START_TEST(test_sort_ref)
{
	static const char *const keys[] = { "b", "a.b", "a", "b", "a-b", "a" };
	static const size_t want[] = { 2, 5, 4, 1, 0, 3 };
	struct sort_ref v[ARRAY_SIZE(keys)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		v[i] = (struct sort_ref){ keys[i], i };
	ck_assert_int_eq(sort_runs(v, ARRAY_SIZE(v), sizeof(*v), sort_ref_cmp), 1);
	for (i = 0; i < ARRAY_SIZE(v); i++)
		ck_assert_uint_eq(v[i].at, want[i]);
}
END_TEST

Suite *sort_suite(void)
{
	Suite *s = suite_create("sort");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sort_runs);
	tcase_add_test(tc, test_sort_runs_wide);
	tcase_add_test(tc, test_sort_ref);
	suite_add_tcase(s, tc);
	return s;
}
