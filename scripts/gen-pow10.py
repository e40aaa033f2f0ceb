#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write src/pow10_table.h: Schubfach's 126-bit powers of ten (src/number.c).

    python3 scripts/gen-pow10.py > src/pow10_table.h

For each e in [-292, 324], with Python's exact integers:

    e >= 0:  beta = floor(log2(10^e)) = bitlen(10^e) - 1
             g    = floor(10^e * 2^(125 - beta)) + 1
    e < 0:   d = 10^-e, b = bitlen(d), beta = -b
             g    = floor(2^(b + 125) / d) + 1

so 2^125 < g <= 2^126 and 10^e = g * 2^(beta - 125), g a slight
overestimate as the paper requires.  tests/unit/check_number.c recomputes
every entry with its own big-integer arithmetic and compares.
"""

POW10_MIN = -292  # NUMBER_POW10_MIN and _MAX in include/toolsync/number.h
POW10_MAX = 324


def entry(e):
    if e >= 0:
        p = 10 ** e
        beta = p.bit_length() - 1
        shift = 125 - beta
        g = (p << shift if shift >= 0 else p >> -shift) + 1
    else:
        d = 10 ** -e
        b = d.bit_length()
        beta = -b
        g = (1 << (b + 125)) // d + 1
    assert 1 << 125 < g <= 1 << 126, e
    return g, beta


def main():
    print("/* SPDX-License-Identifier: Apache-2.0 */")
    print("/*")
    print(" * pow10_table.h: made by scripts/gen-pow10.py; do not edit.  Remake with")
    print(" *")
    print(" *     python3 scripts/gen-pow10.py > src/pow10_table.h")
    print(" *")
    print(" * For e = %d..%d: 10^e = g * 2^(beta - 125), g = floor(10^e * 2^(125 -"
          % (POW10_MIN, POW10_MAX))
    print(" * beta)) + 1 (src/number.c), from exact integers.  Only number.c includes")
    print(" * it (after defining struct pow10); tests/unit/check_number.c recomputes")
    print(" * every entry with big-integer arithmetic and compares.")
    print(" */")
    print("#define POW10_G(hi, lo) ((__uint128_t)UINT64_C(hi) << 64 | UINT64_C(lo))")
    print()
    print("/* 10^e is pow10_table[e - NUMBER_POW10_MIN] (toolsync/number.h) */")
    print("static const struct pow10 pow10_table[] = {")
    for e in range(POW10_MIN, POW10_MAX + 1):
        g, beta = entry(e)
        print("\t{ POW10_G(0x%016x, 0x%016x), %d },  /* 10^%d */"
              % (g >> 64, g & ((1 << 64) - 1), beta, e))
    print("};")
    print()
    print("#undef POW10_G")


if __name__ == "__main__":
    main()
