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

struct strlist;
/*
 * The directories fs_mkdirs(path) would make: path and its missing
 * parents, added to made (parents first, each once).  fs_unmake()
 * removes them again, children first (those left empty): a command that
 * writes nothing after a failure makes no directory either.
 */
void fs_missing_dirs(const char *path, struct strlist *made);
void fs_unmake(const struct strlist *made);

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

/*
 * Reading input.  Every file toolsync reads goes through fs_read_file(),
 * so that one rule holds for all of them (docs/formats.md, "Reading
 * files"):
 *
 *   - root/rel is reached from root without following a symbolic link:
 *     every component of rel is opened with O_NOFOLLOW relative to the
 *     directory before it, and rel may not be absolute or hold "..".  A
 *     link is refused even when it points back inside root (one rule, no
 *     resolving).  root itself is followed as given.  With root NULL, rel
 *     is a file the user named on the command line and is opened as given.
 *   - It must be a regular file: it is opened with O_NONBLOCK and checked
 *     with fstat(), so a FIFO never blocks and /dev/zero is refused.
 *   - It may not be larger than its kind's cap.
 *
 * Messages name the file (display, or root/rel) and never quote its bytes.
 */
enum fs_kind {
	FS_CONFIG,      /* toolsync.yaml */
	FS_TEMPLATE,    /* a template or a $ref'd _defs file */
	FS_REGISTRY,    /* the registry file */
	FS_ENV,         /* an --env-file */
	FS_ACCEPT,      /* the accept file */
	FS_OUTPUT,      /* a committed manifest, bundle or other listed file */
	FS_INDEX,       /* a committed index.json */
	FS_SIGNATURE,   /* a .minisig */
	FS_PUBKEY,      /* a public key */
	FS_SECKEY,      /* a secret key */
	FS_IMPORT,      /* a file of tools given to import */
	FS_JOURNAL,     /* the output's switch journal (docs/output.md) */
};

/* The size cap of a kind, in bytes. */
size_t fs_cap(enum fs_kind kind);

/*
 * Append the file to sb.  0, or -1 with errno set (ENOENT when it does not
 * exist) and "cannot read <kind> 'display': why" in err; sb then keeps
 * what it had.  display NULL: root/rel.
 */
int fs_read_file(struct strbuf *sb, const char *root, const char *rel, const char *display,
		 enum fs_kind kind, struct strbuf *err);

/*
 * The first half of fs_read_file(): an fd open for reading on the checked
 * file (regular, within the cap when opened), for a reader that must put
 * the bytes somewhere other than a strbuf (a secret key) or needs its
 * fstat().  The caller reads it with fs_read_fd() (or at most fs_cap(kind)
 * bytes itself) and closes it.  -1 with errno and err.
 */
int fs_open_file(const char *root, const char *rel, const char *display, enum fs_kind kind,
		 struct strbuf *err);

/*
 * fs_open_file() and fs_read_file() with the root given as an open
 * directory (the output directory a build holds open): rel is reached from
 * dir_fd without following a link.  display names the file in messages.
 */
int fs_open_file_at(int dir_fd, const char *rel, const char *display, enum fs_kind kind,
		    struct strbuf *err);
int fs_read_file_at(struct strbuf *sb, int dir_fd, const char *rel, const char *display,
		    enum fs_kind kind, struct strbuf *err);
/*
 * fs_read_file_at() for a name that fs_list_dir_typed_fd() listed as a
 * regular file in dir_fd: the look before opening (opening a device can
 * have effects of its own) is the listing's, so it is not made again.
 * Opened without following a link, then checked (type, size) by fstat()
 * as any file is.
 */
int fs_read_listed_at(struct strbuf *sb, int dir_fd, const char *name, const char *display,
		      enum fs_kind kind, struct strbuf *err);

/*
 * The second half: append what fd holds (at most fs_cap(kind) bytes) to
 * sb.  fd stays open.  0, or -1 with errno and err (naming display).
 */
int fs_read_fd(struct strbuf *sb, int fd, const char *display, enum fs_kind kind,
	       struct strbuf *err);

/*
 * fs_list_dir() for the directory root/rel, reached as fs_read_file()
 * reaches a file; display names it in messages (NULL: root/rel).  0, or
 * -1 with errno set and a message in err.
 */
int fs_list_dir_under(const char *root, const char *rel, const char *display, char ***names,
		      size_t *n, struct strbuf *err);

/*
 * The directory root/rel, reached as fs_read_file() reaches a file, open
 * for fs_read_file_at() (a loader reading many files from it walks the
 * path once).  The fd, or -1 with errno and "cannot read directory
 * 'display': why" in err.
 */
int fs_open_dir_under(const char *root, const char *rel, const char *display, struct strbuf *err);
/* The same below the open directory dir_fd (left open); display names rel. */
int fs_open_dir_at(int dir_fd, const char *rel, const char *display, struct strbuf *err);
/* fs_list_dir() for an open directory (which stays open); 0, or -1 with errno. */
int fs_list_dir_fd(int dir_fd, char ***names, size_t *n);
/*
 * The same, and for each name whether readdir() said it is a regular file
 * ((*regular)[i]; 0 also when the file system does not say): freed by
 * the caller.
 */
int fs_list_dir_typed_fd(int dir_fd, char ***names, unsigned char **regular, size_t *n);
/*
 * The names readdir() says are regular files in an open directory (which
 * stays open), added to regular: a reader of every file of tools/ opens
 * those with fs_read_listed_at().  0, or -1 with errno.
 */
struct hashset;
int fs_list_regular_fd(int dir_fd, struct hashset *regular);

/*
 * 1 if root/rel (reached as fs_read_file() reaches it) is a regular file
 * holding exactly these bytes, else 0.
 */
int fs_same_content(const char *root, const char *rel, const void *data, size_t len);

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
