/* SPDX-License-Identifier: Apache-2.0 */
/* config.c: toolsync.yaml. */
#include <ctype.h>
#include <strings.h>

#include "toolsync/config.h"
#include "toolsync/fsutil.h"
#include "toolsync/hashset.h"
#include "toolsync/quote.h"
#include "toolsync/registry.h"
#include "toolsync/target.h"
#include "toolsync/varref.h"
#include "toolsync/yaml.h"

static const char *const default_roles[] = { "viewer", "analyst", "reviewer", "approver", "admin" };
static const char *const default_tags[] = { "service", "env", "workload" };

void strlist_add(struct strlist *l, const char *s)
{
	ALLOC_GROW(l->v, l->n, l->alloc);
	l->v[l->n++] = xstrdup(s);
}

void strlist_release(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

long strlist_find(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return (long)i;
	return -1;
}

void config_init(struct ts_config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->base_dir = xstrdup(".");
	cfg->registry = xstrdup("registry.yaml");
	cfg->pg_table = xstrdup("tool_registry");
	cfg->col_key = xstrdup("key");
	cfg->col_min_role = xstrdup("min_role");
	cfg->col_standards = xstrdup("standards");
	cfg->templates = xstrdup("schemas/templates");
	cfg->out = xstrdup("manifests");
	for (i = 0; i < ARRAY_SIZE(default_roles); i++)
		strlist_add(&cfg->roles, default_roles[i]);
	cfg->targets = TARGETS_DEFAULT;
	for (i = 0; i < ARRAY_SIZE(default_tags); i++)
		strlist_add(&cfg->required_tags, default_tags[i]);
	cfg->retention_days = -1;
}

void config_release(struct ts_config *cfg)
{
	free(cfg->base_dir);
	free(cfg->registry);
	free(cfg->registry_error);
	free(cfg->pg_table);
	free(cfg->col_key);
	free(cfg->col_min_role);
	free(cfg->col_standards);
	free(cfg->templates);
	free(cfg->out);
	free(cfg->public_key);
	strlist_release(&cfg->roles);
	strlist_release(&cfg->standards);
	hashset_release(&cfg->standards_set);
	strlist_release(&cfg->required_tags);
	jv_free(cfg->doc);
	memset(cfg, 0, sizeof(*cfg));
}

int config_allow_standard(struct ts_config *cfg, const char *standard)
{
	int added;

	cfg->has_standards = 1;
	hashset_add(&cfg->standards_set, standard, strlen(standard), &added);
	if (added)
		strlist_add(&cfg->standards, standard);
	return added ? 0 : -1;
}

int config_standard_allowed(const struct ts_config *cfg, const char *standard)
{
	return !cfg->has_standards ||
	       hashset_find(&cfg->standards_set, standard, strlen(standard)) != NULL;
}

long config_role_rank(const struct ts_config *cfg, const char *role)
{
	return strlist_find(&cfg->roles, role);
}

char *config_path(const struct ts_config *cfg, const char *rel)
{
	return path_join(cfg->base_dir, rel);
}

int is_conninfo(const char *s)
{
	const char *p = s;

	if (!strncmp(s, "postgres://", 11) || !strncmp(s, "postgresql://", 13))
		return 1;
	/* keyword=value form: "host=/tmp dbname=x" */
	while (*p == '_' || isalpha((unsigned char)*p))
		p++;
	while (*p == ' ')
		p++;
	return p != s && *p == '=';
}

int expand_env(struct strbuf *out, const char *s, struct strbuf *err)
{
	size_t len = strlen(s), pos = 0;
	struct varref tok;

	while (varref_next(s, len, &pos, &tok)) {
		const char *val;
		char *name;

		if (tok.kind == VARREF_TEXT) {
			strbuf_add(out, s + tok.off, tok.len);
			continue;
		}
		if (tok.kind == VARREF_LITERAL) {
			strbuf_addstr(out, "${");
			continue;
		}
		if (tok.kind == VARREF_UNTERMINATED) {
			strbuf_addstr(err, VARREF_UNTERMINATED_MSG);
			return -1;
		}
		name = xmemdupz(tok.name, tok.name_len);
		val = getenv(name);
		if (!val) {
			strbuf_addf(err, "environment variable '%s' is not set", name);
			free(name);
			return -1;
		}
		free(name);
		strbuf_addstr(out, val);
	}
	return 0;
}

/* Loading: each top-level key has a handler. */
struct loader {
	struct ts_config *cfg;
	struct diag *d;
	const char *file;
};

/* A string value with ${VAR} expanded; NULL (reported) if v is not a string. */
static char *get_string(struct loader *l, const struct jv *v, const char *what)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;

	if (v->kind != JV_STRING) {
		diag_error(l->d, &v->loc, "'%s' must be a string, not %s", what,
			   jv_kind_name(v->kind));
		return NULL;
	}
	if (expand_env(&sb, v->u.str.ptr, &err)) {
		diag_error(l->d, &v->loc, "'%s': %s", what, err.buf);
		strbuf_release(&sb);
		strbuf_release(&err);
		return NULL;
	}
	strbuf_release(&err);
	return strbuf_detach(&sb, NULL);
}

