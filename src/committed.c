/* SPDX-License-Identifier: Apache-2.0 */
/*
 * committed.c: committed files as bytes, from a directory or a git tree.
 *
 * git runs with an argument vector (fork + execvp), never through a shell,
 * with its standard error discarded: toolsync decides what went wrong by
 * asking git precise questions (is this a work tree, does REV name a
 * commit, is the clone shallow) and words the message itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "toolsync/committed.h"
#include "toolsync/dirfds.h"
#include "toolsync/fsutil.h"
#include "toolsync/outdir.h"
#include "toolsync/quote.h"

/* A revision is one argument: refused when it could be read as an option or garble a message. */
#define REV_MAX 256

struct tree_entry {
	char *path;        /* relative to the output directory */
	char oid[65];      /* SHA-1 or SHA-256, hex */
	int regular;       /* a blob of mode 100644/100755 (not a symlink or submodule) */
	const char *what;  /* what it is, for messages: "a symbolic link in the git tree" */
};

/*
 * The kinds of entry `git ls-tree -r` lists, by the start of its record:
 * a file, a symbolic link (git keeps its target as the blob: never
 * followed, never read), a submodule (a commit of another repository).
 */
static const struct {
	const char *rec;
	int regular;
	const char *what;
} entry_kinds[] = {
	{ "100644 blob ", 1, "a file in the git tree" },
	{ "100755 blob ", 1, "a file in the git tree" },
	{ "120000 blob ", 0, "a symbolic link in the git tree; links are not followed" },
	{ "160000 commit ", 0, "a submodule in the git tree" },
};

static void entry_kind(struct tree_entry *e, const char *rec)
{
	size_t i;

	e->regular = 0;
	e->what = "an entry of an unknown kind in the git tree";
	for (i = 0; i < ARRAY_SIZE(entry_kinds); i++)
		if (!strncmp(rec, entry_kinds[i].rec, strlen(entry_kinds[i].rec))) {
			e->regular = entry_kinds[i].regular;
			e->what = entry_kinds[i].what;
			return;
		}
}

struct committed {
	char *dir, *display, *describe;
	/* git only */
	char *top, *prefix, *rev, *commit;
	struct tree_entry *ents;   /* sorted by path */
	size_t n, alloc;
	pid_t batch_pid;           /* git cat-file --batch, started on the first read */
	int batch_in, batch_out;   /* its stdin (a socket: no SIGPIPE), its stdout */
	struct strbuf rbuf;        /* bytes read from batch_out not yet used */
	int broken;
	int named;                 /* a directory --against named (not out) */
	pthread_mutex_t batch_lock; /* one reader of cat-file at a time */
	/* directory only: the snapshot dir is read through (outdir_snapshot) */
	int snap_fd;
	int dir_fd;                /* dir, for committed_read_quiet; -1 */
	struct dirfds subs;        /* its tools/ and roles/, opened once */
};

static struct committed *committed_new(const char *dir, const char *display)
{
	struct committed *c = xcalloc(1, sizeof(*c));

	c->dir = xstrdup(dir);
	c->display = xstrdup(display ? display : dir);
	c->batch_in = c->batch_out = -1;
	c->snap_fd = c->dir_fd = -1;
	dirfds_init_listed(&c->subs, -1);
	strbuf_init(&c->rbuf, 0);
	pthread_mutex_init(&c->batch_lock, NULL);
	return c;
}

struct committed *committed_dir(const char *dir, const char *display)
{
	struct committed *c = committed_new(dir, display);

	c->describe = xstrdup(c->display);
	/* a missing directory is committed_check's to report */
	c->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	c->subs.root = c->dir_fd;
	return c;
}

struct committed *committed_dir_snapshot(const char *dir)
{
	char *snap;
	int fd = outdir_snapshot(dir, &snap);
	struct committed *c = committed_dir(snap, dir);

