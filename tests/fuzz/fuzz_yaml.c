/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_yaml.c: libFuzzer target for the YAML reader and the streaming
 * reader the registry uses.  Build with `make fuzz`.
 */
#include "toolsync/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d = DIAG_INIT;
	struct yaml_stream *s;
	struct jv *v;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	d.out = devnull;
	v = yaml_parse((const char *)data, size, "fuzz.yaml", &d);
	if (v) {
		struct strbuf sb = STRBUF_INIT;

		json_write(&sb, v, JSON_PRETTY);
		strbuf_release(&sb);
		jv_free(v);
	}
	s = yaml_stream_open((const char *)data, size, "fuzz.yaml", "tool_registry", &d);
	if (s) {
		int n = 0;

		while (yaml_stream_next(s, &v) > 0 && n++ < 100000)
			jv_free(v);
		yaml_stream_close(s);
	}
	diag_clear_sources();
	return 0;
}
