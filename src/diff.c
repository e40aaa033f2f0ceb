/*
 * diff.c: compiled manifests vs committed ones -> findings.
 *
 * The point of view is a caller of the tool (a model, an agent, a stored
 * prompt) that sends arguments shaped by the old manifest: a change that
 * can make such a call fail is "breaking"; one that only accepts more is a
 * "change".  docs/diff.md states every rule; the comments here say why.
 */
#include <errno.h>
#include <math.h>

#include "toolsync/diff.h"
#include "toolsync/digest.h"
#include "toolsync/fsutil.h"
#include "toolsync/yaml.h"

RULE(r_tool_added, "tool-added", CAT_CHANGE, SEV_NOTE, NULL,
  "a tool was added to the catalogue",
  "A new registry row compiled into a new tool. Check its min_role and "
  "standards: every role at or above min_role can call it.")
RULE(r_tool_removed, "tool-removed", CAT_BREAKING, SEV_ERROR, NULL,
  "a tool was removed from the catalogue",
  "Callers that still use this tool will fail. Remove it only after no "
  "prompt, agent or workflow references it, then accept the finding.")
RULE(r_tool_renamed, "tool-renamed", CAT_BREAKING, SEV_ERROR, NULL,
  "a tool was renamed (same template and parameters, new key)",
  "The function name changes with the key, so callers using the old name "
  "fail. Keep the old key until callers have moved, or accept the finding.")
RULE(r_role_lowered, "role-lowered", CAT_SECURITY, SEV_ERROR, "7.5",
  "min_role was lowered: fewer privileges are needed to call the tool",
  "More users can now call this tool. Confirm with the tool's owner that "
  "the lower role may use it, then accept the finding with the approval "
  "reference as its reason.")
RULE(r_role_raised, "role-raised", CAT_BREAKING, SEV_WARNING, NULL,
  "min_role was raised: users below the new role lose the tool",
  "Users holding a role between the old and the new min_role can no longer "
  "call this tool. Tell them, or accept the finding.")
RULE(r_standard_removed, "standard-removed", CAT_COMPLIANCE, SEV_WARNING, NULL,
  "a compliance standard was removed from the tool",
  "The tool no longer claims this standard; audits that rely on the claim "
  "need updating. Confirm with compliance.")
RULE(r_standard_added, "standard-added", CAT_COMPLIANCE, SEV_NOTE, NULL,
  "a compliance standard was added to the tool",
  "The tool now claims this standard. Make sure the claim is backed by a "
  "control.")
RULE(r_param_removed, "param-removed", CAT_BREAKING, SEV_ERROR, NULL,
  "a parameter was removed",
  "Strict schemas refuse unknown properties, so callers that still send "
  "this parameter fail. Keep it (ignored, nullable) for a release, or "
  "accept the finding.")
RULE(r_param_added, "param-added", CAT_CHANGE, SEV_NOTE, NULL,
  "an optional parameter was added",
  "Old calls stay valid: the new parameter is optional (not required, or "
  "its type allows null).")
RULE(r_param_required, "param-became-required", CAT_BREAKING, SEV_ERROR, NULL,
  "a parameter callers must send was added, or an optional one became required",
  "Calls that omit it (or send null) fail. Make it nullable (a union with "
  "null) to keep it optional, or accept the finding.")
RULE(r_param_type, "param-type-changed", CAT_BREAKING, SEV_ERROR, NULL,
  "a parameter's type changed so that old values may be refused",
  "Values of the old type are refused. Widen the type (a union of old and "
  "new) or accept the finding.")
RULE(r_enum_removed, "enum-value-removed", CAT_BREAKING, SEV_ERROR, NULL,
  "an enum value was removed",
  "Calls that send the removed value fail. Keep the value, or accept the "
  "finding.")
RULE(r_enum_added, "enum-value-added", CAT_CHANGE, SEV_NOTE, NULL,
  "an enum value was added",
  "Old calls stay valid. Make sure the tool's implementation handles the "
  "new value.")
RULE(r_tightened, "constraint-tightened", CAT_BREAKING, SEV_ERROR, NULL,
  "a constraint now accepts fewer values",
  "A bound, length, pattern, format or other constraint accepts less than "
  "before, so some old calls fail. Loosen it again or accept the finding.")
RULE(r_loosened, "constraint-loosened", CAT_CHANGE, SEV_NOTE, NULL,
  "a constraint now accepts more values",
  "Old calls stay valid. Make sure the implementation handles the newly "
  "accepted values.")
RULE(r_strict_disabled, "strict-disabled", CAT_SECURITY, SEV_WARNING, "5.0",
  "strict mode was turned off",
  "Without strict: true the model's arguments are no longer guaranteed to "
  "match the schema, so the tool must validate every argument itself. "
  "Turn strict back on, or accept the finding.")
RULE(r_strict_enabled, "strict-enabled", CAT_CHANGE, SEV_NOTE, NULL,
  "strict mode was turned on",
  "Arguments now always match the schema (OpenAI Structured Outputs).")
RULE(r_description, "description-changed", CAT_CHANGE, SEV_NOTE, NULL,
  "a description of the tool or of a parameter changed",
  "Descriptions steer the model: review the wording, since it changes how "
  "and when the tool is called.")
