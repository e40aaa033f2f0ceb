/*
 * config.h: toolsync.yaml.
 *
 * Relative paths in the file are relative to the file's directory.  What
 * toolsync records in its output (a manifest's source.template) keeps them
 * as written, so output does not depend on where the checkout is or where
 * toolsync runs; messages and reports name files as reached from the
 * working directory (config_path()), so that a compiler-style location or
 * a CI annotation finds the file.  ${VAR} in any string is
 * expanded from the environment when the file is loaded; an unset variable
 * is an error at its line, never an empty string.
 */
#ifndef TOOLSYNC_CONFIG_H
#define TOOLSYNC_CONFIG_H

#include "toolsync/hashset.h"
#include "toolsync/json.h"

enum target {
	TARGET_RESPONSES = 1 << 0,
	TARGET_CHAT = 1 << 1,
	TARGET_MCP = 1 << 2,
	TARGET_ANTHROPIC = 1 << 3,
	TARGET_GEMINI = 1 << 4,
};
#define TARGETS_DEFAULT (TARGET_RESPONSES | TARGET_CHAT | TARGET_MCP)

struct strlist {
	char **v;
	size_t n, alloc;
};

void strlist_add(struct strlist *l, const char *s);  /* copies s */
void strlist_release(struct strlist *l);
/* Index of s in l, or -1. */
long strlist_find(const struct strlist *l, const char *s);

struct ts_config {
	const char *path;        /* the config file (interned), NULL: defaults only */
	char *base_dir;          /* its directory; relative paths resolve here */

	/* registry: a file path (relative to base_dir) or a libpq conninfo */
	char *registry;
	int registry_is_pg;
	struct srcloc registry_loc;
	/*
	 * A registry value that could not be expanded (an unset ${VAR}):
	 * reported only by a command that reads the registry, so that verify,
	 * check-config and --registry FILE work without DATABASE_URL.
	 */
	char *registry_error;
	struct srcloc registry_error_loc;
	char *pg_table;          /* default "tool_registry"; may be "schema.table" */
	char *col_key, *col_min_role, *col_standards;

	char *templates;         /* default "schemas/templates" */
	char *out;               /* default "manifests" */
	struct strlist roles;    /* lowest first; default viewer..admin */
	struct strlist standards;/* allow-list; empty with has_standards 0: any */
	int has_standards;
	struct hashset standards_set;  /* the same names, for config_standard_allowed */
	unsigned targets;        /* enum target bits; default the three OpenAI ones */
	struct srcloc targets_loc; /* where targets: is (or the file) */
	int gemini_openapi;      /* gemini.parameters: openapi (else json-schema) */
	char *public_key;        /* signing.public_key, NULL if unset */

	struct strlist required_tags;  /* debug.required_tags; default service,env,workload */
	long retention_days;           /* debug.retention_days; -1 when unset */
	struct srcloc debug_loc;       /* where debug: is (or the file) */

	struct jv *doc;          /* the parsed file, for locations; may be NULL */
};

/* Defaults only (no file). */
void config_init(struct ts_config *cfg);

/*
 * Load path into cfg (which config_load initialises).  Every problem is
 * reported to d; returns 0, or -1 if anything was reported.  A missing file
 * is an error only when required is set (the user named it with -c, or the
 * command needs it); otherwise the defaults are used.
 */
int config_load(struct ts_config *cfg, const char *path, int required, struct diag *d);
void config_release(struct ts_config *cfg);

/* Put standard on the allow-list (which then exists); -1 if it was on it. */
int config_allow_standard(struct ts_config *cfg, const char *standard);
/* 1 if standard is on the allow-list, or there is none; O(1). */
int config_standard_allowed(const struct ts_config *cfg, const char *standard);
/* Rank of role in cfg->roles (0 lowest), or -1 when unknown. */
long config_role_rank(const struct ts_config *cfg, const char *role);
/* A path from the config resolved against base_dir; caller frees. */
char *config_path(const struct ts_config *cfg, const char *rel);

/* "responses", "chat", "mcp", "anthropic", "gemini" (src/target.c) */
const char *target_name(enum target t);

/* 1 if s looks like a libpq URI or conninfo rather than a file name. */
int is_conninfo(const char *s);

/*
 * Expand ${VAR} in s from the environment into out.  0, or -1 with the
 * name of the first unset (or malformed) variable in err.
 */
int expand_env(struct strbuf *out, const char *s, struct strbuf *err);

#endif
