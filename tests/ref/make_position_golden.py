"""Writes tests/ref/golden/positions_official.json: position ids, rope_deltas and frequency
layouts computed by the official code of each design, the golden that check_position_golden.py
holds the hopelab CLI to, by value.

Run by hand, in a throwaway environment with torch (not a test dependency):
  /usr/bin/python3 -m venv /tmp/hfvenv && /tmp/hfvenv/bin/pip install torch transformers numpy
  /tmp/hfvenv/bin/pip install --no-deps --target /tmp/tf457 transformers==4.57.1
  /tmp/hfvenv/bin/python tests/ref/make_position_golden.py --hope HOPE --videorope VIDEOROPE \
      --mmropes MMROPES --transformers457 /tmp/tf457
HOPE, VIDEOROPE and MMROPES are clones of github.com/hrlics/HoPE, Wiselnn570/VideoRoPE and
JJJYmmm/Multimodal-RoPEs (the commits used are recorded in the golden). The functions named
below are read out of their files (ast) and run as they are, with a stand-in `self` that holds
only the token ids and the spatial merge size; nothing of them is copied here.

Cases (a hopelab layout becomes input_ids: one token per text position, the text token before
each visual block is <vision_start>, a visual block is H*W*T image or video tokens of a grid
(T, 2H, 2W) with spatial merge 2):
  * VideoRoPE get_t_scale_rope_index (delta 2) and HoPE get_dynamic_rope_index (one gamma):
    diagonal positions and rope_deltas (the t row's max + 1 - L);
  * HoPE get_time_rope_index + get_vanilla_rope_index: TAD-RoPE's positions, rope_deltas of the
    temporal index;
  * Multimodal-RoPEs get_mrope_interleave_index with spatial_reset (MRoPE-I / MHRoPE's design):
    images only (its videos are split into frames with timestamps), the token after each block is
    <vision_end>;
  * frequency layouts: VideoRoPE's apply_m_modify_multimodal_rotary_pos_emb and HoPE's
    apply_hybrid_multimodal_rotary_pos_emb fed cos rows marked 2, 3, 4 for t, h, w, read back per
    pair ('t', 'h', 'w', or '0' where HoPE writes cos 1); Multimodal-RoPEs' MHRopeEmbedding
    cos / sin per KV head for tokens with distinct t, h, w;
  * transformers 4.57.1 (the release before the 5.x regressions), one case per bug class: a still
    image beside a video under Qwen2.5-VL's time-aligned ids (the image keeps t = s), a padded
    batch whose rows keep their own rope_deltas, packed sequences whose ids restart per sequence,
    and Qwen3-VL's interleaved layout beside Qwen2-VL's blocked one (cos per pair);
  * Qwen2.5-VL's time-aligned ids at fps 3 and 4 and at tokens_per_second 4, fps 0.7, under both
    time conventions: transformers 4.57.1's get_rope_index (seconds per grid truncated first:
    whole layouts) and the newest transformers' (the product truncated: the video block only, as
    its text after a video resumes at s + max(H, W), past the spatial extent alone);
  * Qwen3-VL's textual timestamps (newest transformers' Qwen3VLModel.get_rope_index): each frame
    group of a video is <K timestamp tokens><vision_start> H*W tokens <vision_end>; the golden
    records the whole stream and which of its tokens a hopelab layout lists (the visual tokens and
    the text around the video: the timestamps and the groups' vision_start / vision_end are not).
  * Qwen3.5 (newest transformers): Qwen3_5TextRotaryEmbedding's cos and sin per dimension of the
    r = int(head_dim * partial_rotary_factor) rotated dimensions for a few (t, h, w) triples (the
    Qwen3.5 release's rotary, head_dim 256, factor 0.25, rope_theta 1e7, mrope_section [11, 11, 10],
    and one more), which dimensions apply_rotary_pos_emb leaves unrotated, and
    Qwen3_5Model.get_rope_index on timestamped streams as Qwen3-VL's above.
Every case records the transformers version that made it ("transformers").
"""

import argparse
import ast
import datetime
import json
import os
import random
import subprocess
import sys
import types
from typing import List, Optional, Tuple

import torch

