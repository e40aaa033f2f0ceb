/* check_secret.c: what looks like an API key or password (secret.c), and the escaper (quote.c). */
#include <check.h>

#include "toolsync/common.h"
#include "toolsync/quote.h"
#include "toolsync/secret.h"

/* s with its secrets masked (caller frees). */
static char *masked(const char *s)
{
	char *m = xstrdup(s);

	secret_mask(m, strlen(m));
	return m;
}

#define MASK_EQ(in, out)                         \
	do {                                     \
		char *m_ = masked(in);           \
		ck_assert_str_eq(m_, out);       \
		free(m_);                        \
	} while (0)

/* Every provider's shape is found; the prefix stays, the body goes. */
START_TEST(test_prefixes)
{
	MASK_EQ("sk-abcdefghijklmnopqrstuvwxyz0123", "sk-******************************");
	MASK_EQ("x=sk-proj-abc_DEF-ghijklmn", "x=sk-*********************");
	MASK_EQ("sk-ant-api03-abcdefghijklmnop", "sk-**************************");
	MASK_EQ("sk-svcacct-abcdefghijklm", "sk-*********************");
	MASK_EQ("sk-admin-abcdefghijklmnopq", "sk-***********************");
	MASK_EQ("AIzaSyA1234567890abcdefghijkl", "AIza*************************");
	MASK_EQ("ghp_abcdefghijklmnopqrst", "ghp_********************");
	MASK_EQ("github_pat_11ABCDEFG0123456789_abc", "github_pat_***********************");
	MASK_EQ("id AKIAIOSFODNN7EXAMPLE.", "id AKIA****************.");
	MASK_EQ("xoxb-1234567890-abcdefghij", "xoxb-*********************");
	/* inside a word after '_' or '-', and after every delimiter */
	MASK_EQ("TOKEN_sk-abcdefghijklmnopqrst", "TOKEN_sk-********************");
	MASK_EQ("/OPENAI_REQUEST_TAGS/sk-proj-abcdefghijklmnop",
		"/OPENAI_REQUEST_TAGS/sk-*********************");
	MASK_EQ("a:sk-abcdefghijklmnopqrst,b:sk-abcdefghijklmnopqrst",
		"a:sk-********************,b:sk-********************");
}
END_TEST

/* 20 body characters is a key; 19 is not; no boundary, no key. */
START_TEST(test_lengths)
{
	ck_assert(secret_in("sk-abcdefghijklmnopqrst"));      /* 20 */
	ck_assert(!secret_in("sk-abcdefghijklmnopqrs"));      /* 19 */
	ck_assert(!secret_in("AKIAIOSFODNN7EXAMPL"));         /* 15 */
	ck_assert(!secret_in("risk-assessment-for-the-quarterly-reporting-cycle"));
	ck_assert(!secret_in("task-abcdefghijklmnopqrstuvwxyz"));
	ck_assert(!secret_in("sk-short"));
	ck_assert(!secret_in(""));
	ck_assert(secret_in("Bearer sk-proj-abcdefghijklmnopqrstuvwxyz_0123456789"));
}
END_TEST

/* Generic: 32+ characters mixing upper, lower and digits; hashes and names are not keys. */
START_TEST(test_generic)
{
	ck_assert(secret_in("tok=Zx9Qw3Er5Ty7Ui1Op2As4Df6Gh8Jk0Lm"));
	ck_assert(!secret_in("Zx9Qw3Er5Ty7Ui1Op2As4Df6Gh8Jk0L"));   /* 31 */
	ck_assert(!secret_in("0123456789abcdef0123456789abcdef0123456789abcdef"));
	ck_assert(!secret_in("ThisIsAVeryLongCamelCaseNameWithoutDigits"));
	ck_assert(!secret_in("ledger.post-entry rag.search IFRS-9 SOX-404"));
}
END_TEST

