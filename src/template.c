/* SPDX-License-Identifier: Apache-2.0 */
/* template.c: loading, $ref inlining, variable substitution. */
#include <errno.h>
#include <fnmatch.h>
#include <unistd.h>

#include "toolsync/template.h"
#include "toolsync/target.h"
#include "toolsync/compile.h"
#include "toolsync/segments.h"
#include "toolsync/fsutil.h"
#include "toolsync/parallel.h"
#include "toolsync/quote.h"
#include "toolsync/strict.h"
#include "toolsync/varref.h"
#include "toolsync/yaml.h"

/* The variables a template may use (DESIGN.md, Templates), by hole. */
static const char *const var_names[HOLE_STRINGS] = {
	[HOLE_KEY] = "key",
	[HOLE_NAME] = "name",
	[HOLE_MIN_ROLE] = "min_role",
	[HOLE_STANDARDS] = "standards",
};

/* The hole of the variable name[0..n), or -1 when it is none of them. */
static int var_hole(const char *name, size_t n)
{
	int h;

	for (h = 0; h < HOLE_STRINGS; h++)
		if (strlen(var_names[h]) == n && !memcmp(var_names[h], name, n))
			return h;
	return -1;
}

/* Deepest chain of $ref files: deeper is a cycle or a mistake. */
#define REF_DEPTH_MAX 32
/*
 * Nodes that $refs may add to one template, in all (copies of copies
 * count): a $ref fan-out (files that each refer to the next twice) stops
 * here, as YAML aliases do at theirs.  Strict mode allows 5,000
 * properties and 1,000 enum values in a schema, so a valid one stays far
 * below; the fan-out of 21 files of 8 lines that once took 4.2 GB is
 * refused after about 100,000 nodes, in well under a second.
 */
#define REF_BUDGET 100000

/* A _defs file, parsed once. */
struct defs_file {
	struct jv *doc;         /* NULL: could not be read (reported) */
};

/* A $ref target ("file#pointer"), resolved once for every template. */
struct ref_target {
	enum { REF_NEW, REF_RESOLVING, REF_DONE, REF_FAILED } state;
	struct jv *v;           /* REF_DONE: the definition, its $refs inlined */
	size_t nodes;           /* jv_count_nodes(v) */
};

struct loading {
	const struct ts_config *cfg;
	char *dir;              /* templates directory as shown ("schemas/templates") */
	struct diag *d;
	struct defs_file *defs; /* in the order first referred to */
	size_t ndefs, defs_alloc;
	struct hashset defs_by_path;      /* relative path -> 1 + index in defs */
	struct ref_target *targets;
	size_t ntargets, targets_alloc;
	struct hashset targets_by_ref;    /* "path#pointer" -> 1 + index in targets */
	struct hashset reported;/* unknown variables reported, by place */
	size_t depth;           /* $refs being inlined */
	size_t budget;          /* nodes the current template's $refs may still add */
	int over_budget;        /* the budget ran out (reported once) */
};

static int var_known(const char *name, size_t n)
{
	return var_hole(name, n) >= 0;
}

/*
 * The first report of a problem at a place: a definition inlined by many
 * templates, or many times, is reported once, at its own line.
 */
static int first_report(struct loading *l, const struct srcloc *loc, size_t off)
{
	char *id = xstrfmt("%s:%u:%u:%zu", loc->file ? loc->file : "", loc->line, loc->col, off);
	int added;

	hashset_add(&l->reported, id, strlen(id), &added);
	free(id);
	return added;
}

/*
 * Every ${...} in s that is not a variable, at the string's line (in the
 * template, or in the _defs file a $ref brought it from).  Returns how
 * many there are, reported now or before.
 */
static size_t check_vars_in(struct loading *l, const struct jv *s)
{
	size_t pos = 0, bad = 0;
	struct varref tok;

	while (varref_next(s->u.str.ptr, s->u.str.len, &pos, &tok)) {
		if (tok.kind == VARREF_UNTERMINATED) {
			if (first_report(l, &s->loc, tok.off))
				diag_error(l->d, &s->loc, VARREF_UNTERMINATED_MSG);
			bad++;
		} else if (tok.kind == VARREF_VAR && !var_known(tok.name, tok.name_len)) {
			if (first_report(l, &s->loc, tok.off))
				diag_error(l->d, &s->loc, "unknown variable '${%.*s}' (known: ${key}, "
					   "${name}, ${min_role}, ${standards})", (int)tok.name_len, tok.name);
			bad++;
		}
	}
	return bad;
}

