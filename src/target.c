/* SPDX-License-Identifier: Apache-2.0 */
/*
 * target.c: the model APIs toolsync writes role bundles for (target.h).
 *
 * The OpenAI targets take the manifest's tool as it is: toolsync's own
 * strict check (strict.c) is theirs.  Anthropic and Gemini accept less,
 * so their rules are checked here; docs/targets.md gives the source of
 * each rule and the reading toolsync takes where a source is unclear.
 */
#include <ctype.h>

#include "toolsync/target.h"

static const struct target_info targets[] = {
	{ TARGET_RESPONSES, "responses", "OpenAI Responses API" },
	{ TARGET_CHAT, "chat", "OpenAI Chat Completions API" },
	{ TARGET_MCP, "mcp", "Model Context Protocol (tools/list)" },
	{ TARGET_ANTHROPIC, "anthropic", "Claude Messages API" },
	{ TARGET_GEMINI, "gemini", "Gemini API" },
};

const struct target_info *target_list(size_t *n)
{
	*n = ARRAY_SIZE(targets);
	return targets;
}

const struct target_info *target_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(targets); i++)
		if (!strcmp(targets[i].name, name))
			return &targets[i];
	return NULL;
}

static const struct target_info *target_info(enum target t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(targets); i++)
		if (targets[i].bit == t)
			return &targets[i];
	BUG("unknown target %d", (int)t);
}

const char *target_name(enum target t)
{
	return target_info(t)->name;
}

const char *target_known_names(void)
{
	return "responses, chat, mcp, anthropic, gemini";
}

/* ---- the walk over a schema --------------------------------------- */

struct check {
	const struct target_info *target;
	const struct jv *root;
	const struct ts_config *cfg;
	int strict;
	struct diag *d;
	struct strbuf ptr;        /* "/properties/x" inside parameters */
	const struct jv **stack;  /* $ref targets being walked (recursion) */
	size_t depth, alloc;
	unsigned errors;
};

TS_PRINTF(3, 4)
static void violation(struct check *c, const struct jv *at, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_error(c->d, &at->loc, "target %s: parameters%s: %s; 'targets:' in the template "
		   "can leave %s out", c->target->name, c->ptr.buf, msg.buf, c->target->name);
	strbuf_release(&msg);
	c->errors++;
}

/* A local $ref's target, or NULL (not local, or it points nowhere). */
static const struct jv *resolve(const struct jv *root, const struct jv *ref)
{
	if (!ref || ref->kind != JV_STRING || ref->u.str.ptr[0] != '#')
		return NULL;
	return jv_pointer_get(root, ref->u.str.ptr + 1);
}

static int on_stack(const struct check *c, const struct jv *node)
{
	size_t i;

	for (i = 0; i < c->depth; i++)
		if (c->stack[i] == node)
			return 1;
	return 0;
}

typedef void (*node_fn)(struct check *c, const struct jv *s);

static void walk(struct check *c, const struct jv *s, node_fn fn);

static void walk_child(struct check *c, const struct jv *s, const char *token, node_fn fn)
{
	size_t len = c->ptr.len;

	jv_pointer_add(&c->ptr, token);
	walk(c, s, fn);
	strbuf_setlen(&c->ptr, len);
}

static void walk_members(struct check *c, const struct jv *obj, const char *kw, node_fn fn)
{
	size_t i, len = c->ptr.len;

	if (!obj || obj->kind != JV_OBJECT)
		return;
	jv_pointer_add(&c->ptr, kw);
	for (i = 0; i < obj->u.obj.n; i++)
		walk_child(c, obj->u.obj.v[i].val, obj->u.obj.v[i].key, fn);
	strbuf_setlen(&c->ptr, len);
}

static void walk_items(struct check *c, const struct jv *arr, const char *kw, node_fn fn)
{
	size_t i, len = c->ptr.len;

	if (!arr || arr->kind != JV_ARRAY)
		return;
	jv_pointer_add(&c->ptr, kw);
	for (i = 0; i < arr->u.arr.n; i++) {
		size_t l2 = c->ptr.len;

		jv_pointer_add_index(&c->ptr, i);
		walk(c, arr->u.arr.v[i], fn);
		strbuf_setlen(&c->ptr, l2);
	}
	strbuf_setlen(&c->ptr, len);
}

/*
 * Visit every subschema once; a $ref is followed (its target checked
 * where it is used) unless it leads back into itself: a recursive schema,
 * which neither Claude's strict mode nor Gemini's OpenAPI form accepts.
 */
