#!/usr/bin/env python3
"""The literature suite (experiments/literature.toml) and its kinds, in seconds.

Usage: check_literature.py PATH/TO/hopelab experiments/literature.toml
  * --dry-run parses the suite and lists every claim;
  * the suite with its Monte Carlo and scan budgets shrunk (a copy with smaller samples, coarser
    grids) runs, gives every claim a verdict, and its datasets agree with references computed
    here in numpy: the diagonal layout's overlap ceil((H-1)/2) from positions written out, mean
    |S_j| from the frequencies, the first m with B(m) < 0 by a direct scan, the float32
    rotations of the slowest pair, the text start after a timestamped video (Qwen3-VL, Qwen3.5),
    and Qwen3.5's proof weights 2 (d/2 - R) >= 2 R and its first violation above r/d = 1/2;
  * each claim's twin: its datasets moved to the wrong side in a copy of the file (h5py), and
    `hopelab merge` (which evaluates the claims again) must give "fails"; the untouched file's
    exact claims hold.
Prints one line per failed check and exits 1 if any failed.
"""

import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from check_log import CheckLog  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
SUITE = os.path.abspath(sys.argv[2])
log = CheckLog(tolerances=False)

CLAIMS = ["diag-collides", "diag-coincides", "others-free", "decay-mrope-apart", "decay-mrope-i-band",
          "inversion-sides-with-b", "inversion-meets-b-zero", "inversion-half", "base-tokens", "base-positions",
          "precision-bound", "qwen35-never", "qwen35-above-half"]
EXACT = ["diag-collides", "diag-coincides", "others-free", "decay-mrope-apart", "decay-mrope-i-band",
         "base-positions", "precision-bound", "qwen35-never",
         "qwen35-above-half"]  # no Monte Carlo: they hold on the shrunk suite too

# The shrunk suite: the same runs and claims, smaller budgets (seconds).
SHRINK = [("samples = 20000", "samples = 2000"), ("samples = 10000", "samples = 2000"),
          ('offsets = "0:8000:4"', 'offsets = "1500:2500:5"'),
          ('offsets = "0:100000000:250000"', 'offsets = "0:100000000:1000000"'),
          ('bases = "1e5:1e9:161"', 'bases = "1e6:1e8:41"')]


def run(args, cwd):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def verdicts(path):
    with h5py.File(path, "r") as f:
        ids = [x.decode() for x in f["claims/id"][:]]
        return dict(zip(ids, [x.decode() for x in f["claims/verdict"][:]]))


def units(f, run_name):
    return [f["runs"][k] for k in sorted(f["runs"]) if k == run_name or k.startswith(run_name + "__")]


# ---- numpy references ---------------------------------------------------------------------------

