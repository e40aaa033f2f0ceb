/* SPDX-License-Identifier: Apache-2.0 */
/* fsutil.c: paths, atomic writes, directory listings. */
#define _GNU_SOURCE   /* syncfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/fault.h"
#include "toolsync/fsutil.h"

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

int fs_same_content(const char *path, const void *data, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int same;

	if (lstat(path, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != len)
		return 0;
	if (strbuf_read_file(&sb, path))
		return 0;
	same = sb.len == len && !memcmp(sb.buf, data, len);
	strbuf_release(&sb);
	return same;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fs_list_dir(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t alloc = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -1;
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ALLOC_GROW(*names, *n, alloc);
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	if (errno) {
		int e = errno;

		closedir(d);
		fs_free_list(*names, *n);
		*names = NULL;
		*n = 0;
		errno = e;
		return -1;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
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
	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return remove_one(path, 0, err);
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
