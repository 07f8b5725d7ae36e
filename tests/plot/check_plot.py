#!/usr/bin/env python3
"""hopelab plot on the demo results and on figures.toml (beside this script: the families demo.toml
lacks): every figure's NAME.png, .svg, .gp and .dat exist and are well formed, `gnuplot NAME.gp`
re-renders from the saved script and data alone (from another directory), each new family's .dat
columns equal the results file's datasets (read with h5py), --only picks families, and bad input
exits 2 with one stderr line.

usage: check_plot.py HOPELAB DEMO_TOML"""
import math
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import h5py
import numpy as np

HOPELAB, DEMO = sys.argv[1], sys.argv[2]
FIGURES_SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "figures.toml")
# figures.toml: run -> figure (the preference family also draws its preference and mc-preference runs)
EXPECTED_MORE = ["preference_pg", "preference_mg", "preference_prec", "first_violation_fvb", "cosine_map_cos",
                 "cosine_map_cos-lin", "gamma_first_violation", "gamma_preference", "precision_z", "phase_error_ph",
                 "vlm_frame_match_fm"]
# .dat values print with 10 significant digits (%.10g): relative rounding <= 5e-10
DAT_REL = 5.1e-10
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

def read_blocks(path):
    """{unit name: rows of floats} from the '# block i: UNIT' comments of a .dat file."""
    blocks, current = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("# block "):
                current = line.split(": ", 1)[1]
                blocks[current] = []
            elif line and not line.startswith("#") and current is not None:
                blocks[current].append([float(x) for x in line.split()])
    return blocks


def same(dat_values, h5_values, what):
    """Each .dat value equals the results file's within the %.10g rounding (NaN matches NaN)."""
    a = np.asarray(dat_values, dtype=float)
    b = np.asarray(h5_values, dtype=float)
    if a.shape != b.shape:
        check(False, f"{what}: {b.shape} values in the results file, {a.shape} in the .dat")
        return
    nan = np.isnan(b)
    err = np.where(nan, 0.0, np.abs(a - b))
    tol = DAT_REL * np.abs(b)
    bad = (np.isnan(a) != nan) | (err > tol)
    if bad.any():
        k = int(np.argmax(bad))
        check(False, f"{what}: index {k}: results file {b.flat[k]!r}, .dat {a.flat[k]!r}, error {err.flat[k]:.3g}, "
                     f"tolerance {tol.flat[k]:.3g} (%.10g rounding)")
    else:
        check(True, what)


def units_of(h5file, run):
    return {g.attrs["unit"]: g for g in h5file["runs"].values() if g.attrs["run"] == run}


