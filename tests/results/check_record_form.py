#!/usr/bin/env python3
"""The form of a unit's record in a results file of format 1.2 (docs/hdf5-format.md,
kinds/record_form.h), read with h5py, and files of formats 1.0 and 1.1 that still read, merge and
resume.

Usage: check_record_form.py PATH/TO/hopelab
  * a run of small units of every kind `hopelab kinds --json` lists (the Monte Carlo ones also
    under the empirical law, with a key pool and without): every dataset marked scalar is rank 0
    (h5py shape ()), the others not;
  * only the options that apply: a vanilla unit has no sections, keep_fraction, fps, ... attribute,
    an mrope unit has sections, a unit of the qwen25vl design has fps and tokens_per_second, a
    preference unit along text has no frames or grid, a first-violation unit along text no grid
    (along frames it has one);
  * units: every numeric attribute of a unit group has an attribute_units entry and every entry
    names an attribute of the group (by the values' types alone); attribute_units lists name=unit
    for every attribute whose field declares a unit (the field's unit, token|frame as `along` makes
    it), seed=1, seconds=s and each attribute the kind computes with the unit `kinds --json`
    declares, in attribute order; every declared attribute occurs in the run; `hopelab inspect`
    shows the units (text and --json);
  * twins: the same file rewritten in the 1.0 form (shape (1,), every option, no units) fails each
    of the three checks above, labelled 1.1 `inspect` refuses it (exit 2, one line); the file with
    z_bound's entry dropped, or with an entry for no attribute, fails the unit checks, and so do the
    declarations with z_bound's unit taken away;
  * formats 1.0 and 1.1: the 1.0 form labelled 1.0 reads (`inspect`), and `merge` gives this
    format's form, record for record the run's own; so does the 1.1 form (no units of computed
    attributes and flags, first-violation's grid along text) labelled 1.1; a 1.0 and a 1.1
    checkpoint (checksum recomputed here with tests/results/record_sum.py, which first reproduces
    the sum of the untouched checkpoint) are not used by `run --resume` (a checkpoint must be of
    this format, batch/checkpoints.h): the unit is computed again, the resume line naming
    format_version, and the final file equals an uninterrupted run's but for `seconds`.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402
from record_sum import record_checksum, set_checksum, stored_checksum  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

CLI = sys.argv[1]
log = CheckLog(tolerances=False)

SPEC = """[experiment]
name = "form"
seed = 5

[[run]]
name = "mcpref-pools"
kind = "mc-preference"
method = "mrope"
head_dim = 16
offsets = "0:3000:1000"
samples = 500
dist = "empirical:{pools}:/queries:/keys"

[[run]]
name = "fv"
kind = "first-violation"
head_dim = 16
limit = 2000
[run.sweep]
method = ["vanilla", "mrope", "p-rope"]

[[run]]
name = "fv-qwen25"
kind = "first-violation"
method = "mrope"
design = "qwen25vl"
fps = 2.0
head_dim = 16
limit = 2000

[[run]]
name = "fv-frames"
kind = "first-violation"
method = "videorope"
along = "frames"
grid = "4x4"
head_dim = 16
limit = 40

[[run]]
name = "bound"
kind = "base-bound"
head_dim = 16
context_length = 256

[[run]]
name = "crit"
kind = "critical-length"
head_dim = 16
[run.sweep]
method = ["mrope", "hope"]

[[run]]
name = "flip"
kind = "sign-flip"
method = "mrope"
head_dim = 16
context_length = 1000

[[run]]
name = "flat"
kind = "flattening"
frames = 2
grid = "4x4"

[[run]]
name = "phase"
kind = "phase-error"
method = "vanilla"
head_dim = 16
distances = "1:1000:10"

[[run]]
name = "pos"
kind = "positions"
method = "mrope"
layout = "text:3,video:2x2x2,text:2"

[[run]]
name = "collide"
kind = "text-collision"
method = "videorope"
frames = 2
grid = "4x4"

[[run]]
name = "decay"
kind = "decay-indicator"
method = "mrope"
head_dim = 16
distances = "1:1000:20"

[[run]]
name = "inv"
kind = "mc-inversion"
method = "vanilla"
head_dim = 16
base = 1e4
offsets = "0:4000:500"
far_from = 2000
samples = 200

[[run]]
name = "resolution"
kind = "phase-resolution"
head_dim = 16
bases = "1e5:1e6:3"
points = 64

[[run]]
name = "pref"
kind = "preference"
method = "vanilla"
head_dim = 16
offsets = "0:1000:100"

