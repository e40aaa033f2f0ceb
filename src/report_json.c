/*
 * report_json.c: findings as toolsync.report/1 JSON (schemas/report.schema.json).
 *
 * Every finding is listed (one per tool), and "groups" holds the report's
 * entries as the other formats show them, each with its full list of
 * tools: a consumer that needs every affected tool reads it here.
 */
#include "toolsync/json.h"

#include "toolsync/report.h"
#include "report_format.h"

/*
 * Old and new values are compact JSON text; the report embeds them as JSON
 * values.  Text that does not parse (a bug in a rule module) is embedded as
 * a string rather than lost.
 */
struct jv *report_value_node(const char *text)
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
		jv_set(o, "old", report_value_node(x->old_value));
	if (x->new_value)
		jv_set(o, "new", report_value_node(x->new_value));
	jv_set(o, "location", location_node(&x->loc));
	jv_set(o, "accepted", jv_bool(x->accepted));
	jv_set(o, "reason", str_or_null(x->accepted ? x->accept_reason : NULL));
	jv_set(o, "fails", jv_bool(finding_fails(x, fo)));
	return o;
}

/* An entry: its first finding's fields, how many findings, every tool. */
static struct jv *json_group(const struct findings *f, const struct group *g,
			     const struct fail_on *fo)
{
	struct jv *o = json_finding(g->x, fo), *tools = jv_array();
	size_t i;

	jv_free(jv_take(o, "tool"));
	for (i = 0; i < g->n; i++)
		if (f->v[g->start + i].tool)
			jv_append(tools, jv_string(f->v[g->start + i].tool));
	jv_set(o, "count", jv_number((double)g->n));
	jv_set(o, "tools", tools);
	return o;
}

static struct jv *json_groups(const struct findings *f, const struct fail_on *fo)
{
	struct jv *arr = jv_array();
	struct groups g;
	size_t i;

	report_group(f, fo, &g);
	for (i = 0; i < g.n; i++)
		jv_append(arr, json_group(f, &g.v[i], fo));
	groups_release(&g);
	return arr;
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
	jv_set(o, "groups", jv_number((double)c->groups));
	return o;
}

void report_write_json(struct strbuf *out, const struct findings *f,
		       const struct report_meta *m)
{
	struct jv *doc = jv_object(), *arr = jv_array();
	struct strbuf fo = STRBUF_INIT;
	struct counts c;
	size_t i;

	report_count(f, m->fail_on, &c);
	report_fail_on_format(&fo, m->fail_on);
	jv_set(doc, "format", jv_string(REPORT_FORMAT));
	jv_set(doc, "version", jv_string(m->tool_version ? m->tool_version : ""));
	jv_set(doc, "command", jv_string(m->command ? m->command : ""));
	jv_set(doc, "fail_on", jv_string(fo.buf));
	jv_set(doc, "passed", jv_bool(!c.failing));
	jv_set(doc, "summary", json_summary(&c));
	for (i = 0; i < f->n; i++)
		jv_append(arr, json_finding(&f->v[i], m->fail_on));
	jv_set(doc, "findings", arr);
	jv_set(doc, "groups", json_groups(f, m->fail_on));
	json_write(out, doc, JSON_PRETTY);
	jv_free(doc);
	strbuf_release(&fo);
}
