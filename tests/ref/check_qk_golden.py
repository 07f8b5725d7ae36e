#!/usr/bin/env python3
"""scripts/dump_qk.py's pools round-trip through `hopelab mc preference --dist empirical:`.

Usage: check_qk_golden.py PATH/TO/hopelab
Reads the committed golden/qk_pool_tiny/pool.h5 and golden/qk_pool_tiny/config.json (make_qk_golden.py:
dump_qk.py on a tiny random Qwen2-VL that transformers created, with a video); needs no torch.
  * the layout is the one `hopelab vlm dump-qk` writes (a file made here from a hopelab tiny
    checkpoint): the same root attributes in the same order with the same HDF5 types, its run
    attributes first in each group, the same datasets, dtypes, units and descriptions, creation
    order tracked, no timestamps; `hopelab inspect` reads the file;
  * positions follow Qwen2-VL's rule for the prompt (attributes input_ids, video_grid_thw):
    (i, i, i) before the video, (s + tau, s + row, s + column) on its merged grid, then text
    advancing by one on every axis; heads 0 and 3 read KV heads 0 and 1 (their keys differ);
  * `mc preference --config qk_pool_tiny/config.json --method M --dist empirical:POOL:/q:/k` at
    text offsets and one (t, h, w) offset, for M in mrope, hope and vanilla, one and two pools: its
    theory column equals D(delta) = sum_i E[C_i] cos phi_i + E[S_i] sin phi_i computed here from
    the pool's population moments and the config's rope_theta and mrope_section (pairs (i, i + d/2),
    theta_i = b^(-2i/d)), within 1e-10 (1 + |D|); its Monte Carlo mean is within the Sidak z of
    1e-4 (over every offset of the test) times SE of that D; the record names the pools' rows.
    Twins: the same D with adjacent pairs (2i, 2i+1), and with rope_theta 10^4, differ from
    hopelab's theory by more than 100 times the tolerance.
Prints one line per failed check and exits 1 if any failed.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from check_log import CheckLog  # noqa: E402
from qk_preference_reference import adjacent, expected_preference, halves  # noqa: E402

CLI = sys.argv[1]
POOL = os.path.join(HERE, "golden", "qk_pool_tiny", "pool.h5")
CONFIG = os.path.join(HERE, "golden", "qk_pool_tiny", "config.json")
log = CheckLog()


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------------------------ layout

def type_of(obj, name):
    """(class, size, shape) of an attribute's HDF5 type and space."""
    aid = obj.attrs.get_id(name)
    t = aid.get_type()
    return (t.get_class(), None if t.get_class() == h5py.h5t.STRING else t.get_size(), aid.shape)


def check_layout(work):
    model, inp, cpp = (os.path.join(work, n) for n in ("tiny", "input.safetensors", "cpp.h5"))
    for args in (["vlm", "init", "--preset", "tiny", "-o", model, "--seed", "1"],
                 ["vlm", "input", "--model", model, "-o", inp, "--seed", "1"],
                 ["vlm", "dump-qk", "--model", model, "--input", inp, "-o", cpp, "--rows", "all"]):
        code, _, err = run(*args)
        if not log.check(" ".join(args[:2]) + " exit 0", code == 0, 0, "%d %s" % (code, err.strip())):
            return
    with h5py.File(cpp, "r") as c, h5py.File(POOL, "r") as p:
        log.check("root attributes in order", list(p.attrs) == list(c.attrs), list(c.attrs), list(p.attrs))
        for name in c.attrs:
            if name in p.attrs:
                log.check("root %s type" % name, type_of(p, name) == type_of(c, name), type_of(c, name),
                          type_of(p, name))
        order = [obj["runs"].id.get_create_plist().get_link_creation_order() for obj in (c, p)]
        log.check("/runs links in creation order", order[0] == order[1] != 0, order[0], order[1])
        log.check("a group per run under /runs", list(p) == ["runs"], ["runs"], list(p))
        cg = c["runs/qk"]
        for name in p["runs"]:
            g = p["runs"][name]
            own = list(cg.attrs)
            log.check(name + ": hopelab's run attributes first", list(g.attrs)[:len(own)] == own, own,
                      list(g.attrs)[:len(own)])
            for a in own:
                if a in g.attrs:
                    log.check("%s attribute %s type" % (name, a), type_of(g, a) == type_of(cg, a), type_of(cg, a),
                              type_of(g, a))
            log.check(name + ": kind", g.attrs["kind"] == cg.attrs["kind"], cg.attrs["kind"], g.attrs["kind"])
            log.check(name + ": datasets", list(g) == list(cg), list(cg), list(g))
            gcpl = g.id.get_create_plist()
            log.check(name + ": no timestamps", not gcpl.get_obj_track_times(), False, gcpl.get_obj_track_times())
            for what, ours, theirs in (("attribute", gcpl.get_attr_creation_order(),
                                        cg.id.get_create_plist().get_attr_creation_order()),
                                       ("link", gcpl.get_link_creation_order(),
                                        cg.id.get_create_plist().get_link_creation_order())):
                log.check("%s: %s creation order as hopelab's" % (name, what), ours == theirs != 0, theirs, ours)
            for d in cg:
                if d not in g:
                    continue
                ds, cs = g[d], cg[d]
                log.check("%s/%s dtype" % (name, d), ds.dtype == cs.dtype, cs.dtype, ds.dtype)
                log.check("%s/%s rank" % (name, d), ds.ndim == cs.ndim, cs.ndim, ds.ndim)
                for a in ("unit", "description"):
                    log.check("%s/%s %s" % (name, d, a), ds.attrs[a] == cs.attrs[a], cs.attrs[a], ds.attrs[a])
                dcpl = ds.id.get_create_plist()
                log.check("%s/%s no timestamps" % (name, d), not dcpl.get_obj_track_times(), False,
                          dcpl.get_obj_track_times())
                log.check("%s/%s contiguous (<= 4096 values)" % (name, d), ds.chunks is None and ds.size <= 4096,
                          None, ds.chunks)
    code, out, err = run("inspect", POOL, "--json")
    if log.check("hopelab inspect reads the golden", code == 0, 0, "%d %s" % (code, err.strip())):
        text = json.dumps(json.loads(out))
        log.check("inspect lists every run", all(n in text for n in ("qk-layer0-head0", "qk-layer1-head3")),
                  "qk-layer0-head0 ... qk-layer1-head3", text[:200])


