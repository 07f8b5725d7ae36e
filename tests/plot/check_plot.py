#!/usr/bin/env python3
"""hopelab plot on the demo results and on figures.toml (beside this script: the families demo.toml
lacks): every figure's NAME.png, .svg, .gp and .dat exist and are well formed, `gnuplot NAME.gp`
re-renders from the saved script and data alone (from another directory), each new family's .dat
columns equal the results file's datasets (read with h5py; dataset names from `hopelab kinds
--json` through tests/kind_names.py), --only picks families, and bad input exits 2 with one
stderr line.

usage: check_plot.py HOPELAB DEMO_TOML"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
sys.path.insert(0, os.path.join(HERE, os.pardir))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from check_log import CheckLog  # noqa: E402
from kind_names import kind_names  # noqa: E402

HOPELAB, DEMO = sys.argv[1], sys.argv[2]
FIGURES_SPEC = os.path.join(HERE, "figures.toml")
# figures.toml: run -> figure (the preference family also draws its preference and mc-preference runs)
EXPECTED_MORE = ["preference_pg", "preference_mg", "preference_prec", "first_violation_fvb", "cosine_map_cos",
                 "cosine_map_cos-lin", "gamma_first_violation", "gamma_preference", "precision_z", "phase_error_ph",
                 "vlm_frame_match_fm"]
# .dat values print with 10 significant digits (%.10g): relative rounding <= 5e-10
DAT_REL = 5.1e-10
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# demo.toml: preference run "pref", mc-preference run "mcpref", base-bound "bound", mc-retrieval "needle"
EXPECTED = ["preference_pref", "preference_mcpref", "base_bound", "retrieval_needle"]
log = CheckLog(tolerances=False)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=240, **kw)


def check_figures(directory, names):
    for name in names:
        for ext in ("png", "svg", "gp", "dat"):
            path = os.path.join(directory, f"{name}.{ext}")
            size = os.path.getsize(path) if os.path.isfile(path) else None
            log.check(f"{path} exists and is non-empty", size is not None and size > 0, "a non-empty file",
                      "absent" if size is None else f"{size} bytes")
        png = os.path.join(directory, f"{name}.png")
        if os.path.isfile(png):
            with open(png, "rb") as f:
                head = f.read(8)
            log.check(f"{png} starts with the PNG signature", head == PNG_SIGNATURE, PNG_SIGNATURE, head)
        svg = os.path.join(directory, f"{name}.svg")
        try:
            root = ET.parse(svg).getroot()
            log.check(f"{svg} root element", root.tag.endswith("svg"), "<svg>", root.tag)
        except (ET.ParseError, OSError) as e:
            log.check(f"{svg} parses as XML", False, "an SVG document", e)
        dat = os.path.join(directory, f"{name}.dat")
        if os.path.isfile(dat):
            with open(dat) as f:
                lines = f.read().splitlines()
            log.check(f"{dat} opens with a commented header naming its columns",
                      bool(lines) and lines[0].startswith("#") and any("columns:" in l for l in lines
                                                                       if l.startswith("#")),
                      "'#' lines with 'columns:'", lines[:3])
    leftovers = [n for n in os.listdir(directory) if ".tmp-" in n]
    log.check(f"no temporaries left in {directory}", not leftovers, [], leftovers)


def check_refusal(args, what):
    r = run(args)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    log.check(f"{what}: exit status", r.returncode == 2, 2, f"{r.returncode} (stderr {r.stderr!r})")
    log.check(f"{what}: stderr", len(lines) == 1, "one line", lines)


def figure_files(names, extensions=("png", "svg", "gp", "dat")):
    return sorted(f"{n}.{e}" for n in names for e in extensions)


def listing(directory):
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else None


with tempfile.TemporaryDirectory() as tmp:
    h5 = os.path.join(tmp, "demo.h5")
    r = run([HOPELAB, "run", DEMO, "-o", h5])
    log.check("hopelab run demo", r.returncode == 0, "exit 0", f"exit {r.returncode}: {r.stderr[-500:]}")
    fig = os.path.join(tmp, "fig")
    r = run([HOPELAB, "plot", h5, "-o", fig])
    log.check("hopelab plot", r.returncode == 0, "exit 0", f"exit {r.returncode}: {r.stderr}")
    log.check(f"files in {fig}", listing(fig) == figure_files(EXPECTED), figure_files(EXPECTED), listing(fig))
    check_figures(fig, EXPECTED)

    # Re-render from the saved script and data alone, from another directory, into a copy.
    copy = os.path.join(tmp, "copy")
    shutil.copytree(fig, copy)
    for name in EXPECTED:
        for ext in ("png", "svg"):
            os.remove(os.path.join(copy, f"{name}.{ext}"))
        r = run(["gnuplot", os.path.join(copy, f"{name}.gp")], cwd=tmp)
        log.check(f"gnuplot {name}.gp", r.returncode == 0 and not r.stderr.strip(), "exit 0, quiet",
                  f"exit {r.returncode} {r.stderr!r}")
    check_figures(copy, EXPECTED)

    # --only: one family.
    only = os.path.join(tmp, "only")
    r = run([HOPELAB, "plot", h5, "-o", only, "--only", "base-bound"])
    log.check("--only base-bound writes base_bound only",
              r.returncode == 0 and listing(only) == figure_files(["base_bound"]),
              f"exit 0, {figure_files(['base_bound'])}", f"exit {r.returncode}, {listing(only)}")

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
        log.check("nothing written in the unwritable directory", os.listdir(ro) == [], [], os.listdir(ro))
    for d in ("bad1", "bad2", "bad3"):
        log.check(f"no output directory {d} after a refusal", not os.path.exists(os.path.join(tmp, d)), "absent",
                  "present")

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
    if not log.check(f"{what}: shape", a.shape == b.shape, f"{b.shape} (the results file)", f"{a.shape} (the .dat)"):
        return
    if b.size == 0:
        log.check(what, True, "no values", "no values")
        return
    nan = np.isnan(b)
    err = np.where(nan, 0.0, np.abs(a - b))
    tol = DAT_REL * np.abs(b)
    bad = (np.isnan(a) != nan) | (err > tol)
    k = int(np.argmax(bad)) if bad.any() else int(np.argmax(err - tol))  # the first bad, else the closest
    log.check(f"{what} (index {k}; %.10g rounding)", not bad.any(), f"{b.flat[k]!r} (results file)",
              f"{a.flat[k]!r} (.dat)", f"{err.flat[k]:.3g}", f"{tol.flat[k]:.3g}")


def units_of(h5file, run):
    return {g.attrs["unit"]: g for g in h5file["runs"].values() if g.attrs["run"] == run}


def block_check(case, rows, count):
    """One .dat block has `count` rows (count None: at least one)."""
    if count is None:
        return log.check(case, len(rows) > 0, "at least one row", len(rows))
    return log.check(case, len(rows) == count, f"{count} rows", len(rows))


def check_columns(fig, h5):
    """The .dat columns of each new family against the datasets they come from (dataset names as
    `hopelab kinds --json` exports them)."""
    kinds = kind_names(HOPELAB)
    CM, FV, PREF = kinds["cosine-map"], kinds["first-violation"], kinds["preference"]
    MC, PH, FM = kinds["mc-preference"], kinds["phase-error"], kinds["vlm-frame-match"]
    with h5py.File(h5, "r") as f:
        cos = read_blocks(os.path.join(fig, "cosine_map_cos.dat"))
        for unit, g in units_of(f, "cos").items():
            rows = np.array(cos.get(unit, []))
            if block_check(f"cosine_map_cos.dat has a block for {unit}", rows, None):
                distance, pair = g[CM["distance"]][()], g[CM["pair"]][()]
                same(rows[:, 4], g[CM["cosine"]][()].ravel(), f"cosine_map_cos {unit}: cosine column")
                same(rows[:, 2], np.tile(distance, len(pair)), f"cosine_map_cos {unit}: distance column")
                same(rows[:, 3], np.repeat(pair, len(distance)), f"cosine_map_cos {unit}: pair column")
                same(rows[:, 0], np.log10(np.tile(distance, len(pair))), f"cosine_map_cos {unit}: x = log10(distance)")

        def first_violation(g):  # NaN when proven never, the limit when not found below it
            v, never = g[FV["first_violation"]][()], g[FV["proven_never"]][()]
            return v if v >= 1 else (np.nan if never == 1 else g.attrs["limit"])

        fv = read_blocks(os.path.join(fig, "first_violation_fvb.dat"))
        # blocks are labelled by the method's display name (one per method in every figure)
        for method, shown in (("mrope", "M-RoPE"), ("videorope", "VideoRoPE"), ("hope", "HoPE")):
            rows = np.array(fv.get(shown, []))
            units = sorted((g.attrs["base"], g) for g in units_of(f, "fvb").values() if g.attrs["method"] == method)
            log.check(f"first_violation_fvb.dat: 4 bases for {method}", len(rows) == len(units) == 4,
                      "4 rows, 4 units", f"{len(rows)} rows, {len(units)} units")
            if len(rows) == len(units):
                same(rows[:, 0], [b for b, _ in units], f"first_violation_fvb {method}: base column")
                want = [np.nan if g[FV["proven_never"]][()] == 1 else first_violation(g) for _, g in units]
                same(rows[:, 1], want, f"first_violation_fvb {method}: first_violation column")
        gv = read_blocks(os.path.join(fig, "gamma_first_violation.dat"))
        rows = np.array(gv.get("HoPE", []))
        units = sorted((g.attrs["gamma"], g) for g in units_of(f, "fvg").values())
        if block_check("gamma_first_violation.dat: 3 gammas for fvg", rows, 3):
            same(rows[:, 0], [x for x, _ in units], "gamma_first_violation: gamma column")
            same(rows[:, 1], [first_violation(g) for _, g in units], "gamma_first_violation: first_violation column")
        gp = read_blocks(os.path.join(fig, "gamma_preference.dat"))
        for run, names, column in (("pg", PREF, PREF["value"]), ("mg", MC, MC["theory"])):
            for unit, g in units_of(f, run).items():
                rows = np.array(gp.get(unit, []))
                if block_check(f"gamma_preference.dat has a block for {unit}", rows, None):
                    same(rows[:, 0], g[names["distance"]][()], f"gamma_preference {unit}: distance column")
                    same(rows[:, 1], g[column][()], f"gamma_preference {unit}: closed form column ({column})")
                    if run == "mg":
                        same(rows[:, 2], g[MC["mean"]][()], f"gamma_preference {unit}: Monte Carlo mean column")
                        same(rows[:, 3], g.attrs["z_bound"] * g[MC["standard_error"]][()],
                             f"gamma_preference {unit}: half-width z_bound * SE")
        pz = read_blocks(os.path.join(fig, "precision_z.dat"))
        for run in ("prec", "mg"):
            for unit, g in units_of(f, run).items():
                rows = np.array(pz.get(unit, []))
                if block_check(f"precision_z.dat has a block for {unit}", rows, None):
                    same(rows[:, 1], np.abs(g[MC["z"]][()]), f"precision_z {unit}: |z| column")
        pe = read_blocks(os.path.join(fig, "phase_error_ph.dat"))
        for unit, g in units_of(f, "ph").items():
            rows = np.array(pe.get(unit, []))
            if block_check(f"phase_error_ph.dat has a block for {unit}", rows, None):
                distance = g[PH["distance"]][()]
                same(rows[:, 0], distance, f"phase_error_ph {unit}: distance column")
                same(rows[:, 1], g[PH["max_error"]][()], f"phase_error_ph {unit}: max_error column")
                # reference 2^-24 Delta theta_max: theta_max = 1 (pair 0) for vanilla, exact in float64
                same(rows[:, 2], distance * g[PH["theta_max"]][()] * 2.0 ** -24, f"phase_error_ph {unit}: reference")
        fm = read_blocks(os.path.join(fig, "vlm_frame_match_fm.dat"))
        log.check("vlm_frame_match_fm.dat: 2 units", len(units_of(f, "fm")) == 2 and len(fm) == 2,
                  "2 units, 2 blocks", f"{len(units_of(f, 'fm'))} units, blocks {sorted(fm)}")
        for unit, g in units_of(f, "fm").items():
            rows = np.array(fm.get(unit, []))
            frames_apart = g[FM["frames_apart"]][()]
            if block_check(f"vlm_frame_match_fm.dat has a row per frame distance of {unit}", rows, len(frames_apart)):
                same(rows[:, 0], frames_apart, f"vlm_frame_match_fm {unit}: frames_apart column")
                # columns 1..5: tied head 0, i.e. column 0 of the (n, n_kv) datasets
                for c, name in enumerate((FM["log_ratio"], FM["log_ratio_closed"], FM["tolerance"],
                                          FM["temporal_score"], FM["spatial_score"]), start=1):
                    same(rows[:, c], g[name][:, 0], f"vlm_frame_match_fm {unit}: {name} column (tied head 0)")


with tempfile.TemporaryDirectory() as tmp:
    h5 = os.path.join(tmp, "figures.h5")
    r = run([HOPELAB, "run", FIGURES_SPEC, "-o", h5])
    log.check("hopelab run figures.toml", r.returncode == 0, "exit 0", f"exit {r.returncode}: {r.stderr[-500:]}")
    fig = os.path.join(tmp, "fig")
    r = run([HOPELAB, "plot", h5, "-o", fig])
    log.check("hopelab plot figures.h5", r.returncode == 0, "exit 0", f"exit {r.returncode}: {r.stderr}")
    if r.returncode == 0:
        log.check(f"files in {fig}", listing(fig) == figure_files(EXPECTED_MORE), figure_files(EXPECTED_MORE),
                  listing(fig))
        check_figures(fig, EXPECTED_MORE)
        check_columns(fig, h5)
        copy = os.path.join(tmp, "copy")
        shutil.copytree(fig, copy)
        for name in EXPECTED_MORE:
            for ext in ("png", "svg"):
                os.remove(os.path.join(copy, f"{name}.{ext}"))
            r = run(["gnuplot", os.path.join(copy, f"{name}.gp")], cwd=tmp)
            log.check(f"gnuplot {name}.gp", r.returncode == 0 and not r.stderr.strip(), "exit 0, quiet",
                      f"exit {r.returncode} {r.stderr!r}")
        check_figures(copy, EXPECTED_MORE)
    only = os.path.join(tmp, "only")
    r = run([HOPELAB, "plot", h5, "-o", only, "--only", "cosine-map,gamma"])
    want = figure_files(("cosine_map_cos", "cosine_map_cos-lin", "gamma_first_violation", "gamma_preference"))
    log.check("--only cosine-map,gamma writes those families only", r.returncode == 0 and listing(only) == want,
              f"exit 0, {want}", f"exit {r.returncode}, {listing(only)}")

sys.exit(log.finish())
