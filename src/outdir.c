/* SPDX-License-Identifier: Apache-2.0 */
/*
 * outdir.c: the output directory, switched atomically (see outdir.h and
 * docs/output.md).
 */
#define _GNU_SOURCE   /* syscall, syncfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "toolsync/fault.h"
#include "toolsync/fsutil.h"
#include "toolsync/index.h"
#include "toolsync/outdir.h"
#include "toolsync/quote.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define SIG_FILE INDEX_FILE ".minisig"

/* outdir.kept: what the new tree does with an owned file (0: drops it) */
enum { KEPT_LINKED = 1, KEPT_REWRITTEN = 2 };
#define JOURNAL_TMP OUTDIR_JOURNAL ".tmp-"

/* glibc has had renameat2() only since 2.28: the system call works everywhere. */
static int rename2(int dfd, const char *from, const char *to, unsigned flags)
{
	if (fault_inject(flags & RENAME_EXCHANGE ? FAULT_EXCHANGE : FAULT_RENAME))
		return -1;
#ifdef SYS_renameat2
	return (int)syscall(SYS_renameat2, dfd, from, dfd, to, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* The file system cannot exchange or refuse-to-replace: take another way. */
static int unsupported(int e)
{
	return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP;
}

static int exists_at(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int sync_parent(struct outdir *o)
{
	return fault_inject(FAULT_FSYNC) || fsync(o->parent_fd) ? -1 : 0;
}

/* Resolving: every spelling of the output gives the same path. */

/*
 * The shallowest directory on the way to dir that does not exist yet:
 * what making dir creates (NULL: nothing).
 */
static char *first_missing(const char *dir)
{
	char *cur = xstrdup(dir), *missing = NULL;

	while (!path_exists(cur)) {
		free(missing);
		missing = cur;
		cur = path_dirname(cur);
		if (!strcmp(cur, ".") || !strcmp(cur, "/"))
			break;
	}
	free(cur);
	return missing;
}

/*
 * A path that does not exist yet: its parent is made (the lock is taken on
 * it) and resolved.  *made: the first directory made, resolved, for
 * outdir_release() to take back if the build writes nothing.
 */
static char *resolve_new(const char *path, char **made, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	char *trim = xstrdup(path), *parent, *real = NULL, *rparent, *missing;
	size_t n = strlen(trim);
	const char *base;

	while (n > 1 && trim[n - 1] == '/')
		trim[--n] = '\0';
	base = strrchr(trim, '/') ? strrchr(trim, '/') + 1 : trim;
	if (!strcmp(base, ".") || !strcmp(base, "..")) {
		diag_fail(d, "cannot use '%s' as the output directory: it does not exist", path);
		free(trim);
		return NULL;
	}
	parent = path_dirname(trim);
	missing = first_missing(parent);
	if (fs_mkdirs(parent, 0755, &err))
		diag_fail(d, "%s", err.buf);
	else if (!(rparent = realpath(parent, NULL)))
		diag_fail(d, "cannot resolve '%s': %s", parent, strerror(errno));
	else {
		real = path_join(rparent, base);
		free(rparent);
	}
	if (missing)
		*made = realpath(missing, NULL);
	free(missing);
	strbuf_release(&err);
	free(parent);
	free(trim);
	return real;
}

static int resolve(struct outdir *o, const char *path, struct diag *d)
{
	struct stat st;
	char *real;

	if (!*path)
		return diag_fail(d, "the output directory is '': give --out DIR, or 'out:' in "
				 "toolsync.yaml"), -1;
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return diag_fail(d, "'%s' is not a directory: give a directory for the "
					 "manifests", path), -1;
		if (!(real = realpath(path, NULL)))
			return diag_fail(d, "cannot resolve '%s': %s", path, strerror(errno)), -1;
	} else if (errno == ENOENT && lstat(path, &st)) {
		if (!(real = resolve_new(path, &o->made, d)))
			return -1;
	} else {
		return diag_fail(d, "cannot use '%s' as the output directory: %s", path,
				 errno == ENOENT ? "a symbolic link to nothing" : strerror(errno)), -1;
	}
	if (!strcmp(real, "/")) {
		free(real);
		return diag_fail(d, "'%s' is the root directory: give a directory of its own "
				 "for the manifests", path), -1;
	}
	o->path = real;
	o->parent = path_dirname(real);
	o->name = xstrdup(strrchr(real, '/') + 1);
	return 0;
}

/*
 * One build at a time per real parent directory: flock() on it, which
 * goes with the process however it ends (no stale lock file to clean up).
 */
static int lock_parent(struct outdir *o, struct diag *d)
{
	o->parent_fd = open(o->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->parent_fd < 0)
		return diag_fail(d, "cannot open '%s': %s", o->parent, strerror(errno)), -1;
	if (!flock(o->parent_fd, LOCK_EX | LOCK_NB))
		return 0;
	if (errno == EWOULDBLOCK)
		diag_fail(d, "another toolsync build is writing beside '%s' (in '%s'): wait for "
			  "it to finish", o->shown, o->parent);
	else
		diag_fail(d, "cannot lock '%s': %s", o->parent, strerror(errno));
	return -1;
}

/* Recovery: a journal first, then the debris of killed builds. */

struct journal {
	const char *name, *stage, *old;
};

static int journal_name_ok(const char *s, int stage)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..") &&
	       (!stage || !strncmp(s, OUTDIR_STAGE_PREFIX, strlen(OUTDIR_STAGE_PREFIX)));
}

/* old is the name journal_switch() gives the old tree: the new tree's and "-old" */
static int journal_old_ok(const char *old, const char *stage)
{
	size_t n = strlen(stage);

	return !strncmp(old, stage, n) && !strcmp(old + n, "-old");
}

/*
 * Three NUL-terminated names, as journal_switch() writes them: the
 * output, the new tree (".toolsync-stage-..."), the old tree.
 */
static int journal_parse(const struct strbuf *sb, struct journal *j)
{
	const char *p = sb->buf, *end = sb->buf + sb->len;
	const char **f[] = { &j->name, &j->stage, &j->old };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return -1;
		*f[i] = p;
		p = nul + 1;
	}
	return p == end && journal_name_ok(j->name, 0) && journal_name_ok(j->stage, 1) &&
	       journal_old_ok(j->old, j->stage) ? 0 : -1;
}

