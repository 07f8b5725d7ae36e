"""Hold `hopelab positions` and `hopelab theory allocation` to the official code, by value: the
golden golden/positions_official.json written by make_position_golden.py (run by hand with torch;
CI needs neither torch nor the official repositories).

Usage: check_position_golden.py PATH/TO/hopelab
Checks:
  * positions and rope_delta of VideoRoPE, HoPE (gamma 1, 0.75), TAD-RoPE (HoPE's code) and the
    spatial-reset design of MRoPE-I / MHRoPE (Multimodal-RoPEs): exact (integers and multiples of
    1/4, exact in double on both sides);
  * the per-pair axes of VideoRoPE's and HoPE's frequency layouts, h != w sections included;
  * MHRoPE's cos, sin per KV head (float32 in the official code, tolerance derived below);
  * transformers 4.57.1, one case per class of the 5.x regressions: a still image beside a video
    (Qwen2.5-VL), rows of a padded batch with their own rope_deltas, packed sequences (ids
    restart), Qwen3-VL's interleaved vs Qwen2-VL's blocked layout (cos per pair). Each of these
    also checks that the wrong convention is told apart (its twin must differ from the golden);
  * Qwen2.5-VL's time-aligned ids at fps 3, 4 and 0.7: --time-convention transformers-4.57 against
    transformers 4.57.1 (whole layouts), the default product convention against the newest
    transformers (video blocks), each twinned with the other convention, which must differ;
  * Qwen3-VL's textual timestamps (newest transformers): the qwen3vl method's positions equal the
    golden's listed tokens (the timestamps and the frame groups' <vision_start> / <vision_end> are
    not layout tokens), its rope_delta the golden's plus the unlisted tokens; twin: MRoPE-I's
    Qwen2-VL video block differs; and its allocation gives Qwen3-VL's interleaved cos golden;
  * Qwen3.5 (newest transformers): the qwen35 method's allocation and frequencies (`theory
    allocation`'s theta) give Qwen3_5TextRotaryEmbedding's cos and sin of every rotated dimension
    (pair i is dimensions i and i + r/2 of the first r), its other pairs are unrotated (as many as
    the dimensions apply_rotary_pos_emb leaves alone); twins: frequencies over d instead of r, and
    qwen3vl's full rotary, must not match. Its positions equal Qwen3_5Model.get_rope_index's as
    qwen3vl's do Qwen3-VL's (twin: MRoPE-I's Qwen2-VL video block differs);
  * the same time-convention cases inside the VLM: `hopelab vlm positions` of a tiny model and a one-video prompt
    of the golden's layout, with --fps, --tokens-per-second and --time-convention (twin: without
    them, fps 1 and 25 ids per second, the positions differ).
"""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_log import CheckLog  # noqa: E402
from unit_record import flat_record  # noqa: E402

CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "positions_official.json")
U32 = 2.0 ** -24  # unit roundoff of float32
log = CheckLog()
FLAG = {"gamma": "--gamma", "delta": "--delta", "design": "--design", "spatial_reset": "--spatial-reset",
        "sections": "--sections", "kv_heads": "--kv-heads", "kv_head": "--kv-head", "head_dim": "--head-dim",
        "base": "--base", "fps": "--fps", "tokens_per_second": "--tokens-per-second",
        "time_convention": "--time-convention", "timestamp_tokens": "--timestamp-tokens",
        "rotary_fraction": "--rotary-fraction"}


