/* SPDX-License-Identifier: Apache-2.0 */
/*
 * envcheck_db.c: check-config --db, the openai_debug_events table audited
 * against the configuration (columns, index, retention, tags, RLS).
 */
#include "toolsync/envcheck.h"
#include "toolsync/json.h"
#include "toolsync/pgconn.h"
#include "envcheck_db.h"

RULE_SHARED(r_db_table, "db-table-missing", CAT_CONFIG, SEV_ERROR, NULL,
  "the table openai_debug_events does not exist",
  "Run schemas/sql/002_openai_debug_events.sql on the database (Supabase: "
  "SQL editor or supabase db push).")
RULE_SHARED(r_db_column, "db-column-missing", CAT_CONFIG, SEV_ERROR, NULL,
  "openai_debug_events lacks a column the logger writes",
  "Compare the table with schemas/sql/002_openai_debug_events.sql and add "
  "the column (ALTER TABLE ... ADD COLUMN).")
RULE_SHARED(r_db_type, "db-column-type", CAT_CONFIG, SEV_ERROR, NULL,
  "a column of openai_debug_events has an unexpected type",
  "Compare the table with schemas/sql/002_openai_debug_events.sql and "
  "change the column's type (ALTER TABLE ... ALTER COLUMN ... TYPE).")
RULE_SHARED(r_db_index, "db-index-missing", CAT_CONFIG, SEV_WARNING, NULL,
  "openai_debug_events has no index on created_at",
  "Retention deletes and dashboards select by age; without an index each "
  "scans the whole table. CREATE INDEX ON public.openai_debug_events "
  "(created_at).")
RULE_SHARED(r_db_retention, "db-retention-exceeded", CAT_COMPLIANCE, SEV_ERROR, NULL,
  "openai_debug_events holds rows older than debug.retention_days",
  "The retention is not enforced. Run SELECT "
  "public.openai_debug_events_purge(N) now and schedule it.")
RULE_SHARED(r_db_tags, "db-rows-missing-tags", CAT_CONFIG, SEV_WARNING, NULL,
  "rows of openai_debug_events lack a required tag",
  "Those events were logged without the required OPENAI_REQUEST_TAGS keys "
  "and escape every filter by them. Fix the tags of the services that "
  "logged them.")
RULE_SHARED(r_db_rls, "db-rls-hides-rows", CAT_CONFIG, SEV_WARNING, NULL,
  "row level security may hide rows of openai_debug_events from this role",
  "The table has row level security on and the connecting role neither owns "
  "it nor bypasses RLS, so the counts of old and untagged rows may be too "
  "low. Audit as the table's owner or a role with BYPASSRLS (on Supabase: "
  "the postgres role or the service role's connection string).")

/*
 * Every statement is a constant; the only inputs (the table name, a
 * column name, the retention, the required keys) travel as parameters.
 */
#define Q_EXISTS "SELECT to_regclass($1) IS NOT NULL"
#define Q_COLUMNS \
	"SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)" \
	"  FROM pg_catalog.pg_attribute a" \
	" WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped"
#define Q_INDEX \
	"SELECT count(*) FROM pg_catalog.pg_index i" \
	"  JOIN pg_catalog.pg_attribute a" \
	"    ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]" \
	" WHERE i.indrelid = to_regclass($1) AND a.attname = $2"
#define Q_RLS \
	"SELECT c.relrowsecurity" \
	"   AND (c.relforcerowsecurity OR NOT pg_catalog.pg_has_role(c.relowner, 'USAGE'))" \
	"   AND NOT r.rolbypassrls AND NOT r.rolsuper" \
	"  FROM pg_catalog.pg_class c, pg_catalog.pg_roles r" \
	" WHERE c.oid = to_regclass($1) AND r.rolname = current_user"
#define Q_OLD \
	"SELECT count(*) FROM " ENVCHECK_TABLE \
	" WHERE created_at < now() - make_interval(days => $1::integer)"
#define Q_UNTAGGED \
	"SELECT count(*) FROM " ENVCHECK_TABLE \
	" WHERE tags IS NULL OR jsonb_typeof(tags) <> 'object'" \
	"    OR NOT tags ?& ARRAY(SELECT jsonb_array_elements_text($1::jsonb))"

