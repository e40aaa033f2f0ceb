/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source_pg.c: registry rows from a PostgreSQL table (libpq).
 *
 *	SELECT "key", "min_role", "standards" FROM "public"."tool_registry"
 *	 ORDER BY "key" COLLATE pg_catalog."C"
 *
 * The only names in the SQL are the configured table and columns, each
 * quoted with PQescapeIdentifier; nothing from the rows is ever part of a
 * query.  Queries go through the extended protocol (PQexecParams,
 * PQsendQueryParams), which runs one statement at most.
 *
 * Rows stream in single-row mode: libpq holds one row at a time, and the
 * server waits while the socket is full, so memory does not grow with the
 * table.  The "C" collation orders keys by bytes, as strcmp() does, so the
 * rows come in the same order whatever the database's locale.
 *
 * Every row's location is "table T, key 'k'" (srcloc line 0: a free
 * description).  A column's type is checked once, before the rows; each
 * row's NULLs and unreadable values are reported at the row, and the rows
 * after it are still read.
 */
#include "toolsync/registry.h"
#include "toolsync/pgconn.h"
#include "toolsync/source_pg.h"
#include "toolsync/strpool.h"

/* Type OIDs are fixed for built-in types (pg_type.dat). */
enum {
	OID_TEXT = 25,
	OID_JSON = 114,
	OID_TEXT_ARRAY = 1009,
	OID_VARCHAR_ARRAY = 1015,
	OID_VARCHAR = 1043,
	OID_JSONB = 3802,
};

typedef int (*std_parser)(const char *s, size_t len, struct strlist *out, struct strbuf *err);

struct pg_source {
	struct source base;
	const struct ts_config *cfg;
	PGconn *conn;
	struct srcloc where;      /* "table T" */
	std_parser parse_std;     /* by the standards column's type */
	const char *std_type;     /* that type, for messages */
	size_t nrows;
	int done;                 /* the end, or an error the rows cannot go past */
};

/*
 * Row locations must outlive the source: compile keeps the first location
 * of every key, and diff reports findings after the source is closed.
 * They are kept until exit, like interned paths, but every row's is
 * different, so they go into a string pool: no hash table, and no
 * malloc header each (about 30 bytes + the key per row).
 */
static struct strpool locs;

/* A query's error, as one line: the server's primary message if any. */
static void result_message(struct strbuf *out, PGconn *conn, const PGresult *res)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (!msg)
		msg = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	pgconn_add_message(out, msg);
}

static void query_error(struct pg_source *ps, const PGresult *res, struct diag *d)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	struct strbuf msg = STRBUF_INIT;

	result_message(&msg, ps->conn, res);
	if (state && !strcmp(state, "42P01"))
		diag_error(d, &ps->where, "no such table: %s (create it with "
			   "schemas/sql/001_tool_registry.sql, or set registry.table)", msg.buf);
	else if (state && !strcmp(state, "42703"))
		diag_error(d, &ps->where, "%s (set registry.columns to the table's column names)",
			   msg.buf);
	else
		diag_error(d, &ps->where, "cannot read the registry: %s", msg.buf);
	strbuf_release(&msg);
}

/* SELECT key, min_role, standards FROM table, every name quoted. */
static int build_select(struct pg_source *ps, struct strbuf *sql, struct strbuf *err)
{
	const struct ts_config *cfg = ps->cfg;

	strbuf_addstr(sql, "SELECT ");
	if (pgsrc_quote_ident(ps->conn, cfg->col_key, sql, err))
		return -1;
	strbuf_addstr(sql, ", ");
	if (pgsrc_quote_ident(ps->conn, cfg->col_min_role, sql, err))
		return -1;
	strbuf_addstr(sql, ", ");
	if (pgsrc_quote_ident(ps->conn, cfg->col_standards, sql, err))
		return -1;
	strbuf_addstr(sql, " FROM ");
	return pgsrc_quote_table(ps->conn, cfg->pg_table, sql, err);
}

/* The type's name as SQL writes it, and whether it is an enum. */
static void type_info(PGconn *conn, Oid oid, struct strbuf *name, int *is_enum)
{
	char buf[16];
	const char *params[1] = { buf };
	PGresult *res;

	snprintf(buf, sizeof(buf), "%u", (unsigned)oid);
	res = PQexecParams(conn, "SELECT pg_catalog.format_type(t.oid, NULL), t.typtype "
			   "FROM pg_catalog.pg_type t WHERE t.oid = $1::pg_catalog.oid",
			   1, NULL, params, NULL, NULL, 0);
	*is_enum = 0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		strbuf_addstr(name, PQgetvalue(res, 0, 0));
		*is_enum = PQgetvalue(res, 0, 1)[0] == 'e';
	} else {
		strbuf_addf(name, "type %u", (unsigned)oid);
	}
	PQclear(res);
}

