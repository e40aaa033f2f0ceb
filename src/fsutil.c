/* SPDX-License-Identifier: Apache-2.0 */
/* fsutil.c: paths, atomic writes, directory listings, reading input safely. */
#define _GNU_SOURCE   /* syncfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/config.h"
#include "toolsync/fault.h"
#include "toolsync/fsutil.h"
#include "toolsync/hashset.h"

char *path_join(const char *a, const char *b)
{
	size_t la;

	if (b[0] == '/' || !a[0] || !strcmp(a, "."))
		return xstrdup(b);
	la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	return xstrfmt("%.*s/%s", (int)la, a, b);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int path_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_mkdirs(const char *path, int mode, struct strbuf *err)
{
	char *p = xstrdup(path), *s;
	int ret = 0;

	for (s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (!path_is_dir(p) && (fault_inject(FAULT_MKDIR) || mkdir(p, (mode_t)mode)) &&
		    errno != EEXIST) {
			strbuf_addf(err, "cannot create directory '%s': %s", p, strerror(errno));
			ret = -1;
			break;
		}
		if (!path_is_dir(p)) {
			strbuf_addf(err, "cannot create directory '%s': a file is in the way", p);
			ret = -1;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

static void add_missing(struct strlist *made, char *path)
{
	char *parent;

	if (path_exists(path) || strlist_find(made, path) >= 0) {
		free(path);
		return;
	}
	parent = path_dirname(path);
	if (strcmp(parent, path))
		add_missing(made, parent);
	else
		free(parent);
	strlist_add(made, path);
	free(path);
}

void fs_missing_dirs(const char *path, struct strlist *made)
{
	add_missing(made, xstrdup(path));
}

void fs_unmake(const struct strlist *made)
{
	size_t i = made->n;

	while (i--)
		rmdir(made->v[i]);
}

static int write_all(int fd, const char *p, size_t len)
{
	if (fault_inject(FAULT_WRITE))
		return -1;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

char *fs_write_temp(const char *path, const void *data, size_t len, int mode,
		    struct strbuf *err)
{
	char *tmp = xstrfmt("%s.tmp-XXXXXX", path);
	int fd = fault_inject(FAULT_OPEN) ? -1 : mkstemp(tmp), e;

	if (fd < 0) {
		strbuf_addf(err, "cannot create a temporary file beside '%s': %s", path,
			    strerror(errno));
		free(tmp);
		return NULL;
	}
	if (fchmod(fd, (mode_t)mode) || write_all(fd, data, len) || fault_inject(FAULT_FSYNC) ||
	    fsync(fd)) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd)) {
		e = errno;
		goto fail;
	}
	return tmp;
fail:
	strbuf_addf(err, "cannot write '%s': %s", path, strerror(e));
	unlink(tmp);
	free(tmp);
	return NULL;
}

int fs_write_atomic(const char *path, const void *data, size_t len, int mode,
		    struct strbuf *err)
{
	char *tmp = fs_write_temp(path, data, len, mode, err);

	if (!tmp)
		return -1;
	if (fault_inject(FAULT_RENAME) || rename(tmp, path)) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int fs_write_new_at(int dfd, const char *dir_shown, const char *name, const void *data,
		    size_t len, int mode, struct strbuf *err)
{
	int fd = fault_inject(FAULT_OPEN) ? -1 :
		 openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			(mode_t)mode);
	const char *what = "cannot create";

	if (fd >= 0) {
		int e = write_all(fd, data, len) ? errno : 0;

		if (close(fd) && !e)
			e = errno;
		if (!e)
			return 0;
		unlinkat(dfd, name, 0);
		errno = e;
		what = "cannot write";
	}
	strbuf_addf(err, "%s '%s%s%s': %s", what, dir_shown ? dir_shown : "",
		    dir_shown ? "/" : "", name, strerror(errno));
	return -1;
}

int fs_write_new(const char *path, const void *data, size_t len, int mode,
		 struct strbuf *err)
{
	return fs_write_new_at(AT_FDCWD, NULL, path, data, len, mode, err);
}

int fs_sync(const char *path, struct strbuf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0 || fault_inject(FAULT_FSYNC) || syncfs(fd)) {
		strbuf_addf(err, "cannot flush '%s' to disk: %s", path, strerror(errno));
		ret = -1;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

struct listed {
	char *name;
	unsigned char regular;   /* readdir() said DT_REG */
};

static int cmp_listed(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->name, ((const struct listed *)b)->name);
}

/* What readdir() says is a regular file (not DT_UNKNOWN: some file systems do not say). */
static int listed_regular(const struct dirent *de)
{
	return de->d_type == DT_REG;
}

/*
 * The sorted names of an open directory stream, which is closed; with
 * regular (may be NULL), whether readdir() said each is a regular file.
 */
static int list_stream(DIR *d, char ***names, unsigned char **regular, size_t *n)
{
	struct listed *v = NULL;
	struct dirent *de;
	size_t alloc = 0, i;
	int e;

	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ALLOC_GROW(v, *n, alloc);
		v[*n].name = xstrdup(de->d_name);
		v[(*n)++].regular = listed_regular(de);
	}
	e = errno;
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_listed);
	*names = xcalloc(*n + 1, sizeof(**names));
	if (regular)
		*regular = xcalloc(*n + 1, 1);
	for (i = 0; i < *n; i++) {
		(*names)[i] = v[i].name;
		if (regular)
			(*regular)[i] = v[i].regular;
	}
	free(v);
	if (e) {
		fs_free_list(*names, *n);
		*names = NULL;
		if (regular) {
			free(*regular);
			*regular = NULL;
		}
		*n = 0;
		errno = e;
		return -1;
	}
	return 0;
}

int fs_list_dir(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);

	*names = NULL;
	*n = 0;
	return d ? list_stream(d, names, NULL, n) : -1;
}

