/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sign.h: minisign-compatible Ed25519 keys and signatures (libsodium).
 *
 * Formats are minisign's (see docs/signing.md):
 *   public key:  "untrusted comment: ...\n" base64("Ed" keyid[8] pk[32]) "\n"
 *   secret key:  "untrusted comment: ...\n" base64(sig_alg "Ed", kdf_alg
 *                "Sc" or 0,0, chk_alg "B2", salt[32], opslimit u64le,
 *                memlimit u64le, keynum_sk{keyid[8] sk[64] chk[32]} xored
 *                with scrypt(password)) "\n"
 *   signature:   "untrusted comment: ...\n" base64("ED" keyid[8] sig[64]) "\n"
 *                "trusted comment: ...\n" base64(global_sig[64]) "\n"
 * where "ED" signs BLAKE2b-512(file) and global_sig signs sig || comment.
 */
#ifndef TOOLSYNC_SIGN_H
#define TOOLSYNC_SIGN_H

#include "toolsync/strbuf.h"

struct sign_key;   /* secret key, held in sodium_malloc'd memory */

/*
 * Load the secret key: from path, or when path is NULL from the
 * environment variable TOOLSYNC_SECRET_KEY (the key file's contents).
 * Encrypted keys take the password from TOOLSYNC_PASSWORD, else the
 * terminal.  A key file readable by group or others is refused.
 * NULL with a message in err (never containing secret material).
 */
struct sign_key *sign_key_load(const char *path, struct strbuf *err);
void sign_key_free(struct sign_key *key);

/*
 * Append a complete .minisig file for data to out.  trusted_comment is the
 * comment text (e.g. "file:index.json"); when SOURCE_DATE_EPOCH is set,
 * " timestamp:<it>" is appended to it by the caller, not here.
 */
void sign_detached(const struct sign_key *key, const void *data, size_t len,
		   const char *trusted_comment, struct strbuf *out);

/*
 * What an "ED" signature signs: BLAKE2b-512 of the data (minisign's
 * prehash).  A caller that has it already (a large index.json, hashed
 * once to check its old signature and to compare it) signs and verifies
 * with it instead of hashing the bytes again.
 */
#define SIGN_PREHASH_SIZE 64
void sign_prehash(unsigned char hash[SIGN_PREHASH_SIZE], const void *data, size_t len);
/* sign_detached() of the data whose prehash is hash. */
void sign_detached_prehashed(const struct sign_key *key, const unsigned char hash[SIGN_PREHASH_SIZE],
			     const char *trusted_comment, struct strbuf *out);

/* The trusted comment toolsync writes for a file name (see sign.c). */
void sign_trusted_comment(struct strbuf *out, const char *file_name);
/*
 * 1 if the trusted comment tc (len bytes) has the field "file:<file_name>"
 * among its tab-separated fields, as toolsync and minisign write it
 * ("timestamp:...<TAB>file:index.json<TAB>hashed"), else 0.  A signature
 * is only as good as the file name it was made for: another file signed
 * with the same key (a tools/x.json.minisig) verifies its own bytes too.
 */
int sign_comment_names(const char *tc, size_t len, const char *file_name);

struct sign_pubkey {
	unsigned char keyid[8];
	unsigned char pk[32];
};

/* The public half of a secret key (what verifies its signatures). */
void sign_key_public(const struct sign_key *key, struct sign_pubkey *pub);

/* Parse a minisign public key file's text. 0, or -1 with a message in err. */
int sign_pubkey_parse(struct sign_pubkey *pub, const char *text, size_t len,
		      const char *file, struct strbuf *err);

/*
 * Verify sig_text (a .minisig) over data: "ED" (prehashed) and legacy "Ed".
 * 0 valid; 1 invalid (reason in err); -1 malformed signature (reason in err).
 * On success the trusted comment is appended to trusted (may be NULL).
 */
int sign_verify(const struct sign_pubkey *pub, const void *data, size_t len,
		const char *sig_text, size_t sig_len, struct strbuf *trusted,
		struct strbuf *err);

/*
 * sign_verify() with data's prehash given (NULL: made here); a legacy
 * "Ed" signature is checked over data itself.
 */
int sign_verify_prehashed(const struct sign_pubkey *pub, const void *data, size_t len,
			  const unsigned char *prehash, const char *sig_text, size_t sig_len,
			  struct strbuf *trusted, struct strbuf *err);

/* A key id as minisign prints it (the key number read little-endian, hex). */
void sign_keyid_format(struct strbuf *out, const unsigned char keynum[8]);

#define SIGN_PASSWORD_MAX 1024

/*
 * The password into buf (SIGN_PASSWORD_MAX bytes, sodium_malloc'd by the caller):
 * TOOLSYNC_PASSWORD, else asked on /dev/tty with echo off.  0 or -1 + err.
 */
int sign_read_password(char *buf, const char *prompt, struct strbuf *err);

/*
 * A new key pair, as the texts of the two files.  With password NULL the
 * secret key is not encrypted (minisign -W); else scrypt with opslimit and
 * memlimit (minisign's defaults: 33554432 and 1073741824).  *sec_text is
 * sodium_malloc'd (free it with sodium_free).  0, or -1 with err.
 */
int sign_keygen(struct strbuf *pub_text, char **sec_text, size_t *sec_len,
		const char *password, uint64_t opslimit, uint64_t memlimit, struct strbuf *err);

#endif