/* A "${" where variables are not read (varref_text_key), at its line, naming the field. */
static size_t refuse_var(struct loading *l, const struct srcloc *loc, const char *what,
			 const char *field)
{
	if (first_report(l, loc, 0))
		diag_error(l->d, loc, "%s '%s' holds '${': variables (and '$${') are read only in "
			   "'description' and 'title'", what, quote_show(field));
	return 1;
}

/* Every ${...} of v, a value of the key field (NULL: none), checked by varref_text_key. */
static size_t check_vars(struct loading *l, const struct jv *v, const char *field)
{
	size_t i, bad = 0;

	switch (v->kind) {
	case JV_STRING:
		if (field && varref_text_key(field))
			return check_vars_in(l, v);
		if (varref_any(v->u.str.ptr, v->u.str.len))
			return refuse_var(l, &v->loc, "a value of", field ? field : "parameters");
		break;
	case JV_ARRAY:
		for (i = 0; i < v->u.arr.n; i++)
			bad += check_vars(l, v->u.arr.v[i], field);
		break;
	case JV_OBJECT:
		for (i = 0; i < v->u.obj.n; i++) {
			const struct jv_member *m = &v->u.obj.v[i];

			if (varref_any(m->key, strlen(m->key)))
				bad += refuse_var(l, &m->loc, "the name", m->key);
			bad += check_vars(l, m->val, m->key);
		}
		break;
	default:
		break;
	}
	return bad;
}

static const struct jv *load_defs(struct loading *l, const char *rel, const struct srcloc *at)
{
	struct hashset_entry *e = hashset_add(&l->defs_by_path, rel, strlen(rel), NULL);
	struct defs_file *df;
	struct strbuf bytes = STRBUF_INIT, err = STRBUF_INIT;
	char *shown, *path;

	if (e->val)
		return l->defs[(uintptr_t)e->val - 1].doc;
	ALLOC_GROW(l->defs, l->ndefs, l->defs_alloc);
	df = &l->defs[l->ndefs++];
	df->doc = NULL;
	e->val = (void *)(uintptr_t)l->ndefs;
	shown = path_join(l->dir, rel);
	path = config_path(l->cfg, shown);
	/*
	 * Read where the path resolves: under the configuration's directory,
	 * no link followed.  Messages name files as they are reached from
	 * here, like the registry's.
	 */
	if (!fs_read_file(&bytes, l->cfg->base_dir, shown, path, FS_TEMPLATE, &err))
		df->doc = doc_parse(bytes.buf, bytes.len, path, l->d);
	else if (errno == ENOENT)
		diag_error(l->d, at, "$ref: cannot find '%s'", path);
	else
		diag_error(l->d, at, "$ref: %s", err.buf);
	strbuf_release(&bytes);
	strbuf_release(&err);
	free(shown);
	free(path);
	return df->doc;
}

static int resolve_slot(struct loading *l, struct jv **slot);

/* A $ref must stay inside the templates directory: no "..", not absolute. */
static int ref_path_ok(const char *rel)
{
	return rel[0] && rel[0] != '/' && !strstr(rel, "..");
}

/* Take n nodes from the template's budget; -1 (reported once) when spent. */
static int spend(struct loading *l, size_t n, const struct jv *ref)
{
	if (n <= l->budget) {
		l->budget -= n;
		return 0;
	}
	if (!l->over_budget)
		diag_error(l->d, &ref->loc, "$ref '%s': references expand to more than %d "
			   "nodes (does a definition refer to another many times over?)",
			   ref->u.str.ptr, REF_BUDGET);
	l->over_budget = 1;
	return -1;
}

/* Report fmt (with ref's text for its %s) at ref; -1. */
static int error_at(struct loading *l, const struct jv *ref, const char *fmt)
{
	diag_error(l->d, &ref->loc, fmt, ref->u.str.ptr);
	return -1;
}

/* The definition ref names, found and its own $refs inlined; NULL if reported. */
static struct jv *resolve_target(struct loading *l, const struct jv *ref, const char *rel,
				 const char *pointer)
{
	const struct jv *doc, *def;
	struct jv *copy;

	if (!(doc = load_defs(l, rel, &ref->loc)))
		return NULL;
	if (!(def = jv_pointer_get(doc, pointer))) {
		diag_error(l->d, &ref->loc, "$ref '%s': '%s' has no '%s'", ref->u.str.ptr, rel, pointer);
		return NULL;
	}
	if (spend(l, jv_count_nodes(def), ref))
		return NULL;
	copy = jv_copy(def);
	l->depth++;
	if (resolve_slot(l, &copy)) {
		jv_free(copy);
		copy = NULL;
	}
	l->depth--;
	return copy;
}

