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
 * tools compiled and committed while there are any.
 */
struct committed;
struct bundle_tool;
struct bundle_file;
struct bundle_held;
struct diff_bundles {
	struct committed *old;    /* where the bundles are committed */
	struct bundle_file *files;/* its roles/ bundles, sorted by name */
	size_t nfiles, alloc_files;
	struct strlist roles;     /* their roles */
	struct hashset role_index;/* role -> 1 + index in roles */
	struct hashset names;     /* function name -> 1 + index of its last entry in held */
	struct bundle_held *held; /* (role, name): whose differing bundles held it */
	size_t nheld, alloc_held;
	struct bundle_tool *tools;
	size_t ntools, alloc_tools;
};

/*
 * List old's roles/ bundles (none: nothing is compared).  0, or -1 when
 * roles/ cannot be listed (a symbolic link, reported to d).
 */
int diff_bundles_list(struct diff_bundles *b, struct committed *old, struct diag *d);
/* A compiled file: a bundle the committed one equals need not be parsed. */
void diff_bundles_file(struct diff_bundles *b, const struct out_file *f);
/* A tool compiled (t) and committed (old_role: its committed min_role, or NULL). */
void diff_bundles_tool(struct diff_bundles *b, const struct compiled_tool *t,
		       const char *old_role, const struct ts_config *cfg);
/*
 * Parse the committed bundles that differ; then target-removed and
 * target-added for every tool, role-access-added and -removed for those
 * whose min_role did not change.  0, or -1 (a malformed bundle, reported
 * to d).
 */
int diff_bundles_report(struct diff_bundles *b, const struct ts_config *cfg,
			struct findings *out, struct diag *d);
void diff_bundles_release(struct diff_bundles *b);

#endif
