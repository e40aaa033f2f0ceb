/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile.c: rows -> manifests -> files, and the role bundles.
 *
 * Rows stream through one at a time: each is checked, its template found,
 * and its manifest rendered from the template's compiled segments (the
 * envelope included: no tree is built per row), hashed in both forms and
 * handed to the caller.  What stays in memory is per-key bookkeeping (duplicate
 * and collision checks), the index, and the tools of the role bundles
 * (never more than BUNDLE_MAX + 1 of them).
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "toolsync/committed.h"
#include "toolsync/compile.h"
#include "toolsync/fsutil.h"
#include "toolsync/hashset.h"
#include "toolsync/matrix.h"
#include "toolsync/quote.h"
#include "toolsync/segments.h"
#include "toolsync/target.h"
#include "toolsync/template.h"
#include "toolsync/term.h"

/* OpenAI accepts at most 128 tools in one request. */
#define BUNDLE_MAX 128

char *tool_function_name(const char *key)
{
	char *name = xmalloc(strlen(key) + 1);

	key_function_name(name, key);
	return name;
}

/*
 * The keys seen so far, each with where it was first seen, found by its
 * function name ('.' read as '_'): one set catches both a duplicate key
 * and two keys that give one function name.  The entries and the keys'
 * bytes live in a string pool (no allocation per row).
 */
struct seen_entry {
	const char *key;
	struct srcloc loc;
};

struct seen {
	struct hashset names;         /* function name -> struct seen_entry */
	struct strpool entries;
};

/* Add key; if a key of the same function name was there, that one. */
static const struct seen_entry *seen_add(struct seen *set, const char *key,
					 const char *name, const struct srcloc *loc)
{
	struct hashset_entry *e;
	struct seen_entry *s;
	int added;

	e = hashset_add(&set->names, name, strlen(name), &added);
	if (!added)
		return e->val;
	s = strpool_alloc(&set->entries, sizeof(*s));
	s->key = strpool_copy(&set->entries, key, strlen(key));
	s->loc = *loc;
	e->val = s;
	return NULL;
}

static void seen_release(struct seen *set)
{
	hashset_release(&set->names);
	strpool_release(&set->entries);
}

/* The manifest's two forms, and a bundle item's. */
enum form { FORM_PRETTY, FORM_JCS, FORMS };

/* Targets (target.h) a template can have items for; more is a BUG. */
#define TARGETS_MAX 8

/* A template compiled into segments: what a row costs is a concatenation. */
struct tforms {
	struct segprog manifest[FORMS];
	/*
	 * one tool in a role bundle, per target_list() entry; NULL when the
	 * template is in no bundle (no room kept for 100,000 of them)
	 */
	struct segprog (*item)[FORMS];
	/* the item of a target whose shape changes strings is made from a tree */
	int item_from_tree[TARGETS_MAX];
	size_t size_hint;                        /* a manifest's size, about */
};

struct bundle_tool {
	char *key;
	long rank;
	unsigned targets;             /* the bundles it goes in: its template's targets */
	struct strbuf item[TARGETS_MAX][FORMS];
};

/*
 * Output files are handled in batches, a ring of BATCHES of them: the
 * main thread reads and checks the rows of one batch while the workers
 * render, hash and (when the callback says it is thread-safe) emit the
 * ones handed over before; the main thread then records each in the
 * index, in registry order, and emits it then otherwise.  It waits only
 * when the ring is full, and then takes chunks of work itself: neither
 * side waits for the other at every batch.  The ring bounds the memory
 * held at once; its buffers are reused.  Each job's buffer grows once to
 * the largest file it holds: 128 jobs touch a quarter of the fresh
 * memory 512 did (docs/performance.md).
 */
#define BATCH_SIZE 32
#define BATCHES 4

struct job {
	struct strbuf path;
	struct row row;               /* a tool's row, moved in */
	const struct template *t;     /* a tool's template; NULL for a bundle */
	const struct tforms *forms;
	struct compiled_tool ct;      /* ct.row is NULL for bundles */
	struct segvals vals;          /* a tool's row, escaped for its holes */
	struct strbuf bytes;          /* what is written (see scratch.bytes) */
	size_t size;                  /* bytes.len, once hashed */
	struct strbuf jcs;            /* the RFC 8785 form (a tool's: when hashed) */
	char digest[DIGEST_HEX_SIZE], jcs_digest[DIGEST_HEX_SIZE];
	unsigned committed_same;      /* see out_file */
	int rc;
};

struct batch {
	struct job v[BATCH_SIZE];
	size_t n;
	size_t next, finished;        /* jobs taken, and done (pool.mu) */
};

/* Jobs a worker takes at once: fewer trips to the lock, and 8 lanes to hash. */
#define CHUNK 8

/*
 * What a worker keeps from job to job: a committed file's bytes, the
 * RFC 8785 forms of a chunk's tools, which are only hashed, and the bytes
 * of a chunk's tools, lent to each job while it runs (copied into the
 * job's own buffer only when the main thread needs them after:
 * bytes_needed_later).  Kept per job instead, the 128 jobs in flight
 * touched 640 KB of fresh memory for the forms and 1.5 MB for the bytes:
 * at 1,000 tools, half a build's page faults, at about 15 µs each on the
 * VMs toolsync is measured on (docs/performance.md).
 */
struct scratch {
	struct strbuf committed;
	struct strbuf jcs[CHUNK];
	struct strbuf bytes[CHUNK];
};

