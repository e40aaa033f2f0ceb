/*
 * report_gitlab.c: findings as a GitLab Code Quality report
 * (artifacts:reports:codequality): a JSON array of issues, each with
 * description, check_name, fingerprint, severity (info, minor, major,
 * critical, blocker) and location.path + location.lines.begin.  GitLab
 * shows them in the merge request's widget and diff; the format is a
 * subset of Code Climate's issue spec (docs.gitlab.com, "Code Quality",
 * "Implement a custom tool").  tests/schemas/gitlab-codequality.schema.json
 * is the shape the tests check.
 *
 * One issue per entry; a location without a file line is placed at the
 * configuration's line 1, as in SARIF (GitLab drops issues without one).
 */
#include "toolsync/json.h"
#include "toolsync/digest.h"

#include "toolsync/report.h"
#include "report_format.h"

/*
 * Severity: an accepted finding or a note is info; a warning minor; an
 * error major, critical when it is a security finding (a lowered role,
 * a broken signature).
 */
static const char *gl_severity(const struct finding *x)
{
	if (x->accepted || x->severity == SEV_NOTE)
		return "info";
	if (x->severity == SEV_WARNING)
		return "minor";
	return x->rule->category == CAT_SECURITY ? "critical" : "major";
}

static void gl_description(struct strbuf *out, const struct findings *f, const struct group *g,
			   const struct fail_on *fo)
{
	const struct finding *x = g->x;

	report_group_subject(out, f, g, SUBJECT_LIST | SUBJECT_POINTER);
	strbuf_addstr(out, x->message);
	if (x->loc.file && !x->loc.line)
		strbuf_addf(out, " (%s)", x->loc.file);
	if (x->accepted)
		strbuf_addf(out, " (accepted: %s)", x->accept_reason ? x->accept_reason : "");
	if (g->fails) {
		strbuf_addstr(out, " [");
		report_fails_note(out, g, fo);
		strbuf_addch(out, ']');
	}
}

static struct jv *gl_location(const struct srcloc *loc, const char *fallback)
{
	struct jv *o = jv_object(), *lines = jv_object();
	int real = loc->file && loc->line;

	jv_set(o, "path", jv_string(real ? loc->file : fallback ? fallback : "toolsync.yaml"));
	jv_set(lines, "begin", jv_number(real ? loc->line : 1));
	jv_set(o, "lines", lines);
	return o;
}

static struct jv *gl_issue(const struct findings *f, const struct group *g,
			   const struct report_meta *m)
{
	struct jv *o = jv_object(), *cats = jv_array();
	struct strbuf desc = STRBUF_INIT;
	char hex[DIGEST_HEX_SIZE];

	gl_description(&desc, f, g, m->fail_on);
	report_fingerprint(g, hex);
	jv_set(o, "type", jv_string("issue"));
	jv_set(o, "description", jv_string(desc.buf));
	jv_set(o, "check_name", jv_string(g->x->rule->id));
	jv_set(o, "fingerprint", jv_string(hex));
	jv_set(o, "severity", jv_string(gl_severity(g->x)));
	jv_append(cats, jv_string(g->x->rule->category == CAT_SECURITY ? "Security" : "Bug Risk"));
	jv_set(o, "categories", cats);
	jv_set(o, "location", gl_location(&g->x->loc, m->fallback_file));
	strbuf_release(&desc);
	return o;
}

void report_write_gitlab(struct strbuf *out, const struct findings *f,
			 const struct report_meta *m)
{
	struct jv *arr = jv_array();
	struct groups g;
	size_t i;

	report_group(f, m->fail_on, &g);
	for (i = 0; i < g.n; i++)
		jv_append(arr, gl_issue(f, &g.v[i], m));
	groups_release(&g);
	json_write(out, arr, JSON_PRETTY);
	jv_free(arr);
}
