/* SPDX-License-Identifier: Apache-2.0 */
/* check_jsonio.c: the JSON reader and writers, and the YAML reader. */
#include <check.h>

#include "toolsync/index.h"
#include "toolsync/number.h"
#include "toolsync/yaml.h"

/* Parse text (JSON or YAML); diagnostics into *msgs (caller frees). */
static struct jv *parse(int yaml, const char *text, char **msgs)
{
	struct diag d = DIAG_INIT;
	size_t len = 0;
	struct jv *v;

	*msgs = NULL;
	d.out = open_memstream(msgs, &len);
	d.no_source = 1;
	v = yaml ? yaml_parse(text, strlen(text), "t.yaml", &d)
		 : json_parse(text, strlen(text), "t.json", &d);
	fclose(d.out);
	return v;
}

static char *write_str(const struct jv *v, enum json_style style)
{
	struct strbuf sb = STRBUF_INIT;

	json_write(&sb, v, style);
	return strbuf_detach(&sb, NULL);
}

static const struct { double n; const char *text; } numbers[] = {
	{ 0, "0" }, { -0.0, "0" }, { 1, "1" }, { -1.5, "-1.5" }, { 100, "100" },
	{ 0.1 + 0.2, "0.30000000000000004" }, { 1e21, "1e+21" }, { 1e20, "100000000000000000000" },
	{ 1e-7, "1e-7" }, { 0.000001, "0.000001" }, { 123e-20, "1.23e-18" },
	{ 5e-324, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
	{ 333333333.3333333, "333333333.3333333" }, { 9007199254740992.0, "9007199254740992" },
	{ 4.5, "4.5" }, { 0.01, "0.01" }, { 2e-3, "0.002" }, { 1.5e300, "1.5e+300" },
};

START_TEST(test_numbers)
{
	struct strbuf sb = STRBUF_INIT;

	number_write(&sb, numbers[_i].n);
	ck_assert_str_eq(sb.buf, numbers[_i].text);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_round_trip_pretty)
{
	const char *text = "{\n  \"b\": [\n    1,\n    \"x\\n\\u0001\\\"\",\n    null,\n    true\n  ],\n"
			   "  \"a\": {},\n  \"c\": [],\n  \"\xc3\xa9\": 0.5\n}\n";
	char *msgs, *out;
	struct jv *v = parse(0, text, &msgs);

	ck_assert_ptr_nonnull(v);
	out = write_str(v, JSON_PRETTY);
	ck_assert_str_eq(out, text);
	free(out);
	out = write_str(v, JSON_COMPACT);
	ck_assert_str_eq(out, "{\"b\":[1,\"x\\n\\u0001\\\"\",null,true],\"a\":{},\"c\":[],\"\xc3\xa9\":0.5}");
	free(out);
	jv_free(v);
	free(msgs);
}
END_TEST

/* RFC 8785 section 3.2.3: keys sorted by UTF-16 code units. */
START_TEST(test_canonical_order)
{
	const char *text = "{\"\\u20ac\":1,\"\\r\":2,\"\\ud83d\\ude00\":3,\"1\":4,\"\\u00f6\":5,"
			   "\"\\ufb33\":6,\"a\":{\"z\":1,\"b\":[{\"y\":1,\"x\":2}]}}";
	char *msgs, *out;
	struct jv *v = parse(0, text, &msgs);

	ck_assert_ptr_nonnull(v);
	out = write_str(v, JSON_CANONICAL);
	ck_assert_str_eq(out, "{\"\\r\":2,\"1\":4,\"a\":{\"b\":[{\"x\":2,\"y\":1}],\"z\":1},"
			      "\"\xc3\xb6\":5,\"\xe2\x82\xac\":1,\"\xf0\x9f\x98\x80\":3,\"\xef\xac\xb3\":6}");
	free(out);
	jv_free(v);
	free(msgs);
}
END_TEST

static const struct { const char *text; const char *msg; } bad_json[] = {
	{ "{\"a\":1,\"a\":2}", "t.json:1:8: error: duplicate key 'a' (first at line 1)" },
	{ "[1,]", "t.json:1:4: error: trailing comma before ']'" },
	{ "{\"a\":1,}", "t.json:1:8: error: trailing comma before '}'" },
	{ "[01]", "t.json:1:2: error: bad number: leading zeros are not allowed" },
	{ "[1e400]", "t.json:1:2: error: number '1e400' is too large for a double" },
	{ "[NaN]", "t.json:1:2: error: NaN and Infinity are not JSON" },
	{ "[\"\\ud800\"]", "t.json:1:3: error: unpaired surrogate \\ud800" },
	{ "[\"\xff\"]", "t.json:1:3: error: invalid UTF-8 in a string" },
	{ "[\"\xc0\xaf\"]", "t.json:1:3: error: invalid UTF-8 in a string" },
	{ "{\"a\\u0000\":1}", "t.json:1:2: error: object key holds a NUL character" },
	{ "[1] x", "t.json:1:5: error: unexpected text after the JSON value" },
	{ "\n\n  [1 2]", "t.json:3:6: error: unexpected '2': ',' or ']' expected" },
	{ "", "t.json:1:1: error: unexpected end of file: a value was expected" },
	{ "[\"a\nb\"]", "t.json:1:4: error: unterminated string" },
	{ "// c\n{}", "t.json:1:1: error: unexpected '/': a value was expected" },
	{ "[12345678901234567890]", "t.json:1:2: error: integer '12345678901234567890' is not exactly a double (the nearest is 12345678901234567000)" },
};

START_TEST(test_bad_json)
{
	char *msgs;
	struct jv *v = parse(0, bad_json[_i].text, &msgs);

	ck_assert_ptr_null(v);
	ck_assert_msg(strstr(msgs, bad_json[_i].msg), "for %s: got '%s'", bad_json[_i].text, msgs);
	free(msgs);
}
END_TEST

/* Found by fuzz_json: a large integral double written by us must read back. */
START_TEST(test_large_integral_round_trip)
{
	char *msgs, *out;
	struct jv *v = parse(0, "[-55555555555555555e0, 1e300]", &msgs), *back;

	ck_assert_ptr_nonnull(v);
	out = write_str(v, JSON_COMPACT);
	ck_assert_str_eq(out, "[-55555555555555550,1e+300]");
	free(msgs);
	back = parse(0, out, &msgs);
	ck_assert_ptr_nonnull(back);
	ck_assert(jv_equal(v, back));
	jv_free(back);
	jv_free(v);
	free(out);
	free(msgs);
}
END_TEST

START_TEST(test_depth_limit)
{
	struct strbuf sb = STRBUF_INIT;
	char *msgs;
	struct jv *v;

	strbuf_addchars(&sb, '[', 100000);
	v = parse(0, sb.buf, &msgs);
	ck_assert_ptr_null(v);
	ck_assert_ptr_nonnull(strstr(msgs, "nesting deeper than 512 levels"));
	free(msgs);
	strbuf_release(&sb);
}
END_TEST

/* text (one line) is refused at column col with a message starting with what. */
static void refused_at(const char *text, size_t col, const char *what)
{
	char *msgs, *want = xstrfmt("t.json:1:%zu: error: %s", col, what);

	ck_assert_ptr_null(parse(0, text, &msgs));
	ck_assert_msg(strstr(msgs, want), "got '%s'", msgs);
	free(want);
	free(msgs);
}

/*
 * Columns count characters from the line's start, also far into a long
 * line (a minified document): here() counts on from the last column asked
 * for, and back from the line's start for an error at an earlier place.
 */
START_TEST(test_long_line_columns)
{
	struct strbuf sb = STRBUF_INIT;
	char *msgs;
	struct jv *v;
	size_t i, n = 200000;

	strbuf_addch(&sb, '[');
	for (i = 0; i < n; i++)
		strbuf_addstr(&sb, "\"\xc3\xa9\",");   /* "é", 4 characters */
	strbuf_addstr(&sb, "{\"\xc3\xa9\": 1, \"\xc3\xa9\": 2}]");
	refused_at(sb.buf, 1 + 4 * n + 10, "duplicate key");
	strbuf_setlen(&sb, sb.len - 19);
	strbuf_addstr(&sb, "1, x]");
	refused_at(sb.buf, 1 + 4 * n + 4, "unexpected 'x'");
	strbuf_setlen(&sb, sb.len - 5);
	strbuf_addstr(&sb, "\n  7]");
	v = parse(0, sb.buf, &msgs);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->u.arr.v[n]->loc.line, 2);
	ck_assert_uint_eq(v->u.arr.v[n]->loc.col, 3);
	ck_assert_uint_eq(v->u.arr.v[n - 1]->loc.col, 1 + 4 * (n - 1) + 1);
	jv_free(v);
	free(msgs);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_yaml_typing)
{
	const char *text = "a: yes\nb: 0x1F\nc: 1e3\nd: \"1\"\ne: ~\nf: True\ng: 0o17\nh: -2.5\n"
			   "i: 1.2.3\nj: !!str 12\nk: |\n  two\n  lines\nl: ''\nm: null\n";
	char *msgs, *out;
	struct jv *v = parse(1, text, &msgs);

	ck_assert_ptr_nonnull(v);
	out = write_str(v, JSON_COMPACT);
	ck_assert_str_eq(out, "{\"a\":\"yes\",\"b\":31,\"c\":1000,\"d\":\"1\",\"e\":null,\"f\":true,"
			      "\"g\":15,\"h\":-2.5,\"i\":\"1.2.3\",\"j\":\"12\",\"k\":\"two\\nlines\\n\","
			      "\"l\":\"\",\"m\":null}");
	ck_assert_uint_eq(jv_get(v, "c")->loc.line, 3);
	ck_assert_uint_eq(jv_get(v, "c")->loc.col, 4);
	ck_assert_uint_eq(jv_member(v, "k")->loc.line, 11);
	free(out);
	jv_free(v);
	free(msgs);
}
END_TEST

