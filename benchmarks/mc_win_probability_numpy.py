#!/usr/bin/env python3
"""Baselines for `hopelab mc win-prob`: the win probability a researcher would write in NumPy.

For N Gaussian samples (q, k, k* = q + eps xi) and M text offsets m = 0, 100, 200, ..., the
win probability is the fraction of samples with q . R(m) k* > q . R(m) k. Two versions:
  rotate  rotate k and k* for a batch of offsets and dot with q (float64, rotate_half layout),
          the direct transcription of the definition;
  matmul  per-sample pair products x = (C, S) of (q, k* - k) and the offsets' (cos, sin)
          weights W, then (x @ W.T > 0).mean(0) in float32: one BLAS matrix product.
Usage: mc_win_probability_numpy.py N M [--version rotate|matmul] [--head-dim 128] [--base 1e6]
Prints one JSON line with the rate in sample-offsets per second.
"""
import json
import time

import numpy as np

from numpy_baseline import arguments, rotate, samples


def main():
    a = arguments(lambda p: p.add_argument("--version", choices=["rotate", "matmul"], default="matmul"))
    q, k, k_star, theta, m = samples(a)
    half = a.head_dim // 2

    start = time.perf_counter()
    if a.version == "rotate":
        wins = []
        for b in range(0, a.offsets, a.batch):
            angles = m[b:b + a.batch, None] * theta[None, :]
            stat = np.einsum("nd,nbd->nb", q, rotate(k_star, angles) - rotate(k, angles))
            wins.extend((stat > 0).mean(axis=0))
    else:
        v = k_star - k
        x = np.concatenate([q[:, :half] * v[:, :half] + q[:, half:] * v[:, half:],
                            q[:, :half] * v[:, half:] - q[:, half:] * v[:, :half]], axis=1).astype(np.float32)
        angles = m[:, None] * theta[None, :]
        w = np.concatenate([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
        wins = ((x @ w.T) > 0).mean(axis=0)
    seconds = time.perf_counter() - start
    print(json.dumps({"version": a.version, "samples": a.samples, "offsets": a.offsets, "seconds": seconds,
                      "sample_offsets_per_second": a.samples * a.offsets / seconds,
                      "win_at_0": float(wins[0])}))


if __name__ == "__main__":
    main()
