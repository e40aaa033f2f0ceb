/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hashset.h: a set of byte-string keys, optionally a map (a value per key).
 *
 * The one hash table of toolsync: duplicate keys in the JSON and YAML
 * readers, the template lookup, the standards allow-list, env names,
 * interned file names, and a build's keys by function name.
 * Open addressing with linear probing; the table doubles at half load, so
 * adding n keys costs O(n).  The hash is SipHash (libsodium's
 * crypto_shorthash) under a key drawn once per process, so input crafted
 * to collide cannot turn a lookup back into a scan.  Nothing depends on
 * the table's order: there is no iteration.
 *
 * The set keeps its own copy of every key (in a pool freed by
 * hashset_release), so a caller's temporary buffer may be freed or reused
 * right after the call.
 */
#ifndef TOOLSYNC_HASHSET_H
#define TOOLSYNC_HASHSET_H

#include "toolsync/common.h"
#include "toolsync/strpool.h"

struct hashset_entry {
	const char *key;  /* the set's copy, NUL-terminated, len bytes (may hold NUL) */
	size_t len;
	size_t hash;
	void *val;        /* the caller's; NULL when the key is added */
};

struct hashset {
	struct hashset_entry *tab;  /* cap slots, key NULL = empty */
	size_t cap, n;
	struct strpool pool;        /* the keys' bytes */
};

#define HASHSET_INIT { .tab = NULL, .cap = 0, .n = 0, .pool = STRPOOL_INIT }

void hashset_init(struct hashset *hs);

/*
 * The entry for key (len bytes): found, or added as a copy with val NULL.
 * *added (when not NULL) is 1 when the key was new, else 0.  The entry is
 * borrowed and valid until the next hashset_add() or hashset_release().
 */
struct hashset_entry *hashset_add(struct hashset *hs, const char *key, size_t len, int *added);

/* The entry for key, or NULL; borrowed, as above. */
struct hashset_entry *hashset_find(const struct hashset *hs, const char *key, size_t len);

/*
 * The set's hash of key (len bytes), for a table of another shape that
 * must resist crafted collisions as well (index.c).  Thread-safe.
 */
size_t hashset_hash(const char *key, size_t len);

/* Frees the table and the keys' copies (not the values); hs is empty again. */
void hashset_release(struct hashset *hs);

#endif
