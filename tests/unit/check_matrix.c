/* check_matrix.c: the standards traceability matrix. */
#include <check.h>

#include "toolsync/json.h"
#include "toolsync/matrix.h"

static struct ts_config cfg;

static void setup(void)
{
	config_init(&cfg);
	cfg.has_standards = 1;
	strlist_add(&cfg.standards, "SOX-404");
	strlist_add(&cfg.standards, "IFRS-9");
	strlist_add(&cfg.standards, "GDPR-30");
}

static void teardown(void)
{
	config_release(&cfg);
}

/* A row as row_check leaves it: standards sorted. */
static void add(struct matrix *m, const char *key, const char *role, const char *s1,
		const char *s2)
{
	struct row row;

	row_init(&row);
	row.key = xstrdup(key);
	row.min_role = xstrdup(role);
	if (s1)
		strlist_add(&row.standards, s1);
	if (s2)
		strlist_add(&row.standards, s2);
	matrix_add(m, &row);
	row_release(&row);
}

static char *render(struct matrix *m, enum matrix_format fmt)
{
	struct strbuf out = STRBUF_INIT;

	matrix_write(m, fmt, &out);
	return strbuf_detach(&out, NULL);
}

START_TEST(test_markdown_rows)
{
	struct matrix m;
	char *md;

	matrix_init(&m, &cfg);
	add(&m, "ledger.b", "admin", "IFRS-9", "SOX-404");
	add(&m, "ledger.a", "viewer", "SOX-404", NULL);
	add(&m, "rag.search", "viewer", NULL, NULL);
	md = render(&m, MATRIX_MARKDOWN);
	/* allow-list order, tools by key with their roles, a standard with no tool */
	ck_assert_ptr_nonnull(strstr(md, "| SOX-404 | 2 | ledger.a (viewer)<br>ledger.b (admin) |\n"
				     "| IFRS-9 | 1 | ledger.b (admin) |\n"
				     "| GDPR-30 | 0 | *no tool* |\n"
				     "| *no standard* | 1 | rag.search (viewer) |\n"));
	ck_assert_ptr_nonnull(strstr(md, "3 tools, 3 standards; 1 standard has no tool; "
				     "1 tool supports no standard.\n"));
	free(md);
	matrix_release(&m);
}
END_TEST

START_TEST(test_order_independent)
{
	struct matrix a, b;
	char *x, *y;
	enum matrix_format f;

	matrix_init(&a, &cfg);
	matrix_init(&b, &cfg);
	add(&a, "k1", "viewer", "GDPR-30", NULL);
	add(&a, "k2", "admin", "GDPR-30", "IFRS-9");
	add(&a, "k3", "viewer", NULL, NULL);
	add(&b, "k3", "viewer", NULL, NULL);
	add(&b, "k2", "admin", "GDPR-30", "IFRS-9");
	add(&b, "k1", "viewer", "GDPR-30", NULL);
	for (f = MATRIX_MARKDOWN; f <= MATRIX_JSON; f++) {
		x = render(&a, f);
		y = render(&b, f);
		ck_assert_str_eq(x, y);
		free(x);
		free(y);
	}
	matrix_release(&a);
	matrix_release(&b);
}
END_TEST

START_TEST(test_csv_and_json)
{
	struct matrix m;
	struct diag d = DIAG_INIT;
	struct jv *doc;
	char *csv, *js;

	cfg.has_standards = 0;   /* no allow-list: bytewise order, any name */
	matrix_init(&m, &cfg);
	add(&m, "t1", "viewer", "=cmd|' /C calc'!A0", "a,\"b\"");
	add(&m, "t2", "admin", NULL, NULL);
	add(&m, "t3", "admin", "\r=x", NULL);
	csv = render(&m, MATRIX_CSV);
	ck_assert_str_eq(csv, "standard,tool,min_role\r\n"
			      "\"'\r=x\",t3,admin\r\n"
			      "'=cmd|' /C calc'!A0,t1,viewer\r\n"
			      "\"a,\"\"b\"\"\",t1,viewer\r\n"
			      ",t2,admin\r\n");
	js = render(&m, MATRIX_JSON);
	doc = json_parse(js, strlen(js), "<matrix>", &d);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(jv_get(doc, "format")->u.str.ptr, "toolsync.matrix/1");
	ck_assert_uint_eq(jv_get(doc, "standards")->u.arr.n, 3);
	ck_assert_uint_eq(jv_get(doc, "no_standard")->u.arr.n, 1);
	jv_free(doc);
	free(csv);
	free(js);
	matrix_release(&m);
}
END_TEST

START_TEST(test_markdown_escapes)
{
	struct matrix m;
	char *md;

	cfg.has_standards = 0;
	matrix_init(&m, &cfg);
	add(&m, "t1", "viewer", "a|b\n::error::x", NULL);
	md = render(&m, MATRIX_MARKDOWN);
	ck_assert_ptr_nonnull(strstr(md, "| a\\|b\\x0a::error::x | 1 |"));
	ck_assert_ptr_null(strstr(md, "\n::error"));
	free(md);
	matrix_release(&m);
}
END_TEST

START_TEST(test_duplicate_key)
{
	struct matrix m;
	FILE *devnull = fopen("/dev/null", "w");
	struct diag d = DIAG_INIT;

	d.out = devnull;
	matrix_init(&m, &cfg);
	add(&m, "dup", "viewer", NULL, NULL);
	add(&m, "other", "viewer", NULL, NULL);
	add(&m, "dup", "admin", NULL, NULL);
	ck_assert_int_eq(matrix_check_unique(&m, &d), -1);
	ck_assert_uint_eq(d.errors, 1);
	matrix_release(&m);
	fclose(devnull);
}
END_TEST

START_TEST(test_empty)
{
	struct matrix m;
	char *js;
	struct diag d = DIAG_INIT;
	struct jv *doc;

	matrix_init(&m, &cfg);
	js = render(&m, MATRIX_JSON);
	doc = json_parse(js, strlen(js), "<matrix>", &d);
	ck_assert_ptr_nonnull(doc);
	jv_free(doc);
	free(js);
	matrix_release(&m);
}
END_TEST

Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("matrix");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_markdown_rows);
	tcase_add_test(tc, test_order_independent);
	tcase_add_test(tc, test_csv_and_json);
	tcase_add_test(tc, test_markdown_escapes);
	tcase_add_test(tc, test_duplicate_key);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return s;
}
