/* SPDX-License-Identifier: Apache-2.0 */
/* quote.c: user values as messages show them (see quote.h). */
#include "toolsync/common.h"

#include "toolsync/quote.h"
#include "toolsync/secret.h"
#include "toolsync/utf8.h"

/*
 * Bytes of a value to mask before cutting it at max characters: the
 * characters shown, and room for the rest of a key that starts among them
 * to be seen whole (secret.h's longest minimum body is 32).
 */
static size_t window(size_t len, size_t max)
{
	return max && len / 4 > max + 64 ? (max + 64) * 4 : len;
}

size_t quote_printable(const char *s, size_t len)
{
	unsigned char c = (unsigned char)*s;
	size_t n = utf8_seq((const unsigned char *)s, len);

	return n > 1 || (n == 1 && c >= 0x20 && c != 0x7f) ? n : 0;
}

void quote_add(struct strbuf *out, const char *s, size_t len, size_t max)
{
	/* masked first: a cut must not leave the start of a key visible */
	size_t i = 0, n, chars = 0;
	char *masked;

	len = window(len, max);
	masked = xmemdupz(s, len);
	secret_mask(masked, len);
	while (i < len) {
		if (max && chars == max) {
			strbuf_addstr(out, "...");
			break;
		}
		if ((n = quote_printable(masked + i, len - i))) {
			strbuf_add(out, masked + i, n);
			i += n;
		} else {
			strbuf_addf(out, "\\x%02x", (unsigned char)masked[i]);
			i++;
		}
		chars++;
	}
	free(masked);
}

/*
 * One ring per thread: a template's trial load on a worker thread
 * (template.c) may format a message it does not print.  The main
 * thread's is reachable until exit (not a leak); another thread gives
 * its back with quote_release_thread() before it ends.
 */
static _Thread_local struct strbuf ring[QUOTE_RING];
static _Thread_local size_t next;

static const char *ring_quote(const char *s, size_t len, size_t max)
{
	struct strbuf *sb = &ring[next++ % QUOTE_RING];

	if (!sb->buf)
		strbuf_init(sb, 0);
	strbuf_reset(sb);
	quote_add(sb, s, len, max);
	return sb->buf;
}

const char *quote_show_n(const char *s, size_t len)
{
	return ring_quote(s, len, QUOTE_MAX);
}

void quote_release_thread(void)
{
	size_t i;

	for (i = 0; i < QUOTE_RING; i++)
		strbuf_release(&ring[i]);
}

const char *quote_show(const char *s)
{
	return quote_show_n(s, strlen(s));
}

const char *quote_path(const char *s)
{
	return ring_quote(s, strlen(s), 0);
}
