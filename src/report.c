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
#include "toolsync/json.h"
#include "toolsync/digest.h"
#include "toolsync/fsutil.h"

#define REPORT_FORMAT "toolsync.report/1"
#define INFO_URI "https://github.com/toolsync/toolsync"
/* Old/new values longer than this are shortened in text-like formats. */
#define VALUE_MAX 160

static const char *const severity_names[] = { "note", "warning", "error" };
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
static void fail_on_format(struct strbuf *out, const struct fail_on *fo)
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

struct counts {
	size_t total, sev[3], accepted, failing;
};

static void count_findings(const struct findings *f, const struct fail_on *fo,
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

static void add_plural(struct strbuf *out, size_t n, const char *word)
{
	strbuf_addf(out, "%zu %s%s", n, word, n == 1 ? "" : "s");
}

/* "5 findings: 2 errors, 1 warning, 1 note, 1 accepted; 2 at --fail-on error" */
static void summary_line(struct strbuf *out, const struct counts *c,
			 const struct fail_on *fo)
{
	if (!c->total) {
		strbuf_addstr(out, "no findings");
		return;
	}
	add_plural(out, c->total, "finding");
	strbuf_addstr(out, ": ");
	add_plural(out, c->sev[SEV_ERROR], "error");
	strbuf_addstr(out, ", ");
	add_plural(out, c->sev[SEV_WARNING], "warning");
	strbuf_addstr(out, ", ");
	add_plural(out, c->sev[SEV_NOTE], "note");
	strbuf_addf(out, ", %zu accepted; %zu at --fail-on ", c->accepted, c->failing);
	fail_on_format(out, fo);
}

/* A value for a one-line display: shortened at a UTF-8 character boundary. */
static void add_short_value(struct strbuf *out, const char *v)
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

/* ---- text ---------------------------------------------------------- */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
static const char *const severity_colors[] = { "\033[1;36m", "\033[1;35m", "\033[1;31m" };

/* "file:line:col: " or nothing when the finding has no location. */
static void text_location(struct strbuf *out, const struct finding *x, int color)
{
	if (!x->loc.file)
		return;
	if (color)
		strbuf_addstr(out, C_BOLD);
	srcloc_format(out, &x->loc);
	strbuf_addstr(out, color ? ":" C_RESET " " : ": ");
}

static void text_finding(struct strbuf *out, const struct finding *x, int color)
{
	const char *sev = severity_name(x->severity);

	text_location(out, x, color);
	if (color)
		strbuf_addf(out, "%s%s" C_RESET, severity_colors[x->severity], sev);
	else
		strbuf_addstr(out, sev);
	strbuf_addf(out, "[%s] %s%s", category_name(x->rule->category), x->rule->id,
		    x->accepted ? " (accepted)" : "");
	strbuf_addstr(out, ": ");
	if (x->tool)
		strbuf_addf(out, "%s%s", x->tool, x->pointer ? " " : ": ");
	if (x->pointer)
		strbuf_addf(out, "%s: ", x->pointer);
	strbuf_addf(out, "%s\n", x->message);
	if (x->old_value) {
		strbuf_addstr(out, "    old: ");
		add_short_value(out, x->old_value);
		strbuf_addch(out, '\n');
	}
	if (x->new_value) {
		strbuf_addstr(out, "    new: ");
		add_short_value(out, x->new_value);
		strbuf_addch(out, '\n');
	}
	if (x->accepted)
		strbuf_addf(out, "    accepted: %s\n", x->accept_reason ? x->accept_reason : "");
}

static void write_text(struct strbuf *out, const struct findings *f,
		       const struct report_meta *m)
{
	struct counts c;
	size_t i;

	for (i = 0; i < f->n; i++)
		text_finding(out, &f->v[i], m->color);
	count_findings(f, m->fail_on, &c);
	summary_line(out, &c, m->fail_on);
	strbuf_addch(out, '\n');
}

/* ---- markdown ------------------------------------------------------ */

/* Text inside a table cell: '|' and newlines would end the cell or row. */
static void md_text(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			strbuf_addstr(out, "\\|");
		else if (*s == '\n' || *s == '\r')
			strbuf_addch(out, ' ');
		else if (strchr("\\`*_<>[]", *s)) {
			strbuf_addch(out, '\\');
			strbuf_addch(out, *s);
		} else
			strbuf_addch(out, *s);
	}
}

