/*
 * report.c: findings, --fail-on, and the one reporter for every format.
 *
 * text and github are line formats written directly; json and sarif are
 * built as struct jv trees and printed with toolsync's own JSON writer so
 * that escaping and number forms are never hand-made.
 */
#include <errno.h>
#include <unistd.h>

#include "toolsync/report.h"
#include "report_format.h"
#include "toolsync/json.h"
#include "toolsync/fsutil.h"


const char *const severity_names[] = { "note", "warning", "error" };
static const char *const category_names[] = {
	"change", "breaking", "security", "compliance", "config",
};

const char *severity_name(enum severity s)
{
	if ((size_t)s >= ARRAY_SIZE(severity_names))
		BUG("bad severity %d", (int)s);
	return severity_names[s];
}

const char *category_name(enum category c)
{
	if ((size_t)c >= ARRAY_SIZE(category_names))
		BUG("bad category %d", (int)c);
	return category_names[c];
}

/*
 * A copy fit for every report format: a finding's text can carry bytes
 * from its input (an env value, a key), and a control character would
 * garble a terminal or split a line, invalid UTF-8 would make the JSON and
 * SARIF unreadable.  Both become \xHH.
 */
static char *clean_dup(const char *s)
{
	struct strbuf out = STRBUF_INIT;
	size_t i = 0, n = strlen(s), len;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		len = utf8_seq((const unsigned char *)s + i, n - i);
		if (len > 1 || (len == 1 && c >= 0x20 && c != 0x7f)) {
			strbuf_add(&out, s + i, len);
			i += len;
		} else {
			strbuf_addf(&out, "\\x%02x", c);
			i++;
		}
	}
	return strbuf_detach(&out, NULL);
}

static char *dup_or_null(const char *s)
{
	return s ? clean_dup(s) : NULL;
}

struct finding *findings_add(struct findings *f, const struct rule *rule,
			     const struct srcloc *loc, const char *tool,
			     const char *pointer, const char *old_value,
			     const char *new_value, const char *fmt, ...)
{
	struct finding *x;
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	ALLOC_GROW(f->v, f->n, f->alloc);
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	x->rule = rule;
	x->severity = rule->severity;
	x->message = clean_dup(msg.buf);
	strbuf_release(&msg);
	x->tool = dup_or_null(tool);
	x->pointer = dup_or_null(pointer);
	x->old_value = dup_or_null(old_value);
	x->new_value = dup_or_null(new_value);
	x->loc = loc ? *loc : SRCLOC_NONE;
	return x;
}

void findings_release(struct findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		struct finding *x = &f->v[i];

		free(x->message);
		free(x->tool);
		free(x->pointer);
		free(x->old_value);
		free(x->new_value);
		free(x->accept_reason);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->alloc = 0;
}

/* NULL sorts before any string. */
static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_uns(unsigned a, unsigned b)
{
	return (a > b) - (a < b);
}

/* The documented keys first; the rest only makes the order total. */
static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->loc.file, b->loc.file)) ||
	    (c = cmp_uns(a->loc.line, b->loc.line)) ||
	    (c = cmp_str(a->tool, b->tool)) ||
	    (c = cmp_str(a->pointer, b->pointer)) ||
	    (c = cmp_str(a->rule->id, b->rule->id)) ||
	    (c = cmp_uns(a->loc.col, b->loc.col)) ||
	    (c = cmp_str(a->old_value, b->old_value)) ||
	    (c = cmp_str(a->new_value, b->new_value)))
		return c;
	return cmp_str(a->message, b->message);
}

void findings_sort(struct findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
}

static const struct {
	const char *name;
	enum report_format fmt;
} formats[] = {
	{ "text", FMT_TEXT },   { "markdown", FMT_MARKDOWN }, { "json", FMT_JSON },
	{ "sarif", FMT_SARIF }, { "github", FMT_GITHUB },
};

int report_format_parse(const char *name, enum report_format *fmt)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i].name, name)) {
			*fmt = formats[i].fmt;
			return 0;
		}
	return -1;
}

static long name_index(const char *const *names, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], s, len))
			return (long)i;
	return -1;
}

/* One token of --fail-on; 0 or -1 with the reason in err. */
static int fail_on_token(const char *s, size_t len, struct fail_on *fo, struct strbuf *err)
{
	long i;

	if (len == 3 && !strncmp(s, "any", 3)) {
		fo->min_severity = SEV_NOTE;
		return 0;
	}
	if ((i = name_index(category_names, ARRAY_SIZE(category_names), s, len)) >= 0) {
		fo->categories |= 1u << i;
		return 0;
	}
	if ((i = name_index(severity_names, ARRAY_SIZE(severity_names), s, len)) >= 0) {
		if (fo->min_severity < 0 || i < fo->min_severity)
			fo->min_severity = (int)i;
		return 0;
	}
	if (len == 4 && !strncmp(s, "none", 4))
		strbuf_addstr(err, "'none' cannot be combined with other --fail-on values");
	else
		strbuf_addf(err, "unknown --fail-on value '%.*s' (expected a category: "
			    "change, breaking, security, compliance, config; a severity: "
			    "note, warning, error; any or none)", (int)len, s);
	return -1;
}