/*
 * A scratch's buffers take the size of a manifest at once, made by the
 * main thread for every worker: from the heap, which has huge pages
 * (xalloc_init), not from a worker's own arena, where each fresh 4 KiB
 * page costs a fault.  At most 8 KiB each (a larger manifest grows its
 * buffer where it is rendered): 64 workers and a 71 KB manifest took
 * 96 MB at 64 KiB.  The RFC 8785 forms only when they are hashed (an
 * index is made: not diff, not ci).
 */
#define SCRATCH_HINT_MAX ((size_t)8 << 10)

static void scratch_init(struct scratch *s, size_t hint, int jcs)
{
	size_t i;

	strbuf_init(&s->committed, 0);
	for (i = 0; i < CHUNK; i++) {
		strbuf_init(&s->jcs[i], jcs ? hint : 0);
		strbuf_init(&s->bytes[i], hint);
	}
}

struct compiler;

struct pool;

struct worker {
	struct pool *p;
	struct scratch s;
	pthread_t thread;
};

/*
 * Persistent worker threads taking chunks of the batches handed over, in
 * the order they were.  With one job slot (TOOLSYNC_JOBS=1) there are no
 * threads: the main thread runs each batch when it hands it over.
 */
struct pool {
	struct compiler *c;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct batch *ring;           /* the compiler's BATCHES */
	size_t take, submitted;       /* counts of batches: taken from, handed over */
	size_t outstanding;           /* jobs handed over and not done */
	int quit;
	unsigned n;                   /* threads started */
	struct worker w[JOBS_MAX];
};

struct compiler {
	const struct ts_config *cfg;
	const struct compile_opts *o;
	compile_emit_fn emit;
	void *ctx;
	struct index *ix;
	struct diag *d;
	struct template_set templates;
	struct tforms **forms;        /* one per template, NULL for a bad one */
	struct seen seen;             /* keys, by function name */
	struct bundle_tool *bt;       /* at most BUNDLE_MAX + 1 kept */
	size_t nbt, bt_alloc;
	size_t ntools;
	int failed;                   /* something was reported: stop emitting
				       * (workers read it: __atomic while they run) */
	int stopped;                  /* the callback failed: stop altogether */
	struct batch batch[BATCHES];  /* a ring: the one filling, and those handed over */
	size_t nsubmitted, nfinished; /* batches handed over, and finished in order */
	struct batch *filling;
	struct scratch main;          /* the main thread's */
	struct pool pool;
	struct matrix matrix;         /* every compiled row, for traceability.* */
	/* each loading thread's, for compile_template(): a buffer, and where forms are kept */
	struct strbuf form_text[JOBS_MAX];
	struct strpool form_pool[JOBS_MAX];
	const struct target_info *targets;
	size_t ntargets;
	size_t size_hint;             /* the largest template's, at most SCRATCH_HINT_MAX */
};

/*
 * The manifest envelope, in DESIGN.md's key order.  Values come from vals
 * (a row's, or the markers: then "standards" is the array hole);
 * locations from row: "key", "min_role" and "standards" carry the
 * registry row's, "tool" the template's.
 */
static struct jv *string_at(const char *s, const struct srcloc *loc)
{
	struct jv *v = jv_string(s);

	v->loc = *loc;
	return v;
}

static struct jv *bool_at(int b, const struct srcloc *loc)
{
	struct jv *v = jv_new(JV_BOOL, loc);

	v->u.boolean = b;
	return v;
}

static struct jv *standards_array(const struct row *row, const struct segvals *vals)
{
	struct jv *std;
	size_t i;

	if (!vals->standards)
		return string_at(segment_marker(HOLE_STANDARDS_ARRAY), &row->standards_loc);
	std = jv_new(JV_ARRAY, &row->standards_loc);
	for (i = 0; i < vals->standards->n; i++)
		jv_append(std, string_at(vals->standards->v[i], &row->standards_loc));
	return std;
}

static struct jv *build_manifest(const struct row *row, const struct template *t,
				 const struct segvals *vals)
{
	struct jv *m = jv_new(JV_OBJECT, &row->loc), *tool, *src;
	const struct jv *strict;

	jv_set(m, "format", jv_string(MANIFEST_FORMAT));
	jv_set(m, "key", string_at(vals->raw[HOLE_KEY].buf, &row->key_loc));
	jv_set(m, "min_role", string_at(vals->raw[HOLE_MIN_ROLE].buf, &row->role_loc));
	jv_set(m, "standards", standards_array(row, vals));
	tool = jv_new(JV_OBJECT, &t->doc->loc);
	jv_set(tool, "type", jv_string("function"));
	jv_set(tool, "name", string_at(vals->raw[HOLE_NAME].buf, &row->key_loc));
	jv_set(tool, "description", template_render_description(t, vals));
	jv_set(tool, "parameters", template_render_parameters(t, vals));
	/* located at the template's strict: line (for diff), else at the template */
	strict = jv_get(t->doc, "strict");
	jv_set(tool, "strict", bool_at(t->strict, strict ? &strict->loc : &t->doc->loc));
	jv_set(m, "tool", tool);
	src = jv_object();
	jv_set(src, "template", jv_string(t->path));
	jv_set(src, "blake2b", jv_string(t->blake2b));
	jv_set(m, "source", src);
	return m;
}

/*
 * A bundle item is written as the one item of an array, "[\n  " X "\n]\n"
 * (pretty) or "[" X "]": these are the bytes to cut off around it.
 */
static const size_t item_cut[FORMS][2] = { [FORM_PRETTY] = { 4, 3 }, [FORM_JCS] = { 1, 1 } };
static const enum json_style form_style[FORMS] = { JSON_PRETTY, JSON_CANONICAL };

/*
 * Compile doc (holding markers) in both forms, cutting the array around an
 * item, into pool; sb is the loading thread's buffer, reused from template
 * to template.
 */
