/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_config.c: libFuzzer target for the two small YAML files a user
 * writes: toolsync.yaml (config_load: every key, ${VAR} expansion, the
 * registry forms) and the accept file (accept_load: entries checked
 * against the known rule ids).  The input is written to a scratch file
 * and read the way the commands read it.  Build with `make fuzz`.
 */
#include <unistd.h>

#include "toolsync/accept.h"
#include "toolsync/config.h"
#include "toolsync/reportcmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static char *path;

/* libFuzzer ends a timed run with exit(): the scratch file goes then. */
static void cleanup(void)
{
	if (path)
		unlink(path);
}

static void setup(void)
{
	int fd;

	devnull = fopen("/dev/null", "w");
	path = xstrfmt("%s/fuzz-config-XXXXXX", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if ((fd = mkstemp(path)) < 0)
		BUG("fuzz_config: cannot make a scratch file");
	close(fd);
	atexit(cleanup);
	/* ${VAR} expansion: one set, one certainly unset */
	setenv("FUZZ_SET", "postgresql://u@localhost/db", 1);
	unsetenv("FUZZ_UNSET");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d = DIAG_INIT;
	struct accept_list al;
	struct ts_config cfg;
	FILE *f;

	if (!path)
		setup();
	d.out = devnull;
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f))
		BUG("fuzz_config: cannot write '%s'", path);
	config_load(&cfg, path, 1, &d);
	config_release(&cfg);
	if (!accept_load(&al, NULL, path, "accept.yaml", 1, report_known_rules, &d))
		accept_release(&al);
	diag_clear_sources();
	return 0;
}
