/* SPDX-License-Identifier: Apache-2.0 */
/*
 * import.h: tool definitions from elsewhere, turned into templates.
 *
 * `toolsync import` reads an OpenAI tools array (Chat Completions or
 * Responses shape), an MCP tools/list result or a bare JSON Schema, and
 * writes one template and one registry row per tool.  With --fix a schema
 * is made strict the way OpenAI's Agents SDK does it (schemafix.c).
 */
#ifndef TOOLSYNC_IMPORT_H
#define TOOLSYNC_IMPORT_H

#include <ctype.h>
#include <strings.h>

#include "toolsync/json.h"

/* One tool found in an input file. */
struct import_tool {
	char *name;             /* the function name */
	char *description;      /* "" when the input has none */
	struct jv *parameters;  /* owned; an object */
	int strict;             /* the input's "strict", or -1 when absent */
	struct srcloc loc;      /* where the tool (or the schema) is */
};

struct import_list {
	struct import_tool *v;
	size_t n, alloc;
};

/*
 * Append the tools of doc, the parsed file `file`, to out.  The shape is
 * recognized from the value: an array of tools (each {"type": "function",
 * "function": {...}} as Chat takes them, {"type": "function", "name": ...}
 * as Responses takes them, or an MCP tool {"name", "inputSchema"}), an
 * object with "tools" (MCP tools/list, also inside a JSON-RPC "result"),
 * or a JSON Schema whose tool is named by name_hint (NULL: the schema's
 * title, else the file name without its extension).  Problems are
 * reported to d at the node; returns the number of errors.
 */
unsigned import_read(const struct jv *doc, const char *file, const char *name_hint,
		     struct import_list *out, struct diag *d);
void import_list_release(struct import_list *l);

/*
 * --fix: make schema strict as the Agents SDK's ensure_strict_json_schema
 * does, and a little more: additionalProperties false on every object,
 * every property required (an optional one made nullable), allOf with one
 * member merged, oneOf read as anyOf, keywords strict mode refuses moved
 * into the description (minLength, default, ...) or dropped ($schema,
 * $id, ...).  Each change is passed to report with the node's location
 * and a pointer below "parameters".  Returns the number of changes.
 */
typedef void (*schema_fix_report)(void *ctx, const struct srcloc *loc, const char *pointer,
				  const char *what);
unsigned schema_fix(struct jv *schema, schema_fix_report report, void *ctx);

/*
 * v as block-style YAML at indent spaces, strings double-quoted
 * (yaml_write_string: with YAML's escapes).
 */
void yaml_write(struct strbuf *out, const struct jv *v, int indent);
void yaml_write_string(struct strbuf *out, const char *s, size_t len);
/* s plain when it reads back as the same string (type, city), else quoted. */
void yaml_write_scalar(struct strbuf *out, const char *s, size_t len);

#endif
