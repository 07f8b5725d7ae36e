#!/usr/bin/env python3
"""Strong and weak scaling of `hopelab run` across MPI processes (docs/perf.md).

Each case is a spec run to completion into a scratch directory, timed whole (wall clock,
including mpiexec's start), with the 1-minute load average read before and after:
  spec strong   SPEC by one process without MPI (all cores, then one thread), then under
                mpiexec -n R for each R
  spec weak     R copies of SPEC's runs (renamed NAME-copyK, claims kept once) on R processes
  mc strong     one mc-preference unit of --mc-samples samples (head dim --mc-head-dim)
  mc weak       one unit of R x --mc-samples samples on R processes
Under mpiexec every process computes on one thread (OMP_NUM_THREADS=1) and is bound to no core
(--bind-to none: a process bound to a core that other work occupies cannot move away from it),
so R processes use R cores; processes beyond the cores oversubscribe.
Usage: bench_mpi.py [--hopelab build/hopelab] [--mpiexec mpiexec] [--spec experiments/paper.toml]
                    [--ranks 1,2] [--weak-ranks 1,2] [--mc-samples 100000000] [--mc-head-dim 16]
                    [--mc-normals fp64|fp32] [--only spec|mc] [--skip-no-mpi] [--repeats K]
                    [--json FILE] [--keep DIR]
--keep DIR keeps each run's results file (DIR/<case>.h5: the units' measured seconds, which
scripts/rank_model.py turns into a model of more processes).
With --repeats K every case runs once per round, K rounds; prints one Markdown row per case
with each round's time and the least.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def environment():
    env = dict(os.environ)
    env.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def copies(spec_text, count):
    """The spec with every [[run]] repeated `count` times, copy k renamed NAME-copyK."""
    parts = re.split(r"(?m)^(?=\[\[run\]\]|\[\[claim\]\])", spec_text)
    head, runs, claims = parts[0], [p for p in parts if p.startswith("[[run]]")], [p for p in parts if p.startswith("[[claim]]")]
    out = [head] + runs
    for k in range(2, count + 1):
        out += [re.sub(r'(?m)^name = "([^"]+)"', r'name = "\1-copy%d"' % k, r, count=1) for r in runs]
    return "".join(out + claims)


MC_SPEC = """[experiment]
name = "mc-scaling"
seed = 1
max_work = 1e14

[[run]]
name = "mc"
kind = "mc-preference"
method = "mrope"
head_dim = {head_dim}
offsets = "0:4000:1000"
samples = {samples}
normals = "{normals}"
"""


def timed_run(args, spec_text, ranks, tmp, keep=None, threads=None):
    """Wall seconds of `hopelab run` of spec_text (ranks None: without MPI), and load averages."""
    spec = os.path.join(tmp, "spec.toml")
    with open(spec, "w") as f:
        f.write(spec_text)
    out = os.path.join(tmp, "out.h5")
    command = [args.hopelab, "run", spec, "-o", out, "--force"]
    env = environment()
    if ranks is not None:
        command = [args.mpiexec, "--oversubscribe", "--bind-to", "none", "-n", str(ranks), *command]
        threads = 1
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    p = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp)
    seconds = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit("bench_mpi: %s failed (%d): %s" % (" ".join(command), p.returncode, p.stderr[-2000:]))
    if keep:
        shutil.copy(out, keep)
    return seconds, load_before, os.getloadavg()[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hopelab", default=os.path.join(HERE, "..", "build", "hopelab"))
    p.add_argument("--mpiexec", default="mpiexec")
    p.add_argument("--spec", default=os.path.join(HERE, "..", "experiments", "paper.toml"))
    p.add_argument("--ranks", default="1,2")
    p.add_argument("--weak-ranks", help="the process counts of the weak-scaling runs (default: --ranks)")
    p.add_argument("--mc-samples", type=int, default=100_000_000)
    p.add_argument("--mc-head-dim", type=int, default=16)
    p.add_argument("--mc-normals", choices=["fp64", "fp32"], default="fp64")
    p.add_argument("--only", choices=["spec", "mc"])
    p.add_argument("--skip-no-mpi", action="store_true", help="leave out the runs without mpiexec")
    p.add_argument("--json")
    p.add_argument("--keep")
    p.add_argument("--repeats", type=int, default=1, help="rounds over every case (default 1)")
    args = p.parse_args()
    args.hopelab = os.path.abspath(args.hopelab)
    ranks = [int(r) for r in args.ranks.split(",")]
    weak = [int(r) for r in (args.ranks if args.weak_ranks is None else args.weak_ranks).split(",") if r]
    with open(args.spec) as f:
        spec_text = f.read()
    mc = lambda samples: MC_SPEC.format(head_dim=args.mc_head_dim, samples=samples,
                                            normals=args.mc_normals)  # noqa: E731

    cases = []
    if args.only in (None, "spec"):
        name = os.path.basename(args.spec)
        cases.append(("%s strong" % name, "no MPI", None, spec_text))
        cases.append(("%s strong" % name, "no MPI, 1 thread", None, spec_text))
        cases += [("%s strong" % name, "-n %d" % r, r, spec_text) for r in ranks]
        cases += [("%s weak (%d copies)" % (name, r), "-n %d" % r, r, copies(spec_text, r)) for r in weak]
    if args.only in (None, "mc"):
        n = args.mc_samples
        cases.append(("mc %.0e strong" % n, "no MPI", None, mc(n)))
        cases.append(("mc %.0e strong" % n, "no MPI, 1 thread", None, mc(n)))
        cases += [("mc %.0e strong" % n, "-n %d" % r, r, mc(n)) for r in ranks]
        cases += [("mc %.0e x %d weak" % (n, r), "-n %d" % r, r, mc(n * r)) for r in weak]

    if args.skip_no_mpi:
        cases = [c for c in cases if c[2] is not None]
    # Rounds: every case once per round, so that a change of the machine's load between rounds
    # falls on every case alike; the least time of each case is the one least disturbed.
    rows = []
    print("| case | processes | wall s (each round) | least s | load before / after |")
    print("|---|---|---|---|---|")
    for case, how, r, text in cases:
        rows.append({"case": case, "processes": how, "seconds": [], "load": []})
    for _ in range(args.repeats):
        for row, (case, how, r, text) in zip(rows, cases):
            tmp = tempfile.mkdtemp(prefix="bench-mpi-")
            try:
                keep = None
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    keep = os.path.join(args.keep, re.sub(r"[^A-Za-z0-9.]+", "-", "%s %s" % (case, how)).strip("-") + ".h5")
                seconds, before, after = timed_run(args, text, r, tmp, keep, 1 if how.endswith("1 thread") else None)
            finally:
                shutil.rmtree(tmp)
            row["seconds"].append(seconds)
            row["load"].append([before, after])
    for row in rows:
        print("| %s | %s | %s | %.1f | %s |" % (row["case"], row["processes"], ", ".join("%.1f" % s for s in row["seconds"]),
                                              min(row["seconds"]), ", ".join("%.1f / %.1f" % tuple(l) for l in row["load"])))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
