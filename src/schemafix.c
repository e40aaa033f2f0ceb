/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schemafix.c: `toolsync import --fix`, a schema made strict.
 *
 * What OpenAI's Agents SDK does before it sends a schema with strict true
 * (ensure_strict_json_schema): additionalProperties false on objects,
 * every property required, allOf of one schema merged; and what Pydantic
 * and Zod output needs besides: an optional property made nullable (so
 * "required" does not change its meaning), oneOf read as anyOf, and the
 * keywords strict mode refuses kept for the model in the description or
 * dropped.  Every change is reported with its location.
 */
#include "toolsync/import.h"
#include "toolsync/strict.h"

/*
 * Keywords strict mode refuses (strict.c decides which) are moved into the
 * description, except these, which mean nothing to the model and are
 * dropped, as are keywords strict mode does not know (x-..., typos).
 */
static const char *const dropped[] = {
	"$schema", "$id", "$anchor", "$comment", "readOnly", "writeOnly", "discriminator",
	"contentEncoding", "contentMediaType", "$dynamicAnchor", "$dynamicRef",
};

struct fixer {
	schema_fix_report report;
	void *ctx;
	struct strbuf ptr;   /* "parameters/..." of the node being fixed */
	unsigned changes;
};

TS_PRINTF(3, 4) static void change(struct fixer *f, const struct srcloc *loc, const char *fmt, ...)
{
	struct strbuf what = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&what, fmt, ap);
	va_end(ap);
	f->report(f->ctx, loc, f->ptr.buf, what.buf);
	strbuf_release(&what);
	f->changes++;
}

static void fix_schema(struct fixer *f, struct jv *s);

/* Descend into child, named by one pointer token (or an array index). */
static void fix_child(struct fixer *f, struct jv *child, const char *token, size_t index)
{
	size_t len = f->ptr.len;

	if (token)
		jv_pointer_add(&f->ptr, token);
	else
		jv_pointer_add_index(&f->ptr, index);
	fix_schema(f, child);
	strbuf_setlen(&f->ptr, len);
}

/* The value of keyword m for a description: minLength: 3, default: "x". */
static void describe_keyword(struct strbuf *notes, const struct jv_member *m)
{
	if (notes->len)
		strbuf_addstr(notes, "; ");
	strbuf_addf(notes, "%s: ", m->key);
	json_write(notes, m->val, JSON_COMPACT);
}

/* What becomes of a keyword: 0 kept, 1 moved into the description, 2 dropped. */
static int keyword_fate(const struct jv_member *m)
{
	switch (strict_keyword(m->key)) {
	case STRICT_KW_SUPPORTED:
		return !strcmp(m->key, "format") && !strict_format_ok(m->val);
	case STRICT_KW_REFUSED:
		if (str_in_list(m->key, dropped, ARRAY_SIZE(dropped)) ||
		    (!strcmp(m->key, "default") && m->val->kind == JV_NULL))
			return 2;
		return 1;
	default:
		return 2;
	}
}

/* Move or drop the keywords strict mode refuses; returns the notes for the description. */
static void strip_keywords(struct fixer *f, struct jv *s, struct strbuf *notes)
{
	size_t i = 0;

	while (i < s->u.obj.n) {
		struct jv_member *m = &s->u.obj.v[i];
		int fate = keyword_fate(m), move = fate == 1;
		struct srcloc loc = m->loc;
		char *key;

		if (!fate) {
			i++;
			continue;
		}
		if (move)
			describe_keyword(notes, m);
		key = xstrdup(m->key);
		jv_free(jv_take(s, key));
		change(f, &loc, move ? "'%s' moved into the description" : "'%s' dropped", key);
		free(key);
	}
}

static void add_to_description(struct jv *s, const struct strbuf *notes)
{
	struct jv *d = jv_get(s, "description");
	struct strbuf text = STRBUF_INIT;

	if (d && d->kind == JV_STRING && d->u.str.len)
		strbuf_addf(&text, "%s ", d->u.str.ptr);
	strbuf_addf(&text, "(%s)", notes->buf);
	jv_set(s, "description", jv_stringn(text.buf, text.len));
	strbuf_release(&text);
}

