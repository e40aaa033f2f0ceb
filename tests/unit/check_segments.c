/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_segments.c: a tree compiled into segments renders the very bytes
 * json_write() writes for the tree with the values substituted, in both
 * forms, whatever the values hold.
 */
#include <check.h>

#include "toolsync/segments.h"

/* {"key": K, "deep": {"d": "<${key}|${name}|${min_role}|${standards}>"}, "std": S, ...} */
static struct jv *doc(const struct segvals *v, const struct strlist *standards)
{
	struct jv *d = jv_object(), *deep = jv_object(), *arr = jv_array(), *std;
	struct strbuf s = STRBUF_INIT;
	size_t i;

	jv_set(d, "zeta", jv_number(0.30000000000000004));
	jv_set(d, "key", jv_string(v->raw[HOLE_KEY].buf));
	strbuf_addf(&s, "<%s|%s|%s|%s>", v->raw[HOLE_KEY].buf, v->raw[HOLE_NAME].buf,
		    v->raw[HOLE_MIN_ROLE].buf, v->raw[HOLE_STANDARDS].buf);
	jv_set(deep, "d", jv_stringn(s.buf, s.len));
	jv_append(arr, jv_string(v->raw[HOLE_MIN_ROLE].buf));
	jv_append(arr, jv_bool(1));
	jv_set(deep, "list", arr);
	jv_set(d, "deep", deep);
	if (standards) {
		std = jv_array();
		for (i = 0; i < standards->n; i++)
			jv_append(std, jv_string(standards->v[i]));
	} else {
		std = jv_string(segment_marker(HOLE_STANDARDS_ARRAY));
	}
	jv_set(d, "std", std);
	jv_set(d, "Alpha", jv_null());
	strbuf_release(&s);
	return d;
}

static void check_same(const char *key, const char *role, const char *const *stds, size_t n)
{
	static const enum json_style styles[] = { JSON_PRETTY, JSON_CANONICAL };
	struct segvals mark = SEGVALS_INIT, vals = SEGVALS_INIT;
	struct strlist standards = { NULL, 0, 0 };
	struct jv *with_holes, *with_values;
	size_t i;

	for (i = 0; i < n; i++)
		strlist_add(&standards, stds[i]);
	segvals_markers(&mark);
	segvals_set(&vals, key, role, &standards);
	with_holes = doc(&mark, NULL);
	with_values = doc(&vals, &standards);
	for (i = 0; i < ARRAY_SIZE(styles); i++) {
		struct strbuf text = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
		struct strpool pool = STRPOOL_INIT;
		struct segprog prog;

		json_write(&text, with_holes, styles[i]);
		json_write(&want, with_values, styles[i]);
		ck_assert_int_eq(segprog_compile(&prog, &text, styles[i], 0, 0, &pool), 0);
		segprog_render(&got, &prog, &vals);
		ck_assert_uint_eq(got.len, want.len);
		ck_assert_mem_eq(got.buf, want.buf, want.len);
		strpool_release(&pool);
		strbuf_release(&text);
		strbuf_release(&want);
		strbuf_release(&got);
	}
	jv_free(with_holes);
	jv_free(with_values);
	segvals_release(&mark);
	segvals_release(&vals);
	strlist_release(&standards);
}

START_TEST(test_same_bytes)
{
	static const char *const none[] = { NULL };
	static const char *const two[] = { "IFRS-9", "SOX-404" };
	static const char *const hostile[] = { "a\"b\\c", "line\nbreak\ttab\x01", "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80" };

	check_same("ledger.reconcile", "analyst", none, 0);
	check_same("a.b.c", "admin", two, 2);
	check_same("k", "r\"o\\le\n", hostile, ARRAY_SIZE(hostile));
}
END_TEST

START_TEST(test_item_cut_from_array)
{
	struct segvals vals = SEGVALS_INIT;
	struct strbuf text = STRBUF_INIT, got = STRBUF_INIT;
	struct strpool pool = STRPOOL_INIT;
	struct segprog prog;
	struct jv *arr = jv_array(), *o = jv_object();
	struct strlist none = { NULL, 0, 0 };

	segvals_markers(&vals);
	jv_set(o, "name", jv_string(vals.raw[HOLE_NAME].buf));
	jv_append(arr, o);
	json_write(&text, arr, JSON_PRETTY);
	ck_assert_int_eq(segprog_compile(&prog, &text, JSON_PRETTY, 4, 3, &pool), 0);
	segvals_set(&vals, "a.b", "viewer", &none);
	segprog_render(&got, &prog, &vals);
	ck_assert_str_eq(got.buf, "{\n    \"name\": \"a_b\"\n  }");
	strpool_release(&pool);
	strbuf_release(&text);
	strbuf_release(&got);
	segvals_release(&vals);
	jv_free(arr);
}
END_TEST

START_TEST(test_stray_marker_byte)
{
	struct segprog prog;
	struct strpool pool = STRPOOL_INIT;
	struct strbuf text = STRBUF_INIT;

	strbuf_addstr(&text, "{\"a\": \"\xff" "Z\"}");
	ck_assert_int_eq(segprog_compile(&prog, &text, JSON_PRETTY, 0, 0, &pool), -1);
	strbuf_reset(&text);
	strbuf_addstr(&text, "{\"a\": \"x\xff" "A\"}");   /* a value hole must be a whole string */
	ck_assert_int_eq(segprog_compile(&prog, &text, JSON_PRETTY, 0, 0, &pool), -1);
	strbuf_reset(&text);
	strbuf_addstr(&text, "\xff");
	ck_assert_int_eq(segprog_compile(&prog, &text, JSON_PRETTY, 0, 0, &pool), -1);
	strpool_release(&pool);
	strbuf_release(&text);
}
END_TEST

Suite *segments_suite(void)
{
	Suite *s = suite_create("segments");
	TCase *tc = tcase_create("segments");

	tcase_add_test(tc, test_same_bytes);
	tcase_add_test(tc, test_item_cut_from_array);
	tcase_add_test(tc, test_stray_marker_byte);
	suite_add_tcase(s, tc);
	return s;
}
