"""Qwen2-VL's language model prefill (docs/vlm.md "Language model", steps 3-5).

Materialised causal attention (this is a reference, not a fast path). `rnd` is a rounding
model of vlm_ref_ops (ExactStages for the reference itself).
"""

import math

import numpy as np

from vlm_ref_ops import rms_norm, rotate_half_split, silu, softmax


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
    k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)
    scores = rnd.einsum("qhd,khd->hqk", q, k, d) / np.asarray(math.sqrt(d), dtype=x.dtype)
    scores = np.where(np.tril(np.ones((L, L), dtype=bool))[None], scores, -np.inf)  # causal
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


def language_forward(wt, cfg, embeds, phi, rnd, last_only=False):
    """embeds: (L, H), phi: (L, d/2) -> logits (L, V), or (1, V) when last_only."""
    x = embeds
    for i in range(cfg.num_hidden_layers):
        x = decoder_layer(x, wt, "model.layers.%d." % i, cfg, phi, rnd)
    if last_only:
        x = x[-1:]
    # logits = lm_head(RMSNorm_final(x))
    y = rnd.elementwise(rms_norm(x, wt["model.norm.weight"], cfg.rms_norm_eps))
    head = wt["model.embed_tokens.weight"] if cfg.tie_word_embeddings else wt["lm_head.weight"]
    return rnd.linear(y, head)