/* Passwords in URIs (the last '@' of the word) and after password=. */
START_TEST(test_passwords)
{
	MASK_EQ("postgresql://u:PASS@WORD@host/db", "postgresql://u:*********@host/db");
	MASK_EQ("postgresql://u:pa/ss@host:5432/db?x=1", "postgresql://u:*****@host:5432/db?x=1");
	MASK_EQ("postgresql://u@host/db", "postgresql://u@host/db");
	MASK_EQ("host=h password=s3cret dbname=x", "host=h password=****** dbname=x");
	MASK_EQ("password = 'a b\\' c' x", "password = '*******' x");
	MASK_EQ("PGPASSWORD=hunter2", "PGPASSWORD=*******");
	MASK_EQ("registry: {postgres: \"host=x password=pw\"}",
		"registry: {postgres: \"host=x password=**\"}");
	MASK_EQ("wrong password for key.txt", "wrong password for key.txt");
	ck_assert(secret_name("OPENAI_API_KEY", 14));
	ck_assert(secret_name("pgpassword", 10));
	ck_assert(!secret_name("OPENAI_DEBUG_LOGGING", 20));
}
END_TEST

/* A long run of key characters is measured once (no quadratic scan). */
START_TEST(test_linear)
{
	size_t n = 4 << 20, i;
	char *s = xmalloc(n + 1);

	for (i = 0; i < n; i++)
		s[i] = i % 2 ? '-' : 'a';
	s[n] = '\0';
	ck_assert(!secret_in(s));
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(s + i, "://", 3);
	ck_assert(!secret_in(s));
	free(s);
}
END_TEST

static char *quoted(const char *s, size_t len, size_t max)
{
	struct strbuf sb = STRBUF_INIT;

	quote_add(&sb, s, len, max);
	return strbuf_detach(&sb, NULL);
}

START_TEST(test_quote)
{
	char long_key[200], *q;

	q = quoted("a\nb\x1b[2J", 7, QUOTE_MAX);
	ck_assert_str_eq(q, "a\\x0ab\\x1b[2J");
	free(q);
	memset(long_key, 'k', sizeof(long_key));
	q = quoted(long_key, sizeof(long_key), QUOTE_MAX);
	ck_assert_uint_eq(strlen(q), 83);
	ck_assert_str_eq(q + 80, "...");
	free(q);
	q = quoted(long_key, sizeof(long_key), 0);
	ck_assert_uint_eq(strlen(q), 200);
	free(q);
	/* invalid UTF-8 byte by byte; valid sequences whole; the cut counts characters */
	q = quoted("\xc3\xa9\xff\xc3", 4, QUOTE_MAX);
	ck_assert_str_eq(q, "\xc3\xa9\\xff\\xc3");
	free(q);
	q = quoted("\xc3\xa9\xc3\xa9\xc3\xa9", 6, 2);
	ck_assert_str_eq(q, "\xc3\xa9\xc3\xa9...");
	free(q);
	/* a workflow command cannot start a line */
	q = quoted("viewer\n::warning title=x::pwned", 31, QUOTE_MAX);
	ck_assert_ptr_null(strchr(q, '\n'));
	free(q);
	ck_assert_str_eq(quote_show("role\r"), "role\\x0d");
}
END_TEST

/* A key across the cut is masked before it is cut: not even its start shows. */
START_TEST(test_quote_masks_before_cut)
{
	char s[300], *q;

	memset(s, 'x', 70);
	s[70] = ' ';
	memcpy(s + 71, "sk-", 3);
	memset(s + 74, 'A', 200);
	s[274] = '\0';
	q = quoted(s, strlen(s), QUOTE_MAX);
	ck_assert_ptr_null(strstr(q, "AAA"));
	ck_assert_ptr_nonnull(strstr(q, "sk-******"));
	free(q);
	/* a huge value: cut without reading it all */
	{
		size_t n = 8 << 20;
		char *big = xmalloc(n);

		memset(big, 'k', n);
		q = quoted(big, n, QUOTE_MAX);
		ck_assert_uint_eq(strlen(q), 83);
		free(q);
		free(big);
	}
}
END_TEST

Suite *secret_suite(void)
{
	Suite *s = suite_create("secret");
	TCase *tc = tcase_create("secret");

	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_generic);
	tcase_add_test(tc, test_passwords);
	tcase_add_test(tc, test_linear);
	tcase_add_test(tc, test_quote);
	tcase_add_test(tc, test_quote_masks_before_cut);
	suite_add_tcase(s, tc);
	return s;
}
