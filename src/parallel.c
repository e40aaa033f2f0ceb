/* SPDX-License-Identifier: Apache-2.0 */
/* parallel.c: independent items on several threads (parallel.h). */
#include <pthread.h>

#include "toolsync/parallel.h"
#include "toolsync/compile.h"
#include "toolsync/quote.h"
#include "toolsync/yaml.h"

/*
 * Items taken at once: a catalogue's templates cost microseconds each,
 * so taking them one by one would be mostly locking.  Fewer items are
 * taken in smaller chunks, a few per thread, so that 40 templates of
 * a fifth of a millisecond each are shared too.  Below PARALLEL_MIN
 * items a thread costs more than it saves: starting one (its stack and
 * its own malloc arena, fresh pages at about 15 µs each on the VMs
 * toolsync is measured on, and waking the other CPU) costs 1 to 2 ms,
 * and 20 to 40 of the bench's templates load as fast on one thread
 * (docs/performance.md, sixth round).
 */
#define PARALLEL_CHUNK 32
#define PARALLEL_MIN 40

struct shared {
	const struct parallel *p;
	size_t n, next, chunk;
	pthread_mutex_t mu;
};

static size_t chunk_for(size_t n, unsigned jobs)
{
	size_t chunk = n / ((size_t)jobs * 4);

	return chunk < 1 ? 1 : chunk > PARALLEL_CHUNK ? PARALLEL_CHUNK : chunk;
}

struct thread {
	struct shared *s;
	unsigned w;
	pthread_t id;
};

static void *take_items(void *arg)
{
	struct thread *t = arg;
	struct shared *s = t->s;
	size_t i, end;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		i = s->next;
		end = s->n - i < s->chunk ? s->n : i + s->chunk;
		s->next = end;
		pthread_mutex_unlock(&s->mu);
		if (i == end)
			break;
		for (; i < end; i++)
			s->p->run(s->p->ctx, i, t->w);
	}
	if (t->w) {   /* what the library keeps per thread: not for the caller's */
		yaml_release_thread();
		quote_release_thread();
	}
	return NULL;
}

void parallel_for(const struct parallel *p, size_t n, unsigned jobs)
{
	struct shared s = { p, n, 0, 1, PTHREAD_MUTEX_INITIALIZER };
	struct thread t[JOBS_MAX];
	unsigned started = 1, k;

	if (jobs > JOBS_MAX)
		jobs = JOBS_MAX;
	if (n < PARALLEL_MIN)
		jobs = 1;
	s.chunk = chunk_for(n, jobs);
	t[0] = (struct thread){ &s, 0, 0 };
	while (started < jobs && (size_t)started * s.chunk < n) {
		t[started] = (struct thread){ &s, started, 0 };
		if (pthread_create(&t[started].id, NULL, take_items, &t[started]))
			break;
		started++;
	}
	take_items(&t[0]);
	for (k = 1; k < started; k++)
		pthread_join(t[k].id, NULL);
	pthread_mutex_destroy(&s.mu);
}
