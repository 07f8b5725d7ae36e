"""Writes tests/ref/golden/qk_pool_tiny/pool.h5 and config.json: the empirical pools that
scripts/dump_qk.py dumps from a tiny, randomly initialised Qwen2-VL that transformers itself
creates (Qwen2VLForConditionalGeneration(config), seeded; nothing downloaded), and that
checkpoint's config.json as transformers saved it. check_qk_golden.py runs `hopelab mc
preference --dist empirical:` on them against NumPy (no torch needed there).

Run by hand, in a throwaway environment with torch, torchvision (Qwen2-VL's video processor),
transformers, h5py and numpy (not a test dependency):
  python3 -m venv /tmp/hfvenv
  /tmp/hfvenv/bin/pip install torch torchvision transformers safetensors numpy h5py pillow
  /tmp/hfvenv/bin/python tests/ref/make_qk_golden.py tests/ref/golden/qk_pool_tiny
The committed files came from transformers 5.25.0, torch 2.15.0 (CPU), numpy 2.4.6, h5py 3.x.

The checkpoint: hopelab's "tiny" sizes (sim/vlm/presets.cpp: H 128, 4 heads of d = 32, 2 KV heads,
2 layers, mrope_section [4, 6, 6], rope_theta 1e6; ViT 32 wide, 2 blocks), a word-level tokenizer
made here (w1 ... w1017 and Qwen2-VL's special tokens at the config's ids) and Qwen2-VL's image
and video processors with at most 56 x 84 pixels a frame. The prompt: PROMPT with VIDEO_FRAMES
frames of 56 x 84 uniform random pixels (NumPy PCG64, seed 0) in front: 24 video tokens
(grid 4 x 4 x 6), every row of layers 0 and 1, query heads 0 and 3 (KV heads 0 and 1).
"""

import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROMPT = "w5 w6 w7 w8 w9 w10 w11 w12"
VIDEO_FRAMES = (8, 56, 84)
SPECIALS = ["<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>", "<|endoftext|>", "<|im_end|>"]
DUMP_ARGS = ["--rows", "all", "--layers", "all", "--heads", "0,3"]


def tiny_qwen2vl_config():
    from transformers import Qwen2VLConfig
    return Qwen2VLConfig(
        vocab_size=1024, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=False,
        rope_scaling={"type": "mrope", "mrope_section": [4, 6, 6]},
        bos_token_id=1022, eos_token_id=1023, vision_start_token_id=1018, vision_end_token_id=1019,
        image_token_id=1020, video_token_id=1021,
        vision_config={"depth": 2, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 4, "in_chans": 3,
                       "hidden_size": 128, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2})


def word_tokenizer(vocab_size=1024):
    """w1 ... w(V-7) and the special tokens at V-6 ... V-1 (the config's ids, in SPECIALS' order)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    vocab = {"[UNK]": 0}
    vocab.update({"w%d" % i: i for i in range(1, vocab_size - len(SPECIALS))})
    vocab.update({s: vocab_size - len(SPECIALS) + i for i, s in enumerate(SPECIALS)})
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", bos_token="<|endoftext|>",
                                   eos_token="<|im_end|>", additional_special_tokens=SPECIALS)


def build_tiny_qwen2vl(directory, seed=0):
    """A randomly initialised Qwen2-VL checkpoint with its processor, saved to `directory`."""
    import torch
    from transformers import (Qwen2VLForConditionalGeneration, Qwen2VLImageProcessor, Qwen2VLProcessor,
                              Qwen2VLVideoProcessor)
    torch.manual_seed(seed)
    model = Qwen2VLForConditionalGeneration(tiny_qwen2vl_config())
    pixels = {"min_pixels": 56 * 56, "max_pixels": 56 * 84}
    processor = Qwen2VLProcessor(image_processor=Qwen2VLImageProcessor(**pixels), tokenizer=word_tokenizer(),
                                 video_processor=Qwen2VLVideoProcessor(**pixels))
    model.save_pretrained(directory)
    processor.save_pretrained(directory)


def write_video(path, seed=0):
    frames = np.random.default_rng(seed).integers(0, 256, VIDEO_FRAMES + (3,), dtype=np.uint8)
    np.save(path, frames)


def dump(model_dir, video, output, python=sys.executable):
    """Runs scripts/dump_qk.py; returns (exit status, stdout, stderr)."""
    p = subprocess.run([python, os.path.join(ROOT, "scripts", "dump_qk.py"), model_dir, "-o", output, "--prompt",
                        PROMPT, "--video", video, *DUMP_ARGS, "--force"], capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "golden", "qk_pool_tiny")
    with tempfile.TemporaryDirectory(prefix="hopelab-qk-golden-") as work:
        model_dir = os.path.join(work, "tiny-qwen2vl")
        build_tiny_qwen2vl(model_dir)
        video = os.path.join(work, "video.npy")
        write_video(video)
        pool = os.path.join(work, "pool.h5")
        code, stdout, stderr = dump(model_dir, video, pool)
        if code != 0:
            sys.exit("dump_qk.py failed (%d): %s" % (code, stderr.strip()))
        print(stdout.strip())
        os.makedirs(out, exist_ok=True)
        shutil.copy(pool, os.path.join(out, "pool.h5"))
        shutil.copy(os.path.join(model_dir, "config.json"), os.path.join(out, "config.json"))
    print("wrote", os.path.join(out, "pool.h5"), "and config.json")


if __name__ == "__main__":
    main()
