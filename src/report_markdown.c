/*
 * report_markdown.c: findings as a pull-request comment or step summary.
 *
 * GitHub takes at most 65,536 characters in a comment (and 1 MiB in a step
 * summary): the report stops adding rows before that and says how many
 * entries it left out and how to get them all.
 */

#include "toolsync/report.h"
#include "report_format.h"

/* The whole report's limit, in bytes (a byte is never less than a character). */
#define MARKDOWN_MAX 65536
/* Kept free for the closing lines (what was left out, the accepted heading). */
#define MARKDOWN_RESERVE 1024
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

static void md_code_plain(struct strbuf *out, const char *s)
{
	md_code(out, s, 0);
}

/* The tool cell: the tool, or how many tools and the first few. */
static void md_tools(struct strbuf *out, const struct findings *f, const struct group *g)
{
	if (g->n == 1) {
		if (g->x->tool)
			md_code(out, g->x->tool, 0);
		return;
	}
	strbuf_addf(out, "**%zu tools**: ", g->n);
	report_group_tools(out, f, g, md_code_plain);
}

/*
 * A relative path in the repository can link to the forge: a description
 * ("table tool_registry, key 'x'", "environment") or a path leaving the
 * repository cannot.
 */
static int md_linkable(const struct srcloc *loc)
{
	const char *p = loc->file;

	if (!p || !loc->line || *p == '/' || strchr(p, ' ') || strchr(p, ':'))
		return 0;
	return strcmp(p, "..") && strncmp(p, "../", 3) && !strstr(p, "/../");
}

static void md_source(struct strbuf *out, const struct srcloc *loc, const struct report_meta *m)
{
	struct strbuf text = STRBUF_INIT;

	srcloc_format(&text, loc);
	if (!text.len)
		return;
	if (!m->link_base || !md_linkable(loc)) {
		md_code(out, text.buf, 0);
		strbuf_release(&text);
		return;
	}
	strbuf_addch(out, '[');
	md_code(out, text.buf, 0);
	strbuf_addf(out, "](%s", m->link_base);
	report_uri_encode(out, m->link_prefix ? m->link_prefix : "");
	report_uri_encode(out, loc->file);
	strbuf_addf(out, "#L%u)", loc->line);
	strbuf_release(&text);
}

static void md_row(struct strbuf *out, const struct findings *f, const struct group *g,
		   const struct report_meta *m)
{
	const struct finding *x = g->x;

	strbuf_addf(out, "| %s | %s | %s | ", g->fails ? "**yes**" : "no",
		    severity_name(x->severity), category_name(x->rule->category));
	md_code(out, x->rule->id, 0);
	strbuf_addstr(out, " | ");
	md_tools(out, f, g);
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
	md_source(out, &x->loc, m);
	strbuf_addstr(out, " |\n");
}

/*
 * The rows of the entries with this accepted state, while they fit in
 * MARKDOWN_MAX (less the reserve) counted from the report's start;
 * returns how many were left out.
 */
static size_t md_table(struct strbuf *out, size_t start, const struct findings *f,
		       const struct groups *g, int accepted, const struct report_meta *m)
{
	struct strbuf row = STRBUF_INIT;
	size_t i, left = 0;

	strbuf_addstr(out, "| Fails | Severity | Category | Rule | Tool | Pointer | Finding | Source |\n"
			   "|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < g->n; i++) {
		if (g->v[i].x->accepted != accepted)
			continue;
		strbuf_reset(&row);
		md_row(&row, f, &g->v[i], m);
		if (left || out->len - start + row.len > MARKDOWN_MAX - MARKDOWN_RESERVE)
			left++;
		else
			strbuf_addbuf(out, &row);
	}
	strbuf_release(&row);
	return left;
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

static void md_left_out(struct strbuf *out, size_t left, const struct report_meta *m)
{
	const char *cmd = m->command ? m->command : "diff";

	strbuf_addf(out, "\n*%zu more %s not shown: a comment holds at most %d bytes. "
		    "The full report: `toolsync %s --format text`, or `--format json` "
		    "(every tool of every entry).*\n", left, left == 1 ? "entry" : "entries",
		    MARKDOWN_MAX, cmd);
}

void report_write_markdown(struct strbuf *out, const struct findings *f,
			   const struct report_meta *m)
{
	struct counts c;
	struct groups g;
	size_t start = out->len, left = 0;

	report_count(f, m->fail_on, &c);
	report_group(f, m->fail_on, &g);
	strbuf_addf(out, "### toolsync %s\n\n", m->command ? m->command : "report");
	strbuf_addstr(out, c.failing ? "**Failed**: " : "**Passed**: ");
	report_summary(out, &c, m->fail_on);
	strbuf_addstr(out, "\n\n");
	md_counts(out, &c, m->fail_on);
	if (c.total > c.accepted) {
		strbuf_addstr(out, "\n#### Findings\n\n");
		left += md_table(out, start, f, &g, 0, m);
	}
	if (c.accepted) {
		strbuf_addstr(out, "\n#### Accepted\n\n");
		left += md_table(out, start, f, &g, 1, m);
	}
	if (left)
		md_left_out(out, left, m);
	groups_release(&g);
}
