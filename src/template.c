/* template.c: loading, $ref inlining, variable substitution. */
#include <errno.h>
#include <fnmatch.h>

#include "toolsync/template.h"
#include "toolsync/target.h"
#include "toolsync/compile.h"
#include "toolsync/fsutil.h"
#include "toolsync/strict.h"
#include "toolsync/yaml.h"

/* The variables a template may use (DESIGN.md, Templates). */
static const char *const var_names[] = { "key", "name", "min_role", "standards" };

/* Deepest chain of $ref files: deeper is a cycle or a mistake. */
#define REF_DEPTH_MAX 32

struct loading {
	const struct ts_config *cfg;
	char *dir;              /* templates directory as shown ("schemas/templates") */
	struct diag *d;
	/* _defs files, parsed once */
	struct defs_file { char *rel; struct jv *doc; } *defs;
	size_t ndefs, defs_alloc;
	const char *stack[REF_DEPTH_MAX];   /* $refs being inlined, for cycles */
	size_t depth;
};

/* Report every ${...} that is not a known variable, at the string's line. */
static void check_vars_in(const struct jv *s, struct diag *d)
{
	const char *p = s->u.str.ptr;

	while ((p = strstr(p, "${"))) {
		const char *end = strchr(p, '}');
		size_t i, n;

		if (p > s->u.str.ptr && p[-1] == '$') {   /* "$${" is literal */
			p += 2;
			continue;
		}
		if (!end) {
			diag_error(d, &s->loc, "unterminated '${' (write '$${' for a literal)");
			return;
		}
		n = (size_t)(end - p - 2);
		for (i = 0; i < ARRAY_SIZE(var_names); i++)
			if (strlen(var_names[i]) == n && !memcmp(var_names[i], p + 2, n))
				break;
		if (i == ARRAY_SIZE(var_names))
			diag_error(d, &s->loc, "unknown variable '${%.*s}' (known: ${key}, "
				   "${name}, ${min_role}, ${standards})", (int)n, p + 2);
		p = end + 1;
	}
}

static void check_vars(const struct jv *v, struct diag *d)
{
	size_t i;

	switch (v->kind) {
	case JV_STRING:
		check_vars_in(v, d);
		break;
	case JV_ARRAY:
		for (i = 0; i < v->u.arr.n; i++)
			check_vars(v->u.arr.v[i], d);
		break;
	case JV_OBJECT:
		for (i = 0; i < v->u.obj.n; i++)
			check_vars(v->u.obj.v[i].val, d);
		break;
	default:
		break;
	}
}

static const struct jv *load_defs(struct loading *l, const char *rel, const struct srcloc *at)
{
	struct defs_file *df;
	struct strbuf bytes = STRBUF_INIT, err = STRBUF_INIT;
	char *shown, *path;
	struct jv *doc;
	size_t i;

	for (i = 0; i < l->ndefs; i++)
		if (!strcmp(l->defs[i].rel, rel))
			return l->defs[i].doc;
	shown = path_join(l->dir, rel);
	path = config_path(l->cfg, shown);
	/*
	 * Read where the path resolves: under the configuration's directory,
	 * no link followed.  Messages name files as they are reached from
	 * here, like the registry's.
	 */
	doc = NULL;
	if (!fs_read_file(&bytes, l->cfg->base_dir, shown, path, FS_TEMPLATE, &err))
		doc = doc_parse(bytes.buf, bytes.len, path, l->d);
	else if (errno == ENOENT)
		diag_error(l->d, at, "$ref: cannot find '%s'", path);
	else
		diag_error(l->d, at, "$ref: %s", err.buf);
	strbuf_release(&bytes);
	strbuf_release(&err);
	free(shown);
	free(path);
	ALLOC_GROW(l->defs, l->ndefs, l->defs_alloc);
	df = &l->defs[l->ndefs++];
	df->rel = xstrdup(rel);
	df->doc = doc;
	return doc;
}

static int resolve_slot(struct loading *l, struct jv **slot);

/* A $ref must stay inside the templates directory: no "..", not absolute. */
static int ref_path_ok(const char *rel)
{
	return rel[0] && rel[0] != '/' && !strstr(rel, "..");
}

