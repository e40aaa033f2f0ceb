/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify.c: a manifests directory against its signed index.
 *
 * The signature is checked over the index's bytes before the index is
 * parsed: a tampered index is a failed verification (exit 1), never
 * "malformed input".  Files are checked even when the signature fails, so
 * the report says everything that is wrong at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/compile.h"
#include "toolsync/term.h"
#include "toolsync/verify.h"
#include "toolsync/digest.h"
#include "toolsync/dirfds.h"
#include "toolsync/fsutil.h"
#include "toolsync/index.h"

RULE(r_sig_missing, "signature-missing", CAT_SECURITY, SEV_ERROR, "8.0",
  "index.json has no signature",
  "Build with the team's secret key (toolsync build --key FILE, or "
  "TOOLSYNC_SECRET_KEY in CI) and commit index.json.minisig.")
RULE(r_sig_invalid, "signature-invalid", CAT_SECURITY, SEV_ERROR, "9.0",
  "the signature of index.json does not verify with the public key",
  "index.json or its signature changed after signing, or another key signed "
  "it. Rebuild and sign with the key whose public half is configured "
  "(signing.public_key), and find out who changed the files.")
RULE(r_file_modified, "file-modified", CAT_SECURITY, SEV_ERROR, "9.0",
  "a file differs from the size or BLAKE2b-256 the signed index lists",
  "The file changed after the index was signed. Rebuild and re-sign, or "
  "restore the file.")
RULE(r_file_missing, "file-missing", CAT_SECURITY, SEV_ERROR, "7.0",
  "a file the signed index lists is missing",
  "Restore the file, or rebuild and re-sign.")
RULE(r_file_unlisted, "file-unlisted", CAT_SECURITY, SEV_ERROR, "8.0",
  "the manifests directory holds a file the signed index does not list",
  "A file was added after signing, or an interrupted tool left it: remove "
  "it, or rebuild and re-sign.")

const struct rule verify_skipped_rule = {
	"signature-unchecked", CAT_SECURITY, SEV_WARNING,
	"no public key is configured, so the manifests' signature was not checked",
	"Set signing.public_key in toolsync.yaml to the team's public key (made "
	"with toolsync keygen or minisign -G) so that ci verifies the committed "
	"manifests.",
	"5.0",
};

const struct rule *const verify_rules[] = {
	&r_sig_missing, &r_sig_invalid, &r_file_modified, &r_file_missing,
	&r_file_unlisted, &verify_skipped_rule, NULL,
};

/*
 * The subdirectories, opened once (check_files()) before the files in
 * them are checked: one that cannot be read (a FIFO, a file, a link) is
 * reported once, as the directory, and the files listed in it are not
 * read one by one (CHECK_UNREAD), each to say the same again.
 */
static const char *const subdirs[] = { "tools", "roles" };
#define NSUBDIRS ARRAY_SIZE(subdirs)

struct verifier {
	const char *dir, *display;
	unsigned flags;
	const struct sign_pubkey *pub;
	struct findings *out;
	struct verify_result *res;
	struct diag *d;
	int dir_fd;               /* check_files(): the directory, */
	struct dirfds subs;       /* its tools/ and roles/ (the one open of each), */
	int sub_fd[NSUBDIRS];     /* their fds (subs'; -1: absent or failed) */
	unsigned failed_subs;     /* bit i: subdirs[i] cannot be read (reported) */
};

/*
 * The location of a file of the directory, as findings name it.  Line 1:
 * a location without a line is a description ("environment"), and SARIF
 * and GitHub annotations need the file.
 */
static struct srcloc file_loc(const struct verifier *v, const char *rel)
{
	char *p = path_join(v->display, rel);
	struct srcloc loc = { path_intern(p), 1, 1, 0 };

	free(p);
	return loc;
}

static void add(struct verifier *v, const struct rule *r, const char *rel, const char *fmt,
		const char *arg)
{
	struct srcloc loc = file_loc(v, rel);

	findings_add(v->out, r, &loc, NULL, NULL, NULL, NULL, fmt, arg);
}

/*
 * Read dir/rel whole (no link followed below dir, a regular file, capped).
 * 0; 1 when it does not exist (nothing reported); -1 when it cannot be
 * read (reported to d).
 */
static int read_rel(struct verifier *v, const char *rel, enum fs_kind kind, struct strbuf *buf)
{
	struct strbuf err = STRBUF_INIT;
	char *shown = path_join(v->display, rel);
	int ret = 0;

	if (fs_read_file(buf, v->dir, rel, shown, kind, &err)) {
		if (errno == ENOENT)
			ret = 1;
		else
			ret = (diag_fail(v->d, "%s", err.buf), -1);
	}
	strbuf_release(&err);
	free(shown);
	return ret;
}

