/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_verify.c: toolsync verify.
 *
 * Like `minisign -V`, but for a whole directory: the index's signature,
 * then every file against the index.  Problems are printed as errors, one
 * a line, each naming the file; the exit code says whether it verified.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/config.h"
#include "toolsync/fsutil.h"
#include "toolsync/quote.h"
#include "toolsync/term.h"
#include "toolsync/outdir.h"
#include "toolsync/verify.h"

struct verify_cmd {
	const char *config_path, *pubkey, *dir;
};

const struct option cmd_verify_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "pubkey", required_argument, NULL, 'p' },
	TERM_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct verify_cmd *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:p:qvh", cmd_verify_options, NULL)) != -1) {
		if (!(c = term_option(c, optarg)))
			continue;
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'p': o->pubkey = optarg; break;
		case 'h': return 1;
		default: return cmd_option_error("verify", c, argv);
		}
	}
	if (optind < argc)
		o->dir = argv[optind++];
	if (optind < argc)
		return -usage_error("verify", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* One line a problem, naming the file (the line in it says nothing here). */
static void print_findings(const struct findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		fprintf(stderr, "toolsync: %s: error: %s [%s]\n", f->v[i].loc.file,
			f->v[i].message, f->v[i].rule->id);
}

static void print_success(const char *dir, const struct verify_result *res)
{
	/* counted as build counts them: the listed files, index.json and its signature */
	printf("verified %s: %zu files: index.json, its signature by key %s, and the %zu "
	       "file%s it lists; no unlisted files\n", quote_path(dir), res->files + 2, res->keyid,
	       res->files, res->files == 1 ? "" : "s");
	printf("trusted comment: %s\n", quote_path(res->trusted.buf));
}

/* The key and directory: options first, then toolsync.yaml. */
static int resolve(const struct verify_cmd *o, struct ts_config *cfg, char **dir,
		   struct diag *d)
{
	if (config_load(cfg, o->config_path ? o->config_path : "toolsync.yaml",
			o->config_path != NULL, d))
		return -1;
	if (!o->pubkey && !cfg->public_key && !cfg->path)
		return usage_error("verify", "no public key: give -p PUBKEY, or run where "
				   "toolsync.yaml is (there is none here), or give -c FILE"), -1;
	if (!o->pubkey && !cfg->public_key)
		return usage_error("verify", "no public key: give -p PUBKEY, or set "
				   "signing.public_key in %s", cfg->path), -1;
	*dir = o->dir ? xstrdup(o->dir) : config_path(cfg, cfg->out);
	return 0;
}

static int run(const struct verify_cmd *o)
{
	struct ts_config cfg;
	struct diag d = DIAG_INIT;
	struct sign_pubkey pub;
	struct findings f = { NULL, 0, 0 };
	struct verify_result res = { 0, "", STRBUF_INIT };
	char *dir = NULL, *snap = NULL;
	int rc = EXIT_ERROR, fd = -1;

	if (resolve(o, &cfg, &dir, &d) || verify_load_pubkey(&cfg, o->pubkey, &pub, &d))
		goto cleanup;
	/* one tree, old or new, even while a build switches it */
	fd = outdir_snapshot(dir, &snap);
	if (verify_dir(snap, dir, 0, &pub, &f, &res, &d))
		goto cleanup;
	findings_sort(&f);
	if (f.n) {
		print_findings(&f);
		fprintf(stderr, "toolsync: verification of '%s' failed: %zu problem%s\n", quote_path(dir),
			f.n, f.n == 1 ? "" : "s");
		rc = EXIT_FINDINGS;
	} else {
		if (!term_quiet())
			print_success(dir, &res);
		rc = EXIT_OK;
	}
cleanup:
	if (snap)
		outdir_snapshot_release(fd, snap);
	strbuf_release(&res.trusted);
	findings_release(&f);
	free(dir);
	config_release(&cfg);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_cmd o;
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = parse_options(&o, argc, argv)))
		return r > 0 ? cmd_help("verify") : -r;
	return run(&o);
}
