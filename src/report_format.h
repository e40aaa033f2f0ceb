/*
 * report_format.h: what report.c shares with the writer of each format
 * (report_text.c, report_markdown.c, report_json.c, report_sarif.c,
 * report_github.c).  Private to the reporter.
 */
#ifndef TOOLSYNC_REPORT_FORMAT_H
#define TOOLSYNC_REPORT_FORMAT_H

#include "toolsync/report.h"

struct jv;

#define REPORT_FORMAT "toolsync.report/1"
#define INFO_URI "https://github.com/toolsync/toolsync"
/* Old/new values longer than this are shortened in text-like formats. */
#define VALUE_MAX 160

extern const char *const severity_names[];

struct counts {
	size_t total, sev[3], accepted, failing;
};

void report_count(const struct findings *f, const struct fail_on *fo, struct counts *c);
/* "3 findings", "1 finding" */
void report_add_plural(struct strbuf *out, size_t n, const char *word);
/* "5 findings: 2 errors, 1 warning, 1 note, 1 accepted; 2 at --fail-on error" */
void report_summary(struct strbuf *out, const struct counts *c, const struct fail_on *fo);
/* --fail-on as the user could have written it */
void report_fail_on_format(struct strbuf *out, const struct fail_on *fo);
/* A value for a one-line display: shortened at a UTF-8 character boundary. */
void report_short_value(struct strbuf *out, const char *v);

/* An old or new value as JSON: parsed when it is JSON text, else a string. */
struct jv *report_value_node(const char *text);

/* One writer per format; report_write() picks by enum report_format. */
void report_write_text(struct strbuf *out, const struct findings *f, const struct report_meta *m);
void report_write_markdown(struct strbuf *out, const struct findings *f, const struct report_meta *m);
void report_write_json(struct strbuf *out, const struct findings *f, const struct report_meta *m);
void report_write_sarif(struct strbuf *out, const struct findings *f, const struct report_meta *m);
void report_write_github(struct strbuf *out, const struct findings *f, const struct report_meta *m);

#endif
