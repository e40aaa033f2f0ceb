/* check_envcheck.c: the env file parser and the debug-logging rules. */
#include <check.h>

#include "toolsync/dotenv.h"
#include "toolsync/envcheck.h"

/* ---- dotenv -------------------------------------------------------- */

static struct dotenv env;
static char *errbuf;
static size_t errlen;

static void env_teardown(void)
{
	dotenv_release(&env);
	free(errbuf);
	errbuf = NULL;
	diag_clear_sources();
}

/* Parse text as "t.env"; the messages land in errbuf; returns dotenv_parse's result. */
static int parse(const char *text)
{
	struct diag d = DIAG_INIT;
	int ret;

	dotenv_release(&env);
	free(errbuf);
	errbuf = NULL;
	d.out = open_memstream(&errbuf, &errlen);
	ret = dotenv_parse(&env, "t.env", text, strlen(text), &d);
	fclose(d.out);
	return ret;
}

static const char *value(const char *name)
{
	const struct dotenv_entry *e = dotenv_find(&env, name);

	return e ? e->value : NULL;
}

START_TEST(test_plain)
{
	ck_assert_int_eq(parse("# comment\n\n  \nA=1\nexport B=two words  \n"
			       "C = spaced\t\nD=\nE=x # trailing comment\nF=a#b\n"
			       "export=3\n\texport  G=g\n"), 0);
	ck_assert_uint_eq(env.n, 8);
	ck_assert_str_eq(value("A"), "1");
	ck_assert_str_eq(value("B"), "two words");
	ck_assert_str_eq(value("C"), "spaced");
	ck_assert_str_eq(value("D"), "");
	ck_assert_str_eq(value("E"), "x");
	ck_assert_str_eq(value("F"), "a#b");
	ck_assert_str_eq(value("export"), "3");
	ck_assert_str_eq(value("G"), "g");
	ck_assert_ptr_null(value("H"));
	ck_assert_str_eq(errbuf, "");
}
END_TEST

START_TEST(test_locations)
{
	const struct dotenv_entry *e;

	ck_assert_int_eq(parse("A=1\nexport  B = x\nC='q'\nD=\"a\\tb\"\n"), 0);
	e = dotenv_find(&env, "B");
	ck_assert_str_eq(e->loc.file, "t.env");
	ck_assert_uint_eq(e->loc.line, 2);
	ck_assert_uint_eq(e->loc.col, 9);
	ck_assert_uint_eq(e->loc.len, 1);
	ck_assert_uint_eq(e->value_loc.line, 2);
	ck_assert_uint_eq(e->value_loc.col, 13);
	ck_assert_int_eq(e->verbatim, 1);
	e = dotenv_find(&env, "C");
	ck_assert_uint_eq(e->value_loc.col, 4);   /* after the quote */
	ck_assert_int_eq(e->verbatim, 1);
	e = dotenv_find(&env, "D");
	ck_assert_int_eq(e->verbatim, 0);          /* an escape: offsets are not columns */
}
END_TEST

START_TEST(test_quotes)
{
	ck_assert_int_eq(parse("S='a \\n $X \"b\"'\n"
			       "D=\"tab\\there \\\"q\\\" back\\\\ dollar\\$ nl\\n cr\\r x\\y\"\n"
			       "E=''\nF=\"\"  # empty\nG=\"it's\"\nH='say \"hi\"'\n"), 0);
	ck_assert_str_eq(value("S"), "a \\n $X \"b\"");
	ck_assert_str_eq(value("D"), "tab\there \"q\" back\\ dollar$ nl\n cr\r x\\y");
	ck_assert_str_eq(value("E"), "");
	ck_assert_str_eq(value("F"), "");
	ck_assert_str_eq(value("G"), "it's");
	ck_assert_str_eq(value("H"), "say \"hi\"");
}
END_TEST