void fs_free_list(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int remove_one(const char *path, int dir, struct strbuf *err)
{
	if (!fault_inject(FAULT_UNLINK) && !(dir ? rmdir(path) : unlink(path)))
		return 0;
	strbuf_addf(err, "cannot remove '%s': %s", path, strerror(errno));
	return -1;
}

int fs_remove_tree(const char *path, struct strbuf *err)
{
	struct stat st;
	char **names;
	size_t n, i;
	int ret = 0;

	if (!path[0] || !strcmp(path, "/"))
		BUG("refusing to remove '%s'", path);
	/* a tree is mostly files: unlink first, stat only what that refuses */
	if ((!fault_inject(FAULT_UNLINK) && !unlink(path)) || errno == ENOENT)
		return 0;
	if (errno != EISDIR || lstat(path, &st) || !S_ISDIR(st.st_mode)) {
		if (errno == ENOENT)
			return 0;
		strbuf_addf(err, "cannot remove '%s': %s", path, strerror(errno));
		return -1;
	}
	/* a tree toolsync left may hold a directory made read-only: its own, so writable again */
	if ((st.st_mode & 0700) != 0700)
		chmod(path, (st.st_mode & 07777) | 0700);
	if (fs_list_dir(path, &names, &n)) {
		strbuf_addf(err, "cannot read directory '%s': %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n && !ret; i++) {
		char *sub = path_join(path, names[i]);

		ret = fs_remove_tree(sub, err);
		free(sub);
	}
	fs_free_list(names, n);
	return ret ? ret : remove_one(path, 1, err);
}

/* A device, a FIFO or a terminal: written into, as a shell's '>' would. */
static int write_into(const char *path, const void *data, size_t len, struct strbuf *err)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC), ret = 0;

	if (fd < 0 || write_all(fd, data, len))
		ret = -1;
	if (ret)
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
	if (fd >= 0 && close(fd) && !ret) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		ret = -1;
	}
	return ret;
}

