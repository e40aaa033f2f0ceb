/* SPDX-License-Identifier: Apache-2.0 */
/* check_suggest.c: edit distance and near misses (suggest.c). */
#include <check.h>

#include "toolsync/suggest.h"

START_TEST(test_distance)
{
	ck_assert_uint_eq(suggest_distance("", ""), 0);
	ck_assert_uint_eq(suggest_distance("", "out"), 3);
	ck_assert_uint_eq(suggest_distance("out", ""), 3);
	ck_assert_uint_eq(suggest_distance("outt", "out"), 1);
	ck_assert_uint_eq(suggest_distance("biuld", "build"), 2);
	ck_assert_uint_eq(suggest_distance("OPENAI_debug_logging", "OPENAI_DEBUG_LOGGING"), 0);
	ck_assert_uint_eq(suggest_distance("kitten", "sitting"), 3);
}
END_TEST

START_TEST(test_near)
{
	static const struct {
		const char *typed, *word;
		int near;
	} cases[] = {
		{ "outt", "out", 1 },            /* one edit, word of 3 */
		{ "fx", "fix", 1 },
		{ "biuld", "build", 1 },         /* a transposition: two edits */
		{ "requre-signature", "require-signature", 1 },
		{ "chek-config", "check-config", 1 },
		{ "out", "out", 0 },             /* the word itself is no miss */
		{ "db", "out", 0 },              /* two edits of a word of 3 */
		{ "ab", "key", 0 },
		{ "x", "q", 0 },                 /* one edit, but all of it */
		{ "sign", "sign-each", 0 },      /* five edits */
		{ "", "out", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(suggest_near(cases[i].typed, cases[i].word) == cases[i].near,
			      "'%s' near '%s': expected %d", cases[i].typed, cases[i].word,
			      cases[i].near);
}
END_TEST

Suite *suggest_suite(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_distance);
	tcase_add_test(tc, test_near);
	suite_add_tcase(s, tc);
	return s;
}
