/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sign.c: minisign-compatible Ed25519 keys and signatures (libsodium).
 *
 * The formats are minisign's own (jedisct1/minisign, src/minisign.h), so
 * `minisign -V` verifies what toolsync signs and toolsync signs with keys
 * made by `minisign -G`.  Secret material lives only in sodium_malloc'd
 * memory and is wiped when freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "toolsync/digest.h"
#include "toolsync/sign.h"
#include "toolsync/fsutil.h"

#define SIGALG "Ed"         /* legacy: Ed25519 over the message */
#define SIGALG_HASHED "ED"  /* Ed25519 over BLAKE2b-512 of the message */
#define KDFALG "Sc"         /* scrypt (crypto_pwhash_scryptsalsa208sha256) */
#define CHKALG "B2"         /* BLAKE2b-256 checksum of the secret key */
#define KEYNUM_BYTES 8

/* minisign's SeckeyStruct, byte for byte. */
struct seckey_file {
	unsigned char sig_alg[2];
	unsigned char kdf_alg[2];
	unsigned char chk_alg[2];
	unsigned char kdf_salt[crypto_pwhash_scryptsalsa208sha256_SALTBYTES];
	unsigned char kdf_opslimit_le[8];
	unsigned char kdf_memlimit_le[8];
	struct {
		unsigned char keynum[KEYNUM_BYTES];
		unsigned char sk[crypto_sign_SECRETKEYBYTES];
		unsigned char chk[crypto_generichash_BYTES];
	} keynum_sk;
};

struct sigblob {
	unsigned char sig_alg[2];
	unsigned char keynum[KEYNUM_BYTES];
	unsigned char sig[crypto_sign_BYTES];
};

