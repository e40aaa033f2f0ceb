/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strict.c: OpenAI's strict-mode rules for a tool's parameter schema.
 *
 * The rules and limits are those of OpenAI's "Structured Outputs" guide,
 * "Supported schemas" (docs/strict-mode.md lists them with the reasons).
 * Every violation is reported at the template line of the offending node.
 */
#include "toolsync/strict.h"

enum kw_kind { KW_OK, KW_UNSUPPORTED };

/* Keywords strict mode accepts; everything else is refused. */
static const char *const supported[] = {
	"type", "description", "title", "properties", "required", "additionalProperties",
	"items", "enum", "const", "anyOf", "$defs", "definitions", "$ref",
	"pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
	"multipleOf", "minItems", "maxItems",
};

/* JSON Schema keywords OpenAI documents as not supported in strict mode. */
static const char *const unsupported[] = {
	"allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas",
	"oneOf", "uniqueItems", "minLength", "maxLength", "default", "patternProperties",
	"unevaluatedProperties", "unevaluatedItems", "propertyNames", "minProperties",
	"maxProperties", "contains", "minContains", "maxContains", "prefixItems",
	"additionalItems", "examples", "readOnly", "writeOnly", "deprecated",
	"contentEncoding", "contentMediaType", "$schema", "$id", "$anchor",
	"$dynamicRef", "$dynamicAnchor",
};

static const char *const type_names[] = {
	"string", "number", "integer", "boolean", "object", "array", "null",
};

static const char *const formats[] = {
	"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid",
};

struct walk {
	const struct jv *root;
	struct diag *d;
	unsigned errors;
	size_t properties, enum_values, string_size;
	int depth_reported;
	struct strbuf ptr;
};

TS_PRINTF(3, 4) static void violation(struct walk *w, const struct srcloc *loc, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	/* "parameters/properties/x": where in the tool, as the template reads */
	strbuf_addf(&msg, "parameters%s: ", w->ptr.buf);
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_error(w->d, loc, "%s", msg.buf);
	strbuf_release(&msg);
	w->errors++;
}

/* Enter a child pointer; returns the length to restore. */
static size_t push(struct walk *w, const char *token)
{
	size_t len = w->ptr.len;

	jv_pointer_add(&w->ptr, token);
	return len;
}

static void pop(struct walk *w, size_t len)
{
	strbuf_setlen(&w->ptr, len);
}

static void check_schema(struct walk *w, const struct jv *s, unsigned depth, int is_root);

/* The set of types "type" names, as bits of type_names; 0 if absent. */
static unsigned declared_types(struct walk *w, const struct jv *s)
{
	const struct jv *t = jv_get(s, "type");
	const struct jv *const *items = t && t->kind == JV_ARRAY ? (const struct jv *const *)t->u.arr.v : &t;
	size_t n = !t ? 0 : t->kind == JV_ARRAY ? t->u.arr.n : 1, i, j;
	unsigned bits = 0;

	if (t && t->kind == JV_ARRAY && !n)
		violation(w, &t->loc, "'type' must name at least one type");
	for (i = 0; i < n; i++) {
		const struct jv *name = items[i];

		for (j = 0; name->kind == JV_STRING && j < ARRAY_SIZE(type_names); j++)
			if (!strcmp(name->u.str.ptr, type_names[j]))
				break;
		if (name->kind == JV_NULL)
			violation(w, &name->loc, "'type' holds a null value, not the type name: "
				  "in YAML a bare null is no string; quote it: \"null\"");
		else if (name->kind != JV_STRING || j == ARRAY_SIZE(type_names))
			violation(w, &name->loc, "'type' must be one of string, number, integer, "
				  "boolean, object, array, null");
		else if (bits & (1u << j))
			violation(w, &name->loc, "'type' lists '%s' twice", type_names[j]);
		else
			bits |= 1u << j;
	}
	return bits;
}

#define T_STRING (1u << 0)
#define T_NUMBER (1u << 1)
#define T_INTEGER (1u << 2)
#define T_BOOLEAN (1u << 3)
#define T_OBJECT (1u << 4)
#define T_ARRAY (1u << 5)
#define T_NULL (1u << 6)

