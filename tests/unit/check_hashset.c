/* check_hashset.c: the shared hash set (hashset.c). */
#include <check.h>

#include "toolsync/hashset.h"
#include "toolsync/strbuf.h"
#include "toolsync/yaml.h"

START_TEST(test_add_find)
{
	struct hashset hs = HASHSET_INIT;
	struct hashset_entry *e;
	int added = -1;

	ck_assert_ptr_null(hashset_find(&hs, "a", 1));
	e = hashset_add(&hs, "a", 1, &added);
	ck_assert_int_eq(added, 1);
	ck_assert_str_eq(e->key, "a");
	ck_assert_ptr_null(e->val);
	e->val = &hs;
	e = hashset_add(&hs, "a", 1, &added);
	ck_assert_int_eq(added, 0);
	ck_assert_ptr_eq(e->val, &hs);
	ck_assert_ptr_eq(hashset_find(&hs, "a", 1)->val, &hs);
	ck_assert_ptr_null(hashset_find(&hs, "ab", 2));
	ck_assert_ptr_null(hashset_find(&hs, "", 0));
	/* keys with the same prefix, an empty key, a key holding NUL */
	hashset_add(&hs, "ab", 2, &added);
	ck_assert_int_eq(added, 1);
	hashset_add(&hs, "", 0, &added);
	ck_assert_int_eq(added, 1);
	hashset_add(&hs, "a\0b", 3, &added);
	ck_assert_int_eq(added, 1);
	ck_assert_ptr_nonnull(hashset_find(&hs, "a\0b", 3));
	ck_assert_ptr_null(hashset_find(&hs, "a\0c", 3));
	ck_assert_uint_eq(hs.n, 4);
	hashset_release(&hs);
	ck_assert_uint_eq(hs.n, 0);
	ck_assert_ptr_null(hashset_find(&hs, "a", 1));
	hashset_release(&hs);   /* twice is harmless */
}
END_TEST

/* The set keeps a copy: the caller's buffer may change right away. */
START_TEST(test_copies_key)
{
	struct hashset hs = HASHSET_INIT;
	char buf[16];
	int added, i;

	for (i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "k%d", i);
		hashset_add(&hs, buf, strlen(buf), &added);
		ck_assert_int_eq(added, 1);
		memset(buf, 'x', sizeof(buf));
	}
	hashset_add(&hs, "k0", 2, &added);
	ck_assert_int_eq(added, 0);
	hashset_add(&hs, "k99", 3, &added);
	ck_assert_int_eq(added, 0);
	hashset_release(&hs);
}
END_TEST

/* Growth keeps every key and value; widths around the first doubling. */
START_TEST(test_grows)
{
	static const size_t widths[] = { 1, 7, 8, 9, 16, 17, 40, 5000, 100000 };
	size_t w, i;
	char buf[32];

	for (w = 0; w < ARRAY_SIZE(widths); w++) {
		struct hashset hs = HASHSET_INIT;
		size_t bad = 0;
		int added;

		/* one assertion per loop: Check's are too slow for 100,000 */
		for (i = 0; i < widths[w]; i++) {
			int n = snprintf(buf, sizeof(buf), "key-%zu", i);

			hashset_add(&hs, buf, (size_t)n, &added)->val = (void *)(uintptr_t)(i + 1);
			bad += !added;
		}
		ck_assert_uint_eq(bad, 0);
		ck_assert_uint_eq(hs.n, widths[w]);
		ck_assert_uint_le(hs.n * 2, hs.cap);
		for (i = 0; i < widths[w]; i++) {
			int n = snprintf(buf, sizeof(buf), "key-%zu", i);
			struct hashset_entry *e = hashset_find(&hs, buf, (size_t)n);

			bad += !e || (uintptr_t)e->val != i + 1;
		}
		ck_assert_uint_eq(bad, 0);
		/* the duplicate at the last position is found */
		snprintf(buf, sizeof(buf), "key-%zu", widths[w] - 1);
		hashset_add(&hs, buf, strlen(buf), &added);
		ck_assert_int_eq(added, 0);
		ck_assert_ptr_null(hashset_find(&hs, "key-x", 5));
		hashset_release(&hs);
	}
}
END_TEST