struct pubkey_file {
	unsigned char sig_alg[2];
	unsigned char keynum[KEYNUM_BYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
};

static uint64_t le64_load(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void le64_store(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

void sign_keyid_format(struct strbuf *out, const unsigned char keynum[8])
{
	/* as minisign prints it: the key number read little-endian, in hex */
	strbuf_addf(out, "%" PRIX64, le64_load(keynum));
}

/* The "line"th line (0-based) of text, without its newline. */
static int nth_line(const char *text, size_t len, int line, const char **start, size_t *n)
{
	const char *p = text, *end = text + len;

	while (line-- > 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return -1;
		p = nl + 1;
	}
	*start = p;
	*n = (size_t)(end - p);
	if (memchr(p, '\n', *n))
		*n = (size_t)((const char *)memchr(p, '\n', *n) - p);
	if (*n && p[*n - 1] == '\r')
		(*n)--;
	return 0;
}

/* Decode base64 line into exactly want bytes; 0 or -1. */
static int b64_exact(const char *b64, size_t b64_len, unsigned char *out, size_t want)
{
	size_t got = 0;

	if (sodium_base642bin(out, want, b64, b64_len, NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) || got != want)
		return -1;
	return 0;
}

static void b64_add(struct strbuf *out, const void *bin, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);

	strbuf_grow(out, n);
	sodium_bin2base64(out->buf + out->len, n, bin, len, sodium_base64_VARIANT_ORIGINAL);
	strbuf_setlen(out, out->len + n - 1);
}

/* BLAKE2b-256 over sig_alg || keynum || sk, as minisign computes it. */
static void seckey_chk(const struct seckey_file *s, unsigned char chk[crypto_generichash_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES);
	crypto_generichash_update(&st, s->sig_alg, sizeof(s->sig_alg));
	crypto_generichash_update(&st, s->keynum_sk.keynum, sizeof(s->keynum_sk.keynum));
	crypto_generichash_update(&st, s->keynum_sk.sk, sizeof(s->keynum_sk.sk));
	crypto_generichash_final(&st, chk, crypto_generichash_BYTES);
	sodium_memzero(&st, sizeof(st));
}

/* XOR the key material with scrypt(password): encrypts and decrypts. */
static int kdf_xor(struct seckey_file *s, const char *password, size_t plen)
{
	unsigned char *stream = sodium_malloc(sizeof(s->keynum_sk));
	unsigned char *k = (unsigned char *)&s->keynum_sk;
	size_t i;
	int ret;

	if (!stream)
		return -1;
	ret = crypto_pwhash_scryptsalsa208sha256(stream, sizeof(s->keynum_sk), password, plen,
						 s->kdf_salt, le64_load(s->kdf_opslimit_le),
						 (size_t)le64_load(s->kdf_memlimit_le));
	for (i = 0; !ret && i < sizeof(s->keynum_sk); i++)
		k[i] ^= stream[i];
	sodium_free(stream);
	return ret;
}

/*
 * The password into buf (SIGN_PASSWORD_MAX bytes, sodium_malloc'd):
 * TOOLSYNC_PASSWORD, else asked on the terminal with echo off.
 */
int sign_read_password(char *buf, const char *prompt, struct strbuf *err)
{
	const char *env = getenv("TOOLSYNC_PASSWORD");
	struct termios old, quiet;
	int fd, n = 0, echo_off;
	char c;

	if (env) {
		if (strlen(env) >= SIGN_PASSWORD_MAX)
			return strbuf_addstr(err, "TOOLSYNC_PASSWORD is too long"), -1;
		memcpy(buf, env, strlen(env) + 1);
		return 0;
	}
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		strbuf_addstr(err, "no terminal to ask for the password on: set TOOLSYNC_PASSWORD");
		return -1;
	}
	echo_off = !tcgetattr(fd, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &quiet);
	if (write(fd, prompt, strlen(prompt)) < 0)
		n = -1;
	while (n >= 0 && read(fd, &c, 1) == 1 && c != '\n' && n < SIGN_PASSWORD_MAX - 1)
		buf[n++] = c;
	if (n >= 0)
		buf[n] = '\0';
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		n = -1;
	close(fd);
	if (n < 0)
		return strbuf_addstr(err, "cannot read the password from the terminal"), -1;
	return 0;
}

/*
 * A minisign secret key file is a comment line and 212 characters of
 * base64; a longer text is not one, and is not read on.
 */
#define SECKEY_TEXT_MAX 4096

/* The key file's text, never in plain heap memory (in struct sign_key's block). */
struct seckey_text {
	char *buf;       /* SECKEY_TEXT_MAX + 1 bytes, NUL-terminated */
	size_t len;
	unsigned mode;   /* the file's mode bits; 0 for the variable */
};

/*
 * The key, and while it loads the file's text and its decoded struct, in
 * one sodium_malloc'd block: each sodium_malloc costs an mmap, three
 * mprotects, a madvise and an mlock, each sodium_free four calls more
 * (about 70 us a pair on the 2-core VMs toolsync is measured on; it was
 * three blocks).  The loading parts are wiped as soon as the key is out.
 */
struct sign_key {
	unsigned char keynum[KEYNUM_BYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	struct seckey_file file;          /* while loading */
	char text[SECKEY_TEXT_MAX + 1];   /* while loading */
};

static int read_secret_fd(int fd, struct seckey_text *t)
{
	ssize_t n;

	while (t->len <= SECKEY_TEXT_MAX &&
	       (n = read(fd, t->buf + t->len, SECKEY_TEXT_MAX + 1 - t->len)) != 0) {
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0)
			t->len += (size_t)n;
	}
	return 0;
}

static int secret_text(const char *path, const char *name, struct seckey_text *t,
		       struct strbuf *err)
{
	const char *env = getenv("TOOLSYNC_SECRET_KEY");
	struct stat st;
	int fd;

