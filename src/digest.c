/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c: BLAKE2b-256 hex digests. */
#include <sodium.h>

#include "toolsync/digest.h"

void crypto_init(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "toolsync: error: cannot initialise libsodium\n");
		exit(EXIT_ERROR);
	}
}

void blake2b256_hex(const void *data, size_t len, char out[DIGEST_HEX_SIZE])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, DIGEST_HEX_SIZE, h, sizeof(h));
}
