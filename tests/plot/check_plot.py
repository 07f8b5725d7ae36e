#!/usr/bin/env python3
"""hopelab plot on the demo results: every figure's NAME.png, .svg, .gp and .dat exist and are
well formed, `gnuplot NAME.gp` re-renders from the saved script and data alone (from another
directory), and bad input exits 2 with one stderr line.

usage: check_plot.py HOPELAB DEMO_TOML"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HOPELAB, DEMO = sys.argv[1], sys.argv[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# demo.toml: preference run "pref", mc-preference run "mcpref", base-bound "bound", mc-retrieval "needle"
EXPECTED = ["preference_pref", "preference_mcpref", "base_bound", "retrieval_needle"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=240, **kw)


def check_figures(directory, names):
    for name in names:
        for ext in ("png", "svg", "gp", "dat"):
            path = os.path.join(directory, f"{name}.{ext}")
            check(os.path.isfile(path) and os.path.getsize(path) > 0, f"{path} exists and is non-empty")
        png = os.path.join(directory, f"{name}.png")
        if os.path.isfile(png):
            with open(png, "rb") as f:
                check(f.read(8) == PNG_SIGNATURE, f"{png} starts with the PNG signature")
        svg = os.path.join(directory, f"{name}.svg")
        try:
            root = ET.parse(svg).getroot()
            check(root.tag.endswith("svg"), f"{svg} root element is <svg>, got {root.tag}")
        except (ET.ParseError, OSError) as e:
            check(False, f"{svg} parses as XML: {e}")
        dat = os.path.join(directory, f"{name}.dat")
        if os.path.isfile(dat):
            with open(dat) as f:
                lines = f.read().splitlines()
            check(lines and lines[0].startswith("#") and any("columns:" in l for l in lines if l.startswith("#")),
                  f"{dat} opens with a commented header naming its columns")
    leftovers = [n for n in os.listdir(directory) if ".tmp-" in n]
    check(not leftovers, f"no temporaries left in {directory}: {leftovers}")


def check_refusal(args, what):
    r = run(args)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    check(r.returncode == 2, f"{what}: exit 2, got {r.returncode} (stderr {r.stderr!r})")
    check(len(lines) == 1, f"{what}: one stderr line, got {lines}")


with tempfile.TemporaryDirectory() as tmp:
    h5 = os.path.join(tmp, "demo.h5")
    r = run([HOPELAB, "run", DEMO, "-o", h5])
    check(r.returncode == 0, f"hopelab run demo: exit 0, got {r.returncode}: {r.stderr[-500:]}")
    fig = os.path.join(tmp, "fig")
    r = run([HOPELAB, "plot", h5, "-o", fig])
    check(r.returncode == 0, f"hopelab plot: exit 0, got {r.returncode}: {r.stderr}")
    check(sorted(n for n in os.listdir(fig)) == sorted(f"{n}.{e}" for n in EXPECTED for e in ("png", "svg", "gp", "dat")),
          f"exactly the expected files in {fig}: {sorted(os.listdir(fig))}")
    check_figures(fig, EXPECTED)

    # Re-render from the saved script and data alone, from another directory, into a copy.
    copy = os.path.join(tmp, "copy")
    shutil.copytree(fig, copy)
    for name in EXPECTED:
        for ext in ("png", "svg"):
            os.remove(os.path.join(copy, f"{name}.{ext}"))
        r = run(["gnuplot", os.path.join(copy, f"{name}.gp")], cwd=tmp)
        check(r.returncode == 0 and not r.stderr.strip(), f"gnuplot {name}.gp: exit 0, quiet; got {r.returncode} {r.stderr!r}")
    check_figures(copy, EXPECTED)

    # --only: one family.
    only = os.path.join(tmp, "only")
    r = run([HOPELAB, "plot", h5, "-o", only, "--only", "base-bound"])
    check(r.returncode == 0 and sorted(os.listdir(only)) == ["base_bound." + e for e in ("dat", "gp", "png", "svg")],
          f"--only base-bound writes base_bound only: {r.returncode} {os.listdir(only) if os.path.isdir(only) else None}")

    # Bad input: exit 2, one line, nothing written.
    not_results = os.path.join(tmp, "not.h5")
    with open(not_results, "w") as f:
        f.write("not hdf5\n")
    check_refusal([HOPELAB, "plot", not_results, "-o", os.path.join(tmp, "bad1")], "not a results file")
    check_refusal([HOPELAB, "plot", os.path.join(tmp, "missing.h5"), "-o", os.path.join(tmp, "bad2")], "missing file")
    check_refusal([HOPELAB, "plot", h5, "-o", os.path.join(tmp, "bad3"), "--only", "nonsense"], "unknown --only")
    blocker = os.path.join(tmp, "a-file")
    with open(blocker, "w") as f:
        f.write("x")
    check_refusal([HOPELAB, "plot", h5, "-o", os.path.join(blocker, "sub")], "output under a file")
    if os.geteuid() != 0:
        ro = os.path.join(tmp, "readonly")
        os.mkdir(ro, 0o555)
        check_refusal([HOPELAB, "plot", h5, "-o", ro], "unwritable directory")
        check(os.listdir(ro) == [], "nothing written in the unwritable directory")
    for d in ("bad1", "bad2", "bad3"):
        check(not os.path.exists(os.path.join(tmp, d)), f"no output directory {d} after a refusal")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all plot checks passed")
