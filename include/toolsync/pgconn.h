/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pgconn.h: connecting to PostgreSQL (libpq), shared by the registry source
 * and check-config --db.
 */
#ifndef TOOLSYNC_PGCONN_H
#define TOOLSYNC_PGCONN_H

#include <libpq-fe.h>

#include "toolsync/strbuf.h"

/*
 * Connect with a URI or conninfo string ("" uses DATABASE_URL, else the
 * PG* variables), read by pgconn_parse() and given to libpq as keywords;
 * also sets the client encoding to UTF8.  Returns the connection, or NULL
 * with a message in err (the password is never part of it).
 */
PGconn *pgconn_open(const char *conninfo, struct strbuf *err);

/* A connection string as libpq keywords: both arrays end in NULL. */
struct pgconn_params {
	char **keys, **vals;
	size_t n, alloc;
};

/*
 * Read a connection string, in either of libpq's forms:
 *
 *	postgresql://[user[:password]@][host[:port][,...]][/dbname][?key=value&...]
 *	(or postgres://), every part percent-decoded.  The user part ends at
 *	the last '@' before the query, or at the last '@' when the query has
 *	none before it, so a password may hold '@', '/' and '?' unencoded
 *	("postgresql://u:PASS@WORD@host/db" is user u, password PASS@WORD,
 *	host host).  A database name holding '@' after a user:password is
 *	written %40.  ssl=true is sslmode=require.
 *
 *	key=value key='quoted value' ...   (libpq's conninfo; '\' escapes)
 *
 * Empty URI parts are left out.  Every keyword must be one libpq knows.
 * 0, or -1 with "malformed connection string: ..." in err: never a piece of
 * the string, which may be the password.  Release p either way.
 */
int pgconn_parse(const char *conninfo, struct pgconn_params *p, struct strbuf *err);
/* The last value of key, or NULL. */
const char *pgconn_param(const struct pgconn_params *p, const char *key);
/* Free (and wipe) the keywords and values. */
void pgconn_params_release(struct pgconn_params *p);

/* Append a libpq message as one trimmed line (libpq's span lines). */
void pgconn_add_message(struct strbuf *err, const char *msg);

#endif
