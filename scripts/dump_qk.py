#!/usr/bin/env python3
"""Dumps a Hugging Face model's query and key rows before rotation, per layer and head, as
hopelab's empirical pools: the semantic part of attention, which `--dist empirical:` then moves
through any rotary method (docs/usage.md "Your own model").

Usage:
  scripts/dump_qk.py MODEL_DIR -o POOL.h5 (--prompt TEXT | --prompt-ids ID,ID,...)
                     [--video FRAMES.npy] [--layers all|L,L,...] [--heads all|H,H,...]
                     [--rows all|text|video] [--dtype float32|bfloat16|float16]
                     [--device cpu|cuda] [--force]

MODEL_DIR is a local checkpoint directory (config.json, weights, and for a text prompt its
tokenizer or processor): Qwen2-VL, Qwen2.5-VL, Qwen3-VL, or a Llama-style text model. Nothing is
downloaded. The video is a NumPy array of frames (T, H, W, 3), uint8, given to the checkpoint's
processor; a prompt without the processor's video token gets
"<|vision_start|><|video_pad|><|vision_end|>" in front.

How: one forward pass (eager attention) with the rotary function of the attention's module
(`apply_rotary_pos_emb`, or Qwen2-VL's `apply_multimodal_rotary_pos_emb` in 4.x) wrapped, so the
query and key it receives, the rows before rotation (after q_norm / k_norm where the model has
them), are recorded per decoder layer; positions are the `position_ids` given to the language
model's rotary embedding ((t, h, w); a 1-D position p is (p, p, p)). The wrapper also checks
that the rotation is the rotate-half layout hopelab's `halves` pairs mean (pair i is dimensions
(i, i + r/2) of the first r, the rest unrotated): every pair keeps its norm through the model's
own rotation, and the rest keep their values. With a partial rotary (r < d) the columns are
reordered so that pair i is (i, i + d/2), as p-rope with keep_fraction r/d (a 1-D rotary) or
qwen35 with rotary_fraction r/d (Qwen3.5's interleaved M-RoPE) reads them (`--config` sets either
from the same config.json).

The file is a hopelab results file (docs/hdf5-format.md), laid out as `hopelab vlm dump-qk`
writes its one head: a group /runs/qk-layer<L>-head<H> per layer and query head, each with
float64 `queries` (n, d), `keys` (n, d) of the head's KV head, `positions` (n, 3) and int64
`token` (n, the row's index in the prompt), and the run's settings as attributes. Read a pool
with:
  hopelab mc preference --config MODEL_DIR/config.json --method M ...
      --dist empirical:POOL.h5:/runs/qk-layer0-head0/queries:/runs/qk-layer0-head0/keys
Needs torch, transformers (4.45 or later) and h5py; exit status 2 with one line on stderr for a
bad argument or a model it cannot read.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import socket
import subprocess
import sys

import numpy as np

FORMAT_VERSION = (1, 1)  # kFormatVersion of experiments/results/results_file.h
KIND = "vlm-dump-qk"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DumpError(Exception):
    """A bad argument or an unreadable model: one line, exit status 2."""


# ------------------------------------------------------------------------------ arguments

def index_list(text, flag):
    if text == "all":
        return None
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise DumpError("%s must be 'all' or a comma list of integers, got %r" % (flag, text))
    if not values or min(values) < 0 or len(set(values)) != len(values):
        raise DumpError("%s needs distinct non-negative integers, got %r" % (flag, text))
    return values


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="local checkpoint directory")
    p.add_argument("-o", "--output", required=True, help="results file to write")
    prompt = p.add_mutually_exclusive_group(required=True)
    prompt.add_argument("--prompt", help="prompt text (tokenized by the checkpoint's processor or tokenizer)")
    prompt.add_argument("--prompt-ids", help="prompt as token ids, comma separated (no tokenizer needed)")
    p.add_argument("--video", help="frames as a .npy array (T, H, W, 3), uint8")
    p.add_argument("--layers", default="all", help="decoder layers: all or L,L,...")
    p.add_argument("--heads", default="all", help="query heads: all or H,H,...")
    p.add_argument("--rows", choices=["all", "text", "video"],
                   help="tokens dumped (default: video with --video, else all)")
    p.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"], help="model precision")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda, cuda:1, ...)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")

    def error(message):
        raise DumpError(message)

    p.error = error
    a = p.parse_args(argv)
    a.layer_list = index_list(a.layers, "--layers")
    a.head_list = index_list(a.heads, "--heads")
    if a.rows is None:
        a.rows = "video" if a.video else "all"
    if a.rows == "video" and not a.video:
        raise DumpError("--rows video needs --video")
    if a.prompt_ids is not None:
        if a.video:
            raise DumpError("--video needs --prompt (the processor places the video's tokens)")
        try:
            a.ids = [int(v) for v in a.prompt_ids.split(",")]
        except ValueError:
            raise DumpError("--prompt-ids needs comma-separated token ids, got %r" % a.prompt_ids)
        if min(a.ids) < 0:
            raise DumpError("--prompt-ids: id %d is negative" % min(a.ids))
    return a


def check_destination(path, force):
    if os.path.lexists(path):
        if not os.path.isfile(path) or os.path.islink(path):
            raise DumpError("results file %r exists and is not a regular file" % path)
        if not force:
            raise DumpError("results file %r exists (give --force to overwrite it)" % path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise DumpError("directory %r of results file %r does not exist" % (directory, path))


# ------------------------------------------------------------------------------ the model

def load_model(a):
    import torch
    import transformers
    from transformers import AutoConfig

    if not os.path.isdir(a.model):
        raise DumpError("model directory %r does not exist" % a.model)
    try:
        config = AutoConfig.from_pretrained(a.model, local_files_only=True)
    except Exception as e:  # transformers raises many types for a bad config
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DumpError("cannot read %s/config.json: %s" % (a.model, first))
    dtype = getattr(torch, a.dtype)
    classes = ["AutoModelForImageTextToText", "AutoModelForVision2Seq"] if hasattr(config, "vision_config") else []
    classes.append("AutoModelForCausalLM")
    last = None
    for name in classes:
        auto = getattr(transformers, name, None)
        if auto is None:
            continue
        for dtype_key in ("dtype", "torch_dtype"):  # 5.x, 4.x
            try:
                model = auto.from_pretrained(a.model, local_files_only=True, attn_implementation="eager",
                                             **{dtype_key: dtype})
                return config, model.to(a.device).eval()
            except (ValueError, KeyError, TypeError, OSError) as e:
                last = e
    raise DumpError("cannot load the model in %r: %s" % (a.model, str(last).splitlines()[0] if last else "no class"))


def text_config(config):
    get = getattr(config, "get_text_config", None)
    return get() if get is not None else getattr(config, "text_config", config)


def prompt_inputs(a, config):
    """The model's keyword inputs and the description of the prompt for the file."""
    import torch
    if a.prompt_ids is not None:
        vocab = text_config(config).vocab_size
        bad = [i for i in a.ids if i >= vocab]
        if bad:
            raise DumpError("--prompt-ids: id %d is outside the vocabulary [0, %d)" % (bad[0], vocab))
        return {"input_ids": torch.tensor([a.ids])}, "ids:" + a.prompt_ids
    from transformers import AutoProcessor, AutoTokenizer
    try:
        processor = AutoProcessor.from_pretrained(a.model, local_files_only=True)
    except Exception:
        processor = None
    if a.video is None:
        tokenizer = getattr(processor, "tokenizer", None) or processor
        if tokenizer is None or not callable(tokenizer):
            try:
                tokenizer = AutoTokenizer.from_pretrained(a.model, local_files_only=True)
            except Exception:
                raise DumpError("%r has no tokenizer: give --prompt-ids" % a.model)
        return dict(tokenizer(a.prompt, return_tensors="pt")), "text:" + a.prompt
    if processor is None or not hasattr(processor, "video_processor") and not hasattr(processor, "image_processor"):
        raise DumpError("%r has no processor for videos (processor_config.json / preprocessor_config.json)" % a.model)
    try:
        frames = np.load(a.video, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise DumpError("cannot read the video %r: %s" % (a.video, e))
    if frames.ndim != 4 or frames.shape[3] != 3 or frames.shape[0] < 1 or frames.dtype != np.uint8:
        raise DumpError("the video %r is %s %s; it must be uint8 frames (T, H, W, 3)" % (a.video, frames.dtype,
                                                                                      frames.shape))
    token = getattr(processor, "video_token", "<|video_pad|>")
    text = a.prompt if token in a.prompt else "<|vision_start|>%s<|vision_end|>%s" % (token, a.prompt)
    inputs = processor(text=[text], videos=[frames], return_tensors="pt")
    return dict(inputs), "text+video:%s|%s" % (a.prompt, os.path.basename(a.video))


def text_attention(model):
    """The language model's attention modules, in layer order (a vision tower's are left out)."""
    found = []
    for name, module in model.named_modules():
        if "visual" in name or "vision" in name:
            continue
        if type(module).__name__.endswith("Attention") and isinstance(getattr(module, "layer_idx", None), int):
            found.append((module.layer_idx, name, module))
    if not found:
        raise DumpError("found no decoder attention (a *Attention module with a layer_idx) in %s" %
                        type(model).__name__)
    return sorted(found, key=lambda t: t[0])


class Recorder:
    """Wraps the rotary function(s) of the attention modules' Python module; records q, k of each
    text layer and checks the rotation's pair layout."""

    NAMES = ("apply_rotary_pos_emb", "apply_multimodal_rotary_pos_emb")

    def __init__(self, model, head_dim, rotary_dim, keep_layers):
        import torch
        self.torch = torch
        self.head_dim = head_dim
        self.keep = set(keep_layers)  # layers whose rows are kept (every layer's rotation is checked)
        self.seen = set()
        self.layer = None
        self.rows = {}           # kept layer -> (q, k) before rotation, (heads, L, d) float64
        self.positions = None    # (3, L)
        self.rotary_dim = rotary_dim
        self.worst = 0.0         # largest relative change of a pair's norm, or of an unrotated value
        self.patched = []
        self.hooks = []
        self.attention = text_attention(model)
        modules = {sys.modules[type(m).__module__] for _, _, m in self.attention}
        for module in modules:
            for fname in self.NAMES:
                original = getattr(module, fname, None)
                if original is not None:
                    setattr(module, fname, self.wrap(original))
                    self.patched.append((module, fname, original))
        if not self.patched:
            raise DumpError("the attention of %s calls no function named %s" % (type(model).__name__,
                                                                                 " or ".join(self.NAMES)))
        for index, _, module in self.attention:
            self.hooks.append(module.register_forward_pre_hook(lambda m, args, i=index: self.enter(i)))
            self.hooks.append(module.register_forward_hook(lambda m, args, out: self.leave()))
        rotary = [(n, m) for n, m in model.named_modules()
                  if n.endswith("rotary_emb") and "visual" not in n and "vision" not in n]
        if not rotary:
            raise DumpError("found no rotary embedding ('*.rotary_emb') in %s" % type(model).__name__)
        for _, module in rotary:
            self.hooks.append(module.register_forward_pre_hook(self.rotary_call, with_kwargs=True))

    def enter(self, index):
        self.layer = index

    def leave(self):
        self.layer = None

    def rotary_call(self, module, args, kwargs):
        ids = kwargs.get("position_ids", args[1] if len(args) > 1 else None)
        if ids is None:
            raise DumpError("the rotary embedding was called without position_ids")
        ids = ids.detach().to("cpu", self.torch.float64).numpy()
        if ids.ndim == 2:          # (B, L): one position per token
            ids = np.repeat(ids[0][None, :], 3, axis=0)
        elif ids.ndim == 3:        # (3, B, L), or 5.x's (4, B, L) with the text positions first
            ids = ids[-3:, 0, :]
        else:
            raise DumpError("position_ids of shape %s" % (tuple(ids.shape),))
        if self.positions is None:
            self.positions = ids
        elif not np.array_equal(self.positions, ids):
            raise DumpError("the rotary embedding was called with two different position_ids")

    def wrap(self, original):
        def rotary(q, k, *args, **kwargs):
            out_q, out_k = original(q, k, *args, **kwargs)
            if self.layer is not None:
                qs = q.detach().to("cpu", self.torch.float64).numpy()[0]   # (heads, L, d)
                ks = k.detach().to("cpu", self.torch.float64).numpy()[0]
                if qs.shape[-1] != self.head_dim or ks.shape[-1] != self.head_dim:
                    raise DumpError("the rotary function received rows of %d dimensions, not the head's %d: the "
                                    "model rotates a slice it cut off itself, and the rest of the head is not "
                                    "seen here" % (qs.shape[-1], self.head_dim))
                self.check_layout(qs, out_q.detach().to("cpu", self.torch.float64).numpy()[0])
                self.check_layout(ks, out_k.detach().to("cpu", self.torch.float64).numpy()[0])
                self.seen.add(self.layer)
                if self.layer in self.keep:
                    self.rows[self.layer] = (qs, ks)
            return out_q, out_k
        return rotary

    def check_layout(self, before, after):
        """Rotate-half over the first r dimensions: pair (i, i + r/2) keeps its norm; the rest unchanged."""
        if after.shape != before.shape:
            raise DumpError("the rotary function changed the rows' shape %s to %s" % (before.shape, after.shape))
        d, r = before.shape[-1], self.rotary_dim
        half = r // 2
        norm_before = np.hypot(before[..., :half], before[..., half:r])
        norm_after = np.hypot(after[..., :half], after[..., half:r])
        scale = np.max(np.abs(before)) + 1e-300
        self.worst = max(self.worst, float(np.max(np.abs(norm_after - norm_before)) / scale))
        if r < d:
            self.worst = max(self.worst, float(np.max(np.abs(after[..., r:] - before[..., r:])) / scale))

    def remove(self):
        for module, fname, original in self.patched:
            setattr(module, fname, original)
        for h in self.hooks:
            h.remove()


def model_rotary(config):
    """(head dim d, rotary dim r, rope_theta, the hopelab method of the model's own rotary)."""
    tc = text_config(config)
    d = getattr(tc, "head_dim", None) or tc.hidden_size // tc.num_attention_heads
    params = getattr(tc, "rope_parameters", None) or getattr(tc, "rope_scaling", None) or {}
    factor = params.get("partial_rotary_factor", getattr(tc, "partial_rotary_factor", 1.0)) or 1.0
    r = int(d * factor)
    theta = params.get("rope_theta", getattr(tc, "rope_theta", None))
    model_type = getattr(config, "model_type", "")
    if "mrope_section" in params:
        interleaved = bool(params.get("mrope_interleaved"))
        if r < d and not interleaved:
            raise DumpError("a partial rotary (partial_rotary_factor %g) with blocked mrope_section is no hopelab "
                            "method (qwen35 is the interleaved one)" % factor)
        # Qwen3.5: interleaved sections over the r rotated dimensions, the rest unrotated.
        method = ("qwen35" if r < d else "mrope-interleave") if interleaved else "mrope"
    else:
        method = "p-rope" if r < d else "vanilla"
    return int(d), r, theta, method, model_type


# ------------------------------------------------------------------------------ the file

def chunk_shape(shape, budget=65536):
    """results_file.cpp's rule: trailing dimensions whole while they fit, then a slice, then 1."""
    chunk = [1] * len(shape)
    for k in range(len(shape) - 1, -1, -1):
        take = max(1, min(shape[k], budget))
        chunk[k] = take
        budget = max(1, budget // take)
    return tuple(chunk)


def ordered_plist(kind, links):
    import h5py
    plist = h5py.h5p.create(kind)
    order = h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED
    plist.set_obj_track_times(False)
    plist.set_attr_creation_order(order)
    if links:
        plist.set_link_creation_order(order)
    return plist


def create_group(parent, name):
    import h5py
    gid = h5py.h5g.create(parent.id, name.encode(), gcpl=ordered_plist(h5py.h5p.GROUP_CREATE, True))
    return h5py.Group(gid)


def write_dataset(group, name, values, unit, description):
    import h5py
    values = np.ascontiguousarray(values)
    dtype = np.dtype("<i8") if values.dtype.kind in "iu" else np.dtype("<f8")
    dcpl = ordered_plist(h5py.h5p.DATASET_CREATE, False)
    if values.size > 4096:
        dcpl.set_chunk(chunk_shape(values.shape))
        dcpl.set_shuffle()
        dcpl.set_deflate(5)
    space = h5py.h5s.create_simple(values.shape)
    did = h5py.h5d.create(group.id, name.encode(), h5py.h5t.py_create(dtype), space, dcpl=dcpl)
    did.write(h5py.h5s.ALL, h5py.h5s.ALL, values.astype(dtype))
    dataset = h5py.Dataset(did)
    dataset.attrs["unit"] = unit
    dataset.attrs["description"] = description


def git_state():
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip() != ""
        return (commit, dirty) if len(commit) == 40 else ("unknown", False)
    except (OSError, subprocess.SubprocessError):
        return "unknown", False


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def project_version():
    try:
        with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
            for line in f:
                if line.startswith("project(hopelab VERSION"):
                    return line.split()[2]
    except OSError:
        pass
    return "unknown"


def attribute_value(value):
    """As results_file.cpp writes a record's attribute: int64 or float64 scalars, UTF-8 strings,
    1-D int64 or float64 arrays."""
    if isinstance(value, str):
        return str(value)  # numpy's str_ has no HDF5 type
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return np.int64(value)
    if isinstance(value, (float, np.floating)):
        return np.float64(value)
    array = np.asarray(value)
    if array.ndim == 1 and array.dtype.kind in "iu":
        return array.astype("<i8")
    if array.ndim == 1 and array.dtype.kind == "f":
        return array.astype("<f8")
    raise TypeError("attribute value %r" % (value,))


def write_results(path, runs, spec_text, device):
    """runs: [(name, attributes dict, [(dataset, values, unit, description)])] in unit order."""
    import h5py
    import torch
    commit, dirty = git_state()
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, ".%s.tmp-%d" % (os.path.basename(path), os.getpid()))
    backend = "pytorch-" + torch.device(device).type
    model_name = torch.cuda.get_device_name(torch.device(device)) if backend == "pytorch-cuda" else cpu_model()
    capability = ("%d.%d" % torch.cuda.get_device_capability(torch.device(device)) if backend == "pytorch-cuda"
                  else "none")
    try:
        fcpl = ordered_plist(h5py.h5p.FILE_CREATE, True)
        fid = h5py.h5f.create(temporary.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl)
        with h5py.File(fid) as f:
            root = [("filetype", "hopelab-results"), ("format_version", np.array(FORMAT_VERSION, dtype="<i8")),
                    ("hopelab_version", project_version()), ("git_commit", commit), ("git_dirty", np.int64(dirty)),
                    ("created_utc", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
                    ("host", socket.gethostname()), ("backend", backend), ("device", model_name),
                    ("compute_capability", capability), ("driver_version", "none"),
                    ("runtime_version", "torch " + torch.__version__),
                    ("instruction_set", "unknown"), ("rng", "none"), ("seed", np.uint64(0)),
                    ("spec_name", "dump_qk.py"), ("spec_text", spec_text), ("units_total", np.int64(len(runs))),
                    ("shard", "all"), ("ranks", np.int64(1))]
            for key, value in root:
                f.attrs[key] = value
            group_runs = create_group(f, "runs")
            for index, (name, attributes, datasets) in enumerate(runs):
                g = create_group(group_runs, name)
                g.attrs["unit_index"] = np.int64(index)
                for key, value in attributes.items():
                    g.attrs[key] = attribute_value(value)
                for dataset in datasets:
                    write_dataset(g, *dataset)
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


# ------------------------------------------------------------------------------ the dump

def quiet_transformers():
    """Errors only, no progress bars: stderr stays one line on failure."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def dump(a):
    check_destination(a.output, a.force)
    quiet_transformers()
    import h5py  # noqa: F401  (before the forward pass: a missing h5py is found at once)
    import torch
    import transformers
    config, model = load_model(a)
    d, r, theta, method, model_type = model_rotary(config)
    tc = text_config(config)
    n_heads, n_kv = tc.num_attention_heads, getattr(tc, "num_key_value_heads", None) or tc.num_attention_heads
    layers = a.layer_list if a.layer_list is not None else list(range(tc.num_hidden_layers))
    heads = a.head_list if a.head_list is not None else list(range(n_heads))
    if max(layers) >= tc.num_hidden_layers:
        raise DumpError("--layers %d is outside [0, %d)" % (max(layers), tc.num_hidden_layers))
    if max(heads) >= n_heads:
        raise DumpError("--heads %d is outside [0, %d)" % (max(heads), n_heads))
    inputs, prompt = prompt_inputs(a, config)
    recorder = Recorder(model, d, r, layers)
    try:
        with torch.no_grad():
            model(**{k: (v.to(a.device) if hasattr(v, "to") else v) for k, v in inputs.items()})
    finally:
        recorder.remove()
    tolerance = {"float32": 1e-5, "bfloat16": 2e-2, "float16": 5e-3}[a.dtype]
    if recorder.worst > tolerance:
        raise DumpError("the model's rotation is not rotate-half over the first %d of %d dimensions (a pair's norm "
                        "or an unrotated value moved by %.3g of the rows' largest value): hopelab's pairs would "
                        "not match it" % (r, d, recorder.worst))
    if recorder.positions is None or sorted(recorder.seen) != list(range(tc.num_hidden_layers)):
        raise DumpError("recorded %d of %d layers: the model's attention did not go through the wrapped rotary "
                        "function" % (len(recorder.seen), tc.num_hidden_layers))
    ids = inputs["input_ids"][0].cpu().numpy()
    visual = np.isin(ids, [getattr(config, key, -1) for key in ("video_token_id", "image_token_id")])
    keep = {"all": np.ones_like(visual), "text": ~visual, "video": visual}[a.rows]
    tokens = np.flatnonzero(keep)
    if len(tokens) < 2:
        raise DumpError("the prompt has %d %s rows; a pool needs 2" % (len(tokens), a.rows))
    # Columns in hopelab's halves order: pair i of the r rotated dimensions is (i, i + r/2); after
    # the reordering it is (i, i + d/2), and the unrotated ones are the pairs from r/2 on.
    order = np.concatenate([np.arange(0, r // 2), np.arange(r, r + (d - r) // 2),
                            np.arange(r // 2, r), np.arange(r + (d - r) // 2, d)])
    positions = recorder.positions[:, tokens].T
    with open(os.path.join(a.model, "config.json"), "rb") as f:
        config_sha = hashlib.sha256(f.read()).hexdigest()
    runs = []
    for layer in layers:
        q, k = recorder.rows[layer]
        for head in heads:
            kv = head // (n_heads // n_kv)
            name = "qk-layer%d-head%d" % (layer, head)
            attributes = {"unit": name, "run": name, "kind": KIND, "model": a.model, "input": prompt,
                          "method": method, "layer": layer, "head": head, "kv_head": kv, "rows": a.rows,
                          "model_type": model_type, "head_dim": d, "rotary_dim": r,
                          "rope_theta": float(theta) if theta is not None else float("nan"),
                          "pair_layout": "halves", "rotation_check": recorder.worst,
                          "rotation_tolerance": tolerance, "dtype": a.dtype, "config_sha256": config_sha,
                          "input_ids": ids.astype(np.int64), "transformers_version": transformers.__version__,
                          "torch_version": torch.__version__}
            if "video_grid_thw" in inputs:
                attributes["video_grid_thw"] = inputs["video_grid_thw"][0].cpu().numpy().astype(np.int64)
            datasets = [("queries", q[head][tokens][:, order], "1", "query rows of the head before rotation, (n, d)"),
                        ("keys", k[kv][tokens][:, order], "1", "key rows of its KV head before rotation, (n, d)"),
                        ("positions", positions, "position", "(t, h, w) of each row, (n, 3)"),
                        ("token", tokens.astype(np.int64), "token", "each row's index in the prompt")]
            runs.append((name, attributes, datasets))
    spec = {"script": "scripts/dump_qk.py", "model": a.model, "prompt": prompt, "layers": a.layers,
            "heads": a.heads, "rows": a.rows, "dtype": a.dtype, "device": a.device}
    write_results(a.output, runs, json.dumps(spec, sort_keys=True), a.device)
    first = runs[0][0]
    print("wrote %s: %d %s rows x %d layers x %d heads, d = %d (%d rotated), model %s (method %s); pools "
          "/runs/%s/queries and /runs/%s/keys, ..." % (a.output, len(tokens), a.rows, len(layers), len(heads), d, r,
                                                        model_type, method, first, first))


def main(argv):
    try:
        dump(parse_args(argv))
    except DumpError as e:
        text = str(e).encode("unicode_escape").decode("ascii")  # one line, control characters escaped
        print("dump_qk.py: error: " + text, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
