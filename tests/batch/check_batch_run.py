#!/usr/bin/env python3
"""hopelab run (batch experiments, experiments/batch/): specs, units, checkpoints, signals.

Usage: check_batch_run.py PATH/TO/hopelab PATH/TO/experiments/demo.toml
  * the demo spec expands to its units in the documented order, with the documented names and
    HDF5 groups (`--dry-run`), and a run writes them all (read back with h5py, not hopelab);
  * every unit group holds only datasets its kind exports (`hopelab kinds --json`, through
    tests/kind_names.py, which also gives every dataset name read here), and every exported
    dataset but the conditional ones (CONDITIONAL below);
  * every class of bad spec (unknown key, wrong type, empty sweep, sweep over an unknown field,
    duplicate run name, impossible value, TOML syntax error, ...) exits 2 with one stderr line
    naming the file and the key, nothing on stdout, and writes nothing;
  * an existing output is refused without --force (exit 2, file untouched);
  * a run stopped after K units (--stop-after, as if interrupted) and --resume'd equals an
    uninterrupted run apart from created_utc and the `seconds` timings;
  * --resume after the spec was edited (tests/batch/claims_demo.toml, batch/checkpoints.h) equals
    an uninterrupted run of the edited spec (its text in the provenance, its claims in /claims):
    a claim's statement and a comment changed: every checkpoint reused; one run's samples changed:
    that run's unit recomputed, the resume line naming the change, the others reused; a run
    inserted before the others (every index moves) or two runs swapped: every checkpoint reused,
    written again under its unit's new index; twins: a checkpoint whose seed was edited (its
    checksum made valid again, tests/results/record_sum.py) or whose provenance names another git
    commit is computed again, and one whose stored spec text was edited is still reused; the
    comparison itself tells the edited spec's file from the first spec's;
  * SIGINT during a slow run exits 130 within 2 s, keeps the checkpoints, writes no output, and
    --resume completes it;
  * shards 0/2 and 1/2 partition the units, each record equal to the whole run's, and
    `hopelab merge` of the shards equals the whole run.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
sys.path.insert(0, os.path.join(HERE, os.pardir))
sys.path.insert(0, os.path.join(HERE, os.pardir, "results"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from check_log import CheckLog  # noqa: E402
from kind_names import kind_names  # noqa: E402
from record_sum import record_checksum, set_checksum, stored_checksum  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
DEMO = os.path.abspath(sys.argv[2])
CLAIMS_DEMO = os.path.join(HERE, "claims_demo.toml")
log = CheckLog(tolerances=False)


def run(args, cwd, timeout=120):
    """hopelab run ARGS, or hopelab ARGS when ARGS starts with another command."""
    command = list(args) if args and args[0] in ("run", "merge", "inspect") else ["run", *args]
    p = subprocess.run([CLI, *command], capture_output=True, text=True, timeout=timeout, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- reading results with h5py

def attr_value(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray):
        return [x.decode() if isinstance(x, bytes) else x if isinstance(x, str) else x.item() for x in v.ravel()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def read_file(path, skip_root=("created_utc",), skip_run=("seconds",)):
    """Root attributes, and per group (the units', and /claims as "/claims") its attributes and
    datasets (values and attributes)."""
    with h5py.File(path, "r") as f:
        root = {k: attr_value(v) for k, v in f.attrs.items() if k not in skip_root}
        runs = {}
        groups = list(f["runs"].items()) + ([("/claims", f["claims"])] if "claims" in f else [])
        for name, g in groups:
            attrs = {k: attr_value(v) for k, v in g.attrs.items() if k not in skip_run}
            data = {}
            for dname, d in g.items():
                value = d[()]
                if isinstance(value, np.ndarray) and value.dtype == object:  # strings: by text, not pointers
                    value = repr(value.tolist())
                data[dname] = (d.shape, str(d.dtype), value.tobytes() if isinstance(value, np.ndarray) else repr(value),
                               {k: attr_value(v) for k, v in d.attrs.items()})
            runs[name] = (attrs, data)
    return root, runs


def unit_indices(path):
    with h5py.File(path, "r") as f:
        return sorted(int(g.attrs["unit_index"]) for g in f["runs"].values())


def compare(case, a, b):
    ra, ua = read_file(a)
    rb, ub = read_file(b)
    for k in sorted(set(ra) | set(rb)):
        log.check(case + " root attribute " + k, ra.get(k) == rb.get(k), ra.get(k), rb.get(k))
    log.check(case + " groups", sorted(ua) == sorted(ub), sorted(ua), sorted(ub))
    for g in sorted(set(ua) & set(ub)):
        log.check(case + " attributes of " + g, ua[g][0] == ub[g][0], ua[g][0], ub[g][0])
        log.check(case + " datasets of " + g, ua[g][1] == ub[g][1], "equal", "different")


# ---------------------------------------------------------------- the demo spec's units

EXPECTED_DEMO = [
    ("pref/method=vanilla", "/runs/pref__method-vanilla"),
    ("pref/method=mrope", "/runs/pref__method-mrope"),
    ("fv/method=mrope,base=1e4", "/runs/fv__method-mrope__base-1e4"),
    ("fv/method=mrope,base=1e6", "/runs/fv__method-mrope__base-1e6"),
    ("fv/method=videorope,base=1e4", "/runs/fv__method-videorope__base-1e4"),
    ("fv/method=videorope,base=1e6", "/runs/fv__method-videorope__base-1e6"),
    ("fv/method=hope,base=1e4", "/runs/fv__method-hope__base-1e4"),
    ("fv/method=hope,base=1e6", "/runs/fv__method-hope__base-1e6"),
    ("bound", "/runs/bound"),
    ("critical", "/runs/critical"),
    ("flip", "/runs/flip"),
    ("mcpref/method=vanilla", "/runs/mcpref__method-vanilla"),
    ("mcpref/method=hope", "/runs/mcpref__method-hope"),
    ("win", "/runs/win"),
    ("needle", "/runs/needle"),
]


def dry_run_units(stdout):
    units = []
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            units.append((int(parts[0]), parts[1], parts[2]))
    return units


def dry_run_settings(stdout):
    """{group: {key: value}} of the settings line under each unit line of a dry run."""
    settings, group = {}, None
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            group = parts[2]
        elif group is not None and line.startswith("    "):
            settings[group] = dict(w.split("=", 1) for w in parts)
            group = None
    return settings


BOOKKEEPING = {"unit", "run", "kind", "seed", "seconds", "unit_index", "attribute_units"}


def check_dry_run_names_the_stored_settings(f, shown):
    """The dry run names exactly the settings a unit's group stores (the fields that apply; an
    empty text is stored but not shown); the twin: a field that does not apply is in neither."""
    p = subprocess.run([CLI, "kinds", "--json"], capture_output=True, text=True, timeout=60)
    computed = {k["name"]: {a["name"] for a in k["attributes"]} for k in json.loads(p.stdout)["kinds"]}
    for group, keys in shown.items():
        g = f[group]
        own = computed.get(attr_value(g.attrs["kind"]), set())  # the kind's computed attributes
        stored = {n for n in g.attrs if n not in BOOKKEEPING and n not in own}
        hidden = {n for n in stored - set(keys) if attr_value(g.attrs[n]) != ""}
        log.check("%s: dry-run settings are the stored ones" % group, set(keys) <= stored and not hidden,
                  sorted(stored), "shown %s (not stored: %s; stored, not shown: %s)"
                  % (sorted(keys), sorted(set(keys) - stored), sorted(hidden)))
    vanilla = shown.get("/runs/mcpref__method-vanilla", {})
    log.check("dry run leaves out what does not apply (vanilla: no keep_fraction, kv_heads)",
              vanilla and "keep_fraction" not in vanilla and "kv_heads" not in vanilla, "absent",
              sorted(vanilla))


# Exported datasets a unit may leave out (experiments/kinds/): first-violation's offset and value
# (only when a violation is found), critical-length's pair, theta_min and frame_step (only when
# the method has a temporal frequency), mc-retrieval's frame_count (only over a range of frame
# counts, frames_end). Every other exported dataset is in every unit.
CONDITIONAL = {"first-violation": ("offset", "value"),
               "critical-length": ("critical_length", "critical_frames", "pair", "theta_min", "frame_step"),
               "mc-retrieval": ("frame_count",)}


def check_unit_datasets(f):
    """Every unit group holds only its kind's exported datasets (hopelab kinds --json), and all of
    them but the conditional ones."""
    kinds = kind_names(CLI)
    for name, g in f["runs"].items():
        kind = attr_value(g.attrs.get("kind", "(no kind attribute)"))
        if not log.check("/runs/%s kind" % name, kind in kinds, "a kind of hopelab kinds --json", kind):
            continue
        exported = kinds[kind]
        optional = {exported[n] for n in CONDITIONAL.get(kind, ())}
        held = list(g.keys())
        log.check("/runs/%s datasets are %s's exported datasets" % (name, kind),
                  all(n in exported for n in held), list(exported),
                  "%s (not exported: %s)" % (held, [n for n in held if n not in exported]))
        missing = [n for n in exported if n not in held and n not in optional]
        log.check("/runs/%s holds every unconditional dataset of %s" % (name, kind), not missing,
                  [n for n in exported if n not in optional], "%s (missing: %s)" % (held, missing))


def check_demo(tmp):
    rc, out, err = run([DEMO, "--dry-run"], tmp)
    log.check("dry-run exit", rc == 0, 0, (rc, err))
    units, shown = dry_run_units(out), dry_run_settings(out)
    log.check("demo expansion order and names", [(i, n, g) for i, (n, g) in enumerate(EXPECTED_DEMO)] == units,
              EXPECTED_DEMO, units)
    log.check("dry-run writes nothing", not os.path.exists(os.path.join(tmp, "data")), "no data/", os.listdir(tmp))

    # The budget flag multiplies every Monte Carlo unit's samples, and only theirs.
    samples = lambda text: [int(w.split("=")[1]) for w in text.split() if w.startswith("samples=")]
    rc3, out3, err3 = run([DEMO, "--dry-run", "--samples-factor", "3"], tmp)
    log.check("--samples-factor 3 triples the samples",
              rc3 == 0 and samples(out3) == [3 * n for n in samples(out)] and samples(out),
              [3 * n for n in samples(out)], (rc3, samples(out3), err3))
    log.check("--samples-factor keeps the units", dry_run_units(out3) == units, units, dry_run_units(out3))
    for bad in ("0", "-2", "x"):
        rc3, out3, err3 = run([DEMO, "--dry-run", "--samples-factor", bad], tmp)
        log.check("--samples-factor %s refused" % bad, rc3 == 2 and out3 == "" and err3.count("\n") == 1,
                  "exit 2, one line", (rc3, out3, err3))

    rc, out, err = run([DEMO], tmp)
    out_path = os.path.join(tmp, "data", "results", "demo.h5")
    log.check("demo run exit", rc == 0, 0, (rc, err))
    log.check("demo summary on stdout", out.count("\n") == 1 and "15 units" in out and "data/results/demo.h5" in out,
              "one line naming 15 units and the output", out)
    log.check("demo default output", os.path.exists(out_path), out_path, os.listdir(tmp))
    log.check("work directory removed", not os.path.exists(out_path + ".partial"), "absent", "present")
    if not os.path.exists(out_path):
        return None
    with h5py.File(out_path, "r") as f:
        log.check("spec_text is the spec", attr_value(f.attrs["spec_text"]) == open(DEMO).read(), "equal", "different")
        log.check("shard attribute", attr_value(f.attrs["shard"]) == "all", "all", attr_value(f.attrs["shard"]))
        log.check("units_total", int(attr_value(f.attrs["units_total"])) == 15, 15, attr_value(f.attrs["units_total"]))
        groups = {"/runs/" + n: int(g.attrs["unit_index"]) for n, g in f["runs"].items()}
        log.check("groups and unit_index", groups == {g: i for i, (_, g) in enumerate(EXPECTED_DEMO)},
                  EXPECTED_DEMO, groups)
        check_unit_datasets(f)
        check_dry_run_names_the_stored_settings(f, shown)
        mc, fv = kind_names(CLI)["mc-preference"], kind_names(CLI)["first-violation"]
        g = f["runs/mcpref__method-vanilla"]
        verdict = g[mc["verdict"]][()]
        log.check("mc-preference verdict 0/1", verdict.shape == (4,) and set(verdict.tolist()) <= {0, 1},
                  "(4,) of 0/1", verdict)
        log.check("dataset unit attribute", attr_value(g[mc["mean"]].attrs.get("unit", b"?")) == "1", "1",
                  attr_value(g[mc["mean"]].attrs.get("unit", b"?")))
        log.check("seconds attribute", float(g.attrs["seconds"]) >= 0, ">= 0", g.attrs.get("seconds"))
        g = f["runs/fv__method-mrope__base-1e4"]
        never = (int(g[fv["first_violation"]][()]), int(g[fv["proven_never"]][()]))
        log.check("mrope never violates along frames", never == (-1, 1), "first_violation -1, proven_never 1",
                  "first_violation %d, proven_never %d" % never)

    # An existing output is refused without --force and left untouched.
    before = open(out_path, "rb").read()
    rc, out, err = run([DEMO], tmp)
    log.check("existing output refused", rc == 2 and out == "" and err.count("\n") == 1 and "--force" in err,
              "exit 2, one line naming --force", (rc, out, err))
    log.check("existing output untouched", open(out_path, "rb").read() == before, "same bytes", "changed")
    return out_path


# ---------------------------------------------------------------- bad specs

GOOD_RUN = '[[run]]\nname = "fv"\nkind = "first-violation"\nmethod = "mrope"\n'
HEAD = '[experiment]\nname = "bad"\n'

BAD_SPECS = [
    ("unknown key", HEAD + GOOD_RUN + "bse = 1e4\n", "run[0].bse", "unknown key"),
    ("wrong type", HEAD + GOOD_RUN + 'base = "abc"\n', "run[0].base", 'got string "abc"'),
    ("integer field given a number", HEAD + GOOD_RUN + "limit = 2.5\n", "run[0].limit", "an integer"),
    ("empty sweep", HEAD + GOOD_RUN + "[run.sweep]\nbase = []\n", "run[0].sweep.base", "empty"),
    ("sweep not an array", HEAD + GOOD_RUN + "[run.sweep]\nbase = 1e4\n", "run[0].sweep.base", "array"),
    ("sweep over an unknown field", HEAD + GOOD_RUN + "[run.sweep]\ncolour = [1, 2]\n", "run[0].sweep.colour",
     "unknown field"),
    ("sweep value of a wrong type", HEAD + GOOD_RUN + '[run.sweep]\nbase = [1e4, "x"]\n', "run[0].sweep.base[1]",
     "number"),
    ("sweep and run set one key", HEAD + GOOD_RUN + "[run.sweep]\nmethod = [\"hope\"]\n", "run[0].sweep.method",
     "also set"),
    ("duplicate run name", HEAD + GOOD_RUN + GOOD_RUN, "run[1].name", "duplicate"),
    ("bad run name", HEAD + GOOD_RUN.replace('"fv"', '"F V"'), "run[0].name", "[a-z0-9_-]"),
    ("unknown kind", HEAD + GOOD_RUN.replace("first-violation", "first-violatio"), "run[0].kind", "expected one of"),
    ("missing method", HEAD + '[[run]]\nname = "p"\nkind = "preference"\n', "run[0].method", "required"),
    ("missing context length", HEAD + '[[run]]\nname = "b"\nkind = "base-bound"\n', "run[0].context_length",
     "required"),
    ("impossible base", HEAD + GOOD_RUN + "base = 0.5\n", "run[0] (unit fv)", "base"),
    ("impossible value in a later sweep point", HEAD + GOOD_RUN + "[run.sweep]\nhead_dim = [64, 63]\n",
     "run[0] (unit fv/head_dim=63)", "63"),
    ("unknown method", HEAD + GOOD_RUN.replace('"mrope"', '"mropee"'), "run[0] (unit fv)", "mropee"),
    ("too few samples", HEAD + '[[run]]\nname = "m"\nkind = "mc-preference"\nmethod = "vanilla"\nsamples = 1\n',
     "run[0] (unit m)", "samples"),
    ("needle depth out of range", HEAD + '[[run]]\nname = "r"\nkind = "mc-retrieval"\nmethod = "vanilla"\n'
     'frames = 4\ndepth = [0.5, 2.0]\n', "run[0] (unit r)", "depth"),
    ("bad offsets range", HEAD + '[[run]]\nname = "p"\nkind = "preference"\nmethod = "vanilla"\noffsets = "5:1:1"\n',
     "run[0] (unit p)", "offsets"),
    ("negative seed", '[experiment]\nname = "bad"\nseed = -1\n' + GOOD_RUN, "experiment.seed", ">= 0"),
    ("missing experiment name", '[experiment]\nseed = 1\n' + GOOD_RUN, "experiment.name", "required"),
    ("unknown experiment key", HEAD + "sed = 1\n" + GOOD_RUN, "experiment.sed", "unknown key"),
    ("unknown top-level key", HEAD + "x = 1\n" + GOOD_RUN, "x", "unknown key"),
    ("no runs", HEAD, "run", "at least one"),
    ("TOML syntax error", HEAD + GOOD_RUN + "base = \n", "bad.toml:7:", "TOML syntax error"),
]


def check_bad_specs(tmp):
    for case, text, key, what in BAD_SPECS:
        d = tempfile.mkdtemp(dir=tmp)
        spec = os.path.join(d, "bad.toml")
        with open(spec, "w") as f:
            f.write(text)
        for extra in ([], ["-o", os.path.join(d, "out.h5")]):
            rc, out, err = run([spec, *extra], d)
            line = err.rstrip("\n")
            log.check("bad spec (%s) exit" % case, rc == 2, 2, (rc, err))
            log.check("bad spec (%s) one stderr line, no stdout" % case, out == "" and "\n" not in line,
                      "one line", (out, err))
            log.check("bad spec (%s) message" % case, spec in line and key in line and what in line,
                      "file, %s and %r" % (key, what), line)
            log.check("bad spec (%s) writes nothing" % case, sorted(os.listdir(d)) == ["bad.toml"], ["bad.toml"],
                      sorted(os.listdir(d)))
    rc, out, err = run([DEMO, "--shard", "2/2", "-o", os.path.join(tmp, "never.h5")], tmp)
    log.check("bad shard refused", rc == 2 and "--shard" in err and not os.path.exists(os.path.join(tmp, "never.h5")),
              "exit 2 naming --shard", (rc, err))


# ---------------------------------------------------------------- resume, shards, signals

def check_resume(tmp, whole):
    out = os.path.join(tmp, "resumed.h5")
    rc, _, err = run([DEMO, "-o", out, "--stop-after", "6"], tmp)
    log.check("--stop-after exit", rc == 130, 130, (rc, err))
    log.check("no output after a stop", not os.path.exists(out), "absent", "present")
    partial = sorted(os.listdir(out + ".partial")) if os.path.isdir(out + ".partial") else []
    log.check("checkpoints after 6 units", partial == ["unit-%d.h5" % i for i in range(6)],
              ["unit-0.h5", "...", "unit-5.h5"], partial)
    log.check("stop message names --resume", "--resume" in err, "--resume", err)
    rc, _, err = run([DEMO, "-o", out], tmp)
    log.check("stale work directory refused without --resume", rc == 2 and "--resume" in err, "exit 2", (rc, err))
    rc, stdout, err = run([DEMO, "-o", out, "--resume"], tmp)
    log.check("resume exit and summary", rc == 0 and "6 from checkpoints" in stdout, "0, 6 from checkpoints",
              (rc, stdout, err))
    log.check("resume removes the work directory", not os.path.exists(out + ".partial"), "absent", "present")
    if whole and os.path.exists(out):
        compare("resumed vs uninterrupted", whole, out)

    # A comment appended to the spec: every checkpoint still holds its unit, and is reused.
    other = os.path.join(tmp, "other.toml")
    shutil.copy(DEMO, other)
    out2 = os.path.join(tmp, "other.h5")
    rc, _, err = run([DEMO, "-o", out2, "--stop-after", "2"], tmp)
    with open(other, "a") as f:
        f.write("# changed\n")
    rc, stdout, err = run([other, "-o", out2, "--resume"], tmp)
    log.check("resume after a comment was added reuses every checkpoint",
              rc == 0 and "2 from checkpoints" in stdout and "resume: 2 units from checkpoints, 0 recomputed" in err,
              "exit 0, 2 from checkpoints", (rc, stdout, err))


# ---------------------------------------------------------------- resume after the spec was edited

def resume_line(err):
    """The counts of the one "resume:" line: (from checkpoints, recomputed, without), and the line."""
    lines = [line for line in err.splitlines() if line.startswith("hopelab run: resume: ")]
    m = re.match(r"hopelab run: resume: (\d+) units from checkpoints, (\d+) recomputed.*, (\d+) without a checkpoint",
                 lines[0]) if len(lines) == 1 else None
    return (tuple(int(x) for x in m.groups()) if m else None), (lines[0] if len(lines) == 1 else lines)


def checkpoint_groups(out):
    """{file index: (group, unit_index)} of the checkpoints in out's work directory."""
    work = out + ".partial"
    found = {}
    for name in sorted(os.listdir(work)) if os.path.isdir(work) else []:
        m = re.fullmatch(r"unit-(\d+)\.h5", name)
        if m:
            with h5py.File(os.path.join(work, name), "r") as f:
                (group, g), = f["runs"].items()
                found[int(m.group(1))] = (group, int(g.attrs["unit_index"]))
    return found


