/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parallel.h: run independent items on several threads, the caller's
 * among them.
 *
 * Items are handed out in chunks, in increasing order, to whichever
 * thread is free; what each one produces is the caller's to merge in a
 * fixed order afterwards, so that output and messages do not depend on
 * the threads.
 */
#ifndef TOOLSYNC_PARALLEL_H
#define TOOLSYNC_PARALLEL_H

#include <stddef.h>

struct parallel {
	/* item i on thread w (0 is the caller's; w < jobs): distinct i at once */
	void (*run)(void *ctx, size_t i, unsigned w);
	void *ctx;
};

/*
 * p->run for every i in [0, n) on at most jobs threads (compile_jobs());
 * returns when all have run.  A thread that cannot be started leaves its
 * items to the others: slower, not wrong.
 */
void parallel_for(const struct parallel *p, size_t n, unsigned jobs);

#endif
