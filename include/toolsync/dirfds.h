/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dirfds.h: the subdirectories of an open directory, each opened once.
 *
 * diff, verify and a rebuild read or stat every file of tools/ (100,000
 * of them): reached from the output directory, each is a walk through
 * tools/ again, an open and a close of it (a fifth of a reader thread's
 * time).  dirfds opens tools/ once, as fs_read_file_at() would reach it
 * (O_NOFOLLOW: a linked tools/ is not followed), and hands out its fd
 * and the name below it.  A subdirectory it cannot open is read the
 * long way, so every error is the one fs_read_file_at() gives.
 */
#ifndef TOOLSYNC_DIRFDS_H
#define TOOLSYNC_DIRFDS_H

#include <pthread.h>

#include "toolsync/common.h"
#include "toolsync/fsutil.h"

#define DIRFDS_MAX 4

struct hashset;

struct dirfds {
	int root;                 /* borrowed */
	struct {
		char name[16];
		int fd;
		int open_errno;           /* fd -1: why */
		struct hashset *regular;  /* dirfds_init_listed: its regular files, or NULL */
	} v[DIRFDS_MAX];
	size_t n;
	int listed;               /* list each subdirectory as it is opened */
	pthread_mutex_t lock;
};

void dirfds_init(struct dirfds *d, int root);
/*
 * The same, and each subdirectory listed when it is opened: a reader of
 * all its files (verify, diff) then opens the names listed as regular
 * files without looking first (fs_read_listed_at): one system call of
 * five a file.  Listing tools/ of 100,000 files takes a few ms.
 */
void dirfds_init_listed(struct dirfds *d, int root);
/*
 * The subdirectory sub (one short name) opened now, as fs_open_dir_at()
 * opens it, for a caller that reports why it cannot be: its fd (d's, not
 * to be closed), or -1 with errno and "cannot read directory 'display':
 * why" appended to err.  Every later use of sub below d takes this fd.
 */
int dirfds_open(struct dirfds *d, const char *sub, const char *display, struct strbuf *err);
/* dirfds_at(); *listed: 1 when the listing said name is a regular file. */
int dirfds_at_listed(struct dirfds *d, const char *rel, const char **name, int *listed);
/*
 * fs_read_file_at() of rel below d's root, reached through its
 * subdirectory's fd, and fs_read_listed_at() for a name the listing said
 * is a regular file: the one way verify and diff read every file.
 */
int dirfds_read(struct dirfds *d, const char *rel, const char *display, enum fs_kind kind,
		struct strbuf *sb, struct strbuf *err);
/*
 * Where to reach rel from: for "sub/name" (one level, sub short), sub's
 * fd and *name = "name"; otherwise (or when sub cannot be opened) root
 * and *name = rel.  Thread-safe.
 */
int dirfds_at(struct dirfds *d, const char *rel, const char **name);
void dirfds_release(struct dirfds *d);

#endif
