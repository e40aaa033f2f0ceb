/* SPDX-License-Identifier: Apache-2.0 */
/* check_diff.c: diff_tool and diff_unpaired on hand-made manifests. */
#include <check.h>

#include "toolsync/diff.h"

static struct ts_config cfg;

static void setup(void)
{
	config_init(&cfg);   /* roles viewer < analyst < reviewer < approver < admin */
}

static struct findings f;

static void teardown(void)
{
	findings_release(&f);
	config_release(&cfg);
}

/* A manifest around the given pieces (JSON text). */
static struct jv *mk(const char *key, const char *role, const char *standards,
		     const char *desc, const char *strict, const char *params)
{
	struct diag d = DIAG_INIT;
	char *text = xstrfmt(
		"{\"format\":\"toolsync.manifest/1\",\"key\":\"%s\",\"min_role\":\"%s\","
		"\"standards\":%s,\"tool\":{\"type\":\"function\",\"name\":\"x\","
		"\"description\":\"%s\",\"parameters\":%s,\"strict\":%s},"
		"\"source\":{\"template\":\"schemas/templates/t.yaml\",\"blake2b\":\"00\"}}",
		key, role, standards, desc, params, strict);
	struct jv *v = json_parse(text, strlen(text), "t.json", &d);

	ck_assert_msg(v != NULL, "bad test manifest: %s", text);
	free(text);
	return v;
}

#define OBJ(props, req) \
	"{\"type\":\"object\",\"properties\":{" props "},\"required\":[" req "]," \
	"\"additionalProperties\":false}"

static void diff_params(const char *oldp, const char *newp)
{
	struct jv *o = mk("a.b", "analyst", "[]", "d", "true", oldp);
	struct jv *n = mk("a.b", "analyst", "[]", "d", "true", newp);

	findings_release(&f);
	diff_tool(o, n, &cfg, NULL, &f);
	findings_sort(&f);
	jv_free(o);
	jv_free(n);
}

static int count(const char *rule, const char *pointer)
{
	size_t i;
	int n = 0;

	for (i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].rule->id, rule) &&
		    (!pointer || (f.v[i].pointer && !strcmp(f.v[i].pointer, pointer))))
			n++;
	return n;
}

static void dump(void)
{
	size_t i;

	for (i = 0; i < f.n; i++)
		fprintf(stderr, "  %s %s %s\n", f.v[i].rule->id, f.v[i].pointer,
			f.v[i].message);
}

#define EXPECT(rule, ptr) \
	do { if (count(rule, ptr) != 1) dump(); ck_assert_int_eq(count(rule, ptr), 1); } while (0)
#define EXPECT_N(total) \
	do { if (f.n != (total)) dump(); ck_assert_uint_eq(f.n, (total)); } while (0)

#define P "/tool/parameters"

START_TEST(test_identical)
{
	diff_params(OBJ("\"a\":{\"type\":\"string\"}", "\"a\""),
		    OBJ("\"a\":{\"type\":\"string\"}", "\"a\""));
	EXPECT_N(0);
}
END_TEST

START_TEST(test_param_removed_added)
{
	diff_params(OBJ("\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}", "\"a\",\"b\""),
		    OBJ("\"a\":{\"type\":\"string\"},\"c\":{\"type\":[\"string\",\"null\"]}",
			"\"a\",\"c\""));
	EXPECT("param-removed", P "/properties/b");
	EXPECT("param-added", P "/properties/c");
	ck_assert_str_eq(f.v[0].tool, "a.b");
	EXPECT_N(2);
}
END_TEST

START_TEST(test_required_added)
{
	diff_params(OBJ("", ""), OBJ("\"x\":{\"type\":\"integer\"}", "\"x\""));
	EXPECT("param-became-required", P "/properties/x");
	EXPECT_N(1);
}
END_TEST

START_TEST(test_became_required)
{
	/* nullable (strict optional) -> plain: now required */
	diff_params(OBJ("\"x\":{\"type\":[\"string\",\"null\"]}", "\"x\""),
		    OBJ("\"x\":{\"type\":\"string\"}", "\"x\""));
	EXPECT("param-became-required", P "/properties/x");
	EXPECT_N(1);
	/* the other way: loosened */
	diff_params(OBJ("\"x\":{\"type\":\"string\"}", "\"x\""),
		    OBJ("\"x\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}", "\"x\""));
	EXPECT("constraint-loosened", P "/properties/x");
	EXPECT_N(1);
	/* not in required (non-strict) -> in required */
	diff_params(OBJ("\"x\":{\"type\":\"string\"}", ""),
		    OBJ("\"x\":{\"type\":\"string\"}", "\"x\""));
	EXPECT("param-became-required", P "/properties/x");
	EXPECT_N(1);
}
END_TEST

