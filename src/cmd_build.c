/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_build.c: toolsync build.
 *
 * The output switches atomically (outdir.c, docs/output.md): while the
 * catalogue compiles, changed files are written into a staging directory
 * beside the output; when every row has compiled, the stage is completed
 * with hard links to the unchanged files, index.json and its signature,
 * and exchanged with the output in one step.  On any error before that
 * the stage is removed and the output is exactly as it was.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/compile.h"
#include "toolsync/outdir.h"
#include "toolsync/prev_index.h"
#include "toolsync/sign.h"
#include "toolsync/quote.h"
#include "toolsync/term.h"

struct build {
	struct ts_config cfg;
	struct compile_opts copts;
	const char *config_path;
	const char *out_opt;
	const char *key_path;
	int sign_each;
	char *out;               /* output directory, as given */
	struct outdir od;
	int od_open;             /* od needs outdir_release() */
	struct prev_index prev;  /* the output's index.json, to skip by digest */
	struct sign_key *key;
	int sig_kept;            /* no key, index unchanged: its old signature stays */
	int sig_dropped;         /* no key, index changed: its old signature goes */
	struct index ix;
	struct diag d;
};

enum { O_REGISTRY = 256, O_OUT, O_KEY, O_SIGN_EACH, O_CANONICAL };

