#!/usr/bin/env python3
"""Writes the seed corpus of the safetensors / config.json fuzz target (tests/fuzz/corpus/).

Each file is one selector byte (0: safetensors, 1: config.json, see fuzz_target.h) and a small
valid file, written here with struct and json only (not by hopelab's writer), or a config.json
that transformers wrote (tests/ref/golden/configs). Run it with
/usr/bin/python3 from the repository root to regenerate; the files are committed (< 20 KB).
"""
import json
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def safetensors(tensors, metadata=None):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def floats(values):
    return struct.pack("<%df" % len(values), *values)


def config(vocab, hidden, heads, kv, layers, section, embed, vheads, tie):
    v = vocab
    return {"architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl", "vocab_size": vocab,
            "hidden_size": hidden, "intermediate_size": 2 * hidden, "num_hidden_layers": layers,
            "num_attention_heads": heads, "num_key_value_heads": kv, "rms_norm_eps": 1e-6, "rope_theta": 1e6,
            "rope_scaling": {"type": "mrope", "mrope_section": section}, "tie_word_embeddings": tie,
            "bos_token_id": v - 2, "eos_token_id": v - 1, "vision_start_token_id": v - 6,
            "vision_end_token_id": v - 5, "image_token_id": v - 4, "video_token_id": v - 3,
            "vision_config": {"depth": 2, "embed_dim": embed, "num_heads": vheads, "mlp_ratio": 4, "in_chans": 3,
                              "hidden_size": hidden, "patch_size": 14, "spatial_merge_size": 2,
                              "temporal_patch_size": 2}}


FILES = {
    "safetensors_f32": b"\0" + safetensors(
        [("model.norm.weight", "F32", [4], floats([1.0, 0.5, -2.0, 3.25])),
         ("lm_head.weight", "F32", [2, 3], floats([0.1, 0.2, 0.3, -0.4, 1e-8, 65504.0]))], {"format": "pt"}),
    "safetensors_mixed": b"\0" + safetensors(
        [("a", "BF16", [2, 2], struct.pack("<4H", 0x3f80, 0xc000, 0x0001, 0x7f7f)),
         ("b", "F16", [3], struct.pack("<3H", 0x3c00, 0x0001, 0x7bff)),
         ("c", "I32", [2], struct.pack("<2i", -5, 7)),
         ("d", "I64", [1, 1], struct.pack("<q", 1 << 40)),
         ("e", "F32", [0, 3], b"")]),
    "safetensors_input": b"\0" + safetensors(
        [("input_ids", "I64", [6], struct.pack("<6q", 3, 1018, 1021, 1021, 1019, 9)),
         ("video_grid_thw", "I64", [1, 3], struct.pack("<3q", 1, 2, 4)),
         ("pixel_values_videos", "F32", [2, 4], floats([0.5 * i for i in range(8)]))],
        {"format": "hopelab-vlm-input", "seed": "0"}),
    "config_tiny": b"\1" + json.dumps(config(1024, 128, 4, 2, 2, [4, 6, 6], 32, 2, False), indent=1).encode(),
    "config_small_tied": b"\1" + json.dumps(config(64, 16, 2, 1, 1, [0, 2, 2], 8, 2, True)).encode(),
}
# config.json files as transformers 4.45.2 (vision defaults left out) and 5.25.0 (text_config,
# rope_parameters) wrote them: tests/ref/golden/configs (tests/ref/make_config_goldens.py).
GOLDEN_CONFIGS = os.path.join(os.path.dirname(HERE), os.pardir, "ref", "golden", "configs")
for version in ("4.45.2", "5.25.0"):
    with open(os.path.join(GOLDEN_CONFIGS, "qwen2_vl-tiny.transformers-%s.json" % version), "rb") as f:
        FILES["config_transformers_" + version] = b"\1" + f.read()

if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    for name, data in FILES.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