	c->snap_fd = fd;
	outdir_snapshot_release(-1, snap);   /* the path is copied; the fd stays open */
	return c;
}

const char *committed_git_rev(const char *spec)
{
	return strncmp(spec, "git:", 4) ? NULL : spec + 4;
}

/* ---- running git ------------------------------------------------------ */

/*
 * No pager, no prompt, no lock taken on the index, for every git toolsync
 * runs.  Set in toolsync's own environment before any fork: the child
 * then only calls async-signal-safe functions.
 */
static void git_environment(void)
{
	setenv("GIT_PAGER", "cat", 1);
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	setenv("GIT_OPTIONAL_LOCKS", "0", 1);
}

/* In the child: stdin, stdout as given (-1: /dev/null), stderr to /dev/null. */
TS_NORETURN static void exec_git(const char *const *argv, int in, int out)
{
	int null = open("/dev/null", O_RDWR);

	if (null < 0)
		_exit(127);
	if (dup2(in >= 0 ? in : null, 0) < 0 || dup2(out >= 0 ? out : null, 1) < 0 ||
	    dup2(null, 2) < 0)
		_exit(127);
	execvp("git", (char *const *)argv);
	_exit(127);
}

/* pipe(2) with both ends close-on-exec (pipe2 is not POSIX). */
static int cloexec_pipe(int fds[2])
{
	if (pipe(fds))
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) || fcntl(fds[1], F_SETFD, FD_CLOEXEC)) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/* Reap pid; its exit status, or -1 when it did not exit normally. */
static int wait_git(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Run git, its standard output into out (at most max bytes).  The exit
 * status; 127 when git cannot be run; -1 when the output is too large or
 * cannot be read.
 */
static int run_git(const char *const *argv, struct strbuf *out, size_t max)
{
	int fds[2], too_big = 0, status;
	char chunk[65536];
	ssize_t r;
	pid_t pid;

	if (cloexec_pipe(fds))
		return -1;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid)
		exec_git(argv, -1, fds[1]);
	close(fds[1]);
	while ((r = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || out->len + (size_t)r > max) {
			too_big = 1;
			kill(pid, SIGKILL);
			break;
		}
		strbuf_add(out, chunk, (size_t)r);
	}
	close(fds[0]);
	status = wait_git(pid);
	return too_big ? -1 : status;
}

/* One line of git's output (rev-parse), trailing newline removed. */
static int git_line(const char *const *argv, struct strbuf *out)
{
	int r = run_git(argv, out, 65536);

	strbuf_rtrim(out);
	return r;
}

/* ---- opening a revision ----------------------------------------------- */

