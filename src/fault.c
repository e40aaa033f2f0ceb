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

static struct {
	int active, counting;
	int op;                  /* enum fault_op, or FAULT_NOPS for "any" */
	unsigned long nth;
	int err;
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
static int parse_spec(const char *s)
{
	char op[16], en[16];
	unsigned long n;
	size_t i;

	if (sscanf(s, "%15[a-z]:%lu:%15[A-Z]", op, &n, en) != 3 || !n)
		return -1;
	fault.op = -1;
	for (i = 0; i < FAULT_NOPS; i++)
		if (!strcmp(op, op_names[i]))
			fault.op = (int)i;
	if (!strcmp(op, "any"))
		fault.op = FAULT_NOPS;
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (!strcmp(en, errnos[i].name))
			fault.err = errnos[i].e;
	fault.nth = n;
	return fault.op < 0 || !fault.err ? -1 : 0;
}

static void fault_setup(void)
{
	const char *s = getenv("TOOLSYNC_FAULT");

	if (!s || !*s)
		return;
	if (!strcmp(s, "count")) {
		fault.counting = 1;
		atexit(print_counts);
	} else if (parse_spec(s)) {
		fprintf(stderr, "toolsync: warning: TOOLSYNC_FAULT must be OP:N:ERRNO or "
			"'count'; ignored\n");
	} else {
		fault.active = 1;
	}
}

int fault_inject(enum fault_op op)
{
	unsigned long nth;
	int hit;

	pthread_once(&fault_once, fault_setup);
	if (!fault.active && !fault.counting)
		return 0;
	pthread_mutex_lock(&fault.lock);
	fault.calls[op]++;
	fault.calls[FAULT_NOPS]++;
	nth = fault.calls[fault.op == FAULT_NOPS ? FAULT_NOPS : op];
	hit = fault.active && ((int)op == fault.op || fault.op == FAULT_NOPS) && nth == fault.nth;
	pthread_mutex_unlock(&fault.lock);
	if (!hit)
		return 0;
	errno = fault.err;
	return -1;
}
