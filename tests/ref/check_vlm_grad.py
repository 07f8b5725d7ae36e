#!/usr/bin/python3
"""`hopelab vlm grad` against independent float64 gradients of the training loss.

  check_vlm_grad.py HOPELAB

For every run of the golden (golden/grad_fixtures_seed1.json, make_grad_golden.py: each method
on the untied fixture checkpoint, mrope on the tied one), rebuilt here from
vlm_ref_fixtures (tensor SHA-256 checked), it runs
  HOPELAB vlm grad --model DIR --input IN --method M -o G.safetensors --json
and compares
  (a) loss, label count, global norm, and per tensor its Frobenius norm and sampled elements,
      with the golden (transformers for mrope, the torch port otherwise, float64);
  (b) FD_PER_TENSOR elements of every tensor (its largest |gradient| and two seeded others)
      with central finite differences of the NumPy reference's loss (vlm_ref_loss.py, float64);
  (c) twins that must be REJECTED: (i) another method's gradient, (ii) the gradient a rotation
      backward turned the wrong way gives on q/k tensors behind a rotation, (iii) any one
      tensor's gradient scaled by 1.01, (iv) a loss taken against the unshifted labels;
and checks the file (F32, the checkpoint's names and shapes, metadata loss and method) and the
JSON, the default labels (an input without `labels`), and --gamma / --delta (losses).

Tolerance. The C++ gradient is float32. Its error is modelled stage by stage: every forward
and backward contraction errs by at most lam u sqrt(sum of squared partial sums + sum of
squared terms) (Hoeffding, lam = 7, u = 2^-24) and every elementwise step by 4 u relative
(vlm_ref_torch_rounding.py); draws of that model through autograd give each golden value the
tolerance 3 max_k |value_k - value| over 8 draws (make_grad_golden.py "Tolerance"), stored in
the golden. c = lam = 7 makes a per-entry bound that a real rounding error exceeds with
probability ~5e-11 (2 exp(-lam^2/2)); the factor 3 covers taking the max of only 8 draws. A
real float32 autograd of the same network uses at most 0.18 of it (golden
float32_port_worst_ratio). An element no term reaches (an unused id's embedding row, untied)
gets tolerance 0: it must be exactly 0. (b) adds the finite difference's own bound
(vlm_ref_loss (FDB)).
Loss-only checks (default labels, gamma, delta) use the NumPy forward's model at u = 2^-24
(vlm_ref_loss.loss_rounding).

Self-tests (always run, without hopelab): the golden's float64 values against the finite
differences (tolerance: the bound plus the golden's own error, 2^-29 tol), the golden losses
against the NumPy loss, and the comparisons fed the golden's float32 port gradient (must pass)
and its twins (must be rejected). Until HOPELAB has a `vlm grad` subcommand the script says so
and exits 77 (CTest: skipped) after the self-tests. Exit 0 all passed, 1 a check failed.
"""

import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import vlm_reference as ref  # noqa: E402
import vlm_ref_grad_golden as gg  # noqa: E402
from check_log import CheckLog  # noqa: E402
from vlm_ref_fixtures import make_checkpoint, make_input  # noqa: E402
from vlm_ref_loss import (IGNORE, U64, cross_entropy, finite_difference,  # noqa: E402
                          loss_labels, loss_rounding, parameter_loss, reference_loss)
from vlm_ref_safetensors import read_safetensors, tensors_sha256, write_safetensors  # noqa: E402

TRAIN_SAFETY = 3.0  # as the gradients' TOLERANCE_SAFETY: a maximum sampled from one real float32 run
GOLDEN = os.path.join(HERE, "golden", "grad_fixtures_seed1.json")
FD_PER_TENSOR, FD_SEED = 3, 2028
SCALE_TWIN = 1.01
OPTION_RUNS = [("hope", ["--gamma", "2"], {"gamma": 2.0}),
               ("videorope", ["--delta", "3"], {"delta": 3.0})]
SKIP = 77


def report(log, label, checks):
    """Count every check; print one line per group with its worst error / tolerance."""
    for c in checks:
        log.check(c.case, c.ok, c.expected, c.actual, c.error, c.tol)
    ratio, case = gg.worst_ratio(checks)
    print("%s %s: %d checks, worst error/tolerance %.3g at %s"
          % ("ok  " if all(c.ok for c in checks) else "FAIL", label, len(checks), ratio, case),
          flush=True)


