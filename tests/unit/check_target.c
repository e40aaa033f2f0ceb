/* SPDX-License-Identifier: Apache-2.0 */
/* check_target.c: bundle entries and provider rules for each target. */
#include <check.h>

#include "toolsync/json.h"
#include "toolsync/target.h"

static FILE *devnull;

static struct jv *parse(const char *text)
{
	struct diag d = DIAG_INIT;
	struct jv *v = json_parse(text, strlen(text), "<test>", &d);

	ck_assert_ptr_nonnull(v);
	return v;
}

static char *compact(const struct jv *v)
{
	struct strbuf sb = STRBUF_INIT;

	json_write(&sb, v, JSON_COMPACT);
	return strbuf_detach(&sb, NULL);
}

/* Errors target t reports for a schema (a strict template). */
static unsigned check(enum target t, const char *schema, int openapi)
{
	struct ts_config cfg;
	struct diag d = DIAG_INIT;
	struct jv *s = parse(schema);
	unsigned n;

	config_init(&cfg);
	cfg.gemini_openapi = openapi;
	d.out = devnull;
	n = target_check_schema(t, s, 1, &cfg, &d);
	ck_assert_uint_eq(n, d.errors);
	jv_free(s);
	config_release(&cfg);
	return n;
}

static void setup(void)
{
	devnull = fopen("/dev/null", "w");
}

static void teardown(void)
{
	fclose(devnull);
}

static const char *tool =
	"{\"type\":\"function\",\"name\":\"f\",\"description\":\"D\","
	"\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"},"
	"\"b\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"a\",\"b\"],"
	"\"additionalProperties\":false,\"$defs\":{\"A\":{\"anyOf\":[{\"type\":\"integer\","
	"\"minItems\":2},{\"type\":\"null\"}]}}},\"strict\":true}";

START_TEST(test_entries)
{
	struct ts_config cfg;
	struct jv *t = parse(tool), *e;
	char *s;

	config_init(&cfg);
	e = target_entry(TARGET_ANTHROPIC, t, &cfg);
	s = compact(e);
	ck_assert_ptr_nonnull(strstr(s, "{\"name\":\"f\",\"description\":\"D\",\"input_schema\":{"));
	ck_assert_ptr_nonnull(strstr(s, "\"strict\":true}"));
	free(s);
	jv_free(e);
	e = target_entry(TARGET_GEMINI, t, &cfg);
	s = compact(e);
	ck_assert_ptr_nonnull(strstr(s, "\"parametersJsonSchema\":{\"type\":\"object\""));
	ck_assert_ptr_null(strstr(s, "strict"));
	free(s);
	jv_free(e);
	/* the OpenAPI form: $ref inlined, null as nullable, int64 as a string, order kept */
	cfg.gemini_openapi = 1;
	e = target_entry(TARGET_GEMINI, t, &cfg);
	s = compact(e);
	ck_assert_str_eq(s, "{\"name\":\"f\",\"description\":\"D\",\"parameters\":{\"type\":\"OBJECT\","
			 "\"properties\":{\"a\":{\"nullable\":true,\"type\":\"INTEGER\",\"minItems\":\"2\"},"
			 "\"b\":{\"type\":\"STRING\",\"nullable\":true}},\"propertyOrdering\":[\"a\",\"b\"],"
			 "\"required\":[\"a\",\"b\"]}}");
	free(s);
	jv_free(e);
	jv_free(t);
	config_release(&cfg);
}
END_TEST

START_TEST(test_anthropic_rules)
{
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"n\":{\"type\":\"integer\"}}}", 0), 0);
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":2}}}", 0), 2);
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"a\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"string\","
				"\"format\":\"uri\",\"pattern\":\"^a\\\\d$\"}}}}", 0), 0);
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"s\":{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}}}", 0), 1);
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"s\":{\"enum\":[[1]]}}}", 0), 1);
	/* regex: \\b in a class is a backspace; named backreferences are refused */
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"s\":{\"type\":\"string\",\"pattern\":\"[\\\\b(?=]x\"}}}", 0), 0);
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"s\":{\"type\":\"string\",\"pattern\":\"(?<n>a)\\\\k<n>\"}}}", 0), 1);
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"s\":{\"type\":\"string\",\"pattern\":\"(?<!a)b\"}}}", 0), 1);
	/* recursion: reported once, the walk stops there */
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"object\",\"properties\":{"
				"\"t\":{\"$ref\":\"#/$defs/T\"}},\"$defs\":{\"T\":{\"type\":\"object\","
				"\"properties\":{\"k\":{\"$ref\":\"#/$defs/T\"}}}}}", 0), 1);
	ck_assert_uint_eq(check(TARGET_ANTHROPIC, "{\"type\":\"array\"}", 0), 1);
}
END_TEST