/* Explicit core-schema tags (YAML 1.2, 10.3.2) type the scalar whatever its style. */
START_TEST(test_yaml_tags)
{
	const char *text = "a: !!int '12'\nb: !!float \"1\"\nc: !!bool 'true'\nd: !!null ''\n"
			   "e: !!str 12\nf: ! 12\ng: !!int 0x1F\nh: !!float 2.5\n"
			   "i: !<tag:yaml.org,2002:int> \"-3\"\n!!str j: !!null\nk: !!str\n"
			   "l: &l !!str 100%00 # %00\n";
	char *msgs, *out;
	struct jv *v = parse(1, text, &msgs);

	ck_assert_msg(v != NULL, "%s", msgs);
	out = write_str(v, JSON_COMPACT);
	ck_assert_str_eq(out, "{\"a\":12,\"b\":1,\"c\":true,\"d\":null,\"e\":\"12\",\"f\":\"12\","
			      "\"g\":31,\"h\":2.5,\"i\":-3,\"j\":null,\"k\":\"\",\"l\":\"100%00\"}");
	free(out);
	jv_free(v);
	free(msgs);
}
END_TEST

static const struct { const char *text; const char *msg; } bad_yaml[] = {
	{ "a: !!int '1.5'\n", "t.yaml:1:4: error: '1.5' is not a !!int: the YAML 1.2 core schema's "
	  "!!int is an integer" },
	{ "a: !!int abc\n", "t.yaml:1:4: error: 'abc' is not a !!int" },
	{ "a: !!float x\n", "t.yaml:1:4: error: 'x' is not a !!float" },
	{ "a: !!bool yes\n", "t.yaml:1:4: error: 'yes' is not a !!bool" },
	{ "a: !!null \"x\\n\"\n", "t.yaml:1:4: error: 'x\\x0a' is not a !!null" },
	{ "a: !!float '.nan'\n", "t.yaml:1:4: error: '.nan': infinity and NaN cannot be written" },
	{ "a: !!map [1]\n", "t.yaml:1:4: error: unsupported tag '!!map' (a list takes !!seq)" },
	{ "a: !!seq x\n", "t.yaml:1:4: error: unsupported tag '!!seq' (a scalar takes" },
	{ "a: !<%1b%5b2J> x\n", "t.yaml:1:4: error: unsupported tag '\\x1b[2J'" },
	{ "!!int 1: x\n", "t.yaml:1:1: error: a mapping key is a string: it cannot be tagged !!int" },
	{ "a: 1\na: 2\n", "t.yaml:2:1: error: duplicate key 'a' (first at line 1)" },
	/* libyaml counts characters: the tab is found after text that is not ASCII too */
	{ "x: \"\xc3\xa9\xc3\xa9\"\np:\n\tt: o\n", "t.yaml:3:1: error: found character that "
	  "cannot start any token while scanning for the next token (a tab: YAML indents with "
	  "spaces only)" },
	{ "a: .inf\n", "t.yaml:1:4: error: '.inf': infinity and NaN cannot be written in JSON" },
	{ "? [a]\n: 1\n", "t.yaml:1:3: error: a mapping key must be a plain string" },
	{ "a: 1\n---\nb: 2\n", "t.yaml:2:1: error: more than one YAML document in the file" },
	{ "a: !foo x\n", "t.yaml:1:4: error: unsupported tag '!foo'" },
	{ "a: [1, 2\n", "t.yaml:2:1: error: did not find expected ',' or ']'" },
	{ "a: *nope\n", "t.yaml:1:4: error: unknown alias '*nope'" },
	{ "a: 99999999999999999999\n", "t.yaml:1:4: error: integer '99999999999999999999' is not exactly a double" },
	{ "a: \xff\n", "t.yaml:1:4: error: invalid UTF-8 (byte 0xff)" },
	/* "%00" in a tag: libyaml decodes it and the tag ends at the NUL */
	{ "a: !!str%00x 12\n", "t.yaml:1:4: error: a tag holding a NUL character ('%00')" },
	{ "a: &x !!int%00 12\n", "t.yaml:1:4: error: a tag holding a NUL character" },
	{ "a: &x # c\n  !!int%00 12\n", "t.yaml:1:4: error: a tag holding a NUL character" },
	{ "a: !<tag:yaml.org,2002:int%00> 12\n", "t.yaml:1:4: error: a tag holding a NUL character" },
	{ "a: [1, !!str%00 x]\n", "t.yaml:1:8: error: a tag holding a NUL character" },
	{ "a: !!seq%00 [1]\n", "t.yaml:1:4: error: a tag holding a NUL character" },
	{ "a: !!map%00\n  b: 1\n", "t.yaml:1:4: error: a tag holding a NUL character" },
	{ "!!str%00 k: 1\n", "t.yaml:1:1: error: a tag holding a NUL character" },
	{ "\xc3\xa9\xc3\xa9: \xe2\x82\xac\na: !!str%00x 12\n", "t.yaml:2:4: error: a tag holding a NUL" },
	{ "%YAML 1.1\n%TAG !e! tag:yaml.org,2002:in%00\n---\na: !e!t 12\n",
	  "t.yaml:2:1: error: a tag holding a NUL character" },
};

