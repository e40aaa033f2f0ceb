/*
 * check_pg.c: the PostgreSQL source's parts that need no server: name
 * quoting, the standards column in each shape, row locations, the
 * registry settings in toolsync.yaml, and connection strings whose
 * password must not reach a message.  tests/t_pg.sh runs the rest against
 * a real server.
 */
#include <check.h>
#include <unistd.h>

#include "toolsync/pgconn.h"
#include "toolsync/registry.h"
#include "toolsync/source_pg.h"

/* A connection object that never touches the network (an unknown option). */
static PGconn *offline_conn(void)
{
	PGconn *conn = PQconnectStart("toolsync_no_such_option=1");

	ck_assert_ptr_nonnull(conn);
	ck_assert_int_eq(PQstatus(conn), CONNECTION_BAD);
	return conn;
}

static char *quote_table(const char *table, int *rc)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	PGconn *conn = offline_conn();

	*rc = pgsrc_quote_table(conn, table, &out, &err);
	PQfinish(conn);
	if (*rc) {
		strbuf_release(&out);
		return strbuf_detach(&err, NULL);
	}
	strbuf_release(&err);
	return strbuf_detach(&out, NULL);
}

START_TEST(test_quote_table)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "tool_registry", "\"tool_registry\"" },
		{ "public.tool_registry", "\"public\".\"tool_registry\"" },
		{ "Mixed.Case", "\"Mixed\".\"Case\"" },
		{ "x\"; drop table y; --", "\"x\"\"; drop table y; --\"" },
		{ "s p.a\"b", "\"s p\".\"a\"\"b\"" },
	};
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *q = quote_table(cases[i].in, &rc);

		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(q, cases[i].out);
		free(q);
	}
}
END_TEST

START_TEST(test_quote_table_bad)
{
	static const char *const bad[] = { "", ".t", "s.", "a.b.c", "." };
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *msg = quote_table(bad[i], &rc);

		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_nonnull(strstr(msg, "must be a table name or schema.name"));
		free(msg);
	}
}
END_TEST

typedef int (*parser)(const char *s, size_t len, struct strlist *out, struct strbuf *err);

/* Parse s; the items joined with '|', or "ERR: message". */
static char *parse(parser p, const char *s, size_t len)
{
	struct strlist l = { 0 };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;

	if (p(s, len, &l, &err)) {
		strbuf_addf(&out, "ERR: %s", err.buf);
	} else {
		for (i = 0; i < l.n; i++)
			strbuf_addf(&out, "%s%s", i ? "|" : "", l.v[i]);
	}
	strlist_release(&l);
	strbuf_release(&err);
	return strbuf_detach(&out, NULL);
}

static void expect_parse(parser p, const char *in, const char *want)
{
	char *got = parse(p, in, strlen(in));

	ck_assert_msg(!strcmp(got, want) || (!strncmp(want, "ERR", 3) && !strncmp(got, "ERR", 3) &&
		      strstr(got, want + 5)), "'%s': got '%s', want '%s'", in, got, want);
	free(got);
}

START_TEST(test_parse_array)
{
	expect_parse(pgsrc_parse_array, "{}", "");
	expect_parse(pgsrc_parse_array, "{IFRS-9}", "IFRS-9");
	expect_parse(pgsrc_parse_array, "{SOX-404,IFRS-15}", "SOX-404|IFRS-15");
	expect_parse(pgsrc_parse_array, "{\"a b\",\"c,d\",\"e\\\"f\",\"g\\\\h\",\"{x}\"}",
		     "a b|c,d|e\"f|g\\h|{x}");
	expect_parse(pgsrc_parse_array, "{\"NULL\",\"\"}", "NULL|");
	expect_parse(pgsrc_parse_array, "[0:1]={a,b}", "a|b");
	expect_parse(pgsrc_parse_array, "{caf\xc3\xa9}", "caf\xc3\xa9");
	expect_parse(pgsrc_parse_array, "{a,NULL}", "ERR: a NULL element");
	expect_parse(pgsrc_parse_array, "{a,null}", "ERR: a NULL element");
	expect_parse(pgsrc_parse_array, "{{a,b},{c,d}}", "ERR: multi-dimensional");
	expect_parse(pgsrc_parse_array, "[1:2][1:1]={{a},{b}}", "ERR: multi-dimensional");
	expect_parse(pgsrc_parse_array, "a,b", "ERR: no '{'");
	expect_parse(pgsrc_parse_array, "{a,b", "ERR: a bad element");
	expect_parse(pgsrc_parse_array, "{\"a}", "ERR: a bad element");
	expect_parse(pgsrc_parse_array, "{a}x", "ERR: text after '}'");
	expect_parse(pgsrc_parse_array, "", "ERR: no '{'");
}
END_TEST

