/* SPDX-License-Identifier: Apache-2.0 */
/*
 * number.c: number literals in (number_parse), doubles out (number_digits,
 * number_write).
 *
 * The shortest digits are found with Schubfach, from R. Giulietti, "The
 * Schubfach way to render doubles" (2020; the paper and its proofs are at
 * https://drive.google.com/file/d/1gp5xv4CAa78SVgCeWfGqqI4FfYYYuNFb).  In
 * short, for v = c * 2^q with the rounding interval [vl, vr] (the decimals
 * that read back as v):
 *
 *   k = floor(log10(vr - vl)), so at most one multiple of 10^(k+1) and at
 *   least one multiple of 10^k lie in the interval (the pigeonhole
 *   principle, "Schubfach");
 *   vl, v and vr are scaled by 10^-k with a 126-bit overestimate g of that
 *   power and rounded to odd, which the paper proves gives the same
 *   comparisons as the exact values;
 *   the one multiple of 10^(k+1) inside wins; otherwise whichever of
 *   s * 10^k and (s + 1) * 10^k is inside, the closer of the two when both
 *   are, the even one on a tie.  That is ECMAScript's choice too.
 *
 * The powers g are a table in the source (src/pow10_table.h, made by
 * scripts/gen-pow10.py with exact integers): computing them with big
 * integers took 1.6 ms of every process that wrote a number.
 * tests/unit/check_number.c recomputes each one and compares.
 */
#include <math.h>

#include "toolsync/number.h"

/* ---- the powers of ten ------------------------------------------------- */

/*
 * For each e in [NUMBER_POW10_MIN, NUMBER_POW10_MAX]:
 * beta = floor(log2(10^e)) and g = floor(10^e * 2^(125 - beta)) + 1, so
 * 2^125 < g <= 2^126 and 10^e = g * 2^(beta - 125), g a slight
 * overestimate as the paper requires.  e = -k runs over what doubles
 * need: k from -324 to 292.
 */
struct pow10 {
	__uint128_t g;
	int beta;
};

/* pow10_table[], made with exact integers by scripts/gen-pow10.py */
#include "pow10_table.h"

_Static_assert(ARRAY_SIZE(pow10_table) == NUMBER_POW10_MAX - NUMBER_POW10_MIN + 1,
	       "pow10_table.h is for another range: remake it with scripts/gen-pow10.py");

static const struct pow10 *pow10_get(int e)
{
	if (e < NUMBER_POW10_MIN || e > NUMBER_POW10_MAX)
		BUG("10^%d is outside the table", e);
	return &pow10_table[e - NUMBER_POW10_MIN];
}

int number_pow10(int e, uint64_t *g_hi, uint64_t *g_lo)
{
	const struct pow10 *p = pow10_get(e);

	*g_hi = (uint64_t)(p->g >> 64);
	*g_lo = (uint64_t)p->g;
	return p->beta;
}

/* ---- Schubfach --------------------------------------------------------- */

/*
 * floor(g * cp / 2^127), rounded to odd: the last bit is set when the
 * fraction's top 63 bits are not all zero.  The product's low 64 bits are
 * not looked at, which absorbs g's overestimate (the paper's r_o').
 */
static uint64_t round_to_odd(__uint128_t g, uint64_t cp)
{
	__uint128_t lo = (__uint128_t)(uint64_t)g * cp;
	__uint128_t mid = (__uint128_t)(uint64_t)(g >> 64) * cp + (lo >> 64);
	uint64_t frac = (uint64_t)mid & ((UINT64_C(1) << 63) - 1);

	return (uint64_t)(mid >> 63) | (frac != 0);
}

/*
 * floor(log10(2^q)), or floor(log10(3/4 * 2^q)) when the interval below v
 * is half as wide; the constants are log10(2) and log10(3/4) times 2^41,
 * rounded.  Exact for every q of a double, both cases (checked against
 * exact rational arithmetic; check_number.c runs every q through its
 * reference).
 */
static int decimal_exponent(int q, int closer_below)
{
	int64_t x = (int64_t)q * INT64_C(661971961083) - (closer_below ? INT64_C(274743187321) : 0);
	int64_t one = INT64_C(1) << 41;

	return (int)(x >= 0 ? x / one : -((-x + one - 1) / one));
}

struct decimal {
	uint64_t d;  /* v = d * 10^k */
	int k;
};