def twin(log, label, checks):
    """A twin must be rejected: one counted check, passed when some comparison failed."""
    ratio, case = gg.worst_ratio(checks)
    log.check("twin %s rejected" % label, not all(c.ok for c in checks), "rejected",
              "accepted (worst error/tolerance %.3g at %s)" % (ratio, case))
    print("     twin %s: worst error/tolerance %.3g at %s" % (label, ratio, case), flush=True)


# ---------------------------------------------------------------- fixtures and references

def build_fixtures(golden, tmp, log):
    """-> {tie: (dir, input path)} rebuilt from vlm_ref_fixtures, tensor hashes checked."""
    fx = golden["fixtures"]
    out = {}
    for tie, want in fx["checkpoints"].items():
        d = os.path.join(tmp, tie)
        raw = make_checkpoint(d, seed=fx["checkpoint_seed"], tie=want["tie_word_embeddings"])
        inp = os.path.join(d, "input.safetensors")
        make_input(inp, raw, seed=fx["input_seed"], labels=fx["labels"])
        for key, path in (("checkpoint_tensors_sha256", os.path.join(d, "model.safetensors")),
                          ("input_tensors_sha256", inp)):
            got = tensors_sha256(path)
            log.check("fixture %s %s" % (tie, key), got == want[key], want[key][:16], got[:16])
        out[tie] = (d, inp)
    return out


def fd_elements(golden, run, name, k):
    """The largest |gradient|'s index and FD_PER_TENSOR - 1 others of the sample (seeded)."""
    top = run["tensors"][name]["argmax"]
    rest = [i for i in gg.run_indices(golden, run, name) if i != top]
    rng = np.random.default_rng([FD_SEED, k])
    pick = rng.choice(rest, min(FD_PER_TENSOR - 1, len(rest)), replace=False) if rest else []
    return [top] + sorted(int(i) for i in pick)


def finite_differences(golden, key, model_dir, input_path):
    """-> (NumPy loss, its rounding df, label count, {name: [(index, E, bound)]})."""
    run = golden["by_key"][key]
    cfg, w = ref.load_model(model_dir)
    inp = ref.load_input(input_path)
    f, n = reference_loss(cfg, w, inp, run["method"])
    df = loss_rounding(cfg, w, inp, run["method"], unit=U64)
    fd = {}
    for k, name in enumerate(sorted(run["tensors"])):
        loss_of = parameter_loss(cfg, w, inp, run["method"], name)
        fd[name] = [(i,) + finite_difference(loss_of, w[name], i, f, df)[:2]
                    for i in fd_elements(golden, run, name, k)]
    return f, df, n, fd


def golden_as_sampled(golden, key):
    run = golden["by_key"][key]
    return {"loss": run["loss"], "label_tokens": run["label_tokens"],
            "grad_norm": run["grad_norm"],
            "tensors": {name: {"values": {i: v for i, (v, _) in
                                          gg.golden_entry(golden, run, name).items()},
                               "norm": t["norm"]} for name, t in run["tensors"].items()}}


def unshifted_loss(model_dir, input_path, method):
    """The loss bug of twin (iv): logits[i] scored against labels[i] instead of labels[i+1]."""
    cfg, w = ref.load_model(model_dir)
    inp = ref.load_input(input_path)
    logits = ref.reference_logits(cfg, w, inp, method)
    labels = loss_labels(cfg, inp)
    return cross_entropy(logits, np.concatenate([[IGNORE], labels[:-1]]))[0]


# ---------------------------------------------------------------- twins

def corrupted(got, golden, how):
    """A copy of a sampled gradient changed as a known bug would change it."""
    out = {k: v for k, v in got.items() if k != "tensors"}
    out["tensors"] = {n: {"values": dict(t["values"]), "norm": t["norm"]}
                      for n, t in got["tensors"].items()}
    kind, arg = how
    if kind == "scale":  # one tensor's gradient scaled (a mis-scaled term, a missed factor)
        t = out["tensors"][arg]
        t["values"] = {i: v * SCALE_TWIN for i, v in t["values"].items()}
        t["norm"] *= SCALE_TWIN
    elif kind == "rotation":  # q/k gradients from R(phi) g instead of R(-phi) g
        spec = golden["twins"]["rotation_backward_sign"]
        run = golden["by_key"]["%s %s" % (spec["method"], spec["checkpoint"])]
        for name, values in spec["tensors"].items():
            right = gg.golden_entry(golden, run, name)
            t = out["tensors"][name]
            for i, wrong in zip(gg.run_indices(golden, run, name), values):
                if i in t["values"]:
                    t["values"][i] += wrong - right[i][0]
    elif kind == "loss":
        out["loss"] = arg
    return out