/*
 * The target of ref, resolved once and kept: every later use is a copy.
 * A target that failed stays failed (reported once), except when the
 * budget ran out: that belongs to the template being loaded, not to it.
 */
static const struct ref_target *find_target(struct loading *l, const struct jv *ref)
{
	const char *target = ref->u.str.ptr, *hash = strchr(target, '#');
	char *rel = hash ? xstrndup(target, (size_t)(hash - target)) : xstrdup(target);
	char *id = xstrfmt("%s#%s", rel, hash ? hash + 1 : "");
	struct hashset_entry *e = hashset_add(&l->targets_by_ref, id, strlen(id), NULL);
	size_t ti;
	struct ref_target *t;
	struct jv *v;

	if (!e->val) {
		ALLOC_GROW(l->targets, l->ntargets, l->targets_alloc);
		memset(&l->targets[l->ntargets++], 0, sizeof(*t));
		e->val = (void *)(uintptr_t)l->ntargets;
	}
	ti = (uintptr_t)e->val - 1;
	t = &l->targets[ti];
	if (t->state == REF_RESOLVING) {
		diag_error(l->d, &ref->loc, "$ref '%s' refers to itself; use $defs and "
			   "'#/$defs/...' for recursive schemas", target);
	} else if (t->state == REF_NEW && !ref_path_ok(rel)) {
		diag_error(l->d, &ref->loc, "$ref '%s' must stay inside the templates directory", target);
		t->state = REF_FAILED;
	} else if (t->state == REF_NEW && l->depth == REF_DEPTH_MAX) {
		diag_error(l->d, &ref->loc, "$ref '%s': references nest deeper than %d",
			   target, REF_DEPTH_MAX);
	} else if (t->state == REF_NEW) {
		t->state = REF_RESOLVING;
		/* e and t may move while the target resolves: ti does not */
		v = resolve_target(l, ref, rel, hash ? hash + 1 : "");
		t = &l->targets[ti];
		t->v = v;
		t->state = v ? REF_DONE : l->over_budget ? REF_NEW : REF_FAILED;
		t->nodes = v ? jv_count_nodes(v) : 0;
	}
	free(rel);
	free(id);
	return t->state == REF_DONE ? t : NULL;
}

/*
 * Replace obj (which has a "$ref" to a file) by a copy of the definition,
 * with obj's other members laid over it (so a $ref can get its own
 * description).
 */
static struct jv *inline_ref(struct loading *l, struct jv *obj, const struct jv *ref)
{
	const struct ref_target *t = find_target(l, ref);
	struct jv *copy;
	size_t i;

	if (!t || spend(l, t->nodes, ref))
		return NULL;
	if (obj->u.obj.n > 1 && t->v->kind != JV_OBJECT) {
		diag_error(l->d, &ref->loc, "$ref '%s' is not an object, so it cannot take other "
			   "keys beside it", ref->u.str.ptr);
		return NULL;
	}
	copy = jv_copy(t->v);
	for (i = 0; i < obj->u.obj.n; i++)
		if (strcmp(obj->u.obj.v[i].key, "$ref"))
			jv_set(copy, obj->u.obj.v[i].key, jv_copy(obj->u.obj.v[i].val));
	return copy;
}

/* Inline *slot if it is a $ref to a file, and every such $ref below it. */
static int resolve_slot(struct loading *l, struct jv **slot)
{
	struct jv *v = *slot, *ref = jv_get(v, "$ref"), *inl;
	int bad = 0;
	size_t i;

	if (ref && ref->kind == JV_STRING && ref->u.str.ptr[0] != '#') {
		if (!(inl = inline_ref(l, v, ref)))
			return -1;
		jv_free(v);
		*slot = inl;
		return 0;
	}
	if (v->kind == JV_ARRAY)
		for (i = 0; i < v->u.arr.n && !l->over_budget; i++)
			bad |= resolve_slot(l, &v->u.arr.v[i]);
	else if (v->kind == JV_OBJECT)
		for (i = 0; i < v->u.obj.n && !l->over_budget; i++)
			bad |= resolve_slot(l, &v->u.obj.v[i].val);
	return bad | -l->over_budget;
}

/*
 * A local $ref ("#/$defs/X") with other keys beside it is inlined: OpenAI
 * has refused such a schema ("$ref cannot have keywords {'description'}"),
 * and the OpenAI Agents SDK inlines it for that reason.  The definition is
 * copied from root and the other keys are laid over it, as for a file
 * $ref; a $ref alone stays as it is (docs/strict-mode.md).
 */
