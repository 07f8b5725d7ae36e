#!/usr/bin/env python3
"""Compare `hopelab ... --json` with the independent reference rope_reference.py.

Usage: check_cli.py PATH/TO/hopelab
Covers: allocation lists of every method (d = 128, d = 64 presets, d = 80 and d = 200 with
explicit sections / keep fractions / rotary fractions, custom); closed-form preference and its per-axis split
for every method at offsets up to 1e9 (two spectra, three sigmas); critical length, its pair,
theta_min and length in frames; first violations along text and frames (brute-force scan
decided in mpmath); position ids of Qwen2-VL, Qwen2.5-VL, Qwen3-VL (timestamped frame groups,
methods qwen3vl and qwen35), diagonal (VideoRoPE / HoPE), flat, V2PE and TAD layouts. Every tolerance is derived in a comment beside its comparison.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import math
import os
import subprocess
import sys
import time
from fractions import Fraction

import mpmath

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rope_reference as ref  # noqa: E402
from unit_record import flat_record  # noqa: E402
from check_log import CheckLog  # noqa: E402

EPS = ref.EPS
CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
log = CheckLog()


def expect_close(case, expected, actual, tol):
    if actual is None or not isinstance(actual, (int, float)):
        log.check(case, False, mpmath.nstr(expected, 17), actual)
        return
    err = abs(mpmath.mpf(actual) - expected)
    log.check(case, err <= tol, mpmath.nstr(expected, 17), repr(actual), mpmath.nstr(err, 3), "%.3g" % tol)


def expect_equal(case, expected, actual):
    ok = expected == actual
    if not ok and isinstance(expected, list) and isinstance(actual, list):
        k = next((i for i, (x, y) in enumerate(zip(expected, actual)) if x != y), min(len(expected), len(actual)))
        case = case + " (first difference at index %d; lengths %d, %d)" % (k, len(expected), len(actual))
        expected, actual = expected[k:k + 8], actual[k:k + 8]
    log.check(case, ok, expected, actual)


def cli_json(case, *args):
    cmd = [CLI, *args, "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        log.fail(case + " [" + " ".join(cmd[1:]) + "]", "exit 0", "exit %d: %s" % (p.returncode, p.stderr.strip()))
        return None
    try:
        return flat_record(json.loads(p.stdout))
    except ValueError as e:
        log.fail(case, "one JSON object", "%r (%s)" % (p.stdout[:200], e))
        return None


def sections_args(sections):
    return ["--sections", ",".join(map(str, sections))] if sections else []


# ------------------------------------------------------------------ allocations

def check_allocations():
    # Integer lists: exact equality is the only meaningful comparison.
    cases = [(m, 128, None, {}) for m in ref.METHODS]
    cases += [(m, 64, None, {}) for m in ref.METHODS]  # P = 32: presets scale exactly
    cases += [("mrope", 80, (10, 15, 15), {}), ("mrope-interleave", 80, (14, 13, 13), {}),
              ("videorope", 80, (10, 15, 15), {}), ("hope", 80, (10, 15, 15), {}),
              ("hope-x", 80, (20, 10, 10), {}), ("videorope", 80, (8, 20, 12), {}),
              ("mrope", 16, (2, 3, 3), {}), ("hope", 16, (0, 4, 4), {}),
              ("p-rope", 80, None, {"keep_fraction": "0.3"}),
              ("p-rope", 64, None, {"keep_fraction": "0.5"}),
              # floor(0.57 * 100) = 57 exactly; a double product gives 56.99999999999999.
              ("p-rope", 200, None, {"keep_fraction": "0.57"}),
              ("custom", 128, None, {"custom": "t:48-63;h:0-46:2;w:1-47:2;zero:48-63"}),
              ("custom", 16, None, {"custom": "t:0,7;h:1-5:2;w:2-6:2;zero:7"}),
              # Qwen3.5: 32 of 128 pairs rotate; half of 40 with sections [8, 6, 6]; 0.57 of 100
              # (floor 57, as p-rope's) with the scaled sections.
              ("qwen35", 256, None, {}), ("qwen35", 80, (8, 6, 6), {"rotary_fraction": "0.5"}),
              ("qwen35", 200, None, {"rotary_fraction": "0.57"})]
    for method, d, sections, opts in cases:
        args = ["theory", "allocation", "--method", method, "--head-dim", str(d)] + sections_args(sections)
        if "keep_fraction" in opts:
            args += ["--keep-fraction", opts["keep_fraction"]]
        if "rotary_fraction" in opts:
            args += ["--rotary-fraction", opts["rotary_fraction"]]
        if "custom" in opts:
            args += ["--allocation", opts["custom"]]
        got = cli_json("allocation %s d=%d" % (method, d), *args)
        if got is None:
            continue
        want = ref.allocation_lists(ref.allocation(method, d, sections, **opts))
        for key in ("t", "h", "w", "zero"):
            expect_equal("allocation %s d=%d sections=%s %s %s" % (method, d, sections, opts, key),
                         want[key], got.get(key))


# ------------------------------------------------------------------ preference

PREF_OFFSETS = [(0, 0, 0), (1, 1, 1), (5, 3, 2), (100, -7, 13), (0.75, 2.5, -1.25),
                (10000, 30, 40), (27115, 27115, 27115), (1e7, 1e7, 1e7), (1e9, 12345, -678),
                (1e9, 1e9, 1e9)]
SMALL_SECTIONS = {"mrope": (2, 3, 3), "mrope-interleave": (4, 2, 2), "videorope": (2, 3, 3),
                  "hope": (2, 3, 3), "hope-x": (4, 2, 2)}


def check_preference():
    spectra = [(128, "1e6", None, "1"), (16, "1e3", SMALL_SECTIONS, "0.5"),
               (128, "1e4", None, "0.3")]
    for d, base, sec_table, sigma in spectra:
        for method in ref.METHODS + ["custom"]:
            sections = sec_table.get(method) if sec_table else None
            custom = "t:0-15,63;h:16-39;w:40-62;zero:63,0" if d == 128 else "t:0-1;h:2-4;w:5-7;zero:7"
            alloc = ref.allocation(method, d, sections, custom=custom if method == "custom" else None)
            for off in PREF_OFFSETS:
                off_text = ",".join(repr(float(o)) if isinstance(o, float) and o != int(o) else str(int(o))
                                    for o in off)
                args = ["theory", "preference", "--method", method, "--head-dim", str(d), "--base", base,
                        "--offset", off_text, "--sigma", sigma] + sections_args(sections)
                if method == "custom":
                    args += ["--allocation", custom]
                case = "preference %s d=%d b=%s sigma=%s offset=%s" % (method, d, base, sigma, off_text)
                got = cli_json(case, *args)
                if got is None:
                    continue
                total, by_axis = ref.preference(alloc, d, base, off, sigma)
                w = 2 * float(sigma) ** 2
                # Each term w cos(phi_i) in double: phase error |phi_i| (3 + |x_i ln b|) EPS from
                # the rounded exponent, pow (< 1 ulp) and the product; cos within 1 ulp; recursive
                # summation of P terms (P + 2) EPS sum w (see ref.double_sum_error_bound). Offsets
                # here are exact doubles. sigma = 0.3 is not: sigma^2 and 2 sigma^2 carry a relative
                # error <= 4 EPS, so add 4 EPS sum |w| (P w bounds sum |w cos|).
                sigma_term = 0.0 if sigma in ("1", "0.5") else 4 * EPS * w * (d // 2)
                tol = ref.double_sum_error_bound(alloc, d, base, off, w) + sigma_term
                expect_close(case + " value", total, got.get("value"), tol)
                for a in ref.AXES:
                    members = {i for i, x in enumerate(alloc["axis"]) if x == a}
                    tol_a = ref.double_sum_error_bound(alloc, d, base, off, w, members) + sigma_term
                    expect_close(case + " by_axis." + a, by_axis[a], (got.get("by_axis") or {}).get(a), tol_a)


# ------------------------------------------------------------------ critical length

def check_critical_length():
    spectra = [(128, "1e6", None), (16, "1e3", SMALL_SECTIONS), (64, "1e4", None)]
    for d, base, sec_table in spectra:
        for method in ref.METHODS:
            sections = sec_table.get(method) if sec_table else None
            alloc = ref.allocation(method, d, sections)
            case = "critical-length %s d=%d b=%s" % (method, d, base)
            got = cli_json(case, "theory", "critical-length", "--method", method, "--head-dim", str(d),
                           "--base", base, *sections_args(sections))
            if got is None:
                continue
            rotating_t = [i for i, a in enumerate(alloc["axis"]) if a == "t" and i not in alloc["zero"]]
            if not rotating_t:  # HoPE / HoPE-X: no non-zero temporal frequency
                expect_equal(case + " (absent)", None, got.get("critical_length"))
                continue
            pair = max(rotating_t, key=lambda i: -ref.pair_theta(alloc, i, d, base))  # smallest theta
            th = ref.pair_theta(alloc, pair, d, base)
            lc = 1 + mpmath.pi / (2 * th)
            # theta_min: rounded exponent (|x ln b| EPS) and pow within 1 ulp (2 EPS), relative
            # (a partial rotary's base b^(d/r) adds its own: ref.theta_error).
            rel_theta = ref.theta_error(alloc, pair, d, base) * EPS
            expect_equal(case + " pair", pair, got.get("pair"))
            expect_close(case + " theta_min", th, got.get("theta_min"), float(th) * rel_theta)
            # L_c - 1 = pi / (2 theta): theta's relative error, pi rounded (EPS), the division
            # (EPS); then + 1 rounds once more (EPS of L_c).
            tol = float(lc - 1) * (rel_theta + 2 * EPS) * 1.001 + float(lc) * EPS
            expect_close(case + " critical_length", lc, got.get("critical_length"), tol)
            # In frames of a 12 x 12 grid: pi / (2 theta step) + 1, step = t-offset of one frame
            # (an exact small dyadic number), so one more division rounding (EPS).
            step = ref.frame_offset(ref.METHOD_DESIGN[method], 1, 12, 12, step=2 if method == "videorope" else 1)[0]
            lf = 1 + mpmath.pi / (2 * th * mpmath.mpf(step.numerator) / step.denominator)
            tol_f = float(lf - 1) * (rel_theta + 3 * EPS) * 1.001 + float(lf) * EPS
            expect_close(case + " critical_frames", lf, got.get("critical_frames"), tol_f)


# ------------------------------------------------------------------ first violation

def violation_case(method, d, base, along="text", sections=None, only_axis=None, grid=(12, 12),
                   limit=None, step=None):
    alloc = ref.allocation(method, d, sections)
    design = ref.METHOD_DESIGN[method]
    if step is None:
        step = 2 if method == "videorope" else 1
    if along == "text":
        unit = (Fraction(1),) * 3
    else:
        unit = ref.frame_offset(design, 1, grid[0], grid[1], step=step)
    omega, weight = ref.preference_along(alloc, d, base, unit, only_axis)
    zero_w = sum(w for o, w in zip(omega, weight) if o == 0)
    rot_w = sum(w for o, w in zip(omega, weight) if o != 0)
    args = ["theory", "first-violation", "--method", method, "--head-dim", str(d), "--base", base,
            "--along", along] + sections_args(sections)
    if along == "frames":  # the grid is read along frames only (given along text, it is refused)
        args += ["--grid", "%dx%d" % grid]
    if only_axis:
        args += ["--only-axis", only_axis]
    if limit:
        args += ["--limit", str(limit)]
    case = "first-violation %s d=%d b=%s along=%s only=%s grid=%s" % (method, d, base, along, only_axis, grid)
    got = cli_json(case, *args)
    if got is None:
        return
    cli_m = got.get("first_violation", "missing")
    if zero_w >= rot_w:  # D >= Z - R >= 0 for every m: a proof, no scan needed
        expect_equal(case + " proven never", (None, True), (cli_m, got.get("proven_never")))
        return
    scan_limit = limit or 10_000_000
    ref_m = ref.first_negative(omega, weight, scan_limit)
    cli_tol = cli_scan_tol(omega, weight, base, partial=alloc.get("rotary_dim") not in (None, d))
    if cli_m == ref_m:
        expect_equal(case, ref_m, cli_m)
        if ref_m is not None:
            exact = ref.exact_sum(omega, weight, ref_m)
            # "value" is one cos per pair (no recurrence): drop the drift term.
            tol = cli_tol(ref_m) - len(omega) * 2 * 8 * 511 * EPS
            expect_close(case + " value", exact, got.get("value"), tol)
            want_off = [float(ref_m * u) for u in unit]
            expect_equal(case + " offset", want_off, [float(v) for v in got.get("offset", [])])
        return
    # Disagreement: acceptable only if every exact S that decides it is within the CLI's bound.
    ok, detail = judge_disagreement(omega, weight, cli_m, ref_m, cli_tol, scan_limit)
    print("NOTE %s: CLI m = %s, reference m = %s; %s" % (case, cli_m, ref_m, detail))
    log.check(case, ok, ref_m, cli_m, detail, "|S| <= rounding bound")


def cli_scan_tol(omega, weight, base, partial=False):
    """Rounding bound of the CLI's S(m) = sum w cos(m omega): one-cos-per-pair phases (see
    ref.double_sum_error_bound, with |x ln b| <= ln b; a partial rotary's ref.theta_error, with
    x_r <= 1: 5 + 2 ln b) plus its complex-rotation recurrence of up to 511 steps since the last
    exact resync (8 EPS per step per pair)."""
    lnb = math.log(float(base))
    phase = 5 + 2 * lnb if partial else 3 + lnb

    def tol(m):
        tot = sum(w * (abs(m * float(o)) * phase * EPS + 2 * EPS + 8 * 511 * EPS)
                  for o, w in zip(omega, weight))
        return tot + (len(omega) + 2) * EPS * sum(weight)
    return tol


def judge_disagreement(omega, weight, cli_m, ref_m, cli_tol, limit):
    """A CLI first violation differing from the exact one is excused only by rounding:
    if the CLI stops earlier, exact |S(cli_m)| must be within its bound; if it stops later (or
    never), every exactly negative S it stepped over must be within its bound."""
    if cli_m is not None and not isinstance(cli_m, int):
        return False, "first_violation is %r" % (cli_m,)
    if cli_m is not None and (ref_m is None or cli_m < ref_m):
        disputed = [cli_m]
    else:
        disputed = ref.exact_negatives(omega, weight, ref_m, (cli_m - 1) if cli_m else limit)
    s_vals = {m: ref.exact_sum(omega, weight, m) for m in disputed}
    ok = all(abs(s_vals[m]) <= cli_tol(m) for m in disputed)
    worst = sorted(disputed, key=lambda m: -abs(s_vals[m]) / cli_tol(m))[:3]
    detail = ", ".join("exact S(%d) = %s (bound %.3g)" % (m, mpmath.nstr(s_vals[m], 5), cli_tol(m))
                       for m in worst)
    return ok, detail


def twin_first_violation():
    """The disagreement rule must reject an answer one step off where S is not tiny (vanilla,
    d = 128, b = 1e6: S(27115) = -0.97), else the excuse above could hide real errors."""
    alloc = ref.allocation("vanilla", 128)
    omega, weight = ref.preference_along(alloc, 128, "1e6", (Fraction(1),) * 3)
    limit = 30000
    ref_m = ref.first_negative(omega, weight, limit)
    for biased in (ref_m - 1, ref_m + 1, None):
        ok, detail = judge_disagreement(omega, weight, biased, ref_m, cli_scan_tol(omega, weight, "1e6"), limit)
        log.check("twin: first violation %s instead of %s must be rejected" % (biased, ref_m), not ok,
                  "rejected", "accepted", detail)


def check_first_violation():
    small = SMALL_SECTIONS
    for method in ("vanilla", "mrope", "p-rope", "hope", "mrope-interleave", "videorope", "hope-x",
                   "v2pe", "tad-rope"):
        violation_case(method, 128, "1e6")
    for method in ("vanilla", "mrope", "p-rope", "hope", "hope-x"):
        violation_case(method, 16, "1e3", sections=small.get(method), limit=100000)
    violation_case("vanilla", 32, "1e4")
    # Frames: same cell m frames apart (qwen2vl (m,0,0); diagonal delta m or gamma m on every
    # axis; flat m H W; v2pe m H W / 16; tad m (H W + 1)).
    for method in ("vanilla", "videorope", "tad-rope", "v2pe", "mrope", "hope", "p-rope"):
        violation_case(method, 128, "1e6", along="frames")
    violation_case("vanilla", 128, "1e6", along="frames", grid=(4, 6))
    violation_case("videorope", 128, "1e6", along="frames", only_axis="t", limit=300000)
    violation_case("mrope-interleave", 128, "1e6", along="frames", only_axis="t")
    violation_case("mrope", 128, "1e6", along="frames", only_axis="t")
    violation_case("mrope", 128, "1e6", along="text", only_axis="h")
    violation_case("hope", 128, "1e6", along="text", only_axis="w")
    violation_case("hope", 128, "1e6", along="text", only_axis="t")
    violation_case("mrope", 16, "1e3", along="text", sections=small["mrope"], only_axis="w", limit=100000)
    violation_case("vanilla", 128, "1e6", limit=1000)  # none below the limit, not proven
    # Qwen3.5 (d = 256, base 1e7): 96 unrotated pairs against 32 rotating ones, proven along text
    # and frames; its 11 h pairs alone first go negative; d = 128 at its default fraction.
    violation_case("qwen35", 256, "1e7")
    violation_case("qwen35", 256, "1e7", along="frames")
    violation_case("qwen35", 256, "1e7", only_axis="h")
    violation_case("qwen35", 128, "1e6", along="frames", only_axis="w")
    truncated_time_violation()
    twin_first_violation()


def truncated_time_violation():
    """Qwen2.5-VL ids truncated to integers (fps 3, 2 ids/s: t = floor(4 f / 3)) are not linear in
    the frame distance, so the CLI evaluates each distance directly: compare with the exact sum
    over M-RoPE's t pairs of 2 cos(floor(4 m / 3) theta_i), m = 1..limit."""
    limit = 300
    case = "first-violation mrope qwen25vl fps=3 tps=2 frames only=t"
    got = cli_json(case, "theory", "first-violation", "--method", "mrope", "--design", "qwen25vl",
                   "--fps", "3", "--tokens-per-second", "2", "--along", "frames", "--only-axis", "t",
                   "--limit", str(limit))
    if got is None:
        return
    th = [ref.theta(i, 128, "1e6") for i in range(16)]  # M-RoPE t pairs 0..15
    ref_m, smallest = None, mpmath.inf
    for m in range(1, limit + 1):
        dt = (Fraction(4, 3) * m).__floor__()
        s = mpmath.fsum(2 * mpmath.cos(dt * t) for t in th)
        smallest = min(smallest, abs(s))
        if s < 0:
            ref_m = m
            break
    # The CLI's double S (one cos per pair here): phases |dt theta| <= 400, so by
    # ref.double_sum_error_bound its error is <= 32 (400 (3 + ln b) + 2) EPS + 18 * 32 EPS. The
    # exact answer decides the comparison only if every |S| scanned exceeds that bound.
    bound = 32 * (400 * (3 + math.log(1e6)) + 2) * EPS + 18 * 32 * EPS
    log.check(case + " decidable", smallest > bound, "min |S| > %.3g" % bound, mpmath.nstr(smallest, 5))
    expect_equal(case, ref_m, got.get("first_violation"))
    if ref_m is not None:
        expect_equal(case + " offset", [float((Fraction(4, 3) * ref_m).__floor__()), 0.0, 0.0],
                     [float(v) for v in got.get("offset", [])])