/*
 * A code span in a table cell.  GFM takes "\|" as '|' even in code, and a
 * span delimited by more backticks than any run inside may hold backticks.
 */
static void md_code(struct strbuf *out, const char *s, int shorten)
{
	struct strbuf v = STRBUF_INIT;
	size_t run = 0, longest = 0, i;

	if (shorten)
		add_short_value(&v, s);
	else
		strbuf_addstr(&v, s);
	for (i = 0; i < v.len; i++) {
		run = v.buf[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	strbuf_addchars(out, '`', longest + 1);
	strbuf_addstr(out, longest ? " " : "");
	for (i = 0; i < v.len; i++) {
		if (v.buf[i] == '|')
			strbuf_addstr(out, "\\|");
		else
			strbuf_addch(out, v.buf[i] == '\n' || v.buf[i] == '\r' ? ' ' : v.buf[i]);
	}
	strbuf_addstr(out, longest ? " " : "");
	strbuf_addchars(out, '`', longest + 1);
	strbuf_release(&v);
}

static void md_row(struct strbuf *out, const struct finding *x)
{
	struct strbuf loc = STRBUF_INIT;

	strbuf_addf(out, "| %s | %s | ", severity_name(x->severity),
		    category_name(x->rule->category));
	md_code(out, x->rule->id, 0);
	strbuf_addstr(out, " | ");
	if (x->tool)
		md_code(out, x->tool, 0);
	strbuf_addstr(out, " | ");
	if (x->pointer)
		md_code(out, x->pointer, 0);
	strbuf_addstr(out, " | ");
	md_text(out, x->message);
	if (x->old_value || x->new_value) {
		strbuf_addstr(out, "<br>");
		if (x->old_value)
			md_code(out, x->old_value, 1);
		else
			strbuf_addstr(out, "*none*");
		strbuf_addstr(out, " &rarr; ");
		if (x->new_value)
			md_code(out, x->new_value, 1);
		else
			strbuf_addstr(out, "*none*");
	}
	if (x->accepted) {
		strbuf_addstr(out, "<br>accepted: ");
		md_text(out, x->accept_reason ? x->accept_reason : "");
	}
	strbuf_addstr(out, " | ");
	srcloc_format(&loc, &x->loc);
	if (loc.len)
		md_code(out, loc.buf, 0);
	strbuf_addstr(out, " |\n");
	strbuf_release(&loc);
}

static void md_table(struct strbuf *out, const struct findings *f, int accepted)
{
	size_t i;

	strbuf_addstr(out, "| Severity | Category | Rule | Tool | Pointer | Finding | Source |\n"
			   "|---|---|---|---|---|---|---|\n");
	for (i = 0; i < f->n; i++)
		if (f->v[i].accepted == accepted)
			md_row(out, &f->v[i]);
}

static void md_counts(struct strbuf *out, const struct counts *c,
		      const struct fail_on *fo)
{
	strbuf_addstr(out, "| error | warning | note | accepted | at --fail-on ");
	fail_on_format(out, fo);
	strbuf_addf(out, " |\n|---:|---:|---:|---:|---:|\n| %zu | %zu | %zu | %zu | %zu |\n",
		    c->sev[SEV_ERROR], c->sev[SEV_WARNING], c->sev[SEV_NOTE],
		    c->accepted, c->failing);
}

static void write_markdown(struct strbuf *out, const struct findings *f,
			   const struct report_meta *m)
{
	struct counts c;

	count_findings(f, m->fail_on, &c);
	strbuf_addf(out, "### toolsync %s\n\n", m->command ? m->command : "report");
	strbuf_addstr(out, c.failing ? "**Failed**: " : "**Passed**: ");
	summary_line(out, &c, m->fail_on);
	strbuf_addstr(out, "\n\n");
	md_counts(out, &c, m->fail_on);
	if (c.total > c.accepted) {
		strbuf_addstr(out, "\n#### Findings\n\n");
		md_table(out, f, 0);
	}
	if (c.accepted) {
		strbuf_addstr(out, "\n#### Accepted\n\n");
		md_table(out, f, 1);
	}
}

/* ---- json ---------------------------------------------------------- */

/*
 * Old and new values are compact JSON text; the report embeds them as JSON
 * values.  Text that does not parse (a bug in a rule module) is embedded as
 * a string rather than lost.
 */
static struct jv *value_node(const char *text)
{
	static FILE *devnull;
	struct diag d = DIAG_INIT;
	struct jv *v;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	d.out = devnull ? devnull : stderr;
	d.no_source = 1;
	v = json_parse(text, strlen(text), "<finding value>", &d);
	return v ? v : jv_string(text);
}

static struct jv *str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

static struct jv *location_node(const struct srcloc *loc)
{
	struct jv *o;

	if (!loc->file)
		return jv_null();
	o = jv_object();
	jv_set(o, "file", jv_string(loc->file));
	if (loc->line) {
		jv_set(o, "line", jv_number(loc->line));
		if (loc->col)
			jv_set(o, "column", jv_number(loc->col));
	}
	return o;
}

static struct jv *json_finding(const struct finding *x, const struct fail_on *fo)
{
	struct jv *o = jv_object();

	jv_set(o, "rule", jv_string(x->rule->id));
	jv_set(o, "category", jv_string(category_name(x->rule->category)));
	jv_set(o, "severity", jv_string(severity_name(x->severity)));
	jv_set(o, "tool", str_or_null(x->tool));
	jv_set(o, "pointer", str_or_null(x->pointer));
	jv_set(o, "message", jv_string(x->message));
	if (x->old_value)
		jv_set(o, "old", value_node(x->old_value));
	if (x->new_value)
		jv_set(o, "new", value_node(x->new_value));
	jv_set(o, "location", location_node(&x->loc));
	jv_set(o, "accepted", jv_bool(x->accepted));
	jv_set(o, "reason", str_or_null(x->accepted ? x->accept_reason : NULL));
	jv_set(o, "fails", jv_bool(finding_fails(x, fo)));
	return o;
}

static struct jv *json_summary(const struct counts *c)
{
	struct jv *o = jv_object();

	jv_set(o, "total", jv_number((double)c->total));
	jv_set(o, "error", jv_number((double)c->sev[SEV_ERROR]));
	jv_set(o, "warning", jv_number((double)c->sev[SEV_WARNING]));
	jv_set(o, "note", jv_number((double)c->sev[SEV_NOTE]));
	jv_set(o, "accepted", jv_number((double)c->accepted));
	jv_set(o, "failing", jv_number((double)c->failing));
	return o;
}

static void write_json(struct strbuf *out, const struct findings *f,
		       const struct report_meta *m)
{
	struct jv *doc = jv_object(), *arr = jv_array();
	struct strbuf fo = STRBUF_INIT;
	struct counts c;
	size_t i;

	count_findings(f, m->fail_on, &c);
	fail_on_format(&fo, m->fail_on);
	jv_set(doc, "format", jv_string(REPORT_FORMAT));
	jv_set(doc, "version", jv_string(m->tool_version ? m->tool_version : ""));
	jv_set(doc, "command", jv_string(m->command ? m->command : ""));
	jv_set(doc, "fail_on", jv_string(fo.buf));
	jv_set(doc, "passed", jv_bool(!c.failing));
	jv_set(doc, "summary", json_summary(&c));
	for (i = 0; i < f->n; i++)
		jv_append(arr, json_finding(&f->v[i], m->fail_on));
	jv_set(doc, "findings", arr);
	json_write(out, doc, JSON_PRETTY);
	jv_free(doc);
	strbuf_release(&fo);
}

/* ---- sarif --------------------------------------------------------- */

static const char *const sarif_levels[] = { "note", "warning", "error" };

/* The rules a SARIF run lists: meta->rules, then any other rule a finding uses. */
struct rule_list {
	const struct rule **v;
	size_t n, alloc;
};

static long rule_list_find(const struct rule_list *l, const struct rule *r)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == r || !strcmp(l->v[i]->id, r->id))
			return (long)i;
	return -1;
}

