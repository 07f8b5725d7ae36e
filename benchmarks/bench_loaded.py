#!/usr/bin/env python3
"""hopelab on a loaded machine: wall time with and without busy background processes (docs/perf.md).

Three commands, each timed alone and beside B busy processes (pure spin loops, the load a shared
node or a neighbour's job puts on the cores), in alternating order, K rounds:
  frame-match   `hopelab run` of one vlm-frame-match unit (paper.toml's, method vanilla)
  mc            `hopelab mc preference` (mrope, d = 16), --mc-samples samples
  logits-8k     `hopelab vlm logits --last-only` of a tiny-preset prompt of --tokens + 2 tokens
                (text, a one-frame 2 x 2 video between its start and end tokens, text)
The busy processes run at the benchmark's own priority, so the scheduler shares the cores
fairly between them and hopelab's T threads: on C cores hopelab's fair share is T*C/(B+T) cores
instead of min(T, C), a slowdown of min(T, C)*(B+T)/(T*C) even with no waste at all (4 for
B = 6, T = C = 2). A collapse is a slowdown well above that: threads that spin at barriers
while their peers wait for a core. Prints, per command, the median alone, the median loaded,
their ratio and the fair-share ratio.
Usage: bench_loaded.py [--hopelab build/hopelab] [--busy 6] [--rounds 3] [--mc-samples 2000000]
                       [--tokens 8192] [--json FILE]
"""
import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

FRAME_MATCH_SPEC = """[experiment]
name = "loaded"
seed = 1

[[run]]
name = "frame-match"
kind = "vlm-frame-match"
frames = 32
method = "vanilla"
"""


def spin():
    while True:
        pass


def prepare(args, tmp):
    """The commands, each a list of argv, in tmp."""
    spec = os.path.join(tmp, "frame_match.toml")
    with open(spec, "w") as f:
        f.write(FRAME_MATCH_SPEC)
    model, prompt = os.path.join(tmp, "model"), os.path.join(tmp, "prompt.safetensors")
    subprocess.run([args.hopelab, "vlm", "init", "--preset", "tiny", "-o", model], check=True, capture_output=True)
    # text_before + vision start + one frame of a 2 x 2 grid (4 tokens) + vision end + text_after.
    subprocess.run([args.hopelab, "vlm", "input", "--model", model, "-o", prompt, "--frames", "1",
                    "--text-before", str(args.tokens - 8), "--text-after", "4"], check=True, capture_output=True)
    return {
        "frame-match": [args.hopelab, "run", spec, "-o", os.path.join(tmp, "fm.h5"), "--force"],
        "mc": [args.hopelab, "mc", "preference", "--method", "mrope", "--head-dim", "16", "--offsets", "0:4000:1000",
               "--samples", str(args.mc_samples), "--json"],
        "logits-%d" % args.tokens: [args.hopelab, "vlm", "logits", "--model", model, "--input", prompt, "--last-only",
                                    "-o", os.path.join(tmp, "logits.safetensors"), "--force", "--method", "vanilla"],
    }


def timed(command):
    start = time.perf_counter()
    p = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit("bench_loaded: %s failed (%d): %s" % (" ".join(command), p.returncode, p.stderr[-2000:]))
    return seconds


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hopelab", default=os.path.join(HERE, "..", "build", "hopelab"))
    p.add_argument("--busy", type=int, default=6, help="busy background processes (default 6)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--mc-samples", type=int, default=2_000_000)
    p.add_argument("--tokens", type=int, default=8192)
    p.add_argument("--json")
    args = p.parse_args()
    args.hopelab = os.path.abspath(args.hopelab)
    cores = len(os.sched_getaffinity(0))
    threads = int(os.environ.get("OMP_NUM_THREADS", cores))
    fair = min(threads, cores) * (args.busy + threads) / (threads * cores)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="bench-loaded-") as tmp:
        commands = prepare(args, tmp)
        for name in commands:
            rows[name] = {"alone": [], "loaded": [], "load_alone": [], "load_loaded": []}
        for _ in range(args.rounds):
            for name, command in commands.items():
                rows[name]["load_alone"].append(os.getloadavg()[0])
                rows[name]["alone"].append(timed(command))
                busy = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
                for b in busy:
                    b.start()
                try:
                    time.sleep(0.5)  # the spinners are running before the command starts
                    rows[name]["load_loaded"].append(os.getloadavg()[0])
                    rows[name]["loaded"].append(timed(command))
                finally:
                    for b in busy:
                        os.kill(b.pid, signal.SIGKILL)
                        b.join()
    print("%d cores, hopelab on %d threads, %d busy processes: fair-share slowdown %.2f" % (cores, threads, args.busy, fair))
    print("| command | alone s (median) | loaded s (median) | slowdown | ÷ fair share | rounds alone | rounds loaded |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        alone, loaded = statistics.median(r["alone"]), statistics.median(r["loaded"])
        r.update(median_alone=alone, median_loaded=loaded, slowdown=loaded / alone, fair_share_slowdown=fair)
        print("| %s | %.2f | %.2f | %.2f× | %.2f | %s | %s |" % (
            name, alone, loaded, loaded / alone, loaded / alone / fair, ", ".join("%.2f" % s for s in r["alone"]),
            ", ".join("%.2f" % s for s in r["loaded"])))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cores": cores, "threads": threads, "busy": args.busy, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
