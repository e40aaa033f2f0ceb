/*
 * report.h: findings and the one reporter that prints them in every format.
 *
 * diff, check-config and ci all produce findings; each module that owns
 * rules describes them in a static table of struct rule and points its
 * findings at those entries.  The reporter never needs to know which
 * module a rule belongs to.
 */
#ifndef TOOLSYNC_REPORT_H
#define TOOLSYNC_REPORT_H

#include "toolsync/diag.h"

enum severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };

enum category {
	CAT_CHANGE,
	CAT_BREAKING,
	CAT_SECURITY,
	CAT_COMPLIANCE,
	CAT_CONFIG,
};

const char *severity_name(enum severity s);   /* "note", "warning", "error" */
const char *category_name(enum category c);   /* "change", "breaking", ... */

/* A rule: stable id, defaults, and the help text SARIF and --help show. */
struct rule {
	const char *id;            /* "tool-removed", "tags-missing-required" */
	enum category category;
	enum severity severity;
	const char *summary;       /* one line */
	const char *help;          /* what to do about it */
	const char *security_severity; /* SARIF "security-severity", NULL if none */
};

/*
 * A module's rule table entry:
 *	RULE(r_tool_removed, "tool-removed", CAT_BREAKING, SEV_ERROR, NULL,
 *	     "summary", "help")
 * (the fifth argument is SARIF's security-severity, or NULL).
 */
#define RULE(name, id, cat, sev, secsev, summary, help) \
	static const struct rule name = { id, cat, sev, summary, help, secsev };
/* The same, for a rule that other files of one module emit (declared extern). */
#define RULE_SHARED(name, id, cat, sev, secsev, summary, help) \
	const struct rule name = { id, cat, sev, summary, help, secsev };

struct finding {
	const struct rule *rule;   /* borrowed: a static table entry */
	enum severity severity;    /* usually rule->severity */
	char *message;
	char *tool;                /* tool key, or NULL */
	char *pointer;             /* JSON pointer inside the manifest, or NULL */
	char *old_value;           /* compact JSON text, or NULL */
	char *new_value;           /* compact JSON text, or NULL */
	struct srcloc loc;         /* what caused it: template line, registry row, env file line */
	int accepted;              /* matched an accept-file entry */
	char *accept_reason;       /* its reason, or NULL */
};

struct findings {
	struct finding *v;
	size_t n, alloc;
};

/*
 * Add a finding with the rule's severity; the strings are copied (any may be
 * NULL).  Returns the new finding so callers can adjust it.
 */
struct finding *findings_add(struct findings *f, const struct rule *rule,
			     const struct srcloc *loc, const char *tool,
			     const char *pointer, const char *old_value,
			     const char *new_value, const char *fmt, ...)
	TS_PRINTF(8, 9);
void findings_release(struct findings *f);
/*
 * Stable order: unaccepted before accepted, errors, warnings, notes; then
 * file, line, column, rule id, pointer, values, message; the tool last,
 * so that findings with one cause (a template line shared by many tools)
 * are adjacent and the report shows them as one entry.
 */
void findings_sort(struct findings *f);

enum report_format {
	FMT_TEXT, FMT_MARKDOWN, FMT_JSON, FMT_SARIF, FMT_GITHUB, FMT_GITLAB, FMT_JUNIT,
};

/* 0 and *fmt set, or -1 for an unknown name. */
int report_format_parse(const char *name, enum report_format *fmt);

/*
 * --fail-on: a comma-separated list of categories and severities, or "any",
 * or "none".  A severity means "this or worse".  Default: "error".
 */
struct fail_on {
	unsigned categories;  /* 1 << enum category */
	int min_severity;     /* -1 when no severity was named */
	int none;
};
int fail_on_parse(const char *s, struct fail_on *fo, struct strbuf *err);
/* 1 if an unaccepted finding meets the threshold. */
int finding_fails(const struct finding *f, const struct fail_on *fo);
int findings_fail(const struct findings *f, const struct fail_on *fo);

/*
 * The rules of several tables (each NULL-terminated; scope ends in NULL)
 * as one NULL-terminated array, for report_meta.rules.  Caller frees the
 * array (not the rules).
 */
const struct rule **rules_flatten(const struct rule *const *const *scope);

struct report_meta {
	const char *command;      /* "diff", "check-config", "ci" */
	const char *tool_version; /* TOOLSYNC_VERSION */
	int color;                /* text format: use ANSI colour */
	const struct fail_on *fail_on;
	const struct rule *const *rules; /* every rule that may appear (SARIF), NULL-terminated; may be NULL */
	/*
	 * SARIF: the file a finding without one is placed at (the
	 * configuration), since GitHub code scanning refuses a result with no
	 * physical location.  NULL: such results have only a logical one.
	 */
	const char *fallback_file;
	/*
	 * Markdown: source locations link to LINK_BASE + LINK_PREFIX + path
	 * + "#L" + line (a forge's blob URL at the commit, and the working
	 * directory's path inside the repository).  NULL: no links.
	 */
	const char *link_base, *link_prefix;
};

/* Print the findings in fmt to out. */
void report_write(struct strbuf *out, const struct findings *f,
		  enum report_format fmt, const struct report_meta *meta);

/*
 * Write the report where --output says (NULL or "-": stdout), atomically
 * for a file.  0 or -1 (reported to d).
 */
int report_emit(const struct strbuf *text, const char *output, struct diag *d);

/* 1 if colour should be used on stdout: a terminal and no NO_COLOR. */
int report_want_color(void);

#endif
