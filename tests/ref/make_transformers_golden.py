"""Writes tests/ref/golden/<name>.json: logits of Hugging Face transformers'
Qwen2VLForConditionalGeneration (eager attention) for one checkpoint and input, the golden
that check_vlm_reference.py holds the NumPy reference (method mrope) to.

Run by hand once, in a throwaway environment with torch and transformers (not a test
dependency):
  /usr/bin/python3 -m venv /tmp/hfvenv
  /tmp/hfvenv/bin/pip install torch transformers safetensors numpy
  /tmp/hfvenv/bin/python tests/ref/make_transformers_golden.py --model DIR
      --input DIR/input.safetensors --name NAME --checkpoint-generator G
      --checkpoint-command "..." --input-command "..." [--checkpoint-seed S --input-seed S]
G is "vlm_ref_fixtures" (checkpoint and input from tests/ref/vlm_ref_fixtures.py, which the
self-test regenerates) or "hopelab" (from the hopelab CLI). Rows kept: the first video and
image token and the last 4 tokens; columns: the first 64 vocabulary entries; float32 and,
where transformers runs it, float64 (which still computes RMSNorm, softmax and the rotary
phases in float32).

The committed goldens (transformers 5.23.0, torch 2.15.0 on CPU, numpy 2.4.6) came from:
  hopelab_tiny_seed1:  hopelab vlm init --preset tiny --seed 1 -o /tmp/vlmg/tiny
                       hopelab vlm input --model /tmp/vlmg/tiny --seed 1
                           -o /tmp/vlmg/tiny/input.safetensors
                       make_transformers_golden.py --model /tmp/vlmg/tiny
                           --input /tmp/vlmg/tiny/input.safetensors --name hopelab_tiny_seed1
                           --checkpoint-generator hopelab
                           --checkpoint-command "hopelab vlm init --preset tiny --seed 1 -o DIR"
                           --input-command "hopelab vlm input --model DIR --seed 1 -o FILE"
                           --checkpoint-seed 1 --input-seed 1
  fixtures_seed1:      /usr/bin/python3 -c "import sys; sys.path.insert(0, 'tests/ref');
                           from vlm_ref_fixtures import make_checkpoint, make_input;
                           c = make_checkpoint('/tmp/vlmg/own', seed=1);
                           make_input('/tmp/vlmg/own/input.safetensors', c, seed=1)"
                       make_transformers_golden.py --model /tmp/vlmg/own
                           --input /tmp/vlmg/own/input.safetensors --name fixtures_seed1
                           --checkpoint-generator vlm_ref_fixtures
                           --checkpoint-command "vlm_ref_fixtures.make_checkpoint(DIR, seed=1)"
                           --input-command "vlm_ref_fixtures.make_input(DIR/input.safetensors,
                           config, seed=1)" --checkpoint-seed 1 --input-seed 1
transformers >= 5 needs mm_token_type_ids (text 0, image 1, video 2), passed here. Its
get_rope_index resumes text after a visual block at s + max(h, w) / m, ignoring t, where
4.45 (and docs/references.md) resume at the block's max + 1; when the two differ for an input,
4.45's position_ids are passed explicitly and the golden's "notes" say so (neither
committed input differs: their videos have t <= max(h, w) / m).
"""

import argparse
import datetime
import hashlib
import json
import os
import sys

