/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pgconn.c: connecting to PostgreSQL, for the registry source and
 * check-config --db.
 *
 * toolsync reads the connection string itself and gives libpq keywords
 * (PQconnectdbParams, expand_dbname 0), so that libpq never sees, and
 * never quotes back, a piece of the string: its own URI reader splits
 * "postgresql://u:PASS@WORD@host/db" at the first '@' and then complains
 * about the host "WORD@host".  libpq still reads the PG* variables for
 * whatever the string leaves out; DATABASE_URL (the name Supabase, Heroku
 * and most tools use) is taken only when no string is given at all.
 */
#include <ctype.h>

#include "toolsync/common.h"
#include "toolsync/pgconn.h"
#include "toolsync/pq.h"

void pgconn_add_message(struct strbuf *err, const char *msg)
{
	size_t start = err->len, i;

	strbuf_addstr(err, msg ? msg : "unknown libpq error");
	strbuf_rtrim(err);
	for (i = start; i < err->len; i++)
		if (err->buf[i] == '\n' || err->buf[i] == '\t')
			err->buf[i] = ' ';
}

/* ---- the parameters ---------------------------------------------------- */

/* Room for one more and the NULL that ends both arrays. */
static void params_grow(struct pgconn_params *p)
{
	if (p->n + 1 >= p->alloc) {
		p->alloc = (p->alloc + 8) * 2;
		p->keys = xrealloc(p->keys, st_mult(p->alloc, sizeof(*p->keys)));
		p->vals = xrealloc(p->vals, st_mult(p->alloc, sizeof(*p->vals)));
	}
	p->keys[p->n] = p->vals[p->n] = NULL;
}

static void param_add(struct pgconn_params *p, const char *key, size_t klen,
		      const char *val, size_t vlen)
{
	params_grow(p);
	p->keys[p->n] = xmemdupz(key, klen);
	p->vals[p->n] = xmemdupz(val, vlen);
	p->n++;
	p->keys[p->n] = p->vals[p->n] = NULL;
}

const char *pgconn_param(const struct pgconn_params *p, const char *key)
{
	size_t i = p->n;

	while (i-- > 0)   /* the last one wins, as in libpq */
		if (!strcmp(p->keys[i], key))
			return p->vals[i];
	return NULL;
}

void pgconn_params_release(struct pgconn_params *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->keys[i]);
		/* a password among them: wiped, not only freed */
		memset(p->vals[i], 0, strlen(p->vals[i]));
		free(p->vals[i]);
	}
	free(p->keys);
	free(p->vals);
	memset(p, 0, sizeof(*p));
}

TS_PRINTF(2, 3) static int malformed(struct strbuf *err, const char *fmt, ...)
{
	va_list ap;

	strbuf_addstr(err, "malformed connection string: ");
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- URIs: postgresql://[user[:password]@][host[:port],...][/dbname][?k=v&...] */

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* s[0, len) percent-decoded into out; -1 (reported) for a bad or NUL escape. */
static int decode(const char *s, size_t len, struct strbuf *out, struct strbuf *err)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			strbuf_addch(out, s[i]);
			continue;
		}
		if (i + 2 >= len || (hi = hexval((unsigned char)s[i + 1])) < 0 ||
		    (lo = hexval((unsigned char)s[i + 2])) < 0)
			return malformed(err, "invalid percent-encoded token");
		if (!hi && !lo)
			return malformed(err, "forbidden value %%00 in a percent-encoded value");
		strbuf_addch(out, hi * 16 + lo);
		i += 2;
	}
	return 0;
}

/* Wipe and free: the buffer may have held the password. */
static void wipe_release(struct strbuf *sb)
{
	memset(sb->buf, 0, sb->len);
	strbuf_release(sb);
}

/* key = s[0, len) percent-decoded; empty values are left out (libpq's default then). */
static int add_decoded(struct pgconn_params *p, const char *key, const char *s, size_t len,
		       struct strbuf *err)
{
	struct strbuf v = STRBUF_INIT;
	int ret = decode(s, len, &v, err);

