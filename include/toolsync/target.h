/* SPDX-License-Identifier: Apache-2.0 */
/*
 * target.h: the model APIs a role bundle is written for.
 *
 * One table entry per target (src/target.c): its name in toolsync.yaml,
 * the shape of one tool in its bundle, and the rules its API enforces
 * beyond OpenAI's strict mode, checked when a template loads so that a
 * schema one provider would refuse fails the build at the template line,
 * naming the target and the rule.  docs/targets.md cites each rule.
 */
#ifndef TOOLSYNC_TARGET_H
#define TOOLSYNC_TARGET_H

#include "toolsync/config.h"

struct target_info {
	enum target bit;
	const char *name;     /* as in toolsync.yaml and roles/<role>.<name>.json */
	const char *api;      /* for messages: "Claude Messages API" */
};

/* Every target, in bundle order; *n is set to their number. */
const struct target_info *target_list(size_t *n);
/* The target called name, or NULL. */
const struct target_info *target_by_name(const char *name);
/* "responses, chat, mcp, anthropic, gemini", for messages. */
const char *target_known_names(void);

/*
 * One tool as target t's bundle holds it, from the manifest's "tool"
 * object (OpenAI's Responses shape).  Caller frees.
 */
struct jv *target_entry(enum target t, const struct jv *tool, const struct ts_config *cfg);

/*
 * The function name of entry, one tool of a target t bundle as
 * target_entry() makes it; NULL when entry has no such name, or one that
 * holds a NUL character (borrowed).
 */
const char *target_entry_name(enum target t, const struct jv *entry);

/*
 * Check a template's parameters against target t's rules beyond OpenAI's
 * (strict: the template's strict flag).  Every violation is an error at
 * its node, "target NAME: parameters/POINTER: ...".  Returns how many.
 */
unsigned target_check_schema(enum target t, const struct jv *params, int strict,
			     const struct ts_config *cfg, struct diag *d);

/*
 * 0 if target t accepts fn (a function name), else -1 with the rule in
 * why ("must start with a letter or an underscore").
 */
int target_check_name(enum target t, const char *fn, struct strbuf *why);

#endif