def check_twins(log, golden, key, got, fixtures):
    """(c) on one gradient of run `key` (mrope untied): each twin must be rejected."""
    run = golden["by_key"][key]
    for other in golden["runs"]:
        if other["checkpoint"] == run["checkpoint"] and other["method"] != run["method"]:
            okey = gg.run_key(other)
            twin(log, "(i) %s gradient as %s" % (run["method"], okey),
                 gg.compare_with_golden(golden, okey, got))
    twin(log, "(ii) rotation backward R(phi) g on %s"
         % ", ".join(golden["twins"]["rotation_backward_sign"]["tensors"]),
         gg.compare_with_golden(golden, key, corrupted(got, golden, ("rotation", None))))
    least = (np.inf, "-")
    for name in sorted(run["tensors"]):
        checks = gg.compare_with_golden(golden, key, corrupted(got, golden, ("scale", name)))
        log.check("twin (iii) %s x %.2f rejected" % (name, SCALE_TWIN),
                  not all(c.ok for c in checks), "rejected", "accepted")
        least = min(least, gg.worst_ratio(checks))
    print("     twin (iii) every tensor x %.2f: rejected with worst error/tolerance >= %.3g (%s)"
          % (SCALE_TWIN, least[0], least[1]), flush=True)
    d, inp = fixtures[run["checkpoint"]]
    bad = unshifted_loss(d, inp, run["method"])
    twin(log, "(iv) loss against unshifted labels (%.6g)" % bad,
         gg.compare_with_golden(golden, key, corrupted(got, golden, ("loss", bad)))[:1])


# ---------------------------------------------------------------- hopelab

def has_grad_command(hopelab):
    out = subprocess.run([hopelab, "vlm", "--help"], capture_output=True, text=True)
    lines = out.stdout.split("Subcommands:")[-1].splitlines()
    return any(line.split()[:1] == ["grad"] for line in lines)


def header_dtypes(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    return {k: v["dtype"] for k, v in header.items() if k != "__metadata__"}


def hopelab_grad(log, hopelab, model_dir, input_path, method, out, extra=()):
    """Runs `vlm grad`; checks the file and the JSON. -> (arrays, JSON) or None."""
    cmd = [hopelab, "vlm", "grad", "--model", model_dir, "--input", input_path,
           "--method", method, "-o", out, "--json", "--force"] + list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True)
    case = "vlm grad %s %s" % (method, " ".join(extra))
    if not log.check(case + " exit status", p.returncode == 0, 0,
                     "%d (%s)" % (p.returncode, p.stderr.strip()[-300:])):
        return None
    try:
        js = json.loads(p.stdout)
    except ValueError:
        log.fail(case + " --json", "a JSON object", p.stdout[:200])
        return None
    arrays, meta = read_safetensors(out)
    params, _ = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    log.check(case + " tensor names", sorted(arrays) == sorted(params), sorted(params),
              sorted(arrays))
    shapes = [n for n in params if n in arrays and arrays[n].shape != params[n].shape]
    log.check(case + " shapes", not shapes, "the parameters' shapes", "differ: %s" % shapes)
    dtypes = set(header_dtypes(out).values())
    log.check(case + " dtype", dtypes == {"F32"}, {"F32"}, dtypes)
    log.check(case + " metadata method", meta.get("method") == method, method, meta.get("method"))
    for key in ("loss", "label_tokens", "grad_norm", "method"):
        log.check(case + " JSON " + key, key in js, key, sorted(js))
    log.check(case + " JSON method", js.get("method") == method, method, js.get("method"))
    try:
        meta_loss = float(meta.get("loss", "nan"))
    except ValueError:
        meta_loss = float("nan")
    # Both print one double (17 significant digits and JSON's round trip): equal exactly.
    log.check(case + " metadata loss = JSON loss", meta_loss == js.get("loss"), js.get("loss"),
              meta_loss)
    norm = float(np.sqrt(sum(float((a.astype(np.float64) ** 2).sum()) for a in arrays.values())))
    count = sum(a.size for a in arrays.values())
    # The same float32 values squared and summed in double: N u64 relative (Higham 3.1).
    err, tol = abs(js.get("grad_norm", np.nan) - norm), count * U64 * norm
    log.check(case + " JSON grad_norm = norm of the file", err <= tol, norm, js.get("grad_norm"),
              err, tol)
    return arrays, js


