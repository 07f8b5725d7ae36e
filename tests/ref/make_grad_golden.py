"""Writes tests/ref/golden/grad_fixtures_seed1.json: float64 autograd gradients of the VLM's
training loss (vlm_ref_loss.py (CE)), with the float32 tolerance of each value, that
check_vlm_grad.py holds `hopelab vlm grad` to. Not a test dependency: run by hand once, in a
throwaway environment with torch and transformers:
  /usr/bin/python3 -m venv /tmp/hfvenv
  /tmp/hfvenv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
      (or, where that index is unreachable, from PyPI: /tmp/hfvenv/bin/pip install torch)
  /tmp/hfvenv/bin/pip install transformers safetensors numpy
  /tmp/hfvenv/bin/python tests/ref/make_grad_golden.py
The fixtures are rebuilt here (FIXTURES; check_vlm_grad.py rebuilds them the same way and
checks the SHA-256 of their tensors): vlm_ref_fixtures.make_checkpoint(DIR, seed=1, tie=T) for
T = False and True, make_input(FILE, config, seed=1, labels="prompt-masked").

Runs (RUNS): each method of vlm_ref_rotary.METHODS on the untied checkpoint, and mrope on the
tied one. Values: method mrope from transformers' Qwen2VLForConditionalGeneration (eager,
float64 with its float32 islands removed, vlm_ref_hf_grad.py); the others from the float64
torch port of the NumPy reference (vlm_ref_torch.py), which must equal transformers on both
mrope runs to PORT_AGREEMENT relative (max |difference| / max |gradient| per tensor).

Samples: per tensor, SAMPLES indices drawn by np.random.default_rng([SAMPLE_SEED, k]) (k the
tensor's place in sorted names; all elements when it has no more): a quarter from the
elements whose gradient is exactly 0 on the untied mrope run (embedding rows of unused ids),
if any, the rest from the others; each run adds the index of its largest |gradient|.
Per run: loss, label count, the global gradient norm; per tensor the sampled values, the
Frobenius norm and the largest |gradient|'s index.

Tolerance (every value gets one). The model of vlm_ref_torch_rounding.py gives every stage of
the forward and backward pass a float32-sized error (lam = 7 times a real one's standard
deviation); TOLERANCE_DRAWS = 8 draws, and
    tol = TOLERANCE_SAFETY * max_k |value_k - value|,  TOLERANCE_SAFETY = 3
(the max of 8 draws, sampled: vlm_reference.py "Tolerance"); for a tensor's norm and the global
norm, max_k of the norm of the difference (|norm(a) - norm(b)| <= norm(a - b)). A real float32
gradient (the port in float32 autograd) is checked against it here and its worst ratio
recorded; its values on the untied mrope run are stored as the stand-in that check_vlm_grad.py
uses until hopelab's command exists.

Twin: the untied mrope run with the rotation's backward turned the wrong way (R(phi) g instead
of R(-phi) g, vlm_ref_torch.rotate_half_split), on TWIN_TENSORS.

Training (TRAIN): hope on the untied checkpoint, the same input each step (vlm_ref_torch_train:
torch.optim.AdamW, clip_grad_norm_, warm-up and cosine learning rate); the loss before each of
the S updates and after the last, float64, and for information the float32 port's; then
TRAIN_DRAWS float32 runs from the weights perturbed by one rounding each, whose spread around
the float64 trajectory sets the training check's tolerance (check_vlm_grad.py).
"""

import datetime
import json
import math
import os
import sys
import tempfile

import numpy as np
import torch
import transformers

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import vlm_ref_torch as vt  # noqa: E402
import vlm_reference as ref  # noqa: E402
from vlm_ref_fixtures import make_checkpoint, make_input  # noqa: E402
from vlm_ref_hf_grad import hf_gradients  # noqa: E402
from vlm_ref_rotary import METHODS  # noqa: E402
from vlm_ref_safetensors import tensors_sha256  # noqa: E402
from vlm_ref_torch_rounding import TorchRounding  # noqa: E402
from vlm_ref_torch_train import float32_spread, train_losses  # noqa: E402

FIXTURES = {"checkpoint_seed": 1, "input_seed": 1, "labels": "prompt-masked"}
RUNS = [(m, "untied") for m in METHODS] + [("mrope", "tied")]
SAMPLES, SAMPLE_SEED = 16, 2027
TOLERANCE_DRAWS, TOLERANCE_SAFETY = 8, 3.0
PORT_AGREEMENT = 1e-10
TWIN_TENSORS = ["model.layers.1.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight",
                "visual.blocks.1.attn.qkv.weight"]
