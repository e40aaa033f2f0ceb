/*
 * compile.c: rows -> manifests -> files, and the role bundles.
 *
 * Rows stream through one at a time: each is checked, rendered through its
 * template, wrapped in the manifest envelope, serialized, hashed and handed
 * to the caller.  What stays in memory is per-key bookkeeping (duplicate
 * and collision checks), the index, and the tools of the role bundles
 * (never more than BUNDLE_MAX + 1 of them).
 */
#include <pthread.h>
#include <unistd.h>

#include "toolsync/compile.h"
#include "toolsync/matrix.h"
#include "toolsync/target.h"
#include "toolsync/template.h"

/* OpenAI accepts at most 128 tools in one request. */
#define BUNDLE_MAX 128
/* Worker threads at most, whatever the machine says. */
#define JOBS_MAX 64

char *tool_function_name(const char *key)
{
	char *name = xstrdup(key), *p;

	for (p = name; *p; p++)
		if (*p == '.')
			*p = '_';
	return name;
}

void manifest_serialize(struct strbuf *out, const struct jv *doc, int canonical)
{
	json_write(out, doc, canonical ? JSON_CANONICAL : JSON_PRETTY);
}

/* A set of strings remembering where each was first seen. */
struct seen {
	struct seen_entry { char *s; struct srcloc loc; } *tab;
	size_t n, cap;
};

static size_t seen_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct seen_entry *seen_slot(const struct seen *set, const char *s)
{
	size_t i;

	for (i = seen_hash(s) & (set->cap - 1); set->tab[i].s; i = (i + 1) & (set->cap - 1))
		if (!strcmp(set->tab[i].s, s))
			break;
	return &set->tab[i];
}

static void seen_grow(struct seen *set)
{
	struct seen old = *set;
	size_t i;

	set->cap = old.cap ? old.cap * 2 : 256;
	set->tab = xcalloc(set->cap, sizeof(*set->tab));
	for (i = 0; i < old.cap; i++)
		if (old.tab[i].s)
			*seen_slot(set, old.tab[i].s) = old.tab[i];
	free(old.tab);
}

/* Add s; if it was there, return its first location (and add nothing). */
static const struct srcloc *seen_add(struct seen *set, const char *s, const struct srcloc *loc)
{
	struct seen_entry *e;

	if ((set->n + 1) * 2 > set->cap)
		seen_grow(set);
	e = seen_slot(set, s);
	if (e->s)
		return &e->loc;
	e->s = xstrdup(s);
	e->loc = *loc;
	set->n++;
	return NULL;
}

static void seen_release(struct seen *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->tab[i].s);
	free(set->tab);
	memset(set, 0, sizeof(*set));
}

struct job;

struct bundle_tool {
	char *key;
	long rank;
	unsigned targets;  /* the bundles it goes in: the template's targets */
	struct jv *tool;   /* the manifest's "tool" object */
};

struct compiler {
	const struct ts_config *cfg;
	const struct compile_opts *o;
	compile_emit_fn emit;
	void *ctx;
	struct index *ix;
	struct diag *d;
	struct template_set templates;
	struct seen keys, names;
	struct bundle_tool *bt;       /* at most BUNDLE_MAX + 1 kept */
	size_t nbt, bt_alloc;
	size_t ntools;
	struct matrix matrix;         /* every compiled row, for traceability.* */
	int failed;                   /* something was reported: stop emitting */
	int stopped;                  /* the callback failed: stop altogether */
	struct job *batch;            /* BATCH_SIZE files on their way out */
	size_t nbatch;
	unsigned nthreads;
};

/*
 * Output files are handled in batches: the rows of a batch are rendered
 * one after another, then serialized and hashed on every core, then handed
 * to the callback (on every core too when it says it is thread-safe), in
 * registry order otherwise.  A batch bounds the memory held at once.
 */
#define BATCH_SIZE 256

struct job {
	char *path;
	struct jv *doc;
	struct row row;               /* a tool's row, moved in */
	struct compiled_tool ct;      /* ct.row is NULL for bundles */
	unsigned targets;             /* a tool's: its template's targets */
	struct strbuf bytes;
	char digest[DIGEST_HEX_SIZE], jcs_digest[DIGEST_HEX_SIZE];
	int rc;
};