START_TEST(test_bad_yaml)
{
	char *msgs;
	struct jv *v = parse(1, bad_yaml[_i].text, &msgs);

	ck_assert_ptr_null(v);
	ck_assert_msg(strstr(msgs, bad_yaml[_i].msg), "for %s: got '%s'", bad_yaml[_i].text, msgs);
	free(msgs);
}
END_TEST

START_TEST(test_billion_laughs)
{
	struct strbuf sb = STRBUF_INIT;
	char *msgs;
	struct jv *v;
	int i;

	strbuf_addstr(&sb, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++)
		strbuf_addf(&sb, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n",
			    i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	v = parse(1, sb.buf, &msgs);
	ck_assert_ptr_null(v);
	ck_assert_ptr_nonnull(strstr(msgs, "anchors and aliases take more than 1000000 nodes"));
	free(msgs);
	strbuf_release(&sb);
}
END_TEST

/* n zeros, comma-separated, after head and before tail. */
static char *zeros(const char *head, size_t n, const char *tail)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&sb, head);
	for (i = 0; i < n; i++)
		strbuf_addstr(&sb, i ? ",0" : "0");
	strbuf_addstr(&sb, tail);
	return strbuf_detach(&sb, NULL);
}

/*
 * Every document holds at most JV_VALUES_MAX values, every kind counted:
 * a list and its zeros fit, one zero more is refused at that zero (the
 * k-th zero is at column 2k).
 */
