/*
 * diff_dir.c: the compiled catalogue against a committed output directory.
 */
#include <errno.h>

#include "toolsync/diff.h"
#include "toolsync/digest.h"
#include "toolsync/fsutil.h"
#include "toolsync/yaml.h"
#include "diff_walk.h"

struct session {
	const struct ts_config *cfg;
	const char *dir, *display;
	unsigned flags;
	struct findings *out;
	struct diag *d;
	char **names;            /* committed tools/ entries, sorted */
	size_t nnames;
	char *seen;              /* names[i] has a compiled counterpart */
	struct jv **kept;        /* added tools' manifests (copies) */
	struct diff_side *added;
	size_t nadded, alloc_added, alloc_kept;
	struct strlist bundles;  /* roles/ files compiled */
	struct strlist stale;    /* outputs whose bytes differ from the committed ones */
	int bad;
};

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

/* A committed manifest must at least look like one before it is compared. */
static int check_manifest(const struct jv *doc, const char *key, struct diag *d)
{
	const struct jv *format = jv_get(doc, "format"), *k = jv_get(doc, "key");
	const struct jv *tool = jv_get(doc, "tool");

	if (!doc || doc->kind != JV_OBJECT) {
		diag_error(d, diff_loc_of(doc), "not a toolsync manifest: expected an object");
		return -1;
	}
	if (!diff_str_of(format) || strcmp(diff_str_of(format), MANIFEST_FORMAT)) {
		diag_error(d, format ? &format->loc : &doc->loc,
			   "not a toolsync manifest: 'format' must be '%s'", MANIFEST_FORMAT);
		return -1;
	}
	if (!diff_str_of(k) || strcmp(diff_str_of(k), key)) {
		diag_error(d, k ? &k->loc : &doc->loc,
			   "'key' does not match the file name ('%s')", key);
		return -1;
	}
	if (!tool || tool->kind != JV_OBJECT) {
		diag_error(d, tool ? &tool->loc : &doc->loc, "'tool' must be an object");
		return -1;
	}
	return 0;
}

/* Parse DIR/tools/<name>; NULL when unreadable or malformed (reported). */
static struct jv *load_committed(struct session *s, const char *name, struct srcloc *loc)
{
	char *rel = xstrfmt("tools/%s", name);
	char *shown = path_join(s->display, rel), *key = xstrndup(name, strlen(name) - 5);
	struct strbuf buf = STRBUF_INIT, err = STRBUF_INIT;
	struct jv *doc = NULL;

