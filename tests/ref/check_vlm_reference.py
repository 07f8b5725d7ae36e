#!/usr/bin/python3
"""Self-tests of the NumPy VLM reference (vlm_reference.py) against independent facts.

  positions   Qwen2-VL's docstring example (docs/references.md): 3x2x2 video then 5 text tokens
  allocation  the d = 128 layouts docs/references.md lists, pair by pair
  rotation    half-split rotation = complex multiplication (x_i + i x_{i+d/2}) e^{i phi};
              norms preserved; HoPE's zero pairs leave their dimensions bit-identical
  relativity  logits unchanged when every position moves by a constant (every method), and
              a twin that moves one token must change them
  patches     processor order (reshape/transpose of the frame) = docs/vlm.md's window order;
              permuting rows of a grid changes the vision output beyond a permutation
  safetensors round trip in F32, BF16, F16, I64, I32, and a file laid out by hand
  tolerance   a float32 NumPy forward passes compare; another method's logits fail it
  golden      agreement with transformers' Qwen2VLForConditionalGeneration (golden/*.json but
              the gradient goldens grad_*.json);
              checkpoints rebuilt from their provenance (vlm_ref_fixtures, or the hopelab CLI
              given as argv[1]) and the SHA-256 of their tensors checked first
Usage: check_vlm_reference.py [HOPELAB]. Runs every check, prints each with its worst index,
expected, actual, error and tolerance, and exits 1 if any failed.
"""

import contextlib
import glob
import json
import math
import os
import shlex
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import vlm_reference as ref  # noqa: E402
from vlm_ref_fixtures import make_checkpoint, make_input, patchify  # noqa: E402
from vlm_ref_ops import ExactStages, Float32Rounding, rotate_half_split  # noqa: E402
from vlm_ref_rotary import METHODS, allocation, method_sections, positions, split_layout  # noqa: E402
from vlm_ref_safetensors import (read_safetensors, tensors_sha256,  # noqa: E402
                                 write_safetensors)
from vlm_ref_vision import patch_positions, vision_forward  # noqa: E402

U64 = 2.0 ** -53
TOLERANCE_DRAWS = ref.TOLERANCE_DRAWS
FAILURES = []


def check_close(name, expected, actual, tol):
    """Fails loudly: worst index (by error / tolerance), expected, actual, error, tolerance."""
    expected, actual = np.asarray(expected, float), np.asarray(actual, float)
    tol = np.broadcast_to(np.asarray(tol, float), expected.shape)
    err = np.abs(expected - actual)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(tol > 0, err / tol, np.where(err > 0, np.inf, 0.0))
    k = np.unravel_index(int(np.argmax(ratio)), err.shape) if err.size else ()
    ok = err.size == 0 or (err[k] <= tol[k] and np.all(np.isfinite(actual)))
    line = "%s %s: worst index %s expected %.17g actual %.17g error %.3g tolerance %.3g" % (
        "ok  " if ok else "FAIL", name, list(map(int, k)), expected[k] if err.size else 0,
        actual[k] if err.size else 0, err[k] if err.size else 0, tol[k] if err.size else 0)
    print(line)
    if not ok:
        FAILURES.append(line)


def check_true(name, cond, detail):
    print("%s %s: %s" % ("ok  " if cond else "FAIL", name, detail))
    if not cond:
        FAILURES.append(name + ": " + detail)


# ---------------------------------------------------------------- positions and allocations

def test_docstring_positions():
    """docs/references.md: a 3x2x2 video then 5 text tokens under Qwen2-VL's get_rope_index."""
    ids = [9] * 12 + [1, 2, 3, 4, 5]  # video token 9; grid (3, 4, 4) patches = 3x2x2 merged
    segs = split_layout(np.array(ids), 8, 9, np.zeros((0, 3)), np.array([[3, 4, 4]]), 2)
    got = positions("qwen2vl", segs)
    want_t = [0] * 4 + [1] * 4 + [2] * 4 + [3, 4, 5, 6, 7]
    want_h = [0, 0, 1, 1] * 3 + [3, 4, 5, 6, 7]
    want_w = [0, 1] * 6 + [3, 4, 5, 6, 7]
    # Integers below 2^53 are exact in float64: tolerance 0.
    check_close("docstring positions", [want_t, want_h, want_w], got, 0.0)
    # The diagonal design (docs/references.md): text 0..1, then a 2x3x3 video with delta 2.
    segs = [("text", 2), ("visual", "video", 2, 3, 3), ("text", 1)]
    got = positions("diagonal", segs, 2.0)
    t = [2 + 2 * f for f in range(2) for _ in range(9)]
    h = [2 + 2 * f + y - 1 for f in range(2) for y in range(3) for _ in range(3)]
    w = [2 + 2 * f + x - 1 for f in range(2) for _ in range(3) for x in range(3)]
    want = [[0, 1] + t + [5], [0, 1] + h + [5], [0, 1] + w + [5]]
    check_close("diagonal positions (delta 2)", want, got, 0.0)
    got = positions("flat", [("text", 1), ("visual", "video", 2, 2, 3), ("text", 1)])
    check_close("flat positions", [list(range(14))] * 3, got, 0.0)


