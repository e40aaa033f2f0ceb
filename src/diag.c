/* SPDX-License-Identifier: Apache-2.0 */
/* diag.c: error messages with file:line:col, quoted source and caret. */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "toolsync/diag.h"
#include "toolsync/quote.h"
#include "toolsync/secret.h"
#include "toolsync/term.h"
#include "toolsync/utf8.h"
#include "toolsync/hashset.h"

/*
 * Interned strings: locations borrow these pointers, so they live until
 * exit (reachable, so leak checkers are quiet).  Templates are loaded on
 * several threads (template.c), so the set, and the registered texts
 * below, are taken under a lock; a key's bytes never move.
 */
static struct hashset interned = HASHSET_INIT;
static pthread_mutex_t interned_mu = PTHREAD_MUTEX_INITIALIZER;

const char *path_intern(const char *s)
{
	const char *key;

	if (!s)
		return NULL;
	pthread_mutex_lock(&interned_mu);
	key = hashset_add(&interned, s, strlen(s), NULL)->key;
	pthread_mutex_unlock(&interned_mu);
	return key;
}

void srcloc_format(struct strbuf *out, const struct srcloc *loc)
{
	if (!loc || !loc->file)
		return;
	quote_add(out, loc->file, strlen(loc->file), 0);
	if (loc->line) {
		strbuf_addf(out, ":%u", loc->line);
		if (loc->col)
			strbuf_addf(out, ":%u", loc->col);
	}
}

/* Registered file texts, for quoting the offending line. */
struct source_text {
	const char *file;   /* interned */
	char *data;
	size_t len;
};
static struct source_text *sources;
static size_t nsources, sources_alloc;
static struct hashset source_index = HASHSET_INIT;  /* file -> 1 + index in sources */
static pthread_mutex_t sources_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * Each file has one slot in sources, found from its interned name: adding
 * and finding are O(1) however many files were read.  A dropped file's
 * slot stays, empty, for when it is added again.
 */
static struct source_text *source_slot(const char *file)
{
	struct hashset_entry *e = hashset_add(&source_index, file, strlen(file), NULL);

	if (!e->val) {
		ALLOC_GROW(sources, nsources, sources_alloc);
		sources[nsources].file = path_intern(file);
		sources[nsources].data = NULL;
		e->val = (void *)(uintptr_t)++nsources;
	}
	return &sources[(uintptr_t)e->val - 1];
}

void diag_add_source(const struct diag *d, const char *file, const char *data, size_t len)
{
	struct source_text *src;

	if (!file || (d && d->quiet))
		return;
	pthread_mutex_lock(&sources_mu);
	src = source_slot(file);
	if (src->data != data || src->len != len) {   /* else given with diag_give_source() */
		free(src->data);
		src->data = xmemdupz(data, len);
		src->len = len;
	}
	pthread_mutex_unlock(&sources_mu);
}

void diag_give_source(const char *file, char *data, size_t len)
{
	struct source_text *src;

	pthread_mutex_lock(&sources_mu);
	src = source_slot(file);
	if (src->data != data)
		free(src->data);
	src->data = data;
	src->len = len;
	pthread_mutex_unlock(&sources_mu);
}

static struct source_text *find_source(const char *file)
{
	const struct hashset_entry *e = file ? hashset_find(&source_index, file, strlen(file)) : NULL;
	struct source_text *src = e && e->val ? &sources[(uintptr_t)e->val - 1] : NULL;

	return src && src->data ? src : NULL;
}

void diag_drop_source(const char *file)
{
	struct source_text *src;

	pthread_mutex_lock(&sources_mu);
	if ((src = find_source(file))) {
		free(src->data);
		src->data = NULL;
		src->len = 0;
	}
	pthread_mutex_unlock(&sources_mu);
}

void diag_clear_sources(void)
{
	size_t i;

	pthread_mutex_lock(&sources_mu);
	for (i = 0; i < nsources; i++)
		free(sources[i].data);
	free(sources);
	sources = NULL;
	nsources = sources_alloc = 0;
	hashset_release(&source_index);
	pthread_mutex_unlock(&sources_mu);
}

/*
 * A quoted line as it may be shown: secrets masked, and every control
 * character or invalid byte one '?', so that the caret still lines up and
 * no escape sequence reaches the terminal.
 */
static void add_line(struct strbuf *out, const char *p, size_t len)
{
	char *line = xmemdupz(p, len);
	size_t i = 0, n;

	secret_mask(line, len);
	while (i < len) {
		if ((n = quote_printable(line + i, len - i))) {
			strbuf_add(out, line + i, n);
			i += n;
		} else {
			strbuf_addch(out, line[i++] == '\t' ? ' ' : '?');
		}
	}
	free(line);
}