/*
 * What a journal may do: move this output aside and a stage directory in
 * its place.  A journal is input like any other (a repository can hold
 * one): were it trusted, it could name '.git' or the templates, or a
 * stage that is a link, and have a build move them, then remove the
 * moved tree as debris.  Only the output being built is switched (the
 * journal of another output beside it waits for that output's build).
 * 0, or -1 (reported).
 */
static int journal_check(struct outdir *o, const struct journal *j, const char *shown,
			 struct diag *d)
{
	struct stat st;

	if (strcmp(j->name, o->name)) {
		diag_fail(d, "'%s' records an interrupted switch of '%s/%s', not of '%s': "
			  "complete it with a build of that output, or remove it", shown, o->parent,
			  quote_show(j->name), o->shown);
		return -1;
	}
	if (!fstatat(o->parent_fd, j->stage, &st, AT_SYMLINK_NOFOLLOW) && !S_ISDIR(st.st_mode)) {
		diag_fail(d, "'%s' names '%s/%s' as the new tree, which is not a directory (%s): "
			  "remove the journal", shown, o->parent, quote_show(j->stage),
			  S_ISLNK(st.st_mode) ? "a symbolic link" : "another kind of file");
		return -1;
	}
	return 0;
}

/*
 * The journal is written only once the new tree is complete and durable,
 * so it always rolls forward: the new tree goes in place of the output.
 */
static int journal_finish(struct outdir *o, struct diag *d)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	char *shown = path_join(o->parent, OUTDIR_JOURNAL);
	struct journal j;
	int ret = 0;

	/* read as every input is: no link, a regular file (never a FIFO), capped */
	if (fs_read_file_at(&sb, o->parent_fd, OUTDIR_JOURNAL, shown, FS_JOURNAL, &err)) {
		if (errno != ENOENT)
			ret = (diag_fail(d, "%s", err.buf), -1);
	} else if (journal_parse(&sb, &j)) {
		diag_fail(d, "'%s' is not a journal toolsync wrote: remove it", shown);
		ret = -1;
	} else if (journal_check(o, &j, shown, d)) {
		ret = -1;
	} else if (exists_at(o->parent_fd, j.stage) &&
		   ((exists_at(o->parent_fd, j.name) && !exists_at(o->parent_fd, j.old) &&
		     renameat(o->parent_fd, j.name, o->parent_fd, j.old)) ||
		    (!exists_at(o->parent_fd, j.name) &&
		     renameat(o->parent_fd, j.stage, o->parent_fd, j.name)))) {
		diag_fail(d, "cannot complete the interrupted switch of '%s/%s': %s", o->parent,
			  j.name, strerror(errno));
		ret = -1;
	} else if (fsync(o->parent_fd) || unlinkat(o->parent_fd, OUTDIR_JOURNAL, 0)) {
		diag_fail(d, "cannot remove '%s': %s", shown, strerror(errno));
		ret = -1;
	} else {
		fprintf(stderr, "toolsync: completed the switch of '%s/%s' that an interrupted "
			"build left\n", quote_path(o->parent), quote_path(j.name));
	}
	strbuf_release(&sb);
	strbuf_release(&err);
	free(shown);
	return ret;
}