	if (!path) {
		t->len = strlen(env);
		if (t->len <= SECKEY_TEXT_MAX)
			memcpy(t->buf, env, t->len);
	} else if ((fd = fs_open_file(NULL, path, NULL, FS_SECKEY, err)) < 0) {
		if (errno == ENOENT)   /* a new catalogue: keygen was not run yet */
			strbuf_addstr(err, " (make the key pair with 'toolsync keygen')");
		return -1;   /* a regular file, capped, never a FIFO to hang on */
	} else if (fstat(fd, &st) || read_secret_fd(fd, t)) {
		strbuf_addf(err, "cannot read secret key '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	} else {
		t->mode = (unsigned)(st.st_mode & 0777);
		close(fd);
	}
	if (t->len > SECKEY_TEXT_MAX) {
		strbuf_addf(err, "%s is not a minisign secret key (longer than %d bytes)", name,
			    SECKEY_TEXT_MAX);
		return -1;
	}
	t->buf[t->len] = '\0';
	return 0;
}

/*
 * A public key where the secret one belongs is a common slip; a secret key
 * file that others may read is refused, as ssh refuses such a key.
 */
static int check_secret_text(const struct seckey_text *text, const char *name, struct strbuf *err)
{
	struct sign_pubkey pub;
	struct strbuf ignored = STRBUF_INIT;
	unsigned mode = text->mode;
	int is_pub = !sign_pubkey_parse(&pub, text->buf, text->len, name, &ignored);

	strbuf_release(&ignored);
	if (is_pub) {
		strbuf_addf(err, "%s is a minisign public key; the secret key is needed to sign",
			    name);
		return -1;
	}
	if (mode & 077) {
		strbuf_addf(err, "secret key '%s' is readable by group or others (mode %03o): "
			    "run 'chmod 600 %s'", name, mode, name);
		return -1;
	}
	return 0;
}

/* Turn the message from mark on into "<name> is encrypted: <message>". */
static void prefix_error(struct strbuf *err, size_t mark, const char *name)
{
	char *why = xmemdupz(err->buf + mark, err->len - mark);

	strbuf_setlen(err, mark);
	strbuf_addf(err, "%s is encrypted: %s", name, why);
	free(why);
}

/* Decrypt (if needed) and check the key; 0, or -1 with err. */
static int open_seckey(struct seckey_file *s, const char *name, struct strbuf *err)
{
	static const unsigned char zero[crypto_generichash_BYTES];
	unsigned char chk[crypto_generichash_BYTES];
	char *password = NULL;
	int encrypted = !memcmp(s->kdf_alg, KDFALG, 2), ret = 0;
	size_t mark = err->len;

	if (memcmp(s->sig_alg, SIGALG, 2) || memcmp(s->chk_alg, CHKALG, 2) ||
	    (!encrypted && (s->kdf_alg[0] || s->kdf_alg[1]))) {
		strbuf_addf(err, "%s is not a minisign secret key (unknown algorithms)", name);
		return -1;
	}
	if (encrypted) {
		if (!(password = sodium_malloc(SIGN_PASSWORD_MAX))) {
			strbuf_addstr(err, "cannot allocate secure memory");
			return -1;
		}
		if (sign_read_password(password, "Password: ", err)) {
			ret = -1;
			prefix_error(err, mark, name);
		} else if (kdf_xor(s, password, strlen(password))) {
			strbuf_addstr(err, "cannot derive the key from the password (scrypt: out of memory?)");
			ret = -1;
		}
		sodium_free(password);
		if (ret)
			return -1;
	}
	seckey_chk(s, chk);
	/* minisign -W writes an all-zero checksum for unencrypted keys */
	if (sodium_memcmp(chk, s->keynum_sk.chk, sizeof(chk)) &&
	    (encrypted || sodium_memcmp(zero, s->keynum_sk.chk, sizeof(chk)))) {
		strbuf_addf(err, encrypted ? "wrong password for %s" : "%s is corrupt (checksum mismatch)", name);
		ret = -1;
	}
	sodium_memzero(chk, sizeof(chk));
	return ret;
}

struct sign_key *sign_key_load(const char *path, struct strbuf *err)
{
	struct sign_key *key = sodium_malloc(sizeof(*key));
	const char *name = path ? path : "TOOLSYNC_SECRET_KEY", *line;
	struct seckey_text text = { NULL, 0, 0 };
	struct seckey_file *s;
	size_t n;