/*
 * Replace obj (which has a "$ref" to a file) by a copy of the definition,
 * with obj's other members laid over it (so a $ref can get its own
 * description).
 */
static struct jv *inline_ref(struct loading *l, struct jv *obj, const struct jv *ref)
{
	const char *target = ref->u.str.ptr, *hash = strchr(target, '#');
	char *rel = hash ? xstrndup(target, (size_t)(hash - target)) : xstrdup(target);
	const struct jv *doc, *def;
	struct jv *copy = NULL;
	size_t i;

	if (!ref_path_ok(rel)) {
		diag_error(l->d, &ref->loc, "$ref '%s' must stay inside the templates directory", target);
		goto out;
	}
	for (i = 0; i < l->depth; i++)
		if (!strcmp(l->stack[i], target)) {
			diag_error(l->d, &ref->loc, "$ref '%s' refers to itself; use $defs and '#/$defs/...' for recursive schemas", target);
			goto out;
		}
	if (l->depth == REF_DEPTH_MAX) {
		diag_error(l->d, &ref->loc, "$ref '%s': references nest deeper than %d", target, REF_DEPTH_MAX);
		goto out;
	}
	if (!(doc = load_defs(l, rel, &ref->loc)))
		goto out;
	def = jv_pointer_get(doc, hash ? hash + 1 : "");
	if (!def) {
		diag_error(l->d, &ref->loc, "$ref '%s': '%s' has no '%s'", target, rel, hash ? hash + 1 : "");
		goto out;
	}
	copy = jv_copy(def);
	l->stack[l->depth++] = target;
	if (resolve_slot(l, &copy)) {
		jv_free(copy);
		copy = NULL;
	}
	l->depth--;
	if (copy && obj->u.obj.n > 1 && copy->kind != JV_OBJECT) {
		diag_error(l->d, &ref->loc, "$ref '%s' is not an object, so it cannot take other keys beside it", target);
		jv_free(copy);
		copy = NULL;
	}
	for (i = 0; copy && i < obj->u.obj.n; i++)
		if (strcmp(obj->u.obj.v[i].key, "$ref"))
			jv_set(copy, obj->u.obj.v[i].key, jv_copy(obj->u.obj.v[i].val));
out:
	free(rel);
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
		for (i = 0; i < v->u.arr.n; i++)
			bad |= resolve_slot(l, &v->u.arr.v[i]);
	else if (v->kind == JV_OBJECT)
		for (i = 0; i < v->u.obj.n; i++)
			bad |= resolve_slot(l, &v->u.obj.v[i].val);
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
		t->parameters = jv_copy(v);
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

/* Parse, resolve and check one template; its problems make it bad. */
static void load_one(struct loading *l, struct template *t, const char *path)
{
	struct strbuf bytes = STRBUF_INIT, err = STRBUF_INIT;
	unsigned errors = l->d->errors;

	/*
	 * t->path is recorded in manifests and is read under the
	 * configuration's directory; messages name the file as reached from here
	 */
	if (fs_read_file(&bytes, l->cfg->base_dir, t->path, path, FS_TEMPLATE, &err)) {
		diag_fail(l->d, "%s", err.buf);
	} else {
		blake2b256_hex(bytes.buf, bytes.len, t->blake2b);
		t->doc = doc_parse(bytes.buf, bytes.len, path, l->d);
	}
	strbuf_release(&bytes);
	strbuf_release(&err);
	if (t->doc && t->doc->kind != JV_OBJECT)
		diag_error(l->d, &t->doc->loc, "a template must be a mapping");
	else if (t->doc)
		load_fields(l, t);
	if (t->description && t->description->kind == JV_STRING)
		check_vars(t->description, l->d);
	if (t->parameters) {
		check_vars(t->parameters, l->d);
		if (!resolve_slot(l, &t->parameters)) {
			if (t->strict)
				strict_check(t->parameters, l->d);
			check_targets(l, t);
		}
	}
	t->bad = l->d->errors > errors;
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
		if (t->match)
			set->globs[set->nglobs++] = t;
	}
}

