/*
 * secret.h: the one definition of what must never be shown: what looks
 * like an API key, a password in a connection string, and a variable
 * name that says it holds a secret.  Every reader and reporter calls it:
 * diag masks messages and quoted lines with it, findings mask their
 * message, pointer and values, quote.c masks every user value.
 *
 * An API key is a token of key characters ([A-Za-z0-9_-]) that does not
 * follow a letter or digit and is one of:
 *
 *	sk-BODY              OpenAI (sk-proj-, sk-svcacct-, sk-admin-),
 *	                     Anthropic (sk-ant-): BODY of 20 or more
 *	AIzaBODY             Google: BODY of 20 or more
 *	ghp_ gho_ ghu_ ghs_ ghr_ github_pat_ BODY    GitHub: 20 or more
 *	AKIA ASIA BODY       AWS access key ids: 16 or more of [A-Z0-9]
 *	xoxa- xoxb- xoxe- xoxp- xoxr- xoxs- BODY     Slack: 20 or more
 *	any other token of 32 or more key characters that mixes upper case,
 *	lower case and digits (a generic high-entropy token)
 *
 * A password is the text between "scheme://user:" and the last '@' of
 * the same word, and the value after "password=" (any case, blanks around
 * '=' allowed, quoted or not).
 */
#ifndef TOOLSYNC_SECRET_H
#define TOOLSYNC_SECRET_H

#include <stddef.h>

/* A secret found in text: [off, off + len) is shown as its first keep bytes, then '*'. */
struct secret_span {
	size_t off, len;
	size_t keep;     /* the prefix that may be shown ("sk-"), 0 for a password */
};

/*
 * The first secret in s[from, len): 1 with *m set, or 0.  Spans do not
 * overlap and come in order of their offset.
 */
int secret_find(const char *s, size_t len, size_t from, struct secret_span *m);

/* 1 if s (NUL-terminated) holds something that looks like an API key or password. */
int secret_in(const char *s);

/*
 * Overwrite every secret in buf[0, len) with '*' after its shown prefix.
 * Lengths stay, so columns and carets still line up.
 */
void secret_mask(char *buf, size_t len);

/*
 * 1 if a variable name (name[0, n)) says it holds a secret: KEY, SECRET,
 * TOKEN, PASSWORD or PASSWD in any case (OPENAI_API_KEY, PGPASSWORD).
 */
int secret_name(const char *name, size_t n);

#endif
