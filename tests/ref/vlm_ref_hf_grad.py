"""Gradients of Hugging Face transformers' Qwen2VLForConditionalGeneration in float64 (eager
attention), for make_grad_golden.py (needs torch and transformers; no CTest test imports it).

transformers loaded in float64 still computes five things in float32: RMSNorm, the eager
softmax, the LLM rotary table (inv_freq and pos * inv_freq), the vision rotary table and the
vision q, k rotation. float64_islands() replaces each with the same expression kept in the
input's dtype (the graph is unchanged), so that the model is float64 end to end and can be
compared with the float64 port to ~1e-10. The loss is vlm_ref_loss's (CE) on the float64
logits; transformers' own loss (labels passed; it upcasts logits with .float(), i.e. float32
for float64 logits) is returned beside it for an agreement check.
"""

import contextlib

import numpy as np
import torch
import transformers.models.qwen2_vl.modeling_qwen2_vl as hf
from transformers import Qwen2VLForConditionalGeneration

from make_transformers_golden import get_rope_index_4_45, token_types
from vlm_ref_loss import loss_labels
from vlm_ref_torch import Stages, cross_entropy


def _rms_norm_forward(self, x):
    variance = x.pow(2).mean(-1, keepdim=True)
    return self.weight * (x * torch.rsqrt(variance + self.variance_epsilon))


def _eager_attention(module, query, key, value, attention_mask, scaling, dropout=0.0, **kwargs):
    key = hf.repeat_kv(key, module.num_key_value_groups)
    value = hf.repeat_kv(value, module.num_key_value_groups)
    w = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        w = w + attention_mask
    w = torch.nn.functional.softmax(w, dim=-1)
    return torch.matmul(w, value).transpose(1, 2).contiguous(), w


def _text_rotary_forward(self, x, position_ids):
    dim = self.inv_freq.shape[0] * 2
    base = self.config.rope_parameters["rope_theta"]
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    freqs = position_ids.expand(3, -1, -1)[..., None].to(torch.float64) * inv_freq
    cos = self.recomposition_frequencies(freqs.cos())
    sin = self.recomposition_frequencies(freqs.sin())
    return cos.to(x.dtype), sin.to(x.dtype)


def _vision_rotary_forward(self, x, position_ids):
    spatial = self.inv_freq.shape[0] * 2
    base = self.config.rope_parameters["rope_theta"]
    inv_freq = 1.0 / (base ** (torch.arange(0, spatial, 2, dtype=torch.float64) / spatial))
    freqs = position_ids[..., None].to(torch.float64) * inv_freq
    return (self.recomposition_frequencies(freqs.cos()).to(x.dtype),
            self.recomposition_frequencies(freqs.sin()).to(x.dtype))


def _vision_rotate(q, k, cos, sin):
    cos, sin = cos.unsqueeze(-2).to(q.dtype), sin.unsqueeze(-2).to(q.dtype)
    return q * cos + hf.rotate_half(q) * sin, k * cos + hf.rotate_half(k) * sin


@contextlib.contextmanager
def float64_islands():
    """Within: transformers' float32 steps run in the input's dtype (module docstring)."""
    saved = [(hf.Qwen2VLRMSNorm, "forward", _rms_norm_forward),
             (hf, "eager_attention_forward", _eager_attention),
             (hf.Qwen2VLRotaryEmbedding, "forward", _text_rotary_forward),
             (hf.Qwen2VLVisionRotaryEmbedding, "forward", _vision_rotary_forward),
             (hf, "apply_rotary_pos_emb_vision", _vision_rotate)]
    old = [(obj, name, getattr(obj, name)) for obj, name, _ in saved]
    try:
        for obj, name, new in saved:
            setattr(obj, name, new)
        yield
    finally:
        for obj, name, value in old:
            setattr(obj, name, value)


def checkpoint_name(name):
    """transformers' parameter name -> the checkpoint's (docs/vlm.md "Parameters")."""
    if name.startswith("model.visual."):
        return name[len("model."):]
    if name.startswith("model.language_model."):
        return "model." + name[len("model.language_model."):]
    return name


def hf_gradients(model_dir, inp, cfg, raw_cfg, weights, notes, float64=True):
    """-> (loss, n, hf_loss, max |logit|, {checkpoint name: float64 gradient}): (CE) in float64,
    float32 islands removed unless float64=False; hf_loss is transformers' own. raw_cfg:
    config.json as a dict; weights: the checkpoint (checked equal to the loaded parameters,
    which also checks the name mapping)."""
    with float64_islands() if float64 else contextlib.nullcontext():
        model = Qwen2VLForConditionalGeneration.from_pretrained(
            model_dir, attn_implementation="eager", dtype=torch.float64)
        model.eval()
        params = {checkpoint_name(k): p for k, p in model.named_parameters()}
        missing = sorted(set(weights) ^ set(params))
        if missing:
            raise RuntimeError("parameter names differ from the checkpoint: %s" % missing)
        for k, p in params.items():
            if not np.array_equal(p.detach().numpy(), weights[k]):
                raise RuntimeError("transformers' %s differs from the checkpoint" % k)
        ids = inp["input_ids"].astype(np.int64)
        labels = loss_labels(cfg, inp)
        kw = {"input_ids": torch.from_numpy(ids)[None],
              "mm_token_type_ids": torch.from_numpy(token_types(ids, raw_cfg))[None],
              "labels": torch.from_numpy(labels)[None]}
        for pix, grid in (("pixel_values", "image_grid_thw"),
                          ("pixel_values_videos", "video_grid_thw")):
            if pix in inp:
                kw[pix] = torch.from_numpy(np.asarray(inp[pix], np.float64))
                kw[grid] = torch.from_numpy(inp[grid].astype(np.int64))
        with torch.no_grad():
            pos, _ = model.model.get_rope_index(kw["input_ids"], kw["mm_token_type_ids"],
                                                kw.get("image_grid_thw"),
                                                kw.get("video_grid_thw"))
        legacy = get_rope_index_4_45(ids, raw_cfg, inp.get("image_grid_thw", []),
                                     inp.get("video_grid_thw", []))
        if not np.array_equal(pos[:, 0].numpy(), legacy):
            notes.append("get_rope_index differs from 4.45's; 4.45's position_ids passed")
            kw["position_ids"] = torch.from_numpy(legacy)[:, None, :]
        out = model(**kw)
        loss, n = cross_entropy(out.logits[0], labels, Stages())
        loss.backward()
    grads = {k: p.grad.detach().numpy().copy() for k, p in params.items()}
    return loss.item(), n, out.loss.item(), out.logits.abs().max().item(), grads