def option_loss_checks(log, hopelab, model_dir, input_path, tmp):
    """The default labels and --gamma / --delta: losses against the NumPy reference."""
    cfg, w = ref.load_model(model_dir)
    t, _ = read_safetensors(input_path)
    bare = os.path.join(tmp, "input_no_labels.safetensors")
    write_safetensors(bare, {k: v for k, v in t.items() if k != "labels"})
    cases = [("mrope", [], {}, bare, "default labels")] + [
        (m, flags, kw, input_path, " ".join(flags)) for m, flags, kw in OPTION_RUNS]
    for method, flags, kw, path, label in cases:
        inp = ref.load_input(path)
        want, n = reference_loss(cfg, w, inp, method, **kw)
        tol = loss_rounding(cfg, w, inp, method, unit=2.0 ** -24, **kw)
        got = hopelab_grad(log, hopelab, model_dir, path, method,
                           os.path.join(tmp, "g_option.safetensors"), flags)
        if got is None:
            continue
        js = got[1]
        report(log, "%s %s loss" % (method, label),
               [gg.scalar_check("%s %s loss" % (method, label), want, js["loss"], tol),
                gg.scalar_check("%s %s label_tokens" % (method, label), n,
                                js["label_tokens"], 0)])


# ---------------------------------------------------------------- main

def training_check(log, hopelab, golden, fixtures, tmp):
    """The trajectory check, then its twin: the same run without gradient clipping (active at
    every step of this run) must be rejected."""
    worst = trajectory_check(log, hopelab, golden, fixtures, tmp, golden["train"]["clip_max_norm"], "hopelab")
    if worst is not None:
        print("ok   hopelab's 10 AdamW steps: worst error/tolerance %.3g at step %d" % worst)
    twin = trajectory_check(None, hopelab, golden, fixtures, tmp, 0.0, "twin")
    if twin is not None:
        print("     twin: the run without clipping, worst error/tolerance %.3g at step %d" % twin)
    log.check("twin: training without clipping is rejected", twin is not None and twin[0] > 1,
              "worst error/tolerance > 1", twin)


