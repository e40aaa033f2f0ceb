/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c: findings, --fail-on, and the one reporter for every format.
 *
 * text and github are line formats written directly; json and sarif are
 * built as struct jv trees and printed with toolsync's own JSON writer so
 * that escaping and number forms are never hand-made.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/report.h"
#include "report_format.h"
#include "toolsync/json.h"
#include "toolsync/fsutil.h"
#include "toolsync/digest.h"
#include "toolsync/quote.h"


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
 * from its input (an env value, a key, an API key used as a tag key in a
 * pointer), shown as quote.h shows every user value.
 */
static char *clean_dup(const char *s)
{
	struct strbuf out = STRBUF_INIT;

	quote_add(&out, s, strlen(s), 0);
	return strbuf_detach(&out, NULL);
}

/* The location, its file name shown as clean_dup() shows text. */
static struct srcloc clean_loc(const struct srcloc *loc)
{
	struct srcloc l = loc ? *loc : SRCLOC_NONE;
	char *file;

	if (l.file) {
		file = clean_dup(l.file);
		if (strcmp(file, l.file))
			l.file = path_intern(file);
		free(file);
	}
	return l;
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
	x->loc = clean_loc(loc);
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

/*
 * Everything that makes two findings one entry of the report: all of a
 * finding but its tool.
 */
static int cmp_cause(const struct finding *a, const struct finding *b)
{
	int c;

	if ((c = cmp_uns(a->accepted, b->accepted)) ||
	    (c = cmp_uns(b->severity, a->severity)) ||
	    (c = cmp_str(a->loc.file, b->loc.file)) ||
	    (c = cmp_uns(a->loc.line, b->loc.line)) ||
	    (c = cmp_uns(a->loc.col, b->loc.col)) ||
	    (c = cmp_str(a->rule->id, b->rule->id)) ||
	    (c = cmp_str(a->pointer, b->pointer)) ||
	    (c = cmp_str(a->old_value, b->old_value)) ||
	    (c = cmp_str(a->new_value, b->new_value)) ||
	    (c = cmp_str(a->message, b->message)))
		return c;
	return cmp_str(a->accept_reason, b->accept_reason);
}

/*
 * Unaccepted first, errors, warnings, notes; then where (file, line) and
 * what; the tool last, so that findings with one cause are adjacent.
 */
static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c = cmp_cause(a, b);

	return c ? c : cmp_str(a->tool, b->tool);
}

void findings_sort(struct findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
}

void report_group(const struct findings *f, const struct fail_on *fo, struct groups *g)
{
	size_t i, alloc = 0;

	g->v = NULL;
	g->n = 0;
	for (i = 0; i < f->n; i++) {
		struct group *last = g->n ? &g->v[g->n - 1] : NULL;

		if (last && !cmp_cause(last->x, &f->v[i])) {
			last->n++;
			continue;
		}
		ALLOC_GROW(g->v, g->n, alloc);
		g->v[g->n++] = (struct group){ &f->v[i], i, 1, finding_fails(&f->v[i], fo) };
	}
}

