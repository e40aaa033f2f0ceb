/*
 * pgconn.c: connecting to PostgreSQL, for the registry source and
 * check-config --db.
 *
 * libpq already reads the PG* variables for whatever the conninfo leaves
 * out; DATABASE_URL (the name Supabase, Heroku and most tools use) is
 * taken only when no conninfo is given at all.
 */
#include "toolsync/common.h"
#include "toolsync/pgconn.h"

/* libpq's messages end in a newline and may span lines: one line, trimmed. */
static void add_pq_message(struct strbuf *err, const char *msg)
{
	size_t start = err->len, i;

	strbuf_addstr(err, msg ? msg : "unknown libpq error");
	strbuf_rtrim(err);
	for (i = start; i < err->len; i++)
		if (err->buf[i] == '\n' || err->buf[i] == '\t')
			err->buf[i] = ' ';
}

PGconn *pgconn_open(const char *conninfo, struct strbuf *err)
{
	const char *ci = conninfo;
	PGconn *conn;

	if ((!ci || !*ci) && getenv("DATABASE_URL") && *getenv("DATABASE_URL"))
		ci = getenv("DATABASE_URL");
	conn = PQconnectdb(ci ? ci : "");
	if (!conn) {
		strbuf_addstr(err, "cannot connect to PostgreSQL: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		strbuf_addstr(err, "cannot connect to PostgreSQL: ");
		add_pq_message(err, PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	/* the client encoding of every string toolsync reads back */
	if (PQsetClientEncoding(conn, "UTF8")) {
		strbuf_addstr(err, "cannot set the client encoding to UTF8: ");
		add_pq_message(err, PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

void pgconn_describe(PGconn *conn, struct strbuf *out)
{
	const char *host = PQhost(conn);

	/* a socket directory is a path: say "socket" rather than print it */
	if (!host || !*host || *host == '/')
		strbuf_addf(out, "socket:%s/%s", PQport(conn), PQdb(conn));
	else
		strbuf_addf(out, "%s:%s/%s", host, PQport(conn), PQdb(conn));
}