	if (!key) {
		strbuf_addstr(err, "cannot allocate secure memory");
		return NULL;
	}
	s = &key->file;
	text.buf = key->text;
	if (secret_text(path, name, &text, err) || check_secret_text(&text, name, err))
		goto fail;
	if (nth_line(text.buf, text.len, 1, &line, &n) ||
	    b64_exact(line, n, (unsigned char *)s, sizeof(*s))) {
		/* the usual slip: the key file's name where its contents belong */
		if (!path && !memchr(text.buf, '\n', text.len))
			strbuf_addstr(err, "TOOLSYNC_SECRET_KEY is not a minisign secret key: it "
				      "holds one line, and a key file has two (it takes the "
				      "file's contents, TOOLSYNC_SECRET_KEY=\"$(cat FILE)\", "
				      "not its name; or give --key FILE)");
		else
			strbuf_addf(err, "%s is not a minisign secret key", name);
		goto fail;
	}
	if (open_seckey(s, name, err))
		goto fail;
	memcpy(key->keynum, s->keynum_sk.keynum, sizeof(key->keynum));
	memcpy(key->sk, s->keynum_sk.sk, sizeof(key->sk));
	sodium_memzero(&key->file, sizeof(key->file));
	sodium_memzero(key->text, sizeof(key->text));
	return key;
fail:
	sodium_free(key);   /* wipes */
	return NULL;
}

void sign_key_public(const struct sign_key *key, struct sign_pubkey *pub)
{
	memcpy(pub->keyid, key->keynum, sizeof(pub->keyid));
	crypto_sign_ed25519_sk_to_pk(pub->pk, key->sk);
}

void sign_key_free(struct sign_key *key)
{
	if (key)
		sodium_free(key);   /* wipes */
}

void sign_prehash(unsigned char hash[SIGN_PREHASH_SIZE], const void *data, size_t len)
{
	blake2b(hash, SIGN_PREHASH_SIZE, data, len);
}

void sign_detached_prehashed(const struct sign_key *key, const unsigned char hash[SIGN_PREHASH_SIZE],
			     const char *trusted_comment, struct strbuf *out)
{
	unsigned char *global_msg;
	unsigned char global[crypto_sign_BYTES];
	struct sigblob blob;
	size_t tlen = strlen(trusted_comment);

	memcpy(blob.sig_alg, SIGALG_HASHED, 2);
	memcpy(blob.keynum, key->keynum, sizeof(blob.keynum));
	crypto_sign_detached(blob.sig, NULL, hash, SIGN_PREHASH_SIZE, key->sk);
	/* the global signature covers the signature and the trusted comment */
	global_msg = xmalloc(sizeof(blob.sig) + tlen);
	memcpy(global_msg, blob.sig, sizeof(blob.sig));
	memcpy(global_msg + sizeof(blob.sig), trusted_comment, tlen);
	crypto_sign_detached(global, NULL, global_msg, sizeof(blob.sig) + tlen, key->sk);
	free(global_msg);
	strbuf_addstr(out, "untrusted comment: signature from toolsync secret key\n");
	b64_add(out, &blob, sizeof(blob));
	strbuf_addf(out, "\ntrusted comment: %s\n", trusted_comment);
	b64_add(out, global, sizeof(global));
	strbuf_addch(out, '\n');
}

void sign_detached(const struct sign_key *key, const void *data, size_t len,
		   const char *trusted_comment, struct strbuf *out)
{
	unsigned char hash[SIGN_PREHASH_SIZE];

	sign_prehash(hash, data, len);
	sign_detached_prehashed(key, hash, trusted_comment, out);
}

/*
 * "file:<name>", as minisign -t would be given it.  A timestamp would make
 * every build's signature differ, so there is one only when the build is
 * pinned to SOURCE_DATE_EPOCH (reproducible-builds.org's convention).
 */
void sign_trusted_comment(struct strbuf *out, const char *file_name)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");

