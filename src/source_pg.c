/* source_pg.c: placeholder until the PostgreSQL source lands. */
#include "toolsync/registry.h"

struct source *source_pg_open(const struct ts_config *cfg, const char *conninfo, struct diag *d)
{
	(void)cfg;
	(void)conninfo;
	diag_fail(d, "the PostgreSQL registry source is not built yet");
	return NULL;
}
