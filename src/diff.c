/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff.c: compiled manifests vs committed ones -> findings.
 *
 * The point of view is a caller of the tool (a model, an agent, a stored
 * prompt) that sends arguments shaped by the old manifest: a change that
 * can make such a call fail is "breaking"; one that only accepts more is a
 * "change".  docs/diff.md states every rule; the comments here say why.
 *
 * This file: the rules, how a finding is emitted, the tool-level
 * comparison and tools on one side only.  diff_schema.c compares two
 * parameter schemas; diff_dir.c walks a committed output directory.
 */
#include "toolsync/diff.h"
#include "toolsync/digest.h"
#include "diff_walk.h"

RULE_SHARED(r_tool_added, "tool-added", CAT_CHANGE, SEV_NOTE, NULL,
  "a tool was added to the catalogue",
  "A new registry row compiled into a new tool. Check its min_role and "
  "standards: every role at or above min_role can call it.")
RULE_SHARED(r_tool_removed, "tool-removed", CAT_BREAKING, SEV_ERROR, NULL,
  "a tool was removed from the catalogue",
  "Callers that still use this tool will fail. Remove it only after no "
  "prompt, agent or workflow references it, then accept the finding.")
RULE_SHARED(r_tool_renamed, "tool-renamed", CAT_BREAKING, SEV_ERROR, NULL,
  "a tool was renamed (same template and parameters, new key)",
  "The function name changes with the key, so callers using the old name "
  "fail. Keep the old key until callers have moved, or accept the finding.")
RULE_SHARED(r_role_lowered, "role-lowered", CAT_SECURITY, SEV_ERROR, "7.5",
  "min_role was lowered: fewer privileges are needed to call the tool",
  "More users can now call this tool. Confirm with the tool's owner that "
  "the lower role may use it, then accept the finding with the approval "
  "reference as its reason.")
RULE_SHARED(r_role_raised, "role-raised", CAT_BREAKING, SEV_WARNING, NULL,
  "min_role was raised: users below the new role lose the tool",
  "Users holding a role between the old and the new min_role can no longer "
  "call this tool. Tell them, or accept the finding.")
RULE_SHARED(r_standard_removed, "standard-removed", CAT_COMPLIANCE, SEV_WARNING, NULL,
  "a compliance standard was removed from the tool",
  "The tool no longer claims this standard; audits that rely on the claim "
  "need updating. Confirm with compliance.")
RULE_SHARED(r_standard_added, "standard-added", CAT_COMPLIANCE, SEV_NOTE, NULL,
  "a compliance standard was added to the tool",
  "The tool now claims this standard. Make sure the claim is backed by a "
  "control.")
RULE_SHARED(r_param_removed, "param-removed", CAT_BREAKING, SEV_ERROR, NULL,
  "a parameter was removed",
  "Strict schemas refuse unknown properties, so callers that still send "
  "this parameter fail. Keep it (ignored, nullable) for a release, or "
  "accept the finding.")
RULE_SHARED(r_param_added, "param-added", CAT_CHANGE, SEV_NOTE, NULL,
  "an optional parameter was added",
  "Old calls stay valid: the new parameter is optional (not required, or "
  "its type allows null).")
RULE_SHARED(r_param_required, "param-became-required", CAT_BREAKING, SEV_ERROR, NULL,
  "a parameter callers must send was added, or an optional one became required",
  "Calls that omit it (or send null) fail. Make it nullable (a union with "
  "null) to keep it optional, or accept the finding.")
RULE_SHARED(r_param_type, "param-type-changed", CAT_BREAKING, SEV_ERROR, NULL,
  "a parameter's type changed so that old values may be refused",
  "Values of the old type are refused. Widen the type (a union of old and "
  "new) or accept the finding.")
RULE_SHARED(r_enum_removed, "enum-value-removed", CAT_BREAKING, SEV_ERROR, NULL,
  "an enum value was removed",
  "Calls that send the removed value fail. Keep the value, or accept the "
  "finding.")
