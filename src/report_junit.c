/*
 * report_junit.c: findings as JUnit XML, for CI systems that show test
 * results (Jenkins' junit step, Azure DevOps' PublishTestResults, GitLab's
 * artifacts:reports:junit).  One <testcase> per entry; an entry that fails
 * the run at --fail-on has a <failure>, an accepted one is <skipped>, the
 * rest pass and carry their text in <system-out>.  The shape is the common
 * one of Ant and Maven Surefire that Jenkins' junit-10.xsd describes;
 * tests/schemas/junit.xsd is what the tests validate against.
 */
#include "toolsync/report.h"
#include "report_format.h"

/*
 * XML 1.0 text or attribute value.  Control characters other than tab and
 * newline cannot appear in XML 1.0 at all, even escaped: they are written
 * as \xHH (findings are already cleaned of them; this is the last guard).
 */
static void xml_escape(struct strbuf *out, const char *s, int attr)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, attr ? "&quot;" : "\""); break;
		case '\n': strbuf_addstr(out, attr ? "&#10;" : "\n"); break;
		case '\t': strbuf_addstr(out, attr ? "&#9;" : "\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(out, "\\x%02x", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
}

/* "param-removed: 6666 tools /tool/parameters/properties/memo" */
static void ju_name(struct strbuf *out, const struct findings *f, const struct group *g)
{
	size_t start;

	strbuf_addf(out, "%s: ", g->x->rule->id);
	start = out->len;
	report_group_subject(out, f, g, SUBJECT_POINTER);
	if (out->len > start)
		strbuf_setlen(out, out->len - 2);   /* the subject's ": " */
	else
		strbuf_addstr(out, g->x->loc.file ? g->x->loc.file : "toolsync");
}

/* What a reader needs: where, what, which tools, the values. */
static void ju_details(struct strbuf *out, const struct findings *f, const struct group *g,
		       const struct fail_on *fo)
{
	const struct finding *x = g->x;

	if (x->loc.file) {
		srcloc_format(out, &x->loc);
		strbuf_addstr(out, ": ");
	}
	strbuf_addf(out, "%s[%s] %s\n", severity_name(x->severity),
		    category_name(x->rule->category), x->message);
	if (g->n > 1) {
		strbuf_addstr(out, "tools: ");
		report_group_tools(out, f, g, NULL);
		strbuf_addch(out, '\n');
	}
	report_add_values(out, x, "");
	if (g->fails) {
		report_fails_note(out, g, fo);
		strbuf_addch(out, '\n');
	}
}

static void ju_testcase(struct strbuf *out, const struct findings *f, const struct group *g,
			const struct report_meta *m)
{
	const struct finding *x = g->x;
	struct strbuf s = STRBUF_INIT;

	ju_name(&s, f, g);
	strbuf_addstr(out, "    <testcase name=\"");
	xml_escape(out, s.buf, 1);
	strbuf_addf(out, "\" classname=\"toolsync.%s\">\n", category_name(x->rule->category));
	strbuf_reset(&s);
	ju_details(&s, f, g, m->fail_on);
	if (g->fails) {
		strbuf_addf(out, "      <failure type=\"%s\" message=\"", x->rule->id);
		xml_escape(out, x->message, 1);
		strbuf_addstr(out, "\">");
		xml_escape(out, s.buf, 0);
		strbuf_addstr(out, "</failure>\n");
	} else if (x->accepted) {
		strbuf_addstr(out, "      <skipped message=\"accepted: ");
		xml_escape(out, x->accept_reason ? x->accept_reason : "", 1);
		strbuf_addstr(out, "\"/>\n");
	}
	if (!g->fails) {
		strbuf_addstr(out, "      <system-out>");
		xml_escape(out, s.buf, 0);
		strbuf_addstr(out, "</system-out>\n");
	}
	strbuf_addstr(out, "    </testcase>\n");
	strbuf_release(&s);
}

void report_write_junit(struct strbuf *out, const struct findings *f,
			const struct report_meta *m)
{
	const char *cmd = m->command ? m->command : "report";
	size_t i, failures = 0, skipped = 0;
	struct groups g;

	report_group(f, m->fail_on, &g);
	for (i = 0; i < g.n; i++) {
		failures += g.v[i].fails;
		skipped += !g.v[i].fails && g.v[i].x->accepted;
	}
	strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(out, "<testsuites name=\"toolsync %s\" tests=\"%zu\" failures=\"%zu\" "
		    "errors=\"0\">\n", cmd, g.n ? g.n : 1, failures);
	strbuf_addf(out, "  <testsuite name=\"toolsync %s\" tests=\"%zu\" failures=\"%zu\" "
		    "errors=\"0\" skipped=\"%zu\">\n", cmd, g.n ? g.n : 1, failures, skipped);
	/* a suite with no test case reads as "no tests ran" in several CI systems */
	if (!g.n)
		strbuf_addf(out, "    <testcase name=\"%s: no findings\" classname=\"toolsync\"/>\n",
			    cmd);
	for (i = 0; i < g.n; i++)
		ju_testcase(out, f, &g.v[i], m);
	strbuf_addstr(out, "  </testsuite>\n</testsuites>\n");
	groups_release(&g);
}
