#!/usr/bin/env python3
"""hopelab loads checkpoints whose config.json transformers itself wrote.

Usage: check_transformers_configs.py PATH/TO/hopelab
  * the committed tests/ref/golden/configs/qwen2_vl-tiny.transformers-{4.45.2,4.57.1,5.25.0}.json
    (tests/ref/make_config_goldens.py: save_pretrained of one Qwen2VLConfig by each version;
    4.45.2 leaves the vision keys equal to their defaults out, 5.x nests the language settings
    under text_config) each go, verbatim, beside the same random weights (written here with
    NumPy, tests/ref/vlm_ref_fixtures.py); `hopelab vlm inspect --json` shows the sizes typed out
    below for all three, and `hopelab vlm logits` gives identical logits for all three (twin: the
    5.x file with another rope_theta gives other logits);
  * edits of those files that hopelab must refuse (a language setting that disagrees between the
    top level and text_config, a scaled rope type, another model_type, a mistyped nested value)
    exit 2 with nothing on stdout and one stderr line naming the key.
Prints one line per failed check and exits 1 if any failed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402
from vlm_ref_fixtures import random_weights  # noqa: E402
from vlm_ref_safetensors import read_safetensors, write_safetensors  # noqa: E402

CLI = sys.argv[1]
CONFIGS = os.path.join(HERE, os.pardir, "ref", "golden", "configs")
VERSIONS = ["4.45.2", "4.57.1", "5.25.0"]
log = CheckLog(tolerances=False)

# The model every tiny file describes (make_config_goldens.py's QWEN2VL_TINY), typed out.
EXPECTED = {"vocab_size": 1024, "hidden_size": 128, "intermediate_size": 256, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 2, "rope_theta": 1e6, "mrope_section": [4, 6, 6],
            "tie_word_embeddings": False}
EXPECTED_VISION = {"depth": 2, "embed_dim": 32, "num_heads": 2, "patch_size": 14, "spatial_merge_size": 2,
                   "temporal_patch_size": 2}
# What inspect does not print, random_weights needs: mlp_ratio, channels and the vision width.
# (A wrong one of those would not load: the tensors' shapes follow them.)
WEIGHTS_ONLY_VISION = {"mlp_ratio": 4, "in_chans": 3, "hidden_size": 128}


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def weights_config():
    """The keys random_weights reads, for the expected model."""
    cfg = dict(EXPECTED)
    cfg["vision_config"] = dict(EXPECTED_VISION, **WEIGHTS_ONLY_VISION)
    return cfg


def expect_refused(directory, needles, what):
    code, out, err = run("vlm", "inspect", directory)
    lines = err.strip().splitlines()
    log.check(what + ": exit 2", code == 2, 2, code)
    log.check(what + ": nothing on stdout", out == "", "''", repr(out[:80]))
    log.check(what + ": one stderr line", len(lines) == 1, 1, len(lines))
    for n in needles:
        log.check(what + ": names " + n, n in err, n, err.strip()[:200])


def main():
    work = tempfile.mkdtemp(prefix="hopelab-hfconfigs-")
    try:
        weights = random_weights(weights_config(), np.random.default_rng(3))
        logits = {}
        dirs = {}
        for version in VERSIONS:
            d = os.path.join(work, version)
            os.makedirs(d)
            shutil.copy(os.path.join(CONFIGS, "qwen2_vl-tiny.transformers-%s.json" % version),
                        os.path.join(d, "config.json"))
            write_safetensors(os.path.join(d, "model.safetensors"), weights, {k: "F32" for k in weights},
                              metadata={"format": "pt"})
            dirs[version] = d
            code, out, err = run("vlm", "inspect", d, "--json")
            if not log.check("transformers %s: vlm inspect exit 0" % version, code == 0, 0, "%d %s" % (code, err.strip())):
                continue
            got = json.loads(out)
            for key, want in EXPECTED.items():
                value = got.get(key)
                log.check("transformers %s: %s" % (version, key), value == want, want, value)
            vision = got.get("vision", {})
            for key, want in EXPECTED_VISION.items():
                value = vision.get(key)
                log.check("transformers %s: vision %s" % (version, key), value == want, want, value)
        # One input, three loads of the same weights: identical logits.
        inp = os.path.join(work, "input.safetensors")
        code, _, err = run("vlm", "input", "--model", dirs["5.25.0"], "-o", inp, "--seed", "1")
        log.check("vlm input exit 0", code == 0, 0, "%d %s" % (code, err.strip()))
        for version in VERSIONS:
            out_path = os.path.join(work, "logits-%s.safetensors" % version)
            code, _, err = run("vlm", "logits", "--model", dirs[version], "--input", inp, "-o", out_path, "--last-only")
            if log.check("transformers %s: vlm logits exit 0" % version, code == 0, 0, "%d %s" % (code, err.strip())):
                logits[version] = read_safetensors(out_path)[0]["logits"]
        if len(logits) == len(VERSIONS):
            for version in VERSIONS[:-1]:
                same = np.array_equal(logits[version], logits["5.25.0"])
                log.check("logits of %s's config equal 5.25.0's" % version, same, "identical values",
                          "max difference %g" % np.max(np.abs(logits[version] - logits["5.25.0"])))

        # Refusals, each an edit of a file transformers wrote.
        def edited(version, edit, name):
            d = os.path.join(work, name)
            shutil.copytree(dirs[version], d)
            with open(os.path.join(d, "config.json")) as f:
                cfg = json.load(f)
            edit(cfg)
            with open(os.path.join(d, "config.json"), "w") as f:
                json.dump(cfg, f)
            return d

        # Twin: the comparison sees a setting that differs (rope_theta 10^4 instead of 10^6).
        other = edited("5.25.0", lambda c: c["text_config"]["rope_parameters"].__setitem__("rope_theta", 1e4), "theta")
        out_path = os.path.join(work, "logits-theta.safetensors")
        code, _, err = run("vlm", "logits", "--model", other, "--input", inp, "-o", out_path, "--last-only")
        if log.check("twin: vlm logits exit 0", code == 0, 0, "%d %s" % (code, err.strip())) and "5.25.0" in logits:
            log.check("twin: another rope_theta changes the logits",
                      not np.array_equal(read_safetensors(out_path)[0]["logits"], logits["5.25.0"]), "different",
                      "identical")

        expect_refused(edited("4.57.1", lambda c: c["text_config"].__setitem__("num_attention_heads", 8), "disagree"),
                       ["text_config.num_attention_heads", "disagrees", "8", "4"], "4.57 layout, settings disagree")
        expect_refused(edited("5.25.0", lambda c: c["text_config"]["rope_parameters"].__setitem__("rope_type", "yarn"),
                              "yarn"),
                       ["text_config.rope_parameters.rope_type", "yarn"], "5.x layout, yarn rope")
        expect_refused(edited("5.25.0", lambda c: c["text_config"].__setitem__("hidden_size", "128"), "mistyped"),
                       ["text_config.hidden_size", "\"128\""], "5.x layout, mistyped hidden_size")
        expect_refused(edited("4.45.2", lambda c: c.__setitem__("model_type", "qwen2_5_vl"), "other-model"),
                       ["model_type", "qwen2_5_vl"], "another model_type")
        expect_refused(edited("4.45.2", lambda c: c["vision_config"].__setitem__("mlp_ratio", 2.5), "ratio"),
                       ["vision_config.mlp_ratio", "2.5"], "4.45.2 layout, fractional mlp_ratio")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