/*
 * The signature of the index (hash: its prehash); findings for a missing
 * or bad one.  0 or -1.
 */
static int check_signature(struct verifier *v, const struct strbuf *index,
			   const unsigned char *hash, int *valid)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT, id = STRBUF_INIT, tc = STRBUF_INIT;
	int r;

	*valid = 0;
	r = read_rel(v, INDEX_FILE ".minisig", FS_SIGNATURE, &sig);
	/* unsigned is allowed: the files are still checked against the index */
	if (r == 1 && !(v->flags & VERIFY_ALLOW_UNSIGNED))
		add(v, &r_sig_missing, INDEX_FILE ".minisig", "%s",
		    "index.json is not signed: index.json.minisig is missing");
	if (r)
		goto out;
	r = sign_verify_prehashed(v->pub, index->buf, index->len, hash, sig.buf, sig.len, &tc,
				  &err);
	if (!r && !sign_comment_names(tc.buf, tc.len, INDEX_FILE)) {
		strbuf_addstr(&err, "the signature is valid but was made for another file (its "
			      "trusted comment does not say 'file:" INDEX_FILE "'): index.json "
			      "and its signature were replaced");
		r = 1;
	}
	if (r)
		add(v, &r_sig_invalid, INDEX_FILE ".minisig", "%s", err.buf);
	*valid = !r;
	r = 0;
	if (*valid && v->res) {
		strbuf_addbuf(&v->res->trusted, &tc);
		sign_keyid_format(&id, v->pub->keyid);
		snprintf(v->res->keyid, sizeof(v->res->keyid), "%s", id.buf);
	}
out:
	strbuf_release(&sig);
	strbuf_release(&err);
	strbuf_release(&id);
	strbuf_release(&tc);
	return r < 0 ? -1 : 0;
}

/*
 * Listed files are checked on worker threads (stat, read, hash), each
 * into its own result; the main thread reports them in index order as
 * their chunk completes, so the findings are the same as on one thread.
 */
enum check_kind { CHECK_OK, CHECK_MISSING, CHECK_ERROR, CHECK_SIZE, CHECK_DIGEST, CHECK_UNREAD };

struct check {
	enum check_kind kind;
	char *msg;            /* CHECK_ERROR: why it cannot be read (fs_read_file's words) */
	size_t size;          /* CHECK_SIZE: the file's */
};

/* Entries a thread takes at once. */
#define CHECK_CHUNK 64

struct checker {
	const struct index *ix;
	const char *display;   /* the directory, as messages name it */
	struct dirfds *subs;   /* its tools/ and roles/, opened once */
	unsigned failed_subs;  /* bit i: subdirs[i] cannot be read (reported) */
	struct check *res;
	size_t nchunks, next;  /* chunks; the next one to take */
	char *done;            /* per chunk */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* 1 when rel is in a subdirectory that cannot be read (reported once already). */
static int in_failed_sub(const struct checker *c, const char *rel)
{
	size_t i, len;

	for (i = 0; i < NSUBDIRS; i++) {
		len = strlen(subdirs[i]);
		if ((c->failed_subs & 1u << i) && !strncmp(rel, subdirs[i], len) && rel[len] == '/')
			return 1;
	}
	return 0;
}

/*
 * One listed file, read as every input is (fs_read_file: no link below
 * the directory, a regular file, capped) into buf: 1 when it is there
 * with the listed size, for its digest to be compared; 0 when r says
 * what is wrong.  Nothing is reported here.
 */
static int check_read(struct checker *c, const struct index_entry *e, struct check *r,
		      struct strbuf *buf)
{
	struct strbuf err = STRBUF_INIT;
	char *shown = path_join(c->display, e->path);

