/* strict.c: placeholder until the strict-mode checker lands. */
#include "toolsync/strict.h"

unsigned strict_check(const struct jv *schema, struct diag *d)
{
	(void)schema;
	(void)d;
	return 0;
}

int strict_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 64 && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}