START_TEST(test_type_changed)
{
	diff_params(OBJ("\"x\":{\"type\":\"string\"}", "\"x\""),
		    OBJ("\"x\":{\"type\":\"number\"}", "\"x\""));
	EXPECT("param-type-changed", P "/properties/x/type");
	ck_assert_str_eq(f.v[0].old_value, "\"string\"");
	ck_assert_str_eq(f.v[0].new_value, "\"number\"");
	EXPECT_N(1);
	/* integer -> number widens */
	diff_params(OBJ("\"x\":{\"type\":\"integer\"}", "\"x\""),
		    OBJ("\"x\":{\"type\":\"number\"}", "\"x\""));
	EXPECT("constraint-loosened", P "/properties/x/type");
	EXPECT_N(1);
	/* number -> integer narrows */
	diff_params(OBJ("\"x\":{\"type\":\"number\"}", "\"x\""),
		    OBJ("\"x\":{\"type\":\"integer\"}", "\"x\""));
	EXPECT("param-type-changed", P "/properties/x/type");
	/* an object that became a string: no noise about its properties */
	diff_params(OBJ("\"x\":" OBJ("\"y\":{\"type\":\"string\"}", "\"y\""), "\"x\""),
		    OBJ("\"x\":{\"type\":\"string\"}", "\"x\""));
	EXPECT("param-type-changed", P "/properties/x/type");
	EXPECT_N(1);
}
END_TEST

START_TEST(test_enum)
{
	diff_params(OBJ("\"c\":{\"type\":\"string\",\"enum\":[\"EUR\",\"USD\"]}", "\"c\""),
		    OBJ("\"c\":{\"type\":\"string\",\"enum\":[\"USD\",\"GBP\"]}", "\"c\""));
	EXPECT("enum-value-removed", P "/properties/c/enum/0");
	EXPECT("enum-value-added", P "/properties/c/enum/1");
	EXPECT_N(2);
	/* null joining the enum is "optional", not a new value */
	diff_params(OBJ("\"c\":{\"type\":\"string\",\"enum\":[\"EUR\"]}", "\"c\""),
		    OBJ("\"c\":{\"type\":[\"string\",\"null\"],\"enum\":[\"EUR\",null]}", "\"c\""));
	EXPECT("constraint-loosened", P "/properties/c");
	EXPECT_N(1);
	/* enum added: tightened */
	diff_params(OBJ("\"c\":{\"type\":\"string\"}", "\"c\""),
		    OBJ("\"c\":{\"type\":\"string\",\"enum\":[\"EUR\"]}", "\"c\""));
	EXPECT("constraint-tightened", P "/properties/c/enum");
	EXPECT_N(1);
}
END_TEST

START_TEST(test_constraints)
{
	diff_params(OBJ("\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,"
			"\"multipleOf\":2},\"s\":{\"type\":\"string\",\"maxLength\":10,"
			"\"pattern\":\"^a\"}", "\"n\",\"s\""),
		    OBJ("\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":50,"
			"\"multipleOf\":4},\"s\":{\"type\":\"string\",\"maxLength\":20,"
			"\"format\":\"date\"}", "\"n\",\"s\""));
	EXPECT("constraint-loosened", P "/properties/n/minimum");
	EXPECT("constraint-tightened", P "/properties/n/maximum");
	EXPECT("constraint-tightened", P "/properties/n/multipleOf");
	EXPECT("constraint-loosened", P "/properties/s/maxLength");
	EXPECT("constraint-loosened", P "/properties/s/pattern");
	EXPECT("constraint-tightened", P "/properties/s/format");
	EXPECT_N(6);
}
END_TEST

START_TEST(test_arrays_and_nesting)
{
	diff_params(OBJ("\"l\":{\"type\":\"array\",\"items\":" OBJ("\"id\":{\"type\":\"string\"}",
			"\"id\"") ",\"maxItems\":5}", "\"l\""),
		    OBJ("\"l\":{\"type\":\"array\",\"items\":" OBJ("\"id\":{\"type\":\"integer\"}",
			"\"id\"") ",\"maxItems\":5}", "\"l\""));
	EXPECT("param-type-changed", P "/properties/l/items/properties/id/type");
	ck_assert(strstr(f.v[0].message, "'l[].id'") != NULL);
	EXPECT_N(1);
}
END_TEST

