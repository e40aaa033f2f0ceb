/* SPDX-License-Identifier: Apache-2.0 */
/*
 * accept.h: the accept file, findings a reviewer has accepted.
 *
 *	# .toolsync-accept.yaml
 *	accept:
 *	  - rule: param-removed
 *	    tool: ledger.reconcile
 *	    pointer: /tool/parameters/properties/memo
 *	    reason: "memo was never filled; approved in FIN-1234"
 *
 * rule and reason are required; tool and pointer narrow the match (left
 * out: any).  A matching finding is reported as accepted, with the reason,
 * and never fails --fail-on.  An entry that matches nothing is itself a
 * finding (accept-stale), so that the file gets cleaned up.
 */
#ifndef TOOLSYNC_ACCEPT_H
#define TOOLSYNC_ACCEPT_H

#include "toolsync/report.h"

#define ACCEPT_FILE ".toolsync-accept.yaml"

struct accept_entry {
	char *rule, *tool, *pointer, *reason;  /* tool, pointer: NULL = any */
	struct srcloc loc;                     /* the entry in the file */
	int used;
};

struct accept_list {
	struct accept_entry *v;
	size_t n, alloc;
};

/* The rule of the findings accept_apply adds for unused entries. */
extern const struct rule accept_stale_rule;

/*
 * Load an accept file.  rules (NULL-terminated lists, the list itself
 * NULL-terminated; may be NULL) are the known rule ids: an entry naming
 * another id is an error, since it could never match.  Every problem is
 * reported to d at its file:line:col; 0, or -1 if anything was reported
 * (then al is left empty).
 * A missing file is an error only when required is set.  The file is
 * root/path read with fs_read_file() (root NULL: a file the user named).
 */
int accept_load(struct accept_list *al, const char *root, const char *path, const char *display,
		int required, const struct rule *const *const *rules, struct diag *d);

/*
 * Mark the findings that an entry matches (accepted, accept_reason), then
 * add an accept-stale finding for every entry that matched none.  scope
 * (as rules above; NULL: all) is what the command could report: entries
 * for other rules (check-config's, during diff) are left alone, not stale.
 */
void accept_apply(struct accept_list *al, struct findings *f,
		  const struct rule *const *const *scope);

void accept_release(struct accept_list *al);

#endif
