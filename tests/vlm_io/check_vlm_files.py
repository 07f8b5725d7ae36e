#!/usr/bin/env python3
"""hopelab vlm init / input / inspect against an independent reader of their files.

Usage: check_vlm_files.py PATH/TO/hopelab
  * the safetensors reader and writer here use struct, json and numpy only; parameter names and
    shapes come from docs/vlm.md's table, typed out below (not from sim/vlm/parameters.cpp);
  * `vlm init` in f32 / bf16 / f16 with one seed: F16 values equal numpy's float16 rounding of
    the F32 values bit for bit, BF16 values equal a nearest-of-two-candidates reference bit for
    bit (both rounding rules are exact: tolerance 0); config.json carries transformers' keys;
  * determinism: the same seed gives byte-identical files, another seed other weights;
  * every bad-file class (header length, JSON, dtype, offsets, overlap, byte length, duplicate,
    shape against the config, non-finite value, missing / unexpected tensor, config keys and
    values, truncated or missing file, shard index) exits 2 with nothing on stdout and one
    stderr line naming the tensor or key; a sharded checkpoint written here loads;
  * `vlm input`: run lengths, grid, dtypes and shapes as docs/vlm.md says; --repeat-frame copies
    exactly; pixels N(0, 1) within a z bound; bad flags exit 2 with one line.
Prints one line per failed check and exits 1 if any failed.
"""
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

CLI = sys.argv[1]
log = CheckLog(tolerances=False)


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------------ safetensors, independently

SIZES = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        chunk = data[b:end]
        if e["dtype"] == "BF16":
            bits = np.frombuffer(chunk, "<u2")
            values = (bits.astype(np.uint32) << 16).view(np.float32)
        else:
            bits = None
            values = np.frombuffer(chunk, {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}[e["dtype"]])
        tensors[name] = {"dtype": e["dtype"], "shape": e["shape"], "values": values.reshape(e["shape"]),
                         "raw": chunk, "bits": bits}
    return meta, tensors


def write_raw(path, header_obj, data, header_text=None):
    text = (header_text if header_text is not None else json.dumps(header_obj)).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def write_safetensors(path, tensors, meta=None):
    """tensors: {name: (dtype, shape, raw bytes)} in insertion order."""
    header, data = ({"__metadata__": meta} if meta else {}), b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    write_raw(path, header, data)


def as_raw(tensors):
    return {k: (v["dtype"], v["shape"], v["raw"]) for k, v in tensors.items()}


# ------------------------------------------------------------------ docs/vlm.md's parameter table, typed out

def tiny_parameters():
    E, C, T, p, H, V, I, nh, nkv, d = 32, 3, 2, 14, 128, 1024, 256, 4, 2, 32
    M = 4 * E
    out = {"visual.patch_embed.proj.weight": [E, C, T, p, p]}
    for i in range(2):
        b = "visual.blocks.%d." % i
        out.update({b + "norm1.weight": [E], b + "norm1.bias": [E], b + "norm2.weight": [E], b + "norm2.bias": [E],
                    b + "attn.qkv.weight": [3 * E, E], b + "attn.qkv.bias": [3 * E],
                    b + "attn.proj.weight": [E, E], b + "attn.proj.bias": [E],
                    b + "mlp.fc1.weight": [4 * E, E], b + "mlp.fc1.bias": [4 * E],
                    b + "mlp.fc2.weight": [E, 4 * E], b + "mlp.fc2.bias": [E]})
    out.update({"visual.merger.ln_q.weight": [E], "visual.merger.ln_q.bias": [E],
                "visual.merger.mlp.0.weight": [M, M], "visual.merger.mlp.0.bias": [M],
                "visual.merger.mlp.2.weight": [H, M], "visual.merger.mlp.2.bias": [H],
                "model.embed_tokens.weight": [V, H], "model.norm.weight": [H], "lm_head.weight": [V, H]})
    for i in range(2):
        b = "model.layers.%d." % i
        out.update({b + "input_layernorm.weight": [H], b + "post_attention_layernorm.weight": [H],
                    b + "self_attn.q_proj.weight": [nh * d, H], b + "self_attn.q_proj.bias": [nh * d],
                    b + "self_attn.k_proj.weight": [nkv * d, H], b + "self_attn.k_proj.bias": [nkv * d],
                    b + "self_attn.v_proj.weight": [nkv * d, H], b + "self_attn.v_proj.bias": [nkv * d],
                    b + "self_attn.o_proj.weight": [H, nh * d], b + "mlp.gate_proj.weight": [I, H],
                    b + "mlp.up_proj.weight": [I, H], b + "mlp.down_proj.weight": [H, I]})
    return out


