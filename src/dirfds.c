/* SPDX-License-Identifier: Apache-2.0 */
/* dirfds.c: subdirectories opened once (see dirfds.h). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "toolsync/dirfds.h"
#include "toolsync/fsutil.h"
#include "toolsync/hashset.h"

void dirfds_init(struct dirfds *d, int root)
{
	memset(d, 0, sizeof(*d));
	d->root = root;
	pthread_mutex_init(&d->lock, NULL);
}

void dirfds_init_listed(struct dirfds *d, int root)
{
	dirfds_init(d, root);
	d->listed = 1;
}

/* The regular files of the subdirectory just opened at i (none if it cannot be listed). */
static void list_sub(struct dirfds *d, size_t i)
{
	struct hashset *set;

	if (!d->listed || d->v[i].fd < 0)
		return;
	set = xmalloc(sizeof(*set));
	hashset_init(set);
	if (fs_list_regular_fd(d->v[i].fd, set)) {
		hashset_release(set);
		free(set);
		return;
	}
	d->v[i].regular = set;
}

/*
 * sub's place in d->v, opened (and listed) on the first use; its fd is -1
 * when it cannot be opened (errno in open_errno; err says why when
 * display names sub); d->n when d->v is full.  Under d->lock.
 */
static size_t sub_at(struct dirfds *d, const char *sub, size_t len, const char *display,
		     struct strbuf *err)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strncmp(d->v[i].name, sub, len) && !d->v[i].name[len])
			return i;
	if (d->n == DIRFDS_MAX)
		return d->n;
	memcpy(d->v[d->n].name, sub, len);
	d->v[d->n].name[len] = '\0';
	d->v[d->n].fd = display ? fs_open_dir_at(d->root, d->v[d->n].name, display, err)
			: openat(d->root, d->v[d->n].name,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d->v[d->n].open_errno = d->v[d->n].fd < 0 ? errno : 0;
	d->v[d->n].regular = NULL;
	list_sub(d, d->n);
	return d->n++;
}

int dirfds_open(struct dirfds *d, const char *sub, const char *display, struct strbuf *err)
{
	size_t len = strlen(sub), i, before = err->len;
	int fd = -1, e = EMFILE;

	if (!len || len >= sizeof(d->v[0].name) || strchr(sub, '/'))
		BUG("dirfds_open: '%s' is not a short name", sub);
	pthread_mutex_lock(&d->lock);
	if ((i = sub_at(d, sub, len, display, err)) < d->n) {
		fd = d->v[i].fd;
		e = d->v[i].open_errno;
	}
	pthread_mutex_unlock(&d->lock);
	/* d->v full, or sub opened (and failed) before: not the opening's words */
	if (fd < 0 && err->len == before)
		strbuf_addf(err, "cannot read directory '%s': %s", display, strerror(e));
	errno = e;
	return fd;
}

int dirfds_at_listed(struct dirfds *d, const char *rel, const char **name, int *listed)
{
	const char *slash = strchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0, i;
	const struct hashset *regular = NULL;
	int fd = -1;

	*name = rel;
	*listed = 0;
	if (!len || len >= sizeof(d->v[0].name) || strchr(slash + 1, '/') || !slash[1] ||
	    (len <= 2 && rel[0] == '.' && (len == 1 || rel[1] == '.')))
		return d->root;
	pthread_mutex_lock(&d->lock);
	if ((i = sub_at(d, rel, len, NULL, NULL)) < d->n) {
		fd = d->v[i].fd;
		regular = d->v[i].regular;   /* set when opened, never changed after */
	}
	pthread_mutex_unlock(&d->lock);
	if (fd < 0)
		return d->root;
	*name = slash + 1;
	*listed = regular && hashset_find(regular, *name, strlen(*name));
	return fd;
}

int dirfds_read(struct dirfds *d, const char *rel, const char *display, enum fs_kind kind,
		struct strbuf *sb, struct strbuf *err)
{
	const char *name;
	int listed, fd = dirfds_at_listed(d, rel, &name, &listed);

	return (listed ? fs_read_listed_at : fs_read_file_at)(sb, fd, name, display, kind, err);
}

int dirfds_at(struct dirfds *d, const char *rel, const char **name)
{
	int listed;

	return dirfds_at_listed(d, rel, name, &listed);
}

void dirfds_release(struct dirfds *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].fd >= 0)
			close(d->v[i].fd);
		if (d->v[i].regular) {
			hashset_release(d->v[i].regular);
			free(d->v[i].regular);
		}
	}
	pthread_mutex_destroy(&d->lock);
	memset(d, 0, sizeof(*d));
	d->root = -1;
}