# ------------------------------------------------------------------ positions

def check_positions():
    # Expected ids are exact rationals; every case uses dyadic steps (delta, gamma in
    # {0.5, 0.75, 1, 1.5, 2, 3}, V2PE 1/16) and small integers, so each double operation in the
    # CLI is exact and exact equality is the right comparison.
    qwen_doc = ("mrope", "video:3x2x2,text:5", {})
    want_doc = {"t": [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4, 5, 6, 7],
                "h": [0, 0, 1, 1] * 3 + [3, 4, 5, 6, 7],
                "w": [0, 1] * 6 + [3, 4, 5, 6, 7]}
    got = cli_json("positions qwen2vl docstring", "positions", "--method", "mrope", "--layout", qwen_doc[1])
    if got is not None:
        for a in ref.AXES:
            expect_equal("positions qwen2vl docstring " + a, want_doc[a], got.get(a))
        expect_equal("positions qwen2vl docstring rope_delta", 7 + 1 - 17, got.get("rope_delta"))
    # Qwen2.5-VL docstring: fps 1, 25 ids per second, temporal patch 2 -> t steps of 50, text
    # resumes at 101.
    args = ["positions", "--method", "mrope", "--design", "qwen25vl", "--fps", "1",
            "--tokens-per-second", "25", "--layout", "video:3x2x2,text:5"]
    got = cli_json("positions qwen25vl docstring", *args)
    if got is not None:
        text = [101, 102, 103, 104, 105]
        want_doc = {"t": [0] * 4 + [50] * 4 + [100] * 4 + text, "h": [0, 0, 1, 1] * 3 + text,
                    "w": [0, 1] * 6 + text}
        for a in ref.AXES:
            expect_equal("positions qwen25vl docstring " + a, want_doc[a], got.get(a))
    cases = [
        ("mrope", "video:3x2x2,text:5", {}),
        ("mrope", "text:3,video:3x2x2,text:5,image:3x4,text:2", {}),
        ("mrope-interleave", "text:2,video:2x3x2,text:2", {}),
        ("mrope-interleave", "text:3,image:3x4,text:2,video:3x2x2,text:1", {"spatial_reset": True}),
        ("mhrope", "text:2,image:2x3,text:1,image:4x1,text:2", {"spatial_reset": True}),
        ("mrope", "text:1,video:3x1x2,text:2", {"design": "qwen25vl", "fps": "2", "tokens_per_second": "2",
                                                "spatial_reset": True}),
        ("videorope", "text:1,image:5x1,text:1", {}),
        ("tad-rope", "text:2,video:2x1x2,text:2", {}),
        ("videorope", "text:3,video:3x2x3,text:2", {}),
        ("videorope", "text:4,video:2x3x3,text:3,video:1x4x5,text:1", {}),
        ("videorope", "text:2,video:3x2x2,text:2", {"delta": "3"}),
        ("hope", "text:3,video:2x3x2,text:2", {"gamma": "0.75"}),
        ("hope", "text:1,video:4x2x2,text:2", {"gamma": "1.5"}),
        ("hope", "text:5,video:3x3x3,text:3", {"gamma": "0.5"}),
        ("hope", "text:3,video:3x2x2,text:3", {}),
        ("hope", "video:2x3x3,text:2", {}),
        ("hope-x", "text:2,video:2x2x3,text:2", {}),
        ("vanilla", "text:2,video:2x2x3,text:2", {}),
        ("p-rope", "text:1,image:2x3,text:2", {}),
        ("mrope", "text:2,video:3x1x2,text:2", {"design": "qwen25vl", "fps": "1", "tokens_per_second": "25"}),
        ("mrope", "video:3x1x2,text:2", {"design": "qwen25vl", "fps": "4", "tokens_per_second": "2"}),
        ("v2pe", "text:3,video:1x4x5,text:2", {}),
        ("v2pe", "text:3,image:2x3,text:2", {"visual_step": "0.25"}),
        ("tad-rope", "video:3x2x2", {}),
        ("tad-rope", "text:4", {}),
        ("qwen35", "text:2,video:3x2x2,text:2", {}),
        ("qwen35", "text:3,image:2x3,text:2,video:2x2x4,text:1", {"timestamp_tokens": "0"}),
        ("qwen3vl", "video:3x1x2,text:2", {"timestamp_tokens": "7"}),
    ]
    for method, layout, opts in cases:
        design = opts.get("design", ref.METHOD_DESIGN[method])
        step = opts.get("gamma") or opts.get("delta") or ("2" if method == "videorope" else "1")
        want = ref.positions(design, layout, step=step, fps=opts.get("fps", "1"),
                             tokens_per_second=opts.get("tokens_per_second", "25"),
                             visual_step=opts.get("visual_step", "0.0625"),
                             spatial_reset=opts.get("spatial_reset", False),
                             timestamp_tokens=int(opts.get("timestamp_tokens", "6")))
        args = ["positions", "--method", method, "--layout", layout]
        flag = {"delta": "--delta", "gamma": "--gamma", "design": "--design", "fps": "--fps",
                "tokens_per_second": "--tokens-per-second", "visual_step": "--visual-step",
                "spatial_reset": "--spatial-reset", "timestamp_tokens": "--timestamp-tokens"}
        for k, v in opts.items():
            args += [flag[k]] if v is True else [flag[k], v]
        case = "positions %s %s %s" % (method, layout, opts)
        got = cli_json(case, *args)
        if got is None:
            continue
        for a, col in zip(ref.AXES, want):
            actual = got.get(a)
            expect_equal(case + " " + a, [str(x) for x in col],
                         [str(Fraction(x)) for x in actual] if isinstance(actual, list) else actual)
        expect_equal(case + " rope_delta", float(ref.rope_delta(design, *want)), float(got.get("rope_delta", "nan")))


