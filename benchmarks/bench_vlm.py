#!/usr/bin/env python3
"""VLM throughput, hopelab against the NumPy reference, in one run.

For each preset: `hopelab bench vlm --json` (prefill of a text prompt of L tokens, logits of the
last token, median of --repeats; then KV-cached decode steps) and the NumPy reference's float32
prefill of the same prompt (tests/ref/vlm_reference.py time --last-only, on a checkpoint of the
same preset written by `hopelab vlm init`). Prints tokens per second and the ratio. The NumPy
prefill materialises L x L attention per head; lengths above --numpy-max-tokens are not run
there (at 32k a head's scores alone take 4 GB, and Debian's NumPy uses the reference BLAS).
Usage: bench_vlm.py [--hopelab build/hopelab] [--presets tiny,base100m] [--tokens 1024,8192,32768]
                    [--base-tokens 1024,8192] [--numpy-max-tokens 8192] [--base-numpy-max-tokens 1024]
                    [--repeats 3] [--torch-python PATH] [--json FILE]
With --torch-python (a Python with torch and transformers), transformers' Qwen2-VL prefill of the
same prompt and checkpoint is timed too (vlm_torch_prefill.py). Beside each figure: the 1-minute
load average read before and after its command (hopelab's covers all of a preset's lengths).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "tests", "ref", "vlm_reference.py")


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_json_with_load(cmd):
    """run_json, and the 1-minute load average before and after."""
    before = os.getloadavg()[0]
    result = run_json(cmd)
    return result, [before, os.getloadavg()[0]]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hopelab", default=os.path.join(HERE, "..", "build", "hopelab"))
    p.add_argument("--presets", default="tiny,base100m")
    p.add_argument("--tokens", default="1024,8192,32768", help="lengths for the tiny preset")
    p.add_argument("--base-tokens", default="1024,8192", help="lengths for base100m")
    p.add_argument("--numpy-max-tokens", type=int, default=8192)
    p.add_argument("--base-numpy-max-tokens", type=int, default=1024)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--torch-python", help="a Python with torch and transformers: also time PyTorch")
    p.add_argument("--json", help="also write the results to this file")
    a = p.parse_args()

    results = []
    with tempfile.TemporaryDirectory(prefix="bench_vlm_") as tmp:
        for preset in a.presets.split(","):
            tokens = a.tokens if preset == "tiny" else a.base_tokens
            numpy_max = a.numpy_max_tokens if preset == "tiny" else a.base_numpy_max_tokens
            ours, ours_load = run_json_with_load([a.hopelab, "bench", "vlm", "--preset", preset, "--tokens", tokens,
                                                  "--method", "vanilla", "--repeats", str(a.repeats), "--json"])
            model = os.path.join(tmp, preset)
            subprocess.run([a.hopelab, "vlm", "init", "--preset", preset, "-o", model], check=True,
                           capture_output=True)
            for row in ours["rows"]:
                n = row["tokens"]
                ref = None
                if n <= numpy_max:
                    ref = run_json([sys.executable, REFERENCE, "time", "--model", model, "--tokens", str(n),
                                    "--repeats", str(1 if n > 1024 else a.repeats), "--last-only"])
                torch = None
                if a.torch_python:
                    torch, torch_load = run_json_with_load([a.torch_python, os.path.join(HERE, "vlm_torch_prefill.py"),
                                                            "--model", model, "--tokens", str(n), "--repeats",
                                                            str(a.repeats)])
                    torch["load_average"] = torch_load
                row["load_average"] = ours_load
                results.append({"preset": preset, "tokens": n, "hopelab": row,
                                "numpy": ref and {"median_seconds": ref["median_seconds"], "blas": ref["blas"]},
                                "pytorch": torch})

    def ratio_text(other, ours):
        return "%.1fx" % (other["median_seconds"] / ours) if other else "-"

    def load_text(load):
        return "%.1f/%.1f" % tuple(load)

    print("%-9s %7s %11s %9s %14s %10s %8s %10s %9s %8s %12s" % (
        "preset", "tokens", "hopelab s", "load", "hopelab tok/s", "numpy s", "ratio", "torch s", "load", "ratio",
        "decode tok/s"))
    for r in results:
        h, n, t = r["hopelab"], r["numpy"], r["pytorch"]
        print("%-9s %7d %11.4g %9s %14.4g %10s %8s %10s %9s %8s %12.4g" % (
            r["preset"], r["tokens"], h["prefill_seconds"], load_text(h["load_average"]), h["prefill_tokens_per_second"],
            "%.4g" % n["median_seconds"] if n else "-", ratio_text(n, h["prefill_seconds"]),
            "%.4g" % t["median_seconds"] if t else "-", load_text(t["load_average"]) if t else "-",
            ratio_text(t, h["prefill_seconds"]), h["decode_tokens_per_second"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