TEXT, VSTART, VEND, IMAGE, VIDEO = 1, 5, 6, 7, 8
MERGE = 2


def commit_of(repo):
    return subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def load_functions(path, names, extra=None):
    """The named top-level or method functions of a Python file, compiled in a namespace with
    torch and typing (their own module's other imports are not needed by them)."""
    tree = ast.parse(open(path).read())
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in names and node.name not in found:
            found[node.name] = node
    missing = set(names) - set(found)
    if missing:
        raise SystemExit("%s lacks %s" % (path, sorted(missing)))
    ns = {"torch": torch, "Optional": Optional, "List": List, "Tuple": Tuple, "random": random}
    ns.update(extra or {})
    for name, node in found.items():
        node.decorator_list = []
        module = ast.Module(body=[node], type_ignores=[])
        exec(compile(module, path, "exec"), ns)
    return ns


def parse_layout(text):
    segs = []
    for item in text.split(","):
        kind, size = item.split(":")
        dims = [int(s) for s in size.split("x")]
        segs.append((kind, dims))
    return segs


def to_input(layout, reset_end=False):
    """input_ids (1, L) and grids of a hopelab layout (see the module docstring)."""
    ids, images, videos = [], [], []
    for k, (kind, dims) in enumerate(parse_layout(layout)):
        if kind == "text":
            ids += [TEXT] * dims[0]
            continue
        assert ids, "a visual block needs a text token (its <vision_start>) before it"
        ids[-1] = VSTART
        t, h, w = (1, dims[0], dims[1]) if kind == "image" else dims
        (images if kind == "image" else videos).append([t, MERGE * h, MERGE * w])
        ids += [IMAGE if kind == "image" else VIDEO] * (t * h * w)
    if reset_end:  # the token after each visual block is <vision_end>
        for i in range(1, len(ids)):
            if ids[i - 1] in (IMAGE, VIDEO) and ids[i] == TEXT:
                ids[i] = VEND
    grid = lambda g: torch.tensor(g, dtype=torch.long) if g else None
    return torch.tensor([ids], dtype=torch.long), grid(images), grid(videos)


def token_types(ids):
    """mm_token_type_ids of transformers 5.x: text 0, image 1, video 2."""
    types_ = torch.zeros_like(ids)
    types_[ids == IMAGE] = 1
    types_[ids == VIDEO] = 2
    return types_


def stand_in_self():
    cfg = types.SimpleNamespace(vision_config=types.SimpleNamespace(spatial_merge_size=MERGE),
                                image_token_id=IMAGE, video_token_id=VIDEO, vision_start_token_id=VSTART,
                                vision_end_token_id=VEND)
    return types.SimpleNamespace(config=cfg)


def rows(pos):
    """(3, 1, L) -> {"t": [...], "h": [...], "w": [...]} as Python numbers."""
    p = pos[:, 0, :].tolist()
    num = lambda v: int(v) if float(v).is_integer() else float(v)
    return {a: [num(v) for v in p[k]] for k, a in enumerate("thw")}


def scalar(x):
    v = float(x.reshape(-1)[0])
    return int(v) if v.is_integer() else v