START_TEST(test_multiline)
{
	const struct dotenv_entry *e;

	ck_assert_int_eq(parse("K=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=1\r\n"
			       "S='one\r\ntwo'\r\nW=crlf\r\n"), 0);
	ck_assert_str_eq(value("K"), "-----BEGIN-----\nabc\n-----END-----");
	ck_assert_int_eq(dotenv_find(&env, "K")->verbatim, 0);
	e = dotenv_find(&env, "NEXT");
	ck_assert_uint_eq(e->loc.line, 4);
	ck_assert_str_eq(e->value, "1");
	ck_assert_str_eq(value("S"), "one\ntwo");
	ck_assert_str_eq(value("W"), "crlf");
	ck_assert_uint_eq(dotenv_find(&env, "W")->loc.line, 7);
	/* an escaped \r before a CRLF line end stays (the fuzzer's round trip) */
	ck_assert_int_eq(parse("R=\"x\\r\r\nb\"\n"), 0);
	ck_assert_str_eq(value("R"), "x\r\nb");
}
END_TEST

START_TEST(test_bom)
{
	ck_assert_int_eq(parse("\xEF\xBB\xBF" "A=1\n"), 0);
	ck_assert_str_eq(value("A"), "1");
	ck_assert_uint_eq(dotenv_find(&env, "A")->loc.col, 1);
}
END_TEST

START_TEST(test_last_wins)
{
	ck_assert_int_eq(parse("A=1\nA=2\n"), 0);
	ck_assert_uint_eq(env.n, 2);
	ck_assert_str_eq(value("A"), "2");
}
END_TEST

/* Each malformed line: an error at file:line:col, with the line quoted. */
static const struct {
	const char *text, *message;
} bad_lines[] = {
	{ "A=1\nBAD-NAME=x\n",
	  "toolsync: t.env:2:1: error: invalid variable name 'BAD-NAME' (letters, digits "
	  "and '_', not starting with a digit)\n 2 | BAD-NAME=x\n   | ^~~~~~~~\n" },
	{ "1A=x\n",
	  "toolsync: t.env:1:1: error: invalid variable name '1A' (letters, digits and '_', "
	  "not starting with a digit)\n 1 | 1A=x\n   | ^~\n" },
	{ "A=1\n\nNOEQUALS\n",
	  "toolsync: t.env:3:9: error: expected '=' after 'NOEQUALS'\n"
	  " 3 | NOEQUALS\n   |         ^\n" },
	{ "export A value\n",
	  "toolsync: t.env:1:10: error: expected '=' after 'A'\n"
	  " 1 | export A value\n   |          ^\n" },
	{ "=x\n",
	  "toolsync: t.env:1:1: error: missing variable name before '='\n 1 | =x\n   | ^\n" },
	{ "A=\"open\nB=1\n",
	  "toolsync: t.env:1:3: error: unterminated quoted value of 'A' (no closing \")\n"
	  " 1 | A=\"open\n   |   ^\n" },
	{ "A='open\n",
	  "toolsync: t.env:1:3: error: unterminated quoted value of 'A' (no closing ')\n"
	  " 1 | A='open\n   |   ^\n" },
	{ "A=\"x\" y\n",
	  "toolsync: t.env:1:7: error: unexpected text after the closing quote\n"
	  " 1 | A=\"x\" y\n   |       ^\n" },
};

START_TEST(test_malformed)
{
	ck_assert_int_eq(parse(bad_lines[_i].text), -1);
	ck_assert_str_eq(errbuf, bad_lines[_i].message);
}
END_TEST

START_TEST(test_malformed_all_reported)
{
	ck_assert_int_eq(parse("A=1\nB C\nD=2\n-E=3\nF=4\n"), -1);
	ck_assert_ptr_nonnull(strstr(errbuf, "t.env:2:3: error:"));
	ck_assert_ptr_nonnull(strstr(errbuf, "t.env:4:1: error:"));
	ck_assert_str_eq(value("F"), "4");
}
END_TEST

