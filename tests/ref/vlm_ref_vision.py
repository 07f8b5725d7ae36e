"""Qwen2-VL's vision tower and merger (docs/vlm.md "Vision tower", steps 1-5).

Weights come in as a {name: ndarray} dict already widened to the working dtype. Rows follow
the processor order: temporal patch, merge window (row-major), patch in window (row-major).
`rnd` is a rounding model of vlm_ref_ops (ExactStages for the reference itself).
"""

import math

import numpy as np

from vlm_ref_ops import gelu_exact, layer_norm, quick_gelu, rotate_half_split, softmax


def patch_positions(t, h, w, merge):
    """-> hpos, wpos: (t h w) of each row of one grid (docs/vlm.md step 2)."""
    r = np.arange(h * w)
    b, j = r // (merge * merge), r % (merge * merge)
    windows_per_row = w // merge
    hpos = (b // windows_per_row) * merge + j // merge
    wpos = (b % windows_per_row) * merge + j % merge
    return np.tile(hpos, t), np.tile(wpos, t)


def vision_angles(hpos, wpos, head_dim, base):
    """hpos, wpos: (N) -> (N, D_v/2): pair i < D_v/4 turns by hpos omega_i, pair D_v/4 + j by
    wpos omega_j, omega_j = base^(-2j / (D_v/2))."""
    quarter = head_dim // 4
    omega = base ** (-2.0 * np.arange(quarter) / (head_dim // 2))
    return np.concatenate([np.outer(hpos, omega), np.outer(wpos, omega)], axis=1)


def vision_block(x, wt, prefix, cfg, phi, segments, rnd):
    """x: (N, E), phi: (N, D_v/2); segments: [(start, length)] of mutually attending rows."""
    E, heads, D = cfg.embed_dim, cfg.num_heads, cfg.head_dim
    # x <- x + proj(Attn(LN1(x)))
    y = rnd.elementwise(layer_norm(x, wt[prefix + "norm1.weight"], wt[prefix + "norm1.bias"],
                                   cfg.layer_norm_eps))
    qkv = rnd.linear(y, wt[prefix + "attn.qkv.weight"], wt[prefix + "attn.qkv.bias"])  # (N, 3E)
    q = rnd.rotated(rotate_half_split(qkv[:, :E].reshape(-1, heads, D), phi))
    k = rnd.rotated(rotate_half_split(qkv[:, E:2 * E].reshape(-1, heads, D), phi))
    v = qkv[:, 2 * E:].reshape(-1, heads, D)
    out = np.empty_like(v)
    for start, n in segments:  # bidirectional within one temporal patch of one grid
        sl = slice(start, start + n)
        scores = rnd.einsum("qhd,khd->hqk", q[sl], k[sl], D) / math.sqrt(D)
        p = rnd.elementwise(softmax(scores))
        out[sl] = rnd.einsum("hqk,khd->qhd", p, v[sl], n)
    x = x + rnd.linear(out.reshape(-1, E), wt[prefix + "attn.proj.weight"],
                       wt[prefix + "attn.proj.bias"])
    # x <- x + fc2(QuickGELU(fc1(LN2(x))))
    y = rnd.elementwise(layer_norm(x, wt[prefix + "norm2.weight"], wt[prefix + "norm2.bias"],
                                   cfg.layer_norm_eps))
    hid = rnd.elementwise(quick_gelu(rnd.linear(y, wt[prefix + "mlp.fc1.weight"],
                                                wt[prefix + "mlp.fc1.bias"])))
    return x + rnd.linear(hid, wt[prefix + "mlp.fc2.weight"], wt[prefix + "mlp.fc2.bias"])


def vision_forward(wt, cfg, pixels, grids, rnd):
    """pixels: (N, C T_p p p), grids: (n, 3) -> (N / m^2, H), one row per LLM visual token."""
    m = cfg.spatial_merge_size
    patch_dim = cfg.in_chans * cfg.temporal_patch_size * cfg.patch_size ** 2
    if pixels.ndim != 2 or pixels.shape[1] != patch_dim:
        raise ValueError("pixel rows must be (N, %d), got %s" % (patch_dim, pixels.shape))
    if pixels.shape[0] != sum(int(t) * int(h) * int(w) for t, h, w in grids):
        raise ValueError("%d pixel rows do not match the grids %s"
                         % (pixels.shape[0], np.asarray(grids).tolist()))
    # 1. x_r = W_pe row_r, W_pe reshaped to (E, C T_p p p)
    x = rnd.linear(pixels, wt["visual.patch_embed.proj.weight"].reshape(cfg.embed_dim, -1))
    # 2-3. 2D positions within each temporal patch, then the pair angles
    hw = [patch_positions(int(t), int(h), int(w), m) for t, h, w in grids]
    hpos = np.concatenate([a for a, _ in hw]).astype(np.float64)
    wpos = np.concatenate([b for _, b in hw]).astype(np.float64)
    phi = rnd.phase(vision_angles(hpos, wpos, cfg.head_dim, cfg.rope_theta))
    segments, start = [], 0
    for t, h, w in grids:
        for _ in range(int(t)):
            segments.append((start, int(h) * int(w)))
            start += int(h) * int(w)
    # 4. blocks
    for i in range(cfg.depth):
        x = vision_block(x, wt, "visual.blocks.%d." % i, cfg, phi, segments, rnd)
    # 5. merger: LN per row, m^2 consecutive rows concatenated, mlp.2(GELU(mlp.0(.)))
    y = rnd.elementwise(layer_norm(x, wt["visual.merger.ln_q.weight"],
                                   wt["visual.merger.ln_q.bias"], cfg.layer_norm_eps))
    y = y.reshape(-1, cfg.embed_dim * m * m)
    y = rnd.elementwise(gelu_exact(rnd.linear(y, wt["visual.merger.mlp.0.weight"],
                                              wt["visual.merger.mlp.0.bias"])))
    return rnd.linear(y, wt["visual.merger.mlp.2.weight"], wt["visual.merger.mlp.2.bias"])
