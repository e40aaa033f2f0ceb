/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prev_index.h: the index.json of the output a build replaces, so that
 * unchanged files are skipped by digest instead of being read.
 *
 * The old index is trusted only when its signature verifies with the
 * build's own key, or when it is unsigned (no index.json.minisig); a
 * signed index the build cannot check (no key given) is not trusted.
 * Then, file by file, the output must still hold a regular file of the
 * listed size, older than index.json (which a build writes last): a file
 * edited after the build is read and compared as before.
 *
 * With --sign-each, the signature of an unchanged manifest is kept as it
 * is (neither read nor made again) when the old index was signed by the
 * same key with the same trusted comment: Ed25519 is deterministic, so
 * signing the same bytes again would give the same file.
 *
 * index.json itself is read once, by outdir_open() under the build's
 * lock, and hashed once (its signature's prehash): the new index is
 * compared with it by entries when the old one is in index_write()'s own
 * layout, else by that hash, and is signed with the same hash when it is
 * the same.
 */
#ifndef TOOLSYNC_PREV_INDEX_H
#define TOOLSYNC_PREV_INDEX_H

#include <sys/stat.h>
#include <time.h>

#include "toolsync/dirfds.h"
#include "toolsync/index.h"
#include "toolsync/sign.h"

struct prev_index {
	const struct index *parsed; /* index.json's entries (borrowed); NULL: none */
	int trusted;              /* prev_index_same() may vouch for files */
	int dir_fd;               /* the output directory; -1 */
	struct dirfds *subs;      /* its tools/ and roles/, for the stat of each file */
	struct timespec mtime;    /* index.json's */
	int sigs_kept;            /* signatures of unchanged manifests may be kept */
	int have_text;            /* index.json was read: its size and hash below */
	uint64_t text_size;
	unsigned char text_hash[SIGN_PREHASH_SIZE];
};

#define PREV_INDEX_INIT { NULL, 0, -1, NULL, { 0, 0 }, 0, 0, 0, { 0 } }

/*
 * Take the old output's index.json and decide whether to trust it (key:
 * the build's secret key, or NULL).  text and st: the file as
 * outdir_open() read it (text NULL: there was none), parsed: its entries
 * (borrowed until prev_index_release()).  Nothing is reported: an index
 * that is not trusted only means that files are compared by content.
 */
void prev_index_open(struct prev_index *p, const char *out, const struct sign_key *key,
		     const struct strbuf *text, const struct stat *st,
		     const struct index *parsed);
void prev_index_release(struct prev_index *p);

/* The trusted old index's entry of rel (no check of the file); NULL. */
const struct index_entry *prev_index_find(const struct prev_index *p, const char *rel);

/*
 * The entry of rel when out/rel is known to hold bytes of this size and
 * digest (blake2b NULL: any, for a signature kept as it is), without
 * reading it; NULL otherwise.
 */
const struct index_entry *prev_index_same(const struct prev_index *p, const char *rel,
					  uint64_t size, const unsigned char *blake2b);

/*
 * 1 when index_write(ix) would give exactly the bytes of the old
 * index.json, decided without writing them (the old one was in
 * index_write()'s own layout, and lists the same entries); its prehash
 * is then hash.  0: write the new index and ask prev_index_same_text().
 */
int prev_index_same_entries(const struct prev_index *p, const struct index *ix,
			    unsigned char hash[SIGN_PREHASH_SIZE]);

/*
 * 1 when the new index.json, len bytes whose prehash is hash, is the old
 * one (the build holds the lock, so it has not changed since it was read).
 */
int prev_index_same_text(const struct prev_index *p, size_t len,
			 const unsigned char hash[SIGN_PREHASH_SIZE]);

#endif