/*
 * fits holds JV_VALUES_MAX values and is read; over, one more, is refused
 * at "<file>:<line>:<col>" where (both freed).
 */
static void check_budget(int yaml, char *fits, char *over, const char *where)
{
	struct strbuf want = STRBUF_INIT;
	char *msgs;
	struct jv *v = parse(yaml, fits, &msgs);

	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(jv_count_nodes(v), JV_VALUES_MAX);
	jv_free(v);
	free(msgs);
	ck_assert_ptr_null(parse(yaml, over, &msgs));
	strbuf_addf(&want, "%s: error: this document holds more than 1000000 values; "
		    "toolsync reads documents of at most 1000000", where);
	ck_assert_msg(strstr(msgs, want.buf), "got '%s'", msgs);
	strbuf_release(&want);
	free(msgs);
	free(fits);
	free(over);
}

START_TEST(test_value_budget)
{
	ck_assert_int_eq(JV_VALUES_MAX, 1000000);
	check_budget(0, zeros("[", JV_VALUES_MAX - 1, "]\n"), zeros("[", JV_VALUES_MAX, "]\n"),
		     "t.json:1:2000000");
}
END_TEST

/*
 * YAML: an alias counts the values it copies (here within the alias
 * budget), plain values count too.  The root list, an anchored list of
 * 999 zeros (1,000 values), 998 aliases of it, 999 zeros: 1,000,000
 * values.  One zero more is refused at its line.
 */
static char *yaml_values(size_t tail)
{
	struct strbuf sb = STRBUF_INIT;
	char *anchored = zeros("- &a [", 999, "]\n");
	size_t i;

	strbuf_addstr(&sb, anchored);
	for (i = 0; i < 998; i++)
		strbuf_addstr(&sb, "- *a\n");
	for (i = 0; i < tail; i++)
		strbuf_addstr(&sb, "- 0\n");
	free(anchored);
	return strbuf_detach(&sb, NULL);
}

START_TEST(test_value_budget_yaml)
{
	check_budget(1, yaml_values(999), yaml_values(1000), "t.yaml:1999:3");
}
END_TEST

