/* SPDX-License-Identifier: Apache-2.0 */
/* accept.c: the accept file (see accept.h and docs/diff.md). */
#include "toolsync/accept.h"
#include "toolsync/fsutil.h"
#include "toolsync/quote.h"
#include "toolsync/suggest.h"
#include "toolsync/yaml.h"

const struct rule accept_stale_rule = {
	"accept-stale", CAT_CONFIG, SEV_WARNING,
	"an accept-file entry matches no finding",
	"The change it accepted is gone (or its rule, tool or pointer is "
	"misspelt). Remove the entry so that it cannot hide a future finding.",
	NULL,
};

static const char *const entry_keys[] = { "rule", "tool", "pointer", "reason" };

static int rule_known(const struct rule *const *const *rules, const char *id)
{
	size_t i, j;

	if (!rules)
		return 1;
	for (i = 0; rules[i]; i++)
		for (j = 0; rules[i][j]; j++)
			if (!strcmp(rules[i][j]->id, id))
				return 1;
	return !strcmp(id, accept_stale_rule.id);
}

/* The rule id that id is a near miss of (role-lowerd: role-lowered), or NULL. */
static const char *near_rule(const struct rule *const *const *rules, const char *id)
{
	size_t i, j;

	for (i = 0; rules && rules[i]; i++)
		for (j = 0; rules[i][j]; j++)
			if (suggest_near(id, rules[i][j]->id))
				return rules[i][j]->id;
	return NULL;
}

/* A string member, or NULL; anything else than a string is an error. */
static int get_str(const struct jv *obj, const char *key, char **out, struct diag *d)
{
	const struct jv *v = jv_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (v->kind != JV_STRING) {
		diag_error(d, &v->loc, "'%s' must be a string, not %s", key,
			   jv_kind_name(v->kind));
		return -1;
	}
	{
		/*
		 * As findings show their text (quote.h): a pointer naming a key
		 * matches the finding's masked pointer, and a reason reaches
		 * every report format.
		 */
		struct strbuf sb = STRBUF_INIT;

		quote_add(&sb, v->u.str.ptr, strlen(v->u.str.ptr), 0);
		*out = strbuf_detach(&sb, NULL);
	}
	return 0;
}

static int check_keys(const struct jv *e, struct diag *d)
{
	size_t i, k;
	int bad = 0;

	for (i = 0; i < e->u.obj.n; i++) {
		for (k = 0; k < ARRAY_SIZE(entry_keys); k++)
			if (!strcmp(e->u.obj.v[i].key, entry_keys[k]))
				break;
		if (k == ARRAY_SIZE(entry_keys)) {
			diag_error(d, &e->u.obj.v[i].loc, "unknown key '%s' in accept entry "
				   "(expected rule, tool, pointer, reason)", e->u.obj.v[i].key);
			bad = -1;
		}
	}
	return bad;
}

static void entry_release(struct accept_entry *x)
{
	free(x->rule);
	free(x->tool);
	free(x->pointer);
	free(x->reason);
}

