#!/usr/bin/env python3
"""The `vlm-frame-match` unit kind of hopelab run (experiments/kinds/vlm_frame_match.h).

Usage: check_vlm_frame_match.py PATH/TO/hopelab
  * a spec of mrope and hope units runs; read back with h5py (not hopelab; dataset names from
    `hopelab kinds --json` through tests/kind_names.py), every dataset has its documented shape,
    frames_apart is 1 .. F-1, query_token and tied_heads are where the prompt layout puts them,
    M-RoPE's offset is (frames apart, 0, 0);
  * on every point and tied head |log_ratio - log_ratio_closed| <= tolerance (the unit's own
    derived float32 bound), and the closed form one frame further misses the model (a twin
    that must fail: the check can tell distances apart);
  * HoPE's temporal_score is the same at every distance (zero-frequency temporal pairs: bit
    for bit, the query vector is the same row in every prefill), M-RoPE's is not;
  * frames = 1, scale = 0, preset = "huge", method = "rope9" each exit 2 with one stderr line
    naming the key, nothing on stdout, and no output file.
Prints one line per failed check and exits 1 if any failed.
"""

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
FRAMES, GH, GW, BEFORE, AFTER = 9, 2, 3, 4, 2
HEADS, KV = 4, 2  # the tiny preset (sim/vlm/presets.h): 4 query heads, 2 KV heads
log = CheckLog(tolerances=False)
N = kind_names(CLI)["vlm-frame-match"]  # dataset names, as hopelab exports them


def spec(**fields):
    """A spec of one run; `fields` override its keys (a list value becomes its sweep)."""
    keys = {"frames": FRAMES, "grid": f'"{GH}x{GW}"', "text_before": BEFORE, "text_after": AFTER,
            "method": ["mrope", "hope"], **{k: v for k, v in fields.items()}}
    plain = "".join(f"{k} = {v}\n" for k, v in keys.items() if not isinstance(v, list))
    sweep = "".join(f"{k} = {v}\n".replace("'", '"') for k, v in keys.items() if isinstance(v, list))
    return (f'[experiment]\nname = "fm"\nseed = 11\n\n[[run]]\nname = "fm"\nkind = "vlm-frame-match"\n{plain}'
            + (f"[run.sweep]\n{sweep}" if sweep else ""))