import numpy as np
import torch
import transformers
from safetensors.numpy import load_file
from transformers import Qwen2VLForConditionalGeneration


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tensors_sha256(path):
    """SHA-256 over the tensors (sorted names; name, dtype, shape, little-endian bytes), so
    that file metadata (paths, dates) does not change it. check_vlm_reference.py recomputes it."""
    h = hashlib.sha256()
    tensors = load_file(path)
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        h.update(("%s|%s|%s|" % (name, a.dtype.str, list(a.shape))).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def token_types(ids, cfg):
    """mm_token_type_ids (transformers >= 5): text 0, image 1, video 2."""
    image, video = ids == cfg["image_token_id"], ids == cfg["video_token_id"]
    return (image * 1 + video * 2).astype(np.int64)


def get_rope_index_4_45(ids, cfg, image_grids, video_grids):
    """transformers 4.45's rule (docs/references.md): a visual block at s gets
    (s + f, s + y, s + x); the next text starts at the block's max + 1. -> (3, L)."""
    m = cfg["vision_config"]["spatial_merge_size"]
    grids = {cfg["image_token_id"]: list(image_grids), cfg["video_token_id"]: list(video_grids)}
    out, i, nxt = [], 0, 0
    while i < len(ids):
        tok = int(ids[i])
        if tok in grids:
            t, h, w = (int(v) for v in grids[tok].pop(0))
            h, w = h // m, w // m
            for f in range(t):
                for y in range(h):
                    for x in range(w):
                        out.append((nxt + f, nxt + y, nxt + x))
            i += t * h * w
            nxt += max(t, h, w)
        else:
            out.append((nxt, nxt, nxt))
            nxt += 1
            i += 1
    return np.array(out, dtype=np.int64).T


def run(model_dir, inp, cfg, dtype, notes):
    model = Qwen2VLForConditionalGeneration.from_pretrained(
        model_dir, attn_implementation="eager", dtype=dtype)
    model.eval()
    ids = inp["input_ids"].astype(np.int64)
    kw = {"input_ids": torch.from_numpy(ids)[None],
          "mm_token_type_ids": torch.from_numpy(token_types(ids, cfg))[None]}
    for pix, grid in (("pixel_values", "image_grid_thw"),
                      ("pixel_values_videos", "video_grid_thw")):
        if pix in inp:
            kw[pix] = torch.from_numpy(inp[pix]).to(dtype)
            kw[grid] = torch.from_numpy(inp[grid].astype(np.int64))
    with torch.no_grad():
        pos, _ = model.model.get_rope_index(kw["input_ids"], kw["mm_token_type_ids"],
                                            kw.get("image_grid_thw"), kw.get("video_grid_thw"))
        pos = pos[:, 0].numpy()
        legacy = get_rope_index_4_45(ids, cfg, inp.get("image_grid_thw", []),
                                     inp.get("video_grid_thw", []))
        if not np.array_equal(pos, legacy):
            # transformers 5 resumes text at s + max(h, w) / m, ignoring t; 4.45 (and
            # docs/references.md) at the block's max + 1. Use the latter, and say so.
            notes.add("transformers %s get_rope_index differs from 4.45's (text after a "
                      "visual block resumes at s + max(h, w)); golden run with 4.45's "
                      "position_ids passed explicitly" % transformers.__version__)
            kw["position_ids"] = torch.from_numpy(legacy)[:, None, :]
            pos = legacy
        out = model(**kw)
    return out.logits[0].to(torch.float64).numpy(), pos


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--checkpoint-generator", required=True, choices=["vlm_ref_fixtures", "hopelab"])
    p.add_argument("--checkpoint-command", required=True)
    p.add_argument("--input-command", required=True)
    p.add_argument("--checkpoint-seed", type=int)
    p.add_argument("--input-seed", type=int)
    p.add_argument("--columns", type=int, default=64)
    p.add_argument("-o", "--output")
    a = p.parse_args()
    inp = load_file(a.input)
    with open(os.path.join(a.model, "config.json")) as f:
        cfg = json.load(f)
    ids = inp["input_ids"]
    rows = []
    for key in ("video_token_id", "image_token_id"):
        hit = np.nonzero(ids == cfg[key])[0]
        if hit.size:
            rows.append(int(hit[0]))
    rows += [len(ids) - 4 + k for k in range(4) if len(ids) - 4 + k not in rows]
    cols = [0, min(a.columns, cfg["vocab_size"])]
    golden = {"name": a.name, "method": "mrope", "rows": rows, "columns": cols}
    notes = set()
    for label, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        try:
            logits, pos = run(a.model, inp, cfg, dtype, notes)
        except Exception as e:  # noqa: BLE001 (report which precision transformers refused)
            print("transformers %s failed: %s" % (label, e), file=sys.stderr)
            continue
        sub = logits[rows][:, cols[0]:cols[1]]
        golden["logits_" + label] = [[float(v) for v in r] for r in sub]
        golden["argmax_" + label] = [int(i) for i in np.argmax(sub, axis=1)]
        golden["full_row_argmax_" + label] = [int(i) for i in np.argmax(logits[rows], axis=1)]
        golden["positions"] = pos.tolist()
    golden["notes"] = sorted(notes)
    golden["provenance"] = {
        "producer": "tests/ref/make_transformers_golden.py",
        "model_class": "Qwen2VLForConditionalGeneration", "attn_implementation": "eager",
        "torch": torch.__version__, "transformers": transformers.__version__,
        "numpy": np.__version__, "python": sys.version.split()[0],
        "checkpoint_generator": a.checkpoint_generator,
        "checkpoint_command": a.checkpoint_command, "input_command": a.input_command,
        "checkpoint_seed": a.checkpoint_seed, "input_seed": a.input_seed,
        "checkpoint_sha256": sha256(os.path.join(a.model, "model.safetensors")),
        "config_sha256": sha256(os.path.join(a.model, "config.json")),
        "input_sha256": sha256(a.input),
        "checkpoint_tensors_sha256": tensors_sha256(os.path.join(a.model, "model.safetensors")),
        "input_tensors_sha256": tensors_sha256(a.input),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    out = a.output or os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden",
                                   a.name + ".json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("wrote %s (%d rows x %d columns)" % (out, len(rows), cols[1] - cols[0]))


if __name__ == "__main__":
    main()