START_TEST(test_defs_resolved)
{
	const char *oldp = "{\"type\":\"object\",\"properties\":{\"p\":{\"$ref\":\"#/$defs/P\"}},"
			   "\"required\":[\"p\"],\"additionalProperties\":false,\"$defs\":{\"P\":"
			   OBJ("\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"}",
			       "\"from\",\"to\"") "}}";
	const char *newp = "{\"type\":\"object\",\"properties\":{\"p\":{\"$ref\":\"#/$defs/P\"}},"
			   "\"required\":[\"p\"],\"additionalProperties\":false,\"$defs\":{\"P\":"
			   OBJ("\"from\":{\"type\":\"string\"}", "\"from\"") "}}";

	diff_params(oldp, newp);
	EXPECT("param-removed", P "/properties/p/properties/to");
	EXPECT_N(1);
}
END_TEST

START_TEST(test_recursive_ref_terminates)
{
	const char *p = "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/N\"}},"
			"\"required\":[\"n\"],\"additionalProperties\":false,\"$defs\":{\"N\":"
			"{\"type\":\"object\",\"properties\":{\"next\":{\"anyOf\":[{\"$ref\":"
			"\"#/$defs/N\"},{\"type\":\"null\"}]},\"v\":{\"type\":\"%s\"}},"
			"\"required\":[\"next\",\"v\"],\"additionalProperties\":false}}}";
	char *a = xstrfmt(p, "string"), *b = xstrfmt(p, "integer");

	diff_params(a, b);
	EXPECT("param-type-changed", P "/properties/n/properties/v/type");
	EXPECT_N(1);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_any_of)
{
	diff_params(OBJ("\"v\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "\"v\""),
		    OBJ("\"v\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},"
			"{\"type\":\"boolean\"}]}", "\"v\""));
	EXPECT("constraint-loosened", P "/properties/v/anyOf/2");
	EXPECT_N(1);
	diff_params(OBJ("\"v\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "\"v\""),
		    OBJ("\"v\":{\"anyOf\":[{\"type\":\"string\"}," OBJ("", "") "]}", "\"v\""));
	EXPECT("param-type-changed", P "/properties/v/anyOf/1/type");
	EXPECT_N(1);
}
END_TEST

START_TEST(test_description_and_other)
{
	diff_params(OBJ("\"a\":{\"type\":\"string\",\"description\":\"x\",\"title\":\"A\"}", "\"a\""),
		    OBJ("\"a\":{\"type\":\"string\",\"description\":\"y\"}", "\"a\""));
	EXPECT("description-changed", P "/properties/a/description");
	EXPECT("schema-changed", P "/properties/a/title");
	EXPECT_N(2);
}
END_TEST

START_TEST(test_tool_level)
{
	struct jv *o = mk("a.b", "approver", "[\"IFRS-9\",\"SOX-404\"]", "old", "true", OBJ("", ""));
	struct jv *n = mk("a.b", "viewer", "[\"GDPR-30\",\"SOX-404\"]", "new", "false", OBJ("", ""));

	findings_release(&f);
	diff_tool(o, n, &cfg, NULL, &f);
	EXPECT("role-lowered", "/min_role");
	EXPECT("standard-removed", "/standards/0");
	EXPECT("standard-added", "/standards/0");
	EXPECT("description-changed", "/tool/description");
	EXPECT("strict-disabled", "/tool/strict");
	EXPECT_N(5);
	findings_release(&f);
	diff_tool(n, o, &cfg, NULL, &f);
	EXPECT("role-raised", "/min_role");
	EXPECT("strict-enabled", "/tool/strict");
	jv_free(o);
	jv_free(n);
}
END_TEST

START_TEST(test_locations_from_new_side)
{
	struct diag d = DIAG_INIT;
	const char *newtext = "{\"format\":\"toolsync.manifest/1\",\"key\":\"a.b\",\n"
			      "\"min_role\":\"viewer\",\"standards\":[],\n"
			      "\"tool\":{\"description\":\"d\",\"strict\":true,\n"
			      "\"parameters\":" OBJ("\n\"x\":{\"type\":\"integer\"}", "\"x\"") "}}";
	struct jv *o = mk("a.b", "admin", "[]", "d", "true", OBJ("\"x\":{\"type\":\"string\"}", "\"x\""));
	struct jv *n = json_parse(newtext, strlen(newtext), "new.json", &d);
	size_t i;

	ck_assert_ptr_nonnull(n);
	findings_release(&f);
	diff_tool(o, n, &cfg, NULL, &f);
	for (i = 0; i < f.n; i++) {
		ck_assert_str_eq(f.v[i].loc.file, "new.json");
		if (!strcmp(f.v[i].rule->id, "role-lowered"))
			ck_assert_uint_eq(f.v[i].loc.line, 2);
		else
			ck_assert_uint_eq(f.v[i].loc.line, 5);
	}
	EXPECT_N(2);
	jv_free(o);
	jv_free(n);
}
END_TEST

