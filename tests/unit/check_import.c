/* SPDX-License-Identifier: Apache-2.0 */
/* check_import.c: import's shapes, --fix, and the YAML writer. */
#include <check.h>

#include "toolsync/import.h"
#include "toolsync/strict.h"
#include "toolsync/yaml.h"

static struct jv *parse(const char *text)
{
	struct diag d = DIAG_INIT;
	struct jv *v;

	d.out = stderr;
	v = json_parse(text, strlen(text), "in.json", &d);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* The tools of text; their number, or -1 when import_read reported errors. */
static long read_text(const char *text, struct import_list *l)
{
	struct diag d = DIAG_INIT;
	struct jv *v = parse(text);
	unsigned errors;

	d.out = fopen("/dev/null", "w");
	errors = import_read(v, "dir/weather.schema.json", NULL, l, &d);
	fclose(d.out);
	jv_free(v);
	return errors ? -1 : (long)l->n;
}

static const struct {
	const char *text, *name, *description;
} shapes[] = {
	{ "[{\"type\":\"function\",\"function\":{\"name\":\"a\",\"description\":\"A.\","
	  "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]", "a", "A." },
	{ "[{\"type\":\"function\",\"name\":\"b\",\"description\":\"B.\","
	  "\"parameters\":{\"type\":\"object\",\"properties\":{}},\"strict\":true}]", "b", "B." },
	{ "{\"tools\":[{\"name\":\"c\",\"inputSchema\":{\"type\":\"object\"}}]}", "c", "" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"d\",\"description\":\"D.\","
	  "\"inputSchema\":{\"type\":\"object\"}}]}}", "d", "D." },
	{ "[{\"name\":\"e\",\"inputSchema\":{\"type\":\"object\"}}]", "e", "" },
	{ "{\"type\":\"object\",\"title\":\"f\",\"description\":\"F.\",\"properties\":{}}", "f", "F." },
	{ "{\"type\":\"object\",\"properties\":{}}", "weather", "" },
	{ "{\"tools\":[{\"type\":\"function\",\"name\":\"g\"}]}", "g", "" },
};

START_TEST(test_shapes)
{
	struct import_list l = { NULL, 0, 0 };

	ck_assert_int_eq(read_text(shapes[_i].text, &l), 1);
	ck_assert_str_eq(l.v[0].name, shapes[_i].name);
	ck_assert_str_eq(l.v[0].description, shapes[_i].description);
	ck_assert_int_eq(l.v[0].parameters->kind, JV_OBJECT);
	/* a bare schema's description is the tool's, not the schema's */
	ck_assert_ptr_null(jv_get(l.v[0].parameters, "description"));
	import_list_release(&l);
}
END_TEST

static const char *const not_tools[] = {
	"3", "\"x\"", "{\"tools\":3}", "[1]", "[{}]", "[{\"function\":3}]",
	"[{\"type\":\"function\",\"name\":\"\"}]", "[{\"name\":\"a\",\"inputSchema\":[]}]",
	"[{\"name\":\"a\",\"description\":7}]", "[{\"name\":\"a\",\"strict\":\"yes\"}]",
	"[{\"name\":\"a\",\"description\":\"x\\u0000y\"}]", "{\"result\":{\"tools\":{}}}",
	"[{\"name\":\"a\",\"inputSchema\":{\"type\":\"object\",\"enum\":[\"\\u0000\"]}}]",
};

START_TEST(test_not_tools)
{
	struct import_list l = { NULL, 0, 0 };

	ck_assert_int_eq(read_text(not_tools[_i], &l), -1);
	import_list_release(&l);
}
END_TEST

static void count_fix(void *ctx, const struct srcloc *loc, const char *pointer, const char *what)
{
	struct strbuf *log = ctx;

	(void)loc;
	strbuf_addf(log, "%s: %s\n", pointer, what);
}

/* Fix a schema; strict mode then has nothing to say; the log in *log. */
static struct jv *fix(const char *text, struct strbuf *log)
{
	struct diag d = DIAG_INIT;
	struct jv *v = parse(text);