/* Read text as a list entry by entry: the entries read, or -1 with *msgs when one was refused. */
static int stream_entries(int yaml, const char *text, char **msgs)
{
	struct diag d = DIAG_INIT;
	size_t len = 0;
	struct json_stream *js = NULL;
	struct yaml_stream *ys = NULL;
	struct jv *v;
	int r, n = 0;

	*msgs = NULL;
	d.out = open_memstream(msgs, &len);
	d.no_source = 1;
	if (yaml)
		ck_assert_ptr_nonnull(ys = yaml_stream_open(text, strlen(text), "t.yaml", "rows", &d));
	else
		ck_assert_ptr_nonnull(js = json_stream_open(text, strlen(text), "t.json", "rows", &d));
	while ((r = yaml ? yaml_stream_next(ys, &v) : json_stream_next(js, &v)) > 0) {
		jv_free(v);
		n++;
	}
	if (yaml)
		yaml_stream_close(ys);
	else
		json_stream_close(js);
	fclose(d.out);
	return r < 0 ? -1 : n;
}

/*
 * A list read entry by entry counts each entry alone: two entries that
 * together pass the budget are read, the third, over it, is refused at
 * its 1,000,001st value, its last zero (column 4,000,007).  (YAML
 * with aliases: 501,001 and 499,001 values, 999,000 copied in all and
 * 1,000 kept by the anchor, the alias budget counting the whole file.)
 */
START_TEST(test_value_budget_stream)
{
	char *half = zeros("[", JV_VALUES_MAX / 2, "]"), *over = zeros("[", JV_VALUES_MAX, "]");
	char *json = xstrfmt("[%s, %s, %s]", half, half, over);
	char *anchored = zeros("[&a [", 999, "]");
	struct strbuf yaml = STRBUF_INIT;
	char *msgs;
	int i;

	strbuf_addf(&yaml, "- %s", anchored);
	for (i = 0; i < 500; i++)
		strbuf_addstr(&yaml, ", *a");
	strbuf_addstr(&yaml, "]\n- [*a");
	for (i = 1; i < 499; i++)
		strbuf_addstr(&yaml, ", *a");
	strbuf_addstr(&yaml, "]\n");
	ck_assert_int_eq(stream_entries(1, yaml.buf, &msgs), 2);
	free(msgs);
	ck_assert_int_eq(stream_entries(0, json, &msgs), -1);
	ck_assert_msg(strstr(msgs, "t.json:1:4000007: error: this entry holds more than 1000000 "
			     "values; toolsync reads entries of at most 1000000"), "got '%s'", msgs);
	free(msgs);
	free(half);
	free(over);
	free(json);
	free(anchored);
	strbuf_release(&yaml);
}
END_TEST

/*
 * An anchor keeps a copy of its value, charged to the alias budget with
 * the aliases: two anchors nested of 499,999 and 500,001 nodes fit, one
 * zero more is refused at the outer anchor; in a list read entry by entry
 * the anchors of every entry are counted together (each entry is kept for
 * later aliases).
 */
START_TEST(test_anchor_budget)
{
	char *fits = zeros("a: &o [&i [", 499998, "], x]\n");
	char *over = zeros("a: &o [&i [", 499999, "], x]\n");
	char *rows = zeros("- &r0 [", 600000, "]\n"), *two = xstrfmt("%s%s", rows, rows);
	char *msgs;
	struct jv *v = parse(1, fits, &msgs);

	ck_assert_ptr_nonnull(v);
	jv_free(v);
	free(msgs);
	ck_assert_ptr_null(parse(1, over, &msgs));
	ck_assert_msg(strstr(msgs, "t.yaml:1:4: error: anchors and aliases take more than 1000000 "
			     "nodes"), "got '%s'", msgs);
	free(msgs);
	ck_assert_int_eq(stream_entries(1, rows, &msgs), 1);
	free(msgs);
	ck_assert_int_eq(stream_entries(1, two, &msgs), -1);
	ck_assert_msg(strstr(msgs, "t.yaml:2:3: error: anchors and aliases take more than"),
		      "got '%s'", msgs);
	free(msgs);
	free(fits);
	free(over);
	free(rows);
	free(two);
}
END_TEST

START_TEST(test_aliases_and_pointers)
{
	char *msgs;
	struct jv *v = parse(1, "d: &d {x: [1, {\"a/b\": 2, \"m~n\": 3}]}\ne: *d\n", &msgs);
	struct strbuf p = STRBUF_INIT;

	ck_assert_ptr_nonnull(v);
	ck_assert(jv_equal(jv_get(v, "d"), jv_get(v, "e")));
	ck_assert_double_eq(jv_pointer_get(v, "/e/x/1/a~1b")->u.number, 2);
	ck_assert_double_eq(jv_pointer_get(v, "/d/x/1/m~0n")->u.number, 3);
	ck_assert_ptr_null(jv_pointer_get(v, "/d/x/01"));
	ck_assert_ptr_null(jv_pointer_get(v, "/d/x/9"));
	ck_assert_ptr_eq(jv_pointer_get(v, ""), v);
	jv_free(v);
	free(msgs);
	/* an anchor defined again: the aliases after it are of the later value */
	v = parse(1, "a: &x 1\nb: *x\nc: &x [2]\nd: *x\ne: &y 3\n", &msgs);
	ck_assert_ptr_nonnull(v);
	ck_assert_double_eq(jv_get(v, "b")->u.number, 1);
	ck_assert_double_eq(jv_pointer_get(v, "/d/0")->u.number, 2);
	jv_pointer_add(&p, "a/b~c");
	jv_pointer_add_index(&p, 3);
	ck_assert_str_eq(p.buf, "/a~1b~0c/3");
	strbuf_release(&p);
	jv_free(v);
	free(msgs);
}
END_TEST