static int inline_local(struct loading *l, const struct jv *root, struct jv **slot)
{
	struct jv *v = *slot, *ref = jv_get(v, "$ref"), *copy;
	const struct jv *def;
	size_t i;

	if (!ref || ref->kind != JV_STRING || ref->u.str.ptr[0] != '#' || v->u.obj.n < 2)
		return 0;
	if (v == root)
		return error_at(l, ref, "the parameters schema is a $ref ('%s') with other "
				"keys beside it: write the object itself");
	def = jv_pointer_get(root, ref->u.str.ptr + 1);
	if (!def || def->kind != JV_OBJECT)
		return error_at(l, ref, def ? "$ref '%s' has other keys beside it, so it is "
				"inlined, but it is not an object" : "$ref '%s' has other keys "
				"beside it, so it is inlined, but it points at nothing");
	if (l->depth == REF_DEPTH_MAX)
		return error_at(l, ref, "$ref '%s' with other keys beside it: inlining it "
				"leads to itself again");
	if (spend(l, jv_count_nodes(def), ref))
		return -1;
	copy = jv_copy(def);
	for (i = 0; i < v->u.obj.n; i++)
		if (strcmp(v->u.obj.v[i].key, "$ref"))
			jv_set(copy, v->u.obj.v[i].key, jv_copy(v->u.obj.v[i].val));
	copy->loc = v->loc;
	jv_free(v);
	*slot = copy;
	return 1;
}

/*
 * Every local $ref with siblings under *slot inlined, *slot itself again
 * until it is none (a definition may be such a $ref); 0 or -1 (reported).
 */
static int inline_locals(struct loading *l, const struct jv *root, struct jv **slot)
{
	size_t n = 0, i;
	struct jv *v;
	int rc, bad;

	while ((rc = inline_local(l, root, slot)) > 0) {
		l->depth++;
		n++;
	}
	bad = rc;
	v = *slot;
	if (v->kind == JV_ARRAY)
		for (i = 0; i < v->u.arr.n && !bad; i++)
			bad = inline_locals(l, root, &v->u.arr.v[i]);
	else if (v->kind == JV_OBJECT)
		for (i = 0; i < v->u.obj.n && !bad; i++)
			bad = inline_locals(l, root, &v->u.obj.v[i].val);
	l->depth -= n;
	return bad;
}

static int is_template_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '_' || name[0] == '.')
		return 0;   /* _defs/, hidden files */
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/*
 * OpenAI's API has refused function descriptions longer than this
 * ("Expected a string with maximum length 1024"); newer endpoints accept
 * more, so it is a warning, not an error.
 */
#define DESCRIPTION_WARN 1024

/* Every '[' of a glob closes (after an optional '!' and a first ']'). */
static int glob_ok(const char *g)
{
	const char *p;

	for (p = g; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			const char *q = p + 1;

			if (*q == '!')
				q++;
			if (*q == ']')
				q++;
			q = strchr(q, ']');
			if (!q)
				return 0;
			p = q;
		}
	}
	return 1;
}

/* targets: [names]: the targets this template is compiled for (default all). */
static void load_targets(struct loading *l, struct template *t, const struct jv *v)
{
	const struct target_info *ti;
	size_t i;

	t->targets = ~0u;
	if (!v)
		return;
	if (v->kind != JV_ARRAY) {
		diag_error(l->d, &v->loc, "'targets' must be a list such as [responses, chat]");
		return;
	}
	t->targets = 0;
	for (i = 0; i < v->u.arr.n; i++) {
		const struct jv *x = v->u.arr.v[i];

		if (x->kind != JV_STRING || !(ti = target_by_name(x->u.str.ptr)))
			diag_error(l->d, &x->loc, "unknown target in 'targets' (%s)",
				   target_known_names());
		else if (!(l->cfg->targets & ti->bit))
			diag_warning(l->d, &x->loc, "target '%s' is not in toolsync.yaml's "
				     "'targets': a template can only narrow them", ti->name);
		else
			t->targets |= ti->bit;
	}
	if (!t->targets && l->cfg->targets)
		diag_warning(l->d, &v->loc, "'targets' leaves every target out: the tool "
			     "gets a manifest but is in no role bundle");
}

