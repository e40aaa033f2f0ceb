/*
 * diff_dir.c: the compiled catalogue against a committed output directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
	struct strbuf text;      /* the committed file at hand (reused) */
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

/*
 * A committed file, only if it is a regular one: a FIFO or a device in
 * its place must not hang or flood the diff.  0; -1 (errno); -2 when it
 * is not a regular file.
 */
static int read_regular(struct strbuf *sb, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), ret = -1, e;
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st))
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = 0, ret = -2;
	else
		e = (ret = strbuf_read_fd(sb, fd)) ? errno : 0;
	close(fd);
	errno = e;
	return ret;
}

/* Read DIR/tools/<name> into s->text; -1 when unreadable (reported). */
static int read_committed(struct session *s, const char *name)
{
	char *rel = xstrfmt("tools/%s", name), *path = path_join(s->dir, rel);
	int ret = 0;

	strbuf_reset(&s->text);
	if ((ret = read_regular(&s->text, path))) {
		char *shown = path_join(s->display, rel);

		diag_fail(s->d, "cannot read '%s': %s", shown,
			  ret == -2 ? "not a regular file" : strerror(errno));
		free(shown);
		s->bad = 1;
		ret = -1;
	}
	free(rel);
	free(path);
	return ret;
}

/* Parse s->text, read from DIR/tools/<name>; NULL when malformed (reported). */
static struct jv *parse_committed(struct session *s, const char *name, struct srcloc *loc)
{
	char *rel = xstrfmt("tools/%s", name), *shown = path_join(s->display, rel);
	char *key = xstrndup(name, strlen(name) - 5);
	struct jv *doc;

	*loc = (struct srcloc){ path_intern(shown), 1, 1, 0 };
	if ((doc = json_parse(s->text.buf, s->text.len, shown, s->d)) &&
	    check_manifest(doc, key, s->d)) {
		jv_free(doc);
		doc = NULL;
	}
	if (!doc)
		s->bad = 1;
	else   /* checked: findings point at it by line, never quote it */
		diag_drop_source(shown);
	free(rel);
	free(shown);
	free(key);
	return doc;
}

static struct jv *load_committed(struct session *s, const char *name, struct srcloc *loc)
{
	return read_committed(s, name) ? NULL : parse_committed(s, name, loc);
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
 * The committed bytes in s->text say what the compiled file says: they are
 * its bytes, or, for a manifest committed from a --canonical build, its
 * RFC 8785 form (whose digest the compile already has).  Then there is
 * nothing to parse or compare, and it is not stale either.
 */
static int same_as_compiled(const struct session *s, const struct out_file *f)
{
	char hex[DIGEST_HEX_SIZE];

	if (s->text.len == f->bytes->len && !memcmp(s->text.buf, f->bytes->buf, s->text.len))
		return 1;
	blake2b256_hex(s->text.buf, s->text.len, hex);
	return s->text.len && !strcmp(hex, out_file_jcs_blake2b(f));
}

/* Committed bytes that are not what build writes (a bundle). */
static void compare_bytes(struct session *s, const struct out_file *f)
{
	char *path;

	if (f->committed_same)
		return;
	path = path_join(s->dir, f->path);
	strbuf_reset(&s->text);
	if (read_regular(&s->text, path) || !same_as_compiled(s, f))
		strlist_add(&s->stale, f->path);
	free(path);
}

/*
 * A compiled tool against its committed manifest, which is parsed only
 * when its bytes differ: a catalogue that did not change costs a read and
 * a comparison per tool.
 */
static void diff_committed(struct session *s, const char *name, const struct out_file *f)
{
	size_t before = s->out->n;
	struct srcloc loc;
	struct jv *old;

	if (f->committed_same || read_committed(s, name) || same_as_compiled(s, f))
		return;
	if (!(old = parse_committed(s, name, &loc)))
		return;
	diff_tool(old, compiled_tool_manifest(f->tool), s->cfg, f->tool->row->key, s->out);
	if ((s->flags & DIFF_CHECK_BYTES) && s->out->n == before)
		strlist_add(&s->stale, f->path);
	jv_free(old);
}

static int on_file(void *ctx, const struct out_file *f)
{
	struct session *s = ctx;
	char *name, **hit;

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
	} else {
		s->seen[hit - s->names] = 1;
		diff_committed(s, name, f);
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
	char *dir = path_join(s->dir, "roles"), **names;
	size_t n, i;

	if (fs_list_dir(dir, &names, &n)) {
		free(dir);
		return;
	}
	for (i = 0; i < n; i++) {
		char *rel = xstrfmt("roles/%s", names[i]);

		if (has_suffix(names[i], ".json") && strlist_find(&s->bundles, rel) < 0)
			strlist_add(&s->stale, rel);
		free(rel);
	}
	fs_free_list(names, n);
	free(dir);
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
	strbuf_release(&s->text);
}

static int list_committed(struct session *s)
{
	char *tools = path_join(s->dir, "tools");
	int ret = 0;

	if (!path_is_dir(s->dir)) {
		diag_fail(s->d, "cannot read '%s': not a directory of manifests", s->display);
		ret = -1;
	} else if (fs_list_dir(tools, &s->names, &s->nnames)) {
		if (errno != ENOENT) {
			diag_fail(s->d, "cannot read '%s/tools': %s", s->display, strerror(errno));
			ret = -1;
		}
		s->names = NULL;
		s->nnames = 0;
	}
	free(tools);
	s->seen = xcalloc(s->nnames + 1, 1);
	return ret;
}

int diff_against(const struct ts_config *cfg, const struct compile_opts *o,
		 const char *dir, const char *display, unsigned flags,
		 struct findings *out, struct diag *d)
{
	struct session s;
	struct compile_opts co = *o;
	size_t start = out->n;
	int ret;

	memset(&s, 0, sizeof(s));
	strbuf_init(&s.text, 0);
	s.cfg = cfg;
	s.dir = dir;
	s.display = display ? display : dir;
	s.flags = flags;
	s.out = out;
	s.d = d;
	co.compare_dir = dir;   /* compared on the workers: on_file sees what differs */
	ret = list_committed(&s);
	if (!ret)
		ret = compile_catalogue(cfg, &co, on_file, &s, NULL, d);
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
