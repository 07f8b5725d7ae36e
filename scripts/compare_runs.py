#!/usr/bin/env python3
"""Runs every shipped spec with two hopelab binaries and compares the results files.

Usage: scripts/compare_runs.py OLD_HOPELAB NEW_HOPELAB [SPEC ...] [--keep DIR]

A refactoring must not change a number: for each spec (default: every experiments/*.toml) both
binaries run it into a fresh file, and the two files must hold the same groups, the same
datasets (shape, dtype and bytes), the same dataset attributes and the same unit attributes.
Left out of the comparison: what differs between any two runs or builds (the root's
created_utc and the build's provenance: version, git commit, dirty flag, instruction set; a
unit's `seconds`). /claims is compared like any group. Exit 0 when every spec matches, 1 with
one line per difference otherwise.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOLATILE_ROOT = {"created_utc", "git_commit", "git_dirty", "hopelab_version", "instruction_set"}
VOLATILE_UNIT = {"seconds"}


def plain(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.ravel()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def contents(path):
    """{object path: description} of every group and dataset, with their attributes."""
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = {k: plain(v) for k, v in f.attrs.items() if k not in VOLATILE_ROOT}

        def visit(name, obj):
            skip = VOLATILE_UNIT if name.startswith("runs/") else set()
            attrs = {k: plain(v) for k, v in obj.attrs.items() if k not in skip}
            if isinstance(obj, h5py.Dataset):
                value = obj[()]
                if isinstance(value, np.ndarray):  # strings compare as text, numbers as bytes
                    data = plain(value) if value.dtype.kind == "O" else value.tobytes()
                else:
                    data = repr(value)
                out[name] = (obj.shape, str(obj.dtype), data, attrs)
            else:
                out[name] = attrs

        f.visititems(visit)
    return out


def run(binary, spec, out):
    p = subprocess.run([binary, "run", spec, "-o", out, "--force"], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("%s run %s failed (exit %d): %s" % (binary, spec, p.returncode, p.stderr.strip()))


def compare(old, new):
    a, b = contents(old), contents(new)
    diffs = ["only in old: " + k for k in sorted(set(a) - set(b))]
    diffs += ["only in new: " + k for k in sorted(set(b) - set(a))]
    for k in sorted(set(a) & set(b)):
        if a[k] != b[k]:
            diffs.append("differs: " + k)
    return diffs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("specs", nargs="*")
    parser.add_argument("--keep", help="write the files here instead of a temporary folder")
    args = parser.parse_args()
    specs = args.specs or sorted(glob.glob(os.path.join(ROOT, "experiments", "*.toml")))
    folder = args.keep or tempfile.mkdtemp(prefix="hopelab-compare-")
    os.makedirs(folder, exist_ok=True)
    failed = 0
    for spec in specs:
        name = os.path.splitext(os.path.basename(spec))[0]
        old, new = os.path.join(folder, name + ".old.h5"), os.path.join(folder, name + ".new.h5")
        run(args.old, spec, old)
        run(args.new, spec, new)
        diffs = compare(old, new)
        print("%-10s %s" % (name, "identical" if not diffs else "%d differences" % len(diffs)))
        for d in diffs[:50]:
            print("    " + d)
        failed += bool(diffs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