def official_positions(args):
    hope_file = os.path.join(args.hope, "modeling_hope.py")
    vr_file = os.path.join(args.videorope, "videorope-transformer", "modeling_videorope.py")
    hope = load_functions(hope_file, ["get_dynamic_rope_index", "get_time_rope_index", "get_vanilla_rope_index"])
    vr = load_functions(vr_file, ["get_t_scale_rope_index"])
    sys.path.insert(0, args.mmropes)
    from multimodal_ropes.pos_design.mrope_i import get_mrope_interleave_index
    from multimodal_ropes.configs.mrope_i import MRopeInterleaveConfig
    me = stand_in_self()
    cases = []
    layouts = ["text:1,image:5x1,text:1", "text:2,video:3x3x2,text:2", "text:3,video:2x4x3,text:2,image:3x2,text:3",
               "text:1,video:3x2x5,text:4"]
    for layout in layouts:
        ids, img, vid = to_input(layout)
        mask = torch.ones_like(ids)
        pos, delta = vr["get_t_scale_rope_index"](me, ids, img, vid, mask, scale_factor=2.0)
        cases.append({"source": "videorope get_t_scale_rope_index", "method": "videorope", "options": {},
                      "layout": layout, **rows(pos), "rope_delta": scalar(delta)})
        for gamma in (1.0, 0.75):
            pos, delta = hope["get_dynamic_rope_index"](me, ids, img, vid, mask, scale_factors=[gamma])
            cases.append({"source": "hope get_dynamic_rope_index", "method": "hope", "options": {"gamma": gamma},
                          "layout": layout, **rows(pos), "rope_delta": scalar(delta)})
        time_pos, delta = hope["get_time_rope_index"](me, ids, img, vid, mask)
        flat_pos, _ = hope["get_vanilla_rope_index"](me, ids, img, vid, mask)
        cases.append({"source": "hope get_time_rope_index + get_vanilla_rope_index", "method": "tad-rope",
                      "options": {}, "layout": layout, **rows(time_pos + flat_pos), "rope_delta": scalar(delta)})
    for layout in ["text:3,image:2x3,text:2", "text:2,image:4x1,text:1,image:2x5,text:3", "text:1,image:3x3,text:1"]:
        ids, img, _ = to_input(layout, reset_end=True)
        for method in ("mrope-interleave", "mhrope"):
            cfg = MRopeInterleaveConfig(dim=16, base=10000, mrope_section=[2, 3, 3], temporal_stride=1.0,
                                        spatial_reset=True)
            pos, delta = get_mrope_interleave_index(me, ids, image_grid_thw=img, video_grid_thw=None,
                                                    attention_mask=torch.ones_like(ids), extra_config=cfg)
            cases.append({"source": "multimodal-ropes get_mrope_interleave_index spatial_reset", "method": method,
                          "options": {"spatial_reset": True}, "layout": layout, **rows(pos),
                          "rope_delta": scalar(delta)})
    return cases


def official_layouts(args):
    """Per-pair axis of VideoRoPE's and HoPE's frequency layouts: d = 32 with sections [4, 8, 4]
    and [4, 3, 9] (h != w), and d = 128 with [16, 24, 24]."""
    hope_file = os.path.join(args.hope, "modeling_hope.py")
    vr_file = os.path.join(args.videorope, "videorope-transformer", "modeling_videorope.py")
    rotate = load_functions(hope_file, ["rotate_half"])["rotate_half"]
    hope = load_functions(hope_file, ["apply_hybrid_multimodal_rotary_pos_emb"], {"rotate_half": rotate})
    vr = load_functions(vr_file, ["apply_m_modify_multimodal_rotary_pos_emb"], {"rotate_half": rotate})
    out = []
    for sections in ([4, 8, 4], [4, 3, 9], [16, 24, 24]):
        dd = 2 * sum(sections)
        cos = torch.stack([torch.full((1, 1, dd), float(k + 2)) for k in range(3)])  # t 2, h 3, w 4
        sin = torch.zeros_like(cos)
        q = torch.ones(1, 1, 1, dd)
        for name, fn, method in (("videorope apply_m_modify_multimodal_rotary_pos_emb",
                                  vr["apply_m_modify_multimodal_rotary_pos_emb"], "videorope"),
                                 ("hope apply_hybrid_multimodal_rotary_pos_emb",
                                  hope["apply_hybrid_multimodal_rotary_pos_emb"], "hope")):
            q_embed, _ = fn(q, q, cos, sin, list(sections))
            marks = q_embed.reshape(-1).tolist()[: dd // 2]  # pair i's cos (halves layout)
            axes = "".join({1.0: "0", 2.0: "t", 3.0: "h", 4.0: "w"}[m] for m in marks)
            out.append({"source": name, "method": method, "head_dim": dd, "sections": sections, "axes": axes})
    return out


def official_mhrope(args):
    """Multimodal-RoPEs MHRopeEmbedding: cos, sin (bs, kv_heads, L, d) for tokens with distinct t,
    h, w, at d = 16, base 10000, sections [2, 3, 3] of 9 KV heads (head 8 is padding)."""
    sys.path.insert(0, args.mmropes)
    from multimodal_ropes.entry import get_multimodal_rope
    from transformers import Qwen3VLTextConfig
    _, embedding = get_multimodal_rope("mhrope", dim=16, base=10000, mrope_section=[2, 3, 3],
                                       num_key_value_heads=9)
    config = Qwen3VLTextConfig(hidden_size=64, num_attention_heads=4, num_key_value_heads=9, head_dim=16,
                               rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                                "mrope_section": [2, 3, 3]})
    emb = embedding(config)
    positions = [[0, 0, 0], [3, 5, 7], [11, 2, 13], [20, 20, 20]]
    pos = torch.tensor(positions, dtype=torch.long).T.reshape(3, 1, -1)
    cos, sin = emb(torch.zeros(1, 1, dtype=torch.float32), pos)
    half = 8
    return {"source": "multimodal-ropes MHRopeEmbedding", "head_dim": 16, "base": 10000, "sections": [2, 3, 3],
            "kv_heads": 9, "positions": positions,
            "cos": cos[0, :, :, :half].tolist(), "sin": sin[0, :, :, :half].tolist()}


