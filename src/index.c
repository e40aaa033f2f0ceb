/* index.c: manifests/index.json, written and read. */
#include "toolsync/index.h"
#include "toolsync/json.h"

void index_add(struct index *ix, const char *path, uint64_t size,
	       const char *blake2b, const char *jcs_blake2b)
{
	struct index_entry *e;

	ALLOC_GROW(ix->v, ix->n, ix->alloc);
	e = &ix->v[ix->n++];
	e->path = xstrdup(path);
	e->size = size;
	snprintf(e->blake2b, sizeof(e->blake2b), "%s", blake2b);
	snprintf(e->jcs_blake2b, sizeof(e->jcs_blake2b), "%s", jcs_blake2b ? jcs_blake2b : "");
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
	struct index_entry key = { (char *)path, 0, "", "" };

	if (!ix->n)
		return NULL;
	return bsearch(&key, ix->v, ix->n, sizeof(*ix->v), cmp_entry);
}

void index_release(struct index *ix)
{
	size_t i;

	for (i = 0; i < ix->n; i++)
		free(ix->v[i].path);
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
	size_t i;

	strbuf_addstr(out, "{\n  \"format\": \"" INDEX_FORMAT "\",\n  \"files\": [");
	for (i = 0; i < ix->n; i++) {
		const struct index_entry *e = &ix->v[i];

		strbuf_addstr(out, i ? ",\n    {\n      \"path\": " : "\n    {\n      \"path\": ");
		json_write_string(out, e->path, strlen(e->path));
		strbuf_addf(out, ",\n      \"size\": %llu,\n      \"blake2b\": \"%s\"",
			    (unsigned long long)e->size, e->blake2b);
		if (e->jcs_blake2b[0])
			strbuf_addf(out, ",\n      \"jcs_blake2b\": \"%s\"", e->jcs_blake2b);
		strbuf_addstr(out, "\n    }");
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
	size_t i;
	int r;

	memset(ix, 0, sizeof(*ix));
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
	for (i = 1; i < ix->n && d->errors == before; i++)
		if (!strcmp(ix->v[i].path, ix->v[i - 1].path))
			diag_error(d, &(struct srcloc){ file, 0, 0, 0 }, "index lists '%s' twice", ix->v[i].path);
	return d->errors > before ? -1 : 0;
}
