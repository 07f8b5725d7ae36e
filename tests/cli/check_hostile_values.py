#!/usr/bin/env python3
"""Values a spec or the command line may not slip through (docs/usage.md "Work limit", "Options
that do not apply", "Integers").

Usage: check_hostile_values.py PATH/TO/hopelab
  * a spec that passes --dry-run computes: hostile sizes (a huge sigma, a tie scale, text_after,
    frames x grid, samples, weight_decay) are refused by --dry-run itself, one line naming the
    spec key (not a command-line flag), exit 2;
  * the work limit: a unit beyond it, a sweep of 10^12 units (counted before it is expanded:
    the refusal is quick and small), bench mc with a huge --offsets: one line, exit 2; max_work /
    --max-work raise the limit;
  * a FIFO, /dev/zero and a directory given as the spec: refused, exit 2, no hang;
  * options that do not apply to the method (allocation without custom, gamma with mrope,
    offset3 beside offsets, grid with along = text): refused naming the option and the method,
    in a spec and on the command line;
  * integers: decimal only (0x10 refused in a spec as on the command line), a negative value
    for a seed refused naming it;
  * a [[claim]] naming a dataset its runs' kind does not write: refused at load time.
Every refusal: exit 2, nothing on stdout, exactly one line on stderr, no crash. Each case is
paired with a twin that must pass, so a check that refuses everything fails too.
Prints one line per failed check and exits 1 if any failed.
"""

import json
import os
import subprocess
import sys
import tempfile

CLI = sys.argv[1] if len(sys.argv) > 1 else "hopelab"
failures = []
CRASH_MARKS = ("terminate called", "what()", "Traceback", "Aborted", "core dumped", "Segmentation fault",
               "internal error")


