"""What the NumPy baselines share: the command line, the samples and the rotation.

N Gaussian samples q, k and k* = q + xi (float64, d components), theta_i = base^(-2i/d), and
M text offsets m = 0, 100, 200, ...; rotate() applies R(angles) in the rotate_half layout.
"""
import argparse

import numpy as np


def arguments(extra=None):
    p = argparse.ArgumentParser()
    p.add_argument("samples", type=int)
    p.add_argument("offsets", type=int)
    p.add_argument("--head-dim", type=int, default=128)
    p.add_argument("--base", type=float, default=1e6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=8, help="offsets per vectorised batch")
    if extra:
        extra(p)
    return p.parse_args()


def samples(a):
    """q, k, k_star: (N, d); theta: (P); m: (M)."""
    d = a.head_dim
    rng = np.random.default_rng(a.seed)
    q = rng.standard_normal((a.samples, d))
    k = rng.standard_normal((a.samples, d))
    k_star = q + rng.standard_normal((a.samples, d))
    theta = a.base ** (-2.0 * np.arange(d // 2) / d)
    m = np.arange(a.offsets, dtype=np.float64) * 100.0
    return q, k, k_star, theta, m


def rotate(x, angles):
    """x: (N, d), angles: (B, P) -> (N, B, d), rotate_half layout."""
    half = x.shape[1] // 2
    c, s = np.cos(angles), np.sin(angles)
    x1, x2 = x[:, None, :half], x[:, None, half:]
    return np.concatenate([x1 * c - x2 * s, x1 * s + x2 * c], axis=-1)
