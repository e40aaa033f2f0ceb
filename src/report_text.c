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
		report_short_value(out, x->old_value);
		strbuf_addch(out, '\n');
	}
	if (x->new_value) {
		strbuf_addstr(out, "    new: ");
		report_short_value(out, x->new_value);
		strbuf_addch(out, '\n');
	}
	if (x->accepted)
		strbuf_addf(out, "    accepted: %s\n", x->accept_reason ? x->accept_reason : "");
}

void report_write_text(struct strbuf *out, const struct findings *f,
		       const struct report_meta *m)
{
	struct counts c;
	size_t i;

	for (i = 0; i < f->n; i++)
		text_finding(out, &f->v[i], m->color);
	report_count(f, m->fail_on, &c);
	report_summary(out, &c, m->fail_on);
	strbuf_addch(out, '\n');
}