static void rule_list_add(struct rule_list *l, const struct rule *r)
{
	if (rule_list_find(l, r) >= 0)
		return;
	ALLOC_GROW(l->v, l->n, l->alloc);
	l->v[l->n++] = r;
}

static struct jv *text_message(const char *text)
{
	struct jv *o = jv_object();

	jv_set(o, "text", jv_string(text));
	return o;
}

static struct jv *sarif_rule(const struct rule *r)
{
	struct jv *o = jv_object(), *props = jv_object(), *tags = jv_array(), *cfg;

	jv_set(o, "id", jv_string(r->id));
	jv_set(o, "shortDescription", text_message(r->summary));
	jv_set(o, "fullDescription", text_message(r->summary));
	jv_set(o, "help", text_message(r->help ? r->help : r->summary));
	cfg = jv_object();
	jv_set(cfg, "level", jv_string(sarif_levels[r->severity]));
	jv_set(o, "defaultConfiguration", cfg);
	jv_append(tags, jv_string(category_name(r->category)));
	if (r->security_severity && r->category != CAT_SECURITY)
		jv_append(tags, jv_string("security"));
	jv_set(props, "tags", tags);
	if (r->security_severity)
		jv_set(props, "security-severity", jv_string(r->security_severity));
	jv_set(o, "properties", props);
	return o;
}