	*loc = (struct srcloc){ path_intern(shown), 1, 1, 0 };
	if (fs_read_file(&buf, s->dir, rel, shown, FS_OUTPUT, &err))
		diag_fail(s->d, "%s", err.buf);
	else if ((doc = json_parse(buf.buf, buf.len, shown, s->d)) &&
		 check_manifest(doc, key, s->d)) {
		jv_free(doc);
		doc = NULL;
	}
	if (!doc)
		s->bad = 1;
	else   /* checked: findings point at it by line, never quote it */
		diag_drop_source(shown);
	strbuf_release(&buf);
	strbuf_release(&err);
	free(rel);
	free(shown);
	free(key);
	return doc;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

static void keep_added(struct session *s, const struct compiled_tool *t)
{
	const struct jv *k = jv_get(t->manifest, "key");
	struct jv *copy = jv_copy(t->manifest);

	ALLOC_GROW(s->kept, s->nadded, s->alloc_kept);
	ALLOC_GROW(s->added, s->nadded, s->alloc_added);
	s->kept[s->nadded] = copy;
	s->added[s->nadded].key = diff_str_of(jv_get(copy, "key"));
	s->added[s->nadded].manifest = copy;
	s->added[s->nadded].loc = k ? k->loc : t->row->loc;
	s->nadded++;
}

/*
 * Committed bytes that are not what build writes.  A manifest committed
 * from a --canonical build is exactly the RFC 8785 form, whose digest the
 * compile already has: that is what build produces too, not stale.
 */
static void compare_bytes(struct session *s, const struct out_file *f)
{
	struct strbuf buf = STRBUF_INIT, err = STRBUF_INIT;
	char hex[DIGEST_HEX_SIZE];

	if (fs_same_content(s->dir, f->path, f->bytes->buf, f->bytes->len))
		return;
	if (!fs_read_file(&buf, s->dir, f->path, NULL, FS_OUTPUT, &err))
		blake2b256_hex(buf.buf, buf.len, hex);
	else if (errno != ENOENT)   /* a link, a FIFO, a directory: not ours to read */
		s->bad = (diag_fail(s->d, "%s", err.buf), 1);
	if (buf.len == 0 || strcmp(hex, f->jcs_blake2b))
		strlist_add(&s->stale, f->path);
	strbuf_release(&buf);
	strbuf_release(&err);
}

static int on_file(void *ctx, const struct out_file *f)
{
	struct session *s = ctx;
	char *name, **hit;
	struct srcloc loc;
	struct jv *old;
	size_t before = s->out->n;

	if (!f->tool) {
		strlist_add(&s->bundles, f->path);
		if (s->flags & DIFF_CHECK_BYTES)
			compare_bytes(s, f);
		return 0;
	}
	name = xstrfmt("%s.json", f->tool->row->key);
	hit = s->nnames ? bsearch(name, s->names, s->nnames, sizeof(*s->names), cmp_name) : NULL;
	if (!hit) {
		keep_added(s, f->tool);
	} else if ((old = load_committed(s, name, &loc))) {
		s->seen[hit - s->names] = 1;
		diff_tool(old, f->tool->manifest, s->cfg, f->tool->row->key, s->out);
		if ((s->flags & DIFF_CHECK_BYTES) && s->out->n == before)
			compare_bytes(s, f);
		jv_free(old);
	} else {
		s->seen[hit - s->names] = 1;
	}
	free(name);
	return 0;
}

/* Committed tools/ manifests with no compiled counterpart: removed or renamed. */
static void finish_unpaired(struct session *s)
{
	struct diff_side *removed = NULL;
	struct jv **docs = NULL;
	size_t n = 0, alloc = 0, i;

	for (i = 0; i < s->nnames; i++) {
		struct srcloc loc;
		struct jv *doc;

		if (s->seen[i] || !has_suffix(s->names[i], ".json"))
			continue;
		if (!(doc = load_committed(s, s->names[i], &loc)))
			continue;
		ALLOC_GROW(removed, n, alloc);
		docs = xrealloc(docs, st_mult(alloc, sizeof(*docs)));
		docs[n] = doc;
		removed[n].key = diff_str_of(jv_get(doc, "key"));
		removed[n].manifest = doc;
		removed[n].loc = loc;
		n++;
	}
	if (!s->bad)
		diff_unpaired(removed, n, s->added, s->nadded, s->cfg, s->out);
	for (i = 0; i < n; i++)
		jv_free(docs[i]);
	free(docs);
	free(removed);
}

/* roles/ files committed but no longer produced (a role or target went away). */
static void extra_bundles(struct session *s)
{
	struct strbuf err = STRBUF_INIT;
	char **names;
	size_t n, i;

	if (fs_list_dir_under(s->dir, "roles", &names, &n, &err)) {
		if (errno != ENOENT)
			s->bad = (diag_fail(s->d, "%s", err.buf), 1);
		strbuf_release(&err);
		return;
	}
	for (i = 0; i < n; i++) {
		char *rel = xstrfmt("roles/%s", names[i]);

		if (has_suffix(names[i], ".json") && strlist_find(&s->bundles, rel) < 0)
			strlist_add(&s->stale, rel);
		free(rel);
	}
	fs_free_list(names, n);
}

/*
 * Bytes that differ with no semantic finding: a hand edit, a formatting
 * change, or a build that was not committed.  Bundles change whenever a
 * tool in them does, so they are reported only when nothing else was.
 */
static void report_stale(struct session *s, size_t semantic)
{
	size_t i;

	for (i = 0; i < s->stale.n; i++) {
		const char *rel = s->stale.v[i];
		char *shown = path_join(s->display, rel);
		struct srcloc loc = { path_intern(shown), 1, 1, 0 };

		if (!strncmp(rel, "tools/", 6) || !semantic)
			findings_add(s->out, &r_manifest_stale, &loc, NULL, NULL, NULL, NULL,
				     "'%s' differs from what build produces; run 'toolsync build' "
				     "and commit the result", shown);
		free(shown);
	}
}

static void session_release(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nadded; i++)
		jv_free(s->kept[i]);
	free(s->kept);
	free(s->added);
	free(s->seen);
	fs_free_list(s->names, s->nnames);
	strlist_release(&s->bundles);
	strlist_release(&s->stale);
}

static int list_committed(struct session *s)
{
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	if (!path_is_dir(s->dir)) {
		diag_fail(s->d, "cannot read '%s': not a directory of manifests", s->display);
		ret = -1;
	} else if (fs_list_dir_under(s->dir, "tools", &s->names, &s->nnames, &err) &&
		   errno != ENOENT) {
		diag_fail(s->d, "%s", err.buf);
		ret = -1;
	}
	strbuf_release(&err);
	s->seen = xcalloc(s->nnames + 1, 1);
	return ret;
}

int diff_against(const struct ts_config *cfg, const struct compile_opts *o,
		 const char *dir, const char *display, unsigned flags,
		 struct findings *out, struct diag *d)
{
	struct session s;
	size_t start = out->n;
	int ret;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.dir = dir;
	s.display = display ? display : dir;
	s.flags = flags;
	s.out = out;
	s.d = d;
	ret = list_committed(&s);
	if (!ret)
		ret = compile_catalogue(cfg, o, on_file, &s, NULL, d);
	if (!ret) {
		finish_unpaired(&s);
		if (flags & DIFF_CHECK_BYTES) {
			extra_bundles(&s);
			report_stale(&s, out->n - start);
		}
	}
	session_release(&s);
	return ret || s.bad ? -1 : 0;
}