def test_allocations():
    """The d = 128 layouts of docs/references.md "Frequency allocations"; 0 = t, 1 = h, 2 = w."""
    mrope = [0] * 16 + [1] * 24 + [2] * 24
    inter = [i % 3 for i in range(60)] + [0] * 4
    lta = [1 if i % 2 == 0 else 2 for i in range(48)] + [0] * 16
    for method, sec, want, zeros in (("mrope", (16, 24, 24), mrope, []),
                                     ("mrope-interleave", (24, 20, 20), inter, []),
                                     ("videorope", (16, 24, 24), lta, []),
                                     ("hope", (16, 24, 24), lta, list(range(48, 64))),
                                     ("vanilla", (16, 24, 24), [0] * 64, [])):
        axis, zero = allocation(method, 64, sec)
        check_close("allocation %s axes" % method, want, axis, 0.0)
        check_close("allocation %s zero pairs" % method, [i in zeros for i in range(64)], zero, 0.0)
    try:
        allocation("rope-2d", 64, (16, 24, 24))
        check_true("unknown method rejected", False, "no error raised")
    except ValueError as e:
        check_true("unknown method rejected", "unknown method" in str(e), str(e))


# ---------------------------------------------------------------- rotation

def test_rotation(rng):
    x = rng.normal(size=(50, 3, 32))
    phi = rng.uniform(-1e3, 1e3, size=(50, 16))
    y = rotate_half_split(x, phi)
    z = (x[..., :16] + 1j * x[..., 16:]) * np.exp(1j * phi)[:, None, :]
    # Each output is x cos +- y sin: two products and a sum of rounded cos/sin (each within
    # 1 ulp of the exact value of the double phi): |error| <= 4 u (|x1| + |x2|) per component.
    bound = 4 * U64 * (np.abs(x[..., :16]) + np.abs(x[..., 16:]))
    check_close("rotation = complex product (real)", z.real, y[..., :16], bound)
    check_close("rotation = complex product (imag)", z.imag, y[..., 16:], bound)
    # Norm: |Rx|^2 = |x|^2 (cos^2 + sin^2); with 4 u per component, | |Rx| - |x| | <= 8 u |x|.
    n0, n1 = np.linalg.norm(x, axis=-1), np.linalg.norm(y, axis=-1)
    check_close("rotation preserves norms", n0, n1, 8 * U64 * n0)
    # HoPE: zero pairs have phi = 0 exactly, cos 0 = 1 and sin 0 = 0 are exact, so the
    # dimensions (i, i + d/2) of every t pair come out bit-identical (tolerance 0).
    axis, zero = allocation("hope", 16, (4, 6, 6))
    pos = rng.uniform(0, 5000, size=(3, 50))
    phi = ref.rotary_angles(pos, axis, zero, 1e6, 32)
    y = rotate_half_split(x, phi)
    dims = np.concatenate([np.nonzero(zero)[0], np.nonzero(zero)[0] + 16])
    check_close("hope zero pairs untouched", x[..., dims], y[..., dims], 0.0)
    moved = np.abs(y[..., 0] - x[..., 0]).max()
    check_true("hope pair 0 does rotate", moved > 1e-3, "max |change| of dim 0 = %.3g" % moved)


# ---------------------------------------------------------------- model-level tests

def double_tolerance(cfg, w, inp, method, exact, draws=4, elementwise_unit=U64, **kw):
    """The compare tolerance's rounding model (vlm_reference.py "Tolerance") with u = 2^-53
    for inner products and elementwise_unit for elementwise steps and rotary phases: 3 times
    the largest response of `draws` draws."""
    worst, bounds = 0.0, []
    for k in range(draws):
        rnd = Float32Rounding(np.random.default_rng([7, k]), unit=U64, bounds=bounds,
                              elementwise_unit=elementwise_unit, rotary_unit=elementwise_unit)
        got = ref.reference_logits(cfg, w, inp, method, rnd=rnd, **kw)
        worst = max(worst, float(np.abs(got - exact).max()))
    return 3 * worst


