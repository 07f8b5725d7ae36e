#!/usr/bin/env python3
"""Finds a base-bound case whose grid above b* holds two infeasible runs separated by a feasible base.

Usage: /usr/bin/python3 tests/ref/base_bound_windows_search.py
Used by BaseBound.InfeasibleRunsAboveTheBoundAreSeparatedByFeasibleBases
(tests/theory/base_bound_test.cpp). B_b(m) = sum_{i<d/2} cos(m b^(-2i/d)); b is feasible when
B_b(m) >= 0 for every integer m in [1, L]. The grid is b_k = 2 * r^k (theory/base_bound.h's
default search_from = 2). For each (d, L, r) it finds the first feasible grid index k* and the
pattern of the next 29 grid bases ('.' feasible, 'X' infeasible), and prints the cases whose
pattern holds "X.X" (a single feasible base between two infeasible runs) and whose every grid
base up to k* + 29 has min_m |B_b(m)| above 1e-9: far above the rounding of an 8-term float64
cosine sum at m <= 200 (~1e-13), so float64 here, long double in the test and the library's
recurrence all see the same signs. The first case printed is the one the test uses.
"""

import numpy as np

MARGIN = 1e-9
ABOVE = 29


def min_bound(base, d, length):
    m = np.arange(1, length + 1, dtype=np.float64)[:, None]
    theta = base ** (-2.0 * np.arange(d // 2) / d)
    return np.cos(m * theta).sum(axis=1).min()


def main():
    for d in (8, 16):
        for length in range(20, 200, 7):
            for ratio in (1.01, 1.02, 1.05):
                k = 0
                values = []
                while True:
                    v = min_bound(2.0 * ratio**k, d, length)
                    values.append(v)
                    if v >= 0:
                        break
                    k += 1
                above = [min_bound(2.0 * ratio ** (k + j), d, length) for j in range(1, ABOVE + 1)]
                pattern = "".join("." if v >= 0 else "X" for v in above)
                if "X.X" not in pattern:
                    continue
                if min(abs(v) for v in values + above) <= MARGIN:
                    continue
                print("d=%d L=%d ratio=%g first_feasible_index=%d pattern_above=%s" % (d, length, ratio, k, pattern))


if __name__ == "__main__":
    main()
