/* SPDX-License-Identifier: Apache-2.0 */
/* fault.c: TOOLSYNC_FAULT, the test-only failure switch (see fault.h). */
#include <errno.h>
#include <pthread.h>

#include "toolsync/fault.h"

static const char *const op_names[FAULT_NOPS] = {
	"write", "fsync", "rename", "exchange", "link", "mkdir", "unlink", "open",
};

static const struct { const char *name; int e; } errnos[] = {
	{ "ENOSPC", ENOSPC }, { "EACCES", EACCES }, { "EIO", EIO }, { "EROFS", EROFS },
	{ "EPERM", EPERM }, { "EINVAL", EINVAL }, { "EXDEV", EXDEV },
};

#define FAULT_SPECS 4

struct fault_spec {
	int op;                  /* enum fault_op, or FAULT_NOPS for "any" */
	unsigned long nth;
	int err;
};

static struct {
	int counting;
	size_t nspecs;
	struct fault_spec specs[FAULT_SPECS];
	unsigned long calls[FAULT_NOPS + 1];  /* the last slot counts every call */
	pthread_mutex_t lock;
} fault = { .lock = PTHREAD_MUTEX_INITIALIZER };
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;

static void print_counts(void)
{
	size_t i;

	fputs("toolsync: fault points:", stderr);
	for (i = 0; i < FAULT_NOPS; i++)
		fprintf(stderr, " %s=%lu", op_names[i], fault.calls[i]);
	fprintf(stderr, " any=%lu\n", fault.calls[FAULT_NOPS]);
}

/* "OP:N:ERRNO"; 0 or -1. */
static int parse_spec(const char *s, struct fault_spec *f)
{
	char op[16], en[16];
	size_t i;
	int used = 0;

	if (sscanf(s, "%15[a-z]:%lu:%15[A-Z]%n", op, &f->nth, en, &used) != 3 || !f->nth ||
	    (s[used] && s[used] != ','))
		return -1;
	f->op = -1;
	f->err = 0;
	for (i = 0; i < FAULT_NOPS; i++)
		if (!strcmp(op, op_names[i]))
			f->op = (int)i;
	if (!strcmp(op, "any"))
		f->op = FAULT_NOPS;
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (!strcmp(en, errnos[i].name))
			f->err = errnos[i].e;
	return f->op < 0 || !f->err ? -1 : 0;
}

/* Specs joined by commas: up to FAULT_SPECS of OP:N:ERRNO, and "count". */
static void fault_setup(void)
{
	const char *s = getenv("TOOLSYNC_FAULT");

	if (!s || !*s)
		return;
	for (;;) {
		if (!strncmp(s, "count", 5) && (!s[5] || s[5] == ',')) {
			if (!fault.counting)
				atexit(print_counts);
			fault.counting = 1;
		} else if (fault.nspecs == FAULT_SPECS ||
			   parse_spec(s, &fault.specs[fault.nspecs])) {
			break;
		} else {
			fault.nspecs++;
		}
		if (!(s = strchr(s, ',')))
			return;
		s++;
	}
	fault.nspecs = 0;
	fprintf(stderr, "toolsync: warning: TOOLSYNC_FAULT must be 'count' or OP:N:ERRNO "
		"(up to %d, joined by commas); ignored\n", FAULT_SPECS);
}

int fault_inject(enum fault_op op)
{
	int err = 0;
	size_t i;

	pthread_once(&fault_once, fault_setup);
	if (!fault.nspecs && !fault.counting)
		return 0;
	pthread_mutex_lock(&fault.lock);
	fault.calls[op]++;
	fault.calls[FAULT_NOPS]++;
	for (i = 0; i < fault.nspecs && !err; i++) {
		const struct fault_spec *f = &fault.specs[i];

		if (((int)op == f->op || f->op == FAULT_NOPS) && fault.calls[f->op] == f->nth)
			err = f->err;
	}
	pthread_mutex_unlock(&fault.lock);
	if (!err)
		return 0;
	errno = err;
	return -1;
}