def check_resume_edits(tmp):
    with open(CLAIMS_DEMO) as f:
        original = f.read()
    units = 8  # claims_demo.toml: runs mc, bound, fv-text, fv-frames, fv-frames-t, pref-hope, pref-videorope, flip

    def spec(name, text):
        path = os.path.join(tmp, name + ".toml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def fresh(name, path):
        out = os.path.join(tmp, name + ".fresh.h5")
        rc, _, err = run([path, "-o", out, "--force"], tmp)
        log.check("uninterrupted run of %s" % name, rc == 0, 0, (rc, err))
        return out

    def stopped(name, after=5):
        """A run of the original spec stopped after `after` units, into NAME.h5."""
        out = os.path.join(tmp, name + ".h5")
        shutil.rmtree(out + ".partial", ignore_errors=True)
        rc, _, err = run([spec("original", original), "-o", out, "--stop-after", str(after)], tmp)
        log.check("%s: stopped after %d units" % (name, after), rc == 130, 130, (rc, err))
        return out

    def resumed(name, path, out, expected, *words, extra=()):
        rc, stdout, err = run([path, "-o", out, "--resume", *extra], tmp)
        counts, line = resume_line(err)
        log.check("%s: resume line counts" % name, counts == expected, "%s from checkpoints, recomputed, without" % (expected,),
                  (rc, line, err[-600:]))
        for word in words:
            log.check("%s: resume line says %r" % (name, word), word in str(line), word, line)
        log.check("%s: no damaged checkpoint" % name, "recomputing unit" not in err, "no recomputing line", err[-600:])
        return rc

    original_fresh = fresh("original", spec("original", original))

    # (a) A claim's statement and a comment changed: every checkpoint reused.
    text = original.replace('statement = "4.3e3 is feasible at 1k"', 'statement = "4300 is a feasible base at L = 1024"')
    text = "# reworded\n" + text
    edited, out = spec("statement", text), stopped("statement")
    if resumed("claim statement changed", edited, out, (5, 0, 3)) == 0:
        compare("claim statement changed, resumed vs uninterrupted", fresh("statement", edited), out)
        # The twin: the comparison tells this file from the original spec's.
        _, a = read_file(out)
        _, b = read_file(original_fresh)
        log.check("twin: the original spec's /claims differ", a.get("/claims") != b.get("/claims"), "different", "equal")

    # (b) One run's samples changed: its unit recomputed, the others reused.
    text = original.replace("samples = 5000", "samples = 6000")
    edited, out = spec("samples", text), stopped("samples")
    if resumed("samples changed", edited, out, (4, 1, 3), "run 'mc', 1 unit: settings changed (samples 6000, was 5000)") == 0:
        fresh_samples = fresh("samples", edited)
        compare("samples changed, resumed vs uninterrupted", fresh_samples, out)
        _, a = read_file(fresh_samples)
        _, b = read_file(original_fresh)
        log.check("twin: the original spec's mc unit differs", a["mc"] != b["mc"], "different", "equal")

    # (c) A run inserted before the others: every index moves by one; every checkpoint reused,
    # written again under its unit's new index (checked after a stop before anything is computed).
    early = '[[run]]\nname = "early"\nkind = "base-bound"\ncontext_length = 512\n\n'
    text = original.replace('[[run]]\nname = "mc"', early + '[[run]]\nname = "mc"', 1)
    edited, out = spec("inserted", text), stopped("inserted")
    before = checkpoint_groups(out)
    rc = resumed("run inserted (stopped at once)", edited, out, (5, 0, 4), extra=("--stop-after", "0"))
    log.check("run inserted: --stop-after 0 stops", rc == 130, 130, rc)
    after = checkpoint_groups(out)
    moved = {index + 1: (group, index + 1) for index, (group, _) in before.items()}
    log.check("run inserted: each checkpoint under its unit's new index", all(after.get(k) == v for k, v in moved.items()),
              moved, after)
    if resumed("run inserted", edited, out, (5, 0, 4)) == 0:
        compare("run inserted, resumed vs uninterrupted", fresh("inserted", edited), out)

    # Two runs swapped (units 0 and 1 trade places): both checkpoints reused, each written again.
    first, second = original.index('[[run]]\nname = "mc"'), original.index('[[run]]\nname = "bound"')
    third = original.index('[[run]]\nname = "fv-text"')
    text = original[:first] + original[second:third] + original[first:second] + original[third:]
    edited, out = spec("swapped", text), stopped("swapped")
    rc = resumed("runs swapped (stopped at once)", edited, out, (5, 0, 3), extra=("--stop-after", "0"))
    after = checkpoint_groups(out)
    log.check("runs swapped: unit 0 is bound, unit 1 mc",
              after.get(0) == ("bound", 0) and after.get(1) == ("mc", 1), {0: ("bound", 0), 1: ("mc", 1)}, after)
    if resumed("runs swapped", edited, out, (5, 0, 3)) == 0:
        compare("runs swapped, resumed vs uninterrupted", fresh("swapped", edited), out)

    # Twins: a checkpoint whose seed was edited, its checksum valid again (unit 0, mc), and one
    # whose provenance names another commit (unit 2) are computed again; one whose stored spec text
    # was edited (unit 3) is still reused.
    out = stopped("tampered")
    work = out + ".partial"
    with h5py.File(os.path.join(work, "unit-1.h5"), "r") as f:
        g = f["runs/bound"]
        log.check("record_sum reproduces hopelab's checkpoint sum", record_checksum(g) == stored_checksum(g),
                  stored_checksum(g), record_checksum(g))
    with h5py.File(os.path.join(work, "unit-0.h5"), "r+") as f:
        g = f["runs/mc"]
        g.attrs.modify("seed", np.int64(12))
        set_checksum(g)
    with h5py.File(os.path.join(work, "unit-2.h5"), "r+") as f:
        f.attrs.modify("git_commit", "0" * 40)
    with h5py.File(os.path.join(work, "unit-3.h5"), "r+") as f:
        f.attrs.modify("spec_text", "[experiment]\nname = \"something else\"\n")
    if resumed("tampered checkpoints", spec("original", original), out, (3, 2, 3),
               "run 'mc', 1 unit: settings changed (seed 11, was 12)",
               "run 'fv-text', 1 unit: another build (git_commit") == 0:
        compare("tampered checkpoints, resumed vs uninterrupted", original_fresh, out)


def check_shards(tmp, whole):
    shards = []
    for i in range(2):
        rc, out, err = run([DEMO, "--shard", "%d/2" % i, "--dry-run"], tmp)
        listed = [u[0] for u in dry_run_units(out)]
        log.check("shard %d/2 units" % i, listed == list(range(i, 15, 2)), list(range(i, 15, 2)), listed)
        path = os.path.join(tmp, "shard%d.h5" % i)
        rc, out, err = run([DEMO, "--shard", "%d/2" % i, "-o", path], tmp)
        log.check("shard %d/2 exit" % i, rc == 0, 0, (rc, err))
        if rc == 0:
            shards.append(path)
            log.check("shard %d/2 records" % i, unit_indices(path) == list(range(i, 15, 2)), list(range(i, 15, 2)),
                      unit_indices(path))
            with h5py.File(path, "r") as f:
                log.check("shard attribute", attr_value(f.attrs["shard"]) == "%d/2" % i, "%d/2" % i,
                          attr_value(f.attrs["shard"]))
    if len(shards) != 2 or not whole:
        return
    _, whole_runs = read_file(whole)
    for path in shards:
        _, runs = read_file(path)
        for g, content in runs.items():
            log.check("shard record %s equals the whole run's" % g, content == whole_runs.get(g), "equal", "different")
    merged = os.path.join(tmp, "merged.h5")
    rc, out, err = run(["merge", *shards, "-o", merged], tmp)
    log.check("hopelab merge of the shards", rc == 0, 0, (rc, err))
    if rc == 0:
        compare("merged shards vs whole run", whole, merged)


SLOW_SPEC = """[experiment]
name = "slow"
seed = 3

[[run]]
name = "win"
kind = "mc-win-prob"
method = "mrope"
offsets = "0:2000:20"
samples = 30000
[run.sweep]
base = [1e4, 1e5, 1e6, 1e7, 1e8, 1e9]
"""


def check_sigint(tmp):
    spec = os.path.join(tmp, "slow.toml")
    with open(spec, "w") as f:
        f.write(SLOW_SPEC)
    out = os.path.join(tmp, "slow.h5")
    p = subprocess.Popen([CLI, "run", spec, "-o", out], cwd=tmp,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    first = os.path.join(out + ".partial", "unit-0.h5")
    while time.time() < deadline and not os.path.exists(first) and p.poll() is None:
        time.sleep(0.02)
    log.check("slow run checkpoints its first unit", os.path.exists(first) and p.poll() is None, "unit-0.h5, running",
              p.poll())
    time.sleep(0.1)
    sent = time.time()
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    took = time.time() - sent
    log.check("SIGINT exit status", p.returncode == 130, 130, (p.returncode, err))
    log.check("SIGINT honoured within 2 s", took <= 2.0, "<= 2 s", "%.2f s" % took)
    log.check("no output after SIGINT", not os.path.exists(out), "absent", "present")
    left = sorted(os.listdir(out + ".partial")) if os.path.isdir(out + ".partial") else []
    log.check("checkpoints left after SIGINT (no temporaries)",
              "unit-0.h5" in left and all(n.startswith("unit-") and n.endswith(".h5") for n in left), "unit-*.h5", left)
    log.check("SIGINT message says how to resume", "--resume" in err, "--resume", err)
    rc, stdout, err = run(["run", spec, "-o", out, "--resume"], tmp, timeout=300)
    log.check("resume after SIGINT", rc == 0 and os.path.exists(out) and "from checkpoints" in stdout, "exit 0",
              (rc, stdout, err))
    if os.path.exists(out):
        log.check("resumed slow run holds every unit", unit_indices(out) == list(range(6)), list(range(6)),
                  unit_indices(out))


def main():
    tmp = tempfile.mkdtemp(prefix="hopelab-batch-")
    try:
        whole = check_demo(tmp)
        check_bad_specs(tmp)
        check_resume(tmp, whole)
        check_resume_edits(tmp)
        check_shards(tmp, whole)
        check_sigint(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
