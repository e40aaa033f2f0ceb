/* SPDX-License-Identifier: Apache-2.0 */
/* index.c: manifests/index.json, written and read. */
#include "toolsync/index.h"
#include "toolsync/json.h"

/* A lowercase hex digit's value + 1; 0 for any other byte (a table: once per row, twice). */
static const unsigned char hex_value1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
	['e'] = 15, ['f'] = 16,
};

/* 64 lowercase hex digits (what toolsync computes and the readers check). */
static void digest_from_hex(unsigned char out[DIGEST_SIZE], const char *hex)
{
	const unsigned char *h = (const unsigned char *)hex;
	unsigned bad = 0;
	size_t i;

	for (i = 0; i < DIGEST_SIZE; i++) {
		unsigned hi = hex_value1[h[2 * i]], lo = hex_value1[h[2 * i + 1]];

		bad |= !hi | !lo;
		out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
		if (bad)
			break;
	}
	if (bad || h[2 * DIGEST_SIZE])
		BUG("index digest '%.65s' is not 64 hex digits", hex);
}

void index_digest_hex(const unsigned char digest[DIGEST_SIZE], char out[DIGEST_HEX_SIZE])
{
	static const char xd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < DIGEST_SIZE; i++) {
		out[2 * i] = xd[digest[i] >> 4];
		out[2 * i + 1] = xd[digest[i] & 15];
	}
	out[2 * DIGEST_SIZE] = '\0';
}

int index_digest_is(const unsigned char digest[DIGEST_SIZE], const char *hex)
{
	char mine[DIGEST_HEX_SIZE];

	index_digest_hex(digest, mine);
	return !strcmp(mine, hex);
}

void index_add(struct index *ix, const char *path, uint64_t size,
	       const char *blake2b, const char *jcs_blake2b)
{
	struct index_entry *e;

	ALLOC_GROW(ix->v, ix->n, ix->alloc);
	e = &ix->v[ix->n++];
	e->path = strpool_copy(&ix->paths, path, strlen(path));
	e->size = size;
	digest_from_hex(e->blake2b, blake2b);
	e->has_jcs = jcs_blake2b != NULL;
	memset(e->jcs_blake2b, 0, sizeof(e->jcs_blake2b));
	if (jcs_blake2b)
		digest_from_hex(e->jcs_blake2b, jcs_blake2b);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct index_entry *)a)->path, ((const struct index_entry *)b)->path);
}

void index_sort(struct index *ix)
{
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_entry);
}

const struct index_entry *index_find(const struct index *ix, const char *path)
{
	struct index_entry key = { (char *)path, 0, { 0 }, { 0 }, 0 };

	if (!ix->n)
		return NULL;
	return bsearch(&key, ix->v, ix->n, sizeof(*ix->v), cmp_entry);
}

void index_release(struct index *ix)
{
	strpool_release(&ix->paths);
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}

/*
 * Written by hand, one entry a line, rather than through struct jv: the
 * index of a 100,000-tool catalogue should not need a tree of 500,000
 * nodes.  The result is exactly what json_write(JSON_PRETTY) would print.
 */
void index_write(struct strbuf *out, const struct index *ix)
{
	char size[24], hex[DIGEST_HEX_SIZE];
	size_t i;

	/* about 250 bytes an entry: grown once, not doubled 20 times */
	strbuf_grow(out, st_mult(ix->n, 260) + 64);
	strbuf_addstr(out, "{\n  \"format\": \"" INDEX_FORMAT "\",\n  \"files\": [");
	for (i = 0; i < ix->n; i++) {
		const struct index_entry *e = &ix->v[i];

		strbuf_addstr(out, i ? ",\n    {\n      \"path\": " : "\n    {\n      \"path\": ");
		json_write_string(out, e->path, strlen(e->path));
		strbuf_addstr(out, ",\n      \"size\": ");
		strbuf_add(out, size, (size_t)snprintf(size, sizeof(size), "%llu",
						       (unsigned long long)e->size));
		strbuf_addstr(out, ",\n      \"blake2b\": \"");
		index_digest_hex(e->blake2b, hex);
		strbuf_add(out, hex, 2 * DIGEST_SIZE);
		if (e->has_jcs) {
			strbuf_addstr(out, "\",\n      \"jcs_blake2b\": \"");
			index_digest_hex(e->jcs_blake2b, hex);
			strbuf_add(out, hex, 2 * DIGEST_SIZE);
		}
		strbuf_addstr(out, "\"\n    }");
	}
	strbuf_addstr(out, ix->n ? "\n  ]\n}\n" : "]\n}\n");
}