static void walk(struct check *c, const struct jv *s, node_fn fn)
{
	const struct jv *ref, *to;

	if (!s || s->kind != JV_OBJECT)
		return;
	fn(c, s);
	if ((ref = jv_get(s, "$ref")) && (to = resolve(c->root, ref))) {
		if (on_stack(c, to)) {
			if (c->target->bit == TARGET_ANTHROPIC ? c->strict : c->cfg->gemini_openapi)
				violation(c, ref, "a recursive schema ('$ref' to '%s', which "
					  "contains this '$ref')", ref->u.str.ptr);
			return;
		}
		ALLOC_GROW(c->stack, c->depth + 1, c->alloc);
		c->stack[c->depth++] = to;
		walk(c, to, fn);
		c->depth--;
	}
	walk_members(c, jv_get(s, "properties"), "properties", fn);
	if (jv_get(s, "items") && jv_get(s, "items")->kind == JV_OBJECT)
		walk_child(c, jv_get(s, "items"), "items", fn);
	walk_items(c, jv_get(s, "anyOf"), "anyOf", fn);
	walk_items(c, jv_get(s, "allOf"), "allOf", fn);
	walk_items(c, jv_get(s, "oneOf"), "oneOf", fn);
}

static int is_primitive(const struct jv *v)
{
	return v->kind != JV_OBJECT && v->kind != JV_ARRAY;
}

/* ---- anthropic ------------------------------------------------------- */

/*
 * Claude's strict tool use compiles the schema into a grammar and refuses
 * what it cannot compile: numeric bounds, string lengths, array bounds
 * beyond minItems 0 or 1, complex enum values, some regex features.
 */
static const char *const claude_unsupported[] = {
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
	"minLength", "maxLength", "maxItems", "uniqueItems", "contains", "minContains",
	"maxContains", "minProperties", "maxProperties", "patternProperties",
	"propertyNames", "not", "if", "then", "else", "dependentRequired",
	"dependentSchemas",
};

static const char *const claude_formats[] = {
	"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4",
	"ipv6", "uuid",
};

/* Lookaround at re ("(?=", "(?!", "(?<=", "(?<!"), else 0. */
static int is_lookaround(const char *re)
{
	return re[0] == '(' && re[1] == '?' &&
	       (re[2] == '=' || re[2] == '!' || (re[2] == '<' && (re[3] == '=' || re[3] == '!')));
}

/*
 * Regex features Claude's strict mode refuses: backreferences (\1,
 * \k<name>, (?P=name)), lookaround and word boundaries.  Inside a
 * character class an escape is a character (\b is a backspace there).
 */
static const char *regex_unsupported(const char *re)
{
	int in_class = 0;

	for (; *re; re++) {
		if (*re == '\\' && re[1]) {
			re++;
			if (in_class)
				continue;
			if ((*re >= '1' && *re <= '9') || (*re == 'k' && re[1] == '<'))
				return "a backreference";
			if (*re == 'b' || *re == 'B')
				return "a word boundary";
		} else if (in_class) {
			in_class = *re != ']';
		} else if (*re == '[') {
			in_class = 1;
			re += re[1] == '^';
			re += re[1] == ']';   /* a ']' first is a character */
		} else if (is_lookaround(re)) {
			return "lookaround";
		} else if (!strncmp(re, "(?P=", 4)) {
			return "a backreference";
		}
	}
	return NULL;
}

static void claude_node(struct check *c, const struct jv *s)
{
	const struct jv *v;
	size_t i;

	for (i = 0; i < s->u.obj.n; i++) {
		const struct jv_member *m = &s->u.obj.v[i];

		if (str_in_list(m->key, claude_unsupported, ARRAY_SIZE(claude_unsupported)))
			violation(c, m->val, "the %s does not support '%s' in strict tool use", c->target->api, m->key);
	}
	if ((v = jv_get(s, "minItems")) && v->kind == JV_NUMBER && v->u.number != 0 && v->u.number != 1)
		violation(c, v, "'minItems' must be 0 or 1 in strict tool use");
	if ((v = jv_get(s, "format")) && v->kind == JV_STRING &&
	    !str_in_list(v->u.str.ptr, claude_formats, ARRAY_SIZE(claude_formats)))
		violation(c, v, "format '%s' is not supported in strict tool use", v->u.str.ptr);
	if ((v = jv_get(s, "pattern")) && v->kind == JV_STRING && regex_unsupported(v->u.str.ptr))
		violation(c, v, "'pattern' uses %s, which strict tool use does not support",
			  regex_unsupported(v->u.str.ptr));
	if ((v = jv_get(s, "enum")) && v->kind == JV_ARRAY)
		for (i = 0; i < v->u.arr.n; i++)
			if (!is_primitive(v->u.arr.v[i])) {
				violation(c, v->u.arr.v[i], "enum values must be strings, numbers, "
					  "booleans or null in strict tool use");
				break;
			}
	if ((v = jv_get(s, "$ref")) && v->kind == JV_STRING && v->u.str.ptr[0] != '#')
		violation(c, v, "only local '$ref's (\"#/...\") are supported");
}

