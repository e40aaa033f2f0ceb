/* report_text.c: findings for a terminal or a log, coloured on a terminal. */

#include "toolsync/report.h"
#include "report_format.h"

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

static void text_entry(struct strbuf *out, const struct findings *f, const struct group *g,
		       const struct report_meta *m)
{
	const struct finding *x = g->x;
	const char *sev = severity_name(x->severity);

	text_location(out, x, m->color);
	if (m->color)
		strbuf_addf(out, "%s%s" C_RESET, severity_colors[x->severity], sev);
	else
		strbuf_addstr(out, sev);
	strbuf_addf(out, "[%s] %s%s", category_name(x->rule->category), x->rule->id,
		    x->accepted ? " (accepted)" : "");
	strbuf_addstr(out, ": ");
	report_group_subject(out, f, g, SUBJECT_POINTER);
	strbuf_addf(out, "%s\n", x->message);
	if (g->n > 1) {
		strbuf_addstr(out, "    tools: ");
		report_group_tools(out, f, g, NULL);
		strbuf_addch(out, '\n');
	}
	report_add_values(out, x, "    ");
	if (x->accepted)
		strbuf_addf(out, "    accepted: %s\n", x->accept_reason ? x->accept_reason : "");
	if (g->fails) {
		strbuf_addstr(out, "    ");
		report_fails_note(out, g, m->fail_on);
		strbuf_addch(out, '\n');
	}
}

void report_write_text(struct strbuf *out, const struct findings *f,
		       const struct report_meta *m)
{
	struct groups g;
	struct counts c;
	size_t i;

	report_group(f, m->fail_on, &g);
	for (i = 0; i < g.n; i++)
		text_entry(out, f, &g.v[i], m);
	groups_release(&g);
	report_count(f, m->fail_on, &c);
	report_summary(out, &c, m->fail_on);
	strbuf_addch(out, '\n');
}
