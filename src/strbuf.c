/* SPDX-License-Identifier: Apache-2.0 */
/* strbuf.c: growable buffers; see strbuf.h. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/strbuf.h"

/* Empty buffers point here, so buf is never NULL and never needs a check. */
char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->buf = strbuf_slopbuf;
	sb->len = sb->alloc = 0;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	strbuf_grow(sb, 0);
	res = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return res;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	int fresh = !sb->alloc;
	size_t want = st_add(st_add(sb->len, extra), 1);

	if (want <= sb->alloc)
		return;
	sb->alloc = want < 64 ? 64 : want;
	if (sb->alloc < want + want / 2 && want < SIZE_MAX / 2)
		sb->alloc = want + want / 2;
	if (fresh || !sb->len) {
		/* an emptied buffer: what it held is not copied (a build's job buffers) */
		if (!fresh)
			free(sb->buf);
		sb->buf = xrealloc(NULL, sb->alloc);
		sb->buf[0] = '\0';
		return;
	}
	sb->buf = xrealloc(sb->buf, sb->alloc);
}

void strbuf_attach(struct strbuf *sb, char *buf, size_t len, size_t alloc)
{
	if (len >= alloc)
		BUG("strbuf_attach: %zu bytes in a buffer of %zu", len, alloc);
	strbuf_release(sb);
	sb->buf = buf;
	sb->len = len;
	sb->alloc = alloc;
	sb->buf[len] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > (sb->alloc ? sb->alloc - 1 : 0))
		BUG("strbuf_setlen(%zu) beyond allocation", len);
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other)
{
	strbuf_add(sb, other->buf, other->len);
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
	if (!n)
		return;
	strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	strbuf_setlen(sb, sb->len + n);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed for '%s'", fmt);
	if (sb->len + (size_t)n + 1 > sb->alloc) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	strbuf_setlen(sb, sb->len + (size_t)n);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

int strbuf_read_fd(struct strbuf *sb, int fd)
{
	size_t old = sb->len;
	struct stat st;

	/* a file's size, read in one go: no 8 KiB steps, no doubling copies */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < SIZE_MAX / 2)
		strbuf_grow(sb, (size_t)st.st_size + 1);
	for (;;) {
		ssize_t n;

		if (sb->alloc - sb->len <= 1)
			strbuf_grow(sb, 8192);
		n = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n == 0)
			return 0;
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			strbuf_setlen(sb, old);
			errno = e;
			return -1;
		}
		strbuf_setlen(sb, sb->len + (size_t)n);
	}
}

void strbuf_rtrim(struct strbuf *sb)
{
	while (sb->len && strchr(" \t\r\n", sb->buf[sb->len - 1]))
		sb->len--;
	strbuf_setlen(sb, sb->len);
}

int strbuf_cmp(const struct strbuf *a, const struct strbuf *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->buf, b->buf, n);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len != b->len;
}

int str_in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}