def test_relativity(cfg, w, inp):
    """Scores depend on position differences only: shifting every position by c = 1000 keeps
    the logits. Phases grow from |phi| to |phi| + c theta, so the tolerance is the u = 2^-53
    rounding model's response taken with the shift (the larger phases), for both runs (x2)."""
    for method in METHODS:
        base = ref.reference_logits(cfg, w, inp, method)
        moved = ref.reference_logits(cfg, w, inp, method, shift=1000.0)
        tol = 2 * double_tolerance(cfg, w, inp, method, moved, shift=1000.0)
        check_close("relativity %s" % method, base, moved, tol)
        if method == "mrope":
            twin = twin_logits(cfg, w, inp, method)
            gap = float(np.abs(twin - base).max())
            check_true("relativity twin %s fails" % method, gap > 100 * tol,
                       "moving the last token by 1 changes logits by %.3g (tolerance %.3g)"
                       % (gap, tol))


def twin_logits(cfg, w, inp, method):
    """Logits with only the last token's positions moved by +1 (breaks relativity)."""
    pos, _ = ref.method_angles(cfg, inp, method)
    pos[:, -1] += 1
    pairs = cfg.head_dim // 2
    axis, zero = allocation(method, pairs, method_sections(method, pairs, cfg.mrope_section))
    phi = ref.rotary_angles(pos, axis, zero, cfg.rope_theta, cfg.head_dim)
    x = ref.embed_tokens(cfg, w, inp, ExactStages(), np.float64)
    return ref.language_forward(w, cfg, x, phi, ExactStages())


def test_patch_order(cfg, w, inp, rng):
    """docs/vlm.md: rows run temporal patch, merge window (row-major), patch in window."""
    m, h, wd = 2, 4, 6
    # Independent route: coordinates of a (h, w) grid reshaped like the processor's frames.
    rows_y, rows_x = np.meshgrid(np.arange(h), np.arange(wd), indexing="ij")
    order = lambda a: a.reshape(h // m, m, wd // m, m).transpose(0, 2, 1, 3).ravel()  # noqa
    hpos, wpos = patch_positions(1, h, wd, m)
    check_close("window order hpos", order(rows_y), hpos, 0.0)
    check_close("window order wpos", order(rows_x), wpos, 0.0)
    # The pixels of row r are the frame's patch at (hpos[r], wpos[r]).
    p = cfg.vision.patch_size
    frames = rng.normal(size=(2, 3, h * p, wd * p))
    rows, _ = patchify(frames, p, 2, m)
    want = np.stack([frames[:, :, y * p:(y + 1) * p, x * p:(x + 1) * p]
                     .transpose(1, 0, 2, 3).ravel() for y, x in zip(hpos, wpos)])
    check_close("patchify rows sit at (hpos, wpos)", want, rows, 0.0)
    # Permuting the rows of a grid (swap merge windows 0 and 5): without positions the tower
    # would only permute its outputs; with 2D rotary positions the output must change.
    grid = np.array([[2, h, wd]])
    pix = rng.normal(size=(2 * h * wd, rows.shape[1]))
    out = vision_forward(w, cfg.vision, pix, grid, ExactStages())
    perm = np.arange(2 * h * wd).reshape(-1, m * m)
    perm[[0, 5]] = perm[[5, 0]]
    out_p = vision_forward(w, cfg.vision, pix[perm.ravel()], grid, ExactStages())
    wperm = np.arange(out.shape[0])
    wperm[[0, 5]] = wperm[[5, 0]]
    gap = float(np.abs(out_p - out[wperm]).max())
    scale = float(np.abs(out).max())
    # Rounding alone would give ~1e-13 relative; ask for a change of 1e-3 of the output scale.
    check_true("permuted windows change the vision output", gap > 1e-3 * scale,
               "max |change| %.3g vs output scale %.3g" % (gap, scale))


def quiet_main(argv):
    """vlm_reference.main with its JSON and FAIL lines swallowed (the check line says it)."""
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null), \
            contextlib.redirect_stderr(null):
        return ref.main(argv)