[[run]]
name = "mcpref"
kind = "mc-preference"
method = "hope"
along = "frames"
frames = "0:20:5"
samples = 500

[[run]]
name = "win-pool"
kind = "mc-win-prob"
method = "vanilla"
head_dim = 16
offsets = "0:3000:1000"
samples = 300
dist = "empirical:{pools}:/queries"

[[run]]
name = "needle"
kind = "mc-retrieval"
method = "videorope"
frames = 4
grid = "2x2"
depth = [0.0, 1.0]
samples = 64

[[run]]
name = "cos"
kind = "cosine-map"
method = "hope"
axis = "t"
distances = "1:1000:5"
spacing = "log-integer"

[[run]]
name = "match"
kind = "vlm-frame-match"
method = "hope"
frames = 3
grid = "2x2"

[[run]]
name = "niah"
kind = "vlm-niah"
method = "hope"
steps = 3
batch = 2
train_min_frames = 2
train_max_frames = 3
lengths = [2, 4]
depths = [0.0, 1.0]
examples = 2
attention_examples = 1
task = "marked"

[[run]]
name = "alloc"
kind = "allocation"
method = "custom"
allocation = "t:0-3;h:4-9;w:10-15;zero:2-3"
head_dim = 32
"""

# Options that only some methods read (params/method.h: method_option_uses).
METHOD_ONLY = ["sections", "keep_fraction", "allocation", "gamma", "delta", "training_seed", "fps",
               "tokens_per_second", "keep_fractional_time", "time_convention", "timestamp_tokens",
               "spatial_reset", "visual_step", "kv_heads", "kv_head"]


def run(*args, cwd=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, errors="replace", timeout=120, cwd=cwd)


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def catalogue():
    p = run("kinds", "--json")
    return {k["name"]: k for k in json.loads(p.stdout)["kinds"]}


KINDS = catalogue()


def scalars(kind):
    return {d["name"] for d in KINDS[kind]["datasets"] if d["scalar"]}


def computed(kinds, kind):
    """The attributes the kind computes, {name: unit} ("" for text), as `kinds` declares them."""
    return {a["name"]: a["unit"] for a in kinds[kind]["attributes"]}


def fields(kind):
    return {f["name"]: f for f in KINDS[kind]["fields"]}


# ---------------------------------------------------------------- the three checks of the form

def rank_problems(path):
    """Datasets whose rank is not their kind's: a scalar not of shape (), an array of shape ()."""
    out = []
    with h5py.File(path, "r") as f:
        for name, g in f["runs"].items():
            one = scalars(text(g.attrs["kind"]))
            for d in g:
                if (d in one) != (g[d].shape == ()):
                    out.append("%s/%s shape %s" % (name, d, g[d].shape))
    return out


def option_problems(path):
    """What the unit groups of SPEC store against the options their methods read."""
    out = []
    with h5py.File(path, "r") as f:
        attrs = {name: set(g.attrs) for name, g in f["runs"].items()}
    for unit in ("fv__method-vanilla", "phase", "pref"):  # vanilla reads none of METHOD_ONLY
        out += ["%s has %s" % (unit, o) for o in METHOD_ONLY if o in attrs[unit]]
    out += ["%s lacks %s" % (u, o) for u, o in (("fv__method-mrope", "sections"), ("fv-qwen25", "fps"),
                                                 ("fv-qwen25", "tokens_per_second"),
                                                 ("fv__method-p-rope", "keep_fraction")) if o not in attrs[u]]
    out += ["fv__method-mrope has %s" % o for o in ("fps", "keep_fraction") if o in attrs["fv__method-mrope"]]
    out += ["pref has %s (along = text)" % o for o in ("frames", "grid") if o in attrs["pref"]]
    out += ["pref lacks %s" % o for o in ("along", "offsets") if o not in attrs["pref"]]
    out += ["%s has grid (along = text)" % u for u in ("fv__method-vanilla", "fv-qwen25") if "grid" in attrs[u]]
    if "grid" not in attrs["fv-frames"]:
        out.append("fv-frames lacks grid (along = frames)")
    return out


def unit_of(field, g):
    unit = field["unit"]
    if unit == "token|frame":
        return "frame" if text(g.attrs.get("along", "text")) == "frames" else "token"
    return unit


def listed_units(g):
    """The group's attribute_units as [(name, unit)] ([] without the list)."""
    entries = [text(x) for x in g.attrs["attribute_units"]] if "attribute_units" in g.attrs else []
    return [tuple(e.split("=", 1)) if "=" in e else (e, None) for e in entries]


