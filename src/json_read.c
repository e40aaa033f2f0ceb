/* SPDX-License-Identifier: Apache-2.0 */
/* json_read.c: the strict JSON reader with locations, whole or one item at a time. */
#include "toolsync/hashset.h"
#include "toolsync/json.h"
#include "toolsync/number.h"
#include "toolsync/quote.h"
#include "toolsync/utf8.h"

/* Nesting deeper than this is refused rather than risking the stack. */
#define JSON_DEPTH_MAX 512

/* ---- the reader -------------------------------------------------------- */

struct reader {
	const char *p, *start, *end;
	const char *file;
	const char *line_start;
	unsigned line;
	unsigned depth;
	struct jv_budget values;   /* of the document, or of the entry being read */
	struct diag *d;
	int failed;
	/* the column of col_at (on the current line): here() counts on from it */
	const char *col_at;
	unsigned col;
};

/*
 * Columns count characters, not bytes: UTF-8 continuation bytes are
 * skipped.  Counted on from the last position asked for on the same line,
 * so that a minified document (one line of 64 MB) is not counted from its
 * start for every value.
 */
static struct srcloc here(struct reader *r, const char *at, size_t len)
{
	struct srcloc loc = { r->file, r->line, 0, (unsigned)len };

	if (!r->col_at || r->col_at < r->line_start || r->col_at > at) {
		r->col_at = r->line_start;
		r->col = 1;
	}
	if (at > r->col_at)
		r->col += (unsigned)utf8_chars(r->col_at, (size_t)(at - r->col_at));
	r->col_at = at;
	loc.col = r->col;
	return loc;
}

TS_PRINTF(3, 4) static void fail_at(struct reader *r, const char *at, const char *fmt, ...)
{
	struct srcloc loc = here(r, at, 1);
	va_list ap;

	if (r->failed)
		return;   /* after a syntax error, the rest is noise */
	r->failed = 1;
	va_start(ap, fmt);
	diag_verror(r->d, &loc, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end) {
		char c = *r->p;

		if (c == '\n') {
			r->line++;
			r->line_start = r->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		r->p++;
	}
}

/* What stands at r->p, for "unexpected X" messages. */
static const char *describe(const struct reader *r, char buf[8])
{
	unsigned char c;

	if (r->p >= r->end)
		return "end of file";
	c = (unsigned char)*r->p;
	if (c < 0x20 || c >= 0x7f)
		snprintf(buf, 8, "0x%02x", c);
	else
		snprintf(buf, 8, "'%c'", c);
	return buf;
}

/*
 * What JSON users most often get wrong where a value or key should be.
 * A closing bracket there follows a comma (empty lists and objects are
 * read elsewhere), hence the trailing-comma hint, but not after a value.
 */
static const char *hint_at(const struct reader *r, int value_expected)
{
	if (r->p >= r->end)
		return "";
	if (value_expected && (*r->p == ']' || *r->p == '}'))
		return " (a trailing comma is not allowed in JSON)";
	if (*r->p == '/' || *r->p == '#')
		return " (comments are not allowed in JSON)";
	if (*r->p == '\'')
		return " (JSON strings take double quotes)";
	return "";
}

static const char *hint(const struct reader *r)
{
	return hint_at(r, 1);
}

static struct jv *parse_value(struct reader *r);

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A \u escape at *pp (just after the backslash-u), surrogate pairs joined. */
static int decode_unicode(const char **pp, const char *end, struct strbuf *sb, struct strbuf *err)
{
	const char *p = *pp;
	unsigned hi, lo;

	if (end - p < 4 || hex4(p, &hi))
		return strbuf_addstr(err, "bad \\u escape: four hex digits expected"), -1;
	p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return strbuf_addf(err, "unpaired surrogate \\u%04x", hi), -1;
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
		    hex4(p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return strbuf_addf(err, "unpaired surrogate \\u%04x", hi), -1;
		p += 6;
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	strbuf_add_utf8(sb, hi);
	*pp = p;
	return 0;
}

/* One escape at *pp (the backslash); 0, or -1 with the reason. */
static int decode_escape(const char **pp, const char *end, struct strbuf *sb, struct strbuf *err)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p = *pp, *e;

	if (p + 1 >= end)
		return strbuf_addstr(err, "unterminated string"), -1;
	p += 2;
	if (p[-1] == 'u') {
		if (decode_unicode(&p, end, sb, err))
			return -1;
		*pp = p;
		return 0;
	}
	e = p[-1] ? strchr(from, p[-1]) : NULL;
	if (!e)
		return strbuf_addf(err, "bad escape '\\%c'", p[-1]), -1;
	strbuf_addch(sb, to[e - from]);
	*pp = p;
	return 0;
}

int json_string_decode(const char *s, size_t len, size_t *used, struct strbuf *out,
		       struct strbuf *err)
{
	const char *p = s + 1, *end = s + len;
	size_t n;

	while (p < end && *p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c == '\\') {
			if (decode_escape(&p, end, out, err))
				goto fail;
			continue;
		}
		if (c < 0x20) {
			if (c == '\n')
				strbuf_addstr(err, "unterminated string");
			else
				strbuf_addf(err, "control character in a string (write it as \\u%04x)", c);
			goto fail;
		}
		if (!(n = utf8_seq((const unsigned char *)p, (size_t)(end - p)))) {
			strbuf_addstr(err, "invalid UTF-8 in a string");
			goto fail;
		}
		strbuf_add(out, p, n);
		p += n;
	}
	if (p >= end) {
		strbuf_addstr(err, "unterminated string");
		p = s;
		goto fail;
	}
	*used = (size_t)(p + 1 - s);
	return 0;
fail:
	*used = (size_t)(p - s);
	return -1;
}