/* An artifact URI: the relative path, percent-encoded where RFC 3986 needs it. */
static void uri_encode(struct strbuf *out, const char *path)
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

static struct jv *physical(const char *file, unsigned line, unsigned col)
{
	struct jv *pl = jv_object(), *art = jv_object(), *region = jv_object();
	struct strbuf uri = STRBUF_INIT;

	uri_encode(&uri, file);
	jv_set(art, "uri", jv_string(uri.buf));
	jv_set(region, "startLine", jv_number(line));
	if (col)
		jv_set(region, "startColumn", jv_number(col));
	jv_set(pl, "artifactLocation", art);
	jv_set(pl, "region", region);
	strbuf_release(&uri);
	return pl;
}

/*
 * Real files are physical locations.  A description ("table
 * tool_registry, key 'x'", "environment") is a logical location, placed
 * physically at the fallback file (the configuration) when there is one:
 * code scanning refuses results without a file.
 */
static struct jv *sarif_locations(const struct srcloc *loc, const char *fallback)
{
	struct jv *arr = jv_array(), *l = jv_object();

	if (loc->file && loc->line) {
		jv_set(l, "physicalLocation", physical(loc->file, loc->line, loc->col));
	} else {
		if (fallback)
			jv_set(l, "physicalLocation", physical(fallback, 1, 0));
		if (loc->file) {
			struct jv *logical = jv_array(), *ll = jv_object();

			jv_set(ll, "name", jv_string(loc->file));
			jv_set(ll, "kind", jv_string("resource"));
			jv_append(logical, ll);
			jv_set(l, "logicalLocations", logical);
		}
	}
	if (l->u.obj.n)
		jv_append(arr, l);
	else
		jv_free(l);
	return arr;
}

/* Stable across runs and line moves: what was found, not where. */
static struct jv *sarif_fingerprints(const struct finding *x)
{
	struct strbuf key = STRBUF_INIT;
	char hex[DIGEST_HEX_SIZE];
	struct jv *o = jv_object();