START_TEST(test_utf8_check)
{
	size_t bad;

	ck_assert_int_eq(utf8_check("a\xc3\xa9\xf0\x9f\x98\x80", 7, &bad), 0);
	ck_assert_int_eq(utf8_check("ab\xed\xa0\x80", 5, &bad), -1);   /* a surrogate */
	ck_assert_uint_eq(bad, 2);
	ck_assert_int_eq(utf8_check("\xe0\x80\x80", 3, &bad), -1);     /* overlong */
	ck_assert_int_eq(utf8_check("\xf4\x90\x80\x80", 4, &bad), -1); /* > U+10FFFF */
	ck_assert_int_eq(utf8_check("\xc3", 1, &bad), -1);             /* truncated */
}
END_TEST

/* index.json is read entry by entry (json_stream_open_object). */
static const struct { const char *text, *msg; } bad_index[] = {
	{ "[]", "an object ('{') expected" },
	{ "{\"format\": \"x/1\", \"files\": []}", "not a toolsync index" },
	{ "{\"files\": []}", "not a toolsync index" },
	{ "{\"format\": \"toolsync.index/1\", \"format\": \"toolsync.index/1\", \"files\": []}",
	  "duplicate key 'format'" },
	{ "{\"format\": \"toolsync.index/1\"}", "expected 'files', a list, in this object" },
	{ "{\"format\": \"toolsync.index/1\", \"files\": [], \"x\": 1}",
	  "'files' must be the object's last member" },
	{ "{\"format\": \"toolsync.index/1\", \"files\": [{\"path\": \"../x\", \"size\": 1, "
	  "\"blake2b\": \"" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" "\"}]}",
	  "is not one toolsync writes" },
	{ "{\"format\": \"toolsync.index/1\", \"files\": [{\"path\": \"a\"}]}",
	  "index entry must have 'path', 'size'" },
};

static int parse_index_text(const char *text, struct index *ix, char **msgs)
{
	struct diag d = DIAG_INIT;
	size_t len = 0;
	int r;

	d.out = open_memstream(msgs, &len);
	d.no_source = 1;
	r = index_parse(ix, text, strlen(text), "index.json", &d);
	fclose(d.out);
	return r;
}