/* A string at r->p (the opening quote) into sb. */
static int parse_string_into(struct reader *r, struct strbuf *sb)
{
	struct strbuf err = STRBUF_INIT;
	size_t used;
	int ret = json_string_decode(r->p, (size_t)(r->end - r->p), &used, sb, &err);

	if (ret)
		fail_at(r, r->p + used, "%s", err.buf);
	else
		r->p += used;
	strbuf_release(&err);
	return ret;
}

static struct jv *parse_string(struct reader *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct srcloc loc = here(r, r->p, 1);
	const char *start = r->p;
	struct jv *v;

	if (parse_string_into(r, &sb)) {
		strbuf_release(&sb);
		return NULL;
	}
	loc.len = (unsigned)(r->p - start);
	v = jv_new(JV_STRING, &loc);
	free(v->u.str.ptr);
	v->u.str.len = sb.len;
	v->u.str.ptr = strbuf_detach(&sb, NULL);
	return v;
}

/* RFC 8259 number grammar here; which values are accepted is number.c's rule. */
static struct jv *parse_number(struct reader *r)
{
	const char *s = r->p, *q = s;
	struct srcloc loc = here(r, s, 1);
	struct strbuf err = STRBUF_INIT;
	double n;
	struct jv *v;

	if (*q == '-')
		q++;
	if (q < r->end && *q == '0')
		q++;
	else if (q < r->end && *q >= '1' && *q <= '9')
		while (q < r->end && *q >= '0' && *q <= '9')
			q++;
	else
		return fail_at(r, s, "bad number"), NULL;
	if (q < r->end && *q == '.') {
		if (++q >= r->end || *q < '0' || *q > '9')
			return fail_at(r, s, "bad number: digits expected after '.'"), NULL;
		while (q < r->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < r->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < r->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= r->end || *q < '0' || *q > '9')
			return fail_at(r, s, "bad number: digits expected in the exponent"), NULL;
		while (q < r->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < r->end && *q >= '0' && *q <= '9')
		return fail_at(r, s, "bad number: leading zeros are not allowed"), NULL;
	if (number_parse(s, (size_t)(q - s), &n, &err)) {
		fail_at(r, s, "%s", err.buf);
		strbuf_release(&err);
		return NULL;
	}
	loc.len = (unsigned)(q - s);
	r->p = q;
	v = jv_new(JV_NUMBER, &loc);
	v->u.number = n;
	return v;
}

static struct jv *parse_literal(struct reader *r)
{
	char dbuf[8];
	static const struct { const char *word; enum jv_kind kind; int b; } lits[] = {
		{ "true", JV_BOOL, 1 }, { "false", JV_BOOL, 0 }, { "null", JV_NULL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lits); i++) {
		size_t n = strlen(lits[i].word);

		if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, lits[i].word, n)) {
			struct srcloc loc = here(r, r->p, n);
			struct jv *v = jv_new(lits[i].kind, &loc);

			v->u.boolean = lits[i].b;
			r->p += n;
			return v;
		}
	}
	if ((size_t)(r->end - r->p) >= 3 && (!memcmp(r->p, "NaN", 3) || !memcmp(r->p, "Inf", 3)))
		fail_at(r, r->p, "NaN and Infinity are not JSON");
	else
		fail_at(r, r->p, "unexpected %s: a value was expected%s", describe(r, dbuf), hint(r));
	return NULL;
}

