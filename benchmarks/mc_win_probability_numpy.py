#!/usr/bin/env python3
"""Baselines for `hopelab mc win-prob`: the win probability a researcher would write in NumPy.

For N Gaussian samples (q, k, k* = q + eps xi) and M text offsets m = 0, 100, 200, ..., the
win probability is the fraction of samples with q . R(m) k* > q . R(m) k. Two versions:
  rotate  rotate k and k* for a batch of offsets and dot with q (float64, rotate_half layout),
          the direct transcription of the definition;
  matmul  per-sample pair products x = (C, S) of (q, k* - k) and the offsets' (cos, sin)
          weights W, then (x @ W.T > 0) summed over blocks of 512 samples (fastest of 128-2048
          and unblocked, measured with PyTorch) in float32: BLAS matrix products (as fast as
          the interpreter's NumPy BLAS: a pip wheel's OpenBLAS, or Debian's reference BLAS);
  torch   the same in PyTorch (float32, its default threads), the samples already tensors.
Drawing the samples is not timed (the baselines' advantage).
Usage: mc_win_probability_numpy.py N M [--version rotate|matmul|torch] [--head-dim 128] [--base 1e6]
Prints one JSON line with the rate in sample-offsets per second.
"""
import json
import os
import time

import numpy as np

from numpy_baseline import arguments, rotate, samples


def blas_name():
    """The BLAS NumPy links (e.g. "openblas", "blas" for the reference implementation)."""
    try:
        return np.show_config(mode="dicts")["Build Dependencies"]["blas"].get("name", "?")
    except TypeError:  # NumPy < 1.25 (Debian 12's): the build's library, and where Debian points it
        info = getattr(np.__config__, "blas_opt_info", {})
        name = "+".join(sorted(set(info.get("libraries", ["?"]))))
        for folder in info.get("library_dirs", []):
            path = os.path.join(folder, "lib%s.so.3" % name)
            if os.path.exists(path):
                return "%s -> %s" % (name, os.path.relpath(os.path.realpath(path), folder))
        return name


def main():
    def extra(p):
        p.add_argument("--version", choices=["rotate", "matmul", "torch"], default="matmul")
        p.add_argument("--block", type=int, default=512, help="samples per product (matmul, torch)")
    a = arguments(extra)
    q, k, k_star, theta, m = samples(a)
    half = a.head_dim // 2

    if a.version == "torch":
        import torch
        q, k, k_star, theta, m = (torch.from_numpy(t.astype(np.float32)) for t in (q, k, k_star, theta, m))
    start = time.perf_counter()
    if a.version == "torch":
        v = k_star - k
        x = torch.cat([q[:, :half] * v[:, :half] + q[:, half:] * v[:, half:],
                       q[:, :half] * v[:, half:] - q[:, half:] * v[:, :half]], dim=1)
        angles = m[:, None] * theta[None, :]
        w = torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)
        counts = torch.zeros(a.offsets)
        for b in range(0, a.samples, a.block):  # blocks of samples: the scores stay in cache
            counts += ((x[b:b + a.block] @ w.T) > 0).sum(dim=0)
        wins = (counts / a.samples).numpy()
    elif a.version == "rotate":
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
        counts = np.zeros(a.offsets)
        for b in range(0, a.samples, a.block):  # blocks of samples: the scores stay in cache
            counts += ((x[b:b + a.block] @ w.T) > 0).sum(axis=0)
        wins = counts / a.samples
    seconds = time.perf_counter() - start
    blas = "torch " + __import__("torch").__version__ if a.version == "torch" else blas_name()
    print(json.dumps({"version": a.version, "blas": blas, "samples": a.samples, "offsets": a.offsets, "seconds": seconds,
                      "sample_offsets_per_second": a.samples * a.offsets / seconds,
                      "win_at_0": float(wins[0])}))


if __name__ == "__main__":
    main()
