#!/usr/bin/env python3
"""A computing command and a spec compute the same unit.

For every kind `hopelab kinds --json` lists, one small case: `hopelab unit KIND --key value ...
--json` and a spec with one [[run]] of that kind and the same keys, run into an HDF5 file and
read with h5py. Then the same for each named computing command that is a one-unit run of a kind
(theory preference, mc preference / win-prob / retrieval, with the flags a spec spells otherwise:
--offset, --frames a:b:s, --similar-distractor-period, an empirical pool). Every dataset (values
bit for bit, unit), every setting, and the kind's own attributes (present in both, with the same
unit; every numeric one with a unit) must agree (a setting the file leaves out, an option that does not
apply, at its default). Twin: the same comparison between the spec and a
command with one setting changed must find a difference (so the comparison can fail). Exit 1
naming each mismatch.

Usage: check_unit_equivalence.py HOPELAB
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

CLI = sys.argv[1]
failures = []

# One case per kind: spec keys (TOML values), small enough to run in about a second each.
CASES = {
    "preference": {"method": "mrope", "offsets": "0:5000:1000", "sigma": 0.5},
    "first-violation": {"method": "videorope", "along": "frames", "grid": "4x6", "limit": 100000},
    "base-bound": {"context_length": 512, "head_dim": 32, "exclusive": True},
    "critical-length": {"method": "mrope", "grid": "8x8"},
    "sign-flip": {"method": "videorope", "context_length": 4096},
    "mc-preference": {"method": "hope", "along": "frames", "frames": "0:20:5", "samples": 2000, "seed": 11},
    "mc-win-prob": {"method": "vanilla", "offsets": "0:3000:1000", "samples": 1000, "seed": 5, "precision": "fp32"},
    "mc-retrieval": {"method": "videorope", "frames": 4, "grid": "2x2", "depth": [0.0, 1.0], "samples": 64,
                     "seed": 3},
    "flattening": {"frames": 3, "grid": "2x3"},
    "cosine-map": {"method": "hope", "axis": "t", "distances": "1:1000:5", "spacing": "log-integer"},
    "phase-error": {"method": "vanilla", "distances": "1:100000:20"},
    "vlm-frame-match": {"method": "hope", "frames": 3, "grid": "2x2", "seed": 2},
    "vlm-niah": {"method": "hope", "steps": 3, "batch": 2, "train_min_frames": 2, "train_max_frames": 3,
                 "lengths": [2, 4],
                 "depths": [0.0, 1.0], "examples": 2, "attention_examples": 1, "task": "marked", "seed": 1},
    "positions": {"method": "videorope", "layout": "text:2,video:2x2x3,text:2", "delta": 3},
    "allocation": {"method": "custom", "allocation": "t:0-3;h:4-9;w:10-15;zero:2-3", "head_dim": 32},
    "text-collision": {"method": "hope", "frames": 2, "grid": "5x3", "gamma": 0.5},
    "decay-indicator": {"method": "mrope-interleave", "distances": "1:5000:30"},
    "mc-inversion": {"method": "vanilla", "base": 1e4, "offsets": "0:3000:500", "far_from": 1000, "samples": 1000,
                     "seed": 7},
    "phase-resolution": {"head_dim": 64, "bases": "1e6:1e8:5", "points": 2048},
}
# The setting each twin changes, and its other value.
TWINS = {"preference": ("sigma", 0.25), "mc-preference": ("seed", 12), "base-bound": ("context_length", 1024)}


def command_cases(pools):
    """(command line, kind, the keys of a one-[[run]] spec of the same unit), `pools` an HDF5 file
    with (n, 16) datasets /queries and /keys."""
    variances = [0.5 + 0.25 * k for k in range(16)]
    return [
        (["theory", "preference", "--method", "hope", "--head-dim", "16", "--offset", "7,1.5,-2",
          "--variances", ",".join(map(repr, variances))],
         "preference", {"method": "hope", "head_dim": 16, "offset3": [7, 1.5, -2], "variances": variances}),
        (["mc", "preference", "--method", "mrope", "--head-dim", "16", "--offsets", "0:3000:1000", "--samples", "500",
          "--seed", "4", "--dist", "empirical:%s:/queries:/keys" % pools, "--eps", "0.5"],
         "mc-preference", {"method": "mrope", "head_dim": 16, "offsets": "0:3000:1000", "samples": 500, "seed": 4,
                           "dist": "empirical:%s:/queries:/keys" % pools, "eps": 0.5}),
        (["mc", "preference", "--method", "videorope", "--head-dim", "16", "--offset3", "5,0,-3", "--samples", "300",
          "--variances", ",".join(map(repr, variances)), "--dist", "student-t:5"],
         "mc-preference", {"method": "videorope", "head_dim": 16, "offset3": [5, 0, -3], "samples": 300,
                           "variances": variances, "dist": "student-t:5"}),
        (["mc", "win-prob", "--method", "hope", "--along", "frames", "--frames", "0:20:5", "--samples", "300",
          "--seed", "2", "--precision", "fp32", "--dist", "empirical:%s:/queries" % pools, "--head-dim", "16"],
         "mc-win-prob", {"method": "hope", "along": "frames", "frames": "0:20:5", "samples": 300, "seed": 2,
                         "precision": "fp32", "dist": "empirical:%s:/queries" % pools, "head_dim": 16}),
        (["mc", "retrieval", "--method", "hope", "--frames", "2:8:3", "--grid", "2x2", "--depth", "0,1",
          "--samples", "40", "--seed", "3", "--similar-distractor-period", "2"],
         "mc-retrieval", {"method": "hope", "frames": 2, "frames_end": 8, "frames_step": 3, "grid": "2x2",
                          "depth": [0.0, 1.0], "samples": 40, "seed": 3, "similar_period": 2}),
    ]


def write_pools(path):
    rng = np.random.default_rng(1)
    with h5py.File(path, "w") as f:
        f["queries"] = (0.3 + rng.standard_normal((64, 16))).astype(np.float32)
        f["keys"] = rng.standard_normal((48, 16))


def fail(case, expected, actual):
    failures.append("FAIL %s: expected %s, actual %s" % (case, expected, actual))


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def flag_value(v):
    return ",".join(repr(x) for x in v) if isinstance(v, list) else str(v)


def from_command(kind, keys):
    args = ["unit", kind]
    for k, v in keys.items():
        flag = "--" + k.replace("_", "-")
        args += ([flag] if v else []) if isinstance(v, bool) else [flag, flag_value(v)]  # bool: a bare flag
    return from_command_line(args)


def from_command_line(args):
    args = [CLI, *args, "--json"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        fail(" ".join(args[1:]), "exit 0", "exit %d: %s" % (p.returncode, p.stderr.strip()))
        return None
    out = json.loads(p.stdout)
    return ({name: (np.asarray(d["values"], dtype=float).ravel(), d["unit"]) for name, d in out["datasets"].items()},
            out["settings"], (out["attributes"], out["attribute_units"]))


def from_spec(kind, keys, folder, name=None):
    spec = os.path.join(folder, (name or kind) + ".toml")
    with open(spec, "w") as f:
        f.write('[experiment]\nname = "one"\n\n[[run]]\nname = "u"\nkind = "%s"\n' % kind)
        for k, v in keys.items():
            f.write("%s = %s\n" % (k, toml_value(v)))
    out = os.path.join(folder, (name or kind) + ".h5")
    p = subprocess.run([CLI, "run", spec, "-o", out, "--force"], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        fail("run " + spec, "exit 0", "exit %d: %s" % (p.returncode, p.stderr.strip()))
        return None
    with h5py.File(out, "r") as f:
        g = f["runs/u"]
        data = {}
        for name, d in g.items():
            unit = d.attrs["unit"]
            data[name] = (np.asarray(d[()], dtype=float).ravel(), unit.decode() if isinstance(unit, bytes) else unit)
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
    units = dict(entry.split("=", 1) for entry in (e.decode() if isinstance(e, bytes) else e
                                                   for e in np.ravel(attrs.get("attribute_units", []))))
    return data, attrs, units


def differences(command, spec):
    """Names of the datasets that differ (values bit for bit, or unit), or are in one only."""
    a, b = command[0], spec[0]
    out = sorted(set(a) ^ set(b))
    for name in sorted(set(a) & set(b)):
        (x, ux), (y, uy) = a[name], b[name]
        if ux != uy or x.shape != y.shape or x.tobytes() != y.tobytes():
            out.append(name)
    return out


def main():
    p = subprocess.run([CLI, "kinds", "--json"], capture_output=True, text=True, check=True)
    kinds = [k["name"] for k in json.loads(p.stdout)["kinds"]]
    defaults = field_defaults(json.loads(p.stdout))
    if sorted(kinds) != sorted(CASES):
        fail("kinds covered", sorted(kinds), sorted(CASES))
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            keys = CASES.get(kind)
            if keys is None:
                continue
            command, spec = from_command(kind, keys), from_spec(kind, keys, folder)
            compare(kind, command, spec, defaults[kind])
            if kind in TWINS and spec is not None:
                key, other = TWINS[kind]
                twin = from_command(kind, dict(keys, **{key: other}))
                if twin is not None and not differences(twin, spec):
                    fail(kind + ": twin with " + key + " = " + str(other), "a difference", "none")
        pools = os.path.join(folder, "pools.h5")
        write_pools(pools)
        cases = command_cases(pools)
        for k, (args, kind, keys) in enumerate(cases):
            case = " ".join(args[:2])
            spec = from_spec(kind, keys, folder, "command%d" % k)
            compare(case, from_command_line(args), spec, defaults[kind])
            if args[:2] == ["mc", "retrieval"] and spec is not None:  # twin: another seed
                twin = from_command_line(args[:args.index("--seed") + 1] + ["4"] + args[args.index("--seed") + 2:])
                if twin is not None and not differences(twin, spec):
                    fail(case + ": twin with seed 4", "a difference", "none")
    for f in failures:
        print(f)
    print("%s: %d kinds, %d commands, %d failures" % (os.path.basename(__file__), len(CASES), len(cases),
                                                      len(failures)))
    return 1 if failures else 0


def field_defaults(catalogue):
    """kind -> field -> its default as the command's --json prints it (None: no default)."""
    parse = {"number": float, "integer": int, "bool": lambda t: t == "true", "string": lambda t: t}
    return {k["name"]: {f["name"]: parse[f["type"]](f["default"]) if f["type"] in parse and f["default"] != ""
                        else None for f in k["fields"]} for k in catalogue["kinds"]}


