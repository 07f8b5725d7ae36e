#!/usr/bin/env python3
"""Brute-force lower bound of the RoPE base (Men et al. 2405.14591) against `hopelab theory base-bound`.

Usage: base_bound_reference.py PATH/TO/hopelab
B_b(m) = sum_{i<P} cos(m b^(-2i/d)); b is feasible for L when B_b(m) >= 0 for every integer
m in [0, L] (or [0, L-1] with --exclusive). Feasibility is not monotone in b, so the reference
walks a geometric grid b_k = B0 r^k upward (r = 1.0002, finer than the CLI's 1.001), evaluating
every base at every m in numpy float64; bases whose float sums are within the float rounding
bound of zero are decided in mpmath (50 digits). Then, for each case:
  * the reference's first feasible grid base is exactly feasible and its predecessor exactly
    infeasible (mpmath);
  * the CLI's "base" is feasible and its "infeasible_below" infeasible, up to the CLI's own
    double rounding bound, evaluated exactly;
  * the CLI's base lies in the reference's bracket [b_{k-1}, b_k] (within the grid resolution),
    or, if below, is a genuine earlier feasible window the reference grid stepped over;
  * every infeasible run the CLI lists above b* (--recheck-above) is exactly infeasible at its ends;
  * Table 2 of the paper: L = 1k at d = 128 gives 4.3e3 to two significant digits.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import math
import os
import subprocess
import sys
import time

import mpmath
import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rope_reference as ref  # noqa: E402
from unit_record import flat_record  # noqa: E402
from check_log import CheckLog  # noqa: E402

EPS = ref.EPS
CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
RATIO = 1.0002
START = 1.01
log = CheckLog()
check = log.check


def float_theta(bases, d):
    """(nb, P) float64 thetas b^(-2i/d), relative error <= (3 + 4 |x ln b|) EPS (see float_bound)."""
    i = np.arange(d // 2, dtype=np.float64)
    return np.exp(-np.log(bases)[:, None] * (2.0 * i[None, :] / d))


def float_bound(m, theta_row, lnb, d):
    """|float64 S(m) - exact S(m)| for one base: per pair |m theta| times the relative phase error
    (theta = exp(-ln b * x), x = 2i/d: ln b within 1 ulp, x and the product one rounding each,
    exp within 1 ulp, so <= (3 + 4 |x ln b|) EPS relative; m theta: one more EPS),
    numpy's cos within 4 ulp (8 EPS), and the P-term summation (P + 1) EPS P."""
    P = d // 2
    x = 2.0 * np.arange(P) / d
    return float(np.sum(np.abs(m * theta_row) * (4 + 4 * x * lnb) * EPS) + 8 * EPS * P + (P + 1) * EPS * P)