	if (epoch && *epoch && strspn(epoch, "0123456789") == strlen(epoch) && strlen(epoch) < 20)
		strbuf_addf(out, "timestamp:%s\tfile:%s", epoch, file_name);
	else
		strbuf_addf(out, "file:%s", file_name);
}

int sign_comment_names(const char *tc, size_t len, const char *file_name)
{
	size_t n = strlen(file_name);
	const char *end = tc + len, *field, *tab;

	for (field = tc; field < end; field = tab + 1) {
		tab = memchr(field, '\t', (size_t)(end - field));
		if (!tab)
			tab = end;
		if ((size_t)(tab - field) == 5 + n && !memcmp(field, "file:", 5) &&
		    !memcmp(field + 5, file_name, n))
			return 1;
	}
	return 0;
}

int sign_pubkey_parse(struct sign_pubkey *pub, const char *text, size_t len,
		      const char *file, struct strbuf *err)
{
	struct pubkey_file pk;
	const char *line;
	size_t n;
	int i;

	/* a key file has a comment line first; a bare base64 line is taken too */
	for (i = 0; i < 2; i++)
		if (!nth_line(text, len, i, &line, &n) && !b64_exact(line, n, (unsigned char *)&pk, sizeof(pk)))
			break;
	if (i == 2 || memcmp(pk.sig_alg, SIGALG, 2)) {
		/* a secret key where the public one belongs: told by its length alone,
		 * nothing of it decoded */
		if (!nth_line(text, len, 1, &line, &n) &&
		    n == 4 * ((sizeof(struct seckey_file) + 2) / 3))
			strbuf_addf(err, "%s is a minisign secret key, not a public key: give "
				    "the public key keygen wrote with it (toolsync.pub by default)",
				    file);
		else
			strbuf_addf(err, "%s is not a minisign public key", file);
		return -1;
	}
	memcpy(pub->keyid, pk.keynum, sizeof(pub->keyid));
	memcpy(pub->pk, pk.pk, sizeof(pub->pk));
	return 0;
}

/* The four lines of a .minisig; 0 or -1 (malformed). */
static int parse_sig(const char *text, size_t len, struct sigblob *blob, const char **tc,
		     size_t *tc_len, unsigned char global[crypto_sign_BYTES])
{
	static const char prefix[] = "trusted comment: ";
	const char *line;
	size_t n;

	if (nth_line(text, len, 1, &line, &n) || b64_exact(line, n, (unsigned char *)blob, sizeof(*blob)))
		return -1;
	if (nth_line(text, len, 2, &line, &n) || n < sizeof(prefix) - 1 ||
	    memcmp(line, prefix, sizeof(prefix) - 1))
		return -1;
	*tc = line + sizeof(prefix) - 1;
	*tc_len = n - (sizeof(prefix) - 1);
	if (nth_line(text, len, 3, &line, &n) || b64_exact(line, n, global, crypto_sign_BYTES))
		return -1;
	return 0;
}

int sign_verify_prehashed(const struct sign_pubkey *pub, const void *data, size_t len,
			  const unsigned char *prehash, const char *sig_text, size_t sig_len,
			  struct strbuf *trusted, struct strbuf *err)
{
	unsigned char hash[SIGN_PREHASH_SIZE], global[crypto_sign_BYTES], *msg;
	struct sigblob blob;
	const char *tc;
	size_t tc_len;
	int ok;

