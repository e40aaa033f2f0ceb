/* SPDX-License-Identifier: Apache-2.0 */
/* hashset.c: open-addressing set of byte strings (see hashset.h). */
#include <pthread.h>
#include <sodium.h>

#include "toolsync/hashset.h"

#define MIN_CAP 16

static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t hash_key_once = PTHREAD_ONCE_INIT;

/* A per-process key: collisions cannot be precomputed into an input. */
static void make_hash_key(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "toolsync: error: cannot initialise libsodium\n");
		exit(EXIT_ERROR);
	}
	randombytes_buf(hash_key, sizeof(hash_key));
}

static size_t hash_bytes(const char *key, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	pthread_once(&hash_key_once, make_hash_key);
	crypto_shorthash(out, (const unsigned char *)key, len, hash_key);
	memcpy(&h, out, sizeof(h));
	return (size_t)h;
}

size_t hashset_hash(const char *key, size_t len)
{
	return hash_bytes(key, len);
}

/* The slot holding key, or the empty slot where it would go. */
static struct hashset_entry *probe(const struct hashset *hs, const char *key, size_t len,
				   size_t hash)
{
	size_t mask = hs->cap - 1, i;

	for (i = hash & mask;; i = (i + 1) & mask) {
		struct hashset_entry *e = &hs->tab[i];

		if (!e->key || (e->hash == hash && e->len == len && !memcmp(e->key, key, len)))
			return e;
	}
}

static void grow(struct hashset *hs)
{
	struct hashset_entry *old = hs->tab;
	size_t oldcap = hs->cap, i;

	hs->cap = oldcap ? st_mult(oldcap, 2) : MIN_CAP;
	hs->tab = xcalloc(hs->cap, sizeof(*hs->tab));
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*probe(hs, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
}

void hashset_init(struct hashset *hs)
{
	struct hashset blank = HASHSET_INIT;

	*hs = blank;
}

struct hashset_entry *hashset_find(const struct hashset *hs, const char *key, size_t len)
{
	struct hashset_entry *e;

	if (!hs->n)
		return NULL;
	e = probe(hs, key, len, hash_bytes(key, len));
	return e->key ? e : NULL;
}

struct hashset_entry *hashset_add(struct hashset *hs, const char *key, size_t len, int *added)
{
	size_t hash = hash_bytes(key, len);
	struct hashset_entry *e;

	if ((hs->n + 1) * 2 > hs->cap)
		grow(hs);
	e = probe(hs, key, len, hash);
	if (added)
		*added = !e->key;
	if (e->key)
		return e;
	e->key = strpool_copy(&hs->pool, key, len);
	e->len = len;
	e->hash = hash;
	e->val = NULL;
	hs->n++;
	return e;
}

void hashset_release(struct hashset *hs)
{
	strpool_release(&hs->pool);
	free(hs->tab);
	hashset_init(hs);
}
