#!/usr/bin/env python3
"""scripts/dump_qk.py on models transformers creates here (randomly initialised, nothing
downloaded). Needs torch, torchvision, transformers and h5py: exits 77 (skipped) without them.

Usage: check_dump_qk_torch.py PATH/TO/hopelab   (run by the Python that has torch)
  * the tiny Qwen2-VL of make_qk_golden.py, dumped again: the same rows as the committed
    golden/qk_pool_tiny/pool.h5 when torch and transformers are the versions it records (else only
    shapes and positions); its layer-0 query and key rows of every text token equal
    RMSNorm(embedding) W^T + b computed in NumPy from model.safetensors (|error| <= 1e-4 max|row|);
  * a Llama-style text model (LlamaForCausalLM, --prompt-ids, no tokenizer): positions (p, p, p),
    layer-0 rows against NumPy as above, and `hopelab mc preference --method vanilla --config` on
    its pools: theory column equal to the NumPy preference (qk_preference_reference.py);
  * a partial rotary (GPT-NeoX, partial_rotary_factor 0.25 of d = 32: r = 8): rotary_dim 8, and
    `mc preference --method p-rope --config` equals the preference of transformers' own partial
    rotary computed from the pools in the model's column order (pairs (i, i + r/2) of the first r
    dimensions at theta_i = b^(-2i/r), the other 24 unrotated), undoing the documented reordering;
  * refusals, exit 2 with one line: GLM's interleaved pairs (not rotate-half), StableLM's slice
    (the rotary function sees 8 of 32 dimensions), a missing model directory, --rows video without
    a video, an output that exists without --force.
Prints one line per failed check and exits 1 if any failed.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
try:
    import h5py
    import numpy as np
    import torch
    import torchvision  # noqa: F401  (Qwen2-VL's video processor)
    import transformers
except ImportError as e:
    print("skipped: %s" % e)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from check_log import CheckLog  # noqa: E402
from make_qk_golden import build_tiny_qwen2vl, dump, write_video  # noqa: E402
from qk_preference_reference import expected_preference, halves  # noqa: E402
from vlm_ref_safetensors import read_safetensors  # noqa: E402

CLI = sys.argv[1]
GOLDEN = os.path.join(HERE, "golden", "qk_pool_tiny", "pool.h5")
log = CheckLog()


def script(*args):
    p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "dump_qk.py"), *args], capture_output=True,
                       text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def tensor(weights, suffix):
    names = [n for n in weights if n.endswith(suffix) and "visual" not in n]
    if len(names) != 1:
        raise KeyError("%s: %s" % (suffix, names))
    return weights[names[0]].astype(np.float64)


def layer0_rows(model_dir, ids, heads, kv_heads, d, eps, bias):
    """Layer 0's q and k of each token from its embedding: RMSNorm, then q_proj and k_proj."""
    w = read_safetensors(os.path.join(model_dir, "model.safetensors"))[0]
    x = tensor(w, "embed_tokens.weight")[ids]
    h = x / np.sqrt(np.mean(x * x, axis=1, keepdims=True) + eps) * tensor(w, "layers.0.input_layernorm.weight")
    q = h @ tensor(w, "layers.0.self_attn.q_proj.weight").T
    k = h @ tensor(w, "layers.0.self_attn.k_proj.weight").T
    if bias:
        q, k = q + tensor(w, "layers.0.self_attn.q_proj.bias"), k + tensor(w, "layers.0.self_attn.k_proj.bias")
    return q.reshape(len(ids), heads, d), k.reshape(len(ids), kv_heads, d)


def check_layer0(name, pool, model_dir, rows, eps, bias, heads, kv_heads, d):
    with h5py.File(pool, "r") as f:
        for group in f["runs"]:
            g = f["runs"][group]
            if g.attrs["layer"] != 0:
                continue
            ids = g.attrs["input_ids"]
            token = g["token"][()]
            keep = np.isin(token, rows)
            q, k = layer0_rows(model_dir, ids[token[keep]], heads, kv_heads, d, eps, bias)
            for what, got, want in (("queries", g["queries"][()][keep], q[:, g.attrs["head"]]),
                                    ("keys", g["keys"][()][keep], k[:, g.attrs["kv_head"]])):
                err = float(np.max(np.abs(got - want)))
                tol = 1e-4 * float(np.max(np.abs(want)))
                log.check("%s %s: layer-0 %s against NumPy" % (name, group, what), err <= tol, "|error| <= tol",
                          err, err, tol)


def mc_theory(config, method, pool, group, offsets):
    dist = "empirical:%s:%s/queries:%s/keys" % (pool, group, group)
    p = subprocess.run([CLI, "mc", "preference", "--config", config, "--method", method, "--dist", dist,
                        "--offsets", offsets, "--samples", "1000", "--json"], capture_output=True, text=True,
                       timeout=120)
    if not log.check("mc preference %s on %s: exit 0" % (method, group), p.returncode == 0, 0,
                     "%d %s" % (p.returncode, p.stderr.strip())):
        return None, None
    ds = json.loads(p.stdout)["datasets"]
    return np.array(ds["offsets"]["values"], dtype=float).reshape(-1, 3), np.array(ds["theory"]["values"])