int templates_load(struct template_set *set, const struct ts_config *cfg, struct diag *d)
{
	struct loading l = { cfg, xstrdup(cfg->templates), d, NULL, 0, 0, { NULL }, 0 };
	char *dir = config_path(cfg, cfg->templates), **names;
	struct strbuf err = STRBUF_INIT;
	size_t n, i;
	int ret = 0;

	memset(set, 0, sizeof(*set));
	if (fs_list_dir_under(cfg->base_dir, cfg->templates, &names, &n, &err)) {
		diag_fail(d, "%s", err.buf);
		strbuf_release(&err);
		ret = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct template *t;
		char *path;

		if (!is_template_name(names[i]))
			continue;
		ALLOC_GROW(set->v, set->n, set->alloc);
		t = memset(&set->v[set->n++], 0, sizeof(*t));
		t->file_name = xstrdup(names[i]);
		t->path = path_join(l.dir, names[i]);
		path = path_join(dir, names[i]);
		load_one(&l, t, path);
		free(path);
		ret |= -t->bad;
	}
	fs_free_list(names, n);
	index_templates(set);
out:
	for (i = 0; i < l.ndefs; i++) {
		free(l.defs[i].rel);
		jv_free(l.defs[i].doc);
	}
	free(l.defs);
	free(l.dir);
	free(dir);
	return ret ? -1 : 0;
}

void templates_release(struct template_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free(set->v[i].path);
		free(set->v[i].file_name);
		free(set->v[i].match);
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
	for (i = 0; i < set->nglobs; i++)
		if (!fnmatch(set->globs[i]->match, key, 0))
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
static void var_value(struct strbuf *out, const char *name, size_t n, const struct row *row)
{
	size_t i;

	if (n == 3 && !memcmp(name, "key", 3)) {
		strbuf_addstr(out, row->key);
	} else if (n == 4 && !memcmp(name, "name", 4)) {
		char *fn = tool_function_name(row->key);

		strbuf_addstr(out, fn);
		free(fn);
	} else if (n == 8 && !memcmp(name, "min_role", 8)) {
		strbuf_addstr(out, row->min_role);
	} else if (n == 9 && !memcmp(name, "standards", 9)) {
		for (i = 0; i < row->standards.n; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", row->standards.v[i]);
		if (!row->standards.n)
			strbuf_addstr(out, "none");
	} else {
		BUG("unknown template variable '%.*s' survived the check", (int)n, name);
	}
}

/* s with its variables substituted (checked at load: all are known). */
static struct jv *subst_string(const struct jv *s, const struct row *row)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = s->u.str.ptr, *end = p + s->u.str.len;
	struct jv *r;

	while (p < end) {
		const char *close;

		if (p + 2 < end && p[0] == '$' && p[1] == '$' && p[2] == '{') {
			strbuf_addstr(&out, "${");
			p += 3;
		} else if (p + 1 < end && p[0] == '$' && p[1] == '{' &&
			   (close = memchr(p, '}', (size_t)(end - p)))) {
			var_value(&out, p + 2, (size_t)(close - p - 2), row);
			p = close + 1;
		} else {
			strbuf_addch(&out, *p++);
		}
	}
	r = jv_stringn(out.buf, out.len);
	r->loc = s->loc;
	strbuf_release(&out);
	return r;
}

/* A deep copy of v with every string's variables substituted. */
static struct jv *render(const struct jv *v, const struct row *row)
{
	struct jv *r;
	size_t i;

	switch (v->kind) {
	case JV_STRING:
		return memchr(v->u.str.ptr, '$', v->u.str.len) ? subst_string(v, row) : jv_copy(v);
	case JV_ARRAY:
		r = jv_new(JV_ARRAY, &v->loc);
		for (i = 0; i < v->u.arr.n; i++)
			jv_append(r, render(v->u.arr.v[i], row));
		return r;
	case JV_OBJECT:
		r = jv_new(JV_OBJECT, &v->loc);
		for (i = 0; i < v->u.obj.n; i++) {
			jv_set(r, v->u.obj.v[i].key, render(v->u.obj.v[i].val, row));
			r->u.obj.v[i].loc = v->u.obj.v[i].loc;
		}
		return r;
	default:
		return jv_copy(v);
	}
}

struct jv *template_render_description(const struct template *t, const struct row *row)
{
	return render(t->description, row);
}

struct jv *template_render_parameters(const struct template *t, const struct row *row)
{
	return render(t->parameters, row);
}