def test_tolerance(cfg, w, inp, model_dir, input_path, tmp):
    """A float32 NumPy forward (a real float32 rounding of the same network) must pass
    compare; another method's logits and a logit moved by 1e-3 must fail."""
    w32 = {k: v.astype(np.float32) for k, v in w.items()}
    got32 = ref.reference_logits(cfg, w32, inp, "mrope", dtype=np.float32).astype(np.float32)
    path = os.path.join(tmp, "logits32.safetensors")
    write_safetensors(path, {"logits": got32})
    rc = quiet_main(["compare", "--model", model_dir, "--input", input_path, "--method", "mrope",
                   "--logits", path])
    check_true("float32 forward passes compare", rc == 0, "exit %d" % rc)
    exact = ref.reference_logits(cfg, w, inp, "mrope")
    tol = ref.tolerance_rows(cfg, w, inp, "mrope", exact)
    ratio = np.abs(got32 - exact).max(axis=1) / tol
    print("     float32 forward: worst row %d uses %.3g of its tolerance %.3g"
          % (int(np.argmax(ratio)), ratio.max(), tol[int(np.argmax(ratio))]))
    other = ref.reference_logits(cfg, w, inp, "videorope").astype(np.float32)
    write_safetensors(path, {"logits": other})
    rc = quiet_main(["compare", "--model", model_dir, "--input", input_path, "--method", "mrope",
                   "--logits", path])
    check_true("videorope logits fail an mrope compare", rc == 1, "exit %d" % rc)
    bumped = got32.copy()
    bumped[3, 7] += np.float32(max(1e-3, 2 * tol.max()))
    write_safetensors(path, {"logits": bumped})
    rc = quiet_main(["compare", "--model", model_dir, "--input", input_path, "--method", "mrope",
                   "--logits", path])
    check_true("one logit moved past the tolerance fails", rc == 1, "exit %d" % rc)
    rc = quiet_main(["compare", "--model", model_dir, "--input", input_path, "--method", "rope-3d",
                   "--logits", path])
    check_true("unknown method exits 2", rc == 2, "exit %d" % rc)


# ---------------------------------------------------------------- safetensors

def test_safetensors(rng, tmp):
    path = os.path.join(tmp, "rt.safetensors")
    f32 = rng.normal(size=(3, 5)).astype(np.float32)
    f16 = rng.normal(size=(7,)).astype(np.float16)
    i64 = rng.integers(-2 ** 62, 2 ** 62, size=(2, 3))
    i32 = rng.integers(-2 ** 31, 2 ** 31 - 1, size=(4,)).astype(np.int32)
    bf = np.array([1.0, -2.5, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -7 + 2 ** -9, 3e38,
                   -1e-40, 0.0], dtype=np.float32)
    write_safetensors(path, {"a": f32, "b": f16, "c": i64, "d": i32, "e": bf},
                      {"a": "F32", "b": "F16", "c": "I64", "d": "I32", "e": "BF16"},
                      metadata={"k": "v"})
    t, meta = read_safetensors(path)
    for name, want in (("a", f32), ("b", f16), ("c", i64), ("d", i32)):
        check_close("round trip %s" % name, want.astype(float), t[name].astype(float), 0.0)
        check_true("round trip %s dtype" % name, t[name].dtype == want.dtype, str(t[name].dtype))
    # BF16 keeps 8 significant bits: nearest multiple of 2^(e-7), e = max(exponent, -126)
    # (subnormals share float32's range), ties to even; exact float64 arithmetic, no bits.
    want = []
    for v in bf.astype(np.float64):
        if v == 0 or not np.isfinite(v):
            want.append(v)
            continue
        q = 2.0 ** (max(math.floor(math.log2(abs(v))), -126) - 7)
        lo = math.floor(v / q)
        r = v / q - lo
        k = lo + (1 if r > 0.5 or (r == 0.5 and lo % 2 == 1) else 0)
        want.append(k * q)
    check_close("round trip BF16 (nearest even)", want, t["e"].astype(float), 0.0)
    check_true("metadata kept", meta == {"k": "v"}, str(meta))
    # A file laid out by hand: header length, JSON header, then data (F32 [1.5, -2], I32 [7]).
    header = json.dumps({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                         "y": {"dtype": "I32", "shape": [1, 1], "data_offsets": [8, 12]}}).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + struct.pack("<ffi", 1.5, -2.0, 7))
    t, _ = read_safetensors(path)
    check_close("hand-written file x", [1.5, -2.0], t["x"], 0.0)
    check_close("hand-written file y", [[7]], t["y"], 0.0)


# ---------------------------------------------------------------- transformers golden