TRAIN_DRAWS = 8  # float32 runs from perturbed weights (vlm_ref_torch_train.float32_spread)
TRAIN = {"method": "hope", "checkpoint": "untied", "steps": 10, "warmup_steps": 2,
         "lr_max": 1e-3, "min_lr_ratio": 0.1, "betas": [0.9, 0.95], "eps": 1e-8,
         "weight_decay": 0.1, "clip_max_norm": 1.0}


def sample_indices(grad, k):
    """The module docstring's Samples rule for one tensor (its gradient on the untied mrope run)."""
    flat = grad.reshape(-1)
    if flat.size <= SAMPLES:
        return list(range(flat.size))
    rng = np.random.default_rng([SAMPLE_SEED, k])
    zero, rest = np.nonzero(flat == 0)[0], np.nonzero(flat != 0)[0]
    n0 = min(zero.size, SAMPLES // 4)
    pick = list(rng.choice(zero, n0, replace=False)) if n0 else []
    pick += list(rng.choice(rest, SAMPLES - n0, replace=False))
    return sorted(int(i) for i in pick)


def run_indices(indices, grad):
    """A run's indices: the shared ones plus its largest |gradient|'s."""
    top = int(np.argmax(np.abs(grad.reshape(-1))))
    return (indices if top in indices else indices + [top]), top


def tolerances(cfg, w, inp, method, loss, grads):
    """-> (loss_tol, global_norm_tol, {name: (elementwise tol array, norm_tol)})."""
    worst_loss, worst_global = 0.0, 0.0
    worst = {k: np.zeros_like(g) for k, g in grads.items()}
    worst_norm = {k: 0.0 for k in grads}
    for d in range(TOLERANCE_DRAWS):
        rnd = TorchRounding(torch.Generator().manual_seed(1000 + d))
        lk, _, gk = vt.port_gradients(cfg, w, inp, method, rnd=rnd)
        worst_loss = max(worst_loss, abs(lk - loss))
        diff = {k: gk[k] - grads[k] for k in grads}
        worst_global = max(worst_global, global_norm(diff))
        for k, e in diff.items():
            worst[k] = np.maximum(worst[k], np.abs(e))
            worst_norm[k] = max(worst_norm[k], float(np.linalg.norm(e)))
    s = TOLERANCE_SAFETY
    return s * worst_loss, s * worst_global, {k: (s * worst[k], s * worst_norm[k]) for k in grads}


def global_norm(grads):
    return math.sqrt(sum(float((g * g).sum()) for g in grads.values()))


class _WrongBackwardRotation(torch.autograd.Function):
    """The twin: forward rotates by phi; backward by +phi as well (the true one is R(-phi) g)."""

    @staticmethod
    def forward(ctx, x, phi):
        ctx.phi = phi
        return _RIGHT_ROTATION(x.detach(), phi)

    @staticmethod
    def backward(ctx, g):
        return _RIGHT_ROTATION(g, ctx.phi), None


_RIGHT_ROTATION = vt.rotate_half_split


def twin_gradients(cfg, w, inp, method):
    vt.rotate_half_split = _WrongBackwardRotation.apply
    try:
        return vt.port_gradients(cfg, w, inp, method)[2]
    finally:
        vt.rotate_half_split = _RIGHT_ROTATION


def worst_ratio(entries):
    """entries: [(what, error, tol)] -> (max error / tol, what)."""
    return max((e / t if t > 0 else (math.inf if e > 0 else 0.0), what) for what, e, t in entries)


def make_run(method, tie, d, indices, notes):
    cfg, w = ref.load_model(d["dir"])
    inp = ref.load_input(d["input"])
    loss, n, grads = vt.port_gradients(cfg, w, inp, method)
    run = {"method": method, "checkpoint": tie, "source": "torch port of the NumPy reference"}
    if method == "mrope":
        hf_notes = []
        hl, hn, hf_own, zmax, hg = hf_gradients(d["dir"], inp, cfg, d["raw_cfg"], w, hf_notes)
        notes += ["%s %s: %s" % (method, tie, x) for x in hf_notes]
        gap = max(float(np.abs(hg[k] - grads[k]).max() / max(np.abs(grads[k]).max(), 1e-300))
                  for k in grads)
        assert hn == n and abs(hl - loss) <= PORT_AGREEMENT * abs(loss) and gap <= PORT_AGREEMENT, \
            "port and transformers disagree: loss %r vs %r, gradient %.3g" % (loss, hl, gap)
        # transformers' own loss casts the logits to float32 (u32 |z| each: <= 2 u32 max|z| on a
        # term lse - z_t) and sums V exponentials in float32 (<= (V + 3) u32 on lse), then
        # averages n terms (<= n u32 |loss|).
        own_tol = 2.0 ** -24 * (2 * zmax + cfg.vocab_size + 3 + n * abs(hl))
        assert abs(hf_own - hl) <= own_tol, "transformers' loss %r, (CE) %r" % (hf_own, hl)
        run.update(source="transformers Qwen2VLForConditionalGeneration (eager, float64)",
                   port_relative_difference=gap, transformers_own_loss=hf_own)
        loss, grads = hl, hg
    ltol, gtol, tols = tolerances(cfg, w, inp, method, loss, grads)
    run.update(loss=loss, loss_tol=ltol, label_tokens=n, grad_norm=global_norm(grads),
               grad_norm_tol=gtol, tensors={})
    l32, _, g32 = vt.port_gradients(cfg, w, inp, method, dtype=torch.float32)
    checks = [("loss", abs(l32 - loss), ltol),
              ("grad_norm", abs(global_norm(g32) - run["grad_norm"]), gtol)]
    stand_in = {"loss": l32, "grad_norm": global_norm(g32), "tensors": {}}
    for k in sorted(grads):
        idx, top = run_indices(indices[k], grads[k])
        flat, tol = grads[k].reshape(-1), tols[k][0].reshape(-1)
        run["tensors"][k] = {"argmax": top, "values": flat[idx].tolist(), "tol": tol[idx].tolist(),
                             "norm": float(np.linalg.norm(grads[k])), "norm_tol": tols[k][1]}
        f32 = g32[k].reshape(-1)
        stand_in["tensors"][k] = {"values": f32[idx].tolist(),
                                  "norm": float(np.linalg.norm(g32[k]))}
        checks += [("%s[%d]" % (k, i), abs(f32[i] - flat[i]), tol[i]) for i in idx]
        checks.append(("%s norm" % k, abs(np.linalg.norm(g32[k]) - run["tensors"][k]["norm"]),
                       tols[k][1]))
    ratio, where = worst_ratio(checks)
    run["float32_port_worst_ratio"] = {"ratio": ratio, "at": where}
    assert ratio <= 1.0, "a float32 gradient misses its tolerance: %s %.3g" % (where, ratio)
    print("%s %s: loss %.17g (tol %.2g), float32 port uses %.3g of its tolerance at %s"
          % (method, tie, loss, ltol, ratio, where), flush=True)
    if method == "mrope" and tie == "untied":
        twin = twin_gradients(cfg, w, inp, method)
        twins = {k: twin[k].reshape(-1)[run_indices(indices[k], grads[k])[0]].tolist()
                 for k in TWIN_TENSORS}
        return run, stand_in, twins
    return run, None, None


def unpatched_gap(d):
    """transformers float64 WITH its float32 islands against the port (a note, not asserted)."""
    cfg, w = ref.load_model(d["dir"])
    inp = ref.load_input(d["input"])
    loss, _, grads = vt.port_gradients(cfg, w, inp, "mrope")
    hl, _, _, _, g = hf_gradients(d["dir"], inp, cfg, d["raw_cfg"], w, [], float64=False)
    gap = max(float(np.abs(g[k] - grads[k]).max() / np.abs(grads[k]).max()) for k in grads)
    return ("transformers float64 as shipped (float32 RMSNorm, softmax, rotary tables) differs "
            "from the port by %.3g in the loss and %.3g relative in the gradients"
            % (abs(hl - loss), gap))


FORMATS = {"tol": "up2", "norm_tol": "up2", "loss_tol": "up2", "grad_norm_tol": "up2",
           "float32_port": "%.9g"}


def up2(x):
    """x rounded up to 2 significant digits (a tolerance stays an upper bound)."""
    if x <= 0 or not math.isfinite(x):
        return x
    e = 10.0 ** (math.floor(math.log10(x)) - 1)
    return float("%.2g" % (math.ceil(x / e * (1 - 1e-12)) * e))


def compact_json(obj, indent=0, fmt=repr):
    """JSON with dicts indented and lists on one line; floats by FORMATS of their key (up2 for
    tolerances, 9 digits for float32 values, else repr's 17)."""
    pad = " " * indent
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            f = FORMATS.get(k, fmt)
            items.append(pad + " " + json.dumps(k) + ": " + compact_json(v, indent + 1, f).lstrip())
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, dict) for v in obj):
        return pad + "[\n" + ",\n".join(compact_json(v, indent + 1, fmt) for v in obj) + "\n" \
            + pad + "]"
    if isinstance(obj, list):
        return pad + "[" + ", ".join(compact_json(v, 0, fmt) for v in obj) + "]"
    if isinstance(obj, float):
        obj = float(obj)  # NumPy's float64 reprs as np.float64(...)
        if fmt == "up2":
            return pad + repr(up2(obj))
        return pad + (repr(obj) if fmt is repr else fmt % obj)
    return pad + json.dumps(obj)