def run(args, timeout=60):
    try:
        p = subprocess.run([CLI] + args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return p


def fail(case, what):
    failures.append(f"FAIL {case}: {what}")


def refused(case, args, *needles, timeout=60):
    """Exit 2, no stdout, one stderr line containing every needle."""
    p = run(args, timeout)
    if p is None:
        fail(case, f"timed out after {timeout} s")
        return
    lines = p.stderr.splitlines()
    if p.returncode != 2:
        fail(case, f"expected exit 2, actual {p.returncode}; stderr {p.stderr.strip()[-300:]!r}")
    elif p.stdout:
        fail(case, f"expected no stdout, actual {p.stdout[:200]!r}")
    elif len(lines) != 1:
        fail(case, f"expected one stderr line, actual {len(lines)}: {p.stderr[:300]!r}")
    elif any(m in p.stderr for m in CRASH_MARKS):
        fail(case, f"crash marks in {p.stderr!r}")
    else:
        for n in needles:
            if n not in lines[0]:
                fail(case, f"expected {n!r} in the error, actual {lines[0]!r}")


def accepted(case, args, timeout=120):
    p = run(args, timeout)
    if p is None:
        fail(case, f"timed out after {timeout} s")
    elif p.returncode != 0:
        fail(case, f"expected exit 0, actual {p.returncode}; stderr {p.stderr.strip()[-300:]!r}")


def spec_text(kind, fields, experiment="", sweep=None, claims=""):
    def value(v):
        if isinstance(v, str):
            return '"' + v + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return repr(v) if isinstance(v, float) else str(v)
    text = f'[experiment]\nname = "hostile"\n{experiment}\n[[run]]\nname = "r"\nkind = "{kind}"\n'
    text += "".join(f"{k} = {v if isinstance(v, str) and v.startswith('0x') else value(v)}\n"
                    for k, v in fields.items())
    if sweep:
        text += "[run.sweep]\n" + "".join(f"{k} = {value(v)}\n" for k, v in sweep.items())
    return text + claims


def main():
    with tempfile.TemporaryDirectory(prefix="hopelab-hostile-") as tmp:
        counter = [0]

        def spec(*args, **kwargs):
            counter[0] += 1
            path = os.path.join(tmp, f"s{counter[0]}.toml")
            with open(path, "w") as f:
                f.write(spec_text(*args, **kwargs))
            return path

        out = os.path.join(tmp, "out.h5")

        def dry(case, path, *needles):
            refused(case + " (--dry-run)", ["run", path, "--dry-run"], *needles)

        def dry_ok(case, path):
            accepted(case + " twin (--dry-run)", ["run", path, "--dry-run"])

        # ---- class 6: what passes --dry-run computes; errors name the spec key -----------------
        small_mc = {"method": "vanilla", "head_dim": 8, "samples": 100, "offsets": "0:100:50"}
        dry("huge sigma", spec("mc-preference", dict(small_mc, sigma=1e300)), "sigma")
        accepted("sigma twin", ["run", spec("mc-preference", dict(small_mc, sigma=3.0)), "-o", out, "--force"])
        fm = {"preset": "tiny", "frames": 2, "grid": "1x1"}
        dry("huge text_after", spec("vlm-frame-match", dict(fm, text_after=10**12)), "text_after")
        p = run(["run", spec("vlm-frame-match", dict(fm, text_after=10**12)), "--dry-run"])
        if p is not None and "--text-after" in p.stderr:
            fail("spec error wording", f"a spec's error names a command-line flag: {p.stderr.strip()!r}")
        dry("huge text_before", spec("vlm-frame-match", dict(fm, text_before=2**40)), "text_before")
        dry("huge tie scale", spec("vlm-frame-match", dict(fm, scale=1e150)), "scale")
        accepted("vlm-frame-match twin", ["run", spec("vlm-frame-match", dict(fm, scale=2.0)), "-o", out, "--force"])
        dry("huge frames x grid", spec("flattening", {"frames": 10**12, "grid": "100000x100000"}), "frames")
        dry_ok("flattening", spec("flattening", {"frames": 3, "grid": "4x4"}))
        dry("huge weight decay", spec("vlm-niah", {"preset": "tiny", "weight_decay": 1e150}), "weight_decay")
        retrieval = {"method": "vanilla", "head_dim": 8, "frames": 2, "grid": "2x2", "samples": 2**62}
        dry("huge retrieval samples", spec("mc-retrieval", retrieval), "work limit")

        # ---- class 7: the work limit, sweeps counted before they expand, spec files ------------
        dry("samples beyond the work limit", spec("mc-preference", dict(small_mc, samples=10**12)), "work limit")
        dry_ok("samples within a raised limit",
               spec("mc-preference", dict(small_mc, samples=10**12), experiment="max_work = 1e15"))
        dry("max_work below 1", spec("mc-preference", small_mc, experiment="max_work = 0.5"), "max_work")
        refused("--max-work on the command line",
                ["mc", "preference", "--method", "vanilla", "--head-dim", "8", "--samples", "1000000",
                 "--offsets", "0:100:50", "--max-work", "1000"], "work limit")
        accepted("--max-work twin", ["mc", "preference", "--method", "vanilla", "--head-dim", "8", "--samples", "100",
                                     "--offsets", "0:100:50", "--max-work", "1e6"])
        sweep = os.path.join(tmp, "sweep.toml")
        with open(sweep, "w") as f:  # 1000^4 = 10^12 units over head_dim, base, sigma and offsets
            f.write('[experiment]\nname = "hostile"\n[[run]]\nname = "r"\nkind = "preference"\nmethod = "vanilla"\n'
                    "[run.sweep]\n" +
                    "head_dim = [" + ", ".join(str(2 * k + 2) for k in range(1000)) + "]\n" +
                    "base = [" + ", ".join(str(k + 2) for k in range(1000)) + "]\n" +
                    "sigma = [" + ", ".join(str(k + 1) for k in range(1000)) + "]\n" +
                    "offsets = [" + ", ".join(f'"0:{k + 1}:1"' for k in range(1000)) + "]\n")
        refused("sweep of 10^12 units", ["run", sweep, "--dry-run"], "units", timeout=20)
        dry_ok("small sweep", spec("preference", {"method": "vanilla", "offsets": "0:10:1"},
                                   sweep={"base": [100.0, 1000.0]}))
        refused("bench mc huge --offsets", ["bench", "mc", "--offsets", "1000000000000"], "offsets", timeout=20)
        refused("bench mc work limit", ["bench", "mc", "--samples", "100000000000", "--offsets", "10000"],
                "work limit", timeout=20)
        refused("bench mc negative seed", ["bench", "mc", "--seed", "-1"], "seed", "-1", timeout=20)
        refused("spec is /dev/zero", ["run", "/dev/zero", "--dry-run"], "regular file", timeout=20)
        refused("spec is a directory", ["run", tmp, "--dry-run"], "regular file", timeout=20)
        fifo = os.path.join(tmp, "fifo.toml")
        os.mkfifo(fifo)
        refused("spec is a FIFO", ["run", fifo, "--dry-run"], "regular file", timeout=20)

        # ---- class 9: options that do not apply, integers, claims -------------------------------
        dry("allocation without custom", spec("preference", {"method": "mrope", "allocation": "t:0-63"}),
            "allocation", "mrope")
        dry("gamma with mrope", spec("preference", {"method": "mrope", "gamma": 0.5}), "gamma", "mrope")
        dry_ok("gamma with hope", spec("preference", {"method": "hope", "gamma": 0.5}))
        dry("offset3 beside offsets",
            spec("preference", {"method": "vanilla", "offset3": [1.0, 2.0, 3.0], "offsets": "0:10:1"}),
            "offsets", "offset3")
        dry("grid with along = text", spec("preference", {"method": "vanilla", "grid": "4x4"}), "grid", "along")
        refused("--gamma with mrope", ["unit", "preference", "--method", "mrope", "--gamma", "0.5",
                                       "--offset3", "1,2,3"], "gamma", "mrope")
        refused("--allocation without custom", ["unit", "allocation", "--method", "vanilla",
                                                "--allocation", "t:0-63"], "allocation", "vanilla")
        refused("--offset3 with --offsets", ["mc", "preference", "--method", "vanilla", "--offset3", "1,2,3",
                                             "--offsets", "0:10:1", "--samples", "100"], "offsets", "offset3")
        refused("--keep-fraction with vanilla", ["unit", "allocation", "--method", "vanilla",
                                                 "--keep-fraction", "0.5"], "keep_fraction", "vanilla")
        accepted("--keep-fraction with p-rope", ["unit", "allocation", "--method", "p-rope", "--keep-fraction", "0.5"])
        dry("hexadecimal integer in a spec", spec("preference", {"method": "vanilla", "head_dim": "0x10"}),
            "head_dim", "decimal")
        dry_ok("decimal twin", spec("preference", {"method": "vanilla", "head_dim": 16}))
        refused("hexadecimal integer on the command line", ["unit", "allocation", "--method", "vanilla",
                                                            "--head-dim", "0x10"], "head_dim")
        refused("negative seed", ["mc", "preference", "--method", "vanilla", "--samples", "100", "--seed", "-1"],
                "seed", "-1")
        dry("negative seed in a spec", spec("mc-preference", dict(small_mc, seed=-1)), "seed", "-1")
        # Options held in unsigned integers (CLI11 would wrap -1 to 2^64 - 1), with a twin each.
        model_dir = os.path.join(tmp, "unsigned-model")
        for case, args, flag in (
                ("vlm init --seed", ["vlm", "init", "--preset", "tiny", "-o", model_dir, "--seed"], "--seed"),
                ("vlm init --max-shard-bytes", ["vlm", "init", "--preset", "tiny", "-o", model_dir,
                                                "--max-shard-bytes"], "--max-shard-bytes"),
                ("vlm input --seed", ["vlm", "input", "--model", model_dir, "-o", os.path.join(tmp, "in.st"), "--seed"],
                 "--seed"),
                ("vlm train --seed", ["vlm", "train", "--preset", "needle", "--steps", "1", "-o",
                                      os.path.join(tmp, "unsigned-train"), "--seed"], "--seed")):
            for value in ("-1", "0x10", "1e3"):
                refused(f"{case} {value}", args + [value], flag, value)
            if os.path.exists(model_dir):
                fail(case, "an output was written for a refused value")
        accepted("vlm init --seed twin", ["vlm", "init", "--preset", "tiny", "-o", model_dir, "--seed",
                                          "18446744073709551615"])
        for value in ("nan", "inf", "-1", "0.5"):
            refused(f"--recheck-above {value}", ["theory", "base-bound", "--context-length", "100",
                                                 "--recheck-above", value], "recheck_above")
        claim = ('[[claim]]\nid = "c"\nstatement = "s"\nsource = "t"\nrule = "value-equals"\nruns = ["r"]\n'
                 'dataset = "{}"\nexpected = 1.0\n')
        dry("claim on a missing dataset",
            spec("allocation", {"method": "vanilla"}, claims=claim.format("no_such_dataset")), "no_such_dataset")
        twin = run(["kinds", "allocation", "--json"])
        data = json.loads(twin.stdout) if twin else {}
        kind = data["kinds"][0] if "kinds" in data else data
        names = [d["name"] for d in kind.get("datasets", [])]
        if names:
            dry_ok("claim on a dataset the kind writes",
                   spec("allocation", {"method": "vanilla"}, claims=claim.format(names[0])))
        else:
            fail("kinds allocation --json", "no datasets listed")

    for line in failures:
        print(line)
    print(f"check_hostile_values: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