	strbuf_addstr(&key, x->rule->id);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, x->tool ? x->tool : "");
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, x->pointer ? x->pointer : "");
	blake2b256_hex(key.buf, key.len, hex);
	jv_set(o, "toolsyncFinding/v1", jv_string(hex));
	strbuf_release(&key);
	return o;
}

static struct jv *sarif_message(const struct finding *x)
{
	struct strbuf m = STRBUF_INIT;
	struct jv *o;

	if (x->tool)
		strbuf_addf(&m, "%s: ", x->tool);
	strbuf_addstr(&m, x->message);
	o = text_message(m.buf);
	strbuf_release(&m);
	return o;
}

static struct jv *sarif_properties(const struct finding *x)
{
	struct jv *o = jv_object();

	jv_set(o, "category", jv_string(category_name(x->rule->category)));
	if (x->tool)
		jv_set(o, "tool", jv_string(x->tool));
	if (x->pointer)
		jv_set(o, "pointer", jv_string(x->pointer));
	if (x->old_value)
		jv_set(o, "old", value_node(x->old_value));
	if (x->new_value)
		jv_set(o, "new", value_node(x->new_value));
	return o;
}

static struct jv *sarif_suppressions(const struct finding *x)
{
	struct jv *arr = jv_array(), *s = jv_object();

	jv_set(s, "kind", jv_string("external"));
	jv_set(s, "status", jv_string("accepted"));
	jv_set(s, "justification", jv_string(x->accept_reason ? x->accept_reason : ""));
	jv_append(arr, s);
	return arr;
}

static struct jv *sarif_result(const struct finding *x, long rule_index, const char *fallback)
{
	struct jv *o = jv_object();

	jv_set(o, "ruleId", jv_string(x->rule->id));
	jv_set(o, "ruleIndex", jv_number((double)rule_index));
	jv_set(o, "level", jv_string(sarif_levels[x->severity]));
	jv_set(o, "message", sarif_message(x));
	jv_set(o, "locations", sarif_locations(&x->loc, fallback));
	jv_set(o, "partialFingerprints", sarif_fingerprints(x));
	jv_set(o, "properties", sarif_properties(x));
	if (x->accepted)
		jv_set(o, "suppressions", sarif_suppressions(x));
	return o;
}

static struct jv *sarif_driver(const struct rule_list *rules, const struct report_meta *m)
{
	struct jv *d = jv_object(), *arr = jv_array();
	size_t i;

	jv_set(d, "name", jv_string("toolsync"));
	jv_set(d, "version", jv_string(m->tool_version ? m->tool_version : "0"));
	jv_set(d, "informationUri", jv_string(INFO_URI));
	for (i = 0; i < rules->n; i++)
		jv_append(arr, sarif_rule(rules->v[i]));
	jv_set(d, "rules", arr);
	return d;
}

static struct jv *sarif_run(const struct findings *f, const struct report_meta *m)
{
	struct rule_list rules = { NULL, 0, 0 };
	struct jv *run = jv_object(), *tool = jv_object(), *results = jv_array();
	size_t i;

	for (i = 0; m->rules && m->rules[i]; i++)
		rule_list_add(&rules, m->rules[i]);
	for (i = 0; i < f->n; i++)
		rule_list_add(&rules, f->v[i].rule);
	jv_set(tool, "driver", sarif_driver(&rules, m));
	jv_set(run, "tool", tool);
	for (i = 0; i < f->n; i++)
		jv_append(results, sarif_result(&f->v[i], rule_list_find(&rules, f->v[i].rule),
						m->fallback_file));
	jv_set(run, "results", results);
	jv_set(run, "columnKind", jv_string("unicodeCodePoints"));
	free(rules.v);
	return run;
}