static int rev_is_safe(const char *rev)
{
	const unsigned char *p = (const unsigned char *)rev;

	if (!*p || *p == '-' || strlen(rev) > REV_MAX)
		return 0;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* The top of the work tree holding repo_dir, resolved.  0 or -1 (reported). */
static int find_top(struct committed *c, const char *repo_dir, struct diag *d)
{
	const char *argv[] = { "git", "-C", repo_dir, "rev-parse", "--show-toplevel", NULL };
	struct strbuf out = STRBUF_INIT;
	int r = git_line(argv, &out);
	char *real;

	if (r == 127) {
		diag_fail(d, "--against git:%s: cannot run git (is it installed and on PATH?)",
			  c->rev);
	} else if (r || !out.len) {
		diag_fail(d, "--against git:%s: '%s' is not inside a git work tree; "
			  "hint: use --against DIR, or run in a clone of the repository",
			  c->rev, repo_dir);
	} else if (!(real = realpath(out.buf, NULL))) {
		diag_fail(d, "cannot resolve the repository top '%s': %s", out.buf,
			  strerror(errno));
	} else {
		c->top = real;
	}
	strbuf_release(&out);
	return c->top ? 0 : -1;
}

/*
 * dir relative to the top, resolved (its parent when dir itself does
 * not exist in the work tree: it may have been deleted there).
 */
static int find_prefix(struct committed *c, struct diag *d)
{
	char *parent = path_dirname(c->dir), *base, *real, *full = NULL;
	size_t tl = strlen(c->top);

	if ((real = realpath(c->dir, NULL))) {
		full = real;
	} else if ((real = realpath(parent, NULL))) {
		base = strrchr(c->dir, '/') ? strrchr(c->dir, '/') + 1 : c->dir;
		full = path_join(real, base);
		free(real);
	}
	free(parent);
	if (!full || strncmp(full, c->top, tl) || (full[tl] && full[tl] != '/')) {
		diag_fail(d, "--against git:%s: '%s' is not inside the repository at '%s'",
			  c->rev, c->display, c->top);
		free(full);
		return -1;
	}
	c->prefix = xstrdup(full[tl] ? full + tl + 1 : "");
	free(full);
	return 0;
}

/* 1 if git names something with argv (a remote, a ref). */
static int git_has(const char *const *argv)
{
	struct strbuf out = STRBUF_INIT;
	int r = git_line(argv, &out);

	strbuf_release(&out);
	return !r;
}

/* "origin/main": the length of "origin" when it is a remote, else 0. */
static size_t remote_len(const struct committed *c)
{
	const char *slash = strchr(c->rev, '/');
	char *key;
	int is;

	if (!slash || slash == c->rev || !slash[1])
		return 0;
	key = xstrfmt("remote.%.*s.url", (int)(slash - c->rev), c->rev);
	{
		const char *argv[] = { "git", "-C", c->top, "config", "--get", key, NULL };

		is = !strncmp(c->rev, "origin/", 7) || git_has(argv);
	}
	free(key);
	return is ? (size_t)(slash - c->rev) : 0;
}

static int is_hex_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 7 && n <= 64 && !s[n];
}

/*
 * REV is not in the clone: how to get it, as a command that works.  A
 * fetch makes no local branch: a remote's branch is fetched into its
 * remote-tracking ref (origin/main), with the refspec spelt out since a
 * single-branch clone maps no other branch there; a commit id is fetched
 * as it is; a revision relative to another (HEAD~1) cannot be fetched: a
 * shallow clone is deepened.
 */
static void report_no_rev(const struct committed *c, int shallow, struct diag *d)
{
	const char *depth = shallow ? " --depth=1" : "";   /* only its tree is read */
	const char *what = shallow ? "no such revision in this shallow clone" : "no such revision";
	const char *rev = quote_show(c->rev);
	size_t rl = remote_len(c);

	if (rl)
		diag_fail(d, "--against git:%s: %s; hint: fetch it ('git fetch%s %s "
			  "+refs/heads/%s:refs/remotes/%s')", rev, what, depth,
			  quote_show_n(c->rev, rl), quote_show(c->rev + rl + 1), rev);
	else if (is_hex_id(c->rev))
		diag_fail(d, "--against git:%s: %s; hint: fetch it ('git fetch%s origin %s')",
			  rev, what, depth, rev);
	else if (strpbrk(c->rev, "~^@:"))
		diag_fail(d, "--against git:%s: %s%s", rev, what, shallow ?
			  "; hint: deepen it ('git fetch --deepen=50', or 'fetch-depth: 0' in "
			  "actions/checkout)" : "");
	else
		diag_fail(d, "--against git:%s: %s; hint: a branch of the remote is "
			  "git:origin/%s, after 'git fetch%s origin +refs/heads/%s:refs/remotes/"
			  "origin/%s'", rev, what, rev, depth, rev, rev);
}

