/* SPDX-License-Identifier: Apache-2.0 */
/* check_strpool.c: the shared string pool (strpool.c). */
#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "toolsync/strpool.h"

START_TEST(test_copies)
{
	struct strpool p = STRPOOL_INIT;
	char buf[] = "abc";
	const char *a, *b, *nul;

	a = strpool_copy(&p, buf, 3);
	buf[0] = 'x';                  /* the copy does not follow the caller's buffer */
	ck_assert_str_eq(a, "abc");
	b = strpool_copy(&p, "", 0);
	ck_assert_str_eq(b, "");
	nul = strpool_copy(&p, "a\0b", 3);
	ck_assert_int_eq(memcmp(nul, "a\0b", 4), 0);
	ck_assert_str_eq(a, "abc");   /* earlier copies stay where they are */
	strpool_release(&p);
	ck_assert_ptr_null(p.head);
	strpool_release(&p);           /* twice is harmless */
}
END_TEST

/* Strings larger than a chunk, and many small ones over several chunks. */
START_TEST(test_sizes)
{
	struct strpool p = STRPOOL_INIT;
	size_t big = 200 * 1024, i;
	char *s = malloc(big);
	const char *first, *copy, *small[5000];

	memset(s, 'q', big);
	first = strpool_copy(&p, "first", 5);
	copy = strpool_copy(&p, s, big);
	ck_assert_int_eq(memcmp(copy, s, big), 0);
	ck_assert_int_eq(copy[big], '\0');
	for (i = 0; i < 5000; i++) {
		char key[32];
		int n = snprintf(key, sizeof(key), "key-%zu-%0*d", i, (int)(i % 20), 0);

		small[i] = strpool_copy(&p, key, (size_t)n);
	}
	for (i = 0; i < 5000; i++) {
		char key[32];

		snprintf(key, sizeof(key), "key-%zu-%0*d", i, (int)(i % 20), 0);
		ck_assert_str_eq(small[i], key);
	}
	ck_assert_str_eq(first, "first");
	free(s);
	strpool_release(&p);
}
END_TEST

/* Objects from the pool are aligned for any type, between odd strings. */
START_TEST(test_alloc_aligned)
{
	struct strpool p = STRPOOL_INIT;
	size_t i;

	for (i = 0; i < 3000; i++) {
		uint64_t *x;

		strpool_copy(&p, "odd lengths", i % 7);
		x = strpool_alloc(&p, sizeof(*x) * 3);
		ck_assert_uint_eq((uintptr_t)x % _Alignof(max_align_t), 0);
		x[0] = x[1] = x[2] = i;
	}
	strpool_release(&p);
}
END_TEST

Suite *strpool_suite(void)
{
	Suite *s = suite_create("strpool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_copies);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_alloc_aligned);
	suite_add_tcase(s, tc);
	return s;
}
