/* SPDX-License-Identifier: Apache-2.0 */
/* index.c: manifests/index.json, written and read. */
#include "toolsync/hashset.h"
#include "toolsync/index.h"
#include "toolsync/json.h"
#include "toolsync/quote.h"
#include "toolsync/sort.h"
#include "toolsync/strpool.h"

/*
 * A hex digit's value, -1 for anything else (lowercase only, as toolsync
 * writes).  A table: a branch per digit mispredicts on random digests.
 */
static const signed char hex_digit[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int hex_value(unsigned char c)
{
	return hex_digit[c];
}

/* 1 when hex starts with 64 lowercase hex digits. */
static int is_hex64(const char *hex)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < 2 * DIGEST_SIZE; i++)
		bad |= hex_value((unsigned char)hex[i]);
	return bad >= 0;
}

/* 64 lowercase hex digits (what toolsync computes and the readers check). */
void index_digest_from_hex(unsigned char out[DIGEST_SIZE], const char *hex)
{
	size_t i;

	if (!is_hex64(hex) || hex[2 * DIGEST_SIZE])
		BUG("index digest '%.64s' is not 64 hex digits", hex);
	for (i = 0; i < DIGEST_SIZE; i++)
		out[i] = (unsigned char)(hex_value((unsigned char)hex[2 * i]) << 4 |
					 hex_value((unsigned char)hex[2 * i + 1]));
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

/* ---- the table by path --------------------------------------------- */

/* The table is of positions: anything that moves or adds entries drops it. */
static void drop_table(struct index *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->nslots = 0;
}

/* The slot of path, or the empty one where it would go. */
static uint32_t *slot_of(const struct index *ix, const char *path, size_t len)
{
	size_t mask = ix->nslots - 1, i;

	for (i = hashset_hash(path, len) & mask;; i = (i + 1) & mask) {
		uint32_t *s = &ix->slots[i];

		if (!*s || !strcmp(ix->v[*s - 1].path, path))
			return s;
	}
}

/* Entries are counted in uint32_t: an index that large is found by bsearch. */
static void make_table(struct index *ix)
{
	size_t i;

	drop_table(ix);
	if (!ix->n || ix->n >= UINT32_MAX / 4)
		return;
	for (ix->nslots = 16; ix->nslots < 2 * ix->n; ix->nslots *= 2)
		;
	ix->slots = xcalloc(ix->nslots, sizeof(*ix->slots));
	for (i = 0; i < ix->n; i++) {
		uint32_t *s = slot_of(ix, ix->v[i].path, strlen(ix->v[i].path));

		if (!*s)   /* a duplicate keeps its first: check_duplicates reports it */
			*s = (uint32_t)i + 1;
	}
}

void index_add_digests(struct index *ix, const char *path, uint64_t size,
		       const unsigned char blake2b[DIGEST_SIZE],
		       const unsigned char *jcs_blake2b)
{
	struct index_entry *e;

	pthread_mutex_lock(&ix->add_mu);
	drop_table(ix);
	ix->own_layout = 0;
	ALLOC_GROW(ix->v, ix->n, ix->alloc);
	e = &ix->v[ix->n++];
	e->path = strpool_copy(&ix->paths, path, strlen(path));
	e->size = size;
	memcpy(e->blake2b, blake2b, DIGEST_SIZE);
	e->has_jcs = jcs_blake2b != NULL;
	memset(e->jcs_blake2b, 0, sizeof(e->jcs_blake2b));
	if (jcs_blake2b)
		memcpy(e->jcs_blake2b, jcs_blake2b, DIGEST_SIZE);
	pthread_mutex_unlock(&ix->add_mu);
}

void index_add(struct index *ix, const char *path, uint64_t size,
	       const char *blake2b, const char *jcs_blake2b)
{
	unsigned char b2[DIGEST_SIZE], jcs[DIGEST_SIZE];

	index_digest_from_hex(b2, blake2b);
	if (jcs_blake2b)
		index_digest_from_hex(jcs, jcs_blake2b);
	index_add_digests(ix, path, size, b2, jcs_blake2b ? jcs : NULL);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct index_entry *)a)->path, ((const struct index_entry *)b)->path);
}

/*
 * A build adds its tools in registry order (runs of sorted keys, often
 * one), then the bundles and the matrix: the runs are merged, not sorted
 * from nothing.
 */