	if (!ret && v.len)
		param_add(p, key, strlen(key), v.buf, v.len);
	wipe_release(&v);
	return ret;
}

/*
 * Where the user part ends: the last '@' before the query, or when the
 * query holds no '@' before it, the last '@' at all (a password may hold
 * '@', '/' and '?' unencoded, as psql users write them).  A candidate
 * whose text before its first '/' or '?' has no ':' is not a user part
 * ("host/db@x": a database name).  NULL: there is none.
 */
static const char *userinfo_end(const char *s)
{
	const char *q = strchr(s, '?'), *at = NULL, *p, *stop;

	for (p = s; *p && (!q || p < q); p++)
		if (*p == '@')
			at = p;
	if (!at && q)
		at = strrchr(q, '@');
	if (!at)
		return NULL;
	stop = s + strcspn(s, "/?");
	if (stop < at && !memchr(s, ':', (size_t)(stop - s)))
		return NULL;
	return at;
}

static int parse_userinfo(const char *s, size_t len, struct pgconn_params *p, struct strbuf *err)
{
	const char *colon = memchr(s, ':', len);
	size_t ulen = colon ? (size_t)(colon - s) : len;

	if (add_decoded(p, "user", s, ulen, err))
		return -1;
	if (colon && add_decoded(p, "password", colon + 1, len - ulen - 1, err))
		return -1;
	return 0;
}

/* One "host[:port]" or "[v6][:port]" of the host list, appended to hosts and ports. */
static int parse_one_host(const char *s, size_t len, struct strbuf *hosts, struct strbuf *ports,
			  struct strbuf *err)
{
	const char *hend = s + len, *port = NULL, *start = s;

	if (len && *s == '[') {
		const char *close = memchr(s, ']', len);

		if (!close)
			return malformed(err, "missing ']' after an IPv6 host address");
		start = s + 1;
		hend = close;
		if (close + 1 < s + len && close[1] != ':')
			return malformed(err, "unexpected text after an IPv6 host address");
		if (close + 1 < s + len)
			port = close + 2;
	} else {
		const char *colon = memchr(s, ':', len);

		if (colon) {
			hend = colon;
			port = colon + 1;
		}
	}
	if (decode(start, (size_t)(hend - start), hosts, err))
		return -1;
	return port ? decode(port, (size_t)(s + len - port), ports, err) : 0;
}

/* host[:port],host[:port]... as libpq's host and port lists. */
static int parse_hosts(const char *s, size_t len, struct pgconn_params *p, struct strbuf *err)
{
	struct strbuf hosts = STRBUF_INIT, ports = STRBUF_INIT;
	const char *end = s + len, *comma;
	int ret = 0, any_port = 0;

	while (!ret) {
		comma = memchr(s, ',', (size_t)(end - s));
		if (!comma)
			comma = end;
		ret = parse_one_host(s, (size_t)(comma - s), &hosts, &ports, err);
		any_port |= memchr(s, ':', (size_t)(comma - s)) != NULL;
		if (comma == end)
			break;
		strbuf_addch(&hosts, ',');
		strbuf_addch(&ports, ',');
		s = comma + 1;
	}
	if (!ret && len && hosts.len)
		param_add(p, "host", 4, hosts.buf, hosts.len);
	if (!ret && any_port)
		param_add(p, "port", 4, ports.buf, ports.len);
	strbuf_release(&hosts);
	strbuf_release(&ports);
	return ret;
}