def cli(case, *args):
    cmd = [CLI, *args, "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        log.fail(case + " [" + " ".join(cmd[1:]) + "]", "exit 0", "exit %d: %s" % (p.returncode, p.stderr.strip()))
        return None
    return flat_record(json.loads(p.stdout))


def option_args(options):
    args = []
    for k, v in options.items():
        args += [FLAG[k]] if v is True else [FLAG[k], ",".join(map(str, v)) if isinstance(v, list) else str(v)]
    return args


def positions(case, method, layout, options):
    return cli(case, "positions", "--method", method, "--layout", layout, *option_args(options))


def expect_equal(case, expected, actual):
    ok = expected == actual
    if not ok and isinstance(expected, list) and isinstance(actual, list):
        k = next((i for i, (x, y) in enumerate(zip(expected, actual)) if x != y), min(len(expected), len(actual)))
        case += " (first difference at index %d; lengths %d, %d)" % (k, len(expected), len(actual))
        expected, actual = expected[k:k + 8], actual[k:k + 8]
    log.check(case, ok, expected, actual)


def axes_string(alloc):
    """'hwhw...tttt' ('0' for zero-frequency pairs) from a flat allocation record."""
    pairs = len(alloc["t"]) + len(alloc["h"]) + len(alloc["w"])
    out = ["?"] * pairs
    for a in "thw":
        for i in alloc[a]:
            out[i] = a
    for i in alloc["zero"]:
        out[i] = "0"
    return "".join(out)


def allocation(case, method, **options):
    return cli(case, "theory", "allocation", "--method", method, *option_args(options))


def check_positions(golden):
    for c in golden["positions"]:
        case = "%s: %s %s %s" % (c["source"], c["method"], c["layout"], c["options"])
        got = positions(case, c["method"], c["layout"], c["options"])
        if got is None:
            continue
        for a in "thw":
            expect_equal(case + " " + a, [float(v) for v in c[a]], got.get(a))
        expect_equal(case + " rope_delta", float(c["rope_delta"]), got.get("rope_delta"))


def check_frequency_layouts(golden):
    for c in golden["frequency_layouts"]:
        case = "%s: d=%d sections %s" % (c["source"], c["head_dim"], c["sections"])
        got = allocation(case, c["method"], head_dim=c["head_dim"], sections=c["sections"])
        if got is not None:
            expect_equal(case, c["axes"], axes_string(got))


def float32_cos_sin_tolerance(phi):
    """The official code computes inv_freq = 1 / base^(2i/d) (float32: pow and reciprocal, <= 3u
    relative), the angle pos * inv_freq (u more) and cos / sin in float32 (<= 1 ulp <= 2u of a
    value <= 1): |error| <= 4u |phi| + 2u, u = 2^-24; the float64 side adds nothing comparable."""
    return 4 * U32 * abs(phi) + 2 * U32


def expected_cos_sin(axes, position, d, base):
    """cos and sin per pair of a token at (t, h, w) under an axes string, in float64."""
    out_cos, out_sin = [], []
    for i, a in enumerate(axes):
        phi = 0.0 if a == "0" else position["thw".index(a)] * float(base) ** (-2.0 * i / d)
        out_cos.append((math.cos(phi), phi))
        out_sin.append(math.sin(phi))
    return out_cos, out_sin


def compare_cos(case, golden_cos, axes, position, d, base, golden_sin=None):
    """Largest |golden - expected| against its tolerance, one check per token and function."""
    want_cos, want_sin = expected_cos_sin(axes, position, d, base)
    worst = (0.0, 0.0, -1)
    ok = True
    for i, (got, (want, phi)) in enumerate(zip(golden_cos, want_cos)):
        err, tol = abs(got - want), float32_cos_sin_tolerance(phi)
        ok = ok and err <= tol
        worst = max(worst, (err / tol, err, i))
    if golden_sin is not None:
        for i, (got, want, (_, phi)) in enumerate(zip(golden_sin, want_sin, want_cos)):
            err, tol = abs(got - want), float32_cos_sin_tolerance(phi)
            ok = ok and err <= tol
            worst = max(worst, (err / tol, err, i))
    log.check(case + " (worst pair %d)" % worst[2], ok and len(golden_cos) == len(axes), "within tolerance",
              "error %.3g (%.2f of its tolerance)" % (worst[1], worst[0]))
    return ok


def check_mhrope(golden):
    m = golden["mhrope"]
    d, base = m["head_dim"], m["base"]
    for head in range(m["kv_heads"]):
        case = "%s head %d" % (m["source"], head)
        got = allocation(case, "mhrope", head_dim=d, base=base, sections=m["sections"], kv_heads=m["kv_heads"],
                         kv_head=head)
        if got is None:
            continue
        axes = axes_string(got)
        for k, position in enumerate(m["positions"]):
            compare_cos(case + " token %d %s" % (k, position), m["cos"][head][k], axes, position, d, base,
                        m["sin"][head][k])


def check_transformers(golden):
    for c in golden["transformers_cases"]:
        case = "%s [%s]" % (c["source"], c["bug_class"])
        if c["bug_class"] in ("still image", "per-row deltas"):
            got = positions(case, c["method"], c["layout"], c["options"])
            if got is None:
                continue
            for a in "thw":
                expect_equal(case + " " + a, [float(v) for v in c[a]], got.get(a))
            # A padded row's delta counts its padding: cache positions run over the padded width.
            padding = c.get("padded_length", len(c["t"])) - len(c["t"])
            actual = got.get("rope_delta")
            expect_equal(case + " rope_delta - padding", float(c["rope_delta"]),
                         actual - padding if isinstance(actual, (int, float)) else actual)
            if c["bug_class"] == "still image":
                # Twin: video-scaled ids on the image (t stepping by 50 per frame) would move the
                # text after it; the image's t must be one value, the block's start.
                image = got.get("t", [])[2:6]  # text:2, then the 2x2 image
                log.check(case + " image tokens share t = s", image == [2.0] * 4, [2.0] * 4, image)
            if c["bug_class"] == "per-row deltas":
                rows = [r for r in golden["transformers_cases"] if r["bug_class"] == "per-row deltas"]
                deltas = sorted({r["rope_delta"] for r in rows})
                log.check(case + " rows' deltas differ (one row's delta for all would be wrong)",
                          len(deltas) == len(rows), "%d distinct" % len(rows), deltas)
        elif c["bug_class"] == "time convention":
            check_time_convention(case, c, whole=True)
        elif c["bug_class"] == "packing":
            ids = {a: [] for a in "thw"}
            for layout in c["packed"]:
                got = positions(case, c["method"], layout, c["options"]) or {}
                for a in "thw":
                    ids[a] += got.get(a, [])
            for a in "thw":
                expect_equal(case + " " + a, [float(v) for v in c[a]], ids[a])
            # Twin: the packed row read as one sequence (positions not restarted) is not the golden.
            whole = positions(case + " as one sequence", c["method"], c["layout"], c["options"]) or {}
            log.check(case + " one-sequence positions differ", whole.get("t") != [float(v) for v in c["t"]],
                      "different", "equal")
        elif c["bug_class"] == "interleaved vs blocked":
            d, base = c["head_dim"], c["base"]
            got = allocation(case, c["method"], head_dim=d, base=base)
            if got is None:
                continue
            compare_cos(case, c["cos"], axes_string(got), c["position"], d, base)
            if c["method"] == "mrope-interleave":  # Qwen3-VL's method has MRoPE-I's allocation
                qwen3vl = allocation(case + " as qwen3vl", "qwen3vl", head_dim=d, base=base)
                if qwen3vl is not None:
                    compare_cos(case + " as qwen3vl", c["cos"], axes_string(qwen3vl), c["position"], d, base)
            # Twin: the other method's (swapped) layout must not match this golden.
            other = "mrope" if c["method"] == "mrope-interleave" else "mrope-interleave"
            swapped = allocation(case + " swapped", other, head_dim=d, base=base)
            if swapped is not None:
                want_cos, _ = expected_cos_sin(axes_string(swapped), c["position"], d, base)
                worst = max(abs(g - w) for g, (w, _) in zip(c["cos"], want_cos))
                log.check(case + " swapped layout " + other + " is told apart", worst > 0.1, "> 0.1", worst)
        else:
            log.fail(case, "a known bug class", c["bug_class"])


def check_timestamped_positions(cases):
    """Qwen3-VL's and Qwen3.5's get_rope_index: the listed tokens' positions and rope_delta."""
    for c in cases:
        case = "%s: %s %s %s" % (c["source"], c["method"], c["layout"], c["options"])
        got = positions(case, c["method"], c["layout"], c["options"])
        if got is None:
            continue
        listed = c["listed"]
        want = {a: [float(v) for v, keep in zip(c[a], listed) if keep] for a in "thw"}
        for a in "thw":
            expect_equal(case + " " + a + " (listed tokens)", want[a], got.get(a))
        # The official delta counts every token of the stream, hopelab's the listed ones.
        expect_equal(case + " rope_delta = golden + unlisted tokens", float(c["rope_delta"]) + listed.count(False),
                     got.get("rope_delta"))
        # Twin: Qwen2-VL's video block (MRoPE-I's design: no timestamps, t stepping by frame).
        twin = positions(case + " twin", "mrope-interleave", c["layout"], {}) or {}
        log.check(case + " twin: mrope-interleave's positions differ", twin.get("t") != want["t"], "different",
                  "equal")


def check_qwen3vl(golden):
    check_timestamped_positions(golden["qwen3vl"])


F64 = 2.0 ** -53  # unit roundoff of double


def qwen35_tolerance(phi, ln_base):
    """|golden - hopelab| for a cos or sin of angle phi. The golden is float32 (transformers):
    inv_freq = 1 / base^(2i/r) with the exponent exact (r a power of two, 2i/r dyadic) and the base
    exact in float32 (1e7, 1e6 < 2^24): pow and reciprocal <= 3u relative, the angle pos * inv_freq
    (pos < 2^24, exact) u more, cos / sin <= 1 ulp <= 2u of a value <= 1, so 4u |phi| + 2u, u =
    2^-24 (float32_cos_sin_tolerance). hopelab's theta is double at the base b^(d/r): its exponent
    -2i/d rounded (|x ln b^(d/r)| <= ln b^(d/r) EPS relative), pow and the product (3 EPS), cos in
    double (2 EPS): |phi| (3 + ln b^(d/r)) EPS + 2 EPS, EPS = 2^-53."""
    return float32_cos_sin_tolerance(phi) + abs(phi) * (3 + ln_base) * F64 + 2 * F64


def qwen35_worst(golden_rows, angle_rows, rotating, ln_base):
    """(largest error / tolerance, its error, token, dimension) of golden cos and sin against cos
    and sin of angle_rows[token][pair], dimension j and j + R both reading pair j."""
    worst = (0.0, 0.0, -1, -1)
    for fn, rows in golden_rows:
        for k, (row, angles) in enumerate(zip(rows, angle_rows)):
            for j, got in enumerate(row):
                phi = angles[j % rotating]
                err = abs(got - fn(phi))
                worst = max(worst, (err / qwen35_tolerance(phi, ln_base), err, k, j))
    return worst


def check_qwen35(golden):
    for c in golden["qwen35"]["rotary"]:
        d, theta_b, factor = c["head_dim"], c["rope_theta"], c["partial_rotary_factor"]
        case = "%s: d=%d factor %s base %s sections %s" % (c["source"], d, factor, theta_b, c["mrope_section"])
        # The Qwen3.5 release's rotary is qwen35's default; the other gives its fraction and sections.
        release = (d, factor, c["mrope_section"]) == (256, 0.25, [11, 11, 10])
        options = {"head_dim": d, "base": theta_b}
        if not release:
            options.update(rotary_fraction=factor, sections=c["mrope_section"])
        got = allocation(case, "qwen35", **options)
        if got is None:
            continue
        pairs, r = d // 2, len(c["cos"][0])
        rotating = r // 2
        zero = list(range(rotating, pairs))
        expect_equal(case + " unrotated pairs r/2 .. d/2-1", zero, got.get("zero"))
        expect_equal(case + " unrotated dimensions (the golden's: r .. d-1)", list(range(r, d)), c["unrotated_dims"])
        expect_equal(case + " 2 x unrotated pairs = the golden's unrotated dimensions", len(c["unrotated_dims"]),
                     2 * len(got.get("zero", [])))
        axes = axes_string(got)
        theta = got.get("theta", [])
        if len(theta) != pairs:
            log.fail(case + " theta", "%d frequencies" % pairs, theta)
            continue
        angles = [[0.0 if axes[i] == "0" else p["thw".index(axes[i])] * theta[i] for i in range(rotating)]
                  for p in c["positions"]]
        ln_base = math.log(theta_b) * d / r  # ln of hopelab's base b^(d/r)
        golden_rows = [(math.cos, c["cos"]), (math.sin, c["sin"])]
        worst = qwen35_worst(golden_rows, angles, rotating, ln_base)
        log.check(case + " cos, sin per dimension (worst token %d, dimension %d)" % worst[2:], worst[0] <= 1,
                  "within tolerance", "error %.3g (%.2f of its tolerance)" % (worst[1], worst[0]))
        # Twin: the same axes with frequencies over d (b^(-2i/d), p-RoPE's spectrum) are told apart.
        over_d = [[0.0 if axes[i] == "0" else p["thw".index(axes[i])] * theta_b ** (-2.0 * i / d)
                   for i in range(rotating)] for p in c["positions"]]
        twin = qwen35_worst(golden_rows, over_d, rotating, ln_base)
        log.check(case + " twin: frequencies over d instead of r differ", twin[1] > 0.1, "> 0.1", twin[1])
        # Twin: qwen3vl (every pair rotating, frequencies over d) at the same d and base.
        full = allocation(case + " twin qwen3vl", "qwen3vl", head_dim=d, base=theta_b)
        if full is not None:
            full_axes = axes_string(full)
            full_angles = [[p["thw".index(full_axes[i])] * full["theta"][i] for i in range(rotating)]
                           for p in c["positions"]]
            twin = qwen35_worst(golden_rows, full_angles, rotating, ln_base)
            log.check(case + " twin: qwen3vl's full rotary differs", twin[1] > 0.1, "> 0.1", twin[1])
    check_timestamped_positions(golden["qwen35"]["positions"])


OTHER_CONVENTION = {"product": "transformers-4.57", "transformers-4.57": "product"}


def check_time_convention(case, c, whole):
    """hopelab's positions under the case's time convention equal the golden (the whole layout, or
    the video block c["block"]); under the other convention they must differ (the twin)."""
    first, end = (0, len(c["t"])) if whole else c["block"]
    got = positions(case, c["method"], c["layout"], c["options"])
    if got is None:
        return
    for a in "thw":
        expect_equal(case + " " + a, [float(v) for v in c[a]], got.get(a, [])[first:end])
    if whole:
        expect_equal(case + " rope_delta", float(c["rope_delta"]), got.get("rope_delta"))
    other = dict(c["options"], time_convention=OTHER_CONVENTION[c["options"]["time_convention"]])
    twin = positions(case + " twin", c["method"], c["layout"], other) or {}
    log.check(case + " twin: the %s convention differs" % other["time_convention"],
              twin.get("t", [])[first:end] != [float(v) for v in c["t"]], "different", "equal")


def check_time_convention_product(golden):
    for c in golden["time_convention_product"]:
        check_time_convention("%s: %s %s" % (c["source"], c["layout"], c["options"]), c, whole=False)


def vlm_positions(case, model, prompt, options):
    cmd = [CLI, "vlm", "positions", "--model", model, "--input", prompt, "--method", "mrope", *option_args(options)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        log.fail(case + " [" + " ".join(cmd[1:]) + "]", "exit 0", "exit %d: %s" % (p.returncode, p.stderr.strip()))
        return {}
    return json.loads(p.stdout)


def check_vlm_positions(golden):
    """The VLM reads a prompt's layout and positions it with the method's design (one code path):
    a one-video prompt "text:A,video:TxHxW,text:B" (A - 1 text tokens and <vision_start>, the
    video, <vision_end> and B - 1 text tokens) must get the golden's ids."""
    cases = [c for c in golden["transformers_cases"] if c["bug_class"] == "time convention"]
    cases += golden["time_convention_product"]
    tmp = tempfile.mkdtemp(prefix="position_golden_vlm_")
    try:
        model = os.path.join(tmp, "tiny")
        subprocess.run([CLI, "vlm", "init", "--preset", "tiny", "--seed", "1", "-o", model], capture_output=True,
                       check=True, timeout=120)
        checked = 0
        for k, c in enumerate(cases):
            m = re.fullmatch(r"text:(\d+),video:(\d+)x(\d+)x(\d+),text:(\d+)", c["layout"])
            if not m:
                continue
            a, t, h, w, b = (int(g) for g in m.groups())
            prompt = os.path.join(tmp, "prompt%d.safetensors" % k)
            subprocess.run([CLI, "vlm", "input", "--model", model, "--text-before", str(a - 1), "--text-after",
                            str(b - 1), "--frames", str(t), "--grid-height", str(h), "--grid-width", str(w), "-o",
                            prompt], capture_output=True, check=True, timeout=120)
            case = "vlm positions %s: %s %s" % (c["source"], c["layout"], c["options"])
            got = vlm_positions(case, model, prompt, c["options"])
            expect_equal(case + " layout", c["layout"], got.get("layout"))
            first, end = c.get("block", [0, len(c["t"])])
            for axis in "thw":
                expect_equal(case + " " + axis, [float(v) for v in c[axis]],
                             [float(v) for v in got.get(axis, [])[first:end]])
            # Twin: the VLM without the options (fps 1, 25 ids per second: steps of 50) differs.
            plain = vlm_positions(case + " twin", model, prompt, {"design": "qwen25vl"})
            log.check(case + " twin: fps 1 and 25 ids per second differ",
                      [float(v) for v in plain.get("t", [])[first:end]] != [float(v) for v in c["t"]],
                      "different", "equal")
            checked += 1
        log.check("vlm positions: one-video golden cases checked", checked >= 6, ">= 6", checked)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    with open(GOLDEN) as f:
        golden = json.load(f)
    for part in (check_positions, check_frequency_layouts, check_mhrope, check_transformers,
                 check_time_convention_product, check_qwen3vl, check_qwen35, check_vlm_positions):
        part(golden)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