int fs_write_output(const char *path, const void *data, size_t len, struct strbuf *err)
{
	struct stat st;
	char *real;
	int ret;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			strbuf_addf(err, "cannot write '%s': it is a directory", path);
			return -1;
		}
		return write_into(path, data, len, err);
	}
	/* a symlink to a regular file: replace the file it names, keep the link */
	real = realpath(path, NULL);
	ret = fs_write_atomic(real ? real : path, data, len, 0644, err);
	free(real);
	return ret;
}

/* ---- reading input ------------------------------------------------------ */

/*
 * Caps: far above any real file of the kind (a 100,000-tool catalogue has
 * an index of about 40 MB), low enough that a runaway or hostile file is
 * refused before it is read into memory.
 */
static const struct {
	const char *noun;
	size_t cap;
} kinds[] = {
	[FS_CONFIG] = { "configuration", (size_t)16 << 20 },
	[FS_TEMPLATE] = { "template", (size_t)4 << 20 },
	[FS_REGISTRY] = { "registry", (size_t)256 << 20 },
	[FS_ENV] = { "env file", (size_t)1 << 20 },
	[FS_ACCEPT] = { "accept file", (size_t)16 << 20 },
	[FS_OUTPUT] = { "committed file", (size_t)64 << 20 },
	[FS_INDEX] = { "index", (size_t)256 << 20 },
	[FS_SIGNATURE] = { "signature", (size_t)64 << 10 },
	[FS_PUBKEY] = { "public key", (size_t)64 << 10 },
	[FS_SECKEY] = { "secret key", (size_t)64 << 10 },
	[FS_IMPORT] = { "tools file", (size_t)64 << 20 },
	[FS_JOURNAL] = { "journal", (size_t)64 << 10 },
};

size_t fs_cap(enum fs_kind kind)
{
	return kinds[kind].cap;
}

static const char *type_name(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return S_ISLNK(m) ? "a symbolic link" : "of an unknown type";
}

/* -1 with errno e and "not a regular file (a FIFO)" (or "... directory"). */
static int wrong_type(mode_t m, int want_dir, struct strbuf *why)
{
	strbuf_addf(why, "not a %s (%s)", want_dir ? "directory" : "regular file", type_name(m));
	errno = want_dir ? ENOTDIR : S_ISDIR(m) ? EISDIR : EINVAL;
	return -1;
}

static int type_ok(mode_t m, int want_dir)
{
	return want_dir ? S_ISDIR(m) : S_ISREG(m);
}

/*
 * Check an opened fd's type; fd, or -1 (closed) with why.  *st is what
 * fstat() said: the size check and the read use it (one fstat per file).
 */
static int checked_fd(int fd, int want_dir, struct stat *st, struct strbuf *why)
{
	int e;

	if (fd < 0) {
		e = errno;
		strbuf_addstr(why, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, st)) {
		e = errno;
		close(fd);
		strbuf_addstr(why, strerror(e));
		errno = e;
		return -1;
	}
	if (!type_ok(st->st_mode, want_dir)) {
		close(fd);
		return wrong_type(st->st_mode, want_dir, why);
	}
	return fd;
}

static const int open_flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;

/* A file the user named: followed as given, but still of the right type. */
static int open_named(const char *path, int want_dir, struct stat *st, struct strbuf *why)
{
	/* look before opening: opening a device can have effects of its own */
	if (!stat(path, st) && !type_ok(st->st_mode, want_dir))
		return wrong_type(st->st_mode, want_dir, why);
	return checked_fd(open(path, open_flags | (want_dir ? O_DIRECTORY : 0)), want_dir, st, why);
}

/* The components of rel, NUL-separated in a copy; "" and "." dropped. */
static size_t split_path(char *copy, char **comp, size_t max)
{
	size_t n = 0;
	char *p = copy, *c;

	while (*p) {
		c = p;
		p += strcspn(p, "/");
		if (*p)
			*p++ = '\0';
		if (*c && strcmp(c, ".") && n < max)
			comp[n++] = c;
	}
	return n;
}