# Qwen2.5-VL time alignment beyond fps 0.5, 1, 2: (fps, tokens_per_second, layout).
TIME_SETTINGS = [(3.0, 2, "text:2,video:6x2x2,text:2"), (4.0, 2, "text:1,video:5x1x2,text:3"),
                 (3.0, 25, "text:2,video:4x2x3,text:2"), (4.0, 25, "text:1,video:3x2x2,text:1"),
                 (0.7, 4, "text:3,video:5x2x2,text:2,image:2x2,text:1")]


def time_options(fps, tps, convention):
    return {"design": "qwen25vl", "fps": fps, "tokens_per_second": tps, "time_convention": convention}


def video_block(layout):
    """[first, end) token indices of the layout's first video."""
    first = 0
    for kind, dims in parse_layout(layout):
        size = dims[0] if kind == "text" else (dims[0] * dims[1] if kind == "image" else dims[0] * dims[1] * dims[2])
        if kind == "video":
            return [first, first + size]
        first += size
    raise ValueError(layout)


def newest_transformers_cases():
    """The installed (newest) transformers: Qwen2.5-VL's product time convention (video blocks),
    Qwen3-VL's textual timestamps and Qwen3.5's partial rotary and positions."""
    import transformers
    from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VLModel
    from transformers.models.qwen3_vl.modeling_qwen3_vl import Qwen3VLModel
    version = transformers.__version__
    cases = []
    for fps, tps, layout in TIME_SETTINGS:
        me = stand_in_self()
        me.config.vision_config.tokens_per_second = tps
        me.get_vision_position_ids = types.MethodType(Qwen2_5_VLModel.get_vision_position_ids, me)
        ids, img, vid = to_input(layout)
        # The processor's second_per_grid_ts: temporal_patch_size / fps, a float tensor.
        pos, _ = Qwen2_5_VLModel.get_rope_index(me, ids, token_types(ids), img, vid,
                                                second_per_grid_ts=torch.tensor([2.0 / fps]),
                                                attention_mask=torch.ones_like(ids))
        first, end = video_block(layout)
        cases.append({"source": "transformers %s Qwen2_5_VLModel.get_rope_index (video block)" % version,
                      "transformers": version, "method": "mrope", "options": time_options(fps, tps, "product"),
                      "layout": layout, "block": [first, end], **rows(pos[:, :, first:end])})
    return cases, qwen3vl_cases(Qwen3VLModel, version), qwen35_cases(version)


def qwen3vl_stream(layout, timestamp_tokens):
    """input_ids, grids and the listed mask of a hopelab layout under Qwen3-VL's processor: a
    video's frame group f becomes K timestamp tokens, <vision_start>, its H*W tokens,
    <vision_end> (the chat template's own wrapper collapsed); an image keeps the text before it
    as its <vision_start>, as everywhere in this file. listed[i]: token i is in the hopelab layout."""
    ids, listed, images, videos = [], [], [], []
    for kind, dims in parse_layout(layout):
        if kind == "text":
            ids += [TEXT] * dims[0]
            listed += [True] * dims[0]
        elif kind == "image":
            assert ids, "an image needs a text token (its <vision_start>) before it"
            ids[-1] = VSTART
            images.append([1, MERGE * dims[0], MERGE * dims[1]])
            ids += [IMAGE] * (dims[0] * dims[1])
            listed += [True] * (dims[0] * dims[1])
        else:
            t, h, w = dims
            videos.append([t, MERGE * h, MERGE * w])
            for _ in range(t):
                ids += [TEXT] * timestamp_tokens + [VSTART] + [VIDEO] * (h * w) + [VEND]
                listed += [False] * (timestamp_tokens + 1) + [True] * (h * w) + [False]
    grid = lambda g: torch.tensor(g, dtype=torch.long) if g else None
    return torch.tensor([ids], dtype=torch.long), grid(images), grid(videos), listed