/* allOf: [X] is X; oneOf is anyOf (strict mode has no oneOf). */
static void merge_combinators(struct fixer *f, struct jv *s)
{
	struct jv *all = jv_get(s, "allOf"), *one = jv_get(s, "oneOf"), *only;
	size_t i;

	if (all && all->kind == JV_ARRAY && all->u.arr.n == 1 &&
	    all->u.arr.v[0]->kind == JV_OBJECT && !jv_get(s, "anyOf")) {
		struct srcloc loc = all->loc;

		only = all->u.arr.v[0];
		for (i = 0; i < only->u.obj.n; i++)
			if (!jv_get(s, only->u.obj.v[i].key))
				jv_set(s, only->u.obj.v[i].key, jv_copy(only->u.obj.v[i].val));
		jv_free(jv_take(s, "allOf"));
		change(f, &loc, "'allOf' of one schema merged into its parent");
	}
	if (one && !jv_get(s, "anyOf")) {
		struct srcloc loc = one->loc;

		jv_set(s, "anyOf", jv_take(s, "oneOf"));
		change(f, &loc, "'oneOf' written as 'anyOf' (strict mode has no oneOf)");
	}
}

static int is_null_schema(const struct jv *s)
{
	const struct jv *t = s->kind == JV_OBJECT ? jv_get(s, "type") : NULL;

	return t && t->kind == JV_STRING && !strcmp(t->u.str.ptr, "null");
}

/* 1 if the schema already admits null. */
static int nullable(const struct jv *s)
{
	const struct jv *t = jv_get(s, "type"), *any = jv_get(s, "anyOf");
	size_t i;

	if (t && t->kind == JV_ARRAY) {
		for (i = 0; i < t->u.arr.n; i++)
			if (t->u.arr.v[i]->kind == JV_STRING && !strcmp(t->u.arr.v[i]->u.str.ptr, "null"))
				return 1;
	} else if (t && t->kind == JV_STRING) {
		return !strcmp(t->u.str.ptr, "null");
	}
	for (i = 0; any && any->kind == JV_ARRAY && i < any->u.arr.n; i++)
		if (is_null_schema(any->u.arr.v[i]))
			return 1;
	return 0;
}

static struct jv *null_schema(void)
{
	struct jv *n = jv_object();

	jv_set(n, "type", jv_string("null"));
	return n;
}

/* Let s admit null: a "null" type added, or s wrapped in anyOf. */
static void make_nullable(struct jv *s)
{
	struct jv *t = jv_get(s, "type"), *any = jv_get(s, "anyOf"), *e = jv_get(s, "enum");
	struct jv *inner, *arr, *desc;

	if (any && any->kind == JV_ARRAY) {
		jv_append(any, null_schema());
		return;
	}
	if (t && (t->kind == JV_STRING || t->kind == JV_ARRAY) && !jv_get(s, "$ref") &&
	    !jv_get(s, "const")) {
		if (t->kind == JV_STRING) {
			struct jv_member *m = jv_member(s, "type");

			arr = jv_new(JV_ARRAY, &t->loc);
			jv_append(arr, m->val);
			jv_append(arr, jv_string("null"));
			m->val = arr;
		} else {
			jv_append(t, jv_string("null"));
		}
		if (e && e->kind == JV_ARRAY)
			jv_append(e, jv_null());
		return;
	}
	/*
	 * {$ref}, {const}, {enum} alone, {}: anyOf [the schema, null]; the
	 * description stays outside.  The new nodes are where the schema was:
	 * strict mode's errors about them (a schema with no type) name its
	 * line.
	 */
	desc = jv_take(s, "description");
	inner = jv_new(JV_OBJECT, &s->loc);
	while (s->u.obj.n) {
		char *key = xstrdup(s->u.obj.v[0].key);

		jv_set(inner, key, jv_take(s, key));
		free(key);
	}
	if (desc)
		jv_set(s, "description", desc);
	arr = jv_new(JV_ARRAY, &s->loc);
	jv_append(arr, inner);
	jv_append(arr, null_schema());
	jv_set(s, "anyOf", arr);
}

