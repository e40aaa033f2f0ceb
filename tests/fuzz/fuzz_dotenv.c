/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_dotenv.c: libFuzzer target for the env file parser.  Build with
 * `make fuzz`.  Whatever parses must survive a round trip: each value
 * written back in double quotes with escapes reads back the same.
 */
#include "toolsync/dotenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		switch (*s) {
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		default: strbuf_addch(out, *s);
		}
	}
	strbuf_addch(out, '"');
}

static void round_trip(const struct dotenv *env, struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;
	struct dotenv again = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < env->n; i++) {
		if (!dotenv_valid_name(env->v[i].name))
			BUG("invalid name parsed: '%s'", env->v[i].name);
		strbuf_addf(&sb, "%s=", env->v[i].name);
		quote(&sb, env->v[i].value);
		strbuf_addch(&sb, '\n');
	}
	if (dotenv_parse(&again, "again.env", sb.buf, sb.len, d) || again.n != env->n)
		BUG("round trip failed to parse");
	for (i = 0; i < env->n; i++)
		if (strcmp(again.v[i].value, env->v[i].value))
			BUG("round trip changed the value of '%s'", env->v[i].name);
	dotenv_release(&again);
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d = DIAG_INIT;
	struct dotenv env = { NULL, 0, 0 };

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	d.out = devnull;
	if (!dotenv_parse(&env, "fuzz.env", (const char *)data, size, &d)) {
		/* values hold no NUL: the parser refuses NUL bytes */
		round_trip(&env, &d);
	}
	dotenv_release(&env);
	diag_clear_sources();
	return 0;
}
