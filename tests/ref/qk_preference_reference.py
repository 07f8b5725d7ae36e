"""The expected semantic preference of empirical query and key pools, in NumPy (docs/theory.md
"Empirical vectors"), for the checks of scripts/dump_qk.py's pools (check_qk_golden.py,
check_dump_qk_torch.py). Shares no code with hopelab.

q is a uniform row of the query pool Q, k of the key pool K, k* = q + noise of mean 0; with
m = mean(Q), n = m - mean(K) and Sigma Q's population covariance, a rotated pair on dimensions
(a, b) at angle phi contributes E[C] cos phi + E[S] sin phi, E[C] = Sigma_aa + Sigma_bb + m_a n_a +
m_b n_b, E[S] = m_a n_b - m_b n_a; an unrotated dimension j contributes Sigma_jj + m_j n_j.
"""

import numpy as np


def expected_preference(q, k, a, b, phi, unrotated=()):
    """q, k: (n, d) pools; a, b: (P) the dimensions of each rotated pair; phi: (M, P) angles at each
    offset; unrotated: dimensions no rotation touches. Returns D, (M)."""
    mq, mk = q.mean(axis=0), k.mean(axis=0)
    cov = (q - mq).T @ (q - mq) / q.shape[0]  # population covariance: the pool is the population
    n = mq - mk
    c = cov[a, a] + cov[b, b] + mq[a] * n[a] + mq[b] * n[b]
    s = mq[a] * n[b] - mq[b] * n[a]
    u = np.asarray(unrotated, dtype=int)
    rest = float(np.sum(cov[u, u] + mq[u] * n[u])) if len(u) else 0.0
    return np.cos(phi) @ c + np.sin(phi) @ s + rest


def halves(d):
    """Pairs (i, i + d/2), i < d/2: transformers' rotate_half, hopelab's `halves`."""
    return np.arange(d // 2), np.arange(d // 2) + d // 2


def adjacent(d):
    """Pairs (2i, 2i + 1): RoFormer's layout."""
    return np.arange(0, d, 2), np.arange(1, d, 2)