/* REV names a commit: its full id into c->commit.  0 or -1 (reported, with a hint). */
static int resolve_rev(struct committed *c, struct diag *d)
{
	char *spec = xstrfmt("%s^{commit}", c->rev);
	const char *argv[] = { "git", "-C", c->top, "rev-parse", "--verify", "--quiet",
			       "--end-of-options", spec, NULL };
	const char *shallow[] = { "git", "-C", c->top, "rev-parse",
				  "--is-shallow-repository", NULL };
	struct strbuf out = STRBUF_INIT;
	int r = git_line(argv, &out);

	free(spec);
	if (!r && out.len) {
		c->commit = strbuf_detach(&out, NULL);
		return 0;
	}
	strbuf_reset(&out);
	report_no_rev(c, !git_line(shallow, &out) && !strcmp(out.buf, "true"), d);
	strbuf_release(&out);
	return -1;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct tree_entry *)a)->path, ((const struct tree_entry *)b)->path);
}

/* One "<mode> SP <type> SP <oid> TAB <path>" record of ls-tree -z. */
static int add_entry(struct committed *c, const char *rec, size_t plen)
{
	const char *tab = strchr(rec, '\t'), *sp1 = strchr(rec, ' '), *oid, *path;
	struct tree_entry *e;
	size_t olen;

	if (!tab || !sp1 || sp1 > tab || !(oid = strchr(sp1 + 1, ' ')) || oid > tab)
		return -1;
	oid++;
	olen = (size_t)(tab - oid);
	path = tab + 1;
	if (olen >= sizeof(e->oid) || strncmp(path, c->prefix, plen) ||
	    (plen && path[plen] != '/'))
		return -1;
	ALLOC_GROW(c->ents, c->n, c->alloc);
	e = &c->ents[c->n++];
	e->path = xstrdup(path + plen + (plen ? 1 : 0));
	memcpy(e->oid, oid, olen);
	e->oid[olen] = '\0';
	entry_kind(e, rec);
	return 0;
}

static int list_tree(struct committed *c, struct diag *d)
{
	const char *argv[] = { "git", "-C", c->top, "ls-tree", "-r", "-z", "--full-tree",
			       c->commit, "--", *c->prefix ? c->prefix : ".", NULL };
	struct strbuf out = STRBUF_INIT;
	size_t i = 0, plen = strlen(c->prefix);
	int r = run_git(argv, &out, COMMITTED_LIST_MAX);

	if (r) {
		diag_fail(d, r < 0 ? "--against git:%s: the tree of '%s' is too large to list"
			  : "--against git:%s: cannot list '%s' (git ls-tree failed)",
			  c->rev, c->prefix);
		strbuf_release(&out);
		return -1;
	}
	while (i < out.len) {
		size_t len = strnlen(out.buf + i, out.len - i);

		if (i + len >= out.len || add_entry(c, out.buf + i, plen)) {
			diag_fail(d, "--against git:%s: unexpected output from git ls-tree", c->rev);
			r = -1;
			break;
		}
		i += len + 1;
	}
	strbuf_release(&out);
	if (c->n > 1)
		qsort(c->ents, c->n, sizeof(*c->ents), cmp_entry);
	return r;
}

static int batch_start(struct committed *c);

struct committed *committed_git(const char *repo_dir, const char *dir, const char *rev,
				const char *display, struct diag *d)
{
	struct committed *c;

	if (!rev_is_safe(rev)) {
		diag_fail(d, "--against git:REV: '%s' is not a revision name (empty, starting "
			  "with '-', a control character, or longer than %d bytes)",
			  *rev == '-' || strlen(rev) > REV_MAX ? "..." : rev, REV_MAX);
		return NULL;
	}
	git_environment();
	c = committed_new(dir, display);
	c->rev = xstrdup(rev);
	c->describe = xstrfmt("git:%s", rev);
	if (find_top(c, repo_dir, d) || find_prefix(c, d) || resolve_rev(c, d) ||
	    list_tree(c, d)) {
		committed_free(c);
		return NULL;
	}
	/* now, while toolsync has one thread: the compile that reads starts workers */
	if (batch_start(c)) {
		diag_fail(d, "--against git:%s: cannot run git cat-file: %s", rev, strerror(errno));
		committed_free(c);
		return NULL;
	}
	return c;
}

