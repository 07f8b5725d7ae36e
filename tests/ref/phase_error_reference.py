#!/usr/bin/env python3
"""The `phase-error` unit kind against an independent reference and a closed-form bound.

Usage: phase_error_reference.py PATH/TO/hopelab
Runs phase-error units (vanilla and HoPE, linear, log and log-integer offsets) and recomputes,
from rope_reference.py (docs/references.md only) and numpy, the largest float32 phase error over the
rotating pairs: theta_i in mpmath (50 digits), the float32 phase fl32(fl32(Delta) * fl32(theta_i))
by numpy's IEEE float32 product, the exact phase Delta theta_i in mpmath.

Tolerances (EPS = 2^-53, u = 2^-24): the hopelab value uses a double phase, off the exact one by
at most ~4 EPS |Delta theta_max| (theta's pow, the product); its float32 phase equals numpy's
unless theta's double lies within an ulp of a float32 rounding boundary (odds ~2^-28 per pair).
So |hopelab - reference| <= 8 EPS Delta theta_max. The closed form: each of fl32(Delta),
fl32(theta) and their product rounds by at most u relative, so the error is at most
((1 + u)^3 - 1) Delta theta_max <= 3.0001 u Delta theta_max, and 0 where Delta = 0.
"""

import os
import sys
import tempfile

import h5py
import mpmath
import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rope_reference as ref  # noqa: E402
from check_log import CheckLog  # noqa: E402
from spec_runs import check_refused, run_spec  # noqa: E402

EPS = ref.EPS
U = 2.0 ** -24
CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
log = CheckLog()

# (run name, method, head_dim, base, distances, spacing)
CASES = [
    ("int", "vanilla", 128, "1e6", "1:100000000:60", "log-integer"),
    ("frac", "vanilla", 128, "1e6", "0.5:30000000:40", "log"),
    ("lin", "hope", 64, "1e4", "0:50000000:2500000", "linear"),
]


def spec_text():
    lines = ['[experiment]', 'name = "phase"', '']
    for name, method, d, base, dist, spacing in CASES:
        lines += ['[[run]]', 'name = "%s"' % name, 'kind = "phase-error"', 'method = "%s"' % method,
                  'head_dim = %d' % d, 'base = %s' % base, 'distances = "%s"' % dist,
                  'spacing = "%s"' % spacing, '']
    return "\n".join(lines)


def reference_distances(dist, spacing):
    a, b, c = dist.split(":")
    if spacing == "linear":
        return [float(v) for v in range(int(a), int(b), int(c))]
    a, b, n = mpmath.mpf(a), mpmath.mpf(b), int(c)
    xs = [float(a * (b / a) ** (mpmath.mpf(k) / (n - 1))) for k in range(n)]
    if spacing == "log":
        return xs
    out = []
    for x in xs:
        r = float(round(x))
        if not out or out[-1] != r:
            out.append(r)
    return out


def check_unit(group, case):
    name, method, d, base, dist, spacing = case
    alloc = ref.allocation(method, d)
    rotating = [i for i in range(d // 2) if i not in alloc["zero"]]
    thetas = {i: ref.theta(i, d, base) for i in rotating}
    theta_max = max(float(t) for t in thetas.values())
    for dataset in ("distance", "max_error", "worst_pair", "theta_max"):
        ok = dataset in group and group[dataset].attrs.get("unit") not in (None, "") and \
            group[dataset].attrs.get("description") not in (None, "")
        log.check("%s: dataset %s with unit and description" % (name, dataset), ok, "present", "absent or bare")
        if not ok:
            return
    got_tmax = float(group["theta_max"][()])
    log.check("%s: theta_max" % name, abs(got_tmax / theta_max - 1) <= 8 * EPS, theta_max, got_tmax)
    distances = group["distance"][()]
    want_d = reference_distances(dist, spacing)
    log.check("%s: offsets" % name, len(distances) == len(want_d) and
              all(abs(g - w) <= 8 * EPS * max(w, 1) * 20 for g, w in zip(distances, want_d)),
              want_d[:5], list(distances[:5]))
    errors = group["max_error"][()]
    worst = (0.0, None)
    for delta, got in zip(distances, errors):
        d32 = np.float32(delta)
        want = 0.0
        for i, th in thetas.items():
            phi32 = d32 * np.float32(float(th))  # IEEE float32 product
            want = max(want, float(abs(mpmath.mpf(float(phi32)) - mpmath.mpf(float(delta)) * th)))
        tol = 8 * EPS * delta * theta_max
        err = abs(got - want)
        if err > tol or (tol > 0 and err / tol > worst[0]):
            worst = (err / tol if tol else float("inf"), (delta, want, got, err, tol))
        bound = 3.0001 * U * delta * theta_max
        log.check("%s: Delta %.6g: error within the closed-form bound 3u Delta theta_max" % (name, delta),
                  got <= bound, "<= %.6g" % bound, "%.6g" % got, "%.3g" % got, "%.3g" % bound)
    if worst[1]:
        delta, want, got, err, tol = worst[1]
        log.check("%s: max error against numpy float32, worst at Delta %.6g" % (name, delta), worst[0] <= 1,
                  "%.17g" % want, "%.17g" % got, "%.3g" % err, "%.3g" % tol)


with tempfile.TemporaryDirectory() as tmp:
    h5 = run_spec(CLI, spec_text(), tmp, "phase", log)
    if h5 is not None:
        with h5py.File(h5, "r") as f:
            for case in CASES:
                group = f["runs"].get(case[0])
                log.check("%s: group present" % case[0], group is not None, "/runs/" + case[0], "absent")
                if group is not None:
                    check_unit(group, case)
    bad = spec_text().replace('spacing = "log-integer"', 'spacing = "logarithmic"', 1)
    check_refused(CLI, bad, tmp, "bad", "bad spacing", "logarithmic", log)

sys.exit(log.finish())
