#!/usr/bin/env python3
"""Šidák values at 50 digits (mpmath) for tests/theory/sidak_test.cpp.

Usage: python3 tests/ref/sidak_reference.py > table.inc  (then paste the rows into the test)
For a family level a and k independent two-sided z-tests:
  per-check level  l = 1 - (1 - a)^(1/k), evaluated as -expm1(log1p(-a) / k) at 50 digits;
  z                the root of erfc(z / sqrt 2) = l, found by mpmath.findroot on
                   log erfc(z / sqrt 2) - log l (well scaled even for l ~ 1e-18) and checked to
                   reproduce l to 40 digits.
Each a is the double nearest the decimal literal (mpf(float)), as the C++ test receives it.
Prints one C++ initializer row per case: {a, k, l, z} with 20 significant digits.
"""

import mpmath
from mpmath import mp, mpf

mp.dps = 50

FAMILY_LEVELS = [0.05, 1e-4, 1e-6, 1e-7, 1e-12]
CHECKS = [1, 3, 12, 1000, 1000000]


def per_check_level(a, k):
    return -mpmath.expm1(mpmath.log1p(-a) / k)


def two_sided_z(level):
    guess = mp.sqrt(2) * mpmath.erfinv(1 - level) if level > mpf("1e-15") else mp.sqrt(-2 * mp.log(level))
    z = mp.findroot(lambda x: mp.log(mp.erfc(x / mp.sqrt(2))) - mp.log(level), guess)
    assert abs(mp.erfc(z / mp.sqrt(2)) / level - 1) < mpf("1e-40"), (level, z)
    return z


def main():
    for a_literal in FAMILY_LEVELS:
        a = mpf(a_literal)  # exactly the double the C++ literal denotes
        for k in CHECKS:
            level = per_check_level(a, k)
            z = two_sided_z(level)
            print("    {%r, %d, %s, %s}," % (a_literal, k, mp.nstr(level, 20, min_fixed=1, max_fixed=0),
                                            mp.nstr(z, 20)))


if __name__ == "__main__":
    main()