/* Columns count characters: "é" is two bytes, one column. */
START_TEST(test_utf8_columns)
{
	ck_assert_int_eq(parse("A=\"\xc3\xa9\" junk\n"), -1);
	ck_assert_ptr_nonnull(strstr(errbuf, "t.env:1:7: error: unexpected text after the closing quote"));
	ck_assert_ptr_nonnull(strstr(errbuf, "   |       ^\n"));
}
END_TEST

START_TEST(test_nul)
{
	struct diag d = DIAG_INIT;

	d.out = open_memstream(&errbuf, &errlen);
	ck_assert_int_eq(dotenv_parse(&env, "t.env", "A=1\nB=x\0y\n", 10, &d), -1);
	fclose(d.out);
	ck_assert_ptr_nonnull(strstr(errbuf, "t.env:2:4: error: NUL byte in env file"));
}
END_TEST

START_TEST(test_valid_name)
{
	ck_assert(dotenv_valid_name("OPENAI_DEBUG_LOGGING"));
	ck_assert(dotenv_valid_name("_x9"));
	ck_assert(!dotenv_valid_name(""));
	ck_assert(!dotenv_valid_name("9x"));
	ck_assert(!dotenv_valid_name("a-b"));
}
END_TEST

/* ---- the rules ----------------------------------------------------- */

static struct findings f;
static struct ts_config cfg;

static void rules_setup(void)
{
	config_init(&cfg);
	cfg.retention_days = 30;
}

static void rules_teardown(void)
{
	findings_release(&f);
	config_release(&cfg);
	diag_clear_sources();
}

/* Run the checks on envp (no env file); returns envcheck_run's result. */
static int check(char *const *envp, const char *environment)
{
	struct envcheck_opts o = { NULL, environment, NULL, envp };
	struct diag d = DIAG_INIT;

	findings_release(&f);
	return envcheck_run(&cfg, &o, &f, &d);
}

static size_t count(const char *rule)
{
	size_t i, n = 0;

	for (i = 0; i < f.n; i++)
		n += !strcmp(f.v[i].rule->id, rule);
	return n;
}

static const struct finding *first(const char *rule)
{
	size_t i;

	for (i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].rule->id, rule))
			return &f.v[i];
	return NULL;
}

#define GOOD_TAGS "OPENAI_REQUEST_TAGS=service:rag,env:staging,workload:finance"

START_TEST(test_bool)
{
	static const char *const yes[] = { "true", "TRUE", "1", "yes", "Yes", "on", "ON" };
	static const char *const no[] = { "false", "False", "0", "no", "NO", "off", "Off" };
	static const char *const bad[] = { "", "2", "y", "n", "enabled", " true", "truee" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		ck_assert_int_eq(envcheck_parse_bool(yes[i]), 1);
		ck_assert_int_eq(envcheck_parse_bool(no[i]), 0);
		ck_assert_int_eq(envcheck_parse_bool(bad[i]), -1);
	}
}
END_TEST

START_TEST(test_good)
{
	char *envp[] = { "OPENAI_DEBUG_LOGGING=true", "OPENAI_DEBUG_FETCH_DETAILS=on",
			 GOOD_TAGS, "OPENAI_REQUEST_QUOTA_TAG=fin.rag:2026-q1",
			 "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
			 "OPENAI_BASE_URL=http://localhost", "PATH=/bin", NULL };

	ck_assert_int_eq(check(envp, "staging"), 0);
	ck_assert_uint_eq(f.n, 0);
	/* nothing set at all: nothing to say but retention (set here) */
	ck_assert_int_eq(check((char *[]){ NULL }, NULL), 0);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_bad_bool)
{
	char *envp[] = { "OPENAI_DEBUG_LOGGING=maybe", "OPENAI_DEBUG_FETCH_DETAILS=2",
			 GOOD_TAGS, NULL };

	check(envp, NULL);
	ck_assert_uint_eq(count("debug-bool-invalid"), 2);
	ck_assert_str_eq(first("debug-bool-invalid")->loc.file, "environment");
	ck_assert_uint_eq(first("debug-bool-invalid")->loc.line, 0);
	/* an invalid LOGGING says nothing about FETCH_DETAILS */
	ck_assert_uint_eq(count("debug-details-without-logging"), 0);
}
END_TEST

