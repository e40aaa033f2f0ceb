/* SPDX-License-Identifier: Apache-2.0 */
/*
 * digest_lanes.h: BLAKE2b-256 of LANES messages at once, one message in
 * each 64-bit lane of a SIMD register (GCC/Clang vector extensions, the
 * instruction set given by TARGET).  Included by digest.c once for each
 * width, with LANES, LANES_FN and TARGET defined.
 *
 * Every lane runs the same rounds on its own message; a lane whose
 * message has ended computes on zeros and keeps its state (the mask
 * live).  The caller groups messages of about the same length.
 */
typedef uint64_t LANES_T __attribute__((vector_size(8 * LANES)));

#define LANES_ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
#define LANES_G(a, b, c, d, x, y) do { \
	v[a] += v[b] + (x); v[d] = LANES_ROTR(v[d] ^ v[a], 32); \
	v[c] += v[d];       v[b] = LANES_ROTR(v[b] ^ v[c], 24); \
	v[a] += v[b] + (y); v[d] = LANES_ROTR(v[d] ^ v[a], 16); \
	v[c] += v[d];       v[b] = LANES_ROTR(v[b] ^ v[c], 63); \
} while (0)

/* Block b of every lane: message word k of lane i at m[k][i]. */
__attribute__((target(TARGET)))
static void LANES_LOAD(LANES_T m[16], const struct lane *l, size_t b)
{
	uint64_t w[16][LANES] __attribute__((aligned(8 * LANES)));
	int i, k;

	for (i = 0; i < LANES; i++) {
		const unsigned char *p = lane_block(&l[i], b);

		for (k = 0; k < 16; k++)
			memcpy(&w[k][i], p + 8 * k, 8);
	}
	memcpy(m, w, sizeof(w));
}

__attribute__((target(TARGET)))
static void LANES_FN(struct lane *l, size_t blocks)
{
	LANES_T h[8], v[16], m[16], len, nb;
	uint64_t lens[LANES], nbs[LANES];
	size_t b;
	int i, k, r;

	for (i = 0; i < LANES; i++) {
		lens[i] = l[i].len;
		nbs[i] = l[i].blocks;
	}
	memcpy(&len, lens, sizeof(len));
	memcpy(&nb, nbs, sizeof(nb));
	for (k = 0; k < 8; k++)
		h[k] = (LANES_T){ 0 } + blake2b_iv[k];
	h[0] ^= 0x01010000 ^ 32;   /* no key, fanout 1, depth 1, 32 bytes out */
	for (b = 0; b < blocks; b++) {
		LANES_T bv = (LANES_T){ 0 } + (uint64_t)b, t = (bv + 1) * BLOCK, lt, live, last;

		LANES_LOAD(m, l, b);
		lt = (LANES_T)(t < len);
		t = (t & lt) | (len & ~lt);         /* the bytes hashed so far */
		live = (LANES_T)(bv < nb);
		last = (LANES_T)(bv + 1 == nb);
		for (k = 0; k < 8; k++) {
			v[k] = h[k];
			v[k + 8] = (LANES_T){ 0 } + blake2b_iv[k];
		}
		v[12] ^= t;
		v[14] ^= last;
		_Pragma("GCC unroll 12")
		for (r = 0; r < 12; r++) {
			const unsigned char *s = blake2b_sigma[r % 10];

			BLAKE2B_ROUND(LANES_G, m, s);
		}
		for (k = 0; k < 8; k++)
			h[k] ^= (v[k] ^ v[k + 8]) & live;
	}
	for (i = 0; i < LANES; i++)
		for (k = 0; k < 4; k++)
			l[i].h[k] = h[k][i];
}

#undef LANES_ROTR
#undef LANES_G
