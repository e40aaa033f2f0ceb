/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pq.h: libpq is opened when first needed (src/pq.c), not linked.
 *
 * Code calls libpq's functions by their own names; pq_load() says whether
 * the library could be opened, so that a command reports a missing libpq
 * as an error of its own instead of failing at start.
 */
#ifndef TOOLSYNC_PQ_H
#define TOOLSYNC_PQ_H

#include "toolsync/common.h"
#include "toolsync/strbuf.h"

/* Open libpq (once): 0, or -1 with why in err (when not NULL). */
int pq_load(struct strbuf *err);

#endif