static void set_string(struct loader *l, const struct jv *v, const char *what, char **dst)
{
	char *s = get_string(l, v, what);

	if (!s)
		return;
	if (!*s) {
		diag_error(l->d, &v->loc, "'%s' must not be empty", what);
		free(s);
		return;
	}
	free(*dst);
	*dst = s;
}

enum list_flags {
	/*
	 * Roles and standards are names: a role names files
	 * (roles/<role>.<target>.json), so '/', '..' or a control character
	 * must never reach a path.
	 */
	LIST_NAMES = 1 << 0,
	/* roles that differ only in case would be one file on some file systems */
	LIST_FOLD = 1 << 1,
};

/* 0 if s (as expanded) may join dst (and is added to set); else reported at loc. */
static int list_entry_ok(struct loader *l, const struct srcloc *loc, const char *what,
			 const struct strlist *dst, struct hashset *set, const char *s,
			 unsigned flags)
{
	struct strbuf q = STRBUF_INIT;
	size_t i;
	int bad = 1, added;

	quote_add(&q, s, strlen(s), QUOTE_MAX);
	if (!*s)
		diag_error(l->d, loc, "'%s': empty entry", what);
	else if ((flags & LIST_NAMES) && !name_is_valid(s))
		diag_error(l->d, loc, "'%s': '%s' is not a name: use letters, digits, '.', '_' "
			   "and '-' (at most %d, the first a letter or digit, no '..')", what,
			   q.buf, KEY_MAX);
	else if (hashset_add(set, s, strlen(s), &added), !added)
		diag_error(l->d, loc, "'%s': '%s' is listed twice", what, q.buf);
	else
		bad = 0;
	for (i = 0; !bad && (flags & LIST_FOLD) && i < dst->n; i++)
		if (!strcasecmp(dst->v[i], s)) {
			diag_error(l->d, loc, "'%s': '%s' differs from '%s' only in case (the two "
				   "would be one file on some file systems)", what, q.buf, dst->v[i]);
			bad = 1;
		}
	strbuf_release(&q);
	return bad ? -1 : 0;
}

/*
 * A list of distinct, non-empty strings into dst, and into set (which the
 * caller keeps for lookups; NULL: a set of its own, for the duplicate check).
 */
static void set_list_in(struct loader *l, const struct jv *v, const char *what,
			struct strlist *dst, struct hashset *set, unsigned flags)
{
	struct hashset own = HASHSET_INIT;
	size_t i;

	if (v->kind != JV_ARRAY) {
		diag_error(l->d, &v->loc, "'%s' must be a list, not %s", what, jv_kind_name(v->kind));
		return;
	}
	if (!set)
		set = &own;
	strlist_release(dst);
	hashset_release(set);
	for (i = 0; i < v->u.arr.n; i++) {
		char *s = get_string(l, v->u.arr.v[i], what);

		if (s && !list_entry_ok(l, &v->u.arr.v[i]->loc, what, dst, set, s, flags))
			strlist_add(dst, s);
		free(s);
	}
	hashset_release(&own);
}

static void set_list(struct loader *l, const struct jv *v, const char *what,
		     struct strlist *dst, unsigned flags)
{
	set_list_in(l, v, what, dst, NULL, flags);
}

/* "a, b, c": the keys a mapping may hold, for a message. */
static void join_keys(struct strbuf *sb, const char *const *keys)
{
	size_t i;

	for (i = 0; keys[i]; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		strbuf_addstr(sb, keys[i]);
	}
}

