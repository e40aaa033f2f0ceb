/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.h: toolsync's JSON values, reader and writers.
 *
 * One tree type, struct jv, holds what the YAML and JSON readers produce and
 * what the writers print.  Objects keep their members in insertion order
 * (templates' key order is the order the model fills arguments in), and every
 * node remembers where it came from, so later stages can point at the
 * template line that caused a problem.
 *
 * Why toolsync reads JSON itself rather than with cJSON 1.7.15: cJSON gives
 * no position for a node (errors could not name line:col), keeps duplicate
 * keys, does not check UTF-8, and prints some doubles wrongly.  See
 * docs/design-notes.md.
 */
#ifndef TOOLSYNC_JSON_H
#define TOOLSYNC_JSON_H

#include "toolsync/diag.h"

enum jv_kind { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv;

struct jv_member {
	char *key;          /* NUL-terminated; keys with NUL bytes are refused */
	struct jv *val;
	struct srcloc loc;  /* where the key is */
};

struct jv {
	enum jv_kind kind;
	struct srcloc loc;  /* where the value starts */
	union {
		int boolean;
		double number;  /* always finite */
		struct {
			char *ptr;  /* NUL-terminated, valid UTF-8, may hold NUL */
			size_t len;
		} str;
		struct {
			struct jv **v;
			size_t n, alloc;
		} arr;
		struct {
			struct jv_member *v;
			size_t n, alloc;
		} obj;
	} u;
};

/* Constructors: the result is owned by the caller (jv_free). loc may be NULL. */
struct jv *jv_new(enum jv_kind kind, const struct srcloc *loc);
struct jv *jv_null(void);
struct jv *jv_bool(int b);
struct jv *jv_number(double n);
struct jv *jv_string(const char *s);
struct jv *jv_stringn(const char *s, size_t len);
struct jv *jv_array(void);
struct jv *jv_object(void);

/* Append to an array; takes ownership of item. */
void jv_append(struct jv *arr, struct jv *item);
/* Set obj[key] (replacing, in place, or appending); takes ownership of val. */
void jv_set(struct jv *obj, const char *key, struct jv *val);
/*
 * Append key: val without looking for key first (the caller knows it is
 * new: jv_find_dup); takes ownership of val.  The member is borrowed.
 */
struct jv_member *jv_push(struct jv *obj, const char *key, struct jv *val);
/*
 * The readers' one duplicate-key rule: the member of obj (an object being
 * read) already named key, or NULL, and key is remembered.  seen belongs to
 * obj while it is read (HASHSET_INIT, then hashset_release); O(1) per key
 * however wide the object grows.
 */
struct hashset;
const struct jv_member *jv_find_dup(const struct jv *obj, struct hashset *seen, const char *key);
/* obj[key] or NULL (also when obj is not an object); borrowed. */
struct jv *jv_get(const struct jv *obj, const char *key);
/* The member for key, or NULL; borrowed. */
struct jv_member *jv_member(const struct jv *obj, const char *key);
/* Remove obj[key] and return it (owned by the caller), or NULL. */
struct jv *jv_take(struct jv *obj, const char *key);

/* A finished list or object gives back its spare room (the readers). */
void jv_fit(struct jv *v);
struct jv *jv_copy(const struct jv *v);  /* deep copy, locations kept */
/* v and every node below it: what a copy costs (alias and $ref budgets). */
size_t jv_count_nodes(const struct jv *v);

/*
 * The values one document read into a tree may hold, every kind counted
 * (each YAML alias counts the values it copies): a tree costs about 70
 * bytes a value, so a 60 MB file of "[0,0,...]" would take 2 GB.  A list
 * read entry by entry (json_stream, yaml_stream) counts each entry alone.
 * The readers keep one struct jv_budget (zeroed) and take a value from it
 * for each value they make; over it they report jv_budget_fail() there.
 */
#define JV_VALUES_MAX 1000000

struct jv_budget {
	size_t used;
	int entry;   /* counting one entry of a list read entry by entry */
};

/* Take n values; 0, or -1 (nothing taken) when that passes JV_VALUES_MAX. */
static inline int jv_budget_take(struct jv_budget *b, size_t n)
{
	if (n > JV_VALUES_MAX - b->used)
		return -1;
	b->used += n;
	return 0;
}

/* Report at loc that the budget ran out. */
void jv_budget_fail(const struct jv_budget *b, struct diag *d, const struct srcloc *loc);
void jv_free(struct jv *v);
/* Same JSON value (object member order ignored, numbers compared as doubles). */
int jv_equal(const struct jv *a, const struct jv *b);
/* Index of the first item of array arr equal to x (jv_equal), or -1. */
long jv_array_index(const struct jv *arr, const struct jv *x);
const char *jv_kind_name(enum jv_kind kind);  /* "object", "string", ... */

/*
 * RFC 6901 JSON pointers.  jv_pointer_get() returns the node or NULL;
 * jv_pointer_add() appends "/" and the escaped token ("~0", "~1") to out.
 */
struct jv *jv_pointer_get(const struct jv *root, const char *pointer);
void jv_pointer_add(struct strbuf *out, const char *token);
void jv_pointer_add_index(struct strbuf *out, size_t i);

/*
 * Parse JSON text (RFC 8259, nothing more: no comments, no trailing commas).
 * Refused, each reported to d with file:line:col: syntax errors, duplicate
 * object keys, invalid UTF-8, unpaired surrogate escapes, NUL in keys,
 * numbers that number_parse() refuses.  Returns NULL when anything was reported.
 * file is interned and used for every node's loc; the text is registered
 * with diag_add_source().
 */
struct jv *json_parse(const char *data, size_t len, const char *file, struct diag *d);

/*
 * The one JSON string decoder (the reader's): the string literal whose
 * opening quote is s[0], in s[0, len), appended to out unescaped (surrogate
 * pairs joined; \u0000 gives a NUL byte).  0 with *used the bytes through
 * the closing quote; -1 with *used the offset of the problem and the reason
 * in err (a bad escape, a raw control character, invalid UTF-8, no end).
 */
int json_string_decode(const char *s, size_t len, size_t *used, struct strbuf *out,
		       struct strbuf *err);

/*
 * The items of a list one at a time, for inputs too large to hold as a
 * tree: the text's root is the list, or a mapping whose only key is key
 * and holds the list.  data must outlive the stream.  json_stream_next()
 * gives 1 and an item (owned by the caller), 0 at the end, -1 on an error
 * (reported to d; later calls give 0).  NULL from open: reported.
 */
struct json_stream;
struct json_stream *json_stream_open(const char *data, size_t len, const char *file,
				     const char *key, struct diag *d);
int json_stream_next(struct json_stream *s, struct jv **out);
/*
 * The same for an object whose last member is key's list (index.json:
 * "format" first, then "files"): the members before it are parsed into
 * *head (owned by the caller), nothing may follow the list.
 */
struct json_stream *json_stream_open_object(const char *data, size_t len, const char *file,
					    const char *key, struct jv **head, struct diag *d);
void json_stream_close(struct json_stream *s);

enum json_style {
	JSON_PRETTY,    /* two-space indent, insertion order, final newline */
	JSON_CANONICAL, /* RFC 8785 (JCS): sorted keys, no space, no newline */
	JSON_COMPACT,   /* insertion order, no space, no newline */
};

/* Append the serialization of v. */
void json_write(struct strbuf *out, const struct jv *v, enum json_style style);
/* A JSON string literal with the quotes, escaped as RFC 8785 requires. */
void json_write_string(struct strbuf *out, const char *s, size_t len);

#endif