static int compile_forms(struct segprog prog[FORMS], const struct jv *doc, int item,
			 struct strbuf *sb, struct strpool *pool)
{
	int bad = 0, k;

	for (k = 0; k < FORMS; k++) {
		strbuf_reset(sb);
		json_write(sb, doc, form_style[k]);
		bad |= segprog_compile(&prog[k], sb, form_style[k], item ? item_cut[k][0] : 0,
				       item ? item_cut[k][1] : 0, pool);
	}
	return bad;
}

/* A bundle item from its tree, in form k (the items no segments can make). */
static void item_from_tree(struct strbuf *out, const struct jv *entry, int k)
{
	struct strbuf sb = STRBUF_INIT;
	struct jv *arr = jv_array();

	jv_append(arr, jv_copy(entry));
	json_write(&sb, arr, form_style[k]);
	strbuf_add(out, sb.buf + item_cut[k][0], sb.len - item_cut[k][0] - item_cut[k][1]);
	strbuf_release(&sb);
	jv_free(arr);
}

/*
 * A target's shape (target_entry()) may do more than move strings about:
 * Gemini's OpenAPI form rewrites type names, for one.  So each target's
 * item segments are checked once against the item made from a tree for a
 * probe row; a target that fails is rendered from trees (bundles hold at
 * most BUNDLE_MAX tools, so that stays cheap).
 */
static int items_agree(const struct compiler *c, const struct template *t,
		       const struct segprog prog[FORMS], enum target bit)
{
	static const char *const probe_standards[] = { "Std-1", "x\"y" };
	struct strlist stds = { (char **)probe_standards, 2, 0 };
	struct segvals vals = SEGVALS_INIT;
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	struct row none;
	struct jv *doc, *entry;
	int k, same = 1;

	row_init(&none);
	segvals_set(&vals, "probe.Key-1", "Role \"x\"", &stds);
	doc = build_manifest(&none, t, &vals);
	entry = target_entry(bit, jv_get(doc, "tool"), c->cfg);
	for (k = 0; k < FORMS && same; k++) {
		strbuf_reset(&want);
		strbuf_reset(&got);
		item_from_tree(&want, entry, k);
		segprog_render(&got, &prog[k], &vals);
		same = !strbuf_cmp(&want, &got);
	}
	jv_free(entry);
	jv_free(doc);
	segvals_release(&vals);
	strbuf_release(&want);
	strbuf_release(&got);
	return same;
}

/*
 * A template's forms: its manifest with holes, and each target's item,
 * kept in the loading thread's pool (with sb, its buffer) until the
 * compiler is released; NULL when a string is not UTF-8
 * (compile_templates() reports it).
 */
static struct tforms *compile_template(const struct compiler *c, const struct template *t,
				      struct strbuf *sb, struct strpool *pool)
{
	struct tforms *f = strpool_calloc(pool, 1, sizeof(*f));
	struct segvals mv = SEGVALS_INIT;
	struct row none;
	struct jv *doc;
	size_t i;
	int bad;

	row_init(&none);
	segvals_markers(&mv);
	doc = build_manifest(&none, t, &mv);
	bad = compile_forms(f->manifest, doc, 0, sb, pool);
	f->size_hint = 512;
	for (i = 0; !bad && i < f->manifest[FORM_PRETTY].n; i++)
		f->size_hint += f->manifest[FORM_PRETTY].v[i].len;
	if (c->cfg->targets & t->targets)
		f->item = strpool_calloc(pool, TARGETS_MAX, sizeof(*f->item));
	for (i = 0; i < c->ntargets && !bad; i++) {
		enum target bit = c->targets[i].bit;
		struct jv *arr;

		if (!(c->cfg->targets & t->targets & bit))
			continue;
		arr = jv_array();
		jv_append(arr, target_entry(bit, jv_get(doc, "tool"), c->cfg));
		bad |= compile_forms(f->item[i], arr, 1, sb, pool);
		jv_free(arr);
		f->item_from_tree[i] = !bad && !items_agree(c, t, f->item[i], bit);
	}
	jv_free(doc);
	segvals_release(&mv);
	return bad ? NULL : f;   /* a bad one's bytes stay in the pool till the end */
}

/* 1 if a bundle item of f is made from its template's tree (keep_item_from_tree). */
static int needs_tree(const struct compiler *c, const struct tforms *f)
{
	size_t i;

	for (i = 0; f->item && i < c->ntargets; i++)
		if (f->item_from_tree[i])
			return 1;
	return 0;
}

/*
 * templates_load()'s hook: a template compiled as soon as it has loaded,
 * on the thread that loaded it (it reads t and c only).  Unless a caller
 * renders trees (compile_opts.drop_trees), the tree goes at once: the
 * next template's parse reuses its memory.
 */
static void compile_loaded(void *ctx, struct template *t, unsigned slot)
{
	struct compiler *c = ctx;
	struct tforms *f = compile_template(c, t, &c->form_text[slot], &c->form_pool[slot]);

	t->compiled = f;
	if (f && c->o->drop_trees && !needs_tree(c, f))
		template_drop_trees(t);
}

/* Load and compile every template; a template that does not compile is reported, in order. */
static void compile_templates(struct compiler *c)
{
	struct template_hook hook = { compile_loaded, c };
	size_t i;

	c->targets = target_list(&c->ntargets);
	if (c->ntargets > TARGETS_MAX)
		BUG("%zu targets, TARGETS_MAX is %d", c->ntargets, TARGETS_MAX);
	templates_load(&c->templates, c->cfg, &hook, c->d);
	c->forms = xcalloc(c->templates.n + 1, sizeof(*c->forms));
	for (i = 0; i < c->templates.n; i++) {
		struct template *t = &c->templates.v[i];

		c->forms[i] = t->compiled;
		t->compiled = NULL;
		if (c->forms[i] && c->forms[i]->size_hint > c->size_hint)
			c->size_hint = c->forms[i]->size_hint < SCRATCH_HINT_MAX ?
				       c->forms[i]->size_hint : SCRATCH_HINT_MAX;
		if (!t->bad && !c->forms[i])
			/* only a byte that is not UTF-8 can do this, and every input is checked */
			diag_error(c->d, &t->doc->loc, "template '%s' holds bytes that are not UTF-8",
				   t->path);
	}
}