static void load_fields(struct loading *l, struct template *t)
{
	static const char *const known[] = { "match", "description", "parameters", "strict",
					     "targets" };
	const struct jv *doc = t->doc, *v;
	size_t i, j;

	for (i = 0; i < doc->u.obj.n; i++) {
		for (j = 0; j < ARRAY_SIZE(known); j++)
			if (!strcmp(doc->u.obj.v[i].key, known[j]))
				break;
		if (j == ARRAY_SIZE(known))
			diag_error(l->d, &doc->u.obj.v[i].loc, "unknown key '%s' in a template "
				   "(known: match, description, parameters, strict, targets)", doc->u.obj.v[i].key);
	}
	if ((v = jv_get(doc, "match"))) {
		if (v->kind != JV_STRING || !v->u.str.len)
			diag_error(l->d, &v->loc, "'match' must be a glob such as \"ledger.*\"");
		else if (!glob_ok(v->u.str.ptr))
			diag_error(l->d, &v->loc, "'match' has a '[' without its ']' (fnmatch would "
				   "take it literally; write '[[]' for a literal '[')");
		else
			t->match = xstrdup(v->u.str.ptr);
	}
	t->description = v = jv_get(doc, "description");
	if (!v || v->kind != JV_STRING || !v->u.str.len)
		diag_error(l->d, v ? &v->loc : &doc->loc, "a template needs a 'description' string");
	else if (utf8_chars(v->u.str.ptr, v->u.str.len) > DESCRIPTION_WARN)
		diag_warning(l->d, &v->loc, "the description is %zu characters: the Chat "
			     "Completions API and proxies in front of it have refused function "
			     "descriptions over %d (string_above_max_length)",
			     utf8_chars(v->u.str.ptr, v->u.str.len), DESCRIPTION_WARN);
	t->strict = 1;
	if ((v = jv_get(doc, "strict"))) {
		if (v->kind != JV_BOOL)
			diag_error(l->d, &v->loc, "'strict' must be true or false");
		else
			t->strict = v->u.boolean;
	}
	load_targets(l, t, jv_get(doc, "targets"));
	v = jv_get(doc, "parameters");
	if (!v || v->kind != JV_OBJECT)
		diag_error(l->d, v ? &v->loc : &doc->loc, "a template needs a 'parameters' schema (a mapping)");
	else
		t->parameters = jv_take(t->doc, "parameters");   /* nothing else reads it there */
}

/* Each target the template is compiled for checks the schema by its own rules. */
static void check_targets(struct loading *l, struct template *t)
{
	const struct target_info *v;
	size_t n, i;

	v = target_list(&n);
	for (i = 0; i < n; i++)
		if (l->cfg->targets & t->targets & v[i].bit)
			target_check_schema(v[i].bit, t->parameters, t->strict, l->cfg, l->d);
}

/* t's bytes, from the templates directory (open as dir_fd); 0 or -1 with err. */
static int read_template(struct strbuf *bytes, int dir_fd, const struct template *t,
			 const char *path, struct strbuf *err)
{
	if (t->listed_regular)   /* the listing looked: no second look (fstatat) */
		return fs_read_listed_at(bytes, dir_fd, t->file_name, path, FS_TEMPLATE, err);
	return fs_read_file_at(bytes, dir_fd, t->file_name, path, FS_TEMPLATE, err);
}

/* Read and parse one template (from the templates directory, open as dir_fd). */
static void load_read(struct loading *l, struct template *t, int dir_fd, const char *path)
{
	struct strbuf bytes = STRBUF_INIT, err = STRBUF_INIT;

	/*
	 * Read once, below the templates directory (reached from the
	 * configuration's directory when it was opened): the digest and the
	 * parse are of the same bytes.  Messages name the file as reached
	 * from here.
	 */
	if (read_template(&bytes, dir_fd, t, path, &err)) {
		diag_fail(l->d, "%s", err.buf);
	} else {
		size_t len;
		char *text = strbuf_detach(&bytes, &len);

		blake2b256_hex(text, len, t->blake2b);
		/*
		 * Kept for messages as it is, not copied again by the parser;
		 * a trial's (quiet) in t until trial_done() knows whether
		 * anything can still quote it.
		 */
		if (l->d->quiet) {
			t->text = text;
			t->text_len = len;
		} else {
			diag_give_source(path, text, len);
		}
		t->doc = doc_parse(text, len, path, l->d);
	}
	strbuf_release(&bytes);
	strbuf_release(&err);
}

/*
 * Check a template read by load_read(): its fields, $refs, variables and
 * schema.  It is bad if more than errors were reported by now, or for a
 * problem reported before (a $ref target that failed).
 */