/* Does value v fit the declared types (0: nothing declared, anything fits)? */
static int value_fits(const struct jv *v, unsigned types)
{
	if (!types)
		return 1;
	switch (v->kind) {
	case JV_NULL: return !!(types & T_NULL);
	case JV_BOOL: return !!(types & T_BOOLEAN);
	case JV_STRING: return !!(types & T_STRING);
	case JV_ARRAY: return !!(types & T_ARRAY);
	case JV_OBJECT: return !!(types & T_OBJECT);
	case JV_NUMBER:
		return (types & T_NUMBER) ||
		       ((types & T_INTEGER) && v->u.number == (double)(long long)v->u.number);
	}
	return 0;
}

enum strict_keyword strict_keyword(const char *name)
{
	if (str_in_list(name, supported, ARRAY_SIZE(supported)))
		return STRICT_KW_SUPPORTED;
	if (str_in_list(name, unsupported, ARRAY_SIZE(unsupported)))
		return STRICT_KW_REFUSED;
	return STRICT_KW_UNKNOWN;
}

int strict_format_ok(const struct jv *format)
{
	return format->kind == JV_STRING && str_in_list(format->u.str.ptr, formats, ARRAY_SIZE(formats));
}

static void check_keywords(struct walk *w, const struct jv *s)
{
	size_t i;

	for (i = 0; i < s->u.obj.n; i++) {
		const struct jv_member *m = &s->u.obj.v[i];
		enum strict_keyword kw = strict_keyword(m->key);
		size_t len;

		if (kw == STRICT_KW_SUPPORTED)
			continue;
		len = push(w, m->key);
		if (kw == STRICT_KW_REFUSED)
			violation(w, &m->loc, "'%s' is not supported in strict mode", m->key);
		else
			violation(w, &m->loc, "unknown keyword '%s'", m->key);
		pop(w, len);
	}
}

static void count_string(struct walk *w, const struct jv *v)
{
	if (v->kind == JV_STRING)
		w->string_size += v->u.str.len;
}

static void check_enum(struct walk *w, const struct jv *e, unsigned types)
{
	size_t i, chars = 0, strings = 0;
	size_t len = push(w, "enum");

	if (e->kind != JV_ARRAY || !e->u.arr.n) {
		violation(w, &e->loc, "'enum' must be a non-empty list");
		pop(w, len);
		return;
	}
	for (i = 0; i < e->u.arr.n; i++) {
		const struct jv *v = e->u.arr.v[i];

		count_string(w, v);
		if (v->kind == JV_STRING)
			chars += v->u.str.len, strings++;
		if (!value_fits(v, types))
			violation(w, &v->loc, "enum value %zu does not match the schema's 'type'", i);
	}
	w->enum_values += e->u.arr.n;
	if (strings > STRICT_BIG_ENUM && chars > STRICT_BIG_ENUM_SIZE)
		violation(w, &e->loc, "a string enum of %zu values (over %d) may total at most %d "
			  "characters; this one has %zu", strings, STRICT_BIG_ENUM,
			  STRICT_BIG_ENUM_SIZE, chars);
	pop(w, len);
}

static void check_number_keyword(struct walk *w, const struct jv *s, const char *kw,
				 int whole, int positive)
{
	const struct jv *v = jv_get(s, kw);
	size_t len;

	if (!v)
		return;
	len = push(w, kw);
	if (v->kind != JV_NUMBER)
		violation(w, &v->loc, "'%s' must be a number", kw);
	else if (whole && (v->u.number < 0 || v->u.number != (double)(long long)v->u.number))
		violation(w, &v->loc, "'%s' must be a whole number, 0 or more", kw);
	else if (positive && v->u.number <= 0)
		violation(w, &v->loc, "'%s' must be greater than 0", kw);
	pop(w, len);
}

static void check_string_keywords(struct walk *w, const struct jv *s)
{
	const struct jv *v;
	size_t len;

	if ((v = jv_get(s, "format"))) {
		len = push(w, "format");
		if (!strict_format_ok(v))
			violation(w, &v->loc, "'format' must be one of date-time, time, date, "
				  "duration, email, hostname, ipv4, ipv6, uuid");
		pop(w, len);
	}
	if ((v = jv_get(s, "pattern")) && v->kind != JV_STRING) {
		len = push(w, "pattern");
		violation(w, &v->loc, "'pattern' must be a string (a regular expression)");
		pop(w, len);
	}
	if ((v = jv_get(s, "description")) && v->kind != JV_STRING) {
		len = push(w, "description");
		violation(w, &v->loc, "'description' must be a string");
		pop(w, len);
	}
}