RULE(r_schema_changed, "schema-changed", CAT_CHANGE, SEV_NOTE, NULL,
  "another schema keyword changed (title, default, ...)",
  "A keyword with no rule of its own changed. Review it.")
RULE(r_manifest_stale, "manifest-stale", CAT_CHANGE, SEV_ERROR, NULL,
  "a committed file differs from what build produces, with no semantic change",
  "The committed manifests were not rebuilt (or were edited by hand). Run "
  "'toolsync build' and commit the result.")

const struct rule *const diff_rules[] = {
	&r_tool_added, &r_tool_removed, &r_tool_renamed, &r_role_lowered,
	&r_role_raised, &r_standard_removed, &r_standard_added, &r_param_removed,
	&r_param_added, &r_param_required, &r_param_type, &r_enum_removed,
	&r_enum_added, &r_tightened, &r_loosened, &r_strict_disabled,
	&r_strict_enabled, &r_description, &r_schema_changed, &r_manifest_stale,
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

struct walk {
	const char *tool;
	const struct jv *old_root, *new_root;  /* "#" of $ref on each side */
	struct findings *out;
	struct srcloc fallback;  /* for nodes the compiler made without a location */
	struct strbuf ptr;    /* JSON pointer of the node being compared */
	struct strbuf label;  /* its parameter name for messages: "period.start" */
	/* $ref pairs being compared, to stop on recursive schemas */
	const struct jv **stack;
	size_t depth, alloc;
};

static char *compact(const struct jv *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return NULL;
	json_write(&sb, v, JSON_COMPACT);
	return strbuf_detach(&sb, NULL);
}

static const struct srcloc *loc_of(const struct jv *v)
{
	return v ? &v->loc : NULL;
}

TS_PRINTF(7, 8)
static void emit(struct walk *w, const struct rule *rule, const struct srcloc *loc,
		 const char *suffix, const struct jv *old, const struct jv *new,
		 const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, ptr = STRBUF_INIT;
	char *o = compact(old), *n = compact(new);
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

static const char *label(const struct walk *w)
{
	return w->label.len ? w->label.buf : "parameters";
}

/* Descend: push a pointer token and a label part; pop restores both. */
struct mark {
	size_t ptr, label;
};

static struct mark descend(struct walk *w, const char *token, const char *name,
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

static void ascend(struct walk *w, struct mark m)
{
	strbuf_setlen(&w->ptr, m.ptr);
	strbuf_setlen(&w->label, m.label);
}

/* ---- schema views --------------------------------------------------- */

/*
 * A schema as the caller sees it.  Local $refs are resolved (so a change
 * inside a $defs entry is reported at every parameter that uses it), and a
 * nullable union {anyOf: [S, {type: null}]} is seen as S plus "nullable":
 * that is how strict schemas spell an optional parameter.
 */
struct view {
	const struct jv *outer;  /* the node as written */
	const struct jv *core;   /* after $ref and the null branch */
	int nullable;
};

#define REF_HOPS 16

static const struct jv *resolve(const struct jv *root, const struct jv *node)
{
	int hops;

	for (hops = 0; hops < REF_HOPS && node && node->kind == JV_OBJECT; hops++) {
		const struct jv *ref = jv_get(node, "$ref"), *t;

		if (!ref || ref->kind != JV_STRING || ref->u.str.ptr[0] != '#')
			break;
		t = jv_pointer_get(root, ref->u.str.ptr + 1);
		if (!t)
			break;
		node = t;
	}
	return node;
}

static int type_has(const struct jv *type, const char *name)
{
	size_t i;

	if (!type)
		return 0;
	if (type->kind == JV_STRING)
		return !strcmp(type->u.str.ptr, name);
	if (type->kind != JV_ARRAY)
		return 0;
	for (i = 0; i < type->u.arr.n; i++)
		if (type->u.arr.v[i]->kind == JV_STRING &&
		    !strcmp(type->u.arr.v[i]->u.str.ptr, name))
			return 1;
	return 0;
}

static int is_null_schema(const struct jv *root, const struct jv *s)
{
	const struct jv *t = jv_get(resolve(root, s), "type");

	if (!t)
		return 0;
	if (t->kind == JV_STRING)
		return !strcmp(t->u.str.ptr, "null");
	return t->kind == JV_ARRAY && t->u.arr.n == 1 && type_has(t, "null");
}

static const struct jv *any_of(const struct jv *core)
{
	const struct jv *a = jv_get(core, "anyOf");

	return a && a->kind == JV_ARRAY ? a : NULL;
}

static void make_view(struct view *v, const struct jv *root, const struct jv *node)
{
	const struct jv *a, *only = NULL;
	size_t i, others = 0;

	v->outer = node;
	v->core = resolve(root, node);
	v->nullable = 0;
	if ((a = any_of(v->core))) {
		for (i = 0; i < a->u.arr.n; i++) {
			if (is_null_schema(root, a->u.arr.v[i]))
				v->nullable = 1;
			else
				others++, only = a->u.arr.v[i];
		}
		if (v->nullable && others == 1)
			v->core = resolve(root, only);
	}
	if (type_has(jv_get(v->core, "type"), "null"))
		v->nullable = 1;
}

/* A keyword as written beside $ref / anyOf wins over the resolved one. */
static const struct jv *kw(const struct view *v, const char *name)
{
	const struct jv *x = jv_get(v->core, name);

	if (v->outer != v->core && jv_get(v->outer, name))
		x = jv_get(v->outer, name);
	return x;
}

/* Where to point for this side: the core as written in the template. */
static const struct srcloc *vloc(const struct view *v)
{
	return v->outer ? &v->outer->loc : NULL;
}

static void compare_schema(struct walk *w, const struct jv *old, const struct jv *new,
			   int property);

/* ---- types ---------------------------------------------------------- */

/* 1 if every non-null type of a is accepted by b (integer is a number). */
static int types_within(const struct jv *a, const struct jv *b)
{
	size_t i, n = a->kind == JV_ARRAY ? a->u.arr.n : 1;

	for (i = 0; i < n; i++) {
		const struct jv *t = a->kind == JV_ARRAY ? a->u.arr.v[i] : a;
		const char *s = t->kind == JV_STRING ? t->u.str.ptr : "";

		if (!strcmp(s, "null"))
			continue;
		if (!type_has(b, s) && !(!strcmp(s, "integer") && type_has(b, "number")))
			return 0;
	}
	return 1;
}

/* Returns 1 when the type changed incompatibly (the caller stops there). */
static int compare_type(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *ot = jv_get(o->core, "type"), *nt = jv_get(n->core, "type");

	if (!ot && !nt)
		return 0;
	if (ot && nt && types_within(ot, nt) && types_within(nt, ot))
		return 0;
	/* no type accepts anything: losing it widens, gaining it narrows */
	if (!nt || (ot && types_within(ot, nt))) {
		emit(w, &r_loosened, vloc(n), "type", ot, nt,
		     "type of '%s' widened", label(w));
		return 0;
	}
	emit(w, &r_param_type, nt ? &nt->loc : vloc(n), "type", ot, nt,
	     "type of '%s' changed", label(w));
	return 1;
}

/* Not for properties: there, null is "optional" (compare_optional). */
static void compare_nullable(struct walk *w, const struct view *o, const struct view *n)
{
	if (o->nullable && !n->nullable)
		emit(w, &r_tightened, vloc(n), NULL, NULL, NULL,
		     "'%s' no longer accepts null", label(w));
	else if (!o->nullable && n->nullable)
		emit(w, &r_loosened, vloc(n), NULL, NULL, NULL,
		     "'%s' now accepts null", label(w));
}

/* ---- enum ----------------------------------------------------------- */

/* enum, or const as a one-value enum; *name is the keyword used. */
static const struct jv *enum_of(const struct view *v, const char **name, struct jv **tmp)
{
	const struct jv *e = kw(v, "enum"), *c;

	*tmp = NULL;
	if (e && e->kind == JV_ARRAY) {
		*name = "enum";
		return e;
	}
	if (!(c = kw(v, "const")))
		return NULL;
	*name = "const";
	*tmp = jv_array();
	jv_append(*tmp, jv_copy(c));
	return *tmp;
}

static long enum_index(const struct jv *e, const struct jv *x)
{
	size_t i;

	for (i = 0; i < e->u.arr.n; i++)
		if (jv_equal(e->u.arr.v[i], x))
			return (long)i;
	return -1;
}

/* Values in a but not b: one finding each (null is nullability, not a value). */
static void enum_missing(struct walk *w, const struct jv *a, const struct jv *b,
			 const char *kwname, int removed)
{
	size_t i;

	for (i = 0; i < a->u.arr.n; i++) {
		const struct jv *x = a->u.arr.v[i];
		struct strbuf tok = STRBUF_INIT;
		struct mark m;

		if (x->kind == JV_NULL || enum_index(b, x) >= 0)
			continue;
		m = descend(w, kwname, NULL, NULL);
		if (!strcmp(kwname, "enum")) {
			strbuf_addf(&tok, "%zu", i);
			jv_pointer_add(&w->ptr, tok.buf);
		}
		if (removed)
			emit(w, &r_enum_removed, &b->loc, NULL, x, NULL,
			     "value removed from '%s'", label(w));
		else
			emit(w, &r_enum_added, &x->loc, NULL, NULL, x,
			     "value added to '%s'", label(w));
		ascend(w, m);
		strbuf_release(&tok);
	}
}

static void compare_enum(struct walk *w, const struct view *o, const struct view *n)
{
	const char *on = NULL, *nn = NULL;
	struct jv *ot_, *nt_;
	const struct jv *oe = enum_of(o, &on, &ot_), *ne = enum_of(n, &nn, &nt_);

	if (oe && ne) {
		enum_missing(w, oe, ne, nn, 1);
		enum_missing(w, ne, oe, nn, 0);
	} else if (ne) {
		emit(w, &r_tightened, &ne->loc, nn, NULL, kw(n, nn),
		     "'%s' is now limited to listed values", label(w));
	} else if (oe) {
		emit(w, &r_loosened, vloc(n), on, kw(o, on), NULL,
		     "'%s' is no longer limited to listed values", label(w));
	}
	jv_free(ot_);
	jv_free(nt_);
}

/* ---- constraints ---------------------------------------------------- */

enum bound { B_LOWER, B_UPPER, B_MULTIPLE, B_OPAQUE, B_FLAG };

/* Keywords that limit values; how a change in each is read. */
static const struct {
	const char *kw;
	enum bound kind;
} constraints[] = {
	{ "minimum", B_LOWER },        { "exclusiveMinimum", B_LOWER },
	{ "maximum", B_UPPER },        { "exclusiveMaximum", B_UPPER },
	{ "minLength", B_LOWER },      { "maxLength", B_UPPER },
	{ "minItems", B_LOWER },       { "maxItems", B_UPPER },
	{ "minProperties", B_LOWER },  { "maxProperties", B_UPPER },
	{ "multipleOf", B_MULTIPLE },  { "pattern", B_OPAQUE },
	{ "format", B_OPAQUE },        { "uniqueItems", B_FLAG },
};

/* Steps like 0.01 are not exact in binary: 0.05 / 0.01 is 5.000000000000001. */
static int is_whole(double r)
{
	return r >= 1 && fabs(r - nearbyint(r)) < 1e-9 * r;
}

/*
 * 1 tightened, 0 loosened.  A changed pattern or format cannot be
 * compared, so it counts as tightened: a reviewer must look at it.
 */
static int is_tighter(enum bound kind, const struct jv *o, const struct jv *n)
{
	double a, b;

	if (!o || !n)
		return kind == B_FLAG ? (n && n->kind == JV_BOOL && n->u.boolean) : !o;
	if (kind == B_FLAG)
		return n->kind == JV_BOOL && n->u.boolean;
	if (o->kind != JV_NUMBER || n->kind != JV_NUMBER || kind == B_OPAQUE)
		return 1;
	a = o->u.number, b = n->u.number;
	if (kind == B_LOWER)
		return b > a;
	if (kind == B_UPPER)
		return b < a;
	/* multipleOf: only a divisor of the old step accepts a superset */
	return !(a != 0 && b != 0 && is_whole(a / b));
}

static void compare_constraints(struct walk *w, const struct view *o, const struct view *n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(constraints); i++) {
		const char *k = constraints[i].kw;
		const struct jv *ov = kw(o, k), *nv = kw(n, k);

		if ((!ov && !nv) || (ov && nv && jv_equal(ov, nv)))
			continue;
		if (is_tighter(constraints[i].kind, ov, nv))
			emit(w, &r_tightened, nv ? &nv->loc : vloc(n), k, ov, nv,
			     "'%s' of '%s' tightened", k, label(w));
		else
			emit(w, &r_loosened, nv ? &nv->loc : vloc(n), k, ov, nv,
			     "'%s' of '%s' loosened", k, label(w));
	}
}

/* additionalProperties: absent or true accepts anything; false nothing. */
static void compare_additional(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *ov = kw(o, "additionalProperties"), *nv = kw(n, "additionalProperties");
	int oa = !ov || (ov->kind == JV_BOOL && ov->u.boolean);
	int na = !nv || (nv->kind == JV_BOOL && nv->u.boolean);
	int oschema = ov && ov->kind == JV_OBJECT, nschema = nv && nv->kind == JV_OBJECT;
	struct mark m;

	if (oschema && nschema) {
		m = descend(w, "additionalProperties", NULL, ".*");
		compare_schema(w, ov, nv, 0);
		ascend(w, m);
		return;
	}
	if (oa == na && oschema == nschema)
		return;
	if (oa || (oschema && !na))
		emit(w, &r_tightened, nv ? &nv->loc : vloc(n), "additionalProperties",
		     ov, nv, "'%s' accepts fewer extra properties", label(w));
	else
		emit(w, &r_loosened, nv ? &nv->loc : vloc(n), "additionalProperties",
		     ov, nv, "'%s' accepts more extra properties", label(w));
}

/* ---- properties ----------------------------------------------------- */

static int in_required(const struct view *v, const char *name)
{
	const struct jv *req = kw(v, "required");
	size_t i;

	if (!req || req->kind != JV_ARRAY)
		return 0;
	for (i = 0; i < req->u.arr.n; i++)
		if (req->u.arr.v[i]->kind == JV_STRING &&
		    !strcmp(req->u.arr.v[i]->u.str.ptr, name))
			return 1;
	return 0;
}

/*
 * Optional: callers may leave it out, or (strict schemas, where every
 * property is required) send null.
 */
static int is_optional(const struct jv *root, const struct view *parent,
		       const char *name, const struct jv *schema)
{
	struct view v;

	make_view(&v, root, schema);
	return !in_required(parent, name) || v.nullable;
}

static void property_added(struct walk *w, const struct view *n, const char *name,
			   const struct jv *schema)
{
	if (is_optional(w->new_root, n, name, schema))
		emit(w, &r_param_added, &schema->loc, NULL, NULL, schema,
		     "optional parameter '%s' added", label(w));
	else
		emit(w, &r_param_required, &schema->loc, NULL, NULL, schema,
		     "required parameter '%s' added", label(w));
}

static void property_both(struct walk *w, const struct view *o, const struct view *n,
			  const char *name, const struct jv *os, const struct jv *ns)
{
	int oopt = is_optional(w->old_root, o, name, os);
	int nopt = is_optional(w->new_root, n, name, ns);

	if (oopt && !nopt)
		emit(w, &r_param_required, &ns->loc, NULL, NULL, NULL,
		     "parameter '%s' is now required", label(w));
	else if (!oopt && nopt)
		emit(w, &r_loosened, &ns->loc, NULL, NULL, NULL,
		     "parameter '%s' is now optional", label(w));
	compare_schema(w, os, ns, 1);
}

static struct mark descend_prop(struct walk *w, const char *name)
{
	struct mark m = descend(w, "properties", name, NULL);

	jv_pointer_add(&w->ptr, name);
	return m;
}

static void compare_properties(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *op = kw(o, "properties"), *np = kw(n, "properties");
	const struct jv *nparent = np ? np : n->outer;
	size_t i;

	if (op && op->kind == JV_OBJECT)
		for (i = 0; i < op->u.obj.n; i++) {
			const struct jv_member *mb = &op->u.obj.v[i];
			struct mark m;

			if (jv_get(np, mb->key))
				continue;
			m = descend_prop(w, mb->key);
			emit(w, &r_param_removed, loc_of(nparent), NULL, mb->val, NULL,
			     "parameter '%s' removed", label(w));
			ascend(w, m);
		}
	if (!np || np->kind != JV_OBJECT)
		return;
	for (i = 0; i < np->u.obj.n; i++) {
		const struct jv_member *mb = &np->u.obj.v[i];
		const struct jv *os = jv_get(op, mb->key);
		struct mark m = descend_prop(w, mb->key);

		if (os)
			property_both(w, o, n, mb->key, os, mb->val);
		else
			property_added(w, n, mb->key, mb->val);
		ascend(w, m);
	}
}

/* ---- items, anyOf, descriptions, other keywords --------------------- */

static void compare_items(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *oi = kw(o, "items"), *ni = kw(n, "items");
	struct mark m;

	if (oi && ni) {
		m = descend(w, "items", NULL, "[]");
		compare_schema(w, oi, ni, 0);
		ascend(w, m);
	} else if (ni) {
		emit(w, &r_tightened, &ni->loc, "items", NULL, ni,
		     "items of '%s' are now constrained", label(w));
	} else if (oi) {
		emit(w, &r_loosened, vloc(n), "items", oi, NULL,
		     "items of '%s' are no longer constrained", label(w));
	}
}

/* Non-null branches of a union that stays a union after make_view. */
static size_t branches(const struct jv *root, const struct view *v, const struct jv **out,
		       size_t *index, size_t max)
{
	const struct jv *a = any_of(v->core);
	size_t i, n = 0;

	for (i = 0; a && i < a->u.arr.n && n < max; i++)
		if (!is_null_schema(root, a->u.arr.v[i])) {
			index[n] = i;
			out[n++] = a->u.arr.v[i];
		}
	return n;
}

#define MAX_BRANCHES 64

/*
 * Union branches are matched by equal value first; what is left is paired
 * in order when both sides have as many, else reported as removed (breaking)
 * or added (a looser union).
 */
static void compare_any_of(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *ob[MAX_BRANCHES], *nb[MAX_BRANCHES];
	size_t oi[MAX_BRANCHES], ni[MAX_BRANCHES], on, nn, i, j, left_o = 0, left_n = 0;
	char om[MAX_BRANCHES] = { 0 }, nm[MAX_BRANCHES] = { 0 };

	on = branches(w->old_root, o, ob, oi, MAX_BRANCHES);
	nn = branches(w->new_root, n, nb, ni, MAX_BRANCHES);
	for (i = 0; i < on; i++)
		for (j = 0; j < nn && !om[i]; j++)
			if (!nm[j] && jv_equal(resolve(w->old_root, ob[i]),
					       resolve(w->new_root, nb[j])))
				om[i] = nm[j] = 1;
	for (i = 0; i < on; i++)
		left_o += !om[i];
	for (j = 0; j < nn; j++)
		left_n += !nm[j];
	for (i = 0, j = 0; i < on || j < nn;) {
		struct strbuf tok = STRBUF_INIT;
		struct mark m = descend(w, "anyOf", NULL, NULL);

		while (i < on && om[i])
			i++;
		while (j < nn && nm[j])
			j++;
		if (left_o == left_n && i < on && j < nn) {
			strbuf_addf(&tok, "%zu", ni[j]);
			jv_pointer_add(&w->ptr, tok.buf);
			compare_schema(w, ob[i++], nb[j++], 0);
		} else if (i < on) {
			strbuf_addf(&tok, "%zu", oi[i]);
			jv_pointer_add(&w->ptr, tok.buf);
			emit(w, &r_param_type, vloc(n), NULL, ob[i++], NULL,
			     "'%s' no longer accepts this variant", label(w));
		} else if (j < nn) {
			strbuf_addf(&tok, "%zu", ni[j]);
			jv_pointer_add(&w->ptr, tok.buf);
			emit(w, &r_loosened, &nb[j]->loc, NULL, NULL, nb[j],
			     "'%s' accepts a new variant", label(w));
			j++;
		}
		ascend(w, m);
		strbuf_release(&tok);
	}
}

static void compare_description(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *od = kw(o, "description"), *nd = kw(n, "description");

	if ((!od && !nd) || (od && nd && jv_equal(od, nd)))
		return;
	emit(w, &r_description, nd ? &nd->loc : vloc(n), "description", od, nd,
	     "description of '%s' changed", label(w));
}

/* Keywords the functions above compare (or that $ref resolution covers). */
static int is_handled(const char *k)
{
	static const char *const handled[] = {
		"type", "enum", "const", "properties", "required", "items",
		"additionalProperties", "anyOf", "$ref", "$defs", "definitions",
		"description",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(handled); i++)
		if (!strcmp(handled[i], k))
			return 1;
	for (i = 0; i < ARRAY_SIZE(constraints); i++)
		if (!strcmp(constraints[i].kw, k))
			return 1;
	return 0;
}

static void other_keys(struct walk *w, const struct view *o, const struct view *n,
		       const struct jv *side, int old_side)
{
	size_t i;

	if (!side || side->kind != JV_OBJECT)
		return;
	for (i = 0; i < side->u.obj.n; i++) {
		const char *k = side->u.obj.v[i].key;
		const struct jv *ov = kw(o, k), *nv = kw(n, k);

		if (is_handled(k) || (old_side && nv) || (ov && nv && jv_equal(ov, nv)))
			continue;
		emit(w, &r_schema_changed, nv ? &nv->loc : vloc(n), k, ov, nv,
		     "'%s' of '%s' changed", k, label(w));
	}
}

/* ---- the walk -------------------------------------------------------- */

static int on_stack(struct walk *w, const struct jv *o, const struct jv *n)
{
	size_t i;

	for (i = 0; i + 1 < w->depth; i += 2)
		if (w->stack[i] == o && w->stack[i + 1] == n)
			return 1;
	return 0;
}

static void compare_views(struct walk *w, const struct view *o, const struct view *n,
			  int property)
{
	compare_description(w, o, n);
	if (!property)
		compare_nullable(w, o, n);
	if (o->core->kind != JV_OBJECT || n->core->kind != JV_OBJECT) {
		if (!jv_equal(o->core, n->core))
			emit(w, &r_param_type, vloc(n), NULL, o->core, n->core,
			     "schema of '%s' changed", label(w));
		return;
	}
	if (any_of(o->core) || any_of(n->core)) {
		if (any_of(o->core) && any_of(n->core))
			compare_any_of(w, o, n);
		else if (!jv_equal(o->core, n->core))
			emit(w, any_of(n->core) ? &r_loosened : &r_param_type, vloc(n),
			     NULL, o->core, n->core, "union of '%s' changed", label(w));
		return;
	}
	if (compare_type(w, o, n))
		return;
	compare_enum(w, o, n);
	compare_constraints(w, o, n);
	compare_additional(w, o, n);
	compare_properties(w, o, n);
	compare_items(w, o, n);
	other_keys(w, o, n, n->core, 0);
	other_keys(w, o, n, o->core, 1);
}

/*
 * property: old and new are the schemas of one property, whose null-ness
 * is "optional" and compared by the caller.
 */
static void compare_schema(struct walk *w, const struct jv *old, const struct jv *new,
			   int property)
{
	struct view o, n;

	make_view(&o, w->old_root, old);
	make_view(&n, w->new_root, new);
	if (on_stack(w, o.core, n.core))
		return;
	ALLOC_GROW(w->stack, w->depth + 1, w->alloc);
	w->stack[w->depth++] = o.core;
	w->stack[w->depth++] = n.core;
	compare_views(w, &o, &n, property);
	w->depth -= 2;
}

/* ---- tool level ------------------------------------------------------ */

static const char *str_of(const struct jv *v)
{
	return v && v->kind == JV_STRING ? v->u.str.ptr : NULL;
}

static void compare_role(struct walk *w, const struct jv *old, const struct jv *new,
			 const struct ts_config *cfg)
{
	const struct jv *ov = jv_get(old, "min_role"), *nv = jv_get(new, "min_role");
	const char *os = str_of(ov), *ns = str_of(nv);
	long orank, nrank;

	if (!os || !ns || !strcmp(os, ns))
		return;
	orank = config_role_rank(cfg, os);
	nrank = config_role_rank(cfg, ns);
	/* an unknown old role cannot be ranked: assume the worst */
	if (orank < 0 || nrank < orank)
		emit(w, &r_role_lowered, &nv->loc, "min_role", ov, nv,
		     "min_role lowered from '%s' to '%s': more users can call the tool", os, ns);
	else
		emit(w, &r_role_raised, &nv->loc, "min_role", ov, nv,
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

		if (b && b->kind == JV_ARRAY && enum_index(b, x) >= 0)
			continue;
		m = descend(w, "standards", NULL, NULL);
		strbuf_addf(&tok, "%zu", i);
		jv_pointer_add(&w->ptr, tok.buf);
		if (removed)
			emit(w, &r_standard_removed, loc_of(new_std), NULL, x, NULL,
			     "standard %s removed", str_of(x) ? str_of(x) : "?");
		else
			emit(w, &r_standard_added, loc_of(new_std), NULL, NULL, x,
			     "standard %s added", str_of(x) ? str_of(x) : "?");
		ascend(w, m);
		strbuf_release(&tok);
	}
}

static void compare_strict(struct walk *w, const struct jv *ot, const struct jv *nt)
{
	const struct jv *os = jv_get(ot, "strict"), *ns = jv_get(nt, "strict");
	int o = os && os->kind == JV_BOOL && os->u.boolean;
	int n = ns && ns->kind == JV_BOOL && ns->u.boolean;

	if (o && !n)
		emit(w, &r_strict_disabled, ns ? &ns->loc : loc_of(nt), "strict", os, ns,
		     "strict mode disabled: arguments are no longer guaranteed to match the schema");
	else if (!o && n)
		emit(w, &r_strict_enabled, &ns->loc, "strict", os, ns, "strict mode enabled");
}

static void compare_tool(struct walk *w, const struct jv *ot, const struct jv *nt)
{
	const struct jv *od = jv_get(ot, "description"), *nd = jv_get(nt, "description");
	const struct jv *op = jv_get(ot, "parameters"), *np = jv_get(nt, "parameters");
	struct mark m = descend(w, "tool", NULL, NULL);

	if ((od || nd) && !(od && nd && jv_equal(od, nd)))
		emit(w, &r_description, nd ? &nd->loc : loc_of(nt), "description", od, nd,
		     "tool description changed");
	compare_strict(w, ot, nt);
	/* equal parameters (with their $defs) cannot differ anywhere below */
	if (op && np && !jv_equal(op, np)) {
		struct mark pm = descend(w, "parameters", NULL, NULL);

		w->old_root = op;
		w->new_root = np;
		compare_schema(w, op, np, 0);
		ascend(w, pm);
	}
	ascend(w, m);
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
	w.tool = tool_key ? tool_key : str_of(jv_get(new, "key"));
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

	if (!str_of(t) || !p)
		return -1;
	strbuf_addstr(&sb, str_of(t));
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
		const char *role = str_of(jv_get(added[j].manifest, "min_role"));
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

/* ---- against a directory -------------------------------------------- */

struct session {
	const struct ts_config *cfg;
	const char *dir, *display;
	unsigned flags;
	struct findings *out;
	struct diag *d;
	char **names;            /* committed tools/ entries, sorted */
	size_t nnames;
	char *seen;              /* names[i] has a compiled counterpart */
	struct jv **kept;        /* added tools' manifests (copies) */
	struct diff_side *added;
	size_t nadded, alloc_added, alloc_kept;
	struct strlist bundles;  /* roles/ files compiled */
	struct strlist stale;    /* outputs whose bytes differ from the committed ones */
	int bad;
};

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

/* A committed manifest must at least look like one before it is compared. */
static int check_manifest(const struct jv *doc, const char *key, struct diag *d)
{
	const struct jv *format = jv_get(doc, "format"), *k = jv_get(doc, "key");
	const struct jv *tool = jv_get(doc, "tool");

	if (!doc || doc->kind != JV_OBJECT) {
		diag_error(d, loc_of(doc), "not a toolsync manifest: expected an object");
		return -1;
	}
	if (!str_of(format) || strcmp(str_of(format), MANIFEST_FORMAT)) {
		diag_error(d, format ? &format->loc : &doc->loc,
			   "not a toolsync manifest: 'format' must be '%s'", MANIFEST_FORMAT);
		return -1;
	}
	if (!str_of(k) || strcmp(str_of(k), key)) {
		diag_error(d, k ? &k->loc : &doc->loc,
			   "'key' does not match the file name ('%s')", key);
		return -1;
	}
	if (!tool || tool->kind != JV_OBJECT) {
		diag_error(d, tool ? &tool->loc : &doc->loc, "'tool' must be an object");
		return -1;
	}
	return 0;
}

/* Parse DIR/tools/<name>; NULL when unreadable or malformed (reported). */
static struct jv *load_committed(struct session *s, const char *name, struct srcloc *loc)
{
	char *rel = xstrfmt("tools/%s", name), *path = path_join(s->dir, rel);
	char *shown = path_join(s->display, rel), *key = xstrndup(name, strlen(name) - 5);
	struct strbuf buf = STRBUF_INIT;
	struct jv *doc = NULL;

	*loc = (struct srcloc){ path_intern(shown), 1, 1, 0 };
	if (strbuf_read_file(&buf, path))
		diag_fail(s->d, "cannot read '%s': %s", shown, strerror(errno));
	else if ((doc = json_parse(buf.buf, buf.len, shown, s->d)) &&
		 check_manifest(doc, key, s->d)) {
		jv_free(doc);
		doc = NULL;
	}
	if (!doc)
		s->bad = 1;
	else   /* checked: findings point at it by line, never quote it */
		diag_drop_source(shown);
	strbuf_release(&buf);
	free(rel);
	free(path);
	free(shown);
	free(key);
	return doc;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

static void keep_added(struct session *s, const struct compiled_tool *t)
{
	const struct jv *k = jv_get(t->manifest, "key");
	struct jv *copy = jv_copy(t->manifest);

	ALLOC_GROW(s->kept, s->nadded, s->alloc_kept);
	ALLOC_GROW(s->added, s->nadded, s->alloc_added);
	s->kept[s->nadded] = copy;
	s->added[s->nadded].key = str_of(jv_get(copy, "key"));
	s->added[s->nadded].manifest = copy;
	s->added[s->nadded].loc = k ? k->loc : t->row->loc;
	s->nadded++;
}

/*
 * Committed bytes that are not what build writes.  A manifest committed
 * from a --canonical build is exactly the RFC 8785 form, whose digest the
 * compile already has: that is what build produces too, not stale.
 */
static void compare_bytes(struct session *s, const struct out_file *f)
{
	struct strbuf buf = STRBUF_INIT;
	char *path = path_join(s->dir, f->path), hex[DIGEST_HEX_SIZE];

	if (!fs_same_content(path, f->bytes->buf, f->bytes->len)) {
		if (!strbuf_read_file(&buf, path))
			blake2b256_hex(buf.buf, buf.len, hex);
		if (buf.len == 0 || strcmp(hex, f->jcs_blake2b))
			strlist_add(&s->stale, f->path);
	}
	strbuf_release(&buf);
	free(path);
}

static int on_file(void *ctx, const struct out_file *f)
{
	struct session *s = ctx;
	char *name, **hit;
	struct srcloc loc;
	struct jv *old;
	size_t before = s->out->n;

	if (!f->tool) {
		strlist_add(&s->bundles, f->path);
		if (s->flags & DIFF_CHECK_BYTES)
			compare_bytes(s, f);
		return 0;
	}
	name = xstrfmt("%s.json", f->tool->row->key);
	hit = s->nnames ? bsearch(name, s->names, s->nnames, sizeof(*s->names), cmp_name) : NULL;
	if (!hit) {
		keep_added(s, f->tool);
	} else if ((old = load_committed(s, name, &loc))) {
		s->seen[hit - s->names] = 1;
		diff_tool(old, f->tool->manifest, s->cfg, f->tool->row->key, s->out);
		if ((s->flags & DIFF_CHECK_BYTES) && s->out->n == before)
			compare_bytes(s, f);
		jv_free(old);
	} else {
		s->seen[hit - s->names] = 1;
	}
	free(name);
	return 0;
}

/* Committed tools/ manifests with no compiled counterpart: removed or renamed. */
static void finish_unpaired(struct session *s)
{
	struct diff_side *removed = NULL;
	struct jv **docs = NULL;
	size_t n = 0, alloc = 0, i;

	for (i = 0; i < s->nnames; i++) {
		struct srcloc loc;
		struct jv *doc;

		if (s->seen[i] || !has_suffix(s->names[i], ".json"))
			continue;
		if (!(doc = load_committed(s, s->names[i], &loc)))
			continue;
		ALLOC_GROW(removed, n, alloc);
		docs = xrealloc(docs, st_mult(alloc, sizeof(*docs)));
		docs[n] = doc;
		removed[n].key = str_of(jv_get(doc, "key"));
		removed[n].manifest = doc;
		removed[n].loc = loc;
		n++;
	}
	if (!s->bad)
		diff_unpaired(removed, n, s->added, s->nadded, s->cfg, s->out);
	for (i = 0; i < n; i++)
		jv_free(docs[i]);
	free(docs);
	free(removed);
}

/* roles/ files committed but no longer produced (a role or target went away). */
static void extra_bundles(struct session *s)
{
	char *dir = path_join(s->dir, "roles"), **names;
	size_t n, i;

	if (fs_list_dir(dir, &names, &n)) {
		free(dir);
		return;
	}
	for (i = 0; i < n; i++) {
		char *rel = xstrfmt("roles/%s", names[i]);

		if (has_suffix(names[i], ".json") && strlist_find(&s->bundles, rel) < 0)
			strlist_add(&s->stale, rel);
		free(rel);
	}
	fs_free_list(names, n);
	free(dir);
}

/*
 * Bytes that differ with no semantic finding: a hand edit, a formatting
 * change, or a build that was not committed.  Bundles change whenever a
 * tool in them does, so they are reported only when nothing else was.
 */
static void report_stale(struct session *s, size_t semantic)
{
	size_t i;

	for (i = 0; i < s->stale.n; i++) {
		const char *rel = s->stale.v[i];
		char *shown = path_join(s->display, rel);
		struct srcloc loc = { path_intern(shown), 1, 1, 0 };

		if (!strncmp(rel, "tools/", 6) || !semantic)
			findings_add(s->out, &r_manifest_stale, &loc, NULL, NULL, NULL, NULL,
				     "'%s' differs from what build produces; run 'toolsync build' "
				     "and commit the result", shown);
		free(shown);
	}
}

static void session_release(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nadded; i++)
		jv_free(s->kept[i]);
	free(s->kept);
	free(s->added);
	free(s->seen);
	fs_free_list(s->names, s->nnames);
	strlist_release(&s->bundles);
	strlist_release(&s->stale);
}

static int list_committed(struct session *s)
{
	char *tools = path_join(s->dir, "tools");
	int ret = 0;

	if (!path_is_dir(s->dir)) {
		diag_fail(s->d, "cannot read '%s': not a directory of manifests", s->display);
		ret = -1;
	} else if (fs_list_dir(tools, &s->names, &s->nnames)) {
		if (errno != ENOENT) {
			diag_fail(s->d, "cannot read '%s/tools': %s", s->display, strerror(errno));
			ret = -1;
		}
		s->names = NULL;
		s->nnames = 0;
	}
	free(tools);
	s->seen = xcalloc(s->nnames + 1, 1);
	return ret;
}

int diff_against(const struct ts_config *cfg, const struct compile_opts *o,
		 const char *dir, const char *display, unsigned flags,
		 struct findings *out, struct diag *d)
{
	struct session s;
	size_t start = out->n;
	int ret;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.dir = dir;
	s.display = display ? display : dir;
	s.flags = flags;
	s.out = out;
	s.d = d;
	ret = list_committed(&s);
	if (!ret)
		ret = compile_catalogue(cfg, o, on_file, &s, NULL, d);
	if (!ret) {
		finish_unpaired(&s);
		if (flags & DIFF_CHECK_BYTES) {
			extra_bundles(&s);
			report_stale(&s, out->n - start);
		}
	}
	session_release(&s);
	return ret || s.bad ? -1 : 0;
}