START_TEST(test_index_round_trip)
{
	struct index ix = INDEX_INIT, back;
	struct strbuf sb = STRBUF_INIT;
	char *msgs;

	index_add(&ix, "tools/b.json", 12, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
	index_add(&ix, "roles/a.chat.json", 3, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  NULL);
	index_sort(&ix);
	index_write(&sb, &ix);
	ck_assert_int_eq(parse_index_text(sb.buf, &back, &msgs), 0);
	ck_assert_str_eq(msgs, "");
	ck_assert_uint_eq(back.n, 2);
	ck_assert_str_eq(back.v[0].path, "roles/a.chat.json");
	ck_assert_int_eq(back.v[0].has_jcs, 0);
	ck_assert_uint_eq(back.v[1].size, 12);
	ck_assert_int_eq(back.v[1].has_jcs, 1);
	ck_assert_int_eq(index_digest_is(back.v[1].jcs_blake2b,
					 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"), 1);
	free(msgs);
	index_release(&back);
	index_release(&ix);
	strbuf_release(&sb);
}
END_TEST

/* ix written with path as its first entry's: parsed, refused with msg. */
static void refused_with_path(struct index *ix, const char *path, const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	struct index back;
	char *msgs;

	ix->v[0].path = strpool_copy(&ix->paths, path, strlen(path));
	index_write(&sb, ix);
	ck_assert_int_eq(parse_index_text(sb.buf, &back, &msgs), -1);
	ck_assert_ptr_nonnull(strstr(msgs, msg));
	free(msgs);
	index_release(&back);
	strbuf_release(&sb);
}

/*
 * index_write()'s own layout is read without a tree; anything it cannot
 * take (an escaped path, a path outside) goes to the JSON reader, which
 * gives the same entries or the same error.
 */
START_TEST(test_index_own_layout)
{
	static const char hex[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const char *const paths[] = { "tools/q\"uote.json", "tools/\xc3\xa9.json", "tools/a.json" };
	struct index ix = INDEX_INIT, back;
	struct strbuf sb = STRBUF_INIT;
	char *msgs;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++)
		index_add(&ix, paths[i], i, hex, i ? hex : NULL);
	index_sort(&ix);
	index_write(&sb, &ix);
	ck_assert_int_eq(parse_index_text(sb.buf, &back, &msgs), 0);
	ck_assert_uint_eq(back.n, ix.n);
	for (i = 0; i < ix.n; i++) {
		ck_assert_str_eq(back.v[i].path, ix.v[i].path);
		ck_assert_uint_eq(back.v[i].size, ix.v[i].size);
		ck_assert_int_eq(back.v[i].has_jcs, ix.v[i].has_jcs);
		ck_assert_mem_eq(back.v[i].jcs_blake2b, ix.v[i].jcs_blake2b, DIGEST_SIZE);
	}
	free(msgs);
	index_release(&back);
	/* a path outside, or twice, in the own layout: refused as the reader refuses it */
	refused_with_path(&ix, "../outside.json", "is not one toolsync writes");
	refused_with_path(&ix, ix.v[1].path, "twice");
	index_release(&ix);
	strbuf_release(&sb);
}
END_TEST

/*
 * After index_parse() an entry is found by its path's hash; an index in
 * index_write()'s own layout and order says so (own_layout), so that a
 * build can compare a new one by entries; any other text does not.
 */
/*
 * An index path is spelled exactly as a build writes it; any other
 * spelling of a file, or a path outside, is refused by both readers (the
 * own layout hands it to the JSON reader), naming index.json and the path;
 * so is the index itself or its signature (a file cannot hold its own
 * digest), while "tools/index.json" is a tool's file like any other.
 */
static const char *const noncanonical_paths[] = {
	"tools/./x.json", "tools//x.json", "tools/x.json/", "tools/../tools/x.json",
	"./tools/x.json", "/tools/x.json", "../x.json", "tools/.", "tools/..", "tools/",
	"tools", "roles", "", ".", "tools/.x.json", "tools/a/x.json", "other/x.json",
	"tools\\x.json", "roles/./viewer.chat.json",
	"index.json", "index.json.minisig",   /* the index itself, its signature */
};

START_TEST(test_index_path_noncanonical)
{
	static const char hex[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const char *const good[] = {
		"tools/rag.search.json", "tools/rag.search.json.minisig",
		"roles/viewer.chat.json", "tools/index.json", "tools/index.json.minisig",
		"traceability.md",
	};
	const char *bad = noncanonical_paths[_i];
	struct index ix = INDEX_INIT, back;
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	char *msgs;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		index_add(&ix, good[i], i, hex, NULL);
	index_sort(&ix);
	index_write(&sb, &ix);
	ck_assert_int_eq(parse_index_text(sb.buf, &back, &msgs), 0);
	ck_assert_str_eq(msgs, "");
	ck_assert_uint_eq(back.n, ARRAY_SIZE(good));
	free(msgs);
	index_release(&back);
	strbuf_addf(&want, "index.json:5:15: error: index path '%s' is not one toolsync writes",
		    bad);
	if (!strcmp(bad, "tools\\x.json")) {   /* written escaped: the JSON reader's column */
		strbuf_reset(&want);
		strbuf_addstr(&want, "index path 'tools\\x.json' is not one toolsync writes");
	}
	ix.v[0].path = strpool_copy(&ix.paths, bad, strlen(bad));
	strbuf_reset(&sb);
	index_write(&sb, &ix);
	ck_assert_int_eq(parse_index_text(sb.buf, &back, &msgs), -1);
	ck_assert_msg(strstr(msgs, want.buf), "'%s': %s", bad, msgs);
	free(msgs);
	index_release(&back);
	index_release(&ix);
	strbuf_release(&sb);
	strbuf_release(&want);
}
END_TEST

START_TEST(test_index_table)
{
	static const char hex[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct index ix = INDEX_INIT, back, again;
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;
	char *msgs;
	size_t i;

	for (i = 0; i < 300; i++) {   /* added out of order: runs of 3 */
		strbuf_reset(&path);
		strbuf_addf(&path, "tools/k%03zu.json", (i % 3) * 100 + i / 3);
		index_add(&ix, path.buf, i, hex, hex);
	}
	index_sort(&ix);
	for (i = 1; i < ix.n; i++)
		ck_assert_int_lt(strcmp(ix.v[i - 1].path, ix.v[i].path), 0);
	index_write(&sb, &ix);
	ck_assert_int_eq(parse_index_text(sb.buf, &back, &msgs), 0);
	free(msgs);
	ck_assert_int_eq(back.own_layout, 1);
	ck_assert_int_eq(index_same(&back, &ix), 1);
	for (i = 0; i < ix.n; i++)
		ck_assert_ptr_eq(index_find(&back, ix.v[i].path), &back.v[i]);
	ck_assert_ptr_null(index_find(&back, "tools/k300.json"));
	ck_assert_ptr_null(index_find(&back, "tools/k00.json"));
	/* one size differs: not the same */
	back.v[7].size++;
	ck_assert_int_eq(index_same(&back, &ix), 0);
	index_release(&back);
	/* the same entries, written otherwise (a space more): not the own layout */
	strbuf_reset(&path);
	strbuf_addf(&path, "{ %s", sb.buf + 1);
	ck_assert_int_eq(parse_index_text(path.buf, &again, &msgs), 0);
	free(msgs);
	ck_assert_int_eq(again.own_layout, 0);
	ck_assert_int_eq(index_same(&again, &ix), 1);
	ck_assert_ptr_eq(index_find(&again, "tools/k150.json"), &again.v[150]);
	index_release(&again);
	index_release(&ix);
	strbuf_release(&sb);
	strbuf_release(&path);
}
END_TEST

START_TEST(test_bad_index)
{
	struct index ix;
	char *msgs;

	ck_assert_int_eq(parse_index_text(bad_index[_i].text, &ix, &msgs), -1);
	ck_assert_msg(strstr(msgs, bad_index[_i].msg) != NULL, "%s: %s", bad_index[_i].text, msgs);
	free(msgs);
	index_release(&ix);
}
END_TEST

/*
 * yaml_parse() keeps one libyaml parser per thread and resets it between
 * documents: a document that fails half-way (tokens queued, a %TAG
 * directive held, stacks grown deep) leaves nothing behind for the next.
 */
START_TEST(test_yaml_parser_reset)
{
	static const char *const broken[] = {
		"%TAG !e! tag:example.com,2000:\n---\na: [1, 2, {b: ",
		"a:\n  b:\n    c: [1, 2\n  d: x\n",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
		"k: 'open",
	};
	struct strbuf big = STRBUF_INIT;
	char *msgs, *out;
	struct jv *v;
	size_t i;

	for (i = 0; i < 3000; i++)    /* past libyaml's 16 KiB input buffer */
		strbuf_addf(&big, "k%zu: v%zu\n", i, i);
	for (i = 0; i < ARRAY_SIZE(broken) + 1; i++) {
		v = parse(1, i < ARRAY_SIZE(broken) ? broken[i] : big.buf, &msgs);
		if (i < ARRAY_SIZE(broken))
			ck_assert_ptr_null(v);
		else
			ck_assert_ptr_nonnull(v);
		jv_free(v);
		free(msgs);
		v = parse(1, "x: [1, {y: \"z\"}]\n", &msgs);
		ck_assert_msg(v != NULL, "after document %zu: %s", i, msgs);
		out = write_str(v, JSON_CANONICAL);
		ck_assert_str_eq(out, "{\"x\":[1,{\"y\":\"z\"}]}");
		free(out);
		jv_free(v);
		free(msgs);
	}
	strbuf_release(&big);
}
END_TEST

Suite *jsonio_suite(void)
{
	Suite *s = suite_create("jsonio");
	TCase *tc = tcase_create("jsonio");

	tcase_add_loop_test(tc, test_numbers, 0, (int)ARRAY_SIZE(numbers));
	tcase_add_test(tc, test_round_trip_pretty);
	tcase_add_test(tc, test_canonical_order);
	tcase_add_loop_test(tc, test_bad_json, 0, (int)ARRAY_SIZE(bad_json));
	tcase_add_test(tc, test_large_integral_round_trip);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_long_line_columns);
	tcase_add_test(tc, test_yaml_typing);
	tcase_add_test(tc, test_yaml_tags);
	tcase_add_loop_test(tc, test_bad_yaml, 0, (int)ARRAY_SIZE(bad_yaml));
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_yaml_parser_reset);
	tcase_add_test(tc, test_value_budget);
	tcase_add_test(tc, test_value_budget_yaml);
	tcase_add_test(tc, test_value_budget_stream);
	tcase_add_test(tc, test_anchor_budget);
	tcase_add_test(tc, test_aliases_and_pointers);
	tcase_add_test(tc, test_utf8_check);
	tcase_add_test(tc, test_index_round_trip);
	tcase_add_test(tc, test_index_own_layout);
	tcase_add_loop_test(tc, test_index_path_noncanonical, 0, (int)ARRAY_SIZE(noncanonical_paths));
	tcase_add_test(tc, test_index_table);
	tcase_add_loop_test(tc, test_bad_index, 0, (int)ARRAY_SIZE(bad_index));
	suite_add_tcase(s, tc);
	return s;
}
