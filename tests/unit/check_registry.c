/* check_registry.c: key syntax and row checks. */
#include <check.h>

#include "toolsync/registry.h"

static const char *const good_keys[] = {
	"a", "0", "ledger.reconcile", "rag.answer-cite", "a_b", "x9.y-z_w",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
};
static const char *const bad_keys[] = {
	"", "../x", "a/b", "..", "a..b", ".hidden", "-a", "_a", "A", "Ledger.x",
	"a b", "a;drop table", "a\\b", "caf\xc3\xa9",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 65 */
};

START_TEST(test_key_good)
{
	ck_assert_msg(key_is_valid(good_keys[_i]), "'%s' should be valid", good_keys[_i]);
}
END_TEST

START_TEST(test_key_bad)
{
	ck_assert_msg(!key_is_valid(bad_keys[_i]), "'%s' should be refused", bad_keys[_i]);
}
END_TEST

static struct row make_row(const char *key, const char *role, const char *const *std, size_t n)
{
	struct row r;
	size_t i;

	row_init(&r);
	r.key = xstrdup(key);
	r.min_role = xstrdup(role);
	for (i = 0; i < n; i++)
		strlist_add(&r.standards, std[i]);
	r.loc = r.key_loc = r.role_loc = r.standards_loc = (struct srcloc){ "reg.yaml", 3, 5, 0 };
	return r;
}

static char *check_row(struct row *r, const struct ts_config *cfg, unsigned *errors)
{
	char *buf = NULL;
	size_t len = 0;
	struct diag d = DIAG_INIT;

	d.out = open_memstream(&buf, &len);
	row_check(r, cfg, &d);
	fclose(d.out);
	*errors = d.errors;
	return buf;
}

START_TEST(test_row_ok_sorts_standards)
{
	static const char *const std[] = { "SOX-404", "IFRS-15" };
	struct ts_config cfg;
	struct row r = make_row("ledger.x", "analyst", std, 2);
	unsigned errors;
	char *out;

	config_init(&cfg);
	out = check_row(&r, &cfg, &errors);
	ck_assert_uint_eq(errors, 0);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(r.standards.v[0], "IFRS-15");
	ck_assert_str_eq(r.standards.v[1], "SOX-404");
	free(out);
	row_release(&r);
	config_release(&cfg);
}
END_TEST

START_TEST(test_row_every_problem)
{
	static const char *const std[] = { "B", "A", "B" };
	struct ts_config cfg;
	struct row r = make_row("../x", "boss", std, 3);
	unsigned errors;
	char *out;

	config_init(&cfg);
	ck_assert_int_eq(config_allow_standard(&cfg, "A"), 0);
	ck_assert_int_eq(config_allow_standard(&cfg, "A"), -1);
	out = check_row(&r, &cfg, &errors);
	/* each 'B' at its own place is not allowed, and it is listed twice */
	ck_assert_uint_eq(errors, 5);
	ck_assert_ptr_nonnull(strstr(out, "reg.yaml:3:5: error: invalid key '../x'"));
	ck_assert_ptr_nonnull(strstr(out, "unknown role 'boss' (roles: viewer, analyst, reviewer, approver, admin)"));
	ck_assert_ptr_nonnull(strstr(out, "standard 'B' is listed twice"));
	ck_assert_ptr_nonnull(strstr(out, "standard 'B' is not in the allow-list (standards: A)"));
	free(out);
	row_release(&r);
	config_release(&cfg);
}
END_TEST

START_TEST(test_conninfo)
{
	ck_assert(is_conninfo("postgresql://u@localhost/db"));
	ck_assert(is_conninfo("postgres:///db?host=/tmp"));
	ck_assert(is_conninfo("host=/tmp dbname=x"));
	ck_assert(is_conninfo("dbname = x"));
	ck_assert(!is_conninfo("registry.yaml"));
	ck_assert(!is_conninfo("dir/a=b.yaml"));
	ck_assert(!is_conninfo(""));
}
END_TEST

START_TEST(test_expand_env)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	setenv("TS_UNIT_X", "val", 1);
	unsetenv("TS_UNIT_UNSET");
	ck_assert_int_eq(expand_env(&out, "a${TS_UNIT_X}b$${lit}$c", &err), 0);
	ck_assert_str_eq(out.buf, "avalb${lit}$c");
	strbuf_reset(&out);
	ck_assert_int_eq(expand_env(&out, "x${TS_UNIT_UNSET}", &err), -1);
	ck_assert_str_eq(err.buf, "environment variable 'TS_UNIT_UNSET' is not set");
	strbuf_reset(&err);
	ck_assert_int_eq(expand_env(&out, "x${oops", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "unterminated"));
	strbuf_release(&out);
	strbuf_release(&err);
}
END_TEST

Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("rows");

	tcase_add_loop_test(tc, test_key_good, 0, (int)ARRAY_SIZE(good_keys));
	tcase_add_loop_test(tc, test_key_bad, 0, (int)ARRAY_SIZE(bad_keys));
	tcase_add_test(tc, test_row_ok_sorts_standards);
	tcase_add_test(tc, test_row_every_problem);
	tcase_add_test(tc, test_conninfo);
	tcase_add_test(tc, test_expand_env);
	suite_add_tcase(s, tc);
	return s;
}
