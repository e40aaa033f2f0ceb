/* SPDX-License-Identifier: Apache-2.0 */
/*
 * segments.c: JSON texts compiled into byte segments with holes, and
 * rendered per row by concatenation (see segments.h).
 */
#include "toolsync/registry.h"
#include "toolsync/segments.h"

#define MARK 0xff

/* "\xff" and a letter per hole: bytes the JSON writer copies as they are. */
static const char *const markers[HOLE_COUNT] = {
	[HOLE_KEY] = "\xff" "K",
	[HOLE_NAME] = "\xff" "N",
	[HOLE_MIN_ROLE] = "\xff" "R",
	[HOLE_STANDARDS] = "\xff" "S",
	[HOLE_STANDARDS_ARRAY] = "\xff" "A",
};

const char *segment_marker(enum hole h)
{
	return markers[h];
}

static int hole_of(char letter)
{
	int h;

	for (h = 0; h < HOLE_COUNT; h++)
		if (markers[h][1] == letter)
			return h;
	return -1;
}

/* The indent level of the line that p is on (two spaces a level). */
static int indent_at(const char *start, const char *p)
{
	const char *line = p;

	while (line > start && line[-1] != '\n')
		line--;
	return (int)(strspn(line, " ") / 2);
}

static void add_segment(struct segprog *prog, size_t off, size_t len, int hole, int indent)
{
	prog->v[prog->n++] = (struct segment){ off, len, hole, indent };
}

/* Bytes MARK in s[0..len): a bound on the holes (one segment each, and the tail). */
static size_t count_marks(const char *s, size_t len)
{
	const char *p, *end = s + len;
	size_t n = 0;

	for (; (p = memchr(s, MARK, (size_t)(end - s))); s = p + 1)
		n++;
	return n;
}

int segprog_compile(struct segprog *prog, const struct strbuf *text, enum json_style style,
		    size_t skip_head, size_t skip_tail, struct strpool *pool)
{
	const char *s = text->buf + skip_head, *end = text->buf + text->len - skip_tail, *p;
	size_t len = 0, nseg, size;
	char *lit;

	memset(prog, 0, sizeof(*prog));
	if (skip_head + skip_tail > text->len)
		BUG("segprog_compile: skipping more than the text");
	nseg = count_marks(s, (size_t)(end - s)) + 1;
	/*
	 * Sized once, exactly, in one block (the segments, then the
	 * literal bytes): a template's forms are compiled once each and
	 * kept, for as many as 100,000 templates (docs/performance.md),
	 * where a pool keeps them apart from the trees freed meanwhile.
	 */
	size = st_add(st_mult(nseg, sizeof(*prog->v)), (size_t)(end - s) + 1);
	prog->v = strpool_alloc(pool, size);
	prog->text = lit = (char *)(prog->v + nseg);
	while ((p = memchr(s, MARK, (size_t)(end - s)))) {
		int h = p + 1 < end ? hole_of(p[1]) : -1, value = h == HOLE_STANDARDS_ARRAY;
		size_t off = len, n = (size_t)(p - s) - (size_t)value;

		/* a value hole replaces the whole string literal, quotes and all */
		if (h < 0 || (value && (p == s || p[-1] != '"' || p + 2 >= end || p[2] != '"'))) {
			memset(prog, 0, sizeof(*prog));   /* its bytes stay in the pool */
			return -1;
		}
		memcpy(lit + len, s, n);
		len += n;
		add_segment(prog, off, n, h,
			    value && style == JSON_PRETTY ? indent_at(text->buf, p) : -1);
		s = p + 2 + value;
	}
	add_segment(prog, len, (size_t)(end - s), -1, -1);
	memcpy(lit + len, s, (size_t)(end - s));
	lit[len + (size_t)(end - s)] = '\0';
	return 0;
}

/* Bytes json_write_string() escapes. */
static int needs_escape(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\')
			return 1;
	}
	return 0;
}

void segment_add_escaped(struct strbuf *out, const char *s, size_t len)
{
	size_t at = out->len;

	if (!needs_escape(s, len)) {
		strbuf_add(out, s, len);
		return;
	}
	/* one escaping rule: the writer's, with its quotes taken off */
	json_write_string(out, s, len);
	memmove(out->buf + at, out->buf + at + 1, out->len - at - 2);
	strbuf_setlen(out, out->len - 2);
}

/*
 * ${standards}: the standards joined by ", ", or "none" for a row without
 * any (docs/design-notes.md).
 */
static void standards_text(struct strbuf *out, const struct strlist *standards)
{
	size_t i;

	for (i = 0; i < standards->n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, standards->v[i]);
	}
	if (!standards->n)
		strbuf_addstr(out, "none");
}

void segvals_set(struct segvals *vals, const char *key, const char *min_role,
		 const struct strlist *standards)
{
	int h;

	for (h = 0; h < HOLE_STRINGS; h++) {
		strbuf_reset(&vals->raw[h]);
		strbuf_reset(&vals->text[h]);
	}
	strbuf_addstr(&vals->raw[HOLE_KEY], key);
	strbuf_addstr(&vals->raw[HOLE_NAME], key);
	key_function_name(vals->raw[HOLE_NAME].buf, key);
	strbuf_addstr(&vals->raw[HOLE_MIN_ROLE], min_role);
	standards_text(&vals->raw[HOLE_STANDARDS], standards);
	for (h = 0; h < HOLE_STRINGS; h++)
		segment_add_escaped(&vals->text[h], vals->raw[h].buf, vals->raw[h].len);
	vals->standards = standards;
}

void segvals_markers(struct segvals *vals)
{
	int h;

	for (h = 0; h < HOLE_STRINGS; h++) {
		strbuf_reset(&vals->raw[h]);
		strbuf_addstr(&vals->raw[h], markers[h]);
		strbuf_reset(&vals->text[h]);
		strbuf_addstr(&vals->text[h], markers[h]);
	}
	vals->standards = NULL;
}

void segvals_release(struct segvals *vals)
{
	int h;

	for (h = 0; h < HOLE_STRINGS; h++) {
		strbuf_release(&vals->raw[h]);
		strbuf_release(&vals->text[h]);
	}
}

/* The standards array as json_write() writes it at this indent level. */
static void render_standards(struct strbuf *out, const struct strlist *standards, int indent)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < standards->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		if (indent >= 0) {
			strbuf_addch(out, '\n');
			strbuf_addchars(out, ' ', 2 * (size_t)(indent + 1));
		}
		strbuf_addch(out, '"');
		segment_add_escaped(out, standards->v[i], strlen(standards->v[i]));
		strbuf_addch(out, '"');
	}
	if (standards->n && indent >= 0) {
		strbuf_addch(out, '\n');
		strbuf_addchars(out, ' ', 2 * (size_t)indent);
	}
	strbuf_addch(out, ']');
}

void segprog_render(struct strbuf *out, const struct segprog *prog, const struct segvals *vals)
{
	size_t i;

	for (i = 0; i < prog->n; i++) {
		const struct segment *sg = &prog->v[i];

		strbuf_add(out, prog->text + sg->off, sg->len);
		if (sg->hole < 0)
			break;
		if (sg->hole == HOLE_STANDARDS_ARRAY)
			render_standards(out, vals->standards, sg->indent);
		else
			strbuf_addbuf(out, &vals->text[sg->hole]);
	}
}
