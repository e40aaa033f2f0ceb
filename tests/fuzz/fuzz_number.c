/*
 * fuzz_number.c: libFuzzer target for number_parse and number_write.
 * What parses must be written, and what is written must parse back to the
 * same double; the first 8 bytes are also taken as a double's bits, so the
 * writer sees every kind of double, not only those a literal gives.
 * Build with `make fuzz`.
 */
#include <math.h>

#include "toolsync/number.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(double v)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	double back;

	number_write(&text, v);
	if (number_parse(text.buf, text.len, &back, &err) || back != v)
		BUG("%.17g written as %s does not read back: %s", v, text.buf, err.buf);
	strbuf_release(&text);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	double v;

	if (!number_parse((const char *)data, size, &v, &err))
		round_trip(v);
	strbuf_release(&err);
	if (size >= sizeof(v)) {
		memcpy(&v, data, sizeof(v));
		if (isfinite(v))
			round_trip(v);
	}
	return 0;
}