RULE_SHARED(r_enum_added, "enum-value-added", CAT_CHANGE, SEV_NOTE, NULL,
  "an enum value was added",
  "Old calls stay valid. Make sure the tool's implementation handles the "
  "new value.")
RULE_SHARED(r_tightened, "constraint-tightened", CAT_BREAKING, SEV_ERROR, NULL,
  "a constraint now accepts fewer values",
  "A bound, length, pattern, format or other constraint accepts less than "
  "before, so some old calls fail. Loosen it again or accept the finding.")
RULE_SHARED(r_loosened, "constraint-loosened", CAT_CHANGE, SEV_NOTE, NULL,
  "a constraint now accepts more values",
  "Old calls stay valid. Make sure the implementation handles the newly "
  "accepted values.")
RULE_SHARED(r_strict_disabled, "strict-disabled", CAT_SECURITY, SEV_WARNING, "5.0",
  "strict mode was turned off",
  "Without strict: true the model's arguments are no longer guaranteed to "
  "match the schema, so the tool must validate every argument itself. "
  "Turn strict back on, or accept the finding.")
RULE_SHARED(r_strict_enabled, "strict-enabled", CAT_CHANGE, SEV_NOTE, NULL,
  "strict mode was turned on",
  "Arguments now always match the schema (OpenAI Structured Outputs).")
RULE_SHARED(r_description, "description-changed", CAT_CHANGE, SEV_NOTE, NULL,
  "a description of the tool or of a parameter changed",
  "Descriptions steer the model: review the wording, since it changes how "
  "and when the tool is called.")
RULE_SHARED(r_schema_changed, "schema-changed", CAT_CHANGE, SEV_NOTE, NULL,
  "another schema keyword changed (title, default, ...)",
  "A keyword with no rule of its own changed. Review it.")
RULE_SHARED(r_role_access_added, "role-access-added", CAT_SECURITY, SEV_ERROR, "7.5",
  "a role now gets a tool through its bundles, with the tool's min_role unchanged",
  "The order of 'roles' in toolsync.yaml changed, or a role was added: a "
  "role's bundles hold every tool whose min_role ranks at or below it, so "
  "this role can now call the tool. Confirm that it may, then accept the "
  "finding with the approval reference as its reason.")
RULE_SHARED(r_role_access_removed, "role-access-removed", CAT_BREAKING, SEV_WARNING, NULL,
  "a role no longer gets a tool through its bundles, with the tool's min_role unchanged",
  "The order of 'roles' in toolsync.yaml changed, or a role was removed: "
  "users of this role lose the tool. Tell them, or accept the finding.")
RULE_SHARED(r_target_removed, "target-removed", CAT_BREAKING, SEV_ERROR, NULL,
  "a tool left the role bundles of a target (a model API)",
  "The template's 'targets' (or toolsync.yaml's) no longer names this "
  "target, so callers that pass that target's bundles to its API lose the "
  "tool. Keep the target, or accept the finding.")
RULE_SHARED(r_target_added, "target-added", CAT_CHANGE, SEV_NOTE, NULL,
  "a tool joined the role bundles of a target (a model API)",
  "Callers of that target's API now get the tool in their bundles.")
RULE_SHARED(r_manifest_stale, "manifest-stale", CAT_CHANGE, SEV_ERROR, NULL,
  "a committed file differs from what build produces, with no semantic change",
  "The committed manifests were not rebuilt (or were edited by hand). Run "
  "'toolsync build' and commit the result.")

const struct rule *const diff_rules[] = {
	&r_tool_added, &r_tool_removed, &r_tool_renamed, &r_role_lowered,
	&r_role_raised, &r_standard_removed, &r_standard_added, &r_param_removed,
	&r_param_added, &r_param_required, &r_param_type, &r_enum_removed,
	&r_enum_added, &r_tightened, &r_loosened, &r_strict_disabled,
	&r_strict_enabled, &r_description, &r_schema_changed, &r_role_access_added,
	&r_role_access_removed, &r_target_removed, &r_target_added, &r_manifest_stale,
	NULL,
};