def bf16_reference(f32):
    """Nearest of the two bf16 neighbours in float64 (exact), ties to the even pattern."""
    bits = f32.view(np.uint32).astype(np.uint64)
    low = bits & 0xFFFF0000
    high = low + 0x10000
    lv = low.astype(np.uint32).view(np.float32).astype(np.float64)
    hv = high.astype(np.uint32).view(np.float32).astype(np.float64)
    x = f32.astype(np.float64)
    dl, dh = np.abs(x - lv), np.abs(hv - x)
    pick_high = (dh < dl) | ((dh == dl) & ((low >> 16) & 1 == 1))
    return np.where(pick_high, high >> 16, low >> 16).astype(np.uint16)


# ------------------------------------------------------------------ checks

def expect_refused(args, needles, what):
    code, out, err = run(*args)
    lines = err.strip().splitlines()
    log.check("%s: exit status" % what, code == 2, 2, "%d (stderr %r)" % (code, err.strip()))
    log.check("%s: stdout" % what, out == "", "empty", repr(out[:200]))
    log.check("%s: stderr lines" % what, len(lines) == 1, 1, "%d: %r" % (len(lines), err[:300]))
    for n in needles:
        log.check("%s: stderr names %r" % (what, n), n in err, "a line with %r" % n, repr(err.strip()))


def check_init(work):
    params = tiny_parameters()
    dirs = {}
    for dtype in ("f32", "bf16", "f16"):
        d = os.path.join(work, "tiny_" + dtype)
        code, out, err = run("vlm", "init", "--preset", "tiny", "-o", d, "--seed", "5", "--dtype", dtype)
        log.check("vlm init %s" % dtype, code == 0 and err == "", "exit 0, empty stderr",
                  "exit %d, stderr %r" % (code, err))
        dirs[dtype] = d
        with open(os.path.join(d, "config.json")) as f:
            cfg = json.load(f)
        want = {"f32": "float32", "bf16": "bfloat16", "f16": "float16"}[dtype]
        log.check("torch_dtype of %s" % dtype, cfg.get("torch_dtype") == want, want, repr(cfg.get("torch_dtype")))
        for key, value in (("model_type", "qwen2_vl"), ("architectures", ["Qwen2VLForConditionalGeneration"]),
                           ("hidden_act", "silu"), ("hidden_size", 128), ("vocab_size", 1024)):
            log.check("%s config.json %s" % (dtype, key), cfg.get(key) == value, repr(value), repr(cfg.get(key)))
        want = {"type": "mrope", "mrope_section": [4, 6, 6]}
        log.check("%s config.json rope_scaling" % dtype, cfg["rope_scaling"] == want, want, cfg["rope_scaling"])
        log.check("%s config.json vision_config.hidden_act" % dtype,
                  cfg["vision_config"].get("hidden_act") == "quick_gelu", "quick_gelu",
                  repr(cfg["vision_config"].get("hidden_act")))
    _, f32 = read_safetensors(os.path.join(dirs["f32"], "model.safetensors"))
    shapes = {k: v["shape"] for k, v in f32.items()}
    log.check("tensor names and shapes", shapes == params, "docs/vlm.md's table",
              "missing %s, unexpected %s, other shapes %s"
              % (sorted(set(params) - set(shapes)), sorted(set(shapes) - set(params)),
                 {k: (params[k], shapes[k]) for k in set(params) & set(shapes) if params[k] != shapes[k]}))
    for dtype, stored in (("bf16", "BF16"), ("f16", "F16")):
        _, t = read_safetensors(os.path.join(dirs[dtype], "model.safetensors"))
        for name, ref in f32.items():
            log.check("%s %s stored dtype" % (dtype, name), t[name]["dtype"] == stored, stored, t[name]["dtype"])
            x = ref["values"].reshape(-1).astype(np.float32)
            if stored == "F16":
                expected = x.astype(np.float16).view(np.uint16)
            else:
                expected = bf16_reference(x)
            actual = np.frombuffer(t[name]["raw"], "<u2")
            bad = np.nonzero(expected != actual)[0]
            k = int(bad[0]) if bad.size else int(np.argmax(np.abs(x)))  # the first miss, else the largest x
            log.check("%s %s: reference rounding of every value (%d differ), first index %d, x %r"
                      % (dtype, name, bad.size, k, float(x[k])), bad.size == 0,
                      "0x%04x" % expected[k], "0x%04x" % actual[k], "-", "0 (bit for bit)")
    # Determinism.
    again = os.path.join(work, "tiny_f32_again")
    other = os.path.join(work, "tiny_f32_seed6")
    run("vlm", "init", "--preset", "tiny", "-o", again, "--seed", "5")
    run("vlm", "init", "--preset", "tiny", "-o", other, "--seed", "6")
    for f in ("config.json", "model.safetensors"):
        same = open(os.path.join(dirs["f32"], f), "rb").read() == open(os.path.join(again, f), "rb").read()
        log.check("vlm init --seed 5 twice: %s" % f, same, "the same bytes", "different bytes")
    log.check("vlm init --seed 5 and 6: model.safetensors",
              open(os.path.join(dirs["f32"], "model.safetensors"), "rb").read() !=
              open(os.path.join(other, "model.safetensors"), "rb").read(), "different weights", "the same bytes")
    # inspect.
    code, out, err = run("vlm", "inspect", dirs["bf16"], "--json")
    log.check("vlm inspect --json", code == 0, "exit 0", "exit %d %r" % (code, err))
    info = json.loads(out) if code == 0 else {}
    total = sum(math.prod(s) for s in params.values())
    log.check("inspect parameters", info.get("parameters") == total, total, repr(info.get("parameters")))
    log.check("inspect stored_dtypes", info.get("stored_dtypes") == "BF16", "BF16", repr(info.get("stored_dtypes")))
    code, out, _ = run("vlm", "inspect", dirs["f32"])
    log.check("vlm inspect table", code == 0 and str(total) in out, "exit 0, the parameter count %d" % total,
              "exit %d, %r" % (code, out[:300]))
    expect_refused(["vlm", "init", "--preset", "huge", "-o", os.path.join(work, "x")], ["huge"], "unknown preset")
    expect_refused(["vlm", "init", "--preset", "tiny", "-o", os.path.join(work, "x"), "--dtype", "f64"], ["f64"], "bad dtype")
    log.check("a refused init writes nothing", not os.path.exists(os.path.join(work, "x")), "no directory x",
              "x exists")
    return dirs["f32"], f32


