/* SPDX-License-Identifier: Apache-2.0 */
/*
 * import.c: the tools of an OpenAI tools array, an MCP tools/list result
 * or a bare JSON Schema (the shapes are described in import.h).
 */
#include "toolsync/import.h"

/* Where each shape keeps a tool's parts. */
struct shape {
	const char *what;       /* for messages */
	const char *params;     /* the member holding the schema */
	int nested;             /* the parts are inside "function" (Chat) */
};

static const struct shape chat_shape = { "an OpenAI Chat tool", "parameters", 1 };
static const struct shape responses_shape = { "an OpenAI Responses tool", "parameters", 0 };
static const struct shape mcp_shape = { "an MCP tool", "inputSchema", 0 };

static const struct shape *tool_shape(const struct jv *t)
{
	if (jv_get(t, "function"))
		return &chat_shape;
	if (jv_get(t, "inputSchema"))
		return &mcp_shape;
	if (jv_get(t, "name"))
		return &responses_shape;
	return NULL;
}

static int add_tool(struct import_list *out, const char *name, const struct jv *desc,
		    const struct jv *params, int strict, const struct srcloc *loc)
{
	struct import_tool *t;

	ALLOC_GROW(out->v, out->n, out->alloc);
	t = &out->v[out->n++];
	t->name = xstrdup(name);
	t->description = xstrdup(desc && desc->kind == JV_STRING ? desc->u.str.ptr : "");
	t->parameters = params ? jv_copy(params) : jv_object();
	if (!params) {
		jv_set(t->parameters, "type", jv_string("object"));
		jv_set(t->parameters, "properties", jv_object());
	}
	t->strict = strict;
	t->loc = *loc;
	return 0;
}

/* A member that must be a string (or absent, when optional). */
static int check_string(const struct jv *v, const char *what, int required, struct diag *d,
			const struct srcloc *at)
{
	if (!v && !required)
		return 0;
	if (v && v->kind == JV_STRING && memchr(v->u.str.ptr, 0, v->u.str.len)) {
		diag_error(d, &v->loc, "%s holds a NUL byte", what);
		return -1;
	}
	if (v && v->kind == JV_STRING && (!required || v->u.str.len))
		return 0;
	diag_error(d, v ? &v->loc : at, "%s must be a non-empty string", what);
	return -1;
}

static unsigned read_tool(const struct jv *t, struct import_list *out, struct diag *d)
{
	const struct shape *s = t->kind == JV_OBJECT ? tool_shape(t) : NULL;
	const struct jv *fn = t, *name, *desc, *params, *strict;

	if (!s) {
		diag_error(d, &t->loc, "not a tool: expected an object with 'function' (Chat), "
			   "'name' and 'parameters' (Responses) or 'name' and 'inputSchema' (MCP)");
		return 1;
	}
	if (s->nested && (fn = jv_get(t, "function"))->kind != JV_OBJECT) {
		diag_error(d, &fn->loc, "'function' of %s must be an object", s->what);
		return 1;
	}
	name = jv_get(fn, "name");
	desc = jv_get(fn, "description");
	params = jv_get(fn, s->params);
	strict = jv_get(fn, "strict");
	if (check_string(name, "'name'", 1, d, &fn->loc) ||
	    check_string(desc, "'description'", 0, d, &fn->loc))
		return 1;
	if (params && params->kind != JV_OBJECT) {
		diag_error(d, &params->loc, "'%s' of %s must be an object (a JSON Schema)",
			   s->params, s->what);
		return 1;
	}
	if (strict && strict->kind != JV_BOOL && strict->kind != JV_NULL) {
		diag_error(d, &strict->loc, "'strict' must be true or false");
		return 1;
	}
	return (unsigned)add_tool(out, name->u.str.ptr, desc, params,
				  strict && strict->kind == JV_BOOL ? strict->u.boolean : -1, &t->loc);
}

static unsigned read_tools(const struct jv *arr, struct import_list *out, struct diag *d)
{
	unsigned errors = 0;
	size_t i;

	for (i = 0; i < arr->u.arr.n; i++)
		errors += read_tool(arr->u.arr.v[i], out, d);
	return errors;
}

/* The name of a bare schema's tool: --name, its title, or the file's base name. */
static char *schema_tool_name(const struct jv *schema, const char *file, const char *hint)
{
	const struct jv *title = jv_get(schema, "title");
	const char *base = strrchr(file, '/');
	char *name, *dot;

	if (hint)
		return xstrdup(hint);
	if (title && title->kind == JV_STRING && title->u.str.len &&
	    !memchr(title->u.str.ptr, 0, title->u.str.len))
		return xstrdup(title->u.str.ptr);
	name = xstrdup(base ? base + 1 : file);
	if ((dot = strchr(name, '.')) && dot != name)
		*dot = '\0';
	return name;
}

/* A bare JSON Schema: its description becomes the tool's. */
static unsigned read_schema(const struct jv *doc, const char *file, const char *hint,
			    struct import_list *out)
{
	struct jv *copy = jv_copy(doc), *desc = jv_take(copy, "description");
	char *name = schema_tool_name(doc, file, hint);

	add_tool(out, name, desc, copy, -1, &doc->loc);
	free(name);
	jv_free(desc);
	jv_free(copy);
	return 0;
}

/* A YAML template cannot hold a NUL byte (the YAML reader refuses it). */
static unsigned check_nul(const struct jv *v, struct diag *d)
{
	unsigned errors = 0;
	size_t i;

	if (v->kind == JV_STRING && memchr(v->u.str.ptr, 0, v->u.str.len)) {
		diag_error(d, &v->loc, "a string holds a NUL byte, which a template cannot hold");
		return 1;
	}
	for (i = 0; v->kind == JV_ARRAY && i < v->u.arr.n; i++)
		errors += check_nul(v->u.arr.v[i], d);
	for (i = 0; v->kind == JV_OBJECT && i < v->u.obj.n; i++)
		errors += check_nul(v->u.obj.v[i].val, d);
	return errors;
}

static unsigned read_any(const struct jv *doc, const char *file, const char *name_hint,
			 struct import_list *out, struct diag *d);

unsigned import_read(const struct jv *doc, const char *file, const char *name_hint,
		     struct import_list *out, struct diag *d)
{
	size_t before = out->n;
	unsigned errors = read_any(doc, file, name_hint, out, d);

	for (; before < out->n; before++)
		errors += check_nul(out->v[before].parameters, d);
	return errors;
}

static unsigned read_any(const struct jv *doc, const char *file, const char *name_hint,
			 struct import_list *out, struct diag *d)
{
	const struct jv *tools = NULL, *result;

	if (doc->kind == JV_ARRAY)
		return read_tools(doc, out, d);
	if (doc->kind == JV_OBJECT) {
		if ((result = jv_get(doc, "result")) && result->kind == JV_OBJECT)
			tools = jv_get(result, "tools");   /* a JSON-RPC response */
		else
			tools = jv_get(doc, "tools");
		if (tools && tools->kind == JV_ARRAY)
			return read_tools(tools, out, d);
		if (!tools && (jv_get(doc, "type") || jv_get(doc, "properties") ||
			       jv_get(doc, "$schema")))
			return read_schema(doc, file, name_hint, out);
	}
	diag_error(d, tools ? &tools->loc : &doc->loc,
		   "not a tools file: expected an OpenAI tools array, an MCP tools/list "
		   "result ({\"tools\": [...]}) or a JSON Schema (an object with 'type')");
	return 1;
}

void import_list_release(struct import_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].description);
		jv_free(l->v[i].parameters);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