static int check_keys(struct loader *l, const struct jv *obj, const char *what,
		      const char *const *allowed)
{
	struct strbuf known = STRBUF_INIT;
	size_t i, j;
	int bad = 0;

	if (obj->kind != JV_OBJECT) {
		diag_error(l->d, &obj->loc, "'%s' must be a mapping, not %s", what,
			   jv_kind_name(obj->kind));
		return -1;
	}
	for (i = 0; i < obj->u.obj.n; i++) {
		for (j = 0; allowed[j]; j++)
			if (!strcmp(obj->u.obj.v[i].key, allowed[j]))
				break;
		if (!allowed[j]) {
			if (!known.len)
				join_keys(&known, allowed);
			diag_error(l->d, &obj->u.obj.v[i].loc, "unknown key '%s' in '%s' (known: %s)",
				   obj->u.obj.v[i].key, what, known.buf);
			bad = -1;
		}
	}
	strbuf_release(&known);
	return bad;
}

/* set_string for the registry: an expansion problem waits (registry_error). */
static void set_registry(struct loader *l, const struct jv *v, const char *what)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct ts_config *cfg = l->cfg;

	if (v->kind != JV_STRING) {
		diag_error(l->d, &v->loc, "'%s' must be a string, not %s", what,
			   jv_kind_name(v->kind));
	} else if (expand_env(&sb, v->u.str.ptr, &err) || !sb.len) {
		free(cfg->registry_error);
		cfg->registry_error = xstrfmt("'%s': %s", what, err.len ? err.buf : "must not be empty");
		cfg->registry_error_loc = v->loc;
	} else {
		free(cfg->registry);
		cfg->registry = strbuf_detach(&sb, NULL);
	}
	strbuf_release(&sb);
	strbuf_release(&err);
}

static void load_registry(struct loader *l, const struct jv *v)
{
	static const char *const keys[] = { "postgres", "file", "table", "columns", NULL };
	static const char *const cols[] = { "key", "min_role", "standards", NULL };
	struct ts_config *cfg = l->cfg;
	const struct jv *p, *c;

	cfg->registry_loc = v->loc;
	if (v->kind == JV_STRING) {
		set_registry(l, v, "registry");
		cfg->registry_is_pg = is_conninfo(cfg->registry);
		return;
	}
	if (check_keys(l, v, "registry", keys))
		return;
	if (jv_get(v, "postgres") && jv_get(v, "file")) {
		diag_error(l->d, &jv_member(v, "file")->loc,
			   "'registry' takes 'postgres' or 'file', not both");
	} else if ((p = jv_get(v, "postgres"))) {
		set_registry(l, p, "registry.postgres");
		cfg->registry_is_pg = 1;
	} else if ((p = jv_get(v, "file"))) {
		set_registry(l, p, "registry.file");
		/* a file has no table or columns: saying so beats ignoring them */
		if (jv_get(v, "table") || jv_get(v, "columns"))
			diag_error(l->d, &jv_member(v, jv_get(v, "table") ? "table" : "columns")->loc,
				   "'%s' is for a PostgreSQL registry ('postgres: ...'), not a file",
				   jv_get(v, "table") ? "table" : "columns");
	} else {
		diag_error(l->d, &v->loc, "'registry' needs 'postgres' or 'file'");
	}
	if ((p = jv_get(v, "table")))
		set_string(l, p, "registry.table", &cfg->pg_table);
	if (!(c = jv_get(v, "columns")) || check_keys(l, c, "registry.columns", cols))
		return;
	if ((p = jv_get(c, "key")))
		set_string(l, p, "registry.columns.key", &cfg->col_key);
	if ((p = jv_get(c, "min_role")))
		set_string(l, p, "registry.columns.min_role", &cfg->col_min_role);
	if ((p = jv_get(c, "standards")))
		set_string(l, p, "registry.columns.standards", &cfg->col_standards);
}

static void load_targets(struct loader *l, const struct jv *v)
{
	struct strlist names = { 0 };
	const struct target_info *t;
	size_t i;

	l->cfg->targets_loc = v->loc;
	set_list(l, v, "targets", &names, 0);
	l->cfg->targets = 0;
	for (i = 0; i < names.n; i++) {
		if (!(t = target_by_name(names.v[i])))
			diag_error(l->d, &v->u.arr.v[i]->loc, "unknown target '%s' (%s)",
				   names.v[i], target_known_names());
		else
			l->cfg->targets |= t->bit;
	}
	strlist_release(&names);
}

