/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_json.c: libFuzzer target for the JSON reader and writers.
 * Whatever parses must serialize, and the pretty and canonical forms must
 * parse back to the same value.  Build with `make fuzz`.
 */
#include "toolsync/json.h"

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
		jv_free(v);
	}
	diag_clear_sources();
	return 0;
}
