"""Test checkpoints and inputs written from Python (random weights, NumPy's PCG64 seeded).

make_checkpoint writes config.json (Hugging Face Qwen2VLConfig keys, loadable by
transformers) and model.safetensors (Qwen2-VL's tensor names, docs/vlm.md "Parameters").
make_input writes input.safetensors (docs/vlm.md "Input"): text, a video, text, an image,
text. Weights are scaled so that attention scores are O(1) (rotary positions then move the
logits visibly); this is a test model, not a trained one.
"""

import json
import os

import numpy as np

from vlm_ref_safetensors import write_safetensors

# Sizes of the self-test model: LLM head dim 32 (16 pairs, sections [4, 6, 6]), ViT 32 wide.
SMALL = {
    "vocab_size": 256, "hidden_size": 128, "intermediate_size": 256, "num_hidden_layers": 2,
    "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0, "mrope_section": [4, 6, 6],
    "vision": {"depth": 2, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 4},
}


def config_dict(s, tie=False):
    V = s["vocab_size"]
    v = s["vision"]
    return {
        "architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl",
        "vocab_size": V, "hidden_size": s["hidden_size"],
        "intermediate_size": s["intermediate_size"],
        "num_hidden_layers": s["num_hidden_layers"],
        "num_attention_heads": s["num_attention_heads"],
        "num_key_value_heads": s["num_key_value_heads"], "hidden_act": "silu",
        "max_position_embeddings": 4096, "rms_norm_eps": s["rms_norm_eps"],
        "rope_theta": s["rope_theta"],
        "rope_scaling": {"type": "mrope", "mrope_section": list(s["mrope_section"])},
        "tie_word_embeddings": tie, "attention_dropout": 0.0, "use_sliding_window": False,
        "bos_token_id": V - 6, "eos_token_id": V - 5, "vision_start_token_id": V - 4,
        "vision_end_token_id": V - 3, "image_token_id": V - 2, "video_token_id": V - 1,
        "vision_config": {
            "depth": v["depth"], "embed_dim": v["embed_dim"], "num_heads": v["num_heads"],
            "mlp_ratio": v["mlp_ratio"], "in_chans": 3, "in_channels": 3,
            "hidden_size": s["hidden_size"], "hidden_act": "quick_gelu", "patch_size": 14,
            "spatial_merge_size": 2, "temporal_patch_size": 2,
        },
    }


def random_weights(cfg, rng):
    """{name: float32 array}: linears N(0, 1/fan_in) (q, k: 4/fan_in), norms 1 + N(0, 0.1^2),
    biases N(0, 0.1^2), embeddings N(0, 1)."""
    w = {}

    def lin(name, out, inp, bias=True, scale=1.0):
        w[name + ".weight"] = rng.normal(0, scale / np.sqrt(inp), (out, inp))
        if bias:
            w[name + ".bias"] = rng.normal(0, 0.1, out)

    def norm(name, n, bias):
        w[name + ".weight"] = 1 + rng.normal(0, 0.1, n)
        if bias:
            w[name + ".bias"] = rng.normal(0, 0.1, n)

    v = cfg["vision_config"]
    E, p, C, Tp, m = v["embed_dim"], v["patch_size"], v["in_chans"], v["temporal_patch_size"], 2
    H, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    d = H // cfg["num_attention_heads"]
    w["visual.patch_embed.proj.weight"] = rng.normal(0, 1 / np.sqrt(C * Tp * p * p),
                                                     (E, C, Tp, p, p))
    for i in range(v["depth"]):
        b = "visual.blocks.%d." % i
        norm(b + "norm1", E, True)
        norm(b + "norm2", E, True)
        lin(b + "attn.qkv", 3 * E, E, scale=2.0)
        lin(b + "attn.proj", E, E)
        lin(b + "mlp.fc1", v["mlp_ratio"] * E, E)
        lin(b + "mlp.fc2", E, v["mlp_ratio"] * E)
    norm("visual.merger.ln_q", E, True)
    lin("visual.merger.mlp.0", E * m * m, E * m * m)
    lin("visual.merger.mlp.2", H, E * m * m)
    w["model.embed_tokens.weight"] = rng.normal(0, 1, (V, H))
    for i in range(cfg["num_hidden_layers"]):
        b = "model.layers.%d." % i
        norm(b + "input_layernorm", H, False)
        norm(b + "post_attention_layernorm", H, False)
        lin(b + "self_attn.q_proj", cfg["num_attention_heads"] * d, H, scale=2.0)
        lin(b + "self_attn.k_proj", cfg["num_key_value_heads"] * d, H, scale=2.0)
        lin(b + "self_attn.v_proj", cfg["num_key_value_heads"] * d, H)
        lin(b + "self_attn.o_proj", H, H, bias=False)
        lin(b + "mlp.gate_proj", I, H, bias=False)
        lin(b + "mlp.up_proj", I, H, bias=False)
        lin(b + "mlp.down_proj", H, I, bias=False)
    norm("model.norm", H, False)
    if not cfg["tie_word_embeddings"]:
        lin("lm_head", V, H, bias=False)
    return {k: a.astype(np.float32) for k, a in w.items()}


