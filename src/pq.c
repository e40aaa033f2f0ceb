/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pq.c: libpq, opened when a command first talks to PostgreSQL.
 *
 * Linking libpq loads about 25 more libraries at every start (OpenSSL,
 * GnuTLS, Kerberos, LDAP, SASL): some 20 ms of CPU, more than a whole
 * 1,000-tool build spends on its tools, paid by every command although
 * most never connect.  So toolsync does not link it.  The functions below
 * have libpq's names and prototypes (libpq-fe.h is included, so the
 * compiler holds them to libpq's declarations) and forward to the
 * library that pq_load() opens: libpq.so.5, the soname of every libpq
 * since PostgreSQL 8.3.
 */
#include <dlfcn.h>
#include <libpq-fe.h>
#include <pthread.h>

#include "toolsync/pq.h"

#define PQ_SONAME "libpq.so.5"

/* Every libpq function toolsync calls: return type, name, parameters, arguments. */
#define PQ_FUNCS(X, V)                                                                    \
	X(PGconn *, PQconnectdbParams, (const char *const *keywords,                     \
		const char *const *values, int expand_dbname), (keywords, values, expand_dbname)) \
	X(PGconn *, PQconnectStart, (const char *conninfo), (conninfo))                  \
	X(PQconninfoOption *, PQconndefaults, (void), ())                                \
	V(PQconninfoFree, (PQconninfoOption *connOptions), (connOptions))                \
	X(ConnStatusType, PQstatus, (const PGconn *conn), (conn))                        \
	X(char *, PQerrorMessage, (const PGconn *conn), (conn))                          \
	X(int, PQsetClientEncoding, (PGconn *conn, const char *encoding), (conn, encoding)) \
	V(PQfinish, (PGconn *conn), (conn))                                              \
	X(PGresult *, PQexecParams, (PGconn *conn, const char *command, int nParams,     \
		const Oid *paramTypes, const char *const *paramValues,                    \
		const int *paramLengths, const int *paramFormats, int resultFormat),       \
	  (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,   \
	   resultFormat))                                                                 \
	X(int, PQsendQueryParams, (PGconn *conn, const char *command, int nParams,       \
		const Oid *paramTypes, const char *const *paramValues,                    \
		const int *paramLengths, const int *paramFormats, int resultFormat),       \
	  (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,   \
	   resultFormat))                                                                 \
	X(int, PQsetSingleRowMode, (PGconn *conn), (conn))                               \
	X(PGresult *, PQgetResult, (PGconn *conn), (conn))                               \
	X(ExecStatusType, PQresultStatus, (const PGresult *res), (res))                  \
	X(char *, PQresultErrorMessage, (const PGresult *res), (res))                    \
	X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode)) \
	X(int, PQntuples, (const PGresult *res), (res))                                  \
	X(Oid, PQftype, (const PGresult *res, int field_num), (res, field_num))          \
	X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num),         \
	  (res, tup_num, field_num))                                                     \
	X(int, PQgetlength, (const PGresult *res, int tup_num, int field_num),           \
	  (res, tup_num, field_num))                                                     \
	X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),           \
	  (res, tup_num, field_num))                                                     \
	V(PQclear, (PGresult *res), (res))                                               \
	X(char *, PQescapeIdentifier, (PGconn *conn, const char *str, size_t len),       \
	  (conn, str, len))                                                              \
	V(PQfreemem, (void *ptr), (ptr))

#define POINTER(type, name, params, args) type (*name) params;
#define VPOINTER(name, params, args) void (*name) params;
static struct {
	PQ_FUNCS(POINTER, VPOINTER)
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];    /* empty when libpq is loaded */

static void load(void)
{
	void *lib = dlopen(PQ_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!lib) {
		const char *why = dlerror();

		snprintf(load_error, sizeof(load_error), "cannot load %s (%s): install "
			 "Debian's libpq5 package", PQ_SONAME, why ? why : "not found");
		return;
	}
#define RESOLVE(name) \
	if (!missing && !(*(void **)&api.name = dlsym(lib, #name))) \
		missing = #name;
#define XRESOLVE(type, name, params, args) RESOLVE(name)
#define VRESOLVE(name, params, args) RESOLVE(name)
	PQ_FUNCS(XRESOLVE, VRESOLVE)
	if (missing) {
		snprintf(load_error, sizeof(load_error), "%s has no function %s: it is "
			 "older than toolsync needs", PQ_SONAME, missing);
		memset(&api, 0, sizeof(api));
	}
}

int pq_load(struct strbuf *err)
{
	pthread_once(&load_once, load);
	if (!*load_error)
		return 0;
	if (err)
		strbuf_addstr(err, load_error);
	return -1;
}

/* A call without pq_load() first: only code that skipped the check gets here. */
static void need(void)
{
	if (pq_load(NULL)) {
		fprintf(stderr, "toolsync: error: PostgreSQL: %s\n", load_error);
		exit(EXIT_ERROR);
	}
}

#define FORWARD(type, name, params, args) \
	type name params { need(); return api.name args; }
#define VFORWARD(name, params, args) \
	void name params { need(); api.name args; }
PQ_FUNCS(FORWARD, VFORWARD)
