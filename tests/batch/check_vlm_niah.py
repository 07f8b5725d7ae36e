#!/usr/bin/env python3
"""The `vlm-niah` unit kind (experiments/kinds/vlm_niah.h) and `hopelab vlm niah`.

Usage: check_vlm_niah.py PATH/TO/hopelab
  * a spec of NoPE and HoPE units (same seed) trains and evaluates; read back with h5py (dataset
    names from `hopelab kinds --json`): every dataset has its documented shape, the cells are
    lengths x depths with needle frame min(F - 1, floor(depth F)), accuracy = correct / examples
    inside its Wilson interval, the needle mass a weight in [0, 1], the grid means the cells';
  * paired data: both methods' cells are the same (lengths, depths, needle frames);
  * learning: the trained models answer inside the training lengths far above chance (1/8),
    and a twin trained for one step does not (the check can tell trained from untrained);
  * one trainer: `hopelab vlm train` with the same seed and settings, then `hopelab vlm niah
    --model DIR`, gives the unit's own correct counts, and the unit's numbers do not depend on
    the thread count;
  * `hopelab vlm dump-qk` of that model writes (n, d) pools that `mc preference`'s empirical law
    reads, and refuses a bad head, layer, row set or an existing output;
  * bad values (depth 1.5, length 2.5, examples 0, DTS with mrope, a missing model) exit 2 with
    one stderr line naming the key, nothing on stdout, no output file.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
sys.path.insert(0, os.path.join(HERE, os.pardir))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from check_log import CheckLog  # noqa: E402
from kind_names import kind_names  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
log = CheckLog(tolerances=False, passes=True)
N = kind_names(CLI)["vlm-niah"]
LENGTHS, DEPTHS, EXAMPLES, CLASSES = [4, 8, 24], [0, 0.5, 1], 8, 8
LAYERS, HEADS = 2, 4  # the needle preset (sim/vlm/presets.h)
COMMON = {"seed": 3, "batch": 16, "lengths": LENGTHS, "depths": DEPTHS, "examples": EXAMPLES, "attention_examples": 3,
          "train_max_frames": 12}


def toml_value(v):
    if isinstance(v, str):
        return '"%s"' % v
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def spec(runs):
    text = '[experiment]\nname = "niah"\nseed = 1\n'
    for name, fields in runs:
        text += '\n[[run]]\nname = "%s"\nkind = "vlm-niah"\n' % name
        text += "".join("%s = %s\n" % (k, toml_value(v)) for k, v in fields.items())
    return text


def hopelab_run(tmp, text, env=None):
    path = os.path.join(tmp, "spec.toml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(tmp, "out.h5")
    if os.path.exists(out):
        os.remove(out)
    p = subprocess.run([CLI, "run", path, "-o", out, "--force"], capture_output=True, text=True, timeout=600,
                       cwd=tmp, env=env)
    return p, out


def read(out, group):
    with h5py.File(out, "r") as f:
        return {k: f["runs"][group][k][()] for k in f["runs"][group]}


with tempfile.TemporaryDirectory() as tmp:
    runs = [("nope", dict(COMMON, method="nope", steps=150)), ("hope", dict(COMMON, method="hope", steps=150)),
            ("untrained", dict(COMMON, method="hope", steps=1))]
    p, out = hopelab_run(tmp, spec(runs))
    log.check("hopelab run of three vlm-niah units", p.returncode == 0, "exit 0", "exit %d: %s" % (p.returncode, p.stderr[-300:]))
    if p.returncode != 0:
        sys.exit(log.finish())
    d = {name: read(out, name) for name, _ in runs}
    cells = len(LENGTHS) * len(DEPTHS)
    frames = np.repeat(LENGTHS, len(DEPTHS))
    depth = np.tile(DEPTHS, len(LENGTHS))
    needle = np.minimum(frames - 1, np.floor(depth * frames)).astype(int)
    for name, r in d.items():
        shapes = {k: r[N[k]].shape for k in ["frames", "depth", "needle_frame", "eval_gamma", "correct", "accuracy",
                                             "accuracy_low", "accuracy_high", "loss", "needle_mass",
                                             "mean_accuracy", "beyond_accuracy"]}
        want = {"frames": (cells,), "depth": (cells,), "needle_frame": (cells,), "eval_gamma": (1,),
                "correct": (1, cells), "accuracy": (1, cells), "accuracy_low": (1, cells),
                "accuracy_high": (1, cells), "loss": (1, cells), "needle_mass": (1, cells, LAYERS, HEADS),
                "mean_accuracy": (1,), "beyond_accuracy": (1,)}
        log.check("%s: dataset shapes" % name, shapes == want, str(want), str(shapes))
        steps = dict(runs)[name]["steps"]
        log.check("%s: training log of %d steps" % (name, steps),
                  r[N["train_loss"]].shape == (steps,) and r[N["train_accuracy"]].shape == (steps,),
                  "(%d,)" % steps, str(r[N["train_loss"]].shape))
        grid_ok = (r[N["frames"]] == frames).all() and (r[N["depth"]] == depth).all() and \
            (r[N["needle_frame"]] == needle).all()
        log.check("%s: cells are lengths x depths, needle min(F - 1, floor(depth F))" % name, grid_ok,
                  str(needle.tolist()), str(r[N["needle_frame"]].tolist()))
        acc, lo, hi = r[N["accuracy"]][0], r[N["accuracy_low"]][0], r[N["accuracy_high"]][0]
        log.check("%s: accuracy = correct / examples, inside its Wilson interval" % name,
                  np.array_equal(acc, r[N["correct"]][0] / EXAMPLES) and (lo <= acc).all() and (acc <= hi).all()
                  and (lo >= 0).all() and (hi <= 1).all(), "low <= correct/E <= high",
                  "acc %s low %s high %s" % (acc.tolist(), lo.tolist(), hi.tolist()))
        mass = r[N["needle_mass"]]
        log.check("%s: needle mass in [0, 1]" % name, (mass >= 0).all() and (mass <= 1 + 1e-6).all(),
                  "[0, 1]", "[%g, %g]" % (mass.min(), mass.max()))
        beyond = frames > COMMON["train_max_frames"]
        log.check("%s: grid means are the cells'" % name,
                  abs(r[N["mean_accuracy"]][0] - acc.mean()) < 1e-12 and
                  abs(r[N["beyond_accuracy"]][0] - acc[beyond].mean()) < 1e-12,
                  "%g, %g" % (acc.mean(), acc[beyond].mean()),
                  "%g, %g" % (r[N["mean_accuracy"]][0], r[N["beyond_accuracy"]][0]))
    # The theory of each trained model: own_preference over 1 .. 23 frames apart, first_negative
    # the first distance where it is negative (or -1); NoPE's is the same at every distance.
    for name, r in d.items():
        pref, first = r[N["own_preference"]], r[N["first_negative"]]
        apart = r[N["preference_frames_apart"]]
        want_first = np.array([[next((int(apart[m]) for m in range(len(apart)) if pref[0, l, h, m] < 0), -1)
                                for h in range(HEADS)] for l in range(LAYERS)])
        log.check("%s: own_preference (1, layers, heads, 23), first_negative its first sign change" % name,
                  pref.shape == (1, LAYERS, HEADS, 23) and (apart == np.arange(1, 24)).all() and
                  (first[0] == want_first).all(), str(want_first.tolist()), "%s %s" % (pref.shape, first.tolist()))
    flat = d["nope"][N["own_preference"]]
    log.check("nope: own preference flat in the distance", np.allclose(flat, flat[..., :1], rtol=1e-12, atol=0),
              "flat", "spread %g" % float(np.ptp(flat, axis=-1).max()))
    same = all((d["nope"][N[k]] == d["hope"][N[k]]).all() for k in ["frames", "depth", "needle_frame"])
    log.check("paired cells across methods", same, "equal", "equal" if same else "differ")

    # Figures: the heat map's and the length curve's data are the units' accuracies (one seed
    # per run here: the mean over seeds is the unit's own).
    figures = os.path.join(tmp, "figures")
    q = subprocess.run([CLI, "plot", out, "--only", "vlm-niah", "-o", figures], capture_output=True, text=True,
                       timeout=120)
    blocks = {}
    if q.returncode == 0:
        for name in ["vlm_niah_heatmap", "vlm_niah_accuracy"]:
            with open(os.path.join(figures, name + ".dat")) as f:
                text = f.read()
            rows = [b.strip().splitlines() for b in text.split("\n\n\n")]
            blocks[name] = {r[0].split(": ", 1)[1]: np.array([[float(x) for x in line.split()] for line in r[1:]
                                                              if not line.startswith("#")]) for r in
                            [[line for line in block if line.startswith("# block") or not line.startswith("#")]
                             for block in rows]}
    heat = blocks.get("vlm_niah_heatmap", {}).get("hope")
    log.check("vlm_niah_heatmap: the hope panel is the unit's accuracy", heat is not None and
              np.array_equal(heat[:, 4], d["hope"][N["accuracy"]][0]), str(d["hope"][N["accuracy"]][0].tolist()),
              str(heat[:, 4].tolist()) if heat is not None else q.stderr.strip()[-300:])
    curve = blocks.get("vlm_niah_accuracy", {}).get("untrained")
    want = [d["untrained"][N["accuracy"]][0][frames == f].mean() for f in LENGTHS]
    log.check("vlm_niah_accuracy: the untrained curve is the mean over depths", curve is not None and
              np.allclose(curve[:, 1], want, rtol=1e-9, atol=0) and (curve[:, 0] == LENGTHS).all(),  # %.10g in .dat
              str(want), str(curve[:, 1].tolist()) if curve is not None else "no figure")

    # Learning: 48 examples inside the training lengths (4 and 8 frames); under chance 1/8 the
    # probability of >= 24 right is below 1e-9, so 0.5 separates trained from untrained.
    inside = frames <= 8
    for name in ["nope", "hope"]:
        a = d[name][N["accuracy"]][0][inside].mean()
        log.check("%s learned: accuracy inside the training lengths >= 0.5" % name, a >= 0.5, ">= 0.5", "%.3f" % a)
    a = d["untrained"][N["accuracy"]][0][inside].mean()
    log.check("twin: one step of training stays below 0.5", a < 0.5, "< 0.5", "%.3f" % a)

    # One trainer: vlm train + vlm niah --model reproduce the unit's counts.
    model = os.path.join(tmp, "model")
    q = subprocess.run([CLI, "vlm", "train", "--preset", "needle", "--method", "hope", "--seed", "3", "--steps", "150",
                        "--batch", "16", "--quiet", "-o", model], capture_output=True, text=True, timeout=300)
    e = subprocess.run([CLI, "vlm", "niah", "--model", model, "--method", "hope", "--seed", "3", "--lengths",
                        ",".join(map(str, LENGTHS)), "--depths", ",".join(map(str, DEPTHS)), "--examples",
                        str(EXAMPLES), "--train-max-frames", "12", "--json"], capture_output=True, text=True,
                       timeout=300)
    ok = q.returncode == 0 and e.returncode == 0
    got = json.loads(e.stdout)["datasets"][N["correct"]]["values"] if ok else None
    log.check("vlm train then vlm niah --model: the unit's correct counts", ok and
              np.array_equal(np.array(got).ravel(), d["hope"][N["correct"]].ravel()),
              str(d["hope"][N["correct"]].ravel().tolist()), str(got) if ok else e.stderr.strip())

    # The trained model's q and k as Monte Carlo pools (vlm dump-qk), read back with h5py and by
    # mc preference's empirical law.
    prompt = os.path.join(tmp, "prompt.safetensors")
    pool = os.path.join(tmp, "pool.h5")
    subprocess.run([CLI, "vlm", "input", "--model", model, "-o", prompt, "--frames", "12", "--grid-height", "2",
                    "--grid-width", "2"], capture_output=True, text=True, timeout=60)
    q = subprocess.run([CLI, "vlm", "dump-qk", "--model", model, "--input", prompt, "--method", "hope", "--layer", "1",
                        "--head", "3", "-o", pool], capture_output=True, text=True, timeout=120)
    shapes = None
    if q.returncode == 0:
        with h5py.File(pool, "r") as f:
            g = f["runs"]["qk"]
            shapes = (g["queries"].shape, g["keys"].shape, g["positions"].shape, int(g.attrs["kv_head"]))
    log.check("dump-qk: 48 video rows of d = 16, KV head 3 // 2", shapes == ((48, 16), (48, 16), (48, 3), 1),
              "((48, 16), (48, 16), (48, 3), 1)", str(shapes) if shapes else q.stderr.strip())
    m = subprocess.run([CLI, "mc", "preference", "--method", "hope", "--head-dim", "16", "--base", "1e4", "--offsets",
                        "0:40:10", "--samples", "2000", "--dist", "empirical:%s:/runs/qk/queries:/runs/qk/keys" % pool,
                        "--json"], capture_output=True, text=True, timeout=120)
    rows = None
    if m.returncode == 0:
        attrs = json.loads(m.stdout)["attributes"]
        rows = (attrs.get("query_pool_rows"), attrs.get("key_pool_rows"))
    log.check("mc preference reads the dumped pools", rows == (48, 48), "(48, 48)",
              str(rows) if rows else m.stderr.strip()[-200:])
    for flags, word in [(["--head", "4"], "--head"), (["--layer", "2"], "layer"), (["--rows", "frames"], "--rows"),
                        ([], "exists")]:
        r = subprocess.run([CLI, "vlm", "dump-qk", "--model", model, "--input", prompt, "-o", pool] + flags,
                           capture_output=True, text=True, timeout=120)
        lines = r.stderr.strip().splitlines()
        log.check("dump-qk %s refused" % " ".join(flags or ["(existing output)"]),
                  r.returncode == 2 and len(lines) == 1 and word in lines[0] and not r.stdout,
                  "exit 2, one line naming %s" % word, "exit %d: %r" % (r.returncode, r.stderr.strip()))

    # Thread count: a short run at 1 and 2 threads.
    small = spec([("t", dict(COMMON, method="hope", steps=20, examples=2, attention_examples=1))])
    results = []
    for threads in ["1", "2"]:
        p, out = hopelab_run(tmp, small, env=dict(os.environ, OMP_NUM_THREADS=threads))
        results.append(read(out, "t") if p.returncode == 0 else None)
    same = None not in results and all(np.array_equal(results[0][k], results[1][k], equal_nan=True)
                                       for k in results[0])
    log.check("1 and 2 threads: identical datasets", same, "identical",
              "identical" if same else "differ" if None not in results else "a run failed")

    for key, value in [("depths", [0, 1.5]), ("lengths", [4, 2.5]), ("examples", 0), ("dts", [0.5]),
                       ("train_max_frames", 2), ("task", "needle"), ("depths", [0.5, 0.5]),
                       ("attention_examples", 99),
                       ("model", os.path.join(tmp, "absent"))]:
        fields = dict(COMMON, method="mrope" if key == "dts" else "hope", steps=2)
        fields[key] = value
        p, out = hopelab_run(tmp, spec([("bad", fields)]))
        lines = p.stderr.strip().splitlines()
        log.check("%s = %s refused" % (key, value), p.returncode == 2 and len(lines) == 1 and
                  (key.replace("_", " ") in lines[0] or key in lines[0] or "DTS" in lines[0]) and not p.stdout and not os.path.exists(out),
                  "exit 2, one line naming %s, no output" % key, "exit %d: %r" % (p.returncode, p.stderr.strip()))

sys.exit(log.finish())