static int wrong_type(struct pg_source *ps, Oid oid, const char *col, const char *expected,
		      struct diag *d)
{
	struct strbuf name = STRBUF_INIT;
	int is_enum;

	type_info(ps->conn, oid, &name, &is_enum);
	diag_error(d, &ps->where, "column %s has type %s; expected %s", col, name.buf, expected);
	strbuf_release(&name);
	return -1;
}

static int is_string_type(Oid oid)
{
	return oid == OID_TEXT || oid == OID_VARCHAR;
}

/* min_role may also be an enum of the roles. */
static int check_role_type(struct pg_source *ps, Oid oid, struct diag *d)
{
	struct strbuf name = STRBUF_INIT;
	int is_enum;

	if (is_string_type(oid))
		return 0;
	type_info(ps->conn, oid, &name, &is_enum);
	if (!is_enum)
		diag_error(d, &ps->where, "column %s has type %s; expected text, varchar or an enum",
			   ps->cfg->col_min_role, name.buf);
	strbuf_release(&name);
	return is_enum ? 0 : -1;
}

static int check_standards_type(struct pg_source *ps, Oid oid, struct diag *d)
{
	static const struct { Oid oid; std_parser parse; const char *name; } kinds[] = {
		{ OID_TEXT_ARRAY, pgsrc_parse_array, "text[]" },
		{ OID_VARCHAR_ARRAY, pgsrc_parse_array, "varchar[]" },
		{ OID_JSONB, pgsrc_parse_json, "jsonb" },
		{ OID_JSON, pgsrc_parse_json, "json" },
		{ OID_TEXT, pgsrc_parse_text, "text" },
		{ OID_VARCHAR, pgsrc_parse_text, "varchar" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].oid == oid) {
			ps->parse_std = kinds[i].parse;
			ps->std_type = kinds[i].name;
			return 0;
		}
	return wrong_type(ps, oid, ps->cfg->col_standards,
			  "text[], jsonb, json or text (a JSON array or a comma-separated list)", d);
}

/* The columns' types, from an empty result of the same SELECT. */
static int check_columns(struct pg_source *ps, const char *select, struct diag *d)
{
	struct strbuf sql = STRBUF_INIT;
	PGresult *res;
	int bad = 0;

	strbuf_addf(&sql, "%s LIMIT 0", select);
	res = PQexecParams(ps->conn, sql.buf, 0, NULL, NULL, NULL, NULL, 0);
	strbuf_release(&sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		query_error(ps, res, d);
		PQclear(res);
		return -1;
	}
	if (!is_string_type(PQftype(res, 0)))
		bad |= wrong_type(ps, PQftype(res, 0), ps->cfg->col_key, "text or varchar", d);
	bad |= check_role_type(ps, PQftype(res, 1), d);
	bad |= check_standards_type(ps, PQftype(res, 2), d);
	PQclear(res);
	return bad;
}

/* Send the ordered SELECT and ask for its rows one at a time. */
static int start_stream(struct pg_source *ps, const char *select, struct diag *d)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	int ret = -1;

	strbuf_addf(&sql, "%s ORDER BY ", select);
	if (pgsrc_quote_ident(ps->conn, ps->cfg->col_key, &sql, &err)) {
		diag_error(d, &ps->where, "%s", err.buf);
		goto out;
	}
	strbuf_addstr(&sql, " COLLATE pg_catalog.\"C\"");
	if (!PQsendQueryParams(ps->conn, sql.buf, 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(ps->conn))
		query_error(ps, NULL, d);
	else
		ret = 0;
out:
	strbuf_release(&sql);
	strbuf_release(&err);
	return ret;
}

/* Column i of the row as a C string; NULL when it is NULL or holds a NUL byte. */
static char *column_value(const PGresult *res, int i, const char *col,
			  const struct srcloc *loc, struct diag *d)
{
	const char *v = PQgetvalue(res, 0, i);
	size_t len = (size_t)PQgetlength(res, 0, i);

	if (PQgetisnull(res, 0, i)) {
		diag_error(d, loc, "column %s is NULL", col);
		return NULL;
	}
	if (memchr(v, '\0', len)) {
		diag_error(d, loc, "column %s holds a NUL byte", col);
		return NULL;
	}
	return xmemdupz(v, len);
}

static int read_standards(struct pg_source *ps, const PGresult *res, struct row *row,
			  struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	const char *col = ps->cfg->col_standards;

	if (PQgetisnull(res, 0, 2)) {
		diag_error(d, &row->loc, "column %s is NULL", col);
		return -1;
	}
	if (!ps->parse_std(PQgetvalue(res, 0, 2), (size_t)PQgetlength(res, 0, 2),
			   &row->standards, &err))
		return 0;
	diag_error(d, &row->loc, "column %s (%s): %s", col, ps->std_type, err.buf);
	strbuf_release(&err);
	return -1;
}

