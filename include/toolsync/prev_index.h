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
 */
#ifndef TOOLSYNC_PREV_INDEX_H
#define TOOLSYNC_PREV_INDEX_H

#include <time.h>

#include "toolsync/index.h"
#include "toolsync/sign.h"

struct prev_index {
	struct index ix;          /* empty when the index is not trusted */
	int dir_fd;               /* the output directory; -1 */
	struct timespec mtime;    /* index.json's */
	int sigs_kept;            /* signatures of unchanged manifests may be kept */
	int have_text;            /* index.json was read: its size and digest below */
	uint64_t text_size;
	char text_blake2b[DIGEST_HEX_SIZE];
};

#define PREV_INDEX_INIT { INDEX_INIT, -1, { 0, 0 }, 0, 0, 0, "" }

/*
 * Read out/index.json and decide whether to trust it (key: the build's
 * secret key, or NULL).  Nothing is reported: an index that is missing,
 * malformed or not trusted only means that files are compared by content.
 * parsed: its entries when the caller has parsed it already (from the
 * same bytes, under the build's lock: outdir_take_index()), moved in;
 * NULL or empty: parsed here.
 */
void prev_index_open(struct prev_index *p, const char *out, const struct sign_key *key,
		     struct index *parsed);
void prev_index_release(struct prev_index *p);
/* Forget the entries (prev_index_same() finds nothing), keep the rest. */
void prev_index_drop_entries(struct prev_index *p);

/*
 * The entry of rel when out/rel is known to hold bytes of this size and
 * digest (blake2b NULL: any, for a signature kept as it is), without
 * reading it; NULL otherwise.
 */
const struct index_entry *prev_index_same(const struct prev_index *p, const char *rel,
					  uint64_t size, const char *blake2b);

/*
 * 1 when index.json, as read by prev_index_open(), holds exactly these
 * bytes (the build holds the lock, so it has not changed since): a
 * rebuild need not read a large index a second time to compare it.
 */
int prev_index_same_text(const struct prev_index *p, const void *data, size_t len);

#endif
