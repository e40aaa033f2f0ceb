/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reportcmd.c: --format, --fail-on, --output, --report, the accept file,
 * the reports.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
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
	case REPORT_OPT_REPORT: strlist_add(&rc->reports, arg); return 1;
	}
	return 0;
}

#define FORMAT_NAMES "text, markdown, json, sarif, github, gitlab or junit"

int report_spec_parse(const char *spec, enum report_format *fmt, const char **file,
		      struct strbuf *err)
{
	const char *colon = strchr(spec, ':');
	char *name;
	int bad;

	if (!colon) {
		strbuf_addstr(err, "expected FORMAT:FILE (FILE '-' for stdout)");
		return -1;
	}
	name = xstrndup(spec, (size_t)(colon - spec));
	bad = !*name || report_format_parse(name, fmt);
	if (!*name)
		strbuf_addstr(err, "no format before ':' (expected " FORMAT_NAMES ")");
	else if (bad)
		strbuf_addf(err, "unknown format '%s' (expected " FORMAT_NAMES ")", name);
	else if (!colon[1])
		strbuf_addstr(err, "no file after ':' (a path, or '-' for stdout)");
	free(name);
	if (bad || !colon[1])
		return -1;
	*file = colon + 1;
	return 0;
}

/*
 * Which file a report goes to, to refuse two reports into one: the
 * device and inode of what exists (stdout's for "-"), else the resolved
 * directory and the name.  0, or -1 with the reason in err: a directory,
 * or a path whose directory does not exist.
 */
struct target_id {
	int known;
	dev_t dev;
	ino_t ino;
	char *path;
};

static int target_id(const char *file, struct target_id *id, struct strbuf *err)
{
	struct stat st;
	const char *slash;
	char *dir, *real;

	memset(id, 0, sizeof(*id));
	if (!file || !strcmp(file, "-") ? !fstat(STDOUT_FILENO, &st) : !stat(file, &st)) {
		if (S_ISDIR(st.st_mode)) {
			strbuf_addf(err, "cannot write '%s': it is a directory", file);
			return -1;
		}
		id->known = 1;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
		return 0;
	}
	if (!file || !strcmp(file, "-")) {
		id->path = xstrdup("-");
		return 0;
	}
	if (errno != ENOENT) {
		strbuf_addf(err, "cannot write '%s': %s", file, strerror(errno));
		return -1;
	}
	slash = strrchr(file, '/');
	dir = slash ? xstrndup(file, (size_t)(slash - file) + 1) : xstrdup(".");
	real = realpath(dir, NULL);
	free(dir);
	if (!real) {
		strbuf_addf(err, "cannot write '%s': its directory does not exist", file);
		return -1;
	}
	id->path = xstrfmt("%s/%s", real, slash ? slash + 1 : file);
	free(real);
	return 0;
}

static int same_target(const struct target_id *a, const struct target_id *b)
{
	if (a->known || b->known)
		return a->known && b->known && a->dev == b->dev && a->ino == b->ino;
	return !strcmp(a->path, b->path);
}

static const char *report_file_name(const char *file)
{
	return !file || !strcmp(file, "-") ? "standard output" : file;
}

static void add_target(struct report_cmd *rc, enum report_format fmt, const char *file)
{
	ALLOC_GROW(rc->targets, rc->ntargets + 1, rc->alloc_targets);
	rc->targets[rc->ntargets++] = (struct report_target){ fmt, file };
}

/* With --report: each report writable, and no two into one file; 0 or -1 (err). */
static int check_targets(const struct report_cmd *rc, struct strbuf *err)
{
	struct target_id *ids = xcalloc(rc->ntargets, sizeof(*ids));
	size_t i, j;
	int ret = 0;

	for (i = 0; i < rc->ntargets && !ret; i++) {
		ret = target_id(rc->targets[i].file, &ids[i], err);
		for (j = 0; j < i && !ret; j++)
			if (same_target(&ids[i], &ids[j])) {
				strbuf_addf(err, "two reports into one file: '%s' and '%s'",
					    report_file_name(rc->targets[j].file),
					    report_file_name(rc->targets[i].file));
				ret = -1;
			}
	}
	for (i = 0; i < rc->ntargets; i++)
		free(ids[i].path);
	free(ids);
	return ret;
}

static int list_targets(struct report_cmd *rc)
{
	struct strbuf err = STRBUF_INIT;
	enum report_format fmt;
	const char *file;
	size_t i;
	int r = 0;

	for (i = 0; i < rc->reports.n && !r; i++)
		if (report_spec_parse(rc->reports.v[i], &fmt, &file, &err))
			r = usage_error(rc->command, "--report '%s': %s", rc->reports.v[i], err.buf);
		else
			add_target(rc, fmt, file);
	if (!r && (!rc->reports.n || rc->format || rc->output))
		add_target(rc, rc->fmt, rc->output);
	if (!r && rc->reports.n && check_targets(rc, &err))
		r = usage_error(rc->command, "--report: %s", err.buf);
	strbuf_release(&err);
	return r;
}

int report_cmd_check(struct report_cmd *rc)
{
	struct strbuf err = STRBUF_INIT;
	int r = 0;

	if (rc->format && report_format_parse(rc->format, &rc->fmt))
		r = usage_error(rc->command, "unknown format '%s' (expected " FORMAT_NAMES ")",
				rc->format);
	else if (fail_on_parse(rc->fail_on ? rc->fail_on : "error", &rc->fo, &err))
		r = usage_error(rc->command, "%s", err.buf);
	else
		r = list_targets(rc);
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

static int to_stdout(const struct report_target *t)
{
	return !t->file || !strcmp(t->file, "-");
}

static int print_report(const struct report_cmd *rc, const struct report_target *t,
			const struct findings *f, struct diag *d)
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
	meta.color = t->fmt == FMT_TEXT && to_stdout(t) && term_color(stdout);
	report_write(&out, f, t->fmt, &meta);
	ret = report_emit(&out, t->file, d);
	strbuf_release(&out);
	strbuf_release(&base);
	strbuf_release(&prefix);
	free(rules);
	return ret;
}

/*
 * Whether a report is left out: the input-error report (errors) is not
 * written as text, where the errors are on stderr already; --quiet
 * prints a text report on stdout only when something fails.
 */
static int left_out(const struct report_cmd *rc, const struct report_target *t,
		    const struct findings *f, int errors)
{
	if (t->fmt != FMT_TEXT)
		return 0;
	return errors || (term_quiet() && to_stdout(t) && !findings_fail(f, &rc->fo));
}

/*
 * Every report; one that cannot be written does not stop the others.
 * 0, or -1 (reported to d, naming the file).
 */
static int print_reports(const struct report_cmd *rc, const struct findings *f, int errors,
			 struct diag *d)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < rc->ntargets; i++)
		if (!left_out(rc, &rc->targets[i], f, errors) &&
		    print_report(rc, &rc->targets[i], f, d))
			ret = -1;
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
	if (print_reports(rc, f, 0, d))
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
	size_t i;

	for (i = 0; i < rc->ntargets && rc->targets[i].fmt == FMT_TEXT; i++)
		;
	if (i == rc->ntargets)
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
		print_reports(rc, &rc->errors, 1, d);
	}
	return EXIT_ERROR;
}

void report_cmd_release(struct report_cmd *rc)
{
	accept_release(&rc->al);
	findings_release(&rc->errors);
	strlist_release(&rc->reports);
	free(rc->targets);
	rc->targets = NULL;
	rc->ntargets = rc->alloc_targets = 0;
}
