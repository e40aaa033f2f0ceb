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
	size_t groups;   /* entries: findings with one cause count once */
};

/*
 * An entry of the report: findings with one cause (rule, pointer, old and
 * new values, source location, message, accepted or not) that differ only
 * in the tool.  findings_sort() makes them adjacent: f->v[start ..
 * start + n).  x is the first of them.
 */
struct group {
	const struct finding *x;
	size_t start, n;
	int fails;   /* fails the run at --fail-on */
};
struct groups {
	struct group *v;
	size_t n;
};
/* The entries of sorted findings; release with groups_release(). */
void report_group(const struct findings *f, const struct fail_on *fo, struct groups *g);
void groups_release(struct groups *g);
/* How many tools an entry names before "and N more". */
#define GROUP_SHOW 5
/* "a, b, c, d, e and 6661 more"; add (NULL: as is) writes one tool name. */
void report_group_tools(struct strbuf *out, const struct findings *f, const struct group *g,
			void (*add)(struct strbuf *out, const char *tool));
/*
 * Whom an entry is about, as a message starts: "ledger.a /ptr: ",
 * "7 tools (a, b, c, d, e and 2 more) /ptr: " (SUBJECT_LIST), "7 tools
 * /ptr: "; the pointer only with SUBJECT_POINTER; nothing when there is
 * neither tool nor pointer.
 */
enum { SUBJECT_LIST = 1 << 0, SUBJECT_POINTER = 1 << 1 };
void report_group_subject(struct strbuf *out, const struct findings *f, const struct group *g,
			  unsigned flags);
/* "{indent}old: V\n{indent}new: V\n" for the values a finding has (shortened). */
void report_add_values(struct strbuf *out, const struct finding *x, const char *indent);
/* "fails at --fail-on error", or nothing for an entry that does not fail. */
void report_fails_note(struct strbuf *out, const struct group *g, const struct fail_on *fo);
/*
 * An entry's identity, stable when lines move (SARIF partialFingerprints,
 * GitLab fingerprint): BLAKE2b-256 hex of rule, tool and pointer for one
 * tool (toolsyncFinding/v1); for several, of rule, source file, pointer,
 * old and new values (no one tool names the entry).
 */
void report_fingerprint(const struct group *g, char hex[65]);
/* A relative path as a URI path: percent-encoded where RFC 3986 needs it. */
void report_uri_encode(struct strbuf *out, const char *path);

void report_count(const struct findings *f, const struct fail_on *fo, struct counts *c);
/* "3 findings", "1 finding" */
void report_add_plural(struct strbuf *out, size_t n, const char *word);
/* "5 findings (3 entries): 2 errors, 1 warning, 1 note, 1 accepted; 2 at --fail-on error" */
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
void report_write_gitlab(struct strbuf *out, const struct findings *f, const struct report_meta *m);
void report_write_junit(struct strbuf *out, const struct findings *f, const struct report_meta *m);

#endif
