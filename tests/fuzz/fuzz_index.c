/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_index.c: libFuzzer target for index_parse, which reads index.json
 * entry by entry (json_stream_open_object).  Whatever parses must write
 * back (index_write) to text that parses to the same entries.  Build with
 * `make fuzz`.
 */
#include "toolsync/index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static int same_index(const struct index *a, const struct index *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].path, b->v[i].path) || a->v[i].size != b->v[i].size ||
		    memcmp(a->v[i].blake2b, b->v[i].blake2b, DIGEST_SIZE) ||
		    memcmp(a->v[i].jcs_blake2b, b->v[i].jcs_blake2b, DIGEST_SIZE))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d = DIAG_INIT;
	struct index ix, back;
	struct strbuf sb = STRBUF_INIT;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	d.out = devnull;
	if (!index_parse(&ix, (const char *)data, size, "index.json", &d)) {
		index_write(&sb, &ix);
		if (index_parse(&back, sb.buf, sb.len, "round-trip.json", &d) ||
		    !same_index(&ix, &back))
			BUG("a written index does not read back: %s", sb.buf);
		index_release(&back);
	}
	index_release(&ix);
	strbuf_release(&sb);
	diag_clear_sources();
	return 0;
}