	*r = (struct check){ CHECK_OK, NULL, 0 };
	strbuf_reset(buf);
	if (in_failed_sub(c, e->path))
		r->kind = CHECK_UNREAD;
	else if (dirfds_read(c->subs, e->path, shown, FS_OUTPUT, buf, &err)) {
		r->kind = errno == ENOENT ? CHECK_MISSING : CHECK_ERROR;
		if (r->kind == CHECK_ERROR)
			r->msg = strbuf_detach(&err, NULL);
	} else if (buf->len != e->size) {
		*r = (struct check){ CHECK_SIZE, NULL, buf->len };
	}
	strbuf_release(&err);
	free(shown);
	return r->kind == CHECK_OK;
}

/* Files read, then hashed side by side (blake2b256_hex_many). */
#define CHECK_LANES 8

static void check_chunk(struct checker *c, size_t k, struct strbuf buf[CHECK_LANES])
{
	size_t i, end = (k + 1) * CHECK_CHUNK < c->ix->n ? (k + 1) * CHECK_CHUNK : c->ix->n;
	const void *data[CHECK_LANES];
	size_t len[CHECK_LANES], at[CHECK_LANES], g, m;
	char hex[CHECK_LANES][DIGEST_HEX_SIZE];

	for (i = k * CHECK_CHUNK; i < end; i += CHECK_LANES) {
		for (g = m = 0; g < CHECK_LANES && i + g < end; g++)
			if (check_read(c, &c->ix->v[i + g], &c->res[i + g], &buf[m])) {
				data[m] = buf[m].buf;
				len[m] = buf[m].len;
				at[m++] = i + g;
			}
		blake2b256_hex_many(m, data, len, hex);
		for (g = 0; g < m; g++)
			if (!index_digest_is(c->ix->v[at[g]].blake2b, hex[g]))
				c->res[at[g]].kind = CHECK_DIGEST;
	}
}

static void bufs_init(struct strbuf buf[CHECK_LANES])
{
	size_t g;

	for (g = 0; g < CHECK_LANES; g++)
		strbuf_init(&buf[g], 0);
}

static void bufs_release(struct strbuf buf[CHECK_LANES])
{
	size_t g;

	for (g = 0; g < CHECK_LANES; g++)
		strbuf_release(&buf[g]);
}

static void *check_worker(void *arg)
{
	struct checker *c = arg;
	struct strbuf buf[CHECK_LANES];
	size_t k;

	bufs_init(buf);
	for (;;) {
		pthread_mutex_lock(&c->mu);
		k = c->next < c->nchunks ? c->next++ : c->nchunks;
		pthread_mutex_unlock(&c->mu);
		if (k == c->nchunks)
			break;
		check_chunk(c, k, buf);
		pthread_mutex_lock(&c->mu);
		c->done[k] = 1;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
	bufs_release(buf);
	return NULL;
}

/* The findings of the simple kinds: a rule and its text. */
static const struct {
	const struct rule *rule;
	const char *text;
} check_finding[] = {
	[CHECK_MISSING] = { &r_file_missing, "listed in index.json but missing" },
	[CHECK_DIGEST] = { &r_file_modified,
			   "BLAKE2b-256 differs from index.json: changed after signing" },
};

/* Report one checked file as findings (and free its message).  0, or -1 (reported to d). */
static int report_check(struct verifier *v, const struct index_entry *e, struct check *r)
{
	struct strbuf msg = STRBUF_INIT;

	if (r->kind == CHECK_ERROR) {
		diag_fail(v->d, "%s", r->msg);
		free(r->msg);
		r->msg = NULL;
		return -1;
	}
	if (r->kind == CHECK_SIZE) {
		strbuf_addf(&msg, "%zu bytes, index.json lists %llu: changed after signing",
			    r->size, (unsigned long long)e->size);
		add(v, &r_file_modified, e->path, "%s", msg.buf);
		strbuf_release(&msg);
	} else if (r->kind != CHECK_OK && r->kind != CHECK_UNREAD) {
		add(v, check_finding[r->kind].rule, e->path, "%s", check_finding[r->kind].text);
	}
	return 0;
}

/* Wait for chunk k (or check it here when no thread runs). */
static void chunk_wait(struct checker *c, size_t k, unsigned nthreads,
		       struct strbuf buf[CHECK_LANES])
{
	if (!nthreads) {
		check_chunk(c, k, buf);
		return;
	}
	pthread_mutex_lock(&c->mu);
	while (!c->done[k])
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

/* Every listed file, checked in parallel, reported in index order. */
static int check_listed(struct verifier *v, const struct index *ix)
{
	struct checker c = { .ix = ix, .display = v->display, .subs = &v->subs,
			     .failed_subs = v->failed_subs,
			     .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
	struct strbuf buf[CHECK_LANES];
	pthread_t t[JOBS_MAX];
	unsigned n = 0, jobs = compile_jobs();
	size_t i, k;
	int ret = 0;

	bufs_init(buf);
	c.res = xcalloc(ix->n + 1, sizeof(*c.res));
	c.nchunks = (ix->n + CHECK_CHUNK - 1) / CHECK_CHUNK;
	c.done = xcalloc(c.nchunks + 1, 1);
	while (jobs > 1 && n < jobs && n < c.nchunks &&
	       !pthread_create(&t[n], NULL, check_worker, &c))
		n++;   /* fewer threads: slower, not wrong */
	progress_start("toolsync: files verified", ix->n);
	for (k = 0; k < c.nchunks; k++) {
		chunk_wait(&c, k, n, buf);
		for (i = k * CHECK_CHUNK; i < ix->n && i < (k + 1) * CHECK_CHUNK; i++) {
			if (report_check(v, &ix->v[i], &c.res[i]))
				ret = -1;
			progress_tick();
		}
	}
	progress_done();
	while (n)
		pthread_join(t[--n], NULL);
	free(c.res);
	free(c.done);
	bufs_release(buf);
	pthread_mutex_destroy(&c.mu);
	pthread_cond_destroy(&c.cv);
	return ret;
}

/*
 * The directory and its tools/ and roles/, each opened here once for
 * every check below (v->subs).  A subdirectory that cannot be read is
 * reported here, once; one that does not exist is not.  0 or -1.
 */
static int open_tree(struct verifier *v)
{
	struct strbuf err = STRBUF_INIT;
	char *shown;
	size_t i;

	v->dir_fd = open(v->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dirfds_init_listed(&v->subs, v->dir_fd);
	if (v->dir_fd < 0)
		return diag_fail(v->d, "cannot open '%s': %s", v->display, strerror(errno)), -1;
	for (i = 0; i < NSUBDIRS; i++) {
		shown = path_join(v->display, subdirs[i]);
		strbuf_reset(&err);
		v->sub_fd[i] = dirfds_open(&v->subs, subdirs[i], shown, &err);
		if (v->sub_fd[i] < 0 && errno != ENOENT) {
			diag_fail(v->d, "%s", err.buf);
			v->failed_subs |= 1u << i;
		}
		free(shown);
	}
	strbuf_release(&err);
	return v->failed_subs ? -1 : 0;
}

static void close_tree(struct verifier *v)
{
	dirfds_release(&v->subs);
	if (v->dir_fd >= 0)
		close(v->dir_fd);
}

/* Every name in dir/sub (subdirs[k], opened) must be listed (sub/name) in the index. */
static int check_unlisted(struct verifier *v, const struct index *ix, size_t k)
{
	const char *sub = subdirs[k];
	char **names = NULL, *shown;
	size_t n = 0, i;

	if (v->sub_fd[k] < 0)   /* absent, or reported */
		return 0;
	if (fs_list_dir_fd(v->sub_fd[k], &names, &n)) {
		shown = path_join(v->display, sub);
		diag_fail(v->d, "cannot read directory '%s': %s", shown, strerror(errno));
		free(shown);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *rel = path_join(sub, names[i]);

		if (!index_find(ix, rel))
			add(v, &r_file_unlisted, rel, "%s",
			    "not listed in index.json: added after signing");
		free(rel);
	}
	fs_free_list(names, n);
	return 0;
}

/* The index's prehash, made on a thread of its own while the index is parsed. */
struct prehash {
	const struct strbuf *text;
	unsigned char hash[SIGN_PREHASH_SIZE];
};

static void *prehash_index(void *arg)
{
	struct prehash *h = arg;

	sign_prehash(h->hash, h->text->buf, h->text->len);
	return NULL;
}

static int parse_quietly(struct index *ix, const struct strbuf *text, const char *name)
{
	struct diag quiet = DIAG_INIT;
	int ret;

	quiet.out = fopen("/dev/null", "w");
	ret = index_parse(ix, text->buf, text->len, name, &quiet);
	if (quiet.out)
		fclose(quiet.out);
	return ret;
}

/*
 * Check the signature and parse the index, the one while the other is
 * hashed.  When the signature did not verify, the bytes may be anything:
 * a parse failure is then one more finding, not an input error (the
 * parse is done quietly, and again aloud only when it failed under a
 * valid signature).  0, 1 (not an index: a finding), or -1.
 */
static int signature_and_index(struct verifier *v, const struct strbuf *text, struct index *ix)
{
	struct prehash h = { text, { 0 } };
	char *shown = path_join(v->display, INDEX_FILE);
	const char *name = path_intern(shown);
	pthread_t t;
	int threaded = compile_jobs() > 1 && !pthread_create(&t, NULL, prehash_index, &h);
	int parsed = parse_quietly(ix, text, name), valid, r;

	free(shown);
	if (threaded)
		pthread_join(t, NULL);
	else
		prehash_index(&h);
	if ((r = check_signature(v, text, h.hash, &valid)))
		return r;
	if (!parsed)
		return 0;
	if (valid) {
		index_release(ix);
		return index_parse(ix, text->buf, text->len, name, v->d);
	}
	add(v, &r_file_modified, INDEX_FILE, "%s", "not a valid toolsync index");
	return 1;
}

/*
 * The top of the directory: index.json, its signature, tools/, roles/ and
 * what the index lists; anything else (a temporary file an interrupted
 * tool left, a user's note) is reported.  tools/ and roles/ as symbolic
 * links are reported too: build never writes one.
 */
static int check_top(struct verifier *v, const struct index *ix)
{
	char **names = NULL;
	size_t n = 0, i;

	if (fs_list_dir(v->dir, &names, &n))
		return diag_fail(v->d, "cannot list '%s': %s", v->display, strerror(errno)), -1;
	for (i = 0; i < n; i++) {
		const char *name = names[i];
		char *p = path_join(v->dir, name);
		struct stat st;
		int sub = !strcmp(name, "tools") || !strcmp(name, "roles");

		if (sub && !lstat(p, &st) && S_ISLNK(st.st_mode))
			add(v, &r_file_modified, name, "%s",
			    "a symbolic link: build writes a directory here");
		else if (!sub && strcmp(name, INDEX_FILE) && strcmp(name, INDEX_FILE ".minisig") &&
			 !index_find(ix, name))
			add(v, &r_file_unlisted, name, "%s", "not listed in index.json: added after "
			    "signing, or left by an interrupted tool");
		free(p);
	}
	fs_free_list(names, n);
	return 0;
}

static int check_files(struct verifier *v, const struct index *ix)
{
	size_t i;
	int ret = open_tree(v);

	if (v->dir_fd < 0)
		goto out;
	if (check_listed(v, ix))
		ret = -1;
	if (check_top(v, ix))
		ret = -1;
	for (i = 0; i < NSUBDIRS; i++)
		if (check_unlisted(v, ix, i))
			ret = -1;
	if (v->res)
		v->res->files = ix->n;
out:
	close_tree(v);
	return ret;
}

int verify_dir(const char *dir, const char *display, unsigned flags,
	       const struct sign_pubkey *pub, struct findings *out,
	       struct verify_result *res, struct diag *d)
{
	struct verifier v = { .dir = dir, .display = display ? display : dir, .flags = flags,
			      .pub = pub, .out = out, .res = res, .d = d, .dir_fd = -1 };
	struct strbuf text = STRBUF_INIT;
	struct index ix = INDEX_INIT;
	int r;

	if (!path_is_dir(dir)) {
		diag_fail(d, path_exists(dir) ? "'%s' is not a directory: give the manifests "
			  "directory" : "'%s' does not exist: give the manifests directory, or build "
			  "it first ('toolsync build')", v.display);
		return -1;
	}
	r = read_rel(&v, INDEX_FILE, FS_INDEX, &text);
	if (r == 1)
		add(&v, &r_file_missing, INDEX_FILE, "%s",
		    "index.json is missing: this directory was never built, or was emptied");
	if (!r && !(r = signature_and_index(&v, &text, &ix)))
		r = check_files(&v, &ix);
	index_release(&ix);
	strbuf_release(&text);
	return r < 0 ? -1 : 0;
}

int verify_load_pubkey(const struct ts_config *cfg, const char *named, struct sign_pubkey *pub,
		       struct diag *d)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	const char *root = named ? NULL : cfg->base_dir;
	const char *rel = named ? named : cfg->public_key;
	char *shown = named ? xstrdup(named) : config_path(cfg, rel);
	int ret = -1;

	if (fs_read_file(&text, root, rel, shown, FS_PUBKEY, &err)) {
		/* the configured key of a new catalogue: keygen was not run yet */
		if (errno == ENOENT && !named)
			strbuf_addf(&err, " (signing.public_key in %s: make the key pair "
				    "with 'toolsync keygen')",
				    cfg->path ? cfg->path : "the configuration");
		diag_fail(d, "%s", err.buf);
	} else if (sign_pubkey_parse(pub, text.buf, text.len, shown, &err)) {
		diag_fail(d, "%s", err.buf);
	} else {
		ret = 0;
	}
	strbuf_release(&text);
	strbuf_release(&err);
	free(shown);
	return ret;
}
