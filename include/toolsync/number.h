/* SPDX-License-Identifier: Apache-2.0 */
/*
 * number.h: which number literals toolsync accepts, and how it writes a
 * double.  The one home of both rules: the JSON and YAML readers call
 * number_parse(), every JSON writer calls number_write().
 *
 * Writing is ECMAScript's Number::toString (what RFC 8785 section 3.2.2.3
 * requires): the shortest digits that read back as the same double, the
 * closest of those to the exact value, the even one on a tie.  The digits
 * come from Raffaello Giulietti's Schubfach algorithm ("The Schubfach way
 * to render doubles", 2020), written from the paper; see src/number.c.
 */
#ifndef TOOLSYNC_NUMBER_H
#define TOOLSYNC_NUMBER_H

#include "toolsync/strbuf.h"

/* The most digits a double needs to read back. */
#define NUMBER_DIGITS_MAX 17
/* number_parse() refuses longer literals. */
#define NUMBER_TEXT_MAX 4096

/*
 * The shortest round-trip digits of |v| (v finite and not 0): at most 17
 * ASCII digits without trailing zeros into digits (NUL-terminated, so 18
 * bytes), and *point such that |v| is 0.d1d2d3... * 10^point.  Returns the
 * number of digits.
 */
int number_digits(double v, char *digits, int *point);

/*
 * Append v as ECMAScript's Number::toString(10) writes it: 0.1, 100,
 * 1e+21, 1.5e-7, 0.30000000000000004; -0 as 0.  v must be finite (BUG()).
 */
void number_write(struct strbuf *out, double v);

/*
 * 1 if text[0..len) is a number literal: [-+]? then digits with an
 * optional fraction (YAML also allows "1." and ".5") and an optional
 * exponent [eE][-+]?digits; or a YAML integer 0x<hex> or 0o<octal>.  The
 * JSON reader checks its stricter grammar itself before number_parse().
 */
int number_literal(const char *text, size_t len);

/*
 * The value of the number literal text[0..len) (number_literal() is 1),
 * or -1 with the reason appended to err (no location; the reader adds
 * file:line:col).  The one rule both readers apply:
 *
 * - a number with a fraction or an exponent reads as the nearest double
 *   (0.1, 5e-324, subnormals included);
 * - one that is too large for a double (1e400) is refused, and so is a
 *   literal with a nonzero digit that would read as 0 (1e-400);
 * - an integer (no fraction, no exponent; 0x and 0o too) must not change:
 *   it is accepted when the double holds it exactly (every integer up to
 *   2^53, 2^60 = 1152921504606846976), or when it is the double's
 *   shortest digits followed by zeros, which is how number_write() and
 *   JavaScript write large integers (2^60 as 1152921504606847000).
 *   9007199254740993, between two doubles, is refused;
 * - a literal longer than NUMBER_TEXT_MAX characters is refused.
 */
int number_parse(const char *text, size_t len, double *out, struct strbuf *err);

/*
 * For tests (check_number.c proves the table): the writer's power of ten
 * 10^e = g * 2^(beta - 125), e in [NUMBER_POW10_MIN, NUMBER_POW10_MAX]
 * (else BUG()); g's high and low 64 bits into *g_hi and *g_lo.  Returns
 * beta.
 */
#define NUMBER_POW10_MIN (-292)
#define NUMBER_POW10_MAX 324
int number_pow10(int e, uint64_t *g_hi, uint64_t *g_lo);

#endif
