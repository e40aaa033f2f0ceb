/*
 * cmd_build.c: toolsync build.
 *
 * Changed files are staged in a directory beside the output (same file
 * system, so renames are atomic) while the catalogue compiles.  Only when
 * every row has compiled are they renamed into place, stale files removed,
 * and index.json written last: it is the commit point.  On any error the
 * staging directory is removed and the output is exactly as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sys/file.h>
#include <unistd.h>

#include "toolsync/cmd.h"
#include "toolsync/compile.h"
#include "toolsync/fsutil.h"
#include "toolsync/sign.h"

struct build {
	struct ts_config cfg;
	struct compile_opts copts;
	const char *config_path;
	const char *out_opt;
	const char *key_path;
	int sign_each;
	char *out;               /* output directory */
	char *stage;             /* staging directory, NULL until made */
	struct sign_key *key;
	int lock_fd;             /* the out directory's parent, flock'ed; -1 */
	int sig_kept;            /* no key, index unchanged: its old signature stays */
	struct strlist staged;   /* paths (relative) waiting in stage */
	struct index ix;
	size_t written, unchanged, removed;
	struct diag d;
	/* stage_file runs on several threads: this guards everything above */
	pthread_mutex_t lock;
};

static int parse_options(struct build *b, int argc, char **argv)
{
	enum { O_REGISTRY = 256, O_OUT, O_KEY, O_SIGN_EACH, O_CANONICAL };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "registry", required_argument, NULL, O_REGISTRY },
		{ "out", required_argument, NULL, O_OUT },
		{ "key", required_argument, NULL, O_KEY },
		{ "sign-each", no_argument, NULL, O_SIGN_EACH },
		{ "canonical", no_argument, NULL, O_CANONICAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
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

static int make_stage(struct build *b);

/* Stage bytes as path unless the output already holds exactly them. */
static int stage_bytes(struct build *b, const char *path, const struct strbuf *bytes)
{
	struct strbuf err = STRBUF_INIT;
	char *staged, *dir;
	int same = fs_same_content(b->out, path, bytes->buf, bytes->len), ret = 0;

	if (same) {
		pthread_mutex_lock(&b->lock);
		b->unchanged++;
		pthread_mutex_unlock(&b->lock);
		return 0;
	}
	/* made on the first change only: a build that changes nothing writes nothing */
	pthread_mutex_lock(&b->lock);
	ret = b->stage ? 0 : make_stage(b);
	pthread_mutex_unlock(&b->lock);
	if (ret)
		return -1;
	staged = path_join(b->stage, path);
	dir = path_dirname(staged);
	if ((!path_is_dir(dir) && fs_mkdirs(dir, 0755, &err)) ||
	    fs_write_new(staged, bytes->buf, bytes->len, 0644, &err))
		ret = -1;
	pthread_mutex_lock(&b->lock);
	if (ret)
		diag_fail(&b->d, "%s", err.buf);
	else
		strlist_add(&b->staged, path);
	pthread_mutex_unlock(&b->lock);
	strbuf_release(&err);
	free(dir);
	free(staged);
	return ret;
}

static void signature_of(struct build *b, const char *name, const struct strbuf *bytes,
			 struct strbuf *sig)
{
	struct strbuf tc = STRBUF_INIT;

	sign_trusted_comment(&tc, name);
	sign_detached(b->key, bytes->buf, bytes->len, tc.buf, sig);
	strbuf_release(&tc);
}

/* compile_catalogue's callback: stage the file (and its signature). */
static int stage_file(void *ctx, const struct out_file *f)
{
	struct build *b = ctx;
	struct strbuf sig = STRBUF_INIT;
	char digest[DIGEST_HEX_SIZE], *sig_path;
	int ret;

	if (stage_bytes(b, f->path, f->bytes))
		return -1;
	if (!b->sign_each || !f->tool)
		return 0;
	sig_path = xstrfmt("%s.minisig", f->path);
	signature_of(b, strrchr(f->path, '/') + 1, f->bytes, &sig);
	blake2b256_hex(sig.buf, sig.len, digest);
	pthread_mutex_lock(&b->lock);
	index_add(&b->ix, sig_path, sig.len, digest, NULL);
	pthread_mutex_unlock(&b->lock);
	ret = stage_bytes(b, sig_path, &sig);
	strbuf_release(&sig);
	free(sig_path);
	return ret;
}

/* Move every staged file into the output directory. */
static int move_staged(struct build *b)
{
	size_t i;

	for (i = 0; i < b->staged.n; i++) {
		char *from = path_join(b->stage, b->staged.v[i]);
		char *to = path_join(b->out, b->staged.v[i]);
		int bad = rename(from, to);

		b->written += !bad;
		if (bad)
			diag_fail(&b->d, "cannot move '%s' into place: %s", to, strerror(errno));
		free(from);
		free(to);
		if (bad)
			return -1;
	}
	return 0;
}

/*
 * Remove what this build did not produce from tools/ or roles/: outputs of
 * earlier builds, and any other file (a .keep, an editor's backup), since
 * verify refuses a file the index does not list.  Directories were refused
 * before anything was written (check_out_dirs).
 */
static int remove_stale(struct build *b, const char *sub)
{
	char *dir = path_join(b->out, sub), **names;
	size_t n, i;
	int ret = 0;

	if (fs_list_dir(dir, &names, &n)) {
		free(dir);
		return 0;
	}
	for (i = 0; i < n && !ret; i++) {
		char *rel = xstrfmt("%s/%s", sub, names[i]), *path = path_join(dir, names[i]);

		if (!index_find(&b->ix, rel)) {
			if (unlink(path)) {
				diag_fail(&b->d, "cannot remove stale '%s': %s", path, strerror(errno));
				ret = -1;
			}
			b->removed++;
		}
		free(rel);
		free(path);
	}
	fs_free_list(names, n);
	free(dir);
	return ret;
}

/* Write name (in out/) unless it holds these bytes; 1 written, 0 same, -1 error. */
static int write_if_changed(struct build *b, const char *name, const struct strbuf *bytes)
{
	struct strbuf err = STRBUF_INIT;
	char *path = path_join(b->out, name);
	int ret = 1;

	if (fs_same_content(b->out, name, bytes->buf, bytes->len)) {
		b->unchanged++;
		ret = 0;
	} else if (fs_write_atomic(path, bytes->buf, bytes->len, 0644, &err)) {
		diag_fail(&b->d, "%s", err.buf);
		ret = -1;
	} else {
		b->written++;
	}
	strbuf_release(&err);
	free(path);
	return ret;
}

/*
 * index.json last, then its signature.  Without a key, a signature left
 * from an earlier build no longer matches a changed index: remove it and
 * say so, rather than leave a file that fails verification.
 */
static int write_index(struct build *b)
{
	struct strbuf index = STRBUF_INIT, sig = STRBUF_INIT;
	char *sig_path = path_join(b->out, INDEX_FILE ".minisig");
	int ret;

	index_write(&index, &b->ix);
	ret = write_if_changed(b, INDEX_FILE, &index);
	if (ret >= 0 && b->key) {
		signature_of(b, INDEX_FILE, &index, &sig);
		ret = write_if_changed(b, INDEX_FILE ".minisig", &sig);
	} else if (ret == 0 && path_exists(sig_path)) {
		b->sig_kept = 1;
	} else if (ret == 1 && path_exists(sig_path)) {
		if (unlink(sig_path)) {
			diag_fail(&b->d, "cannot remove '%s': %s", sig_path, strerror(errno));
			ret = -1;
		} else {
			fprintf(stderr, "toolsync: warning: index.json changed and no secret key "
				"was given: removed the stale '%s' (sign with --key or "
				"TOOLSYNC_SECRET_KEY)\n", sig_path);
		}
	}
	strbuf_release(&index);
	strbuf_release(&sig);
	free(sig_path);
	return ret < 0 ? -1 : 0;
}

static int mkdir_out(struct build *b, const char *sub)
{
	struct strbuf err = STRBUF_INIT;
	char *dir = sub ? path_join(b->out, sub) : xstrdup(b->out);
	int ret = fs_mkdirs(dir, 0755, &err);

	if (ret)
		diag_fail(&b->d, "%s", err.buf);
	strbuf_release(&err);
	free(dir);
	return ret;
}

/*
 * Staged files are written without an fsync each; one syncfs makes them
 * all durable before the renames, so a crash never leaves a listed file
 * empty.
 */
static int commit(struct build *b)
{
	struct strbuf err = STRBUF_INIT;

	index_sort(&b->ix);
	if (mkdir_out(b, NULL) || mkdir_out(b, "tools") ||
	    (b->cfg.targets && mkdir_out(b, "roles")))
		return -1;
	if (b->staged.n && fs_sync(b->stage, &err)) {
		diag_fail(&b->d, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	if (move_staged(b) || remove_stale(b, "tools") || remove_stale(b, "roles"))
		return -1;
	return write_index(b);
}

/* The staging directory: beside out/, so that rename() moves files into it. */
static int make_stage(struct build *b)
{
	char *parent = path_dirname(b->out), *tmpl;

	tmpl = path_join(parent, ".toolsync-stage-XXXXXX");
	free(parent);
	if (!mkdtemp(tmpl)) {
		diag_fail(&b->d, "cannot create a staging directory beside '%s': %s", b->out,
			  strerror(errno));
		free(tmpl);
		return -1;
	}
	b->stage = tmpl;
	return 0;
}

/*
 * One build at a time beside out/: two builds interleaving their renames
 * would leave an index that lists files the other removed.  The lock is
 * flock() on the parent directory, so it goes with the process however it
 * ends (no stale lock file to clean up, unlike git's index.lock).
 */
static int lock_out(struct build *b)
{
	struct strbuf err = STRBUF_INIT;
	char *parent = path_dirname(b->out);
	int ret = -1;

	if (fs_mkdirs(parent, 0755, &err))
		diag_fail(&b->d, "%s", err.buf);
	else if ((b->lock_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		diag_fail(&b->d, "cannot open '%s': %s", parent, strerror(errno));
	else if (flock(b->lock_fd, LOCK_EX | LOCK_NB))
		diag_fail(&b->d, errno == EWOULDBLOCK ? "another toolsync build is writing "
			  "beside '%s' (in '%s'): wait for it to finish" : "cannot lock '%s': %s",
			  b->out, errno == EWOULDBLOCK ? parent : strerror(errno));
	else
		ret = 0;
	strbuf_release(&err);
	free(parent);
	return ret;
}

/* tools/ and roles/ hold toolsync's files only: a directory there is refused. */
static int check_out_dirs(struct build *b)
{
	static const char *const subs[] = { "tools", "roles" };
	size_t i, j, n;
	char **names;

	for (i = 0; i < ARRAY_SIZE(subs); i++) {
		char *dir = path_join(b->out, subs[i]);

		if (!fs_list_dir(dir, &names, &n)) {
			for (j = 0; j < n; j++) {
				char *p = path_join(dir, names[j]);

				if (path_is_dir(p))
					diag_fail(&b->d, "'%s' is a directory: %s/ holds only the "
						  "files toolsync writes; move it elsewhere", p, subs[i]);
				free(p);
			}
			fs_free_list(names, n);
		}
		free(dir);
	}
	return b->d.errors ? -1 : 0;
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
	       files, b->out, b->written, files - b->written, b->removed,
	       b->key ? "signed" : b->sig_kept ? "unchanged, its signature kept (no secret key given)"
	       : "not signed (no secret key)");
}

static int run(struct build *b)
{
	if (config_load(&b->cfg, b->config_path ? b->config_path : "toolsync.yaml", 1, &b->d))
		return -1;
	b->out = b->out_opt ? xstrdup(b->out_opt) : config_path(&b->cfg, b->cfg.out);
	if (load_key(b) || lock_out(b) || check_out_dirs(b))
		return -1;
	if (compile_catalogue(&b->cfg, &b->copts, stage_file, b, &b->ix, &b->d))
		return -1;
	if (commit(b))
		return -1;
	print_summary(b);
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct build b;
	struct strbuf err = STRBUF_INIT;
	int rc;

	memset(&b, 0, sizeof(b));
	b.lock_fd = -1;
	pthread_mutex_init(&b.lock, NULL);
	b.copts.parallel_emit = 1;
	if ((rc = parse_options(&b, argc, argv)))
		return rc > 0 ? cmd_help("build") : EXIT_ERROR;
	rc = run(&b) ? EXIT_ERROR : EXIT_OK;
	if (b.stage && fs_remove_tree(b.stage, &err))
		fprintf(stderr, "toolsync: warning: %s\n", err.buf);
	if (rc && b.d.errors)
		fprintf(stderr, "toolsync: build failed with %u error%s; nothing was written\n",
			b.d.errors, b.d.errors == 1 ? "" : "s");
	strbuf_release(&err);
	free(b.stage);
	free(b.out);
	if (b.key)
		sign_key_free(b.key);
	if (b.lock_fd >= 0)
		close(b.lock_fd);
	strlist_release(&b.staged);
	index_release(&b.ix);
	config_release(&b.cfg);
	pthread_mutex_destroy(&b.lock);
	return rc;
}
