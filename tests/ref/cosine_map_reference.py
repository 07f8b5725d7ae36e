#!/usr/bin/env python3
"""The `cosine-map` unit kind (HoPE Figure 2) against an independent reference.

Usage: cosine_map_reference.py PATH/TO/hopelab
Runs a spec of cosine-map units (several methods, axes, head dims, bases, linear and log
offsets) and compares each unit's datasets with rope_reference.py (docs/references.md only, no code
shared with the C++): the pairs reading the axis, theta_i = b^(-2i/d) and cos(Delta theta_i)
(1 for a zero-frequency pair) in mpmath at 50 digits; log offsets a (b/a)^(k/(n-1)) likewise.
Also checks shapes, the unit/description attributes, and that bad values exit 2 with one line.

Tolerances (EPS = 2^-53, the unit roundoff of double): the C++ theta = pow(b, -2i/d) carries the
rounded exponent e (relative error EPS |e ln b|) and pow's 1 ulp (2 EPS); a log offset carries the
rounded ratio, exponent and product (EPS (3 + ln(b/a)) relative, pow's 2 EPS more); the phase
product one more rounding (EPS). So |phi_hopelab - phi| <= |phi| EPS (6 + |e ln b| + ln(b/a)) and
cos, 1-Lipschitz, adds its own rounding (<= 2 EPS): tol = |phi| EPS (6 + |e ln b| + ln(b/a)) + 2 EPS,
doubled for slack in the ulp accounting.
"""

import math
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
CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
log = CheckLog()

# (run name, method, axis, head_dim, base, distances, spacing)
CASES = [
    ("log-vanilla", "vanilla", "t", 128, "1e6", "1:1000000:41", "log"),
    ("log-mrope", "mrope", "t", 128, "1e6", "1:1000000:41", "log"),
    ("log-mropei", "mrope-interleave", "t", 128, "1e6", "1:1000000:41", "log"),
    ("log-videorope", "videorope", "t", 128, "1e6", "1:1000000:41", "log"),
    ("log-hope", "hope", "t", 128, "1e6", "1:1000000:41", "log"),
    ("lin-mrope-h", "mrope", "h", 64, "1e4", "0:4096:128", "linear"),
    ("lin-videorope-w", "videorope", "w", 32, "500", "3:300:7", "linear"),
    ("log-prope", "p-rope", "t", 64, "1e4", "0.5:2e5:17", "log"),
]


def spec_text():
    lines = ['[experiment]', 'name = "cosmap"', '']
    for name, method, axis, d, base, dist, spacing in CASES:
        lines += ['[[run]]', 'name = "%s"' % name, 'kind = "cosine-map"', 'method = "%s"' % method,
                  'axis = "%s"' % axis, 'head_dim = %d' % d, 'base = %s' % base,
                  'distances = "%s"' % dist, 'spacing = "%s"' % spacing, '']
    return "\n".join(lines)


def reference_distances(dist, spacing):
    a, b, c = dist.split(":")
    if spacing == "linear":
        return [mpmath.mpf(v) for v in range(int(a), int(b), int(c))]
    a, b, n = mpmath.mpf(a), mpmath.mpf(b), int(c)
    return [a * (b / a) ** (mpmath.mpf(k) / (n - 1)) for k in range(n)]