def check_qwen2vl(work):
    model_dir = os.path.join(work, "qwen2vl")
    build_tiny_qwen2vl(model_dir)
    video = os.path.join(work, "video.npy")
    write_video(video)
    pool = os.path.join(work, "qwen2vl.h5")
    code, _, err = dump(model_dir, video, pool)
    if not log.check("Qwen2-VL: dump_qk.py exit 0", code == 0, 0, "%d %s" % (code, err.strip()[-300:])):
        return
    with h5py.File(pool, "r") as new, h5py.File(GOLDEN, "r") as old:
        log.check("Qwen2-VL: the golden's runs", list(new["runs"]) == list(old["runs"]), list(old["runs"]),
                  list(new["runs"]))
        same = all(str(new["runs"][g].attrs[v]) == str(old["runs"][g].attrs[v]) for g in old["runs"]
                   for v in ("torch_version", "transformers_version"))
        for g in old["runs"]:
            for d in ("positions", "token"):
                log.check("Qwen2-VL %s/%s as the golden's" % (g, d), np.array_equal(new["runs"][g][d][()],
                                                                                   old["runs"][g][d][()]), "equal",
                          "different")
            if same:
                for d in ("queries", "keys"):
                    err = float(np.max(np.abs(new["runs"][g][d][()] - old["runs"][g][d][()])))
                    log.check("Qwen2-VL %s/%s as the golden's (same torch and transformers)" % (g, d), err <= 1e-6,
                              "|error| <= 1e-6", err, err, 1e-6)
        if not same:
            print("note: torch or transformers differ from the golden's; its rows are not compared")
        ids = new["runs/qk-layer0-head0"].attrs["input_ids"]
    text_rows = np.flatnonzero(~np.isin(ids, [1020, 1021]))
    check_layer0("Qwen2-VL", pool, model_dir, text_rows, 1e-6, True, 4, 2, 32)


def check_llama(work):
    from transformers import LlamaConfig, LlamaForCausalLM
    torch.manual_seed(1)
    config = LlamaConfig(vocab_size=128, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-5,
                         max_position_embeddings=4096)
    model_dir = os.path.join(work, "llama")
    LlamaForCausalLM(config).save_pretrained(model_dir)
    ids = ",".join(str(i) for i in np.random.default_rng(2).integers(0, 128, 40))
    pool = os.path.join(work, "llama.h5")
    code, _, err = script(model_dir, "-o", pool, "--prompt-ids", ids)
    if not log.check("Llama: dump_qk.py exit 0", code == 0, 0, "%d %s" % (code, err.strip()[-300:])):
        return
    with h5py.File(pool, "r") as f:
        g = f["runs/qk-layer1-head2"]
        pos = g["positions"][()]
        log.check("Llama: positions (p, p, p)", np.array_equal(pos, np.repeat(np.arange(40.0)[:, None], 3, axis=1)),
                  "0 .. 39", pos[:4].tolist())
        log.check("Llama: method vanilla", g.attrs["method"] == "vanilla", "vanilla", g.attrs["method"])
        q, k = g["queries"][()], g["keys"][()]
    check_layer0("Llama", pool, model_dir, np.arange(40), 1e-5, False, 4, 2, 32)
    offsets, theory = mc_theory(os.path.join(model_dir, "config.json"), "vanilla", pool, "/runs/qk-layer1-head2",
                                "0:60000:3000")
    if theory is not None:
        theta = 1e4 ** (-2.0 * np.arange(16) / 32)
        a, b = halves(32)
        want = expected_preference(q, k, a, b, offsets[:, :1] * theta[None, :])
        err = float(np.max(np.abs(theory - want) / (1 + np.abs(want))))
        log.check("Llama: vanilla theory against NumPy", err <= 1e-10, "|error| <= 1e-10", err, err, 1e-10)


