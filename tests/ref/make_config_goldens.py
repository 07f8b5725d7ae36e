"""Writes tests/ref/golden/configs/<model>.transformers-<version>.json: config.json files exactly
as transformers' save_pretrained writes them, for the config readers' tests (hopelab's
config.json reader, experiments/vlm/config_json.h, and `--config`, experiments/vlm/rotary_config.h).

Run by hand, once per transformers version, in a throwaway environment (no torch needed):
  python3 -m venv /tmp/hf445 && /tmp/hf445/bin/pip install transformers==4.45.2
  /tmp/hf445/bin/python tests/ref/make_config_goldens.py tests/ref/golden/configs
(likewise 4.57.1 and 5.25.0). A model class the version lacks is skipped. The committed files
came from transformers 4.45.2, 4.57.1 and 5.25.0 (Python 3.11); Qwen3.5's from 5.25.0 alone
(the earlier versions have no Qwen3_5Config).

What each version writes differs, which is what the readers are tested on: 4.45.2 leaves out of
vision_config every value equal to Qwen2VLVisionConfig's default (at Qwen2-VL-2B's sizes
embed_dim, depth, mlp_ratio, num_heads, ...); 4.57 writes the language settings twice, at the
top level and under text_config; 5.x writes them only under text_config, with rope_theta and
mrope_section under rope_parameters.
"""

import os
import sys
import tempfile

import transformers

# hopelab's "tiny" preset (sim/vlm/presets.cpp), as a Qwen2VLConfig.
QWEN2VL_TINY = dict(
    vocab_size=1024, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
    num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=False,
    rope_scaling={"type": "mrope", "mrope_section": [4, 6, 6]},
    bos_token_id=1022, eos_token_id=1023, vision_start_token_id=1018, vision_end_token_id=1019,
    image_token_id=1020, video_token_id=1021,
    vision_config={"depth": 2, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 4, "in_chans": 3, "hidden_size": 128,
                   "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2})

# Qwen2-VL-2B-Instruct's config.json on the Hugging Face hub.
QWEN2VL_2B = dict(
    vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
    num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=True,
    rope_scaling={"type": "mrope", "mrope_section": [16, 24, 24]},
    bos_token_id=151643, eos_token_id=151645, vision_start_token_id=151652, vision_end_token_id=151653,
    vision_token_id=151654, image_token_id=151655, video_token_id=151656,
    vision_config={"depth": 32, "embed_dim": 1280, "mlp_ratio": 4, "num_heads": 16, "in_chans": 3, "hidden_size": 1536,
                   "patch_size": 14, "spatial_merge_size": 2, "spatial_patch_size": 14, "temporal_patch_size": 2})

# Qwen2.5-VL-3B-Instruct's language sizes.
QWEN25VL_3B = dict(
    vocab_size=151936, hidden_size=2048, intermediate_size=11008, num_hidden_layers=36, num_attention_heads=16,
    num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=True,
    rope_scaling={"type": "mrope", "mrope_section": [16, 24, 24]},
    bos_token_id=151643, eos_token_id=151645, vision_start_token_id=151652, vision_end_token_id=151653,
    image_token_id=151655, video_token_id=151656,
    vision_config={"depth": 32, "hidden_size": 1280, "out_hidden_size": 2048, "num_heads": 16,
                   "intermediate_size": 3420, "window_size": 112, "fullatt_block_indexes": [7, 15, 23, 31]})

# Qwen3-VL-4B-Instruct's language sizes (head_dim given, interleaved sections).
QWEN3VL_4B = dict(
    text_config=dict(vocab_size=151936, hidden_size=2560, intermediate_size=9728, num_hidden_layers=36,
                     num_attention_heads=32, num_key_value_heads=8, head_dim=128, rms_norm_eps=1e-6,
                     rope_theta=5000000.0, tie_word_embeddings=True, bos_token_id=151643, eos_token_id=151645,
                     rope_scaling={"rope_type": "default", "mrope_section": [24, 20, 20], "mrope_interleaved": True}),
    vision_config={"depth": 24, "hidden_size": 1024, "out_hidden_size": 2560, "num_heads": 16,
                   "intermediate_size": 4096, "deepstack_visual_indexes": [5, 11, 17]},
    tie_word_embeddings=True, image_token_id=151655, video_token_id=151656, vision_start_token_id=151652,
    vision_end_token_id=151653)

# Qwen3.5 (Qwen3_5Config's default sizes, head_dim 256) with the Qwen3.5 release's rotary: a
# partial rotary (partial_rotary_factor 0.25: 64 of 256 dimensions rotate), rope_theta 1e7 and
# interleaved sections [11, 11, 10] over the 32 rotating pairs, all under rope_parameters.
QWEN35 = dict(
    text_config=dict(head_dim=256, rope_parameters={"rope_type": "default", "rope_theta": 10000000.0,
                                                    "partial_rotary_factor": 0.25, "mrope_section": [11, 11, 10],
                                                    "mrope_interleaved": True}))

# A Llama-style text model (Llama-2-7B's sizes) and one with partial rotary (StableLM-3B's).
LLAMA_7B = dict(vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                num_attention_heads=32, num_key_value_heads=32, rope_theta=10000.0, rms_norm_eps=1e-5)
STABLELM_3B = dict(vocab_size=50304, hidden_size=2560, intermediate_size=6912, num_hidden_layers=32,
                   num_attention_heads=32, num_key_value_heads=32, rope_theta=10000.0, partial_rotary_factor=0.25)

MODELS = [
    ("qwen2_vl-tiny", "Qwen2VLConfig", QWEN2VL_TINY),
    ("qwen2_vl-2b", "Qwen2VLConfig", QWEN2VL_2B),
    ("qwen2_5_vl-3b", "Qwen2_5_VLConfig", QWEN25VL_3B),
    ("qwen3_vl-4b", "Qwen3VLConfig", QWEN3VL_4B),
    ("qwen3_5", "Qwen3_5Config", QWEN35),
    ("llama-7b", "LlamaConfig", LLAMA_7B),
    ("stablelm-3b", "StableLmConfig", STABLELM_3B),
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    version = transformers.__version__
    for name, class_name, kwargs in MODELS:
        config_class = getattr(transformers, class_name, None)
        if config_class is None:
            print("transformers %s has no %s: %s skipped" % (version, class_name, name))
            continue
        with tempfile.TemporaryDirectory() as tmp:
            config_class(**kwargs).save_pretrained(tmp)
            with open(os.path.join(tmp, "config.json")) as f:
                text = f.read()
        path = os.path.join(out, "%s.transformers-%s.json" % (name, version))
        with open(path, "w") as f:
            f.write(text)
        print("wrote", path)


if __name__ == "__main__":
    main()
