/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fsutil.h: files and directories.
 *
 * Writes never leave a half-written file behind: data goes to a temporary
 * name in the same directory and is renamed over the target.
 */
#ifndef TOOLSYNC_FSUTIL_H
#define TOOLSYNC_FSUTIL_H

#include "toolsync/strbuf.h"

/* "a/b" from "a" and "b"; "b" when a is "" or "."; b when b is absolute.  Caller frees. */
char *path_join(const char *a, const char *b);
/* The directory part of path ("." when there is none).  Caller frees. */
char *path_dirname(const char *path);

/* 1 if path exists (any type), 0 if not. */
int path_exists(const char *path);
int path_is_dir(const char *path);

/* mkdir -p; 0 or -1 with a message in err. */
int fs_mkdirs(const char *path, int mode, struct strbuf *err);

/*
 * Write data to path atomically (temporary file in the same directory,
 * fsync, rename).  mode is the new file's permission bits.  0 or -1 with
 * a message in err; on failure the old file is untouched.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, int mode,
		    struct strbuf *err);

/*
 * The first half of fs_write_atomic: data in a new temporary file beside
 * path (mode, fsync'ed), whose name is returned (caller renames or unlinks
 * it, and frees the name).  NULL with a message in err.
 */
char *fs_write_temp(const char *path, const void *data, size_t len, int mode,
		    struct strbuf *err);

/*
 * Create path (which must not exist) holding data, with no fsync: for
 * files in a private staging directory, made durable together by
 * fs_sync() before they are renamed into place.  0 or -1 with err.
 */
int fs_write_new(const char *path, const void *data, size_t len, int mode,
		 struct strbuf *err);
/*
 * fs_write_new() of name in the directory open as dfd; messages name it
 * "dir_shown/name" (dir_shown NULL: name).
 */
int fs_write_new_at(int dfd, const char *dir_shown, const char *name, const void *data,
		    size_t len, int mode, struct strbuf *err);

/* Flush the file system holding path to disk (syncfs). 0 or -1 with err. */
int fs_sync(const char *path, struct strbuf *err);

/* 1 if path is a regular file holding exactly these bytes, else 0. */
int fs_same_content(const char *path, const void *data, size_t len);

/*
 * The names in dir (not "." or ".."), sorted bytewise.  *names is a
 * malloc'd array of malloc'd strings; free with fs_free_list().
 * 0, or -1 with errno set (ENOENT when dir does not exist).
 */
int fs_list_dir(const char *dir, char ***names, size_t *n);
void fs_free_list(char **names, size_t n);

/*
 * rm -rf, never following a symlink; a directory without u+rwx gets it
 * first.  0 or -1 with a message in err.  BUG() on "" and "/".
 */
int fs_remove_tree(const char *path, struct strbuf *err);

/*
 * A report file (--output): a regular file (or a symlink to one) is
 * replaced atomically; a device, FIFO or terminal (or a symlink to one)
 * is written into, never replaced.  0 or -1 with a message in err.
 */
int fs_write_output(const char *path, const void *data, size_t len, struct strbuf *err);

#endif