	d.out = stderr;
	schema_fix(v, count_fix, log);
	ck_assert_uint_eq(strict_check(v, &d), 0);
	return v;
}

static const struct {
	const char *in, *out, *log;
} fixes[] = {
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}",
	  "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[\"string\",\"null\"]}},"
	  "\"additionalProperties\":false,\"required\":[\"a\"]}",
	  "parameters: 'additionalProperties: false' added\n"
	  "parameters/properties/a: optional: now required and nullable\n" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"minLength\":2,"
	  "\"description\":\"Name.\"}},\"required\":[\"a\"],\"additionalProperties\":true}",
	  "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"description\":"
	  "\"Name. (minLength: 2)\"}},\"required\":[\"a\"],\"additionalProperties\":false}",
	  "parameters/properties/a: 'minLength' moved into the description\n"
	  "parameters: 'additionalProperties: false' replaces the value it had\n" },
	{ "{\"type\":\"object\",\"properties\":{\"u\":{\"$ref\":\"#/$defs/U\",\"description\":\"U.\"}},"
	  "\"$defs\":{\"U\":{\"enum\":[\"a\",\"b\"]}},\"$schema\":\"x\"}",
	  "{\"type\":\"object\",\"properties\":{\"u\":{\"description\":\"U.\",\"anyOf\":"
	  "[{\"$ref\":\"#/$defs/U\"},{\"type\":\"null\"}]}},\"$defs\":{\"U\":{\"enum\":[\"a\",\"b\"]}},"
	  "\"additionalProperties\":false,\"required\":[\"u\"]}",
	  "parameters: '$schema' dropped\n"
	  "parameters: 'additionalProperties: false' added\n"
	  "parameters/properties/u: optional: now required and nullable\n" },
	{ "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":\"string\",\"enum\":[\"x\"]},"
	  "\"n\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}],\"default\":null},"
	  "\"o\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"format\":\"uri\"}]},"
	  "\"m\":{\"allOf\":[{\"type\":\"object\"}]}},\"additionalProperties\":false,"
	  "\"required\":[\"o\",\"m\"]}",
	  "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":[\"string\",\"null\"],\"enum\":[\"x\",null]},"
	  "\"n\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]},"
	  "\"o\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"description\":\"(format: \\\"uri\\\")\"}]},"
	  "\"m\":{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false,\"required\":[]}},"
	  "\"additionalProperties\":false,\"required\":[\"e\",\"n\",\"o\",\"m\"]}",
	  "parameters/properties/n: 'default' dropped\n"
	  "parameters/properties/o: 'oneOf' written as 'anyOf' (strict mode has no oneOf)\n"
	  "parameters/properties/o/anyOf/1: 'format' moved into the description\n"
	  "parameters/properties/m: 'allOf' of one schema merged into its parent\n"
	  "parameters/properties/m: 'properties: {}' added to an object\n"
	  "parameters/properties/m: 'additionalProperties: false' added\n"
	  "parameters/properties/e: optional: now required and nullable\n"
	  "parameters/properties/n: optional: now required (it admits null already)\n" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"not\":{\"const\":0},"
	  "\"x-order\":1}},\"required\":[\"a\"],\"additionalProperties\":false}",
	  "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"description\":"
	  "\"(not: {\\\"const\\\":0})\"}},\"required\":[\"a\"],\"additionalProperties\":false}",
	  "parameters/properties/a: 'not' moved into the description\n"
	  "parameters/properties/a: 'x-order' dropped\n" },
};

START_TEST(test_fix)
{
	struct strbuf log = STRBUF_INIT, out = STRBUF_INIT;
	struct jv *v = fix(fixes[_i].in, &log);

	json_write(&out, v, JSON_COMPACT);
	ck_assert_str_eq(out.buf, fixes[_i].out);
	ck_assert_str_eq(log.buf, fixes[_i].log);
	strbuf_reset(&log);
	/* a fixed schema needs no more fixing */
	schema_fix(v, count_fix, &log);
	ck_assert_str_eq(log.buf, "");
	jv_free(v);
	strbuf_release(&log);
	strbuf_release(&out);
}
END_TEST

/* What the YAML writer writes reads back as the same value. */
static const char *const round_trips[] = {
	"{\"a\":\"plain\",\"b\":\"null\",\"c\":\"yes\",\"d\":\"12\",\"e\":\"a: b # c\",\"f\":\"\"}",
	"{\"type\":[\"string\",\"null\"],\"enum\":[\"x\",null,1.5,true,-0.25,1e+21]}",
	"{\"nested\":{\"list\":[{\"x\":1,\"y\":[]},{}],\"empty\":{}},\"arr\":[[1,2],[]]}",
	"{\"s\":\"tab\\there\\nline \\\"q\\\" \\\\ \\u007f \\u0085 \\u2028 \\ufeff é 日本\"}",
	"{\"$ref\":\"#/$defs/X\",\"on\":\"off\",\"1x\":\"-\",\"-\":\"?\",\"k y\":\"*a\",\"~\":\"&b\"}",
	"[1,\"two\",{\"three\":3}]",
};

START_TEST(test_yaml_round_trip)
{
	struct diag d = DIAG_INIT;
	struct jv *v = parse(round_trips[_i]), *back;
	struct strbuf y = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;

	yaml_write(&y, v, 0);
	d.out = stderr;
	back = yaml_parse(y.buf, y.len, "out.yaml", &d);
	ck_assert_msg(back != NULL, "YAML did not parse:\n%s", y.buf);
	json_write(&a, v, JSON_COMPACT);
	json_write(&b, back, JSON_COMPACT);
	ck_assert_msg(!strcmp(a.buf, b.buf), "%s\n!=\n%s\nvia\n%s", a.buf, b.buf, y.buf);
	jv_free(v);
	jv_free(back);
	strbuf_release(&y);
	strbuf_release(&a);
	strbuf_release(&b);
}
END_TEST

Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");

	tcase_add_loop_test(tc, test_shapes, 0, (int)ARRAY_SIZE(shapes));
	tcase_add_loop_test(tc, test_not_tools, 0, (int)ARRAY_SIZE(not_tools));
	tcase_add_loop_test(tc, test_fix, 0, (int)ARRAY_SIZE(fixes));
	tcase_add_loop_test(tc, test_yaml_round_trip, 0, (int)ARRAY_SIZE(round_trips));
	suite_add_tcase(s, tc);
	return s;
}