def main():
    tmp = tempfile.mkdtemp(prefix="grad_golden_")
    fixtures = {}
    for tie in ("untied", "tied"):
        d = os.path.join(tmp, tie)
        raw_cfg = make_checkpoint(d, seed=FIXTURES["checkpoint_seed"], tie=(tie == "tied"))
        make_input(os.path.join(d, "input.safetensors"), raw_cfg, seed=FIXTURES["input_seed"],
                   labels=FIXTURES["labels"])
        fixtures[tie] = {"dir": d, "input": os.path.join(d, "input.safetensors"),
                         "raw_cfg": raw_cfg}
    cfg, w = ref.load_model(fixtures["untied"]["dir"])
    inp = ref.load_input(fixtures["untied"]["input"])
    _, _, g0 = vt.port_gradients(cfg, w, inp, "mrope")
    indices = {k: sample_indices(g0[k], i) for i, k in enumerate(sorted(g0))}
    notes, runs, stand_in, twins = [], [], None, None
    for method, tie in RUNS:
        run, s, t = make_run(method, tie, fixtures[tie], indices, notes)
        runs.append(run)
        stand_in, twins = s or stand_in, t or twins
    notes.append(unpatched_gap(fixtures["untied"]))
    losses, rates, norms = train_losses(cfg, w, inp, TRAIN)
    losses32 = train_losses(cfg, w, inp, TRAIN, torch.float32)[0]
    spread = float32_spread(cfg, w, inp, TRAIN, TRAIN_DRAWS)
    golden = {
        "format": "hopelab-grad-golden", "version": [1, 0],
        "fixtures": dict(FIXTURES, checkpoints={
            tie: {"tie_word_embeddings": tie == "tied",
                  "checkpoint_tensors_sha256":
                      tensors_sha256(os.path.join(f["dir"], "model.safetensors")),
                  "input_tensors_sha256": tensors_sha256(f["input"])}
            for tie, f in fixtures.items()}),
        "sampling": {"samples": SAMPLES, "seed": SAMPLE_SEED, "indices": indices},
        "tolerance": {"draws": TOLERANCE_DRAWS, "safety": TOLERANCE_SAFETY, "lam": 7.0,
                      "unit": 2.0 ** -24, "model": "tests/ref/vlm_ref_torch_rounding.py"},
        "runs": runs,
        "float32_port": dict(stand_in, method="mrope", checkpoint="untied"),
        "twins": {"rotation_backward_sign": {"method": "mrope", "checkpoint": "untied",
                                             "tensors": twins}},
        "train": dict(TRAIN, losses=losses, learning_rates=rates, grad_norms_before_clip=norms,
                      float32_port_losses=losses32, float32_spread_losses=spread),
        "notes": notes,
        "provenance": {
            "producer": "tests/ref/make_grad_golden.py",
            "commands": ["/usr/bin/python3 -m venv /tmp/hfvenv",
                         "/tmp/hfvenv/bin/pip install torch transformers safetensors numpy",
                         "/tmp/hfvenv/bin/python tests/ref/make_grad_golden.py"],
            "torch": torch.__version__, "transformers": transformers.__version__,
            "numpy": np.__version__, "python": sys.version.split()[0],
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")},
    }
    out = os.path.join(HERE, "golden", "grad_fixtures_seed1.json")
    with open(out, "w") as f:
        f.write(compact_json(golden) + "\n")
    print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))


if __name__ == "__main__":
    main()
