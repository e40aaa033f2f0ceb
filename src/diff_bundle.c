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
 * The committed roles/ directory is input like any other: its bundles
 * may be many, each of another role.  What they held is kept per (role,
 * function name) that occurs, and a tool looks up only its own entries,
 * so that the work and memory follow the size of the bundles, never the
 * number of roles times the number of names.
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

/*
 * A role of a differing committed bundle held a function name: the
 * targets whose bundles of that role held it.  A name's entries are a
 * list through next, latest first.
 */
struct bundle_held {
	size_t role;             /* index in diff_bundles.roles */
	unsigned targets;
	size_t next;             /* 1 + index of the name's entry before, or 0 */
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

/* role's index in b->roles, or -1. */
static long role_find(const struct diff_bundles *b, const char *role)
{
	const struct hashset_entry *e = hashset_find(&b->role_index, role, strlen(role));

	return e ? (long)(uintptr_t)e->val - 1 : -1;
}

/* role's index in b->roles, added if new. */
static size_t role_add(struct diff_bundles *b, const char *role)
{
	struct hashset_entry *e = hashset_add(&b->role_index, role, strlen(role), NULL);

	if (!e->val) {
		strlist_add(&b->roles, role);
		e->val = (void *)(uintptr_t)b->roles.n;
	}
	return (uintptr_t)e->val - 1;
}

/* A bundle of role (in target t) held the function fname. */
static void held_add(struct diff_bundles *b, const char *fname, size_t role, unsigned t)
{
	struct hashset_entry *e = hashset_add(&b->names, fname, strlen(fname), NULL);
	size_t last = (uintptr_t)e->val;

	if (last && b->held[last - 1].role == role) {
		b->held[last - 1].targets |= t;
		return;
	}
	ALLOC_GROW(b->held, b->nheld, b->alloc_held);
	b->held[b->nheld].role = role;
	b->held[b->nheld].targets = t;
	b->held[b->nheld].next = last;
	e->val = (void *)(uintptr_t)++b->nheld;
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
		held_add(b, fname, bf->role, bf->target);
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

int diff_bundles_list(struct diff_bundles *b, struct committed *old, struct diag *d)
{
	char **names;
	size_t n, i;

	if (committed_list_or_none(old, "roles", &names, &n, d))
		return -1;   /* none (no roles/): nothing is compared */
	for (i = 0; i < n; i++) {
		struct bundle_file *bf;
		enum target t;
		char *role = bundle_role(names[i], &t);

		if (!role)
			continue;
		ALLOC_GROW(b->files, b->nfiles, b->alloc_files);
		bf = &b->files[b->nfiles++];
		bf->name = xstrdup(names[i]);
		bf->role = role_add(b, role);
		bf->target = t;
		bf->same = 0;
		free(role);
	}
	b->old = old;
	fs_free_list(names, n);
	return 0;
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

/* What diff_bundles_report() compares, for one tool at a time. */
struct membership {
	const struct diff_bundles *b;
	const struct ts_config *cfg;
	long *rank;              /* rank[i]: b->roles.v[i]'s rank in toolsync.yaml, or -1 */
	size_t *same, nsame;     /* the files whose bytes the compiled bundles have */
	unsigned *had;           /* had[i]: the targets whose bundle of role i held the tool */
	size_t *touched, ntouched;  /* the i with had[i] set, ascending */
};

static void membership_init(struct membership *m, const struct diff_bundles *b,
			    const struct ts_config *cfg)
{
	size_t i;

	m->b = b;
	m->cfg = cfg;
	m->rank = xcalloc(b->roles.n + 1, sizeof(*m->rank));
	for (i = 0; i < b->roles.n; i++)
		m->rank[i] = config_role_rank(cfg, b->roles.v[i]);
	m->same = xcalloc(b->nfiles + 1, sizeof(*m->same));
	for (m->nsame = i = 0; i < b->nfiles; i++)
		if (b->files[i].same)
			m->same[m->nsame++] = i;
	m->had = xcalloc(b->roles.n + 1, sizeof(*m->had));
	m->touched = xcalloc(b->roles.n + 1, sizeof(*m->touched));
	m->ntouched = 0;
}

static void membership_release(struct membership *m)
{
	free(m->rank);
	free(m->same);
	free(m->had);
	free(m->touched);
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
static void compare_roles(const struct membership *m, const struct bundle_tool *bt,
			  unsigned common, struct findings *out)
{
	const struct ts_config *cfg = m->cfg;
	struct srcloc loc;
	size_t i;

	for (i = (size_t)bt->rank; i < cfg->roles.n; i++) {
		const char *role = cfg->roles.v[i];
		long j = role_find(m->b, role);

		if (j >= 0 && (m->had[j] & common))
			continue;
		loc = role_loc(cfg, role);
		if (j < 0)
			add(out, &r_role_access_added, &loc, bt->key, "roles", role, 1,
			    "role '%s', new in 'roles', gets the tool", quote_show(role));
		else
			add(out, &r_role_access_added, &loc, bt->key, "roles", role, 1,
			    "role '%s' now gets the tool: 'roles' ranks it at or above min_role "
			    "'%s' now", quote_show(role), bt->min_role);
	}
	for (i = 0; i < m->ntouched; i++) {
		size_t j = m->touched[i];
		const char *role = m->b->roles.v[j];
		long r = m->rank[j];

		if (!(m->had[j] & common) || r >= bt->rank)
			continue;
		loc = role_loc(cfg, role);
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

static void had_add(struct membership *m, size_t role, unsigned targets)
{
	if (!targets)
		return;
	if (!m->had[role])
		m->touched[m->ntouched++] = role;
	m->had[role] |= targets;
}

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * m->had: the targets whose committed bundle of each role held bt (a
 * bundle with the compiled bytes held it when the compiled one does).
 * The targets of all of them.
 */
static unsigned tool_had(struct membership *m, const struct bundle_tool *bt)
{
	const struct diff_bundles *b = m->b;
	char fname[KEY_MAX + 1];
	const struct hashset_entry *e;
	unsigned before = 0;
	size_t h, i;

	key_function_name(fname, bt->key);
	e = hashset_find(&b->names, fname, strlen(fname));
	for (h = e ? (uintptr_t)e->val : 0; h; h = b->held[h - 1].next)
		had_add(m, b->held[h - 1].role, b->held[h - 1].targets);
	for (i = 0; i < m->nsame; i++) {
		const struct bundle_file *bf = &b->files[m->same[i]];

		if ((bt->targets & bf->target) && bt->rank >= 0 && m->rank[bf->role] >= bt->rank)
			had_add(m, bf->role, bf->target);
	}
	qsort(m->touched, m->ntouched, sizeof(*m->touched), cmp_index);
	for (i = 0; i < m->ntouched; i++)
		before |= m->had[m->touched[i]];
	return before;
}

/* m->had all zero again, for the next tool. */
static void tool_done(struct membership *m)
{
	size_t i;

	for (i = 0; i < m->ntouched; i++)
		m->had[m->touched[i]] = 0;
	m->ntouched = 0;
}

int diff_bundles_report(struct diff_bundles *b, const struct ts_config *cfg,
			struct findings *out, struct diag *d)
{
	struct membership m;
	size_t i;
	int ret = 0;

	for (i = 0; i < b->nfiles && !ret; i++)
		if (!b->files[i].same)
			ret = load_bundle(b, b->old, &b->files[i], d);
	membership_init(&m, b, cfg);
	for (i = 0; i < b->ntools && !ret; i++) {
		const struct bundle_tool *bt = &b->tools[i];
		unsigned before = tool_had(&m, bt);

		compare_targets(bt, before, cfg, out);
		if (!bt->role_changed && bt->rank >= 0 && (before & bt->targets))
			compare_roles(&m, bt, before & bt->targets, out);
		tool_done(&m);
	}
	membership_release(&m);
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
	free(b->held);
	hashset_release(&b->names);
	hashset_release(&b->role_index);
	strlist_release(&b->roles);
	memset(b, 0, sizeof(*b));
}
