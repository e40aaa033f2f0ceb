/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: the jv tree and JSON pointers (RFC 6901). */
#include <errno.h>

#include "toolsync/hashset.h"
#include "toolsync/json.h"

/* ---- the tree ---------------------------------------------------------- */

struct jv *jv_new(enum jv_kind kind, const struct srcloc *loc)
{
	struct jv *v = xcalloc(1, sizeof(*v));

	v->kind = kind;
	if (loc)
		v->loc = *loc;
	if (kind == JV_STRING)
		v->u.str.ptr = xstrdup("");
	return v;
}

struct jv *jv_null(void) { return jv_new(JV_NULL, NULL); }
struct jv *jv_array(void) { return jv_new(JV_ARRAY, NULL); }
struct jv *jv_object(void) { return jv_new(JV_OBJECT, NULL); }

struct jv *jv_bool(int b)
{
	struct jv *v = jv_new(JV_BOOL, NULL);

	v->u.boolean = !!b;
	return v;
}

struct jv *jv_number(double n)
{
	struct jv *v = jv_new(JV_NUMBER, NULL);

	v->u.number = n;
	return v;
}

struct jv *jv_stringn(const char *s, size_t len)
{
	struct jv *v = jv_new(JV_NULL, NULL);

	v->kind = JV_STRING;
	v->u.str.ptr = xmemdupz(s, len);
	v->u.str.len = len;
	return v;
}

struct jv *jv_string(const char *s)
{
	return jv_stringn(s, strlen(s));
}

void jv_append(struct jv *arr, struct jv *item)
{
	if (arr->kind != JV_ARRAY)
		BUG("jv_append on %s", jv_kind_name(arr->kind));
	ALLOC_GROW(arr->u.arr.v, arr->u.arr.n, arr->u.arr.alloc);
	arr->u.arr.v[arr->u.arr.n++] = item;
}

/*
 * A finished list or mapping keeps no spare room: a build keeps every
 * template's tree, 100,000 of them in a wide catalogue, and most of their
 * lists and mappings hold one to four items (docs/performance.md); a
 * document of small objects took 1 KB an object (24 members' room).
 */
void jv_fit(struct jv *v)
{
	if (v->kind == JV_ARRAY && v->u.arr.n && v->u.arr.n < v->u.arr.alloc) {
		v->u.arr.v = xrealloc(v->u.arr.v, st_mult(v->u.arr.n, sizeof(*v->u.arr.v)));
		v->u.arr.alloc = v->u.arr.n;
	} else if (v->kind == JV_OBJECT && v->u.obj.n && v->u.obj.n < v->u.obj.alloc) {
		v->u.obj.v = xrealloc(v->u.obj.v, st_mult(v->u.obj.n, sizeof(*v->u.obj.v)));
		v->u.obj.alloc = v->u.obj.n;
	}
}

struct jv_member *jv_member(const struct jv *obj, const char *key)
{
	size_t i;

	if (!obj || obj->kind != JV_OBJECT)
		return NULL;
	for (i = 0; i < obj->u.obj.n; i++)
		if (!strcmp(obj->u.obj.v[i].key, key))
			return &obj->u.obj.v[i];
	return NULL;
}

struct jv *jv_get(const struct jv *obj, const char *key)
{
	struct jv_member *m = jv_member(obj, key);

	return m ? m->val : NULL;
}

void jv_set(struct jv *obj, const char *key, struct jv *val)
{
	struct jv_member *m;

	if (obj->kind != JV_OBJECT)
		BUG("jv_set on %s", jv_kind_name(obj->kind));
	if ((m = jv_member(obj, key))) {
		jv_free(m->val);
		m->val = val;
		return;
	}
	jv_push(obj, key, val);
}

struct jv_member *jv_push(struct jv *obj, const char *key, struct jv *val)
{
	struct jv_member *m;

	if (obj->kind != JV_OBJECT)
		BUG("jv_push on %s", jv_kind_name(obj->kind));
	/* most schema objects hold a few members: start small, then double */
	if (obj->u.obj.n == obj->u.obj.alloc) {
		obj->u.obj.alloc = obj->u.obj.alloc ? st_mult(obj->u.obj.alloc, 2) : 4;
		obj->u.obj.v = xrealloc(obj->u.obj.v, st_mult(obj->u.obj.alloc, sizeof(*obj->u.obj.v)));
	}
	m = &obj->u.obj.v[obj->u.obj.n++];
	m->key = xstrdup(key);
	m->val = val;
	m->loc = val ? val->loc : SRCLOC_NONE;
	return m;
}

/*
 * Up to this many members an object is scanned; a wider one is looked up
 * in seen, filled with every key so far when it first gets that wide.
 */
#define DUP_SCAN_MAX 16

const struct jv_member *jv_find_dup(const struct jv *obj, struct hashset *seen, const char *key)
{
	size_t i, n = obj->u.obj.n;
	int added;

	if (n < DUP_SCAN_MAX)
		return jv_member(obj, key);
	if (!seen->n)
		for (i = 0; i < n; i++)
			hashset_add(seen, obj->u.obj.v[i].key, strlen(obj->u.obj.v[i].key), NULL);
	hashset_add(seen, key, strlen(key), &added);
	return added ? NULL : jv_member(obj, key);
}

size_t jv_count_nodes(const struct jv *v)
{
	size_t n = 1, i;

	if (v->kind == JV_ARRAY)
		for (i = 0; i < v->u.arr.n; i++)
			n += jv_count_nodes(v->u.arr.v[i]);
	else if (v->kind == JV_OBJECT)
		for (i = 0; i < v->u.obj.n; i++)
			n += jv_count_nodes(v->u.obj.v[i].val);
	return n;
}