/* k=v&k=v, each percent-decoded; "ssl=true" is sslmode=require, as in libpq. */
static int parse_query(const char *s, struct pgconn_params *p, struct strbuf *err)
{
	struct strbuf key = STRBUF_INIT;
	int ret = 0;

	while (*s && !ret) {
		size_t n = strcspn(s, "&");
		const char *eq = memchr(s, '=', n);

		strbuf_reset(&key);
		if (!eq)
			ret = malformed(err, "a query parameter without '='");
		else if (!(ret = decode(s, (size_t)(eq - s), &key, err))) {
			if (!strcmp(key.buf, "ssl") && (size_t)(s + n - eq - 1) == 4 &&
			    !memcmp(eq + 1, "true", 4))
				param_add(p, "sslmode", 7, "require", 7);
			else
				ret = add_decoded(p, key.buf, eq + 1, (size_t)(s + n - eq - 1), err);
		}
		s += n + (s[n] == '&');
	}
	strbuf_release(&key);
	return ret;
}

static int parse_uri(const char *s, struct pgconn_params *p, struct strbuf *err)
{
	const char *at = userinfo_end(s), *host = at ? at + 1 : s;
	size_t hlen = strcspn(host, "/?");
	const char *rest = host + hlen;

	if (at && parse_userinfo(s, (size_t)(at - s), p, err))
		return -1;
	if (parse_hosts(host, hlen, p, err))
		return -1;
	if (*rest == '/') {
		size_t dlen = strcspn(rest + 1, "?");

		if (add_decoded(p, "dbname", rest + 1, dlen, err))
			return -1;
		rest += 1 + dlen;
	}
	return *rest == '?' ? parse_query(rest + 1, p, err) : 0;
}

/* ---- key = value ... (libpq's conninfo form) -------------------------- */

/* A value at *pp: 'quoted' or up to a blank; backslash escapes either way. */
static int parse_value(const char **pp, struct strbuf *val, struct strbuf *err)
{
	const char *p = *pp;
	int quoted = *p == '\'';

	if (quoted)
		p++;
	while (*p && (quoted ? *p != '\'' : !isspace((unsigned char)*p))) {
		if (*p == '\\' && p[1])
			p++;
		strbuf_addch(val, *p++);
	}
	if (quoted && !*p)
		return malformed(err, "unterminated quoted string");
	*pp = p + quoted;
	return 0;
}

static int parse_keywords(const char *s, struct pgconn_params *p, struct strbuf *err)
{
	struct strbuf val = STRBUF_INIT;
	const char *start = s, *key;
	size_t klen;
	int ret = 0;

	while (!ret) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		key = s;
		while (*s && *s != '=' && !isspace((unsigned char)*s))
			s++;
		klen = (size_t)(s - key);
		while (isspace((unsigned char)*s))
			s++;
		/* the word is not quoted back: it may be half of a password */
		if (*s != '=' || !klen) {
			ret = malformed(err, "expected keyword=value at character %zu",
					(size_t)(key - start) + 1);
			break;
		}
		for (s++; isspace((unsigned char)*s); s++)
			;
		strbuf_reset(&val);
		if (!(ret = parse_value(&s, &val, err)))
			param_add(p, key, klen, val.buf, val.len);
	}
	wipe_release(&val);
	return ret;
}

/* Every keyword must be one libpq knows: it would quote an unknown one back. */
static int check_keywords(const struct pgconn_params *p, struct strbuf *err)
{
	PQconninfoOption *defs = PQconndefaults(), *o;
	size_t i;

	if (!defs)
		return malformed(err, "out of memory");
	for (i = 0; i < p->n; i++) {
		for (o = defs; o->keyword && strcmp(o->keyword, p->keys[i]); o++)
			;
		if (!o->keyword)
			break;
	}
	PQconninfoFree(defs);
	if (i < p->n)
		return malformed(err, "unknown option (the %zu%s parameter)", i + 1,
				 i == 0 ? "st" : i == 1 ? "nd" : i == 2 ? "rd" : "th");
	return 0;
}

static int is_uri(const char *s, const char **rest)
{
	static const char *const schemes[] = { "postgresql://", "postgres://" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(schemes); i++)
		if (!strncmp(s, schemes[i], strlen(schemes[i]))) {
			*rest = s + strlen(schemes[i]);
			return 1;
		}
	return 0;
}

