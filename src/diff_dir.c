/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff_dir.c: the compiled catalogue against committed manifests, read
 * through a source of committed files (a directory, or a git revision):
 * the semantic comparison against one source, and (ci) the bytes that
 * build would write against another, usually the same.
 */
#include <errno.h>

#include "toolsync/committed.h"
#include "toolsync/diff.h"
#include "toolsync/digest.h"
#include "toolsync/fsutil.h"
#include "toolsync/yaml.h"
#include "diff_walk.h"

struct session {
	const struct ts_config *cfg;
	struct committed *old;   /* compared semantically */
	struct committed *tree;  /* compared byte for byte (ci); NULL: not */
	int separate;            /* tree is not old: every difference there is stale */
	struct findings *out;
	struct diag *d;
	char **names;            /* committed tools/ entries, sorted */
	size_t nnames;
	char *seen;              /* names[i] has a compiled counterpart */
	struct jv **kept;        /* added tools' manifests (copies) */
	struct diff_side *added;
	size_t nadded, alloc_added, alloc_kept;
	struct strlist bundles;  /* roles/ files compiled */
	char **tnames;           /* separate: tree's tools/ entries, sorted */
	size_t ntnames;
	char *tseen;             /* tnames[i] was compiled */
	struct strlist stale;    /* outputs whose bytes differ from the committed ones */
	struct diff_bundles membership;  /* who gets which tool (diff_bundle.c) */
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

/* Parse the committed tools/<name>; NULL when unreadable or malformed (reported). */
static struct jv *load_committed(struct session *s, const char *name, struct srcloc *loc)
{
	char *rel = xstrfmt("tools/%s", name), *shown = committed_location(s->old, rel);
	char *msgname = committed_name(s->old, rel), *key = xstrndup(name, strlen(name) - 5);
	struct strbuf buf = STRBUF_INIT;
	struct jv *doc = NULL;
	int r;

