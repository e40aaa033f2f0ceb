/* SPDX-License-Identifier: Apache-2.0 */
/* check_strict.c: OpenAI strict-mode rules, one case per rule. */
#include <check.h>

#include "toolsync/strict.h"
#include "toolsync/yaml.h"

/* Check a schema written in YAML; messages (without "toolsync: ") in *out. */
static unsigned check_yaml(const char *text, char **out)
{
	struct diag d = DIAG_INIT, pd = DIAG_INIT;
	size_t len = 0;
	struct jv *v;
	unsigned n;

	pd.out = stderr;
	v = yaml_parse(text, strlen(text), "s.yaml", &pd);
	ck_assert_ptr_nonnull(v);
	*out = NULL;
	d.out = open_memstream(out, &len);
	d.no_source = 1;
	n = strict_check(v, &d);
	fclose(d.out);
	jv_free(v);
	return n;
}

#define OBJ(props, req) "type: object\nproperties: " props "\nrequired: " req "\nadditionalProperties: false\n"

static const struct { const char *schema; const char *msg; } bad[] = {
	{ "anyOf: [{type: object, properties: {}, required: [], additionalProperties: false}]\n",
	  "s.yaml:1:1: error: parameters: the root schema must have 'type: object'" },
	{ "type: object\nproperties: {}\nrequired: []\nadditionalProperties: false\nanyOf: []\n",
	  "parameters/anyOf: the root schema must be an object, not 'anyOf'" },
	{ "type: object\nrequired: []\nadditionalProperties: false\n",
	  "parameters: strict mode needs 'properties' on every object (it may be {})" },
	{ "type: object\nproperties: {}\nrequired: []\n",
	  "parameters: strict mode needs 'additionalProperties: false' on every object" },
	{ "type: object\nproperties: {}\nrequired: []\nadditionalProperties: true\n",
	  "s.yaml:4:23: error: parameters: strict mode needs 'additionalProperties: false'" },
	{ OBJ("{a: {type: string}}", "[]"),
	  "s.yaml:2:14: error: parameters/properties/a: 'a' is not in 'required'" },
	{ OBJ("{a: {type: string}}", "[a, b]"),
	  "parameters/required: 'required' names 'b', which is not a property" },
	{ OBJ("{a: {type: string, minLength: 1}}", "[a]"),
	  "parameters/properties/a/minLength: 'minLength' is not supported in strict mode" },
	{ OBJ("{a: {type: string, maxLength: 1}}", "[a]"), "'maxLength' is not supported" },
	{ OBJ("{a: {allOf: [{type: string}]}}", "[a]"), "'allOf' is not supported" },
	{ OBJ("{a: {oneOf: [{type: string}]}}", "[a]"), "'oneOf' is not supported" },
	{ OBJ("{a: {not: {type: string}}}", "[a]"), "'not' is not supported" },
	{ OBJ("{a: {type: string, if: {}, then: {}, else: {}}}", "[a]"), "'if' is not supported" },
	{ OBJ("{a: {type: array, items: {type: string}, uniqueItems: true}}", "[a]"), "'uniqueItems' is not supported" },
	{ OBJ("{a: {type: string, default: x}}", "[a]"), "'default' is not supported" },
	{ OBJ("{a: {type: object, properties: {}, required: [], additionalProperties: false, dependentRequired: {}}}", "[a]"),
	  "'dependentRequired' is not supported" },
	{ OBJ("{a: {type: string, colour: red}}", "[a]"), "parameters/properties/a/colour: unknown keyword 'colour'" },
	{ OBJ("{a: {type: strnig}}", "[a]"), "'type' must be one of string, number" },
	{ OBJ("{a: {type: [string, string]}}", "[a]"), "'type' lists 'string' twice" },
	{ OBJ("{a: {type: string, format: phone}}", "[a]"), "'format' must be one of date-time" },
	{ OBJ("{a: {type: string, enum: [x, 3]}}", "[a]"), "enum value 1 does not match the schema's 'type'" },
	{ OBJ("{a: {type: string, enum: []}}", "[a]"), "'enum' must be a non-empty list" },
	{ OBJ("{a: {type: integer, const: 1.5}}", "[a]"), "'const' does not match the schema's 'type'" },
	{ OBJ("{a: {type: number, multipleOf: 0}}", "[a]"), "'multipleOf' must be greater than 0" },
	{ OBJ("{a: {type: array, items: {type: string}, minItems: -1}}", "[a]"), "'minItems' must be a whole number" },
	{ OBJ("{a: {type: array}}", "[a]"), "parameters/properties/a: an array schema needs 'items'" },
	{ OBJ("{a: {$ref: \"_defs/x.yaml#/X\"}}", "[a]"), "'$ref' must point into this schema's $defs" },
	{ OBJ("{a: {$ref: \"#/$defs/Nope\"}}", "[a]"), "'$ref' points at '#/$defs/Nope', which does not exist" },
	{ OBJ("{a: 5}", "[a]"), "parameters/properties/a: a schema must be a mapping, not a number" },
	{ OBJ("{a: {description: x}}", "[a]"), "a schema needs 'type'" },
	{ OBJ("{a: {type: object, properties: {b: {type: string}}, required: [b]}}", "[a]"),
	  "parameters/properties/a: strict mode needs 'additionalProperties: false'" },
	{ "type: object\nproperties: {}\nrequired: []\nadditionalProperties: false\n"
	  "$defs: {D: {type: object, properties: {x: {type: string}}, required: [], additionalProperties: false}}\n",
	  "parameters/$defs/D/properties/x: 'x' is not in 'required'" },
};

