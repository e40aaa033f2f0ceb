/*
 * hashmap.h: byte-string keys to pointers, open addressing.
 *
 * Keys are borrowed: they must outlive the map.  Lookups cost one hash
 * and a probe or two, whatever the number of keys.
 */
#ifndef TOOLSYNC_HASHMAP_H
#define TOOLSYNC_HASHMAP_H

#include "toolsync/common.h"

struct hashmap_entry {
	const char *key;
	size_t len;
	size_t hash;
	void *val;
};

struct hashmap {
	struct hashmap_entry *tab;   /* cap slots, NULL keys empty */
	size_t n, cap;
};

#define HASHMAP_INIT { NULL, 0, 0 }

/*
 * Add key (len bytes) with val unless the key is there; returns the value
 * the map holds for key afterwards (the earlier one if it was there).
 */
void *hashmap_add(struct hashmap *m, const char *key, size_t len, void *val);
/* The value for key, or NULL. */
void *hashmap_get(const struct hashmap *m, const char *key, size_t len);
void hashmap_release(struct hashmap *m);

#endif