static void job_hash(const struct compiler *c, struct job *j)
{
	struct strbuf jcs = STRBUF_INIT;

	manifest_serialize(&j->bytes, j->doc, c->o->canonical);
	blake2b256_hex(j->bytes.buf, j->bytes.len, j->digest);
	if (c->o->canonical) {
		memcpy(j->jcs_digest, j->digest, sizeof(j->digest));
	} else {
		json_write(&jcs, j->doc, JSON_CANONICAL);
		blake2b256_hex(jcs.buf, jcs.len, j->jcs_digest);
	}
	strbuf_release(&jcs);
}

static void job_emit(const struct compiler *c, struct job *j)
{
	struct out_file f = { j->path, &j->bytes, j->digest, j->jcs_digest,
			      j->ct.row ? &j->ct : NULL };

	if (!c->failed && c->emit)
		j->rc = c->emit(c->ctx, &f);
}

struct worker {
	struct compiler *c;
	unsigned id;
	pthread_t thread;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct compiler *c = w->c;
	size_t i;

	for (i = w->id; i < c->nbatch; i += c->nthreads) {
		job_hash(c, &c->batch[i]);
		if (c->o->parallel_emit)
			job_emit(c, &c->batch[i]);
	}
	return NULL;
}

static void run_workers(struct compiler *c)
{
	struct worker w[JOBS_MAX];
	unsigned i, n = c->nthreads;

	if (n > 1 && c->nbatch < 2 * (size_t)n)
		n = 1;   /* not worth a thread */
	for (i = 0; i < n; i++) {
		w[i] = (struct worker){ c, i, 0 };
		if (i && pthread_create(&w[i].thread, NULL, work, &w[i]))
			BUG("cannot start a worker thread");
	}
	if (n == 1) {
		unsigned saved = c->nthreads;

		c->nthreads = 1;
		work(&w[0]);
		c->nthreads = saved;
		return;
	}
	work(&w[0]);
	for (i = 1; i < n; i++)
		pthread_join(w[i].thread, NULL);
}

static void bundle_keep(struct compiler *c, const struct row *row, const struct jv *tool,
			unsigned targets);

/* Serialize, hash and emit the batch; record it in the index. */
static int flush_batch(struct compiler *c)
{
	size_t i;
	int ret = 0;

	run_workers(c);
	for (i = 0; i < c->nbatch; i++) {
		struct job *j = &c->batch[i];

		if (!c->o->parallel_emit)
			job_emit(c, j);
		if (j->rc && !ret)
			c->failed = c->stopped = 1, ret = -1;
		if (c->ix)
			index_add(c->ix, j->path, j->bytes.len, j->digest, j->jcs_digest);
		if (j->ct.row)
			bundle_keep(c, j->ct.row, jv_get(j->doc, "tool"), j->targets);
		free(j->path);
		jv_free(j->doc);
		row_release(&j->row);
		strbuf_release(&j->bytes);
	}
	c->nbatch = 0;
	return ret;
}

/* Queue a file; doc and path become the batch's; a tool's row is moved in. */
static int queue_file(struct compiler *c, char *path, struct jv *doc, struct row *row,
		      const struct template *t)
{
	struct job *j = &c->batch[c->nbatch++];

	memset(j, 0, sizeof(*j));
	j->path = path;
	j->doc = doc;
	strbuf_init(&j->bytes, 8192);
	if (row) {
		j->row = *row;
		row_init(row);
		j->ct = (struct compiled_tool){ &j->row, t->path, doc };
		j->targets = t->targets;
	}
	return c->nbatch == BATCH_SIZE ? flush_batch(c) : 0;
}

static struct jv *string_at(const char *s, const struct srcloc *loc)
{
	struct jv *v = jv_string(s);

	v->loc = *loc;
	return v;
}

/* The manifest envelope, in DESIGN.md's key order. */
static struct jv *bool_at(int b, const struct srcloc *loc)
{
	struct jv *v = jv_new(JV_BOOL, loc);

	v->u.boolean = b;
	return v;
}