static int check_entry(const struct accept_entry *x, const struct jv *e,
		       const struct rule *const *const *rules, struct diag *d)
{
	if (!x->rule) {
		diag_error(d, &e->loc, "accept entry needs a 'rule'");
		return -1;
	}
	if (!rule_known(rules, x->rule)) {
		const char *near = near_rule(rules, x->rule);

		diag_error(d, &jv_get(e, "rule")->loc, "unknown rule '%s'%s%s%s", quote_show(x->rule),
			   near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		return -1;
	}
	if (!x->reason || !x->reason[0]) {
		diag_error(d, &e->loc, "accept entry for '%s' needs a 'reason'", x->rule);
		return -1;
	}
	if (x->pointer && x->pointer[0] && x->pointer[0] != '/') {
		diag_error(d, &jv_get(e, "pointer")->loc,
			   "'pointer' must be a JSON pointer starting with '/'");
		return -1;
	}
	return 0;
}

static int same_opt(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int add_entry(struct accept_list *al, const struct jv *e,
		     const struct rule *const *const *rules, struct diag *d)
{
	struct accept_entry x = { NULL, NULL, NULL, NULL, e->loc, 0 };
	size_t i;

	if (e->kind != JV_OBJECT) {
		diag_error(d, &e->loc, "accept entry must be a mapping, not %s",
			   jv_kind_name(e->kind));
		return -1;
	}
	if (check_keys(e, d) | get_str(e, "rule", &x.rule, d) |
	    get_str(e, "tool", &x.tool, d) | get_str(e, "pointer", &x.pointer, d) |
	    get_str(e, "reason", &x.reason, d) || check_entry(&x, e, rules, d)) {
		entry_release(&x);
		return -1;
	}
	for (i = 0; i < al->n; i++)
		if (!strcmp(al->v[i].rule, x.rule) && same_opt(al->v[i].tool, x.tool) &&
		    same_opt(al->v[i].pointer, x.pointer)) {
			diag_error(d, &e->loc, "duplicate accept entry (first at line %u)",
				   al->v[i].loc.line);
			entry_release(&x);
			return -1;
		}
	ALLOC_GROW(al->v, al->n, al->alloc);
	al->v[al->n++] = x;
	return 0;
}

/* The entries: the document's 'accept' list, or a bare list. */
static const struct jv *entry_list(const struct jv *doc, struct diag *d)
{
	const struct jv *list = doc;
	size_t i;

	if (doc->kind == JV_OBJECT) {
		for (i = 0; i < doc->u.obj.n; i++)
			if (strcmp(doc->u.obj.v[i].key, "accept"))
				diag_error(d, &doc->u.obj.v[i].loc,
					   "unknown key '%s' (expected 'accept')", doc->u.obj.v[i].key);
		list = jv_get(doc, "accept");
		if (!list || list->kind == JV_NULL)
			return NULL;
	}
	if (list->kind != JV_ARRAY) {
		diag_error(d, &list->loc, "'accept' must be a list of entries, not %s",
			   jv_kind_name(list->kind));
		return NULL;
	}
	return list;
}

int accept_load(struct accept_list *al, const char *root, const char *path, const char *display,
		int required, const struct rule *const *const *rules, struct diag *d)
{
	unsigned errors = d->errors;
	const struct jv *list;
	struct jv *doc;
	char *joined = root ? path_join(root, path) : xstrdup(path);
	int exists = path_exists(joined);
	size_t i;

	free(joined);
	memset(al, 0, sizeof(*al));
	if (!required && !exists)
		return 0;
	if (!(doc = doc_load(root, path, display, FS_ACCEPT, d)))
		return -1;
	if (doc->kind != JV_NULL && (list = entry_list(doc, d)))
		for (i = 0; i < list->u.arr.n; i++)
			add_entry(al, list->u.arr.v[i], rules, d);
	jv_free(doc);
	if (d->errors == errors)
		return 0;
	accept_release(al);
	return -1;
}

static int entry_matches(const struct accept_entry *x, const struct finding *f)
{
	return !strcmp(x->rule, f->rule->id) &&
	       (!x->tool || (f->tool && !strcmp(x->tool, f->tool))) &&
	       (!x->pointer || (f->pointer && !strcmp(x->pointer, f->pointer)));
}

void accept_apply(struct accept_list *al, struct findings *f,
		  const struct rule *const *const *scope)
{
	size_t i, j, n = f->n;

	for (i = 0; i < n; i++) {
		struct finding *x = &f->v[i];

		for (j = 0; j < al->n; j++) {
			if (!entry_matches(&al->v[j], x))
				continue;
			al->v[j].used = 1;
			if (!x->accepted) {
				x->accepted = 1;
				x->accept_reason = xstrdup(al->v[j].reason);
			}
		}
	}
	for (j = 0; j < al->n; j++)
		if (!al->v[j].used && rule_known(scope, al->v[j].rule))
			findings_add(f, &accept_stale_rule, &al->v[j].loc, al->v[j].tool,
				     al->v[j].pointer, NULL, NULL,
				     "accept entry for '%s' matches no finding; remove it",
				     al->v[j].rule);
}

void accept_release(struct accept_list *al)
{
	size_t i;

	for (i = 0; i < al->n; i++)
		entry_release(&al->v[i]);
	free(al->v);
	memset(al, 0, sizeof(*al));
}