/* A key longer than a pool chunk gets its own. */
START_TEST(test_long_key)
{
	struct hashset hs = HASHSET_INIT;
	size_t len = 200000;
	char *big = xmalloc(len);
	int added;

	memset(big, 'q', len);
	hashset_add(&hs, "short", 5, &added);
	hashset_add(&hs, big, len, &added);
	ck_assert_int_eq(added, 1);
	big[len - 1] = 'r';
	ck_assert_ptr_null(hashset_find(&hs, big, len));
	big[len - 1] = 'q';
	ck_assert_ptr_nonnull(hashset_find(&hs, big, len));
	ck_assert_ptr_nonnull(hashset_find(&hs, "short", 5));
	free(big);
	hashset_release(&hs);
}
END_TEST

/*
 * An object of width members k0..k(width-1), one per line; with dup the
 * last key repeats k0, else a clean object.  JSON or YAML (block style).
 */
static char *wide_object(int yaml, size_t width, int dup)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&sb, yaml ? "" : "{\n");
	for (i = 0; i < width; i++) {
		size_t k = dup && i == width - 1 ? 0 : i;

		if (yaml)
			strbuf_addf(&sb, "k%zu: %zu\n", k, i);
		else
			strbuf_addf(&sb, "\"k%zu\": %zu%s\n", k, i, i + 1 < width ? "," : "");
	}
	strbuf_addstr(&sb, yaml ? "" : "}\n");
	return strbuf_detach(&sb, NULL);
}

static struct jv *parse_text(int yaml, const char *text, char **msgs)
{
	struct diag d = DIAG_INIT;
	size_t len = 0;
	struct jv *v;

	d.out = open_memstream(msgs, &len);
	d.no_source = 1;
	v = yaml ? yaml_parse(text, strlen(text), "w.yaml", &d)
		 : json_parse(text, strlen(text), "w.json", &d);
	fclose(d.out);
	return v;
}

/*
 * Widths on both sides of the readers' switch from a scan to the hash set
 * (16): a duplicate at the last position is refused at its line, naming
 * the first one's; without it every member is kept, in order.  Width 40
 * was a heap-use-after-free in the JSON reader, 17 a silently accepted
 * duplicate.
 */
START_TEST(test_wide_objects)
{
	static const size_t widths[] = { 2, 16, 17, 33, 40, 5000 };
	int yaml;
	size_t w;

	for (yaml = 0; yaml < 2; yaml++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			size_t width = widths[w];
			char *text = wide_object(yaml, width, 1), *msgs = NULL;
			char want[96];
			struct jv *v = parse_text(yaml, text, &msgs);

			ck_assert_ptr_null(v);
			snprintf(want, sizeof(want), "w.%s:%zu:1: error: duplicate key 'k0' (first at line %d)",
				 yaml ? "yaml" : "json", width + !yaml, 1 + !yaml);
			ck_assert_msg(strstr(msgs, want), "width %zu: %s", width, msgs);
			free(msgs);
			free(text);

			text = wide_object(yaml, width, 0);
			v = parse_text(yaml, text, &msgs);
			ck_assert_msg(v != NULL, "width %zu: %s", width, msgs);
			ck_assert_uint_eq(v->u.obj.n, width);
			snprintf(want, sizeof(want), "k%zu", width - 1);
			ck_assert_str_eq(v->u.obj.v[width - 1].key, want);
			ck_assert_uint_eq(v->u.obj.v[width - 1].loc.line, width + !yaml);
			jv_free(v);
			free(msgs);
			free(text);
		}
	}
}
END_TEST

/* Width 1: a key repeated in an object of one member so far. */
START_TEST(test_width_one)
{
	char *msgs = NULL;

	ck_assert_ptr_null(parse_text(0, "{\"a\": 1, \"a\": 2}", &msgs));
	ck_assert_ptr_nonnull(strstr(msgs, "w.json:1:10: error: duplicate key 'a' (first at line 1)"));
	free(msgs);
	ck_assert_ptr_null(parse_text(1, "a: 1\na: 2\n", &msgs));
	ck_assert_ptr_nonnull(strstr(msgs, "w.yaml:2:1: error: duplicate key 'a' (first at line 1)"));
	free(msgs);
}
END_TEST

Suite *hashset_suite(void)
{
	Suite *s = suite_create("hashset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_add_find);
	tcase_add_test(tc, test_copies_key);
	tcase_add_test(tc, test_grows);
	tcase_add_test(tc, test_long_key);
	suite_add_tcase(s, tc);
	tc = tcase_create("readers");
	tcase_add_test(tc, test_wide_objects);
	tcase_add_test(tc, test_width_one);
	suite_add_tcase(s, tc);
	return s;
}