START_TEST(test_bad)
{
	char *out;
	unsigned n = check_yaml(bad[_i].schema, &out);

	ck_assert_msg(n >= 1, "case %d: no violation for:\n%s", _i, bad[_i].schema);
	ck_assert_msg(strstr(out, bad[_i].msg), "case %d: want '%s', got:\n%s", _i, bad[_i].msg, out);
	free(out);
}
END_TEST

/* A realistic schema: nesting, nullable fields, enums, $defs and recursion. */
START_TEST(test_good)
{
	static const char schema[] =
		"type: object\n"
		"properties:\n"
		"  period:\n"
		"    type: object\n"
		"    properties:\n"
		"      start: {type: string, format: date, description: First day.}\n"
		"      end: {type: [string, \"null\"], format: date}\n"
		"    required: [start, end]\n"
		"    additionalProperties: false\n"
		"  amount: {type: number, minimum: 0, exclusiveMaximum: 1e9, multipleOf: 0.01}\n"
		"  kind: {type: string, enum: [a, b, c]}\n"
		"  stage: {type: integer, enum: [1, 2, 3]}\n"
		"  note: {anyOf: [{type: string, pattern: \"^[A-Z]\"}, {type: \"null\"}]}\n"
		"  tags: {type: array, items: {type: string}, minItems: 0, maxItems: 5}\n"
		"  filter: {$ref: \"#/$defs/Filter\"}\n"
		"  fixed: {const: v1, type: string}\n"
		"required: [period, amount, kind, stage, note, tags, filter, fixed]\n"
		"additionalProperties: false\n"
		"$defs:\n"
		"  Filter:\n"
		"    anyOf:\n"
		"      - {type: object, properties: {eq: {type: string}}, required: [eq], additionalProperties: false}\n"
		"      - {type: object, properties: {all: {type: array, items: {$ref: \"#/$defs/Filter\"}}},"
		" required: [all], additionalProperties: false}\n";
	char *out;

	ck_assert_uint_eq(check_yaml(schema, &out), 0);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

static void nested(struct strbuf *sb, int levels)
{
	int i;

	for (i = 0; i < levels; i++)
		strbuf_addf(sb, "{type: object, additionalProperties: false, required: [x], properties: {x: ");
	strbuf_addstr(sb, "{type: string}");
	for (i = 0; i < levels; i++)
		strbuf_addstr(sb, "}}");
	strbuf_addch(sb, '\n');
}

START_TEST(test_depth_limit)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	nested(&sb, 10);
	ck_assert_uint_eq(check_yaml(sb.buf, &out), 0);
	free(out);
	strbuf_reset(&sb);
	nested(&sb, 11);
	ck_assert_uint_eq(check_yaml(sb.buf, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "objects nest 11 levels deep; strict mode allows 10"));
	free(out);
	strbuf_release(&sb);
}
END_TEST

/* Totals: properties, enum values, string size, and the big string enum. */
START_TEST(test_totals)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;
	int i;

	strbuf_addstr(&sb, "type: object\nadditionalProperties: false\nproperties:\n");
	for (i = 0; i < 1001; i++)
		strbuf_addf(&sb, "  p%d: {type: integer, enum: [%d]}\n", i, i);
	strbuf_addstr(&sb, "required: [");
	for (i = 0; i < 1001; i++)
		strbuf_addf(&sb, "%sp%d", i ? ", " : "", i);
	strbuf_addstr(&sb, "]\n");
	ck_assert_uint_eq(check_yaml(sb.buf, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "1001 enum values; strict mode allows 1000 in all"));
	free(out);

	strbuf_reset(&sb);
	strbuf_addstr(&sb, "type: object\nadditionalProperties: false\nrequired: [e]\nproperties:\n  e:\n    type: string\n    enum: [");
	for (i = 0; i < 251; i++)
		strbuf_addf(&sb, "%s\"%060d\"", i ? ", " : "", i);
	strbuf_addstr(&sb, "]\n");
	ck_assert_uint_eq(check_yaml(sb.buf, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "a string enum of 251 values (over 250) may total at most 15000 characters; this one has 15060"));
	free(out);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_names)
{
	ck_assert(strict_name_ok("ledger_reconcile"));
	ck_assert(strict_name_ok("a-b_C9"));
	ck_assert(!strict_name_ok(""));
	ck_assert(!strict_name_ok("a.b"));
	ck_assert(!strict_name_ok("a b"));
	ck_assert(strict_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	ck_assert(!strict_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}
END_TEST

Suite *strict_suite(void)
{
	Suite *s = suite_create("strict");
	TCase *tc = tcase_create("strict");

	tcase_add_loop_test(tc, test_bad, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