static int is_hex_digest(const struct jv *v)
{
	size_t i;

	if (!v || v->kind != JV_STRING || v->u.str.len != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", v->u.str.ptr[i]) || !v->u.str.ptr[i])
			return 0;
	return 1;
}

/* Index paths name files below the directory: no "..", no absolute, no "." parts. */
static int index_path_ok(const char *p)
{
	return p[0] && p[0] != '/' && !strstr(p, "..") && !strstr(p, "//") &&
	       strncmp(p, "./", 2) && !strchr(p, '\\');
}

static int parse_entry(struct index *ix, const struct jv *e, struct diag *d)
{
	const struct jv *path = jv_get(e, "path"), *size = jv_get(e, "size");
	const struct jv *b2 = jv_get(e, "blake2b"), *jcs = jv_get(e, "jcs_blake2b");

	if (e->kind != JV_OBJECT || !path || path->kind != JV_STRING || !size ||
	    size->kind != JV_NUMBER || !is_hex_digest(b2) || (jcs && !is_hex_digest(jcs))) {
		diag_error(d, &e->loc, "index entry must have 'path', 'size', a 64-digit hex "
			   "'blake2b' and optionally 'jcs_blake2b'");
		return -1;
	}
	if (!index_path_ok(path->u.str.ptr) || strlen(path->u.str.ptr) != path->u.str.len) {
		diag_error(d, &path->loc, "index path '%s' must stay inside the directory", path->u.str.ptr);
		return -1;
	}
	if (size->u.number < 0 || size->u.number > 9007199254740991.0 ||
	    size->u.number != (double)(uint64_t)size->u.number) {
		diag_error(d, &size->loc, "index 'size' must be a whole number of bytes");
		return -1;
	}
	index_add(ix, path->u.str.ptr, (uint64_t)size->u.number, b2->u.str.ptr,
		  jcs ? jcs->u.str.ptr : NULL);
	return 0;
}

/* ---- index_write()'s own layout, read without a JSON tree ------------- */

struct cursor {
	const char *p, *end;
};

static int take(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return 0;
	c->p += n;
	return 1;
}

static int take_hex(struct cursor *c, char out[DIGEST_HEX_SIZE])
{
	size_t i;

	if (c->end - c->p < 65 || c->p[64] != '"')
		return 0;
	for (i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", c->p[i]) || !c->p[i])
			return 0;
	memcpy(out, c->p, 64);
	out[64] = '\0';
	c->p += 65;
	return 1;
}

/* A string with nothing escaped, up to its closing quote (not taken). */
static int take_plain(struct cursor *c, const char **s, size_t *n)
{
	const char *q = c->p;
	size_t bad;

	while (q < c->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	if (q == c->end || *q != '"' || utf8_check(c->p, (size_t)(q - c->p), &bad))
		return 0;
	*s = c->p;
	*n = (size_t)(q - c->p);
	c->p = q;
	return 1;
}

/* A size: digits, no leading zero, within 2^53 as parse_entry wants. */
static int take_size(struct cursor *c, uint64_t *size)
{
	const char *q = c->p;

	*size = 0;
	while (q < c->end && *q >= '0' && *q <= '9' && q - c->p < 16)
		*size = *size * 10 + (uint64_t)(*q++ - '0');
	if (q == c->p || (*c->p == '0' && q - c->p > 1) || *size > 9007199254740991u ||
	    (q < c->end && *q >= '0' && *q <= '9'))
		return 0;
	c->p = q;
	return 1;
}

static int take_entry(struct cursor *c, struct index *ix, struct strbuf *path)
{
	char b2[DIGEST_HEX_SIZE], jcs[DIGEST_HEX_SIZE] = "";
	uint64_t size;
	const char *s;
	size_t n;

	if (!take(c, "    {\n      \"path\": \"") || !take_plain(c, &s, &n) ||
	    !take(c, "\",\n      \"size\": ") || !take_size(c, &size) ||
	    !take(c, ",\n      \"blake2b\": \"") || !take_hex(c, b2))
		return 0;
	if (take(c, ",\n      \"jcs_blake2b\": \"") && !take_hex(c, jcs))
		return 0;
	if (!take(c, "\n    }"))
		return 0;
	strbuf_reset(path);
	strbuf_add(path, s, n);
	if (!index_path_ok(path->buf))
		return 0;
	index_add(ix, path->buf, size, b2, jcs[0] ? jcs : NULL);
	return 1;
}

/*
 * The index exactly as index_write() writes it, which is what a build
 * finds in its own output: read line by line, many times faster than a
 * tree per entry.  Anything else (another layout, an escape in a path)
 * is left to the JSON reader: -1, nothing kept.
 */
static int parse_own_layout(struct index *ix, const char *data, size_t len)
{
	struct cursor c = { data, data + len };
	struct strbuf path = STRBUF_INIT;
	int ok = take(&c, "{\n  \"format\": \"" INDEX_FORMAT "\",\n  \"files\": [");

	if (ok && !take(&c, "]\n}\n")) {
		do
			ok = take(&c, "\n") && take_entry(&c, ix, &path);
		while (ok && take(&c, ","));
		ok = ok && take(&c, "\n  ]\n}\n");
	}
	strbuf_release(&path);
	if (!ok || c.p != c.end) {
		index_release(ix);
		return -1;
	}
	return 0;
}

/* The same path twice is an error, whichever way the index was read. */
static void check_duplicates(const struct index *ix, const char *file, struct diag *d)
{
	size_t i;

	for (i = 1; i < ix->n; i++)
		if (!strcmp(ix->v[i].path, ix->v[i - 1].path)) {
			diag_error(d, &(struct srcloc){ file, 0, 0, 0 }, "index lists '%s' twice",
				   ix->v[i].path);
			return;
		}
}

/*
 * Entry by entry, as the registry readers read rows: the index of a
 * 100,000-tool catalogue is never a tree of 500,000 nodes, only the
 * entries themselves.
 */
int index_parse(struct index *ix, const char *data, size_t len, const char *file,
		struct diag *d)
{
	struct jv *head = NULL, *e;
	struct json_stream *js;
	const struct jv *fmt;
	unsigned before = d->errors;
	int r;

	memset(ix, 0, sizeof(*ix));
	if (!parse_own_layout(ix, data, len)) {
		index_sort(ix);
		check_duplicates(ix, file, d);
		return d->errors > before ? -1 : 0;
	}
	if (!(js = json_stream_open_object(data, len, file, "files", &head, d)))
		return -1;
	fmt = jv_get(head, "format");
	if (!fmt || fmt->kind != JV_STRING || strcmp(fmt->u.str.ptr, INDEX_FORMAT) ||
	    head->u.obj.n != 1)
		diag_error(d, fmt ? &fmt->loc : &head->loc, "not a toolsync index: 'format' "
			   "must be '%s', and come only before 'files'", INDEX_FORMAT);
	else
		while ((r = json_stream_next(js, &e)) != 0) {
			if (r > 0)
				parse_entry(ix, e, d);
			jv_free(e);
		}
	json_stream_close(js);
	jv_free(head);
	/* checked: nothing more is said at its lines (it may be large) */
	if (d->errors == before)
		diag_drop_source(file);
	index_sort(ix);
	if (d->errors == before)
		check_duplicates(ix, file, d);
	return d->errors > before ? -1 : 0;
}