void jv_budget_fail(const struct jv_budget *b, struct diag *d, const struct srcloc *loc)
{
	diag_error(d, loc, "this %s holds more than %d values; toolsync reads %s of at most %d",
		   b->entry ? "entry" : "document", JV_VALUES_MAX,
		   b->entry ? "entries" : "documents", JV_VALUES_MAX);
}

struct jv *jv_take(struct jv *obj, const char *key)
{
	struct jv_member *m = jv_member(obj, key);
	struct jv *val;
	size_t i;

	if (!m)
		return NULL;
	val = m->val;
	free(m->key);
	i = (size_t)(m - obj->u.obj.v);
	memmove(m, m + 1, (obj->u.obj.n - i - 1) * sizeof(*m));
	obj->u.obj.n--;
	return val;
}

struct jv *jv_copy(const struct jv *v)
{
	struct jv *c;
	size_t i;

	if (!v)
		return NULL;
	switch (v->kind) {
	case JV_STRING:
		c = jv_stringn(v->u.str.ptr, v->u.str.len);
		break;
	case JV_ARRAY:
		c = jv_new(JV_ARRAY, NULL);
		for (i = 0; i < v->u.arr.n; i++)
			jv_append(c, jv_copy(v->u.arr.v[i]));
		break;
	case JV_OBJECT:
		c = jv_new(JV_OBJECT, NULL);
		for (i = 0; i < v->u.obj.n; i++)
			jv_push(c, v->u.obj.v[i].key, jv_copy(v->u.obj.v[i].val))->loc =
				v->u.obj.v[i].loc;
		break;
	default:
		c = jv_new(v->kind, NULL);
		c->u = v->u;
		break;
	}
	c->loc = v->loc;
	return c;
}

void jv_free(struct jv *v)
{
	size_t i;

	if (!v)
		return;
	switch (v->kind) {
	case JV_STRING:
		free(v->u.str.ptr);
		break;
	case JV_ARRAY:
		for (i = 0; i < v->u.arr.n; i++)
			jv_free(v->u.arr.v[i]);
		free(v->u.arr.v);
		break;
	case JV_OBJECT:
		for (i = 0; i < v->u.obj.n; i++) {
			free(v->u.obj.v[i].key);
			jv_free(v->u.obj.v[i].val);
		}
		free(v->u.obj.v);
		break;
	default:
		break;
	}
	free(v);
}

long jv_array_index(const struct jv *arr, const struct jv *x)
{
	size_t i;

	for (i = 0; i < arr->u.arr.n; i++)
		if (jv_equal(arr->u.arr.v[i], x))
			return (long)i;
	return -1;
}

int jv_equal(const struct jv *a, const struct jv *b)
{
	size_t i;

	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case JV_NULL:
		return 1;
	case JV_BOOL:
		return a->u.boolean == b->u.boolean;
	case JV_NUMBER:
		return a->u.number == b->u.number;
	case JV_STRING:
		return a->u.str.len == b->u.str.len &&
		       !memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len);
	case JV_ARRAY:
		if (a->u.arr.n != b->u.arr.n)
			return 0;
		for (i = 0; i < a->u.arr.n; i++)
			if (!jv_equal(a->u.arr.v[i], b->u.arr.v[i]))
				return 0;
		return 1;
	case JV_OBJECT:
		if (a->u.obj.n != b->u.obj.n)
			return 0;
		for (i = 0; i < a->u.obj.n; i++) {
			const struct jv *o = jv_get(b, a->u.obj.v[i].key);

			if (!o || !jv_equal(a->u.obj.v[i].val, o))
				return 0;
		}
		return 1;
	}
	return 0;
}

const char *jv_kind_name(enum jv_kind kind)
{
	static const char *const names[] = { "null", "a boolean", "a number", "a string",
					     "a list", "a mapping" };

	return (size_t)kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

/* ---- JSON pointers (RFC 6901) ------------------------------------------ */

void jv_pointer_add(struct strbuf *out, const char *token)
{
	strbuf_addch(out, '/');
	for (; *token; token++) {
		if (*token == '~')
			strbuf_addstr(out, "~0");
		else if (*token == '/')
			strbuf_addstr(out, "~1");
		else
			strbuf_addch(out, *token);
	}
}

void jv_pointer_add_index(struct strbuf *out, size_t i)
{
	strbuf_addf(out, "/%zu", i);
}

/* The next unescaped token of p into tok; returns the rest, or NULL at the end. */
static const char *pointer_token(const char *p, struct strbuf *tok)
{
	strbuf_reset(tok);
	if (*p != '/')
		return NULL;
	for (p++; *p && *p != '/'; p++) {
		if (p[0] == '~' && p[1] == '0')
			strbuf_addch(tok, '~'), p++;
		else if (p[0] == '~' && p[1] == '1')
			strbuf_addch(tok, '/'), p++;
		else
			strbuf_addch(tok, *p);
	}
	return p;
}

static int parse_index(const char *s, size_t *i)
{
	char *end;
	unsigned long long n;

	if (!*s || (s[0] == '0' && s[1]) || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*i = (size_t)n;
	return 0;
}

struct jv *jv_pointer_get(const struct jv *root, const char *pointer)
{
	struct strbuf tok = STRBUF_INIT;
	const struct jv *v = root;
	const char *p = pointer;

	while (v && *p) {
		size_t i;

		p = pointer_token(p, &tok);
		if (!p) {
			v = NULL;
			break;
		}
		if (v->kind == JV_OBJECT)
			v = jv_get(v, tok.buf);
		else if (v->kind == JV_ARRAY && !parse_index(tok.buf, &i) && i < v->u.arr.n)
			v = v->u.arr.v[i];
		else
			v = NULL;
	}
	strbuf_release(&tok);
	return (struct jv *)v;
}
