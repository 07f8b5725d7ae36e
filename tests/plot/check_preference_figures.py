#!/usr/bin/env python3
"""Every preference figure of the paper suite shows the first violations the theory reports.

Runs the `preference` and `mc-preference` runs of experiments/paper.toml (Monte Carlo samples cut
to 200: the check reads the closed form only), draws them with `hopelab plot --only preference`,
and asks the theory, separately, for the first violation of each curve: a spec of `first-violation`
units with the curve's method settings (read from the results file with h5py), its direction and
grid, and limit = the curve's last distance. For each curve of each figure's .dat:
  - violated at F: a drawn point at m = F with D < 0, the lowest drawn D at the first distance
    >= F is <= 0, and no drawn D < 0 before F (the figure neither hides nor invents a violation);
  - not violated up to its last distance: no drawn D < 0;
  - its column lowest_so_far is the running minimum of its D column, and the rows taken from the
    units (row 0) equal their datasets.
HoPE and VideoRoPE share one figure per direction. The twin: the units' own distances alone
(a 500-token and a 50-frame grid) must fail the same check for HoPE along text (F = 33649) and
VideoRoPE along frames (F = 14129), the violations the coarse figures used to hide.

usage: check_preference_figures.py HOPELAB PAPER_TOML"""
import json
import math
import os
import subprocess
import sys
import tempfile
import tomllib

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
sys.path.insert(0, os.path.join(HERE, os.pardir))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from check_log import CheckLog  # noqa: E402
from kind_names import kind_names  # noqa: E402

HOPELAB, PAPER = sys.argv[1], sys.argv[2]
log = CheckLog(tolerances=False)
# the figures the suite's preference runs must give (HoPE and VideoRoPE together per direction)
EXPECTED = ["preference_men-mc", "preference_def31-mc", "preference_text_hope-vs-videorope",
            "preference_frames_hope-vs-videorope"]