START_TEST(test_parse_json)
{
	expect_parse(pgsrc_parse_json, "[]", "");
	expect_parse(pgsrc_parse_json, " [ ] ", "");
	expect_parse(pgsrc_parse_json, "[\"IFRS-15\", \"SOX-404\"]", "IFRS-15|SOX-404");
	expect_parse(pgsrc_parse_json, "[\"a\\\"b\", \"\\u00e9\\/\\n\"]", "a\"b|\xc3\xa9/\n");
	expect_parse(pgsrc_parse_json, "[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80");
	expect_parse(pgsrc_parse_json, "[\"\\u0000\"]", "ERR: an item holds a NUL byte");
	expect_parse(pgsrc_parse_json, "[\"\\ud83d\"]", "ERR: not a JSON array of strings: unpaired surrogate \\ud83d at byte 2");
	expect_parse(pgsrc_parse_json, "[\"\\ude00\"]", "ERR: not a JSON array of strings: unpaired surrogate");
	expect_parse(pgsrc_parse_json, "[\"a\\x\"]", "ERR: not a JSON array of strings: bad escape '\\x' at byte 3");
	expect_parse(pgsrc_parse_json, "[1]", "ERR: expected a string at byte 1");
	expect_parse(pgsrc_parse_json, "[\"a\",]", "ERR: expected a string");
	expect_parse(pgsrc_parse_json, "[\"a\" \"b\"]", "ERR: expected ',' or ']'");
	expect_parse(pgsrc_parse_json, "{\"a\": 1}", "ERR: no '['");
	expect_parse(pgsrc_parse_json, "\"a\"", "ERR: no '['");
	expect_parse(pgsrc_parse_json, "[\"a\"] x", "ERR: text after the array");
	expect_parse(pgsrc_parse_json, "[\"a", "ERR: not a JSON array of strings: unterminated string at byte 1");
	expect_parse(pgsrc_parse_json, "[\"a\tb\"]", "ERR: not a JSON array of strings: control character in a string");
	expect_parse(pgsrc_parse_json, "null", "ERR: no '['");
}
END_TEST

START_TEST(test_parse_text)
{
	expect_parse(pgsrc_parse_text, "", "");
	expect_parse(pgsrc_parse_text, "  ", "");
	expect_parse(pgsrc_parse_text, "IFRS-9", "IFRS-9");
	expect_parse(pgsrc_parse_text, "SOX-404, IFRS-15", "SOX-404|IFRS-15");
	expect_parse(pgsrc_parse_text, " a ,\tb c ", "a|b c");
	expect_parse(pgsrc_parse_text, "[\"a\", \"b\"]", "a|b");
	expect_parse(pgsrc_parse_text, " [\"a\"]", "a");
	expect_parse(pgsrc_parse_text, "a,,b", "ERR: an empty item");
	expect_parse(pgsrc_parse_text, "a,", "ERR: an empty item");
	expect_parse(pgsrc_parse_text, ",a", "ERR: an empty item");
	expect_parse(pgsrc_parse_text, "[a]", "ERR: expected a string");
}
END_TEST

/* Values are their bytes (PQgetlength): a NUL inside is refused, not cut. */
START_TEST(test_parse_nul)
{
	char *got = parse(pgsrc_parse_text, "a\0b", 3);

	ck_assert_ptr_nonnull(strstr(got, "NUL byte"));
	free(got);
	got = parse(pgsrc_parse_array, "{\"a\0b\"}", 7);
	ck_assert_ptr_nonnull(strstr(got, "NUL byte"));
	free(got);
	got = parse(pgsrc_parse_text, "a,b", 1);   /* only the first byte is the value */
	ck_assert_str_eq(got, "a");
	free(got);
}
END_TEST

