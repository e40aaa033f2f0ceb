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
 */
#include "toolsync/committed.h"
#include "toolsync/fsutil.h"
#include "toolsync/quote.h"
#include "toolsync/registry.h"
#include "toolsync/target.h"
#include "toolsync/template.h"
#include "diff_walk.h"

/*
 * Tools that were in no committed bundle are kept (for target-added) up to
 * this many: compile refuses bundles of more than 128 tools, so a catalogue
 * with more tools in bundles does not get this far.
 */
#define FRESH_MAX 1024

/* A tool compiled and committed, that the committed or compiled bundles hold. */
struct bundle_tool {
	char *key;
	char *min_role;          /* the compiled one */
	long rank;               /* its rank in the configured roles */
	unsigned targets;        /* the bundles it goes in now */
	int role_changed;        /* min_role differs from the committed manifest's */
	long had;                /* index of its function name in had, or -1 */
	struct srcloc targets_loc;  /* the template's 'targets:' (or its first line) */
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

/* One committed bundle: an array of tools in target t's shape. */
static int load_bundle(struct diff_bundles *b, struct committed *old, const char *name,
		       size_t role, enum target t, struct diag *d)
{
	char *rel = xstrfmt("roles/%s", name), *msgname = committed_name(old, rel);
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
		const char *fname = target_entry_name(t, entry);

		if (!fname) {
			diag_error(d, &entry->loc, "not a role bundle: a tool without a function name");
			goto cleanup;
		}
		had_entry(b, fname, strlen(fname))[role] |= t;
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

int diff_bundles_load(struct diff_bundles *b, struct committed *old, struct diag *d)
{
	char **names, **role_of;
	enum target *target_of;
	size_t n, i;
	int ret = 0;

	if (committed_list(old, "roles", &names, &n))
		return 0;   /* no committed bundles: nothing to compare */
	role_of = xcalloc(n + 1, sizeof(*role_of));
	target_of = xcalloc(n + 1, sizeof(*target_of));
	for (i = 0; i < n; i++)
		if ((role_of[i] = bundle_role(names[i], &target_of[i])) &&
		    strlist_find(&b->roles, role_of[i]) < 0)
			strlist_add(&b->roles, role_of[i]);
	for (i = 0; i < n && !ret; i++)
		if (role_of[i])
			ret = load_bundle(b, old, names[i], (size_t)strlist_find(&b->roles, role_of[i]),
					  target_of[i], d);
	b->active = b->roles.n > 0;
	for (i = 0; i < n; i++)
		free(role_of[i]);
	free(role_of);
	free(target_of);
	fs_free_list(names, n);
	return ret;
}

void diff_bundles_tool(struct diff_bundles *b, const struct compiled_tool *t,
		       const struct jv *old, const struct ts_config *cfg)
{
	const struct template *tpl = t->template;
	const struct jv *tl = jv_get(tpl->doc, "targets");
	const char *old_role = diff_str_of(jv_get(old, "min_role"));
	char fname[KEY_MAX + 1];
	struct hashset_entry *e;
	struct bundle_tool *bt;

	if (!b->active)
		return;
	key_function_name(fname, t->row->key);
	e = hashset_find(&b->names, fname, strlen(fname));
	if (!e && (!(cfg->targets & tpl->targets) || b->nfresh >= FRESH_MAX))
		return;   /* in no bundle, before or now */
	b->nfresh += !e;
	ALLOC_GROW(b->tools, b->ntools, b->alloc_tools);
	bt = &b->tools[b->ntools++];
	bt->key = xstrdup(t->row->key);
	bt->min_role = xstrdup(t->row->min_role);
	bt->rank = config_role_rank(cfg, t->row->min_role);
	bt->targets = cfg->targets & tpl->targets;
	bt->role_changed = !old_role || strcmp(old_role, t->row->min_role);
	bt->had = e ? (long)(uintptr_t)e->val - 1 : -1;
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

void diff_bundles_report(const struct diff_bundles *b, const struct ts_config *cfg,
			 struct findings *out)
{
	size_t i, r;

	for (i = 0; i < b->ntools; i++) {
		const struct bundle_tool *bt = &b->tools[i];
		const unsigned *had = bt->had >= 0 ? b->had[bt->had] : NULL;
		unsigned before = 0;

		for (r = 0; had && r < b->roles.n; r++)
			before |= had[r];
		compare_targets(bt, before, cfg, out);
		if (had && !bt->role_changed && bt->rank >= 0 && (before & bt->targets))
			compare_roles(b, bt, had, before & bt->targets, cfg, out);
	}
}

void diff_bundles_release(struct diff_bundles *b)
{
	size_t i;

	for (i = 0; i < b->ntools; i++) {
		free(b->tools[i].key);
		free(b->tools[i].min_role);
	}
	free(b->tools);
	for (i = 0; i < b->nhad; i++)
		free(b->had[i]);
	free(b->had);
	hashset_release(&b->names);
	strlist_release(&b->roles);
	memset(b, 0, sizeof(*b));
}
