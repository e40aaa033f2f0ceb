/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff_bundle.c: who gets which tool through the role bundles.
 *
 * A manifest does not say which bundles hold its tool: that follows from
 * the order of 'roles' in toolsync.yaml (a role's bundles hold every tool
 * whose min_role ranks at or below it) and from 'targets' (toolsync.yaml's,
 * narrowed by the template's).  A reordered 'roles' list or a narrowed
 * 'targets' therefore changes what callers get while every manifest stays
 * the same.  The committed bundles (roles/<role>.<target>.json) record who
 * had which tool; the compiled catalogue says who will.  Only tools that
 * are compiled and committed are compared: an added, removed or renamed
 * tool has its own finding, and so has a tool whose min_role changed
 * (role-lowered, role-raised), whose role comparison is skipped.
 *
 * A committed bundle whose bytes equal the compiled one's holds what the
 * compiled one holds, so only bundles that differ (or that build no
 * longer writes) are parsed: an unchanged catalogue parses nothing.
 *
 * NEEDSWORK: while committed bundles exist, every tool compiled and
 * committed is kept (its key, min_role and targets) until the end.  That
 * is at most the 128 tools a bundle may hold, unless templates leave
 * every target out ('targets: []') or toolsync.yaml's 'targets' became
 * [] in a catalogue that grew past that at once.
 */
#include "toolsync/committed.h"
#include "toolsync/fsutil.h"
#include "toolsync/quote.h"
#include "toolsync/registry.h"
#include "toolsync/target.h"
#include "toolsync/template.h"
#include "diff_walk.h"

/* A tool compiled and committed, while committed bundles exist. */
struct bundle_tool {
	char *key;
	char *min_role;          /* the compiled one */
	long rank;               /* its rank in the configured roles */
	unsigned targets;        /* the bundles it goes in now */
	int role_changed;        /* min_role differs from the committed manifest's */
	struct srcloc targets_loc;  /* the template's 'targets:' (or its first line) */
};

/* A committed bundle roles/<role>.<target>.json. */
struct bundle_file {
	char *name;              /* "<role>.<target>.json" */
	size_t role;             /* index in diff_bundles.roles */
	enum target target;
	int same;                /* the compiled bundle has its bytes */
};

/*
 * "<role>.<target>.json" -> role (caller frees) and *t; NULL for a file
 * build does not write: a target this version does not know, or a role
 * that is not a name (so no committed file name reaches a message raw).
 */
static char *bundle_role(const char *name, enum target *t)
{
	size_t n = strlen(name), dot;
	const struct target_info *ti;
	char *role, *tname;

	if (n <= 5 || strcmp(name + n - 5, ".json"))
		return NULL;
	n -= 5;
	for (dot = n; dot > 0 && name[dot - 1] != '.'; dot--)
		;
	if (dot < 2)
		return NULL;
	tname = xstrndup(name + dot, n - dot);
	ti = target_by_name(tname);
	free(tname);
	role = xstrndup(name, dot - 1);
	if (!ti || !name_is_valid(role)) {
		free(role);
		return NULL;
	}
	*t = ti->bit;
	return role;
}

/* had[i][role]: the targets whose bundle of committed role `role` held name i. */
static unsigned *had_entry(struct diff_bundles *b, const char *fname, size_t len)
{
	struct hashset_entry *e = hashset_add(&b->names, fname, len, NULL);

	if (!e->val) {
		ALLOC_GROW(b->had, b->nhad, b->alloc_had);
		b->had[b->nhad] = xcalloc(b->roles.n + 1, sizeof(unsigned));
		e->val = (void *)(uintptr_t)++b->nhad;
	}
	return b->had[(uintptr_t)e->val - 1];
}

/* One committed bundle that differs: an array of tools in its target's shape. */
static int load_bundle(struct diff_bundles *b, struct committed *old,
		       const struct bundle_file *bf, struct diag *d)
{
	char *rel = xstrfmt("roles/%s", bf->name), *msgname = committed_name(old, rel);
	struct strbuf buf = STRBUF_INIT;
	struct jv *doc = NULL;
	size_t i;
	int ret = -1;

	if (committed_read(old, rel, &buf, d) < 0 || !(doc = json_parse(buf.buf, buf.len, msgname, d)))
		goto cleanup;
	if (doc->kind != JV_ARRAY) {
		diag_error(d, &doc->loc, "not a role bundle: expected an array of tools");
		goto cleanup;
	}
	for (i = 0; i < doc->u.arr.n; i++) {
		const struct jv *entry = doc->u.arr.v[i];
		const char *fname = target_entry_name(bf->target, entry);

		if (!fname) {
			diag_error(d, &entry->loc, "not a role bundle: a tool without a function name");
			goto cleanup;
		}
		had_entry(b, fname, strlen(fname))[bf->role] |= bf->target;
	}
	ret = 0;
	diag_drop_source(msgname);
cleanup:
	jv_free(doc);
	strbuf_release(&buf);
	free(msgname);
	free(rel);
	return ret;
}

void diff_bundles_list(struct diff_bundles *b, struct committed *old)
{
	char **names;
	size_t n, i;

	if (committed_list(old, "roles", &names, &n))
		return;   /* no committed bundles: nothing to compare */
	for (i = 0; i < n; i++) {
		struct bundle_file *bf;
		enum target t;
		char *role = bundle_role(names[i], &t);

		if (!role)
			continue;
		if (strlist_find(&b->roles, role) < 0)
			strlist_add(&b->roles, role);
		ALLOC_GROW(b->files, b->nfiles, b->alloc_files);
		bf = &b->files[b->nfiles++];
		bf->name = xstrdup(names[i]);
		bf->role = (size_t)strlist_find(&b->roles, role);
		bf->target = t;
		bf->same = 0;
		free(role);
	}
	b->old = old;
	fs_free_list(names, n);
}

static int cmp_file(const void *key, const void *elem)
{
	return strcmp(key, ((const struct bundle_file *)elem)->name);
}

void diff_bundles_file(struct diff_bundles *b, const struct out_file *f)
{
	struct bundle_file *bf;

	if (!b->nfiles || !(f->committed_same & 1) || strncmp(f->path, "roles/", 6))
		return;
	bf = bsearch(f->path + 6, b->files, b->nfiles, sizeof(*b->files), cmp_file);
	if (bf)
		bf->same = 1;
}

void diff_bundles_tool(struct diff_bundles *b, const struct compiled_tool *t,
		       const char *old_role, const struct ts_config *cfg)
{
	const struct template *tpl = t->template;
	const struct jv *tl = jv_get(tpl->doc, "targets");
	struct bundle_tool *bt;

	if (!b->nfiles)
		return;
	ALLOC_GROW(b->tools, b->ntools, b->alloc_tools);
	bt = &b->tools[b->ntools++];
	bt->key = xstrdup(t->row->key);
	bt->min_role = xstrdup(t->row->min_role);
	bt->rank = config_role_rank(cfg, t->row->min_role);
	bt->targets = cfg->targets & tpl->targets;
	bt->role_changed = !old_role || strcmp(old_role, t->row->min_role);
	bt->targets_loc = tl ? tl->loc : tpl->doc->loc;
}

/* toolsync.yaml's entry for role, else its 'roles:', else the file. */
static struct srcloc role_loc(const struct ts_config *cfg, const char *role)
{
	const struct jv *list = jv_get(cfg->doc, "roles");
	size_t i;

	for (i = 0; list && list->kind == JV_ARRAY && i < list->u.arr.n; i++)
		if (diff_str_of(list->u.arr.v[i]) && !strcmp(diff_str_of(list->u.arr.v[i]), role))
			return list->u.arr.v[i]->loc;
	if (list)
		return list->loc;
	return (struct srcloc){ cfg->path, cfg->path ? 1 : 0, cfg->path ? 1 : 0, 0 };
}

static void add(struct findings *out, const struct rule *r, const struct srcloc *loc,
		const char *tool, const char *kind, const char *name, int gained,
		const char *fmt, ...) TS_PRINTF(8, 9);

/* A finding about one bundle membership: pointer /roles/R or /targets/T. */
static void add(struct findings *out, const struct rule *r, const struct srcloc *loc,
		const char *tool, const char *kind, const char *name, int gained,
		const char *fmt, ...)
{
	struct strbuf ptr = STRBUF_INIT, val = STRBUF_INIT, msg = STRBUF_INIT;
	va_list ap;

	jv_pointer_add(&ptr, kind);
	jv_pointer_add(&ptr, name);
	json_write_string(&val, name, strlen(name));
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	findings_add(out, r, loc, tool, ptr.buf, gained ? NULL : val.buf, gained ? val.buf : NULL,
		     "%s", msg.buf);
	strbuf_release(&ptr);
	strbuf_release(&val);
	strbuf_release(&msg);
}

static void compare_targets(const struct bundle_tool *bt, unsigned before,
			    const struct ts_config *cfg, struct findings *out)
{
	const struct target_info *ti;
	size_t n, i;

	for (ti = target_list(&n), i = 0; i < n; i++) {
		enum target t = ti[i].bit;
		int by_config = !(cfg->targets & t);
		const struct srcloc *loc = by_config ? &cfg->targets_loc : &bt->targets_loc;

		if ((before & t) && !(bt->targets & t))
			add(out, &r_target_removed, loc, bt->key, "targets", ti[i].name, 0,
			    "no longer in the %s bundles: %s leaves %s out", ti[i].name,
			    by_config ? "'targets' in toolsync.yaml" : "the template's 'targets'",
			    ti[i].name);
		else if (!(before & t) && (bt->targets & t))
			add(out, &r_target_added, loc, bt->key, "targets", ti[i].name, 1,
			    "now in the %s bundles", ti[i].name);
	}
}

/* Roles that had it in a target it is still in, against the roles that get it now. */
static void compare_roles(const struct diff_bundles *b, const struct bundle_tool *bt,
			  const unsigned *had, unsigned common,
			  const struct ts_config *cfg, struct findings *out)
{
	size_t i;

	for (i = (size_t)bt->rank; i < cfg->roles.n; i++) {
		const char *role = cfg->roles.v[i];
		long j = strlist_find(&b->roles, role);
		struct srcloc loc = role_loc(cfg, role);

		if (j >= 0 && (had[j] & common))
			continue;
		if (j < 0)
			add(out, &r_role_access_added, &loc, bt->key, "roles", role, 1,
			    "role '%s', new in 'roles', gets the tool", quote_show(role));
		else
			add(out, &r_role_access_added, &loc, bt->key, "roles", role, 1,
			    "role '%s' now gets the tool: 'roles' ranks it at or above min_role "
			    "'%s' now", quote_show(role), bt->min_role);
	}
	for (i = 0; i < b->roles.n; i++) {
		const char *role = b->roles.v[i];
		long r = config_role_rank(cfg, role);
		struct srcloc loc = role_loc(cfg, role);

		if (!(had[i] & common) || r >= bt->rank)
			continue;
		if (r < 0)
			add(out, &r_role_access_removed, &loc, bt->key, "roles", role, 0,
			    "role '%s' no longer gets the tool: it is no longer in 'roles'",
			    quote_show(role));
		else
			add(out, &r_role_access_removed, &loc, bt->key, "roles", role, 0,
			    "role '%s' no longer gets the tool: 'roles' ranks it below min_role "
			    "'%s' now", quote_show(role), bt->min_role);
	}
}

/*
 * had[role]: the targets whose committed bundle of that role held bt.  A
 * bundle with the compiled bytes held it when the compiled one does.
 */
static void tool_had(const struct diff_bundles *b, const struct bundle_tool *bt,
		     const struct ts_config *cfg, unsigned *had)
{
	char fname[KEY_MAX + 1];
	const struct hashset_entry *e;
	size_t i;

	key_function_name(fname, bt->key);
	e = hashset_find(&b->names, fname, strlen(fname));
	for (i = 0; i < b->roles.n; i++)
		had[i] = e ? b->had[(uintptr_t)e->val - 1][i] : 0;
	for (i = 0; i < b->nfiles; i++) {
		const struct bundle_file *bf = &b->files[i];
		long rank = config_role_rank(cfg, b->roles.v[bf->role]);

		if (bf->same && (bt->targets & bf->target) && bt->rank >= 0 && rank >= bt->rank)
			had[bf->role] |= bf->target;
	}
}

int diff_bundles_report(struct diff_bundles *b, const struct ts_config *cfg,
			struct findings *out, struct diag *d)
{
	unsigned *had = xcalloc(b->roles.n + 1, sizeof(*had));
	size_t i, r;
	int ret = 0;

	for (i = 0; i < b->nfiles && !ret; i++)
		if (!b->files[i].same)
			ret = load_bundle(b, b->old, &b->files[i], d);
	for (i = 0; i < b->ntools && !ret; i++) {
		const struct bundle_tool *bt = &b->tools[i];
		unsigned before = 0;

		tool_had(b, bt, cfg, had);
		for (r = 0; r < b->roles.n; r++)
			before |= had[r];
		compare_targets(bt, before, cfg, out);
		if (!bt->role_changed && bt->rank >= 0 && (before & bt->targets))
			compare_roles(b, bt, had, before & bt->targets, cfg, out);
	}
	free(had);
	return ret;
}

void diff_bundles_release(struct diff_bundles *b)
{
	size_t i;

	for (i = 0; i < b->ntools; i++) {
		free(b->tools[i].key);
		free(b->tools[i].min_role);
	}
	free(b->tools);
	for (i = 0; i < b->nfiles; i++)
		free(b->files[i].name);
	free(b->files);
	for (i = 0; i < b->nhad; i++)
		free(b->had[i]);
	free(b->had);
	hashset_release(&b->names);
	strlist_release(&b->roles);
	memset(b, 0, sizeof(*b));
}