/* ---- gemini ---------------------------------------------------------- */

/*
 * The JSON Schema keywords Gemini documents for parametersJsonSchema; it
 * ignores others, which for a tool contract means a constraint silently
 * lost, so toolsync refuses them.
 */
static const char *const gemini_keywords[] = {
	"$id", "$defs", "$ref", "$anchor", "type", "format", "title", "description",
	"enum", "items", "prefixItems", "minItems", "maxItems", "minimum", "maximum",
	"anyOf", "oneOf", "properties", "additionalProperties", "required",
	"propertyOrdering", "definitions",
};

/* What Gemini's OpenAPI 'parameters' (its Schema type) can express. */
static const char *const gemini_openapi_keywords[] = {
	"type", "format", "title", "description", "enum", "items", "minItems", "maxItems",
	"minimum", "maximum", "anyOf", "properties", "required", "pattern", "nullable",
	"propertyOrdering", "$ref", "$defs", "definitions", "additionalProperties", "const",
};

static int gemini_param_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > 64 || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

static void gemini_openapi_node(struct check *c, const struct jv *s)
{
	const struct jv *v;
	size_t i;

	if ((v = jv_get(s, "enum")) && v->kind == JV_ARRAY)
		for (i = 0; i < v->u.arr.n; i++)
			if (v->u.arr.v[i]->kind != JV_STRING && v->u.arr.v[i]->kind != JV_NULL) {
				violation(c, v->u.arr.v[i], "the OpenAPI 'parameters' form takes "
					  "string enums only (set gemini.parameters: json-schema)");
				break;
			}
	if ((v = jv_get(s, "const")) && v->kind != JV_STRING)
		violation(c, v, "the OpenAPI 'parameters' form has no 'const'; only a string "
			  "const can become a one-value enum");
	if ((v = jv_get(s, "properties")) && v->kind == JV_OBJECT)
		for (i = 0; i < v->u.obj.n; i++)
			if (!gemini_param_name_ok(v->u.obj.v[i].key))
				violation(c, v->u.obj.v[i].val, "parameter name '%s' must start with a "
					  "letter or an underscore, hold only a-z, A-Z, 0-9 and '_', and "
					  "be at most 64 characters", v->u.obj.v[i].key);
}

static void gemini_node(struct check *c, const struct jv *s)
{
	const char *const *known = c->cfg->gemini_openapi ? gemini_openapi_keywords
							  : gemini_keywords;
	size_t nknown = c->cfg->gemini_openapi ? ARRAY_SIZE(gemini_openapi_keywords)
					       : ARRAY_SIZE(gemini_keywords);
	size_t i;

	for (i = 0; i < s->u.obj.n; i++) {
		const struct jv_member *m = &s->u.obj.v[i];

		if (!str_in_list(m->key, known, nknown))
			violation(c, m->val, "'%s' is not among the keywords the %s supports "
				  "(it would be ignored and the constraint lost)", m->key, c->target->api);
	}
	if (c->cfg->gemini_openapi)
		gemini_openapi_node(c, s);
}

unsigned target_check_schema(enum target t, const struct jv *params, int strict,
			     const struct ts_config *cfg, struct diag *d)
{
	struct check c = { target_info(t), params, cfg, strict, d, STRBUF_INIT, NULL, 0, 0, 0 };
	const struct jv *type = jv_get(params, "type");

	if (t == TARGET_ANTHROPIC && (!type || type->kind != JV_STRING ||
				      strcmp(type->u.str.ptr, "object")))
		violation(&c, type ? type : params, "input_schema must be \"type\": \"object\"");
	if (t == TARGET_ANTHROPIC && strict)
		walk(&c, params, claude_node);
	else if (t == TARGET_GEMINI)
		walk(&c, params, gemini_node);
	strbuf_release(&c.ptr);
	free(c.stack);
	return c.errors;
}

