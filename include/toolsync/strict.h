/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strict.h: OpenAI's rules for function tools with "strict": true.
 *
 * Structured Outputs accepts a subset of JSON Schema (OpenAI platform docs,
 * "Structured Outputs", section "Supported schemas").  A schema outside it
 * is rejected by the API when the tool is registered; toolsync rejects it
 * at build time instead, at the template line that causes it.
 */
#ifndef TOOLSYNC_STRICT_H
#define TOOLSYNC_STRICT_H

#include "toolsync/json.h"

/* The limits OpenAI documents for strict schemas. */
#define STRICT_MAX_DEPTH 10            /* levels of object nesting */
#define STRICT_MAX_PROPERTIES 5000     /* object properties in all */
#define STRICT_MAX_STRING_SIZE 120000  /* characters of names, enum values, consts */
#define STRICT_MAX_ENUM_VALUES 1000    /* enum values in all */
#define STRICT_BIG_ENUM 250            /* a string enum with more values ... */
#define STRICT_BIG_ENUM_SIZE 15000     /* ... may total at most this many characters */

/*
 * Check schema (a tool's "parameters") against strict mode.  Every
 * violation is reported to d at the offending node, as
 * "parameters/properties/x: message" (an RFC 6901 pointer inside the
 * schema, after the word parameters).
 * Returns the number of violations.
 */
unsigned strict_check(const struct jv *schema, struct diag *d);

/* What strict mode makes of a schema keyword (for import --fix). */
enum strict_keyword {
	STRICT_KW_SUPPORTED,   /* type, properties, pattern, ... */
	STRICT_KW_REFUSED,     /* JSON Schema, but refused: minLength, default, ... */
	STRICT_KW_UNKNOWN,     /* not a keyword strict mode knows (a typo, x-...) */
};
enum strict_keyword strict_keyword(const char *name);

/* 1 if a "format" value is one strict mode accepts. */
int strict_format_ok(const struct jv *format);

/* 1 if name matches ^[a-zA-Z0-9_-]{1,64}$ (a function name). */
int strict_name_ok(const char *name);

#endif