/* "required" must list every property and nothing else. */
static void check_required(struct walk *w, const struct jv *s, const struct jv *props)
{
	const struct jv *req = jv_get(s, "required");
	size_t i, j, len;

	if (req && req->kind != JV_ARRAY) {
		len = push(w, "required");
		violation(w, &req->loc, "'required' must be a list of property names");
		pop(w, len);
		return;
	}
	for (i = 0; i < props->u.obj.n; i++) {
		const struct jv_member *p = &props->u.obj.v[i];

		for (j = 0; req && j < req->u.arr.n; j++)
			if (req->u.arr.v[j]->kind == JV_STRING && !strcmp(req->u.arr.v[j]->u.str.ptr, p->key))
				break;
		if (req && j < req->u.arr.n)
			continue;
		len = push(w, "properties");
		push(w, p->key);
		violation(w, &p->loc, "'%s' is not in 'required': strict mode requires every "
			  "property; allow null in its type to make it optional", p->key);
		pop(w, len);
	}
	for (j = 0; req && j < req->u.arr.n; j++) {
		const struct jv *name = req->u.arr.v[j];

		if (name->kind == JV_STRING && jv_get(props, name->u.str.ptr))
			continue;
		len = push(w, "required");
		violation(w, &name->loc, "'required' names '%s', which is not a property",
			  name->kind == JV_STRING ? name->u.str.ptr : "?");
		pop(w, len);
	}
}

static void check_object(struct walk *w, const struct jv *s, unsigned depth)
{
	const struct jv *props = jv_get(s, "properties"), *ap = jv_get(s, "additionalProperties");
	size_t i, len;

	if (depth > STRICT_MAX_DEPTH && !w->depth_reported++)
		violation(w, &s->loc, "objects nest %u levels deep; strict mode allows %d",
			  depth, STRICT_MAX_DEPTH);
	if (!ap || ap->kind != JV_BOOL || ap->u.boolean)
		violation(w, ap ? &ap->loc : &s->loc,
			  "strict mode needs 'additionalProperties: false' on every object");
	if (!props || props->kind != JV_OBJECT) {
		violation(w, props ? &props->loc : &s->loc,
			  "strict mode needs 'properties' on every object (it may be {})");
		return;
	}
	check_required(w, s, props);
	len = push(w, "properties");
	for (i = 0; i < props->u.obj.n; i++) {
		size_t plen = push(w, props->u.obj.v[i].key);

		w->properties++;
		w->string_size += strlen(props->u.obj.v[i].key);
		check_schema(w, props->u.obj.v[i].val, depth + 1, 0);
		pop(w, plen);
	}
	pop(w, len);
}

/* $ref: "#" or a definition of this schema ("#/$defs/X", "#/definitions/X"). */
static void check_ref(struct walk *w, const struct jv *ref)
{
	size_t len = push(w, "$ref");

	if (ref->kind != JV_STRING)
		violation(w, &ref->loc, "'$ref' must be a string");
	else if (strcmp(ref->u.str.ptr, "#") &&
		 (strncmp(ref->u.str.ptr, "#/$defs/", 8) && strncmp(ref->u.str.ptr, "#/definitions/", 14)))
		violation(w, &ref->loc, "'$ref' must point into this schema's $defs "
			  "(\"#/$defs/Name\") or be \"#\"");
	else if (!jv_pointer_get(w->root, ref->u.str.ptr + 1))
		violation(w, &ref->loc, "'$ref' points at '%s', which does not exist", ref->u.str.ptr);
	pop(w, len);
}

static void check_any_of(struct walk *w, const struct jv *a, unsigned depth, int is_root)
{
	size_t i, len = push(w, "anyOf");

	if (is_root)
		violation(w, &a->loc, "the root schema must be an object, not 'anyOf'");
	if (a->kind != JV_ARRAY || !a->u.arr.n) {
		violation(w, &a->loc, "'anyOf' must be a non-empty list of schemas");
	} else {
		for (i = 0; i < a->u.arr.n; i++) {
			size_t ilen = w->ptr.len;

			jv_pointer_add_index(&w->ptr, i);
			check_schema(w, a->u.arr.v[i], depth, 0);
			pop(w, ilen);
		}
	}
	pop(w, len);
}