START_TEST(test_details_without_logging)
{
	char *off[] = { "OPENAI_DEBUG_LOGGING=off", "OPENAI_DEBUG_FETCH_DETAILS=yes", NULL };
	char *unset[] = { "OPENAI_DEBUG_FETCH_DETAILS=1", NULL };
	char *fine[] = { "OPENAI_DEBUG_LOGGING=0", "OPENAI_DEBUG_FETCH_DETAILS=0", NULL };

	check(off, NULL);
	ck_assert_uint_eq(count("debug-details-without-logging"), 1);
	check(unset, NULL);
	ck_assert_uint_eq(count("debug-details-without-logging"), 1);
	check(fine, NULL);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_tags_syntax)
{
	static const char *const bad[] = {
		"OPENAI_REQUEST_TAGS=service:rag,,env:staging,workload:x",
		"OPENAI_REQUEST_TAGS=service:rag,env:staging,workload:x,",
		"OPENAI_REQUEST_TAGS=service:rag,env:staging,workload",
		"OPENAI_REQUEST_TAGS=service:rag,env:staging,workload:",
		"OPENAI_REQUEST_TAGS=service:rag,:staging,env:s,workload:x",
		"OPENAI_REQUEST_TAGS=service: rag,env:staging,workload:x",
		"OPENAI_REQUEST_TAGS=",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *envp[] = { (char *)bad[i], NULL };

		check(envp, NULL);
		ck_assert_msg(count("tags-syntax") == 1, "%s", bad[i]);
	}
}
END_TEST

START_TEST(test_tags_first_colon)
{
	/* a value may hold ':' (split on the first one) */
	char *envp[] = { "OPENAI_REQUEST_TAGS=service:rag,env:staging,workload:x,url:a:b", NULL };

	check(envp, NULL);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_tags_duplicate)
{
	char *envp[] = { "OPENAI_REQUEST_TAGS=service:rag,env:staging,workload:x,env:prod", NULL };

	check(envp, NULL);
	ck_assert_uint_eq(count("tags-duplicate-key"), 1);
	ck_assert_str_eq(first("tags-duplicate-key")->pointer, "/OPENAI_REQUEST_TAGS/env");
}
END_TEST

