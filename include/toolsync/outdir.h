/* SPDX-License-Identifier: Apache-2.0 */
/*
 * outdir.h: the output directory, switched atomically (docs/output.md).
 *
 * A build stages the complete new tree in P/.toolsync-stage-XXXXXX beside
 * the output P/NAME (changed files written, unchanged ones hard-linked
 * from the old tree), then swaps the two directories in one step with
 * renameat2(RENAME_EXCHANGE) and removes the old tree.  Where the file
 * system refuses the exchange, P/.toolsync-switch (a journal naming both)
 * is written first and two renames follow; the next build completes it
 * before anything else.  Readers and crashes see the old tree or the new
 * one, never a mix.
 *
 * The lock: flock(LOCK_EX) on the resolved parent directory P, held from
 * outdir_open() to outdir_release().  It cannot live in the output, which
 * is what gets exchanged; P is never renamed, and every spelling of the
 * output (relative, absolute, trailing '/', through a symlink) resolves
 * to the same P.  Readers take flock(LOCK_SH) on the output directory
 * itself (outdir_snapshot()), and the build takes LOCK_EX on the old tree
 * before removing it, so a reader finishes on the tree it started on.
 *
 * Ownership: toolsync's files are index.json, index.json.minisig and
 * what the old index.json lists; a build removes nothing else.  An output
 * holding anything else (a non-empty directory never built, a user's file
 * in tools/, a symlinked tools/) is refused before anything is written.
 *
 * Typical use (cmd_build.c):
 *
 *	outdir_open(&o, "manifests", &d);
 *	for each file: outdir_keep_if_same(&o, rel, bytes) or outdir_write(&o, rel, bytes, &d);
 *	outdir_commit(&o, dirs, &d);
 *	outdir_release(&o);
 *
 * outdir_keep_if_same() and outdir_write() may be called from several
 * threads at once.
 */
#ifndef TOOLSYNC_OUTDIR_H
#define TOOLSYNC_OUTDIR_H

#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "toolsync/config.h"
#include "toolsync/diag.h"
#include "toolsync/index.h"

#define OUTDIR_STAGE_PREFIX ".toolsync-stage-"
#define OUTDIR_JOURNAL ".toolsync-switch"
/* Directories of the stage kept open for writing (the stage, tools/, roles/, ...). */
#define OUTDIR_STAGE_DIRS 8

struct outdir {
	char *shown;           /* the output as the user gave it, for messages */
	char *path;            /* resolved: the real parent + "/" + name */
	char *parent;          /* the real parent directory */
	char *name;            /* the last component */
	char *made;            /* the first directory made for parent; NULL */
	int parent_fd;         /* parent, flock'ed LOCK_EX; -1 */
	int dir_fd;            /* the old output; -1 when there is none */
	mode_t mode;           /* the mode the new output directory gets */
	/*
	 * Sorted: the old output's files toolsync owns (borrowed: the old
	 * index's paths, and the names of index.json and its signature).
	 * owned_at: per old index entry, its place in owned + 1 (0: not on
	 * disk); index_at: the places of index.json and its signature, -1.
	 */
	const char **owned;
	size_t nowned;
	uint32_t *owned_at;
	long index_at[2];
	struct index old_index; /* its index.json, parsed; see outdir_old_index() */
	struct strbuf old_text; /* and its bytes, until outdir_old_index() */
	struct stat old_st;
	char *kept;            /* per owned file: KEPT_LINKED, KEPT_REWRITTEN or 0 (removed) */
	struct strlist old_dirs; /* the old output's subdirectories */
	size_t debris;         /* own temporary files left in the old output */
	char *stage;           /* the staging directory; NULL until needed */
	/* the stage's directories, open for outdir_write()'s openat() */
	struct outdir_sdir { char *rel, *shown; int fd; } sdirs[OUTDIR_STAGE_DIRS];
	size_t nsdirs;
	int switched;          /* the new tree is in place */
	size_t written, unchanged, removed, recovered;
	pthread_mutex_t lock;
};

/*
 * Resolve path, take the lock, complete an interrupted switch and remove
 * what killed builds left beside it, then read the old output's index
 * and check that it holds only toolsync's files.  0, or -1 reported to d
 * (then call outdir_release() all the same).
 */
int outdir_open(struct outdir *o, const char *path, struct diag *d);

/*
 * The old output's index.json as outdir_open() read it under the lock,
 * for the build's skip by digest too (prev_index.h): its entries
 * (borrowed until outdir_release(); empty when there was none), and its
 * bytes and stat moved into *text and *st (text left empty: none).
 */
const struct index *outdir_old_index(struct outdir *o, struct strbuf *text, struct stat *st);

/*
 * 1 when the old output holds exactly these bytes as rel (a file toolsync
 * owns): the new tree will hard-link it.  0 otherwise.
 */
int outdir_keep_if_same(struct outdir *o, const char *rel, const void *data, size_t len);

/* The new tree keeps the old output's rel as it is: 1, or 0 when there is none. */
int outdir_keep(struct outdir *o, const char *rel);
/* 1 when the old output holds rel as a file toolsync owns. */
int outdir_owns(const struct outdir *o, const char *rel);

/* Write rel into the stage (made on the first call).  0, or -1 reported to d. */
int outdir_write(struct outdir *o, const char *rel, const void *data, size_t len,
		 struct diag *d);

/*
 * Switch: unless nothing changed (then nothing is written), complete the
 * stage (dirs: NULL-terminated subdirectories it has even when empty;
 * unchanged files hard-linked), make it durable, exchange it with the
 * output, remove the old tree.  -1 (reported to d) only while the old
 * output is still in place; a failure to remove the old tree afterwards
 * is a warning (the next build removes it).
 */
int outdir_commit(struct outdir *o, const char *const *dirs, struct diag *d);

/* Remove an uncommitted stage, unlock, free. */
void outdir_release(struct outdir *o);

/*
 * Readers (verify, diff, ci): open dir for reading as one consistent
 * tree.  *path becomes a name for it that does not move when a build
 * switches the output ("/proc/self/fd/N" for the open, LOCK_SH'ed
 * directory), or a copy of dir when it cannot be opened (the caller then
 * reports what is wrong with it).  Returns the fd to pass to
 * outdir_snapshot_release() (-1: none).
 */
int outdir_snapshot(const char *dir, char **path);
void outdir_snapshot_release(int fd, char *path);

#endif