def check_partial(work):
    from transformers import GPTNeoXConfig, GPTNeoXForCausalLM
    torch.manual_seed(3)
    config = GPTNeoXConfig(vocab_size=128, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                           num_attention_heads=4, partial_rotary_factor=0.25, rope_theta=10000.0,
                           max_position_embeddings=4096)
    model_dir = os.path.join(work, "neox")
    GPTNeoXForCausalLM(config).save_pretrained(model_dir)
    ids = ",".join(str(i) for i in np.random.default_rng(4).integers(0, 128, 40))
    pool = os.path.join(work, "neox.h5")
    code, _, err = script(model_dir, "-o", pool, "--prompt-ids", ids, "--layers", "1")
    if not log.check("GPT-NeoX: dump_qk.py exit 0", code == 0, 0, "%d %s" % (code, err.strip()[-300:])):
        return
    d, r = 32, 8
    with h5py.File(pool, "r") as f:
        g = f["runs/qk-layer1-head1"]
        log.check("GPT-NeoX: rotary_dim", g.attrs["rotary_dim"] == r, r, g.attrs["rotary_dim"])
        log.check("GPT-NeoX: method p-rope", g.attrs["method"] == "p-rope", "p-rope", g.attrs["method"])
        q, k = g["queries"][()], g["keys"][()]
    offsets, theory = mc_theory(os.path.join(model_dir, "config.json"), "p-rope", pool, "/runs/qk-layer1-head1",
                                "0:60000:3000")
    if theory is None:
        return
    # The file's columns are the model's reordered (scripts/dump_qk.py): undo it, then transformers'
    # partial rotary: pairs (i, i + r/2) of the first r dimensions at theta_i = b^(-2i/r).
    order = np.concatenate([np.arange(0, r // 2), np.arange(r, r + (d - r) // 2), np.arange(r // 2, r),
                            np.arange(r + (d - r) // 2, d)])
    model_q, model_k = np.empty_like(q), np.empty_like(k)
    model_q[:, order], model_k[:, order] = q, k
    theta = 1e4 ** (-2.0 * np.arange(r // 2) / r)
    want = expected_preference(model_q, model_k, np.arange(r // 2), np.arange(r // 2) + r // 2,
                               offsets[:, :1] * theta[None, :], unrotated=range(r, d))
    err = float(np.max(np.abs(theory - want) / (1 + np.abs(want))))
    log.check("GPT-NeoX: p-rope from --config against transformers' partial rotary", err <= 1e-10,
              "|error| <= 1e-10", err, err, 1e-10)


def check_model_rotary():
    """The method dump_qk.py names for configs transformers makes: Qwen3.5's partial interleaved
    M-RoPE is qwen35 (not mrope-interleave, whose pairs all rotate), Qwen3-VL's full one is not."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
    import dump_qk
    try:
        from transformers import Qwen3_5Config, Qwen3VLConfig
    except ImportError:
        log.check("model_rotary: transformers has Qwen3_5Config (skipped: too old)", True, "", "")
        return
    configs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "configs")
    with open(os.path.join(configs, "qwen3_5.transformers-5.25.0.json")) as f:
        d, r, theta, method, _ = dump_qk.model_rotary(Qwen3_5Config.from_dict(json.load(f)))
    log.check("model_rotary: Qwen3.5 is qwen35 with r = d/4", (method, r * 4) == ("qwen35", d), ("qwen35", d),
              (method, r * 4))
    with open(os.path.join(configs, "qwen3_vl-4b.transformers-5.25.0.json")) as f:
        _, r, _, method, _ = dump_qk.model_rotary(Qwen3VLConfig.from_dict(json.load(f)))
    log.check("model_rotary: Qwen3-VL is mrope-interleave (twin)", method == "mrope-interleave", "mrope-interleave",
              method)


def expect_refused(args, needles, what):
    code, out, err = script(*args)
    lines = err.strip().splitlines()
    log.check(what + ": exit 2", code == 2, 2, "%d %s" % (code, err.strip()[-300:]))
    log.check(what + ": one stderr line", len(lines) == 1, 1, len(lines))
    for n in needles:
        log.check(what + ": names " + n, n in err, n, err.strip()[-300:])


def check_refusals(work):
    from transformers import GlmConfig, GlmForCausalLM, StableLmConfig, StableLmForCausalLM
    torch.manual_seed(5)
    glm = os.path.join(work, "glm")
    GlmForCausalLM(GlmConfig(vocab_size=128, hidden_size=64, intermediate_size=128, num_hidden_layers=1,
                             num_attention_heads=4, num_key_value_heads=2, head_dim=16, pad_token_id=0,
                             eos_token_id=1, bos_token_id=2)).save_pretrained(glm)
    expect_refused([glm, "-o", os.path.join(work, "glm.h5"), "--prompt-ids", "3,4,5,6,7,8"],
                   ["not rotate-half"], "GLM's interleaved pairs")
    stablelm = os.path.join(work, "stablelm")
    StableLmForCausalLM(StableLmConfig(vocab_size=128, hidden_size=128, intermediate_size=256, num_hidden_layers=1,
                                       num_attention_heads=4, num_key_value_heads=4, partial_rotary_factor=0.25,
                                       pad_token_id=0)).save_pretrained(stablelm)
    expect_refused([stablelm, "-o", os.path.join(work, "stablelm.h5"), "--prompt-ids", "3,4,5,6"],
                   ["8 dimensions", "32"], "StableLM's rotated slice")
    expect_refused([os.path.join(work, "nowhere"), "-o", os.path.join(work, "x.h5"), "--prompt-ids", "1,2"],
                   ["nowhere"], "missing model directory")
    expect_refused([glm, "-o", os.path.join(work, "x.h5"), "--prompt-ids", "1,2", "--rows", "video"],
                   ["--rows video"], "--rows video without a video")
    existing = os.path.join(work, "exists.h5")
    open(existing, "w").close()
    expect_refused([glm, "-o", existing, "--prompt-ids", "1,2"], ["exists", "--force"], "existing output")


def main():
    with tempfile.TemporaryDirectory(prefix="hopelab-dumpqk-") as work:
        check_qwen2vl(work)
        check_llama(work)
        check_partial(work)
        check_refusals(work)
        check_model_rotary()
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