/* Render a tool's manifest in the form written; its values stay in j->vals. */
static void job_render(const struct compiler *c, struct job *j)
{
	segvals_set(&j->vals, j->row.key, j->row.min_role, &j->row.standards);
	strbuf_reset(&j->bytes);
	strbuf_grow(&j->bytes, j->forms->size_hint);
	segprog_render(&j->bytes, &j->forms->manifest[c->o->canonical ? FORM_JCS : FORM_PRETTY],
		       &j->vals);
}

/*
 * A tool's RFC 8785 form, rendered into jcs to be hashed (1), unless its
 * digest is the bytes' own (--canonical) or the caller knows it (0).
 */
static int job_render_jcs(const struct compiler *c, struct job *j, struct strbuf *jcs)
{
	if (c->o->canonical) {
		memcpy(j->jcs_digest, j->digest, sizeof(j->digest));
		return 0;
	}
	if (c->o->known_jcs && c->o->known_jcs(c->ctx, j->path.buf, j->digest, j->jcs_digest))
		return 0;
	strbuf_reset(jcs);
	segprog_render(jcs, &j->forms->manifest[FORM_JCS], &j->vals);
	return 1;
}

/* Texts to hash together (blake2b256_hex_many), and where each digest goes. */
struct hashes {
	const void *data[2 * CHUNK];
	size_t len[2 * CHUNK], n;
	char *to[2 * CHUNK];
	char hex[2 * CHUNK][DIGEST_HEX_SIZE];
};

static void hashes_add(struct hashes *h, const struct strbuf *text, char *to)
{
	h->data[h->n] = text->buf;
	h->len[h->n] = text->len;
	h->to[h->n++] = to;
}

static void hashes_run(struct hashes *h)
{
	size_t i;

	blake2b256_hex_many(h->n, h->data, h->len, h->hex);
	for (i = 0; i < h->n; i++)
		memcpy(h->to[i], h->hex[i], DIGEST_HEX_SIZE);
	h->n = 0;
}

/*
 * Render and hash n jobs: every file's bytes (and a bundle's RFC 8785
 * form) side by side, then the RFC 8785 forms of the tools that need
 * theirs (known_jcs is asked with the bytes' digest).  diff and ci make
 * no index: a tool's digests are made when a comparison asks
 * (out_file_jcs_blake2b).
 */
static void chunk_hash(const struct compiler *c, struct job *v, size_t n, struct scratch *s)
{
	struct hashes h;
	size_t i;

	h.n = 0;
	for (i = 0; i < n; i++) {
		struct job *j = &v[i];

		if (j->t)
			job_render(c, j);
		if (j->t && !c->ix) {
			j->digest[0] = j->jcs_digest[0] = '\0';
			continue;
		}
		hashes_add(&h, &j->bytes, j->digest);
		if (!j->t)
			hashes_add(&h, &j->jcs, j->jcs_digest);
	}
	hashes_run(&h);
	for (i = 0; c->ix && i < n; i++)
		if (v[i].t && job_render_jcs(c, &v[i], &s->jcs[i]))
			hashes_add(&h, &s->jcs[i], v[i].jcs_digest);
	hashes_run(&h);
}

const struct jv *compiled_tool_manifest(struct compiled_tool *t)
{
	struct segvals vals = SEGVALS_INIT;

	if (!t->tree) {
		segvals_set(&vals, t->row->key, t->row->min_role, &t->row->standards);
		t->tree = build_manifest(t->row, t->template, &vals);
		segvals_release(&vals);
	}
	return t->tree;
}

const char *out_file_jcs_blake2b(const struct out_file *f)
{
	struct compiled_tool *t = f->tool;
	struct segvals vals = SEGVALS_INIT;
	struct strbuf jcs = STRBUF_INIT;

	if (f->jcs_blake2b[0] || !t)
		return f->jcs_blake2b;
	if (!t->jcs_blake2b[0]) {
		segvals_set(&vals, t->row->key, t->row->min_role, &t->row->standards);
		segprog_render(&jcs, &t->forms->manifest[FORM_JCS], &vals);
		blake2b256_hex(jcs.buf, jcs.len, t->jcs_blake2b);
		segvals_release(&vals);
		strbuf_release(&jcs);
	}
	return t->jcs_blake2b;
}

static void job_emit(const struct compiler *c, struct job *j)
{
	struct out_file f = { j->path.buf, &j->bytes, j->digest, j->jcs_digest,
			      j->t ? &j->ct : NULL, j->committed_same };

	/* the main thread sets failed while workers emit */
	if (__atomic_load_n(&c->failed, __ATOMIC_RELAXED) || !c->emit)
		return;
	j->rc = c->emit(c->ctx, &f);
	jv_free(j->ct.tree);
	j->ct.tree = NULL;
}

/*
 * The committed file holds these bytes, or their RFC 8785 form (from a
 * --canonical build).  Anything odd (missing, a symlink, not a regular
 * file, unreadable) is "not the same": the callback looks at it itself.
 */