def run_hopelab(hopelab, command, model_dir, input_path):
    """command: "hopelab vlm ... DIR ... FILE" from a golden's provenance."""
    args = [a.replace("DIR", model_dir).replace("FILE", input_path) for a in shlex.split(command)]
    assert args[0] == "hopelab", command
    subprocess.run([hopelab] + args[1:], check=True, stdout=subprocess.DEVNULL)


def test_goldens(tmp, hopelab):
    # golden/grad_*.json are gradient goldens (check_vlm_grad.py) and golden/positions_*.json
    # position goldens (check_position_golden.py), not logits.
    files = sorted(p for p in glob.glob(os.path.join(HERE, "golden", "*.json"))
                   if not os.path.basename(p).startswith(("grad_", "positions_")))
    if not files:
        print("skip transformers golden: no golden/*.json")
    for path in files:
        with open(path) as f:
            g = json.load(f)
        prov = g["provenance"]
        d = os.path.join(tmp, "golden_" + g["name"])
        inp_path = os.path.join(d, "input.safetensors")
        if prov["checkpoint_generator"] == "hopelab":
            if hopelab is None:
                print("skip %s: made by the hopelab CLI, not given" % os.path.basename(path))
                continue
            run_hopelab(hopelab, prov["checkpoint_command"], d, inp_path)
            run_hopelab(hopelab, prov["input_command"], d, inp_path)
        else:
            make_checkpoint(d, seed=prov["checkpoint_seed"])
            with open(os.path.join(d, "config.json")) as f:
                raw_cfg = json.load(f)
            make_input(inp_path, raw_cfg, seed=prov["input_seed"])
        for name, p in (("checkpoint_tensors_sha256", os.path.join(d, "model.safetensors")),
                        ("input_tensors_sha256", inp_path)):
            got = tensors_sha256(p)
            check_true("golden %s %s" % (g["name"], name), got == prov[name],
                       "regenerated tensors hash %s, golden %s" % (got[:16], prov[name][:16]))
        cfg, w = ref.load_model(d)
        inp = ref.load_input(inp_path)
        exact = ref.reference_logits(cfg, w, inp, g["method"])
        rows, cols = g["rows"], g["columns"]
        sub = exact[rows][:, cols[0]:cols[1]]
        pos, _ = ref.method_angles(cfg, inp, g["method"])
        check_close("golden %s positions = transformers'" % g["name"], g["positions"], pos, 0.0)
        for prec, key in (("float64", "logits_float64"), ("float32", "logits_float32")):
            if key not in g:
                continue
            if prec == "float64":
                # transformers in float64 still runs RMSNorm, softmax and the rotary phases
                # (theta, pos theta, cos, sin, and the vision q, k rotation) in float32: the
                # rounding model with u = 2^-53 for inner products, 2^-24 for those steps.
                tol = double_tolerance(cfg, w, inp, g["method"], exact, TOLERANCE_DRAWS,
                                       elementwise_unit=2.0 ** -24)
            else:
                tol = ref.tolerance_rows(cfg, w, inp, g["method"], exact)[rows][:, None]
            check_close("golden %s transformers %s" % (g["name"], prec), g[key], sub, tol)
            # Argmax over the whole row: exact ties aside, equal when the top two logits of
            # the reference are further apart than twice the tolerance (checked, else skipped).
            full = exact[rows]
            top2 = np.sort(full, axis=1)[:, -2:]
            clear = (top2[:, 1] - top2[:, 0]) > 2 * np.max(tol)
            want = np.array(g["full_row_argmax_" + prec])[clear]
            check_close("golden %s argmax %s (%d clear rows)" % (g["name"], prec, clear.sum()),
                        want, np.argmax(full, axis=1)[clear], 0.0)


def main():
    hopelab = sys.argv[1] if len(sys.argv) > 1 else None
    rng = np.random.default_rng(2026)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = os.path.join(tmp, "model")
        raw_cfg = make_checkpoint(model_dir, seed=3)
        input_path = os.path.join(tmp, "input.safetensors")
        make_input(input_path, raw_cfg, seed=4)
        cfg, w = ref.load_model(model_dir)
        inp = ref.load_input(input_path)
        test_docstring_positions()
        test_allocations()
        test_rotation(rng)
        test_safetensors(rng, tmp)
        test_patch_order(cfg, w, inp, rng)
        test_relativity(cfg, w, inp)
        test_tolerance(cfg, w, inp, model_dir, input_path, tmp)
        test_goldens(tmp, hopelab)
    if FAILURES:
        print("%d check(s) FAILED:" % len(FAILURES))
        for f in FAILURES:
            print("  " + f)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
