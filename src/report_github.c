/*
 * report_github.c: findings as GitHub workflow commands (::error file=...::).
 *
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations of
 * a step (the rest are dropped silently): one annotation per entry, at
 * most GITHUB_PER_LEVEL of each level, and the summary line says how many
 * were left out and where the rest are.
 */

#include "toolsync/report.h"
#include "report_format.h"

#define GITHUB_PER_LEVEL 10

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

static void gh_message(struct strbuf *msg, const struct findings *f, const struct group *g,
		       const struct fail_on *fo)
{
	const struct finding *x = g->x;

	if (!x->loc.line && x->loc.file)
		strbuf_addf(msg, "%s: ", x->loc.file);
	report_group_subject(msg, f, g, SUBJECT_LIST | SUBJECT_POINTER);
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
	if (g->fails) {
		strbuf_addch(msg, '\n');
		report_fails_note(msg, g, fo);
	}
}

/* Accepted findings are notices: visible, but not marked as failures. */
static enum severity gh_level(const struct finding *x)
{
	return x->accepted ? SEV_NOTE : x->severity;
}

static void gh_entry(struct strbuf *out, const struct findings *f, const struct group *g,
		     const struct fail_on *fo)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addf(out, "::%s ", github_levels[gh_level(g->x)]);
	gh_properties(out, g->x);
	strbuf_addstr(out, "::");
	gh_message(&msg, f, g, fo);
	gh_escape(out, msg.buf, 0);
	strbuf_addch(out, '\n');
	strbuf_release(&msg);
}

void report_write_github(struct strbuf *out, const struct findings *f,
			 const struct report_meta *m)
{
	size_t shown[3] = { 0, 0, 0 }, left = 0, i;
	struct counts c;
	struct groups g;

	report_group(f, m->fail_on, &g);
	for (i = 0; i < g.n; i++) {
		size_t *n = &shown[gh_level(g.v[i].x)];

		if (*n >= GITHUB_PER_LEVEL) {
			left++;
			continue;
		}
		(*n)++;
		gh_entry(out, f, &g.v[i], m->fail_on);
	}
	groups_release(&g);
	report_count(f, m->fail_on, &c);
	strbuf_addf(out, "toolsync %s: ", m->command ? m->command : "report");
	report_summary(out, &c, m->fail_on);
	if (left)
		strbuf_addf(out, "; %zu more %s not annotated (GitHub shows %d of each level "
			    "per step): see the step summary, or --format text", left,
			    left == 1 ? "entry" : "entries", GITHUB_PER_LEVEL);
	strbuf_addch(out, '\n');
}
