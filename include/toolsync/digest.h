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

/* Call once before any libsodium use; exits 2 if libsodium cannot start. */
void crypto_init(void);

#endif