const struct option cmd_build_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "registry", required_argument, NULL, O_REGISTRY },
	{ "out", required_argument, NULL, O_OUT },
	{ "key", required_argument, NULL, O_KEY },
	{ "sign-each", no_argument, NULL, O_SIGN_EACH },
	{ "canonical", no_argument, NULL, O_CANONICAL },
	TERM_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct build *b, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:qvh", cmd_build_options, NULL)) != -1) {
		if (!(c = term_option(c, optarg)))
			continue;
		switch (c) {
		case 'c': b->config_path = optarg; break;
		case O_REGISTRY: b->copts.registry = optarg; break;
		case O_OUT: b->out_opt = optarg; break;
		case O_KEY: b->key_path = optarg; break;
		case O_SIGN_EACH: b->sign_each = 1; break;
		case O_CANONICAL: b->copts.canonical = 1; break;
		case 'h': return 1;
		default: return cmd_option_error("build", c, argv);
		}
	}
	if (optind < argc)
		return -usage_error("build", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/*
 * The output holds these bytes as path, as the trusted old index says
 * (prev_index.h): the new tree keeps the file without reading it.
 */
static int kept_by_digest(struct build *b, const char *path, size_t len, const char *blake2b)
{
	unsigned char bin[DIGEST_SIZE];

	if (!blake2b[0])
		return 0;
	index_digest_from_hex(bin, blake2b);
	return prev_index_same(&b->prev, path, len, bin) && outdir_keep(&b->od, path);
}

/* Stage bytes as path unless the output already holds exactly them. */
static int stage_bytes(struct build *b, const char *path, const struct strbuf *bytes,
		       const char *blake2b)
{
	if (blake2b && kept_by_digest(b, path, bytes->len, blake2b))
		return 0;
	if (outdir_keep_if_same(&b->od, path, bytes->buf, bytes->len))
		return 0;
	return outdir_write(&b->od, path, bytes->buf, bytes->len, &b->d);
}

static void signature_of(struct build *b, const char *name, const struct strbuf *bytes,
			 struct strbuf *sig)
{
	struct strbuf tc = STRBUF_INIT;

	sign_trusted_comment(&tc, name);
	sign_detached(b->key, bytes->buf, bytes->len, tc.buf, sig);
	strbuf_release(&tc);
}

/*
 * An unchanged manifest's signature, kept as it is when the old index
 * was signed by this key with this trusted comment: signing the same
 * bytes again would give the same file (Ed25519 is deterministic).
 * 1 kept (and listed), 0 not.
 */
static int keep_signature(struct build *b, const char *sig_path)
{
	const struct index_entry *e;

	if (!b->prev.sigs_kept || !(e = prev_index_same(&b->prev, sig_path, 0, NULL)) ||
	    !outdir_keep(&b->od, sig_path))
		return 0;
	index_add_digests(&b->ix, sig_path, e->size, e->blake2b, NULL);
	return 1;
}

/* Sign f's bytes and stage the signature. */
static int stage_signature(struct build *b, const struct out_file *f, const char *sig_path)
{
	struct strbuf sig = STRBUF_INIT;
	char digest[DIGEST_HEX_SIZE];
	int ret;

	signature_of(b, strrchr(f->path, '/') + 1, f->bytes, &sig);
	blake2b256_hex(sig.buf, sig.len, digest);
	index_add(&b->ix, sig_path, sig.len, digest, NULL);
	ret = stage_bytes(b, sig_path, &sig, digest);
	strbuf_release(&sig);
	return ret;
}

/*
 * compile_opts.known_jcs: the old index's RFC 8785 digest of the same
 * bytes (the same bytes have the same canonical form, wherever they are).
 */
static int known_jcs(void *ctx, const char *path, const char *blake2b,
		     char jcs[DIGEST_HEX_SIZE])
{
	const struct build *b = ctx;
	const struct index_entry *e = prev_index_find(&b->prev, path);

	if (!e || !e->has_jcs || !index_digest_is(e->blake2b, blake2b))
		return 0;
	index_digest_hex(e->jcs_blake2b, jcs);
	return 1;
}

/* compile_catalogue's callback: stage the file (and its signature). */
static int stage_file(void *ctx, const struct out_file *f)
{
	struct build *b = ctx;
	char *sig_path;
	int same = kept_by_digest(b, f->path, f->bytes->len, f->blake2b), ret = 0;

	if (!same && stage_bytes(b, f->path, f->bytes, NULL))
		return -1;
	if (!b->sign_each || !f->tool)
		return 0;
	sig_path = xstrfmt("%s.minisig", f->path);
	if (!same || !keep_signature(b, sig_path))
		ret = stage_signature(b, f, sig_path);
	free(sig_path);
	return ret;
}

/*
 * index.json, then its signature.  Without a key, a signature left from
 * an earlier build no longer matches a changed index: it is not carried
 * into the new tree, and the build says so, rather than leave a file that
 * fails verification.
 */
static int stage_index(struct build *b)
{
	struct strbuf index = STRBUF_INIT, sig = STRBUF_INIT, tc = STRBUF_INIT;
	unsigned char hash[SIGN_PREHASH_SIZE];
	int same, ret = 0;

	index_sort(&b->ix);
	/* compared with the old one as read at the start, under the lock: not read again */
	same = prev_index_same_entries(&b->prev, &b->ix, hash);
	if (!same) {
		index_write(&index, &b->ix);
		sign_prehash(hash, index.buf, index.len);
		same = prev_index_same_text(&b->prev, index.len, hash);
	}
	same = same ? outdir_keep(&b->od, INDEX_FILE) :
	       outdir_keep_if_same(&b->od, INDEX_FILE, index.buf, index.len);
	if (!same) {
		if (!index.len)
			index_write(&index, &b->ix);
		ret = outdir_write(&b->od, INDEX_FILE, index.buf, index.len, &b->d);
	}
	if (!ret && b->key) {
		sign_trusted_comment(&tc, INDEX_FILE);
		sign_detached_prehashed(b->key, hash, tc.buf, &sig);
		ret = stage_bytes(b, INDEX_FILE ".minisig", &sig, NULL);
	} else if (same) {
		b->sig_kept = outdir_keep(&b->od, INDEX_FILE ".minisig");
	} else {
		b->sig_dropped = outdir_owns(&b->od, INDEX_FILE ".minisig");
	}
	strbuf_release(&index);
	strbuf_release(&sig);
	strbuf_release(&tc);
	return ret;
}

static int commit(struct build *b)
{
	const char *const dirs[] = { "tools", b->cfg.targets ? "roles" : NULL, NULL };

	if (stage_index(b) || outdir_commit(&b->od, dirs, &b->d))
		return -1;
	if (b->sig_dropped && b->od.switched)
		fprintf(stderr, "toolsync: warning: index.json changed and no secret key was "
			"given: removed the stale '%s/index.json.minisig' (sign with --key or "
			"TOOLSYNC_SECRET_KEY)\n", b->out);
	return 0;
}

static int load_key(struct build *b)
{
	struct strbuf err = STRBUF_INIT;

	const char *epoch = getenv("SOURCE_DATE_EPOCH");

	if (!b->key_path && !getenv("TOOLSYNC_SECRET_KEY")) {
		if (b->sign_each)
			diag_fail(&b->d, "--sign-each needs a secret key: give --key FILE or "
				  "set TOOLSYNC_SECRET_KEY");
		return b->sign_each ? -1 : 0;
	}
	/* reproducible-builds.org: a malformed SOURCE_DATE_EPOCH is an error */
	if (epoch && (!*epoch || strspn(epoch, "0123456789") != strlen(epoch) || strlen(epoch) > 19)) {
		diag_fail(&b->d, "SOURCE_DATE_EPOCH must be a whole number of seconds, not '%s'",
			  epoch);
		return -1;
	}
	b->key = sign_key_load(b->key_path, &err);
	if (!b->key)
		diag_fail(&b->d, "%s", err.buf);
	strbuf_release(&err);
	return b->key ? 0 : -1;
}

static void print_summary(const struct build *b)
{
	size_t files = b->ix.n + 1 + (b->key || b->sig_kept);

	printf("built %zu files in %s: %zu written, %zu unchanged, %zu removed; index.json %s\n",
	       files, quote_path(b->out), b->od.written, files - b->od.written, b->od.removed,
	       b->key ? "signed" : b->sig_kept ? "unchanged, its signature kept (no secret key given)"
	       : "not signed (no secret key)");
}

static int run(struct build *b)
{
	const struct index *old;
	struct strbuf text = STRBUF_INIT;
	struct stat st;

	if (config_load(&b->cfg, b->config_path ? b->config_path : "toolsync.yaml", 1, &b->d))
		return -1;
	b->out = b->out_opt ? xstrdup(b->out_opt) : config_path(&b->cfg, b->cfg.out);
	if (load_key(b))
		return -1;
	b->od_open = 1;
	if (outdir_open(&b->od, b->out, &b->d))
		return -1;
	old = outdir_old_index(&b->od, &text, &st);
	prev_index_open(&b->prev, b->out, b->key, text.len ? &text : NULL, &st, old);
	strbuf_release(&text);
	term_verbose("build: %s into %s", b->cfg.path ? quote_path(b->cfg.path) : "defaults",
		     quote_path(b->out));
	if (compile_catalogue(&b->cfg, &b->copts, stage_file, b, &b->ix, &b->d))
		return -1;
	term_verbose("build: %zu files compiled, %zu of them written: committing", b->ix.n,
		     b->od.written);
	if (commit(b))
		return -1;
	if (!term_quiet())
		print_summary(b);
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct build b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.ix = (struct index)INDEX_INIT;
	b.prev = (struct prev_index)PREV_INDEX_INIT;
	b.copts.parallel_emit = 1;
	b.copts.known_jcs = known_jcs;
	b.copts.drop_trees = 1;   /* nothing here renders a tool from a tree */
	if ((rc = parse_options(&b, argc, argv)))
		return rc > 0 ? cmd_help("build") : EXIT_ERROR;
	rc = run(&b) ? EXIT_ERROR : EXIT_OK;
	if (rc && b.d.errors)
		fprintf(stderr, "toolsync: build failed with %u error%s; %s\n", b.d.errors,
			b.d.errors == 1 ? "" : "s", b.od.switched < 0 ? "the output is missing "
			"until the next build completes the switch" : "nothing was written");
	if (b.od_open)
		outdir_release(&b.od);
	prev_index_release(&b.prev);
	free(b.out);
	if (b.key)
		sign_key_free(b.key);
	index_release(&b.ix);
	config_release(&b.cfg);
	return rc;
}
