/*
 * secret.c: what looks like an API key or a password (see secret.h).
 *
 * One pass over the text, by runs of key characters: each run is tried
 * against the known prefixes (at its start, and after each '-' or '_'
 * inside it, so that "TOKEN_sk-..." is found), then as a generic token.
 * Work is linear in the text: a run is measured once.
 */
#include <strings.h>

#include "toolsync/common.h"
#include "toolsync/secret.h"

/* Key bodies: OpenAI's old keys had 48 characters, project keys more. */
#define KEY_BODY_MIN 20
/* AWS access key ids: "AKIA" and 16 of [A-Z0-9]. */
#define AWS_BODY_MIN 16
/* A token this long that mixes cases and digits is taken for a key. */
#define GENERIC_MIN 32

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_key_char(int c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

static int is_upper_alnum(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

enum body { BODY_KEY, BODY_UPPER };

static const struct {
	const char *prefix;
	enum body body;
} prefixes[] = {
	{ "sk-", BODY_KEY },        /* OpenAI sk-, sk-proj-, sk-svcacct-, sk-admin-; Anthropic sk-ant- */
	{ "AIza", BODY_KEY },       /* Google */
	{ "github_pat_", BODY_KEY }, { "ghp_", BODY_KEY }, { "gho_", BODY_KEY },
	{ "ghu_", BODY_KEY }, { "ghs_", BODY_KEY }, { "ghr_", BODY_KEY },
	{ "AKIA", BODY_UPPER }, { "ASIA", BODY_UPPER },   /* AWS */
	{ "xoxa-", BODY_KEY }, { "xoxb-", BODY_KEY }, { "xoxe-", BODY_KEY },
	{ "xoxp-", BODY_KEY }, { "xoxr-", BODY_KEY }, { "xoxs-", BODY_KEY },   /* Slack */
};

static void set_span(struct secret_span *m, size_t off, size_t len, size_t keep)
{
	m->off = off;
	m->len = len;
	m->keep = keep;
}

/* A known prefix at s[p] with its body inside the run ending at end. */
static int prefixed_key(const char *s, size_t p, size_t end, struct secret_span *m)
{
	size_t i, plen, n;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		plen = strlen(prefixes[i].prefix);
		if (end - p < plen || memcmp(s + p, prefixes[i].prefix, plen))
			continue;
		if (prefixes[i].body == BODY_KEY) {
			n = end - p - plen;
			if (n < KEY_BODY_MIN)
				continue;
		} else {
			for (n = 0; p + plen + n < end && is_upper_alnum((unsigned char)s[p + plen + n]); n++)
				;
			if (n < AWS_BODY_MIN)
				continue;
		}
		set_span(m, p, plen + n, plen);
		return 1;
	}
	return 0;
}

/* Long, and upper case, lower case and digits all in it. */
static int generic_token(const char *s, size_t start, size_t end)
{
	int upper = 0, lower = 0, digit = 0;
	size_t i;

	if (end - start < GENERIC_MIN)
		return 0;
	for (i = start; i < end; i++) {
		unsigned char c = (unsigned char)s[i];

		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
		digit |= c >= '0' && c <= '9';
	}
	return upper && lower && digit;
}

/* The end of a password value starting at s[i]: quoted, or up to a blank or quote. */
static size_t value_end(const char *s, size_t len, size_t i)
{
	char q = s[i];

	if (q == '\'' || q == '"') {
		for (i++; i < len && s[i] != q; i++)
			if (s[i] == '\\' && i + 1 < len)
				i++;
		return i;
	}
	while (i < len && (unsigned char)s[i] > ' ' && s[i] != '"' && s[i] != '\'' && s[i] != 0x7f)
		i++;
	return i;
}

/* "...password = value" right after a run ending at end. */
static int password_value(const char *s, size_t len, size_t start, size_t end,
			  struct secret_span *m)
{
	size_t i = end, v;

	if (end - start < 8 || strncasecmp(s + end - 8, "password", 8))
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= len || (s[i] != '=' && s[i] != ':'))
		return 0;
	for (i++; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	v = i;
	if (i < len && (s[i] == '\'' || s[i] == '"'))
		v++;    /* the quotes stay: only what is inside them is masked */
	i = value_end(s, len, i);
	if (i <= v)
		return 0;
	set_span(m, v, i - v, 0);
	return 1;
}

/*
 * "://user:password@" at s[*i] (the ':' of "://"): the password.  When
 * the word holds no '@' at all, *i moves to its end: no later "://" in it
 * can have a password either, and a word of many "://" is read once.
 */
static int uri_password(const char *s, size_t len, size_t *i, struct secret_span *m)
{
	size_t start = *i + 3, end = start, colon = 0, at = 0, j;

	if (len - *i < 3 || memcmp(s + *i, "://", 3))
		return 0;
	while (end < len && (unsigned char)s[end] > ' ' && s[end] != '"' && s[end] != '\'' &&
	       s[end] != 0x7f)
		end++;
	for (j = start; j < end; j++)
		if (s[j] == '@')
			at = j;   /* the last one: a password may hold '@' */
	if (!at) {
		*i = end - 1;
		return 0;
	}
	for (j = start; j < at && !colon; j++)
		if (s[j] == ':')
			colon = j;
	if (!colon || colon + 1 == at)
		return 0;
	set_span(m, colon + 1, at - colon - 1, 0);
	return 1;
}

/* A run of key characters s[start, end): a key in it, or a password after it. */
static int run_secret(const char *s, size_t len, size_t start, size_t end,
		      struct secret_span *m)
{
	size_t p;

	/* a known prefix first, so that what comes before it stays readable */
	if (prefixed_key(s, start, end, m))
		return 1;
	for (p = start + 1; p < end; p++)
		if ((s[p - 1] == '-' || s[p - 1] == '_') && is_alnum((unsigned char)s[p]) &&
		    prefixed_key(s, p, end, m))
			return 1;
	if (generic_token(s, start, end)) {
		set_span(m, start, end - start, 0);
		return 1;
	}
	return password_value(s, len, start, end, m);
}

int secret_find(const char *s, size_t len, size_t from, struct secret_span *m)
{
	size_t i = from, end;

	/* a run cut by from is not a token: skip its rest */
	while (i > 0 && i < len && is_key_char((unsigned char)s[i]) &&
	       is_key_char((unsigned char)s[i - 1]))
		i++;
	while (i < len) {
		if (!is_key_char((unsigned char)s[i])) {
			if (s[i] == ':' && uri_password(s, len, &i, m))
				return 1;
			i++;
			continue;
		}
		for (end = i; end < len && is_key_char((unsigned char)s[end]); end++)
			;
		if (run_secret(s, len, i, end, m))
			return 1;
		i = end;
	}
	return 0;
}

int secret_in(const char *s)
{
	struct secret_span m;

	return secret_find(s, strlen(s), 0, &m);
}

void secret_mask(char *buf, size_t len)
{
	struct secret_span m;
	size_t from = 0;

	while (secret_find(buf, len, from, &m)) {
		memset(buf + m.off + m.keep, '*', m.len - m.keep);
		from = m.off + m.len;
	}
}

int secret_name(const char *name, size_t n)
{
	static const char *const words[] = { "KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD" };
	size_t i, j, w;

	for (j = 0; j < ARRAY_SIZE(words); j++) {
		w = strlen(words[j]);
		for (i = 0; i + w <= n; i++)
			if (!strncasecmp(name + i, words[j], w))
				return 1;
	}
	return 0;
}