def diagonal_overlap(frames, h, w, step):
    """The centred diagonal layout written out: one text token at 0, the video, then text at the
    last t + 1; how many following text positions the largest h/w coordinate reaches."""
    hs, ws, ts = [], [], []
    for f in range(frames):
        t = 1 + step * f
        for y in range(h):
            for x in range(w):
                ts.append(t)
                hs.append(t + y - (h - 1) // 2)
                ws.append(t + x - (w - 1) // 2)
    start = max(ts) + 1
    top = max(max(hs), max(ws))
    return max(0, int(math.floor(top - start)) + 1)


def mean_abs_partial_sums(theta, delta):
    s = np.cumsum(np.exp(1j * delta * np.asarray(theta, dtype=np.float64)))
    return float(np.mean(np.abs(s))) if len(theta) else 0.0


def first_negative_b(base, d, limit):
    theta = base ** (-2.0 * np.arange(d // 2) / d)
    for start in range(1, limit + 1, 4096):
        m = np.arange(start, min(start + 4096, limit + 1), dtype=np.float64)
        b = np.cos(np.outer(m, theta)).sum(axis=1)
        neg = np.nonzero(b < 0)[0]
        if len(neg):
            return int(m[neg[0]])
    return -1


def erased_fraction(base, d, points):
    theta = base ** (-(d - 2) / d)
    period = 2 * math.pi / theta
    m = np.floor(period * np.arange(points) / points)
    p0 = (m * theta).astype(np.float32)
    p1 = ((m + 1) * theta).astype(np.float32)
    same = (np.cos(p0) == np.cos(p1)) & (np.sin(p0) == np.sin(p1))
    return float(same.mean())


def qwen35_preference(m, d, fraction, base):
    """D(m, m, m) at sigma = 1 of Qwen3.5's partial rotary: R = floor(fraction d/2) pairs at
    base^(-2i/r), r = 2R, and d/2 - R unrotated pairs (the axis split does not matter along text)."""
    rotating = int(math.floor(fraction * d / 2))
    theta = base ** (-2.0 * np.arange(rotating) / (2 * rotating))
    return 2.0 * float(np.cos(m * theta).sum()) + 2.0 * (d // 2 - rotating)


def attr(u, key):
    v = u.attrs[key]
    return v.decode() if isinstance(v, bytes) else v


# ---- the checks -----------------------------------------------------------------------------------

def check_dry_run(work):
    rc, out, err = run(["run", SUITE, "-o", os.path.join(work, "dry.h5"), "--dry-run"], work)
    log.check("literature.toml --dry-run exit", rc == 0, 0, "%d (%s)" % (rc, err.strip()))
    for claim in CLAIMS:
        log.check("--dry-run lists claim " + claim, claim in out, claim, "absent")


def check_datasets(path):
    with h5py.File(path, "r") as f:
        for u in units(f, "collide-diagonal"):
            method = u.attrs["method"].decode() if isinstance(u.attrs["method"], bytes) else str(u.attrs["method"])
            h, w = (int(x) for x in str(u.attrs["grid"].decode() if isinstance(u.attrs["grid"], bytes) else u.attrs["grid"]).split("x"))
            step = 2 if method == "videorope" else 1  # VideoRoPE delta = 2, HoPE gamma = 1 by default
            want = diagonal_overlap(int(u.attrs["frames"]), h, w, step)
            log.check("overlap %s %dx%d" % (method, h, w), int(u["overlap_positions"][()]) == want, want,
                      int(u["overlap_positions"][()]))
            log.check("overlap %s %dx%d = ceil((H-1)/2)" % (method, h, w), want == (max(h, w)) // 2, max(h, w) // 2, want)
        for name, sections in (("decay-mrope", (16, 24, 24)), ("decay-mrope-i", None)):
            u = units(f, name)[0]
            pairs = [int(x) for x in u["pairs"][:]]
            theta = 1e6 ** (-2.0 * np.arange(64) / 128)
            if sections:  # M-RoPE: t, h, w on consecutive pairs
                axes = [theta[0:16], theta[16:40], theta[40:64]]
            else:  # MRoPE-I: i % 3 == 1 -> h and i % 3 == 2 -> w below 3 * 20, the rest t
                i = np.arange(64)
                hmask = (i % 3 == 1) & (i < 60)
                wmask = (i % 3 == 2) & (i < 60)
                axes = [theta[~(hmask | wmask)], theta[hmask], theta[wmask]]
            log.check(name + " pairs per axis", pairs == [len(a) for a in axes], [len(a) for a in axes], pairs)
            dist = u["distance"][:]
            got = u["indicator"][:]
            worst = 0.0
            for k in range(0, len(dist), 7):
                for a in range(3):
                    worst = max(worst, abs(got[k, a] - mean_abs_partial_sums(axes[a], dist[k])))
            log.check(name + " mean |S_j| against numpy", worst <= 1e-9, "<= 1e-9", worst)
        u = units(f, "inversion-zero")[0]
        want = first_negative_b(1e4, 128, int(u["distance"][:].max()))
        log.check("first_negative_b against a direct scan", int(u["first_negative_b"][()]) == want, want,
                  int(u["first_negative_b"][()]))
        inv, se = u["inversion"][:], u["standard_error"][:]
        log.check("inversion in [0, 1], SE = sqrt(p (1 - p) / n)",
                  bool(np.all((inv >= 0) & (inv <= 1)) and np.allclose(se, np.sqrt(inv * (1 - inv) / 2000))), "yes", "no")
        u = units(f, "resolution")[0]
        base, erased = u["base"][:], u["erased_fraction"][:]
        worst = max(abs(erased[k] - erased_fraction(base[k], 128, 65536)) for k in range(0, len(base), 5))
        # numpy's float32 cos/sin may differ from the C library's by an ulp at a few phases
        log.check("erased fraction against numpy float32", worst <= 0.01, "<= 0.01", worst)
        log.check("precision bound 2^23", float(u["precision_bound"][()]) == 2.0 ** 23, 2.0 ** 23, float(u["precision_bound"][()]))
        # Timestamped videos (K = 6 tokens per timestamp): after "text:1" and T groups of
        # K + 2 + max(H, W) positions, the text resumes at 1 + T (K + 2 + max(H, W)).
        for u in units(f, "collide-free"):
            if str(attr(u, "method")) not in ("qwen3vl", "qwen35"):
                continue
            h, w = (int(x) for x in str(attr(u, "grid")).split("x"))
            want = 1 + int(u.attrs["frames"]) * (6 + 2 + max(h, w))
            log.check("text start after a timestamped video %s %dx%d" % (attr(u, "method"), h, w),
                      int(u["text_start"][()]) == want, want, int(u["text_start"][()]))
        for u in units(f, "qwen35-never"):
            fraction, pairs = float(u.attrs["rotary_fraction"]), int(u.attrs["head_dim"]) // 2
            rotating = int(math.floor(fraction * pairs))
            weights = (float(u["zero_weight"][()]), float(u["rotating_weight"][()]))
            log.check("qwen35 r/d = %g %s: Z, R = 2 (d/2 - R), 2 R" % (fraction, attr(u, "along")),
                      weights == (2.0 * (pairs - rotating), 2.0 * rotating), (2 * (pairs - rotating), 2 * rotating),
                      weights)
        u = units(f, "qwen35-above-half")[0]
        m = int(u["first_violation"][()])
        d, fraction, base = int(u.attrs["head_dim"]), float(u.attrs["rotary_fraction"]), float(u.attrs["base"])
        # D(m) in double: 128 cosines of angles up to 1e7 rad (error < 128 * 1e7 * 2^-52 ~ 3e-7); the
        # value at the violation is -0.88, far outside that.
        log.check("qwen35 r/d = 3/4: D < 0 at its first violation m = %d" % m,
                  m >= 1 and qwen35_preference(m, d, fraction, base) < -1e-6, "< 0",
                  qwen35_preference(m, d, fraction, base) if m >= 1 else m)


# Each claim's twin: what to write into its datasets to put it on the wrong side.
def wrong_side(f, claim):
    if claim == "diag-collides":
        units(f, "collide-diagonal")[0]["overlap_positions"][()] = 0
    elif claim == "diag-coincides":
        units(f, "collide-diagonal")[-1]["coincident_pairs"][()] = 0
    elif claim == "others-free":
        units(f, "collide-free")[-1]["overlap_positions"][()] = 1
    elif claim == "decay-mrope-apart":
        units(f, "decay-mrope")[0]["max_axis_gap"][()] = 0.79
    elif claim == "decay-mrope-i-band":
        units(f, "decay-mrope-i")[0]["max_axis_gap"][()] = 0.46
    elif claim == "inversion-sides-with-b":
        units(f, "inversion-base")[0]["sign_mismatches"][()] = 1
    elif claim == "inversion-meets-b-zero":
        units(f, "inversion-zero")[0]["crossing_ratio"][()] = 0.9
    elif claim == "inversion-half":
        units(f, "inversion-long")[0]["far_mean"][()] = 0.53
    elif claim == "base-tokens":
        u = units(f, "inversion-base")
        u[-1]["far_mean"][()] = u[-2]["far_mean"][()] + 0.01
    elif claim == "base-positions":
        u = units(f, "inversion-base")
        u[1]["locality_contrast"][()] = u[0]["locality_contrast"][()]
    elif claim == "precision-bound":
        units(f, "resolution")[0]["onset_ratio"][()] = 1.01
    elif claim == "qwen35-never":
        units(f, "qwen35-never")[-1]["proven_never"][()] = 0
    elif claim == "qwen35-above-half":
        units(f, "qwen35-above-half")[0]["first_violation"][()] = -1


def check_twins(work, path):
    for claim in CLAIMS:
        twin = os.path.join(work, "twin-%s.h5" % claim)
        merged = os.path.join(work, "merged-%s.h5" % claim)
        shutil.copy(path, twin)
        with h5py.File(twin, "r+") as f:
            wrong_side(f, claim)
        rc, _, err = run(["merge", twin, "-o", merged, "--force"], work)
        if rc != 0:
            log.fail("merge of the twin for " + claim, "exit 0", "%d (%s)" % (rc, err.strip()))
            continue
        log.check("twin of %s fails" % claim, verdicts(merged).get(claim) == "fails", "fails", verdicts(merged).get(claim))


def main():
    work = tempfile.mkdtemp(prefix="hopelab-literature-")
    try:
        check_dry_run(work)
        text = open(SUITE).read()
        for old, new in SHRINK:
            log.check("shrink: " + old, old in text, "present in the suite", "absent")
            text = text.replace(old, new)
        small = os.path.join(work, "literature-small.toml")
        open(small, "w").write(text)
        out = os.path.join(work, "small.h5")
        rc, stdout, err = run(["run", small, "-o", out, "--force"], work)
        log.check("shrunk suite exit", rc == 0, 0, "%d (%s)" % (rc, err.strip()))
        if rc == 0:
            v = verdicts(out)
            for claim in CLAIMS:
                log.check("verdict of " + claim, v.get(claim) in ("holds", "fails"), "holds or fails", v.get(claim))
            for claim in EXACT:
                log.check("exact claim %s holds" % claim, v.get(claim) == "holds", "holds", v.get(claim))
            check_datasets(out)
            check_twins(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(log.finish())


if __name__ == "__main__":
    main()
