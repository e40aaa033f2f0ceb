/* SPDX-License-Identifier: Apache-2.0 */
/*
 * varref.h: the one scanner of "${NAME}" references.
 *
 * Templates (${key}, ${name}, ${min_role}, ${standards}), toolsync.yaml
 * (${VAR} from the environment) and check-config (an unresolved
 * placeholder left in a value) all read "${" the same way, here:
 *
 *	${NAME}   a reference: NAME is every byte up to the first "}"
 *	$${       a literal "${" (the "$" escapes it)
 *	${        with no "}" after it: unterminated, an error for the caller
 *
 * Everything else is text.  A string is read left to right, one token at a
 * time, so "$$${x}" is "$", then the literal "${", then "x}".
 */
#ifndef TOOLSYNC_VARREF_H
#define TOOLSYNC_VARREF_H

#include "toolsync/common.h"
#include "toolsync/strbuf.h"

enum varref_kind {
	VARREF_TEXT,         /* plain bytes */
	VARREF_LITERAL,      /* "$${": stands for "${" */
	VARREF_VAR,          /* "${NAME}" */
	VARREF_UNTERMINATED, /* "${" to the end of the string */
};

struct varref {
	enum varref_kind kind;
	size_t off, len;     /* the token in the string */
	const char *name;    /* VARREF_VAR: NAME (not NUL-terminated) */
	size_t name_len;
};

/* The message for VARREF_UNTERMINATED, the same wherever it is found. */
#define VARREF_UNTERMINATED_MSG "unterminated '${' (write '$${' for a literal)"

/*
 * The token of s[0, len) at *pos, and *pos moved past it: 1, or 0 at the
 * end.  A VARREF_TEXT token runs up to the next "${" or "$${".
 */
int varref_next(const char *s, size_t len, size_t *pos, struct varref *tok);

/* 1 if s[0, len) holds a reference, a literal or an unterminated "${". */
int varref_any(const char *s, size_t len);

/*
 * Templates: 1 if a string under key (a schema keyword, or the template's
 * own "description") is text for the model, where ${key}, ${name},
 * ${min_role}, ${standards} and "$${" are read: "description" and
 * "title".  Anywhere else a "${" is refused: a property name is never
 * substituted, and a value such as a pattern, an enum value or a required
 * name is checked by strict mode and the targets' rules once per template,
 * before any row's values could be substituted into it.
 */
int varref_text_key(const char *key);

/* Append s[0, len) to out with every "${" written "$${" (read back as s). */
void varref_escape(struct strbuf *out, const char *s, size_t len);

#endif
