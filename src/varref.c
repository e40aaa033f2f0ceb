/* SPDX-License-Identifier: Apache-2.0 */
/* varref.c: the "${NAME}" scanner (see varref.h). */
#include "toolsync/varref.h"

/* The length of "${" or "$${" at s[i], else 0. */
static size_t opener(const char *s, size_t len, size_t i)
{
	if (s[i] != '$')
		return 0;
	if (i + 1 < len && s[i + 1] == '{')
		return 2;
	if (i + 2 < len && s[i + 1] == '$' && s[i + 2] == '{')
		return 3;
	return 0;
}

int varref_next(const char *s, size_t len, size_t *pos, struct varref *tok)
{
	size_t i = *pos, n;
	const char *close;

	if (i >= len)
		return 0;
	memset(tok, 0, sizeof(*tok));
	tok->off = i;
	n = opener(s, len, i);
	if (n == 3) {
		tok->kind = VARREF_LITERAL;
		tok->len = 3;
	} else if (n == 2 && (close = memchr(s + i + 2, '}', len - i - 2))) {
		tok->kind = VARREF_VAR;
		tok->name = s + i + 2;
		tok->name_len = (size_t)(close - tok->name);
		tok->len = tok->name_len + 3;
	} else if (n == 2) {
		tok->kind = VARREF_UNTERMINATED;
		tok->len = len - i;
	} else {
		tok->kind = VARREF_TEXT;
		while (++i < len && !opener(s, len, i))
			;
		tok->len = i - tok->off;
	}
	*pos = tok->off + tok->len;
	return 1;
}

int varref_any(const char *s, size_t len)
{
	struct varref tok;
	size_t pos = 0;

	while (varref_next(s, len, &pos, &tok))
		if (tok.kind != VARREF_TEXT)
			return 1;
	return 0;
}

int varref_text_key(const char *key)
{
	return !strcmp(key, "description") || !strcmp(key, "title");
}

void varref_escape(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{')
			strbuf_addch(out, '$');
		strbuf_addch(out, s[i]);
	}
}