void index_sort(struct index *ix)
{
	struct sort_ref *ref;
	struct index_entry *v;
	size_t i;

	drop_table(ix);
	if (ix->n < 2)
		return;
	ref = xmalloc(st_mult(ix->n, sizeof(*ref)));
	for (i = 0; i < ix->n; i++)
		ref[i] = (struct sort_ref){ ix->v[i].path, i };
	if (sort_runs(ref, ix->n, sizeof(*ref), sort_ref_cmp)) {
		v = xmalloc(st_mult(ix->n, sizeof(*v)));
		for (i = 0; i < ix->n; i++)
			v[i] = ix->v[ref[i].at];
		free(ix->v);
		ix->v = v;
		ix->alloc = ix->n;
		ix->own_layout = 0;   /* the text had them in another order */
	}
	free(ref);
}

const struct index_entry *index_find(const struct index *ix, const char *path)
{
	struct index_entry key = { path, 0, { 0 }, { 0 }, 0 };
	uint32_t *s;

	if (!ix->n)
		return NULL;
	if (ix->slots) {
		s = slot_of(ix, path, strlen(path));
		return *s ? &ix->v[*s - 1] : NULL;
	}
	return bsearch(&key, ix->v, ix->n, sizeof(*ix->v), cmp_entry);
}

int index_same(const struct index *a, const struct index *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct index_entry *x = &a->v[i], *y = &b->v[i];

		if (x->size != y->size || x->has_jcs != y->has_jcs || strcmp(x->path, y->path) ||
		    memcmp(x->blake2b, y->blake2b, DIGEST_SIZE) ||
		    memcmp(x->jcs_blake2b, y->jcs_blake2b, DIGEST_SIZE))
			return 0;
	}
	return 1;
}

void index_release(struct index *ix)
{
	strpool_release(&ix->paths);
	free(ix->v);
	free(ix->slots);
	*ix = (struct index)INDEX_INIT;
}

/* Append a string literal (its length known at compile time). */
#define ADD_LIT(out, lit) strbuf_add((out), (lit), sizeof(lit) - 1)

