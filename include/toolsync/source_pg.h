/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source_pg.h: the pieces of the PostgreSQL registry source that need no
 * server, so that unit tests can reach them.  The source itself is
 * source_pg_open() in registry.h.
 *
 * Values arrive in libpq's text format and are read with PQgetlength(),
 * never strlen(): a value is its bytes, whatever they hold.
 */
#ifndef TOOLSYNC_SOURCE_PG_H
#define TOOLSYNC_SOURCE_PG_H

#include <libpq-fe.h>

#include "toolsync/config.h"

/*
 * Append the quoted form of a table name to out: "name" or "schema"."name"
 * (split at the one '.'), each part quoted with PQescapeIdentifier, so no
 * name, however hostile, is ever read as SQL.  Names are taken as written
 * (quoted identifiers keep their case).  -1 with a message in err for an
 * empty part or more than one '.'.
 */
int pgsrc_quote_table(PGconn *conn, const char *table, struct strbuf *out, struct strbuf *err);

/* Append one quoted identifier; -1 with a message in err (libpq refused it). */
int pgsrc_quote_ident(PGconn *conn, const char *name, struct strbuf *out, struct strbuf *err);

/*
 * The standards column, by its type.  Each parser appends the strings to
 * out and returns 0, or returns -1 with a message in err (out may then
 * hold some strings: release it).
 *
 *   pgsrc_parse_array  a one-dimensional array literal as PostgreSQL prints
 *                      text[] ({a,"b c"}); a NULL element is an error
 *   pgsrc_parse_json   a JSON array of strings (json, jsonb)
 *   pgsrc_parse_text   text: a JSON array if it starts with '[', else a
 *                      comma-separated list (blanks around items dropped;
 *                      an empty or blank value is the empty list)
 */
int pgsrc_parse_array(const char *s, size_t len, struct strlist *out, struct strbuf *err);
int pgsrc_parse_json(const char *s, size_t len, struct strlist *out, struct strbuf *err);
int pgsrc_parse_text(const char *s, size_t len, struct strlist *out, struct strbuf *err);

/*
 * A row's location: "table T, key 'k'".  Control characters in the key are
 * written as \xHH and a long key is cut (with "..."), so that a hostile
 * key cannot garble the terminal or flood the message.
 */
void pgsrc_row_where(struct strbuf *out, const char *table, const char *key, size_t keylen);

/*
 * The connection string to use for a registry value: a bare "postgresql://"
 * or "postgres://" means the default connection (DATABASE_URL, else the
 * PG* variables), which pgconn_open() takes as "".
 */
const char *pgsrc_conninfo(const char *registry);

#endif
