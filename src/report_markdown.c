/* report_markdown.c: findings as a pull-request comment or step summary. */

#include "toolsync/report.h"
#include "report_format.h"

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
		report_short_value(&v, s);
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
	report_fail_on_format(out, fo);
	strbuf_addf(out, " |\n|---:|---:|---:|---:|---:|\n| %zu | %zu | %zu | %zu | %zu |\n",
		    c->sev[SEV_ERROR], c->sev[SEV_WARNING], c->sev[SEV_NOTE],
		    c->accepted, c->failing);
}

void report_write_markdown(struct strbuf *out, const struct findings *f,
			   const struct report_meta *m)
{
	struct counts c;

	report_count(f, m->fail_on, &c);
	strbuf_addf(out, "### toolsync %s\n\n", m->command ? m->command : "report");
	strbuf_addstr(out, c.failing ? "**Failed**: " : "**Passed**: ");
	report_summary(out, &c, m->fail_on);
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
