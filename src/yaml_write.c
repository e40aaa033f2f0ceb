/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yaml_write.c: a JSON value as block-style YAML, for the templates that
 * `toolsync import` writes.
 *
 * Strings are always double-quoted (no YAML 1.1 surprise turns "no",
 * "null" or "1e3" into something else) with the escapes libyaml reads;
 * keys are plain when they are safe identifiers.  Reading the output with
 * toolsync's YAML reader gives the same value back.
 */
#include "toolsync/import.h"
#include "toolsync/number.h"

static void put_indent(struct strbuf *out, int indent)
{
	int i;

	for (i = 0; i < indent; i++)
		strbuf_addch(out, ' ');
}

/* One code point of valid UTF-8 at s (n bytes). */
static unsigned decode(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0];
	if (n == 2)
		return (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
	if (n == 3)
		return (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
	return (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
}

/* Characters YAML does not allow raw in a document (or would fold). */
static int needs_escape(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

void yaml_write_string(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	strbuf_addch(out, '"');
	while (p < end) {
		size_t n = utf8_seq(p, (size_t)(end - p));
		unsigned cp = n ? decode(p, n) : *p;

		if (!n)
			n = 1;   /* jv strings are valid UTF-8; a stray byte is escaped */
		if (cp == '"' || cp == '\\')
			strbuf_addf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			strbuf_addstr(out, "\\n");
		else if (cp == '\t')
			strbuf_addstr(out, "\\t");
		else if (needs_escape(cp) || (n == 1 && cp >= 0x80))
			strbuf_addf(out, cp > 0xff ? "\\u%04X" : "\\x%02X", cp);
		else
			strbuf_add(out, p, n);
		p += n;
	}
	strbuf_addch(out, '"');
}

/* A key or string that reads back as the same string when written plain. */
static int plain_key(const char *k)
{
	static const char *const reserved[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null",
	};
	size_t i;

	if (!*k || !(isalpha((unsigned char)*k) || *k == '_' || *k == '$'))
		return 0;
	for (i = 1; k[i]; i++)
		if (!isalnum((unsigned char)k[i]) && !strchr("_$.-", k[i]))
			return 0;
	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!strcasecmp(k, reserved[i]))
			return 0;
	return 1;
}

void yaml_write_scalar(struct strbuf *out, const char *s, size_t len)
{
	if (strlen(s) == len && plain_key(s))
		strbuf_add(out, s, len);
	else
		yaml_write_string(out, s, len);
}

static int is_scalar(const struct jv *v)
{
	return v->kind != JV_ARRAY && v->kind != JV_OBJECT;
}

/* A scalar, or an empty or all-scalar array, fits on one line. */
static int inline_value(const struct jv *v)
{
	size_t i;

	if (v->kind == JV_OBJECT)
		return v->u.obj.n == 0;
	if (v->kind != JV_ARRAY)
		return 1;
	for (i = 0; i < v->u.arr.n; i++)
		if (!is_scalar(v->u.arr.v[i]))
			return 0;
	return 1;
}

static void put_inline(struct strbuf *out, const struct jv *v)
{
	size_t i;

	switch (v->kind) {
	case JV_NULL: strbuf_addstr(out, "null"); break;
	case JV_BOOL: strbuf_addstr(out, v->u.boolean ? "true" : "false"); break;
	case JV_NUMBER: number_write(out, v->u.number); break;
	case JV_STRING: yaml_write_scalar(out, v->u.str.ptr, v->u.str.len); break;
	case JV_OBJECT: strbuf_addstr(out, "{}"); break;
	case JV_ARRAY:
		strbuf_addch(out, '[');
		for (i = 0; i < v->u.arr.n; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			put_inline(out, v->u.arr.v[i]);
		}
		strbuf_addch(out, ']');
		break;
	}
}

/* first_inline: the first line's indent is written already ("- "). */
static void write_block(struct strbuf *out, const struct jv *v, int indent, int first_inline)
{
	size_t i;

	if (v->kind == JV_OBJECT) {
		for (i = 0; i < v->u.obj.n; i++) {
			const struct jv *val = v->u.obj.v[i].val;

			if (i || !first_inline)
				put_indent(out, indent);
			yaml_write_scalar(out, v->u.obj.v[i].key, strlen(v->u.obj.v[i].key));
			strbuf_addch(out, ':');
			if (inline_value(val)) {
				strbuf_addch(out, ' ');
				put_inline(out, val);
				strbuf_addch(out, '\n');
			} else {
				strbuf_addch(out, '\n');
				write_block(out, val, indent + 2, 0);
			}
		}
	} else if (v->kind == JV_ARRAY) {
		for (i = 0; i < v->u.arr.n; i++) {
			const struct jv *item = v->u.arr.v[i];

			put_indent(out, indent);
			strbuf_addstr(out, "- ");
			if (inline_value(item)) {
				put_inline(out, item);
				strbuf_addch(out, '\n');
			} else {
				write_block(out, item, indent + 2, item->kind == JV_OBJECT);
			}
		}
	} else {
		if (!first_inline)
			put_indent(out, indent);
		put_inline(out, v);
		strbuf_addch(out, '\n');
	}
}

void yaml_write(struct strbuf *out, const struct jv *v, int indent)
{
	write_block(out, v, indent, 0);
}
