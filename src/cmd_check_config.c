/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_check_config.c: toolsync check-config.
 *
 * Read toolsync.yaml (if present), the env files and the process
 * environment, optionally audit the database, and print one report.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/envcheck.h"
#include "toolsync/reportcmd.h"
#include "toolsync/term.h"

static const struct rule *const stale_rules[] = { &accept_stale_rule, NULL };
static const struct rule *const *const check_scope[] = { envcheck_rules, stale_rules, NULL };

struct check_cmd {
	const char *config_path;
	struct envcheck_opts eo;
	struct strlist env_files;
	struct report_cmd rc;
};

enum { O_ENV_FILE = 256, O_ENVIRONMENT, O_DB };

const struct option cmd_check_config_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "env-file", required_argument, NULL, O_ENV_FILE },
	{ "environment", required_argument, NULL, O_ENVIRONMENT },
	{ "db", required_argument, NULL, O_DB },
	REPORT_CMD_OPTIONS,
	TERM_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct check_cmd *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:qvh", cmd_check_config_options, NULL)) != -1) {
		if (!(c = term_option(c, optarg)))
			continue;
		if (report_cmd_option(&o->rc, c, optarg))
			continue;
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case O_ENV_FILE: strlist_add(&o->env_files, optarg); break;
		case O_ENVIRONMENT: o->eo.environment = optarg; break;
		case O_DB: o->eo.db = optarg; break;
		case 'h': return 1;
		default: return cmd_option_error("check-config", c, argv);
		}
	}
	if (optind < argc)
		return -usage_error("check-config", "unexpected argument '%s'", argv[optind]);
	if (o->eo.environment && !*o->eo.environment)
		return -usage_error("check-config", "--environment needs a name");
	return 0;
}

static int run(struct check_cmd *o)
{
	struct diag d = DIAG_INIT;
	struct ts_config cfg;
	struct findings f = { NULL, 0, 0 };
	int rc = EXIT_ERROR;

	report_cmd_watch(&o->rc, &d);
	if (config_load(&cfg, o->config_path ? o->config_path : "toolsync.yaml",
			o->config_path != NULL, &d))
		goto cleanup;
	o->eo.env_files = &o->env_files;
	if (report_cmd_load_accept(&o->rc, &cfg, &d) || envcheck_run(&cfg, &o->eo, &f, &d))
		goto cleanup;
	rc = report_cmd_finish(&o->rc, &f, &d);
cleanup:
	if (rc == EXIT_ERROR)
		rc = report_cmd_fail(&o->rc, &d);
	findings_release(&f);
	config_release(&cfg);
	return rc;
}

int cmd_check_config(int argc, char **argv)
{
	struct check_cmd o;
	int r;

	memset(&o, 0, sizeof(o));
	o.rc = (struct report_cmd)REPORT_CMD_INIT("check-config", check_scope);
	if ((r = parse_options(&o, argc, argv)))
		r = r > 0 ? cmd_help("check-config") : -r;
	else if (!(r = report_cmd_check(&o.rc)))
		r = run(&o);
	report_cmd_release(&o.rc);
	strlist_release(&o.env_files);
	return r;
}
