/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_cjson.c: cJSON as an outside witness of toolsync's JSON.
 *
 * toolsync reads and writes JSON itself (docs/design-notes.md says why).
 * These tests hold it to a second, independent parser: everything toolsync
 * writes parses with cJSON into the same tree that toolsync's reader
 * builds, numbers read back to the same double, strings to the same bytes.
 */
#include <check.h>
#include <cJSON.h>
#include <dirent.h>
#include <math.h>

#include "toolsync/fsutil.h"
#include "toolsync/json.h"
#include "toolsync/number.h"

/* 1 if cJSON's tree c holds the same JSON as ours, in the same member order. */
static int same_tree(const cJSON *c, const struct jv *v)
{
	const cJSON *item;
	size_t i = 0;

	switch (v->kind) {
	case JV_NULL: return cJSON_IsNull(c);
	case JV_BOOL: return v->u.boolean ? cJSON_IsTrue(c) : cJSON_IsFalse(c);
	case JV_NUMBER: return cJSON_IsNumber(c) && c->valuedouble == v->u.number;
	case JV_STRING: return cJSON_IsString(c) && !strcmp(c->valuestring, v->u.str.ptr);
	case JV_ARRAY:
		if (!cJSON_IsArray(c) || (size_t)cJSON_GetArraySize(c) != v->u.arr.n)
			return 0;
		cJSON_ArrayForEach(item, c)
			if (!same_tree(item, v->u.arr.v[i++]))
				return 0;
		return 1;
	case JV_OBJECT:
		if (!cJSON_IsObject(c) || (size_t)cJSON_GetArraySize(c) != v->u.obj.n)
			return 0;
		cJSON_ArrayForEach(item, c) {
			const struct jv_member *m = &v->u.obj.v[i++];

			if (strcmp(item->string, m->key) || !same_tree(item, m->val))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* Check one file; returns 1 when it is JSON toolsync wrote. */
static int witness_file(const char *path)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct diag d = DIAG_INIT;
	struct jv *ours;
	cJSON *theirs;

	ck_assert_int_eq(fs_read_file(&text, NULL, path, NULL, FS_OUTPUT, &err), 0);
	ours = json_parse(text.buf, text.len, path, &d);
	ck_assert_msg(ours != NULL, "toolsync cannot read back %s", path);
	/* the length with the NUL: cJSON requires the terminator inside it */
	theirs = cJSON_ParseWithLengthOpts(text.buf, text.len + 1, NULL, 1);
	ck_assert_msg(theirs != NULL, "cJSON cannot parse %s", path);
	ck_assert_msg(same_tree(theirs, ours), "cJSON reads %s differently", path);
	cJSON_Delete(theirs);
	jv_free(ours);
	strbuf_release(&text);
	strbuf_release(&err);
	return 1;
}

static size_t witness_dir(const char *dir)
{
	char **names;
	size_t n, i, count = 0;

	ck_assert_int_eq(fs_list_dir(dir, &names, &n), 0);
	for (i = 0; i < n; i++) {
		char *p = path_join(dir, names[i]);
		size_t len = strlen(names[i]);

		if (path_is_dir(p))
			count += witness_dir(p);
		else if (len > 5 && !strcmp(names[i] + len - 5, ".json"))
			count += witness_file(p);
		free(p);
	}
	fs_free_list(names, n);
	return count;
}

START_TEST(test_committed_manifests)
{
	const char *top = getenv("TOOLSYNC_SRCDIR");
	char *dir;

	ck_assert_ptr_nonnull(top);
	dir = path_join(top, "manifests");
	ck_assert_uint_ge(witness_dir(dir), 20);
	free(dir);
}
END_TEST

START_TEST(test_numbers)
{
	static const double nums[] = {
		0, -0.0, 1, -1, 0.1, 0.30000000000000004, 1e21, 1e-7, 123456789012345680000.0,
		5e-324, 1.7976931348623157e308, 9007199254740993.0, 2.5e-5, 100, 1e100,
		0.000001, 4.35, -273.15,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		struct strbuf sb = STRBUF_INIT;
		cJSON *c;

		number_write(&sb, nums[i]);
		c = cJSON_Parse(sb.buf);
		ck_assert_msg(c && cJSON_IsNumber(c), "cJSON rejects %s", sb.buf);
		ck_assert_msg(c->valuedouble == nums[i], "%s reads back as %.17g, not %.17g",
			      sb.buf, c->valuedouble, nums[i]);
		cJSON_Delete(c);
		strbuf_release(&sb);
	}
}
END_TEST

START_TEST(test_strings)
{
	static const char *const strs[] = {
		"", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t\x01\x1f\x7f",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x90", "\xe2\x80\xa8 line separator",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(strs); i++) {
		struct strbuf sb = STRBUF_INIT;
		cJSON *c;

		json_write_string(&sb, strs[i], strlen(strs[i]));
		c = cJSON_Parse(sb.buf);
		ck_assert_msg(c && cJSON_IsString(c), "cJSON rejects %s", sb.buf);
		ck_assert_str_eq(c->valuestring, strs[i]);
		cJSON_Delete(c);
		strbuf_release(&sb);
	}
}
END_TEST

Suite *cjson_suite(void)
{
	Suite *s = suite_create("cjson");
	TCase *tc = tcase_create("witness");

	tcase_add_test(tc, test_committed_manifests);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_strings);
	suite_add_tcase(s, tc);
	return s;
}