static int same_as_committed(struct committed *src, struct job *j, struct scratch *s)
{
	struct out_file f = { j->path.buf, &j->bytes, j->digest, j->jcs_digest,
			      j->t ? &j->ct : NULL, 0 };
	char hex[DIGEST_HEX_SIZE];

	strbuf_reset(&s->committed);
	if (committed_read_quiet(src, j->path.buf, &s->committed) || !s->committed.len)
		return 0;
	if (s->committed.len == j->bytes.len && !memcmp(s->committed.buf, j->bytes.buf, j->bytes.len))
		return 1;
	blake2b256_hex(s->committed.buf, s->committed.len, hex);
	return !strcmp(hex, out_file_jcs_blake2b(&f));
}

/* out_file.committed_same */
static unsigned compare_committed(const struct compiler *c, struct job *j, struct scratch *s)
{
	unsigned same = 0, i;

	for (i = 0; i < COMPILE_COMPARE_MAX && c->o->compare[i]; i++)
		same |= (unsigned)same_as_committed(c->o->compare[i], j, s) << i;
	return same;
}

/* Lend (or take back) the scratch's buffers to a chunk's tools. */
static void lend_bytes(struct job *v, size_t n, struct scratch *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct strbuf lent = s->bytes[i];

		if (!v[i].t)
			continue;
		s->bytes[i] = v[i].bytes;
		v[i].bytes = lent;
	}
}

/*
 * A tool's bytes that the main thread needs after the chunk: emitted there
 * (no parallel_emit), and not the same in every compare source (see
 * out_file.bytes): diff and ci read them only to compare.
 */
static int bytes_needed_later(const struct compiler *c, const struct job *j)
{
	unsigned every = 0, i;

	if (c->o->parallel_emit || !j->t)
		return 0;
	for (i = 0; i < COMPILE_COMPARE_MAX && c->o->compare[i]; i++)
		every |= 1u << i;
	return !every || j->committed_same != every;
}

/* n jobs, at most CHUNK: rendered, hashed, compared, emitted if in parallel. */
static void chunk_run(const struct compiler *c, struct job *v, size_t n, struct scratch *s)
{
	size_t i;

	lend_bytes(v, n, s);
	chunk_hash(c, v, n, s);
	for (i = 0; i < n; i++) {
		v[i].size = v[i].bytes.len;
		v[i].committed_same = compare_committed(c, &v[i], s);
		if (c->o->parallel_emit)
			job_emit(c, &v[i]);
	}
	lend_bytes(v, n, s);
	for (i = 0; i < n; i++)
		if (bytes_needed_later(c, &v[i])) {
			strbuf_reset(&v[i].bytes);
			strbuf_addbuf(&v[i].bytes, &s->bytes[i]);
		}
}

/* The first batch handed over with jobs not taken yet, or NULL (p->mu held). */
static struct batch *next_batch(struct pool *p)
{
	for (; p->take < p->submitted; p->take++) {
		struct batch *b = &p->ring[p->take % BATCHES];

		if (b->next < b->n)
			return b;
	}
	return NULL;
}

/* Run the next chunk of b (p->mu held, and held again after). */
static void take_chunk(struct pool *p, struct batch *b, struct scratch *s)
{
	size_t from = b->next, to = from + CHUNK < b->n ? from + CHUNK : b->n;

	b->next = to;
	pthread_mutex_unlock(&p->mu);
	chunk_run(p->c, &b->v[from], to - from, s);
	pthread_mutex_lock(&p->mu);
	b->finished += to - from;
	p->outstanding -= to - from;
	if (b->finished == b->n)
		pthread_cond_broadcast(&p->done);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;
	struct batch *b;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && !(b = next_batch(p)))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		take_chunk(p, b, &w->s);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void scratch_release(struct scratch *s)
{
	size_t i;

	strbuf_release(&s->committed);
	for (i = 0; i < CHUNK; i++) {
		strbuf_release(&s->jcs[i]);
		strbuf_release(&s->bytes[i]);
	}
}

static void pool_start(struct pool *p, struct compiler *c, unsigned n)
{
	unsigned i;

	memset(p, 0, sizeof(*p));
	p->c = c;
	p->ring = c->batch;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (i = 0; n > 1 && i < n; i++) {
		p->w[i] = (struct worker){ .p = p };
		scratch_init(&p->w[i].s, c->size_hint, c->ix != NULL);
		if (pthread_create(&p->w[i].thread, NULL, work, &p->w[i])) {
			scratch_release(&p->w[i].s);
			break;   /* fewer threads: slower, not wrong */
		}
		p->n++;
	}
}

/*
 * Wait until batch number seq (handed over) is done, or with b NULL every
 * batch handed over, taking chunks that are left meanwhile: the main
 * thread works rather than sleeps (a signed build's workers sign for
 * longer than the main thread reads rows).  A batch done is never looked
 * at again: its place in the ring is filled next.
 */
static void pool_wait(struct pool *p, struct batch *b, size_t seq)
{
	struct batch *left;

	pthread_mutex_lock(&p->mu);
	while (b ? b->finished < b->n : p->outstanding > 0) {
		if ((left = next_batch(p)))
			take_chunk(p, left, &p->c->main);
		else
			pthread_cond_wait(&p->done, &p->mu);
	}
	if (b && p->take <= seq)
		p->take = seq + 1;
	pthread_mutex_unlock(&p->mu);
}

