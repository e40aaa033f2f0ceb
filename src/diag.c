/* diag.c: error messages with file:line:col, quoted source and caret. */
#include <errno.h>
#include <unistd.h>

#include "toolsync/diag.h"
#include "toolsync/quote.h"
#include "toolsync/secret.h"

/*
 * Interned strings: a small open-addressing set.  Locations borrow these
 * pointers, so they live until exit (reachable, so leak checkers are quiet).
 */
static char **intern_tab;
static size_t intern_n, intern_cap;

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void intern_resize(void)
{
	size_t cap = intern_cap ? intern_cap * 2 : 64, i;
	char **tab = xcalloc(cap, sizeof(*tab));

	for (i = 0; i < intern_cap; i++) {
		size_t j;

		if (!intern_tab[i])
			continue;
		for (j = str_hash(intern_tab[i]) & (cap - 1); tab[j]; j = (j + 1) & (cap - 1))
			;
		tab[j] = intern_tab[i];
	}
	free(intern_tab);
	intern_tab = tab;
	intern_cap = cap;
}

const char *path_intern(const char *s)
{
	size_t j;

	if (!s)
		return NULL;
	if ((intern_n + 1) * 2 > intern_cap)
		intern_resize();
	for (j = str_hash(s) & (intern_cap - 1); intern_tab[j]; j = (j + 1) & (intern_cap - 1))
		if (!strcmp(intern_tab[j], s))
			return intern_tab[j];
	intern_n++;
	return intern_tab[j] = xstrdup(s);
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

void diag_add_source(const char *file, const char *data, size_t len)
{
	const char *f = path_intern(file);
	size_t i;

	for (i = 0; i < nsources; i++)
		if (sources[i].file == f) {
			free(sources[i].data);
			break;
		}
	if (i == nsources) {   /* (few at once: readers drop what they are done with) */
		ALLOC_GROW(sources, nsources, sources_alloc);
		nsources++;
	}
	sources[i].file = f;
	sources[i].data = xmemdupz(data, len);
	sources[i].len = len;
}

void diag_drop_source(const char *file)
{
	const char *f = path_intern(file);
	size_t i = nsources;

	while (i-- > 0)   /* most often the last one added */
		if (sources[i].file == f) {
			free(sources[i].data);
			sources[i] = sources[--nsources];
			return;
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
}

static const struct source_text *find_source(const char *file)
{
	const char *f = path_intern(file);
	size_t i;

	for (i = 0; i < nsources; i++)
		if (sources[i].file == f)
			return &sources[i];
	return NULL;
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

static void emit(struct diag *d, const char *kind, const struct srcloc *loc,
		 const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT, msg = STRBUF_INIT, raw = STRBUF_INIT;
	unsigned max = d->max_errors ? d->max_errors : 100;
	FILE *out = d->out ? d->out : stderr;

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
