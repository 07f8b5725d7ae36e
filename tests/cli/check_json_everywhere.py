#!/usr/bin/env python3
"""Every command that computes prints one self-describing JSON object with --json.

Usage: check_json_everywhere.py PATH/TO/hopelab tests/batch/claims_demo.toml
  * lists every leaf command of `hopelab` from --help, so a new command without a case here (or
    an entry in NOT_COMPUTING) fails this test;
  * runs each with --json on inputs made here in seconds (a tiny random model, a prompt, the demo
    claims spec's results), parses stdout as one JSON object, and requires its resolved settings
    ("settings", an object) and provenance ("provenance" with every key of provenance_json,
    experiments/app/record_output.h);
  * the twin: the same check fed an object without provenance, or with a provenance key missing,
    or two JSON lines, reports it.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
SPEC = os.path.abspath(sys.argv[2])
PROVENANCE_KEYS = ["hopelab_version", "git_commit", "git_dirty", "created_utc", "host", "backend", "device",
                   "instruction_set", "rng", "seed", "spec_name"]
# Commands that describe rather than compute: their --json is a catalogue.
NOT_COMPUTING = {"kinds"}
log = CheckLog(tolerances=False)


def leaf_commands(path=()):
    """Every leaf subcommand of hopelab, as word tuples, from the Subcommands section of --help."""
    out = subprocess.run([CLI, *path, "--help"], capture_output=True, text=True, timeout=30).stdout
    if "Subcommands:" not in out:
        return [tuple(path)]
    names = [m.group(1) for m in re.finditer(r"^  ([a-z][a-z0-9-]*)\s", out.split("Subcommands:", 1)[1], re.M)]
    leaves = []
    for name in names:
        leaves += leaf_commands(path + (name,))
    return leaves


def json_problems(stdout):
    """What is wrong with a command's --json output: not one JSON object, no settings object,
    no provenance or a provenance key missing."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    try:
        obj = json.loads(stdout)
    except ValueError as e:
        return ["not one JSON object (%d lines): %s" % (len(lines), e)]
    if not isinstance(obj, dict):
        return ["not a JSON object"]
    problems = []
    if not isinstance(obj.get("settings"), dict):
        problems.append("no settings object")
    provenance = obj.get("provenance")
    if not isinstance(provenance, dict):
        problems.append("no provenance object")
    else:
        missing = [k for k in PROVENANCE_KEYS if k not in provenance]
        if missing:
            problems.append("provenance lacks " + ", ".join(missing))
    return problems


def check_twin():
    good = {"settings": {"x": 1}, "provenance": {k: "" for k in PROVENANCE_KEYS}}
    log.check("twin: a good object passes", json_problems(json.dumps(good)) == [], [], json_problems(json.dumps(good)))
    bad = [("no provenance", {"settings": {}}),
           ("a provenance key missing", {"settings": {}, "provenance": {k: "" for k in PROVENANCE_KEYS[1:]}}),
           ("no settings", {"provenance": good["provenance"]})]
    for name, obj in bad:
        log.check("twin: " + name + " is reported", len(json_problems(json.dumps(obj))) == 1, 1,
                  json_problems(json.dumps(obj)))
    two = json.dumps(good) + "\n" + json.dumps(good) + "\n"
    log.check("twin: two JSON lines are reported", len(json_problems(two)) == 1, 1, json_problems(two))