/* Hand b over: the next of the ring. */
static void pool_submit(struct pool *p, struct batch *b)
{
	size_t i;

	if (!p->n) {
		for (i = 0; i < b->n; i += CHUNK)
			chunk_run(p->c, &b->v[i], b->n - i < CHUNK ? b->n - i : CHUNK, &p->c->main);
		b->next = b->finished = b->n;
		return;
	}
	pthread_mutex_lock(&p->mu);
	b->next = b->finished = 0;
	p->submitted++;
	p->outstanding += b->n;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

static void pool_stop(struct pool *p)
{
	unsigned i;

	pool_wait(p, NULL, 0);
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n; i++) {
		pthread_join(p->w[i].thread, NULL);
		scratch_release(&p->w[i].s);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
}

static void bundle_keep(struct compiler *c, const struct job *j);

/* The batch the workers finished: emit in order, index, keep for bundles. */
static int finish_batch(struct compiler *c, struct batch *b)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < b->n; i++) {
		struct job *j = &b->v[i];

		if (!c->o->parallel_emit)
			job_emit(c, j);
		if (j->rc && !ret) {
			__atomic_store_n(&c->failed, 1, __ATOMIC_RELAXED);
			c->stopped = 1;
			ret = -1;
		}
		if (c->ix)
			index_add(c->ix, j->path.buf, j->size, j->digest, j->jcs_digest);
		if (j->t)
			bundle_keep(c, j);
		row_release(&j->row);
	}
	b->n = 0;
	return ret;
}

/* Wait for the oldest batch handed over, and finish it. */
static int finish_oldest(struct compiler *c)
{
	size_t seq = c->nfinished++;
	struct batch *b = &c->batch[seq % BATCHES];

	pool_wait(&c->pool, b, seq);
	return finish_batch(c, b);
}

/*
 * Hand the filled batch to the workers and fill the next of the ring,
 * finishing the oldest first if the ring is full.  With drain, finish
 * every batch handed over: nothing is left with the workers.
 */
static int flush_batch(struct compiler *c, int drain)
{
	int ret = 0;

	pool_submit(&c->pool, c->filling);
	c->nsubmitted++;
	if (c->nsubmitted - c->nfinished == BATCHES)
		ret |= finish_oldest(c);
	while (drain && c->nfinished < c->nsubmitted)
		ret |= finish_oldest(c);
	c->filling = &c->batch[c->nsubmitted % BATCHES];
	return ret;
}

/* The next job of the filling batch, its buffers emptied. */
static struct job *new_job(struct compiler *c)
{
	struct job *j = &c->filling->v[c->filling->n++];

	strbuf_reset(&j->path);
	strbuf_reset(&j->bytes);
	strbuf_reset(&j->jcs);
	j->t = NULL;
	j->forms = NULL;
	j->ct = (struct compiled_tool){ NULL, NULL, NULL, NULL, NULL, "" };
	j->rc = 0;
	return j;
}

static int job_queued(struct compiler *c)
{
	return c->filling->n == BATCH_SIZE ? flush_batch(c, 0) : 0;
}

/* Queue a tool; its row is moved in. */
static int queue_tool(struct compiler *c, struct row *row, const struct template *t,
		      const struct tforms *forms)
{
	struct job *j = new_job(c);

	strbuf_addstr(&j->path, "tools/");
	strbuf_addstr(&j->path, row->key);
	strbuf_addstr(&j->path, ".json");
	j->row = *row;
	row_init(row);
	j->t = t;
	j->forms = forms;
	j->ct = (struct compiled_tool){ &j->row, t->path, t, forms, NULL, "" };
	return job_queued(c);
}

/* A bundle item from the tool's tree (the targets whose segments disagreed). */
static void keep_item_from_tree(struct compiler *c, struct bundle_tool *b, const struct job *j,
				size_t i)
{
	struct jv *doc = build_manifest(&j->row, j->t, &j->vals);
	struct jv *entry = target_entry(c->targets[i].bit, jv_get(doc, "tool"), c->cfg);
	int k;

	for (k = 0; k < FORMS; k++)
		item_from_tree(&b->item[i][k], entry, k);
	jv_free(entry);
	jv_free(doc);
}

/* Keep the tool's bundle items (only as many tools as could be valid). */
static void bundle_keep(struct compiler *c, const struct job *j)
{
	struct bundle_tool *b;
	size_t i, k;

	if (!c->cfg->targets || c->nbt > BUNDLE_MAX)
		return;
	ALLOC_GROW(c->bt, c->nbt, c->bt_alloc);
	b = &c->bt[c->nbt++];
	b->key = xstrdup(j->row.key);
	b->rank = config_role_rank(c->cfg, j->row.min_role);
	b->targets = j->t->targets;
	for (i = 0; i < TARGETS_MAX; i++)
		for (k = 0; k < FORMS; k++)
			strbuf_init(&b->item[i][k], 0);
	for (i = 0; i < c->ntargets; i++) {
		if (!(c->cfg->targets & b->targets & c->targets[i].bit))
			continue;
		if (j->forms->item_from_tree[i]) {
			keep_item_from_tree(c, b, j, i);
			continue;
		}
		for (k = 0; k < FORMS; k++)
			segprog_render(&b->item[i][k], &j->forms->item[i][k], &j->vals);
	}
}

/* Duplicate keys and function-name collisions, against every earlier row. */
static int check_unique(struct compiler *c, const struct row *row, const char *name)
{
	const struct seen_entry *first = seen_add(&c->seen, row->key, name, &row->key_loc);
	struct strbuf where = STRBUF_INIT;

	if (!first)
		return 0;
	srcloc_format(&where, &first->loc);
	if (!strcmp(first->key, row->key))
		diag_error(c->d, &row->key_loc, "duplicate key '%s' (first at %s)", row->key, where.buf);
	else
		diag_error(c->d, &row->key_loc, "key '%s' gives function name '%s', which the key at %s "
			   "already gives", row->key, name, where.buf);
	strbuf_release(&where);
	return -1;
}