def qwen3vl_cases(model, version):
    cases = []
    for layout, k in [("text:2,video:3x2x2,text:2", 6), ("text:1,video:4x3x2,text:3", 6),
                      ("text:3,image:2x3,text:2,video:2x2x4,text:1", 6), ("video:3x1x2,text:2", 7),
                      ("text:2,video:2x2x2,text:1,video:3x1x1,text:2", 0)]:
        me = stand_in_self()
        me.get_vision_position_ids = types.MethodType(model.get_vision_position_ids, me)
        ids, img, vid, listed = qwen3vl_stream(layout, k)
        pos, delta = model.get_rope_index(me, ids, token_types(ids), img, vid, attention_mask=torch.ones_like(ids))
        cases.append({"source": "transformers %s Qwen3VLModel.get_rope_index" % version, "transformers": version,
                      "method": "qwen3vl", "options": {"timestamp_tokens": k}, "layout": layout,
                      "listed": listed, **rows(pos), "rope_delta": scalar(delta)})
    return cases


# Qwen3.5 rotaries: (head_dim, partial_rotary_factor, rope_theta, mrope_section). The first is the
# Qwen3.5 release's; the second rotates half of a 128-dimension head at another base and split.
QWEN35_ROTARIES = [(256, 0.25, 1e7, [11, 11, 10]), (128, 0.5, 1e6, [12, 10, 10])]
QWEN35_POSITIONS = [[0, 0, 0], [3, 5, 7], [11, 2, 13], [20, 20, 20], [1000, 37, 5]]


def qwen35_cases(version):
    from transformers import Qwen3_5TextConfig
    from transformers.models.qwen3_5.modeling_qwen3_5 import (Qwen3_5Model, Qwen3_5TextRotaryEmbedding,
                                                              apply_rotary_pos_emb)
    rotaries = []
    for head_dim, factor, theta, section in QWEN35_ROTARIES:
        config = Qwen3_5TextConfig(head_dim=head_dim, rope_parameters={
            "rope_type": "default", "rope_theta": theta, "partial_rotary_factor": factor,
            "mrope_section": section, "mrope_interleaved": True})
        pos = torch.tensor(QWEN35_POSITIONS, dtype=torch.long).T.reshape(3, 1, -1)
        cos, sin = Qwen3_5TextRotaryEmbedding(config)(torch.zeros(1, dtype=torch.float32), pos)
        # Which dimensions pass unrotated: those apply_rotary_pos_emb leaves equal for every token
        # away from the origin (a seeded vector per token).
        q = torch.randn(1, 1, len(QWEN35_POSITIONS), head_dim, generator=torch.Generator().manual_seed(35))
        q_embed, _ = apply_rotary_pos_emb(q, q, cos, sin)
        moved = [k for k, p in enumerate(QWEN35_POSITIONS) if any(p)]
        unrotated = [j for j in range(head_dim) if torch.equal(q_embed[0, 0, moved, j], q[0, 0, moved, j])]
        rotaries.append({"source": "transformers %s Qwen3_5TextRotaryEmbedding" % version, "transformers": version,
                         "head_dim": head_dim, "partial_rotary_factor": factor, "rope_theta": theta,
                         "mrope_section": section, "positions": QWEN35_POSITIONS,
                         "cos": cos[0].tolist(), "sin": sin[0].tolist(), "unrotated_dims": unrotated})
    positions = []
    for layout, k in [("text:2,video:3x2x2,text:2", 6), ("text:1,video:4x3x2,text:3", 6),
                      ("text:3,image:2x3,text:2,video:2x2x4,text:1", 6), ("video:2x3x1,text:2", 0)]:
        me = stand_in_self()
        me.get_vision_position_ids = types.MethodType(Qwen3_5Model.get_vision_position_ids, me)
        ids, img, vid, listed = qwen3vl_stream(layout, k)
        pos, delta = Qwen3_5Model.get_rope_index(me, ids, token_types(ids), img, vid,
                                                 attention_mask=torch.ones_like(ids))
        positions.append({"source": "transformers %s Qwen3_5Model.get_rope_index" % version, "transformers": version,
                          "method": "qwen35", "options": {"timestamp_tokens": k}, "layout": layout,
                          "listed": listed, **rows(pos), "rope_delta": scalar(delta)})
    return {"rotary": rotaries, "positions": positions}


