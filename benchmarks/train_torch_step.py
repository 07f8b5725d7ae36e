"""The PyTorch baseline of `hopelab bench train`: the same model (transformers'
Qwen2VLForConditionalGeneration, built from a hopelab checkpoint's config.json, random weights)
trained on batches of the same shape (B needle prompts: bos, vision_start, F frames of GH x GW
tokens, vision_end, question, answer; only the answer labelled), float32, AdamW (betas 0.9, 0.95,
weight decay 0.1) and clipping at 1. Prints one JSON object: per thread count, the median
wall time of an optimiser step (zero_grad, forward with labels, backward, clip, step) over
--repeats steps after one untimed step, and LLM tokens per second.

Run under a Python with torch and transformers (not a test dependency):
  python benchmarks/train_torch_step.py --model DIR [--batch 16] [--frames 10] [--threads 1,2]
      [--repeats 9] [--attention sdpa|eager]
"""

import argparse
import json
import os
import statistics
import time

import torch
import transformers
from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration


def batch_inputs(cfg, raw_ids, batch, frames, grid_h, grid_w, classes=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    m = cfg.vision_config.spatial_merge_size
    tokens = frames * grid_h * grid_w
    ids = [raw_ids["bos_token_id"], cfg.vision_start_token_id] + [cfg.video_token_id] * tokens + \
          [cfg.vision_end_token_id, classes, 0]
    input_ids = torch.tensor([ids] * batch)
    input_ids[:, -1] = torch.randint(0, classes, (batch,), generator=g)
    labels = torch.full_like(input_ids, -100)
    labels[:, -1] = input_ids[:, -1]
    v = cfg.vision_config
    patch_dim = v.in_channels * v.temporal_patch_size * v.patch_size * v.patch_size
    rows = frames * grid_h * m * grid_w * m
    pixels = torch.randn(batch * rows, patch_dim, generator=g)
    grid = torch.tensor([[frames, grid_h * m, grid_w * m]] * batch)
    types = torch.zeros_like(input_ids)
    types[input_ids == cfg.video_token_id] = 2
    return {"input_ids": input_ids, "labels": labels, "pixel_values_videos": pixels,
            "video_grid_thw": grid, "mm_token_type_ids": types}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="a hopelab checkpoint directory (config.json is read)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--grid", type=int, nargs=2, default=(2, 2))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--attention", default="sdpa")
    a = ap.parse_args()
    with open(os.path.join(a.model, "config.json")) as f:
        raw = json.load(f)
    cfg = Qwen2VLConfig(**raw)
    inputs = batch_inputs(cfg, raw, a.batch, a.frames, *a.grid)
    tokens = inputs["input_ids"].numel()
    rows = []
    for threads in [int(t) for t in a.threads.split(",")]:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = Qwen2VLForConditionalGeneration(cfg).float()
        model.config._attn_implementation = a.attention
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = model(**inputs).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

        step()  # untimed
        times = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
        s = statistics.median(times)
        rows.append({"threads": threads, "step_seconds": s, "tokens_per_step": tokens,
                     "tokens_per_second": tokens / s, "tokens_per_second_per_thread": tokens / s / threads})
    print(json.dumps({"implementation": "pytorch", "torch": torch.__version__,
                      "transformers": transformers.__version__, "attention": a.attention,
                      "batch": a.batch, "frames": a.frames, "repeats": a.repeats,
                      "statistic": "median", "rows": rows}))


if __name__ == "__main__":
    main()
