/*
 * diff.h: compare compiled manifests with committed ones -> findings.
 *
 * diff_tool() is a pure function of two manifest documents (struct jv
 * trees as compile.h describes them); diff_unpaired() handles tools that
 * exist on one side only (added, removed, renamed).  diff_against() runs
 * the compile pipeline in memory and feeds both, streaming: only added
 * tools are kept until the end (for rename detection), so memory stays
 * bounded by the largest manifest and the added tools.
 *
 * The rules, their categories and severities are DESIGN.md's table; the
 * comparison rules are documented in docs/diff.md.
 */
#ifndef TOOLSYNC_DIFF_H
#define TOOLSYNC_DIFF_H

#include "toolsync/report.h"
#include "toolsync/compile.h"

/* Every rule diff can report, NULL-terminated (for SARIF's rule list). */
extern const struct rule *const diff_rules[];
/* A rule of diff_rules by id, or NULL. */
const struct rule *diff_rule(const char *id);

/*
 * Compare the committed manifest old with the compiled manifest new of
 * the same tool; append a finding for every change to out.  Role ranks
 * come from cfg->roles.  Locations: the new side's nodes (template lines,
 * registry row); for something removed, the nearest new node that
 * still exists.  tool_key names the tool in findings (new's "key" if NULL).
 */
void diff_tool(const struct jv *old, const struct jv *new,
	       const struct ts_config *cfg, const char *tool_key,
	       struct findings *out);

/* A manifest present on one side only. */
struct diff_side {
	const char *key;
	const struct jv *manifest;  /* borrowed */
	struct srcloc loc;          /* the committed file, or the registry row */
};

/*
 * Tools only in the committed set (removed) and only in the compiled set
 * (added).  A removed and an added tool with the same template and equal
 * tool.parameters are a rename (tool-renamed, then diff_tool between the
 * two); the rest are tool-removed and tool-added.
 */
void diff_unpaired(const struct diff_side *removed, size_t nremoved,
		   const struct diff_side *added, size_t nadded,
		   const struct ts_config *cfg, struct findings *out);

struct committed;

/*
 * Compile the catalogue of cfg in memory and compare it with the committed
 * manifests of old (a directory or a git revision: committed.h).  With
 * tree (ci), also report manifest-stale for every file of tree whose bytes
 * differ from what build writes: when tree is old, only where no semantic
 * finding explains the difference; when it is another source (ci
 * --against git:REV compares with the base and checks the work tree),
 * everywhere, removed and unbuilt files included.  Findings go to out;
 * input and operational problems (compile errors, a missing directory or
 * revision, a malformed committed manifest) to d.  0, or -1 if anything
 * reached d.
 */
int diff_against(const struct ts_config *cfg, const struct compile_opts *o,
		 struct committed *old, struct committed *tree,
		 struct findings *out, struct diag *d);

#endif
