/* SPDX-License-Identifier: Apache-2.0 */
/* prev_index.c: the old index.json, trusted or not (see prev_index.h). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "toolsync/prev_index.h"
#include "toolsync/fsutil.h"

/*
 * index.json.minisig under dir_fd, read as every input is (no link, a
 * regular file, never a FIFO, capped).  A file that cannot be read is
 * only a reason to read the manifests: no message.
 */
static int read_signature(int dir_fd, struct strbuf *sb)
{
	struct strbuf err = STRBUF_INIT;
	int ret = fs_read_file_at(sb, dir_fd, INDEX_FILE ".minisig", INDEX_FILE ".minisig",
				  FS_SIGNATURE, &err), e = errno;

	strbuf_release(&err);
	errno = e;
	return ret;
}

/*
 * 1 when the index may be trusted: signed by this key, or unsigned; *same_tc
 * says whether its trusted comment is the one this build would write.
 */
static int index_trusted(const struct prev_index *p, const struct strbuf *index,
			 const struct sign_key *key, int *same_tc)
{
	struct strbuf sig = STRBUF_INIT, tc = STRBUF_INIT, want = STRBUF_INIT, err = STRBUF_INIT;
	struct sign_pubkey pub;
	int ok;

	*same_tc = 0;
	if (read_signature(p->dir_fd, &sig))
		return errno == ENOENT;   /* unsigned */
	ok = key != NULL;
	if (ok) {
		sign_key_public(key, &pub);
		ok = sign_verify_prehashed(&pub, index->buf, index->len, p->text_hash, sig.buf,
					   sig.len, &tc, &err) == 0;
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

void prev_index_open(struct prev_index *p, const char *out, const struct sign_key *key,
		     const struct strbuf *text, const struct stat *st,
		     const struct index *parsed)
{
	int same_tc;

	*p = (struct prev_index)PREV_INDEX_INIT;
	p->dir_fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!text || p->dir_fd < 0)
		return;
	p->subs = xmalloc(sizeof(*p->subs));
	dirfds_init(p->subs, p->dir_fd);
	p->have_text = 1;
	p->text_size = text->len;
	sign_prehash(p->text_hash, text->buf, text->len);
	p->parsed = parsed;
	if (parsed && index_trusted(p, text, key, &same_tc)) {
		p->trusted = 1;
		p->mtime = st->st_mtim;
		p->sigs_kept = key && same_tc;
	}
}

void prev_index_release(struct prev_index *p)
{
	if (p->subs) {
		dirfds_release(p->subs);
		free(p->subs);
	}
	if (p->dir_fd >= 0)
		close(p->dir_fd);
	*p = (struct prev_index)PREV_INDEX_INIT;
}

const struct index_entry *prev_index_find(const struct prev_index *p, const char *rel)
{
	return p->trusted ? index_find(p->parsed, rel) : NULL;
}

int prev_index_same_entries(const struct prev_index *p, const struct index *ix,
			    unsigned char hash[SIGN_PREHASH_SIZE])
{
	if (!p->have_text || !p->parsed || !p->parsed->own_layout || !index_same(p->parsed, ix))
		return 0;
	memcpy(hash, p->text_hash, SIGN_PREHASH_SIZE);
	return 1;
}

int prev_index_same_text(const struct prev_index *p, size_t len,
			 const unsigned char hash[SIGN_PREHASH_SIZE])
{
	return p->have_text && p->text_size == len &&
	       !memcmp(hash, p->text_hash, SIGN_PREHASH_SIZE);
}

/*
 * Strictly older: file times tick coarsely (a few ms), so a file written
 * in the same tick as index.json, even edited after it, is read instead.
 */
static int older(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

const struct index_entry *prev_index_same(const struct prev_index *p, const char *rel,
					  uint64_t size, const unsigned char *blake2b)
{
	const struct index_entry *e = prev_index_find(p, rel);
	const char *name;
	struct stat st;
	int fd;

	if (!e || (blake2b && (e->size != size || memcmp(e->blake2b, blake2b, DIGEST_SIZE))))
		return NULL;
	fd = dirfds_at(p->subs, rel, &name);
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != e->size || !older(&st.st_mtim, &p->mtime))
		return NULL;
	return e;
}