	if (parse_sig(sig_text, sig_len, &blob, &tc, &tc_len, global) ||
	    (memcmp(blob.sig_alg, SIGALG_HASHED, 2) && memcmp(blob.sig_alg, SIGALG, 2))) {
		strbuf_addstr(err, "malformed signature file");
		return -1;
	}
	if (memcmp(blob.keynum, pub->keyid, sizeof(blob.keynum))) {
		strbuf_addstr(err, "signed by key ");
		sign_keyid_format(err, blob.keynum);
		strbuf_addstr(err, ", not by the given public key ");
		sign_keyid_format(err, pub->keyid);
		return 1;
	}
	if (!memcmp(blob.sig_alg, SIGALG_HASHED, 2)) {
		if (!prehash)
			sign_prehash(hash, data, len);
		ok = !crypto_sign_verify_detached(blob.sig, prehash ? prehash : hash,
						  SIGN_PREHASH_SIZE, pub->pk);
	} else {
		ok = !crypto_sign_verify_detached(blob.sig, data, len, pub->pk);
	}
	if (!ok) {
		strbuf_addstr(err, "signature does not match the file");
		return 1;
	}
	msg = xmalloc(sizeof(blob.sig) + tc_len);
	memcpy(msg, blob.sig, sizeof(blob.sig));
	memcpy(msg + sizeof(blob.sig), tc, tc_len);
	ok = !crypto_sign_verify_detached(global, msg, sizeof(blob.sig) + tc_len, pub->pk);
	free(msg);
	if (!ok) {
		strbuf_addstr(err, "the trusted comment was altered");
		return 1;
	}
	if (trusted)
		strbuf_add(trusted, tc, tc_len);
	return 0;
}

int sign_verify(const struct sign_pubkey *pub, const void *data, size_t len,
		const char *sig_text, size_t sig_len, struct strbuf *trusted,
		struct strbuf *err)
{
	return sign_verify_prehashed(pub, data, len, NULL, sig_text, sig_len, trusted, err);
}

/*
 * A new key pair as the texts of the two files.  password NULL leaves the
 * secret key unencrypted (minisign -W).  The secret text is in
 * sodium_malloc'd memory the caller frees with sodium_free.
 */
int sign_keygen(struct strbuf *pub_text, char **sec_text, size_t *sec_len,
		const char *password, uint64_t opslimit, uint64_t memlimit, struct strbuf *err)
{
	struct seckey_file *s = sodium_malloc(sizeof(*s));
	struct pubkey_file pk;
	size_t n = sodium_base64_ENCODED_LEN(sizeof(*s), sodium_base64_VARIANT_ORIGINAL);
	static const char head[] = "untrusted comment: minisign encrypted secret key\n";

	if (!s || !(*sec_text = sodium_malloc(sizeof(head) + n + 1))) {
		strbuf_addstr(err, "cannot allocate secure memory");
		if (s)
			sodium_free(s);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	memcpy(s->sig_alg, SIGALG, 2);
	memcpy(s->chk_alg, CHKALG, 2);
	randombytes_buf(s->keynum_sk.keynum, sizeof(s->keynum_sk.keynum));
	crypto_sign_keypair(pk.pk, s->keynum_sk.sk);
	seckey_chk(s, s->keynum_sk.chk);
	/* the public key before encryption scrambles the key number */
	memcpy(pk.sig_alg, SIGALG, 2);
	memcpy(pk.keynum, s->keynum_sk.keynum, sizeof(pk.keynum));
	if (password) {
		memcpy(s->kdf_alg, KDFALG, 2);
		randombytes_buf(s->kdf_salt, sizeof(s->kdf_salt));
		le64_store(s->kdf_opslimit_le, opslimit);
		le64_store(s->kdf_memlimit_le, memlimit);
		if (kdf_xor(s, password, strlen(password))) {
			strbuf_addstr(err, "scrypt failed (not enough memory for its memlimit?)");
			sodium_free(s);
			sodium_free(*sec_text);
			return -1;
		}
	}
	memcpy(*sec_text, head, sizeof(head) - 1);
	sodium_bin2base64(*sec_text + sizeof(head) - 1, n, (unsigned char *)s, sizeof(*s),
			  sodium_base64_VARIANT_ORIGINAL);
	*sec_len = strlen(*sec_text);
	(*sec_text)[(*sec_len)++] = '\n';
	(*sec_text)[*sec_len] = '\0';
	strbuf_addstr(pub_text, "untrusted comment: minisign public key ");
	sign_keyid_format(pub_text, pk.keynum);
	strbuf_addch(pub_text, '\n');
	b64_add(pub_text, &pk, sizeof(pk));
	strbuf_addch(pub_text, '\n');
	sodium_free(s);
	return 0;
}
