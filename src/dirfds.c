/* SPDX-License-Identifier: Apache-2.0 */
/* dirfds.c: subdirectories opened once (see dirfds.h). */
#include <fcntl.h>
#include <unistd.h>

#include "toolsync/dirfds.h"

void dirfds_init(struct dirfds *d, int root)
{
	memset(d, 0, sizeof(*d));
	d->root = root;
	pthread_mutex_init(&d->lock, NULL);
}

/* sub's fd (opened on the first use; -1 when it cannot be), under d->lock. */
static int sub_fd(struct dirfds *d, const char *sub, size_t len)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strncmp(d->v[i].name, sub, len) && !d->v[i].name[len])
			return d->v[i].fd;
	if (d->n == DIRFDS_MAX)
		return -1;
	memcpy(d->v[d->n].name, sub, len);
	d->v[d->n].name[len] = '\0';
	d->v[d->n].fd = openat(d->root, d->v[d->n].name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return d->v[d->n++].fd;
}

int dirfds_at(struct dirfds *d, const char *rel, const char **name)
{
	const char *slash = strchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0;
	int fd;

	*name = rel;
	if (!len || len >= sizeof(d->v[0].name) || strchr(slash + 1, '/') || !slash[1] ||
	    (len <= 2 && rel[0] == '.' && (len == 1 || rel[1] == '.')))
		return d->root;
	pthread_mutex_lock(&d->lock);
	fd = sub_fd(d, rel, len);
	pthread_mutex_unlock(&d->lock);
	if (fd < 0)
		return d->root;
	*name = slash + 1;
	return fd;
}

void dirfds_release(struct dirfds *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].fd >= 0)
			close(d->v[i].fd);
	pthread_mutex_destroy(&d->lock);
	memset(d, 0, sizeof(*d));
	d->root = -1;
}