def hopelab_run(tmp, text):
    path = os.path.join(tmp, "spec.toml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(tmp, "out.h5")
    p = subprocess.run([CLI, "run", path, "-o", out, "--force"], capture_output=True, text=True, timeout=240, cwd=tmp)
    return p, out


with tempfile.TemporaryDirectory() as tmp:
    p, out = hopelab_run(tmp, spec())
    log.check("run", p.returncode == 0, "exit 0", "%d: %s" % (p.returncode, p.stderr[-400:]))
    units = {}
    if p.returncode == 0:
        with h5py.File(out, "r") as f:
            for g in f["runs"].values():
                units[g.attrs["method"].decode() if isinstance(g.attrs["method"], bytes) else g.attrs["method"]] = {
                    **{k: g[k][()] for k in g}, "attrs": dict(g.attrs)}
    log.check("units", sorted(units) == ["hope", "mrope"], ["hope", "mrope"], sorted(units))
    n = FRAMES - 1
    shapes = {N["frames_apart"]: (n,), N["offset"]: (n, 3), N["copy_mass"]: (n, HEADS), N["frame_mass"]: (n, HEADS),
              N["log_ratio"]: (n, KV), N["log_ratio_closed"]: (n, KV), N["tolerance"]: (n, KV),
              N["temporal_score"]: (n, KV), N["spatial_score"]: (n, KV)}
    # Query: the last frame's centre cell (GH // 2, GW // 2), after the text and vision_start.
    query = BEFORE + 1 + (FRAMES - 1) * GH * GW + (GH // 2) * GW + GW // 2
    for method, u in units.items():
        for name, shape in shapes.items():
            log.check(f"{method} {name} shape", name in u and u[name].shape == shape, shape,
                      u[name].shape if name in u else "absent")
        if any(name not in u or u[name].shape != shape for name, shape in shapes.items()):
            continue
        log.check(f"{method} frames_apart", list(u[N["frames_apart"]]) == list(range(1, FRAMES)), "1..F-1",
                  list(u[N["frames_apart"]]))
        log.check(f"{method} query_token", int(u["attrs"]["query_token"]) == query, query, u["attrs"]["query_token"])
        log.check(f"{method} tied_heads", list(u["attrs"]["tied_heads"]) == [0, HEADS // KV], [0, HEADS // KV],
                  list(u["attrs"]["tied_heads"]))
        # Tolerance: the unit's `tolerance` dataset, derived in sim/vlm/frame_match.cpp (rotation,
        # projection and softmax-weight rounding in float32).
        model, closed, tol = u[N["log_ratio"]], u[N["log_ratio_closed"]], u[N["tolerance"]]
        err = np.abs(model - closed)
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(err - tol), err.shape))
        log.check(f"{method} |log_ratio - closed| <= tolerance, worst (frames apart index, head) {worst}",
                  np.all(err <= tol), "closed form %.9g" % closed[worst], "model %.9g" % model[worst],
                  "%.3g" % err[worst], "%.3g" % tol[worst])
        log.check(f"{method} tolerance in (0, 1e-2)", np.all(tol > 0) and np.all(tol < 1e-2),
                  "a float32 bound", (tol.min(), tol.max()))
        # Twin: the closed form one frame further misses the model everywhere.
        shifted = np.abs(model[:-1] - closed[1:])
        log.check(f"{method} twin: closed form at Delta f + 1 misses", np.all(shifted > tol[:-1]),
                  "all beyond tolerance", "%d within" % int(np.sum(shifted <= tol[:-1])))
        copy, frame = u[N["copy_mass"]], u[N["frame_mass"]]
        log.check(f"{method} 0 < copy_mass <= frame_mass <= 1", np.all((copy > 0) & (copy <= frame) & (frame <= 1)),
                  "true", "copy_mass in [%g, %g], frame_mass - copy_mass >= %g, frame_mass <= %g"
                  % (copy.min(), copy.max(), (frame - copy).min(), frame.max()))
    if "mrope" in units and units["mrope"][N["offset"]].shape == (n, 3):
        off = units["mrope"][N["offset"]]
        log.check("mrope offset", np.array_equal(off[:, 0], np.arange(1, FRAMES)) and not off[:, 1:].any(),
                  "(frames apart, 0, 0)", off.tolist())
    if "hope" in units and units["hope"][N["temporal_score"]].shape == (n, KV):
        t = units["hope"][N["temporal_score"]]
        log.check("hope temporal_score constant over frames apart", np.all(t == t[0]), t[0].tolist(),
                  "spread %s" % (t.max(axis=0) - t.min(axis=0)).tolist())
    if "mrope" in units and units["mrope"][N["temporal_score"]].shape == (n, KV):
        t = units["mrope"][N["temporal_score"]]
        spread = t.max(axis=0) - t.min(axis=0)
        log.check("mrope temporal_score oscillates", np.all(spread > 0.1 * np.abs(t[0])),
                  "spread > 0.1 |first| = %s" % (0.1 * np.abs(t[0])).tolist(), spread.tolist())

    # Bad values: exit 2, one stderr line naming the key, nothing written.
    for key, value in (("frames", 1), ("scale", 0), ("preset", '"huge"'), ("method", '"rope9"')):
        text = spec(**{key: value})
        if os.path.exists(out):
            os.remove(out)
        p, out = hopelab_run(tmp, text)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        log.check(f"bad {key}: exit", p.returncode == 2, "exit 2", p.returncode)
        log.check(f"bad {key}: stderr", len(lines) == 1 and key in lines[0], "one stderr line naming " + key, lines)
        log.check(f"bad {key}: nothing written", p.stdout == "" and not os.path.exists(out), "no stdout, no output",
                  (p.stdout, os.path.exists(out)))

sys.exit(log.finish())