static int is_debris(const char *name)
{
	return !strncmp(name, OUTDIR_STAGE_PREFIX, strlen(OUTDIR_STAGE_PREFIX)) ||
	       !strncmp(name, JOURNAL_TMP, strlen(JOURNAL_TMP));
}

/*
 * A reader may still be on an old tree that a killed build did not get to
 * remove (it holds LOCK_SH, see outdir_snapshot): wait for it to finish.
 */
static void wait_readers(int parent_fd, const char *name)
{
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		flock(fd, LOCK_EX);
		close(fd);
	}
}

/*
 * Under the lock no other build is running beside the output, so every
 * staging directory here is left from a killed one.
 */
static int clean_debris(struct outdir *o, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	char **names;
	size_t n, i;
	int ret = 0;

	if (fs_list_dir(o->parent, &names, &n))
		return diag_fail(d, "cannot read '%s': %s", o->parent, strerror(errno)), -1;
	for (i = 0; i < n && !ret; i++) {
		char *p;

		if (!is_debris(names[i]))
			continue;
		p = path_join(o->parent, names[i]);
		wait_readers(o->parent_fd, names[i]);
		if (fs_remove_tree(p, &err)) {
			diag_fail(d, "cannot remove '%s' that an interrupted build left: %s", p,
				  err.buf);
			ret = -1;
		}
		o->recovered++;
		free(p);
	}
	fs_free_list(names, n);
	strbuf_release(&err);
	return ret;
}

/* Ownership: what the old output holds, checked before anything is written. */

struct scan {
	struct outdir *o;
	struct index ix;
	struct diag *d;
	char *present;           /* per index entry: on disk */
	int has_index[2];        /* index.json, its signature: on disk */
};

static int is_index_file(const char *rel)
{
	return !strcmp(rel, INDEX_FILE) || !strcmp(rel, SIG_FILE);
}

static int is_owned_name(const struct scan *s, const char *rel)
{
	return is_index_file(rel) || index_find(&s->ix, rel);
}

/* "<a file toolsync owns>.tmp-XXXXXX", as mkstemp() named it (older builds). */
static int is_own_temp(const struct scan *s, const char *rel)
{
	const char *t = strstr(rel, ".tmp-");
	char *base;
	int own;

	while (t && strstr(t + 1, ".tmp-"))
		t = strstr(t + 1, ".tmp-");
	if (!t || strlen(t + 5) != 6 || strspn(t + 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "abcdefghijklmnopqrstuvwxyz0123456789") != 6)
		return 0;
	base = xstrndup(rel, (size_t)(t - rel));
	own = is_owned_name(s, base);
	free(base);
	return own;
}

static void refuse_foreign(struct scan *s, const char *rel)
{
	diag_fail(s->d, "'%s/%s' is not listed in '%s/%s': a build removes only the files "
		  "it made, so it stops here; move that file out of '%s' and build again",
		  s->o->shown, rel, s->o->shown, INDEX_FILE, s->o->shown);
}

static void classify(struct scan *s, const char *rel, const struct stat *st)
{
	const struct index_entry *e;

	if (S_ISDIR(st->st_mode))
		diag_fail(s->d, "'%s/%s' is a directory: %.5s/ holds only the files toolsync "
			  "writes; move it elsewhere", s->o->shown, rel, rel);
	else if (is_index_file(rel))
		s->has_index[!strcmp(rel, SIG_FILE)] = 1;
	else if ((e = index_find(&s->ix, rel)))
		s->present[e - s->ix.v] = 1;
	else if (is_own_temp(s, rel))
		s->o->debris++;
	else
		refuse_foreign(s, rel);
}