START_TEST(test_tags_required)
{
	char *envp[] = { "OPENAI_REQUEST_TAGS=service:rag", NULL };
	char *unset[] = { "OPENAI_DEBUG_LOGGING=true", NULL };

	check(envp, NULL);
	ck_assert_uint_eq(count("tags-missing-required"), 2);
	ck_assert_uint_eq(f.n, 2);
	/* debug.required_tags replaces the default */
	strlist_release(&cfg.required_tags);
	strlist_add(&cfg.required_tags, "service");
	check(envp, NULL);
	ck_assert_uint_eq(f.n, 0);
	/* logging without any tags */
	check(unset, NULL);
	ck_assert_uint_eq(count("tags-missing-required"), 1);
	strlist_release(&cfg.required_tags);
	check(unset, NULL);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_tags_placeholder)
{
	char *angle[] = { "OPENAI_REQUEST_TAGS=service:rag,env:<env>,workload:x", NULL };
	char *dollar[] = { "OPENAI_REQUEST_TAGS=service:${SERVICE},env:s,workload:x", NULL };
	char *fine[] = { "OPENAI_REQUEST_TAGS=service:a<b,env:s,workload:$x", NULL };

	check(angle, "staging");
	ck_assert_uint_eq(count("tags-placeholder"), 1);
	ck_assert_uint_eq(count("tags-env-mismatch"), 0);  /* the placeholder says it */
	check(dollar, NULL);
	ck_assert_uint_eq(count("tags-placeholder"), 1);
	ck_assert_str_eq(first("tags-placeholder")->pointer, "/OPENAI_REQUEST_TAGS/service");
	check(fine, NULL);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_tags_env)
{
	char *envp[] = { GOOD_TAGS, NULL };

	check(envp, "prod");
	ck_assert_uint_eq(count("tags-env-mismatch"), 1);
	check(envp, "staging");
	ck_assert_uint_eq(f.n, 0);
	check(envp, NULL);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_tags_limits)
{
	struct strbuf sb = STRBUF_INIT;
	char *envp[] = { NULL, NULL };
	int i;

	strbuf_addstr(&sb, "OPENAI_REQUEST_TAGS=service:rag,env:s,workload:x");
	for (i = 0; i < 13; i++)
		strbuf_addf(&sb, ",k%d:v", i);
	envp[0] = sb.buf;
	check(envp, NULL);               /* 16 pairs */
	ck_assert_uint_eq(f.n, 0);
	strbuf_addstr(&sb, ",k13:v");
	envp[0] = sb.buf;
	check(envp, NULL);               /* 17 */
	ck_assert_uint_eq(count("tags-limit"), 1);

	strbuf_reset(&sb);
	strbuf_addstr(&sb, "OPENAI_REQUEST_TAGS=service:rag,env:s,workload:x,");
	strbuf_addchars(&sb, 'k', 64);
	strbuf_addstr(&sb, ":");
	strbuf_addchars(&sb, 'v', 512);
	envp[0] = sb.buf;
	check(envp, NULL);               /* at the limits */
	ck_assert_uint_eq(f.n, 0);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "OPENAI_REQUEST_TAGS=service:rag,env:s,workload:x,");
	strbuf_addchars(&sb, 'k', 65);
	strbuf_addstr(&sb, ":");
	strbuf_addchars(&sb, 'v', 513);
	envp[0] = sb.buf;
	check(envp, NULL);
	ck_assert_uint_eq(count("tags-limit"), 2);
	/* characters, not bytes: 512 two-byte characters are fine */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "OPENAI_REQUEST_TAGS=service:rag,env:s,workload:");
	for (i = 0; i < 512; i++)
		strbuf_addstr(&sb, "\xc3\xa9");
	envp[0] = sb.buf;
	check(envp, NULL);
	ck_assert_uint_eq(f.n, 0);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_quota)
{
	static const struct { const char *v, *rule; } cases[] = {
		{ "OPENAI_REQUEST_QUOTA_TAG=finance-rag", NULL },
		{ "OPENAI_REQUEST_QUOTA_TAG=Fin_2026.q1:rag", NULL },
		{ "OPENAI_REQUEST_QUOTA_TAG=<billing-tag>", "quota-tag-placeholder" },
		{ "OPENAI_REQUEST_QUOTA_TAG=${BILLING}", "quota-tag-placeholder" },
		{ "OPENAI_REQUEST_QUOTA_TAG=", "quota-tag-charset" },
		{ "OPENAI_REQUEST_QUOTA_TAG=a b", "quota-tag-charset" },
		{ "OPENAI_REQUEST_QUOTA_TAG=a/b", "quota-tag-charset" },
		{ "OPENAI_REQUEST_QUOTA_TAG=caf\xc3\xa9", "quota-tag-charset" },
		{ "OPENAI_REQUEST_QUOTA_TAG=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "quota-tag-charset" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *envp[] = { (char *)cases[i].v, NULL };

		check(envp, NULL);
		if (!cases[i].rule)
			ck_assert_msg(f.n == 0, "%s", cases[i].v);
		else
			ck_assert_msg(f.n == 1 && count(cases[i].rule) == 1, "%s", cases[i].v);
	}
}
END_TEST

START_TEST(test_unknown_names)
{
	char *envp[] = { "OPENAI_DEBUG_LOGING=1", "OPENAI_REQUEST_TAG=x", "openai_debug_logging=1",
			 "OPENAI_DEBUG_VERBOSE=1", "OPENAI_REQUESTS_TAGS=x", "OPENAI_API_KEY=x",
			 "OPENAI_ORG_ID=org", NULL };
	size_t i;

	check(envp, NULL);
	ck_assert_uint_eq(count("env-unknown-name"), 5);
	for (i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].pointer, "/OPENAI_DEBUG_LOGING"))
			ck_assert_ptr_nonnull(strstr(f.v[i].message,
						     "did you mean 'OPENAI_DEBUG_LOGGING'?"));
		else if (!strcmp(f.v[i].pointer, "/openai_debug_logging"))
			ck_assert_ptr_nonnull(strstr(f.v[i].message, "case-sensitive"));
		else if (!strcmp(f.v[i].pointer, "/OPENAI_DEBUG_VERBOSE"))
			ck_assert_ptr_nonnull(strstr(f.v[i].message, "(known: "));
}
END_TEST

