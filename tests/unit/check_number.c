/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_number.c: number_write against RFC 8785's upstream test sequence
 * and a slow reference; its table of powers of ten recomputed exactly;
 * number_parse and both readers on one table.
 *
 * `make check` runs 200,000 random doubles and the first 100,000 upstream
 * lines; `make test-numbers` sets TOOLSYNC_NUMBERS_FULL=1 for 10,000,000
 * of each.
 */
#include <check.h>
#include <math.h>
#include <sodium.h>

#include "toolsync/number.h"
#include "toolsync/yaml.h"

static int full_run(void)
{
	const char *v = getenv("TOOLSYNC_NUMBERS_FULL");

	return v && *v == '1';
}

static double from_bits(uint64_t bits)
{
	double v;

	memcpy(&v, &bits, sizeof(v));
	return v;
}

static const char *written(struct strbuf *sb, double v)
{
	strbuf_reset(sb);
	number_write(sb, v);
	return sb->buf;
}

/* ---- the slow reference ------------------------------------------------ */

/* d * 10^e read back as a double. */
static double read_back(uint64_t d, int e)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%llue%d", (unsigned long long)d, e);
	return strtod(buf, NULL);
}

static void ref_found(uint64_t d, int e, char *digits, int *point)
{
	for (; d % 10 == 0; d /= 10)
		e++;
	snprintf(digits, 24, "%llu", (unsigned long long)d);
	*point = e + (int)strlen(digits);
}

/*
 * For each length p = 1..17: the nearest p-digit decimal (printf rounds
 * correctly, ties to even) and its neighbour on the other side of x; the
 * first that reads back as x wins, the nearest before its neighbour.
 */
static void reference(double x, char *digits, int *point)
{
	char buf[64], *c;
	uint64_t d, pow = 1;
	int p, e;

	for (p = 1; p <= 17; p++, pow *= 10) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, x);
		for (d = 0, c = buf; *c != 'e'; c++)
			if (*c != '.')
				d = d * 10 + (uint64_t)(*c - '0');
		e = atoi(c + 1) - (p - 1);  /* x is about d * 10^e */
		if (read_back(d, e) == x)
			return ref_found(d, e, digits, point);
		if (read_back(d, e) < x) {
			if (read_back(d + 1, e) == x)
				return ref_found(d + 1, e, digits, point);
		} else if (d == pow) {  /* 1.00..: the one below is 9.99.. */
			if (read_back(pow * 10 - 1, e - 1) == x)
				return ref_found(pow * 10 - 1, e - 1, digits, point);
		} else if (read_back(d - 1, e) == x) {
			return ref_found(d - 1, e, digits, point);
		}
	}
	ck_abort_msg("no decimal of 17 digits reads back as %a", x);
}

static void check_against_reference(double x)
{
	char got[NUMBER_DIGITS_MAX + 1], want[24];
	int got_point, want_point;

	number_digits(x, got, &got_point);
	reference(x, want, &want_point);
	if (strcmp(got, want) || got_point != want_point)
		ck_abort_msg("%a (%.17g): got 0.%se%d, the reference 0.%se%d", x, x, got,
			     got_point, want, want_point);
}

/* splitmix64: a fixed seed, so a failure can be repeated. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Random bit patterns; one in 8 a subnormal, one in 8 a significand of few bits. */
static double random_double(uint64_t *state, uint64_t i)
{
	uint64_t bits;

	do {
		bits = next_random(state);
		if (i % 8 == 1)
			bits &= UINT64_C(0x800fffffffffffff);
		else if (i % 8 == 2)
			bits &= UINT64_C(0xfff0000000000000) | (next_random(state) & 0xff);
		bits &= UINT64_C(0x7fffffffffffffff);
	} while (!bits || bits >= UINT64_C(0x7ff0000000000000));
	return from_bits(bits);
}

/* ---- the table of powers of ten, recomputed ---------------------------- */

/*
 * number.c's powers of ten are a table made by scripts/gen-pow10.py; here
 * each one is computed again with big integers of 32-bit words, exactly,
 * and compared: beta = floor(log2(10^e)), g = floor(10^e * 2^(125 - beta))
 * + 1 (for e < 0, d = 10^-e: beta = -bitlen(d), g = floor(2^(bitlen(d) +
 * 125) / d) + 1).
 */