# the twin: (figure, method) whose violation the units' own distances step over
HIDDEN = [("preference_text_hope-vs-videorope", "hope"), ("preference_frames_hope-vs-videorope", "videorope")]
DAT_REL = 5.1e-10  # .dat values print with 10 significant digits


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=240)


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def toml_run(table):
    lines = ["[[run]]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in table.items() if k != "sweep"]
    if "sweep" in table:
        lines.append("[run.sweep]")
        lines += [f"{k} = {toml_value(v)}" for k, v in table["sweep"].items()]
    return "\n".join(lines) + "\n"


def read_dat(path):
    """[(units, rows)] per block: units the names after '# block i: ' (joined by ' + ')."""
    blocks = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("# block "):
                blocks.append((line.split(": ", 1)[1].split(" + "), []))
            elif line and not line.startswith("#") and blocks:
                blocks[-1][1].append([float(x) for x in line.split()])
    return [(units, np.array(rows)) for units, rows in blocks]


def violation_check(rows, first):
    """Failures (empty when none) of a curve's rows (distance, D, ..., lowest so far in column 4)
    against the theory's first violation `first` (None: none up to the last distance)."""
    m, d, lowest = rows[:, 0], rows[:, 1], rows[:, 4]
    problems = []
    if first is None:
        if (d[m >= 1] < 0).any():
            problems.append(f"a drawn D < 0 at m = {m[(m >= 1) & (d < 0)][0]:g} where the theory finds none")
        return problems
    if not ((m == first) & (d < 0)).any():
        problems.append(f"no drawn point at m = {first} with D < 0")
    after = np.nonzero(m >= first)[0]
    if not len(after) or lowest[after[0]] > 0:
        problems.append(f"lowest drawn D at the first distance >= {first} is "
                        f"{lowest[after[0]] if len(after) else 'absent'}, not <= 0")
    if (d[(m >= 1) & (m < first)] < 0).any():
        problems.append(f"a drawn D < 0 before the first violation {first}")
    return problems


def coarse(rows):
    """The units' own rows only (row 0), with their own running minimum: the old figures."""
    out = rows[rows[:, 5] == 0].copy()
    out[:, 4] = np.minimum.accumulate(out[:, 1])
    return out


kinds = kind_names(HOPELAB)
PREF, MC = kinds["preference"], kinds["mc-preference"]
with open(os.path.join(HERE, os.pardir, os.pardir, "experiments", "paper.toml") if PAPER == "-" else PAPER, "rb") as f:
    paper = tomllib.load(f)
runs = [dict(r) for r in paper["run"] if r["kind"] in ("preference", "mc-preference")]
for r in runs:
    if "samples" in r:
        r["samples"] = 200
kinds_json = json.loads(run([HOPELAB, "kinds", "--json"]).stdout)
FV_FIELDS = [f["name"] for k in kinds_json["kinds"] if k["name"] == "first-violation" for f in k["fields"]]
FV_BOOL = {f["name"] for k in kinds_json["kinds"] if k["name"] == "first-violation" for f in k["fields"]
           if f["type"] == "bool"}

with tempfile.TemporaryDirectory() as tmp:
    spec = os.path.join(tmp, "pref.toml")
    with open(spec, "w") as f:
        f.write('[experiment]\nname = "paper-preference"\nseed = 1\n\n' + "\n".join(toml_run(r) for r in runs))
    h5 = os.path.join(tmp, "pref.h5")
    r = run([HOPELAB, "run", spec, "-o", h5])
    if not log.check("hopelab run (the suite's preference runs)", r.returncode == 0, "exit 0",
                     f"exit {r.returncode}: {r.stderr[-800:]}"):
        sys.exit(log.finish())
    fig = os.path.join(tmp, "fig")
    r = run([HOPELAB, "plot", h5, "-o", fig, "--only", "preference"])
    log.check("hopelab plot --only preference", r.returncode == 0, "exit 0", f"exit {r.returncode}: {r.stderr}")
    names = sorted(n[:-4] for n in os.listdir(fig) if n.endswith(".dat")) if os.path.isdir(fig) else []
    log.check("preference figures of the suite", names == sorted(EXPECTED), sorted(EXPECTED), names)

    with h5py.File(h5, "r") as f:
        units = {g.attrs["unit"]: g for g in f["runs"].values()}
        attrs = {u: dict(g.attrs) for u, g in units.items()}
        data = {}
        for u, g in units.items():
            value = PREF["value"] if g.attrs["kind"] == "preference" else MC["theory"]
            data[u] = (g[PREF["distance"]][()], g[value][()])

    # The theory's first violation of every curve, from first-violation units of its settings.
    curves = []  # (figure, units, rows)
    for name in names:
        for block_units, rows in read_dat(os.path.join(fig, name + ".dat")):
            curves.append((name, block_units, rows))
    fv_runs = []
    for i, (name, block_units, rows) in enumerate(curves):
        a = attrs.get(block_units[0], {})
        table = {"name": f"fv{i}", "kind": "first-violation"}
        for key in FV_FIELDS:
            if key in ("along", "only_axis", "grid", "limit") or key not in a:
                continue
            v = a[key]
            v = v.decode() if isinstance(v, bytes) else v
            table[key] = bool(v) if key in FV_BOOL else (v.item() if hasattr(v, "item") else v)
        table["along"] = str(a.get("along", "text"))
        if table["along"] == "frames":
            table["grid"] = str(a.get("grid", "12x12"))
        table["limit"] = int(math.floor(rows[:, 0].max()))
        fv_runs.append(table)
    fv_spec = os.path.join(tmp, "fv.toml")
    with open(fv_spec, "w") as f:
        f.write('[experiment]\nname = "fv"\nseed = 1\n\n' + "\n".join(toml_run(r) for r in fv_runs))
    fv_h5 = os.path.join(tmp, "fv.h5")
    r = run([HOPELAB, "run", fv_spec, "-o", fv_h5])
    if not log.check("hopelab run (first violation of every curve)", r.returncode == 0, "exit 0",
                     f"exit {r.returncode}: {r.stderr[-800:]}"):
        sys.exit(log.finish())
    FV = kinds["first-violation"]
    first = {}
    with h5py.File(fv_h5, "r") as f:
        for g in f["runs"].values():
            v = int(g[FV["first_violation"]][()])
            first[g.attrs["run"]] = v if v >= 1 else None

    hidden_seen = set()
    for i, (name, block_units, rows) in enumerate(curves):
        case = f"{name}: curve {' + '.join(block_units)}"
        F = first.get(f"fv{i}")
        problems = violation_check(rows, F)
        log.check(f"{case}: shows the theory's first violation ({F})", not problems, "no problem", problems)
        log.check(f"{case}: lowest_so_far is the running minimum of D", np.array_equal(
            rows[:, 4], np.minimum.accumulate(rows[:, 1])), "equal", "differs")
        own = rows[rows[:, 5] == 0]
        want_m = np.concatenate([data[u][0] for u in block_units])
        want_d = np.concatenate([data[u][1] for u in block_units])
        order = np.argsort(want_m, kind="stable")
        want_m, want_d = want_m[order], want_d[order]
        keep = np.concatenate([[True], want_m[1:] != want_m[:-1]])  # ranges that meet: first kept
        want_m, want_d = want_m[keep], want_d[keep]
        same = (own.shape[0] == len(want_m) and np.allclose(own[:, 0], want_m, rtol=DAT_REL, atol=0)
                and np.allclose(own[:, 1], want_d, rtol=DAT_REL, atol=1e-300))
        log.check(f"{case}: row-0 rows equal the units' datasets", same, f"{len(want_m)} rows",
                  f"{own.shape[0]} rows")
        method = attrs.get(block_units[0], {}).get("method", "")
        method = method.decode() if isinstance(method, bytes) else method
        if (name, method) in HIDDEN:
            hidden_seen.add((name, method))
            twin = violation_check(coarse(rows), F)
            log.check(f"twin {case}: the units' own distances alone fail the check (F = {F})", bool(twin),
                      "a failure", twin or "passed")
    log.check("twin curves found", hidden_seen == set(HIDDEN), sorted(HIDDEN), sorted(hidden_seen))

sys.exit(log.finish())