struct committed *committed_open(const char *repo_dir, const char *out_dir,
				 const char *spec, struct diag *d)
{
	const char *rev = spec ? committed_git_rev(spec) : NULL;
	struct committed *c;

	if (rev)
		return committed_git(repo_dir, out_dir, rev, out_dir, d);
	c = committed_dir_snapshot(spec ? spec : out_dir);
	c->named = spec != NULL;
	return c;
}

/* A directory that is not there: what the user most likely meant. */
static void report_no_dir(const struct committed *c, struct diag *d)
{
	if (c->named)
		diag_fail(d, "--against '%s': no such directory (a git revision is "
			  "written --against git:%s)", quote_show(c->display), quote_show(c->display));
	else
		diag_fail(d, "cannot read '%s': no such directory: build it first "
			  "('toolsync build'), or give --against", quote_show(c->display));
}

/* ---- reading ---------------------------------------------------------- */

int committed_check(struct committed *c, struct diag *d)
{
	if (!c->rev) {
		if (path_is_dir(c->dir))
			return 0;
		if (access(c->dir, F_OK) && errno == ENOENT)
			report_no_dir(c, d);
		else
			diag_fail(d, "cannot read '%s': not a directory of manifests", c->display);
		return -1;
	}
	if (c->n)
		return 0;
	diag_fail(d, "--against git:%s: '%s' holds no files at that revision "
		  "(was it committed there?)", c->rev, *c->prefix ? c->prefix : ".");
	return -1;
}

static const struct tree_entry *find_entry(const struct committed *c, const char *rel)
{
	struct tree_entry key = { .path = (char *)rel };

	return c->n ? bsearch(&key, c->ents, c->n, sizeof(*c->ents), cmp_entry) : NULL;
}

/*
 * The names directly in sub/ of the tree (deeper paths are not listed);
 * sub itself a file, link or submodule there is ENOTDIR, said in err.
 */
static int list_git(struct committed *c, const char *sub, char ***names, size_t *n,
		    struct strbuf *err)
{
	const struct tree_entry *e = find_entry(c, sub);
	size_t sl = strlen(sub), i, alloc = 0;

	*names = NULL;
	*n = 0;
	if (e) {
		char *name = committed_name(c, sub);

		strbuf_addf(err, "cannot read directory '%s': not a directory (%s)", name, e->what);
		free(name);
		errno = ENOTDIR;
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		const char *p = c->ents[i].path;

		if (strncmp(p, sub, sl) || p[sl] != '/' || strchr(p + sl + 1, '/'))
			continue;
		ALLOC_GROW(*names, *n, alloc);
		(*names)[(*n)++] = xstrdup(p + sl + 1);
	}
	if (!*n)
		errno = ENOENT;
	return *n ? 0 : -1;
}

/* committed_list(), why it failed in err */
static int list_sub(struct committed *c, const char *sub, char ***names, size_t *n,
		    struct strbuf *err)
{
	char *shown;
	int r, e;

	if (c->rev)
		return list_git(c, sub, names, n, err);
	/* no link followed: a tools/ linked elsewhere fails with ELOOP */
	shown = committed_location(c, sub);
	r = fs_list_dir_under(c->dir, sub, shown, names, n, err);
	e = errno;
	free(shown);
	errno = e;
	return r;
}

int committed_list(struct committed *c, const char *sub, char ***names, size_t *n)
{
	struct strbuf err = STRBUF_INIT;
	int r = list_sub(c, sub, names, n, &err), e = errno;

	strbuf_release(&err);
	errno = e;
	return r;
}

int committed_list_or_none(struct committed *c, const char *sub, char ***names, size_t *n,
			   struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	int r = list_sub(c, sub, names, n, &err);

	if (r && errno == ENOENT)
		r = 0;
	else if (r)
		diag_fail(d, "%s", err.buf);
	strbuf_release(&err);
	return r;
}

