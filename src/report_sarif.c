/*
 * report_sarif.c: findings as SARIF 2.1.0 for code scanning.
 *
 * One result per entry (findings with one cause, see report_group()):
 * properties.tools lists every tool it affects, so a template change
 * shared by 20,000 tools is one alert, not 20,000.
 */
#include "toolsync/json.h"
#include "toolsync/digest.h"

#include "toolsync/report.h"
#include "report_format.h"

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

static struct jv *physical(const char *file, unsigned line, unsigned col)
{
	struct jv *pl = jv_object(), *art = jv_object(), *region = jv_object();
	struct strbuf uri = STRBUF_INIT;

	report_uri_encode(&uri, file);
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

/* Stable across runs and line moves: see report_fingerprint(). */
static struct jv *sarif_fingerprints(const struct group *g)
{
	char hex[DIGEST_HEX_SIZE];
	struct jv *o = jv_object();

	report_fingerprint(g, hex);
	jv_set(o, "toolsyncFinding/v1", jv_string(hex));
	return o;
}

static struct jv *sarif_message(const struct findings *f, const struct group *g)
{
	struct strbuf m = STRBUF_INIT;
	struct jv *o;

	report_group_subject(&m, f, g, SUBJECT_LIST);
	strbuf_addstr(&m, g->x->message);
	o = text_message(m.buf);
	strbuf_release(&m);
	return o;
}

static struct jv *sarif_properties(const struct findings *f, const struct group *g)
{
	const struct finding *x = g->x;
	struct jv *o = jv_object();
	size_t i;

	jv_set(o, "category", jv_string(category_name(x->rule->category)));
	if (g->n > 1) {
		struct jv *tools = jv_array();

		for (i = 0; i < g->n; i++)
			if (f->v[g->start + i].tool)
				jv_append(tools, jv_string(f->v[g->start + i].tool));
		jv_set(o, "toolCount", jv_number((double)g->n));
		jv_set(o, "tools", tools);
	} else if (x->tool) {
		jv_set(o, "tool", jv_string(x->tool));
	}
	if (x->pointer)
		jv_set(o, "pointer", jv_string(x->pointer));
	if (x->old_value)
		jv_set(o, "old", report_value_node(x->old_value));
	if (x->new_value)
		jv_set(o, "new", report_value_node(x->new_value));
	jv_set(o, "fails", jv_bool(g->fails));
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

static struct jv *sarif_result(const struct findings *f, const struct group *g,
				long rule_index, const char *fallback)
{
	const struct finding *x = g->x;
	struct jv *o = jv_object();

	jv_set(o, "ruleId", jv_string(x->rule->id));
	jv_set(o, "ruleIndex", jv_number((double)rule_index));
	jv_set(o, "level", jv_string(sarif_levels[x->severity]));
	jv_set(o, "message", sarif_message(f, g));
	jv_set(o, "locations", sarif_locations(&x->loc, fallback));
	jv_set(o, "partialFingerprints", sarif_fingerprints(g));
	jv_set(o, "properties", sarif_properties(f, g));
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
	struct groups g;
	size_t i;

	for (i = 0; m->rules && m->rules[i]; i++)
		rule_list_add(&rules, m->rules[i]);
	for (i = 0; i < f->n; i++)
		rule_list_add(&rules, f->v[i].rule);
	jv_set(tool, "driver", sarif_driver(&rules, m));
	jv_set(run, "tool", tool);
	report_group(f, m->fail_on, &g);
	for (i = 0; i < g.n; i++)
		jv_append(results, sarif_result(f, &g.v[i], rule_list_find(&rules, g.v[i].x->rule),
						m->fallback_file));
	groups_release(&g);
	jv_set(run, "results", results);
	jv_set(run, "columnKind", jv_string("unicodeCodePoints"));
	free(rules.v);
	return run;
}

void report_write_sarif(struct strbuf *out, const struct findings *f,
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
