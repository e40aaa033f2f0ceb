/* SPDX-License-Identifier: Apache-2.0 */
/*
 * registry.h: rows of the tool_registry, from a file or from PostgreSQL.
 *
 * A source yields rows one at a time, so a catalogue of any size streams
 * through with bounded memory.  Rows are checked here, the same way for
 * every source: the key's syntax (it becomes a file name), the role, and
 * the standards (sorted, no duplicates, on the allow-list).
 */
#ifndef TOOLSYNC_REGISTRY_H
#define TOOLSYNC_REGISTRY_H

#include "toolsync/config.h"

#define KEY_MAX 64

struct row {
	char *key;
	char *min_role;
	struct strlist standards;  /* sorted by row_check() */
	struct srcloc *standard_locs;  /* each standard's place, as read; may be NULL */
	struct srcloc loc;         /* the row: file:line:col, or "table T, key 'k'" */
	struct srcloc key_loc, role_loc, standards_loc;  /* each field (or loc) */
};

void row_init(struct row *row);
void row_release(struct row *row);

/*
 * Check a row against the rules and cfg; sorts standards.  Every problem is
 * reported to d at the field's location; returns 0 or -1.
 */
int row_check(struct row *row, const struct ts_config *cfg, struct diag *d);

/* "viewer, analyst, ...": the configuration's roles, or the first few of
 * its standards, as messages about an unknown one show them. */
void registry_list_roles(struct strbuf *sb, const struct ts_config *cfg);
void registry_list_standards(struct strbuf *sb, const struct ts_config *cfg);

/* 1 if key is a valid registry key ([a-z0-9][a-z0-9._-]*, <= 64, no ".."). */
int key_is_valid(const char *key);
/* 1 if name is a valid role or standard: a key's rule, capitals allowed. */
int name_is_valid(const char *name);

/*
 * The function name of a key into dst (strlen(key) + 1 bytes): '.' becomes
 * '_' (DESIGN.md, Templates).  dst may be key itself.
 */
void key_function_name(char *dst, const char *key);

struct source;

/* What every source implements. */
struct source_ops {
	/*
	 * 1: *row filled (caller releases it); 0: no more rows; -1: error
	 * (reported).  After an error the caller calls again: a source that
	 * cannot go on must then return 0, or the caller loops forever.
	 */
	int (*next)(struct source *src, struct row *row, struct diag *d);
	void (*close)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	const char *name;    /* for messages: the file, or "table tool_registry" */
};

/*
 * Open the registry: override (from --registry) or cfg->registry.  A
 * conninfo goes to PostgreSQL, anything else is a file (.yaml, .yml, .json).
 * NULL when it cannot be opened (reported).
 */
struct source *source_open(const struct ts_config *cfg, const char *override, struct diag *d);
static inline int source_next(struct source *src, struct row *row, struct diag *d)
{
	return src->ops->next(src, row, d);
}
void source_close(struct source *src);

/*
 * The file source (src/source_file.c): YAML or JSON, by file name.  The
 * file is root/path read with fs_read_file() (root NULL: a file the user
 * named with --registry).
 */
struct source *source_file_open(const struct ts_config *cfg, const char *root, const char *path,
				struct diag *d);
/* The PostgreSQL source (src/source_pg.c). */
struct source *source_pg_open(const struct ts_config *cfg, const char *conninfo, struct diag *d);

#endif