const struct rule *diff_rule(const char *id)
{
	size_t i;

	for (i = 0; diff_rules[i]; i++)
		if (!strcmp(diff_rules[i]->id, id))
			return diff_rules[i];
	return NULL;
}

/* ---- emitting findings ---------------------------------------------- */


char *diff_compact(const struct jv *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return NULL;
	json_write(&sb, v, JSON_COMPACT);
	return strbuf_detach(&sb, NULL);
}

const struct srcloc *diff_loc_of(const struct jv *v)
{
	return v ? &v->loc : NULL;
}

void diff_emit(struct walk *w, const struct rule *rule, const struct srcloc *loc,
		 const char *suffix, const struct jv *old, const struct jv *new,
		 const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, ptr = STRBUF_INIT;
	char *o = diff_compact(old), *n = diff_compact(new);
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	strbuf_addbuf(&ptr, &w->ptr);
	if (suffix)
		jv_pointer_add(&ptr, suffix);
	if (!loc || !loc->file)
		loc = &w->fallback;
	findings_add(w->out, rule, loc, w->tool, ptr.buf, o, n, "%s", msg.buf);
	strbuf_release(&msg);
	strbuf_release(&ptr);
	free(o);
	free(n);
}

const char *diff_label(const struct walk *w)
{
	return w->label.len ? w->label.buf : "parameters";
}


struct mark diff_descend(struct walk *w, const char *token, const char *name,
			   const char *label_suffix)
{
	struct mark m = { w->ptr.len, w->label.len };

	jv_pointer_add(&w->ptr, token);
	if (name) {
		if (w->label.len)
			strbuf_addch(&w->label, '.');
		strbuf_addstr(&w->label, name);
	}
	if (label_suffix)
		strbuf_addstr(&w->label, label_suffix);
	return m;
}

void diff_ascend(struct walk *w, struct mark m)
{
	strbuf_setlen(&w->ptr, m.ptr);
	strbuf_setlen(&w->label, m.label);
}

/* ---- tool level ------------------------------------------------------ */

const char *diff_str_of(const struct jv *v)
{
	return v && v->kind == JV_STRING ? v->u.str.ptr : NULL;
}

static void compare_role(struct walk *w, const struct jv *old, const struct jv *new,
			 const struct ts_config *cfg)
{
	const struct jv *ov = jv_get(old, "min_role"), *nv = jv_get(new, "min_role");
	const char *os = diff_str_of(ov), *ns = diff_str_of(nv);
	long orank, nrank;

	if (!os || !ns || !strcmp(os, ns))
		return;
	orank = config_role_rank(cfg, os);
	nrank = config_role_rank(cfg, ns);
	/* an unknown old role cannot be ranked: assume the worst */
	if (orank < 0 || nrank < orank)
		diff_emit(w, &r_role_lowered, &nv->loc, "min_role", ov, nv,
		     "min_role lowered from '%s' to '%s': more users can call the tool", os, ns);
	else
		diff_emit(w, &r_role_raised, &nv->loc, "min_role", ov, nv,
		     "min_role raised from '%s' to '%s'", os, ns);
}

static void standards_missing(struct walk *w, const struct jv *a, const struct jv *b,
			      const struct jv *new_std, int removed)
{
	size_t i;

	for (i = 0; a && a->kind == JV_ARRAY && i < a->u.arr.n; i++) {
		const struct jv *x = a->u.arr.v[i];
		struct strbuf tok = STRBUF_INIT;
		struct mark m;

		if (b && b->kind == JV_ARRAY && jv_array_index(b, x) >= 0)
			continue;
		m = diff_descend(w, "standards", NULL, NULL);
		strbuf_addf(&tok, "%zu", i);
		jv_pointer_add(&w->ptr, tok.buf);
		if (removed)
			diff_emit(w, &r_standard_removed, diff_loc_of(new_std), NULL, x, NULL,
			     "standard %s removed", diff_str_of(x) ? diff_str_of(x) : "?");
		else
			diff_emit(w, &r_standard_added, diff_loc_of(new_std), NULL, NULL, x,
			     "standard %s added", diff_str_of(x) ? diff_str_of(x) : "?");
		diff_ascend(w, m);
		strbuf_release(&tok);
	}
}

