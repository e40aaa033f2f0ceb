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
 *
 * A build hashes many small files at once (a manifest and its RFC 8785
 * form, for every tool of a batch): blake2b256_hex_many() runs 8 of them
 * side by side, one in each 64-bit lane of an AVX-512 register (4 with
 * AVX2), about five times the bytes a second of one message at a time
 * (docs/performance.md).  The width is picked once, from the CPU.
 */
#include <sodium.h>

#include "toolsync/digest.h"

static int lanes_in_use = 1;

void crypto_init(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "toolsync: error: cannot initialise libsodium\n");
		exit(EXIT_ERROR);
	}
	digest_set_lanes(0);
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

/*
 * One round (RFC 7693, 3.2): the mixing function g on the columns, then on
 * the diagonals, with the message words s picks; g is G here and LANES_G
 * in digest_lanes.h.
 */
#define BLAKE2B_ROUND(g, m, s) do { \
	g(0, 4, 8, 12, m[s[0]], m[s[1]]); \
	g(1, 5, 9, 13, m[s[2]], m[s[3]]); \
	g(2, 6, 10, 14, m[s[4]], m[s[5]]); \
	g(3, 7, 11, 15, m[s[6]], m[s[7]]); \
	g(0, 5, 10, 15, m[s[8]], m[s[9]]); \
	g(1, 6, 11, 12, m[s[10]], m[s[11]]); \
	g(2, 7, 8, 13, m[s[12]], m[s[13]]); \
	g(3, 4, 9, 14, m[s[14]], m[s[15]]); \
} while (0)

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

		BLAKE2B_ROUND(G, m, s);
	}
	for (i = 0; i < 8; i++)
		h[i] ^= v[i] ^ v[i + 8];
}

static void hex32(const unsigned char h[32], char out[DIGEST_HEX_SIZE])
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hexd[h[i] >> 4];
		out[2 * i + 1] = hexd[h[i] & 15];
	}
	out[64] = '\0';
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_LANES 1

/* One message of a group hashed side by side. */
struct lane {
	const unsigned char *p;
	size_t len, blocks;          /* blocks: at least 1 (the empty message has one) */
	unsigned char last[BLOCK];   /* the last block, padded with zeros */
	uint64_t h[4];               /* the digest's words */
};

static const unsigned char zero_block[BLOCK];

/* Block b of the lane's message; zeros after its end. */
static inline const unsigned char *lane_block(const struct lane *l, size_t b)
{
	return b + 1 < l->blocks ? l->p + b * BLOCK : b + 1 == l->blocks ? l->last : zero_block;
}

static void lane_set(struct lane *l, const void *data, size_t len)
{
	l->p = data;
	l->len = len;
	l->blocks = len ? (len + BLOCK - 1) / BLOCK : 1;
	memset(l->last, 0, BLOCK);
	if (len)
		memcpy(l->last, l->p + (l->blocks - 1) * BLOCK, len - (l->blocks - 1) * BLOCK);
}

#define LANES 8
#define LANES_T lanes8
#define LANES_LOAD lanes8_load
#define LANES_FN blake2b256_lanes8
#define TARGET "avx512f,avx512vl"
#include "digest_lanes.h"
#undef LANES
#undef LANES_T
#undef LANES_LOAD
#undef LANES_FN
#undef TARGET
#define LANES 4
#define LANES_T lanes4
#define LANES_LOAD lanes4_load
#define LANES_FN blake2b256_lanes4
#define TARGET "avx2"
#include "digest_lanes.h"

/* The lanes' digests as hex into out, in the callers' order. */
static void lanes_hex(const struct lane *l, int n, const unsigned char *which,
		      char (*out)[DIGEST_HEX_SIZE])
{
	unsigned char h[32];
	int i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 32; k++)
			h[k] = (unsigned char)(l[i].h[k / 8] >> (8 * (k % 8)));
		hex32(h, out[which[i]]);
	}
}

/* Hash up to `width` messages of about the same length side by side. */
static void hash_group(int width, const unsigned char *which, int n,
		       const void *const data[], const size_t len[], char (*out)[DIGEST_HEX_SIZE])
{
	struct lane l[8];
	size_t blocks = 0;
	int i;

	for (i = 0; i < width; i++) {
		lane_set(&l[i], i < n ? data[which[i]] : NULL, i < n ? len[which[i]] : 0);
		if (l[i].blocks > blocks)
			blocks = l[i].blocks;
	}
	if (width == 8)
		blake2b256_lanes8(l, blocks);
	else
		blake2b256_lanes4(l, blocks);
	lanes_hex(l, n, which, out);
}

#define MANY_MAX 64

/* blake2b256_hex_many() with lanes_in_use lanes, groups of like length. */
static void hash_lanes(size_t n, const void *const data[], const size_t len[],
		       char (*out)[DIGEST_HEX_SIZE])
{
	unsigned char order[MANY_MAX];
	size_t i, k, m, w = (size_t)lanes_in_use;

	for (; n; n -= m, data += m, len += m, out += m) {
		m = n < MANY_MAX ? n : MANY_MAX;
		/* by length (insertion sort: a few dozen), so that a group ends together */
		for (i = 0; i < m; i++) {
			for (k = i; k > 0 && len[order[k - 1]] > len[i]; k--)
				order[k] = order[k - 1];
			order[k] = (unsigned char)i;
		}
		for (i = 0; i < m; i += w)
			hash_group((int)w, order + i, (int)(m - i < w ? m - i : w), data, len, out);
	}
}
#endif

int digest_set_lanes(int lanes)
{
	int best = 1;

#ifdef HAVE_LANES
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
		best = 8;
	else if (__builtin_cpu_supports("avx2"))
		best = 4;
#endif
	lanes_in_use = lanes > 0 && lanes < best ? (lanes >= 4 ? 4 : 1) : best;
	return lanes_in_use;
}

void blake2b256_hex_many(size_t n, const void *const data[], const size_t len[],
			 char (*out)[DIGEST_HEX_SIZE])
{
	size_t i;

#ifdef HAVE_LANES
	if (lanes_in_use > 1) {
		hash_lanes(n, data, len, out);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		blake2b256_hex(data[i], len[i], out[i]);
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
	unsigned char h[32];

	blake2b(h, sizeof(h), data, len);
	hex32(h, out);
}