def transformers_cases(args):
    """transformers 4.57.1 get_rope_index of Qwen2-VL, Qwen2.5-VL and Qwen3-VL, one case per class
    of the regressions of 5.x, and Qwen2.5-VL's time-aligned ids under its time convention."""
    sys.path.insert(0, args.transformers457)
    for name in [m for m in sys.modules if m.split(".")[0] in ("transformers", "kernels")]:
        del sys.modules[name]
    sys.modules["kernels"] = None  # a newer `kernels` package breaks 4.57.1's import; it is optional
    import transformers
    assert transformers.__version__ == "4.57.1", transformers.__version__
    from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VLModel
    from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VLModel
    from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VLRotaryEmbedding, apply_multimodal_rotary_pos_emb
    from transformers.models.qwen3_vl.modeling_qwen3_vl import Qwen3VLTextRotaryEmbedding
    from transformers import Qwen2VLConfig, Qwen3VLTextConfig
    me = stand_in_self()
    me.config.vision_config.tokens_per_second = 25
    cases = []
    # Still image beside a video, Qwen2.5-VL time-aligned (fps 1: 2 s per grid, 25 ids/s).
    layout = "text:2,image:2x2,text:2,video:3x2x2,text:2"
    ids, img, vid = to_input(layout)
    pos, delta = Qwen2_5_VLModel.get_rope_index(me, ids, img, vid, second_per_grid_ts=torch.tensor([2.0]),
                                                attention_mask=torch.ones_like(ids))
    cases.append({"source": "transformers 4.57.1 Qwen2_5_VLModel.get_rope_index", "bug_class": "still image",
                  "method": "mrope", "options": {"design": "qwen25vl"}, "layout": layout, **rows(pos),
                  "rope_delta": scalar(delta)})
    # A padded batch: two rows (left padding), each with its own rope_delta, which counts the
    # padding (max + 1 - padded length: decoding's cache positions include it).
    layouts = ["text:2,video:3x2x2,text:3", "text:4,image:2x5,text:1"]
    inputs = [to_input(l) for l in layouts]
    width = max(x[0].shape[1] for x in inputs)
    batch = torch.zeros(2, width, dtype=torch.long)
    mask = torch.zeros(2, width, dtype=torch.long)
    for r, (x, _, _) in enumerate(inputs):
        batch[r, width - x.shape[1]:] = x[0]
        mask[r, width - x.shape[1]:] = 1
    img = torch.cat([x[1] for x in inputs if x[1] is not None])
    vid = torch.cat([x[2] for x in inputs if x[2] is not None])
    pos, delta = Qwen2VLModel.get_rope_index(me, batch, img, vid, attention_mask=mask)
    for r, layout in enumerate(layouts):
        kept = mask[r] == 1
        cases.append({"source": "transformers 4.57.1 Qwen2VLModel.get_rope_index (padded batch, row %d)" % r,
                      "bug_class": "per-row deltas", "method": "mrope", "options": {}, "layout": layout,
                      **rows(pos[:, r:r + 1, kept]), "rope_delta": int(delta[r, 0]), "padded_length": width})
    # Packing: two sequences end to end, each with its own get_rope_index ids (positions restart).
    packed = ["text:3,image:2x2,text:2", "text:2,video:2x3x1,text:1"]
    parts = []
    for layout in packed:
        ids, img, vid = to_input(layout)
        pos, _ = Qwen2VLModel.get_rope_index(me, ids, img, vid, attention_mask=torch.ones_like(ids))
        parts.append(pos)
    cases.append({"source": "transformers 4.57.1 Qwen2VLModel.get_rope_index per packed sequence",
                  "bug_class": "packing", "method": "mrope", "options": {}, "layout": ",".join(packed),
                  "packed": packed, **rows(torch.cat(parts, dim=2))})
    # Interleaved (Qwen3-VL) vs blocked (Qwen2-VL) layouts: cos per pair of one token at
    # (t, h, w) = (3, 17, 40), d = 128, base 5e6, [24, 20, 20] and [16, 24, 24].
    token = torch.tensor([[[3]], [[17]], [[40]]], dtype=torch.long)
    c3 = Qwen3VLTextConfig(hidden_size=256, num_attention_heads=2, head_dim=128, rope_theta=5e6,
                           rope_scaling={"rope_type": "default", "mrope_section": [24, 20, 20]})
    cos3, _ = Qwen3VLTextRotaryEmbedding(c3)(torch.zeros(1, dtype=torch.float32), token)
    c2 = Qwen2VLConfig(hidden_size=256, num_attention_heads=2, rope_theta=5e6,
                       rope_scaling={"type": "mrope", "mrope_section": [16, 24, 24]})
    cos2, sin2 = Qwen2VLRotaryEmbedding(c2)(torch.zeros(1, dtype=torch.float32), token)
    ones = torch.ones(1, 1, 1, 128)
    q2, _ = apply_multimodal_rotary_pos_emb(ones, ones, cos2, torch.zeros_like(sin2), [16, 24, 24])
    for method, cos in (("mrope-interleave", cos3.reshape(-1)[:64]), ("mrope", q2.reshape(-1)[:64])):
        cases.append({"source": "transformers 4.57.1 %s" % ("Qwen3VLTextRotaryEmbedding" if method != "mrope"
                                                            else "Qwen2VLRotaryEmbedding + apply_multimodal_rotary_pos_emb"),
                      "bug_class": "interleaved vs blocked", "method": method, "head_dim": 128, "base": 5e6,
                      "position": [3, 17, 40], "cos": cos.tolist()})
    for fps, tps, layout in TIME_SETTINGS:
        me.config.vision_config.tokens_per_second = tps
        ids, img, vid = to_input(layout)
        pos, delta = Qwen2_5_VLModel.get_rope_index(me, ids, img, vid, second_per_grid_ts=torch.tensor([2.0 / fps]),
                                                    attention_mask=torch.ones_like(ids))
        cases.append({"source": "transformers 4.57.1 Qwen2_5_VLModel.get_rope_index", "bug_class": "time convention",
                      "method": "mrope", "options": time_options(fps, tps, "transformers-4.57"), "layout": layout,
                      **rows(pos), "rope_delta": scalar(delta)})
    for c in cases:
        c["transformers"] = transformers.__version__
    return cases, transformers.__version__


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hope", required=True)
    ap.add_argument("--videorope", required=True)
    ap.add_argument("--mmropes", required=True)
    ap.add_argument("--transformers457", required=True)
    ap.add_argument("-o", default=os.path.join(os.path.dirname(__file__), "golden", "positions_official.json"))
    args = ap.parse_args()
    golden = {
        "made_by": "tests/ref/make_position_golden.py",
        "date": datetime.date.today().isoformat(),
        "torch": torch.__version__,
        "commits": {"hrlics/HoPE": commit_of(args.hope), "Wiselnn570/VideoRoPE": commit_of(args.videorope),
                    "JJJYmmm/Multimodal-RoPEs": commit_of(args.mmropes)},
        "positions": official_positions(args),
        "frequency_layouts": official_layouts(args),
        "mhrope": official_mhrope(args),
    }
    # The installed transformers first: transformers_cases replaces it by 4.57.1.
    golden["time_convention_product"], golden["qwen3vl"], golden["qwen35"] = newest_transformers_cases()
    golden["transformers_cases"], golden["transformers"] = transformers_cases(args)
    with open(args.o, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("wrote", args.o)


if __name__ == "__main__":
    main()
