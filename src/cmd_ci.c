/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_ci.c: toolsync ci.
 *
 * One run for a pipeline: build in memory (nothing is written but the
 * report), verify the committed manifests with the configured public key,
 * diff against them or against --against (a directory, or git:REV: the
 * base branch of a pull request), catch committed bytes that a build would
 * not produce, check the debug-logging configuration (and with --db the
 * database); then one report and one exit code.  Every step runs even when an earlier one found
 * something, so the report is complete; only an operational or input
 * error (exit 2) stops it.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/committed.h"
#include "toolsync/diff.h"
#include "toolsync/envcheck.h"
#include "toolsync/outdir.h"
#include "toolsync/reportcmd.h"
#include "toolsync/term.h"
#include "toolsync/verify.h"

static const struct rule *const stale_rules[] = { &accept_stale_rule, NULL };
static const struct rule *const *const ci_scope[] = {
	diff_rules, verify_rules, envcheck_rules, stale_rules, NULL,
};

struct ci_cmd {
	const char *config_path, *environment, *against, *db;
	int require_signature;
	struct strlist env_files;
	struct compile_opts copts;
	struct report_cmd rc;
};

enum { O_REGISTRY = 256, O_ENV_FILE, O_ENVIRONMENT, O_AGAINST, O_DB, O_REQUIRE_SIG };

const struct option cmd_ci_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "registry", required_argument, NULL, O_REGISTRY },
	{ "against", required_argument, NULL, O_AGAINST },
	{ "db", required_argument, NULL, O_DB },
	{ "require-signature", no_argument, NULL, O_REQUIRE_SIG },
	REPORT_CMD_OPTIONS,
	{ "env-file", required_argument, NULL, O_ENV_FILE },
	{ "environment", required_argument, NULL, O_ENVIRONMENT },
	TERM_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct ci_cmd *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:qvh", cmd_ci_options, NULL)) != -1) {
		if (!(c = term_option(c, optarg)))
			continue;
		if (report_cmd_option(&o->rc, c, optarg))
			continue;
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case O_REGISTRY: o->copts.registry = optarg; break;
		case O_ENV_FILE: strlist_add(&o->env_files, optarg); break;
		case O_ENVIRONMENT: o->environment = optarg; break;
		case O_AGAINST: o->against = optarg; break;
		case O_DB: o->db = optarg; break;
		case O_REQUIRE_SIG: o->require_signature = 1; break;
		case 'h': return 1;
		default: return cmd_option_error("ci", c, argv);
		}
	}
	if (optind < argc)
		return -usage_error("ci", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/*
 * The committed manifests against the configured public key.  Without
 * one, a warning says that nothing was checked: a pipeline must not pass
 * silently believing the manifests are signed.  An unsigned index whose
 * files match it passes (pull requests commit unsigned manifests,
 * docs/ci.md) unless --require-signature (the release job) makes it
 * signature-missing.  0, or -1 (reported to d); *unread: the committed
 * manifests themselves could not be read.
 */
static int verify_step(const struct ci_cmd *o, const struct ts_config *cfg, const char *dir,
		       const char *shown, struct findings *f, struct diag *d, int *unread)
{
	struct sign_pubkey pub;

	*unread = 0;
	if (!cfg->public_key && o->require_signature) {
		diag_fail(d, "--require-signature: signing.public_key is not set in '%s'",
			  cfg->path ? cfg->path : "toolsync.yaml");
		return -1;
	}
	if (!cfg->public_key) {
		struct srcloc loc = { cfg->path, 1, 1, 0 };

		findings_add(f, &verify_skipped_rule, cfg->path ? &loc : NULL, NULL, NULL, NULL,
			     NULL, "signing.public_key is not set: the signature of '%s' "
			     "was not checked", cfg->out);
		return 0;
	}
	if (verify_load_pubkey(cfg, NULL, &pub, d))
		return -1;
	*unread = verify_dir(dir, shown, o->require_signature ? 0 : VERIFY_ALLOW_UNSIGNED, &pub,
			     f, NULL, d);
	return *unread;
}

/*
 * The review: against the committed manifests, or against --against.
 * With --against the work tree's manifests are still checked byte for
 * byte against the build (manifest-stale).
 */
static int diff_step(const struct ci_cmd *o, const struct ts_config *cfg, const char *snap,
		     const char *dir, struct findings *f, struct diag *d)
{
	struct committed *old, *tree = NULL;
	int ret = -1;

	old = o->against ? committed_open(cfg->base_dir, dir, o->against, d) :
			   committed_dir(snap, dir);
	if (!old)
		return -1;
	tree = o->against ? committed_dir(snap, dir) : old;
	ret = diff_against(cfg, &o->copts, old, tree, f, d);
	if (tree != old)
		committed_free(tree);
	committed_free(old);
	return ret;
}

/* The steps; each adds findings and returns -1 only for an error (exit 2). */
static int steps(const struct ci_cmd *o, const struct ts_config *cfg,
		 struct findings *f, struct diag *d)
{
	struct envcheck_opts eo = { &o->env_files, o->environment, o->db, NULL };
	char *dir = config_path(cfg, cfg->out), *snap;
	/* verify and diff read one tree, old or new, even while a build switches it */
	int fd = outdir_snapshot(dir, &snap), ret, unread;

	ret = verify_step(o, cfg, snap, dir, f, d, &unread);
	/*
	 * Committed manifests verify could not read (roles/ a FIFO, no
	 * directory; said once, there): diff would read the same tree and
	 * say it again.
	 */
	if (!unread && diff_step(o, cfg, snap, dir, f, d))
		ret = -1;
	outdir_snapshot_release(fd, snap);
	if (envcheck_run(cfg, &eo, f, d))
		ret = -1;
	free(dir);
	return ret;
}

static int run(struct ci_cmd *o, struct diag *d)
{
	struct ts_config cfg;
	struct findings f = { NULL, 0, 0 };
	int rc = EXIT_ERROR;

	report_cmd_watch(&o->rc, d);
	if (config_load(&cfg, o->config_path ? o->config_path : "toolsync.yaml", 1, d))
		goto cleanup;
	if (report_cmd_load_accept(&o->rc, &cfg, d) || steps(o, &cfg, &f, d))
		goto cleanup;
	rc = report_cmd_finish(&o->rc, &f, d);
cleanup:
	if (rc == EXIT_ERROR)
		rc = report_cmd_fail(&o->rc, d);
	findings_release(&f);
	config_release(&cfg);
	return rc;
}

int cmd_ci(int argc, char **argv)
{
	struct ci_cmd o;
	struct diag d = DIAG_INIT;
	int r;

	memset(&o, 0, sizeof(o));
	o.rc = (struct report_cmd)REPORT_CMD_INIT("ci", ci_scope);
	if ((r = parse_options(&o, argc, argv)))
		r = r > 0 ? cmd_help("ci") : -r;
	else if (!(r = report_cmd_check(&o.rc)))
		r = run(&o, &d);
	report_cmd_release(&o.rc);
	strlist_release(&o.env_files);
	return r;
}
