/* SPDX-License-Identifier: Apache-2.0 */
/* digest.h: BLAKE2b digests (RFC 7693; what libsodium's crypto_generichash gives). */
#ifndef TOOLSYNC_DIGEST_H
#define TOOLSYNC_DIGEST_H

#include "toolsync/common.h"

#define DIGEST_HEX_SIZE 65  /* 64 hex digits and a NUL */

/* Unkeyed BLAKE2b of data with an outlen-byte digest (1 to 64) into out. */
void blake2b(unsigned char *out, size_t outlen, const void *data, size_t len);

/* BLAKE2b-256 of data, as lowercase hex: what `b2sum -l 256` prints. */
void blake2b256_hex(const void *data, size_t len, char out[DIGEST_HEX_SIZE]);

/*
 * BLAKE2b-256 of n messages, data[i] of len[i] bytes, as hex into out[i]:
 * the same as blake2b256_hex() on each, several at once (side by side in
 * SIMD lanes where the CPU has them; messages of about the same length
 * go together).
 */
void blake2b256_hex_many(size_t n, const void *const data[], const size_t len[],
			 char (*out)[DIGEST_HEX_SIZE]);

/*
 * How many messages blake2b256_hex_many() hashes at once: lanes (1, 4 or
 * 8), or fewer if the CPU lacks them; 0: the most it has.  crypto_init()
 * picks the most; tests ask for each.  Returns the width now in use.
 */
int digest_set_lanes(int lanes);

/* Call once before any libsodium use; exits 2 if libsodium cannot start. */
void crypto_init(void);

#endif