/* One row of a PGRES_SINGLE_TUPLE result; every problem is reported. */
static int read_row(struct pg_source *ps, const PGresult *res, struct row *row, struct diag *d)
{
	struct strbuf where = STRBUF_INIT;
	int bad = 0;

	if (PQgetisnull(res, 0, 0)) {
		diag_error(d, &ps->where, "column %s is NULL in row %zu (in key order)",
			   ps->cfg->col_key, ps->nrows);
		return -1;
	}
	pgsrc_row_where(&where, ps->cfg->pg_table, PQgetvalue(res, 0, 0),
			(size_t)PQgetlength(res, 0, 0));
	row->loc = (struct srcloc){ strpool_copy(&locs, where.buf, where.len), 0, 0, 0 };
	row->key_loc = row->role_loc = row->standards_loc = row->loc;
	strbuf_release(&where);
	if (!(row->key = column_value(res, 0, ps->cfg->col_key, &row->loc, d)))
		return -1;
	if (!(row->min_role = column_value(res, 1, ps->cfg->col_min_role, &row->loc, d)))
		bad = -1;
	if (read_standards(ps, res, row, d))
		bad = -1;
	return bad;
}

/* The stream ended or broke: what is left of it, and any error in it. */
static int finish_stream(struct pg_source *ps, PGresult *res, struct diag *d)
{
	struct strbuf msg = STRBUF_INIT;
	int ret = 0;

	ps->done = 1;
	do {
		ExecStatusType st = PQresultStatus(res);

		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && !ret) {
			result_message(&msg, ps->conn, res);
			diag_error(d, &ps->where, "reading the rows failed after %zu row%s: %s",
				   ps->nrows, ps->nrows == 1 ? "" : "s", msg.buf);
			ret = -1;
		}
		PQclear(res);
	} while ((res = PQgetResult(ps->conn)));
	if (!ret && PQstatus(ps->conn) != CONNECTION_OK) {
		result_message(&msg, ps->conn, NULL);
		diag_error(d, &ps->where, "reading the rows failed after %zu rows: %s",
			   ps->nrows, msg.buf);
		ret = -1;
	}
	/*
	 * No rows at all is far more often a role that row-level security
	 * hides every row from, or the wrong database, than a real catalogue;
	 * building it would remove every manifest.
	 */
	if (!ret && !ps->nrows) {
		diag_error(d, &ps->where, "the table has no rows, or none this role may read "
			   "(row-level security: see docs/postgres.md)");
		ret = -1;
	}
	strbuf_release(&msg);
	return ret;
}

static int pg_next(struct source *base, struct row *row, struct diag *d)
{
	struct pg_source *ps = (struct pg_source *)base;
	PGresult *res;

	row_init(row);
	if (ps->done)
		return 0;
	res = PQgetResult(ps->conn);
	if (!res) {
		ps->done = 1;
		return 0;
	}
	if (PQresultStatus(res) != PGRES_SINGLE_TUPLE)
		return finish_stream(ps, res, d);
	ps->nrows++;
	if (read_row(ps, res, row, d)) {
		row_release(row);
		PQclear(res);
		return -1;    /* the rows after it are still read */
	}
	PQclear(res);
	return 1;
}

static void pg_close(struct source *base)
{
	struct pg_source *ps = (struct pg_source *)base;

	if (ps->conn)
		PQfinish(ps->conn);
	free(ps);
}

static const struct source_ops pg_ops = { pg_next, pg_close };

struct source *source_pg_open(const struct ts_config *cfg, const char *conninfo, struct diag *d)
{
	struct pg_source *ps = xcalloc(1, sizeof(*ps));
	struct strbuf err = STRBUF_INIT, select = STRBUF_INIT, name = STRBUF_INIT;

	ps->base.ops = &pg_ops;
	ps->cfg = cfg;
	strbuf_addf(&name, "table %s", cfg->pg_table);
	ps->base.name = path_intern(name.buf);
	ps->where = (struct srcloc){ ps->base.name, 0, 0, 0 };
	strbuf_release(&name);
	ps->conn = pgconn_open(pgsrc_conninfo(conninfo), &err);
	if (!ps->conn) {
		diag_fail(d, "%s", err.buf);
		goto fail;
	}
	if (build_select(ps, &select, &err)) {
		diag_error(d, &ps->where, "%s", err.buf);
		goto fail;
	}
	if (check_columns(ps, select.buf, d) || start_stream(ps, select.buf, d))
		goto fail;
	strbuf_release(&select);
	strbuf_release(&err);
	return &ps->base;
fail:
	strbuf_release(&select);
	strbuf_release(&err);
	pg_close(&ps->base);
	return NULL;
}