/*
 * Function names: OpenAI's ^[a-zA-Z0-9_-]{1,64}$ is checked for every
 * key; Claude documents the same pattern.  Gemini's must start with a
 * letter or an underscore (a-z, A-Z, 0-9, '_', '.', ':', '-'; at most 128).
 */
int target_check_name(enum target t, const char *fn, struct strbuf *why)
{
	if (t == TARGET_GEMINI && !(isalpha((unsigned char)fn[0]) || fn[0] == '_')) {
		strbuf_addstr(why, "a Gemini function name must start with a letter or an underscore");
		return -1;
	}
	return 0;
}

/* ---- bundle entries --------------------------------------------------- */

static void copy_member(struct jv *to, const char *as, const struct jv *from, const char *key)
{
	const struct jv *v = jv_get(from, key);

	if (v)
		jv_set(to, as, jv_copy(v));
}

static const char *const gemini_type_names[][2] = {
	{ "string", "STRING" }, { "number", "NUMBER" }, { "integer", "INTEGER" },
	{ "boolean", "BOOLEAN" }, { "array", "ARRAY" }, { "object", "OBJECT" },
	{ "null", "NULL" },
};

static struct jv *gemini_type(const char *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gemini_type_names); i++)
		if (!strcmp(t, gemini_type_names[i][0]))
			return jv_string(gemini_type_names[i][1]);
	return jv_string("TYPE_UNSPECIFIED");
}

/* Schema.minItems and maxItems are int64: strings in Google's JSON mapping. */
static struct jv *int64_string(const struct jv *v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.0f", v->u.number);
	return jv_string(buf);
}

#define GEMINI_DEPTH_MAX 64

static struct jv *to_openapi(const struct jv *root, const struct jv *s, unsigned depth);

static int is_null_type(const struct jv *s)
{
	const struct jv *t = jv_get(s, "type");

	return s->kind == JV_OBJECT && t && t->kind == JV_STRING && !strcmp(t->u.str.ptr, "null");
}

/* {anyOf: [S, {type: null}]} is S made nullable; a wider union stays anyOf. */
static void openapi_any_of(struct jv *out, const struct jv *root, const struct jv *any,
			   unsigned depth)
{
	struct jv *list = jv_array(), *one;
	size_t i, n = 0;

	for (i = 0; i < any->u.arr.n; i++) {
		if (is_null_type(any->u.arr.v[i]))
			jv_set(out, "nullable", jv_bool(1));
		else
			jv_append(list, to_openapi(root, any->u.arr.v[i], depth + 1)), n++;
	}
	if (n == 1) {
		one = list->u.arr.v[0];
		for (i = 0; i < one->u.obj.n; i++)
			if (!jv_get(out, one->u.obj.v[i].key))
				jv_set(out, one->u.obj.v[i].key, jv_copy(one->u.obj.v[i].val));
		jv_free(list);
	} else {
		jv_set(out, "anyOf", list);
	}
}

static void openapi_type(struct jv *out, const struct jv *t)
{
	size_t i;

	if (t->kind == JV_STRING) {
		jv_set(out, "type", gemini_type(t->u.str.ptr));
		return;
	}
	for (i = 0; t->kind == JV_ARRAY && i < t->u.arr.n; i++) {
		const struct jv *x = t->u.arr.v[i];

		if (x->kind != JV_STRING)
			continue;
		if (!strcmp(x->u.str.ptr, "null"))
			jv_set(out, "nullable", jv_bool(1));
		else if (!jv_get(out, "type"))
			jv_set(out, "type", gemini_type(x->u.str.ptr));
	}
}

static void openapi_properties(struct jv *out, const struct jv *root, const struct jv *p,
			       unsigned depth)
{
	struct jv *props = jv_object(), *order = jv_array();
	size_t i;

	for (i = 0; i < p->u.obj.n; i++) {
		jv_set(props, p->u.obj.v[i].key, to_openapi(root, p->u.obj.v[i].val, depth + 1));
		jv_append(order, jv_string(p->u.obj.v[i].key));
	}
	jv_set(out, "properties", props);
	/* Gemini orders properties alphabetically unless told: keep the template's */
	jv_set(out, "propertyOrdering", order);
}

/*
 * A JSON Schema (strict-checked, and checked by gemini_openapi_node) in
 * the OpenAPI subset of Gemini's Schema type: local $refs inlined, types
 * in capitals, null as "nullable", what Schema cannot hold left out.
 */