def make_checkpoint(out_dir, seed=1, sizes=SMALL, tie=False, dtype="F32"):
    """Writes out_dir/config.json and out_dir/model.safetensors; returns the config dict."""
    os.makedirs(out_dir, exist_ok=True)
    cfg = config_dict(sizes, tie)
    w = random_weights(cfg, np.random.default_rng(seed))
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    write_safetensors(os.path.join(out_dir, "model.safetensors"), w, {k: dtype for k in w},
                      metadata={"format": "pt", "generator": "tests/ref/vlm_ref_fixtures.py",
                                "seed": str(seed)})
    return cfg


def patchify(frames, patch, temporal, merge):
    """frames: (F, C, Hpx, Wpx) -> rows (t h w, C T_p p p) in Qwen2-VL's processor order
    (temporal patch, merge window row-major, patch in window row-major), and the grid."""
    F, C, Hp, Wp = frames.shape
    t, h, w = F // temporal, Hp // patch, Wp // patch
    x = frames.reshape(t, temporal, C, h // merge, merge, patch, w // merge, merge, patch)
    # axes: tau, T_p, C, window row, row in window, py, window col, col in window, px
    x = x.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    return x.reshape(t * h * w, C * temporal * patch * patch), (t, h, w)


def make_input(path, cfg, seed=1, video=(2, 4, 6), image=(1, 4, 4), texts=(5, 3, 4), labels=None):
    """input.safetensors: text, vision_start, video run, vision_end, text, image run, text.
    video/image: grids (t, h, w) in patches; pixels N(0, 1) per channel value.
    labels: None (no `labels` tensor: the loss then uses its default, vlm_ref_loss.py) or
    "prompt-masked": a `labels` I64 (L) tensor, input_ids with the first text run (the prompt)
    and the image and video placeholders set to -100. The other tensors do not depend on it."""
    rng = np.random.default_rng(seed)
    V, m = cfg["vocab_size"], 2
    vc = cfg["vision_config"]
    p, Tp = vc["patch_size"], vc["temporal_patch_size"]
    ids = list(rng.integers(0, V - 6, texts[0]))
    tensors = {}
    if video is not None:
        frames = rng.normal(0, 1, (video[0] * Tp, 3, video[1] * p, video[2] * p))
        rows, grid = patchify(frames, p, Tp, m)
        tensors["pixel_values_videos"] = rows.astype(np.float32)
        tensors["video_grid_thw"] = np.array([grid], dtype=np.int64)
        ids += [cfg["vision_start_token_id"]] + [cfg["video_token_id"]] * (
            grid[0] * grid[1] * grid[2] // (m * m)) + [cfg["vision_end_token_id"]]
    ids += list(rng.integers(0, V - 6, texts[1]))
    if image is not None:
        frames = rng.normal(0, 1, (Tp, 3, image[1] * p, image[2] * p))  # image: frame repeated
        frames[1:] = frames[0]
        rows, grid = patchify(frames, p, Tp, m)
        tensors["pixel_values"] = rows.astype(np.float32)
        tensors["image_grid_thw"] = np.array([grid], dtype=np.int64)
        ids += [cfg["vision_start_token_id"]] + [cfg["image_token_id"]] * (
            grid[1] * grid[2] // (m * m)) + [cfg["vision_end_token_id"]]
    ids += list(rng.integers(0, V - 6, texts[2]))
    tensors["input_ids"] = np.array(ids, dtype=np.int64)
    if labels == "prompt-masked":
        lab = tensors["input_ids"].copy()
        lab[:texts[0]] = -100
        lab[(lab == cfg["image_token_id"]) | (lab == cfg["video_token_id"])] = -100
        tensors["labels"] = lab
    elif labels is not None:
        raise ValueError("labels must be None or 'prompt-masked', not %r" % (labels,))
    write_safetensors(path, tensors, metadata={"generator": "tests/ref/vlm_ref_fixtures.py",
                                               "seed": str(seed)})
    return tensors
