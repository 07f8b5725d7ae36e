"""The gradient golden (golden/grad_*.json, written by make_grad_golden.py) and the comparisons
of a gradient with it, for check_vlm_grad.py.

A gradient to compare is "sampled": {"loss", "label_tokens", "grad_norm", "tensors": {name:
{"values": {flat index: value}, "norm": Frobenius norm}}}; sampled() makes one from full
arrays (a GRADS.safetensors). A comparison returns Checks, one per quantity or per tensor (its
worst element by error / tolerance), each with expected, actual, error and tolerance.

Tolerances are the golden's float32 ones (make_grad_golden.py "Tolerance"), plus the golden's
own float64 error: the same rounding model at u = 2^-53 instead of 2^-24, i.e. tol 2^-29 to
first order (the model's response is linear in u).
"""

import collections
import json

import numpy as np

FORMAT, MAJOR = "hopelab-grad-golden", 1
GOLDEN_OWN = 2.0 ** -29  # float64 / float32 unit roundoff

Check = collections.namedtuple("Check", "case ok expected actual error tol")


class GoldenError(ValueError):
    pass


def load_golden(path):
    """-> the golden dict, its format and major version checked; runs keyed by "method tie"."""
    with open(path) as f:
        g = json.load(f)
    if g.get("format") != FORMAT or g.get("version", [None])[0] != MAJOR:
        raise GoldenError("%s: not a %s file of major version %d (format %r, version %r)"
                          % (path, FORMAT, MAJOR, g.get("format"), g.get("version")))
    g["by_key"] = {run_key(r): r for r in g["runs"]}
    return g


def run_key(run):
    return "%s %s" % (run["method"], run["checkpoint"])


def run_indices(golden, run, name):
    """The flat indices of a run's values of one tensor: the shared sample, then its argmax."""
    shared = golden["sampling"]["indices"][name]
    top = run["tensors"][name]["argmax"]
    return shared if top in shared else shared + [top]


def golden_entry(golden, run, name):
    """-> {flat index: (value, tol)} of one tensor of a run."""
    t = run["tensors"][name]
    return dict(zip(run_indices(golden, run, name), zip(t["values"], t["tol"])))


def sampled(arrays, golden, run, loss, label_tokens, grad_norm):
    """Full arrays {name: ndarray} -> the sampled form at the run's indices."""
    out = {"loss": loss, "label_tokens": label_tokens, "grad_norm": grad_norm, "tensors": {}}
    for name in run["tensors"]:
        if name not in arrays:
            continue
        flat = np.asarray(arrays[name], dtype=np.float64).reshape(-1)
        idx = run_indices(golden, run, name)
        out["tensors"][name] = {"values": {i: float(flat[i]) for i in idx},
                                "norm": float(np.linalg.norm(flat))}
    return out


def stand_in(golden):
    """The float32 port's gradient stored in the golden, in the sampled form."""
    s = golden["float32_port"]
    run = golden["by_key"]["%s %s" % (s["method"], s["checkpoint"])]
    out = {"loss": s["loss"], "label_tokens": run["label_tokens"], "grad_norm": s["grad_norm"],
           "tensors": {}}
    for name, t in s["tensors"].items():
        out["tensors"][name] = {"values": dict(zip(run_indices(golden, run, name), t["values"])),
                                "norm": t["norm"]}
    return out


def scalar_check(case, expected, actual, tol):
    err = abs(actual - expected)
    return Check(case, bool(np.isfinite(actual) and err <= tol), expected, actual, err, tol)


def worst_check(case, entries):
    """entries: [(index, expected, actual, tol)] -> the Check of the largest error / tol."""
    def ratio(e):
        err = abs(e[2] - e[1])
        return err / e[3] if e[3] > 0 else (np.inf if err > 0 else 0.0)
    if not entries:
        return Check(case + ": no sampled element", False, "values", "none", "-", "-")
    i, exp, act, tol = max(entries, key=ratio)
    finite = all(np.isfinite(e[2]) for e in entries)
    return Check("%s[%d]" % (case, i), finite and ratio((i, exp, act, tol)) <= 1.0,
                 exp, act, abs(act - exp), tol)


def compare_with_golden(golden, key, got):
    """(a): loss, label count, global norm, and per tensor its norm and sampled elements."""
    run = golden["by_key"][key]
    # Every tolerance is the golden's: float32 rounding of every forward and backward stage
    # (lam = 7 Hoeffding bound of each sum), 3 x the largest response of 8 draws
    # (make_grad_golden.py "Tolerance"); (1 + 2^-29) adds the golden's own float64 error.
    own = 1.0 + GOLDEN_OWN
    checks = [scalar_check(key + " loss", run["loss"], got["loss"], run["loss_tol"] * own),
              scalar_check(key + " label_tokens", run["label_tokens"], got["label_tokens"], 0),
              scalar_check(key + " grad_norm", run["grad_norm"], got["grad_norm"],
                           run["grad_norm_tol"] * own)]
    for name, t in run["tensors"].items():
        if name not in got["tensors"]:
            checks.append(Check("%s %s" % (key, name), False, "a gradient", "none", "-", "-"))
            continue
        mine = got["tensors"][name]
        checks.append(scalar_check("%s %s norm" % (key, name), t["norm"], mine["norm"],
                                   t["norm_tol"] * own))
        entries = [(i, v, mine["values"][i], tol * own)
                   for i, (v, tol) in golden_entry(golden, run, name).items()
                   if i in mine["values"]]
        checks.append(worst_check("%s %s" % (key, name), entries))
    return checks


def compare_with_differences(golden, key, fd, got, unit_scale=1.0):
    """(b): per tensor, the finite-difference elements fd {name: [(index, E, bound)]} against
    got's values, tolerance = bound + unit_scale * the golden's tol (unit_scale 2^-29 when got
    is a float64 gradient)."""
    run = golden["by_key"][key]
    checks = []
    # |got - E| <= (FDB) bound of E + got's rounding (the golden's float32 tolerance, scaled
    # to u = 2^-53 when got is float64).
    for name, elems in fd.items():
        entry = golden_entry(golden, run, name)
        values = got["tensors"].get(name, {"values": {}})["values"]
        entries = [(i, e, values[i], bound + unit_scale * entry[i][1] * (1.0 + GOLDEN_OWN))
                   for i, e, bound in elems if i in values]
        checks.append(worst_check("%s %s finite difference" % (key, name), entries))
    return checks


def worst_ratio(checks):
    """-> (largest error / tol over checks with numbers, its case)."""
    best = (0.0, "-")
    for c in checks:
        if isinstance(c.error, str):
            return np.inf, c.case
        r = c.error / c.tol if c.tol > 0 else (np.inf if c.error > 0 else 0.0)
        best = max(best, (r, c.case))
    return best