def compare(case, command, spec, defaults):
    """Datasets bit for bit and every setting of the command's record against the spec's file. A
    setting the file leaves out (an option its method or offsets do not read) must be at its
    field's default (`defaults`: field -> value)."""
    if command is None or spec is None:
        return
    diff = differences(command, spec)
    if diff:
        fail(case + ": command and spec", "identical datasets", "differ in " + ", ".join(diff))
    settings, attrs = command[1], spec[1]
    computed, units = command[2]
    for k, v in computed.items():  # the kind's own attributes (z_bound, result, ...) and seconds
        numeric = isinstance(v, (int, float, list)) and not isinstance(v, bool)
        if numeric and k not in units:
            fail(case + ": attribute " + k, "a unit in the command's attribute_units", "none")
        if k != "seconds" and (k not in attrs or units.get(k) != spec[2].get(k)):
            fail(case + ": attribute " + k, "in the file, unit %r" % spec[2].get(k),
                 "%r [%r] (command)" % (v, units.get(k)))
    for k, v in settings.items():
        stored = attrs.get(k)
        if k == "seed":
            continue  # stored as the effective seed
        if v is None:  # absent (unset optional, empty array): no attribute
            if stored is not None:
                fail(case + ": absent setting " + k, "no attribute", repr(stored))
            continue
        if v == "":
            continue
        if stored is None:
            if v != defaults.get(k):
                fail(case + ": setting " + k + " left out of the file", "its default %r" % defaults.get(k), repr(v))
            continue
        if isinstance(v, list) or isinstance(stored, np.ndarray):
            same = list(np.ravel(stored)) == list(np.ravel(v))
        else:
            same = stored == v or (isinstance(v, bool) and stored == int(v))
        if not same:
            fail(case + ": setting " + k, repr(stored) + " (spec)", repr(v) + " (command)")


if __name__ == "__main__":
    sys.exit(main())
