/* SPDX-License-Identifier: Apache-2.0 */
/*
 * digest.c: BLAKE2b digests.
 *
 * BLAKE2b is written out here (RFC 7693) rather than taken from
 * libsodium's crypto_generichash: after sodium_init() libsodium picks its
 * AVX2 code, which on the 2-core VMs toolsync is measured on hashes a
 * 3 KB manifest at about half the speed of plain 64-bit C (450 against
 * 950 MB/s, docs/performance.md), and a build hashes every manifest two
 * or three times.  tests/unit/check_support.c checks it against
 * libsodium for every length up to several blocks.
 */
#include <sodium.h>

#include "toolsync/digest.h"

void crypto_init(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "toolsync: error: cannot initialise libsodium\n");
		exit(EXIT_ERROR);
	}
}

#define BLOCK 128

/* The SHA-512 initial values (RFC 7693, 2.6). */
static const uint64_t blake2b_iv[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
	0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
	0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* The message schedule (RFC 7693, 2.7): round i uses row i mod 10. */
static const unsigned char blake2b_sigma[10][16] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
	{ 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
	{ 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
	{ 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
	{ 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
	{ 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
	{ 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
	{ 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
	{ 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
};

static inline uint64_t rotr64(uint64_t x, int n)
{
	return (x >> n) | (x << (64 - n));
}

/* The message words are little-endian. */
static void load_block(uint64_t m[16], const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(m, p, BLOCK);
#else
	int i, k;

	for (i = 0; i < 16; i++)
		for (m[i] = 0, k = 7; k >= 0; k--)
			m[i] = m[i] << 8 | p[8 * i + k];
#endif
}

#define G(a, b, c, d, x, y) do { \
	v[a] += v[b] + (x); v[d] = rotr64(v[d] ^ v[a], 32); \
	v[c] += v[d];       v[b] = rotr64(v[b] ^ v[c], 24); \
	v[a] += v[b] + (y); v[d] = rotr64(v[d] ^ v[a], 16); \
	v[c] += v[d];       v[b] = rotr64(v[b] ^ v[c], 63); \
} while (0)

/* F (RFC 7693, 3.2); t: the bytes hashed so far (messages stay below 2^64). */
static void compress(uint64_t h[8], const unsigned char *block, uint64_t t, int last)
{
	uint64_t v[16], m[16];
	int i;

	load_block(m, block);
	for (i = 0; i < 8; i++) {
		v[i] = h[i];
		v[i + 8] = blake2b_iv[i];
	}
	v[12] ^= t;
	if (last)
		v[14] = ~v[14];
	_Pragma("GCC unroll 12")
	for (i = 0; i < 12; i++) {
		const unsigned char *s = blake2b_sigma[i % 10];

		G(0, 4, 8, 12, m[s[0]], m[s[1]]);
		G(1, 5, 9, 13, m[s[2]], m[s[3]]);
		G(2, 6, 10, 14, m[s[4]], m[s[5]]);
		G(3, 7, 11, 15, m[s[6]], m[s[7]]);
		G(0, 5, 10, 15, m[s[8]], m[s[9]]);
		G(1, 6, 11, 12, m[s[10]], m[s[11]]);
		G(2, 7, 8, 13, m[s[12]], m[s[13]]);
		G(3, 4, 9, 14, m[s[14]], m[s[15]]);
	}
	for (i = 0; i < 8; i++)
		h[i] ^= v[i] ^ v[i + 8];
}

void blake2b(unsigned char *out, size_t outlen, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned char last[BLOCK] = { 0 };
	uint64_t h[8], t = 0;
	size_t i;

	if (!outlen || outlen > 64)
		BUG("BLAKE2b of %zu bytes", outlen);
	memcpy(h, blake2b_iv, sizeof(h));
	h[0] ^= 0x01010000 ^ (uint64_t)outlen;   /* no key, fanout 1, depth 1 */
	for (; len > BLOCK; p += BLOCK, len -= BLOCK)
		compress(h, p, t += BLOCK, 0);
	memcpy(last, p, len);
	compress(h, last, t + len, 1);
	for (i = 0; i < outlen; i++)
		out[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
}

void blake2b256_hex(const void *data, size_t len, char out[DIGEST_HEX_SIZE])
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char h[32];
	size_t i;

	blake2b(h, sizeof(h), data, len);
	for (i = 0; i < sizeof(h); i++) {
		out[2 * i] = hexd[h[i] >> 4];
		out[2 * i + 1] = hexd[h[i] & 15];
	}
	out[2 * sizeof(h)] = '\0';
}