void groups_release(struct groups *g)
{
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

void report_group_tools(struct strbuf *out, const struct findings *f, const struct group *g,
			void (*add)(struct strbuf *out, const char *tool))
{
	size_t i, shown = 0;

	for (i = 0; i < g->n && shown < GROUP_SHOW; i++) {
		const char *t = f->v[g->start + i].tool;

		if (!t)
			continue;
		strbuf_addstr(out, shown ? ", " : "");
		if (add)
			add(out, t);
		else
			strbuf_addstr(out, t);
		shown++;
	}
	if (g->n > shown)
		strbuf_addf(out, " and %zu more", g->n - shown);
}

static const struct {
	const char *name;
	enum report_format fmt;
} formats[] = {
	{ "text", FMT_TEXT },   { "markdown", FMT_MARKDOWN }, { "json", FMT_JSON },
	{ "sarif", FMT_SARIF }, { "github", FMT_GITHUB }, { "gitlab", FMT_GITLAB },
	{ "junit", FMT_JUNIT },
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
		if (!i || cmp_cause(&f->v[i - 1], &f->v[i]))
			c->groups++;
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
	if (c->groups != c->total) {
		strbuf_addstr(out, " (");
		strbuf_addf(out, "%zu %s", c->groups, c->groups == 1 ? "entry" : "entries");
		strbuf_addch(out, ')');
	}
	strbuf_addstr(out, ": ");
	report_add_plural(out, c->sev[SEV_ERROR], "error");
	strbuf_addstr(out, ", ");
	report_add_plural(out, c->sev[SEV_WARNING], "warning");
	strbuf_addstr(out, ", ");
	report_add_plural(out, c->sev[SEV_NOTE], "note");
	strbuf_addf(out, ", %zu accepted; %zu at --fail-on ", c->accepted, c->failing);
	report_fail_on_format(out, fo);
}

void report_group_subject(struct strbuf *out, const struct findings *f, const struct group *g,
			  unsigned flags)
{
	const struct finding *x = g->x;
	size_t start = out->len;

	if (g->n > 1) {
		report_add_plural(out, g->n, "tool");
		if (flags & SUBJECT_LIST) {
			strbuf_addstr(out, " (");
			report_group_tools(out, f, g, NULL);
			strbuf_addch(out, ')');
		}
	} else if (x->tool) {
		strbuf_addstr(out, x->tool);
	}
	if ((flags & SUBJECT_POINTER) && x->pointer)
		strbuf_addf(out, "%s%s", out->len > start ? " " : "", x->pointer);
	if (out->len > start)
		strbuf_addstr(out, ": ");
}

void report_add_values(struct strbuf *out, const struct finding *x, const char *indent)
{
	if (x->old_value) {
		strbuf_addf(out, "%sold: ", indent);
		report_short_value(out, x->old_value);
		strbuf_addch(out, '\n');
	}
	if (x->new_value) {
		strbuf_addf(out, "%snew: ", indent);
		report_short_value(out, x->new_value);
		strbuf_addch(out, '\n');
	}
}

/* "fails at --fail-on error", or nothing for an entry that does not fail. */
void report_fails_note(struct strbuf *out, const struct group *g, const struct fail_on *fo)
{
	if (!g->fails)
		return;
	strbuf_addstr(out, "fails at --fail-on ");
	report_fail_on_format(out, fo);
}

static void add_field(struct strbuf *key, const char *s)
{
	strbuf_addstr(key, s ? s : "");
	strbuf_addch(key, '\0');
}

void report_fingerprint(const struct group *g, char hex[DIGEST_HEX_SIZE])
{
	const struct finding *x = g->x;
	struct strbuf key = STRBUF_INIT;

	add_field(&key, x->rule->id);
	if (g->n > 1) {
		strbuf_addstr(&key, "*group:");
		add_field(&key, x->loc.file);
		add_field(&key, x->pointer);
		add_field(&key, x->old_value);
		add_field(&key, x->new_value);
	} else {
		add_field(&key, x->tool);
		strbuf_addstr(&key, x->pointer ? x->pointer : "");
	}
	blake2b256_hex(key.buf, key.len, hex);
	strbuf_release(&key);
}

void report_uri_encode(struct strbuf *out, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			strbuf_addch(out, (char)*p);
		else
			strbuf_addf(out, "%%%02X", *p);
	}
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
	[FMT_GITHUB] = report_write_github, [FMT_GITLAB] = report_write_gitlab,
	[FMT_JUNIT] = report_write_junit,
};

void report_write(struct strbuf *out, const struct findings *f,
		  enum report_format fmt, const struct report_meta *meta)
{
	static const struct report_meta no_meta;

	if ((size_t)fmt >= ARRAY_SIZE(writers) || !writers[fmt])
		BUG("bad report format %d", (int)fmt);
	writers[fmt](out, f, meta ? meta : &no_meta);
}

static int same_file(const struct stat *a, int fd)
{
	struct stat b;

	return !fstat(fd, &b) && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/*
 * --output naming our own standard output or error (/dev/stdout,
 * /proc/self/fd/2, or the file a shell redirected one to): written through
 * that stream, so a shell's '>>' appends and the file is never replaced.
 */
static FILE *std_stream(const char *output)
{
	struct stat st;

	if (!output || !strcmp(output, "-"))
		return stdout;
	if (stat(output, &st))
		return NULL;
	return same_file(&st, STDOUT_FILENO) ? stdout : same_file(&st, STDERR_FILENO) ? stderr : NULL;
}

int report_emit(const struct strbuf *text, const char *output, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	FILE *out = std_stream(output);

	if (out) {
		if (fwrite(text->buf, 1, text->len, out) != text->len) {
			diag_fail(d, "cannot write standard %s: %s", out == stdout ? "output" : "error",
				  strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fs_write_output(output, text->buf, text->len, &err)) {
		diag_fail(d, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	return 0;
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
