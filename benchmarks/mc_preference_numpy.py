#!/usr/bin/env python3
"""Baseline for `hopelab mc preference`: the estimate a researcher would write in NumPy.

For N Gaussian samples (q, k, k* = q + eps xi) and M text offsets m, the statistic is
q . R(m) k* - q . R(m) k, vectorised over samples and a batch of offsets (rotating the keys
with the rotate_half layout), then its mean and standard error per offset.
Usage: mc_preference_numpy.py N M [--head-dim 128] [--base 1e6] [--seed 0]
Prints one JSON line with the rate in sample-offsets per second.
"""
import argparse
import json
import time

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("samples", type=int)
    p.add_argument("offsets", type=int)
    p.add_argument("--head-dim", type=int, default=128)
    p.add_argument("--base", type=float, default=1e6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=8, help="offsets per vectorised batch")
    a = p.parse_args()
    d, half = a.head_dim, a.head_dim // 2
    rng = np.random.default_rng(a.seed)
    q = rng.standard_normal((a.samples, d))
    k = rng.standard_normal((a.samples, d))
    k_star = q + rng.standard_normal((a.samples, d))
    theta = a.base ** (-2.0 * np.arange(half) / d)
    m = np.arange(a.offsets, dtype=np.float64) * 100.0

    def rotate(x, angles):  # x: (N, d), angles: (B, P) -> (N, B, d), rotate_half layout
        c, s = np.cos(angles), np.sin(angles)
        x1, x2 = x[:, None, :half], x[:, None, half:]
        return np.concatenate([x1 * c - x2 * s, x1 * s + x2 * c], axis=-1)

    start = time.perf_counter()
    means, ses = [], []
    for b in range(0, a.offsets, a.batch):
        angles = m[b:b + a.batch, None] * theta[None, :]
        stat = np.einsum("nd,nbd->nb", q, rotate(k_star, angles) - rotate(k, angles))
        means.extend(stat.mean(axis=0))
        ses.extend(stat.std(axis=0, ddof=1) / np.sqrt(a.samples))
    seconds = time.perf_counter() - start
    print(json.dumps({"samples": a.samples, "offsets": a.offsets, "seconds": seconds,
                      "sample_offsets_per_second": a.samples * a.offsets / seconds,
                      "mean_at_0": means[0]}))


if __name__ == "__main__":
    main()