START_TEST(test_gemini_rules)
{
	const char *pat = "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\","
			  "\"pattern\":\"^a$\"}}}";

	ck_assert_uint_eq(check(TARGET_GEMINI, pat, 0), 1);   /* not documented for JSON Schema */
	ck_assert_uint_eq(check(TARGET_GEMINI, pat, 1), 0);   /* Schema has it */
	ck_assert_uint_eq(check(TARGET_GEMINI, "{\"type\":\"object\",\"properties\":{"
				"\"n\":{\"type\":\"integer\",\"enum\":[1,2]}}}", 0), 0);
	ck_assert_uint_eq(check(TARGET_GEMINI, "{\"type\":\"object\",\"properties\":{"
				"\"n\":{\"type\":\"integer\",\"enum\":[1,2]}}}", 1), 1);
	ck_assert_uint_eq(check(TARGET_GEMINI, "{\"type\":\"object\",\"properties\":{"
				"\"a-b\":{\"type\":\"string\"},\"_ok\":{\"type\":\"string\"}}}", 1), 1);
	ck_assert_uint_eq(check(TARGET_GEMINI, "{\"type\":\"object\",\"properties\":{"
				"\"c\":{\"const\":\"x\"}}}", 0), 1);
	ck_assert_uint_eq(check(TARGET_GEMINI, "{\"type\":\"object\",\"properties\":{"
				"\"c\":{\"const\":\"x\"}}}", 1), 0);
}
END_TEST

START_TEST(test_names)
{
	struct strbuf why = STRBUF_INIT;
	size_t n;

	ck_assert_int_eq(target_check_name(TARGET_GEMINI, "ledger_post", &why), 0);
	ck_assert_int_eq(target_check_name(TARGET_GEMINI, "_x", &why), 0);
	ck_assert_int_eq(target_check_name(TARGET_GEMINI, "3d_render", &why), -1);
	ck_assert_ptr_nonnull(strstr(why.buf, "letter or an underscore"));
	ck_assert_int_eq(target_check_name(TARGET_ANTHROPIC, "3d_render", &why), 0);
	strbuf_release(&why);
	ck_assert_ptr_nonnull(target_list(&n));
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_null(target_by_name("claude"));
	ck_assert_str_eq(target_name(TARGET_GEMINI), "gemini");
}
END_TEST

/* A committed bundle's entry names its function, in the target's shape, or nothing. */
START_TEST(test_entry_name)
{
	static const struct { enum target t; const char *entry, *name; } cases[] = {
		{ TARGET_RESPONSES, "{\"type\":\"function\",\"name\":\"rag_search\"}", "rag_search" },
		{ TARGET_CHAT, "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", "f" },
		{ TARGET_CHAT, "{\"type\":\"function\",\"name\":\"f\"}", NULL },
		{ TARGET_RESPONSES, "{\"name\":5}", NULL },
		{ TARGET_RESPONSES, "[\"name\"]", NULL },
		{ TARGET_RESPONSES, "{\"name\":\"rag_search\\u0000x\"}", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct jv *e = parse(cases[i].entry);
		const char *name = target_entry_name(cases[i].t, e);

		if (cases[i].name)
			ck_assert_str_eq(name, cases[i].name);
		else
			ck_assert_msg(name == NULL, "%s: got '%s'", cases[i].entry, name);
		jv_free(e);
	}
}
END_TEST

Suite *target_suite(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("target");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_entries);
	tcase_add_test(tc, test_anthropic_rules);
	tcase_add_test(tc, test_gemini_rules);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_entry_name);
	suite_add_tcase(s, tc);
	return s;
}
