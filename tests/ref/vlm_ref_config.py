"""config.json of a Qwen2-VL-architecture model (docs/vlm.md "Configuration").

Hugging Face Qwen2VLConfig key names. The vision LayerNorm eps (1e-6) and the vision rotary
base (10000) are fixed by the architecture, not read from the file.
"""

import json
from types import SimpleNamespace

VISION_LAYER_NORM_EPS = 1e-6
VISION_ROPE_THETA = 10000.0

LLM_KEYS = ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
            "num_attention_heads", "num_key_value_heads", "rms_norm_eps", "rope_theta",
            "image_token_id", "video_token_id"]
VISION_KEYS = ["depth", "embed_dim", "num_heads", "mlp_ratio", "hidden_size", "patch_size",
               "spatial_merge_size", "temporal_patch_size"]


class ConfigError(ValueError):
    pass


def parse_config(raw):
    """raw: the decoded config.json dict -> namespace with derived sizes checked."""
    missing = [k for k in LLM_KEYS if k not in raw]
    vis = raw.get("vision_config")
    if vis is None:
        missing.append("vision_config")
    else:
        missing += ["vision_config." + k for k in VISION_KEYS if k not in vis]
    try:
        section = raw["rope_scaling"]["mrope_section"]
    except (KeyError, TypeError):
        missing.append("rope_scaling.mrope_section")
    if missing:
        raise ConfigError("config.json lacks " + ", ".join(missing))
    c = SimpleNamespace(**{k: raw[k] for k in LLM_KEYS})
    c.tie_word_embeddings = bool(raw.get("tie_word_embeddings", False))
    c.mrope_section = [int(s) for s in section]
    c.head_dim = c.hidden_size // c.num_attention_heads
    v = SimpleNamespace(**{k: vis[k] for k in VISION_KEYS})
    v.in_chans = int(vis.get("in_chans", vis.get("in_channels", 3)))
    v.head_dim = v.embed_dim // v.num_heads
    v.layer_norm_eps = VISION_LAYER_NORM_EPS
    v.rope_theta = VISION_ROPE_THETA
    c.vision = v
    checks = [
        (c.hidden_size % c.num_attention_heads == 0, "hidden_size % num_attention_heads"),
        (c.head_dim % 2 == 0, "LLM head dim must be even"),
        (c.num_attention_heads % c.num_key_value_heads == 0, "heads % KV heads"),
        (len(c.mrope_section) == 3 and sum(c.mrope_section) == c.head_dim // 2,
         "mrope_section must be [t, h, w] summing to head_dim / 2 = %d" % (c.head_dim // 2)),
        (v.embed_dim % v.num_heads == 0 and v.head_dim % 4 == 0,
         "vision head dim must divide embed_dim and be a multiple of 4"),
        (v.hidden_size == c.hidden_size, "vision_config.hidden_size must equal hidden_size"),
    ]
    bad = [msg for ok, msg in checks if not ok]
    if bad:
        raise ConfigError("config.json: " + "; ".join(bad))
    return c


def read_config(path):
    with open(path) as f:
        return parse_config(json.load(f))