static void load_check(struct loading *l, struct template *t, unsigned errors)
{
	size_t bad_vars = 0;
	int resolved = 0;

	if (t->doc && t->doc->kind != JV_OBJECT)
		diag_error(l->d, &t->doc->loc, "a template must be a mapping");
	else if (t->doc)
		load_fields(l, t);
	if (t->parameters) {
		l->budget = REF_BUDGET;
		l->over_budget = 0;
		resolved = !resolve_slot(l, &t->parameters) &&
			   !inline_locals(l, t->parameters, &t->parameters);
	}
	/* after inlining: a variable a $ref brought in is checked at its _defs line */
	if (t->description && t->description->kind == JV_STRING)
		bad_vars += check_vars(l, t->description, "description");
	if (t->parameters)
		bad_vars += check_vars(l, t->parameters, "parameters");
	if (resolved) {
		if (t->strict)
			strict_check(t->parameters, l->d);
		check_targets(l, t);
	}
	t->bad = l->d->errors > errors || bad_vars || (t->parameters && !resolved);
}

/* Parse, resolve and check one template; its problems make it bad. */
static void load_one(struct loading *l, struct template *t, int dir_fd, const char *path)
{
	unsigned errors = l->d->errors;

	load_read(l, t, dir_fd, path);
	load_check(l, t, errors);
}

/* What load_read() and load_check() set, undone (a trial's, to load again). */
static void unload(struct template *t)
{
	jv_free(t->doc);
	jv_free(t->parameters);
	free(t->match);
	t->doc = t->parameters = NULL;
	t->description = NULL;
	t->match = NULL;
	t->bad = 0;
}

/* 1 if v holds a "$ref" to a file (resolve_slot() inlines those). */
static int has_file_ref(const struct jv *v)
{
	const struct jv *ref = jv_get(v, "$ref");
	size_t i;

	if (ref && ref->kind == JV_STRING && ref->u.str.ptr[0] != '#')
		return 1;
	if (v->kind == JV_ARRAY) {
		for (i = 0; i < v->u.arr.n; i++)
			if (has_file_ref(v->u.arr.v[i]))
				return 1;
	} else if (v->kind == JV_OBJECT) {
		for (i = 0; i < v->u.obj.n; i++)
			if (has_file_ref(v->u.obj.v[i].val))
				return 1;
	}
	return 0;
}

/* The file name without .yaml or .yml (is_template_name: one of them). */
static size_t stem_len(const char *file_name)
{
	size_t n = strlen(file_name);

	return n - (!strcmp(file_name + n - 4, ".yml") ? 4 : 5);
}

/*
 * The exact-key map and the glob list.  The first file of a stem wins, as
 * the scan in file-name order did ("x.yaml" sorts before "x.yml").
 */
static void index_templates(struct template_set *set)
{
	size_t i;

	set->globs = xcalloc(set->n, sizeof(*set->globs));
	for (i = 0; i < set->n; i++) {
		struct template *t = &set->v[i];
		struct hashset_entry *e = hashset_add(&set->by_key, t->file_name,
						      stem_len(t->file_name), NULL);

		if (!e->val)
			e->val = t;
		if (t->match) {
			set->globs[set->nglobs++] = t;
			t->match_prefix = strcspn(t->match, "*?[\\");
		}
	}
}

static void loading_init(struct loading *l, const struct ts_config *cfg, struct diag *d)
{
	*l = (struct loading){ .cfg = cfg, .dir = xstrdup(cfg->templates), .d = d,
			       .defs_by_path = HASHSET_INIT, .targets_by_ref = HASHSET_INIT,
			       .reported = HASHSET_INIT };
}

static void loading_release(struct loading *l)
{
	size_t i;

	for (i = 0; i < l->ndefs; i++)
		jv_free(l->defs[i].doc);
	for (i = 0; i < l->ntargets; i++)
		jv_free(l->targets[i].v);
	free(l->defs);
	free(l->targets);
	hashset_release(&l->defs_by_path);
	hashset_release(&l->targets_by_ref);
	hashset_release(&l->reported);
	free(l->dir);
}

/*
 * Templates are loaded on every job slot (compile_jobs()) at first, each
 * thread with its own loading state and a quiet diag: a "trial".  Then
 * the main thread goes through them in file-name order: a template whose
 * trial said nothing is taken as it is; one that had any message is read
 * and loaded again there, where its messages are printed, in the order
 * and the words of a load on one thread.  $refs to files are resolved on
 * the main thread only (their targets are resolved once, for all
 * templates, and what a template is charged for them depends on the
 * templates before it): a trial only reads and parses those templates.
 */
enum trial {
	TRIAL_NONE,     /* not tried, or had a message: load_one() in order */
	TRIAL_READ,     /* read and parsed; has $refs to files: load_check() in order */
	TRIAL_DONE,     /* loaded and checked, nothing to say */
};

