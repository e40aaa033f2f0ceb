/* hashmap.c: open addressing with linear probing, at most half full. */
#include "toolsync/hashmap.h"

/* FNV-1a: short keys, no adversary who gains from collisions but time. */
static size_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return (size_t)(h ^ (h >> 32));
}

static struct hashmap_entry *slot(const struct hashmap *m, const char *key, size_t len,
				  size_t hash)
{
	size_t i;

	for (i = hash & (m->cap - 1); m->tab[i].key; i = (i + 1) & (m->cap - 1))
		if (m->tab[i].hash == hash && m->tab[i].len == len &&
		    !memcmp(m->tab[i].key, key, len))
			break;
	return &m->tab[i];
}

static void grow(struct hashmap *m)
{
	struct hashmap old = *m;
	size_t i;

	m->cap = old.cap ? st_mult(old.cap, 2) : 16;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
	for (i = 0; i < old.cap; i++)
		if (old.tab[i].key)
			*slot(m, old.tab[i].key, old.tab[i].len, old.tab[i].hash) = old.tab[i];
	free(old.tab);
}

void *hashmap_add(struct hashmap *m, const char *key, size_t len, void *val)
{
	size_t hash = hash_bytes(key, len);
	struct hashmap_entry *e;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	e = slot(m, key, len, hash);
	if (e->key)
		return e->val;
	*e = (struct hashmap_entry){ key, len, hash, val };
	m->n++;
	return val;
}

void *hashmap_get(const struct hashmap *m, const char *key, size_t len)
{
	const struct hashmap_entry *e;

	if (!m->n)
		return NULL;
	e = slot(m, key, len, hash_bytes(key, len));
	return e->key ? e->val : NULL;
}

void hashmap_release(struct hashmap *m)
{
	free(m->tab);
	memset(m, 0, sizeof(*m));
}