/* Every target the tool goes to must accept its function name. */
static int check_target_names(struct compiler *c, const struct row *row, const char *name,
			      const struct template *t)
{
	struct strbuf why = STRBUF_INIT;
	size_t i;
	int bad = 0;

	for (i = 0; i < c->ntargets; i++)
		if ((c->cfg->targets & t->targets & c->targets[i].bit) &&
		    target_check_name(c->targets[i].bit, name, &why)) {
			diag_error(c->d, &row->key_loc, "target %s: key '%s' gives function name "
				   "'%s': %s", c->targets[i].name, row->key, name, why.buf);
			strbuf_reset(&why);
			bad = -1;
		}
	strbuf_release(&why);
	return bad;
}

/* Find a checked row's template and queue it; the row is moved. */
static int compile_row(struct compiler *c, struct row *row)
{
	const struct template *t;
	char name[KEY_MAX + 1];

	if (strlen(row->key) > KEY_MAX)
		BUG("row_check let a key of %zu bytes through", strlen(row->key));
	key_function_name(name, row->key);
	if (check_unique(c, row, name))
		return -1;
	if (!(t = templates_find(&c->templates, row->key))) {
		/* a broken template may be this key's: its error was reported */
		if (templates_unmatchable(&c->templates))
			return -1;
		diag_error(c->d, &row->key_loc, "no template for key '%s' (no %s/%s.yaml, and no "
			   "'match:' glob fits)", row->key, c->cfg->templates, row->key);
		return -1;
	}
	if (t->bad || !c->forms[t - c->templates.v])
		return -1;   /* reported when the template was loaded */
	if (check_target_names(c, row, name, t))
		return -1;
	c->ntools++;
	matrix_add(&c->matrix, row);
	return queue_tool(c, row, t, c->forms[t - c->templates.v]);
}

static int cmp_bundle_tool(const void *a, const void *b)
{
	return strcmp(((const struct bundle_tool *)a)->key, ((const struct bundle_tool *)b)->key);
}

/* A role may use every tool whose min_role is its own or lower. */
static size_t bundle_size(const struct compiler *c, long rank)
{
	size_t i, n = 0;

	for (i = 0; i < c->nbt; i++)
		n += c->bt[i].rank <= rank;
	return n;
}

/*
 * A role's bundle for one target: the items of its tools, sorted by key,
 * in an array as json_write() writes it (pretty: "[", ",\n  " between
 * items, "\n]\n"; RFC 8785: "[", ",", "]").
 */
static int emit_bundle(struct compiler *c, long rank, size_t target)
{
	struct job *j = new_job(c);
	size_t i, n = 0;

	strbuf_addf(&j->path, "roles/%s.%s.json", c->cfg->roles.v[rank], c->targets[target].name);
	strbuf_addch(&j->bytes, '[');
	strbuf_addch(&j->jcs, '[');
	for (i = 0; i < c->nbt; i++) {
		if (c->bt[i].rank > rank || !(c->bt[i].targets & c->targets[target].bit))
			continue;
		strbuf_addstr(&j->bytes, n ? ",\n  " : "\n  ");
		strbuf_addbuf(&j->bytes, &c->bt[i].item[target][FORM_PRETTY]);
		if (n++)
			strbuf_addch(&j->jcs, ',');
		strbuf_addbuf(&j->jcs, &c->bt[i].item[target][FORM_JCS]);
	}
	strbuf_addstr(&j->bytes, n ? "\n]\n" : "]\n");
	strbuf_addch(&j->jcs, ']');
	if (c->o->canonical) {
		strbuf_reset(&j->bytes);
		strbuf_addbuf(&j->bytes, &j->jcs);
	}
	return job_queued(c);
}

static int emit_bundles(struct compiler *c)
{
	const struct srcloc *at = c->cfg->path ? &c->cfg->targets_loc : NULL;
	size_t r, t;
	int bad = 0;

	if (!c->cfg->targets)
		return 0;
	for (r = 0; r < c->cfg->roles.n; r++)
		if (c->nbt > BUNDLE_MAX && bundle_size(c, (long)r) > BUNDLE_MAX) {
			diag_error(c->d, at, "role '%s' may use more than %d tools, the most OpenAI "
				   "accepts in one request; raise min_role of some tools, or set "
				   "'targets: []' to write no role bundles", c->cfg->roles.v[r], BUNDLE_MAX);
			bad = -1;
		}
	if (bad || c->failed)
		return bad;
	qsort(c->bt, c->nbt, sizeof(*c->bt), cmp_bundle_tool);
	for (r = 0; r < c->cfg->roles.n; r++)
		for (t = 0; t < c->ntargets; t++)
			if ((c->cfg->targets & c->targets[t].bit) && emit_bundle(c, (long)r, t))
				return -1;
	return flush_batch(c, 1);
}

/* A matrix file, written and hashed (the markdown on a thread of its own). */
struct matrix_file {
	struct matrix *m;
	enum matrix_format fmt;
	struct strbuf bytes;
	char digest[DIGEST_HEX_SIZE];
};

static void *write_matrix_file(void *arg)
{
	struct matrix_file *f = arg;

	matrix_write(f->m, f->fmt, &f->bytes);
	blake2b256_hex(f->bytes.buf, f->bytes.len, f->digest);
	return NULL;
}

/*
 * A file that is not JSON (the traceability matrix): it has no JCS form,
 * so its own digest stands for it where a caller compares JCS digests.
 */
static int emit_text(struct compiler *c, const char *path, const struct matrix_file *m)
{
	struct out_file f = { path, &m->bytes, m->digest, m->digest, NULL, 0 };

	if (c->ix)
		index_add(c->ix, path, m->bytes.len, m->digest, NULL);
	return !c->failed && c->emit ? c->emit(c->ctx, &f) : 0;
}