static void check_defs(struct walk *w, const struct jv *s, const char *kw)
{
	const struct jv *defs = jv_get(s, kw);
	size_t i, len;

	if (!defs)
		return;
	len = push(w, kw);
	if (defs->kind != JV_OBJECT)
		violation(w, &defs->loc, "'%s' must be a mapping of names to schemas", kw);
	for (i = 0; defs->kind == JV_OBJECT && i < defs->u.obj.n; i++) {
		size_t dlen = push(w, defs->u.obj.v[i].key);

		w->string_size += strlen(defs->u.obj.v[i].key);
		check_schema(w, defs->u.obj.v[i].val, 1, 0);
		pop(w, dlen);
	}
	pop(w, len);
}

static void check_schema(struct walk *w, const struct jv *s, unsigned depth, int is_root)
{
	const struct jv *v;
	unsigned types;
	size_t len;

	if (s->kind != JV_OBJECT) {
		violation(w, &s->loc, "a schema must be a mapping, not %s", jv_kind_name(s->kind));
		return;
	}
	check_keywords(w, s);
	types = declared_types(w, s);
	if (is_root && types != T_OBJECT)
		violation(w, &s->loc, "the root schema must have 'type: object'");
	if ((v = jv_get(s, "$ref")))
		check_ref(w, v);
	if ((v = jv_get(s, "anyOf")))
		check_any_of(w, v, depth, is_root);
	if (!types && !jv_get(s, "$ref") && !jv_get(s, "anyOf") && !jv_get(s, "enum") &&
	    !jv_get(s, "const"))
		violation(w, &s->loc, "a schema needs 'type' (or 'anyOf', '$ref', 'enum', 'const')");
	if ((v = jv_get(s, "enum")))
		check_enum(w, v, types);
	if ((v = jv_get(s, "const"))) {
		count_string(w, v);
		len = push(w, "const");
		if (!value_fits(v, types))
			violation(w, &v->loc, "'const' does not match the schema's 'type'");
		pop(w, len);
	}
	check_string_keywords(w, s);
	check_number_keyword(w, s, "minimum", 0, 0);
	check_number_keyword(w, s, "maximum", 0, 0);
	check_number_keyword(w, s, "exclusiveMinimum", 0, 0);
	check_number_keyword(w, s, "exclusiveMaximum", 0, 0);
	check_number_keyword(w, s, "multipleOf", 0, 1);
	check_number_keyword(w, s, "minItems", 1, 0);
	check_number_keyword(w, s, "maxItems", 1, 0);
	if (types & T_OBJECT || (!types && jv_get(s, "properties")))
		check_object(w, s, depth);
	if ((types & T_ARRAY) && !(v = jv_get(s, "items")))
		violation(w, &s->loc, "an array schema needs 'items'");
	if ((v = jv_get(s, "items"))) {
		len = push(w, "items");
		check_schema(w, v, depth + 1, 0);
		pop(w, len);
	}
	check_defs(w, s, "$defs");
	check_defs(w, s, "definitions");
}

static void check_totals(struct walk *w, const struct jv *schema)
{
	strbuf_reset(&w->ptr);
	if (w->properties > STRICT_MAX_PROPERTIES)
		violation(w, &schema->loc, "%zu object properties; strict mode allows %d in all",
			  w->properties, STRICT_MAX_PROPERTIES);
	if (w->enum_values > STRICT_MAX_ENUM_VALUES)
		violation(w, &schema->loc, "%zu enum values; strict mode allows %d in all",
			  w->enum_values, STRICT_MAX_ENUM_VALUES);
	if (w->string_size > STRICT_MAX_STRING_SIZE)
		violation(w, &schema->loc, "property names, definition names, enum and const values "
			  "total %zu characters; strict mode allows %d", w->string_size,
			  STRICT_MAX_STRING_SIZE);
}

unsigned strict_check(const struct jv *schema, struct diag *d)
{
	struct walk w = { schema, d, 0, 0, 0, 0, 0, STRBUF_INIT };

	check_schema(&w, schema, 1, 1);
	check_totals(&w, schema);
	strbuf_release(&w.ptr);
	return w.errors;
}

int strict_name_ok(const char *name)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t n = strlen(name);

	return n >= 1 && n <= 64 && strspn(name, ok) == n;
}