int pgconn_parse(const char *conninfo, struct pgconn_params *p, struct strbuf *err)
{
	const char *rest;
	size_t mark = err->len;
	int ret;

	memset(p, 0, sizeof(*p));
	params_grow(p);
	ret = is_uri(conninfo, &rest) ? parse_uri(rest, p, err) : parse_keywords(conninfo, p, err);
	if (!ret)
		ret = check_keywords(p, err);
	if (ret) {
		pgconn_params_release(p);
		params_grow(p);
		if (err->len == mark)
			malformed(err, "unreadable");
	}
	return ret;
}

/* ---- connecting -------------------------------------------------------- */

/*
 * libpq's messages after a connection attempt quote hosts and users, not
 * passwords; should one ever hold the password (a host name made of it),
 * the text goes, the message stays.
 */
static void add_redacted(struct strbuf *err, const char *msg, const char *password)
{
	size_t start = err->len, plen = password ? strlen(password) : 0;
	char *hit;

	pgconn_add_message(err, msg);
	if (!plen)
		return;
	while ((hit = strstr(err->buf + start, password))) {
		size_t off = (size_t)(hit - err->buf);
		char *tail = xstrdup(hit + plen);

		strbuf_setlen(err, off);
		strbuf_addstr(err, "(password)");
		start = err->len;
		strbuf_addstr(err, tail);
		free(tail);
	}
}

/*
 * libpq waits for ever by default; a CI job should not.  The default
 * comes first, so that connect_timeout in the connection string, or
 * PGCONNECT_TIMEOUT, still wins.
 */
#define CONNECT_TIMEOUT "10"

static PGconn *connect_params(struct pgconn_params *p)
{
	struct pgconn_params all = { NULL, NULL, 0, 0 };
	PGconn *conn;
	size_t i;

	if (!getenv("PGCONNECT_TIMEOUT"))
		param_add(&all, "connect_timeout", 15, CONNECT_TIMEOUT, strlen(CONNECT_TIMEOUT));
	for (i = 0; i < p->n; i++)
		param_add(&all, p->keys[i], strlen(p->keys[i]), p->vals[i], strlen(p->vals[i]));
	params_grow(&all);   /* none at all: everything from the PG* variables */
	conn = PQconnectdbParams((const char *const *)all.keys, (const char *const *)all.vals, 0);
	pgconn_params_release(&all);
	return conn;
}

PGconn *pgconn_open(const char *conninfo, struct strbuf *err)
{
	const char *ci = conninfo;
	struct strbuf why = STRBUF_INIT;
	struct pgconn_params p;
	PGconn *conn;

	if ((!ci || !*ci) && getenv("DATABASE_URL") && *getenv("DATABASE_URL"))
		ci = getenv("DATABASE_URL");
	strbuf_addstr(&why, "cannot connect to PostgreSQL: ");
	if (pq_load(&why)) {
		p = (struct pgconn_params){ NULL, NULL, 0, 0 };
		conn = NULL;
	} else if (pgconn_parse(ci ? ci : "", &p, &why)) {
		conn = NULL;
	} else if (!(conn = connect_params(&p))) {
		strbuf_addstr(&why, "out of memory");
	} else if (PQstatus(conn) != CONNECTION_OK) {
		add_redacted(&why, PQerrorMessage(conn), pgconn_param(&p, "password"));
		PQfinish(conn);
		conn = NULL;
	} else if (PQsetClientEncoding(conn, "UTF8")) {
		/* the client encoding of every string toolsync reads back */
		strbuf_reset(&why);
		strbuf_addstr(&why, "cannot set the client encoding to UTF8: ");
		add_redacted(&why, PQerrorMessage(conn), pgconn_param(&p, "password"));
		PQfinish(conn);
		conn = NULL;
	}
	if (!conn)
		strbuf_addbuf(err, &why);
	strbuf_release(&why);
	pgconn_params_release(&p);
	return conn;
}