static struct jv *build_manifest(const struct row *row, const struct template *t,
				 const char *name)
{
	struct jv *m = jv_new(JV_OBJECT, &row->loc), *tool, *std, *src;
	const struct jv *strict;
	size_t i;

	jv_set(m, "format", jv_string(MANIFEST_FORMAT));
	jv_set(m, "key", string_at(row->key, &row->key_loc));
	jv_set(m, "min_role", string_at(row->min_role, &row->role_loc));
	std = jv_new(JV_ARRAY, &row->standards_loc);
	for (i = 0; i < row->standards.n; i++)
		jv_append(std, string_at(row->standards.v[i], &row->standards_loc));
	jv_set(m, "standards", std);
	tool = jv_new(JV_OBJECT, &t->doc->loc);
	jv_set(tool, "type", jv_string("function"));
	jv_set(tool, "name", string_at(name, &row->key_loc));
	jv_set(tool, "description", template_render_description(t, row));
	jv_set(tool, "parameters", template_render_parameters(t, row));
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

/* Keep the tool for the role bundles (only as many as could be valid). */
static void bundle_keep(struct compiler *c, const struct row *row, const struct jv *tool,
			unsigned targets)
{
	struct bundle_tool *b;

	if (!c->cfg->targets || c->nbt > BUNDLE_MAX)
		return;
	ALLOC_GROW(c->bt, c->nbt, c->bt_alloc);
	b = &c->bt[c->nbt++];
	b->key = xstrdup(row->key);
	b->rank = config_role_rank(c->cfg, row->min_role);
	b->targets = targets;
	b->tool = jv_copy(tool);
}

/* Duplicate keys and function-name collisions, against every earlier row. */
static int check_unique(struct compiler *c, const struct row *row, const char *name)
{
	const struct srcloc *first;
	struct strbuf where = STRBUF_INIT;
	int bad = 0;

	if ((first = seen_add(&c->keys, row->key, &row->key_loc))) {
		srcloc_format(&where, first);
		diag_error(c->d, &row->key_loc, "duplicate key '%s' (first at %s)", row->key, where.buf);
		bad = -1;
	} else if ((first = seen_add(&c->names, name, &row->key_loc))) {
		srcloc_format(&where, first);
		diag_error(c->d, &row->key_loc, "key '%s' gives function name '%s', which the key at %s "
			   "already gives", row->key, name, where.buf);
		bad = -1;
	}
	strbuf_release(&where);
	return bad;
}

/* Every target the tool goes to must accept its function name. */
static int check_target_names(struct compiler *c, const struct row *row, const char *name,
			      const struct template *t)
{
	const struct target_info *v;
	struct strbuf why = STRBUF_INIT;
	size_t n, i;
	int bad = 0;

	v = target_list(&n);
	for (i = 0; i < n; i++)
		if ((c->cfg->targets & t->targets & v[i].bit) &&
		    target_check_name(v[i].bit, name, &why)) {
			diag_error(c->d, &row->key_loc, "target %s: key '%s' gives function name "
				   "'%s': %s", v[i].name, row->key, name, why.buf);
			strbuf_reset(&why);
			bad = -1;
		}
	strbuf_release(&why);
	return bad;
}

/* Render one checked row into its manifest and queue it; the row is moved. */
static int compile_row(struct compiler *c, struct row *row)
{
	const struct template *t;
	char *name = tool_function_name(row->key);
	int ret = -1;

	if (check_unique(c, row, name))
		goto out;
	if (!(t = templates_find(&c->templates, row->key))) {
		/* a broken template may be this key's: its error was reported */
		if (templates_unmatchable(&c->templates))
			goto out;
		diag_error(c->d, &row->key_loc, "no template for key '%s' (no %s/%s.yaml, and no "
			   "'match:' glob fits)", row->key, c->cfg->templates, row->key);
		goto out;
	}
	if (t->bad)
		goto out;   /* reported when the template was loaded */
	if (check_target_names(c, row, name, t))
		goto out;
	c->ntools++;
	matrix_add(&c->matrix, row);
	ret = queue_file(c, xstrfmt("tools/%s.json", row->key), build_manifest(row, t, name),
			 row, t);
out:
	free(name);
	return ret;
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

static int emit_bundle(struct compiler *c, long rank, enum target t)
{
	struct jv *arr = jv_array();
	char *path = xstrfmt("roles/%s.%s.json", c->cfg->roles.v[rank], target_name(t));
	size_t i;

	for (i = 0; i < c->nbt; i++)
		if (c->bt[i].rank <= rank && (c->bt[i].targets & t))
			jv_append(arr, target_entry(t, c->bt[i].tool, c->cfg));
	return queue_file(c, path, arr, NULL, NULL);
}

static int emit_bundles(struct compiler *c)
{
	size_t ntargets;
	const struct target_info *order = target_list(&ntargets);
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
		for (t = 0; t < ntargets; t++)
			if ((c->cfg->targets & order[t].bit) && emit_bundle(c, (long)r, order[t].bit))
				return -1;
	return flush_batch(c);
}

/*
 * A file that is not JSON (the traceability matrix): it has no JCS form,
 * so its own digest stands for it where a caller compares JCS digests.
 */
static int emit_text(struct compiler *c, const char *path, const struct strbuf *bytes)
{
	char digest[DIGEST_HEX_SIZE];
	struct out_file f = { path, bytes, digest, digest, NULL };

	blake2b256_hex(bytes->buf, bytes->len, digest);
	if (c->ix)
		index_add(c->ix, path, bytes->len, digest, NULL);
	return !c->failed && c->emit ? c->emit(c->ctx, &f) : 0;
}

/* traceability.md and traceability.csv (see matrix.h), after every tool. */
static int emit_matrix(struct compiler *c)
{
	struct strbuf md = STRBUF_INIT, csv = STRBUF_INIT;
	int ret;

	if (c->failed)
		return -1;
	matrix_write(&c->matrix, MATRIX_MARKDOWN, &md);
	matrix_write(&c->matrix, MATRIX_CSV, &csv);
	ret = emit_text(c, MATRIX_MD_FILE, &md) || emit_text(c, MATRIX_CSV_FILE, &csv) ? -1 : 0;
	strbuf_release(&md);
	strbuf_release(&csv);
	return ret;
}

static void compiler_release(struct compiler *c)
{
	size_t i;

	for (i = 0; i < c->nbt; i++) {
		free(c->bt[i].key);
		jv_free(c->bt[i].tool);
	}
	free(c->bt);
	for (i = 0; i < c->nbatch; i++) {   /* left by an error: dropped */
		free(c->batch[i].path);
		jv_free(c->batch[i].doc);
		row_release(&c->batch[i].row);
		strbuf_release(&c->batch[i].bytes);
	}
	free(c->batch);
	seen_release(&c->keys);
	seen_release(&c->names);
	matrix_release(&c->matrix);
	templates_release(&c->templates);
}

/* Threads to use: TOOLSYNC_JOBS, else one per online processor. */
static unsigned compile_jobs(void)
{
	const char *env = getenv("TOOLSYNC_JOBS");
	long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

/* Stream every row through the pipeline; 0 when all compiled. */
static int compile_rows(struct compiler *c, struct source *src)
{
	unsigned before = c->d->errors;
	struct row row;
	int r;

	while (!c->stopped && (r = source_next(src, &row, c->d)) != 0) {
		if (r > 0) {
			if (!row_check(&row, c->cfg, c->d))
				compile_row(c, &row);
			row_release(&row);
		}
		c->failed |= r < 0 || c->d->errors > before;
	}
	flush_batch(c);
	return c->failed ? -1 : 0;
}

int compile_catalogue(const struct ts_config *cfg, const struct compile_opts *o,
		      compile_emit_fn emit, void *ctx, struct index *ix, struct diag *d)
{
	struct compiler c = { .cfg = cfg, .o = o, .emit = emit, .ctx = ctx, .ix = ix, .d = d };
	struct source *src;
	int ret = -1;

	c.batch = xcalloc(BATCH_SIZE, sizeof(*c.batch));
	c.nthreads = compile_jobs();
	matrix_init(&c.matrix, cfg);
	templates_load(&c.templates, cfg, d);
	c.failed = d->errors > 0;
	if (!(src = source_open(cfg, o->registry, d)))
		goto out;
	if (compile_rows(&c, src) == 0 && emit_bundles(&c) == 0 && emit_matrix(&c) == 0 &&
	    !d->errors)
		ret = 0;
	source_close(src);
out:
	compiler_release(&c);
	return ret;
}