/* Quote line loc->line of the text p..end, with a caret under col. */
static void quote_line(struct strbuf *out, const struct srcloc *loc, const char *p,
		       const char *end)
{
	const char *eol;
	unsigned line = 1, col, width;

	while (line < loc->line && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return;
		p = nl + 1;
		line++;
	}
	if (line != loc->line || p > end)
		return;
	eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	if (eol - p > 200)
		return;         /* a minified line tells nothing */
	width = (unsigned)snprintf(NULL, 0, "%u", loc->line);
	strbuf_addf(out, " %*u | ", (int)width, loc->line);
	add_line(out, p, (size_t)(eol - p));
	strbuf_addch(out, '\n');
	if (!loc->col)
		return;
	strbuf_addf(out, " %*s | ", (int)width, "");
	for (col = 1; col < loc->col; col++)
		strbuf_addch(out, ' ');
	strbuf_addch(out, '^');
	for (col = 1; col < loc->len && col < 80; col++)
		strbuf_addch(out, '~');
	strbuf_addch(out, '\n');
}

/* Quote line loc->line of the registered file, if any, with a caret under col. */
static void quote_source(struct strbuf *out, const struct srcloc *loc)
{
	const struct source_text *src;

	if (!loc->line)
		return;
	pthread_mutex_lock(&sources_mu);
	if ((src = find_source(loc->file)))
		quote_line(out, loc, src->data, src->data + src->len);
	pthread_mutex_unlock(&sources_mu);
}

/* "error", "warning" or "note", coloured as compilers colour them. */
static void add_kind(struct strbuf *sb, const char *kind, int color)
{
	const char *c = !color ? NULL : !strcmp(kind, "error") ? "\033[1;31m" :
			!strcmp(kind, "warning") ? "\033[1;35m" : "\033[1;36m";

	if (c)
		strbuf_addf(sb, "%s%s\033[0m", c, kind);
	else
		strbuf_addstr(sb, kind);
}

static void emit(struct diag *d, const char *kind, const struct srcloc *loc,
		 const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT, msg = STRBUF_INIT, raw = STRBUF_INIT;
	unsigned max = d->max_errors ? d->max_errors : 100;
	FILE *out = d->out ? d->out : stderr;

	if (d->quiet)
		return;
	/* every message, whatever its values: one line, no secret */
	strbuf_vaddf(&raw, fmt, ap);
	quote_add(&msg, raw.buf, raw.len, 0);
	strbuf_release(&raw);
	if (d->sink && !strcmp(kind, "error"))
		d->sink(d->sink_ctx, loc, msg.buf);
	if (d->errors + d->warnings > max)
		goto out;
	if (d->errors + d->warnings == max) {
		fprintf(out, "toolsync: too many errors, stopping here\n");
		goto out;
	}
	strbuf_addstr(&sb, "toolsync: ");
	if (loc && loc->file) {
		srcloc_format(&sb, loc);
		strbuf_addstr(&sb, ": ");
	}
	add_kind(&sb, kind, term_color(out));
	strbuf_addstr(&sb, ": ");
	strbuf_addbuf(&sb, &msg);   /* quote_add above: one line, no secret */
	strbuf_addch(&sb, '\n');
	if (loc && loc->file && !d->no_source)
		quote_source(&sb, loc);
	fwrite(sb.buf, 1, sb.len, out);
out:
	strbuf_release(&sb);
	strbuf_release(&msg);
}

void diag_verror(struct diag *d, const struct srcloc *loc, const char *fmt, va_list ap)
{
	emit(d, "error", loc, fmt, ap);
	d->errors++;
}

void diag_error(struct diag *d, const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(d, loc, fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag *d, const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(d, "warning", loc, fmt, ap);
	va_end(ap);
	d->warnings++;
}

void diag_note(struct diag *d, const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(d, "note", loc, fmt, ap);
	va_end(ap);
}

void diag_fail(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(d, "error", NULL, fmt, ap);
	va_end(ap);
	d->errors++;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	struct strbuf raw = STRBUF_INIT, msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&raw, fmt, ap);
	va_end(ap);
	quote_add(&msg, raw.buf, raw.len, 0);
	fprintf(stderr, "toolsync: %s: %s\nusage: see 'toolsync help %s'\n", cmd, msg.buf, cmd);
	strbuf_release(&raw);
	strbuf_release(&msg);
	return EXIT_ERROR;
}
