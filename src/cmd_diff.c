/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_diff.c: toolsync diff.
 *
 * Compile in memory (nothing is written but the report), compare with the
 * committed manifests, apply the accept file, print one report.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/committed.h"
#include "toolsync/diff.h"
#include "toolsync/outdir.h"
#include "toolsync/reportcmd.h"
#include "toolsync/term.h"

static const struct rule *const stale_rules[] = { &accept_stale_rule, NULL };
static const struct rule *const *const diff_scope[] = { diff_rules, stale_rules, NULL };

struct diff_cmd {
	const char *config_path, *against;
	struct compile_opts copts;
	struct report_cmd rc;
};

enum { O_REGISTRY = 256, O_AGAINST };

const struct option cmd_diff_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "registry", required_argument, NULL, O_REGISTRY },
	{ "against", required_argument, NULL, O_AGAINST },
	REPORT_CMD_OPTIONS,
	TERM_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct diff_cmd *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:qvh", cmd_diff_options, NULL)) != -1) {
		if (!(c = term_option(c, optarg)))
			continue;
		if (report_cmd_option(&o->rc, c, optarg))
			continue;
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case O_REGISTRY: o->copts.registry = optarg; break;
		case O_AGAINST: o->against = optarg; break;
		case 'h': return 1;
		default: return cmd_option_error("diff", c, argv);
		}
	}
	if (optind < argc)
		return -usage_error("diff", "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int run(struct diff_cmd *o, struct diag *d)
{
	struct ts_config cfg;
	struct findings f = { NULL, 0, 0 };
	struct committed *old = NULL;
	char *dir = NULL;
	int rc = EXIT_ERROR;

	report_cmd_watch(&o->rc, d);
	if (config_load(&cfg, o->config_path ? o->config_path : "toolsync.yaml", 1, d))
		goto cleanup;
	/* the accept file is checked first: a typo there must not wait for a compile */
	if (report_cmd_load_accept(&o->rc, &cfg, d))
		goto cleanup;
	dir = config_path(&cfg, cfg.out);
	if (!(old = committed_open(cfg.base_dir, dir, o->against, d)) ||
	    diff_against(&cfg, &o->copts, old, NULL, &f, d))
		goto cleanup;
	rc = report_cmd_finish(&o->rc, &f, d);
cleanup:
	if (rc == EXIT_ERROR)
		rc = report_cmd_fail(&o->rc, d);
	committed_free(old);
	free(dir);
	findings_release(&f);
	config_release(&cfg);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_cmd o;
	struct diag d = DIAG_INIT;
	int r;

	memset(&o, 0, sizeof(o));
	o.rc = (struct report_cmd)REPORT_CMD_INIT("diff", diff_scope);
	if ((r = parse_options(&o, argc, argv)))
		r = r > 0 ? cmd_help("diff") : -r;
	else if (!(r = report_cmd_check(&o.rc)))
		r = run(&o, &d);
	report_cmd_release(&o.rc);
	return r;
}
