/* SPDX-License-Identifier: Apache-2.0 */
/* check_varref.c: the one "${NAME}" scanner (varref.c) and its users. */
#include <check.h>

#include "toolsync/config.h"
#include "toolsync/varref.h"

/* s as tokens: T(text) L($${) V(name) U(unterminated), joined by '|'. */
static char *tokens(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct varref tok;
	size_t pos = 0;

	while (varref_next(s, strlen(s), &pos, &tok)) {
		if (sb.len)
			strbuf_addch(&sb, '|');
		switch (tok.kind) {
		case VARREF_TEXT: strbuf_addf(&sb, "T(%.*s)", (int)tok.len, s + tok.off); break;
		case VARREF_LITERAL: strbuf_addstr(&sb, "L"); break;
		case VARREF_VAR: strbuf_addf(&sb, "V(%.*s)", (int)tok.name_len, tok.name); break;
		case VARREF_UNTERMINATED: strbuf_addf(&sb, "U(%.*s)", (int)tok.len, s + tok.off); break;
		}
	}
	return strbuf_detach(&sb, NULL);
}

START_TEST(test_tokens)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "", "" },
		{ "plain", "T(plain)" },
		{ "${key}", "V(key)" },
		{ "a ${key} b", "T(a )|V(key)|T( b)" },
		{ "$${key}", "L|T(key})" },
		{ "$$${key}", "T($)|L|T(key})" },
		{ "${}", "V()" },
		{ "${a${b}", "V(a${b)" },
		{ "x ${open", "T(x )|U(${open)" },
		{ "$", "T($)" },
		{ "$$", "T($$)" },
		{ "a$b{c}", "T(a$b{c})" },
		{ "${a}${b}", "V(a)|V(b)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = tokens(cases[i].in);

		ck_assert_msg(!strcmp(got, cases[i].want), "'%s': got %s, want %s",
			      cases[i].in, got, cases[i].want);
		free(got);
	}
	ck_assert_int_eq(varref_any("no refs $ here", 14), 0);
	ck_assert_int_eq(varref_any("a $${b", 6), 1);
	ck_assert_int_eq(varref_any("a ${b", 5), 1);
}
END_TEST

/* The config's expansion reads "${" the same way as templates. */
START_TEST(test_expand_env)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	setenv("TS_VARREF_T", "v", 1);
	unsetenv("TS_VARREF_UNSET");
	ck_assert_int_eq(expand_env(&out, "a${TS_VARREF_T}b $${TS_VARREF_T}", &err), 0);
	ck_assert_str_eq(out.buf, "avb ${TS_VARREF_T}");
	strbuf_reset(&out);
	ck_assert_int_eq(expand_env(&out, "x ${TS_VARREF_UNSET}", &err), -1);
	ck_assert_str_eq(err.buf, "environment variable 'TS_VARREF_UNSET' is not set");
	strbuf_reset(&err);
	ck_assert_int_eq(expand_env(&out, "x ${TS_VARREF_T", &err), -1);
	ck_assert_str_eq(err.buf, VARREF_UNTERMINATED_MSG);
	strbuf_release(&out);
	strbuf_release(&err);
}
END_TEST

/* Templates read variables only in text for the model. */
START_TEST(test_text_key)
{
	ck_assert_int_eq(varref_text_key("description"), 1);
	ck_assert_int_eq(varref_text_key("title"), 1);
	ck_assert_int_eq(varref_text_key("pattern"), 0);
	ck_assert_int_eq(varref_text_key("enum"), 0);
	ck_assert_int_eq(varref_text_key("required"), 0);
	ck_assert_int_eq(varref_text_key("Description"), 0);
}
END_TEST

/* Escaped text reads back as itself: every "${" a literal. */
START_TEST(test_escape)
{
	static const char *const cases[] = { "", "plain", "${key}", "$${x}", "a$$${b}c", "$", "${" };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct strbuf esc = STRBUF_INIT, back = STRBUF_INIT;
		struct varref tok;
		size_t pos = 0;

		varref_escape(&esc, cases[i], strlen(cases[i]));
		while (varref_next(esc.buf, esc.len, &pos, &tok)) {
			ck_assert_msg(tok.kind == VARREF_TEXT || tok.kind == VARREF_LITERAL,
				      "'%s' escaped to '%s' holds a variable", cases[i], esc.buf);
			if (tok.kind == VARREF_LITERAL)
				strbuf_addstr(&back, "${");
			else
				strbuf_add(&back, esc.buf + tok.off, tok.len);
		}
		ck_assert_str_eq(back.buf, cases[i]);
		strbuf_release(&esc);
		strbuf_release(&back);
	}
}
END_TEST

Suite *varref_suite(void)
{
	Suite *s = suite_create("varref");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_expand_env);
	tcase_add_test(tc, test_text_key);
	tcase_add_test(tc, test_escape);
	suite_add_tcase(s, tc);
	return s;
}