struct trials {
	struct template_set *set;
	const struct template_hook *hook;
	const char *dir;        /* the templates directory, as messages name it */
	int dir_fd;
	unsigned char *state;   /* enum trial, one per template */
	struct trial_slot {
		struct loading l;
		struct diag d;
	} *slot;                /* one per thread */
};

/*
 * A trial's outcome: the file's text is given to diag while its tree is
 * kept (a later message may quote it: load_check() in order, diff), and
 * freed otherwise (the hook dropped the trees, or it is loaded again).
 */
static void trial_done(struct trials *x, size_t i, struct template *t, const char *path,
		       enum trial state)
{
	x->state[i] = (unsigned char)state;
	if (state == TRIAL_NONE)
		unload(t);
	if (t->text && t->doc)
		diag_give_source(path, t->text, t->text_len);
	else
		free(t->text);
	t->text = NULL;
}

static void trial_one(void *ctx, size_t i, unsigned w)
{
	struct trials *x = ctx;
	struct loading *l = &x->slot[w].l;
	struct template *t = &x->set->v[i];
	char *path = path_join(x->dir, t->file_name);
	unsigned said = l->d->errors + l->d->warnings;
	enum trial state = TRIAL_NONE;

	load_read(l, t, x->dir_fd, path);
	if (l->d->errors + l->d->warnings == said && t->doc && has_file_ref(t->doc)) {
		state = TRIAL_READ;
	} else {
		if (l->d->errors + l->d->warnings == said)
			load_check(l, t, l->d->errors);
		if (l->d->errors + l->d->warnings == said && !t->bad) {
			state = TRIAL_DONE;
			if (x->hook)
				x->hook->loaded(x->hook->ctx, t, w);
		}
	}
	trial_done(x, i, t, path, state);
	free(path);
}

/* Every template tried on the job slots (jobs > 1); the states in x->state. */
static void try_all(struct trials *x, const struct ts_config *cfg, unsigned jobs)
{
	struct parallel p = { trial_one, x };
	unsigned w;

	x->slot = xcalloc(jobs, sizeof(*x->slot));
	for (w = 0; w < jobs; w++) {
		x->slot[w].d = (struct diag)DIAG_INIT;
		x->slot[w].d.quiet = 1;
		loading_init(&x->slot[w].l, cfg, &x->slot[w].d);
	}
	parallel_for(&p, x->set->n, jobs);
	for (w = 0; w < jobs; w++)
		loading_release(&x->slot[w].l);
	free(x->slot);
}

/* The set's entries, one per template file name, not loaded yet. */
static void list_templates(struct template_set *set, const char *shown_dir, char **names,
			   const unsigned char *regular, size_t n)
{
	size_t i, bad;

	set->alloc = n + 1;   /* exactly: kept for the whole build */
	set->v = xcalloc(set->alloc, sizeof(*set->v));
	for (i = 0; i < n; i++) {
		struct template *t;

		if (!is_template_name(names[i]) || utf8_check(names[i], strlen(names[i]), &bad))
			continue;
		t = &set->v[set->n++];
		t->file_name = xstrdup(names[i]);
		t->listed_regular = regular[i];
		t->path = path_join(shown_dir, names[i]);
	}
}

int templates_load(struct template_set *set, const struct ts_config *cfg,
		   const struct template_hook *hook, struct diag *d)
{
	struct loading l;
	char *dir = config_path(cfg, cfg->templates), **names;
	unsigned char *regular;
	struct strbuf err = STRBUF_INIT;
	struct trials x = { set, hook, dir, -1, NULL, NULL };
	unsigned jobs = compile_jobs();
	size_t n, i, k, bad;
	int ret = 0, dir_fd;

	memset(set, 0, sizeof(*set));
	loading_init(&l, cfg, d);
	dir_fd = fs_open_dir_under(cfg->base_dir, cfg->templates, dir, &err);
	if (dir_fd < 0 || fs_list_dir_typed_fd(dir_fd, &names, &regular, &n)) {
		if (dir_fd >= 0)
			strbuf_addf(&err, "cannot read directory '%s': %s", dir, strerror(errno));
		diag_fail(d, "%s", err.buf);
		strbuf_release(&err);
		ret = -1;
		goto out;
	}
	list_templates(set, l.dir, names, regular, n);
	x.dir_fd = dir_fd;
	x.state = xcalloc(set->n + 1, 1);
	if (jobs > 1)
		try_all(&x, cfg, jobs);
	for (i = k = 0; i < n; i++) {
		struct template *t;
		char *path;

		if (!is_template_name(names[i]))
			continue;
		/* the name is written into every manifest, which is UTF-8 */
		if (utf8_check(names[i], strlen(names[i]), &bad)) {
			diag_fail(d, "a template's file name in '%s' is not valid UTF-8 "
				  "(byte 0x%02x): rename it", dir, (unsigned char)names[i][bad]);
			ret = -1;
			continue;
		}
		t = &set->v[k];
		if (x.state[k] == TRIAL_DONE) {
			k++;
			continue;
		}
		if (x.state[k] == TRIAL_READ) {
			load_check(&l, t, d->errors);
		} else {
			path = path_join(dir, names[i]);
			load_one(&l, t, dir_fd, path);
			free(path);
		}
		if (!t->bad && hook)
			hook->loaded(hook->ctx, t, 0);
		k++;
		ret |= -t->bad;
	}
	free(x.state);
	fs_free_list(names, n);
	free(regular);
	index_templates(set);
out:
	if (dir_fd >= 0)
		close(dir_fd);
	loading_release(&l);
	free(dir);
	return ret ? -1 : 0;
}