def check_bad_files(work, good_dir, tensors):
    count = [0]

    def variant():
        count[0] += 1
        d = os.path.join(work, "bad%02d" % count[0])
        shutil.copytree(good_dir, d)
        return d

    def model(d):
        return os.path.join(d, "model.safetensors")

    raw = open(model(good_dir), "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
    name = "model.layers.0.input_layernorm.weight"

    def with_header(edit, needles, what, text=None, payload=None):
        d = variant()
        h = json.loads(json.dumps(header))
        edit(h)
        write_raw(model(d), h, data if payload is None else payload, text)
        expect_refused(["vlm", "inspect", d], needles, what)

    d = variant()
    with open(model(d), "wb") as f:
        f.write(struct.pack("<Q", n + 1000) + raw[8:8 + n + 10])
    expect_refused(["vlm", "inspect", d], ["header length", "past the end"], "header length past the end")
    d = variant()
    with open(model(d), "wb") as f:
        f.write(struct.pack("<Q", 1 << 50) + raw[8:])
    expect_refused(["vlm", "inspect", d], ["absurd"], "absurd header length")
    with_header(lambda h: None, ["invalid JSON"], "invalid JSON", text=json.dumps(header)[:-5])
    with_header(lambda h: h.__setitem__(name, [1, 2]), [name, "not an object"], "non-object entry")
    with_header(lambda h: h[name].__setitem__("dtype", "F64"), [name, "F64"], "unknown dtype")
    with_header(lambda h: h[name].__setitem__("shape", [-128]), [name, "negative"], "negative shape")
    with_header(lambda h: h[name].__setitem__("shape", [2 ** 40, 2 ** 40]), [name, "too many"], "overflowing shape")
    with_header(lambda h: h[name].__setitem__("data_offsets", [len(data) - 256, len(data) + 256]), [name, "data_offsets"],
                "offsets past the data")
    with_header(lambda h: h[name].__setitem__("data_offsets", [0, 512]), [name], "overlapping tensors")
    with_header(lambda h: h[name].__setitem__("shape", [64]), [name, "needs 256"], "byte length != numel x size")
    dup_text = json.dumps(header)[:-1] + ', "%s": %s}' % (name, json.dumps(header[name]))
    with_header(lambda h: None, ["duplicate", name], "duplicate tensor names", text=dup_text)
    # Tensor-level checks against the config, through this script's writer.
    t = as_raw(tensors)
    for what, edit, needles in (
            ("shape mismatch with the config", lambda t: t.__setitem__(name, ("F32", [127], t[name][2][:508])),
             [name, "(127)", "(128)"]),
            ("non-finite weight", lambda t: t.__setitem__(name, ("F32", [128], t[name][2][:12] + struct.pack("<f", math.nan)
                                                                 + t[name][2][16:])), [name, "index 3"]),
            ("missing tensor", lambda t: t.pop("lm_head.weight"), ["lm_head.weight", "missing"]),
            ("unexpected tensor", lambda t: t.__setitem__("extra.weight", ("F32", [1], b"\0\0\0\0")), ["extra.weight"]),
            ("integer tensor", lambda t: t.__setitem__("ids", ("I64", [1], b"\0" * 8)), ["ids"])):
        d = variant()
        tt = dict(t)
        edit(tt)
        write_safetensors(model(d), tt)
        expect_refused(["vlm", "inspect", d], needles, what)
    d = variant()
    with open(model(d), "wb") as f:
        f.write(raw[:len(raw) // 2])
    expect_refused(["vlm", "inspect", d], ["data_offsets"], "truncated file")
    d = variant()
    os.remove(model(d))
    expect_refused(["vlm", "inspect", d], ["model.safetensors"], "missing model.safetensors")
    expect_refused(["vlm", "inspect", os.path.join(work, "nowhere")], ["nowhere"], "missing directory")
    # config.json
    cfg = json.load(open(os.path.join(good_dir, "config.json")))
    for what, edit, needles in (
            # an omitted key takes transformers' default: 8 KV heads, which 4 query heads cannot share
            ("omitted config key", lambda c: c.pop("num_key_value_heads"), ["num_key_value_heads = 8"]),
            ("mistyped config key", lambda c: c.__setitem__("vocab_size", "1024"), ["vocab_size", "1024"]),
            ("heads not dividing hidden", lambda c: c.__setitem__("hidden_size", 130), ["hidden_size", "130"]),
            ("bad mrope_section", lambda c: c["rope_scaling"].__setitem__("mrope_section", [4, 6, 7]), ["mrope_section"]),
            ("special id outside vocab", lambda c: c.__setitem__("video_token_id", 5000), ["video_token_id", "5000"]),
            ("vision width", lambda c: c["vision_config"].__setitem__("hidden_size", 64), ["vision_config.hidden_size"]),
            ("config not JSON", None, ["invalid JSON"])):
        d = variant()
        c = json.loads(json.dumps(cfg))
        text = "{\"vocab_size\": 10" if edit is None else None
        if edit is not None:
            edit(c)
        with open(os.path.join(d, "config.json"), "w") as f:
            f.write(text if text is not None else json.dumps(c))
        expect_refused(["vlm", "inspect", d], needles, what)
    # Shards written here, as Hugging Face lays them out.
    d = variant()
    os.remove(model(d))
    names = list(t)
    shards = {"model-00001-of-00002.safetensors": names[:len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2:]}
    weight_map = {}
    for shard, members in shards.items():
        write_safetensors(os.path.join(d, shard), {k: t[k] for k in members}, {"format": "pt"})
        weight_map.update({k: shard for k in members})
    with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": len(data)}, "weight_map": weight_map}, f)
    code, out, err = run("vlm", "inspect", d, "--json")
    info = json.loads(out) if code == 0 else {}
    log.check("sharded checkpoint", code == 0 and info.get("shards") == 2 and info.get("tensors") == len(names),
              "exit 0, 2 shards, %d tensors" % len(names), "exit %d, %r %r" % (code, info, err))
    os.remove(os.path.join(d, "model-00002-of-00002.safetensors"))
    expect_refused(["vlm", "inspect", d], ["model-00002-of-00002.safetensors"], "missing shard")


def check_input(work, model_dir):
    path = os.path.join(work, "input.safetensors")
    args = ["vlm", "input", "--model", model_dir, "-o", path, "--seed", "3", "--text-before", "3", "--frames", "3",
            "--grid-height", "2", "--grid-width", "3", "--text-after", "2", "--repeat-frame", "0:2"]
    code, out, err = run(*args)
    log.check("vlm input", code == 0 and err == "", "exit 0, empty stderr", "exit %d %r" % (code, err))
    meta, t = read_safetensors(path)
    want = ["input_ids", "pixel_values_videos", "video_grid_thw"]
    log.check("input tensors", sorted(t) == want, want, sorted(t))
    dtypes = {k: v["dtype"] for k, v in t.items()}
    want = {"input_ids": "I64", "video_grid_thw": "I64", "pixel_values_videos": "F32"}
    log.check("input dtypes", all(dtypes.get(k) == v for k, v in want.items()), want, dtypes)
    ids = t["input_ids"]["values"]
    V = 1024
    expected_len = 3 + 1 + 3 * 2 * 3 + 1 + 2
    log.check("input_ids shape", ids.shape == (expected_len,), (expected_len,), ids.shape)
    text = [int(i) for i in list(ids[:3]) + list(ids[-2:])]
    log.check("text ids", all(0 <= i < V - 6 for i in text), "in [0, vocab - 6)", text)
    log.check("vision_start / vision_end ids", ids[3] == V - 6 and ids[4 + 18] == V - 5, (V - 6, V - 5),
              (int(ids[3]), int(ids[4 + 18])))
    log.check("the video run", all(ids[4:4 + 18] == V - 3), "18 video_token_id (%d)" % (V - 3), ids[4:4 + 18].tolist())
    grid = t["video_grid_thw"]["values"].tolist()
    log.check("video_grid_thw", grid == [[3, 4, 6]], [[3, 4, 6]], grid)
    px = t["pixel_values_videos"]["values"]
    log.check("pixel shape", px.shape == (3 * 4 * 6, 3 * 2 * 14 * 14), (3 * 4 * 6, 3 * 2 * 14 * 14), px.shape)
    frame = 4 * 6
    log.check("--repeat-frame 0:2: temporal patch 2",
              np.array_equal(px[2 * frame:3 * frame].view(np.uint32), px[:frame].view(np.uint32)),
              "temporal patch 0, bit for bit", "different")
    log.check("temporal patch 1", not np.array_equal(px[frame:2 * frame], px[:frame]), "not temporal patch 0",
              "equal")
    x = px[:2 * frame].astype(np.float64).reshape(-1)  # the independent draws
    n = x.size
    # z = 5 per check (two checks: family error below 1.2e-6): SE of the mean 1/sqrt(n), of the
    # variance of N(0, 1) sqrt(2 / (n - 1)).
    log.check("pixel mean", abs(x.mean()) <= 5 / math.sqrt(n), 0, "%g" % x.mean(), "%g" % abs(x.mean()),
              "%g (5 SE)" % (5 / math.sqrt(n)))
    log.check("pixel variance", abs(x.var(ddof=1) - 1) <= 5 * math.sqrt(2 / (n - 1)), 1, "%g" % x.var(ddof=1),
              "%g" % abs(x.var(ddof=1) - 1), "%g (5 SE)" % (5 * math.sqrt(2 / (n - 1))))
    log.check("input __metadata__", meta.get("seed") == "3" and meta.get("repeat_frame") == "0:2" and
              meta.get("frames") == "3", "seed 3, repeat_frame 0:2, frames 3", meta)
    again = os.path.join(work, "input_again.safetensors")
    run(*[again if a == path else a for a in args])
    log.check("vlm input twice", open(path, "rb").read() == open(again, "rb").read(), "the same bytes",
              "different files")
    other = os.path.join(work, "input_other.safetensors")
    run(*[other if a == path else ("4" if a == "3" and i == args.index("--seed") + 1 else a) for i, a in enumerate(args)])
    log.check("vlm input with another seed", open(path, "rb").read() != open(other, "rb").read(), "another file",
              "the same bytes")
    base = ["vlm", "input", "--model", model_dir, "-o", os.path.join(work, "bad_input.safetensors")]
    for extra, needles in ((["--frames", "0"], ["--frames", "0"]), (["--grid-height", "-1"], ["--grid-height"]),
                           (["--frames", "3", "--repeat-frame", "5:0"], ["--repeat-frame", "5"]),
                           (["--repeat-frame", "1-2"], ["1-2"]), (["--text-before", "x"], ["--text-before"]),
                           (["--repeat-frame", "a:1"], ["'a'"])):
        expect_refused(base + extra, needles, "vlm input " + " ".join(extra))
    log.check("a refused input writes nothing", not os.path.exists(os.path.join(work, "bad_input.safetensors")),
              "no bad_input.safetensors", "the file exists")
    expect_refused(["vlm", "input", "--model", os.path.join(work, "nowhere"), "-o", os.path.join(work, "y")],
                   ["nowhere"], "vlm input without a model")


def main():
    work = tempfile.mkdtemp(prefix="hopelab_vlm_files_")
    try:
        good_dir, tensors = check_init(work)
        check_bad_files(work, good_dir, tensors)
        check_input(work, good_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