def exact_S(base, d, m):
    b = mpmath.mpf(base)  # the double's exact value
    return mpmath.fsum(mpmath.cos(m * mpmath.power(b, mpmath.mpf(-2 * i) / d)) for i in range(d // 2))


def exact_min(base, d, max_m, below=1e-6):
    """Exact min over m in [1, max_m] of S(m), evaluating in mpmath only where float S < below
    (float error is < 1e-10 here, so other m cannot be the negative or near-zero minimum)."""
    m = np.arange(1, max_m + 1, dtype=np.float64)
    th = float_theta(np.array([base]), d)[0]
    s = np.cos(np.outer(m, th)).sum(axis=1)
    cand = [int(m[k]) for k in np.nonzero(s < below)[0]] or [int(m[np.argmin(s)])]
    vals = [(exact_S(base, d, mm), mm) for mm in cand]
    return min(vals)


def first_feasible_grid(d, max_m, upper):
    """Walk b_k = START RATIO^k up to `upper`; return (k, b_{k-1}, b_k) of the first base whose
    float sums are all >= their rounding bound, or exactly feasible after an mpmath check."""
    count = int(math.log(upper / START) / math.log(RATIO)) + 1
    # The drop threshold below is only safe while the float error bound (theta <= 1) is under it.
    worst = float_bound(max_m, np.ones(d // 2), math.log(upper), d)
    assert worst < 1e-9, "float64 bound %.3g exceeds the 1e-9 drop threshold" % worst
    bases = START * RATIO ** np.arange(count, dtype=np.float64)
    ms = np.arange(1, max_m + 1, dtype=np.float64)
    block = 256
    for lo in range(0, count, block):
        bb = bases[lo:lo + block]
        th = float_theta(bb, d)                         # (nb, P)
        alive = np.ones(len(bb), dtype=bool)
        for mlo in range(0, max_m, 64):
            idx = np.nonzero(alive)[0]
            if len(idx) == 0:
                break
            mm = ms[mlo:mlo + 64]
            s = np.cos(mm[:, None, None] * th[None, idx, :]).sum(axis=2)   # (nm, nalive)
            # Float error <= float_bound(...) < 1e-9 (asserted above); a base is dropped only
            # when some sum is below -1e-9, i.e. certainly negative.
            alive[idx[np.any(s < -1e-9, axis=0)]] = False
        for k in np.nonzero(alive)[0]:
            b = float(bb[k])
            if exact_min(b, d, max_m)[0] >= 0:
                return lo + k, float(bases[lo + k - 1]), b
    return None


def cli_rounding_bound(base, d, m):
    """The CLI's double S(m): theta = pow(b, -2i/d) (|dphi| <= |m theta| (3 + |x ln b|) EPS),
    cos/sin within 1 ulp, up to 511 complex rotation steps since its last resync (8 EPS each),
    summation (P + 2) P EPS. Bounded with x = 1 and |m theta| <= m."""
    P = d // 2
    lnb = math.log(base)
    return P * (m * (3 + lnb) * EPS + 2 * EPS + 8 * 511 * EPS) + (P + 2) * P * EPS


def run_cli(case, args):
    p = subprocess.run([CLI, "theory", "base-bound", *args, "--json"], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        log.fail(case, "exit 0", "exit %d: %s" % (p.returncode, p.stderr.strip()))
        return None
    return flat_record(json.loads(p.stdout))


def check_case(L, d, exclusive=False, upper=1e5):
    case = "base-bound L=%d d=%d%s" % (L, d, " exclusive" if exclusive else "")
    t0 = time.time()
    max_m = L - 1 if exclusive else L
    args = ["--context-length", str(L), "--head-dim", str(d), "--recheck-above", "2"]
    if exclusive:
        args.append("--exclusive")
    got = run_cli(case, args)
    found = first_feasible_grid(d, max_m, upper)
    if found is None:
        log.fail(case, "a feasible base below %g" % upper, "none on the reference grid")
        return None
    k, b_prev, b_ref = found
    # The reference bracket itself, decided exactly.
    s_prev, m_prev = exact_min(b_prev, d, max_m)
    check(case + " reference b_{k-1} exactly infeasible", s_prev < 0, "< 0", "S(%d) = %s at b = %r"
          % (m_prev, mpmath.nstr(s_prev, 5), b_prev))
    if got is None:
        return b_ref
    check(case + " max_distance", got.get("max_distance") == max_m, max_m, got.get("max_distance"))
    b_cli = got["base"]
    below = got["infeasible_below"]
    # The CLI's answer against exact sums: it decides S >= 0 in double, so it may be off by its
    # rounding bound; the refined bracket has relative width 1e-12, far below the grid's 2e-4.
    s_cli, m_cli = exact_min(b_cli, d, max_m)
    tol = cli_rounding_bound(b_cli, d, max_m)
    check(case + " CLI base feasible", s_cli >= -tol, ">= -%.3g" % tol,
          "S(%d) = %s" % (m_cli, mpmath.nstr(s_cli, 5)), "-", "%.3g" % tol)
    s_below, m_below = exact_min(below, d, max_m)
    check(case + " CLI infeasible_below infeasible", s_below < tol, "< %.3g" % tol,
          "S(%d) = %s at b = %r" % (m_below, mpmath.nstr(s_below, 5), below), "-", "%.3g" % tol)
    # Within the grid resolution: b_{k-1} < b_cli <= b_k (up to the 1e-12 refinement).
    in_bracket = b_prev * (1 - 1e-12) <= b_cli <= b_ref * (1 + 1e-12)
    if not in_bracket and b_cli < b_prev and s_cli >= -tol:
        print("NOTE %s: CLI base %r is below the reference bracket [%r, %r] and exactly feasible "
              "(S_min = %s): an earlier window the reference grid stepped over"
              % (case, b_cli, b_prev, b_ref, mpmath.nstr(s_cli, 5)))
        in_bracket = True
    check(case + " CLI base within the reference grid bracket", in_bracket,
          "[%r, %r]" % (b_prev, b_ref), repr(b_cli), "%.3g relative" % abs(b_cli / b_ref - 1), "ratio %g" % RATIO)
    # Non-monotonicity: each listed infeasible run is infeasible at both ends.
    for lo_b, hi_b in got.get("infeasible_above", []):
        for b in (lo_b, hi_b):
            s, mm = exact_min(b, d, max_m)
            check(case + " infeasible_above %r" % b, s < cli_rounding_bound(b, d, max_m), "< 0",
                  "S(%d) = %s" % (mm, mpmath.nstr(s, 5)))
    print("%-32s reference [%.10g, %.10g]  CLI %.13g  (%.1f s)" % (case, b_prev, b_ref, b_cli, time.time() - t0))
    return b_ref


def main():
    for L in (64, 128, 256):
        for d in (16, 32):
            check_case(L, d)
    check_case(128, 32, exclusive=True)
    b_ref = check_case(1024, 128, upper=1e4)
    # Table 2 (d = 128): 1k -> 4.3e3 to two significant digits; "1k" read as 1024, m in [0, L].
    got = run_cli("base-bound 1k", ["--context-length", "1k"])
    if got is not None:
        check("Table 2 1k -> 4.3e3 (CLI)", float("%.1e" % got["base"]) == 4.3e3, "4.3e3", got["base"])
    if b_ref is not None:
        check("Table 2 1k -> 4.3e3 (reference)", float("%.1e" % b_ref) == 4.3e3, "4.3e3", b_ref)
    # Degenerate L = 1: the search starts at b = 2, which is feasible; "infeasible_below" must
    # not name a feasible base (exact S_min at 2 is printed in the failure).
    got = run_cli("base-bound L=1", ["--context-length", "1"])
    if got is not None and got.get("infeasible_below") is not None:
        s, mm = exact_min(got["infeasible_below"], 128, 1)
        check("base-bound L=1 infeasible_below is infeasible", s < 0, "S < 0 (or null)",
              "infeasible_below = %r with S(%d) = %s" % (got["infeasible_below"], mm, mpmath.nstr(s, 5)))
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
