/* SPDX-License-Identifier: Apache-2.0 */
/*
 * committed.h: a source of committed files, read as bytes: the output
 * directory on disk, or the same directory as it was at a git revision.
 *
 * diff reads the manifests it compares through this interface, so that
 * `--against DIR` and `--against git:REV` share one walk.  Paths are
 * relative to the output directory ("tools/x.json", "roles/a.chat.json").
 *
 * The git source runs git with an argument vector (never a shell):
 *	git -C TOP rev-parse --verify --quiet --end-of-options REV^{commit}
 *	git -C TOP ls-tree -r -z --full-tree COMMIT -- OUT
 *	git -C TOP cat-file --batch               (one process, kept open)
 * OUT is the output directory relative to the repository's top.  Nothing
 * is checked out; the work tree and the index are not touched.
 */
#ifndef TOOLSYNC_COMMITTED_H
#define TOOLSYNC_COMMITTED_H

#include "toolsync/diag.h"
#include "toolsync/strbuf.h"

/* git ls-tree's listing of the output directory is refused above this. */
#define COMMITTED_LIST_MAX (256u << 20)

struct committed;

/*
 * The directory dir on disk; display is its name in messages and
 * locations (NULL: dir).  The strings are copied.  A missing directory is
 * reported by committed_check().
 */
struct committed *committed_dir(const char *dir, const char *display);
/*
 * The output directory dir read as one tree, old or new, even while a
 * build switches it (outdir_snapshot: a shared lock held until
 * committed_free).  committed_open uses it for directories.
 */
struct committed *committed_dir_snapshot(const char *dir);

/*
 * The directory dir (a path on disk, inside a git work tree; it need not
 * exist there) as committed at rev (a branch, tag, SHA, HEAD~1, ...), read
 * from the repository that holds repo_dir.  display names it in
 * locations (NULL: dir).  NULL when repo_dir is not in a repository, rev
 * is unknown (a shallow clone gets a hint) or dir was not in rev's tree:
 * reported to d.
 */
struct committed *committed_git(const char *repo_dir, const char *dir, const char *rev,
				const char *display, struct diag *d);

/*
 * "git:REV" -> REV (borrowed, inside spec); NULL when spec is a plain
 * directory.
 */
const char *committed_git_rev(const char *spec);

/*
 * What --against names: NULL for out_dir itself (the configured output
 * directory); "git:REV" for out_dir as committed at REV in the repository
 * holding repo_dir (the configuration's directory); anything else is a
 * directory.  NULL on an error (reported to d).
 */
struct committed *committed_open(const char *repo_dir, const char *out_dir,
				 const char *spec, struct diag *d);

/* The source exists as a directory of manifests: 0, or -1 (reported to d). */
int committed_check(struct committed *c, struct diag *d);

/*
 * The names in sub ("tools", "roles"), sorted bytewise; free with
 * fs_free_list().  0, or -1 with errno set (ENOENT when there is no sub).
 */
int committed_list(struct committed *c, const char *sub, char ***names, size_t *n);

/*
 * committed_list(), for a sub that may be absent: none when there is no
 * sub; -1 (reported to d) when it cannot be listed: not a directory (a
 * FIFO, a file; in a git tree a file, link or submodule), a symbolic
 * link (not followed, wherever it points), unreadable.
 */
int committed_list_or_none(struct committed *c, const char *sub, char ***names, size_t *n,
			   struct diag *d);

/*
 * The bytes of rel into buf (appended).  0; 1 when it does not exist
 * (nothing reported); -1 when it cannot be read, is not a regular file (a
 * link, a FIFO; in a git tree a symbolic link or a submodule) or is larger
 * than fs_cap(FS_OUTPUT) (reported to d), as fs_read_file() says.
 */
int committed_read(struct committed *c, const char *rel, struct strbuf *buf,
		   struct diag *d);

/*
 * committed_read() for the worker threads of a compile: safe to call from
 * several threads at once (and beside committed_read()); nothing is
 * reported.  0 read; -1 when rel is missing, not a regular file, too
 * large or unreadable (committed_read() then says which).
 */
int committed_read_quiet(struct committed *c, const char *rel, struct strbuf *buf);

/* How locations name rel: "DISPLAY/rel".  Caller frees. */
char *committed_location(const struct committed *c, const char *rel);
/*
 * How messages name rel: the location for a directory, "REV:OUT/rel" for
 * a revision (what `git show` takes).  Caller frees.
 */
char *committed_name(const struct committed *c, const char *rel);
/* The source as the user named it: "manifests", "git:HEAD~1" (borrowed). */
const char *committed_describe(const struct committed *c);

void committed_free(struct committed *c);

#endif
