#!/usr/bin/env python3
"""Baseline for `hopelab mc preference`: the estimate a researcher would write in NumPy.

For N Gaussian samples (q, k, k* = q + eps xi) and M text offsets m, the statistic is
q . R(m) k* - q . R(m) k, vectorised over samples and a batch of offsets (rotating the keys
with the rotate_half layout), then its mean and standard error per offset.
Usage: mc_preference_numpy.py N M [--head-dim 128] [--base 1e6] [--seed 0]
Prints one JSON line with the rate in sample-offsets per second.
"""
import json
import time

import numpy as np

from numpy_baseline import arguments, rotate, samples


def main():
    a = arguments()
    q, k, k_star, theta, m = samples(a)

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
