/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strpool.h: copies of small strings that live as long as their pool.
 *
 * One allocation per ~64 KiB instead of one per string (no malloc header
 * and no free per string): the keys of a hashset, the row locations of
 * a PostgreSQL source, the first key of every function name in a build.
 * Nothing is freed before strpool_release().
 */
#ifndef TOOLSYNC_STRPOOL_H
#define TOOLSYNC_STRPOOL_H

#include "toolsync/common.h"

struct strpool_chunk;

struct strpool {
	struct strpool_chunk *head;  /* the newest chunk; the others follow */
};

#define STRPOOL_INIT { .head = NULL }

/* A NUL-terminated copy of the len bytes at s (which may hold NUL bytes). */
const char *strpool_copy(struct strpool *p, const char *s, size_t len);

/* size bytes aligned for any object, uninitialised. */
void *strpool_alloc(struct strpool *p, size_t size);
/* n objects of size bytes, aligned for any object, zeroed. */
void *strpool_calloc(struct strpool *p, size_t n, size_t size);

/* Frees every copy; the pool is empty again. */
void strpool_release(struct strpool *p);

#endif
