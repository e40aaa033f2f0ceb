/* SPDX-License-Identifier: Apache-2.0 */
/*
 * template.h: tool templates (schemas/templates/<key>.yaml or a match: glob).
 *
 *	match: "ledger.*"
 *	description: "Reconcile ${key} entries. Standards: ${standards}."
 *	parameters: { a JSON Schema object, written in YAML }
 *	strict: true
 *	targets: [responses, chat, mcp]   # optional: fewer than toolsync.yaml's
 *
 * All templates are loaded and checked once, before any row: their $refs to
 * _defs/ files are inlined, their variables checked, and (when strict) the
 * schema checked against OpenAI's strict-mode rules.  A row then only
 * needs its variables substituted.
 */
#ifndef TOOLSYNC_TEMPLATE_H
#define TOOLSYNC_TEMPLATE_H

#include "toolsync/registry.h"
#include "toolsync/digest.h"
#include "toolsync/hashset.h"

struct segvals;

struct template {
	char *path;             /* as shown and recorded: "schemas/templates/ledger.yaml" */
	char *file_name;        /* "ledger.yaml" */
	char *match;            /* glob, or NULL */
	size_t match_prefix;    /* the glob's literal start, before any '*?[\\' */
	struct jv *doc;         /* the parsed file */
	const struct jv *description;  /* a string node inside doc */
	struct jv *parameters;  /* $refs to files resolved (owned) */
	int strict;
	unsigned targets;       /* enum target bits it is compiled for (targets:); default all */
	int bad;                /* failed its checks (already reported) */
	char blake2b[DIGEST_HEX_SIZE];  /* of the file's bytes */
	void *compiled;         /* the loader's hook's (compile.c: its segments) */
	int listed_regular;     /* the directory's listing said: a regular file */
	char *text;             /* a trial load's bytes, until kept for messages or freed */
	size_t text_len;
};

struct template_set {
	struct template *v;     /* sorted by file name */
	size_t n, alloc;
	/* the lookup, built once all are loaded: a row costs O(1) plus the globs */
	struct hashset by_key;  /* "<key>" of <key>.yaml / .yml -> its template */
	struct template **globs;/* the templates with a match:, in file-name order */
	size_t nglobs;
};

/*
 * Called once for each template that loaded without a problem (not bad),
 * as soon as it has: on any of the loading threads, for several templates
 * at once (it may only touch t and what it owns).  It may set t->compiled
 * and drop t's trees (template_drop_trees()).
 */
struct template_hook {
	/* slot: the loading thread's, below compile_jobs() (0: the main thread's) */
	void (*loaded)(void *ctx, struct template *t, unsigned slot);
	void *ctx;
};

/*
 * Load every template in cfg->templates, on TOOLSYNC_JOBS threads; hook
 * (may be NULL) sees each good one.  Every problem is reported to d, in
 * file-name order as on one thread; returns 0 or -1 (broken templates are
 * marked bad, the rest usable).
 */
int templates_load(struct template_set *set, const struct ts_config *cfg,
		   const struct template_hook *hook, struct diag *d);
/*
 * Free t's parsed file and schema once nothing will render a tree from
 * it: doc, description and parameters are NULL afterwards.  A build of
 * 100,000 templates keeps their segments only (docs/performance.md).
 */
void template_drop_trees(struct template *t);
void templates_release(struct template_set *set);

/*
 * <key>.yaml, else the first template in file-name order whose match fits.
 * An exact name is one hash lookup; globs are tried in order, each only
 * when the key starts with its literal prefix.
 */
struct template *templates_find(const struct template_set *set, const char *key);
/*
 * 1 if a template failed to load before its 'match:' was known: a key that
 * finds no template may be meant for it, so "no template" would mislead.
 */
int templates_unmatchable(const struct template_set *set);

/*
 * Substitute a row's variables (vals->raw, see segments.h); the results
 * are owned by the caller.  With segvals_markers() the strings hold the
 * holes' markers instead: what segprog_compile() cuts into segments.
 */
struct jv *template_render_description(const struct template *t, const struct segvals *vals);
struct jv *template_render_parameters(const struct template *t, const struct segvals *vals);

#endif