static struct jv *parse_array(struct reader *r)
{
	char dbuf[8];
	struct srcloc loc = here(r, r->p, 1);
	struct jv *arr = jv_new(JV_ARRAY, &loc), *item;

	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return arr;
	}
	for (;;) {
		if (!(item = parse_value(r)))
			break;
		jv_append(arr, item);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			skip_ws(r);
			if (r->p < r->end && *r->p == ']') {
				fail_at(r, r->p, "trailing comma before ']'");
				break;
			}
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			jv_fit(arr);
			return arr;
		}
		fail_at(r, r->p, "unexpected %s: ',' or ']' expected", describe(r, dbuf));
		break;
	}
	jv_free(arr);
	return NULL;
}

/* One "key": value member; 0, or -1 when parsing must stop. */
static int parse_member(struct reader *r, struct jv *obj, struct hashset *seen)
{
	char dbuf[8];
	struct strbuf key = STRBUF_INIT;
	struct srcloc kloc = here(r, r->p, 1);
	const struct jv_member *dup;
	struct jv *val;
	const char *kstart = r->p;

	if (r->p >= r->end || *r->p != '"') {
		fail_at(r, r->p, "unexpected %s: a \"key\" was expected%s", describe(r, dbuf), hint(r));
		return -1;
	}
	if (parse_string_into(r, &key))
		goto fail;
	kloc.len = (unsigned)(r->p - kstart);
	if (memchr(key.buf, '\0', key.len)) {
		fail_at(r, kstart, "object key holds a NUL character");
		goto fail;
	}
	if ((dup = jv_find_dup(obj, seen, key.buf))) {
		diag_error(r->d, &kloc, "duplicate key '%s' (first at line %u)",
			   quote_show_n(key.buf, key.len), dup->loc.line);
		r->failed = 1;
		goto fail;
	}
	skip_ws(r);
	if (r->p >= r->end || *r->p != ':') {
		fail_at(r, r->p, "unexpected %s: ':' expected", describe(r, dbuf));
		goto fail;
	}
	r->p++;
	if (!(val = parse_value(r)))
		goto fail;
	jv_push(obj, key.buf, val)->loc = kloc;
	strbuf_release(&key);
	return 0;
fail:
	strbuf_release(&key);
	return -1;
}

static struct jv *parse_object(struct reader *r)
{
	char dbuf[8];
	struct srcloc loc = here(r, r->p, 1);
	struct jv *obj = jv_new(JV_OBJECT, &loc);
	struct hashset seen = HASHSET_INIT;

	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return obj;
	}
	for (;;) {
		if (parse_member(r, obj, &seen))
			break;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			skip_ws(r);
			if (r->p < r->end && *r->p == '}') {
				fail_at(r, r->p, "trailing comma before '}'");
				break;
			}
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			hashset_release(&seen);
			jv_fit(obj);
			return obj;
		}
		fail_at(r, r->p, "unexpected %s: ',' or '}' expected", describe(r, dbuf));
		break;
	}
	hashset_release(&seen);
	jv_free(obj);
	return NULL;
}