/*
 * traceability.md and traceability.csv (see matrix.h), after every tool:
 * sorted once, then written and hashed side by side (the workers are
 * idle by now) when there are enough tools to pay for a thread (its
 * start, stack and arena: about half a millisecond here, what writing
 * the markdown of 1,000 tools takes).
 */
#define MATRIX_THREAD_MIN 10000
static int emit_matrix(struct compiler *c)
{
	struct matrix_file f[2] = {
		{ &c->matrix, MATRIX_MARKDOWN, STRBUF_INIT, "" },
		{ &c->matrix, MATRIX_CSV, STRBUF_INIT, "" },
	};
	pthread_t t;
	int threaded, ret;

	if (c->failed)
		return -1;
	matrix_sort(&c->matrix);
	threaded = c->pool.n && c->ntools >= MATRIX_THREAD_MIN &&
		   !pthread_create(&t, NULL, write_matrix_file, &f[0]);
	if (!threaded)
		write_matrix_file(&f[0]);
	write_matrix_file(&f[1]);
	if (threaded)
		pthread_join(t, NULL);
	ret = emit_text(c, MATRIX_MD_FILE, &f[0]) || emit_text(c, MATRIX_CSV_FILE, &f[1]) ? -1 : 0;
	strbuf_release(&f[0].bytes);
	strbuf_release(&f[1].bytes);
	return ret;
}

static void batch_release(struct batch *b)
{
	size_t i;

	for (i = 0; i < BATCH_SIZE; i++) {
		strbuf_release(&b->v[i].path);
		strbuf_release(&b->v[i].bytes);
		strbuf_release(&b->v[i].jcs);
		segvals_release(&b->v[i].vals);
		row_release(&b->v[i].row);   /* left by an error: dropped */
	}
}

static void compiler_release(struct compiler *c)
{
	size_t i, k, t;

	for (i = 0; i < c->nbt; i++) {
		free(c->bt[i].key);
		for (t = 0; t < TARGETS_MAX; t++)
			for (k = 0; k < FORMS; k++)
				strbuf_release(&c->bt[i].item[t][k]);
	}
	free(c->bt);
	free(c->forms);   /* the forms are in form_pool */
	for (i = 0; i < BATCHES; i++)
		batch_release(&c->batch[i]);
	scratch_release(&c->main);
	for (i = 0; i < JOBS_MAX; i++) {
		strbuf_release(&c->form_text[i]);
		strpool_release(&c->form_pool[i]);
	}
	seen_release(&c->seen);
	matrix_release(&c->matrix);
	templates_release(&c->templates);
}

/*
 * TOOLSYNC_JOBS: a whole number from 1; more than JOBS_MAX is JOBS_MAX.
 * Anything else (a typo, 0, -1, "4x") is said once, on stderr, and the
 * default taken: silently running on one thread made a mistyped value
 * look like a slow machine.
 */
unsigned compile_jobs(void)
{
	static int warned;
	const char *env = getenv("TOOLSYNC_JOBS"), *s;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), n = 0;

	if (env && *env) {
		for (s = env; *s >= '0' && *s <= '9' && n <= JOBS_MAX; s++)
			n = n * 10 + (*s - '0');
		while (*s >= '0' && *s <= '9')
			s++;
		if (!*s && n >= 1)
			return n > JOBS_MAX ? JOBS_MAX : (unsigned)n;
		if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
			fprintf(stderr, "toolsync: warning: TOOLSYNC_JOBS '%s' is not a number of "
				"threads (1 or more; at most %d are used): using one per processor\n",
				quote_show(env), JOBS_MAX);
	}
	return cpus < 1 ? 1 : cpus > JOBS_MAX ? JOBS_MAX : (unsigned)cpus;
}

/* Stream every row through the pipeline; 0 when all compiled. */
static int compile_rows(struct compiler *c, struct source *src)
{
	unsigned before = c->d->errors;
	struct row row;
	int r;

	progress_start("toolsync: rows compiled", 0);
	while (!c->stopped && (r = source_next(src, &row, c->d)) != 0) {
		if (r > 0) {
			if (!row_check(&row, c->cfg, c->d))
				compile_row(c, &row);
			row_release(&row);
		}
		if (r < 0 || c->d->errors > before)
			__atomic_store_n(&c->failed, 1, __ATOMIC_RELAXED);
		progress_tick();
	}
	flush_batch(c, 1);
	progress_done();
	return c->failed ? -1 : 0;
}

int compile_catalogue(const struct ts_config *cfg, const struct compile_opts *o,
		      compile_emit_fn emit, void *ctx, struct index *ix, struct diag *d)
{
	struct compiler *c = xcalloc(1, sizeof(*c));
	struct source *src;
	size_t i;
	int ret = -1;

	*c = (struct compiler){ .cfg = cfg, .o = o, .emit = emit, .ctx = ctx, .ix = ix, .d = d };
	c->filling = &c->batch[0];
	for (i = 0; i < JOBS_MAX; i++) {
		strbuf_init(&c->form_text[i], 0);
		c->form_pool[i] = (struct strpool)STRPOOL_INIT;
	}
	matrix_init(&c->matrix, cfg);
	compile_templates(c);
	scratch_init(&c->main, c->size_hint, ix != NULL);
	c->failed = d->errors > 0;
	pool_start(&c->pool, c, compile_jobs());
	if ((src = source_open(cfg, o->registry, d))) {
		if (compile_rows(c, src) == 0 && emit_bundles(c) == 0 && emit_matrix(c) == 0 &&
		    !d->errors)
			ret = 0;
		source_close(src);
	}
	pool_stop(&c->pool);
	compiler_release(c);
	free(c);
	return ret;
}
