#!/usr/bin/env python3
"""Monte Carlo throughput, hopelab against NumPy baselines, in one run.

Runs `hopelab bench mc --json` (the expected-preference sweep, the win-probability product in
fp32 and fp64, and the backend's measured FMA peak) and the NumPy scripts beside it at equal
samples and head dim, and prints sample-offsets per second for each and the ratios.

The NumPy per-offset baselines (mc_preference_numpy.py and the `rotate` win probability) cost
the same for every offset, so they run on --numpy-offsets offsets (16 by default: two batches)
and their rate is compared; at the full offset count they would take hours. The `matmul`
win probability runs at the full size. With --torch-python (a Python with PyTorch and a pip
NumPy, whose BLAS is OpenBLAS), the matmul baseline also runs there and in PyTorch: the
strongest baselines, to which hopelab's fastest configuration (float phases, float normals) is
compared end to end.
Usage: bench_mc.py [--hopelab build/hopelab] [--samples 100000] [--offsets 10000]
                   [--win-samples 100000] [--win-offsets 2000] [--repeats 3] [--json FILE]
                   [--torch-python PYTHON]
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def numpy(script, *args, python=sys.executable):
    return run_json([python, os.path.join(HERE, script), *map(str, args)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hopelab", default=os.path.join(HERE, "..", "build", "hopelab"))
    p.add_argument("--samples", type=int, default=100000)
    p.add_argument("--offsets", type=int, default=10000)
    p.add_argument("--win-samples", type=int, default=100000)
    p.add_argument("--win-offsets", type=int, default=2000)
    p.add_argument("--numpy-offsets", type=int, default=16)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--torch-python", help="a Python with torch and a pip NumPy (OpenBLAS) for the strongest baselines")
    a = p.parse_args()

    hl = run_json([a.hopelab, "bench", "mc", "--samples", str(a.samples), "--offsets", str(a.offsets),
                   "--win-samples", str(a.win_samples), "--win-offsets", str(a.win_offsets),
                   "--repeats", str(a.repeats), "--json"])
    np_pref = numpy("mc_preference_numpy.py", a.samples, a.numpy_offsets)
    np_rotate = numpy("mc_win_probability_numpy.py", a.win_samples, a.numpy_offsets, "--version", "rotate")
    np_matmul = numpy("mc_win_probability_numpy.py", a.win_samples, a.win_offsets, "--version", "matmul")

    strong = {}
    if a.torch_python:
        for version in ("matmul", "torch"):
            strong[version] = numpy("mc_win_probability_numpy.py", a.win_samples, a.win_offsets, "--version", version,
                                    python=a.torch_python)

    wins = {row["precision"]: row for row in hl["win_probability"] if row["normals"] == "fp64"}
    fastest = next(row for row in hl["win_probability"] if row["precision"] == "fp32" and row["normals"] == "fp32")
    rows = [
        ("expected preference", f"{a.samples} x {a.offsets}", hl["preference"]["sample_offsets_per_second"],
         "NumPy rotate+einsum", f"{a.samples} x {a.numpy_offsets}", np_pref["sample_offsets_per_second"]),
        ("win probability fp32", f"{a.win_samples} x {a.win_offsets}", wins["fp32"]["sample_offsets_per_second"],
         "NumPy rotate+einsum", f"{a.win_samples} x {a.numpy_offsets}", np_rotate["sample_offsets_per_second"]),
        ("win probability fp32", f"{a.win_samples} x {a.win_offsets}", wins["fp32"]["sample_offsets_per_second"],
         f"NumPy matmul ({np_matmul['blas']})", f"{a.win_samples} x {a.win_offsets}",
         np_matmul["sample_offsets_per_second"]),
    ]
    for version, base in strong.items():
        rows.append(("win prob. fp32, fp32 normals", f"{a.win_samples} x {a.win_offsets}",
                     fastest["sample_offsets_per_second"],
                     f"{'NumPy matmul' if version == 'matmul' else 'PyTorch matmul'} ({base['blas']})",
                     f"{a.win_samples} x {a.win_offsets}", base["sample_offsets_per_second"]))
    print(f"backend {hl['backend']}, d = {hl['head_dim']}; hopelab: medians of {hl['repeats']} runs; NumPy: one run")
    print(f"{'estimate':28} {'hopelab N x M':16} {'sample-offsets/s':>17}   {'baseline':34} {'N x M':14} "
          f"{'sample-offsets/s':>17} {'ratio':>9}")
    for name, size, rate, base, base_size, base_rate in rows:
        print(f"{name:28} {size:16} {rate:17.4g}   {base:34} {base_size:14} {base_rate:17.4g} {rate / base_rate:9.2f}")
    for row in hl["win_probability"]:
        print(f"drawing, {row['normals']} normals: {row['normals_per_second']:.3g} normals/s "
              f"(3 d per sample, with the pair products; {row['draw_seconds']:.3g} s)")
    for precision in ("fp32", "fp64"):
        w = wins[precision]  # with fp64 normals
        print(f"win-probability product {precision}: {w['fma_per_second']:.4g} FMA/s = "
              f"{100 * w['share_of_peak']:.0f}% of the measured {precision} peak {w['peak_fma_per_second']:.4g} FMA/s "
              f"(counting {w['count_seconds']:.3g} s of {w['seconds']:.3g} s)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"hopelab": hl, "numpy": {"preference": np_pref, "win_rotate": np_rotate,
                                                "win_matmul": np_matmul}, "strong": strong}, f, indent=1)


if __name__ == "__main__":
    main()