START_TEST(test_secret_never_in_messages)
{
	static const char key[] = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
	char *envp[] = { "OPENAI_DEBUG_LOGGING=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
			 "OPENAI_REQUEST_TAGS=service:sk-proj-abcdefghijklmnopqrstuvwxyz0123456789,"
			 "env:sk-proj-abcdefghijklmnopqrstuvwxyz0123456789,,bad",
			 "OPENAI_REQUEST_QUOTA_TAG=<sk-proj-abcdefghijklmnopqrstuvwxyz0123456789>",
			 NULL };
	size_t i;

	check(envp, "prod");
	ck_assert_uint_ge(f.n, 4);
	for (i = 0; i < f.n; i++)
		ck_assert_msg(!strstr(f.v[i].message, "abcdefghijklmnop"), "%s leaks: %s",
			      f.v[i].rule->id, f.v[i].message);
	(void)key;
}
END_TEST

START_TEST(test_retention)
{
	cfg.retention_days = -1;
	check((char *[]){ NULL }, NULL);
	ck_assert_uint_eq(count("retention-unset"), 1);
	ck_assert_str_eq(first("retention-unset")->pointer, "/debug/retention_days");
}
END_TEST

START_TEST(test_rules_table)
{
	size_t i, j;

	for (i = 0; envcheck_rules[i]; i++) {
		ck_assert_ptr_nonnull(envcheck_rules[i]->summary);
		ck_assert_ptr_nonnull(envcheck_rules[i]->help);
		ck_assert((envcheck_rules[i]->security_severity != NULL) ==
			  (envcheck_rules[i]->category == CAT_SECURITY));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(envcheck_rules[i]->id, envcheck_rules[j]->id);
	}
	ck_assert_uint_ge(i, 20);
}
END_TEST

Suite *envcheck_suite(void)
{
	Suite *s = suite_create("envcheck");
	TCase *tc = tcase_create("dotenv");
	TCase *tr = tcase_create("rules");

	tcase_add_checked_fixture(tc, NULL, env_teardown);
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_locations);
	tcase_add_test(tc, test_quotes);
	tcase_add_test(tc, test_multiline);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_last_wins);
	tcase_add_loop_test(tc, test_malformed, 0, (int)ARRAY_SIZE(bad_lines));
	tcase_add_test(tc, test_malformed_all_reported);
	tcase_add_test(tc, test_utf8_columns);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_valid_name);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tr, rules_setup, rules_teardown);
	tcase_add_test(tr, test_bool);
	tcase_add_test(tr, test_good);
	tcase_add_test(tr, test_bad_bool);
	tcase_add_test(tr, test_details_without_logging);
	tcase_add_test(tr, test_tags_syntax);
	tcase_add_test(tr, test_tags_first_colon);
	tcase_add_test(tr, test_tags_duplicate);
	tcase_add_test(tr, test_tags_required);
	tcase_add_test(tr, test_tags_placeholder);
	tcase_add_test(tr, test_tags_env);
	tcase_add_test(tr, test_tags_limits);
	tcase_add_test(tr, test_quota);
	tcase_add_test(tr, test_unknown_names);
	tcase_add_test(tr, test_secret_never_in_messages);
	tcase_add_test(tr, test_retention);
	tcase_add_test(tr, test_rules_table);
	suite_add_tcase(s, tr);
	return s;
}