def coverage_problems(path):
    """By the values' types alone: a numeric attribute (integers, numbers, arrays of them) of a unit
    group without an attribute_units entry, an entry naming no attribute of the group or not of the
    form name=unit with a unit."""
    out = []
    with h5py.File(path, "r") as f:
        for name, g in f["runs"].items():
            units = dict(listed_units(g))
            for a in g.attrs:
                if a in ("unit_index", "attribute_units"):
                    continue
                numeric = g.attrs.get_id(a).dtype.kind in "iuf"
                if numeric and not units.get(a):
                    out.append("%s: numeric attribute %s has no unit" % (name, a))
            out += ["%s: attribute_units entry %s=%s names no attribute with a unit" % (name, a, u)
                    for a, u in listed_units(g) if a not in g.attrs or not u]
    return out


def unit_problems(path, kinds=None):
    """attribute_units against the declarations of `kinds` (`hopelab kinds --json`): every attribute
    of a field with a unit listed with it, in attribute order, seed=1, seconds=s, every attribute
    the kind computes with its declared unit, and nothing else; plus coverage_problems."""
    kinds = kinds or KINDS
    out = coverage_problems(path)
    with h5py.File(path, "r") as f:
        for name, g in f["runs"].items():
            kind = text(g.attrs["kind"])
            by_field, own = {f["name"]: f for f in kinds[kind]["fields"]}, computed(kinds, kind)
            want = []
            for a in g.attrs:
                if a in ("seed", "seconds"):
                    want.append("%s=%s" % (a, "1" if a == "seed" else "s"))
                elif a in by_field and by_field[a]["unit"]:
                    want.append("%s=%s" % (a, unit_of(by_field[a], g)))
                elif own.get(a):
                    want.append("%s=%s" % (a, own[a]))
            got = ["%s=%s" % e for e in listed_units(g)]
            if got != want:
                out.append("%s: attribute_units %s, declarations say %s" % (name, got, want))
    return out


def edit_units(path, name, drop=(), add=(), group=None):
    """Rewrites the attribute_units of runs/`name` (or of the open group `group`): entries of the
    names in `drop` left out, the entries in `add` appended (the list moves to the group's end)."""
    def edit(g):
        kept = ["%s=%s" % e for e in listed_units(g) if e[0] not in drop] + list(add)
        del g.attrs["attribute_units"]
        g.attrs.create("attribute_units", kept, dtype=h5py.string_dtype("utf-8"))
    if group is not None:
        edit(group)
        return
    with h5py.File(path, "r+") as f:
        edit(f["runs/" + name])


# ---------------------------------------------------------------- the 1.0 form, built here

def legacy_attributes(g):
    """The attributes the 1.0 writer gave unit group g, as (name, value, dtype): unit, run, kind,
    seed, every present field in field order (defaults for the options that do not apply), the
    kind's own attributes, seconds; no attribute_units."""
    kind = text(g.attrs["kind"])
    current = [n for n in g.attrs if n not in ("unit_index", "attribute_units")]
    head, by_field = current[:4], fields(kind)
    rows = [(n, g.attrs[n], g.attrs.get_id(n).dtype) for n in head]
    for name, f in by_field.items():
        if name == "seed":
            continue
        if name in g.attrs:
            rows.append((name, g.attrs[name], g.attrs.get_id(name).dtype))
        elif f["type"] in ("string", "integer", "number", "bool"):
            value = {"string": lambda t: t, "integer": int, "number": float,
                     "bool": lambda t: int(t == "true")}[f["type"]](f["default"])
            dtype = {"string": h5py.string_dtype("utf-8"), "number": np.float64}.get(f["type"], np.int64)
            rows.append((name, value, dtype))
    rows += [(n, g.attrs[n], g.attrs.get_id(n).dtype) for n in current[4:] if n not in by_field]
    return rows


