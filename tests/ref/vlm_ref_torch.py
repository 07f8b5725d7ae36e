"""PyTorch port of the NumPy VLM reference and its loss, so that autograd can differentiate it.

For make_grad_golden.py only (needs torch; no CTest test imports it). It follows vlm_ref_ops,
vlm_ref_vision, vlm_ref_language, vlm_reference (embed_tokens, reference_logits) and
vlm_ref_loss.cross_entropy function by function, with their comments; what carries no
gradient (positions, rotary angles, labels, vision 2D positions) is taken from those NumPy
modules. Weights: {name: tensor}, float64 or float32 throughout (leaves with requires_grad for
autograd). `rnd` is a stage policy with the interface of vlm_ref_ops.ExactStages: Stages here,
vlm_ref_torch_rounding.TorchRounding for the float32 rounding model.
"""

import math

import numpy as np
import torch

import vlm_reference as ref
from vlm_ref_loss import IGNORE, loss_labels
from vlm_ref_vision import patch_positions, vision_angles

# ---------------------------------------------------------------- formulas (vlm_ref_ops)


def layer_norm(x, weight, bias, eps):
    """x: (N, E) -> (x - mean) / sqrt(var + eps) * weight + bias, var the biased variance."""
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * weight + bias


def rms_norm(x, weight, eps):
    """x: (L, H) -> x / sqrt(mean(x^2) + eps) * weight."""
    return x / torch.sqrt((x * x).mean(dim=-1, keepdim=True) + eps) * weight


def quick_gelu(x):
    """x sigma(1.702 x)."""
    return x / (1.0 + torch.exp(-1.702 * x))


def gelu_exact(x):
    """x Phi(x) = x (1 + erf(x / sqrt 2)) / 2."""
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def silu(x):
    """x sigma(x)."""
    return x / (1.0 + torch.exp(-x))


def softmax(s):
    """Softmax over the last axis (max subtracted first, a constant of the gradient; -inf -> 0)."""
    e = torch.exp(s - s.max(dim=-1, keepdim=True).values.detach())
    return e / e.sum(dim=-1, keepdim=True)


def rotate_half_split(x, phi):
    """x: (N, heads, D), phi: (N, D/2) NumPy float64 -> pair (i, i + D/2) turned by phi_i:
    (x_i cos - x_{i+D/2} sin, x_{i+D/2} cos + x_i sin). cos/sin in float64, then cast."""
    half = x.shape[-1] // 2
    c = torch.from_numpy(np.cos(phi))[:, None, :].to(x.dtype)
    s = torch.from_numpy(np.sin(phi))[:, None, :].to(x.dtype)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], dim=-1)


class Stages:
    """Every stage computed exactly in the tensors' dtype (vlm_ref_ops.ExactStages)."""

    def linear(self, x, weight, bias=None):
        """x: (N, in), weight: (out, in), bias: (out) -> W x + b per row."""
        y = x @ weight.T
        return y if bias is None else y + bias

    def einsum(self, spec, a, b, inner):
        return torch.einsum(spec, a, b)

    def elementwise(self, y):
        return y

    def phase(self, phi):
        return phi

    def rotated(self, x):
        return x


# ---------------------------------------------------------------- vision (vlm_ref_vision)

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
    outs = []
    for start, n in segments:  # bidirectional within one temporal patch of one grid
        sl = slice(start, start + n)
        scores = rnd.einsum("qhd,khd->hqk", q[sl], k[sl], D) / math.sqrt(D)
        p = rnd.elementwise(softmax(scores))
        outs.append(rnd.einsum("hqk,khd->qhd", p, v[sl], n))
    out = torch.cat(outs, dim=0)
    x = x + rnd.linear(out.reshape(-1, E), wt[prefix + "attn.proj.weight"],
                       wt[prefix + "attn.proj.bias"])
    # x <- x + fc2(QuickGELU(fc1(LN2(x))))
    y = rnd.elementwise(layer_norm(x, wt[prefix + "norm2.weight"], wt[prefix + "norm2.bias"],
                                   cfg.layer_norm_eps))
    hid = rnd.elementwise(quick_gelu(rnd.linear(y, wt[prefix + "mlp.fc1.weight"],
                                                wt[prefix + "mlp.fc1.bias"])))
    return x + rnd.linear(hid, wt[prefix + "mlp.fc2.weight"], wt[prefix + "mlp.fc2.bias"])


def vision_forward(wt, cfg, pixels, grids, rnd):
    """pixels: (N, C T_p p p) tensor, grids: (n, 3) -> (N / m^2, H)."""
    m = cfg.spatial_merge_size
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


# ---------------------------------------------------------------- language (vlm_ref_language)