/* A size in decimal, as printf's %llu. */
static void add_size(struct strbuf *out, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	strbuf_add(out, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * Written by hand, one entry a line, rather than through struct jv: the
 * index of a 100,000-tool catalogue should not need a tree of 500,000
 * nodes.  The result is exactly what json_write(JSON_PRETTY) would print.
 */
void index_write(struct strbuf *out, const struct index *ix)
{
	char hex[DIGEST_HEX_SIZE];
	size_t i;

	/* about 250 bytes an entry: grown once, not doubled 20 times */
	strbuf_grow(out, st_mult(ix->n, 260) + 64);
	ADD_LIT(out, "{\n  \"format\": \"" INDEX_FORMAT "\",\n  \"files\": [");
	for (i = 0; i < ix->n; i++) {
		const struct index_entry *e = &ix->v[i];

		if (i)
			strbuf_addch(out, ',');
		ADD_LIT(out, "\n    {\n      \"path\": ");
		json_write_string(out, e->path, strlen(e->path));
		ADD_LIT(out, ",\n      \"size\": ");
		add_size(out, e->size);
		ADD_LIT(out, ",\n      \"blake2b\": \"");
		index_digest_hex(e->blake2b, hex);
		strbuf_add(out, hex, 2 * DIGEST_SIZE);
		if (e->has_jcs) {
			ADD_LIT(out, "\",\n      \"jcs_blake2b\": \"");
			index_digest_hex(e->jcs_blake2b, hex);
			strbuf_add(out, hex, 2 * DIGEST_SIZE);
		}
		ADD_LIT(out, "\"\n    }");
	}
	if (ix->n)
		ADD_LIT(out, "\n  ]\n}\n");
	else
		ADD_LIT(out, "]\n}\n");
}

static int is_hex_digest(const struct jv *v)
{
	return v && v->kind == JV_STRING && v->u.str.len == 64 && is_hex64(v->u.str.ptr);
}

/* One file name as a build writes it: not empty, no '/' or '\\', no leading '.', no "..". */
static int index_name_ok(const char *name)
{
	return name[0] && name[0] != '.' && !strpbrk(name, "/\\") && !strstr(name, "..");
}

/*
 * Top-level names that are never an entry: the two directories, and the
 * index and its signature (a file cannot hold its own digest).
 */
static const char *const index_reserved[] = {
	"tools", "roles", INDEX_FILE, INDEX_FILE ".minisig",
};

/*
 * Index paths are spelled exactly as a build writes them: "tools/NAME",
 * "roles/NAME" or a top-level "NAME".  Any other spelling of a file
 * ("tools/./x.json", "tools//x.json", "tools/x.json/",
 * "tools/../tools/x.json") would be a second entry for one file, or a
 * path outside the directory, so it is refused, not resolved; so is the
 * index itself, or its signature, listed as an entry.
 */
static int index_path_ok(const char *p)
{
	size_t i;

	if (!strncmp(p, "tools/", 6) || !strncmp(p, "roles/", 6))
		return index_name_ok(p + 6);
	for (i = 0; i < ARRAY_SIZE(index_reserved); i++)
		if (!strcmp(p, index_reserved[i]))
			return 0;
	return index_name_ok(p);
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
		diag_error(d, &path->loc, "index path '%s' is not one toolsync writes: "
			   "'tools/NAME', 'roles/NAME' or a top-level 'NAME' other than '"
			   INDEX_FILE "' and its signature, where NAME is one file name that "
			   "does not start with '.'", quote_show(path->u.str.ptr));
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

static int take_n(struct cursor *c, const char *s, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return 0;
	c->p += n;
	return 1;
}

/* Take a string literal. */
#define TAKE(c, lit) take_n((c), (lit), sizeof(lit) - 1)

/* 64 hex digits and the closing quote, as bytes. */
static int take_hex(struct cursor *c, unsigned char out[DIGEST_SIZE])
{
	size_t i;

	if (c->end - c->p < 65 || c->p[64] != '"' || !is_hex64(c->p))
		return 0;
	for (i = 0; i < DIGEST_SIZE; i++)
		out[i] = (unsigned char)(hex_value((unsigned char)c->p[2 * i]) << 4 |
					 hex_value((unsigned char)c->p[2 * i + 1]));
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

static int take_entry(struct cursor *c, struct index *ix)
{
	unsigned char b2[DIGEST_SIZE], jcs[DIGEST_SIZE];
	struct index_entry *e;
	int has_jcs;
	uint64_t size;
	const char *s;
	size_t n;

	if (!TAKE(c, "    {\n      \"path\": \"") || !take_plain(c, &s, &n) ||
	    !TAKE(c, "\",\n      \"size\": ") || !take_size(c, &size) ||
	    !TAKE(c, ",\n      \"blake2b\": \"") || !take_hex(c, b2))
		return 0;
	has_jcs = TAKE(c, ",\n      \"jcs_blake2b\": \"");
	if ((has_jcs && !take_hex(c, jcs)) || !TAKE(c, "\n    }"))
		return 0;
	ALLOC_GROW(ix->v, ix->n + 1, ix->alloc);
	e = &ix->v[ix->n];
	e->path = strpool_copy(&ix->paths, s, n);
	if (!index_path_ok(e->path))
		return 0;
	ix->n++;
	e->size = size;
	memcpy(e->blake2b, b2, DIGEST_SIZE);
	e->has_jcs = has_jcs;
	if (has_jcs)
		memcpy(e->jcs_blake2b, jcs, DIGEST_SIZE);
	else
		memset(e->jcs_blake2b, 0, DIGEST_SIZE);
	return 1;
}

/*
 * The fewest bytes an entry takes in this layout (a one-byte path and
 * size, no jcs_blake2b): a text of newlines holds no more entries.
 */
#define ENTRY_BYTES_MIN (sizeof("\n    {\n      \"path\": \"p\",\n      \"size\": 0,\n" \
				"      \"blake2b\": \"\"\n    }") - 1 + 2 * DIGEST_SIZE)

/* The entries the text p may hold at most: five lines or six each, and ENTRY_BYTES_MIN. */
static size_t count_entries(const char *p, size_t len)
{
	const char *end = p + len;
	size_t n = 0;

	for (; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	n /= 5;
	return n < len / ENTRY_BYTES_MIN ? n : len / ENTRY_BYTES_MIN;
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
	int ok = TAKE(&c, "{\n  \"format\": \"" INDEX_FORMAT "\",\n  \"files\": [");

	/*
	 * Room for every entry at once: no doubling copies of 100,000
	 * entries, and the room not needed is never touched (nor taken
	 * from a limited address space for a text of newlines).
	 */
	if (ok)
		ALLOC_GROW(ix->v, count_entries(c.p, (size_t)(c.end - c.p)) + 1, ix->alloc);
	if (ok && !TAKE(&c, "]\n}\n")) {
		do
			ok = TAKE(&c, "\n") && take_entry(&c, ix);
		while (ok && TAKE(&c, ","));
		ok = ok && TAKE(&c, "\n  ]\n}\n");
	}
	if (!ok || c.p != c.end) {
		index_release(ix);
		return -1;
	}
	ix->own_layout = 1;
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

	*ix = (struct index)INDEX_INIT;
	if (!parse_own_layout(ix, data, len)) {
		index_sort(ix);
		check_duplicates(ix, file, d);
		make_table(ix);
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
	make_table(ix);
	return d->errors > before ? -1 : 0;
}