def rewrite_legacy(path, version, group=None):
    """Rewrites the unit groups of `path` (or only `group`) in the 1.0 form, labelled `version`."""
    with h5py.File(path, "r+") as f:
        f.attrs.modify("format_version", np.array(version, dtype=np.int64))
        for name, g in f["runs"].items():
            if group is not None and name != group:
                continue
            one = scalars(text(g.attrs["kind"]))
            rows = legacy_attributes(g)
            index = g.attrs["unit_index"]
            for a in list(g.attrs):
                del g.attrs[a]
            g.attrs.create("unit_index", index, dtype=np.int64)
            for a, value, dtype in rows:
                g.attrs.create(a, value, dtype=dtype)
            sets = [(d, g[d][()], g[d].dtype, text(g[d].attrs["unit"]), text(g[d].attrs["description"])) for d in g]
            for d, *_ in sets:
                del g[d]
            for d, value, dtype, unit, description in sets:
                data = np.reshape(value, (1,)) if d in one else value
                ds = g.create_dataset(d, data=data, dtype=dtype)
                ds.attrs.create("unit", unit, dtype=h5py.string_dtype("utf-8"))
                ds.attrs.create("description", description, dtype=h5py.string_dtype("utf-8"))


def rewrite_1_1(path):
    """Rewrites the unit groups of `path` in the 1.1 form, labelled 1.1: no attribute_units entries
    for the attributes a kind computes nor for flags, and first-violation's grid stored along text."""
    with h5py.File(path, "r+") as f:
        f.attrs.modify("format_version", np.array([1, 1], dtype=np.int64))
        for name, g in f["runs"].items():
            kind = text(g.attrs["kind"])
            add = []
            if kind == "first-violation" and "grid" not in g.attrs:
                g.attrs.create("grid", "12x12", dtype=h5py.string_dtype("utf-8"))
                add = ["grid=token"]
            flags = [f["name"] for f in KINDS[kind]["fields"] if f["type"] == "bool"]
            edit_units(path, name, drop=list(computed(KINDS, kind)) + flags, add=add, group=g)


def records(path, skip=("seconds",)):
    """Each unit group as (attributes with dtypes, attribute_units, datasets with shapes, units, values)."""
    out = {}
    with h5py.File(path, "r") as f:
        for name, g in f["runs"].items():
            attrs = [(a, repr(g.attrs[a]), str(g.attrs.get_id(a).dtype)) for a in g.attrs
                     if a not in skip and a != "attribute_units"]
            units = [text(x) for x in g.attrs["attribute_units"]] if "attribute_units" in g.attrs else None
            sets = [(d, g[d].shape, str(g[d].dtype), text(g[d].attrs["unit"]), repr(np.asarray(g[d][()]).tolist()))
                    for d in g]
            out[name] = (attrs, units, sets)
    return out


def compare(case, a, b, skip=("seconds",)):
    ra, rb = records(a, skip), records(b, skip)
    log.check(case + ": the same units", sorted(ra) == sorted(rb), sorted(rb), sorted(ra))
    for name in sorted(set(ra) & set(rb)):
        for k, part in enumerate(("attributes", "attribute_units", "datasets")):
            log.check("%s: %s of %s" % (case, part, name), ra[name][k] == rb[name][k], rb[name][k], ra[name][k])


def expect_one_line_refusal(case, p, *words):
    lines = p.stderr.splitlines()
    log.check(case, p.returncode == 2 and len(lines) == 1 and lines[0].startswith("hopelab: error: ")
              and p.stdout == "" and all(w in p.stderr for w in words),
              "exit 2, one line with %s" % (words,), "exit %d: %r" % (p.returncode, p.stderr[:300]))


def write_pools(path):
    """An empirical law's pools: (64, 16) queries and (48, 16) keys."""
    rng = np.random.default_rng(1)
    with h5py.File(path, "w") as f:
        f["queries"] = (0.3 + rng.standard_normal((64, 16))).astype(np.float32)
        f["keys"] = rng.standard_normal((48, 16))


def resume_from(case, spec, out, fresh, rewrite):
    """A run stopped after its first unit, whose checkpoint `rewrite` puts in an older form (its
    checksum made valid again by record_sum, first checked against the sum hopelab wrote), resumed:
    the checkpoint is not used (a checkpoint must be of this format), the unit is computed again
    with the resume line naming the format, and the file is a fresh run's."""
    p = run("run", spec, "-o", out, "--stop-after", "1")
    checkpoint = out + ".partial/unit-0.h5"
    if not log.check(case + ": stopped run leaves a checkpoint", os.path.exists(checkpoint), checkpoint,
                     "exit %d: %s" % (p.returncode, p.stderr[-300:])):
        return
    with h5py.File(checkpoint, "r") as f:
        g = f["runs/" + list(f["runs"])[0]]
        log.check(case + ": record_sum reproduces hopelab's checkpoint sum", record_checksum(g) == stored_checksum(g),
                  stored_checksum(g), record_checksum(g))
    rewrite(checkpoint)
    with h5py.File(checkpoint, "r+") as f:
        set_checksum(f["runs/" + list(f["runs"])[0]])
    p = run("run", spec, "-o", out, "--resume")
    resume_line = [line for line in p.stderr.splitlines() if "resume:" in line]
    ours = "format_version 1.2, was %s" % case
    log.check("--resume of a %s checkpoint: computed again, for its format" % case,
              p.returncode == 0 and "recomputing" not in p.stderr and len(resume_line) == 1
              and "0 units from checkpoints, 1 recomputed" in resume_line[0] and ours in resume_line[0],
              "exit 0, resume: 0 units from checkpoints, 1 recomputed (... %s)" % ours,
              "exit %d: %s" % (p.returncode, p.stderr[-400:]))
    if os.path.exists(out):
        compare("--resume over a %s checkpoint" % case, out, fresh)
        found = rank_problems(out) + option_problems(out) + unit_problems(out)
        log.check("--resume over a %s checkpoint wrote this format's form" % case, not found, "none", found)