static struct jv *to_openapi(const struct jv *root, const struct jv *s, unsigned depth)
{
	struct jv *out = jv_object();
	const struct jv *v, *to;

	if (!s || s->kind != JV_OBJECT || depth > GEMINI_DEPTH_MAX)
		return out;
	if ((v = jv_get(s, "$ref")) && (to = resolve(root, v))) {
		jv_free(out);
		out = to_openapi(root, to, depth + 1);
		copy_member(out, "description", s, "description");
		return out;
	}
	if ((v = jv_get(s, "type")))
		openapi_type(out, v);
	copy_member(out, "format", s, "format");
	copy_member(out, "title", s, "title");
	copy_member(out, "description", s, "description");
	copy_member(out, "pattern", s, "pattern");
	copy_member(out, "minimum", s, "minimum");
	copy_member(out, "maximum", s, "maximum");
	if ((v = jv_get(s, "minItems")) && v->kind == JV_NUMBER)
		jv_set(out, "minItems", int64_string(v));
	if ((v = jv_get(s, "maxItems")) && v->kind == JV_NUMBER)
		jv_set(out, "maxItems", int64_string(v));
	if ((v = jv_get(s, "enum")) && v->kind == JV_ARRAY) {
		struct jv *e = jv_array();
		size_t i;

		for (i = 0; i < v->u.arr.n; i++)
			if (v->u.arr.v[i]->kind == JV_NULL)
				jv_set(out, "nullable", jv_bool(1));
			else
				jv_append(e, jv_copy(v->u.arr.v[i]));
		jv_set(out, "enum", e);
	}
	if ((v = jv_get(s, "const")) && v->kind == JV_STRING) {
		struct jv *e = jv_array();

		jv_append(e, jv_copy(v));
		jv_set(out, "enum", e);
	}
	if ((v = jv_get(s, "items")) && v->kind == JV_OBJECT)
		jv_set(out, "items", to_openapi(root, v, depth + 1));
	if ((v = jv_get(s, "properties")) && v->kind == JV_OBJECT)
		openapi_properties(out, root, v, depth);
	copy_member(out, "required", s, "required");
	if ((v = jv_get(s, "anyOf")) && v->kind == JV_ARRAY)
		openapi_any_of(out, root, v, depth);
	return out;
}

struct jv *target_entry(enum target t, const struct jv *tool, const struct ts_config *cfg)
{
	struct jv *r = jv_object(), *fn;
	const struct jv *strict = jv_get(tool, "strict");

	switch (t) {
	case TARGET_RESPONSES:
		jv_free(r);
		return jv_copy(tool);
	case TARGET_CHAT:
		jv_set(r, "type", jv_string("function"));
		fn = jv_object();
		copy_member(fn, "name", tool, "name");
		copy_member(fn, "description", tool, "description");
		copy_member(fn, "parameters", tool, "parameters");
		copy_member(fn, "strict", tool, "strict");
		jv_set(r, "function", fn);
		return r;
	case TARGET_MCP:
		copy_member(r, "name", tool, "name");
		copy_member(r, "description", tool, "description");
		copy_member(r, "inputSchema", tool, "parameters");
		return r;
	case TARGET_ANTHROPIC:
		copy_member(r, "name", tool, "name");
		copy_member(r, "description", tool, "description");
		copy_member(r, "input_schema", tool, "parameters");
		if (strict && strict->kind == JV_BOOL && strict->u.boolean)
			jv_set(r, "strict", jv_bool(1));
		return r;
	case TARGET_GEMINI:
		copy_member(r, "name", tool, "name");
		copy_member(r, "description", tool, "description");
		if (cfg->gemini_openapi) {
			const struct jv *p = jv_get(tool, "parameters");

			jv_set(r, "parameters", to_openapi(p, p, 0));
		} else {
			copy_member(r, "parametersJsonSchema", tool, "parameters");
		}
		return r;
	}
	BUG("unknown target %d", (int)t);
}

const char *target_entry_name(enum target t, const struct jv *entry)
{
	const struct jv *name;

	if (t == TARGET_CHAT)
		entry = jv_get(entry, "function");
	name = jv_get(entry, "name");
	/* "a\u0000b" is not "a": a name cut at its NUL would pass for another */
	if (!name || name->kind != JV_STRING || strlen(name->u.str.ptr) != name->u.str.len)
		return NULL;
	return name->u.str.ptr;
}