static struct jv *parse_value(struct reader *r)
{
	struct jv *v;

	skip_ws(r);
	if (r->p >= r->end) {
		fail_at(r, r->p, "unexpected end of file: a value was expected");
		return NULL;
	}
	if (++r->depth > JSON_DEPTH_MAX) {
		fail_at(r, r->p, "nesting deeper than %d levels", JSON_DEPTH_MAX);
		return NULL;
	}
	if (jv_budget_take(&r->values, 1)) {
		struct srcloc loc = here(r, r->p, 1);

		jv_budget_fail(&r->values, r->d, &loc);
		r->failed = 1;
		return NULL;
	}
	switch (*r->p) {
	case '{': v = parse_object(r); break;
	case '[': v = parse_array(r); break;
	case '"': v = parse_string(r); break;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		v = parse_number(r);
		break;
	default:
		v = parse_literal(r);
		break;
	}
	r->depth--;
	return v;
}

/* Every reader starts here: the text kept for messages, a BOM skipped. */
static void reader_start(struct reader *r, const char *data, size_t len, const char *file,
			 struct diag *d)
{
	struct reader init = { .p = data, .start = data, .end = data + len,
			       .file = path_intern(file), .line_start = data, .line = 1, .d = d };

	*r = init;
	diag_add_source(d, r->file, r->start, (size_t)(r->end - r->start));
	if (r->end - r->p >= 3 && !memcmp(r->p, "\xef\xbb\xbf", 3))
		r->p = r->line_start = r->p + 3;   /* a UTF-8 byte-order mark */
}

struct jv *json_parse(const char *data, size_t len, const char *file, struct diag *d)
{
	struct reader r;
	struct jv *v;

	reader_start(&r, data, len, file, d);
	v = parse_value(&r);
	if (v) {
		skip_ws(&r);
		if (r.p < r.end) {
			fail_at(&r, r.p, "unexpected text after the JSON value");
			jv_free(v);
			v = NULL;
		}
	}
	return v;
}

/* ---- a list read one item at a time ------------------------------------ */

struct json_stream {
	struct reader r;
	const char *key;
	int in_mapping;   /* the list is the value of the root mapping's one key */
	int has_head;     /* ... its last key, other members before it (open_object) */
	size_t items;
	int done;
};

static int expect_char(struct reader *r, char c, const char *what)
{
	char dbuf[8];

	skip_ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return 0;
	}
	fail_at(r, r->p, "unexpected %s: %s expected%s", describe(r, dbuf), what, hint_at(r, 0));
	return -1;
}

/* After "{": "key": must follow, then the list. */
static int open_keyed(struct json_stream *s, const char *key)
{
	struct strbuf k = STRBUF_INIT;
	int ret = 0;

	skip_ws(&s->r);
	if (s->r.p >= s->r.end || *s->r.p != '"' || parse_string_into(&s->r, &k) ||
	    strcmp(k.buf, key) || expect_char(&s->r, ':', "':'")) {
		fail_at(&s->r, s->r.p, "expected a list, or a mapping holding only '%s'", key);
		ret = -1;
	}
	strbuf_release(&k);
	return ret;
}

struct json_stream *json_stream_open(const char *data, size_t len, const char *file,
				     const char *key, struct diag *d)
{
	struct json_stream *s = xcalloc(1, sizeof(*s));

	s->key = key;
	reader_start(&s->r, data, len, file, d);
	skip_ws(&s->r);
	if (s->r.p < s->r.end && *s->r.p == '{') {
		s->r.p++;
		s->in_mapping = 1;
		if (open_keyed(s, key))
			goto fail;
	}
	if (expect_char(&s->r, '[', s->in_mapping ? "a list ('[')" :
			"a list of rows ('['), or an object holding only that list,"))
		goto fail;
	return s;
fail:
	free(s);
	return NULL;
}