/*
 * Why opening comp (a component of rel, split in copy; under dir) failed.
 * A link is named as shown/rel up to it, as messages name files.
 */
static int open_failed(int dir, const char *shown, const char *rel, const char *copy,
		       const char *comp, struct strbuf *why)
{
	int e = errno;
	struct stat st;

	if (!fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) &&
	    (S_ISLNK(st.st_mode) || (e == ENOTDIR && !S_ISDIR(st.st_mode)))) {
		char *upto = xstrndup(rel, (size_t)(comp - copy) + strlen(comp));
		char *link = path_join(shown, upto);

		if (S_ISLNK(st.st_mode))
			strbuf_addf(why, "'%s' is a symbolic link (links are not followed here)", link);
		else   /* a FIFO or a file where a directory of the path should be */
			strbuf_addf(why, "'%s' is not a directory (%s)", link, type_name(st.st_mode));
		free(link);
		free(upto);
		errno = S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
		return -1;
	}
	strbuf_addstr(why, strerror(e));
	errno = e;
	return -1;
}

#define PATH_DEPTH_MAX 64

/* 0 when rel may be opened below a root (shown in messages); -1 with why. */
static int rel_ok(const char *rel, char **comp, size_t n, const char *shown, struct strbuf *why)
{
	size_t i;

	if (rel[0] == '/') {
		strbuf_addf(why, "the path must be relative to '%s'", shown[0] ? shown : ".");
		errno = EINVAL;
		return -1;
	}
	if (n == PATH_DEPTH_MAX) {
		strbuf_addf(why, "the path has more than %d parts", PATH_DEPTH_MAX - 1);
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(comp[i], "..")) {
			strbuf_addf(why, "the path leaves '%s' ('..')", shown[0] ? shown : ".");
			errno = EINVAL;
			return -1;
		}
	return 0;
}

/*
 * rel opened below the directory root_fd (left open), one component at a
 * time with O_NOFOLLOW, each relative to the directory before it, so that
 * no link below the root is followed; a link inside the root is refused
 * too (one rule, no resolving).  shown names the root in messages.
 */
