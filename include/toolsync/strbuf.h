/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strbuf.h: growable byte buffers, after git's strbuf.
 *
 * buf is never NULL and always NUL-terminated, so it can be passed to
 * functions that want a C string.  It may hold NUL bytes; len is the truth.
 *
 *	struct strbuf sb = STRBUF_INIT;
 *	strbuf_addf(&sb, "%s:%d", file, line);
 *	puts(sb.buf);
 *	strbuf_release(&sb);
 */
#ifndef TOOLSYNC_STRBUF_H
#define TOOLSYNC_STRBUF_H

#include "toolsync/common.h"
#include "toolsync/utf8.h"

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { strbuf_slopbuf, 0, 0 }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Free the contents; sb is left as STRBUF_INIT. */
void strbuf_release(struct strbuf *sb);
/* Give the buffer away: the caller frees it; sb is left as STRBUF_INIT. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
/*
 * Take buf (from malloc, alloc bytes, holding len of them; len < alloc)
 * as sb's contents: a buffer sized exactly, where strbuf_grow() would
 * leave half as much again spare.  What sb held is released.
 */
void strbuf_attach(struct strbuf *sb, char *buf, size_t len, size_t alloc);
void strbuf_setlen(struct strbuf *sb, size_t len);
static inline void strbuf_reset(struct strbuf *sb) { strbuf_setlen(sb, 0); }

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
/* Inline: the JSON writer calls this for every punctuation byte. */
static inline void strbuf_addch(struct strbuf *sb, int c)
{
	if (sb->len + 1 >= sb->alloc)
		strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
TS_PRINTF(2, 3) void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/*
 * Append everything from fd until EOF; -1 with errno set on failure.
 * Input files are read with fs_read_file() (fsutil.h), never opened here.
 */
int strbuf_read_fd(struct strbuf *sb, int fd);

/* Remove trailing white space (spaces, tabs, CR, LF). */
void strbuf_rtrim(struct strbuf *sb);
int strbuf_cmp(const struct strbuf *a, const struct strbuf *b);
/* 1 if s is one of list[0..n), else 0. */
int str_in_list(const char *s, const char *const *list, size_t n);


#endif
