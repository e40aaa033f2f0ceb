/* SPDX-License-Identifier: Apache-2.0 */
/* strpool.c: strings copied into shared chunks (see strpool.h). */
#include <stdalign.h>
#include <stddef.h>

#include "toolsync/strpool.h"

struct strpool_chunk {
	struct strpool_chunk *next;
	size_t used, size;
	alignas(max_align_t) char data[];
};

/*
 * The first chunk is 64 KiB, each next one twice the last, up to 4 MiB:
 * a pool of a few keys stays small, and the pools of a 100,000-row build
 * (megabytes) grow in blocks large enough for huge pages (xalloc.c).
 */
#define CHUNK_SIZE ((size_t)64 * 1024 - sizeof(struct strpool_chunk))
#define CHUNK_MAX ((size_t)4 * 1024 * 1024 - sizeof(struct strpool_chunk))

/* Room for size bytes at an offset rounded up to align. */
static char *take(struct strpool *p, size_t size, size_t align)
{
	struct strpool_chunk *c = p->head;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;

	if (!c || at > c->size || c->size - at < size) {
		size_t grown = c ? 2 * (c->size + sizeof(*c)) - sizeof(*c) : CHUNK_SIZE;
		size_t n = grown < CHUNK_MAX ? grown : CHUNK_MAX;

		if (size > n)
			n = size;
		c = xmalloc(st_add(sizeof(*c), n));
		c->size = n;
		c->next = p->head;
		p->head = c;
		at = 0;
	}
	c->used = at + size;
	return c->data + at;
}

const char *strpool_copy(struct strpool *p, const char *s, size_t len)
{
	char *dst = take(p, st_add(len, 1), 1);

	memcpy(dst, s, len);
	dst[len] = '\0';
	return dst;
}

void *strpool_alloc(struct strpool *p, size_t size)
{
	return take(p, size, alignof(max_align_t));
}

void *strpool_calloc(struct strpool *p, size_t n, size_t size)
{
	size_t bytes = st_mult(n, size);

	return memset(strpool_alloc(p, bytes), 0, bytes);
}

void strpool_release(struct strpool *p)
{
	while (p->head) {
		struct strpool_chunk *next = p->head->next;

		free(p->head);
		p->head = next;
	}
}
