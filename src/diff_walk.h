/*
 * diff_walk.h: what diff.c, diff_schema.c and diff_dir.c share: the walk
 * over two manifests, how a finding is emitted, and the rules.  Private to
 * the diff module.
 */
#ifndef TOOLSYNC_DIFF_WALK_H
#define TOOLSYNC_DIFF_WALK_H

#include "toolsync/diff.h"
#include "toolsync/hashset.h"

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

/* Descend: push a pointer token and a label part; pop restores both. */
struct mark {
	size_t ptr, label;
};

extern const struct rule r_tool_added;
extern const struct rule r_tool_removed;
extern const struct rule r_tool_renamed;
extern const struct rule r_role_lowered;
extern const struct rule r_role_raised;
extern const struct rule r_standard_removed;
extern const struct rule r_standard_added;
extern const struct rule r_param_removed;
extern const struct rule r_param_added;
extern const struct rule r_param_required;
extern const struct rule r_param_type;
extern const struct rule r_enum_removed;
extern const struct rule r_enum_added;
extern const struct rule r_tightened;
extern const struct rule r_loosened;
extern const struct rule r_strict_disabled;
extern const struct rule r_strict_enabled;
extern const struct rule r_description;
extern const struct rule r_schema_changed;
extern const struct rule r_role_access_added;
extern const struct rule r_role_access_removed;
extern const struct rule r_target_removed;
extern const struct rule r_target_added;
extern const struct rule r_manifest_stale;

/* v as compact JSON (caller frees), or NULL for NULL. */
char *diff_compact(const struct jv *v);
const struct srcloc *diff_loc_of(const struct jv *v);
/* v's string, or NULL when v is absent or not a string (borrowed). */
const char *diff_str_of(const struct jv *v);
/*
 * A finding of rule at the walk's pointer (plus suffix, a token, if given),
 * with old and new values as compact JSON.
 */
TS_PRINTF(7, 8)
void diff_emit(struct walk *w, const struct rule *rule, const struct srcloc *loc,
	       const char *suffix, const struct jv *old, const struct jv *new,
	       const char *fmt, ...);
/* The parameter being compared, for messages ("period.start"). */
const char *diff_label(const struct walk *w);
struct mark diff_descend(struct walk *w, const char *token, const char *name,
			 const char *label_suffix);
void diff_ascend(struct walk *w, struct mark m);
/* Compare two schemas; property is set for a property's own schema. */
void diff_compare_schema(struct walk *w, const struct jv *old, const struct jv *new,
			 int property);

/*
 * Bundle membership (diff_bundle.c): the committed role bundles, and the
 * tools compiled and committed that they or the compiled bundles hold.
 */
struct committed;
struct bundle_tool;
struct diff_bundles {
	int active;               /* committed bundles exist: compare */
	struct strlist roles;     /* the roles of the committed bundles */
	struct hashset names;     /* function name -> 1 + index in had */
	unsigned **had;           /* had[i][role]: targets whose bundle held it */
	size_t nhad, alloc_had;
	struct bundle_tool *tools;
	size_t ntools, alloc_tools, nfresh;
};
#define DIFF_BUNDLES_INIT { .names = HASHSET_INIT }

/* Read old's roles/ bundles; none is no comparison.  0, or -1 (reported to d). */
int diff_bundles_load(struct diff_bundles *b, struct committed *old, struct diag *d);
/* A tool compiled (t) and committed (old, its committed manifest). */
void diff_bundles_tool(struct diff_bundles *b, const struct compiled_tool *t,
		       const struct jv *old, const struct ts_config *cfg);
/*
 * target-removed, target-added for every tool kept; role-access-added,
 * -removed for those whose min_role did not change.
 */
void diff_bundles_report(const struct diff_bundles *b, const struct ts_config *cfg,
			 struct findings *out);
void diff_bundles_release(struct diff_bundles *b);

#endif
