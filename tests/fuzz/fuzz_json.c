/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_json.c: libFuzzer target for the JSON reader and writers.
 * Whatever parses must serialize, and the pretty and canonical forms must
 * parse back to the same value.  Build with `make fuzz`.
 */
#include "toolsync/json.h"
#include "toolsync/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void round_trip(const struct jv *v, enum json_style style)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag d = DIAG_INIT;
	struct jv *back;

	d.out = devnull;
	json_write(&sb, v, style);
	back = json_parse(sb.buf, sb.len, "round-trip", &d);
	if (!back || !jv_equal(v, back))
		BUG("written JSON does not read back: %s", sb.buf);
	jv_free(back);
	strbuf_release(&sb);
}

/*
 * As diff_bundle.c reads a committed role bundle: an entry's name, in
 * either shape, is the whole string (one holding a NUL is no name).
 */
static void bundle_names(const struct jv *v)
{
	size_t i;

	for (i = 0; v->kind == JV_ARRAY && i < v->u.arr.n; i++) {
		const struct jv *e = v->u.arr.v[i], *f = jv_get(e, "function");
		const char *r = target_entry_name(TARGET_RESPONSES, e);
		const char *c = target_entry_name(TARGET_CHAT, e);

		if ((r && strlen(r) != jv_get(e, "name")->u.str.len) ||
		    (c && strlen(c) != jv_get(f, "name")->u.str.len))
			BUG("a bundle entry's name was cut at a NUL");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d = DIAG_INIT;
	struct jv *v;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	d.out = devnull;
	v = json_parse((const char *)data, size, "fuzz.json", &d);
	if (v) {
		round_trip(v, JSON_PRETTY);
		round_trip(v, JSON_CANONICAL);
		bundle_names(v);
		jv_free(v);
	}
	diag_clear_sources();
	return 0;
}