static const struct srcloc table_loc = { "table " ENVCHECK_TABLE, 0, 0, 0 };

/* The columns the logger writes, and the types that hold what it writes. */
static const struct {
	const char *name;
	const char *types[3];   /* format_type() spellings; NULL-terminated */
} expected_columns[] = {
	{ "request_id", { "text", "character varying", NULL } },
	{ "endpoint", { "text", "character varying", NULL } },
	{ "model", { "text", "character varying", NULL } },
	{ "status", { "integer", "smallint", "bigint" } },
	{ "tags", { "jsonb", NULL } },
	{ "quota_tag", { "text", "character varying", NULL } },
	{ "latency_ms", { "integer", "bigint", NULL } },
	{ "details", { "jsonb", "json", NULL } },
	{ "created_at", { "timestamp with time zone", NULL } },
};

/* Bit i of struct dbcheck's ok: expected_columns[i] exists with a good type. */
#define COL_OK(db, name) ((db)->ok & (1u << column_index(name)))

struct dbcheck {
	PGconn *conn;
	struct findings *f;
	struct diag *d;
	unsigned ok;
};

static size_t column_index(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(expected_columns); i++)
		if (!strcmp(expected_columns[i].name, name))
			return i;
	BUG("unknown column '%s'", name);
}

/* Run a statement; NULL after reporting the server's message. */
static PGresult *db_query(struct dbcheck *db, const char *sql, int n,
			  const char *const *params)
{
	PGresult *res = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
	struct strbuf msg = STRBUF_INIT;

	if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))
		strbuf_addstr(&msg, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	else
		strbuf_addstr(&msg, res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
	strbuf_rtrim(&msg);
	diag_fail(db->d, "cannot audit '%s': %s", ENVCHECK_TABLE, msg.buf);
	strbuf_release(&msg);
	PQclear(res);
	return NULL;
}

/* A one-value query; the value (owned by the caller), or NULL after reporting. */
static char *db_value(struct dbcheck *db, const char *sql, int n, const char *const *params)
{
	PGresult *res = db_query(db, sql, n, params);
	char *v;

	if (!res)
		return NULL;
	v = xstrdup(PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return v;
}

static int type_ok(const char *type, const char *const *types)
{
	size_t i, len;

	for (i = 0; i < 3 && types[i]; i++) {
		len = strlen(types[i]);
		if (!strncmp(type, types[i], len) && (!type[len] || type[len] == '('))
			return 1;
	}
	return 0;
}

static void column_finding(struct dbcheck *db, size_t i, const char *type)
{
	char *ptr = xstrfmt("/columns/%s", expected_columns[i].name);
	const char *const *t = expected_columns[i].types;

	if (!type)
		findings_add(db->f, &r_db_column, &table_loc, NULL, ptr, NULL, NULL,
			     "column '%s' is missing (expected %s)", expected_columns[i].name, t[0]);
	else
		findings_add(db->f, &r_db_type, &table_loc, NULL, ptr, NULL, NULL,
			     "column '%s' is %s (expected %s%s%s)", expected_columns[i].name,
			     type, t[0], t[1] ? " or " : "", t[1] ? t[1] : "");
	free(ptr);
}

static int check_columns(struct dbcheck *db)
{
	const char *params[] = { ENVCHECK_TABLE };
	PGresult *res = db_query(db, Q_COLUMNS, 1, params);
	size_t i;
	int row;

	if (!res)
		return -1;
	for (i = 0; i < ARRAY_SIZE(expected_columns); i++) {
		const char *type = NULL;

		for (row = 0; row < PQntuples(res); row++)
			if (!strcmp(PQgetvalue(res, row, 0), expected_columns[i].name))
				type = PQgetvalue(res, row, 1);
		if (type && type_ok(type, expected_columns[i].types))
			db->ok |= 1u << i;
		else
			column_finding(db, i, type);
	}
	PQclear(res);
	return 0;
}

static int check_index(struct dbcheck *db)
{
	const char *params[] = { ENVCHECK_TABLE, "created_at" };
	char *n = db_value(db, Q_INDEX, 2, params);

	if (!n)
		return -1;
	if (!strcmp(n, "0") && COL_OK(db, "created_at"))
		findings_add(db->f, &r_db_index, &table_loc, NULL, "/columns/created_at", NULL,
			     NULL, "no index on created_at: retention deletes and "
			     "dashboards scan the whole table");
	free(n);
	return 0;
}

/* Rows RLS hides are missing from every count below: say so. */
static int check_rls(struct dbcheck *db)
{
	const char *params[] = { ENVCHECK_TABLE };
	char *hidden = db_value(db, Q_RLS, 1, params);

	if (!hidden)
		return -1;
	if (!strcmp(hidden, "t"))
		findings_add(db->f, &r_db_rls, &table_loc, NULL, NULL, NULL, NULL,
			     "row level security is on and this role does not bypass it: "
			     "the row counts may miss rows");
	free(hidden);
	return 0;
}

static int check_old_rows(struct dbcheck *db, long days)
{
	char arg[32];
	const char *params[] = { arg };
	char *n;

	if (days < 0 || !COL_OK(db, "created_at"))
		return 0;
	snprintf(arg, sizeof(arg), "%ld", days);
	if (!(n = db_value(db, Q_OLD, 1, params)))
		return -1;
	if (strcmp(n, "0"))
		findings_add(db->f, &r_db_retention, &table_loc, NULL, "/columns/created_at",
			     NULL, NULL, "%s %s older than debug.retention_days (%ld "
			     "days); run SELECT public.openai_debug_events_purge(%ld)",
			     n, strcmp(n, "1") ? "rows are" : "row is", days, days);
	free(n);
	return 0;
}

/* The required keys as a JSON array: a parameter, never SQL text. */
static char *keys_json(const struct strlist *keys)
{
	struct jv *arr = jv_array();
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < keys->n; i++)
		jv_append(arr, jv_string(keys->v[i]));
	json_write(&sb, arr, JSON_COMPACT);
	jv_free(arr);
	return strbuf_detach(&sb, NULL);
}

static void list_keys(struct strbuf *out, const struct strlist *keys)
{
	size_t i;

	for (i = 0; i < keys->n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", keys->v[i]);
}

static int check_untagged(struct dbcheck *db, const struct strlist *keys)
{
	char *json, *n;
	const char *params[1];
	struct strbuf list = STRBUF_INIT;

	if (!keys->n || !COL_OK(db, "tags"))
		return 0;
	params[0] = json = keys_json(keys);
	n = db_value(db, Q_UNTAGGED, 1, params);
	free(json);
	if (!n)
		return -1;
	list_keys(&list, keys);
	if (strcmp(n, "0"))
		findings_add(db->f, &r_db_tags, &table_loc, NULL, "/columns/tags", NULL, NULL,
			     "%s %s a required tag (%s)", n, strcmp(n, "1") ? "rows lack" : "row lacks",
			     list.buf);
	strbuf_release(&list);
	free(n);
	return 0;
}

static int audit_table(struct dbcheck *db, const struct ts_config *cfg)
{
	const char *params[] = { ENVCHECK_TABLE };
	char *exists = db_value(db, Q_EXISTS, 1, params);
	int ret;

	if (!exists)
		return -1;
	if (strcmp(exists, "t")) {
		free(exists);
		findings_add(db->f, &r_db_table, &table_loc, NULL, NULL, NULL, NULL,
			     "table %s does not exist", ENVCHECK_TABLE);
		return 0;
	}
	free(exists);
	ret = check_columns(db) || check_index(db) || check_rls(db) ||
	      check_old_rows(db, cfg->retention_days) ||
	      check_untagged(db, &cfg->required_tags);
	return ret ? -1 : 0;
}

int envcheck_db(const struct ts_config *cfg, const char *conninfo,
		struct findings *f, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	struct dbcheck db = { NULL, f, d, 0 };
	int ret;

	db.conn = pgconn_open(conninfo, &err);
	if (!db.conn) {
		diag_fail(d, "--db: %s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	ret = audit_table(&db, cfg);
	PQfinish(db.conn);
	return ret;
}
