/*
 * cmd_check_config.c: toolsync check-config.
 *
 * Read toolsync.yaml (if present), the env files and the process
 * environment, optionally audit the database, and print one report.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/envcheck.h"

struct check_cmd {
	const char *config_path, *format, *fail_on, *output;
	struct envcheck_opts eo;
	struct strlist env_files;
};

static int parse_options(struct check_cmd *o, int argc, char **argv)
{
	enum { O_ENV_FILE = 256, O_ENVIRONMENT, O_DB, O_FORMAT, O_FAIL_ON, O_OUTPUT };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "env-file", required_argument, NULL, O_ENV_FILE },
		{ "environment", required_argument, NULL, O_ENVIRONMENT },
		{ "db", required_argument, NULL, O_DB },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case O_ENV_FILE: strlist_add(&o->env_files, optarg); break;
		case O_ENVIRONMENT: o->eo.environment = optarg; break;
		case O_DB: o->eo.db = optarg; break;
		case O_FORMAT: o->format = optarg; break;
		case O_FAIL_ON: o->fail_on = optarg; break;
		case O_OUTPUT: o->output = optarg; break;
		case 'h': return 1;
		case ':': return -usage_error("check-config", "option '%s' needs a value",
					      argv[optind - 1]);
		default: return -usage_error("check-config", "unknown option '%s'",
					     argv[optind - 1]);
		}
	}
	if (optind < argc)
		return -usage_error("check-config", "unexpected argument '%s'", argv[optind]);
	if (o->eo.environment && !*o->eo.environment)
		return -usage_error("check-config", "--environment needs a name");
	return 0;
}

static int print_report(const struct check_cmd *o, struct findings *f,
			enum report_format fmt, const struct fail_on *fo,
			struct diag *d)
{
	struct report_meta meta = { "check-config", TOOLSYNC_VERSION, 0, fo, envcheck_rules };
	struct strbuf out = STRBUF_INIT;
	int ret;

	meta.color = fmt == FMT_TEXT && (!o->output || !strcmp(o->output, "-")) &&
		     report_want_color();
	report_write(&out, f, fmt, &meta);
	ret = report_emit(&out, o->output, d);
	strbuf_release(&out);
	return ret;
}

static int run(struct check_cmd *o, enum report_format fmt, const struct fail_on *fo)
{
	struct diag d = DIAG_INIT;
	struct ts_config cfg;
	struct findings f = { NULL, 0, 0 };
	int rc = EXIT_ERROR;

	if (config_load(&cfg, o->config_path ? o->config_path : "toolsync.yaml",
			o->config_path != NULL, &d))
		goto cleanup;
	o->eo.env_files = &o->env_files;
	if (envcheck_run(&cfg, &o->eo, &f, &d))
		goto cleanup;
	findings_sort(&f);
	if (print_report(o, &f, fmt, fo, &d))
		goto cleanup;
	rc = findings_fail(&f, fo) ? EXIT_FINDINGS : EXIT_OK;
cleanup:
	findings_release(&f);
	config_release(&cfg);
	return rc;
}

int cmd_check_config(int argc, char **argv)
{
	struct check_cmd o;
	struct strbuf err = STRBUF_INIT;
	enum report_format fmt = FMT_TEXT;
	struct fail_on fo;
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = parse_options(&o, argc, argv)))
		r = r > 0 ? cmd_help("check-config") : -r;
	else if (o.format && report_format_parse(o.format, &fmt))
		r = usage_error("check-config", "unknown format '%s' (expected text, "
				"markdown, json, sarif or github)", o.format);
	else if (fail_on_parse(o.fail_on ? o.fail_on : "error", &fo, &err))
		r = usage_error("check-config", "%s", err.buf);
	else
		r = run(&o, fmt, &fo);
	strbuf_release(&err);
	strlist_release(&o.env_files);
	return r;
}