static void compare_strict(struct walk *w, const struct jv *ot, const struct jv *nt)
{
	const struct jv *os = jv_get(ot, "strict"), *ns = jv_get(nt, "strict");
	int o = os && os->kind == JV_BOOL && os->u.boolean;
	int n = ns && ns->kind == JV_BOOL && ns->u.boolean;

	if (o && !n)
		diff_emit(w, &r_strict_disabled, ns ? &ns->loc : diff_loc_of(nt), "strict", os, ns,
		     "strict mode disabled: arguments are no longer guaranteed to match the schema");
	else if (!o && n)
		diff_emit(w, &r_strict_enabled, &ns->loc, "strict", os, ns, "strict mode enabled");
}

static void compare_tool(struct walk *w, const struct jv *ot, const struct jv *nt)
{
	const struct jv *od = jv_get(ot, "description"), *nd = jv_get(nt, "description");
	const struct jv *op = jv_get(ot, "parameters"), *np = jv_get(nt, "parameters");
	struct mark m = diff_descend(w, "tool", NULL, NULL);

	if ((od || nd) && !(od && nd && jv_equal(od, nd)))
		diff_emit(w, &r_description, nd ? &nd->loc : diff_loc_of(nt), "description", od, nd,
		     "tool description changed");
	compare_strict(w, ot, nt);
	/* equal parameters (with their $defs) cannot differ anywhere below */
	if (op && np && !jv_equal(op, np)) {
		struct mark pm = diff_descend(w, "parameters", NULL, NULL);

		w->old_root = op;
		w->new_root = np;
		diff_compare_schema(w, op, np, 0);
		diff_ascend(w, pm);
	}
	diff_ascend(w, m);
}

void diff_tool(const struct jv *old, const struct jv *new,
	       const struct ts_config *cfg, const char *tool_key,
	       struct findings *out)
{
	struct walk w = { NULL, NULL, NULL, out, SRCLOC_NONE, STRBUF_INIT, STRBUF_INIT,
			  NULL, 0, 0 };
	const struct jv *ns = jv_get(new, "standards"), *fb = jv_get(new, "tool");

	if (!fb || !fb->loc.file)
		fb = jv_get(new, "key");
	if (fb)
		w.fallback = fb->loc;
	w.tool = tool_key ? tool_key : diff_str_of(jv_get(new, "key"));
	compare_role(&w, old, new, cfg);
	standards_missing(&w, jv_get(old, "standards"), ns, ns, 1);
	standards_missing(&w, ns, jv_get(old, "standards"), ns, 0);
	compare_tool(&w, jv_get(old, "tool"), jv_get(new, "tool"));
	strbuf_release(&w.ptr);
	strbuf_release(&w.label);
	free(w.stack);
}

/* ---- tools on one side only ----------------------------------------- */

static char *json_str(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	json_write_string(&sb, s, strlen(s));
	return strbuf_detach(&sb, NULL);
}

/*
 * A rename keeps the template and the parameters; only the key changes.
 * Candidates are found by a digest of template and RFC 8785 parameters
 * (member order ignored, as jv_equal does), so a mass rename of n tools
 * costs n log n, not n * n; equal digests are confirmed with jv_equal.
 */
struct rename_key {
	char digest[DIGEST_HEX_SIZE];
	size_t index;
};