def trajectory_check(log, hopelab, golden, fixtures, tmp, clip, name):
    """`hopelab vlm train --data` for the golden's 10 AdamW steps: the loss before each update
    (the log) and after the last (`vlm grad` on the result) against the float64 trajectory.

    Training carries each step's rounding into the next (the first AdamW steps move every weight
    by about lr sign(g), so the signs of tiny gradients decide), so float32 trajectories stray from
    the float64 one by more than one step's rounding. How far is measured on this fixture by
    float32 runs of the torch port from weights perturbed by one rounding (float32_spread_losses,
    vlm_ref_torch_train.float32_spread). Tolerance of step k: TRAIN_SAFETY times the largest
    deviation of any such run at any step j <= k (a trajectory's divergence does not shrink back),
    plus the float64 loss's own tolerance."""
    t = golden["train"]
    d, inp = fixtures[t["checkpoint"]]
    out = os.path.join(tmp, "trained")
    cmd = [hopelab, "vlm", "train", "--model", d, "--data", inp, "--method", t["method"], "--batch", "1",
           "--steps", str(t["steps"]), "--warmup", str(t["warmup_steps"]), "--lr", repr(t["lr_max"]),
           "--min-lr-ratio", repr(t["min_lr_ratio"]), "--beta1", repr(t["betas"][0]),
           "--beta2", repr(t["betas"][1]), "--eps", repr(t["eps"]), "--weight-decay", repr(t["weight_decay"]),
           "--clip", repr(clip), "--quiet", "--force", "-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        (log or CheckLog()).fail(name + ": vlm train --data exit status", 0, "%d (%s)" % (p.returncode, p.stderr.strip()))
        return None
    with h5py.File(os.path.join(out, "train_log.h5"), "r") as f:
        losses = [float(x) for x in f["runs/train/loss"][()]]
        rates = [float(x) for x in f["runs/train/learning_rate"][()]]
    g = subprocess.run([hopelab, "vlm", "grad", "--model", out, "--input", inp, "--method", t["method"],
                        "-o", os.path.join(tmp, "g_final.safetensors"), "--json", "--force"],
                       capture_output=True, text=True)
    if g.returncode != 0:
        (log or CheckLog()).fail(name + ": vlm grad after training exit status", 0, g.returncode)
        return None
    losses.append(json.loads(g.stdout)["loss"])
    want = t["losses"]
    base = golden["by_key"]["%s %s" % (t["method"], t["checkpoint"])]["loss_tol"]
    worst, spread = (0.0, 0), 0.0
    for k, (w, got) in enumerate(zip(want, losses)):
        spread = max([spread] + [abs(run[k] - w) for run in t["float32_spread_losses"]])
        tol = TRAIN_SAFETY * spread + base
        if log is not None:
            log.check("training loss after %d AdamW steps" % k, abs(got - w) <= tol, w, got, abs(got - w), tol)
        worst = max(worst, (abs(got - w) / tol, k))
    if log is not None:
        for k, (w, got) in enumerate(zip(t["learning_rates"], rates)):
            log.check("learning rate of step %d" % k, abs(got - w) <= 1e-15 * w, w, got)
    return worst


def main():
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    hopelab = sys.argv[1]
    log = CheckLog()
    golden = gg.load_golden(GOLDEN)
    real = has_grad_command(hopelab)
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = build_fixtures(golden, tmp, log)
        fd = {}
        for key, run in golden["by_key"].items():
            d, inp = fixtures[run["checkpoint"]]
            f, df, n, fd[key] = finite_differences(golden, key, d, inp)
            own = run["loss_tol"] * gg.GOLDEN_OWN
            report(log, "self-test %s golden loss = NumPy loss" % key,
                   [gg.scalar_check(key + " golden loss vs NumPy", f, run["loss"], df + own),
                    gg.scalar_check(key + " label_tokens", n, run["label_tokens"], 0)])
            report(log, "self-test %s golden (float64) vs finite differences" % key,
                   gg.compare_with_differences(golden, key, fd[key], golden_as_sampled(golden, key),
                                               unit_scale=gg.GOLDEN_OWN))
        s = golden["float32_port"]
        skey = "%s %s" % (s["method"], s["checkpoint"])
        stand = gg.stand_in(golden)
        report(log, "self-test float32 port %s (a) golden" % skey,
               gg.compare_with_golden(golden, skey, stand))
        report(log, "self-test float32 port %s (b) finite differences" % skey,
               gg.compare_with_differences(golden, skey, fd[skey], stand))
        print("self-test twins on the float32 port's gradient:")
        check_twins(log, golden, skey, stand, fixtures)
        if not real:
            status = log.finish()
            print("SKIP: %s has no `vlm grad` subcommand yet (`%s vlm --help` does not list it):"
                  " only the self-tests ran; the comparison with hopelab runs once it exists."
                  % (hopelab, hopelab))
            return status if status else SKIP
        got = {}
        for key, run in golden["by_key"].items():
            d, inp = fixtures[run["checkpoint"]]
            out = hopelab_grad(log, hopelab, d, inp, run["method"],
                               os.path.join(tmp, "g.safetensors"))
            if out is None:
                continue
            arrays, js = out
            got[key] = gg.sampled(arrays, golden, run, js["loss"], js["label_tokens"],
                                  js["grad_norm"])
            report(log, "hopelab %s (a) golden" % key,
                   gg.compare_with_golden(golden, key, got[key]))
            report(log, "hopelab %s (b) finite differences" % key,
                   gg.compare_with_differences(golden, key, fd[key], got[key]))
        if skey in got:
            print("twins on hopelab's gradient:")
            check_twins(log, golden, skey, got[skey], fixtures)
        option_loss_checks(log, hopelab, *fixtures["untied"], tmp)
        training_check(log, hopelab, golden, fixtures, tmp)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