#define BIG_WORDS 40  /* 10^324 has 1077 bits */

struct big {
	uint32_t w[BIG_WORDS];  /* least significant first */
	int n;                  /* words in use */
};

static void big_set_bit(struct big *b, int bit)
{
	memset(b, 0, sizeof(*b));
	b->w[bit / 32] = UINT32_C(1) << (bit % 32);
	b->n = bit / 32 + 1;
}

static void big_mul_small(struct big *b, uint32_t m)
{
	uint64_t carry = 0;
	int i;

	for (i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->w[i] * m + carry;

		b->w[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry) {
		ck_assert_int_lt(b->n, BIG_WORDS);
		b->w[b->n++] = (uint32_t)carry;
	}
}

static int big_bitlen(const struct big *b)
{
	uint32_t top = b->n ? b->w[b->n - 1] : 0;
	int bits = 0;

	for (; top; top >>= 1)
		bits++;
	return b->n ? (b->n - 1) * 32 + bits : 0;
}

static unsigned big_bit(const struct big *b, int i)
{
	return i >= 0 && i / 32 < b->n ? (b->w[i / 32] >> (i % 32)) & 1 : 0;
}

static void big_shl1(struct big *b)
{
	uint32_t carry = 0;
	int i;

	for (i = 0; i < b->n; i++) {
		uint32_t t = b->w[i];

		b->w[i] = t << 1 | carry;
		carry = t >> 31;
	}
	if (carry) {
		ck_assert_int_lt(b->n, BIG_WORDS);
		b->w[b->n++] = carry;
	}
}

static int big_cmp(const struct big *a, const struct big *b)
{
	int i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

/* a -= b, with a >= b. */
static void big_sub(struct big *a, const struct big *b)
{
	uint64_t borrow = 0;
	int i;

	for (i = 0; i < a->n; i++) {
		uint64_t t = (uint64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;

		a->w[i] = (uint32_t)t;
		borrow = t >> 63;
	}
	while (a->n && !a->w[a->n - 1])
		a->n--;
}

struct pow10_want {
	__uint128_t g;
	int beta;
};

/* e >= 0: the 126 bits of p = 10^e from its top bit down, shifted in zeros. */
static struct pow10_want pow10_positive(const struct big *p)
{
	struct pow10_want r = { 0, big_bitlen(p) - 1 };
	int i;

	for (i = 125; i >= 0; i--)
		r.g = r.g << 1 | big_bit(p, i + r.beta - 125);
	r.g++;
	return r;
}

/* e < 0, d = 10^-e: floor(2^(b + 125) / d) by long division, b = bitlen(d). */
static struct pow10_want pow10_negative(const struct big *d)
{
	int b = big_bitlen(d), i;
	struct pow10_want r = { 0, -b };  /* 2^(b-1) < d < 2^b */
	struct big rem;

	big_set_bit(&rem, b - 1);
	for (i = 0; i < 126; i++) {
		big_shl1(&rem);
		r.g <<= 1;
		if (big_cmp(&rem, d) >= 0) {
			big_sub(&rem, d);
			r.g |= 1;
		}
	}
	r.g++;
	return r;
}

static void check_pow10(int e, struct pow10_want want)
{
	uint64_t hi, lo;
	int beta = number_pow10(e, &hi, &lo);

	ck_assert_msg(beta == want.beta && hi == (uint64_t)(want.g >> 64) &&
		      lo == (uint64_t)want.g,
		      "10^%d: the table has g 0x%016llx%016llx beta %d, exactly it is "
		      "0x%016llx%016llx beta %d (remake src/pow10_table.h)", e,
		      (unsigned long long)hi, (unsigned long long)lo, beta,
		      (unsigned long long)(want.g >> 64), (unsigned long long)want.g,
		      want.beta);
	ck_assert(want.g > (__uint128_t)1 << 125 && want.g <= (__uint128_t)1 << 126);
}

START_TEST(test_pow10_table)
{
	struct big p;
	int e;

	big_set_bit(&p, 0);
	for (e = 0; e <= NUMBER_POW10_MAX; e++, big_mul_small(&p, 10))
		check_pow10(e, pow10_positive(&p));
	big_set_bit(&p, 0);
	for (e = -1; e >= NUMBER_POW10_MIN; e--) {
		big_mul_small(&p, 10);
		check_pow10(e, pow10_negative(&p));
	}
}
END_TEST

START_TEST(test_random_against_reference)
{
	uint64_t n = full_run() ? 10000000 : 200000, state = 20261130, i;

	for (i = 0; i < n; i++)
		check_against_reference(random_double(&state, i));
}
END_TEST

/*
 * Every binary exponent (so every decimal exponent the algorithm picks):
 * powers of two, where the double below is nearer (the 92 the old writer
 * got wrong are among them), their neighbours, powers of ten and theirs.
 */
START_TEST(test_edges_against_reference)
{
	uint64_t e, k;

	for (e = 0; e < 2047; e++)
		for (k = 0; k < 4; k++) {
			uint64_t sig[] = { 0, 1, UINT64_C(0xfffffffffffff), UINT64_C(0x8000000000000) };
			uint64_t bits = e << 52 | sig[k];

			if (bits)
				check_against_reference(from_bits(bits));
		}
	for (k = 0; k <= 308 + 323; k++) {
		char text[16];
		double p;

		snprintf(text, sizeof(text), "1e%d", (int)k - 323);
		p = strtod(text, NULL);

		check_against_reference(p);
		check_against_reference(nextafter(p, 0));
		if (k < 308 + 323)
			check_against_reference(nextafter(p, INFINITY));
	}
}
END_TEST

/* ---- the upstream test sequence ---------------------------------------- */

/*
 * RFC 8785 Appendix B's es6testfile100m.txt, regenerated as
 * cyberphone/json-canonicalization testdata/numgen.go makes it (commit
 * 19d51d7, 2024-12-13): these 168 fixed values, then the 2,000 doubles
 * from 0x0010000000000000 up, then the little-endian doubles of a SHA-256
 * chain from 32 zero bytes (0 and non-finite ones skipped).  Each line is
 * "<bits in hex>,<number>\n"; the SHA-256 of the first N lines is
 * published in that repository's testdata/README.md.
 */
static const uint64_t es6_fixed[] = {
	0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x8000000000000001,
	0xc46696695dbd1cc3, 0xc43211ede4974a35, 0xc3fce97ca0f21056, 0xc3c7213080c1a6ac,
	0xc39280f39a348556, 0xc35d9b1f5d20d557, 0xc327af4c4a80aaac, 0xc2f2f2a36ecd5556,
	0xc2be51057e155558, 0xc28840d131aaaaac, 0xc253670dc1555557, 0xc21f0b4935555557,
	0xc1e8d5d42aaaaaac, 0xc1b3de4355555556, 0xc17fca0555555556, 0xc1496e6aaaaaaaab,
	0xc114585555555555, 0xc0e046aaaaaaaaab, 0xc0aa0aaaaaaaaaaa, 0xc074d55555555555,
	0xc040aaaaaaaaaaab, 0xc00aaaaaaaaaaaab, 0xbfd5555555555555, 0xbfa1111111111111,
	0xbf6b4e81b4e81b4f, 0xbf35d867c3ece2a5, 0xbf0179ec9cbd821e, 0xbecbf647612f3696,
	0xbe965e9f80f29212, 0xbe61e54c672874db, 0xbe2ca213d840baf8, 0xbdf6e80fe033c8c6,
	0xbdc2533fe68fd3d2, 0xbd8d51ffd74c861c, 0xbd5774ccac3d3817, 0xbd22c3d6f030f9ac,
	0xbcee0624b3818f79, 0xbcb804ea293472c7, 0xbc833721ba905bd3, 0xbc4ebe9c5db3c61e,
	0xbc18987d17c304e5, 0xbbe3ad30dfcf371d, 0xbbaf7b816618582f, 0xbb792f9ab81379bf,
	0xbb442615600f9499, 0xbb101e77800c76e1, 0xbad9ca58cce0be35, 0xbaa4a1e0a3e6fe90,
	0xba708180831f320d, 0xba3a68cd9e985016, 0x446696695dbd1cc3, 0x443211ede4974a35,
	0x43fce97ca0f21056, 0x43c7213080c1a6ac, 0x439280f39a348556, 0x435d9b1f5d20d557,
	0x4327af4c4a80aaac, 0x42f2f2a36ecd5556, 0x42be51057e155558, 0x428840d131aaaaac,
	0x4253670dc1555557, 0x421f0b4935555557, 0x41e8d5d42aaaaaac, 0x41b3de4355555556,
	0x417fca0555555556, 0x41496e6aaaaaaaab, 0x4114585555555555, 0x40e046aaaaaaaaab,
	0x40aa0aaaaaaaaaaa, 0x4074d55555555555, 0x4040aaaaaaaaaaab, 0x400aaaaaaaaaaaab,
	0x3fd5555555555555, 0x3fa1111111111111, 0x3f6b4e81b4e81b4f, 0x3f35d867c3ece2a5,
	0x3f0179ec9cbd821e, 0x3ecbf647612f3696, 0x3e965e9f80f29212, 0x3e61e54c672874db,
	0x3e2ca213d840baf8, 0x3df6e80fe033c8c6, 0x3dc2533fe68fd3d2, 0x3d8d51ffd74c861c,
	0x3d5774ccac3d3817, 0x3d22c3d6f030f9ac, 0x3cee0624b3818f79, 0x3cb804ea293472c7,
	0x3c833721ba905bd3, 0x3c4ebe9c5db3c61e, 0x3c18987d17c304e5, 0x3be3ad30dfcf371d,
	0x3baf7b816618582f, 0x3b792f9ab81379bf, 0x3b442615600f9499, 0x3b101e77800c76e1,
	0x3ad9ca58cce0be35, 0x3aa4a1e0a3e6fe90, 0x3a708180831f320d, 0x3a3a68cd9e985016,
	0x4024000000000000, 0x4014000000000000, 0x3fe0000000000000, 0x3fa999999999999a,
	0x3f747ae147ae147b, 0x3f40624dd2f1a9fc, 0x3f0a36e2eb1c432d, 0x3ed4f8b588e368f1,
	0x3ea0c6f7a0b5ed8d, 0x3e6ad7f29abcaf48, 0x3e35798ee2308c3a, 0x3ed539223589fa95,
	0x3ed4ff26cd5a7781, 0x3ed4f95a762283ff, 0x3ed4f8c60703520c, 0x3ed4f8b72f19cd0d,
	0x3ed4f8b5b31c0c8d, 0x3ed4f8b58d1c461a, 0x3ed4f8b5894f7f0e, 0x3ed4f8b588ee37f3,
	0x3ed4f8b588e47da4, 0x3ed4f8b588e3849c, 0x3ed4f8b588e36bb5, 0x3ed4f8b588e36937,
	0x3ed4f8b588e368f8, 0x3ed4f8b588e368f1, 0x3ff0000000000000, 0xbff0000000000000,
	0xbfeffffffffffffa, 0xbfeffffffffffffb, 0x3feffffffffffffa, 0x3feffffffffffffb,
	0x3feffffffffffffc, 0x3feffffffffffffe, 0xbfefffffffffffff, 0xbfefffffffffffff,
	0x3fefffffffffffff, 0x3fefffffffffffff, 0x3fd3333333333332, 0x3fd3333333333333,
	0x3fd3333333333334, 0x0010000000000000, 0x000ffffffffffffd, 0x000fffffffffffff,
	0x7fefffffffffffff, 0xffefffffffffffff, 0x4340000000000000, 0xc340000000000000,
	0x4430000000000000, 0x44b52d02c7e14af5, 0x44b52d02c7e14af6, 0x44b52d02c7e14af7,
	0x444b1ae4d6e2ef4e, 0x444b1ae4d6e2ef4f, 0x444b1ae4d6e2ef50, 0x3eb0c6f7a0b5ed8c,
	0x3eb0c6f7a0b5ed8d, 0x41b3de4355555553, 0x41b3de4355555554, 0x41b3de4355555555,
	0x41b3de4355555556, 0x41b3de4355555557, 0xbecbf647612f3696, 0x43143ff3c1cb0959,
};

static const struct { uint64_t lines; const char *sha256; } es6_hashes[] = {
	{ 1000, "be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687" },
	{ 10000, "b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892" },
	{ 100000, "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7" },
	{ 1000000, "49415fee2c56c77864931bd3624faad425c3c577d6d74e89a83bc725506dad16" },
	{ 10000000, "b9f8a44a91d46813b21b9602e72f112613c91408db0b8341fb94603d9db135e0" },
};

struct es6_sequence {
	uint64_t i;
	unsigned char block[32];
	int used;  /* doubles of block already taken */
};
#define ES6_SEQUENCE_INIT { 0, { 0 }, 4 }

static uint64_t es6_next(struct es6_sequence *s)
{
	const uint64_t fixed = ARRAY_SIZE(es6_fixed), inf = UINT64_C(0x7ff0000000000000);
	uint64_t bits = 0;
	unsigned char prev[32];
	int b;

	if (s->i < fixed)
		bits = es6_fixed[s->i];
	else if (s->i < fixed + 2000)
		bits = UINT64_C(0x0010000000000000) + (s->i - fixed);
	else
		do {
			if (s->used == 4) {
				memcpy(prev, s->block, sizeof(prev));
				crypto_hash_sha256(s->block, prev, sizeof(prev));
				s->used = 0;
			}
			for (bits = 0, b = 7; b >= 0; b--)
				bits = bits << 8 | s->block[s->used * 8 + b];
			s->used++;
		} while (!(bits << 1) || (bits & inf) == inf);
	s->i++;
	return bits;
}

START_TEST(test_upstream_sequence)
{
	uint64_t lines = full_run() ? 10000000 : 100000, n;
	struct es6_sequence seq = ES6_SEQUENCE_INIT;
	crypto_hash_sha256_state h;
	struct strbuf line = STRBUF_INIT;
	unsigned char digest[32];
	char hex[65];
	size_t next = 0;

	ck_assert_int_ge(sodium_init(), 0);
	crypto_hash_sha256_init(&h);
	for (n = 1; n <= lines; n++) {
		uint64_t bits = es6_next(&seq);

		strbuf_reset(&line);
		strbuf_addf(&line, "%llx,", (unsigned long long)bits);
		number_write(&line, from_bits(bits));
		strbuf_addch(&line, '\n');
		crypto_hash_sha256_update(&h, (const unsigned char *)line.buf, line.len);
		if (next < ARRAY_SIZE(es6_hashes) && n == es6_hashes[next].lines) {
			crypto_hash_sha256_state copy = h;

			crypto_hash_sha256_final(&copy, digest);
			sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
			ck_assert_msg(!strcmp(hex, es6_hashes[next].sha256),
				      "the first %llu lines differ from the upstream file",
				      (unsigned long long)n);
			next++;
		}
	}
	strbuf_release(&line);
}
END_TEST

/* ---- writing: what ECMAScript's Number::toString gives ----------------- */

static const struct { double v; const char *text; } written_cases[] = {
	{ 0, "0" }, { -0.0, "0" }, { 1, "1" }, { -1.5, "-1.5" }, { 100, "100" },
	{ 0.1 + 0.2, "0.30000000000000004" }, { 1e21, "1e+21" },
	{ 1e20, "100000000000000000000" }, { 123456789012345680000.0, "123456789012345680000" },
	{ 1e-7, "1e-7" }, { 0.000001, "0.000001" }, { 1.5e-7, "1.5e-7" }, { 123e-20, "1.23e-18" },
	{ 5e-324, "5e-324" }, { -5e-324, "-5e-324" }, { 2.2250738585072014e-308, "2.2250738585072014e-308" },
	{ 1.7976931348623157e308, "1.7976931348623157e+308" },
	{ 7.120236347223045e-307, "7.120236347223045e-307" },  /* 2^-1017 */
	{ 9007199254740992.0, "9007199254740992" }, { 9007199254740994.0, "9007199254740994" },
	{ 1152921504606846976.0, "1152921504606847000" }, { 333333333.3333333, "333333333.3333333" },
	{ 4.5, "4.5" }, { 0.01, "0.01" }, { 2e-3, "0.002" }, { 1.5e300, "1.5e+300" }, { 1e23, "1e+23" },
	{ 4.35, "4.35" }, { 0.3, "0.3" }, { 2.5, "2.5" }, { 1e-323, "1e-323" },
};

START_TEST(test_written)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_str_eq(written(&sb, written_cases[_i].v), written_cases[_i].text);
	strbuf_release(&sb);
}
END_TEST

/* ---- reading: one rule, the same in both readers ----------------------- */

static const struct {
	const char *text;
	const char *result;  /* number_write() of the value, or the error */
	int yaml_only;
} read_cases[] = {
	{ "0.1", "0.1", 0 },
	{ "5e-324", "5e-324", 0 },                         /* subnormal */
	{ "2.5e-324", "5e-324", 0 },                       /* rounds up to it */
	{ "2e-324", "number '2e-324' is too small for a double (it would read as 0)", 0 },
	{ "1e-400", "number '1e-400' is too small for a double (it would read as 0)", 0 },
	{ "-1e-400", "number '-1e-400' is too small for a double (it would read as 0)", 0 },
	{ "0e-400", "0", 0 },
	{ "-0.000e-999", "0", 0 },
	{ "1e400", "number '1e400' is too large for a double", 0 },
	{ "-1.7976931348623159e308", "number '-1.7976931348623159e308' is too large for a double", 0 },
	{ "1.7976931348623157e308", "1.7976931348623157e+308", 0 },
	{ "9007199254740992", "9007199254740992", 0 },
	{ "9007199254740993", "integer '9007199254740993' is not exactly a double (the nearest is 9007199254740992)", 0 },
	{ "9007199254740994", "9007199254740994", 0 },
	{ "9007199254740995", "integer '9007199254740995' is not exactly a double (the nearest is 9007199254740996)", 0 },
	{ "-9007199254740993", "integer '-9007199254740993' is not exactly a double (the nearest is -9007199254740992)", 0 },
	{ "9007199254740993.0", "9007199254740992", 0 },   /* a fraction: the nearest double */
	{ "9.007199254740993e15", "9007199254740992", 0 },
	{ "1152921504606846976", "1152921504606847000", 0 },  /* 2^60, exact */
	{ "1152921504606847000", "1152921504606847000", 0 },  /* 2^60 as it is written */
	{ "1152921504606846977", "integer '1152921504606846977' is not exactly a double (the nearest is 1152921504606847000)", 0 },
	{ "100000000000000000000000", "1e+23", 0 },
	{ "-55555555555555550", "-55555555555555550", 0 },
	{ "-55555555555555555", "integer '-55555555555555555' is not exactly a double (the nearest is -55555555555555550)", 0 },
	{ "123456789012345678901234567890123456789012345",
	  "integer '1234567890123456789012345678901234567890...' (45 characters) is not exactly a double (the nearest is 1.2345678901234567e+44)", 0 },
	{ "7.120236347223045e-307", "7.120236347223045e-307", 0 },
	{ "007", "7", 1 },
	{ "+.5", "0.5", 1 },
	{ "1.", "1", 1 },
	{ "0x1F", "31", 1 },
	{ "0o17", "15", 1 },
	{ "0x20000000000000", "9007199254740992", 1 },
	{ "0x20000000000001", "integer '0x20000000000001' is not exactly a double (the nearest is 9007199254740992)", 1 },
	{ "0xFFFFFFFFFFFFF800", "18446744073709550000", 1 },
	{ "0x10000000000000000", "integer '0x10000000000000000' is too large for a double to hold exactly", 1 },
};

/* "t.json:1:2: error: <msg>" or the value as written, for one reader. */
static char *read_one(int yaml, const char *lit)
{
	struct diag d = DIAG_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *msgs = NULL, *text = xstrfmt(yaml ? "a: %s\n" : "[%s]", lit);
	size_t len = 0;
	struct jv *v;

	d.out = open_memstream(&msgs, &len);
	d.no_source = 1;
	v = yaml ? yaml_parse(text, strlen(text), "t.yaml", &d)
		 : json_parse(text, strlen(text), "t.json", &d);
	fclose(d.out);
	if (v)
		json_write(&sb, yaml ? jv_get(v, "a") : v->u.arr.v[0], JSON_COMPACT);
	else
		strbuf_addstr(&sb, msgs);
	strbuf_rtrim(&sb);
	jv_free(v);
	free(msgs);
	free(text);
	return strbuf_detach(&sb, NULL);
}

START_TEST(test_read)
{
	const char *lit = read_cases[_i].text, *want = read_cases[_i].result;
	int ok = strchr("0123456789-", want[0]) != NULL;
	struct strbuf err = STRBUF_INIT, expect = STRBUF_INIT;
	double v = 42;
	char *got;
	int yaml;

	ck_assert_int_eq(number_parse(lit, strlen(lit), &v, &err), ok ? 0 : -1);
	ck_assert_str_eq(ok ? written(&expect, v) : err.buf, want);
	for (yaml = read_cases[_i].yaml_only; yaml <= 1; yaml++) {
		strbuf_reset(&expect);
		if (!ok)
			strbuf_addstr(&expect, yaml ? "toolsync: t.yaml:1:4: error: " : "toolsync: t.json:1:2: error: ");
		strbuf_addstr(&expect, want);
		got = read_one(yaml, lit);
		ck_assert_str_eq(got, expect.buf);
		free(got);
	}
	strbuf_release(&err);
	strbuf_release(&expect);
}
END_TEST

/* What the writer writes, the readers take back as the same double. */
START_TEST(test_written_reads_back)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	uint64_t state = 7, i;
	double v, back;

	for (i = 0; i < 100000; i++) {
		v = random_double(&state, i) * (i & 1 ? -1 : 1);
		written(&sb, v);
		ck_assert_msg(number_parse(sb.buf, sb.len, &back, &err) == 0 && back == v,
			      "%s: %s", sb.buf, err.buf);
	}
	strbuf_release(&sb);
	strbuf_release(&err);
}
END_TEST

static const char *const not_literals[] = {
	"", "-", "+", ".", "e5", ".e5", "1e", "1e+", "0x", "0o8", "0xg", "1.2.3", "--1", "1 ", " 1",
	"inf", "nan", "0x1p3", "1_000", "\xef\xbc\x91",
};

START_TEST(test_too_long)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	double v;

	strbuf_addstr(&text, "1.");
	strbuf_addchars(&text, '0', NUMBER_TEXT_MAX - 2);
	ck_assert_int_eq(number_parse(text.buf, text.len, &v, &err), 0);
	ck_assert_str_eq(written(&err, v), "1");
	strbuf_reset(&err);
	strbuf_addch(&text, '0');
	ck_assert_int_eq(number_parse(text.buf, text.len, &v, &err), -1);
	ck_assert_str_eq(err.buf, "number '1.00000000000000000000000000000000000000...' "
				  "(4097 characters) is too long (at most 4096 characters)");
	strbuf_release(&text);
	strbuf_release(&err);
}
END_TEST

START_TEST(test_not_literals)
{
	struct strbuf err = STRBUF_INIT;
	double v;

	ck_assert(!number_literal(not_literals[_i], strlen(not_literals[_i])));
	ck_assert_int_eq(number_parse(not_literals[_i], strlen(not_literals[_i]), &v, &err), -1);
	ck_assert_str_eq(err.buf, "not a number");
	strbuf_release(&err);
}
END_TEST

Suite *number_suite(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("number");

	/* 10 million doubles against the slow reference take a few minutes. */
	tcase_set_timeout(tc, full_run() ? 7200 : 300);
	tcase_add_loop_test(tc, test_written, 0, (int)ARRAY_SIZE(written_cases));
	tcase_add_loop_test(tc, test_read, 0, (int)ARRAY_SIZE(read_cases));
	tcase_add_loop_test(tc, test_not_literals, 0, (int)ARRAY_SIZE(not_literals));
	tcase_add_test(tc, test_written_reads_back);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_pow10_table);
	tcase_add_test(tc, test_edges_against_reference);
	tcase_add_test(tc, test_upstream_sequence);
	tcase_add_test(tc, test_random_against_reference);
	suite_add_tcase(s, tc);
	return s;
}
