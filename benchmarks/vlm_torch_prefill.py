#!/usr/bin/env python3
"""Prefill time of transformers' Qwen2VLForConditionalGeneration (PyTorch, CPU, float32, SDPA
attention) on a text prompt of L tokens, for benchmarks/bench_vlm.py. Needs torch and
transformers, which Debian does not package: run it with a Python that has them
(bench_vlm.py --torch-python PATH). The prompt is hopelab bench vlm's: ids i mod (V - 6).
Usage: vlm_torch_prefill.py --model DIR --tokens L [--repeats R]   (prints one JSON object)
"""
import argparse
import json
import statistics
import time

import torch
import transformers
from transformers import Qwen2VLForConditionalGeneration


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--tokens", type=int, required=True)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    model = Qwen2VLForConditionalGeneration.from_pretrained(a.model, torch_dtype=torch.float32,
                                                            attn_implementation="sdpa").eval()
    vocab = model.config.text_config.vocab_size if hasattr(model.config, "text_config") else model.config.vocab_size
    ids = (torch.arange(a.tokens) % (vocab - 6)).unsqueeze(0)
    times = []
    with torch.inference_mode():
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            model(input_ids=ids, use_cache=False, logits_to_keep=1)  # logits of the last token only
            times.append(time.perf_counter() - t0)
    print(json.dumps({"implementation": "pytorch-float32", "tokens": a.tokens, "median_seconds": statistics.median(times),
                      "seconds": times, "torch": torch.__version__, "transformers": transformers.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