void template_drop_trees(struct template *t)
{
	/* no location in the file is left to quote */
	if (t->doc)
		diag_drop_source(t->doc->loc.file);
	jv_free(t->doc);
	jv_free(t->parameters);
	t->doc = t->parameters = NULL;
	t->description = NULL;
}

void templates_release(struct template_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free(set->v[i].path);
		free(set->v[i].file_name);
		free(set->v[i].match);
		free(set->v[i].text);
		jv_free(set->v[i].doc);
		jv_free(set->v[i].parameters);
	}
	free(set->v);
	free(set->globs);
	hashset_release(&set->by_key);
	memset(set, 0, sizeof(*set));
}

struct template *templates_find(const struct template_set *set, const char *key)
{
	const struct hashset_entry *e = hashset_find(&set->by_key, key, strlen(key));
	size_t i;

	if (e)
		return e->val;
	/* the glob's literal start rules most keys out before fnmatch */
	for (i = 0; i < set->nglobs; i++)
		if (!strncmp(set->globs[i]->match, key, set->globs[i]->match_prefix) &&
		    !fnmatch(set->globs[i]->match, key, 0))
			return set->globs[i];
	return NULL;
}

int templates_unmatchable(const struct template_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i].bad && !set->v[i].match)
			return 1;
	return 0;
}

/* The value of ${name} for a row. */
static void var_value(struct strbuf *out, const char *name, size_t n, const struct segvals *vals)
{
	int h = var_hole(name, n);

	if (h < 0)
		BUG("unknown template variable '%.*s' survived the check", (int)n, name);
	strbuf_addbuf(out, &vals->raw[h]);
}

/* s with its variables substituted (checked at load, after inlining: all are known). */
static struct jv *subst_string(const struct jv *s, const struct segvals *vals)
{
	struct strbuf out = STRBUF_INIT;
	struct varref tok;
	size_t pos = 0;
	struct jv *r;

	while (varref_next(s->u.str.ptr, s->u.str.len, &pos, &tok)) {
		if (tok.kind == VARREF_LITERAL)
			strbuf_addstr(&out, "${");
		else if (tok.kind == VARREF_VAR)
			var_value(&out, tok.name, tok.name_len, vals);
		else
			strbuf_add(&out, s->u.str.ptr + tok.off, tok.len);
	}
	r = jv_stringn(out.buf, out.len);
	r->loc = s->loc;
	strbuf_release(&out);
	return r;
}

/* A deep copy of v with every string's variables substituted. */
static struct jv *render(const struct jv *v, const struct segvals *vals)
{
	struct jv *r;
	size_t i;

	switch (v->kind) {
	case JV_STRING:
		return memchr(v->u.str.ptr, '$', v->u.str.len) ? subst_string(v, vals) : jv_copy(v);
	case JV_ARRAY:
		r = jv_new(JV_ARRAY, &v->loc);
		for (i = 0; i < v->u.arr.n; i++)
			jv_append(r, render(v->u.arr.v[i], vals));
		return r;
	case JV_OBJECT:
		r = jv_new(JV_OBJECT, &v->loc);
		for (i = 0; i < v->u.obj.n; i++)
			jv_push(r, v->u.obj.v[i].key, render(v->u.obj.v[i].val, vals))->loc =
				v->u.obj.v[i].loc;
		return r;
	default:
		return jv_copy(v);
	}
}

struct jv *template_render_description(const struct template *t, const struct segvals *vals)
{
	return render(t->description, vals);
}

struct jv *template_render_parameters(const struct template *t, const struct segvals *vals)
{
	return render(t->parameters, vals);
}