/* gemini: {parameters: json-schema | openapi} */
static void load_gemini(struct loader *l, const struct jv *v)
{
	static const char *const keys[] = { "parameters", NULL };
	const struct jv *p;

	if (check_keys(l, v, "gemini", keys) || !(p = jv_get(v, "parameters")))
		return;
	if (p->kind == JV_STRING && !strcmp(p->u.str.ptr, "openapi"))
		l->cfg->gemini_openapi = 1;
	else if (p->kind != JV_STRING || strcmp(p->u.str.ptr, "json-schema"))
		diag_error(l->d, &p->loc, "'gemini.parameters' must be json-schema "
			   "(parametersJsonSchema, the default) or openapi (parameters)");
}

static void load_signing(struct loader *l, const struct jv *v)
{
	static const char *const keys[] = { "public_key", NULL };
	const struct jv *p;

	if (check_keys(l, v, "signing", keys))
		return;
	if ((p = jv_get(v, "public_key")))
		set_string(l, p, "signing.public_key", &l->cfg->public_key);
}

static void load_debug(struct loader *l, const struct jv *v)
{
	static const char *const keys[] = { "required_tags", "retention_days", NULL };
	const struct jv *p;

	l->cfg->debug_loc = v->loc;
	if (check_keys(l, v, "debug", keys))
		return;
	if ((p = jv_get(v, "required_tags")))
		set_list(l, p, "debug.required_tags", &l->cfg->required_tags, 0);
	if (!(p = jv_get(v, "retention_days")) || p->kind == JV_NULL)
		return;
	if (p->kind != JV_NUMBER || p->u.number != (double)(long)p->u.number ||
	    p->u.number < 1 || p->u.number > 36500)
		diag_error(l->d, &p->loc, "'debug.retention_days' must be a whole number of days from 1 to 36500");
	else
		l->cfg->retention_days = (long)p->u.number;
}

static void load_roles(struct loader *l, const struct jv *v)
{
	set_list(l, v, "roles", &l->cfg->roles, LIST_NAMES | LIST_FOLD);
	if (!l->cfg->roles.n)
		diag_error(l->d, &v->loc, "'roles' must name at least one role");
}

static void load_standards(struct loader *l, const struct jv *v)
{
	set_list_in(l, v, "standards", &l->cfg->standards, &l->cfg->standards_set, LIST_NAMES);
	l->cfg->has_standards = 1;
}

static void load_templates(struct loader *l, const struct jv *v)
{
	set_string(l, v, "templates", &l->cfg->templates);
}

static void load_out(struct loader *l, const struct jv *v)
{
	set_string(l, v, "out", &l->cfg->out);
}

static const struct {
	const char *key;
	void (*load)(struct loader *l, const struct jv *v);
} handlers[] = {
	{ "registry", load_registry },
	{ "templates", load_templates },
	{ "out", load_out },
	{ "roles", load_roles },
	{ "standards", load_standards },
	{ "targets", load_targets },
	{ "gemini", load_gemini },
	{ "signing", load_signing },
	{ "debug", load_debug },
};

static void load_member(struct loader *l, const struct jv_member *m)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(handlers); i++)
		if (!strcmp(m->key, handlers[i].key)) {
			handlers[i].load(l, m->val);
			return;
		}
	diag_error(l->d, &m->loc, "unknown key '%s' (known: registry, templates, out, "
		   "roles, standards, targets, gemini, signing, debug)", m->key);
}

int config_load(struct ts_config *cfg, const char *path, int required, struct diag *d)
{
	struct loader l = { cfg, d, NULL };
	unsigned errors = d->errors;
	size_t i;

	config_init(cfg);
	if (!path_exists(path)) {
		if (!required)
			return 0;
		diag_fail(d, "cannot read configuration '%s': no such file%s", path,
			  strcmp(path, "toolsync.yaml") ? "" :
			  " (run toolsync where it is, or give -c FILE)");
		return -1;
	}
	cfg->path = path_intern(path);
	free(cfg->base_dir);
	cfg->base_dir = path_dirname(path);
	cfg->debug_loc = (struct srcloc){ cfg->path, 0, 0, 0 };
	cfg->targets_loc = cfg->debug_loc;
	cfg->doc = doc_load(NULL, path, NULL, FS_CONFIG, d);
	if (!cfg->doc)
		return -1;
	l.file = cfg->path;
	if (cfg->doc->kind == JV_NULL)
		return 0;
	if (cfg->doc->kind != JV_OBJECT) {
		diag_error(d, &cfg->doc->loc, "the configuration must be a mapping");
		return -1;
	}
	for (i = 0; i < cfg->doc->u.obj.n; i++)
		load_member(&l, &cfg->doc->u.obj.v[i]);
	return d->errors > errors ? -1 : 0;
}
