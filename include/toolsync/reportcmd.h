/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reportcmd.h: what the commands that report findings share (diff,
 * check-config, ci): --format, --fail-on, --output and the accept file,
 * then one report and one exit code.
 *
 *	struct report_cmd rc = REPORT_CMD_INIT("diff", diff_scope);
 *	rc.format = ...; rc.fail_on = ...;          (from the options)
 *	if ((r = report_cmd_check(&rc))) return r;  (a usage error)
 *	... load the config; report_cmd_load_accept(); collect findings ...
 *	r = report_cmd_finish(&rc, &findings, &d);
 *	report_cmd_release(&rc);
 */
#ifndef TOOLSYNC_REPORTCMD_H
#define TOOLSYNC_REPORTCMD_H

#include "toolsync/accept.h"
#include "toolsync/config.h"

/*
 * Every rule any command reports, NULL-terminated lists in a
 * NULL-terminated list: an accept file is shared by diff, check-config and
 * ci, so its entries may name any of them.
 */
extern const struct rule *const *const report_known_rules[];

/* One report to write: a format and a file (NULL or "-": stdout). */
struct report_target {
	enum report_format fmt;
	const char *file;
};

struct report_cmd {
	const char *command;     /* "diff", "check-config", "ci" */
	const struct rule *const *const *scope;  /* the rules this command reports */
	/* the options; NULL means the default */
	const char *format, *fail_on, *output, *accept;
	/* where SARIF places findings that have no file: the configuration */
	const char *fallback_file;
	/* set by report_cmd_check() */
	enum report_format fmt;
	struct fail_on fo;
	struct accept_list al;
	struct findings errors;  /* input errors, for report_cmd_fail() */
	/* --report FORMAT:FILE, as given (repeatable) */
	struct strlist reports;
	/* set by report_cmd_check(): every report to write, in order */
	struct report_target *targets;
	size_t ntargets, alloc_targets;
};

#define REPORT_CMD_INIT(command, scope) \
	{ command, scope, NULL, NULL, NULL, NULL, NULL, FMT_TEXT, { 0, -1, 0 }, { NULL, 0, 0 }, \
	  { NULL, 0, 0 }, { NULL, 0, 0 }, NULL, 0, 0 }

/* The rule of input errors in a machine-readable report. */
extern const struct rule input_error_rule;

/*
 * Collect the errors reported to d from now on, so that report_cmd_fail()
 * can put them into the report: a pipeline that reads SARIF, JSON or
 * annotations sees why the command stopped.  Nothing for --format text,
 * where the errors are on stderr already.
 */
void report_cmd_watch(struct report_cmd *rc, struct diag *d);

/*
 * The command stops with an error: write the collected errors as the
 * report (input-error findings) in a machine-readable format, and return
 * EXIT_ERROR.  The errors were printed on stderr too.
 */
int report_cmd_fail(struct report_cmd *rc, struct diag *d);

/*
 * The options every reporting command takes, for its getopt_long table
 * (the file includes <getopt.h>), and their parsing: before its own
 * switch, a command passes each option to report_cmd_option(), which
 * returns 1 when it was one of these (now set in rc).
 */
enum { REPORT_OPT_FORMAT = 512, REPORT_OPT_FAIL_ON, REPORT_OPT_OUTPUT, REPORT_OPT_ACCEPT,
       REPORT_OPT_REPORT };
#define REPORT_CMD_OPTIONS                                                     \
	{ "format", required_argument, NULL, REPORT_OPT_FORMAT },              \
	{ "fail-on", required_argument, NULL, REPORT_OPT_FAIL_ON },            \
	{ "output", required_argument, NULL, REPORT_OPT_OUTPUT },              \
	{ "report", required_argument, NULL, REPORT_OPT_REPORT },              \
	{ "accept", required_argument, NULL, REPORT_OPT_ACCEPT }
int report_cmd_option(struct report_cmd *rc, int c, const char *arg);

/*
 * One --report value, FORMAT:FILE: 0 with *fmt and *file (pointing into
 * spec), or -1 with the reason in err.  The first ':' ends FORMAT, so FILE
 * may hold one; FILE "-" is stdout.
 */
int report_spec_parse(const char *spec, enum report_format *fmt, const char **file,
		      struct strbuf *err);

/*
 * Check --format, --fail-on and --report, and list the reports to write:
 * without --report, the one --format/--output names (as always); with
 * it, each --report in order, then --format/--output as one more when
 * either was given.  No two reports may name one file (stdout included),
 * and each FILE must be writable where it is: not a directory, in a
 * directory that exists.  0, or the exit code of a usage error (printed,
 * nothing run or written).
 */
int report_cmd_check(struct report_cmd *rc);

/*
 * The accept file: --accept (required to exist), else .toolsync-accept.yaml
 * beside the configuration when there is one.  0, or -1 (reported to d).
 */
int report_cmd_load_accept(struct report_cmd *rc, const struct ts_config *cfg, struct diag *d);
/* (It also takes the configuration as the fallback location of SARIF results.) */

/*
 * Apply the accept file, sort, write every report (the same bytes one run
 * per report would write), and return the one exit code: EXIT_FINDINGS
 * when an unaccepted finding meets --fail-on, EXIT_OK, or EXIT_ERROR when
 * a report cannot be written (the others are still written; the message
 * names the file).
 */
int report_cmd_finish(struct report_cmd *rc, struct findings *f, struct diag *d);

void report_cmd_release(struct report_cmd *rc);

#endif