def check_unit(group, case):
    name, method, axis, d, base, dist, spacing = case
    alloc = ref.allocation(method, d)
    pairs = [i for i, x in enumerate(alloc["axis"]) if x == axis]
    distances = reference_distances(dist, spacing)
    log_ratio = float(mpmath.log(distances[-1] / distances[0])) if spacing == "log" else 0.0
    for dataset in ("distance", "pair", "theta", "zero_frequency", "cosine"):
        ok = dataset in group and group[dataset].attrs.get("unit") not in (None, "") and \
            group[dataset].attrs.get("description") not in (None, "")
        log.check("%s: dataset %s with unit and description" % (name, dataset), ok, "present", "absent or bare")
        if not ok:
            return
    got_pairs = [int(p) for p in group["pair"][()]]
    log.check("%s: pairs on axis %s" % (name, axis), got_pairs == pairs, pairs, got_pairs)
    zero = [1 if i in alloc["zero"] else 0 for i in pairs]
    got_zero = [int(z) for z in group["zero_frequency"][()]]
    log.check("%s: zero-frequency flags" % name, got_zero == zero, zero, got_zero)
    got_d = group["distance"][()]
    log.check("%s: offsets count" % name, len(got_d) == len(distances), len(distances), len(got_d))
    # log offsets: (3 + ln(b/a)) EPS relative from the C++ ratio, exponent, product, + pow 2 EPS
    d_tol = (5 + log_ratio) * EPS * 2
    worst = max((abs(mpmath.mpf(float(g)) / r - 1) if r else abs(mpmath.mpf(float(g))) for g, r in zip(got_d, distances)),
                default=0)
    log.check("%s: offsets (worst relative error)" % name, worst <= d_tol, "<= %.3g" % d_tol, "%.3g" % worst,
              "%.3g" % worst, "%.3g" % d_tol)
    cos = group["cosine"][()]
    log.check("%s: cosine shape (K, M)" % name, cos.shape == (len(pairs), len(distances)),
              (len(pairs), len(distances)), cos.shape)
    if cos.shape != (len(pairs), len(distances)):
        return
    worst_case = (0.0, None)
    for row, i in enumerate(pairs):
        th = ref.theta(i, d, base)
        e_ln_b = abs(2.0 * i / d * math.log(float(base)))
        got_theta = float(group["theta"][row])
        th_tol = (2 + e_ln_b) * EPS * 2
        th_err = abs(got_theta / float(th) - 1)
        log.check("%s: theta_%d" % (name, i), th_err <= th_tol, float(th), got_theta, "%.3g" % th_err, "%.3g" % th_tol)
        for col, delta in enumerate(distances):
            phi = mpmath.mpf(0) if i in alloc["zero"] else delta * th
            want = mpmath.cos(phi)
            tol = 2 * (abs(float(phi)) * EPS * (6 + e_ln_b + log_ratio) + 2 * EPS)
            err = abs(float(cos[row, col]) - float(want))
            if err > tol or err / tol > worst_case[0]:
                worst_case = (err / tol, (i, float(delta), float(want), float(cos[row, col]), err, tol))
    ratio, where = worst_case
    if where:
        i, delta, want, got, err, tol = where
        log.check("%s: cos(Delta theta_i), worst at pair %d, Delta %.6g" % (name, i, delta), ratio <= 1,
                  "%.17g" % want, "%.17g" % got, "%.3g" % err, "%.3g" % tol)


def check_refusal(tmp, key, value, what):
    text = spec_text().replace('%s = "%s"' % (key, CASES[0][{"axis": 2, "spacing": 6, "distances": 5}[key]]),
                               '%s = "%s"' % (key, value), 1)
    check_refused(CLI, text, tmp, "bad-" + key, "bad %s (%s)" % (key, what), value, log)


with tempfile.TemporaryDirectory() as tmp:
    h5 = run_spec(CLI, spec_text(), tmp, "cosmap", log)
    if h5 is not None:
        with h5py.File(h5, "r") as f:
            for case in CASES:
                group = f["runs"].get(case[0])
                log.check("%s: group present" % case[0], group is not None, "/runs/" + case[0], "absent")
                if group is not None:
                    log.check("%s: kind attribute" % case[0], group.attrs.get("kind") == "cosine-map",
                              "cosine-map", group.attrs.get("kind"))
                    check_unit(group, case)
    check_refusal(tmp, "spacing", "cubic", "unknown spacing")
    check_refusal(tmp, "axis", "x", "unknown axis")
    check_refusal(tmp, "distances", "0:1000000:41", "log offsets from 0")

sys.exit(log.finish())