int fail_on_parse(const char *s, struct fail_on *fo, struct strbuf *err)
{
	const char *p = s;

	memset(fo, 0, sizeof(*fo));
	fo->min_severity = -1;
	if (!strcmp(s, "none")) {
		fo->none = 1;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(p, ",");

		while (len && p[0] == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (!len) {
			strbuf_addf(err, "empty value in --fail-on '%s'", s);
			return -1;
		}
		if (fail_on_token(p, len, fo, err))
			return -1;
		p += strcspn(p, ",");
		if (!*p)
			return 0;
		p++;
	}
}

static const struct fail_on default_fail_on = { 0, SEV_ERROR, 0 };

int finding_fails(const struct finding *f, const struct fail_on *fo)
{
	if (!fo)
		fo = &default_fail_on;
	if (f->accepted || fo->none)
		return 0;
	if (fo->categories & (1u << f->rule->category))
		return 1;
	return fo->min_severity >= 0 && (int)f->severity >= fo->min_severity;
}

int findings_fail(const struct findings *f, const struct fail_on *fo)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (finding_fails(&f->v[i], fo))
			return 1;
	return 0;
}

/* The --fail-on setting in its canonical spelling, for summaries. */
void report_fail_on_format(struct strbuf *out, const struct fail_on *fo)
{
	size_t i, start = out->len;

	if (!fo)
		fo = &default_fail_on;
	if (fo->none) {
		strbuf_addstr(out, "none");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(category_names); i++)
		if (fo->categories & (1u << i))
			strbuf_addf(out, "%s%s", out->len > start ? "," : "", category_names[i]);
	if (fo->min_severity == SEV_NOTE)
		strbuf_addf(out, "%sany", out->len > start ? "," : "");
	else if (fo->min_severity > SEV_NOTE)
		strbuf_addf(out, "%s%s", out->len > start ? "," : "",
			    severity_names[fo->min_severity]);
}


void report_count(const struct findings *f, const struct fail_on *fo,
			   struct counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < f->n; i++) {
		c->total++;
		if (f->v[i].accepted)
			c->accepted++;
		else
			c->sev[f->v[i].severity]++;
		c->failing += finding_fails(&f->v[i], fo);
	}
}

void report_add_plural(struct strbuf *out, size_t n, const char *word)
{
	strbuf_addf(out, "%zu %s%s", n, word, n == 1 ? "" : "s");
}

/* "5 findings: 2 errors, 1 warning, 1 note, 1 accepted; 2 at --fail-on error" */
void report_summary(struct strbuf *out, const struct counts *c,
			 const struct fail_on *fo)
{
	if (!c->total) {
		strbuf_addstr(out, "no findings");
		return;
	}
	report_add_plural(out, c->total, "finding");
	strbuf_addstr(out, ": ");
	report_add_plural(out, c->sev[SEV_ERROR], "error");
	strbuf_addstr(out, ", ");
	report_add_plural(out, c->sev[SEV_WARNING], "warning");
	strbuf_addstr(out, ", ");
	report_add_plural(out, c->sev[SEV_NOTE], "note");
	strbuf_addf(out, ", %zu accepted; %zu at --fail-on ", c->accepted, c->failing);
	report_fail_on_format(out, fo);
}

/* A value for a one-line display: shortened at a UTF-8 character boundary. */
void report_short_value(struct strbuf *out, const char *v)
{
	size_t len = strlen(v);

	if (len <= VALUE_MAX) {
		strbuf_add(out, v, len);
		return;
	}
	len = VALUE_MAX;
	while (len && ((unsigned char)v[len] & 0xC0) == 0x80)
		len--;
	strbuf_add(out, v, len);
	strbuf_addstr(out, "...");
}

/* ---- dispatch and output ------------------------------------------- */

typedef void (*writer_fn)(struct strbuf *out, const struct findings *f,
			  const struct report_meta *m);
static const writer_fn writers[] = {
	[FMT_TEXT] = report_write_text,   [FMT_MARKDOWN] = report_write_markdown,
	[FMT_JSON] = report_write_json,   [FMT_SARIF] = report_write_sarif,
	[FMT_GITHUB] = report_write_github,
};

void report_write(struct strbuf *out, const struct findings *f,
		  enum report_format fmt, const struct report_meta *meta)
{
	static const struct report_meta no_meta;

	if ((size_t)fmt >= ARRAY_SIZE(writers) || !writers[fmt])
		BUG("bad report format %d", (int)fmt);
	writers[fmt](out, f, meta ? meta : &no_meta);
}

int report_emit(const struct strbuf *text, const char *output, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;

	if (!output || !strcmp(output, "-")) {
		if (fwrite(text->buf, 1, text->len, stdout) != text->len) {
			diag_fail(d, "cannot write standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fs_write_atomic(output, text->buf, text->len, 0644, &err)) {
		diag_fail(d, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	return 0;
}

int report_want_color(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc && *nc)
		return 0;
	if (term && !strcmp(term, "dumb"))
		return 0;
	return isatty(STDOUT_FILENO);
}

const struct rule **rules_flatten(const struct rule *const *const *scope)
{
	size_t n = 0, i, j, k = 0;
	const struct rule **v;

	for (i = 0; scope[i]; i++)
		for (j = 0; scope[i][j]; j++)
			n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; scope[i]; i++)
		for (j = 0; scope[i][j]; j++)
			v[k++] = scope[i][j];
	return v;
}
