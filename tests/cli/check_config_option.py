#!/usr/bin/env python3
"""`--config PATH`: a model's config.json sets the method fields (docs/usage.md "Your own model").

Usage: check_config_option.py PATH/TO/hopelab
  * on the config.json files transformers wrote (tests/ref/golden/configs), every command that
    takes method options (theory first-violation / preference / allocation,
    mc preference, `hopelab unit KIND`, theory report) resolves to the settings of the same
    command given head_dim, base and sections by hand, typed out below from the models' hub
    configs; sections only for the methods that read per-axis pair counts;
  * a partial rotary (StableLM: 20 of 80 dimensions, rope_theta 10^4) is p-rope: its closed-form
    preference D(m) equals 2 sum_{i < r/2} cos(m b^(-2i/r)) + (d - r), computed here from the
    config's numbers alone (|error| <= 1e-12 d); twin: the same sum with theta_i = b^(-2i/d)
    (the config's base taken as p-rope's) differs from hopelab's by far more than that;
  * Qwen3.5's config.json (64 of 256 dimensions, rope_theta 10^7, mrope_section [11, 11, 10]) is
    method qwen35 with rotary_fraction 0.25: D at offsets (t, h, w) equals the same sum with pair i
    reading h for i % 3 = 1, i < 33, w for i % 3 = 2, i < 30, else t (Qwen3.5's
    recomposition_frequencies), likewise to 1e-12 d, with the same twin; a Qwen3-VL config under
    qwen35 rotates every dimension (rotary_fraction 1);
  * a flag that agrees with the config is accepted, one that disagrees, a partial rotary under
    another method, and a missing or malformed config are refused: exit 2, nothing on stdout,
    one stderr line naming the flag or key.
Prints one line per failed check and exits 1 if any failed.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "ref"))
from check_log import CheckLog  # noqa: E402

CLI = sys.argv[1]
CONFIGS = os.path.join(HERE, os.pardir, "ref", "golden", "configs")
log = CheckLog()


def config(name):
    return os.path.join(CONFIGS, name)


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def settings(*args):
    code, out, err = run(*args, "--json")
    if code != 0:
        log.fail(" ".join(args), "exit 0", "exit %d: %s" % (code, err.strip()))
        return None
    return json.loads(out)


# (config file, method, the settings typed out from the hub config)
CASES = [
    ("qwen2_vl-2b.transformers-4.45.2.json", "mrope", {"head_dim": 128, "base": 1e6, "sections": "16,24,24"}),
    ("qwen2_vl-2b.transformers-5.25.0.json", "hope", {"head_dim": 128, "base": 1e6, "sections": "16,24,24"}),
    ("qwen2_5_vl-3b.transformers-4.57.1.json", "videorope", {"head_dim": 128, "base": 1e6, "sections": "16,24,24"}),
    ("qwen3_vl-4b.transformers-5.25.0.json", "mrope-interleave", {"head_dim": 128, "base": 5e6, "sections": "24,20,20"}),
    ("qwen2_vl-2b.transformers-4.57.1.json", "vanilla", {"head_dim": 128, "base": 1e6, "sections": ""}),
    ("llama-7b.transformers-4.45.2.json", "vanilla", {"head_dim": 128, "base": 1e4, "sections": ""}),
    ("qwen2_vl-tiny.transformers-5.25.0.json", "mhrope", {"head_dim": 32, "base": 1e6, "sections": ""}),
    ("qwen3_5.transformers-5.25.0.json", "qwen35",
     {"head_dim": 256, "base": 1e7, "sections": "11,11,10", "rotary_fraction": 0.25}),
    ("qwen3_vl-4b.transformers-5.25.0.json", "qwen35",
     {"head_dim": 128, "base": 5e6, "sections": "24,20,20", "rotary_fraction": 1.0}),
]

COMMANDS = [
    ["theory", "first-violation"],
    ["theory", "preference", "--offset", "500,400,300"],
    ["theory", "allocation"],
    ["mc", "preference", "--offsets", "0:2000:1000", "--samples", "200"],
    ["unit", "first-violation"],
]


def by_hand(want):
    flags = ["--head-dim", str(want["head_dim"]), "--base", repr(want["base"])]
    if want["sections"]:
        flags += ["--sections", want["sections"]]
    if "rotary_fraction" in want:
        flags += ["--rotary-fraction", repr(want["rotary_fraction"])]
    return flags


def check_resolved():
    for name, method, want in CASES:
        for command in COMMANDS:
            case = "%s %s %s" % (" ".join(command[:2]), method, name)
            got = settings(*command, "--method", method, "--config", config(name))
            ref = settings(*command, "--method", method, *by_hand(want))
            if got is None or ref is None:
                continue
            for key, value in want.items():
                log.check(case + ": " + key, got["settings"].get(key) == value, value, got["settings"].get(key))
            log.check(case + ": settings as given by hand", got["settings"] == ref["settings"], ref["settings"],
                      got["settings"])
            log.check(case + ": datasets as given by hand", got["datasets"] == ref["datasets"], "equal", "different")
    # theory report (no method): the header names d and b.
    code, out, err = run("theory", "report", "--config", config("qwen3_vl-4b.transformers-4.57.1.json"))
    head = out.splitlines()[0] if out else err.strip()
    log.check("theory report --config: d and base", code == 0 and "d = 128, base = 5e+06" in head,
              "d = 128, base = 5e+06", head)


def preference_oracle(m, d, r, theta):
    """2 sum_{i < r/2} cos(m theta^(-2i/r)) + (d - r): HF's partial rotary, unrotated pairs at zero angle."""
    return 2.0 * sum(math.cos(m * theta ** (-2.0 * i / r)) for i in range(r // 2)) + (d - r)


def check_partial():
    name = "stablelm-3b.transformers-5.25.0.json"
    d, r, theta = 80, 20, 1e4  # hidden 2560 / 32 heads, partial_rotary_factor 0.25, rope_theta (typed out)
    worst = 0.0
    twin = 0.0
    for m in (1, 7, 100, 3000, 123456):
        got = settings("theory", "preference", "--method", "p-rope", "--config", config(name),
                       "--offset", "%d,%d,%d" % (m, m, m))
        if got is None:
            return
        value = got["datasets"]["value"]["values"][0]
        worst = max(worst, abs(value - preference_oracle(m, d, r, theta)))
        # Twin: the config's rope_theta as p-rope's base (theta_i = b^(-2i/d)) is another spectrum.
        wrong = 2.0 * sum(math.cos(m * theta ** (-2.0 * i / d)) for i in range(r // 2)) + (d - r)
        twin = max(twin, abs(value - wrong))
    tol = 1e-12 * d
    log.check("p-rope from a partial rotary: D(m) against the oracle", worst <= tol, "|error| <= tol", worst,
              worst, tol)
    log.check("twin: rope_theta taken as p-rope's base differs", twin > 1e3 * tol, "> %g" % (1e3 * tol), twin)
    got = settings("theory", "first-violation", "--method", "p-rope", "--config", config(name))
    if got is not None:
        log.check("partial rotary: keep_fraction r/d", got["settings"]["keep_fraction"] == 0.25, 0.25,
                  got["settings"]["keep_fraction"])


def qwen35_oracle(offset, d, r, theta, over=None):
    """2 sum_{i < r/2} cos(offset[axis(i)] theta^(-2i/r)) + (d - r), axis(i) as Qwen3.5's
    recomposition_frequencies lays mrope_section [11, 11, 10] over the r/2 pairs (`over`: the
    dimension count the frequencies are computed over, r unless given)."""
    def axis(i):
        return 1 if i % 3 == 1 and i < 33 else 2 if i % 3 == 2 and i < 30 else 0
    over = over or r
    return 2.0 * sum(math.cos(offset[axis(i)] * theta ** (-2.0 * i / over)) for i in range(r // 2)) + (d - r)


def check_qwen35():
    name = "qwen3_5.transformers-5.25.0.json"
    d, r, theta = 256, 64, 1e7  # head_dim, 256 * partial_rotary_factor 0.25, rope_theta (typed out)
    worst = twin = 0.0
    for offset in ((1, 1, 1), (7, 7, 7), (3000, 3000, 3000), (123456, 123456, 123456), (5, 40, 900),
                   (2000, 17, 3)):
        got = settings("theory", "preference", "--method", "qwen35", "--config", config(name),
                       "--offset", "%d,%d,%d" % offset)
        if got is None:
            return
        value = got["datasets"]["value"]["values"][0]
        worst = max(worst, abs(value - qwen35_oracle(offset, d, r, theta)))
        # Twin: frequencies over d (rope_theta as a full spectrum's base) on the same pairs.
        wrong = qwen35_oracle(offset, d, r, theta, over=d)
        twin = max(twin, abs(value - wrong))
    # As check_partial: P = 128 double cosines of angles up to ~1.2e5 rad, summed.
    tol = 1e-12 * d
    log.check("qwen35 from Qwen3.5's config: D(offset) against the oracle", worst <= tol, "|error| <= tol", worst,
              worst, tol)
    log.check("qwen35 twin: frequencies over d differ", twin > 1e3 * tol, "> %g" % (1e3 * tol), twin)


def expect_refused(args, needles, what):
    code, out, err = run(*args)
    lines = err.strip().splitlines()
    log.check(what + ": exit 2", code == 2, 2, code)
    log.check(what + ": nothing on stdout", out == "", "''", repr(out[:80]))
    log.check(what + ": one stderr line", len(lines) == 1, 1, len(lines))
    for n in needles:
        log.check(what + ": names " + n, n in err, n, err.strip()[:240])


def check_flags_and_refusals(work):
    qwen = config("qwen2_vl-2b.transformers-5.25.0.json")
    code, _, err = run("theory", "first-violation", "--method", "mrope", "--config", qwen, "--base", "1000000",
                       "--head-dim", "128", "--sections", "16,24,24")
    log.check("flags that agree with the config are accepted", code == 0, 0, "%d %s" % (code, err.strip()))
    expect_refused(["theory", "first-violation", "--method", "mrope", "--config", qwen, "--base", "5e5"],
                   ["--base 5e5", "rope_theta 1e+06", "disagrees"], "--base against rope_theta")
    expect_refused(["theory", "first-violation", "--method", "mrope", "--config", qwen, "--head-dim", "64"],
                   ["--head-dim 64", "head dim 128"], "--head-dim against the config")
    expect_refused(["mc", "preference", "--method", "hope", "--config", qwen, "--sections", "8,28,28", "--offsets",
                    "0:10:10"], ["--sections 8,28,28", "mrope_section [16,24,24]"], "--sections against the config")
    expect_refused(["theory", "first-violation", "--method", "vanilla", "--config",
                    config("stablelm-3b.transformers-4.45.2.json")],
                   ["partial_rotary_factor 0.25", "p-rope", "qwen35", "vanilla"], "partial rotary under vanilla")
    expect_refused(["theory", "first-violation", "--method", "qwen35", "--config",
                    config("qwen3_5.transformers-5.25.0.json"), "--rotary-fraction", "0.5"],
                   ["--rotary-fraction 0.5", "partial_rotary_factor 0.25"], "--rotary-fraction against the config")
    expect_refused(["theory", "report", "--config", config("stablelm-3b.transformers-4.57.1.json")],
                   ["partial_rotary_factor", "p-rope"], "partial rotary in theory report")
    expect_refused(["theory", "first-violation", "--method", "mrope", "--config", os.path.join(work, "none.json")],
                   ["--config", "none.json"], "missing config")
    hostile = os.path.join(work, "hostile.json")
    with open(hostile, "w") as f:
        json.dump({"model_type": "x\u001b[31m", "hidden_size": 64, "num_attention_heads": 2}, f)
    code, out, err = run("theory", "first-violation", "--method", "mrope", "--config", hostile)
    log.check("hostile model_type: exit 2", code == 2, 2, code)
    log.check("hostile model_type: no raw control character", "\x1b" not in err, "escaped", repr(err[:120]))
    yarn = os.path.join(work, "yarn.json")
    with open(yarn, "w") as f:
        json.dump({"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "rope_theta": 5e5,
                   "rope_scaling": {"rope_type": "llama3", "factor": 8.0}}, f)
    expect_refused(["theory", "first-violation", "--method", "vanilla", "--config", yarn],
                   ["rope_scaling.rope_type", "llama3"], "scaled rope type")


def main():
    check_resolved()
    check_partial()
    check_qwen35()
    with tempfile.TemporaryDirectory(prefix="hopelab-config-") as work:
        check_flags_and_refusals(work)
    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