def check_positions_special():
    # HoPE training mode: one gamma per video drawn from {0.5, 0.75, 1, 1.25, 1.5}. Read each
    # video's gamma off the CLI (t of frame 1 - t of frame 0), require it in the set, and require
    # every id to follow the diagonal rule with those gammas (dyadic: exact equality).
    gamma_set = {Fraction(g) for g in ("0.5", "0.75", "1", "1.25", "1.5")}
    layout = "text:1,video:3x2x2,text:1,video:2x1x2,text:2,video:2x2x1"
    for seed in ("1", "7", "12345"):
        case = "positions hope training-seed %s %s" % (seed, layout)
        got = cli_json(case, "positions", "--method", "hope", "--layout", layout, "--training-seed", seed)
        if got is None or not isinstance(got.get("t"), list):
            continue
        firsts = [(1, 5), (14, 16), (20, 22)]  # token index of frame 0 / frame 1 of each video
        gammas = [Fraction(got["t"][b]) - Fraction(got["t"][a]) for a, b in firsts]
        expect_equal(case + " gammas in Gamma", True, all(g in gamma_set for g in gammas))
        want = ref.positions("diagonal", layout, step=gammas)
        for a, col in zip(ref.AXES, want):
            expect_equal(case + " " + a, [str(x) for x in col], [str(Fraction(x)) for x in got.get(a, [])])
    # Qwen2.5-VL with --keep-fractional-time, fps 3, 2 ids/s: t = s + f (2/3) 2, not dyadic. The
    # CLI rounds 2/fps (EPS), the product with f (EPS) and the sum with s (EPS): |dt| <= 3 EPS |t|
    # (up to second order), so tolerance 4 EPS |t|.
    layout = "text:2,video:4x1x2,text:1"
    case = "positions qwen25vl fractional " + layout
    got = cli_json(case, "positions", "--method", "mrope", "--design", "qwen25vl", "--fps", "3",
                   "--tokens-per-second", "2", "--keep-fractional-time", "--layout", layout)
    if got is not None:
        want = ref.positions("qwen25vl-fractional", layout, fps="3", tokens_per_second="2")
        for a, col in zip(ref.AXES, want):
            actual = got.get(a, [])
            expect_equal(case + " " + a + " length", len(col), len(actual))
            for k, (x, y) in enumerate(zip(col, actual)):
                xm = mpmath.mpf(x.numerator) / x.denominator
                expect_close(case + " %s[%d]" % (a, k), xm, y, 4 * EPS * float(abs(xm)))


def check_pair_layout():
    # halves and adjacent pairings are the same math (docs/references.md): the adjacent answer must
    # meet the reference with the same derived tolerance as halves.
    for method, off in (("mrope", (1000, 3, 2)), ("hope", (1e7, -5, 9)), ("videorope", (12345, 678, 9))):
        alloc = ref.allocation(method, 128)
        off_text = ",".join(str(int(o)) for o in off)
        case = "preference %s adjacent offset=%s" % (method, off_text)
        got = cli_json(case, "theory", "preference", "--method", method, "--offset", off_text,
                       "--pair-layout", "adjacent")
        if got is None:
            continue
        total, _ = ref.preference(alloc, 128, "1e6", off)
        expect_close(case, total, got.get("value"), ref.double_sum_error_bound(alloc, 128, "1e6", off, 2.0))


def main():
    for part in (check_allocations, check_preference, check_critical_length, check_first_violation,
                 check_positions, check_positions_special, check_pair_layout):
        t0 = time.time()
        part()
        print("%-24s done in %.1f s" % (part.__name__, time.time() - t0))
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
