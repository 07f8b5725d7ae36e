#!/usr/bin/python3
"""Independent NumPy reference of hopelab's Qwen2-VL-architecture VLM (docs/vlm.md).

Written from docs/vlm.md and docs/references.md only; it shares no code with the
C++ (sim/vlm, theory). float64 throughout (weights widened from the file), materialised
attention. Modules: vlm_ref_safetensors (files), vlm_ref_config (config.json), vlm_ref_rotary
(allocations, position designs), vlm_ref_ops (formulas, rounding models), vlm_ref_vision,
vlm_ref_language.

  vlm_reference.py logits  --model DIR --input FILE --method M [--gamma G] [--delta D]
                           [--last-only] -o OUT.safetensors
  vlm_reference.py compare --model DIR --input FILE --method M [--gamma G] [--delta D]
                           --logits HOPELAB.safetensors
  vlm_reference.py time    --model DIR --tokens L [--repeats R] [--last-only]
                           (float32 prefill of L text tokens, JSON; the speed baseline)
Exit status: 0 success, 1 compare failed, 2 bad input.

Tolerance (compare). The C++ result is float32; the reference is float64, whose own error
(~1e-16 relative) is neglected. Float32 rounding is modelled stage by stage as independent
random errors (Higham & Mary's probabilistic model; vlm_ref_ops.Float32Rounding):
  - an inner product sum_k a_k b_k, summed in order, errs to first order by
    sum_k s_k delta_k + sum_k a_k b_k eps_k (s_k partial sums, |delta|, |eps| <= u = 2^-24),
    so by Hoeffding |error| <= lam u sqrt(sum_k s_k^2 + sum_k (a_k b_k)^2), lam = 7
    (violated with probability 2 exp(-lam^2/2) ~ 5e-11 per entry; blocked, pairwise or FMA
    sums have smaller partial sums);
  - an elementwise step (exp, erf, norm, product) errs by 4 u relative;
  - a rotary phase by u (|phi| + 2): phi = pos theta computed in double then rounded to
    float (u |phi|), cos and sin rounded (u each); the rotated q, k by 4 u relative.
A draw gives every entry of every stage an error uniform in [-bound, +bound] and reruns the
forward pass, so the network's own gains (softmax, normalisation, depth) carry it to the
logits; products of worst-case Lipschitz constants would instead grow uselessly with depth.
A draw's error has standard deviation bound / sqrt(3), lam = 7 times that of a real
rounding error (|delta| <= u uniform gives u / sqrt(3)), so its response dominates the C++'s.
With K = 8 draws the tolerance of row r is
    tol_r = 3 max_k max_v |logit_k[r, v] - logit[r, v]|,
the factor 3 covering the sampling of a maximum from 8 draws. check_vlm_reference.py shows
it passes a real float32 forward with ~20x margin and fails another method's logits and a
single logit moved by 3e-3.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vlm_ref_config import ConfigError, read_config  # noqa: E402
from vlm_ref_language import language_forward  # noqa: E402
from vlm_ref_ops import ExactStages, Float32Rounding  # noqa: E402
from vlm_ref_rotary import (METHODS, MethodError, allocation, method_positions,  # noqa: E402
                            method_sections, rotary_angles, split_layout)
from vlm_ref_safetensors import SafetensorsError, read_safetensors, write_safetensors  # noqa: E402
from vlm_ref_vision import vision_forward  # noqa: E402

TOLERANCE_DRAWS = 8
TOLERANCE_SAFETY = 3.0


class InputError(ValueError):
    pass


def load_model(model_dir, dtype=np.float64):
    """-> (cfg, {name: array widened to dtype})."""
    cfg = read_config(os.path.join(model_dir, "config.json"))
    raw, _ = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    weights = {k: v.astype(dtype) for k, v in raw.items()}
    needed = ["model.embed_tokens.weight", "model.norm.weight"]
    if not cfg.tie_word_embeddings:
        needed.append("lm_head.weight")
    missing = [n for n in needed if n not in weights]
    if missing:
        raise InputError("model.safetensors lacks " + ", ".join(missing))
    return cfg, weights


def load_input(path):
    """-> dict with input_ids (L), optional labels (L) (the loss's targets, vlm_ref_loss.py)
    and optional pixel_values / pixel_values_videos and grids."""
    t, _ = read_safetensors(path)
    if "input_ids" not in t or t["input_ids"].ndim != 1:
        raise InputError("%s: needs input_ids (L)" % path)
    out = {"input_ids": t["input_ids"].astype(np.int64)}
    if "labels" in t:
        if t["labels"].shape != t["input_ids"].shape:
            raise InputError("%s: labels %s must have input_ids' shape %s"
                             % (path, t["labels"].shape, t["input_ids"].shape))
        out["labels"] = t["labels"].astype(np.int64)
    for pix, grid in (("pixel_values", "image_grid_thw"),
                      ("pixel_values_videos", "video_grid_thw")):
        if (pix in t) != (grid in t):
            raise InputError("%s: %s and %s come together" % (path, pix, grid))
        if pix in t:
            out[pix] = t[pix]
            out[grid] = t[grid].astype(np.int64).reshape(-1, 3)
        else:
            out[grid] = np.zeros((0, 3), dtype=np.int64)
    return out


def embed_tokens(cfg, weights, inp, rnd, dtype):
    """Embedding rows of input_ids, visual rows replaced by the merger outputs in order: (L, H)."""
    ids = inp["input_ids"]
    if ids.min() < 0 or ids.max() >= cfg.vocab_size:
        raise InputError("input_ids outside [0, %d)" % cfg.vocab_size)
    x = weights["model.embed_tokens.weight"][ids].copy()
    for pix, grid, tok in (("pixel_values", "image_grid_thw", cfg.image_token_id),
                           ("pixel_values_videos", "video_grid_thw", cfg.video_token_id)):
        rows = np.nonzero(ids == tok)[0]
        if pix not in inp:
            if rows.size:
                raise InputError("input_ids hold token %d but the input has no %s" % (tok, pix))
            continue
        merged = vision_forward(weights, cfg.vision, inp[pix].astype(dtype), inp[grid], rnd)
        if merged.shape[0] != rows.size:
            raise InputError("%d visual rows from %s but %d tokens %d in input_ids"
                             % (merged.shape[0], pix, rows.size, tok))
        x[rows] = merged
    return x


def method_angles(cfg, inp, method, gamma=None, delta=None, shift=0.0):
    """-> (positions (3, L), phi (L, d/2)); shift adds a constant to every position."""
    segs = split_layout(inp["input_ids"], cfg.image_token_id, cfg.video_token_id,
                        inp["image_grid_thw"], inp["video_grid_thw"],
                        cfg.vision.spatial_merge_size)
    pos = method_positions(method, segs, gamma=gamma, delta=delta) + shift
    axis, zero = allocation(method, cfg.head_dim // 2,
                            method_sections(method, cfg.head_dim // 2, cfg.mrope_section))
    return pos, rotary_angles(pos, axis, zero, cfg.rope_theta, cfg.head_dim)


def reference_logits(cfg, weights, inp, method, gamma=None, delta=None, last_only=False,
                     rnd=None, shift=0.0, dtype=np.float64):
    """The forward pass: (L, V) logits, or (1, V) when last_only."""
    rnd = rnd or ExactStages()
    _, phi = method_angles(cfg, inp, method, gamma, delta, shift)
    x = embed_tokens(cfg, weights, inp, rnd, dtype)
    return language_forward(weights, cfg, x, rnd.phase(phi), rnd, last_only=last_only)


def tolerance_rows(cfg, weights, inp, method, exact, gamma=None, delta=None, last_only=False,
                   seed=0):
    """tol: (rows of exact) from the float32 rounding model (module docstring "Tolerance")."""
    worst = np.zeros(exact.shape[0])
    bounds = []
    for k in range(TOLERANCE_DRAWS):
        rnd = Float32Rounding(np.random.default_rng([seed, k]), bounds=bounds)
        got = reference_logits(cfg, weights, inp, method, gamma, delta, last_only, rnd=rnd)
        worst = np.maximum(worst, np.abs(got - exact).max(axis=1))
    return TOLERANCE_SAFETY * worst


def compare(exact, tol, got):
    """-> (ok, report dict) for got: (rows, V) against exact: (rows, V), tol: (rows)."""
    err = np.abs(got.astype(np.float64) - exact)
    ratio = err / tol[:, None]
    r, v = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
    worst_abs = np.unravel_index(int(np.argmax(err)), err.shape)
    report = {"ok": bool(ratio.max() <= 1.0 and np.all(np.isfinite(got))),
              "worst_index": [int(r), int(v)], "expected": float(exact[r, v]),
              "actual": float(got[r, v]), "error": float(err[r, v]), "tolerance": float(tol[r]),
              "max_abs_error": float(err.max()),
              "max_abs_error_index": [int(worst_abs[0]), int(worst_abs[1])]}
    return report["ok"], report


def text_prompt(cfg, tokens, seed=0):
    """input_ids of L text tokens below every special id (the speed baseline's prompt)."""
    specials = [cfg.image_token_id, cfg.video_token_id]
    top = min(specials) if min(specials) > 0 else cfg.vocab_size
    return {"input_ids": np.random.default_rng(seed).integers(0, top, size=tokens),
            "image_grid_thw": np.zeros((0, 3), np.int64),
            "video_grid_thw": np.zeros((0, 3), np.int64)}


# ---------------------------------------------------------------- commands

def command_logits(a):
    cfg, w = load_model(a.model)
    inp = load_input(a.input)
    out = reference_logits(cfg, w, inp, a.method, a.gamma, a.delta, a.last_only)
    write_safetensors(a.output, {"logits": out}, {"logits": "F32"},
                      metadata={"producer": "tests/ref/vlm_reference.py", "method": a.method})
    print(json.dumps({"logits": a.output, "shape": list(out.shape)}))
    return 0


def command_compare(a):
    cfg, w = load_model(a.model)
    inp = load_input(a.input)
    got, _ = read_safetensors(a.logits)
    if "logits" not in got or got["logits"].ndim != 2:
        raise InputError("%s: needs tensor logits (L, V) or (1, V)" % a.logits)
    got = got["logits"]
    L = inp["input_ids"].shape[0]
    if got.shape not in ((L, cfg.vocab_size), (1, cfg.vocab_size)):
        raise InputError("logits shape %s, expected (%d, %d) or (1, %d)"
                         % (got.shape, L, cfg.vocab_size, cfg.vocab_size))
    last = got.shape[0] == 1 and L > 1
    exact = reference_logits(cfg, w, inp, a.method, a.gamma, a.delta, last)
    tol = tolerance_rows(cfg, w, inp, a.method, exact, a.gamma, a.delta, last)
    ok, report = compare(exact, tol, got)
    report["method"] = a.method
    print(json.dumps(report))
    if not ok:
        print("FAIL: logits[%d, %d] expected %.9g actual %.9g error %.3g > tolerance %.3g"
              % (report["worst_index"][0], report["worst_index"][1], report["expected"],
                 report["actual"], report["error"], report["tolerance"]), file=sys.stderr)
    return 0 if ok else 1


def loaded_blas():
    """Paths of the BLAS libraries this process has mapped (Linux), for the timing record:
    NumPy on the reference BLAS is several times slower than on OpenBLAS."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower()}
    except OSError:
        return []
    return sorted(os.path.realpath(p) for p in libs if p.startswith("/"))


def command_time(a):
    cfg, w = load_model(a.model, dtype=np.float32)
    inp = text_prompt(cfg, a.tokens)
    rnd = ExactStages()
    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        _, phi = method_angles(cfg, inp, "vanilla")
        x = w["model.embed_tokens.weight"][inp["input_ids"]]
        language_forward(w, cfg, x, phi, rnd, last_only=a.last_only)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"implementation": "numpy-float32", "tokens": a.tokens, "repeats": a.repeats,
                      "logits_rows": 1 if a.last_only else a.tokens,
                      "seconds": times, "best_seconds": min(times),
                      "median_seconds": float(np.median(times)), "numpy": np.__version__,
                      "blas": loaded_blas()}))
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("logits", "compare"):
        s = sub.add_parser(name)
        s.add_argument("--model", required=True)
        s.add_argument("--input", required=True)
        s.add_argument("--method", required=True)
        s.add_argument("--gamma", type=float)
        s.add_argument("--delta", type=float)
        if name == "logits":
            s.add_argument("--last-only", action="store_true")
            s.add_argument("-o", "--output", required=True)
        else:
            s.add_argument("--logits", required=True)
    s = sub.add_parser("time")
    s.add_argument("--model", required=True)
    s.add_argument("--tokens", type=int, required=True)
    s.add_argument("--repeats", type=int, default=3)
    s.add_argument("--last-only", action="store_true", help="logits of the last token only")
    return p.parse_args(argv)


def main(argv=None):
    try:
        a = parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    if getattr(a, "method", None) is not None and a.method not in METHODS:
        print("error: unknown method %r (known: %s)" % (a.method, ", ".join(METHODS)),
              file=sys.stderr)
        return 2
    commands = {"logits": command_logits, "compare": command_compare, "time": command_time}
    try:
        return commands[a.command](a)
    except (InputError, ConfigError, MethodError, SafetensorsError, ValueError, KeyError,
            OSError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