def decoder_layer(x, wt, prefix, cfg, phi, rnd):
    """x: (L, H), phi: (L, d/2) -> (L, H)."""
    nh, nkv, d = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
    L = x.shape[0]
    # h = x + o_proj(Attn(RMSNorm1(x)))
    y = rnd.elementwise(rms_norm(x, wt[prefix + "input_layernorm.weight"], cfg.rms_norm_eps))
    a = prefix + "self_attn."
    q = rnd.linear(y, wt[a + "q_proj.weight"], wt[a + "q_proj.bias"]).reshape(L, nh, d)
    k = rnd.linear(y, wt[a + "k_proj.weight"], wt[a + "k_proj.bias"]).reshape(L, nkv, d)
    v = rnd.linear(y, wt[a + "v_proj.weight"], wt[a + "v_proj.bias"]).reshape(L, nkv, d)
    q, k = rnd.rotated(rotate_half_split(q, phi)), rnd.rotated(rotate_half_split(k, phi))
    group = nh // nkv  # query head j reads KV head j // (n_h / n_kv)
    k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
    scores = rnd.einsum("qhd,khd->hqk", q, k, d) / math.sqrt(d)
    causal = torch.tril(torch.ones(L, L, dtype=torch.bool))[None]
    scores = torch.where(causal, scores, torch.tensor(-math.inf, dtype=scores.dtype))
    p = rnd.elementwise(softmax(scores))
    out = rnd.einsum("hqk,khd->qhd", p, v, L).reshape(L, nh * d)
    h = x + rnd.linear(out, wt[a + "o_proj.weight"])
    # x' = h + down(SiLU(gate(RMSNorm2(h))) * up(RMSNorm2(h)))
    y = rnd.elementwise(rms_norm(h, wt[prefix + "post_attention_layernorm.weight"],
                                 cfg.rms_norm_eps))
    m = prefix + "mlp."
    act = rnd.elementwise(silu(rnd.linear(y, wt[m + "gate_proj.weight"]))
                          * rnd.linear(y, wt[m + "up_proj.weight"]))
    return h + rnd.linear(act, wt[m + "down_proj.weight"])


def language_forward(wt, cfg, embeds, phi, rnd):
    """embeds: (L, H), phi: (L, d/2) -> logits (L, V)."""
    x = embeds
    for i in range(cfg.num_hidden_layers):
        x = decoder_layer(x, wt, "model.layers.%d." % i, cfg, phi, rnd)
    # logits = lm_head(RMSNorm_final(x))
    y = rnd.elementwise(rms_norm(x, wt["model.norm.weight"], cfg.rms_norm_eps))
    head = wt["model.embed_tokens.weight"] if cfg.tie_word_embeddings else wt["lm_head.weight"]
    return rnd.linear(y, head)


# ---------------------------------------------------------------- model and loss

def embed_tokens(cfg, wt, inp, rnd):
    """Embedding rows of input_ids, visual rows replaced by the merger outputs in order: (L, H)."""
    ids = torch.from_numpy(inp["input_ids"])
    x = wt["model.embed_tokens.weight"][ids]
    dtype = x.dtype
    for pix, grid, tok in (("pixel_values", "image_grid_thw", cfg.image_token_id),
                           ("pixel_values_videos", "video_grid_thw", cfg.video_token_id)):
        if pix not in inp:
            continue
        rows = torch.from_numpy(np.nonzero(inp["input_ids"] == tok)[0])
        pixels = torch.from_numpy(np.asarray(inp[pix], dtype=np.float64)).to(dtype)
        merged = vision_forward(wt, cfg.vision, pixels, inp[grid], rnd)
        x = x.index_put((rows,), merged)
    return x


def port_logits(cfg, wt, inp, method, gamma=None, delta=None, rnd=None):
    """The forward pass (vlm_reference.reference_logits): (L, V) logits."""
    rnd = rnd or Stages()
    _, phi = ref.method_angles(cfg, inp, method, gamma, delta)
    x = embed_tokens(cfg, wt, inp, rnd)
    return language_forward(wt, cfg, x, rnd.phase(phi), rnd)


def cross_entropy(logits, labels, rnd):
    """logits: (L, V), labels: (L) NumPy -> (loss, n) of vlm_ref_loss (CE)."""
    target = labels[1:]
    rows = np.nonzero(target != IGNORE)[0]
    z = logits[torch.from_numpy(rows)]
    lse = rnd.elementwise(torch.logsumexp(z, dim=1))
    terms = rnd.elementwise(lse - z[torch.arange(rows.size), torch.from_numpy(target[rows])])
    return terms.mean(), int(rows.size)


def port_loss(cfg, wt, inp, method, gamma=None, delta=None, rnd=None):
    """-> (loss tensor, n): (CE) on port_logits, labels as vlm_ref_loss.loss_labels."""
    rnd = rnd or Stages()
    logits = port_logits(cfg, wt, inp, method, gamma, delta, rnd)
    return cross_entropy(logits, loss_labels(cfg, inp), rnd)


def leaf_weights(weights, dtype=torch.float64):
    """NumPy {name: array} -> {name: leaf tensor of dtype with requires_grad}."""
    return {k: torch.tensor(np.asarray(v), dtype=dtype, requires_grad=True)
            for k, v in weights.items()}


def port_gradients(cfg, weights, inp, method, gamma=None, delta=None, dtype=torch.float64,
                   rnd=None):
    """-> (loss, n, {name: NumPy float64 gradient}) by autograd of port_loss."""
    wt = leaf_weights(weights, dtype)
    loss, n = port_loss(cfg, wt, inp, method, gamma, delta, rnd)
    loss.backward()
    return loss.item(), n, {k: v.grad.to(torch.float64).numpy() for k, v in wt.items()}
