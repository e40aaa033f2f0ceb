/* report_github.c: findings as GitHub workflow commands (::error file=...::). */

#include "toolsync/report.h"
#include "report_format.h"

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
		report_short_value(msg, x->old_value);
	}
	if (x->new_value) {
		strbuf_addstr(msg, "\nnew: ");
		report_short_value(msg, x->new_value);
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

void report_write_github(struct strbuf *out, const struct findings *f,
			 const struct report_meta *m)
{
	struct counts c;
	size_t i;

	for (i = 0; i < f->n; i++)
		gh_finding(out, &f->v[i]);
	report_count(f, m->fail_on, &c);
	strbuf_addf(out, "toolsync %s: ", m->command ? m->command : "report");
	report_summary(out, &c, m->fail_on);
	strbuf_addch(out, '\n');
}