/* v = c * 2^q; closer_below when the double below v is nearer than the one above. */
static struct decimal schubfach(uint64_t c, int q, int closer_below)
{
	int k = decimal_exponent(q, closer_below);
	const struct pow10 *p = pow10_get(-k);
	int h = q + p->beta + 2;  /* 2 <= h <= 5: cb << h stays below 2^60 */
	uint64_t cb = c << 2, odd = c & 1;
	/*
	 * v and its bounds times 4 * 10^-k.  For an odd c the bounds read back
	 * as the even neighbours (ties to even), so they are left out: the
	 * +1 and -1 do that for the multiples of 4 compared with them.
	 */
	uint64_t vb = round_to_odd(p->g, cb << h);
	uint64_t vl = round_to_odd(p->g, (cb - 2 + (uint64_t)closer_below) << h) + odd;
	uint64_t vr = round_to_odd(p->g, (cb + 2) << h) - odd;
	uint64_t s = vb >> 2, mid;

	if (s >= 10) {
		uint64_t s10 = s / 10;
		int u_in = vl <= 40 * s10, w_in = 40 * s10 + 40 <= vr;

		if (u_in != w_in)
			return (struct decimal){ s10 + (uint64_t)w_in, k + 1 };
	}
	if ((vl <= 4 * s) != (4 * s + 4 <= vr))
		return (struct decimal){ s + (4 * s + 4 <= vr), k };
	mid = 4 * s + 2;
	return (struct decimal){ s + (vb > mid || (vb == mid && (s & 1))), k };
}

static struct decimal shortest(double v)
{
	uint64_t bits, f, c;
	int be, q;
	struct decimal r;

	memcpy(&bits, &v, sizeof(bits));
	f = bits & ((UINT64_C(1) << 52) - 1);
	be = (int)(bits >> 52) & 0x7ff;
	if (be == 0x7ff || (!be && !f))
		BUG("shortest digits of %g", v);
	c = be ? f | UINT64_C(1) << 52 : f;
	q = (be ? be : 1) - 1075;
	if (q <= 0 && q >= -52 && !(c & ((UINT64_C(1) << -q) - 1)))
		r = (struct decimal){ c >> -q, 0 };  /* an integer below 2^53 */
	else
		r = schubfach(c, q, !f && be > 1);
	for (; r.d % 10 == 0; r.d /= 10)
		r.k++;
	return r;
}

int number_digits(double v, char *digits, int *point)
{
	struct decimal r = shortest(v);
	char tmp[24];
	int n = 0;

	for (; r.d; r.d /= 10)
		tmp[n++] = (char)('0' + r.d % 10);
	if (n > NUMBER_DIGITS_MAX)
		BUG("%d digits for %g", n, v);
	*point = r.k + n;
	for (r.k = 0; r.k < n; r.k++)
		digits[r.k] = tmp[n - 1 - r.k];
	digits[n] = '\0';
	return n;
}

/* ---- ECMAScript's Number::toString ------------------------------------- */

void number_write(struct strbuf *out, double v)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	int k, n;

	if (!isfinite(v))
		BUG("non-finite number reached the JSON writer");
	if (v == 0) {
		strbuf_addch(out, '0');  /* also -0 */
		return;
	}
	if (v < 0)
		strbuf_addch(out, '-');
	k = number_digits(v, digits, &n);
	if (k <= n && n <= 21) {
		strbuf_add(out, digits, (size_t)k);
		strbuf_addchars(out, '0', (size_t)(n - k));
	} else if (0 < n && n <= 21) {
		strbuf_add(out, digits, (size_t)n);
		strbuf_addch(out, '.');
		strbuf_addstr(out, digits + n);
	} else if (-6 < n && n <= 0) {
		strbuf_addstr(out, "0.");
		strbuf_addchars(out, '0', (size_t)-n);
		strbuf_addstr(out, digits);
	} else {
		strbuf_addch(out, digits[0]);
		if (k > 1) {
			strbuf_addch(out, '.');
			strbuf_addstr(out, digits + 1);
		}
		strbuf_addf(out, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
	}
}

/* ---- reading ----------------------------------------------------------- */

static size_t span(const char *s, size_t i, size_t len, const char *set)
{
	size_t start = i;

	while (i < len && s[i] && strchr(set, s[i]))
		i++;
	return i - start;
}

#define DIGITS "0123456789"

/* 16 for 0x, 8 for 0o, else 0. */
static int radix_of(const char *s, size_t len)
{
	if (len < 3 || s[0] != '0')
		return 0;
	return s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 0;
}

