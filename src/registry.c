/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: registry rows, their rules, and choosing a source. */
#include "toolsync/registry.h"
#include "toolsync/fsutil.h"
#include "toolsync/quote.h"

void row_init(struct row *row)
{
	memset(row, 0, sizeof(*row));
}

void row_release(struct row *row)
{
	free(row->key);
	free(row->min_role);
	strlist_release(&row->standards);
	free(row->standard_locs);
	row_init(row);
}

/*
 * A key becomes a file name (tools/<key>.json) and, with '.' as '_', a
 * function name: it must never reach outside out/, never be hidden, and
 * never clash with another on a case-insensitive file system.  Roles
 * (roles/<role>.<target>.json) and standards follow the same rule, with
 * capitals allowed ("IFRS-9").
 */
static int name_ok(const char *s, int upper)
{
	size_t i, n = strlen(s);

	if (!n || n > KEY_MAX || strstr(s, ".."))
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    (upper && c >= 'A' && c <= 'Z');

		if (!alnum && (i == 0 || !strchr("._-", c)))
			return 0;
	}
	return 1;
}

int key_is_valid(const char *key)
{
	return name_ok(key, 0);
}

int name_is_valid(const char *name)
{
	return name_ok(name, 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void key_function_name(char *dst, const char *key)
{
	do
		*dst++ = *key == '.' ? '_' : *key;
	while (*key++);
}

void registry_list_roles(struct strbuf *sb, const struct ts_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->roles.n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", quote_show(cfg->roles.v[i]));
}

/* The allow-list a message shows: the first few names of a long one. */
#define STANDARDS_SHOWN 20

void registry_list_standards(struct strbuf *sb, const struct ts_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->standards.n && i < STANDARDS_SHOWN; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", quote_show(cfg->standards.v[i]));
	if (cfg->standards.n > STANDARDS_SHOWN)
		strbuf_addf(sb, ", ... %zu in all", cfg->standards.n);
}

/*
 * The row's key as messages show it (no control characters), made for
 * the first message only: quoting scans for secrets, and most rows have
 * nothing to say.
 */
static const char *shown_key(struct strbuf *sb, const struct row *row)
{
	if (!sb->len)
		quote_add(sb, row->key, strlen(row->key), QUOTE_MAX);
	return sb->buf;
}

/* Each standard at its own place (before sorting), then duplicates. */
static int check_standards(struct row *row, struct strbuf *key, const struct ts_config *cfg,
			   struct diag *d)
{
	struct strlist *s = &row->standards;
	struct strbuf allowed = STRBUF_INIT;
	int bad = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct srcloc *loc = row->standard_locs ? &row->standard_locs[i]
							      : &row->standards_loc;

		if (!s->v[i][0]) {
			diag_error(d, loc, "key '%s': empty standard", shown_key(key, row));
			bad = -1;
		} else if (!config_standard_allowed(cfg, s->v[i])) {
			if (!allowed.len)
				registry_list_standards(&allowed, cfg);
			diag_error(d, loc, "key '%s': standard '%s' is not in the allow-list "
				   "(standards: %s)", shown_key(key, row), quote_show(s->v[i]),
				   allowed.buf);
			bad = -1;
		}
	}
	strbuf_release(&allowed);
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (i = 1; i < s->n; i++)
		if (s->v[i][0] && !strcmp(s->v[i], s->v[i - 1])) {
			diag_error(d, &row->standards_loc, "key '%s': standard '%s' is listed twice",
				   shown_key(key, row), quote_show(s->v[i]));
			bad = -1;
		}
	/* the order changed: the places no longer match */
	free(row->standard_locs);
	row->standard_locs = NULL;
	return bad;
}

int row_check(struct row *row, const struct ts_config *cfg, struct diag *d)
{
	struct strbuf key = STRBUF_INIT;   /* as messages show it: no control characters */
	int bad = 0;

	if (!key_is_valid(row->key)) {
		diag_error(d, &row->key_loc,
			   "invalid key '%s': a key is a file name: [a-z0-9][a-z0-9._-]*, "
			   "at most %d characters, no '..'", shown_key(&key, row), KEY_MAX);
		bad = -1;
	}
	if (config_role_rank(cfg, row->min_role) < 0) {
		struct strbuf sb = STRBUF_INIT;

		registry_list_roles(&sb, cfg);
		diag_error(d, &row->role_loc, "key '%s': unknown role '%s' (roles: %s)",
			   shown_key(&key, row), quote_show(row->min_role), sb.buf);
		strbuf_release(&sb);
		bad = -1;
	}
	if (check_standards(row, &key, cfg, d))
		bad = -1;
	strbuf_release(&key);
	return bad;
}

struct source *source_open(const struct ts_config *cfg, const char *override, struct diag *d)
{
	if (override) {
		/* the configured registry is not read: a problem with it does not matter */
		if (is_conninfo(override))
			return source_pg_open(cfg, override, d);
		return source_file_open(cfg, NULL, override, d);
	}
	if (cfg->registry_error) {
		diag_error(d, &cfg->registry_error_loc, "%s", cfg->registry_error);
		return NULL;
	}
	if (cfg->registry_is_pg)
		return source_pg_open(cfg, cfg->registry, d);
	return source_file_open(cfg, cfg->base_dir, cfg->registry, d);
}

void source_close(struct source *src)
{
	if (src)
		src->ops->close(src);
}