def cases(tmp):
    """Command line (without --json) per leaf command, on inputs under tmp made in order."""
    model, prompt, results = os.path.join(tmp, "tiny"), os.path.join(tmp, "in.safetensors"), os.path.join(tmp, "r.h5")
    trained = os.path.join(tmp, "trained")
    small_method = ["--method", "hope"]
    return [
        (("vlm", "init"), ["vlm", "init", "--preset", "tiny", "-o", model]),
        (("vlm", "input"), ["vlm", "input", "--model", model, "-o", prompt]),
        (("vlm", "inspect"), ["vlm", "inspect", model]),
        (("vlm", "logits"), ["vlm", "logits", "--model", model, "--input", prompt, "-o", os.path.join(tmp, "l.st")]),
        (("vlm", "grad"), ["vlm", "grad", "--model", model, "--input", prompt, "-o", os.path.join(tmp, "g.st")]),
        (("vlm", "generate"), ["vlm", "generate", "--model", model, "--input", prompt, "--max-new-tokens", "2"]),
        (("vlm", "positions"), ["vlm", "positions", "--model", model, "--input", prompt]),
        (("vlm", "check"), ["vlm", "check", "--model", model]),
        (("vlm", "dump-qk"), ["vlm", "dump-qk", "--model", model, "--input", prompt, "-o", os.path.join(tmp, "qk.h5")]),
        (("vlm", "train"), ["vlm", "train", "--preset", "tiny", "--steps", "2", "--batch", "1", "--warmup", "1",
                            "--quiet", "-o", trained]),
        (("vlm", "niah"), ["vlm", "niah", "--model", trained, "--method", "mrope", "--lengths", "2", "--depths", "0",
                           "--examples", "4"]),
        (("run",), ["run", SPEC, "-o", results]),
        (("inspect",), ["inspect", results]),
        (("claims",), ["claims", results]),
        (("merge",), ["merge", results, "-o", os.path.join(tmp, "merged.h5")]),
        (("plot",), ["plot", results, "-o", os.path.join(tmp, "figures"), "--only", "base-bound"]),
        (("theory", "allocation"), ["theory", "allocation", *small_method]),
        (("theory", "preference"), ["theory", "preference", *small_method, "--offset", "100,0,0"]),
        (("theory", "first-violation"), ["theory", "first-violation", "--method", "mrope", "--limit", "1000"]),
        (("theory", "base-bound"), ["theory", "base-bound", "--context-length", "64"]),
        (("theory", "critical-length"), ["theory", "critical-length", "--method", "mrope"]),
        (("theory", "report"), ["theory", "report", "--limit", "100"]),
        (("positions",), ["positions", "--method", "mrope", "--layout", "video:2x2x2,text:3"]),
        (("mc", "preference"), ["mc", "preference", *small_method, "--offsets", "0:100:50", "--samples", "500"]),
        (("mc", "win-prob"), ["mc", "win-prob", *small_method, "--samples", "500"]),
        (("mc", "retrieval"), ["mc", "retrieval", *small_method, "--frames", "2", "--grid", "2x2", "--depth", "0",
                               "--samples", "20"]),
        (("bench", "mc"), ["bench", "mc", "--samples", "1000", "--offsets", "10", "--win-samples", "1000",
                           "--win-offsets", "10", "--repeats", "1"]),
        (("bench", "vlm"), ["bench", "vlm", "--tokens", "8", "--decode-steps", "1", "--repeats", "1"]),
        (("bench", "train"), ["bench", "train", "--preset", "tiny", "--threads", "1", "--repeats", "1", "--batch",
                              "1", "--frames", "2"]),
    ]


def main():
    check_twin()
    leaves = leaf_commands()
    log.check("hopelab lists its commands", len(leaves) > 20, "> 20 leaf commands", leaves)
    tmp = tempfile.mkdtemp(prefix="hopelab-json-")
    try:
        covered = set()
        for path, args in cases(tmp):
            covered.add(path)
            p = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, timeout=300, cwd=tmp)
            name = " ".join(path)
            if not log.check(name + " --json exit", p.returncode == 0, 0, (p.returncode, p.stderr.strip()[-300:])):
                continue
            log.check(name + " --json", json_problems(p.stdout) == [], "settings and provenance",
                      json_problems(p.stdout))
        # `hopelab unit KIND` shares one implementation for every kind: two kinds stand for all.
        for kind, extra in (("sign-flip", ["--method", "mrope", "--context-length", "1000"]), ("flattening", [])):
            p = subprocess.run([CLI, "unit", kind, *extra, "--json"], capture_output=True, text=True, timeout=120)
            log.check("unit " + kind + " --json", p.returncode == 0 and json_problems(p.stdout) == [],
                      "settings and provenance", (p.returncode, p.stderr.strip()[-200:], json_problems(p.stdout)))
            covered.add(("unit", kind))
        # bench mc says whether the machine was loaded (load average above the cores it may use),
        # and warns on stderr exactly then.
        p = subprocess.run([CLI, "bench", "mc", "--samples", "1000", "--offsets", "10", "--win-samples", "1000",
                            "--win-offsets", "10", "--repeats", "1", "--json"], capture_output=True, text=True,
                           timeout=120)
        machine = json.loads(p.stdout).get("machine", {}) if p.returncode == 0 else {}
        loaded = max(machine.get("load_average_before", -1), machine.get("load_average_after", -1)) > \
            machine.get("cores", 1e9)
        log.check("bench mc: machine.loaded is load average > cores", machine.get("loaded") == loaded, loaded, machine)
        log.check("bench mc: a warning exactly when loaded", ("load average" in p.stderr) == loaded, loaded, p.stderr)
        uncovered = [" ".join(leaf) for leaf in leaves
                     if leaf not in covered and leaf[0] != "unit" and leaf[0] not in NOT_COMPUTING]
        log.check("every computing command has a case here", uncovered == [], [], uncovered)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(log.finish())


if __name__ == "__main__":
    main()