/* An object: closed, every property required, the optional ones nullable. */
static void fix_object(struct fixer *f, struct jv *s)
{
	struct jv *props = jv_get(s, "properties"), *req = jv_get(s, "required"), *ap;
	struct jv *all;
	size_t i, j, len;

	if (!props) {
		jv_set(s, "properties", props = jv_object());
		change(f, &s->loc, "'properties: {}' added to an object");
	}
	ap = jv_get(s, "additionalProperties");
	if (!ap || ap->kind != JV_BOOL || ap->u.boolean) {
		change(f, ap ? &ap->loc : &s->loc, "'additionalProperties: false' %s",
		       ap ? "replaces the value it had" : "added");
		jv_set(s, "additionalProperties", jv_bool(0));
	}
	if (props->kind != JV_OBJECT)
		return;
	all = jv_array();
	for (i = 0; i < props->u.obj.n; i++) {
		struct jv_member *p = &props->u.obj.v[i];
		int was = 0;

		for (j = 0; req && req->kind == JV_ARRAY && j < req->u.arr.n; j++)
			if (req->u.arr.v[j]->kind == JV_STRING && !strcmp(req->u.arr.v[j]->u.str.ptr, p->key))
				was = 1;
		jv_append(all, jv_string(p->key));
		if (was || p->val->kind != JV_OBJECT)
			continue;
		len = f->ptr.len;
		jv_pointer_add(&f->ptr, "properties");
		jv_pointer_add(&f->ptr, p->key);
		if (!nullable(p->val)) {
			make_nullable(p->val);
			change(f, &p->loc, "optional: now required and nullable");
		} else {
			change(f, &p->loc, "optional: now required (it admits null already)");
		}
		strbuf_setlen(&f->ptr, len);
	}
	if (!req || !jv_equal(req, all))
		jv_set(s, "required", all);
	else
		jv_free(all);
}

static int is_object_schema(const struct jv *s)
{
	const struct jv *t = jv_get(s, "type");

	return jv_get(s, "properties") ||
	       (t && t->kind == JV_STRING && !strcmp(t->u.str.ptr, "object"));
}

/* The subschemas: properties, items, anyOf, $defs, definitions. */
static void fix_children(struct fixer *f, struct jv *s)
{
	static const char *const maps[] = { "properties", "$defs", "definitions" };
	struct jv *v;
	size_t i, k;

	for (k = 0; k < ARRAY_SIZE(maps); k++) {
		size_t len = f->ptr.len;

		if (!(v = jv_get(s, maps[k])) || v->kind != JV_OBJECT)
			continue;
		jv_pointer_add(&f->ptr, maps[k]);
		for (i = 0; i < v->u.obj.n; i++)
			fix_child(f, v->u.obj.v[i].val, v->u.obj.v[i].key, 0);
		strbuf_setlen(&f->ptr, len);
	}
	if ((v = jv_get(s, "items")) && v->kind == JV_OBJECT)
		fix_child(f, v, "items", 0);
	if ((v = jv_get(s, "anyOf")) && v->kind == JV_ARRAY) {
		size_t len = f->ptr.len;

		strbuf_addstr(&f->ptr, "/anyOf");
		for (i = 0; i < v->u.arr.n; i++)
			fix_child(f, v->u.arr.v[i], NULL, i);
		strbuf_setlen(&f->ptr, len);
	}
}

static void fix_schema(struct fixer *f, struct jv *s)
{
	struct strbuf notes = STRBUF_INIT;

	if (s->kind != JV_OBJECT)
		return;
	merge_combinators(f, s);
	strip_keywords(f, s, &notes);
	if (notes.len)
		add_to_description(s, &notes);
	strbuf_release(&notes);
	fix_children(f, s);
	if (is_object_schema(s))
		fix_object(f, s);
}

unsigned schema_fix(struct jv *schema, schema_fix_report report, void *ctx)
{
	struct fixer f = { report, ctx, STRBUF_INIT, 0 };

	strbuf_addstr(&f.ptr, "parameters");
	fix_schema(&f, schema);
	strbuf_release(&f.ptr);
	return f.changes;
}
