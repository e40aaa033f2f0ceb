/* diag.c: error messages with file:line:col, quoted source and caret. */
#include <errno.h>
#include <unistd.h>

#include "toolsync/diag.h"
#include "toolsync/hashset.h"

/*
 * Interned strings: locations borrow these pointers, so they live until
 * exit (reachable, so leak checkers are quiet).
 */
static struct hashset interned = HASHSET_INIT;

const char *path_intern(const char *s)
{
	return s ? hashset_add(&interned, s, strlen(s), NULL)->key : NULL;
}

void srcloc_format(struct strbuf *out, const struct srcloc *loc)
{
	if (!loc || !loc->file)
		return;
	strbuf_addstr(out, loc->file);
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

/*
 * Each file has one slot in sources, found from its interned name: adding
 * and finding are O(1) however many files were read.  A dropped file's
 * slot stays, empty, for when it is added again.
 */
void diag_add_source(const char *file, const char *data, size_t len)
{
	struct hashset_entry *e;
	struct source_text *src;

	if (!file)
		return;
	e = hashset_add(&source_index, file, strlen(file), NULL);
	if (!e->val) {
		ALLOC_GROW(sources, nsources, sources_alloc);
		sources[nsources].file = path_intern(file);
		sources[nsources].data = NULL;
		e->val = (void *)(uintptr_t)++nsources;
	}
	src = &sources[(uintptr_t)e->val - 1];
	free(src->data);
	src->data = xmemdupz(data, len);
	src->len = len;
}

static struct source_text *find_source(const char *file)
{
	const struct hashset_entry *e = file ? hashset_find(&source_index, file, strlen(file)) : NULL;
	struct source_text *src = e && e->val ? &sources[(uintptr_t)e->val - 1] : NULL;

	return src && src->data ? src : NULL;
}

void diag_drop_source(const char *file)
{
	struct source_text *src = find_source(file);

	if (src) {
		free(src->data);
		src->data = NULL;
		src->len = 0;
	}
}

void diag_clear_sources(void)
{
	size_t i;

	for (i = 0; i < nsources; i++)
		free(sources[i].data);
	free(sources);
	sources = NULL;
	nsources = sources_alloc = 0;
	hashset_release(&source_index);
}

/* Quote line loc->line of the registered file, with a caret under col. */
static void quote_source(struct strbuf *out, const struct srcloc *loc)
{
	const struct source_text *src = find_source(loc->file);
	const char *p, *end, *eol;
	unsigned line = 1, col, width;

	if (!src || !loc->line)
		return;
	p = src->data;
	end = p + src->len;
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
	for (; p < eol; p++)
		strbuf_addch(out, *p == '\t' ? ' ' : *p);
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

static void emit(struct diag *d, const char *kind, const struct srcloc *loc,
		 const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT, msg = STRBUF_INIT;
	unsigned max = d->max_errors ? d->max_errors : 100;
	FILE *out = d->out ? d->out : stderr;

	strbuf_vaddf(&msg, fmt, ap);
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
	strbuf_addf(&sb, "%s: %s\n", kind, msg.buf);
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
	va_list ap;

	fprintf(stderr, "toolsync: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: see 'toolsync help %s'\n", cmd);
	return EXIT_ERROR;
}
