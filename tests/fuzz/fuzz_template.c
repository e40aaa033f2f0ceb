/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_template.c: libFuzzer target for templates: loading (YAML, the
 * fields, $ref inlining from a _defs file, the ${...} check, the strict
 * check) and rendering for a row.  The input is written as the template
 * t/fuzz.yaml in a scratch directory beside a fixed t/_defs/fixed.yaml,
 * and read the way build reads it (templates_load).  Build with `make fuzz`.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/template.h"
#include "toolsync/segments.h"
#include "toolsync/config.h"
#include "toolsync/fsutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every kind of $ref target: an object with variables, a scalar, nesting. */
static const char defs[] =
	"Period:\n"
	"  type: object\n"
	"  description: \"the period ${key} covers (${min_role}); $${literal}\"\n"
	"  properties:\n"
	"    from: {type: string, description: \"start, for ${name}\"}\n"
	"    to: {type: string}\n"
	"  required: [from, to]\n"
	"  additionalProperties: false\n"
	"Money: {type: number, description: \"an amount (${standards})\"}\n"
	"Entity: {type: string, enum: [parent, subsidiary]}\n"
	"Nested:\n"
	"  type: object\n"
	"  properties:\n"
	"    period: {$ref: \"_defs/fixed.yaml#/Period\"}\n"
	"    list: {type: array, items: {$ref: \"_defs/fixed.yaml#/Money\"}}\n"
	"  required: [period, list]\n"
	"  additionalProperties: false\n";

static FILE *devnull;
static char *dir, *tmpl;

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		BUG("fuzz_template: cannot write '%s'", path);
}

/* libFuzzer ends a timed run with exit(): the scratch directory goes then. */
static void cleanup(void)
{
	struct strbuf err = STRBUF_INIT;

	if (dir)
		fs_remove_tree(dir, &err);
	strbuf_release(&err);
}

static void setup(void)
{
	char *tdir, *ddir, *fixed;

	devnull = fopen("/dev/null", "w");
	dir = xstrfmt("%s/fuzz-template-XXXXXX", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir))
		BUG("fuzz_template: cannot make a scratch directory");
	atexit(cleanup);
	tdir = path_join(dir, "t");
	ddir = path_join(tdir, "_defs");
	fixed = path_join(ddir, "fixed.yaml");
	if (mkdir(tdir, 0755) || mkdir(ddir, 0755))
		BUG("fuzz_template: cannot make '%s'", ddir);
	write_file(fixed, defs, sizeof(defs) - 1);
	tmpl = path_join(tdir, "fuzz.yaml");
	free(tdir);
	free(ddir);
	free(fixed);
}

/* Rendered as build renders it: for a row's values, and with the markers. */
static void render(const struct template_set *set)
{
	struct template *t = templates_find(set, "fuzz");
	struct segvals vals = SEGVALS_INIT;
	struct strlist stds = { NULL, 0, 0 };
	int pass;

	if (!t || t->bad)
		return;
	strlist_add(&stds, "SOX-404");
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			segvals_markers(&vals);
		else
			segvals_set(&vals, "fuzz", "viewer", &stds);
		jv_free(template_render_description(t, &vals));
		jv_free(template_render_parameters(t, &vals));
	}
	segvals_release(&vals);
	strlist_release(&stds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d = DIAG_INIT;
	struct template_set set;
	struct ts_config cfg;

	if (!dir)
		setup();
	d.out = devnull;
	write_file(tmpl, data, size);
	config_init(&cfg);
	free(cfg.base_dir);
	cfg.base_dir = xstrdup(dir);
	free(cfg.templates);
	cfg.templates = xstrdup("t");
	templates_load(&set, &cfg, NULL, &d);
	render(&set);
	templates_release(&set);
	config_release(&cfg);
	diag_clear_sources();
	return 0;
}