START_TEST(test_row_where)
{
	struct strbuf sb = STRBUF_INIT;
	char longkey[200];

	pgsrc_row_where(&sb, "tool_registry", "ledger.post", 11);
	ck_assert_str_eq(sb.buf, "table tool_registry, key 'ledger.post'");
	strbuf_reset(&sb);
	pgsrc_row_where(&sb, "public.t", "a\nb\x1b[31m", 8);
	ck_assert_str_eq(sb.buf, "table public.t, key 'a\\x0ab\\x1b[31m'");
	strbuf_reset(&sb);
	memset(longkey, 'k', sizeof(longkey));
	memcpy(longkey + 79, "\xc3\xa9", 2);   /* the 80th character: two bytes, kept whole */
	pgsrc_row_where(&sb, "t", longkey, sizeof(longkey));
	ck_assert_uint_eq(sb.len, strlen("table t, key '") + 81 + strlen("...'"));
	ck_assert_str_eq(sb.buf + sb.len - 6, "\xc3\xa9...'");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_conninfo_default)
{
	ck_assert_str_eq(pgsrc_conninfo("postgresql://"), "");
	ck_assert_str_eq(pgsrc_conninfo("postgres://"), "");
	ck_assert_str_eq(pgsrc_conninfo("postgresql:///db"), "postgresql:///db");
	ck_assert_str_eq(pgsrc_conninfo("host=/tmp"), "host=/tmp");
}
END_TEST

/* Parse a connection string; "k=v|k=v" in order, or "ERR: message". */
static char *parsed(const char *ci)
{
	struct pgconn_params p;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;

	if (pgconn_parse(ci, &p, &err)) {
		strbuf_addf(&out, "ERR: %s", err.buf);
	} else {
		for (i = 0; i < p.n; i++)
			strbuf_addf(&out, "%s%s=%s", i ? "|" : "", p.keys[i], p.vals[i]);
		ck_assert_ptr_null(p.keys[p.n]);
		ck_assert_ptr_null(p.vals[p.n]);
	}
	pgconn_params_release(&p);
	strbuf_release(&err);
	return strbuf_detach(&out, NULL);
}