	*loc = (struct srcloc){ path_intern(shown), 1, 1, 0 };
	if ((r = committed_read(s->old, rel, &buf, s->d)) == 1)
		diag_fail(s->d, "cannot read '%s': %s", msgname, strerror(ENOENT));
	else if (!r && (doc = json_parse(buf.buf, buf.len, msgname, s->d)) &&
		 check_manifest(doc, key, s->d)) {
		jv_free(doc);
		doc = NULL;
	}
	if (!doc)
		s->bad = 1;
	else   /* checked: findings point at it by line, never quote it */
		diag_drop_source(msgname);
	strbuf_release(&buf);
	free(rel);
	free(shown);
	free(msgname);
	free(key);
	return doc;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

static void keep_added(struct session *s, struct compiled_tool *t)
{
	const struct jv *manifest = compiled_tool_manifest(t), *k = jv_get(manifest, "key");
	struct jv *copy = jv_copy(manifest);

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
	struct strbuf buf = STRBUF_INIT;
	char hex[DIGEST_HEX_SIZE];
	int r = committed_read(s->tree, f->path, &buf, s->d);

	if (r < 0) {
		s->bad = 1;
	} else if (r == 1 || buf.len != f->bytes->len ||
		   memcmp(buf.buf, f->bytes->buf, buf.len)) {
		if (!r)
			blake2b256_hex(buf.buf, buf.len, hex);
		if (r || buf.len == 0 || strcmp(hex, out_file_jcs_blake2b(f)))
			strlist_add(&s->stale, f->path);
	}
	strbuf_release(&buf);
}

static char **find_name(char **names, size_t n, const char *name)
{
	return n ? bsearch(name, names, n, sizeof(*names), cmp_name) : NULL;
}

/* separate: a tool file of the tree that build produces. */
static void mark_produced(struct session *s, const char *name)
{
	char **hit = find_name(s->tnames, s->ntnames, name);

	if (hit)
		s->tseen[hit - s->tnames] = 1;
}

/* The workers found these bytes (or their RFC 8785 form) in the tree. */
static int same_in_tree(const struct session *s, const struct out_file *f)
{
	return f->committed_same & (s->separate ? 2u : 1u);
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
		diff_bundles_file(&s->membership, f);
		if (s->tree && !same_in_tree(s, f))
			compare_bytes(s, f);
		return 0;
	}
	name = xstrfmt("%s.json", f->tool->row->key);
	hit = find_name(s->names, s->nnames, name);
	if (s->separate) {
		mark_produced(s, name);
		if (!same_in_tree(s, f))
			compare_bytes(s, f);
	}
	if (!hit) {
		keep_added(s, f->tool);
	} else if (f->committed_same & 1) {
		/* the same document: nothing to find, nothing stale */
		s->seen[hit - s->names] = 1;
		diff_bundles_tool(&s->membership, f->tool, f->tool->row->min_role, s->cfg);
	} else if ((old = load_committed(s, name, &loc))) {
		s->seen[hit - s->names] = 1;
		diff_tool(old, compiled_tool_manifest(f->tool), s->cfg, f->tool->row->key, s->out);
		diff_bundles_tool(&s->membership, f->tool, diff_str_of(jv_get(old, "min_role")),
				  s->cfg);
		if (s->tree && !s->separate && s->out->n == before)
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

/*
 * Files of the tree that build no longer produces: roles/ bundles (a role
 * or target went away), and, when the tree is not what was compared,
 * tools/ manifests of removed tools.
 */
static void extra_files(struct session *s)
{
	char **names;
	size_t n, i;

	for (i = 0; i < s->ntnames; i++)
		if (!s->tseen[i] && has_suffix(s->tnames[i], ".json")) {
			char *rel = xstrfmt("tools/%s", s->tnames[i]);

			strlist_add(&s->stale, rel);
			free(rel);
		}
	if (committed_list_or_none(s->tree, "roles", &names, &n, s->d)) {
		s->bad = 1;
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
		char *shown = committed_location(s->tree, rel);
		struct srcloc loc = { path_intern(shown), 1, 1, 0 };

		if (!strncmp(rel, "tools/", 6) || !semantic || s->separate)
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
	fs_free_list(s->tnames, s->ntnames);
	free(s->tseen);
	strlist_release(&s->bundles);
	strlist_release(&s->stale);
	diff_bundles_release(&s->membership);
}

static int list_committed(struct session *s)
{
	int ret = committed_check(s->old, s->d);

	if (!ret)
		ret = committed_list_or_none(s->old, "tools", &s->names, &s->nnames, s->d);
	if (!ret)
		ret = diff_bundles_list(&s->membership, s->old, s->d);
	if (!ret && s->separate && !(ret = committed_check(s->tree, s->d)))
		ret = committed_list_or_none(s->tree, "tools", &s->tnames, &s->ntnames, s->d);
	s->seen = xcalloc(s->nnames + 1, 1);
	s->tseen = xcalloc(s->ntnames + 1, 1);
	return ret;
}

int diff_against(const struct ts_config *cfg, const struct compile_opts *o,
		 struct committed *old, struct committed *tree,
		 struct findings *out, struct diag *d)
{
	struct session s;
	struct compile_opts co = *o;
	size_t start = out->n, semantic;
	int ret;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.old = old;
	s.tree = tree;
	s.separate = tree && tree != old;
	s.out = out;
	s.d = d;
	/* compared on the workers: on_file reads and parses only what differs */
	co.compare[0] = old;
	co.compare[1] = s.separate ? tree : NULL;
	ret = list_committed(&s);
	if (!ret)
		ret = compile_catalogue(cfg, &co, on_file, &s, NULL, d);
	if (!ret) {
		finish_unpaired(&s);
		/* a bundle membership finding does not explain a stale bundle: it needs a build */
		semantic = out->n - start;
		if (!s.bad && diff_bundles_report(&s.membership, cfg, out, d))
			s.bad = 1;
		if (tree) {
			extra_files(&s);
			report_stale(&s, semantic);
		}
	}
	session_release(&s);
	return ret || s.bad ? -1 : 0;
}
