/* SPDX-License-Identifier: Apache-2.0 */
/* reportcmd.c: --format, --fail-on, --output, the accept file, the report. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "toolsync/reportcmd.h"
#include "toolsync/diff.h"
#include "toolsync/envcheck.h"
#include "toolsync/fsutil.h"
#include "toolsync/term.h"
#include "toolsync/verify.h"

static const struct rule *const stale_rules[] = { &accept_stale_rule, NULL };

const struct rule input_error_rule = {
	"input-error", CAT_CONFIG, SEV_ERROR,
	"toolsync stopped: an input could not be read or does not compile",
	"Fix the file at the location (the message says what is wrong) and run "
	"again. Until then the command exits 2 and nothing is built or compared.",
	NULL,
};

const struct rule *const *const report_known_rules[] = {
	diff_rules, verify_rules, envcheck_rules, stale_rules, NULL,
};

int report_cmd_option(struct report_cmd *rc, int c, const char *arg)
{
	switch (c) {
	case REPORT_OPT_FORMAT: rc->format = arg; return 1;
	case REPORT_OPT_FAIL_ON: rc->fail_on = arg; return 1;
	case REPORT_OPT_OUTPUT: rc->output = arg; return 1;
	case REPORT_OPT_ACCEPT: rc->accept = arg; return 1;
	}
	return 0;
}

int report_cmd_check(struct report_cmd *rc)
{
	struct strbuf err = STRBUF_INIT;
	int r = 0;

	if (rc->format && report_format_parse(rc->format, &rc->fmt))
		r = usage_error(rc->command, "unknown format '%s' (expected text, markdown, "
				"json, sarif, github, gitlab or junit)", rc->format);
	else if (fail_on_parse(rc->fail_on ? rc->fail_on : "error", &rc->fo, &err))
		r = usage_error(rc->command, "%s", err.buf);
	strbuf_release(&err);
	return r;
}

int report_cmd_load_accept(struct report_cmd *rc, const struct ts_config *cfg, struct diag *d)
{
	rc->fallback_file = cfg->path;
	if (rc->accept)
		return accept_load(&rc->al, NULL, rc->accept, NULL, 1, report_known_rules, d);
	return accept_load(&rc->al, cfg->base_dir, ACCEPT_FILE, NULL, 0, report_known_rules, d);
}

/* A variable's value when it is set, not empty, and holds only URL-safe characters. */
static const char *url_env(const char *name)
{
	const char *v = getenv(name), *p;

	if (!v || !*v || strlen(v) > 1024)
		return NULL;
	for (p = v; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("-._~/:@%+", *p)))
			return NULL;
	return v;
}

/*
 * Where a forge shows a file at this commit: GitHub Actions'
 * GITHUB_SERVER_URL/GITHUB_REPOSITORY/blob/GITHUB_SHA/, GitLab CI's
 * CI_PROJECT_URL/-/blob/CI_COMMIT_SHA/.  Only http(s) URLs; any other
 * value leaves the report without links.
 */
static void forge_base(struct strbuf *base)
{
	const char *server = url_env("GITHUB_SERVER_URL"), *repo = url_env("GITHUB_REPOSITORY");
	const char *sha = url_env("GITHUB_SHA"), *project = url_env("CI_PROJECT_URL");
	const char *gl_sha = url_env("CI_COMMIT_SHA");

	if (server && repo && sha)
		strbuf_addf(base, "%s/%s/blob/%s/", server, repo, sha);
	else if (project && gl_sha)
		strbuf_addf(base, "%s/-/blob/%s/", project, gl_sha);
	if (strncmp(base->buf, "https://", 8) && strncmp(base->buf, "http://", 7))
		strbuf_reset(base);
}

/*
 * Locations are relative to the working directory; the forge wants them
 * relative to the repository: the working directory's path inside the
 * checkout (GITHUB_WORKSPACE, CI_PROJECT_DIR), "" when it is the top.
 */
static void forge_prefix(struct strbuf *prefix)
{
	const char *ws = getenv("GITHUB_WORKSPACE");
	char *top, *cwd;
	size_t n;

	if (!ws || !*ws)
		ws = getenv("CI_PROJECT_DIR");
	if (!ws || !*ws || !(top = realpath(ws, NULL)))
		return;
	if ((cwd = realpath(".", NULL))) {
		n = strlen(top);
		if (!strncmp(cwd, top, n) && cwd[n] == '/')
			strbuf_addf(prefix, "%s/", cwd + n + 1);
	}
	free(cwd);
	free(top);
}

static int print_report(const struct report_cmd *rc, const struct findings *f, struct diag *d)
{
	const struct rule **rules = rules_flatten(rc->scope);
	struct strbuf base = STRBUF_INIT, prefix = STRBUF_INIT;
	struct report_meta meta = { rc->command, TOOLSYNC_VERSION, 0, &rc->fo, rules,
				    rc->fallback_file, NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	int ret;

	forge_base(&base);
	if (base.len) {
		forge_prefix(&prefix);
		meta.link_base = base.buf;
		meta.link_prefix = prefix.buf;
	}
	meta.color = rc->fmt == FMT_TEXT && (!rc->output || !strcmp(rc->output, "-")) &&
		     term_color(stdout);
	report_write(&out, f, rc->fmt, &meta);
	ret = report_emit(&out, rc->output, d);
	strbuf_release(&out);
	strbuf_release(&base);
	strbuf_release(&prefix);
	free(rules);
	return ret;
}

int report_cmd_finish(struct report_cmd *rc, struct findings *f, struct diag *d)
{
	d->sink = NULL;   /* a failure to write the report is not part of it */
	/*
	 * Every input has been read and checked: drop the quoted sources (one
	 * per committed manifest, 100,000 in a large catalogue) before the
	 * report is built.
	 */
	diag_clear_sources();
	accept_apply(&rc->al, f, rc->scope);
	findings_sort(f);
	term_verbose("%s: %zu finding%s (accepted ones included)", rc->command, f->n,
		     f->n == 1 ? "" : "s");
	/* --quiet: a text report on stdout only when something fails */
	if (term_quiet() && rc->fmt == FMT_TEXT && (!rc->output || !strcmp(rc->output, "-")) &&
	    !findings_fail(f, &rc->fo))
		return EXIT_OK;
	if (print_report(rc, f, d))
		return EXIT_ERROR;
	return findings_fail(f, &rc->fo) ? EXIT_FINDINGS : EXIT_OK;
}

static void collect_error(void *ctx, const struct srcloc *loc, const char *message)
{
	struct report_cmd *rc = ctx;

	findings_add(&rc->errors, &input_error_rule, loc, NULL, NULL, NULL, NULL, "%s", message);
}

void report_cmd_watch(struct report_cmd *rc, struct diag *d)
{
	if (rc->fmt == FMT_TEXT)
		return;
	d->sink = collect_error;
	d->sink_ctx = rc;
}

int report_cmd_fail(struct report_cmd *rc, struct diag *d)
{
	static const struct rule *const input_rules[] = { &input_error_rule, NULL };
	static const struct rule *const *const input_scope[] = { input_rules, NULL };

	d->sink = NULL;
	if (rc->errors.n) {
		rc->scope = input_scope;
		findings_sort(&rc->errors);
		print_report(rc, &rc->errors, d);
	}
	return EXIT_ERROR;
}

void report_cmd_release(struct report_cmd *rc)
{
	accept_release(&rc->al);
	findings_release(&rc->errors);
}
