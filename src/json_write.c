/* json_write.c: JSON writers, pretty and RFC 8785 (JCS). */
#include "toolsync/json.h"
#include "toolsync/number.h"

/* Bytes a JSON string can hold as they are: not '"', '\\' or a control. */
static int plain_byte(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\';
}

void json_write_string(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	strbuf_grow(out, len + 2);
	strbuf_addch(out, '"');
	while (i < len) {
		size_t run = i;
		unsigned char c;

		while (run < len && plain_byte((unsigned char)s[run]))
			run++;
		strbuf_add(out, s + i, run - i);   /* the common case: copied as a block */
		if ((i = run) == len)
			break;
		switch ((c = (unsigned char)s[i++])) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\b': strbuf_addstr(out, "\\b"); break;
		case '\f': strbuf_addstr(out, "\\f"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default:
			strbuf_addstr(out, "\\u00");
			strbuf_addch(out, hex[c >> 4]);
			strbuf_addch(out, hex[c & 15]);
		}
	}
	strbuf_addch(out, '"');
}

/* Compare two UTF-8 strings by their UTF-16 code units (RFC 8785 3.2.3). */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t cp;
	size_t n = utf8_seq(s, 4), i;

	if (n <= 1) {
		*p = s + 1;
		return s[0];
	}
	cp = s[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	*p = s + n;
	return cp;
}

static int cmp_utf16(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p && *q) {
		uint32_t x = next_cp(&p), y = next_cp(&q);
		/* Above the BMP, compare the high surrogate, which sorts below U+E000. */
		uint32_t ux = x >= 0x10000 ? 0xd800 + ((x - 0x10000) >> 10) : x;
		uint32_t uy = y >= 0x10000 ? 0xd800 + ((y - 0x10000) >> 10) : y;

		if (ux != uy)
			return ux < uy ? -1 : 1;
		if (x != y)
			return x < y ? -1 : 1;
	}
	return *p ? 1 : *q ? -1 : 0;
}

static int cmp_member_ptr(const void *a, const void *b)
{
	const struct jv_member *x = *(const struct jv_member *const *)a;
	const struct jv_member *y = *(const struct jv_member *const *)b;

	return cmp_utf16(x->key, y->key);
}

static void write_value(struct strbuf *out, const struct jv *v, enum json_style style,
			unsigned indent);

static void newline(struct strbuf *out, enum json_style style, unsigned indent)
{
	if (style != JSON_PRETTY)
		return;
	strbuf_addch(out, '\n');
	strbuf_addchars(out, ' ', 2 * (size_t)indent);
}

static void write_array(struct strbuf *out, const struct jv *v, enum json_style style,
			unsigned indent)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < v->u.arr.n; i++) {
		if (i)
			strbuf_addch(out, ',');
		newline(out, style, indent + 1);
		write_value(out, v->u.arr.v[i], style, indent + 1);
	}
	if (v->u.arr.n)
		newline(out, style, indent);
	strbuf_addch(out, ']');
}

static void write_member(struct strbuf *out, const struct jv_member *m, int first,
			 enum json_style style, unsigned indent)
{
	if (!first)
		strbuf_addch(out, ',');
	newline(out, style, indent + 1);
	json_write_string(out, m->key, strlen(m->key));
	strbuf_addstr(out, style == JSON_PRETTY ? ": " : ":");
	write_value(out, m->val, style, indent + 1);
}

static void write_object(struct strbuf *out, const struct jv *v, enum json_style style,
			 unsigned indent)
{
	const struct jv_member **m = NULL;
	size_t i, n = v->u.obj.n;

	strbuf_addch(out, '{');
	if (style == JSON_CANONICAL && n > 1) {
		/* RFC 8785 order, without disturbing the tree */
		m = xmalloc(st_mult(n, sizeof(*m)));
		for (i = 0; i < n; i++)
			m[i] = &v->u.obj.v[i];
		qsort(m, n, sizeof(*m), cmp_member_ptr);
	}
	for (i = 0; i < n; i++)
		write_member(out, m ? m[i] : &v->u.obj.v[i], i == 0, style, indent);
	if (n)
		newline(out, style, indent);
	strbuf_addch(out, '}');
	free(m);
}

static void write_value(struct strbuf *out, const struct jv *v, enum json_style style,
			unsigned indent)
{
	switch (v->kind) {
	case JV_NULL: strbuf_addstr(out, "null"); break;
	case JV_BOOL: strbuf_addstr(out, v->u.boolean ? "true" : "false"); break;
	case JV_NUMBER: number_write(out, v->u.number); break;
	case JV_STRING: json_write_string(out, v->u.str.ptr, v->u.str.len); break;
	case JV_ARRAY: write_array(out, v, style, indent); break;
	case JV_OBJECT: write_object(out, v, style, indent); break;
	}
}

void json_write(struct strbuf *out, const struct jv *v, enum json_style style)
{
	write_value(out, v, style, 0);
	if (style == JSON_PRETTY)
		strbuf_addch(out, '\n');
}