START_TEST(test_unpaired_rename)
{
	struct jv *r1 = mk("old.name", "viewer", "[]", "d", "true", OBJ("\"a\":{\"type\":\"string\"}", "\"a\""));
	struct jv *r2 = mk("gone", "viewer", "[]", "d", "true", OBJ("", ""));
	struct jv *a1 = mk("new.name", "viewer", "[]", "d", "true", OBJ("\"a\":{\"type\":\"string\"}", "\"a\""));
	struct jv *a2 = mk("fresh", "analyst", "[]", "d", "true", OBJ("\"q\":{\"type\":\"string\"}", "\"q\""));
	struct diff_side rem[2] = { { "old.name", r1, SRCLOC_NONE }, { "gone", r2, SRCLOC_NONE } };
	struct diff_side add[2] = { { "fresh", a2, SRCLOC_NONE }, { "new.name", a1, SRCLOC_NONE } };

	findings_release(&f);
	diff_unpaired(rem, 2, add, 2, &cfg, &f);
	EXPECT("tool-renamed", "/key");
	EXPECT("tool-removed", NULL);
	EXPECT("tool-added", NULL);
	EXPECT_N(3);
	jv_free(r1);
	jv_free(r2);
	jv_free(a1);
	jv_free(a2);
}
END_TEST

START_TEST(test_rename_order)
{
	/* equal schemas everywhere: each removed tool takes the first free added one */
	struct jv *r1 = mk("a.one", "viewer", "[]", "d", "true", OBJ("", ""));
	struct jv *r2 = mk("a.two", "viewer", "[]", "d", "true", OBJ("", ""));
	struct jv *a1 = mk("b.one", "viewer", "[]", "d", "true", OBJ("", ""));
	struct jv *a2 = mk("b.two", "admin", "[]", "d", "true", OBJ("", ""));
	struct jv *a3 = mk("b.three", "viewer", "[]", "d", "true", OBJ("", ""));
	struct diff_side rem[2] = { { "a.one", r1, SRCLOC_NONE }, { "a.two", r2, SRCLOC_NONE } };
	struct diff_side add[3] = { { "b.one", a1, SRCLOC_NONE }, { "b.two", a2, SRCLOC_NONE },
				    { "b.three", a3, SRCLOC_NONE } };
	size_t i;

	findings_release(&f);
	diff_unpaired(rem, 2, add, 3, &cfg, &f);
	findings_sort(&f);
	ck_assert_int_eq(count("tool-renamed", NULL), 2);
	ck_assert_int_eq(count("tool-added", NULL), 1);
	ck_assert_int_eq(count("role-raised", NULL), 1);   /* a.two -> b.two */
	for (i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].rule->id, "tool-added"))
			ck_assert_str_eq(f.v[i].tool, "b.three");
	jv_free(r1);
	jv_free(r2);
	jv_free(a1);
	jv_free(a2);
	jv_free(a3);
}
END_TEST

START_TEST(test_rule_table)
{
	size_t i;

	for (i = 0; diff_rules[i]; i++) {
		ck_assert_ptr_eq(diff_rule(diff_rules[i]->id), diff_rules[i]);
		ck_assert(diff_rules[i]->help && strlen(diff_rules[i]->help) > 20);
		ck_assert_int_eq(diff_rules[i]->security_severity != NULL,
				 diff_rules[i]->category == CAT_SECURITY);
	}
	ck_assert_int_eq(diff_rule("role-lowered")->severity, SEV_ERROR);
	ck_assert_int_eq(diff_rule("standard-removed")->category, CAT_COMPLIANCE);
	ck_assert_ptr_null(diff_rule("nope"));
}
END_TEST

Suite *diff_suite(void);
Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_identical);
	tcase_add_test(tc, test_param_removed_added);
	tcase_add_test(tc, test_required_added);
	tcase_add_test(tc, test_became_required);
	tcase_add_test(tc, test_type_changed);
	tcase_add_test(tc, test_enum);
	tcase_add_test(tc, test_constraints);
	tcase_add_test(tc, test_arrays_and_nesting);
	tcase_add_test(tc, test_defs_resolved);
	tcase_add_test(tc, test_recursive_ref_terminates);
	tcase_add_test(tc, test_any_of);
	tcase_add_test(tc, test_description_and_other);
	tcase_add_test(tc, test_tool_level);
	tcase_add_test(tc, test_locations_from_new_side);
	tcase_add_test(tc, test_unpaired_rename);
	tcase_add_test(tc, test_rename_order);
	tcase_add_test(tc, test_rule_table);
	suite_add_tcase(s, tc);
	return s;
}