int number_literal(const char *s, size_t len)
{
	size_t i = 0, n, digits;
	int radix = radix_of(s, len);

	if (radix)
		return span(s, 2, len, radix == 16 ? DIGITS "abcdefABCDEF" : "01234567") == len - 2;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	i += digits = span(s, i, len, DIGITS);
	if (i < len && s[i] == '.') {
		n = span(s, ++i, len, DIGITS);
		i += n, digits += n;
	}
	if (!digits)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		if (!(n = span(s, i, len, DIGITS)))
			return 0;
		i += n;
	}
	return i == len;
}

/* The literal for a message: long ones cut. */
static void add_quoted(struct strbuf *err, const char *s, size_t len)
{
	if (len > 40)
		strbuf_addf(err, "'%.40s...' (%zu characters)", s, len);
	else
		strbuf_addf(err, "'%.*s'", (int)len, s);
}

static int refuse(struct strbuf *err, const char *what, const char *s, size_t len,
		  const char *why)
{
	strbuf_addf(err, "%s ", what);
	add_quoted(err, s, len);
	strbuf_addf(err, " %s", why);
	return -1;
}

static int not_exact(struct strbuf *err, const char *s, size_t len, double nearest)
{
	refuse(err, "integer", s, len, "is not exactly a double (the nearest is ");
	number_write(err, nearest);
	strbuf_addch(err, ')');
	return -1;
}

static int parse_radix(const char *s, size_t len, int radix, double *out, struct strbuf *err)
{
	const uint64_t top = UINT64_MAX / (uint64_t)radix;
	uint64_t v = 0, low;
	size_t i;

	for (i = 2; i < len; i++) {
		unsigned digit = (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);

		if (v > top)
			return refuse(err, "integer", s, len, "is too large for a double to hold exactly");
		v = v * (uint64_t)radix + digit;
	}
	/* Exact when no set bit lies more than 52 places below the top one. */
	for (low = v; low >> 53; low >>= 1)
		if (low & 1)
			return not_exact(err, s, len, (double)v);
	*out = (double)v;
	return 0;
}

/* The integer's digits, written back without sign and leading zeros. */
static int integer_kept(const char *s, size_t len, double v)
{
	char exact[400], digits[NUMBER_DIGITS_MAX + 1];
	int k, point;

	if (len && (*s == '-' || *s == '+'))
		s++, len--;
	while (len > 1 && *s == '0')
		s++, len--;
	if (fabs(v) < 9007199254740992.0)  /* so was the literal: every one is exact */
		return 1;
	if ((size_t)snprintf(exact, sizeof(exact), "%.0f", fabs(v)) == len &&
	    !memcmp(exact, s, len))
		return 1;
	k = number_digits(v, digits, &point);
	return (size_t)point == len && !memcmp(s, digits, (size_t)k) &&
	       span(s, (size_t)k, len, "0") == len - (size_t)k;
}

static int parse_decimal(const char *s, size_t len, double *out, struct strbuf *err)
{
	char small[64], *copy = len < sizeof(small) ? small : xmalloc(len + 1);
	size_t mantissa = 0;
	double v;

	while (mantissa < len && s[mantissa] != 'e' && s[mantissa] != 'E')
		mantissa++;

	memcpy(copy, s, len);
	copy[len] = '\0';
	v = strtod(copy, NULL);
	if (copy != small)
		free(copy);
	if (!isfinite(v))
		return refuse(err, "number", s, len, "is too large for a double");
	if (v == 0 && span(s, 0, mantissa, "-+.0") < mantissa)
		return refuse(err, "number", s, len, "is too small for a double (it would read as 0)");
	if (!memchr(s, '.', mantissa) && mantissa == len && !integer_kept(s, len, v))
		return not_exact(err, s, len, v);
	*out = v;
	return 0;
}

int number_parse(const char *text, size_t len, double *out, struct strbuf *err)
{
	int radix;

	if (!number_literal(text, len)) {
		strbuf_addstr(err, "not a number");  /* not quoted: it could be anything */
		return -1;
	}
	if (len > NUMBER_TEXT_MAX)  /* strtod takes seconds over megabytes */
		return refuse(err, "number", text, len, "is too long (at most 4096 characters)");
	radix = radix_of(text, len);
	return radix ? parse_radix(text, len, radix, out, err)
		     : parse_decimal(text, len, out, err);
}
