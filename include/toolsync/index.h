/* SPDX-License-Identifier: Apache-2.0 */
/*
 * index.h: manifests/index.json, the list of every output file with its
 * size and digests.  It is written last and signed: it is the commit point
 * of a build and what `verify` trusts.
 *
 *	{
 *	  "format": "toolsync.index/1",
 *	  "files": [
 *	    {"path": "roles/admin.chat.json", "size": 1234,
 *	     "blake2b": "<BLAKE2b-256 hex of the bytes>",
 *	     "jcs_blake2b": "<BLAKE2b-256 hex of the RFC 8785 form>"},
 *	    ...
 *	  ]
 *	}
 *
 * Paths are relative to the output directory, with '/', sorted bytewise.
 */
#ifndef TOOLSYNC_INDEX_H
#define TOOLSYNC_INDEX_H

#include <pthread.h>

#include "toolsync/digest.h"
#include "toolsync/diag.h"
#include "toolsync/strpool.h"

#define INDEX_FORMAT "toolsync.index/1"
#define INDEX_FILE "index.json"
#define MANIFEST_FORMAT "toolsync.manifest/1"

#define DIGEST_SIZE 32   /* BLAKE2b-256 */

/*
 * Digests are kept as bytes (index.json writes them as hex): an index of
 * 200,000 files is then 13 MB smaller.
 */
struct index_entry {
	const char *path;            /* in the index's pool */
	uint64_t size;
	unsigned char blake2b[DIGEST_SIZE];
	unsigned char jcs_blake2b[DIGEST_SIZE];
	int has_jcs;
};

/*
 * After index_parse() a table by path (SipHash under the process's key, as
 * hashset.h) finds an entry in O(1), from any number of threads.
 */
struct index {
	struct index_entry *v;
	size_t n, alloc;
	struct strpool paths;        /* the entries' paths: no allocation per entry */
	uint32_t *slots;          /* entry + 1 by path hash; 0 empty; NULL: none */
	size_t nslots;
	/* parsed from exactly what index_write() writes for these entries */
	int own_layout;
	/*
	 * Adding may be done from several threads at once (a build's
	 * workers add signatures while its main thread adds tools).
	 */
	pthread_mutex_t add_mu;
};

#define INDEX_INIT { NULL, 0, 0, STRPOOL_INIT, NULL, 0, 0, PTHREAD_MUTEX_INITIALIZER }

/* blake2b and jcs_blake2b (NULL: none) as 64 hex digits. */
void index_add(struct index *ix, const char *path, uint64_t size,
	       const char *blake2b, const char *jcs_blake2b);
/* The same with the digests as bytes (jcs_blake2b NULL: none). */
void index_add_digests(struct index *ix, const char *path, uint64_t size,
		       const unsigned char blake2b[DIGEST_SIZE],
		       const unsigned char *jcs_blake2b);
/* 64 hex digits (as index.json holds them, checked by the caller) as bytes. */
void index_digest_from_hex(unsigned char out[DIGEST_SIZE], const char *hex);
/* An entry's digest as hex, as index.json holds it. */
void index_digest_hex(const unsigned char digest[DIGEST_SIZE], char out[DIGEST_HEX_SIZE]);
/* 1 when the digest is the one written hex (64 lowercase digits). */
int index_digest_is(const unsigned char digest[DIGEST_SIZE], const char *hex);
/* Sort by path (bytewise); already sorted runs cost one pass. */
void index_sort(struct index *ix);
/* After index_sort(): the entry of path (by hash after index_parse()); NULL if absent. */
const struct index_entry *index_find(const struct index *ix, const char *path);
/* 1 when a and b list the same files with the same sizes and digests, in order. */
int index_same(const struct index *a, const struct index *b);
void index_release(struct index *ix);

/* The index as JSON (pretty, final newline). */
void index_write(struct strbuf *out, const struct index *ix);
/*
 * Parse index.json text; problems reported to d with file:line:col
 * (wrong format, bad digest, a path not spelled as a build writes it:
 * "tools/NAME", "roles/NAME" or "NAME", duplicates).  0 or -1.
 */
int index_parse(struct index *ix, const char *data, size_t len, const char *file,
		struct diag *d);

#endif
