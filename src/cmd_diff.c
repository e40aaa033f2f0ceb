/*
 * cmd_diff.c: toolsync diff.
 *
 * Compile in memory (nothing is written but the report), compare with the
 * committed manifests, apply the accept file, print one report.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/accept.h"
#include "toolsync/diff.h"
#include "toolsync/fsutil.h"
#include "toolsync/verify.h"

struct diff_cmd {
	const char *config_path, *against, *format, *fail_on, *output, *accept;
	struct compile_opts copts;
};

static int parse_options(struct diff_cmd *o, int argc, char **argv)
{
	enum { O_REGISTRY = 256, O_AGAINST, O_FORMAT, O_FAIL_ON, O_OUTPUT, O_ACCEPT };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "registry", required_argument, NULL, O_REGISTRY },
		{ "against", required_argument, NULL, O_AGAINST },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "accept", required_argument, NULL, O_ACCEPT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case O_REGISTRY: o->copts.registry = optarg; break;
		case O_AGAINST: o->against = optarg; break;
		case O_FORMAT: o->format = optarg; break;
		case O_FAIL_ON: o->fail_on = optarg; break;
		case O_OUTPUT: o->output = optarg; break;
		case O_ACCEPT: o->accept = optarg; break;
		case 'h': return 1;
		case ':': return -usage_error("diff", "option '%s' needs a value", argv[optind - 1]);
		default: return -usage_error("diff", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return -usage_error("diff", "unexpected argument '%s'", argv[optind]);
	return 0;
}

static const struct rule *const stale_rules[] = { &accept_stale_rule, NULL };
static const struct rule *const *const diff_scope[] = { diff_rules, stale_rules, NULL };
/* An accept file is shared with ci: entries may name any rule ci reports. */
static const struct rule *const *const known_rules[] = {
	diff_rules, verify_rules, stale_rules, NULL,
};

static int load_accept(const struct diff_cmd *o, const struct ts_config *cfg,
		       struct accept_list *al, struct diag *d)
{
	char *path;
	int ret;

	if (o->accept)
		return accept_load(al, o->accept, NULL, 1, known_rules, d);
	path = path_join(cfg->base_dir, ACCEPT_FILE);
	ret = accept_load(al, path, NULL, 0, known_rules, d);
	free(path);
	return ret;
}

static int print_report(const struct diff_cmd *o, struct findings *f,
			enum report_format fmt, const struct fail_on *fo,
			struct diag *d)
{
	const struct rule **rules = rules_flatten(diff_scope);
	struct report_meta meta = { "diff", TOOLSYNC_VERSION, 0, fo, rules };
	struct strbuf out = STRBUF_INIT;
	int ret;

	meta.color = fmt == FMT_TEXT && (!o->output || !strcmp(o->output, "-")) &&
		     report_want_color();
	report_write(&out, f, fmt, &meta);
	ret = report_emit(&out, o->output, d);
	strbuf_release(&out);
	free(rules);
	return ret;
}

static int run(const struct diff_cmd *o, enum report_format fmt,
	       const struct fail_on *fo, struct diag *d)
{
	struct ts_config cfg;
	struct findings f = { NULL, 0, 0 };
	struct accept_list al = { NULL, 0, 0 };
	char *dir = NULL;
	int rc = EXIT_ERROR;

	if (config_load(&cfg, o->config_path ? o->config_path : "toolsync.yaml",
			o->config_path != NULL, d))
		goto cleanup;
	/* the accept file is checked first: a typo there must not wait for a compile */
	if (load_accept(o, &cfg, &al, d))
		goto cleanup;
	dir = o->against ? xstrdup(o->against) : config_path(&cfg, cfg.out);
	if (diff_against(&cfg, &o->copts, dir, o->against ? o->against : cfg.out, 0, &f, d))
		goto cleanup;
	/*
	 * Every input has been read and checked: drop the quoted sources (one
	 * per committed manifest, 100,000 in a large catalogue) before the
	 * report is built.
	 */
	diag_clear_sources();
	accept_apply(&al, &f, diff_scope);
	findings_sort(&f);
	if (print_report(o, &f, fmt, fo, d))
		goto cleanup;
	rc = findings_fail(&f, fo) ? EXIT_FINDINGS : EXIT_OK;
cleanup:
	free(dir);
	accept_release(&al);
	findings_release(&f);
	config_release(&cfg);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_cmd o;
	struct diag d = DIAG_INIT;
	struct strbuf err = STRBUF_INIT;
	enum report_format fmt = FMT_TEXT;
	struct fail_on fo;
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = parse_options(&o, argc, argv)))
		return r > 0 ? cmd_help("diff") : -r;
	if (o.format && report_format_parse(o.format, &fmt))
		return usage_error("diff", "unknown format '%s' (expected text, markdown, "
				   "json, sarif or github)", o.format);
	if (fail_on_parse(o.fail_on ? o.fail_on : "error", &fo, &err)) {
		r = usage_error("diff", "%s", err.buf);
		strbuf_release(&err);
		return r;
	}
	return run(&o, fmt, &fo, &d);
}
