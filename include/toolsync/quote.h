/* SPDX-License-Identifier: Apache-2.0 */
/*
 * quote.h: the one way a user value reaches a message or a report.
 *
 * Keys, roles, standards, env values, file names, libpq's text: anything
 * that came from an input may hold a control character (an escape
 * sequence, a newline that starts a "::warning::" workflow command),
 * invalid UTF-8 (an unreadable JSON or SARIF report), an API key or a
 * password (secret.h), or a megabyte of text.  quote_add() shows it
 * safely: secrets masked, control characters and invalid UTF-8 bytes as
 * \xHH, and values cut after QUOTE_MAX characters with "...".
 */
#ifndef TOOLSYNC_QUOTE_H
#define TOOLSYNC_QUOTE_H

#include "toolsync/strbuf.h"

/* Values longer than this many characters are cut (keys are at most 64). */
#define QUOTE_MAX 80

/*
 * Append s[0, len) to out as messages show it, cut after max characters
 * (0: never cut; whole messages and report fields are not).
 */
void quote_add(struct strbuf *out, const char *s, size_t len, size_t max);

/*
 * The length of the character at s (len > 0) if a message may show it as
 * it is (valid UTF-8, not a control character), else 0.
 */
size_t quote_printable(const char *s, size_t len);

/*
 * s (NUL-terminated) as quote_add(.., QUOTE_MAX) shows it, for printf
 * arguments: the result lives in one of QUOTE_RING static buffers, valid
 * until QUOTE_RING more calls of the same thread (each has its own).  At
 * most QUOTE_RING per message.
 */
#define QUOTE_RING 8
const char *quote_show(const char *s);
/* The same for s[0, len). */
const char *quote_show_n(const char *s, size_t len);
/*
 * The same, never cut: a path a command names in what it prints (the
 * output directory, a file written), whatever the configuration said.
 */
const char *quote_path(const char *s);
/* Free the calling thread's buffers: a thread other than main, before it ends. */
void quote_release_thread(void);

#endif