def main():
    tmp = tempfile.mkdtemp(prefix="hopelab_record_form_")
    try:
        pools = os.path.join(tmp, "pools.h5")
        write_pools(pools)
        spec = os.path.join(tmp, "form.toml")
        with open(spec, "w") as f:
            f.write(SPEC.replace("{pools}", pools))
        fresh = os.path.join(tmp, "fresh.h5")
        p = run("run", spec, "-o", fresh)
        if not log.check("run of the spec", p.returncode == 0, "exit 0", "exit %d: %s" % (p.returncode, p.stderr)):
            return
        with h5py.File(fresh, "r") as f:
            log.check("format_version", list(f.attrs["format_version"]) == [1, 2], [1, 2],
                      list(f.attrs["format_version"]))
            kinds_run = {text(g.attrs["kind"]) for g in f["runs"].values()}
            attributes_run = {a for g in f["runs"].values() for a in g.attrs}
            crit = f["runs/crit__method-hope"]
            log.check("critical-length without a temporal frequency: no critical_length",
                      "critical_length" not in crit and "critical_frames" not in crit, "absent", list(crit))
        log.check("every kind is in the spec", set(KINDS) <= kinds_run, sorted(KINDS), sorted(kinds_run))
        declared = {a for k in KINDS for a in computed(KINDS, k)}
        log.check("every attribute a kind computes is in the run", declared <= attributes_run, sorted(declared),
                  sorted(declared - attributes_run))

        for what, problems in (("ranks", rank_problems), ("options", option_problems), ("units", unit_problems)):
            found = problems(fresh)
            log.check("%s of the run" % what, not found, "none", found)

        # inspect shows the units beside the values.
        p = run("inspect", fresh)
        log.check("inspect text shows units", p.returncode == 0 and "seconds=" in p.stdout and " [s]" in p.stdout
                  and "limit=2000 [token]" in p.stdout and "limit=40 [frame]" in p.stdout
                  and re.search(r"z_bound=[0-9.]+ \[1\]", p.stdout) and "query_pool_rows=64 [1]" in p.stdout
                  and re.search(r"query_token=[0-9]+ \[token\]", p.stdout),
                  "[s], [token], [frame], z_bound, query_pool_rows and query_token with units",
                  p.stdout[:600] + p.stderr)
        p = run("inspect", fresh, "--json")
        doc = json.loads(p.stdout) if p.returncode == 0 else {"runs": []}
        by_group = {r["group"]: r for r in doc["runs"]}
        qwen = by_group.get("/runs/fv-qwen25", {})
        log.check("inspect --json attribute_units", qwen.get("attribute_units", {}).get("fps") == "1/s"
                  and qwen.get("attribute_units", {}).get("seconds") == "s", "fps 1/s, seconds s",
                  qwen.get("attribute_units"))
        pooled = by_group.get("/runs/mcpref-pools", {}).get("attribute_units", {})
        log.check("inspect --json units of computed attributes",
                  [pooled.get(a) for a in ("z_bound", "query_pool_rows", "key_pool_rows", "query_pool_checksum")]
                  == ["1", "1", "1", None], "z_bound, query_pool_rows, key_pool_rows 1; no unit for the checksum",
                  pooled)
        fv = by_group.get("/runs/fv__method-vanilla", {"datasets": []})
        shapes = {d["name"]: d["shape"] for d in fv["datasets"]}
        log.check("inspect --json shape of a single number", shapes.get("first_violation") == [], [], shapes)

        # Twins of the unit checks: an entry dropped, an entry for no attribute, a declaration's
        # unit taken away.
        for case, drop, add in (("z_bound's entry dropped", ["z_bound"], []),
                                ("an entry for no attribute", [], ["ghost=1"])):
            edited = os.path.join(tmp, "edited.h5")
            shutil.copy(fresh, edited)
            edit_units(edited, "mcpref-pools", drop=drop, add=add)
            log.check("twin: %s fails the coverage check" % case, coverage_problems(edited) != [], "problems", "none")
            log.check("twin: %s fails the unit check" % case, unit_problems(edited) != [], "problems", "none")
        stripped = json.loads(json.dumps(KINDS))
        for a in stripped["mc-preference"]["attributes"]:
            a["unit"] = "" if a["name"] == "z_bound" else a["unit"]
        log.check("twin: declarations without z_bound's unit fail the unit check", unit_problems(fresh, stripped) != [],
                  "problems", "none")

        # Twins: the 1.0 form fails every check; labelled 1.1 it is refused.
        twin = os.path.join(tmp, "twin.h5")
        shutil.copy(fresh, twin)
        rewrite_legacy(twin, [1, 1])
        for what, problems in (("ranks", rank_problems), ("options", option_problems), ("units", unit_problems)):
            log.check("twin: %s of the 1.0 form fail" % what, problems(twin) != [], "problems", "none")
        expect_one_line_refusal("inspect of a 1.1 file with a (1,) single number", run("inspect", twin),
                                "first_violation", "shape (1,)")

        # Format 1.0: reads, merges to this format's form.
        old = os.path.join(tmp, "old.h5")
        shutil.copy(twin, old)
        with h5py.File(old, "r+") as f:
            f.attrs.modify("format_version", np.array([1, 0], dtype=np.int64))
        p = run("inspect", old, "--json")
        doc = json.loads(p.stdout) if p.returncode == 0 else {"runs": [], "format_version": None}
        fv = {r["group"]: r for r in doc["runs"]}.get("/runs/fv__method-vanilla", {"datasets": [], "attributes": {}})
        log.check("inspect of a 1.0 file", p.returncode == 0 and doc["format_version"] == [1, 0]
                  and {d["name"]: d["shape"] for d in fv["datasets"]}.get("first_violation") == [1]
                  and "sections" in fv["attributes"], "exit 0, format 1.0, shape [1], sections",
                  "exit %d %s" % (p.returncode, p.stderr[:200]))
        merged = os.path.join(tmp, "merged.h5")
        p = run("merge", old, "-o", merged)
        if log.check("merge of a 1.0 file", p.returncode == 0, "exit 0", "exit %d: %s" % (p.returncode, p.stderr)):
            compare("merge of the 1.0 file", merged, fresh, skip=())

        # Format 1.1: computed attributes without units, first-violation's grid along text; it
        # fails the checks of units and options, reads, and merges to this format's form.
        v11 = os.path.join(tmp, "v11.h5")
        shutil.copy(fresh, v11)
        rewrite_1_1(v11)
        for what, problems in (("options", option_problems), ("units", unit_problems)):
            log.check("twin: %s of the 1.1 form fail" % what, problems(v11) != [], "problems", "none")
        p = run("inspect", v11, "--json")
        doc = json.loads(p.stdout) if p.returncode == 0 else {"runs": [], "format_version": None}
        pooled = {r["group"]: r for r in doc["runs"]}.get("/runs/mcpref-pools", {}).get("attribute_units", {})
        log.check("inspect of a 1.1 file: as stored", p.returncode == 0 and doc["format_version"] == [1, 1]
                  and "z_bound" not in pooled, "exit 0, format 1.1, no unit of z_bound",
                  "exit %d %s %s" % (p.returncode, p.stderr[:200], pooled))
        merged = os.path.join(tmp, "merged11.h5")
        p = run("merge", v11, "-o", merged)
        if log.check("merge of a 1.1 file", p.returncode == 0, "exit 0", "exit %d: %s" % (p.returncode, p.stderr)):
            compare("merge of the 1.1 file", merged, fresh, skip=())

        # Checkpoints of 1.0 and of 1.1 are computed again, not resumed.
        resume_from("1.0", spec, os.path.join(tmp, "resumed10.h5"), fresh, lambda c: rewrite_legacy(c, [1, 0]))
        resume_from("1.1", spec, os.path.join(tmp, "resumed11.h5"), fresh, rewrite_1_1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

main()
sys.exit(log.finish())
