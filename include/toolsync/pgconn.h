/*
 * pgconn.h: connecting to PostgreSQL (libpq), shared by the registry source
 * and check-config --db.
 */
#ifndef TOOLSYNC_PGCONN_H
#define TOOLSYNC_PGCONN_H

#include <libpq-fe.h>

#include "toolsync/strbuf.h"

/*
 * Connect with a libpq URI or conninfo string ("" uses DATABASE_URL, else
 * the PG* variables).  Returns the connection, or NULL with a message in err
 * (the password is never part of it).
 */
/* also sets the client encoding to UTF8 */
PGconn *pgconn_open(const char *conninfo, struct strbuf *err);

/* Append a libpq message as one trimmed line (libpq's span lines). */
void pgconn_add_message(struct strbuf *err, const char *msg);

/* A safe description of the target for messages: "host:port/db", no password. */
void pgconn_describe(PGconn *conn, struct strbuf *out);

#endif
