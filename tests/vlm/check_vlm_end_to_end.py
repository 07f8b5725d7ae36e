#!/usr/bin/env python3
"""End-to-end checks of the C++ VLM through the CLI (docs/vlm.md "End-to-end checks").

usage: check_vlm_end_to_end.py HOPELAB

1. hopelab's logits equal the independent NumPy reference (tests/ref/vlm_reference.py compare,
   its derived float32 tolerance) for vanilla, mrope, mrope-interleave, videorope and hope; a
   wrong method must fail the comparison (the twin).
2. hopelab's mrope logits equal transformers' Qwen2VLForConditionalGeneration on the committed
   golden (tests/ref/golden/hopelab_tiny_seed1.json) within twice the reference's tolerance:
   transformers' float64 run still computes norms, softmax and rotary phases in float32, so its
   own error is of the order of one float32 evaluation.
3. `hopelab vlm positions` (the positions inside the model) equal `hopelab positions --layout` of
   the layout the model read, for every method (one code path).
4. `hopelab vlm check --all-methods` passes (cached decode, shift invariance, positions, the
   semantic preference on layer 0), and generation is deterministic.
5. Bad inputs exit 2 with one line naming the value.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ref"))
from check_log import CheckLog  # noqa: E402
from vlm_ref_safetensors import read_safetensors  # noqa: E402

REFERENCE = os.path.join(HERE, "..", "ref", "vlm_reference.py")
GOLDEN = os.path.join(HERE, "..", "ref", "golden", "hopelab_tiny_seed1.json")
METHODS = ["vanilla", "mrope", "mrope-interleave", "videorope", "hope"]
log = CheckLog(tolerances=False, passes=True)  # "ok   case: ..." lines record each comparison's numbers


def run(cmd, expect=0):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != expect:
        log.fail(" ".join(cmd), "exit %d" % expect, "exit %d: %s" % (p.returncode, (p.stdout + p.stderr).strip()[-400:]))
    return p


def main():
    hopelab = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="vlm_e2e_")
    model, prompt = os.path.join(tmp, "tiny"), os.path.join(tmp, "input.safetensors")
    # The golden's commands (its provenance): seed 1 checkpoint, seed 1 default prompt.
    run([hopelab, "vlm", "init", "--preset", "tiny", "--seed", "1", "-o", model])
    run([hopelab, "vlm", "input", "--model", model, "--seed", "1", "-o", prompt])

    tolerances = {}
    for m in METHODS:
        out = os.path.join(tmp, "logits_%s.safetensors" % m)
        run([hopelab, "vlm", "logits", "--model", model, "--input", prompt, "--method", m, "-o", out])
        p = run([sys.executable, REFERENCE, "compare", "--model", model, "--input", prompt, "--method", m,
                 "--logits", out])
        r = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {}
        tolerances[m] = r.get("tolerance", 0.0)
        log.check("numpy reference %s, worst index %s" % (m, r.get("worst_index")), r.get("ok") is True,
                  "reference %s" % r.get("expected"), "hopelab %s" % r.get("actual"), "%.3g" % r.get("error", -1),
                  "%.3g" % r.get("tolerance", -1))
    # Twin: hopelab's hope logits against the reference's mrope must fail (exit 1).
    p = run([sys.executable, REFERENCE, "compare", "--model", model, "--input", prompt, "--method", "mrope",
             "--logits", os.path.join(tmp, "logits_hope.safetensors")], expect=1)
    log.check("twin: hope logits fail the mrope reference", p.returncode == 1, "exit 1", "exit %d" % p.returncode)

    golden = json.load(open(GOLDEN))
    logits = read_safetensors(os.path.join(tmp, "logits_mrope.safetensors"))[0]["logits"]
    c0, c1 = golden["columns"]
    worst, where, golden_value, hopelab_value = 0.0, None, None, None
    for row, expected in zip(golden["rows"], golden["logits_float64"]):
        for j, e in enumerate(expected):
            err = abs(float(logits[row][c0 + j]) - e)
            if err > worst:
                worst, where, golden_value, hopelab_value = err, (row, c0 + j), e, float(logits[row][c0 + j])
    tol = 2 * tolerances["mrope"]
    log.check("transformers golden (mrope; transformers %s), worst (row, column) %s"
              % (golden["provenance"]["transformers"], where), worst <= tol and tol > 0,
              "transformers %r" % (golden_value,), "hopelab %r" % (hopelab_value,), "%.3g" % worst, "%.3g (> 0)" % tol)
    argmax = [int(max(range(len(logits[r])), key=lambda j: logits[r][j])) for r in golden["rows"]]
    log.check("transformers golden argmax", argmax == golden["full_row_argmax_float64"],
              "transformers %s" % golden["full_row_argmax_float64"], "hopelab %s" % argmax)

    # The model commands take every method option of the method commands (one schema) except the
    # three the checkpoint decides.
    for m in METHODS + ["hope --gamma 0.5", "videorope --delta 3", "hope --design qwen2vl",
                        "p-rope --keep-fraction 0.5", "v2pe --visual-step 0.25",
                        "mrope --design qwen25vl --fps 3 --tokens-per-second 2",
                        "mrope --design qwen25vl --fps 0.7 --tokens-per-second 4 --time-convention transformers-4.57",
                        "qwen3vl", "qwen3vl --timestamp-tokens 3"]:
        flags = m.split()
        inside = json.loads(run([hopelab, "vlm", "positions", "--model", model, "--input", prompt, "--method"] + flags).stdout)
        outside = json.loads(run([hopelab, "positions", "--layout", inside["layout"], "--json", "--method"] + flags).stdout)
        differ = [a for a in "thw" if inside[a] != outside["datasets"][a]["values"]]
        log.check("positions %s (layout %s, %d tokens)" % (m, inside["layout"], len(inside["t"])), not differ,
                  "hopelab positions --layout's t, h, w", "equal" if not differ else "axes %s differ" % differ)

    for flag in ["--head-dim", "--base", "--pair-layout"]:
        p = subprocess.run([hopelab, "vlm", "positions", "--model", model, "--input", prompt, flag, "64"],
                           capture_output=True, text=True)
        lines = p.stderr.strip().splitlines()
        log.check("vlm positions refuses %s (the checkpoint decides it)" % flag,
                  p.returncode == 2 and len(lines) == 1 and flag in lines[0] and not p.stdout,
                  "exit 2, one line naming %s" % flag, "exit %d: %r" % (p.returncode, p.stderr.strip()))

    # The same weights written as shards with an index load to the same logits.
    sharded = os.path.join(tmp, "tiny_sharded")
    run([hopelab, "vlm", "init", "--preset", "tiny", "--seed", "1", "--max-shard-bytes", "400000", "-o", sharded])
    shards = [f for f in os.listdir(sharded) if f.endswith(".safetensors")]
    out = os.path.join(tmp, "logits_sharded.safetensors")
    run([hopelab, "vlm", "logits", "--model", sharded, "--input", prompt, "--method", "mrope", "-o", out])
    same = os.path.exists(out) and (read_safetensors(out)[0]["logits"] == logits).all()
    index = os.path.exists(os.path.join(sharded, "model.safetensors.index.json"))
    log.check("sharded checkpoint", len(shards) > 1 and index and same, "> 1 shards, an index, identical logits",
              "%d shards, index %s, logits identical: %s" % (len(shards), index, same))

    p = run([hopelab, "vlm", "check", "--model", model, "--all-methods", "--json"])
    report = json.loads(p.stdout) if p.stdout else {"passed": False, "checks": []}
    verdicts = sorted({c["verdict"] for c in report["checks"]})
    log.check("vlm check --all-methods", report["passed"] and len(report["checks"]) == 20 and verdicts == ["pass"],
              "passed, 20 checks, verdicts ['pass']",
              "passed %s, %d checks, verdicts %s" % (report["passed"], len(report["checks"]), verdicts))
    a = run([hopelab, "vlm", "generate", "--model", model, "--input", prompt, "--method", "hope", "--json"]).stdout
    b = run([hopelab, "vlm", "generate", "--model", model, "--input", prompt, "--method", "hope", "--json"]).stdout
    # The tokens, not the whole output: provenance's created_utc ticks between two runs.
    a = json.loads(a)["tokens"] if a else []
    b = json.loads(b)["tokens"] if b else None
    log.check("generate is deterministic", a == b and len(a) >= 1, "the same >= 1 tokens twice",
              "%s" % a if a == b else "%s, then %s" % (a, b))

    for args, needle in [(["--method", "rope-9d"], "rope-9d"), (["--gamma", "-1", "--method", "hope"], "-1"),
                         (["--sections", "1,2"], "1,2")]:
        p = run([hopelab, "vlm", "logits", "--model", model, "--input", prompt, "-o", os.path.join(tmp, "bad.st")] + args,
                expect=2)
        lines = p.stderr.strip().splitlines()
        written = os.path.exists(os.path.join(tmp, "bad.st"))
        log.check("bad %s" % " ".join(args), len(lines) == 1 and needle in lines[0] and not written,
                  "one stderr line naming %r, no output" % needle, "%r, output %s" % (p.stderr.strip(), written))

    return log.finish()


if __name__ == "__main__":
    sys.exit(main())