/*
 * The members before key: each value into head (duplicates refused), up
 * to key's list.  0 with s at the list's first item, or -1 (reported).
 */
static int open_members(struct json_stream *s, struct jv *head)
{
	struct strbuf k = STRBUF_INIT;
	struct hashset seen = HASHSET_INIT;
	const char *at;
	struct jv *v;
	int ret = -1;

	for (;;) {
		skip_ws(&s->r);
		at = s->r.p;
		strbuf_reset(&k);
		if (s->r.p >= s->r.end || *s->r.p != '"') {
			fail_at(&s->r, at, "expected '%s', a list, in this object", s->key);
			break;
		}
		if (parse_string_into(&s->r, &k) || expect_char(&s->r, ':', "':'"))
			break;
		if (!strcmp(k.buf, s->key)) {
			ret = expect_char(&s->r, '[', "a list ('[')");
			break;
		}
		if (jv_find_dup(head, &seen, k.buf)) {
			fail_at(&s->r, at, "duplicate key '%s'", quote_show_n(k.buf, k.len));
			break;
		}
		if (!(v = parse_value(&s->r)))
			break;
		jv_push(head, k.buf, v);
		skip_ws(&s->r);
		if (s->r.p < s->r.end && *s->r.p == '}') {
			fail_at(&s->r, s->r.p, "expected '%s', a list, in this object", s->key);
			break;
		}
		if (expect_char(&s->r, ',', "','"))
			break;
	}
	strbuf_release(&k);
	hashset_release(&seen);
	return ret;
}

struct json_stream *json_stream_open_object(const char *data, size_t len, const char *file,
					    const char *key, struct jv **head, struct diag *d)
{
	struct json_stream *s = xcalloc(1, sizeof(*s));
	struct srcloc loc;

	s->key = key;
	s->in_mapping = s->has_head = 1;
	reader_start(&s->r, data, len, file, d);
	skip_ws(&s->r);
	loc = here(&s->r, s->r.p, 1);
	*head = jv_new(JV_OBJECT, &loc);
	if (!expect_char(&s->r, '{', "an object ('{')") && !open_members(s, *head))
		return s;
	jv_free(*head);
	*head = NULL;
	free(s);
	return NULL;
}

/* After the list's "]": the mapping's "}" if any, then nothing. */
static int close_stream(struct json_stream *s)
{
	char dbuf[8];

	s->done = 1;
	skip_ws(&s->r);
	if (s->in_mapping && (s->r.p >= s->r.end || *s->r.p != '}')) {
		fail_at(&s->r, s->r.p, s->has_head ? "'%s' must be the object's last member" :
			"the mapping may hold only '%s'", s->key);
		return -1;
	}
	s->r.p += s->in_mapping;
	skip_ws(&s->r);
	if (s->r.p < s->r.end) {
		fail_at(&s->r, s->r.p, "unexpected %s after the %s", describe(&s->r, dbuf),
			s->in_mapping ? "closing '}'" : "list");
		return -1;
	}
	return 0;
}

int json_stream_next(struct json_stream *s, struct jv **out)
{
	*out = NULL;
	if (s->done || s->r.failed)
		return 0;   /* the end, or an error already reported */
	skip_ws(&s->r);
	if (s->r.p < s->r.end && *s->r.p == ']') {
		s->r.p++;
		return close_stream(s);
	}
	if (s->items && expect_char(&s->r, ',', "',' or ']'"))
		return -1;
	s->r.values = (struct jv_budget){ .entry = 1 };
	if (!(*out = parse_value(&s->r)))
		return -1;
	s->items++;
	skip_ws(&s->r);
	if (s->r.p < s->r.end && *s->r.p == ']') {
		s->r.p++;
		if (close_stream(s)) {
			jv_free(*out);
			*out = NULL;
			return -1;
		}
	}
	return 1;
}

void json_stream_close(struct json_stream *s)
{
	free(s);
}
