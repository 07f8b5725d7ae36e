#!/usr/bin/env python3
"""VLM training throughput, hopelab against the same model in PyTorch, in one run.

`hopelab bench train --json` (optimiser steps on the needle task: drawing the batch, then the
update: positions, packed forward, backward, clipping, AdamW; medians of --repeats steps) and
benchmarks/train_torch_step.py (transformers' Qwen2VLForConditionalGeneration built from the same
preset's config.json, one batch of the same shape drawn before the timing, torch.optim.AdamW,
clip_grad_norm_), at each thread count. Prints LLM tokens per second and hopelab's ratios over
PyTorch: of its updates (like for like: no side draws a batch inside the timing) and of its whole
steps. Then the wall time of a 600-step `vlm train` run of the needle task (docs/perf.md).
Usage: bench_train.py [--hopelab build/hopelab] [--torch-python PATH] [--threads 1,2] [--batch 16]
                      [--frames 10] [--repeats 9] [--skip-run] [--json FILE]
Without a Python that has torch and transformers, hopelab is timed alone and the table says so.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def has_torch(python):
    return subprocess.run([python, "-c", "import torch, transformers"], capture_output=True).returncode == 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hopelab", default=os.path.join(HERE, "..", "build", "hopelab"))
    p.add_argument("--torch-python", default=sys.executable)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--frames", type=int, default=10)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--skip-run", action="store_true", help="do not time the 600-step run")
    p.add_argument("--json", help="also write the results to this file")
    a = p.parse_args()
    # Threads wait passively: on a shared machine a spinning wait policy collapses (docs/perf.md).
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "passive"))
    shape = ["--batch", str(a.batch), "--frames", str(a.frames), "--repeats", str(a.repeats)]
    ours = run_json([a.hopelab, "bench", "train", "--threads", a.threads, "--json"] + shape, env)
    theirs = None
    with tempfile.TemporaryDirectory(prefix="bench_train_") as tmp:
        if has_torch(a.torch_python):
            model = os.path.join(tmp, "needle")
            subprocess.run([a.hopelab, "vlm", "init", "--preset", "needle", "-o", model], check=True,
                           capture_output=True)
            theirs = run_json([a.torch_python, os.path.join(HERE, "train_torch_step.py"), "--model", model,
                               "--threads", a.threads] + shape[:4] + ["--repeats", str(a.repeats)])
        run_seconds = None
        if not a.skip_run:
            out = os.path.join(tmp, "run")
            t0 = time.perf_counter()
            subprocess.run([a.hopelab, "vlm", "train", "--preset", "needle", "--method", "hope", "--steps", "600",
                            "--batch", "16", "--quiet", "-o", out], check=True, capture_output=True, env=env)
            run_seconds = time.perf_counter() - t0
    print("needle preset, batch %d of %d-frame videos (%d LLM tokens a step), medians of %d steps"
          % (a.batch, a.frames, ours["rows"][0]["tokens_per_step"], a.repeats))
    # Like for like: PyTorch's batch is drawn once, outside its timing, so its steps compare with
    # hopelab's updates (drawing excluded); hopelab's whole steps (drawing the batch included) too.
    print("%-8s %14s %14s %14s %10s %10s" % ("threads", "hopelab update", "hopelab step", "PyTorch",
                                             "ratio upd.", "ratio step"))
    for i, row in enumerate(ours["rows"]):
        t = theirs["rows"][i]["tokens_per_second"] if theirs else None
        print("%-8d %14.0f %14.0f %14s %10s %10s" % (
            row["threads"], row["update_tokens_per_second"], row["tokens_per_second"],
            "%.0f" % t if t else "(no torch)",
            "%.2f" % (row["update_tokens_per_second"] / t) if t else "-",
            "%.2f" % (row["tokens_per_second"] / t) if t else "-"))
    print("(LLM tokens per second at each thread count)")
    if theirs:
        print("PyTorch %s, transformers %s, %s attention" % (theirs["torch"], theirs["transformers"],
                                                           theirs["attention"]))
    if run_seconds is not None:
        print("600-step vlm train run (needle, hope, batch 16, 4-16 frames): %.1f s" % run_seconds)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"hopelab": ours, "pytorch": theirs, "run_600_seconds": run_seconds}, f, indent=2)


if __name__ == "__main__":
    main()
