/* SPDX-License-Identifier: Apache-2.0 */
/*
 * utf8.h: one definition of valid UTF-8 for every reader and reporter.
 */
#ifndef TOOLSYNC_UTF8_H
#define TOOLSYNC_UTF8_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* Length of the valid UTF-8 sequence at s (at most n bytes, n > 0), or 0. */
size_t utf8_seq(const unsigned char *s, size_t n);
/*
 * 0 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF);
 * else -1 and *bad is the offset of the first bad byte.
 */
int utf8_check(const char *s, size_t len, size_t *bad);
/* Characters in UTF-8 text: bytes that do not continue a sequence. */
size_t utf8_chars(const char *s, size_t len);
/* Append code point cp (at most U+10FFFF; the caller checks) as UTF-8. */
void strbuf_add_utf8(struct strbuf *sb, uint32_t cp);

#endif