static int open_beneath_fd(int root_fd, const char *shown, const char *rel, int want_dir,
			   int looked, struct stat *st, struct strbuf *why)
{
	char *copy = xstrdup(rel), *comp[PATH_DEPTH_MAX];
	size_t n = split_path(copy, comp, PATH_DEPTH_MAX), i;
	int dir = root_fd, fd = -1;

	if (rel_ok(rel, comp, n, shown, why))
		goto out;
	for (i = 0; i + 1 < n; i++) {
		fd = openat(dir, comp[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			open_failed(dir, shown, rel, copy, comp[i], why);
			goto out;
		}
		if (dir != root_fd)
			close(dir);
		dir = fd;
		fd = -1;
	}
	if (!n) {
		fd = checked_fd(openat(dir, ".", open_flags), want_dir, st, why);
		goto out;
	}
	/* look before opening (unless a listing did): opening a device can have effects */
	if (!looked && !fstatat(dir, comp[n - 1], st, AT_SYMLINK_NOFOLLOW) &&
	    !S_ISLNK(st->st_mode) && !type_ok(st->st_mode, want_dir)) {
		wrong_type(st->st_mode, want_dir, why);
		goto out;
	}
	fd = openat(dir, comp[n - 1], open_flags | O_NOFOLLOW | (want_dir ? O_DIRECTORY : 0));
	if (fd < 0)
		open_failed(dir, shown, rel, copy, comp[n - 1], why);
	else
		fd = checked_fd(fd, want_dir, st, why);
out:
	if (dir != root_fd) {
		int e = errno;

		close(dir);
		errno = e;
	}
	free(copy);
	return fd;
}

/* open_beneath_fd() below the directory root (followed as given). */
static int open_beneath(const char *root, const char *shown, const char *rel, int want_dir,
			struct stat *st, struct strbuf *why)
{
	int dir = open(root[0] ? root : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd, e;

	if (dir < 0) {
		e = errno;
		strbuf_addf(why, "'%s': %s", shown, strerror(e));
		errno = e;
		return -1;
	}
	fd = open_beneath_fd(dir, shown, rel, want_dir, 0, st, why);
	e = errno;
	close(dir);
	errno = e;
	return fd;
}

/*
 * How messages name the root: the part of display before rel when display
 * ends in "/rel" (a snapshot root then reads as the directory the user
 * named), else root itself.
 */
static char *shown_root(const char *root, const char *rel, const char *display)
{
	size_t dl = display ? strlen(display) : 0, rl = strlen(rel);

	if (display && dl == rl && !strcmp(display, rel))
		return xstrdup("");
	if (display && dl > rl && display[dl - rl - 1] == '/' && !strcmp(display + dl - rl, rel))
		return xstrndup(display, dl - rl - 1);
	return xstrdup(root);
}

static int open_input(const char *root, const char *rel, const char *display, int want_dir,
		      struct stat *st, struct strbuf *why)
{
	char *shown;
	int fd, e;

	if (!root)
		return open_named(rel, want_dir, st, why);
	shown = shown_root(root, rel, display);
	fd = open_beneath(root, shown, rel, want_dir, st, why);
	e = errno;
	free(shown);
	errno = e;
	return fd;
}

/* -1 when the file (as fstat() saw it: st) is over cap (why says so), else 0. */
static int check_size(const struct stat *st, size_t cap, struct strbuf *why)
{
	if ((uint64_t)st->st_size > cap) {
		strbuf_addf(why, "file too large (%llu bytes; limit %zu)",
			    (unsigned long long)st->st_size, cap);
		errno = EFBIG;
		return -1;
	}
	return 0;
}

/*
 * Read fd to its end into sb, never more than cap bytes; 0, or -1 with
 * why.  st: what fstat() said when fd was opened, or NULL (asked here).
 */
static int read_capped(int fd, struct strbuf *sb, size_t cap, const struct stat *st,
		       struct strbuf *why)
{
	size_t old = sb->len, size = 0;
	struct stat own;

	if (!st && !fstat(fd, &own))
		st = &own;
	/* a file's size, read in one go: no 8 KiB steps, no doubling copies */
	if (st && S_ISREG(st->st_mode) && st->st_size > 0 && (uint64_t)st->st_size <= cap) {
		size = (size_t)st->st_size;
		if (!sb->alloc)   /* exactly: the text may be kept (for messages) */
			strbuf_attach(sb, xmalloc(size + 2), 0, size + 2);
		else
			strbuf_grow(sb, size + 1);
	}
	for (;;) {
		size_t got = sb->len - old, room;
		ssize_t n;

		if (got > cap) {   /* it grew after it was opened */
			strbuf_addf(why, "file too large (over %zu bytes; limit %zu)", cap, cap);
			strbuf_setlen(sb, old);
			errno = EFBIG;
			return -1;
		}
		if (sb->alloc - sb->len <= 1)
			strbuf_grow(sb, 8192);
		room = sb->alloc - sb->len - 1;
		if (room > cap + 1 - got)
			room = cap + 1 - got;
		n = read(fd, sb->buf + sb->len, room);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			strbuf_addstr(why, strerror(e));
			strbuf_setlen(sb, old);
			errno = e;
			return -1;
		}
		strbuf_setlen(sb, sb->len + (size_t)n);
		/*
		 * A regular file's read stops short only at its end: one that
		 * gave the size fstat() said, and less than asked, is read
		 * (no second read() to see 0).  One that grew reads on.
		 */
		if (size && (size_t)n < room && sb->len - old == size)
			return 0;
	}
}

/* "cannot read <kind> 'display': why" (display NULL: root/rel), errno kept. */
static void read_error(struct strbuf *err, enum fs_kind kind, const char *root, const char *rel,
		       const char *display, const struct strbuf *why)
{
	int e = errno;
	char *shown = display ? xstrdup(display) : root ? path_join(root, rel) : xstrdup(rel);

	strbuf_addf(err, "cannot read %s '%s': %s", kinds[kind].noun, shown, why->buf);
	free(shown);
	errno = e;
}

/* fd (checked above, fstat() in st) within kind's cap; fd, or -1 (closed) with why. */
static int capped_fd(int fd, enum fs_kind kind, const struct stat *st, struct strbuf *why)
{
	int e;

	if (fd >= 0 && check_size(st, kinds[kind].cap, why)) {
		e = errno;
		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

/* fs_open_file(), with what fstat() said of the file in *st. */
static int open_file(const char *root, const char *rel, const char *display,
		     enum fs_kind kind, struct stat *st, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	int fd = capped_fd(open_input(root, rel, display, 0, st, &why), kind, st, &why);

	if (fd < 0)
		read_error(err, kind, root, rel, display, &why);
	strbuf_release(&why);
	return fd;
}

int fs_open_file(const char *root, const char *rel, const char *display, enum fs_kind kind,
		 struct strbuf *err)
{
	struct stat st;

	return open_file(root, rel, display, kind, &st, err);
}

/*
 * fs_open_file_at(), with what fstat() said of the file in *st; looked:
 * a listing said rel is a regular file a moment ago.
 */
static int open_file_at(int dir_fd, const char *rel, const char *display, enum fs_kind kind,
			int looked, struct stat *st, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char *shown = shown_root(".", rel, display);
	int fd = capped_fd(open_beneath_fd(dir_fd, shown, rel, 0, looked, st, &why), kind, st,
			   &why);

	if (fd < 0)
		read_error(err, kind, NULL, rel, display, &why);
	strbuf_release(&why);
	free(shown);
	return fd;
}

int fs_open_file_at(int dir_fd, const char *rel, const char *display, enum fs_kind kind,
		    struct strbuf *err)
{
	struct stat st;

	return open_file_at(dir_fd, rel, display, kind, 0, &st, err);
}

/* fs_read_fd(); st: what fstat() said when fd was opened, or NULL. */
static int read_fd(struct strbuf *sb, int fd, const char *display, enum fs_kind kind,
		   const struct stat *st, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	int ret = read_capped(fd, sb, kinds[kind].cap, st, &why);

	if (ret)
		read_error(err, kind, NULL, display, display, &why);
	strbuf_release(&why);
	return ret;
}

int fs_read_fd(struct strbuf *sb, int fd, const char *display, enum fs_kind kind,
	       struct strbuf *err)
{
	return read_fd(sb, fd, display, kind, NULL, err);
}

/* Read the opened fd (fstat() in st; or pass on its failure) and close it. */
static int read_and_close(struct strbuf *sb, int fd, const struct stat *st, const char *root,
			  const char *rel, const char *display, enum fs_kind kind,
			  struct strbuf *err)
{
	char *shown;
	int ret, e;

	if (fd < 0)
		return -1;
	shown = display ? NULL : root ? path_join(root, rel) : xstrdup(rel);
	ret = read_fd(sb, fd, display ? display : shown, kind, st, err);
	e = errno;
	close(fd);
	free(shown);
	errno = e;
	return ret;
}

int fs_read_file(struct strbuf *sb, const char *root, const char *rel, const char *display,
		 enum fs_kind kind, struct strbuf *err)
{
	struct stat st;
	int fd = open_file(root, rel, display, kind, &st, err);

	return read_and_close(sb, fd, &st, root, rel, display, kind, err);
}

int fs_read_file_at(struct strbuf *sb, int dir_fd, const char *rel, const char *display,
		    enum fs_kind kind, struct strbuf *err)
{
	struct stat st;
	int fd = open_file_at(dir_fd, rel, display, kind, 0, &st, err);

	return read_and_close(sb, fd, &st, NULL, rel, display, kind, err);
}

int fs_read_listed_at(struct strbuf *sb, int dir_fd, const char *name, const char *display,
		      enum fs_kind kind, struct strbuf *err)
{
	struct stat st;
	int fd = open_file_at(dir_fd, name, display, kind, 1, &st, err);

	return read_and_close(sb, fd, &st, NULL, name, display, kind, err);
}

int fs_open_dir_under(const char *root, const char *rel, const char *display, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char *shown = display ? xstrdup(display) : path_join(root, rel);
	char *top = shown_root(root, rel, shown);
	struct stat st;
	int fd = open_beneath(root, top, rel, 1, &st, &why), e = errno;

	if (fd < 0)
		strbuf_addf(err, "cannot read directory '%s': %s", shown, why.buf);
	free(shown);
	free(top);
	strbuf_release(&why);
	errno = e;
	return fd;
}

int fs_open_dir_at(int dir_fd, const char *rel, const char *display, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char *top = shown_root(".", rel, display);
	struct stat st;
	int fd = open_beneath_fd(dir_fd, top, rel, 1, 0, &st, &why), e = errno;

	if (fd < 0)
		strbuf_addf(err, "cannot read directory '%s': %s", display, why.buf);
	free(top);
	strbuf_release(&why);
	errno = e;
	return fd;
}

int fs_list_dir_fd(int dir_fd, char ***names, size_t *n)
{
	return fs_list_dir_typed_fd(dir_fd, names, NULL, n);
}

/* A stream of an open directory (which stays open), from its start; NULL with errno. */
static DIR *stream_of(int dir_fd)
{
	int fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0), e;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (d) {
		rewinddir(d);
		return d;
	}
	e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	return NULL;
}

int fs_list_dir_typed_fd(int dir_fd, char ***names, unsigned char **regular, size_t *n)
{
	DIR *d = stream_of(dir_fd);

	*names = NULL;
	*n = 0;
	return d ? list_stream(d, names, regular, n) : -1;
}

int fs_list_regular_fd(int dir_fd, struct hashset *regular)
{
	DIR *d = stream_of(dir_fd);
	struct dirent *de;
	int e;

	if (!d)
		return -1;
	while ((errno = 0, de = readdir(d)))
		if (listed_regular(de))
			hashset_add(regular, de->d_name, strlen(de->d_name), NULL);
	e = errno;
	closedir(d);
	errno = e;
	return e ? -1 : 0;
}

int fs_list_dir_under(const char *root, const char *rel, const char *display, char ***names,
		      size_t *n, struct strbuf *err)
{
	int fd = fs_open_dir_under(root, rel, display, err), ret, e;
	char *shown;

	*names = NULL;
	*n = 0;
	if (fd < 0)
		return -1;
	ret = fs_list_dir_fd(fd, names, n);
	e = errno;
	close(fd);
	if (ret) {
		shown = display ? xstrdup(display) : path_join(root, rel);
		strbuf_addf(err, "cannot read directory '%s': %s", shown, strerror(e));
		free(shown);
	}
	errno = e;
	return ret;
}

int fs_same_content(const char *root, const char *rel, const void *data, size_t len)
{
	struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
	struct stat st;
	int fd = open_beneath(root, root, rel, 0, &st, &why), same = 0;

	if (fd >= 0) {
		same = !check_size(&st, len, &why) && !read_capped(fd, &sb, len, &st, &why) &&
		       sb.len == len && !memcmp(sb.buf, data, len);
		close(fd);
	}
	strbuf_release(&sb);
	strbuf_release(&why);
	return same;
}