START_TEST(test_conninfo_parse)
{
	static const struct { const char *in, *out; } cases[] = {
		/* the last '@' before the host: a password with '@', '/', '?' */
		{ "postgresql://u:PASS@WORD@host/db", "user=u|password=PASS@WORD|host=host|dbname=db" },
		{ "postgres://u:pa/ss@host:5432/db", "user=u|password=pa/ss|host=host|port=5432|dbname=db" },
		{ "postgresql://u:pa?ss@host/db?sslmode=disable",
		  "user=u|password=pa?ss|host=host|dbname=db|sslmode=disable" },
		{ "postgresql://u:p@ss@h/d?application_name=a@b",
		  "user=u|password=p@ss|host=h|dbname=d|application_name=a@b" },
		{ "postgresql://host/db@x", "host=host|dbname=db@x" },
		{ "postgresql://u%40x:p%3Ass@h/d", "user=u@x|password=p:ss|host=h|dbname=d" },
		{ "postgresql://secret@127.0.0.1:5432/toolsync",
		  "user=secret|host=127.0.0.1|port=5432|dbname=toolsync" },
		{ "postgresql://[::1]:5433,h2:5434/db", "host=::1,h2|port=5433,5434|dbname=db" },
		{ "postgresql:///db?host=/tmp&port=5", "dbname=db|host=/tmp|port=5" },
		{ "postgresql://%2Ftmp%2Fsock/db", "host=/tmp/sock|dbname=db" },
		{ "postgresql://h/d?ssl=true", "host=h|dbname=d|sslmode=require" },
		{ "postgresql://", "" },
		{ "", "" },
		/* key=value */
		{ "host=/tmp dbname='a b' password='x\\'y'", "host=/tmp|dbname=a b|password=x'y" },
		{ "  dbname = x   user=u\\ v ", "dbname=x|user=u v" },
		{ "password=''", "password=" },
		/* malformed: never a piece of the string */
		{ "postgresql://u:s3%zzcret@h/d", "ERR: malformed connection string: invalid percent-encoded token" },
		{ "postgresql://u:s3%00cret@h/d",
		  "ERR: malformed connection string: forbidden value %00 in a percent-encoded value" },
		{ "postgresql://u:s3cret@[::1/db",
		  "ERR: malformed connection string: missing ']' after an IPv6 host address" },
		{ "postgresql://h/d?s3cret", "ERR: malformed connection string: a query parameter without '='" },
		{ "postgresql://h/d?s3cret=1", "ERR: malformed connection string: unknown option (the 3rd parameter)" },
		{ "password=s3 cret", "ERR: malformed connection string: expected keyword=value at character 13" },
		{ "password='s3cret", "ERR: malformed connection string: unterminated quoted string" },
		{ "host=/tmp s3cret=1", "ERR: malformed connection string: unknown option (the 2nd parameter)" },
		{ "mydb", "ERR: malformed connection string: expected keyword=value at character 1" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = parsed(cases[i].in);

		ck_assert_msg(!strcmp(got, cases[i].out), "%s: got '%s'", cases[i].in, got);
		free(got);
	}
}
END_TEST

/* Malformed strings fail before any connection: the password never shows. */
START_TEST(test_password_not_in_messages)
{
	static const char *const bad[] = {
		"postgresql://u:s3%zzcret@localhost/db",
		"postgresql://u:s3cret@[::1/db",
		"host=/nonexistent password=s3cret bogus",
		"password='s3cret",
		"password=s3 cret",
		"postgresql://u:s3@cret@[::1/db",
		"s3cret",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf err = STRBUF_INIT;

		ck_assert_ptr_null(pgconn_open(bad[i], &err));
		ck_assert_msg(strstr(err.buf, "malformed connection string"), "%s", err.buf);
		ck_assert_msg(!strstr(err.buf, "s3") && !strstr(err.buf, "cret"), "%s", err.buf);
		strbuf_release(&err);
	}
}
END_TEST

/* registry: {postgres, table, columns} in toolsync.yaml. */
START_TEST(test_config_registry_mapping)
{
	char path[] = "/tmp/check_pg_XXXXXX";
	int fd = mkstemp(path);
	static const char text[] =
		"registry: {postgres: \"host=/tmp dbname=${TS_UNIT_DB}\", table: app.tools,\n"
		"           columns: {key: name, min_role: role, standards: stds}}\n";
	struct ts_config cfg;
	struct diag d = DIAG_INIT;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
	close(fd);
	setenv("TS_UNIT_DB", "reg", 1);
	ck_assert_int_eq(config_load(&cfg, path, 1, &d), 0);
	ck_assert_int_eq(cfg.registry_is_pg, 1);
	ck_assert_str_eq(cfg.registry, "host=/tmp dbname=reg");
	ck_assert_str_eq(cfg.pg_table, "app.tools");
	ck_assert_str_eq(cfg.col_key, "name");
	ck_assert_str_eq(cfg.col_min_role, "role");
	ck_assert_str_eq(cfg.col_standards, "stds");
	config_release(&cfg);
	unlink(path);
}
END_TEST

START_TEST(test_config_registry_defaults)
{
	struct ts_config cfg;

	config_init(&cfg);
	ck_assert_str_eq(cfg.pg_table, "tool_registry");
	ck_assert_str_eq(cfg.col_key, "key");
	ck_assert_str_eq(cfg.col_min_role, "min_role");
	ck_assert_str_eq(cfg.col_standards, "standards");
	config_release(&cfg);
}
END_TEST

Suite *pg_suite(void)
{
	Suite *s = suite_create("pg");
	TCase *tc = tcase_create("pg");

	tcase_add_test(tc, test_quote_table);
	tcase_add_test(tc, test_quote_table_bad);
	tcase_add_test(tc, test_parse_array);
	tcase_add_test(tc, test_parse_json);
	tcase_add_test(tc, test_parse_text);
	tcase_add_test(tc, test_parse_nul);
	tcase_add_test(tc, test_row_where);
	tcase_add_test(tc, test_conninfo_default);
	tcase_add_test(tc, test_conninfo_parse);
	tcase_add_test(tc, test_password_not_in_messages);
	tcase_add_test(tc, test_config_registry_mapping);
	tcase_add_test(tc, test_config_registry_defaults);
	suite_add_tcase(s, tc);
	return s;
}