static int rename_digest(const struct jv *m, char out[DIGEST_HEX_SIZE])
{
	const struct jv *t = jv_pointer_get(m, "/source/template");
	const struct jv *p = jv_pointer_get(m, "/tool/parameters");
	struct strbuf sb = STRBUF_INIT;

	if (!diff_str_of(t) || !p)
		return -1;
	strbuf_addstr(&sb, diff_str_of(t));
	strbuf_addch(&sb, '\0');
	json_write(&sb, p, JSON_CANONICAL);
	blake2b256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
	return 0;
}

static int cmp_rename_key(const void *pa, const void *pb)
{
	const struct rename_key *a = pa, *b = pb;
	int c = strcmp(a->digest, b->digest);

	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static int is_rename(const struct jv *old, const struct jv *new)
{
	return jv_equal(jv_pointer_get(old, "/source/template"),
			jv_pointer_get(new, "/source/template")) &&
	       jv_equal(jv_pointer_get(old, "/tool/parameters"),
			jv_pointer_get(new, "/tool/parameters"));
}

/*
 * The first unpaired added tool (in added order) that r was renamed to, or
 * -1.  skip[i] counts paired entries from keys[i] on, so that many tools
 * sharing one template and schema do not make the search quadratic.
 */
static long find_rename(const struct diff_side *r, const struct diff_side *added,
			const struct rename_key *keys, size_t n, const char *paired,
			size_t *skip)
{
	size_t first;

	struct rename_key k;
	size_t lo = 0, hi = n;

	if (rename_digest(r->manifest, k.digest))
		return -1;
	k.index = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_rename_key(&keys[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	for (lo += skip[first]; lo < n && !strcmp(keys[lo].digest, k.digest); lo++) {
		if (paired[keys[lo].index])
			continue;
		if (is_rename(r->manifest, added[keys[lo].index].manifest)) {
			if (lo == first + skip[first])
				skip[first]++;
			return (long)keys[lo].index;
		}
	}
	return -1;
}

static void report_rename(const struct diff_side *r, const struct diff_side *a,
			  const struct ts_config *cfg, struct findings *out)
{
	char *o = json_str(r->key), *n = json_str(a->key);

	findings_add(out, &r_tool_renamed, &a->loc, a->key, "/key", o, n,
		     "tool '%s' renamed to '%s': callers of the old name fail",
		     r->key, a->key);
	free(o);
	free(n);
	diff_tool(r->manifest, a->manifest, cfg, a->key, out);
}

void diff_unpaired(const struct diff_side *removed, size_t nremoved,
		   const struct diff_side *added, size_t nadded,
		   const struct ts_config *cfg, struct findings *out)
{
	char *paired = xcalloc(nadded + 1, 1);
	struct rename_key *keys = xcalloc(nadded + 1, sizeof(*keys));
	size_t *skip = xcalloc(nadded + 1, sizeof(*skip));
	size_t i, j, nkeys = 0;
	long hit;

	for (j = 0; nremoved && j < nadded; j++)
		if (!rename_digest(added[j].manifest, keys[nkeys].digest))
			keys[nkeys++].index = j;
	qsort(keys, nkeys, sizeof(*keys), cmp_rename_key);
	for (i = 0; i < nremoved; i++) {
		hit = find_rename(&removed[i], added, keys, nkeys, paired, skip);
		if (hit >= 0) {
			paired[hit] = 1;
			report_rename(&removed[i], &added[hit], cfg, out);
		} else {
			char *o = json_str(removed[i].key);

			findings_add(out, &r_tool_removed, &removed[i].loc, removed[i].key,
				     NULL, o, NULL, "tool '%s' removed", removed[i].key);
			free(o);
		}
	}
	for (j = 0; j < nadded; j++) {
		const char *role = diff_str_of(jv_get(added[j].manifest, "min_role"));
		char *n;

		if (paired[j])
			continue;
		n = json_str(added[j].key);
		findings_add(out, &r_tool_added, &added[j].loc, added[j].key, NULL, NULL, n,
			     "tool '%s' added (min_role '%s')", added[j].key, role ? role : "?");
		free(n);
	}
	free(skip);
	free(keys);
	free(paired);
}