/* A directory entry's type as a mode, without a stat when readdir knows it. */
static int entry_mode(int dfd, const struct dirent *de, mode_t *mode)
{
	struct stat st;

	switch (de->d_type) {
	case DT_REG: *mode = S_IFREG; return 0;
	case DT_DIR: *mode = S_IFDIR; return 0;
	case DT_LNK: *mode = S_IFLNK; return 0;
	case DT_UNKNOWN: break;
	default: *mode = S_IFIFO; return 0;   /* a device, FIFO or socket: not a directory */
	}
	if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
		return -1;
	*mode = st.st_mode;
	return 0;
}

/*
 * tools/ or roles/: every entry classified by its readdir type (a stat
 * only where the file system gives none), so that an output of 200,000
 * files is not stat'ed file by file before the build even starts.
 */
static void scan_sub(struct scan *s, const char *sub)
{
	int dfd = openat(s->o->dir_fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;

	if (!dir) {
		diag_fail(s->d, "cannot read '%s/%s': %s", s->o->shown, sub, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return;
	}
	strlist_add(&s->o->old_dirs, sub);
	while ((errno = 0, de = readdir(dir))) {
		char *rel;
		mode_t mode;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rel = path_join(sub, de->d_name);
		if (entry_mode(dfd, de, &mode)) {
			diag_fail(s->d, "cannot stat '%s/%s': %s", s->o->shown, rel, strerror(errno));
		} else {
			st.st_mode = mode;
			classify(s, rel, &st);
		}
		free(rel);
	}
	if (errno)
		diag_fail(s->d, "cannot read '%s/%s': %s", s->o->shown, sub, strerror(errno));
	closedir(dir);
}

static void scan_top(struct scan *s, const char *name)
{
	char *p = path_join(s->o->path, name);
	struct stat st;
	int sub = !strcmp(name, "tools") || !strcmp(name, "roles");

	if (lstat(p, &st))
		diag_fail(s->d, "cannot stat '%s/%s': %s", s->o->shown, name, strerror(errno));
	else if (sub && S_ISLNK(st.st_mode))
		diag_fail(s->d, "'%s/%s' is a symbolic link: toolsync never follows one out of "
			  "the output; make it a directory", s->o->shown, name);
	else if (sub && S_ISDIR(st.st_mode))
		scan_sub(s, name);
	else if (is_index_file(name) && !S_ISREG(st.st_mode))
		diag_fail(s->d, "'%s/%s' is not a regular file: toolsync writes it; remove it",
			  s->o->shown, name);
	else if (S_ISDIR(st.st_mode))
		diag_fail(s->d, "'%s/%s' is a directory toolsync did not make: move it out of "
			  "'%s'", s->o->shown, name, s->o->shown);
	else
		classify(s, name, &st);
	free(p);
}

/* index.json under dir_fd, read as every input is, with its stat. */
static int read_index_text(int dir_fd, const char *shown, struct strbuf *sb, struct stat *st,
			   struct strbuf *err)
{
	/* a FIFO named index.json is refused, never waited on */
	int fd = fs_open_file_at(dir_fd, INDEX_FILE, shown, FS_INDEX, err), ret = -1, e;

	if (fd < 0)
		return -1;
	if (fstat(fd, st))
		strbuf_addf(err, "cannot read '%s': %s", shown, strerror(errno));
	else
		ret = fs_read_fd(sb, fd, shown, FS_INDEX, err);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

/* The old index: what toolsync owns.  0 read, 1 absent, -1 reported. */
static int read_old_index(struct scan *s)
{
	struct strbuf err = STRBUF_INIT;
	char *shown = path_join(s->o->shown, INDEX_FILE);
	int ret = 0;

	if (read_index_text(s->o->dir_fd, shown, &s->o->old_text, &s->o->old_st, &err)) {
		if (errno == ENOENT)
			ret = 1;
		else
			ret = (diag_fail(s->d, "%s: toolsync cannot tell its files from others in "
					 "'%s': remove it, or give another --out", err.buf,
					 s->o->shown), -1);
	} else if (index_parse(&s->ix, s->o->old_text.buf, s->o->old_text.len, path_intern(shown),
			       s->d)) {
		diag_fail(s->d, "'%s' is not a toolsync index, so toolsync cannot tell its files "
			  "from others in '%s': remove it, or give another --out", shown, s->o->shown);
		ret = -1;
	}
	if (ret)
		strbuf_release(&s->o->old_text);
	strbuf_release(&err);
	free(shown);
	return ret;
}

/*
 * The owned files in order: the listed files found on disk (the index is
 * sorted already), with index.json and its signature where they sort.
 * A listed "index.json" is the one file of that name, not a second one.
 */
static void collect_owned(struct outdir *o, const struct scan *s)
{
	static const char *const names[] = { INDEX_FILE, SIG_FILE };
	const struct index *ix = &o->old_index;
	size_t i, k = 0, n = 0;

	o->owned = xcalloc(ix->n + ARRAY_SIZE(names) + 1, sizeof(*o->owned));
	o->owned_at = xcalloc(ix->n + 1, sizeof(*o->owned_at));
	for (i = 0; i <= ix->n; i++) {
		const char *p = i < ix->n ? ix->v[i].path : NULL;

		for (; k < ARRAY_SIZE(names) && (!p || strcmp(names[k], p) < 0); k++)
			if (s->has_index[k]) {
				o->index_at[k] = (long)n;
				o->owned[n++] = names[k];
			}
		if (p && s->present[i] && !is_index_file(p)) {
			o->owned_at[i] = (uint32_t)n + 1;
			o->owned[n++] = p;
		}
	}
	o->nowned = n;
}

static int scan_old(struct outdir *o, struct diag *d)
{
	struct scan s = { o, INDEX_INIT, d, NULL, { 0, 0 } };
	unsigned errors = d->errors;
	struct stat st;
	char **names;
	size_t n, i;
	int r;

	o->dir_fd = open(o->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (o->dir_fd < 0) {
		if (errno == ENOENT)
			return 0;
		return diag_fail(d, "cannot open '%s': %s", o->shown, strerror(errno)), -1;
	}
	if (!fstat(o->dir_fd, &st))
		o->mode = st.st_mode & 07777;
	if (fs_list_dir(o->path, &names, &n))
		return diag_fail(d, "cannot read '%s': %s", o->shown, strerror(errno)), -1;
	r = read_old_index(&s);
	s.present = xcalloc(s.ix.n + 1, 1);
	if (r == 1 && n)
		diag_fail(d, "'%s' is not empty and holds no %s, so toolsync did not build it: "
			  "a build writes only into an empty directory or one it built (give "
			  "another --out, or 'out:' in toolsync.yaml)", o->shown, INDEX_FILE);
	else if (!r)
		for (i = 0; i < n; i++)
			scan_top(&s, names[i]);
	fs_free_list(names, n);
	o->old_index = s.ix;   /* for the build's skip by digest (outdir_old_index) */
	collect_owned(o, &s);
	free(s.present);
	o->kept = xcalloc(o->nowned + 1, 1);
	return d->errors > errors || r < 0 ? -1 : 0;
}

/* rel's place in o->owned, or -1. */
static long owned_find(const struct outdir *o, const char *rel)
{
	const struct index_entry *e;

	if (!strcmp(rel, INDEX_FILE))
		return o->index_at[0];
	if (!strcmp(rel, SIG_FILE))
		return o->index_at[1];
	e = o->owned_at ? index_find(&o->old_index, rel) : NULL;
	return e ? (long)o->owned_at[e - o->old_index.v] - 1 : -1;
}

const struct index *outdir_old_index(struct outdir *o, struct strbuf *text, struct stat *st)
{
	strbuf_release(text);
	*text = o->old_text;
	strbuf_init(&o->old_text, 0);
	*st = o->old_st;
	return &o->old_index;
}

int outdir_open(struct outdir *o, const char *path, struct diag *d)
{
	mode_t mask = umask(0);

	umask(mask);
	memset(o, 0, sizeof(*o));
	o->parent_fd = o->dir_fd = -1;
	o->index_at[0] = o->index_at[1] = -1;
	strbuf_init(&o->old_text, 0);
	o->mode = 0777 & ~mask;
	o->shown = xstrdup(path);
	pthread_mutex_init(&o->lock, NULL);
	if (resolve(o, path, d) || lock_parent(o, d) || journal_finish(o, d) ||
	    clean_debris(o, d) || scan_old(o, d))
		return -1;
	return 0;
}

/* Staging. */

int outdir_keep_if_same(struct outdir *o, const char *rel, const void *data, size_t len)
{
	long i = owned_find(o, rel);
	int same;

	if (i < 0)
		return 0;
	same = fs_same_content(o->path, rel, data, len);
	if (same) {
		pthread_mutex_lock(&o->lock);
		o->kept[i] = KEPT_LINKED;
		o->unchanged++;
		pthread_mutex_unlock(&o->lock);
	}
	return same;
}

/* Beside the output: the same file system, so the switch is a rename. */
static int make_stage(struct outdir *o, struct diag *d)
{
	char *tmpl = path_join(o->parent, OUTDIR_STAGE_PREFIX "XXXXXX");

	if (fault_inject(FAULT_MKDIR) || !mkdtemp(tmpl)) {
		diag_fail(d, "cannot create a staging directory beside '%s': %s", o->shown,
			  strerror(errno));
		free(tmpl);
		return -1;
	}
	o->stage = tmpl;
	return 0;
}

/*
 * The stage's directory rel (len bytes, no trailing '/'; "" for the stage
 * itself), made on the first use and kept open: each file is then one
 * openat() below it, with no path walk or stat of its own.  Under
 * o->lock.  NULL when it cannot be made (reported to d).
 */
static const struct outdir_sdir *stage_dir(struct outdir *o, const char *rel, size_t len,
					   struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	struct outdir_sdir *sd;
	size_t i;

	for (i = 0; i < o->nsdirs; i++)
		if (!strncmp(o->sdirs[i].rel, rel, len) && !o->sdirs[i].rel[len])
			return &o->sdirs[i];
	if (o->nsdirs == OUTDIR_STAGE_DIRS)
		BUG("more than %d directories in the output", OUTDIR_STAGE_DIRS);
	if (!o->stage && make_stage(o, d))
		return NULL;
	sd = &o->sdirs[o->nsdirs];
	sd->rel = xstrndup(rel, len);
	sd->shown = len ? path_join(o->stage, sd->rel) : xstrdup(o->stage);
	sd->fd = -1;
	if (len && !path_is_dir(sd->shown) && fs_mkdirs(sd->shown, 0777, &err))
		diag_fail(d, "%s", err.buf);
	else if ((sd->fd = open(sd->shown, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		diag_fail(d, "cannot open '%s': %s", sd->shown, strerror(errno));
	strbuf_release(&err);
	if (sd->fd >= 0) {
		o->nsdirs++;
		return sd;
	}
	free(sd->rel);
	free(sd->shown);
	return NULL;
}

int outdir_write(struct outdir *o, const char *rel, const void *data, size_t len,
		 struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	const char *slash = strrchr(rel, '/');
	const struct outdir_sdir *sd;
	long i;
	int ret;

	/* one thread makes each directory: the same calls every run (TOOLSYNC_FAULT counts them) */
	pthread_mutex_lock(&o->lock);
	sd = stage_dir(o, rel, slash ? (size_t)(slash - rel) : 0, d);
	pthread_mutex_unlock(&o->lock);
	if (!sd)
		return -1;
	ret = fs_write_new_at(sd->fd, sd->shown, slash ? slash + 1 : rel, data, len, 0644, &err);
	i = ret ? -1 : owned_find(o, rel);
	pthread_mutex_lock(&o->lock);
	if (ret)
		diag_fail(d, "%s", err.buf);
	else
		o->written++;
	if (i >= 0)
		o->kept[i] = KEPT_REWRITTEN;
	pthread_mutex_unlock(&o->lock);
	strbuf_release(&err);
	return ret;
}

int outdir_keep(struct outdir *o, const char *rel)
{
	long i = owned_find(o, rel);

	if (i < 0)
		return 0;
	pthread_mutex_lock(&o->lock);
	o->unchanged += !o->kept[i];
	o->kept[i] = KEPT_LINKED;
	pthread_mutex_unlock(&o->lock);
	return 1;
}

int outdir_owns(const struct outdir *o, const char *rel)
{
	return owned_find(o, rel) >= 0;
}

/* Committing. */

/* Old files the new tree neither keeps nor rewrites (and own temp files). */
static size_t count_removed(const struct outdir *o)
{
	size_t i, n = o->debris;

	for (i = 0; i < o->nowned; i++)
		n += !o->kept[i];
	return n;
}

static int dirs_differ(const struct outdir *o, const char *const *dirs)
{
	size_t i, n = 0;

	for (i = 0; dirs[i]; i++, n++)
		if (strlist_find(&o->old_dirs, dirs[i]) < 0)
			return 1;
	return n != o->old_dirs.n;
}

static int link_kept(struct outdir *o, struct diag *d)
{
	size_t i;

	for (i = 0; i < o->nowned; i++) {
		const char *rel = o->owned[i], *slash = strrchr(rel, '/');
		const struct outdir_sdir *sd;

		if (o->kept[i] != KEPT_LINKED)
			continue;
		if (!(sd = stage_dir(o, rel, slash ? (size_t)(slash - rel) : 0, d)))
			return -1;
		if (fault_inject(FAULT_LINK) ||
		    linkat(o->dir_fd, rel, sd->fd, slash ? slash + 1 : rel, 0))
			return diag_fail(d, "cannot link '%s/%s' into the new tree: %s", o->path,
					 rel, strerror(errno)), -1;
	}
	return 0;
}

/* The new tree complete (empty dirs too, the old mode) and on disk. */
static int complete_stage(struct outdir *o, const char *const *dirs, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;

	for (i = 0; dirs[i]; i++) {
		char *p = path_join(o->stage, dirs[i]);
		int bad = !path_is_dir(p) && (fault_inject(FAULT_MKDIR) ||
					      mkdir(p, 0777));

		if (bad)
			diag_fail(d, "cannot create '%s': %s", p, strerror(errno));
		free(p);
		if (bad)
			return -1;
	}
	if (link_kept(o, d))
		return -1;
	if (chmod(o->stage, o->mode))
		return diag_fail(d, "cannot set the mode of '%s': %s", o->stage,
				 strerror(errno)), -1;
	if (fs_sync(o->stage, &err)) {
		diag_fail(d, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	return 0;
}

static const char *base_of(const char *path)
{
	return strrchr(path, '/') + 1;
}

/*
 * Where the exchange is refused: a journal naming both trees, then two
 * renames.  Until the journal is gone, the next build rolls it forward
 * (journal_finish).  On failure the old output is put back if it can be.
 */
static int journal_switch(struct outdir *o, char **old_tree, struct diag *d)
{
	struct strbuf j = STRBUF_INIT, err = STRBUF_INIT;
	char *jpath = path_join(o->parent, OUTDIR_JOURNAL);
	char *old = xstrfmt("%s-old", base_of(o->stage));
	int ret = -1;

	strbuf_add(&j, o->name, strlen(o->name) + 1);
	strbuf_add(&j, base_of(o->stage), strlen(base_of(o->stage)) + 1);
	strbuf_add(&j, old, strlen(old) + 1);
	if (fs_write_atomic(jpath, j.buf, j.len, 0644, &err) || sync_parent(o)) {
		diag_fail(d, "%s", err.len ? err.buf : "cannot flush the journal to disk");
	} else if (rename2(o->parent_fd, o->name, old, 0)) {
		diag_fail(d, "cannot move '%s' aside: %s", o->shown, strerror(errno));
		unlink(jpath);
	} else if (rename2(o->parent_fd, base_of(o->stage), o->name, 0)) {
		diag_fail(d, "cannot move the new tree into '%s': %s", o->shown, strerror(errno));
		if (renameat(o->parent_fd, old, o->parent_fd, o->name))
			o->switched = -1;   /* the journal stays: the next build completes it */
		else
			unlink(jpath);
	} else {
		ret = 0;
		if (sync_parent(o) || fault_inject(FAULT_UNLINK) || unlink(jpath)) {
			const char *why = strerror(errno);

			fprintf(stderr, "toolsync: warning: cannot remove '%s': %s (the next "
				"build does)\n", quote_path(jpath), why);
		}
		*old_tree = path_join(o->parent, old);
	}
	free(old);
	free(jpath);
	strbuf_release(&j);
	strbuf_release(&err);
	return ret;
}

/* The switch itself.  *old_tree: where the old output now is (NULL: none). */
static int swap(struct outdir *o, char **old_tree, struct diag *d)
{
	*old_tree = NULL;
	if (o->dir_fd < 0) {
		/* nothing there yet: a plain rename, which must not replace what appeared */
		if (!rename2(o->parent_fd, base_of(o->stage), o->name, RENAME_NOREPLACE) ||
		    (unsupported(errno) && !exists_at(o->parent_fd, o->name) &&
		     !rename2(o->parent_fd, base_of(o->stage), o->name, 0)))
			return 0;
		return diag_fail(d, "cannot move the new tree into '%s': %s", o->shown,
				 strerror(errno)), -1;
	}
	if (!rename2(o->parent_fd, base_of(o->stage), o->name, RENAME_EXCHANGE)) {
		*old_tree = xstrdup(o->stage);
		return 0;
	}
	if (unsupported(errno))
		return journal_switch(o, old_tree, d);
	return diag_fail(d, "cannot switch '%s' to the new tree: %s", o->shown,
			 strerror(errno)), -1;
}

/*
 * After the switch: wait for readers still on the old tree (they hold
 * LOCK_SH on it, see outdir_snapshot), then remove it.  A failure here
 * leaves debris the next build removes; the build itself succeeded.
 */
static void remove_old(struct outdir *o, const char *old_tree)
{
	struct strbuf err = STRBUF_INIT;

	if (o->dir_fd >= 0)
		flock(o->dir_fd, LOCK_EX);
	if (fs_remove_tree(old_tree, &err))
		fprintf(stderr, "toolsync: warning: the new output is in place, but the old "
			"one could not be removed: %s (the next build removes it)\n", err.buf);
	strbuf_release(&err);
}

int outdir_commit(struct outdir *o, const char *const *dirs, struct diag *d)
{
	char *old_tree = NULL;

	o->removed = count_removed(o);
	if (!o->stage && !o->removed && o->dir_fd >= 0 && !dirs_differ(o, dirs))
		return 0;   /* nothing changed: nothing is written */
	if ((!o->stage && make_stage(o, d)) || complete_stage(o, dirs, d) ||
	    swap(o, &old_tree, d))
		return -1;
	o->switched = 1;
	if (sync_parent(o)) {
		const char *why = strerror(errno);

		fprintf(stderr, "toolsync: warning: cannot flush '%s' to disk: %s\n",
			quote_path(o->parent), why);
	}
	if (old_tree)
		remove_old(o, old_tree);
	free(old_tree);
	return 0;
}

static void close_stage_dirs(struct outdir *o)
{
	while (o->nsdirs) {
		struct outdir_sdir *sd = &o->sdirs[--o->nsdirs];

		close(sd->fd);
		free(sd->rel);
		free(sd->shown);
	}
}

/*
 * A build that wrote nothing takes back the directories it made for the
 * output's parent: only empty directories, never a file.
 */
static void remove_made(const char *dir)
{
	char **names;
	size_t n, i;

	if (fs_list_dir(dir, &names, &n))
		return;
	for (i = 0; i < n; i++) {
		char *p = path_join(dir, names[i]);
		struct stat st;

		if (!lstat(p, &st) && S_ISDIR(st.st_mode))
			remove_made(p);
		free(p);
	}
	fs_free_list(names, n);
	rmdir(dir);
}

void outdir_release(struct outdir *o)
{
	struct strbuf err = STRBUF_INIT;

	close_stage_dirs(o);
	if (o->stage && !o->switched && fs_remove_tree(o->stage, &err))
		fprintf(stderr, "toolsync: warning: %s (the next build removes it)\n",
			quote_path(err.buf));
	strbuf_release(&err);
	if (o->made && !o->switched)
		remove_made(o->made);
	if (o->dir_fd >= 0)
		close(o->dir_fd);
	if (o->parent_fd >= 0)
		close(o->parent_fd);
	free(o->shown);
	free(o->path);
	free(o->parent);
	free(o->name);
	free(o->stage);
	free(o->made);
	free(o->kept);
	free(o->owned);
	free(o->owned_at);
	strbuf_release(&o->old_text);
	strlist_release(&o->old_dirs);
	index_release(&o->old_index);
	pthread_mutex_destroy(&o->lock);
}

/* Readers. */

/* A build is between the two renames of a journal switch beside dir. */
static int switching(const char *dir)
{
	char *trim = xstrdup(dir), *parent, *j;
	size_t n = strlen(trim);
	int ret;

	while (n > 1 && trim[n - 1] == '/')
		trim[--n] = '\0';
	parent = path_dirname(trim);
	j = path_join(parent, OUTDIR_JOURNAL);
	ret = path_exists(j);
	free(j);
	free(parent);
	free(trim);
	return ret;
}

int outdir_snapshot(const char *dir, char **path)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	struct stat a, b;
	int tries, fd;

	for (tries = 0; tries < 500; tries++) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT || !switching(dir))
				break;
			nanosleep(&pause, NULL);
			continue;
		}
		/* still the output once locked: not an old tree a build is removing */
		if (!flock(fd, LOCK_SH) && !fstat(fd, &a) && !stat(dir, &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			*path = xstrfmt("/proc/self/fd/%d", fd);
			if (path_is_dir(*path))
				return fd;
			free(*path);
			break;
		}
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		close(fd);
	*path = xstrdup(dir);
	return -1;
}

void outdir_snapshot_release(int fd, char *path)
{
	if (fd >= 0)
		close(fd);
	free(path);
}