# ------------------------------------------------------------------------------ positions

def check_positions(f):
    m = 2  # spatial_merge_size
    for name in f["runs"]:
        g = f["runs"][name]
        ids = g.attrs["input_ids"]
        t_grid, h_grid, w_grid = (int(v) for v in g.attrs["video_grid_thw"])
        video = int(json.load(open(CONFIG))["video_token_id"])
        s = int(np.flatnonzero(ids == video)[0])
        n_video = t_grid * (h_grid // m) * (w_grid // m)
        expected = [(i, i, i) for i in range(s)]
        for tau in range(t_grid):
            for row in range(h_grid // m):
                for col in range(w_grid // m):
                    expected.append((s + tau, s + row, s + col))
        expected = np.array(expected, dtype=float)
        pos = g["positions"][()]
        token = g["token"][()]
        log.check(name + ": rows are every token", np.array_equal(token, np.arange(len(ids))), "0 .. L-1",
                  token[:8])
        log.check(name + ": video tokens", int(np.sum(ids == video)) == n_video, n_video, int(np.sum(ids == video)))
        got = pos[:s + n_video]
        log.check(name + ": positions of the text before and the video",
                  got.shape == expected.shape and np.array_equal(got, expected), expected[:6].tolist(),
                  got[:6].tolist())
        # Text resumes at the block's largest position + 1 (transformers 4.x) or at s + max(h, w) / m
        # (5.x, which ignores t), then advances by one on every axis.
        major = int(str(g.attrs["transformers_version"]).split(".")[0])
        start = s + max(h_grid, w_grid) // m if major >= 5 else int(expected[s:].max()) + 1
        after = pos[s + n_video:]
        want = np.repeat(np.arange(start, start + len(after), dtype=float)[:, None], 3, axis=1)
        log.check(name + ": text after the video (transformers %d.x's rule)" % major, np.array_equal(after, want),
                  want[:, 0].tolist(), after.tolist())
    k0, k3 = f["runs/qk-layer1-head0/keys"][()], f["runs/qk-layer1-head3/keys"][()]
    log.check("heads 0 and 3 read different KV heads", f["runs/qk-layer1-head0"].attrs["kv_head"] == 0 and
              f["runs/qk-layer1-head3"].attrs["kv_head"] == 1 and not np.array_equal(k0, k3), "KV 0 and 1",
              "same keys")


# ------------------------------------------------------------------------------ the preference

def spectrum(config):
    """theta_i, each pair's axis (0 t, 1 h, 2 w) under M-RoPE's chunks, read from config.json."""
    text = config.get("text_config", config)
    rope = text.get("rope_parameters") or text.get("rope_scaling") or config.get("rope_scaling")
    base = rope.get("rope_theta", text.get("rope_theta"))
    d = text["hidden_size"] // text["num_attention_heads"]
    sections = rope["mrope_section"]
    axis = np.concatenate([np.full(n, a) for a, n in enumerate(sections)])
    theta = base ** (-2.0 * np.arange(d // 2) / d)
    return d, base, theta, axis


def angles(offsets, theta, axis, method):
    """(M, P) pair angles of `method` at each (t, h, w) offset."""
    t_pairs = int(np.sum(axis == 0))
    rows = []
    for delta in offsets:
        if method == "vanilla":
            phi = delta[0] * theta
        elif method == "mrope":  # chunks: t on the first pairs, then h, then w
            phi = np.array([delta[ax] for ax in axis]) * theta
        else:  # hope: t on the last sections.t pairs at zero frequency; the others h, w, h, ... from pair 0
            hw = [delta[1] if j % 2 == 0 else delta[2] for j in range(len(theta) - t_pairs)]
            phi = np.array(hw + [0.0] * t_pairs) * theta
        rows.append(phi)
    return np.array(rows)


def preference(q, k, offsets, theta, axis, method, pairs=halves):
    a, b = pairs(q.shape[1])
    return expected_preference(q, k, a, b, angles(offsets, theta, axis, method))


def sidak_z(level, count):
    from statistics import NormalDist
    per = 1 - (1 - level) ** (1 / count)
    return NormalDist().inv_cdf(1 - per / 2)


def check_preference(f):
    config = json.load(open(CONFIG))
    d, base, theta, axis = spectrum(config)
    group = "/runs/qk-layer1-head3"
    q, k = f[group + "/queries"][()], f[group + "/keys"][()]
    runs = []
    for method in ("mrope", "hope", "vanilla"):
        for pools in ("two", "one"):
            dist = "empirical:%s:%s/queries" % (POOL, group) + (":%s/keys" % group if pools == "two" else "")
            for offset_args in (["--offsets", "0:40000:5000"], ["--offset3", "3000,1000,200"]):
                runs.append((method, pools, dist, offset_args))
    count = sum(8 if r[3][0] == "--offsets" else 1 for r in runs)
    z_bound = sidak_z(1e-4, count)
    for method, pools, dist, offset_args in runs:
        case = "%s, %s pool(s), %s" % (method, pools, " ".join(offset_args))
        code, out, err = run("mc", "preference", "--config", CONFIG, "--method", method, "--dist", dist,
                             *offset_args, "--samples", "20000", "--seed", "5", "--json")
        if not log.check(case + ": exit 0", code == 0, 0, "%d %s" % (code, err.strip())):
            continue
        rec = json.loads(out)
        ds = rec["datasets"]
        offsets = np.array(ds["offsets"]["values"], dtype=float).reshape(-1, 3)
        keys = k if pools == "two" else q
        want = preference(q, keys, offsets, theta, axis, method)
        theory = np.array(ds["theory"]["values"])
        err = np.max(np.abs(theory - want) / (1 + np.abs(want)))
        log.check(case + ": theory column against NumPy", err <= 1e-10, want.tolist(), theory.tolist(), err, 1e-10)
        mean, se = np.array(ds["mean"]["values"]), np.array(ds["standard_error"]["values"])
        z = np.max(np.abs(mean - want) / se)
        log.check(case + ": Monte Carlo mean within z SE", z <= z_bound, "|z| <= %.3f" % z_bound, z, z, z_bound)
        attrs = rec["attributes"]
        log.check(case + ": pool rows recorded", attrs.get("query_pool_rows") == len(q) and
                  (pools == "one" or attrs.get("key_pool_rows") == len(k)), len(q), attrs.get("query_pool_rows"))
        if method == "mrope" and pools == "two":
            for twin, other in (("adjacent pairs", preference(q, keys, offsets, theta, axis, method, adjacent)),
                                ("rope_theta 1e4", preference(q, keys, offsets, 1e4 ** (-2.0 * np.arange(d // 2) / d),
                                                              axis, method))):
                gap = np.max(np.abs(theory - other) / (1 + np.abs(other)))
                log.check(case + ": twin with " + twin + " differs", gap > 100 * 1e-10, "> 1e-8", gap)
    log.check("config's head dim is the pools' width", q.shape[1] == d, d, q.shape[1])


def main():
    with tempfile.TemporaryDirectory(prefix="hopelab-qk-golden-") as work:
        check_layout(work)
    with h5py.File(POOL, "r") as f:
        check_positions(f)
        check_preference(f)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
