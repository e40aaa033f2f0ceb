/*
 * pgvalue.c: reading the registry's column values as PostgreSQL prints
 * them (text format), with no server: table-name quoting, the standards
 * column in its three shapes, and row locations.  See source_pg.h.
 *
 * Every parser takes (pointer, length): values come from PQgetvalue() and
 * PQgetlength(), and a value is its bytes.  A NUL byte is refused
 * everywhere: the rows become C strings.
 */
#include <strings.h>

#include "toolsync/registry.h"
#include "toolsync/source_pg.h"
#include "toolsync/json.h"
#include "toolsync/quote.h"

int pgsrc_quote_ident(PGconn *conn, const char *name, struct strbuf *out, struct strbuf *err)
{
	char *q = PQescapeIdentifier(conn, name, strlen(name));
	size_t start = err->len;

	if (!q) {
		strbuf_addf(err, "cannot quote the name '%s': %s", name, PQerrorMessage(conn));
		strbuf_rtrim(err);
		if (err->len == start)
			strbuf_addstr(err, "cannot quote a name");
		return -1;
	}
	strbuf_addstr(out, q);
	PQfreemem(q);
	return 0;
}

int pgsrc_quote_table(PGconn *conn, const char *table, struct strbuf *out, struct strbuf *err)
{
	const char *dot = strchr(table, '.');
	char *schema;
	int ret;

	if (!*table || (dot && (dot == table || !dot[1] || strchr(dot + 1, '.')))) {
		strbuf_addf(err, "registry.table '%s' must be a table name or schema.name", table);
		return -1;
	}
	if (!dot)
		return pgsrc_quote_ident(conn, table, out, err);
	schema = xstrndup(table, (size_t)(dot - table));
	ret = pgsrc_quote_ident(conn, schema, out, err);
	free(schema);
	if (ret)
		return -1;
	strbuf_addch(out, '.');
	return pgsrc_quote_ident(conn, dot + 1, out, err);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* Add s[0..len) as a standard; a NUL byte in it is refused. */
static int add_item(struct strlist *out, const char *s, size_t len, struct strbuf *err)
{
	char *item;

	if (memchr(s, '\0', len)) {
		strbuf_addstr(err, "an item holds a NUL byte");
		return -1;
	}
	item = xmemdupz(s, len);
	strlist_add(out, item);
	free(item);
	return 0;
}

/* A JSON string starting at the quote at *pp, appended to sb (json.h's decoder). */
static int json_string(const char **pp, const char *end, struct strbuf *sb, struct strbuf *err,
		       const char *start)
{
	struct strbuf why = STRBUF_INIT;
	size_t used;
	int ret = json_string_decode(*pp, (size_t)(end - *pp), &used, sb, &why);

	if (ret)
		strbuf_addf(err, "not a JSON array of strings: %s at byte %zu", why.buf,
			    (size_t)(*pp + used - start));
	else
		*pp += used;
	strbuf_release(&why);
	return ret;
}

static int json_fail(struct strbuf *err, const char *what, const char *p, const char *start)
{
	strbuf_addf(err, "not a JSON array of strings: %s at byte %zu", what, (size_t)(p - start));
	return -1;
}

int pgsrc_parse_json(const char *s, size_t len, struct strlist *out, struct strbuf *err)
{
	const char *p = skip_blanks(s, s + len), *end = s + len;
	struct strbuf item = STRBUF_INIT;
	int ret = -1;

	if (p == end || *p != '[')
		return json_fail(err, "no '['", p, s);
	p = skip_blanks(p + 1, end);
	if (p < end && *p == ']')
		goto close;
	for (;;) {
		if (p == end || *p != '"') {
			json_fail(err, "expected a string", p, s);
			goto out;
		}
		strbuf_reset(&item);
		if (json_string(&p, end, &item, err, s) || add_item(out, item.buf, item.len, err))
			goto out;
		p = skip_blanks(p, end);
		if (p < end && *p == ']')
			break;
		if (p == end || *p != ',') {
			json_fail(err, "expected ',' or ']'", p, s);
			goto out;
		}
		p = skip_blanks(p + 1, end);
	}
close:
	p = skip_blanks(p + 1, end);
	if (p != end)
		json_fail(err, "text after the array", p, s);
	else
		ret = 0;
out:
	strbuf_release(&item);
	return ret;
}

/* Skip "[1:3]=" before an array with a lower bound other than 1. */
static int array_skip_bounds(const char **pp, const char *end, struct strbuf *err)
{
	const char *p = *pp, *close;

	if (p == end || *p != '[')
		return 0;
	close = memchr(p, ']', (size_t)(end - p));
	if (!close || close + 1 == end || (close[1] != '=' && close[1] != '[')) {
		strbuf_addstr(err, "not an array literal: bad dimensions");
		return -1;
	}
	if (close[1] == '[') {
		strbuf_addstr(err, "a multi-dimensional array (standards must be a list)");
		return -1;
	}
	*pp = close + 2;
	return 0;
}

/* One element at *pp, quoted or not, appended to sb; *quoted says which. */
static int array_element(const char **pp, const char *end, struct strbuf *sb, int *quoted)
{
	const char *p = *pp;

	*quoted = p < end && *p == '"';
	if (*quoted)
		p++;
	while (p < end) {
		if (*quoted ? *p == '"' : (*p == ',' || *p == '}'))
			break;
		if (!*quoted && (*p == '{' || *p == '"'))
			return -1;
		if (*p == '\\' && ++p == end)
			return -1;
		strbuf_addch(sb, *p++);
	}
	if (p == end)
		return -1;
	if (*quoted)
		p++;
	else
		while (sb->len && is_blank(sb->buf[sb->len - 1]))
			strbuf_setlen(sb, sb->len - 1);
	*pp = p;
	return 0;
}

int pgsrc_parse_array(const char *s, size_t len, struct strlist *out, struct strbuf *err)
{
	const char *p = s, *end = s + len;
	struct strbuf item = STRBUF_INIT;
	int quoted, ret = -1;

	if (array_skip_bounds(&p, end, err))
		return -1;
	if (p == end || *p != '{') {
		strbuf_addstr(err, "not an array literal: no '{'");
		return -1;
	}
	p = skip_blanks(p + 1, end);
	if (p < end && *p == '}')
		goto close;
	for (;;) {
		p = skip_blanks(p, end);
		if (p < end && *p == '{') {
			strbuf_addstr(err, "a multi-dimensional array (standards must be a list)");
			goto out;
		}
		strbuf_reset(&item);
		if (array_element(&p, end, &item, &quoted)) {
			strbuf_addstr(err, "not an array literal: a bad element");
			goto out;
		}
		if (!quoted && !strcasecmp(item.buf, "NULL")) {
			strbuf_addstr(err, "a NULL element");
			goto out;
		}
		if (add_item(out, item.buf, item.len, err))
			goto out;
		p = skip_blanks(p, end);
		if (p < end && *p == '}')
			break;
		if (p == end || *p != ',') {
			strbuf_addstr(err, "not an array literal: expected ',' or '}'");
			goto out;
		}
		p++;
	}
close:
	if (p + 1 != end)
		strbuf_addstr(err, "not an array literal: text after '}'");
	else
		ret = 0;
out:
	strbuf_release(&item);
	return ret;
}

int pgsrc_parse_text(const char *s, size_t len, struct strlist *out, struct strbuf *err)
{
	const char *p = skip_blanks(s, s + len), *end = s + len;

	if (p < end && *p == '[')
		return pgsrc_parse_json(s, len, out, err);
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p)), *stop = comma ? comma : end;
		const char *last = stop;

		while (last > p && is_blank(last[-1]))
			last--;
		if (last == p) {
			strbuf_addstr(err, "an empty item in the comma-separated list");
			return -1;
		}
		if (add_item(out, p, (size_t)(last - p), err))
			return -1;
		if (!comma)
			break;
		p = skip_blanks(comma + 1, end);
		if (p == end) {
			strbuf_addstr(err, "an empty item in the comma-separated list");
			return -1;
		}
	}
	return 0;
}

void pgsrc_row_where(struct strbuf *out, const char *table, const char *key, size_t keylen)
{
	strbuf_addf(out, "table %s, key '", table);
	quote_add(out, key, keylen, QUOTE_MAX);
	strbuf_addch(out, '\'');
}

const char *pgsrc_conninfo(const char *registry)
{
	if (!strcmp(registry, "postgresql://") || !strcmp(registry, "postgres://"))
		return "";
	return registry;
}