static void write_sarif(struct strbuf *out, const struct findings *f,
			const struct report_meta *m)
{
	struct jv *doc = jv_object(), *runs = jv_array();

	jv_set(doc, "$schema", jv_string("https://json.schemastore.org/sarif-2.1.0.json"));
	jv_set(doc, "version", jv_string("2.1.0"));
	jv_append(runs, sarif_run(f, m));
	jv_set(doc, "runs", runs);
	json_write(out, doc, JSON_PRETTY);
	jv_free(doc);
}

/* ---- github -------------------------------------------------------- */

static const char *const github_levels[] = { "notice", "warning", "error" };

/*
 * Workflow-command escaping (actions/toolkit, command.ts): data escapes
 * '%', CR and LF; property values also ':' and ','.
 */
static void gh_escape(struct strbuf *out, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': strbuf_addstr(out, "%25"); break;
		case '\r': strbuf_addstr(out, "%0D"); break;
		case '\n': strbuf_addstr(out, "%0A"); break;
		case ':':
			strbuf_addstr(out, property ? "%3A" : ":");
			break;
		case ',':
			strbuf_addstr(out, property ? "%2C" : ",");
			break;
		default: strbuf_addch(out, *s);
		}
	}
}

static void gh_properties(struct strbuf *out, const struct finding *x)
{
	struct strbuf title = STRBUF_INIT;

	if (x->loc.file && x->loc.line) {
		strbuf_addstr(out, "file=");
		gh_escape(out, x->loc.file, 1);
		strbuf_addf(out, ",line=%u", x->loc.line);
		if (x->loc.col)
			strbuf_addf(out, ",col=%u", x->loc.col);
		strbuf_addch(out, ',');
	}
	strbuf_addf(&title, "%s%s", x->rule->id, x->accepted ? " (accepted)" : "");
	strbuf_addstr(out, "title=");
	gh_escape(out, title.buf, 1);
	strbuf_release(&title);
}

static void gh_message(struct strbuf *msg, const struct finding *x)
{
	if (!x->loc.line && x->loc.file)
		strbuf_addf(msg, "%s: ", x->loc.file);
	if (x->tool)
		strbuf_addf(msg, "%s%s", x->tool, x->pointer ? " " : ": ");
	if (x->pointer)
		strbuf_addf(msg, "%s: ", x->pointer);
	strbuf_addstr(msg, x->message);
	if (x->old_value) {
		strbuf_addstr(msg, "\nold: ");
		add_short_value(msg, x->old_value);
	}
	if (x->new_value) {
		strbuf_addstr(msg, "\nnew: ");
		add_short_value(msg, x->new_value);
	}
	if (x->accepted)
		strbuf_addf(msg, "\naccepted: %s", x->accept_reason ? x->accept_reason : "");
}

/* Accepted findings are notices: visible, but not marked as failures. */
static void gh_finding(struct strbuf *out, const struct finding *x)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addf(out, "::%s ",
		    github_levels[x->accepted ? SEV_NOTE : x->severity]);
	gh_properties(out, x);
	strbuf_addstr(out, "::");
	gh_message(&msg, x);
	gh_escape(out, msg.buf, 0);
	strbuf_addch(out, '\n');
	strbuf_release(&msg);
}

static void write_github(struct strbuf *out, const struct findings *f,
			 const struct report_meta *m)
{
	struct counts c;
	size_t i;

	for (i = 0; i < f->n; i++)
		gh_finding(out, &f->v[i]);
	count_findings(f, m->fail_on, &c);
	strbuf_addf(out, "toolsync %s: ", m->command ? m->command : "report");
	summary_line(out, &c, m->fail_on);
	strbuf_addch(out, '\n');
}

/* ---- dispatch and output ------------------------------------------- */

typedef void (*writer_fn)(struct strbuf *out, const struct findings *f,
			  const struct report_meta *m);
static const writer_fn writers[] = {
	[FMT_TEXT] = write_text,   [FMT_MARKDOWN] = write_markdown,
	[FMT_JSON] = write_json,   [FMT_SARIF] = write_sarif,
	[FMT_GITHUB] = write_github,
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
	if (fs_write_output(output, text->buf, text->len, &err)) {
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