def check_columns(fig, h5):
    """The .dat columns of each new family against the datasets they come from."""
    with h5py.File(h5, "r") as f:
        cos = read_blocks(os.path.join(fig, "cosine_map_cos.dat"))
        for unit, g in units_of(f, "cos").items():
            rows = np.array(cos.get(unit, []))
            check(len(rows) > 0, f"cosine_map_cos.dat has a block for {unit}")
            if len(rows):
                same(rows[:, 4], g["cosine"][()].ravel(), f"cosine_map_cos {unit}: cosine column")
                same(rows[:, 2], np.tile(g["distance"][()], len(g["pair"])), f"cosine_map_cos {unit}: distance column")
                same(rows[:, 3], np.repeat(g["pair"][()], len(g["distance"])), f"cosine_map_cos {unit}: pair column")
                same(rows[:, 0], np.log10(np.tile(g["distance"][()], len(g["pair"]))),
                     f"cosine_map_cos {unit}: x = log10(distance)")
        fv = read_blocks(os.path.join(fig, "first_violation_fvb.dat"))
        for method in ("mrope", "videorope", "hope"):
            rows = np.array(fv.get(f"method={method}", []))
            units = sorted((g.attrs["base"], g) for g in units_of(f, "fvb").values() if g.attrs["method"] == method)
            check(len(rows) == len(units) == 4, f"first_violation_fvb.dat: 4 bases for {method}, got {len(rows)}")
            if len(rows) == len(units):
                same(rows[:, 0], [b for b, _ in units], f"first_violation_fvb {method}: base column")
                want = [np.nan if g["proven_never"][0] == 1 else
                        (g["first_violation"][0] if g["first_violation"][0] >= 1 else g.attrs["limit"]) for _, g in units]
                same(rows[:, 1], want, f"first_violation_fvb {method}: first_violation column")
        gv = read_blocks(os.path.join(fig, "gamma_first_violation.dat"))
        rows = np.array(gv.get("fvg", []))
        units = sorted((g.attrs["gamma"], g) for g in units_of(f, "fvg").values())
        check(len(rows) == 3, f"gamma_first_violation.dat: 3 gammas for fvg, got {len(rows)}")
        if len(rows) == 3:
            same(rows[:, 0], [x for x, _ in units], "gamma_first_violation: gamma column")
            same(rows[:, 1], [g["first_violation"][0] if g["first_violation"][0] >= 1 else
                              (np.nan if g["proven_never"][0] == 1 else g.attrs["limit"]) for _, g in units],
                 "gamma_first_violation: first_violation column")
        gp = read_blocks(os.path.join(fig, "gamma_preference.dat"))
        for run, column in (("pg", "value"), ("mg", "theory")):
            for unit, g in units_of(f, run).items():
                rows = np.array(gp.get(unit, []))
                check(len(rows) > 0, f"gamma_preference.dat has a block for {unit}")
                if len(rows):
                    same(rows[:, 0], g["distance"][()], f"gamma_preference {unit}: distance column")
                    same(rows[:, 1], g[column][()], f"gamma_preference {unit}: closed form column ({column})")
                    if run == "mg":
                        same(rows[:, 2], g["mean"][()], f"gamma_preference {unit}: Monte Carlo mean column")
                        same(rows[:, 3], g.attrs["z_bound"] * g["standard_error"][()],
                             f"gamma_preference {unit}: half-width z_bound * SE")
        pz = read_blocks(os.path.join(fig, "precision_z.dat"))
        for run in ("prec", "mg"):
            for unit, g in units_of(f, run).items():
                rows = np.array(pz.get(unit, []))
                check(len(rows) > 0, f"precision_z.dat has a block for {unit}")
                if len(rows):
                    same(rows[:, 1], np.abs(g["z"][()]), f"precision_z {unit}: |z| column")
        pe = read_blocks(os.path.join(fig, "phase_error_ph.dat"))
        for unit, g in units_of(f, "ph").items():
            rows = np.array(pe.get(unit, []))
            check(len(rows) > 0, f"phase_error_ph.dat has a block for {unit}")
            if len(rows):
                same(rows[:, 0], g["distance"][()], f"phase_error_ph {unit}: distance column")
                same(rows[:, 1], g["max_error"][()], f"phase_error_ph {unit}: max_error column")
                # reference 2^-24 Delta theta_max: theta_max = 1 (pair 0) for vanilla, exact in float64
                same(rows[:, 2], g["distance"][()] * g["theta_max"][0] * 2.0 ** -24, f"phase_error_ph {unit}: reference")
        fm = read_blocks(os.path.join(fig, "vlm_frame_match_fm.dat"))
        check(len(units_of(f, "fm")) == 2 and len(fm) == 2, f"vlm_frame_match_fm.dat: 2 units, got {sorted(fm)}")
        for unit, g in units_of(f, "fm").items():
            rows = np.array(fm.get(unit, []))
            check(len(rows) == len(g["frames_apart"]), f"vlm_frame_match_fm.dat has a row per frame distance of {unit}")
            if len(rows) == len(g["frames_apart"]):
                same(rows[:, 0], g["frames_apart"][()], f"vlm_frame_match_fm {unit}: frames_apart column")
                # columns 1..5: tied head 0, i.e. column 0 of the (n, n_kv) datasets
                for c, name in enumerate(("log_ratio", "log_ratio_closed", "tolerance", "temporal_score",
                                          "spatial_score"), start=1):
                    same(rows[:, c], g[name][:, 0], f"vlm_frame_match_fm {unit}: {name} column (tied head 0)")


with tempfile.TemporaryDirectory() as tmp:
    h5 = os.path.join(tmp, "figures.h5")
    r = run([HOPELAB, "run", FIGURES_SPEC, "-o", h5])
    check(r.returncode == 0, f"hopelab run figures.toml: exit 0, got {r.returncode}: {r.stderr[-500:]}")
    fig = os.path.join(tmp, "fig")
    r = run([HOPELAB, "plot", h5, "-o", fig])
    check(r.returncode == 0, f"hopelab plot figures.h5: exit 0, got {r.returncode}: {r.stderr}")
    if r.returncode == 0:
        check(sorted(os.listdir(fig)) == sorted(f"{n}.{e}" for n in EXPECTED_MORE for e in ("png", "svg", "gp", "dat")),
              f"exactly the expected files in {fig}: {sorted(os.listdir(fig))}")
        check_figures(fig, EXPECTED_MORE)
        check_columns(fig, h5)
        copy = os.path.join(tmp, "copy")
        shutil.copytree(fig, copy)
        for name in EXPECTED_MORE:
            for ext in ("png", "svg"):
                os.remove(os.path.join(copy, f"{name}.{ext}"))
            r = run(["gnuplot", os.path.join(copy, f"{name}.gp")], cwd=tmp)
            check(r.returncode == 0 and not r.stderr.strip(), f"gnuplot {name}.gp: exit 0, quiet; got {r.returncode} {r.stderr!r}")
        check_figures(copy, EXPECTED_MORE)
    only = os.path.join(tmp, "only")
    r = run([HOPELAB, "plot", h5, "-o", only, "--only", "cosine-map,gamma"])
    want = sorted(f"{n}.{e}" for n in ("cosine_map_cos", "cosine_map_cos-lin", "gamma_first_violation", "gamma_preference")
                  for e in ("dat", "gp", "png", "svg"))
    check(r.returncode == 0 and os.path.isdir(only) and sorted(os.listdir(only)) == want,
          f"--only cosine-map,gamma writes those families only: {r.returncode} "
          f"{sorted(os.listdir(only)) if os.path.isdir(only) else None}")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all plot checks passed")
