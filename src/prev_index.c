/* SPDX-License-Identifier: Apache-2.0 */
/* prev_index.c: the old index.json, trusted or not (see prev_index.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/prev_index.h"
#include "toolsync/fsutil.h"

/*
 * index.json (or its signature) under dir_fd, read as every input is (no
 * link, a regular file, never a FIFO, capped); st is the file's.  A file
 * that cannot be read is only a reason to read the manifests: no message.
 */
static int read_at(int dir_fd, const char *name, enum fs_kind kind, struct strbuf *sb,
		   struct stat *st)
{
	struct strbuf err = STRBUF_INIT;
	int fd = fs_open_file_at(dir_fd, name, name, kind, &err), ret = -1, e;

	if (fd >= 0 && !fstat(fd, st))
		ret = fs_read_fd(sb, fd, name, kind, &err);
	e = errno;
	if (fd >= 0)
		close(fd);
	strbuf_release(&err);
	errno = e;
	return ret;
}

/*
 * 1 when the index may be trusted: signed by this key, or unsigned; *same_tc
 * says whether its trusted comment is the one this build would write.
 */
static int index_trusted(int dir_fd, const struct strbuf *index, const struct sign_key *key,
			 int *same_tc)
{
	struct strbuf sig = STRBUF_INIT, tc = STRBUF_INIT, want = STRBUF_INIT, err = STRBUF_INIT;
	struct sign_pubkey pub;
	struct stat st;
	int ok;

	*same_tc = 0;
	if (read_at(dir_fd, INDEX_FILE ".minisig", FS_SIGNATURE, &sig, &st))
		return errno == ENOENT;   /* unsigned */
	ok = key != NULL;
	if (ok) {
		sign_key_public(key, &pub);
		ok = sign_verify(&pub, index->buf, index->len, sig.buf, sig.len, &tc, &err) == 0;
	}
	if (ok) {
		sign_trusted_comment(&want, INDEX_FILE);
		*same_tc = !strbuf_cmp(&tc, &want);
	}
	strbuf_release(&sig);
	strbuf_release(&tc);
	strbuf_release(&want);
	strbuf_release(&err);
	return ok;
}

/* Parse quietly: a bad old index is only a reason to read files. */
static int parse_quietly(struct index *ix, const struct strbuf *text, const char *file)
{
	struct diag d = DIAG_INIT;
	int ret;

	if (!(d.out = fopen("/dev/null", "w")))
		return -1;
	ret = index_parse(ix, text->buf, text->len, file, &d);
	diag_drop_source(file);
	fclose(d.out);
	return ret;
}

void prev_index_open(struct prev_index *p, const char *out, const struct sign_key *key,
		     struct index *parsed)
{
	struct strbuf text = STRBUF_INIT;
	char *file = path_join(out, INDEX_FILE);
	struct stat st;
	int same_tc;

	*p = (struct prev_index)PREV_INDEX_INIT;
	p->dir_fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dir_fd >= 0 && !read_at(p->dir_fd, INDEX_FILE, FS_INDEX, &text, &st)) {
		p->have_text = 1;
		p->text_size = text.len;
		blake2b256_hex(text.buf, text.len, p->text_blake2b);
	}
	if (parsed && parsed->n) {
		p->ix = *parsed;
		memset(parsed, 0, sizeof(*parsed));
	}
	if (p->have_text && index_trusted(p->dir_fd, &text, key, &same_tc) &&
	    (p->ix.n || !parse_quietly(&p->ix, &text, path_intern(file)))) {
		p->mtime = st.st_mtim;
		p->sigs_kept = key && same_tc;
	} else {
		index_release(&p->ix);
	}
	strbuf_release(&text);
	free(file);
}

void prev_index_release(struct prev_index *p)
{
	index_release(&p->ix);
	if (p->dir_fd >= 0)
		close(p->dir_fd);
	*p = (struct prev_index)PREV_INDEX_INIT;
}

/*
 * Strictly older: file times tick coarsely (a few ms), so a file written
 * in the same tick as index.json, even edited after it, is read instead.
 */
void prev_index_drop_entries(struct prev_index *p)
{
	index_release(&p->ix);
}

int prev_index_same_text(const struct prev_index *p, const void *data, size_t len)
{
	char hex[DIGEST_HEX_SIZE];

	if (!p->have_text || p->text_size != len)
		return 0;
	blake2b256_hex(data, len, hex);
	return !strcmp(hex, p->text_blake2b);
}

static int older(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

const struct index_entry *prev_index_same(const struct prev_index *p, const char *rel,
					  uint64_t size, const char *blake2b)
{
	const struct index_entry *e = index_find(&p->ix, rel);
	struct stat st;

	if (!e || (blake2b && (e->size != size || !index_digest_is(e->blake2b, blake2b))))
		return NULL;
	if (fstatat(p->dir_fd, rel, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != e->size || !older(&st.st_mtim, &p->mtime))
		return NULL;
	return e;
}
