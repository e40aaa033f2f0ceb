/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff_schema.c: two parameter schemas compared as a caller sees them.
 */
#include <math.h>

#include "toolsync/diff.h"
#include "diff_walk.h"

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
		diff_emit(w, &r_loosened, vloc(n), "type", ot, nt,
		     "type of '%s' widened", diff_label(w));
		return 0;
	}
	diff_emit(w, &r_param_type, nt ? &nt->loc : vloc(n), "type", ot, nt,
	     "type of '%s' changed", diff_label(w));
	return 1;
}

/* Not for properties: there, null is "optional" (compare_optional). */
static void compare_nullable(struct walk *w, const struct view *o, const struct view *n)
{
	if (o->nullable && !n->nullable)
		diff_emit(w, &r_tightened, vloc(n), NULL, NULL, NULL,
		     "'%s' no longer accepts null", diff_label(w));
	else if (!o->nullable && n->nullable)
		diff_emit(w, &r_loosened, vloc(n), NULL, NULL, NULL,
		     "'%s' now accepts null", diff_label(w));
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

/* Values in a but not b: one finding each (null is nullability, not a value). */
static void enum_missing(struct walk *w, const struct jv *a, const struct jv *b,
			 const char *kwname, int removed)
{
	size_t i;

	for (i = 0; i < a->u.arr.n; i++) {
		const struct jv *x = a->u.arr.v[i];
		struct strbuf tok = STRBUF_INIT;
		struct mark m;

		if (x->kind == JV_NULL || jv_array_index(b, x) >= 0)
			continue;
		m = diff_descend(w, kwname, NULL, NULL);
		if (!strcmp(kwname, "enum")) {
			strbuf_addf(&tok, "%zu", i);
			jv_pointer_add(&w->ptr, tok.buf);
		}
		if (removed)
			diff_emit(w, &r_enum_removed, &b->loc, NULL, x, NULL,
			     "value removed from '%s'", diff_label(w));
		else
			diff_emit(w, &r_enum_added, &x->loc, NULL, NULL, x,
			     "value added to '%s'", diff_label(w));
		diff_ascend(w, m);
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
		diff_emit(w, &r_tightened, &ne->loc, nn, NULL, kw(n, nn),
		     "'%s' is now limited to listed values", diff_label(w));
	} else if (oe) {
		diff_emit(w, &r_loosened, vloc(n), on, kw(o, on), NULL,
		     "'%s' is no longer limited to listed values", diff_label(w));
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

/*
 * nearbyint(r) for r >= 0 in the default rounding mode, without libm (a
 * library less to load in every process: about 0.5 ms on the 2-core VMs):
 * below 2^52, r + 2^52 is rounded to a whole number, to the nearest and
 * ties to even, as nearbyint() rounds; from 2^52 on every double is whole.
 */
static double nearest_whole(double r)
{
	const double two52 = 4503599627370496.0;

	return r < two52 ? (r + two52) - two52 : r;
}

/* Steps like 0.01 are not exact in binary: 0.05 / 0.01 is 5.000000000000001. */
static int is_whole(double r)
{
	return r >= 1 && fabs(r - nearest_whole(r)) < 1e-9 * r;
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
			diff_emit(w, &r_tightened, nv ? &nv->loc : vloc(n), k, ov, nv,
			     "'%s' of '%s' tightened", k, diff_label(w));
		else
			diff_emit(w, &r_loosened, nv ? &nv->loc : vloc(n), k, ov, nv,
			     "'%s' of '%s' loosened", k, diff_label(w));
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
		m = diff_descend(w, "additionalProperties", NULL, ".*");
		diff_compare_schema(w, ov, nv, 0);
		diff_ascend(w, m);
		return;
	}
	if (oa == na && oschema == nschema)
		return;
	if (oa || (oschema && !na))
		diff_emit(w, &r_tightened, nv ? &nv->loc : vloc(n), "additionalProperties",
		     ov, nv, "'%s' accepts fewer extra properties", diff_label(w));
	else
		diff_emit(w, &r_loosened, nv ? &nv->loc : vloc(n), "additionalProperties",
		     ov, nv, "'%s' accepts more extra properties", diff_label(w));
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
		diff_emit(w, &r_param_added, &schema->loc, NULL, NULL, schema,
		     "optional parameter '%s' added", diff_label(w));
	else
		diff_emit(w, &r_param_required, &schema->loc, NULL, NULL, schema,
		     "required parameter '%s' added", diff_label(w));
}

static void property_both(struct walk *w, const struct view *o, const struct view *n,
			  const char *name, const struct jv *os, const struct jv *ns)
{
	int oopt = is_optional(w->old_root, o, name, os);
	int nopt = is_optional(w->new_root, n, name, ns);

	if (oopt && !nopt)
		diff_emit(w, &r_param_required, &ns->loc, NULL, NULL, NULL,
		     "parameter '%s' is now required", diff_label(w));
	else if (!oopt && nopt)
		diff_emit(w, &r_loosened, &ns->loc, NULL, NULL, NULL,
		     "parameter '%s' is now optional", diff_label(w));
	diff_compare_schema(w, os, ns, 1);
}

static struct mark descend_prop(struct walk *w, const char *name)
{
	struct mark m = diff_descend(w, "properties", name, NULL);

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
			diff_emit(w, &r_param_removed, diff_loc_of(nparent), NULL, mb->val, NULL,
			     "parameter '%s' removed", diff_label(w));
			diff_ascend(w, m);
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
		diff_ascend(w, m);
	}
}

/* ---- items, anyOf, descriptions, other keywords --------------------- */

static void compare_items(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *oi = kw(o, "items"), *ni = kw(n, "items");
	struct mark m;

	if (oi && ni) {
		m = diff_descend(w, "items", NULL, "[]");
		diff_compare_schema(w, oi, ni, 0);
		diff_ascend(w, m);
	} else if (ni) {
		diff_emit(w, &r_tightened, &ni->loc, "items", NULL, ni,
		     "items of '%s' are now constrained", diff_label(w));
	} else if (oi) {
		diff_emit(w, &r_loosened, vloc(n), "items", oi, NULL,
		     "items of '%s' are no longer constrained", diff_label(w));
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
		struct mark m = diff_descend(w, "anyOf", NULL, NULL);

		while (i < on && om[i])
			i++;
		while (j < nn && nm[j])
			j++;
		if (left_o == left_n && i < on && j < nn) {
			strbuf_addf(&tok, "%zu", ni[j]);
			jv_pointer_add(&w->ptr, tok.buf);
			diff_compare_schema(w, ob[i++], nb[j++], 0);
		} else if (i < on) {
			strbuf_addf(&tok, "%zu", oi[i]);
			jv_pointer_add(&w->ptr, tok.buf);
			diff_emit(w, &r_param_type, vloc(n), NULL, ob[i++], NULL,
			     "'%s' no longer accepts this variant", diff_label(w));
		} else if (j < nn) {
			strbuf_addf(&tok, "%zu", ni[j]);
			jv_pointer_add(&w->ptr, tok.buf);
			diff_emit(w, &r_loosened, &nb[j]->loc, NULL, NULL, nb[j],
			     "'%s' accepts a new variant", diff_label(w));
			j++;
		}
		diff_ascend(w, m);
		strbuf_release(&tok);
	}
}

static void compare_description(struct walk *w, const struct view *o, const struct view *n)
{
	const struct jv *od = kw(o, "description"), *nd = kw(n, "description");

	if ((!od && !nd) || (od && nd && jv_equal(od, nd)))
		return;
	diff_emit(w, &r_description, nd ? &nd->loc : vloc(n), "description", od, nd,
	     "description of '%s' changed", diff_label(w));
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
		diff_emit(w, &r_schema_changed, nv ? &nv->loc : vloc(n), k, ov, nv,
		     "'%s' of '%s' changed", k, diff_label(w));
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
			diff_emit(w, &r_param_type, vloc(n), NULL, o->core, n->core,
			     "schema of '%s' changed", diff_label(w));
		return;
	}
	if (any_of(o->core) || any_of(n->core)) {
		if (any_of(o->core) && any_of(n->core))
			compare_any_of(w, o, n);
		else if (!jv_equal(o->core, n->core))
			diff_emit(w, any_of(n->core) ? &r_loosened : &r_param_type, vloc(n),
			     NULL, o->core, n->core, "union of '%s' changed", diff_label(w));
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
void diff_compare_schema(struct walk *w, const struct jv *old, const struct jv *new,
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
