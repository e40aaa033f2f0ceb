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

void pgconn_add_message(struct strbuf *err, const char *msg)
{
	size_t start = err->len, i;

	strbuf_addstr(err, msg ? msg : "unknown libpq error");
	strbuf_rtrim(err);
	for (i = start; i < err->len; i++)
		if (err->buf[i] == '\n' || err->buf[i] == '\t')
			err->buf[i] = ' ';
}

/*
 * libpq's complaints about a malformed connection string quote the part it
 * could not read, and that part may be the password ("invalid
 * percent-encoded token: "s3%zzcret"", or the whole URI): keep the
 * message, drop what it quotes.
 */
static void add_redacted(struct strbuf *err, const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	int in_quote = 0;

	for (; msg && *msg; msg++) {
		if (*msg == '"') {
			strbuf_addstr(&sb, in_quote ? "...\"" : "\"");
			in_quote = !in_quote;
		} else if (!in_quote) {
			strbuf_addch(&sb, *msg);
		}
	}
	pgconn_add_message(err, sb.buf);
	strbuf_release(&sb);
}

/* 0 if libpq can read ci; else -1 with the reason (redacted) in err. */
static int check_conninfo(const char *ci, struct strbuf *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(ci, &msg);

	if (opts) {
		PQconninfoFree(opts);
		return 0;
	}
	strbuf_addstr(err, "cannot connect to PostgreSQL: malformed connection string: ");
	add_redacted(err, msg ? msg : "out of memory");
	PQfreemem(msg);
	return -1;
}

/*
 * libpq waits for ever by default; a CI job should not.  The default
 * comes first, so that connect_timeout in the connection string, or
 * PGCONNECT_TIMEOUT, still wins.
 */
#define CONNECT_TIMEOUT "10"

static PGconn *connect_with_timeout(const char *ci)
{
	const char *const keys[] = { "connect_timeout", "dbname", NULL };
	const char *const vals[] = { getenv("PGCONNECT_TIMEOUT") ? "" : CONNECT_TIMEOUT, ci, NULL };

	return PQconnectdbParams(keys, vals, 1);
}

PGconn *pgconn_open(const char *conninfo, struct strbuf *err)
{
	const char *ci = conninfo;
	PGconn *conn;

	if ((!ci || !*ci) && getenv("DATABASE_URL") && *getenv("DATABASE_URL"))
		ci = getenv("DATABASE_URL");
	if (check_conninfo(ci ? ci : "", err))
		return NULL;
	conn = connect_with_timeout(ci ? ci : "");
	if (!conn) {
		strbuf_addstr(err, "cannot connect to PostgreSQL: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		strbuf_addstr(err, "cannot connect to PostgreSQL: ");
		pgconn_add_message(err, PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	/* the client encoding of every string toolsync reads back */
	if (PQsetClientEncoding(conn, "UTF8")) {
		strbuf_addstr(err, "cannot set the client encoding to UTF8: ");
		pgconn_add_message(err, PQerrorMessage(conn));
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