static int batch_start(struct committed *c)
{
	const char *argv[] = { "git", "-C", c->top, "cat-file", "--batch", NULL };
	int in[2], out[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in))
		return -1;
	if (cloexec_pipe(out)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((c->batch_pid = fork()) < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return -1;
	}
	if (!c->batch_pid)
		exec_git(argv, in[1], out[1]);
	close(in[1]);
	close(out[1]);
	c->batch_in = in[0];
	c->batch_out = out[0];
	return 0;
}

/* Make c->rbuf hold at least want bytes; -1 on EOF or error. */
static int batch_fill(struct committed *c, size_t want)
{
	char chunk[65536];
	ssize_t r;

	while (c->rbuf.len < want) {
		r = read(c->batch_out, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		strbuf_add(&c->rbuf, chunk, (size_t)r);
	}
	return 0;
}

static void batch_consume(struct committed *c, size_t n)
{
	memmove(c->rbuf.buf, c->rbuf.buf + n, c->rbuf.len - n);
	strbuf_setlen(&c->rbuf, c->rbuf.len - n);
}

/* The header line "<oid> blob <size>\n"; its size, or -1. */
static long long batch_header(struct committed *c)
{
	char *nl, *sp;
	long long size = -1;

	for (;;) {
		if ((nl = memchr(c->rbuf.buf, '\n', c->rbuf.len)))
			break;
		if (c->rbuf.len > 512 || batch_fill(c, c->rbuf.len + 1))
			return -1;
	}
	*nl = '\0';
	if ((sp = strrchr(c->rbuf.buf, ' ')) && sp - c->rbuf.buf > 5 && !strncmp(sp - 5, " blob", 5)) {
		char *end;

		errno = 0;
		size = strtoll(sp + 1, &end, 10);
		if (errno || *end || size < 0)
			size = -1;
	}
	batch_consume(c, (size_t)(nl - c->rbuf.buf) + 1);
	return size;
}

/* Read past n bytes of cat-file's output, never holding more than a chunk. */
static int batch_skip(struct committed *c, size_t n)
{
	while (n) {
		size_t k;

		if (!c->rbuf.len && batch_fill(c, 1))
			return -1;
		k = c->rbuf.len < n ? c->rbuf.len : n;
		batch_consume(c, k);
		n -= k;
	}
	return 0;
}

/*
 * One object's bytes through cat-file --batch.  0; 1 when it is over
 * fs_cap(FS_OUTPUT) (read past, not kept: *size says how large); -1 when
 * the process failed (it is then unusable).
 */
static int batch_read(struct committed *c, const char *oid, struct strbuf *buf,
		      long long *size)
{
	char *req = xstrfmt("%s\n", oid);
	size_t len = strlen(req);
	ssize_t w;
	int ret = -1;

	*size = -1;
	if (c->batch_pid <= 0)
		goto out;
	w = send(c->batch_in, req, len, MSG_NOSIGNAL);
	if (w != (ssize_t)len || (*size = batch_header(c)) < 0)
		goto out;
	if ((unsigned long long)*size > fs_cap(FS_OUTPUT)) {
		ret = batch_skip(c, (size_t)*size + 1) ? -1 : 1;
		goto out;
	}
	if (batch_fill(c, (size_t)*size + 1))
		goto out;
	strbuf_add(buf, c->rbuf.buf, (size_t)*size);
	batch_consume(c, (size_t)*size + 1);
	ret = 0;
out:
	free(req);
	if (ret < 0)
		c->broken = 1;
	return ret;
}

/* batch_read() for one thread of several at a time. */
static int batch_read_locked(struct committed *c, const char *oid, struct strbuf *buf,
			     long long *size)
{
	int ret;

	pthread_mutex_lock(&c->batch_lock);
	ret = c->broken ? -1 : batch_read(c, oid, buf, size);
	pthread_mutex_unlock(&c->batch_lock);
	return ret;
}

static int read_git(struct committed *c, const char *rel, struct strbuf *buf, struct diag *d)
{
	const struct tree_entry *e = find_entry(c, rel);
	long long size;
	char *name;
	int r;

	if (!e)
		return 1;
	name = committed_name(c, rel);
	/* worded as fs_read_file() words a file of the directory */
	if (!e->regular)
		diag_fail(d, "cannot read committed file '%s': not a regular file (%s)", name,
			  e->what);
	else if ((r = batch_read_locked(c, e->oid, buf, &size)) < 0)
		diag_fail(d, "cannot read committed file '%s': git cat-file failed", name);
	else if (r)
		diag_fail(d, "cannot read committed file '%s': file too large (%lld bytes; "
			  "limit %zu)", name, size, fs_cap(FS_OUTPUT));
	else
		e = NULL;
	free(name);
	return e ? -1 : 0;
}

/*
 * A file under the directory, read as every input is (fs_read_file): no
 * link followed below the directory, a regular file, within the cap.
 */
static int read_dir(struct committed *c, const char *rel, struct strbuf *buf, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	char *name = committed_name(c, rel);
	int ret = 0;

	if (fs_read_file(buf, c->dir, rel, name, FS_OUTPUT, &err))
		ret = errno == ENOENT ? 1 : (diag_fail(d, "%s", err.buf), -1);
	strbuf_release(&err);
	free(name);
	return ret;
}

int committed_read(struct committed *c, const char *rel, struct strbuf *buf, struct diag *d)
{
	return c->rev ? read_git(c, rel, buf, d) : read_dir(c, rel, buf, d);
}

/* read_dir, but nothing reported: a link, a FIFO or a huge file is -1. */
static int read_dir_quiet(struct committed *c, const char *rel, struct strbuf *buf)
{
	struct strbuf err = STRBUF_INIT;
	int ret = c->dir_fd < 0 ? -1 : dirfds_read(&c->subs, rel, rel, FS_OUTPUT, buf, &err);

	strbuf_release(&err);
	return ret ? -1 : 0;
}

int committed_read_quiet(struct committed *c, const char *rel, struct strbuf *buf)
{
	const struct tree_entry *e;
	long long size;

	if (!c->rev)
		return read_dir_quiet(c, rel, buf);
	if (!(e = find_entry(c, rel)) || !e->regular)
		return -1;
	return batch_read_locked(c, e->oid, buf, &size) ? -1 : 0;
}

char *committed_location(const struct committed *c, const char *rel)
{
	return path_join(c->display, rel);
}

char *committed_name(const struct committed *c, const char *rel)
{
	if (!c->rev)
		return committed_location(c, rel);
	return *c->prefix ? xstrfmt("%s:%s/%s", c->rev, c->prefix, rel)
			  : xstrfmt("%s:%s", c->rev, rel);
}

const char *committed_describe(const struct committed *c)
{
	return c->describe;
}

void committed_free(struct committed *c)
{
	size_t i;

	if (!c)
		return;
	if (c->batch_pid > 0) {
		close(c->batch_in);   /* EOF on its stdin: cat-file exits */
		close(c->batch_out);
		wait_git(c->batch_pid);
	}
	for (i = 0; i < c->n; i++)
		free(c->ents[i].path);
	free(c->ents);
	strbuf_release(&c->rbuf);
	if (c->snap_fd >= 0)
		outdir_snapshot_release(c->snap_fd, NULL);
	dirfds_release(&c->subs);
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	pthread_mutex_destroy(&c->batch_lock);
	free(c->dir);
	free(c->display);
	free(c->describe);
	free(c->top);
	free(c->prefix);
	free(c->rev);
	free(c->commit);
	free(c);
}
